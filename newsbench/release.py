"""Cut a corpus release: build the gold sheets, assign splits, write files, manifest and dataset card.

A released version's files never change; `release` refuses to write into an existing version.
Splits follow one documented rule (docs/dataset-card.md, "Splits"): an article keeps the split it
had in earlier releases; new articles are grouped by domain, ordered by (genre, SHA-256 of id) and
dealt round the cycle SPLIT_CYCLE, which keeps every domain and most genres in every split.
Corpus 0.2 used a seven-step cycle (3/7 train); from 0.4 on the cycle sends a third of the new
articles to test, so that the test split can tell systems apart (0.4: at least 50 test articles).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Optional

import yaml

from .loading import SPLITS
from .outputs import write_text
from .sheets import build_sheet
from .validation import count_lines, semantic_problems, schema_problems, sha256_file

SPLIT_CYCLE = ("test", "train", "validation", "train", "test", "train",
               "test", "train", "validation", "test", "train", "train")


def dumps_record(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def write_jsonl(path: Path, records) -> None:
    """One compact JSON object per line, written atomically."""
    write_text(path, "".join(dumps_record(r) + "\n" for r in records))


def assign_splits(records: list[dict], previous: dict[str, str]) -> dict[str, str]:
    out = {r["id"]: previous[r["id"]] for r in records if r["id"] in previous}
    by_domain: dict[str, list[dict]] = {}
    for r in records:
        if r["id"] not in out:
            by_domain.setdefault(r["meta"]["domain"], []).append(r)
    for domain in sorted(by_domain):
        ordered = sorted(by_domain[domain],
                         key=lambda r: (r["meta"]["genre"], hashlib.sha256(r["id"].encode()).hexdigest()))
        for k, r in enumerate(ordered):
            out[r["id"]] = SPLIT_CYCLE[k % len(SPLIT_CYCLE)]
    return out


def previous_splits(corpus_root: Path) -> dict[str, str]:
    from .loading import released_versions
    out: dict[str, str] = {}
    for vdir in (corpus_root / v for v in released_versions(corpus_root)):
        for s in SPLITS:
            f = vdir / f"{s}.jsonl"
            if f.exists():
                for line in f.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        out.setdefault(json.loads(line)["id"], s)
    return out


def read_provenance(path: Path) -> dict[str, dict]:
    """Article id -> meta.annotation, from annotations/provenance.yaml (defaults merged into each entry)."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ValueError(f"{path}: cannot read the provenance file: {str(err).splitlines()[0]}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("articles"), dict):
        raise ValueError(f"{path}: a provenance file is a mapping with 'defaults' and 'articles'")
    defaults = doc.get("defaults") or {}
    out = {}
    for aid, entry in doc["articles"].items():
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: articles.{aid}: must be a mapping")
        out[str(aid)] = {**defaults, **entry}
    return out


def build_all(sheet_paths: Iterable[Path], text_dir: Optional[Path] = None,
              provenance: Optional[dict[str, dict]] = None) -> list[dict]:
    """Build and fully check every sheet; raise ValueError listing every problem.

    With `provenance`, every record gets its meta.annotation and an article without an entry is
    a problem: a release says who annotated each of its articles.
    """
    records, problems = [], []
    for p in sorted(map(Path, sheet_paths)):
        try:
            rec = build_sheet(p, text_dir)
        except ValueError as err:
            problems.append(str(err))
            continue
        if provenance is not None:
            if rec["id"] not in provenance:
                problems.append(f"{p}: {rec['id']}: no entry in the provenance file (who annotated it?)")
            else:
                rec["meta"]["annotation"] = provenance[rec["id"]]
        found = list(schema_problems(rec)) or list(semantic_problems(rec))
        problems.extend(f"{p}: {rec['id']}: {path}: {reason}" for path, reason in found)
        records.append(rec)
    if problems:
        raise ValueError("\n".join(problems))
    return records


