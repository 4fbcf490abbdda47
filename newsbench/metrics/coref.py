"""Coreference scoring: MUC, B³, CEAF-m, CEAF-e, BLANC, LEA and the CoNLL-2012 average.

Definitions are those of Pradhan et al. (2014, "Scoring Coreference Partitions of Predicted
Mentions: A Reference Implementation") for MUC, B³, CEAF and BLANC (BLANC on predicted mentions
by Luo et al. 2014, with the reference scorer's edge cases), and Moosavi & Strube (2016) for LEA
(a singleton's one "self-link" is resolved when the other side has it as a singleton too).

Mentions are matched exactly by offsets and never adjusted: a key mention the response lacks,
or a response mention the key lacks ("twinless"), simply counts in its own side's denominators,
as in the reference implementation. Each document gives one row of numerators and denominators
(`CorefMetric.columns`); the corpus numbers divide the summed rows, as the reference scorer's
corpus-level numbers do, so bootstrap intervals and paired tests come from `base` for free.

Singletons are scored as given by default (`singletons="keep"`, what the CoNLL-2012 reference
scorer does with the clusters it is given); `"drop"` removes single-mention clusters from both
sides first. `mentions="gold"` scores on gold mentions: the response keeps only key mentions and
every key mention it lacks is added as a singleton.
"""
from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Hashable, Optional, Sequence

import numpy as np

from .base import GoldProblems, Metric, Task, TaskResult, clip, ratio, span_problems, undefined_where

SINGLETONS = ("keep", "drop")
MENTIONS = ("predicted", "gold")
METRICS = ("muc", "b3", "ceafe", "ceafm", "blanc", "lea")

COLUMNS = (
    "mentions.key", "mentions.response", "mentions.common",
    "muc.r_num", "muc.r_den", "muc.p_num", "muc.p_den",
    "b3.r_num", "b3.p_num",
    "ceafm.num",
    "ceafe.num", "entities.key", "entities.response",
    "lea.r_num", "lea.p_num",
    "blanc.c_key", "blanc.c_response", "blanc.c_common", "blanc.n_key", "blanc.n_response", "blanc.n_common",
)


@dataclass(frozen=True)
class CorefOptions:
    singletons: str = "keep"
    mentions: str = "predicted"

    def __post_init__(self):
        if self.singletons not in SINGLETONS:
            raise ValueError(f"unknown singleton setting {self.singletons!r} (choose from {', '.join(SINGLETONS)})")
        if self.mentions not in MENTIONS:
            raise ValueError(f"unknown coreference mention setting {self.mentions!r} "
                             f"(choose from {', '.join(MENTIONS)})")

    def signature(self) -> str:
        return f"singletons={self.singletons},mentions={self.mentions}"


# -- one document -----------------------------------------------------------------------------------
def _links(n):
    return n * (n - 1) / 2


def prepare(key: Sequence, response: Sequence, options: CorefOptions = CorefOptions()) -> tuple[list, list]:
    """The two clusterings as lists of sets, after the gold-mention projection and the singleton setting."""
    key = [set(c) for c in key if c]
    response = [set(c) for c in response if c]
    if options.mentions == "gold":
        known = set().union(*key) if key else set()
        response = [c & known for c in response]
        response = [c for c in response if c]
        covered = set().union(*response) if response else set()
        response += [{m} for m in sorted(known - covered, key=repr)]
    if options.singletons == "drop":
        key = [c for c in key if len(c) > 1]
        response = [c for c in response if len(c) > 1]
    return key, response


