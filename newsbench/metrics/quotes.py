"""Quote scoring: content detection, cue, speaker attribution and end to end, with a per-kind breakdown.

- content, exact: a predicted quote span equal to a gold one (one-to-one);
- content, overlap: the one-to-one alignment of `alignment.align` (any shared character, largest
  overlap first);
- cue: predicted cue spans equal to gold cue spans (each distinct span counted once per side);
- speaker: over quotes aligned by overlap whose gold quote has a speaker. A predicted speaker whose
  span is a gold mention is judged by that mention's cluster alone (right if it is the gold
  speaker's); any other speaker (given by text, or a mention that is not a gold one) is right when
  its text, casefolded and whitespace collapsed, is the cluster's name or the text of one of its
  NAM mentions (never a pronoun's or a nominal's). Precision counts predicted quotes that name a
  speaker, recall gold quotes that have one; `speaker.accuracy` is the share of aligned quotes with
  a gold speaker whose speaker is right;
- end to end: aligned (exact, or overlap) and the speaker agrees (both unattributed counts);
- per kind: overlap detection within each gold kind; a prediction without `kind` takes the kind
  of the gold quote it is aligned to, one with a different kind is wrong for both kinds.
"""
from __future__ import annotations

import functools
from array import array
from bisect import bisect_left
from typing import Iterator, Optional

import numpy as np

from ..labels import QUOTE_KINDS
from .alignment import Spans, align, per_doc
from .base import (GoldProblems, by_document, interned, span_ok, Metric, Task, TaskResult, add_prf, clip, duplicate_note, layer_items, rate,
                   span_problems)

_COUNTS = ("gold", "pred", "exact", "overlap", "cue.gold", "cue.pred", "cue.tp", "speaker.gold", "speaker.pred",
           "speaker.tp", "speaker.matched", "e2e.exact", "e2e.overlap")


def normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


_KIND_CODE = {k: i for i, k in enumerate(QUOTE_KINDS)}


class QuoteMetric(Metric):
    task = "quotes"
    columns = _COUNTS + tuple(f"{k}.{c}" for k in QUOTE_KINDS for c in ("gold", "pred", "tp"))
    headline = ("content.exact.f1", "content.overlap.p", "content.overlap.r", "content.overlap.f1", "cue.f1",
                "speaker.f1", "speaker.accuracy", "e2e.exact.f1", "e2e.overlap.f1")

    def score(self, stats) -> dict:
        c = {name: np.asarray(stats, dtype=np.float64)[..., i] for i, name in enumerate(self.columns)}
        out = {}
        add_prf(out, "content.exact", c["exact"], c["pred"], c["gold"])
        add_prf(out, "content.overlap", c["overlap"], c["pred"], c["gold"])
        add_prf(out, "cue", c["cue.tp"], c["cue.pred"], c["cue.gold"])
        add_prf(out, "speaker", c["speaker.tp"], c["speaker.pred"], c["speaker.gold"])
        out["speaker.accuracy"] = rate(c["speaker.tp"], c["speaker.matched"])
        add_prf(out, "e2e.exact", c["e2e.exact"], c["pred"], c["gold"])
        add_prf(out, "e2e.overlap", c["e2e.overlap"], c["pred"], c["gold"])
        for k in QUOTE_KINDS:
            add_prf(out, f"kind.{k}", c[f"{k}.tp"], c[f"{k}.pred"], c[f"{k}.gold"])
        return out

    def per_label(self, key: str) -> bool:
        return key.startswith("kind.")


    def breakdown(self, sums) -> tuple:
        c = self.counts(sums)
        return ["kind", "P", "R", "F1", "gold", "pred"], [
            (k, [f"kind.{k}.p", f"kind.{k}.r", f"kind.{k}.f1", c[f"{k}.gold"], c[f"{k}.pred"]])
            for k in QUOTE_KINDS if c[f"{k}.gold"] or c[f"{k}.pred"]]


class _Speaker:
    """What counts as naming one gold speaker: its cluster, judged by span first, then by name.

    Spans are kept as integers `start << 32 | end` in sorted arrays (the article's and the
    cluster's): a corpus of 20,000 articles keeps them in megabytes, not gigabytes.
    """

    __slots__ = ("cluster", "names", "spans", "doc_spans")

    def __init__(self, cluster: str, names: tuple, spans: array, doc_spans: array):
        self.cluster = cluster
        self.names = names           # normalised: the cluster's name, its NAM mentions' texts
        self.spans = spans           # the cluster's gold mention spans, sorted
        self.doc_spans = doc_spans   # every gold mention span of the article, sorted

    def accepts(self, said: Optional[tuple]) -> bool:
        """`said` is (span or None, text). A span that is a gold mention decides alone, by its cluster."""
        if said is None:
            return False
        span, text = said
        if span is not None:
            key = span[0] << 32 | span[1]
            i = bisect_left(self.doc_spans, key)
            if i < len(self.doc_spans) and self.doc_spans[i] == key:
                j = bisect_left(self.spans, key)
                return j < len(self.spans) and self.spans[j] == key
        return normalise(text) in self.names


