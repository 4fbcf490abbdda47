"""Markdown generated from the data for the docs site (called by docs/hooks.py at build time)."""
from __future__ import annotations

import contextlib
import html
import io
from functools import lru_cache
from pathlib import Path

from .loading import latest_version, load, load_all
from .resources import corpus_dir, load_schema


@lru_cache(maxsize=1)
def example_articles() -> list:
    """Examples come from train and validation only: the test split is never shown."""
    v = latest_version()
    return load("train", version=v) + load("validation", version=v)


def examples_block(layer: str, label: str, root: str | None = None) -> str:
    """Example snippets for one label; with `root` (the page's path to the site root) each links to its
    article in the corpus browser."""
    from .render import examples
    return "\n" + examples(example_articles(), layer, label, root=root) + "\n"


def dataset_card() -> str:
    text = (corpus_dir() / "README.md").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    lines = [ln for ln in body.strip().splitlines() if not ln.startswith("# ")]  # the page has its own title
    # the card links the docs sources relative to corpus/README.md; on the site they are siblings
    return "\n".join(lines).strip().replace("](../docs/", "](") + "\n"


def _type_of(prop: dict) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "oneOf" in prop:
        return " or ".join(_type_of(p) for p in prop["oneOf"])
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if prop.get("type") == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    return f"`{prop.get('type', 'any')}`"


def _object_table(obj: dict) -> str:
    req = set(obj.get("required", []))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in obj.get("properties", {}).items():
        desc = prop.get("description", "").replace("|", "\\|")
        rows.append(f"| `{name}` | {_type_of(prop)} | {'yes' if name in req else 'no'} | {desc} |")
    return "\n".join(rows)