def doc_row(key: Sequence, response: Sequence, options: CorefOptions = CorefOptions()) -> np.ndarray:
    """One document's statistics (`COLUMNS`) for a key and a response clustering.

    Each clustering is a sequence of clusters, each an iterable of hashable mentions (e.g.
    (start, end) offsets); a mention must not be in two clusters of one side.
    """
    from scipy.optimize import linear_sum_assignment

    key, response = prepare(key, response, options)
    k_of = {m: i for i, c in enumerate(key) for m in c}
    r_of = {m: j for j, c in enumerate(response) for m in c}
    k_size = np.array([len(c) for c in key], dtype=np.float64)
    r_size = np.array([len(c) for c in response], dtype=np.float64)
    overlap = Counter((k_of[m], r_of[m]) for m in k_of if m in r_of)      # |k ∩ r|, non-zero pairs only
    pairs = list(overlap.items())
    ki = np.array([k for (k, _), _ in pairs], dtype=np.int64)
    rj = np.array([r for (_, r), _ in pairs], dtype=np.int64)
    ov = np.array([n for _, n in pairs], dtype=np.float64)
    common_k = np.bincount(ki, ov, len(key))            # |k ∩ response mentions|
    common_r = np.bincount(rj, ov, len(response))
    n_key, n_resp, n_common = k_size.sum(), r_size.sum(), ov.sum()

    # MUC: a cluster's partition by the other side: the clusters it meets plus its twinless mentions
    k_parts = np.bincount(ki, minlength=len(key)) + (k_size - common_k)
    r_parts = np.bincount(rj, minlength=len(response)) + (r_size - common_r)
    muc = ((k_size - k_parts).sum(), (k_size - 1).sum(), (r_size - r_parts).sum(), (r_size - 1).sum())

    b3 = ((ov ** 2 / k_size[ki]).sum(), (ov ** 2 / r_size[rj]).sum())

    ceafm = ceafe = 0.0
    if pairs:
        sim = np.zeros((len(key), len(response)))
        sim[ki, rj] = ov
        rows, cols = linear_sum_assignment(sim, maximize=True)
        ceafm = sim[rows, cols].sum()
        sim[ki, rj] = 2 * ov / (k_size[ki] + r_size[rj])
        rows, cols = linear_sum_assignment(sim, maximize=True)
        ceafe = sim[rows, cols].sum()

    # LEA: importance |e| times the share of e's links the other side keeps (a singleton: its self-link)
    def lea(size, idx, other_size, other_idx) -> float:
        kept = np.bincount(idx, _links(ov), len(size))
        resolved = np.where(size > 1, ratio(kept, _links(size)), 0.0)
        single = np.zeros(len(size))
        ones = (ov == 1) & (size[idx] == 1) & (other_size[other_idx] == 1)
        single[idx[ones]] = 1.0
        return float((size * np.where(size > 1, resolved, single)).sum())

    lea_r = lea(k_size, ki, r_size, rj)
    lea_p = lea(r_size, rj, k_size, ki)

    c_key, c_resp, c_common = _links(k_size).sum(), _links(r_size).sum(), _links(ov).sum()
    n_key_links, n_resp_links = _links(n_key) - c_key, _links(n_resp) - c_resp
    n_common_links = _links(n_common) - _links(common_k).sum() - _links(common_r).sum() + c_common

    return np.array([n_key, n_resp, n_common, *muc, *b3, ceafm, ceafe, len(key), len(response), lea_r, lea_p,
                     c_key, c_resp, c_common, n_key_links, n_resp_links, n_common_links], dtype=np.float64)


# -- the metric -------------------------------------------------------------------------------------
def _prf(p, r, empty) -> tuple:
    f = ratio(2 * p * r, p + r)
    return tuple(undefined_where(v, empty) for v in (p, r, f))