_KINDS = frozenset(QUOTE_KINDS)


def _gold_quotes_ok(rec: dict, by_id: dict) -> bool:
    """Whether `_gold_quote_problems` finds nothing, tested without making a path or a message."""
    text, quotes = rec["text"], rec["quotes"]
    if type(quotes) is not list:
        return False
    for q in quotes:
        if type(q) is not dict or not span_ok(q, text) or q.get("kind") not in _KINDS:
            return False
        if q.get("cue") is not None and not span_ok(q["cue"], text):
            return False
        spk = q.get("speaker")
        if spk is not None and not (type(spk) is str and spk in by_id):
            return False
    return True


def _gold_quote_problems(rec: dict, by_id: dict) -> list[tuple[str, str]]:
    """Every quote, cue and speaker of a gold record the scorer cannot use, each at its own path."""
    text = rec["text"]
    quotes, found = layer_items(rec, "quotes", "a quote")
    for path, q in quotes:
        found += span_problems(q, path, text)
        if q.get("kind") not in QUOTE_KINDS:
            found.append((f"{path}.kind", f"unknown quote kind {clip(q.get('kind'))} "
                                          f"(allowed: {', '.join(QUOTE_KINDS)})"))
        if q.get("cue") is not None:
            found += span_problems(q["cue"], f"{path}.cue", text)
        spk = q.get("speaker")
        if spk is not None and not (type(spk) is str and spk in by_id):
            found.append((f"{path}.speaker", f"speaker {clip(spk)} is not a mention id of this article"))
    return found