def write_manifest(vdir: Path, version: str, changes: str) -> dict:
    files = {}
    for s in SPLITS:
        f = vdir / f"{s}.jsonl"
        files[f.name] = {"sha256": sha256_file(f), "articles": count_lines(f), "bytes": f.stat().st_size}
    manifest = {"version": version, "released": _dt.date.today().isoformat(), "schema_version": _schema_version(),
                "changes": changes, "files": files}
    write_text(vdir / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _schema_version() -> str:
    from .labels import SCHEMA_VERSION
    return SCHEMA_VERSION


def release(version: str, sheet_paths: Iterable[Path], corpus_root: Path, changes: str,
            text_dir: Optional[Path] = None) -> dict:
    corpus_root = Path(corpus_root)
    vdir = corpus_root / version
    if vdir.exists():
        raise FileExistsError(f"{vdir} exists: a released version never changes; choose a new version")
    sheet_paths = [Path(p) for p in sheet_paths]
    prov_file = sheet_paths[0].parent.parent / "provenance.yaml" if sheet_paths else None
    provenance = read_provenance(prov_file) if prov_file is not None and prov_file.exists() else None
    records = build_all(sheet_paths, text_dir, provenance)
    splits = assign_splits(records, previous_splits(corpus_root))
    staging = Path(tempfile.mkdtemp(dir=corpus_root, prefix=f".{version}."))
    try:
        for s in SPLITS:
            recs = sorted((r for r in records if splits[r["id"]] == s), key=lambda r: r["id"])
            (staging / f"{s}.jsonl").write_text("".join(dumps_record(r) + "\n" for r in recs), encoding="utf-8")
        manifest = write_manifest(staging, version, changes)
        os.replace(staging, vdir)
    finally:
        if staging.exists():  # only when something failed before the rename
            shutil.rmtree(staging)
    return manifest


#: The headline numbers whose test-split interval widths the card shows: (task, metric key, label).
HEADLINE_INTERVALS = (("entities", "strict.micro.f1", "entities strict micro F1 (NAM)"),
                      ("quotes", "content.overlap.f1", "quote content overlap F1"),
                      ("quotes", "speaker.accuracy", "speaker accuracy"),
                      ("events", "Trig-C.f1", "Trig-C F1"),
                      ("events", "Arg-C.f1", "Arg-C F1"),
                      ("frames", "labels.micro.f1", "frame label micro F1"),
                      ("frames", "primary.accuracy", "primary frame accuracy"))


def annotation_summary(articles) -> str:
    """One sentence from the records' meta.annotation: who annotated, how many double, reviewed."""
    anns = [a.meta.annotation for a in articles if a.meta.annotation is not None]
    if not anns:
        return "_The newest version records no per-article annotation provenance._\n"
    kinds = sorted({x.annotator_kind for x in anns})
    double = sum(x.double_annotated for x in anns)
    adjudicated = sum(x.adjudicated for x in anns)
    reviewed = sum(x.reviewed for x in anns)
    versions = ", ".join(sorted({x.guidelines for x in anns}))
    who = " and ".join(f"{k}s" for k in kinds)
    both = "and adjudication " if adjudicated == double else f"({adjudicated} adjudicated) "
    return (f"The {len(articles)} articles were annotated under written guidelines (version {versions}) by {who}, "
            f"with blind double annotation {both}on {double} articles and a blind review of {reviewed} "
            f"single-annotated articles; the other {len(articles) - double - reviewed} were annotated once and "
            f"not reviewed. Each record says which in `meta.annotation`.\n")


def interval_width_table(leaderboard_dir: Path, system: str = "rules") -> str:
    """What difference the test split can detect: the rules baseline's 95% bootstrap intervals on it."""
    f = Path(leaderboard_dir) / f"{system}.test.json"
    if not f.exists():
        return f"_No {system} baseline report in {leaderboard_dir} (run `newsbench leaderboard`)._\n"
    doc = json.loads(f.read_text(encoding="utf-8"))
    rep = doc["report"]
    rows = [f"The `{system}` baseline on the test split ({rep['articles']} articles; `{doc['command']}`, "
            f"{rep['settings']['boot']} bootstrap resamples over articles; signature `{rep['signature']}`):", "",
            "| number | score | 95% interval | width |", "|---|---:|---|---:|"]
    for task, key, label in HEADLINE_INTERVALS:
        t = rep["tasks"].get(task) or {}
        iv, score = (t.get("intervals") or {}).get(key), (t.get("scores") or {}).get(key)
        if iv is None or score is None:
            rows.append(f"| {label} | n/a | n/a | n/a |")
        else:
            rows.append(f"| {label} | {score:.3f} | {iv[0]:.3f}–{iv[1]:.3f} | {iv[1] - iv[0]:.3f} |")
    return "\n".join(rows) + "\n"


def render_card(corpus_root: Path, template: Path) -> str:
    """corpus/README.md: the Hub metadata (`hf.card_data`) and the template rendered with the numbers.

    The template is a Jinja2 template rendered by `huggingface_hub.DatasetCard.from_template`; its
    `{{ card_data }}` is the YAML header. A template without one (a test's) still gets the header.
    """
    from huggingface_hub import DatasetCard

    from .hf import card_data
    from .loading import read_articles, released_versions
    from .stats import corpus_stats, stats_markdown

    corpus_root = Path(corpus_root)
    vs = released_versions(corpus_root)
    if not vs:
        raise ValueError(f"{corpus_root}: no released version (no <version>/manifest.json)")
    newest = vs[-1]
    splits = {s: read_articles(corpus_root / newest / f"{s}.jsonl") for s in SPLITS}
    articles = [a for arts in splits.values() for a in arts]
    versions_table = "| version | released | train | validation | test | changes |\n|---|---|---:|---:|---:|---|\n"
    for v in reversed(vs):
        m = json.loads((corpus_root / v / "manifest.json").read_text(encoding="utf-8"))
        n = {s: m["files"][f"{s}.jsonl"]["articles"] for s in SPLITS}
        versions_table += (f"| {v} | {m['released']} | {n['train']} | {n['validation']} | {n['test']} | "
                           f"{m.get('changes', '')} |\n")

    def report(path: Path, missing: str) -> str:
        return path.read_text(encoding="utf-8") if path.exists() else missing

    values = {
        "newest_version": newest,
        "versions_table": versions_table,
        "stats": stats_markdown(corpus_stats(splits)),
        "agreement": report(corpus_root / "agreement" / "report.md", "_No double annotation released yet._\n"),
        "agreement_with_seed": report(corpus_root / "agreement" / "report-with-seed.md",
                                      "_No double annotation released yet._\n"),
        "agreement_new": report(corpus_root / "agreement" / newest / "report.md", f"_Not measured for {newest}._\n"),
        "error_rates": report(corpus_root / "review" / newest / "report.md", f"_Not measured for {newest}._\n"),
        "annotation_summary": annotation_summary(articles),
        "interval_widths": interval_width_table(corpus_root.parent / "docs" / "leaderboard"),
    }
    from . import cardparts
    values.update(cardparts.sections(corpus_root, newest, splits))
    template_text = Path(template).read_text(encoding="utf-8")
    unknown = sorted(set(re.findall(r"{{\s*(\w+)\s*}}", template_text)) - set(values) - {"card_data"})
    if unknown:  # Jinja2 would render an unknown name as nothing
        raise ValueError(f"{template}: unknown placeholder(s) {', '.join(unknown)} (known: {', '.join(sorted(values))})")
    data = card_data(vs, corpus_root)
    card = DatasetCard.from_template(data, template_str=template_text, **values)
    if not card.data.to_dict():
        card.data = data
    return str(card).rstrip("\n") + "\n"
