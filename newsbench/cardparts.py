"""The dataset card's generated sections: data instance, data fields, tasks, personal information,
bias figures and citation. Each is computed from the records, the schema, the `datasets` features
and CITATION.cff, so the card never states a number or a field that the data does not have.

Links point at the docs sources relative to corpus/README.md (`../docs/schema.md#meta`), which
works on a code host; the docs site page rewrites them (`docsgen.dataset_card`).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Optional

import yaml

from .record import Article
from .resources import load_schema

SCHEMA_PAGE = "../docs/schema.md"


def sections(corpus_root: Path, newest: str, splits: dict[str, list[Article]]) -> dict[str, str]:
    """Template values for the card (names as used in corpus/card_template.md)."""
    articles = [a for arts in splits.values() for a in arts]
    return {
        "data_instance": data_instance(splits.get("train", [])),
        "data_fields": data_fields(),
        "supported_tasks": supported_tasks(),
        "personal_information": personal_information(articles),
        "bias_figures": bias_figures(articles),
        "citation": citation(Path(corpus_root).parent / "CITATION.cff", newest, json.loads(
            (Path(corpus_root) / newest / "manifest.json").read_text(encoding="utf-8"))["released"][:4]),
    }


# -- data instance ---------------------------------------------------------------------------------
def _abridge(rec: dict, keep: int = 2) -> dict:
    """The record with every list cut to its first `keep` items and the text to its first paragraph."""
    def cut(v: Any) -> Any:
        if isinstance(v, list):
            return [cut(x) for x in v[:keep]]
        if isinstance(v, dict):
            return {k: cut(x) for k, x in v.items()}
        return v
    out = cut(rec)
    out["text"] = rec["text"].split("\n", 1)[0]
    return out


def data_instance(articles: list[Article]) -> str:
    """The shortest original article with a quote and an event, abridged; give it the training split
    (the card never shows a test article)."""
    pool = [a for a in articles if a.meta.provenance == "original" and a.quotes and a.events]
    if not pool:
        return "_No article with every layer in this version._\n"
    a = min(pool, key=lambda a: (len(a.text), a.id))
    rec = a.to_dict()
    sizes = (f"{len(a.mentions)} mentions, {len(a.clusters)} clusters, {len(a.quotes)} quotes, "
             f"{len(a.events)} events")
    return (f"Article `{a.id}` ({a.meta.genre}, {a.meta.domain}; {sizes}), abridged for the card: the text is cut to "
            f"its first paragraph (the headline) and every list to its first two items, so some offsets point "
            f"past the shown text.\n\n```json\n{json.dumps(_abridge(rec), indent=2, ensure_ascii=False)}\n```\n")


# -- data fields -----------------------------------------------------------------------------------
def _describe_feature(f: Any) -> str:
    from datasets import ClassLabel, List, Sequence, Value
    if isinstance(f, ClassLabel):
        return f"ClassLabel ({f.num_classes} names)"
    if isinstance(f, (List, Sequence)):
        inner = f.feature
        return "list of struct" if isinstance(inner, dict) else f"list of {_describe_feature(inner)}"
    if isinstance(f, dict):
        return "struct"
    if isinstance(f, Value):
        return f.dtype
    return type(f).__name__


def _resolve(node: dict, defs: dict) -> tuple[dict, Optional[str]]:
    """(schema node with $ref, oneOf-null and array items unwrapped, name of the $def it came from)."""
    name = None
    while True:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            node = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
        elif "oneOf" in node:
            node = next((o for o in node["oneOf"] if o.get("type") != "null"), node["oneOf"][0])
        elif node.get("type") == "array" and "items" in node:
            node = node["items"]
        else:
            return node, name


#: Descriptions for fields the schema leaves undescribed (by full path, else by last name).
FALLBACK = {
    "id": "Unique within its scope: the corpus for an article, the article for a mention, cluster, quote or event.",
    "start": "0-based offset of the span's first character in `text` (Python code points).",
    "end": "End-exclusive offset of the span in `text`.",
    "text": "The span's text, equal to `text[start:end]` of the article.",
    "meta": "Bibliographic data, provenance and licence of the article.",
    "meta.title": "Headline.",
    "meta.source": "Outlet, or `newsbench (original)` for articles written for the corpus.",
    "meta.url": "Address of the published article, or null.",
    "meta.byline": "Authors as printed.",
    "meta.language": "ISO 639 code of the text's language.",
    "meta.license": "Licence of the article's text.",
    "entities": "Entity mentions and their coreference clusters.",
    "entities.mentions": "Every annotated entity mention.",
    "entities.clusters": "Coreference clusters: one per entity, every mention points at one.",
    "entities.clusters.name": "The entity's canonical name.",
    "entities.clusters.wikidata": "Wikidata QID of a real entity; null for invented ones.",
    "quotes": "Reported speech: content span, kind, cue and speaker.",
    "quotes.cue": "The reporting verb or phrase (`said`), or null.",
    "events": "Event triggers with type, realis and arguments.",
    "events.trigger": "The word or phrase that most clearly expresses the event.",
    "events.arguments": "Participants and attributes, each a mention with a role.",
    "events.arguments.mention": "Id of the argument's entity mention.",
    "frames": "Document frames (Media Frames Corpus).",
    "frames.primary": "The frame that dominates the article.",
    "frames.labels": "Every frame present, the primary included.",
}


def _field_rows(feature: Any, node: dict, defs: dict, path: str, section: str, rows: list) -> None:
    from datasets import List, Sequence
    desc = node.get("description", "") or FALLBACK.get(path, FALLBACK.get(path.rsplit(".", 1)[-1], ""))
    inner_feature = feature.feature if isinstance(feature, (List, Sequence)) else feature
    resolved, name = _resolve(node, defs)
    desc = desc or resolved.get("description", "")
    if name and not desc and name in defs:
        desc = defs[name].get("description", "")
    anchor = name.lower() if name and isinstance(inner_feature, dict) else section
    if "enum" in resolved and not desc:
        desc = "one of " + ", ".join(f"`{v}`" for v in resolved["enum"][:6]) + (
            ", …" if len(resolved["enum"]) > 6 else "")
    rows.append(f"| `{path}` | {_describe_feature(feature)} | {desc.replace('|', '/')} | "
                f"[{anchor}]({SCHEMA_PAGE}#{anchor}) |")
    if isinstance(inner_feature, dict):
        props = resolved.get("properties", {})
        for key, sub in inner_feature.items():
            _field_rows(sub, props.get(key, {}), defs, f"{path}.{key}", anchor, rows)


def data_fields() -> str:
    """Every field of a record: its path, its `datasets` type, the schema's description and a link."""
    from .hf import features

    schema = load_schema("article")
    defs = schema["$defs"]
    rows = ["| field | `datasets` type | description | schema |", "|---|---|---|---|"]
    for key, feature in features().items():
        _field_rows(feature, schema["properties"][key], defs, key, "article", rows)
    return "\n".join(rows) + "\n"


