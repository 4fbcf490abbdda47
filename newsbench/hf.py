"""The Hugging Face `datasets` view: one Features definition, the dataset card's YAML, offline loading.

Declared features matter: without them `datasets` infers types from the first split only, turns
empty lists into null columns and parses ISO dates into timestamps. Even with declared features,
the JSON reader (pyarrow) infers `"2025-01-15"` as a timestamp *before* casting, and the cast gives
back `"2025-01-15 00:00:00"`; `meta.published` is therefore declared as `Json()`, which the reader
keeps encoded and `datasets` decodes on access, so the value is the ISO string of the JSONL.
"""
from __future__ import annotations

from typing import Optional

from .loading import SPLITS, corpus_dir, latest_version, version_dir, versions


def features():
    """The one `datasets.Features` of a newsbench article."""
    from datasets import Features, Json, List, Value

    string, int32 = Value("string"), Value("int32")
    span = {"start": int32, "end": int32, "text": string}
    return Features({
        "id": string,
        "text": string,
        "meta": {
            "title": string, "source": string, "url": string, "published": Json(), "byline": List(string),
            "language": string, "genre": string, "domain": string, "provenance": string, "license": string,
            "annotation": {"annotator_kind": string, "annotators": List(string), "double_annotated": Value("bool"),
                           "adjudicated": Value("bool"), "reviewed": Value("bool"), "guidelines": string},
        },
        "entities": {
            "mentions": List({"id": string, "start": int32, "end": int32, "text": string, "type": string,
                              "level": string, "entity": string}),
            "clusters": List({"id": string, "name": string, "type": string, "wikidata": string}),
        },
        "quotes": List({"id": string, "start": int32, "end": int32, "text": string, "kind": string,
                        "cue": span, "speaker": string}),
        "events": List({"id": string, "trigger": span, "type": string, "realis": string,
                        "arguments": List({"role": string, "mention": string})}),
        "frames": {"primary": string, "labels": List(string)},
    })


def nonempty_splits(version_path) -> list[str]:
    """Splits with at least one article: `datasets` refuses a split with no data, so empty ones are left out."""
    from .validation import count_lines
    return [s for s in SPLITS if (version_path / f"{s}.jsonl").exists() and count_lines(version_path / f"{s}.jsonl")]


def card_yaml(version_list: Optional[list[str]] = None, root=None) -> dict:
    """The YAML header of corpus/README.md: one config per version (newest default), with features."""
    root = root or corpus_dir()
    vs = version_list or versions()
    newest = vs[-1]
    feats = features()._to_yaml_list()
    configs, infos = [], []
    for v in reversed(vs):
        cfg = {"config_name": v,
               "data_files": [{"split": s, "path": f"{v}/{s}.jsonl"} for s in nonempty_splits(root / v)]}
        if v == newest:
            cfg["default"] = True
        configs.append(cfg)
        infos.append({"config_name": v, "features": feats})
    return {
        "language": ["en"],
        "license": "cc-by-4.0",
        "pretty_name": "newsbench",
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "multi-label-classification"],
        "size_categories": ["n<1K"],
        "configs": configs,
        "dataset_info": infos,
    }


def load_hf(version: Optional[str] = None):
    """The bundled corpus as a `datasets.DatasetDict` with declared features; offline, and no cache to go stale.

    Built from the parsed records rather than through the JSON reader: the corpus is small, and
    the `datasets` cache is keyed in ways that can serve an older build of the same file names.
    Empty splits are left out (`datasets` cannot hold a split with no data).
    """
    from datasets import Dataset, DatasetDict

    from .loading import read_articles

    d = version_dir(version or latest_version())
    feats = features()
    return DatasetDict({s: Dataset.from_list([a.to_dict() for a in read_articles(d / f"{s}.jsonl")], features=feats)
                        for s in nonempty_splits(d)})


__all__ = ["features", "card_yaml", "load_hf", "corpus_dir"]
