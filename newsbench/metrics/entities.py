"""Named-entity scoring under the four SemEval-2013 task 9.1 schemes, with nervaluate's definitions.

Spans are aligned one-to-one by `alignment.align` (order-independent; identical predictions are
counted once and reported). Each aligned pair is one of four kinds -- same span and type, same
span other type, overlapping same type, overlapping other type -- and the schemes only differ in
how they count the kinds:

=========  ==========================  =======================  ==================
scheme     correct (COR)               incorrect (INC)          partial (PAR)
=========  ==========================  =======================  ==================
strict     same span, same type        every other pair         --
exact      same span                   overlapping              --
partial    same span                   --                       overlapping
type       same type                   other type               --
=========  ==========================  =======================  ==================

Unaligned gold spans are missed (MIS), unaligned predictions spurious (SPU);
ACT = COR+INC+PAR+SPU, POS = COR+INC+PAR+MIS, P = (COR + PAR/2)/ACT, R = (COR + PAR/2)/POS.
Per type, the same rule runs on the gold and predicted spans of that type alone (as nervaluate
1.2.1 does), so a type confusion is a miss of one type and a spurious span of the other. Macro
averages are over the types present in the gold or the predictions.
"""
from __future__ import annotations

import functools
from array import array
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterator, Optional

import numpy as np

from ..labels import ENTITY_TYPES, MENTION_LEVELS
from .alignment import Spans, align, dedupe, identical_pairs, per_doc
from .base import (GoldProblems, Metric, by_document, Task, TaskResult, add_prf, clip, duplicate_note, macro, prf,
                   undefined_where)

SCHEMES = ("strict", "exact", "partial", "type")

#: OntoNotes type -> CoNLL-2003 type (None: not scored). Facilities are locations in CoNLL's guidelines.
CONLL_MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "PRODUCT": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None, "ORDINAL": None, "CARDINAL": None,
}
#: OntoNotes type -> ACE 2005 type. NORP (ACE splits it between PER and GPE) and PRODUCT (ACE's VEH and WEA
#: are only part of it) have no single ACE type, so they are not scored; nor are predicted VEH and WEA,
#: which no gold span can match.
ACE_MAP = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC",
    **{t: None for t in ("NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT",
                         "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")},
}
LABEL_MAPS = {
    "conll": (CONLL_MAP, ("PER", "ORG", "LOC", "MISC"), ()),
    "ace": (ACE_MAP, ("PER", "ORG", "GPE", "LOC", "FAC"), ("VEH", "WEA")),
}

#: How many correct / incorrect / partial each alignment kind (same span?, same type?) counts as, per scheme.
_KINDS = ("same_span_same_type", "same_span_other_type", "overlap_same_type", "overlap_other_type")
_OUTCOME = {  # scheme -> kind -> "correct" | "incorrect" | "partial"
    "strict": ("correct", "incorrect", "incorrect", "incorrect"),
    "exact": ("correct", "correct", "incorrect", "incorrect"),
    "partial": ("correct", "correct", "partial", "partial"),
    "type": ("correct", "incorrect", "correct", "incorrect"),
}
_ERROR_KIND = {1: "type", 2: "boundary", 3: "boundary+type"}
_GOLD_FIELDS = itemgetter("start", "end", "type", "level")
_ALL_LEVELS = frozenset(MENTION_LEVELS)


@dataclass(frozen=True)
class EntityOptions:
    schemes: tuple = SCHEMES
    levels: tuple = ("NAM",)
    label_map: Optional[str] = None

    def __post_init__(self):
        bad = [s for s in self.schemes if s not in SCHEMES]
        if bad or not self.schemes:
            raise ValueError(f"unknown scheme(s) {', '.join(bad) or '(none)'} (choose from {', '.join(SCHEMES)})")
        bad = [lv for lv in self.levels if lv not in MENTION_LEVELS]
        if bad or not self.levels:
            raise ValueError(f"unknown mention level(s) {', '.join(bad) or '(none)'} "
                             f"(choose from {', '.join(MENTION_LEVELS)})")
        if self.label_map not in (None, *LABEL_MAPS):
            raise ValueError(f"unknown label map {self.label_map!r} (choose from {', '.join(LABEL_MAPS)})")

    @property
    def types(self) -> tuple:
        return LABEL_MAPS[self.label_map][1] if self.label_map else ENTITY_TYPES

    @property
    def extra_labels(self) -> frozenset:
        """Labels a prediction may use besides the OntoNotes ones (the map's own)."""
        if not self.label_map:
            return frozenset()
        _, kept, dropped = LABEL_MAPS[self.label_map]
        return frozenset(kept) | frozenset(dropped)

    def codes(self) -> tuple[dict, dict]:
        """(gold label -> type index, predicted label -> type index); -1 drops the span."""
        index = {t: i for i, t in enumerate(self.types)}
        if not self.label_map:
            return index, index
        mapping, _, dropped = LABEL_MAPS[self.label_map]
        gold = {src: index[dst] if dst else -1 for src, dst in mapping.items()}
        return gold, {**gold, **index, **{t: -1 for t in dropped}}


