"""corpus/croissant.json: the newest version described in Croissant 1.1, built with mlcroissant.

Generated from the manifests and the records (`newsbench card` writes it beside the dataset card;
`newsbench card --check` fails when it is out of date): one FileObject per split file with the
SHA-256 of its manifest, one record set per layer, and the responsible-AI (RAI) fields. File paths
are relative to corpus/, so mlcroissant reads the records from a checkout or an installed package.

Limits of the format as mlcroissant reads JSON Lines: a field may nest one list deep, so an event's
arguments (a list inside the list of events) are left out of the `events` record set; they are in
the JSONL and the `datasets` features.
"""
from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

from .loading import SPLITS
from .record import Article

CROISSANT_VERSION = "http://mlcommons.org/croissant/1.1"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
FILES = "jsonl-files"

#: (record set, description, fields). A field is (name, data type, source path) where the source
#: path is a JSONL column followed by JSON paths inside it; a tuple of fields instead of a path is a
#: repeated field with those sub-fields.
LAYERS: tuple = (
    ("articles", "One record per article: identity, split and bibliographic data.", (
        ("id", "Text", ("id",)),
        ("title", "Text", ("meta", "title")),
        ("text", "Text", ("text",)),
        ("published", "Date", ("meta", "published")),
        ("source", "Text", ("meta", "source")),
        ("genre", "Text", ("meta", "genre")),
        ("domain", "Text", ("meta", "domain")),
        ("provenance", "Text", ("meta", "provenance")),
        ("license", "Text", ("meta", "license")),
    )),
    ("entities", "Entity mentions (OntoNotes 5 types, three levels) and their coreference clusters, per article.", (
        ("article_id", "Text", ("id",)),
        ("mentions", "Text", (("id", "Text", ("entities", "mentions", "id")),
                              ("start", "Integer", ("entities", "mentions", "start")),
                              ("end", "Integer", ("entities", "mentions", "end")),
                              ("text", "Text", ("entities", "mentions", "text")),
                              ("type", "Text", ("entities", "mentions", "type")),
                              ("level", "Text", ("entities", "mentions", "level")),
                              ("entity", "Text", ("entities", "mentions", "entity")))),
        ("clusters", "Text", (("id", "Text", ("entities", "clusters", "id")),
                              ("name", "Text", ("entities", "clusters", "name")),
                              ("type", "Text", ("entities", "clusters", "type")),
                              ("wikidata", "Text", ("entities", "clusters", "wikidata")))),
    )),
    ("quotes", "Quotes (content span, kind, cue, speaker mention), per article.", (
        ("article_id", "Text", ("id",)),
        ("quotes", "Text", (("id", "Text", ("quotes", "id")),
                            ("start", "Integer", ("quotes", "start")),
                            ("end", "Integer", ("quotes", "end")),
                            ("text", "Text", ("quotes", "text")),
                            ("kind", "Text", ("quotes", "kind")),
                            ("cue_start", "Integer", ("quotes", "cue.start")),
                            ("cue_end", "Integer", ("quotes", "cue.end")),
                            ("cue_text", "Text", ("quotes", "cue.text")),
                            ("speaker", "Text", ("quotes", "speaker")))),
    )),
    ("events", "Events (trigger, ACE 2005 type, realis), per article; their arguments are in the JSONL "
               "(events[].arguments) and the Hugging Face features, not here (a list inside a list).", (
        ("article_id", "Text", ("id",)),
        ("events", "Text", (("id", "Text", ("events", "id")),
                            ("trigger_start", "Integer", ("events", "trigger.start")),
                            ("trigger_end", "Integer", ("events", "trigger.end")),
                            ("trigger_text", "Text", ("events", "trigger.text")),
                            ("type", "Text", ("events", "type")),
                            ("realis", "Text", ("events", "realis")))),
    )),
    ("frames", "Document frames (Media Frames Corpus): the primary frame and every frame present.", (
        ("article_id", "Text", ("id",)),
        ("primary", "Text", ("frames", "primary")),
        ("labels", "Text", ("frames", "labels")),
    )),
)

REPEATED_LEAVES = {("frames", "labels")}

