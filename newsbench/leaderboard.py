"""The leaderboard: every baseline scored on the current corpus, saved as JSON reports, rendered as a page.

`newsbench leaderboard` runs the systems, evaluates them (1,000-sample bootstrap, fixed seed) and
writes one JSON report per (system, split) to docs/leaderboard/; the docs page is generated from
those files at build time, so the page can only show what a command produced.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

SPLITS = ("test", "validation")
SYSTEMS = {
    "rules": "patterns and lexicons for all four layers, no training; coreference by exact string match",
    "majority-frames": "frames: the most frequent primary frame of train, and frames present in over half of train",
    "tfidf-frames": "frames: TF-IDF + one-vs-rest logistic regression, C and threshold tuned on validation",
    "spacy": "entities: a spaCy pipeline's NER (OntoNotes labels, no mapping); coreference by exact string match",
}


#: The columns the page shows per task (the JSON reports keep every headline number).
COLUMNS = {
    "entities": ("strict.micro.f1", "exact.micro.f1", "partial.micro.f1", "type.micro.f1", "strict.macro.f1"),
    "quotes": ("content.exact.f1", "content.overlap.f1", "cue.f1", "speaker.accuracy", "e2e.overlap.f1"),
    "coref": ("muc.f1", "b3.f1", "ceafe.f1", "conll.f1", "ceafm.f1", "blanc.f1", "lea.f1"),
}


def report_path(out_dir: Path, system: str, split: str) -> Path:
    return Path(out_dir) / f"{system}.{split}.json"


def run(out_dir: Path, version: Optional[str] = None, systems: Iterable[str] = ("rules", "majority-frames", "tfidf-frames"),
        splits: Iterable[str] = SPLITS, spacy_model: Optional[str] = None, bootstrap: int = 1000) -> list[Path]:
    """Run, score and save every (system, split); returns the report paths."""
    from .baselines import get_baseline
    from .evaluate import evaluate
    from .loading import load, version_dir
    from .outputs import write_text
    from .systems import run_system

    version = version_dir(version).name
    train, validation = load("train", version=version), load("validation", version=version)
    written = []
    for name in systems:
        system = get_baseline(name)(train=train, validation=validation, model=spacy_model)
        for split in splits:
            preds = run_system(system, split=split, version=version)
            report = evaluate(preds, split=split, version=version, bootstrap=bootstrap)
            model = getattr(system, "model", None)
            command = f"newsbench baseline {name} --version {version}" + (f" --model {model}" if model else "")
            doc = {"system": name, "description": SYSTEMS[name], "model": model, "command": command,
                   "report": report.to_dict(per_type=False)}
            path = report_path(out_dir, name, split)
            write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            written.append(path)
    return written


def submit(out_dir: Path, name: str, description: str, predictions: dict, command: str,
           version: Optional[str] = None, model: Optional[str] = None, bootstrap: int = 1000) -> list[Path]:
    """A row for a system that is not a baseline: score its prediction files ({split: path}) exactly as
    `run` scores the baselines and write the same reports, for a pull request to docs/leaderboard/."""
    import re

    from .evaluate import evaluate
    from .loading import version_dir
    from .outputs import write_text

    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name) or name in SYSTEMS:
        raise ValueError(f"--submit {name!r}: a new lowercase name (letters, digits, . _ -), not a baseline's")
    unknown = sorted(set(predictions) - set(SPLITS))
    if unknown or not predictions:
        raise ValueError(f"predictions for {', '.join(unknown) or 'no split'}: a row has test and/or validation")
    version = version_dir(version).name
    reports = {split: evaluate(path, split=split, version=version, bootstrap=bootstrap)
               for split, path in predictions.items()}   # all scored before anything is written
    written = []
    for split, report in reports.items():
        doc = {"system": name, "description": description, "model": model, "command": command,
               "report": report.to_dict(per_type=False)}
        path = report_path(out_dir, name, split)
        write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def _order(system: str) -> tuple:
    """Baselines first, in their order; submitted systems after them, by name."""
    return (0, list(SYSTEMS).index(system), "") if system in SYSTEMS else (1, 0, system)


def load_reports(out_dir: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(out_dir).glob("*.json"))]


def _cell(task: dict, key: str) -> str:
    v = task["headline"][key]
    if v is None:  # undefined: nothing on either side
        return "n/a"
    lo, hi = task["intervals"].get(key) or (None, None)
    return f"**{v:.3f}**<br><small>[{lo:.3f}, {hi:.3f}]</small>" if lo is not None else f"**{v:.3f}**"


def frames_against_majority(reports: list[dict]) -> str:
    """The issue's check, generated: does tfidf-frames beat the majority-label baseline, and by how much."""
    by = {(r["system"], r["report"]["settings"]["split"]): r["report"]["tasks"].get("frames") for r in reports}
    lines = ["## tfidf-frames against the majority-label baseline\n",
             "| split | metric | majority-frames | tfidf-frames | difference | 95% intervals |",
             "|---|---|---:|---:|---:|---|"]
    for split in ("validation", "test"):
        maj, tf = by.get(("majority-frames", split)), by.get(("tfidf-frames", split))
        if not (maj and tf):
            continue
        for key in ("labels.micro.f1", "labels.macro.f1", "primary.accuracy"):
            a, b = maj["headline"][key], tf["headline"][key]
            ia, ib = maj.get("intervals", {}).get(key), tf.get("intervals", {}).get(key)
            overlap = "n/a" if not (ia and ib) else "overlap" if ia[1] >= ib[0] and ib[1] >= ia[0] else "apart"
            lines.append(f"| {split} | {key} | {a:.3f} | {b:.3f} | {b - a:+.3f} | {overlap} |")
    return "\n".join(lines) + "\n" if len(lines) > 3 else ""


def render(reports: list[dict]) -> str:
    """Markdown: per split and task, one row per system with each headline score and its 95% interval."""
    out = []
    for split in SPLITS:
        rows = [r for r in reports if r["report"]["settings"]["split"] == split]
        if not rows:
            continue
        out.append(f"## {split.capitalize()} split ({rows[0]['report']['articles']} articles)\n")
        tasks = sorted({t for r in rows for t in r["report"]["tasks"]},
                       key=lambda t: ("entities", "quotes", "events", "frames", "coref").index(t))
        for task in tasks:
            have = [r for r in rows if task in r["report"]["tasks"]]
            headline = list(have[0]["report"]["tasks"][task]["headline"])
            keys = [k for k in COLUMNS.get(task, headline) if k in headline]
            out.append(f"### {task}\n")
            out.append("| system | " + " | ".join(keys) + " |")
            out.append("|---|" + "---:|" * len(keys))
            for r in have:
                t = r["report"]["tasks"][task]
                out.append(f"| {r['system']} | " + " | ".join(_cell(t, k) for k in keys) + " |")
            out.append("")
        out.append("Signatures:\n")
        for r in rows:
            out.append(f"- **{r['system']}**: `{r['report']['signature']}`" +
                       (f" (model `{r['model']}`)" if r.get("model") else ""))
        out.append("")
    out.append(frames_against_majority(reports))
    out.append("## Systems\n")
    for r in sorted({r["system"]: r for r in reports}.values(), key=lambda r: _order(r["system"])):
        out.append(f"- **{r['system']}**: {r['description']}. Reproduce: `{r['command']} --split SPLIT -o p.jsonl`, "
                   f"then `newsbench evaluate p.jsonl --split SPLIT`.")
    return "\n".join(out) + "\n"
