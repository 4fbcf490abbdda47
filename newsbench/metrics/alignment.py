"""One-to-one alignment of predicted spans to gold spans, for a whole corpus at once (numpy).

The rule (docs/scoring.md, "Matching"): within a document, every (gold, predicted) pair that
shares at least one character is a candidate. Candidates are ranked

1. same span before different span,
2. same label before different label,
3. larger overlap (characters) first,
4. smaller boundary distance |Δstart| + |Δend| first,
5. then by the gold span (start, end, label) and the predicted span (start, end, label),

and taken greedily, best first, each span used at most once. Ranks depend on span content only,
so the result does not depend on the order of the input; identical spans are removed first
(`dedupe`) so that the ranking is a strict order. The greedy pass is computed in rounds: every
candidate that is the best remaining one for both its spans is taken at once (the "locally
dominant" edges), which yields exactly the sequential greedy matching.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class Spans:
    """Spans of many documents as parallel integer arrays; `label` is a code. Unanchored spans have start < 0."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    @classmethod
    def from_lists(cls, doc, start, end, label) -> "Spans":
        return cls(*(np.asarray(x, dtype=np.int64).reshape(-1) for x in (doc, start, end, label)))

    @classmethod
    def empty(cls) -> "Spans":
        return cls.from_lists([], [], [], [])

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, idx) -> "Spans":
        return Spans(self.doc[idx], self.start[idx], self.end[idx], self.label[idx])


def _pack(columns: list, bounds: list) -> Optional[np.ndarray]:
    """Columns of non-negative integers (each below its bound) as one int64 key, if they fit in 62 bits."""
    total = 1
    for b in bounds:
        total *= max(int(b), 1)
    if total >= 1 << 62:
        return None
    key = np.array(columns[0], dtype=np.int64)
    for col, b in zip(columns[1:], bounds[1:]):
        key *= max(int(b), 1)
        key += col
    return key


def _order(columns: list, bounds: list) -> Optional[np.ndarray]:
    """Indices sorting rows by the columns (first column first), stable; None when already sorted."""
    key = _pack(columns, bounds)
    if key is None:
        return np.lexsort(columns[::-1])
    if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def _span_columns(spans: Spans, shift: int, stride: int, n_labels: int) -> tuple[list, list]:
    return [spans.start + shift, spans.end + shift, spans.label], [stride, stride, n_labels]


def dedupe(spans: Spans) -> tuple[Spans, np.ndarray]:
    """The distinct spans (in canonical order) and, per distinct span, how many copies the input had."""
    if len(spans) == 0:
        return spans, np.zeros(0, dtype=np.int64)
    shift = max(0, -int(spans.start.min()))
    cols, bounds = _span_columns(spans, shift, int(spans.end.max()) + shift + 1, int(spans.label.max()) + 1)
    order = _order([spans.doc] + cols, [int(spans.doc.max()) + 1] + bounds)
    s = spans if order is None else spans.take(order)
    new = np.ones(len(s), dtype=bool)
    new[1:] = ((s.doc[1:] != s.doc[:-1]) | (s.start[1:] != s.start[:-1]) | (s.end[1:] != s.end[:-1])
               | (s.label[1:] != s.label[:-1]))
    firsts = np.flatnonzero(new)
    if len(firsts) == len(s):
        return s, np.ones(len(s), dtype=np.int64)
    copies = np.diff(np.append(firsts, len(s)))
    return s.take(firsts), copies


@dataclass(frozen=True)
class Alignment:
    """Matched pairs (indices into the gold and predicted Spans) and what kind of match each is."""

    gold: np.ndarray
    pred: np.ndarray
    same_span: np.ndarray
    same_label: np.ndarray
    n_gold: int
    n_pred: int

    def unmatched_gold(self) -> np.ndarray:
        mask = np.ones(self.n_gold, dtype=bool)
        mask[self.gold] = False
        return np.flatnonzero(mask)

    def unmatched_pred(self) -> np.ndarray:
        mask = np.ones(self.n_pred, dtype=bool)
        mask[self.pred] = False
        return np.flatnonzero(mask)