def schema_reference(kind: str = "article") -> str:
    s = load_schema(kind)
    parts = [f"### `{kind}.schema.json`\n\n{s['description']}\n\n{_object_table(s)}\n"]
    for name, d in s["$defs"].items():
        parts.append(f"#### {name}\n")
        if d.get("description"):
            parts.append(d["description"] + "\n")
        if "properties" in d:
            parts.append(_object_table(d) + "\n")
        elif "enum" in d:
            parts.append(", ".join(f"`{v}`" for v in d["enum"]) + "\n")
        else:
            parts.append(f"Type: {_type_of(d)}" + (f", pattern `{d['pattern']}`" if "pattern" in d else "") + "\n")
    if kind == "article":
        rows = ["| event type | roles |", "|---|---|"]
        rows += [f"| `{t}` | {', '.join(roles)} |" for t, roles in s["x-event-roles"].items()]
        parts.append("#### Roles per event type (`x-event-roles`)\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def cli_reference() -> str:
    from .cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    parts = ["```text\n" + parser.format_help() + "```\n"]
    for name, p in sub.choices.items():
        parts.append(f"## `newsbench {name}`\n\n```text\n{p.format_help()}```\n")
    return "\n".join(parts)


def api_reference() -> str:
    """mkdocstrings directives for the public API (`newsbench.__all__`): signatures and docstrings are read
    from the source by griffe when the site is built."""
    import newsbench

    parts = []
    for name in newsbench.__all__:
        obj = getattr(newsbench, name)
        if name.startswith("__") or not callable(obj):
            continue
        # the defining path: `newsbench.evaluate` is also a module name, so the function is newsbench.evaluate.evaluate
        parts.append(f"::: {obj.__module__}.{obj.__qualname__}\n    options:\n      heading: \"newsbench.{name}\"\n")
    return "\n".join(parts)


def _esc(s: str) -> str:
    return html.escape(s).replace("|", "&#124;")


def _seed():
    return next(x for x in load_all("0.1") if x.id == "nb-0000")


def seed_page() -> str:
    from .render import article_html

    a = _seed()
    by_id = {m.id: m for m in a.mentions}
    def plain(v) -> str:
        return "—" if v is None else "; ".join(v) if isinstance(v, list) else str(v)
    meta = "\n".join(f"| `{k}` | {_esc(plain(v))} |" for k, v in a.meta.to_dict().items())
    clusters = "\n".join(
        f"| `{c.id}` | {_esc(c.name)} | {c.type} | {c.wikidata or ''} | "
        f"{_esc('; '.join(m.text for m in a.cluster_mentions(c.id)))} |" for c in a.clusters if len(a.cluster_mentions(c.id)) > 1)
    quotes = "\n".join(
        f"| {q.id} | {q.kind} | {_esc(q.text)} | {_esc(q.cue.text) if q.cue else '—'} | "
        f"{_esc(by_id[q.speaker].text) + ' (' + by_id[q.speaker].entity + ')' if q.speaker else '—'} |" for q in a.quotes)
    events = "\n".join(
        f"| {e.id} | `{_esc(e.trigger.text)}` | {e.type} | {e.realis} | "
        f"{_esc('; '.join(f'{x.role}: {by_id[x.mention].text}' for x in e.arguments))} |" for e in a.events)
    return f"""Generated from `corpus/0.1` at build time; hover a highlighted span for its id. The same article, all
layers in one view with switches, is in the [corpus browser](browse/nb-0000.md).

## Metadata

| field | value |
|---|---|
{meta}

## Entities ({len(a.mentions)} mentions, {len(a.clusters)} clusters)

{article_html(a, "entities")}

Clusters with more than one mention:

| cluster | name | type | Wikidata | mentions |
|---|---|---|---|---|
{clusters}

## Quotes ({len(a.quotes)})

{article_html(a, "quotes")}

| id | kind | content | cue | speaker |
|---|---|---|---|---|
{quotes}

## Events ({len(a.events)})

{article_html(a, "events")}

| id | trigger | type | realis | arguments |
|---|---|---|---|---|
{events}

## Frames

Primary: **{a.frames.primary}**; present: {", ".join(f"`{f}`" for f in a.frames.labels)}.
"""


def leaderboard_block(docs_dir) -> str:
    from pathlib import Path

    from .leaderboard import load_reports, render
    reports = load_reports(Path(docs_dir) / "leaderboard")
    if not reports:
        return "_No reports yet: run `newsbench leaderboard`._\n"
    return render(reports)


def brat_example() -> str:
    from .interop.brat import to_brat
    text, ann, side = to_brat(_seed().to_dict())
    lines = ann.splitlines()
    pick = lines[:9] + [ln for ln in lines if ln.startswith("*")][:2] + \
        [ln for ln in lines if ln.startswith("R")][:2] + [ln for ln in lines if ln.startswith("E")][:2]
    return ("`nb-0000.ann` (excerpt: the first mentions, a coreference set, a quote's relations, events):\n\n"
            "```text\n" + "\n".join(pick) + "\n```\n\n`nb-0000.meta.json` carries `meta`, the clusters "
            f"({len(side['clusters'])} here) and the frames.\n")


def conll_example() -> str:
    from .interop.conll import to_conll
    from .tokens import get_tokenizer
    tok = get_tokenizer()
    text, reports = to_conll([_seed()], "conll", tokenizer=tok)
    head = "\n".join(text.splitlines()[:40])
    rep = "\n".join(f"- {r}" for r in reports[:5]) or "- (none)"
    return (f"`newsbench export conll seed.conll --version 0.1 --scheme conll` (first lines; tokenizer: "
            f"{tok.name}):\n\n```text\n{head}\n```\n\n"
            f"Spans reported ({len(reports)} in all; first shown):\n\n{rep}\n")


def hf_example() -> str:
    from .interop.conll import hf_token_classification
    ds, reports = hf_token_classification([_seed()], "ontonotes")
    row = ds[2]
    names = ds.features["ner_tags"].feature.names
    pairs = " ".join(f"{t}/{names[g]}" if g else t for t, g in zip(row["tokens"], row["ner_tags"]))
    return (f"```text\n{ds}\n```\n\n`ner_tags` is a `ClassLabel` with {len(names)} names (`O`, then `B-`/`I-` "
            f"for each type). Row `{row['id']}`, tokens with their non-`O` tags:\n\n> {pairs[:600]}…\n")


def labelstudio_example() -> str:
    import json as _json
    import tempfile
    from pathlib import Path

    from .interop.labelstudio import import_labelstudio
    text = "Kefira Adelund 🏃 won in Lausanne.\r\n\"We did it,\" she said."
    def u16(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2
    def region(rid, span, label):
        s = u16(text[:text.index(span)])
        return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
                "value": {"start": s, "end": s + u16(span), "text": span, "labels": [label]}}
    task = {"id": 1, "data": {"text": text, "id": "ls-demo"}, "annotations": [{"result": [
        region("a", "Kefira Adelund", "PERSON"), region("b", "Lausanne", "GPE"), region("c", "We did it,", "Quote"),
        region("d", "said", "Cue"), region("e", "she", "PERSON"),
        {"id": "e", "type": "choices", "from_name": "level", "to_name": "text", "value": {"choices": ["PRO"]}},
        {"type": "relation", "from_id": "c", "to_id": "e", "labels": ["speaker"]},
        {"type": "relation", "from_id": "c", "to_id": "d", "labels": ["cue"]},
        {"type": "relation", "from_id": "e", "to_id": "a", "labels": ["coref"]}]}]}
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "export.json"
        path.write_text(_json.dumps([task], ensure_ascii=False), encoding="utf-8")
        [rec] = import_labelstudio(path)
    shown = {"text": rec["text"], "mentions": rec["entities"]["mentions"], "quotes": rec["quotes"]}
    return ("A task whose text has an emoji (two UTF-16 code units, one code point) and a CRLF line end; "
            "Label Studio's `start`/`end` for *Lausanne* are "
            f"{task['annotations'][0]['result'][1]['value']['start']}/{task['annotations'][0]['result'][1]['value']['end']} "
            "(UTF-16):\n\n```json\n" + _json.dumps(task, ensure_ascii=False) +
            "\n```\n\nimports as (code points, CRLF folded):\n\n```json\n" +
            _json.dumps(shown, ensure_ascii=False, indent=1) + "\n```\n")


def corpus_stats_block() -> str:
    from .stats import corpus_stats, stats_markdown
    return stats_markdown(corpus_stats(load()))


def llm_prompts_block() -> str:
    """docs/llm.md: every shipped prompt version, its inventories and answer fields, from the files."""
    from .llm.prompts import PROMPT_TASKS, load_prompt, versions

    rows = ["| prompt | lists (labels) | answer | sha256 |", "|---|---|---|---|"]
    for task in PROMPT_TASKS:
        for version in versions(task):
            p = load_prompt(task, version)
            lists = ", ".join(f"{title} ({len(p.definitions.get(inv, {}))})" for inv, title in p.inventories)
            answer = ", ".join(f"`{k}`" for k in p.schema["required"])
            rows.append(f"| `{p.id}` | {lists} | {answer} | `{p.digest[:12]}` |")
    return "\n".join(rows) + "\n"


def benchmark_block() -> str:
    """The latest table `benchmarks/bench_performance.py --markdown benchmarks/results/latest.md` wrote."""
    latest = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "latest.md"
    if not latest.is_file():
        return "*(No benchmark run recorded: run `python benchmarks/bench_performance.py --markdown " \
               "benchmarks/results/latest.md` in a checkout.)*\n"
    return latest.read_text(encoding="utf-8")


GENERATORS = {
    "benchmark": benchmark_block,
    "llm-prompts": llm_prompts_block,
    "dataset-card": dataset_card,
    "schema-article": lambda: schema_reference("article"),
    "schema-prediction": lambda: schema_reference("prediction"),
    "cli": cli_reference,
    "api": api_reference,
    "seed": seed_page,
    "stats": corpus_stats_block,
    "brat-example": brat_example,
    "conll-example": conll_example,
    "hf-example": hf_example,
    "labelstudio-example": labelstudio_example,
}


def generated_block(name: str, docs_dir=None) -> str:
    if name == "leaderboard":
        return leaderboard_block(docs_dir or "docs")
    try:
        gen = GENERATORS[name]
    except KeyError:
        raise ValueError(f"unknown generated block {name!r} (known: {', '.join(GENERATORS)}, leaderboard)") from None
    with contextlib.redirect_stdout(io.StringIO()):
        return gen()
