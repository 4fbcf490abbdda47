"""Plug your own system in: a function from an article to its predictions, or an object with `predict`.

    import newsbench

    def my_system(article):                  # newsbench.Article -> prediction dict
        return {"entities": {"mentions": [{"text": "Pakistan", "type": "GPE"}]}}

    preds = newsbench.run_system(my_system, split="validation")
    newsbench.write_predictions(preds, "preds.jsonl")   # then: newsbench evaluate preds.jsonl --split validation

The prediction dict follows schema/prediction.schema.json: any subset of the layers, spans by
offsets or by text alone (the scorer anchors text-only spans by its documented rule). `run_system`
adds the article id, shows progress on a terminal and checks every prediction against the schema,
so a broken system fails on its first bad article, not at scoring time.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Iterable, Optional, Protocol, Union

from .record import Article


class System(Protocol):
    def predict(self, article: Article) -> dict: ...


SystemLike = Union[System, Callable[[Article], dict]]


class PredictionError(ValueError):
    """A system returned something that is not a valid prediction."""


def _as_callable(system: SystemLike) -> Callable[[Article], dict]:
    predict = getattr(system, "predict", None)
    if callable(predict):
        return predict
    if callable(system):
        return system
    raise TypeError("a system is a function article -> dict, or an object with predict(article) -> dict")


def progress(items: list, label: str, stream=None, enabled: Optional[bool] = None) -> Iterable:
    """Yield items, printing 'label: k/n' to stderr when it is a terminal (or when enabled)."""
    stream = stream or sys.stderr
    enabled = stream.isatty() if enabled is None else enabled
    n = len(items)
    for k, item in enumerate(items, 1):
        yield item
        if enabled:
            stream.write(f"\r{label}: {k}/{n}")
            if k == n:
                stream.write("\n")
            stream.flush()


def run_system(system: SystemLike, split: str = "test", version: Optional[str] = None,
               articles: Optional[list[Article]] = None, show_progress: Optional[bool] = None) -> list[dict]:
    """Predictions of `system` on every article of a split (or on `articles`), schema-checked, in order."""
    from .loading import load
    from .validation import schema_problems

    predict = _as_callable(system)
    arts = articles if articles is not None else load(split, version=version)
    out = []
    for a in progress(arts, "predicting", enabled=show_progress):
        pred: Any = predict(a)
        if not isinstance(pred, dict):
            raise PredictionError(f"{a.id}: the system returned {type(pred).__name__}, not a dict")
        pred = {"id": a.id, **{k: v for k, v in pred.items() if k != "id"}}
        problems = list(schema_problems(pred, "prediction"))
        if problems:
            path, reason = problems[0]
            raise PredictionError(f"{a.id}: {path}: {reason}")
        out.append(pred)
    return out


def write_predictions(predictions: list[dict], path) -> None:
    """One prediction per line, written atomically."""
    from .release import write_jsonl
    write_jsonl(path, predictions)
