"""The gold's estimated error rate, from a blind review of a sample of single-annotated articles.

Agreement says how often two annotators agree; it does not say how often the released gold is
wrong. A reviewer who did not annotate an article re-reads it against the guidelines and lists
every violation it finds (`annotations/review/<id>.yaml`); an adjudicator marks each finding
`confirmed` or `rejected`. The rate per layer is confirmed errors per 100 gold items of that
layer in the reviewed articles, with a 95% Wilson score interval on the proportion (Wilson, not
the normal approximation: the counts are small and the rates near zero).

Items per layer: entities and coreference — mentions; quotes — quotes; events — event records
(trigger, type, realis and arguments together); frames — articles. An omission (a missing
mention) is an error of its layer like a wrong one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

LAYERS = ("entities", "coreference", "quotes", "events", "frames")
KINDS = ("missing", "wrong", "spurious")
VERDICTS = ("confirmed", "rejected")


class ReviewError(ValueError):
    """A review file that cannot be used: one line naming the file and the field."""


@dataclass(frozen=True)
class LayerRate:
    layer: str
    items: int
    errors: int
    rejected: int

    @property
    def per_100(self) -> float:
        return 100.0 * self.errors / self.items if self.items else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        lo, hi = wilson(self.errors, self.items)
        return 100.0 * lo, 100.0 * hi


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n (0, 0 for n = 0)."""
    if n == 0:
        return 0.0, 0.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (0.0 if k == 0 else max(0.0, centre - half)), (1.0 if k == n else min(1.0, centre + half))


def read_review(path: Path) -> dict:
    """One review file, checked: id, reviewer, findings with layer, kind and verdict."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ReviewError(f"{path}: cannot read: {str(err).splitlines()[0]}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str) or not isinstance(doc.get("reviewer"), str):
        raise ReviewError(f"{path}: a review is a mapping with 'id' and 'reviewer'")
    findings = doc.get("findings") or []
    if not isinstance(findings, list):
        raise ReviewError(f"{path}: findings: must be a list")
    for k, f in enumerate(findings):
        where = f"{path}: {doc['id']}: findings[{k}]"
        if not isinstance(f, dict):
            raise ReviewError(f"{where}: must be a mapping")
        for key, allowed in (("layer", LAYERS), ("kind", KINDS), ("verdict", VERDICTS)):
            if f.get(key) not in allowed:
                raise ReviewError(f"{where}.{key}: {f.get(key)!r} is not one of {', '.join(allowed)}")
    return doc


def items_per_layer(record: dict) -> dict[str, int]:
    n = len(record["entities"]["mentions"])
    return {"entities": n, "coreference": n, "quotes": len(record.get("quotes") or []),
            "events": len(record.get("events") or []), "frames": 1}


def error_rates(reviews: Iterable[dict], gold: dict[str, dict]) -> list[LayerRate]:
    """Per-layer rates over the reviewed articles; `gold` maps article id -> released record."""
    items = dict.fromkeys(LAYERS, 0)
    errors = dict.fromkeys(LAYERS, 0)
    rejected = dict.fromkeys(LAYERS, 0)
    for rv in reviews:
        if rv["id"] not in gold:
            raise ReviewError(f"review of {rv['id']}: no such article in the gold")
        for layer, n in items_per_layer(gold[rv["id"]]).items():
            items[layer] += n
        for f in rv.get("findings") or []:
            (errors if f["verdict"] == "confirmed" else rejected)[f["layer"]] += 1
    return [LayerRate(layer, items[layer], errors[layer], rejected[layer]) for layer in LAYERS]


def markdown(rates: list[LayerRate], n_articles: int, command: str) -> str:
    out = [f"Estimated from a blind review of {n_articles} single-annotated articles, by `{command}`.", "",
           "| layer | items reviewed | confirmed errors | errors per 100 items | 95% interval | findings rejected |",
           "|---|---:|---:|---:|---|---:|"]
    for r in rates:
        lo, hi = r.interval
        out.append(f"| {r.layer} | {r.items} | {r.errors} | {r.per_100:.2f} | {lo:.2f}–{hi:.2f} | {r.rejected} |")
    return "\n".join(out) + "\n"
