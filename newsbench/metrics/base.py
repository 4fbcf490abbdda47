"""Scores from per-document sufficient statistics, as sacrebleu does it.

A task turns each document into one row of counts (its sufficient statistics) exactly once.
Everything else is arithmetic on sums of rows, so it costs no re-scoring:

- the corpus score is ``score(stats.sum(0))``;
- a bootstrap resample of documents is a row of multiplicities ``w`` and its score is
  ``score(w @ stats)``; a thousand resamples are one matrix product;
- approximate randomization swaps whole documents between two systems: ``A + M @ (B - A)``.

``Metric.score`` therefore works on any leading shape: ``(k,)`` gives floats, ``(n, k)`` gives
arrays of ``n`` scores (NaN where undefined); ``corpus_score`` gives floats, None where undefined.

Undefined numbers: a number with nothing to count on either side -- no gold and no predicted
items -- is NaN in ``score`` and reported as n/a, so that an empty layer scored against itself is
not reported as a perfect, or a zero, score; an interval leaves out the resamples on which its
number is undefined. That holds for a per-label number too (one type, kind or frame absent from
both sides): n/a, where nervaluate and scikit-learn's ``zero_division=0`` report 0 -- gold scored
against itself must never show a 0. Other 0/0 ratios (a precision with gold but no predictions)
are 0.
"""
from __future__ import annotations

import functools
import warnings
from sys import intern
from typing import Callable, Iterable, Iterator, Optional, Sequence

import numpy as np

from . import clip

#: Resamples processed per matrix product (bounds memory at chunk x documents floats).
CHUNK = 100


def interned(value):
    """A label string interned: one object per label, not one per item of a 20,000-article corpus."""
    return intern(value) if type(value) is str else value


