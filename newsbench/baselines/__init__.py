"""Baseline systems. Each is a newsbench system (see newsbench.systems): article -> prediction dict.

`BASELINES` maps a CLI name to a factory taking the parsed options (train data, model name...).
"""
from __future__ import annotations

from typing import Callable

BASELINES: dict[str, str] = {
    "rules": "newsbench.baselines.rules:RulesSystem",
    "tfidf-frames": "newsbench.baselines.tfidf_frames:TfidfFramesSystem",
    "majority-frames": "newsbench.baselines.tfidf_frames:MajorityFramesSystem",
    "spacy": "newsbench.baselines.spacy_ner:SpacySystem",
}


def string_match_clusters(mentions: list[dict]) -> list[dict]:
    """Coreference by exact string match: mentions with the same text share a cluster (their `entity`).

    The simplest coreference baseline (a strong one for names, nothing for pronouns); the mentions
    are returned as copies with `entity` set, in their order.
    """
    ids: dict[str, str] = {}
    return [{**m, "entity": ids.setdefault(m["text"], f"c{len(ids) + 1}")} for m in mentions]


def get_baseline(name: str) -> Callable:
    """The factory class of a baseline, imported on demand (spaCy is an optional extra)."""
    import importlib

    try:
        module, attr = BASELINES[name].split(":")
    except KeyError:
        raise ValueError(f"unknown baseline {name!r} (one of {', '.join(BASELINES)})") from None
    return getattr(importlib.import_module(module), attr)
