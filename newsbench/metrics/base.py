"""Scores from per-document sufficient statistics, as sacrebleu does it.

A task turns each document into one row of counts (its sufficient statistics) exactly once.
Everything else is arithmetic on sums of rows, so it costs no re-scoring:

- the corpus score is ``score(stats.sum(0))``;
- a bootstrap resample of documents is a row of multiplicities ``w`` and its score is
  ``score(w @ stats)``; a thousand resamples are one matrix product;
- approximate randomization swaps whole documents between two systems: ``A + M @ (B - A)``.

``Metric.score`` therefore works on any leading shape: ``(k,)`` gives floats, ``(n, k)`` gives
arrays of ``n`` scores. Undefined ratios (0/0) are 0, as scikit-learn's ``zero_division=0``.
"""
from __future__ import annotations

from typing import Iterator, Optional, Sequence

import numpy as np

#: Resamples processed per matrix product (bounds memory at chunk x documents floats).
CHUNK = 100


def ratio(num, den):
    """num / den elementwise, 0 where den is 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


def prf(correct, predicted, gold):
    """(precision, recall, F1) from a count of correct items and the two denominators (spaCy's PRFScore)."""
    p = ratio(correct, predicted)
    r = ratio(correct, gold)
    return p, r, ratio(2 * p * r, p + r)


def macro(values, present):
    """Mean of `values` over the last axis, counting only labels where `present` is true (0 if none)."""
    present = np.asarray(present, dtype=bool)
    return ratio(np.where(present, values, 0.0).sum(-1), present.sum(-1))


def add_prf(out: dict, prefix: str, correct, predicted, gold) -> None:
    """Put `prefix`.p/.r/.f1 into `out`."""
    p, r, f = prf(correct, predicted, gold)
    out[f"{prefix}.p"], out[f"{prefix}.r"], out[f"{prefix}.f1"] = p, r, f


class Metric:
    """A task's scorer: names its statistic columns and computes numbers from summed columns.

    Subclasses set `columns` and implement `score(stats) -> {name: array}` vectorised over leading
    axes; `headline` names the numbers the report leads with and `compare` tests.
    """

    task: str = ""
    columns: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()

    def col(self, stats: np.ndarray, name: str) -> np.ndarray:
        return stats[..., self.columns.index(name)]

    def score(self, stats: np.ndarray) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def counts(self, sums: np.ndarray) -> dict:
        """The summed statistics, by column name (tasks may regroup them)."""
        return {c: int(v) for c, v in zip(self.columns, sums)}

    def breakdown(self, sums: np.ndarray) -> tuple:
        """((row title, column titles...), [(label, [score key or count, ...])]) for the per-type table."""
        return (), ()

    def corpus_score(self, doc_stats: np.ndarray) -> dict[str, float]:
        return {k: float(v) for k, v in self.score(np.asarray(doc_stats, dtype=np.float64).sum(0)).items()}


def resampled_sums(doc_stats: np.ndarray, n: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Column sums of `n` bootstrap resamples of the documents, in chunks of (≤CHUNK, k).

    Documents are drawn with replacement (an index matrix); their multiplicities times the
    statistics give each resample's sums in one matrix product.
    """
    stats = np.asarray(doc_stats, dtype=np.float64)
    n_docs = len(stats)
    for lo in range(0, n, CHUNK):
        c = min(CHUNK, n - lo)
        idx = rng.integers(0, n_docs, size=(c, n_docs), dtype=np.int32 if n_docs < 2 ** 31 else np.int64)
        weights = np.empty((c, n_docs))
        for row, drawn in zip(weights, idx):   # row by row: the counts stay in cache
            row[:] = np.bincount(drawn, minlength=n_docs)
        yield weights @ stats


def _paired_resampled_sums(a: np.ndarray, b: np.ndarray, n: int, rng) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    both = np.concatenate([np.asarray(a, np.float64), np.asarray(b, np.float64)], axis=1)
    k = a.shape[1]
    for sums in resampled_sums(both, n, rng):
        yield sums[:, :k], sums[:, k:]


def bootstrap_intervals(metric: Metric, doc_stats: np.ndarray, n: int = 1000, seed: Optional[int] = 12345,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of every number `metric.score` returns, resampling documents."""
    if n <= 0 or len(doc_stats) == 0:
        return {}
    rng = np.random.default_rng(seed)
    samples = metric.score(np.concatenate(list(resampled_sums(doc_stats, n, rng))))
    tail = (1 - level) / 2 * 100
    keys = list(samples)
    bounds = np.percentile(np.stack([np.broadcast_to(samples[k], (n,)) for k in keys]), [tail, 100 - tail], axis=1)
    return {k: (float(lo), float(hi)) for k, lo, hi in zip(keys, bounds[0], bounds[1])}


def _p_value(null_stats: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """(count of null statistics at least as extreme + 1) / (trials + 1), per number."""
    return (np.sum(null_stats >= observed - 1e-12, axis=0) + 1) / (len(null_stats) + 1)


def paired_bootstrap(metric: Metric, a: np.ndarray, b: np.ndarray, n: int = 1000, seed: Optional[int] = 12345,
                     keys: Optional[Sequence[str]] = None) -> dict[str, float]:
    """Two-sided paired bootstrap p-values (Koehn 2004, shifted to the null as sacrebleu's paired_bs).

    Both systems are scored on the same resamples; the resampled |B - A| differences, centred on
    their mean, are the null distribution of the observed |B - A|.
    """
    keys = list(keys or metric.headline)
    observed = _abs_diff(metric, a.sum(0), b.sum(0), keys)
    rng = np.random.default_rng(seed)
    diffs = np.concatenate([_abs_diff(metric, sa, sb, keys) for sa, sb in _paired_resampled_sums(a, b, n, rng)])
    p = _p_value(diffs - diffs.mean(0), observed)
    return dict(zip(keys, map(float, p)))


def approximate_randomization(metric: Metric, a: np.ndarray, b: np.ndarray, trials: int = 10000,
                              seed: Optional[int] = 12345, keys: Optional[Sequence[str]] = None) -> dict[str, float]:
    """Two-sided approximate randomization p-values (Noreen 1989; sacrebleu's paired_ar).

    Each trial swaps every document's statistics between the systems with probability 1/2.
    """
    keys = list(keys or metric.headline)
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    sum_a, sum_b, delta = a.sum(0), b.sum(0), b - a
    observed = _abs_diff(metric, sum_a, sum_b, keys)
    rng = np.random.default_rng(seed)
    out = []
    for lo in range(0, trials, CHUNK):
        swaps = rng.integers(0, 2, size=(min(CHUNK, trials - lo), len(a))).astype(np.float64) @ delta
        out.append(_abs_diff(metric, sum_a + swaps, sum_b - swaps, keys))
    p = _p_value(np.concatenate(out), observed)
    return dict(zip(keys, map(float, p)))


def _abs_diff(metric: Metric, sums_a: np.ndarray, sums_b: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    sa, sb = metric.score(sums_a), metric.score(sums_b)
    return np.stack([np.abs(np.asarray(sb[k]) - np.asarray(sa[k])) for k in keys], axis=-1)


# -- tasks ----------------------------------------------------------------------------------------
class GoldProblem(ValueError):
    """The gold cannot be scored: document number `doc` (or None), a JSON path and a reason."""

    def __init__(self, doc: Optional[int], path: str, reason: str):
        self.doc, self.path, self.reason = doc, path, reason
        super().__init__(reason)


def duplicate_note(doc: int, layer: str, start, end, label: str, copies: int) -> dict:
    """How the report lists a prediction that was given more than once (and counted once)."""
    return {"doc": int(doc), "layer": layer, "start": start, "end": end, "label": label, "copies": int(copies)}


class TaskResult:
    """A task's per-document statistics, plus what the report lists beside the numbers."""

    def __init__(self, stats: np.ndarray, notes: Optional[dict] = None, error_items=None):
        self.stats = stats
        self.notes = notes or {}
        self._error_items = error_items

    def error_items(self, ids: Sequence[str], texts: Sequence[str]) -> list[dict]:
        """The per-item alignment for error analysis (missed, spurious, boundary, type confusion...)."""
        return self._error_items(ids, texts) if self._error_items else []


class Task:
    """Collects gold and predicted items document by document, then computes all statistics at once.

    Gold records are plain dicts in the corpus shape; predictions are checked, anchored
    `newsbench.predictions.Prediction`s. Document numbers are 0..n_docs-1 in gold order.
    """

    name: str = ""
    metric: Metric

    def add_gold(self, doc: int, rec: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def add_pred(self, doc: int, pred) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, n_docs: int) -> TaskResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def single(self, gold, pred) -> np.ndarray:
        """One document's statistics row: `gold` an Article (or dict), `pred` a Prediction, dict or None."""
        from ..predictions import parse_prediction

        rec = gold if isinstance(gold, dict) else gold.to_dict()
        self.add_gold(0, rec)
        if isinstance(pred, dict):
            pred = parse_prediction(pred, rec["text"])
        if pred is not None:
            self.add_pred(0, pred)
        return self.finish(1).stats[0]