#: Closed label sets as enumeration record sets, and the fields whose values come from them (named in
#: the description: mlcroissant 1.1.1 reads no value from a field that has both a JSON-path source and
#: `references`, so the link is not made in the graph).
ENUMERATIONS = {
    "entity_types": ("ENTITY_TYPES", "The 18 OntoNotes 5 named-entity types.",
                     ("entities/mentions/type", "entities/clusters/type")),
    "mention_levels": ("MENTION_LEVELS", "Mention levels: name, nominal, pronoun.", ("entities/mentions/level",)),
    "quote_kinds": ("QUOTE_KINDS", "Quote kinds.", ("quotes/quotes/kind",)),
    "event_types": ("EVENT_TYPES", "The 33 ACE 2005 event subtypes plus five for general news.",
                    ("events/events/type",)),
    "realis": ("REALIS", "Event realis values.", ("events/events/realis",)),
    "frames_inventory": ("FRAMES", "The 15 Media Frames Corpus dimensions.", ("frames/primary", "frames/labels")),
    "genres": ("GENRES", "Article genres.", ("articles/genre",)),
    "domains": ("DOMAINS", "Article domains.", ("articles/domain",)),
}


def _source(path: tuple) -> Any:
    import mlcroissant as mlc
    column, *json_paths = path
    return mlc.Source(file_set=FILES, extract=mlc.Extract(column=column),
                      transforms=[mlc.Transform(json_path=p) for p in json_paths])


def _field(record_set: str, name: str, dtype: str, spec: tuple, parent: str = "") -> Any:
    import mlcroissant as mlc
    fid = f"{parent or record_set}/{name}"
    dt = [getattr(mlc.DataType, dtype.upper())]
    if spec and isinstance(spec[0], tuple):  # a repeated field with sub-fields
        return mlc.Field(id=fid, name=name, data_types=dt, repeated=True,
                         sub_fields=[_field(record_set, n, d, s, fid) for n, d, s in spec])
    return mlc.Field(id=fid, name=name, data_types=dt, source=_source(spec),
                     repeated=(record_set, name) in REPEATED_LEAVES or None)


def _enumerations(ctx: Any) -> list:
    """One record set per closed label set, its names inline (schema order, as in the `datasets` ClassLabels)."""
    import mlcroissant as mlc

    from . import labels
    return [mlc.RecordSet(ctx=ctx, id=rid, name=rid, key=[f"{rid}/name"],
                          description=f"{description} The values of {', '.join(users)}.",
                          fields=[mlc.Field(ctx=ctx, id=f"{rid}/name", name="name", data_types=[mlc.DataType.TEXT])],
                          data=[{f"{rid}/name": v} for v in getattr(labels, attr)])
            for rid, (attr, description, users) in ENUMERATIONS.items()]


def _rai(articles: list[Article], newest: str) -> dict[str, Any]:
    """The responsible-AI fields, with every number counted from the records."""
    n = len(articles)
    anns = [a.meta.annotation for a in articles if a.meta.annotation is not None]
    double = sum(x.double_annotated for x in anns)
    reviewed = sum(x.reviewed and not x.double_annotated for x in anns)
    domains = Counter(a.meta.domain for a in articles)
    published = sum(a.meta.provenance == "published" for a in articles)
    mix = ", ".join(f"{d} {k}" for d, k in domains.most_common())
    return {
        "data_collection": (
            f"{n - published} original articles were written for the corpus by language-model agents in the register "
            f"of real news (every person, organisation and event invented; invented names looked up before use, see "
            f"annotations/namecheck/); {published} published article (the seed) was taken from its outlet and "
            f"stripped of page furniture."),
        "data_collection_type": ["Generated by language-model agents", "Published news article (seed)"],
        "data_annotation_protocol": [
            "Written guidelines (entities, coreference, quotes, events, frames), changed first whenever a case was "
            "not covered; annotators write sheets naming spans by their text, offsets are computed by `newsbench "
            "build` and every record is checked by `newsbench validate`.",
            "A subset is annotated twice, independently and blind, and adjudicated by a third agent; a sample of "
            "single-annotated articles is re-read by blind reviewer agents and confirmed errors corrected.",
        ],
        "data_annotation_platform": ["newsbench annotation sheets (YAML) and the newsbench command-line tools"],
        "data_annotation_analysis": [
            "Inter-annotator agreement per layer (corpus/agreement/) and the estimated error rate of the "
            f"single-annotated gold (corpus/review/{newest}/), both in the dataset card."],
        "annotations_per_item": (f"{len(anns) - double} of {len(anns)} articles annotated once ({reviewed} of them "
                                 f"reviewed); {double} annotated twice and adjudicated."),
        "annotator_demographics": ["No human annotators: every annotator, reviewer and adjudicator was a "
                                   "language-model agent."],
        "machine_annotation_tools": ["Language-model agents of a single model family, under the written guidelines"],
        "data_biases": [
            f"Domain mix of the {n} articles: {mix}.",
            "One model family wrote the original articles and annotated, reviewed and adjudicated all of them: "
            "their topics, names, phrasing and borderline labels share its habits.",
        ],
        "data_limitations": [
            "Small: for careful evaluation and error analysis, not for training large models.",
            "Original articles are invented news: their distribution of names, topics and events is not that of a "
            "real outlet.",
            "English only; no event coreference layer.",
            "Single-annotated gold has a measured error rate per layer (see the dataset card).",
        ],
        "data_use_cases": ["Evaluating information-extraction systems on news: entities with coreference, quotes "
                           "with speakers, events with arguments, document frames."],
        "data_social_impact": ("Meant to measure extraction systems that attribute quotes and actions in news; a "
                               "wrong attribution by such a system can misreport who said or did what."),
        "personal_sensitive_information": [
            f"The {published} published article names real public figures in their public roles, with their words "
            "as published. The original articles name no real person."],
        "data_release_maintenance_plan": (
            "A released version never changes (files listed with SHA-256 in <version>/manifest.json); corrections "
            "go into a new version with a changelog entry."),
    }