def candidate_pairs(gold: Spans, pred: Spans) -> tuple[np.ndarray, np.ndarray]:
    """Every (gold index, pred index) pair in the same document whose spans share a character."""
    anchored = np.flatnonzero(pred.start >= 0)
    if len(gold) == 0 or len(anchored) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    stride = int(max(gold.end.max(), pred.end.max())) + 1
    gs = gold.doc * stride + gold.start
    ge = gold.doc * stride + gold.end
    order = _order([gs], [int(gs.max()) + 1])
    gs_sorted, ge_sorted = (gs, ge) if order is None else (gs[order], ge[order])
    reach = np.maximum.accumulate(ge_sorted)     # furthest gold end so far: golds before `lo` end before ps
    if len(anchored) < len(pred):
        ps = pred.doc[anchored] * stride + pred.start[anchored]
        pe = pred.doc[anchored] * stride + pred.end[anchored]
    else:
        ps = pred.doc * stride + pred.start
        pe = pred.doc * stride + pred.end
    lo = np.searchsorted(reach, ps, side="right")
    hi = np.searchsorted(gs_sorted, pe, side="left")
    counts = np.maximum(hi - lo, 0)
    which = np.repeat(np.arange(len(anchored)), counts)
    sorted_g = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(len(which))
    keep = ge_sorted[sorted_g] > ps[which]
    g = sorted_g[keep] if order is None else order[sorted_g[keep]]
    return g, anchored[which[keep]]


def identical_pairs(gold: Spans, pred: Spans) -> tuple[np.ndarray, np.ndarray]:
    """(gold index, pred index) of spans equal in document, start, end and label (inputs deduplicated)."""
    if len(gold) == 0 or len(pred) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    shift = max(0, -int(min(gold.start.min(), pred.start.min())))
    bounds = [int(max(gold.doc.max(), pred.doc.max())) + 1, int(max(gold.end.max(), pred.end.max())) + shift + 1]
    bounds = bounds + bounds[1:] + [int(max(gold.label.max(), pred.label.max())) + 1]

    def key(s: Spans):
        return _pack([s.doc, s.start + shift, s.end + shift, s.label], bounds)

    g_key, p_key = key(gold), key(pred)
    if g_key is None:   # positions too large to pack: compare as tuples
        where = {k: i for i, k in enumerate(zip(gold.doc.tolist(), gold.start.tolist(), gold.end.tolist(),
                                                gold.label.tolist()))}
        found = [(where[k], j) for j, k in enumerate(zip(pred.doc.tolist(), pred.start.tolist(), pred.end.tolist(),
                                                          pred.label.tolist())) if k in where]
        return (np.array([f[0] for f in found], dtype=np.int64).reshape(-1),
                np.array([f[1] for f in found], dtype=np.int64).reshape(-1))
    order = _order([g_key], [1 << 62])
    g_sorted = g_key if order is None else g_key[order]
    at = np.minimum(np.searchsorted(g_sorted, p_key), len(g_sorted) - 1)
    hit = g_sorted[at] == p_key
    g = at[hit] if order is None else order[at[hit]]
    return g, np.flatnonzero(hit)


