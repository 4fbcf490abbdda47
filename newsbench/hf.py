"""The Hugging Face `datasets` view: one Features definition, the dataset card's metadata, offline loading.

Declared features matter: without them `datasets` infers types from the first split only, turns
empty lists into null columns and parses ISO dates into timestamps. Every closed inventory of the
schema (entity type, mention level, quote kind, event type, realis, argument role, frame, and the
meta enums) is a `ClassLabel` whose names are the schema's enum in schema order, so a model gets
integer ids and `features[...].names` without a mapping of its own; `meta.published` is a `date32`.
Rows therefore hold integers and `datetime.date`s: `to_record` turns one back into the JSONL shape.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .loading import SPLITS, corpus_dir, latest_version, version_dir, versions

if TYPE_CHECKING:
    from datasets import DatasetDict, Features
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCardData


def features() -> "Features":
    """The one `datasets.Features` of a newsbench article."""
    from datasets import ClassLabel, Features, List, Value

    from . import labels
    from .resources import load_schema

    meta = load_schema("article")["$defs"]["meta"]["properties"]
    string, int32 = Value("string"), Value("int32")
    span = {"start": int32, "end": int32, "text": string}

    def label(names) -> ClassLabel:
        return ClassLabel(names=list(names))

    return Features({
        "id": string,
        "text": string,
        "meta": {
            "title": string, "source": string, "url": string, "published": Value("date32"), "byline": List(string),
            "language": string, "genre": label(labels.GENRES), "domain": label(labels.DOMAINS),
            "provenance": label(meta["provenance"]["enum"]), "license": string,
            "annotation": {"annotator_kind": label(meta["annotation"]["properties"]["annotator_kind"]["enum"]),
                           "annotators": List(string), "double_annotated": Value("bool"),
                           "adjudicated": Value("bool"), "reviewed": Value("bool"), "guidelines": string},
        },
        "entities": {
            "mentions": List({"id": string, "start": int32, "end": int32, "text": string,
                              "type": label(labels.ENTITY_TYPES), "level": label(labels.MENTION_LEVELS),
                              "entity": string}),
            "clusters": List({"id": string, "name": string, "type": label(labels.ENTITY_TYPES), "wikidata": string}),
        },
        "quotes": List({"id": string, "start": int32, "end": int32, "text": string,
                        "kind": label(labels.QUOTE_KINDS), "cue": span, "speaker": string}),
        "events": List({"id": string, "trigger": span, "type": label(labels.EVENT_TYPES),
                        "realis": label(labels.REALIS),
                        "arguments": List({"role": label(labels.EVENT_ROLES), "mention": string})}),
        "frames": {"primary": label(labels.FRAMES), "labels": List(label(labels.FRAMES))},
    })


def _walk(value: Any, feature: Any, leaf) -> Any:
    """Apply `leaf(value, feature)` to every leaf of `value`, following the nesting of `feature`."""
    from datasets import List, Sequence

    if value is None:
        return None
    if isinstance(feature, dict):
        return {k: _walk(value.get(k), f, leaf) for k, f in feature.items() if k in value}
    if isinstance(feature, (List, Sequence)):
        return [_walk(v, feature.feature, leaf) for v in value]
    if isinstance(feature, list):
        return [_walk(v, feature[0], leaf) for v in value]
    return leaf(value, feature)


def _encode_leaf(value: Any, feature: Any) -> Any:
    from datasets import Value
    if isinstance(feature, Value) and feature.dtype == "date32" and isinstance(value, str):
        return _dt.date.fromisoformat(value)
    return value  # ClassLabel encodes names itself


def _decode_leaf(value: Any, feature: Any) -> Any:
    from datasets import ClassLabel
    if isinstance(feature, ClassLabel) and isinstance(value, int):
        return feature.int2str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def to_record(row: dict, feats: Optional["Features"] = None) -> dict:
    """A `datasets` row back in the corpus JSONL shape: label names for ClassLabel ids, ISO dates.

    `Article.from_dict(to_record(row))` gives the article; a `meta.annotation` that `datasets` filled
    with None (versions before 0.4 have none) is left out, as in the JSONL.
    """
    rec = _walk(row, feats or features(), _decode_leaf)
    if rec.get("meta", {}).get("annotation", 0) is None:
        del rec["meta"]["annotation"]
    return rec


def nonempty_splits(version_path) -> list[str]:
    """Splits with at least one article: `datasets` refuses a split with no data, so empty ones are left out."""
    from .validation import count_lines
    return [s for s in SPLITS if (version_path / f"{s}.jsonl").exists() and count_lines(version_path / f"{s}.jsonl")]


#: Hub task categories and ids of the layers (the Hub's own vocabulary; see the card's "Supported Tasks").
TASK_CATEGORIES = ("token-classification", "text-classification")
TASK_IDS = ("named-entity-recognition", "coreference-resolution", "entity-linking-classification",
            "multi-label-classification", "multi-class-classification")


def dataset_infos(version_list: Optional[list[str]] = None, root: Optional[Path] = None) -> "DatasetInfosDict":
    """One `datasets.DatasetInfo` per version: the declared features and each split's size from its manifest."""
    import json

    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.info import DatasetInfosDict

    root = Path(root or corpus_dir())
    infos = DatasetInfosDict()
    for v in reversed(version_list or versions()):
        files = json.loads((root / v / "manifest.json").read_text(encoding="utf-8"))["files"]
        splits = SplitDict()
        for s in nonempty_splits(root / v):
            splits.add(SplitInfo(name=s, num_bytes=files[f"{s}.jsonl"]["bytes"],
                                 num_examples=files[f"{s}.jsonl"]["articles"]))
        size = sum(f["bytes"] for f in files.values())
        infos[v] = DatasetInfo(features=features(), splits=splits, download_size=size, dataset_size=size)
    return infos