def croissant_metadata(corpus_root: Path) -> dict:
    """The Croissant JSON-LD of the newest released version under `corpus_root`."""
    import mlcroissant as mlc

    from .cardparts import citation
    from .loading import read_articles, released_versions

    corpus_root = Path(corpus_root)
    newest = released_versions(corpus_root)[-1]
    manifest = json.loads((corpus_root / newest / "manifest.json").read_text(encoding="utf-8"))
    articles = [a for s in SPLITS for a in read_articles(corpus_root / newest / f"{s}.jsonl")]
    ctx = mlc.Context(conforms_to=CROISSANT_VERSION)
    distribution: list = [
        mlc.FileObject(ctx=ctx, id=f"{newest}/{name}", name=f"{newest}/{name}", content_url=f"{newest}/{name}",
                       encoding_formats=["application/jsonlines"], sha256=m["sha256"],
                       content_size=f"{m['bytes']} B", description=f"The {name[:-6]} split: {m['articles']} articles.")
        for name, m in manifest["files"].items()]
    distribution.append(mlc.FileSet(ctx=ctx, id=FILES, name=FILES, includes=[f"{newest}/*.jsonl"],
                                    encoding_formats=["application/jsonlines"],
                                    description="Every split file of the version, one article per line."))
    split_field = mlc.Field(ctx=ctx, id="articles/split", name="split", data_types=[mlc.DataType.TEXT],
                            source=mlc.Source(file_set=FILES, extract=mlc.Extract(file_property="filename"),
                                              transforms=[mlc.Transform(regex=r"^(\w+)\.jsonl$")]))
    record_sets = []
    for name, description, fields in LAYERS:
        fs = [_field(name, n, d, s) for n, d, s in fields]
        if name == "articles":
            fs.insert(1, split_field)
        record_sets.append(mlc.RecordSet(ctx=ctx, id=name, name=name, description=description, fields=fs,
                                         key=["articles/id"] if name == "articles" else None))
    record_sets += _enumerations(ctx)
    cite = citation(corpus_root.parent / "CITATION.cff", newest, manifest["released"][:4])
    released = _dt.datetime.fromisoformat(manifest["released"])
    metadata = mlc.Metadata(
        ctx=ctx, name="newsbench",
        description=("An English news corpus with four annotation layers per article (entity mentions with "
                     "coreference, quotes, events, document frames), annotated under written guidelines by "
                     "language-model agents, with the harness that scores information-extraction systems on it."),
        version=newest, date_published=released, in_language=["en"],
        keywords=["news", "information extraction", "named entity recognition", "coreference",
                  "quotation attribution", "event extraction", "framing"],
        creators=[mlc.Organization(ctx=ctx, name="newsbench maintainers")],
        license=[CC_BY_4, mlc.CreativeWork(ctx=ctx, name="Publisher's copyright (seed article text)",
                                           description=("The text of the seed article (meta.provenance "
                                                        "\"published\") is copyright of its publisher, Business "
                                                        "Standard, included for research annotation only and not "
                                                        "covered by CC BY 4.0."))],
        cite_as=cite.removeprefix("```bibtex\n").removesuffix("```\n").strip() if cite.startswith("```") else None,
        distribution=distribution, record_sets=record_sets, **_rai(articles, newest))
    return metadata.to_json()


def croissant_text(corpus_root: Path) -> str:
    """corpus/croissant.json as written: indented, keys in mlcroissant's order, one final newline."""
    return json.dumps(croissant_metadata(corpus_root), indent=2, ensure_ascii=False, default=str) + "\n"