def align(gold: Spans, pred: Spans, same_label_only: bool = False, same_span_only: bool = False,
          identical: Optional[tuple] = None) -> Alignment:
    """The module's one-to-one greedy alignment; the flags restrict which pairs may match.

    Identical spans (same span and label) rank above everything and can only pair with each
    other, so they are matched first by a merge (`identical`, if the caller has it already);
    the ranking runs on what is left.
    """
    same_g, same_p = identical if identical is not None else identical_pairs(gold, pred)
    rest_g = np.ones(len(gold), dtype=bool)
    rest_g[same_g] = False
    rest_g = np.flatnonzero(rest_g)
    rest_p = np.ones(len(pred), dtype=bool)
    rest_p[same_p] = False
    rest_p = np.flatnonzero(rest_p)
    g, p = candidate_pairs(gold.take(rest_g), pred.take(rest_p))
    g, p = rest_g[g], rest_p[p]
    same_span = (gold.start[g] == pred.start[p]) & (gold.end[g] == pred.end[p])
    same_label = gold.label[g] == pred.label[p]
    if same_label_only or same_span_only:
        keep = (same_label if same_label_only else True) & (same_span if same_span_only else True)
        g, p, same_span, same_label = g[keep], p[keep], same_span[keep], same_label[keep]
    # a pair whose gold and predicted span have no other candidate is taken whatever its rank
    alone = (np.bincount(g, minlength=len(gold))[g] == 1) & (np.bincount(p, minlength=len(pred))[p] == 1)
    contested = np.flatnonzero(~alone)
    rank = contested[_rank(gold, pred, g[contested], p[contested], same_span[contested], same_label[contested])]
    taken = np.concatenate([np.flatnonzero(alone), rank[_greedy(g[rank], p[rank], len(gold), len(pred))]])
    ones = np.ones(len(same_g), dtype=bool)
    return Alignment(np.concatenate([same_g, g[taken]]), np.concatenate([same_p, p[taken]]),
                     np.concatenate([ones, same_span[taken]]), np.concatenate([ones, same_label[taken]]),
                     len(gold), len(pred))


def _rank(gold: Spans, pred: Spans, g, p, same_span, same_label) -> np.ndarray:
    """Candidate pairs sorted best first, by the module's rule."""
    overlap = np.minimum(gold.end[g], pred.end[p]) - np.maximum(gold.start[g], pred.start[p])
    distance = np.abs(gold.start[g] - pred.start[p]) + np.abs(gold.end[g] - pred.end[p])
    if len(g) == 0:
        return np.zeros(0, np.int64)
    stride = int(max(gold.end.max(), pred.end.max())) + 1
    n_labels = int(max(gold.label.max(), pred.label.max())) + 1
    quality = _pack([(~same_span).astype(np.int64), (~same_label).astype(np.int64), stride - overlap, distance],
                    [2, 2, stride + 1, 2 * stride + 1])
    g_cols, bounds = _span_columns(gold.take(g), 0, stride, n_labels)
    p_cols, _ = _span_columns(pred.take(p), 0, stride, n_labels)
    g_key, p_key = _pack(g_cols, bounds), _pack(p_cols, bounds)
    if quality is None or g_key is None:
        return np.lexsort((*p_cols[::-1], *g_cols[::-1], distance, -overlap, ~same_label, ~same_span))
    return np.lexsort((p_key, g_key, quality))


def _greedy(g: np.ndarray, p: np.ndarray, n_gold: int, n_pred: int) -> np.ndarray:
    """Indices of the edges (sorted best first) that sequential greedy matching takes.

    Each round takes every edge that is the best remaining one at both its ends.
    """
    used_g = np.zeros(n_gold, dtype=bool)
    used_p = np.zeros(n_pred, dtype=bool)
    active = np.arange(len(g))
    taken = []
    while len(active):
        ag, ap = g[active], p[active]
        first_g = np.full(n_gold, len(g))
        np.minimum.at(first_g, ag, active)
        first_p = np.full(n_pred, len(g))
        np.minimum.at(first_p, ap, active)
        chosen = active[(first_g[ag] == active) & (first_p[ap] == active)]
        used_g[g[chosen]] = True
        used_p[p[chosen]] = True
        taken.append(chosen)
        active = active[~(used_g[ag] | used_p[ap])]
    return np.concatenate(taken) if taken else np.zeros(0, np.int64)


def per_doc(doc: np.ndarray, n_docs: int, weights=None) -> np.ndarray:
    """Counts (or sums of `weights`) per document."""
    return np.bincount(doc, weights=weights, minlength=n_docs)[:n_docs]