class CorefMetric(Metric):
    task = "coref"
    columns = COLUMNS
    headline = tuple(f"{m}.{k}" for m in METRICS for k in ("p", "r", "f1")) + ("conll.f1", "mentions.p", "mentions.r",
                                                                              "mentions.f1")

    def score(self, stats) -> dict:
        x = np.asarray(stats, dtype=np.float64)
        c = {name: x[..., i] for i, name in enumerate(self.columns)}
        nk, nr = c["mentions.key"], c["mentions.response"]
        no_mentions = (nk == 0) & (nr == 0)
        out = {}

        def put(name, p, r, empty):
            out[f"{name}.p"], out[f"{name}.r"], out[f"{name}.f1"] = _prf(p, r, empty)

        put("muc", ratio(c["muc.p_num"], c["muc.p_den"]), ratio(c["muc.r_num"], c["muc.r_den"]),
            (c["muc.p_den"] == 0) & (c["muc.r_den"] == 0))     # no link on either side: nothing MUC can count
        put("b3", ratio(c["b3.p_num"], nr), ratio(c["b3.r_num"], nk), no_mentions)
        put("ceafe", ratio(c["ceafe.num"], c["entities.response"]), ratio(c["ceafe.num"], c["entities.key"]),
            (c["entities.key"] == 0) & (c["entities.response"] == 0))
        put("ceafm", ratio(c["ceafm.num"], nr), ratio(c["ceafm.num"], nk), no_mentions)
        out["blanc.p"], out["blanc.r"], out["blanc.f1"] = _blanc(c)
        put("lea", ratio(c["lea.p_num"], nr), ratio(c["lea.r_num"], nk), no_mentions)
        out["conll.f1"] = (out["muc.f1"] + out["b3.f1"] + out["ceafe.f1"]) / 3
        put("mentions", ratio(c["mentions.common"], nr), ratio(c["mentions.common"], nk), no_mentions)
        return out

    def counts(self, sums) -> dict:
        c = dict(zip(self.columns, (float(v) for v in sums)))
        return {"mentions": {"gold": int(c["mentions.key"]), "predicted": int(c["mentions.response"]),
                             "matched": int(c["mentions.common"])},
                "entities": {"gold": int(c["entities.key"]), "predicted": int(c["entities.response"])},
                "links": {"gold": int(c["blanc.c_key"]), "predicted": int(c["blanc.c_response"]),
                          "matched": int(c["blanc.c_common"])}}


def _blanc(c: dict) -> tuple:
    """BLANC (P, R, F) from link counts, with the reference scorer's edge cases (as scorch has them).

    Coreference and non-coreference links are scored apart and averaged; a kind of link with
    none in the key and none in the response scores 1, with none on one side only 0. When the key
    has no coreference link BLANC is the non-coreference score alone, when it has no
    non-coreference link the coreference score alone (Recasens & Hovy 2011). No link of either
    kind anywhere: n/a.
    """
    def part(key, resp, common):
        both_empty = (key == 0) & (resp == 0)
        p, r = ratio(common, resp), ratio(common, key)
        f = ratio(2 * common, key + resp)
        return tuple(np.where(both_empty, 1.0, v) for v in (p, r, f))

    ck, cr, cc = c["blanc.c_key"], c["blanc.c_response"], c["blanc.c_common"]
    nk, nr, nc = c["blanc.n_key"], c["blanc.n_response"], c["blanc.n_common"]
    coref, non = part(ck, cr, cc), part(nk, nr, nc)
    empty = (ck == 0) & (cr == 0) & (nk == 0) & (nr == 0)
    out = []
    for vc, vn in zip(coref, non):
        v = np.where(ck == 0, vn, np.where(nk == 0, vc, (vc + vn) / 2))
        out.append(undefined_where(v, empty))
    return tuple(out)