def card_data(version_list: Optional[list[str]] = None, root: Optional[Path] = None) -> "DatasetCardData":
    """The metadata of corpus/README.md: Hub fields, one config per version (newest default) with its
    features and split sizes, through `huggingface_hub` and `datasets`' public API."""
    from huggingface_hub import DatasetCardData

    root = Path(root or corpus_dir())
    vs = version_list or versions()
    configs = []
    for v in reversed(vs):
        cfg = {"config_name": v,
               "data_files": [{"split": s, "path": f"{v}/{s}.jsonl"} for s in nonempty_splits(root / v)]}
        if v == vs[-1]:
            cfg["default"] = True
        configs.append(cfg)
    infos = dataset_infos(vs, root)
    n = infos[vs[-1]].splits.total_num_examples
    data = DatasetCardData(
        pretty_name="newsbench",
        language=["en"],
        license="other",
        license_name="cc-by-4.0-and-publisher-copyright",
        license_details=LICENSE_DETAILS,
        license_link="https://creativecommons.org/licenses/by/4.0/legalcode",
        annotations_creators=["machine-generated"],
        language_creators=["machine-generated", "found"],
        multilinguality=["monolingual"],
        size_categories=[size_category(n)],
        source_datasets=["original"],
        task_categories=list(TASK_CATEGORIES),
        task_ids=list(TASK_IDS),
        tags=["news", "coreference", "quotation-attribution", "event-extraction", "framing",
              "information-extraction"],
        configs=configs,
    )
    infos.to_dataset_card_data(data)
    return data


#: What `license: other` means here (the card's "Licensing Information" says it at length).
LICENSE_DETAILS = ("Original articles and all annotations: CC BY 4.0 (LICENSES/CC-BY-4.0.txt). The text of the "
                   "seed article (meta.provenance \"published\") is copyright of its publisher, Business Standard, "
                   "included for research annotation only and not covered by CC BY 4.0.")


def size_category(n: int) -> str:
    """The Hub's size bucket for `n` examples."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "n>1M"


def load_hf(version: Optional[str] = None) -> "DatasetDict":
    """The bundled corpus as a `datasets.DatasetDict` with declared features; offline, and no cache to go stale.

    Built from the parsed records rather than through the JSON reader: the corpus is small, and
    the `datasets` cache is keyed in ways that can serve an older build of the same file names.
    Empty splits are left out (`datasets` cannot hold a split with no data).
    """
    from datasets import Dataset, DatasetDict

    from .loading import read_articles

    d = version_dir(version or latest_version())
    feats = features()
    return DatasetDict({s: Dataset.from_list([_walk(a.to_dict(), feats, _encode_leaf)
                                              for a in read_articles(d / f"{s}.jsonl")], features=feats)
                        for s in nonempty_splits(d)})


__all__ = ["features", "card_data", "dataset_infos", "load_hf", "to_record", "corpus_dir"]