def ratio(num, den):
    """num / den elementwise, 0 where den is 0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)


def undefined_where(values, empty):
    """`values` with NaN (undefined, reported as n/a) where `empty` is true."""
    return np.where(empty, np.nan, values)


def rate(num, den):
    """num / den elementwise, NaN (undefined) where den is 0: an accuracy over nothing."""
    return undefined_where(ratio(num, den), np.asarray(den) == 0)


def prf(correct, predicted, gold):
    """(precision, recall, F1) from a count of correct items and the two denominators (spaCy's PRFScore).

    0/0 gives 0 (scikit-learn's zero_division=0): the convention for per-label numbers.
    """
    p = ratio(correct, predicted)
    r = ratio(correct, gold)
    return p, r, ratio(2 * p * r, p + r)


def macro(values, present):
    """Mean of `values` over the last axis, counting only labels where `present` is true (NaN if none is)."""
    present = np.asarray(present, dtype=bool)
    n = present.sum(-1)
    return undefined_where(ratio(np.where(present, values, 0.0).sum(-1), n), n == 0)


def add_prf(out: dict, prefix: str, correct, predicted, gold) -> None:
    """Put `prefix`.p/.r/.f1 into `out`: all three undefined (NaN) when there is nothing on either
    side (`predicted` and `gold` both 0)."""
    p, r, f = prf(correct, predicted, gold)
    empty = (np.asarray(predicted) == 0) & (np.asarray(gold) == 0)
    out[f"{prefix}.p"], out[f"{prefix}.r"], out[f"{prefix}.f1"] = (undefined_where(v, empty) for v in (p, r, f))


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

    def per_label(self, key: str) -> bool:
        """Whether `key` is the number of one label (type, kind, frame): 0, not n/a, when the label is absent."""
        return False

    def score(self, stats: np.ndarray) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    def counts(self, sums: np.ndarray) -> dict:
        """The summed statistics, by column name (tasks may regroup them)."""
        return {c: int(v) for c, v in zip(self.columns, sums)}

    def breakdown(self, sums: np.ndarray) -> tuple:
        """((row title, column titles...), [(label, [score key or count, ...])]) for the per-type table."""
        return (), ()

    def corpus_score(self, doc_stats: np.ndarray) -> dict[str, Optional[float]]:
        """The numbers of the summed rows, as floats; an undefined one is None (n/a)."""
        return {k: _float(v) for k, v in self.score(np.asarray(doc_stats, dtype=np.float64).sum(0)).items()}


def _float(v) -> Optional[float]:
    """A float, or None for an undefined (NaN) number."""
    v = float(v)
    return None if v != v else v


def resampled_sums(doc_stats: np.ndarray, n: int, rng: np.random.Generator, n_docs: Optional[int] = None,
                   rows: Optional[np.ndarray] = None) -> Iterator[np.ndarray]:
    """Column sums of `n` bootstrap resamples of the documents, in chunks of (≤CHUNK, k).

    Documents are drawn with replacement (an index matrix); their multiplicities times the
    statistics give each resample's sums in one matrix product. `doc_stats` may be the rows of
    documents `rows` (an index array) of `n_docs` (one process's share of a corpus read in parts):
    the draws are the whole corpus's, so the shares add up to the whole's, exactly (integer counts).
    """
    stats = np.asarray(doc_stats, dtype=np.float64)
    n_docs = len(stats) if n_docs is None else n_docs
    mine = slice(0, n_docs) if rows is None else rows
    for lo in range(0, n, CHUNK):
        c = min(CHUNK, n - lo)
        idx = rng.integers(0, n_docs, size=(c, n_docs), dtype=np.int32 if n_docs < 2 ** 31 else np.int64)
        weights = np.empty((c, len(stats)))
        for row, drawn in zip(weights, idx):   # row by row: the counts stay in cache
            row[:] = np.bincount(drawn, minlength=n_docs)[mine]
        yield weights @ stats


def _paired_resampled_sums(a: np.ndarray, b: np.ndarray, n: int, rng) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    both = np.concatenate([np.asarray(a, np.float64), np.asarray(b, np.float64)], axis=1)
    k = a.shape[1]
    for sums in resampled_sums(both, n, rng):
        yield sums[:, :k], sums[:, k:]


def bootstrap_intervals(metric: Metric, doc_stats: np.ndarray, n: int = 1000, seed: Optional[int] = 12345,
                        level: float = 0.95) -> dict[str, Optional[tuple[float, float]]]:
    """Percentile bootstrap interval of every number `metric.score` returns, resampling documents.

    A number undefined on the whole corpus has no interval (None); resamples on which a defined
    number is undefined (none of its items drawn) are left out of its percentiles.
    """
    return bootstrap_intervals_all([(metric, doc_stats)], n, seed, level)[0]


def bootstrap_intervals_all(tasks: Sequence[tuple[Metric, np.ndarray]], n: int = 1000,
                            seed: Optional[int] = 12345, level: float = 0.95,
                            resampled: Optional[np.ndarray] = None) -> list[dict]:
    """`bootstrap_intervals` of several tasks scored on the same documents, from one set of resamples.

    Each task alone would draw the same resamples (same seed, same number of documents), so the
    intervals are those of `bootstrap_intervals`, task by task, for the cost of one draw and one
    matrix product. `resampled` gives those sums made already (`bootstrap_sums`, summed over parts).
    """
    if n <= 0 or not tasks or len(tasks[0][1]) == 0:
        return [{} for _ in tasks]
    stats = [np.asarray(st, dtype=np.float64) for _, st in tasks]
    edges = np.cumsum([0] + [st.shape[1] for st in stats])
    sums = bootstrap_sums([st for _, st in tasks], n, seed) if resampled is None else resampled
    return [_percentiles(metric, sums[:, lo:hi], st, n, level)
            for (metric, _), st, lo, hi in zip(tasks, stats, edges[:-1], edges[1:])]


def bootstrap_sums(doc_stats: Sequence[np.ndarray], n: int, seed: Optional[int], n_docs: Optional[int] = None,
                   rows: Optional[np.ndarray] = None) -> np.ndarray:
    """(n, all tasks' columns) resampled sums for `bootstrap_intervals_all`; of documents `rows`
    of `n_docs` when given (one process's share: the shares add up)."""
    rng = np.random.default_rng(seed)
    both = np.concatenate([np.asarray(st, dtype=np.float64) for st in doc_stats], axis=1)
    return np.concatenate(list(resampled_sums(both, n, rng, n_docs, rows)))


def _percentiles(metric: Metric, sums: np.ndarray, stats: np.ndarray, n: int, level: float) -> dict:
    samples = metric.score(sums)
    point = metric.score(stats.sum(0))
    tail = (1 - level) / 2 * 100
    keys = list(samples)
    stacked = np.stack([np.broadcast_to(samples[k], (n,)) for k in keys])
    with warnings.catch_warnings():      # an all-NaN row is a number undefined everywhere: None below
        warnings.simplefilter("ignore", RuntimeWarning)
        bounds = np.nanpercentile(stacked, [tail, 100 - tail], axis=1)
    return {k: None if np.isnan(point[k]) or np.isnan(lo) else (float(lo), float(hi))
            for k, lo, hi in zip(keys, bounds[0], bounds[1])}


def _p_value(null_stats: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """(count of null statistics at least as extreme + 1) / (trials + 1), per number.

    Undefined (NaN) null statistics are left out; the p-value of an undefined observation is NaN.
    """
    valid = ~np.isnan(null_stats)
    hits = np.sum(valid & (null_stats >= observed - 1e-12), axis=0)
    return undefined_where((hits + 1) / (valid.sum(0) + 1), np.isnan(observed))


def paired_bootstrap(metric: Metric, a: np.ndarray, b: np.ndarray, n: int = 1000, seed: Optional[int] = 12345,
                     keys: Optional[Sequence[str]] = None) -> dict[str, float]:
    """Two-sided paired bootstrap p-values (Koehn 2004), with the null centred on the signed differences.

    Both systems are scored on the same resamples of documents, giving resampled signed differences
    d* = B - A. Their spread around their own mean is the null distribution: p is the share of
    |d* - mean(d*)| at least as large as the observed |B - A|. (sacrebleu's paired_bs centres |d*|
    instead, which mixes the spread with the effect and is not a calibrated test.)
    """
    if n < 1:
        raise ValueError(f"the paired bootstrap needs at least 1 resample (got {n})")
    keys = list(keys or metric.headline)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    observed = _diff(metric, a.sum(0), b.sum(0), keys)
    rng = np.random.default_rng(seed)
    diffs = np.concatenate([_diff(metric, sa, sb, keys) for sa, sb in _paired_resampled_sums(a, b, n, rng)])
    with warnings.catch_warnings():      # a number undefined on every resample: its p-value is NaN anyway
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmean(diffs, axis=0)
    p = _p_value(np.abs(diffs - centre), np.abs(observed))
    return dict(zip(keys, map(_float, p)))


def approximate_randomization(metric: Metric, a: np.ndarray, b: np.ndarray, trials: int = 10000,
                              seed: Optional[int] = 12345, keys: Optional[Sequence[str]] = None) -> dict[str, float]:
    """Two-sided approximate randomization p-values (Noreen 1989; sacrebleu's paired_ar).

    Each trial swaps every document's statistics between the systems with probability 1/2.
    """
    if trials < 1:
        raise ValueError(f"approximate randomization needs at least 1 trial (got {trials})")
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
    return dict(zip(keys, map(_float, p)))


def _diff(metric: Metric, sums_a: np.ndarray, sums_b: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """Signed differences B - A of the numbers `keys`, over the last axis."""
    sa, sb = metric.score(sums_a), metric.score(sums_b)
    return np.stack([np.asarray(sb[k]) - np.asarray(sa[k]) for k in keys], axis=-1)


def _abs_diff(metric: Metric, sums_a: np.ndarray, sums_b: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    return np.abs(_diff(metric, sums_a, sums_b, keys))


# -- tasks ----------------------------------------------------------------------------------------
class GoldProblem(ValueError):
    """The gold cannot be scored: document number `doc` (or None), a JSON path and a reason."""

    def __init__(self, doc: Optional[int], path: str, reason: str):
        self.doc, self.path, self.reason = doc, path, reason
        super().__init__(reason)


class GoldProblems(ValueError):
    """Every (JSON path, reason) that makes one gold record unusable for a task (all of them, not the first)."""

    def __init__(self, found: list):
        self.found = list(found)
        super().__init__("; ".join(f"{p}: {r}" for p, r in self.found))


def span_problems(obj, path: str, text: str, check_text: bool = True) -> list[tuple[str, str]]:
    """(path, reason) for a gold span object whose offsets cannot be scored against `text`.

    Offsets must be integers with 0 <= start < end <= len(text); the reason sits at the offending
    field (`.start` for a negative start, `.end` for an end past the text or not after the start).
    """
    if type(obj) is not dict:
        return [(path, "not a span object")]
    s, e = obj.get("start"), obj.get("end")
    bad = [k for k, v in (("start", s), ("end", e)) if type(v) is not int]
    if bad:
        return [(f"{path}.{k}", f"offset must be an integer, not {clip(obj.get(k))}") for k in bad]
    n = len(text)
    where = None if 0 <= s < e <= n else "start" if s < 0 else "end"
    if where:
        return [(f"{path}.{where}", f"offsets [{s}, {e}) out of range for a text of {n} characters")]
    if check_text and "text" in obj and obj["text"] != text[s:e]:
        return [(f"{path}.text", f"span text {clip(obj['text'])} != text[{s}:{e}] {clip(text[s:e])}")]
    return []


def span_ok(obj, text: str) -> bool:
    """Whether `span_problems(obj, ..., text)` finds nothing: the cheap test every gold item passes
    first (the precise messages are made only for a record that fails it)."""
    if type(obj) is not dict:
        return False
    s, e = obj.get("start"), obj.get("end")
    return (type(s) is int and type(e) is int and 0 <= s < e <= len(text)
            and ("text" not in obj or obj["text"] == text[s:e]))


def layer_items(rec: dict, layer: str, what: str) -> tuple[list, list]:
    """(path, object) for every item of a gold layer that is an object, and a problem for each other one."""
    items = rec[layer]
    if type(items) is not list:
        return [], [(f"$.{layer}", "must be an array")]
    good, found = [], []
    for i, obj in enumerate(items):
        (good if type(obj) is dict else found).append((f"$.{layer}[{i}]", obj))
    return good, [(path, f"not {what} object") for path, _ in found]


def duplicate_note(doc: int, layer: str, start, end, label: str, copies: int, text: Optional[str] = None) -> dict:
    """How the report lists a prediction that was given more than once (and counted once).

    An unanchored text-only span has no offsets: start and end are None and its text is given.
    """
    note = {"doc": int(doc), "layer": layer, "start": start, "end": end, "label": label, "copies": int(copies)}
    if start is None:
        note["text"] = text
    return note


class TaskResult:
    """A task's per-document statistics, plus what the report lists beside the numbers.

    `error_items(ids, texts)` gives the per-item alignment; when `ordered` it yields the items
    document by document in gold order (what lets `evaluate --errors` stream them), otherwise
    the caller sorts them.
    """

    def __init__(self, stats: np.ndarray, notes: Optional[dict] = None, error_items=None, ordered: bool = False):
        self.stats = stats
        self.notes = notes or {}
        self._error_items = error_items
        self.ordered = ordered

    def error_items(self, ids: Sequence[str], texts: Sequence[str]) -> Iterable[dict]:
        """The per-item alignment for error analysis (missed, spurious, boundary, type confusion...)."""
        if self._error_items is _FORGOTTEN:
            raise ValueError("the per-item alignment was not kept (evaluate(..., error_items=False))")
        return self._error_items(ids, texts) if self._error_items else ()

    def forget_items(self) -> None:
        """Drop what the per-item alignment needs (a part's process hands in only the statistics)."""
        self._error_items = _FORGOTTEN

    @classmethod
    def joined(cls, results: Sequence["TaskResult"], offsets: Sequence[int], sizes: Sequence[int]) -> "TaskResult":
        """One result from those of consecutive parts of the documents (part k's documents start at offsets[k])."""
        notes: dict = {}
        for result, offset in zip(results, offsets):
            for key, value in result.notes.items():
                shifted = [{**v, "doc": v["doc"] + offset} if isinstance(v, dict) and "doc" in v else v for v in value]
                notes.setdefault(key, []).extend(shifted)
        makers = [r._error_items for r in results]
        if _FORGOTTEN in makers:
            items = _FORGOTTEN
        elif any(makers):
            items = functools.partial(_joined_items, results, list(offsets), list(sizes))
        else:
            items = None
        return cls(np.concatenate([r.stats for r in results]), notes, items, all(r.ordered for r in results))


def _FORGOTTEN(ids, texts):    # a marker, never called: see TaskResult.forget_items
    raise AssertionError("not called")


def _joined_items(results, offsets, sizes, ids, texts) -> Iterator[dict]:
    for result, offset, size in zip(results, offsets, sizes):
        yield from result.error_items(ids[offset:offset + size], texts[offset:offset + size])


def by_document(*segments: tuple[np.ndarray, Callable[[int], Iterable[dict]]]) -> Iterator[dict]:
    """The items of several (document of each unit, unit -> its items) segments, document by document.

    Within a document, units keep their order: segment by segment, then as given -- the order a
    stable sort by document of the segments one after the other gives, without making every item.
    """
    docs = np.concatenate([np.asarray(d, dtype=np.int64) for d, _ in segments]) if segments else np.zeros(0, np.int64)
    which = np.concatenate([np.full(len(d), k, dtype=np.int64) for k, (d, _) in enumerate(segments)]) \
        if segments else np.zeros(0, np.int64)
    unit = np.concatenate([np.arange(len(d), dtype=np.int64) for d, _ in segments]) if segments else which
    makers = [make for _, make in segments]
    for i in np.argsort(docs, kind="stable"):
        yield from makers[which[i]](int(unit[i]))


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

    def gold_problems(self, n_docs: int) -> list[tuple[int, str, str]]:
        """(document, JSON path, reason) for every gold item the task cannot score, once all gold is read.

        Checks that are cheaper in bulk than record by record (entity offsets) go here; the rest
        raise `GoldProblems` from `add_gold`.
        """
        return []

    def finish(self, n_docs: int) -> TaskResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def single(self, gold, pred) -> np.ndarray:
        """One document's statistics row: `gold` an Article (or dict), `pred` a Prediction, dict or None."""
        from ..predictions import parse_prediction

        rec = gold if isinstance(gold, dict) else gold.to_dict()
        self.add_gold(0, rec)
        found = self.gold_problems(1)
        if found:
            raise GoldProblems([(path, reason) for _, path, reason in found])
        if isinstance(pred, dict):
            pred = parse_prediction(pred, rec["text"])
        if pred is not None:
            self.add_pred(0, pred)
        return self.finish(1).stats[0]