class QuoteTask(Task):
    name = "quotes"

    def __init__(self, options=None):
        self.metric = QuoteMetric()
        # packed gold columns: doc, start, end, kind (index in QUOTE_KINDS), cue start, cue end (-1: no cue),
        # and the _Speaker (or None) of each quote; `_gold_rows` gives them back as tuples
        self._gold = tuple(array("q") for _ in range(6))
        self._speakers: list[Optional[_Speaker]] = []
        # distinct (doc, start, end, kind, cue, speaker, text of an unanchored quote or None) -> copies
        self._pred: dict[tuple, int] = {}
        self._unanchored: list[dict] = []

    def add_gold(self, doc: int, rec: dict) -> None:
        if not rec.get("quotes"):
            return
        mentions = rec["entities"]["mentions"]
        by_id = {m["id"]: m for m in mentions}
        found = [] if _gold_quotes_ok(rec, by_id) else _gold_quote_problems(rec, by_id)
        if found:
            raise GoldProblems(found)
        speakers = _speakers(rec, mentions, {by_id[q["speaker"]]["entity"] for q in rec["quotes"]
                                             if q.get("speaker") is not None})
        for q in rec["quotes"]:
            spk = speakers[by_id[q["speaker"]]["entity"]] if q.get("speaker") is not None else None
            cue = (q["cue"]["start"], q["cue"]["end"]) if q.get("cue") else (-1, -1)
            for column, value in zip(self._gold, (doc, q["start"], q["end"], _KIND_CODE[q["kind"]], *cue)):
                column.append(value)
            self._speakers.append(spk)

    def _gold_rows(self) -> list[tuple]:
        """(doc, start, end, kind, cue span or None, _Speaker or None) per gold quote, in gold order."""
        return [(d, s, e, QUOTE_KINDS[k], (cs, ce) if cs >= 0 else None, spk)
                for d, s, e, k, cs, ce, spk in zip(*self._gold, self._speakers)]

    def add_pred(self, doc: int, pred) -> None:
        if not pred.quotes:
            return
        mentions, lost, noted_cues = pred.mention_index(), {}, set()
        for i, q in enumerate(pred.quotes):
            start, end, lost_text = q["start"], q["end"], None
            if start is None:   # unanchored: a position of its own per text, before the text, overlapping nothing
                lost_text = q["text"]
                if lost_text not in lost:
                    lost[lost_text] = -2 * (len(lost) + 1)
                start, end = lost[lost_text], lost[lost_text] + 1
            cue = q.get("cue")
            cue = None if cue is None else ((cue["start"], cue["end"]) if cue["start"] is not None
                                            else ("unanchored", cue["text"]))
            spk = q.get("speaker")
            if isinstance(spk, str):
                m_start, m_end, m_text = mentions[spk]
                spk = ((m_start, m_end) if m_start is not None else None, m_text)
            elif spk is not None:
                spk = (None, spk["text"])
            key = (doc, start, end, interned(q.get("kind")), cue, spk, lost_text)
            if key not in self._pred and lost_text is not None:
                self._unanchored.append({"id": pred.id, "line": pred.line, "path": f"$.quotes[{i}]",
                                         "text": lost_text})
            if cue is not None and cue[0] == "unanchored" and cue not in noted_cues:
                noted_cues.add(cue)
                self._unanchored.append({"id": pred.id, "line": pred.line, "path": f"$.quotes[{i}].cue",
                                         "text": cue[1]})
            self._pred[key] = self._pred.get(key, 0) + 1

    def finish(self, n_docs: int) -> TaskResult:
        gold_rows, pred_rows = self._gold_rows(), sorted(self._pred, key=_sort_key)
        gold = Spans.from_lists([g[0] for g in gold_rows], [g[1] for g in gold_rows], [g[2] for g in gold_rows],
                                np.zeros(len(gold_rows)))
        # distinct labels (never equal to the gold's 0) make every predicted quote's rank unique
        pred = Spans.from_lists([p[0] for p in pred_rows], [p[1] for p in pred_rows], [p[2] for p in pred_rows],
                                np.arange(1, len(pred_rows) + 1))
        exact = align(gold, pred, same_span_only=True)
        overlap = align(gold, pred)
        cols = {name: np.zeros(n_docs, dtype=np.int64) for name in self.metric.columns}
        cols["gold"] += per_doc(gold.doc, n_docs)
        cols["pred"] += per_doc(pred.doc, n_docs)
        cols["exact"] += per_doc(gold.doc[exact.gold], n_docs)
        cols["overlap"] += per_doc(gold.doc[overlap.gold], n_docs)
        self._count_cues(cols, gold_rows, pred_rows, n_docs)
        # counted with bincount over columns, not row by row: a large gold has a million quotes
        g_spk = np.fromiter((r[5] is not None for r in gold_rows), dtype=bool, count=len(gold_rows))
        p_spk = np.fromiter((r[5] is not None for r in pred_rows), dtype=bool, count=len(pred_rows))
        cols["speaker.gold"] += per_doc(gold.doc[g_spk], n_docs)
        cols["speaker.pred"] += per_doc(pred.doc[p_spk], n_docs)
        agree = [_agrees(gold_rows[g][5], pred_rows[p][5]) for g, p in zip(exact.gold.tolist(), exact.pred.tolist())]
        cols["e2e.exact"] += per_doc(gold.doc[exact.gold][np.array(agree, dtype=bool)], n_docs)
        agree, accepted = [], []
        for g, p in zip(overlap.gold.tolist(), overlap.pred.tolist()):
            gspk, pspk = gold_rows[g][5], pred_rows[p][5]
            agree.append(_agrees(gspk, pspk))
            accepted.append(gspk is not None and gspk.accepts(pspk))
        o_doc = gold.doc[overlap.gold]
        cols["e2e.overlap"] += per_doc(o_doc[np.array(agree, dtype=bool)], n_docs)
        cols["speaker.matched"] += per_doc(o_doc[g_spk[overlap.gold]], n_docs)
        cols["speaker.tp"] += per_doc(o_doc[np.array(accepted, dtype=bool)], n_docs)
        self._count_kinds(cols, gold, pred, gold_rows, pred_rows, overlap, n_docs)
        stats = np.stack([cols[c] for c in self.metric.columns], axis=1)
        notes = {"duplicates": [duplicate_note(d, "quotes", s, e, kind or "-", n) if lost is None else
                                duplicate_note(d, "quotes", None, None, kind or "-", n, lost)
                                for (d, s, e, kind, _, _, lost), n in self._pred.items() if n > 1],
                 "unanchored": list(self._unanchored)}
        # the gold rows are made again for the error file, not kept: they are most of a large gold's size
        return TaskResult(stats, notes, functools.partial(self._items, pred_rows, overlap), ordered=True)

    def _items(self, pred_rows, overlap, ids, texts) -> Iterator[dict]:
        return self._error_items(self._gold_rows(), pred_rows, overlap, ids, texts)

    @staticmethod
    def _count_cues(cols: dict, gold_rows, pred_rows, n_docs: int) -> None:
        gold_cues = {(g[0], g[4]) for g in gold_rows if g[4] is not None}
        pred_cues = {(p[0], p[4]) for p in pred_rows if p[4] is not None}
        for name, cues in (("cue.gold", gold_cues), ("cue.pred", pred_cues), ("cue.tp", gold_cues & pred_cues)):
            cols[name] += per_doc(np.fromiter((d for d, _ in cues), dtype=np.int64, count=len(cues)), n_docs)

    @staticmethod
    def _count_kinds(cols: dict, gold: Spans, pred: Spans, gold_rows, pred_rows, overlap, n_docs: int) -> None:
        g_kind = np.fromiter((_KIND_CODE[r[3]] for r in gold_rows), dtype=np.int64, count=len(gold_rows))
        p_kind = np.fromiter((-1 if r[3] is None else _KIND_CODE[r[3]] for r in pred_rows), dtype=np.int64, count=len(pred_rows))
        o_doc, o_gkind, o_pkind = gold.doc[overlap.gold], g_kind[overlap.gold], p_kind[overlap.pred]
        unlabelled = o_pkind < 0        # a predicted quote with no kind takes the gold's
        tp = unlabelled | (o_pkind == o_gkind)
        for k, kind in enumerate(QUOTE_KINDS):
            cols[f"{kind}.gold"] += per_doc(gold.doc[g_kind == k], n_docs)
            cols[f"{kind}.pred"] += per_doc(pred.doc[p_kind == k], n_docs)
            cols[f"{kind}.pred"] += per_doc(o_doc[unlabelled & (o_gkind == k)], n_docs)
            cols[f"{kind}.tp"] += per_doc(o_doc[tp & (o_gkind == k)], n_docs)

    @staticmethod
    def _error_items(gold_rows, pred_rows, al, ids, texts) -> Iterator[dict]:
        def quote(row) -> dict:
            d, s, e, kind = row[:4]
            if s < 0:     # unanchored: no offsets, its text
                return {"start": None, "end": None, "text": row[6], "kind": kind}
            return {"start": s, "end": e, "text": texts[d][s:e], "kind": kind}

        def pair(u: int) -> list[dict]:
            gr, pr = gold_rows[al.gold[u]], pred_rows[al.pred[u]]
            out = []
            if (gr[1], gr[2]) != (pr[1], pr[2]):
                out.append({"id": ids[gr[0]], "error": "boundary", "gold": quote(gr), "pred": quote(pr)})
            if not _agrees(gr[5], pr[5]):
                out.append({"id": ids[gr[0]], "error": "speaker", "gold": quote(gr), "pred": quote(pr),
                            "pred_speaker": pr[5][1] if pr[5] else None})
            return out

        missed, spurious = al.unmatched_gold(), al.unmatched_pred()
        g_doc = np.fromiter((r[0] for r in gold_rows), dtype=np.int64, count=len(gold_rows))
        p_doc = np.fromiter((r[0] for r in pred_rows), dtype=np.int64, count=len(pred_rows))
        yield from by_document(
            (g_doc[al.gold], pair),
            (g_doc[missed], lambda u: [{"id": ids[gold_rows[missed[u]][0]], "error": "missed",
                                       "gold": quote(gold_rows[missed[u]]), "pred": None}]),
            (p_doc[spurious], lambda u: [{"id": ids[pred_rows[spurious[u]][0]], "error": "spurious", "gold": None,
                                         "pred": quote(pred_rows[spurious[u]])}]))