# -- tasks -----------------------------------------------------------------------------------------
#: (layer, what a system predicts, Hub task category / id, headline metrics of `newsbench evaluate`).
TASKS = (
    ("entities", "typed mentions at three levels (OntoNotes 5 types)", "token-classification / named-entity-recognition",
     "strict and partial span F1 per level, per type"),
    ("coreference", "mention clusters, Wikidata QIDs of real entities", "token-classification / coreference-resolution; "
     "text-classification / entity-linking-classification", "MUC, B³, CEAF-e, CoNLL F1"),
    ("quotes", "content span, kind, cue and speaker", "token-classification",
     "content exact and overlap F1, speaker accuracy"),
    ("events", "trigger, ACE 2005 type, realis, arguments with roles", "token-classification",
     "Trig-I/Trig-C and Arg-I/Arg-C F1"),
    ("frames", "primary frame and all frames present (Media Frames Corpus)",
     "text-classification / multi-class-classification, multi-label-classification",
     "primary accuracy, label micro/macro F1"),
)


def supported_tasks() -> str:
    rows = ["| layer | a system predicts | Hub task | scored by `newsbench evaluate` |", "|---|---|---|---|"]
    rows += [f"| {layer} | {what} | {hub} | {metrics} |" for layer, what, hub, metrics in TASKS]
    return "\n".join(rows) + "\n"


# -- personal information and bias -------------------------------------------------------------------
def personal_information(articles: list[Article]) -> str:
    published = [a for a in articles if a.meta.provenance == "published"]
    people = [c for a in published for c in a.clusters if c.type == "PERSON"]
    linked = [c for c in people if c.wikidata]
    if not published:
        return "No article of this version is published news: every one was written for the corpus.\n"
    linked_note = (f"; {len(linked)} of them are linked to Wikidata, which identifies them (drop the QIDs if "
                   f"your use does not need them)" if linked else ", none linked to Wikidata")
    verb = "is" if len(published) == 1 else "are"
    return (f"{len(published)} of the {len(articles)} articles of this version {verb} published news "
            f"(`meta.provenance: \"published\"`). They name {len(people)} real people, reported on in their "
            f"public roles, with their words as published{linked_note}.\n")


def bias_figures(articles: list[Article]) -> str:
    n = len(articles)
    if not n:
        return "_No articles._\n"
    domains = Counter(a.meta.domain for a in articles)
    provenance = Counter(a.meta.provenance for a in articles)
    anns = [a.meta.annotation for a in articles if a.meta.annotation is not None]
    single = sum(1 for x in anns if not x.double_annotated)
    single_unreviewed = sum(1 for x in anns if not x.double_annotated and not x.reviewed)
    mix = ", ".join(f"`{d}` {k} ({100 * k / n:.0f}%)" for d, k in domains.most_common())
    lines = [f"- **Domain mix** ({n} articles): {mix}.",
             f"- **Provenance**: {provenance.get('original', 0)} original articles, "
             f"{provenance.get('published', 0)} published."]
    if anns:
        lines.append(f"- **Single annotation**: {single} of {len(anns)} articles ({100 * single / len(anns):.0f}%) "
                     f"were annotated once; {single_unreviewed} ({100 * single_unreviewed / len(anns):.0f}%) "
                     f"were annotated once and not reviewed.")
    return "\n".join(lines) + "\n"


# -- citation --------------------------------------------------------------------------------------
def citation(cff_path: Path, corpus_version: str, year: str) -> str:
    """A BibTeX entry made from CITATION.cff (the one place the citation is written); `year` is the
    release year of the corpus version cited."""
    if not Path(cff_path).exists():
        return "_No CITATION.cff beside the corpus._\n"
    cff = yaml.safe_load(Path(cff_path).read_text(encoding="utf-8"))
    authors = " and ".join(f"{{{a['name']}}}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
                           for a in cff["authors"])
    fields = [("title", f"{{{cff['title']}}}"), ("author", authors), ("year", year),
              ("note", f"Corpus version {corpus_version}; software version {cff['version']}")]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"```bibtex\n@misc{{newsbench,\n{body}\n}}\n```\n"
