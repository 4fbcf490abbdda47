"""Frame scoring: primary-frame accuracy and multi-label P/R/F1, the numbers scikit-learn gives.

Over the articles whose gold has frames: accuracy of `primary` (a missing prediction is wrong),
and the labels as a multi-label problem -- micro F1 from summed counts, macro F1 as the mean over
the frames present in the gold or the predictions, per-frame P/R/F1 -- equal to
`sklearn.metrics` with `zero_division=0` and `labels=` the present frames (which is also what
scikit-learn gives by default on labels binarized from the data). A prediction without `labels`
is taken to claim its `primary` alone. With no gold frames at all, the numbers are undefined (n/a).
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from ..labels import FRAMES
from .base import (GoldProblems, Metric, Task, TaskResult, add_prf, clip, macro, prf, rate,
                   undefined_where)


class FrameMetric(Metric):
    task = "frames"
    columns = ("articles", "primary.correct") + tuple(f"{f}.{c}" for c in ("tp", "fp", "fn") for f in FRAMES)
    headline = ("primary.accuracy", "labels.micro.p", "labels.micro.r", "labels.micro.f1", "labels.macro.f1")

    def score(self, stats) -> dict:
        x = np.asarray(stats, dtype=np.float64)
        n = len(FRAMES)
        tp, fp, fn = (x[..., 2 + i * n: 2 + (i + 1) * n] for i in range(3))
        out = {"primary.accuracy": rate(x[..., 1], x[..., 0])}
        add_prf(out, "labels.micro", tp.sum(-1), (tp + fp).sum(-1), (tp + fn).sum(-1))
        p, r, f = prf(tp, tp + fp, tp + fn)
        present = (tp + fp + fn) > 0
        out["labels.macro.p"], out["labels.macro.r"], out["labels.macro.f1"] = (macro(v, present) for v in (p, r, f))
        p, r, f = (undefined_where(v, ~present) for v in (p, r, f))
        for i, frame in enumerate(FRAMES):
            out[f"{frame}.p"], out[f"{frame}.r"], out[f"{frame}.f1"] = p[..., i], r[..., i], f[..., i]
        return out

    def per_label(self, key: str) -> bool:
        return key.split(".")[0] not in ("primary", "labels")

    def breakdown(self, sums) -> tuple:
        c = self.counts(sums)
        rows = []
        for frame in FRAMES:
            gold, pred = c[f"{frame}.tp"] + c[f"{frame}.fn"], c[f"{frame}.tp"] + c[f"{frame}.fp"]
            if gold or pred:
                rows.append((frame, [f"{frame}.p", f"{frame}.r", f"{frame}.f1", gold, pred]))
        return ["frame", "P", "R", "F1", "gold", "pred"], rows


def _gold_frame_problems(fr) -> list[tuple[str, str]]:
    """Every frame label of a gold record that is not one of the 15, each at its own path."""
    if type(fr) is not dict:
        return [("$.frames", "not a frames object")]
    found = []
    if fr.get("primary") not in FRAMES:
        found.append(("$.frames.primary", f"unknown frame {clip(fr.get('primary'))}"))
    labels = fr.get("labels")
    if type(labels) is not list:
        return found + [("$.frames.labels", "must be an array of frames")]
    found += [(f"$.frames.labels[{k}]", f"unknown frame {clip(x)}") for k, x in enumerate(labels) if x not in FRAMES]
    return found


class FrameTask(Task):
    name = "frames"

    def __init__(self, options=None):
        self.metric = FrameMetric()
        self._gold: dict[int, tuple[str, frozenset]] = {}
        self._pred: dict[int, tuple] = {}

    def add_gold(self, doc: int, rec: dict) -> None:
        fr = rec.get("frames")
        if fr:
            found = _gold_frame_problems(fr)
            if found:
                raise GoldProblems(found)
            self._gold[doc] = (fr["primary"], frozenset(fr["labels"]))

    def add_pred(self, doc: int, pred) -> None:
        fr = pred.frames
        if fr is not None:
            primary = fr.get("primary")
            labels = fr["labels"] if "labels" in fr else ([primary] if primary else [])
            self._pred[doc] = (primary, frozenset(labels))

    def finish(self, n_docs: int) -> TaskResult:
        n = len(FRAMES)
        stats = np.zeros((n_docs, 2 + 3 * n), dtype=np.int64)
        index = {f: i for i, f in enumerate(FRAMES)}
        for doc, (primary, labels) in self._gold.items():
            p_primary, p_labels = self._pred.get(doc, (None, frozenset()))
            row = stats[doc]
            row[0], row[1] = 1, primary == p_primary
            for f in labels & p_labels:
                row[2 + index[f]] += 1
            for f in p_labels - labels:
                row[2 + n + index[f]] += 1
            for f in labels - p_labels:
                row[2 + 2 * n + index[f]] += 1
        return TaskResult(stats, {}, self._error_items, ordered=True)

    def _error_items(self, ids, texts) -> Iterator[dict]:
        for doc, (primary, labels) in sorted(self._gold.items()):
            p_primary, p_labels = self._pred.get(doc, (None, frozenset()))
            if primary != p_primary:
                yield {"id": ids[doc], "error": "primary", "gold": primary, "pred": p_primary}
            yield from ({"id": ids[doc], "error": "missed", "gold": f, "pred": None} for f in sorted(labels - p_labels))
            yield from ({"id": ids[doc], "error": "spurious", "gold": None, "pred": f} for f in sorted(p_labels - labels))


def doc_stats(gold, pred, options=None) -> np.ndarray:
    """One article's statistics row (see FrameMetric.columns)."""
    return FrameTask(options).single(gold, pred)


def score(stats, options=None) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return FrameMetric().corpus_score(np.atleast_2d(stats))