def _speakers(rec: dict, mentions: list, clusters: set) -> dict[str, _Speaker]:
    """The `_Speaker` of each cluster in `clusters` (the article's speakers), in one pass over its mentions."""
    if not clusters:
        return {}
    doc_spans = array("q", sorted({m["start"] << 32 | m["end"] for m in mentions}))
    spans: dict[str, set] = {c: set() for c in clusters}
    names: dict[str, set] = {c: set() for c in clusters}
    for m in mentions:
        c = m["entity"]
        if c in spans:
            spans[c].add(m["start"] << 32 | m["end"])
            if m["level"] == "NAM" and m["text"]:
                names[c].add(normalise(m["text"]))
    for c in rec["entities"]["clusters"]:
        if c["id"] in names and c.get("name"):
            names[c["id"]].add(normalise(c["name"]))
    return {c: _Speaker(interned(c), tuple(names[c]), array("q", sorted(spans[c])), doc_spans) for c in clusters}


def _agrees(gold_speaker: Optional[_Speaker], pred_speaker) -> bool:
    return pred_speaker is None if gold_speaker is None else gold_speaker.accepts(pred_speaker)


def _sort_key(row: tuple) -> tuple:
    """Canonical order of predicted quotes: by document and span, then by everything else."""
    return row[0], row[1], row[2], *map(repr, row[3:])


def doc_stats(gold, pred, options=None) -> np.ndarray:
    """One article's statistics row (see QuoteMetric.columns)."""
    return QuoteTask(options).single(gold, pred)


def score(stats, options=None) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return QuoteMetric().corpus_score(np.atleast_2d(stats))