class EntityMetric(Metric):
    task = "entities"

    def __init__(self, types: tuple, schemes: tuple = SCHEMES):
        self.types, self.schemes = tuple(types), tuple(schemes)
        self.columns = _KINDS + ("missed", "spurious") + tuple(
            f"{t}.{what}" for what in ("exact", "overlap", "missed", "spurious") for t in self.types)
        self.headline = tuple(f"{s}.{k}" for s in self.schemes for k in ("micro.p", "micro.r", "micro.f1", "macro.f1"))

    def _split(self, stats):
        x = np.asarray(stats, dtype=np.float64)
        kinds = [x[..., i] for i in range(4)]
        per_type = x[..., 6:].reshape(x.shape[:-1] + (4, len(self.types)))
        zero = np.zeros_like(per_type[..., 0, :])
        type_kinds = [per_type[..., 0, :], zero, per_type[..., 1, :], zero]
        return kinds, x[..., 4], x[..., 5], type_kinds, per_type[..., 2, :], per_type[..., 3, :]

    @staticmethod
    def _outcomes(scheme: str, kinds) -> dict:
        out = {"correct": 0.0, "incorrect": 0.0, "partial": 0.0}
        for outcome, n in zip(_OUTCOME[scheme], kinds):
            out[outcome] = out[outcome] + n
        return out

    def score(self, stats) -> dict:
        kinds, missed, spurious, type_kinds, t_missed, t_spurious = self._split(stats)
        aligned, t_aligned = sum(kinds), sum(type_kinds)
        present = (t_aligned + t_missed + t_spurious) > 0
        out = {}
        for s in self.schemes:
            o = self._outcomes(s, kinds)
            add_prf(out, f"{s}.micro", o["correct"] + 0.5 * o["partial"], aligned + spurious, aligned + missed)
            o = self._outcomes(s, type_kinds)
            p, r, f = prf(o["correct"] + 0.5 * o["partial"], t_aligned + t_spurious, t_aligned + t_missed)
            out[f"{s}.macro.p"], out[f"{s}.macro.r"], out[f"{s}.macro.f1"] = macro(p, present), macro(r, present), \
                macro(f, present)
            p, r, f = (undefined_where(v, ~present) for v in (p, r, f))
            for i, t in enumerate(self.types):
                out[f"{s}.{t}.p"], out[f"{s}.{t}.r"], out[f"{s}.{t}.f1"] = p[..., i], r[..., i], f[..., i]
        return out

    def per_label(self, key: str) -> bool:
        return key.split(".")[1] not in ("micro", "macro")

    def counts(self, sums) -> dict:
        """nervaluate's counts per scheme (COR, INC, PAR, MIS, SPU, ACT, POS) and per-type support."""
        kinds, missed, spurious, type_kinds, t_missed, t_spurious = self._split(sums)
        out = {}
        for s in self.schemes:
            o = self._outcomes(s, kinds)
            out[s] = {**{k: int(v) for k, v in o.items()}, "missed": int(missed), "spurious": int(spurious),
                      "actual": int(sum(kinds) + spurious), "possible": int(sum(kinds) + missed)}
        t_aligned = sum(type_kinds)
        out["types"] = {t: {"gold": int(t_aligned[i] + t_missed[i]), "predicted": int(t_aligned[i] + t_spurious[i])}
                        for i, t in enumerate(self.types) if t_aligned[i] + t_missed[i] + t_spurious[i] > 0}
        return out


    def breakdown(self, sums) -> tuple:
        present = self.counts(sums)["types"]
        titles = ["type"] + [f"{s} F1" for s in self.schemes] + ["gold", "pred"]
        return titles, [(t, [f"{s}.{t}.f1" for s in self.schemes] + [n["gold"], n["predicted"]])
                        for t, n in present.items()]