# -- the task ---------------------------------------------------------------------------------------
class CorefTask(Task):
    """Clusters of gold mentions (by their `entity`) against predicted clusters, document by document.

    A predicted mention's cluster is its `entity` field or the `entities.clusters[].mentions` list
    that holds it; a mention with neither is a singleton. Mentions are (start, end) offsets; an
    unanchored text-only one gets a stand-in position of its own (it is twinless).
    """

    name = "coref"

    def __init__(self, options: Optional[CorefOptions] = None):
        self.options = options or CorefOptions()
        self.metric = CorefMetric()
        # gold clusters packed (see _pack) until the document's prediction comes; then only its row
        self._gold: dict[int, tuple[array, array]] = {}
        self._rows: dict[int, np.ndarray] = {}
        self._duplicates: list[dict] = []
        self._unanchored: list[dict] = []

    def add_gold(self, doc: int, rec: dict) -> None:
        ents = rec["entities"]
        ms = ents["mentions"] if type(ents) is dict else None
        if type(ms) is not list:
            raise GoldProblems([("$.entities.mentions", "must be an array")])
        text, found, clusters = rec["text"], [], _Clusters()
        for i, m in enumerate(ms):
            problems = span_problems(m, f"$.entities.mentions[{i}]", text, check_text=False)
            if problems:
                found += problems
                continue
            entity = m.get("entity")
            if entity is not None and type(entity) is not str:
                found.append((f"$.entities.mentions[{i}].entity", f"entity must be a cluster id, not {clip(entity)}"))
                continue
            clusters.add((m["start"], m["end"]), entity)
        if found:
            raise GoldProblems(found)
        self._gold[doc] = _pack(clusters.partition())

    def add_pred(self, doc: int, pred) -> None:
        clusters = _Clusters()
        cols = pred.mentions
        lost = {}

        def where(start, end, text) -> tuple:
            if start is not None:
                return start, end
            if text not in lost:
                lost[text] = -2 * (len(lost) + 1)
            return lost[text], lost[text] + 1

        if cols is not None:
            entity = cols.entity or [None] * len(cols)
            for s, e, t, ent in zip(cols.start, cols.end, cols.text, entity):
                clusters.add(where(s, e, t), ent)
        for cid, spans in pred.clusters or ():
            for s, e, t in spans:
                clusters.add(where(s, e, t), cid)
        self._unanchored += [u.to_dict() for u in pred.unanchored if u.layer in ("mentions", "cluster mentions")]
        self._duplicates += [{"doc": doc, "layer": "coref", "start": s if s >= 0 else None,
                              "end": e if s >= 0 else None, "label": "in several clusters", "copies": n + 1}
                             for (s, e), n in clusters.conflicts.items()]
        # the row now, while both sides are at hand: a corpus's clusters are never all in memory
        self._rows[doc] = doc_row(_unpack(self._gold.pop(doc, None)), clusters.partition(), self.options)

    def finish(self, n_docs: int) -> TaskResult:
        stats = np.zeros((n_docs, len(COLUMNS)))
        for doc, row in self._rows.items():
            stats[doc] = row
        for doc, packed in self._gold.items():     # gold with no prediction: scored against nothing
            key = _unpack(packed)
            if key:
                stats[doc] = doc_row(key, [], self.options)
        return TaskResult(stats, {"duplicates": self._duplicates, "unanchored": self._unanchored})


_SHIFT = 1 << 32


def _pack(partition: list) -> tuple[array, array]:
    """A gold clustering of (start, end) mentions as two integer arrays: the mentions, cluster after
    cluster, as `start << 32 | end`, and the cluster sizes (a tenth of the memory of the lists)."""
    return (array("q", [s * _SHIFT + e for cluster in partition for s, e in cluster]),
            array("q", map(len, partition)))


def _unpack(packed) -> list[list]:
    if packed is None:
        return []
    keys, sizes = packed
    out, i = [], 0
    for n in sizes:
        out.append([divmod(k, _SHIFT) for k in keys[i:i + n]])
        i += n
    return out


class _Clusters:
    """Mentions grouped by cluster id. A mention given again counts once, in its first cluster; one
    given again in another cluster is noted (`conflicts`)."""

    def __init__(self):
        self._of: dict[Hashable, object] = {}
        self.conflicts: Counter = Counter()

    def add(self, mention: Hashable, cluster) -> None:
        cluster = cluster if cluster is not None else ("singleton", mention)
        first = self._of.setdefault(mention, cluster)
        if first != cluster:
            self.conflicts[mention] += 1

    def partition(self) -> list[list]:
        groups = defaultdict(list)
        for m, c in self._of.items():
            groups[c].append(m)
        return list(groups.values())


def doc_stats(gold, pred, options: Optional[CorefOptions] = None) -> np.ndarray:
    """One article's statistics row (see COLUMNS)."""
    return CorefTask(options).single(gold, pred)


def score(stats) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return CorefMetric().corpus_score(np.atleast_2d(stats))


def score_clusters(key: Sequence, response: Sequence, options: CorefOptions = CorefOptions()) -> dict:
    """All numbers for one key and one response clustering (each a sequence of mention collections)."""
    return score(doc_row(key, response, options))