class EntityTask(Task):
    name = "entities"

    def __init__(self, options: Optional[EntityOptions] = None):
        self.options = options or EntityOptions()
        self.metric = EntityMetric(self.options.types, self.options.schemes)
        self._gold_code, self._pred_code = self.options.codes()
        self._levels = frozenset(self.options.levels)
        # (doc, count) per document, then start, end and type code of every span as machine integers
        # (array.array keeps 8 bytes a value where a list would keep a Python int alive)
        self._gold = ([], array("q"), array("q"), array("q"))
        self._pred = ([], array("q"), array("q"), array("q"))
        self._text_len: dict[int, int] = {}
        self._kept: dict[int, list] = {}       # doc -> indices of the gold mentions kept, when levels drop some
        self._lost: dict[int, dict] = {}       # doc -> unanchored text -> its stand-in start (negative)
        self._unanchored: list[dict] = []      # the unanchored predictions scored, each once

    def add_gold(self, doc: int, rec: dict) -> None:
        ms = rec["entities"]["mentions"]
        self._text_len[doc] = len(rec["text"])
        if not ms:
            return
        starts, ends, types, levels = zip(*map(_GOLD_FIELDS, ms))
        if not self._levels.issuperset(levels):
            if not _ALL_LEVELS.issuperset(levels):    # not silently left out: a level that does not exist
                raise GoldProblems([(f"$.entities.mentions[{i}].level", f"unknown mention level {clip(lv)} "
                                                                         f"(allowed: {', '.join(MENTION_LEVELS)})")
                                    for i, lv in enumerate(levels) if lv not in _ALL_LEVELS])
            keep = [level in self._levels for level in levels]
            self._kept[doc] = [i for i, k in enumerate(keep) if k]
            starts, ends, types = ([x for x, k in zip(col, keep) if k] for col in (starts, ends, types))
        self._extend(self._gold, doc, starts, ends, map(self._gold_code.__getitem__, types))

    def gold_problems(self, n_docs: int) -> list[tuple[int, str, str]]:
        """Every scored gold mention whose offsets are out of range, checked in bulk, with its exact path."""
        docs, starts, ends, _ = self._gold
        if not len(starts):
            return []
        start, end = np.frombuffer(starts, dtype=np.int64), np.frombuffer(ends, dtype=np.int64)
        counts = np.array([n for _, n in docs], dtype=np.int64)
        doc = np.repeat(np.array([d for d, _ in docs], dtype=np.int64), counts)
        lengths = np.zeros(n_docs, dtype=np.int64)
        lengths[list(self._text_len)] = list(self._text_len.values())
        bad = np.flatnonzero((start < 0) | (start >= end) | (end > lengths[doc]))
        if not len(bad):
            return []
        within = np.arange(len(start)) - np.repeat(np.cumsum(counts) - counts, counts)   # index among the doc's kept
        out = []
        for i in bad.tolist():
            d, j, s, e = int(doc[i]), int(within[i]), int(start[i]), int(end[i])
            index = self._kept[d][j] if d in self._kept else j
            field = "start" if s < 0 else "end"
            out.append((d, f"$.entities.mentions[{index}].{field}",
                        f"offsets [{s}, {e}) out of range for a text of {int(lengths[d])} characters"))
        return out

    def add_pred(self, doc: int, pred) -> None:
        cols = pred.mentions
        if not cols:
            return
        starts, ends, types = cols.start, cols.end, cols.type
        keep = None
        if cols.level is not None and not self._levels.issuperset(cols.level):
            keep = [level is None or level in self._levels for level in cols.level]
        if None in starts:
            starts, ends = self._stand_ins(doc, pred, keep)
        if keep is not None:
            starts, ends, types = ([x for x, k in zip(col, keep) if k] for col in (starts, ends, types))
        self._extend(self._pred, doc, starts, ends, map(self._pred_code.__getitem__, types))

    def _stand_ins(self, doc: int, pred, keep) -> tuple[list, list]:
        """Offsets for the unanchored mentions: a position of their own before the text, overlapping nothing.

        Mentions with the same text share one position, so identical ones (same text and type) are
        one prediction, counted once and reported as a duplicate. Each scored one is noted once.
        """
        cols = pred.mentions
        starts, ends = list(cols.start), list(cols.end)
        lost = self._lost.setdefault(doc, {})
        noted = set()
        for i, s in enumerate(cols.start):
            if s is not None:
                continue
            text = cols.text[i]
            if text not in lost:
                lost[text] = -2 * (len(lost) + 1)
            starts[i], ends[i] = lost[text], lost[text] + 1
            code = self._pred_code.get(cols.type[i], -1)
            if (keep is None or keep[i]) and code >= 0 and (text, code) not in noted:
                noted.add((text, code))
                self._unanchored.append({"id": pred.id, "line": pred.line, "path": f"$.entities.mentions[{i}]",
                                         "text": text})
        return starts, ends

    @staticmethod
    def _extend(columns: tuple, doc: int, starts, ends, codes) -> None:
        """Append one document's spans, all or nothing (TypeError for non-integer offsets, KeyError for
        an unknown type); dropped types (-1) go at `finish`."""
        docs, all_starts, all_ends, all_codes = columns
        n = len(all_starts)
        try:
            all_starts.extend(starts)
            all_ends.extend(ends)
            all_codes.extend(codes)
        except BaseException:       # keep the columns aligned: nothing of this document stays
            del all_starts[n:], all_ends[n:], all_codes[n:]
            raise
        docs.append((doc, len(all_starts) - n))

    @staticmethod
    def _spans(columns: tuple) -> Spans:
        """The collected spans as arrays, without the ones the label map drops."""
        docs, starts, ends, codes = columns
        doc = np.repeat(np.array([d for d, _ in docs], dtype=np.int64), [n for _, n in docs])
        start, end, code = (np.frombuffer(a, dtype=np.int64) if len(a) else np.zeros(0, np.int64)
                            for a in (starts, ends, codes))
        keep = code >= 0
        return Spans.from_lists(doc, start, end, code) if keep.all() else \
            Spans.from_lists(doc[keep], start[keep], end[keep], code[keep])

    def finish(self, n_docs: int) -> TaskResult:
        gold, gold_copies = dedupe(self._spans(self._gold))
        pred, pred_copies = dedupe(self._spans(self._pred))
        n_types = len(self.options.types)
        identical = identical_pairs(gold, pred)
        al = align(gold, pred, identical=identical)
        kind = np.where(al.same_span, np.where(al.same_label, 0, 1), np.where(al.same_label, 2, 3))
        overall = np.bincount(gold.doc[al.gold] * 4 + kind, minlength=n_docs * 4).reshape(n_docs, 4)
        missed = per_doc(gold.doc[al.unmatched_gold()], n_docs)
        spurious = per_doc(pred.doc[al.unmatched_pred()], n_docs)
        by_type = align(gold, pred, same_label_only=True, identical=identical)

        def per_type(spans: Spans, idx) -> np.ndarray:
            return np.bincount(spans.doc[idx] * n_types + spans.label[idx],
                               minlength=n_docs * n_types).reshape(n_docs, n_types)

        stats = np.concatenate([
            overall, missed[:, None], spurious[:, None],
            per_type(gold, by_type.gold[by_type.same_span]), per_type(gold, by_type.gold[~by_type.same_span]),
            per_type(gold, by_type.unmatched_gold()), per_type(pred, by_type.unmatched_pred()),
        ], axis=1).astype(np.int64)
        notes = {"duplicates": self._copies_note(pred, pred_copies),
                 "gold_duplicates": self._copies_note(gold, gold_copies),
                 "unanchored": list(self._unanchored)}
        return TaskResult(stats, notes, functools.partial(self._error_items, gold, pred, al, kind), ordered=True)

    def _lost_text(self, doc: int, start: int) -> Optional[str]:
        """The text of an unanchored mention, from its stand-in position."""
        return next((t for t, s in self._lost.get(doc, {}).items() if s == start), None)

    def _copies_note(self, spans: Spans, copies: np.ndarray) -> list[dict]:
        out = []
        for i in np.flatnonzero(copies > 1):
            d, s, e = int(spans.doc[i]), int(spans.start[i]), int(spans.end[i])
            label = self.options.types[spans.label[i]]
            out.append(duplicate_note(d, "entities", s, e, label, copies[i]) if s >= 0 else
                       duplicate_note(d, "entities", None, None, label, copies[i], self._lost_text(d, s)))
        return out

    def _error_items(self, gold: Spans, pred: Spans, al, kind, ids, texts) -> Iterator[dict]:
        types = self.options.types

        def span(spans: Spans, i) -> dict:
            d, s, e = int(spans.doc[i]), int(spans.start[i]), int(spans.end[i])
            if s < 0:    # unanchored: no offsets, its text
                return {"start": None, "end": None, "text": self._lost_text(d, s), "type": types[spans.label[i]]}
            return {"start": s, "end": e, "text": texts[d][s:e], "type": types[spans.label[i]]}

        wrong = np.flatnonzero(kind != 0)
        g_pairs, p_pairs, k_pairs = al.gold[wrong], al.pred[wrong], kind[wrong]
        missed, spurious = al.unmatched_gold(), al.unmatched_pred()
        yield from by_document(
            (gold.doc[g_pairs], lambda u: [{"id": ids[gold.doc[g_pairs[u]]], "error": _ERROR_KIND[k_pairs[u]],
                                           "gold": span(gold, g_pairs[u]), "pred": span(pred, p_pairs[u])}]),
            (gold.doc[missed], lambda u: [{"id": ids[gold.doc[missed[u]]], "error": "missed",
                                          "gold": span(gold, missed[u]), "pred": None}]),
            (pred.doc[spurious], lambda u: [{"id": ids[pred.doc[spurious[u]]], "error": "spurious", "gold": None,
                                            "pred": span(pred, spurious[u])}]))


def doc_stats(gold, pred, options: Optional[EntityOptions] = None) -> np.ndarray:
    """One article's statistics row (see EntityMetric.columns)."""
    return EntityTask(options).single(gold, pred)


def score(stats, options: Optional[EntityOptions] = None) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return EntityTask(options).metric.corpus_score(np.atleast_2d(stats))
