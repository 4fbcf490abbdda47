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

from typing import Optional

import numpy as np

from ..labels import QUOTE_KINDS
from .alignment import Spans, align, per_doc
from .base import (GoldProblems, Metric, Task, TaskResult, add_prf, clip, duplicate_note, layer_items, rate,
                   span_problems)

_COUNTS = ("gold", "pred", "exact", "overlap", "cue.gold", "cue.pred", "cue.tp", "speaker.gold", "speaker.pred",
           "speaker.tp", "speaker.matched", "e2e.exact", "e2e.overlap")


def normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


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
    """What counts as naming one gold speaker: its cluster, judged by span first, then by name."""

    def __init__(self, cluster: str, names: frozenset, mention_clusters: dict):
        self.cluster = cluster
        self.names = names                        # normalised: the cluster's name, its NAM mentions' texts
        self.mention_clusters = mention_clusters  # the article's gold mention spans -> their clusters

    def accepts(self, said: Optional[tuple]) -> bool:
        """`said` is (span or None, text). A span that is a gold mention decides alone, by its cluster."""
        if said is None:
            return False
        span, text = said
        clusters = self.mention_clusters.get(span) if span is not None else None
        if clusters is not None:
            return self.cluster in clusters
        return normalise(text) in self.names


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
        self._gold: list[tuple] = []    # (doc, start, end, kind, cue span or None, _Speaker or None)
        # distinct (doc, start, end, kind, cue, speaker, text of an unanchored quote or None) -> copies
        self._pred: dict[tuple, int] = {}
        self._unanchored: list[dict] = []

    def add_gold(self, doc: int, rec: dict) -> None:
        if not rec.get("quotes"):
            return
        mentions = rec["entities"]["mentions"]
        by_id = {m["id"]: m for m in mentions}
        found = _gold_quote_problems(rec, by_id)
        if found:
            raise GoldProblems(found)
        names = {c["id"]: c.get("name") for c in rec["entities"]["clusters"]}
        mention_clusters: dict[tuple, frozenset] = {}
        for m in mentions:
            span = (m["start"], m["end"])
            mention_clusters[span] = mention_clusters.get(span, frozenset()) | {m["entity"]}
        speakers: dict[str, _Speaker] = {}
        for q in rec["quotes"]:
            spk = None
            if q.get("speaker") is not None:
                c = by_id[q["speaker"]]["entity"]
                if c not in speakers:
                    texts = [names.get(c)] + [m["text"] for m in mentions if m["entity"] == c and m["level"] == "NAM"]
                    speakers[c] = _Speaker(c, frozenset(normalise(t) for t in texts if t), mention_clusters)
                spk = speakers[c]
            cue = (q["cue"]["start"], q["cue"]["end"]) if q.get("cue") else None
            self._gold.append((doc, q["start"], q["end"], q["kind"], cue, spk))

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
            key = (doc, start, end, q.get("kind"), cue, spk, lost_text)
            if key not in self._pred and lost_text is not None:
                self._unanchored.append({"id": pred.id, "line": pred.line, "path": f"$.quotes[{i}]",
                                         "text": lost_text})
            if cue is not None and cue[0] == "unanchored" and cue not in noted_cues:
                noted_cues.add(cue)
                self._unanchored.append({"id": pred.id, "line": pred.line, "path": f"$.quotes[{i}].cue",
                                         "text": cue[1]})
            self._pred[key] = self._pred.get(key, 0) + 1

    def finish(self, n_docs: int) -> TaskResult:
        gold_rows, pred_rows = self._gold, sorted(self._pred, key=_sort_key)
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
        self._count_cues(cols, gold_rows, pred_rows)
        for row in gold_rows:
            cols["speaker.gold"][row[0]] += row[5] is not None
        for row in pred_rows:
            cols["speaker.pred"][row[0]] += row[5] is not None
        for g, p in zip(exact.gold, exact.pred):
            cols["e2e.exact"][gold.doc[g]] += _agrees(gold_rows[g][5], pred_rows[p][5])
        for g, p in zip(overlap.gold, overlap.pred):
            d, gspk, pspk = gold.doc[g], gold_rows[g][5], pred_rows[p][5]
            cols["e2e.overlap"][d] += _agrees(gspk, pspk)
            if gspk is not None:
                cols["speaker.matched"][d] += 1
                cols["speaker.tp"][d] += gspk.accepts(pspk)
        self._count_kinds(cols, gold_rows, pred_rows, overlap)
        stats = np.stack([cols[c] for c in self.metric.columns], axis=1)
        notes = {"duplicates": [duplicate_note(d, "quotes", s, e, kind or "-", n) if lost is None else
                                duplicate_note(d, "quotes", None, None, kind or "-", n, lost)
                                for (d, s, e, kind, _, _, lost), n in self._pred.items() if n > 1],
                 "unanchored": list(self._unanchored)}
        return TaskResult(stats, notes, lambda ids, texts: self._error_items(gold_rows, pred_rows, overlap, ids, texts))

    @staticmethod
    def _count_cues(cols: dict, gold_rows, pred_rows) -> None:
        gold_cues = {(g[0], g[4]) for g in gold_rows if g[4] is not None}
        pred_cues = {(p[0], p[4]) for p in pred_rows if p[4] is not None}
        for d, _ in gold_cues:
            cols["cue.gold"][d] += 1
        for d, _ in pred_cues:
            cols["cue.pred"][d] += 1
        for d, _ in gold_cues & pred_cues:
            cols["cue.tp"][d] += 1

    @staticmethod
    def _count_kinds(cols: dict, gold_rows, pred_rows, overlap) -> None:
        for d, _, _, kind, *_ in gold_rows:
            cols[f"{kind}.gold"][d] += 1
        for d, _, _, kind, *_ in pred_rows:
            if kind is not None:
                cols[f"{kind}.pred"][d] += 1
        for g, p in zip(overlap.gold, overlap.pred):
            d, gkind, pkind = gold_rows[g][0], gold_rows[g][3], pred_rows[p][3]
            if pkind is None:
                cols[f"{gkind}.pred"][d] += 1
            if pkind in (None, gkind):
                cols[f"{gkind}.tp"][d] += 1

    @staticmethod
    def _error_items(gold_rows, pred_rows, al, ids, texts) -> list[dict]:
        def quote(row) -> dict:
            d, s, e, kind = row[:4]
            if s < 0:     # unanchored: no offsets, its text
                return {"start": None, "end": None, "text": row[6], "kind": kind}
            return {"start": s, "end": e, "text": texts[d][s:e], "kind": kind}

        items = []
        for g, p in zip(al.gold, al.pred):
            gr, pr = gold_rows[g], pred_rows[p]
            if (gr[1], gr[2]) != (pr[1], pr[2]):
                items.append({"id": ids[gr[0]], "error": "boundary", "gold": quote(gr), "pred": quote(pr)})
            if not _agrees(gr[5], pr[5]):
                items.append({"id": ids[gr[0]], "error": "speaker", "gold": quote(gr), "pred": quote(pr),
                              "pred_speaker": pr[5][1] if pr[5] else None})
        items += [{"id": ids[gold_rows[g][0]], "error": "missed", "gold": quote(gold_rows[g]), "pred": None}
                  for g in al.unmatched_gold()]
        items += [{"id": ids[pred_rows[p][0]], "error": "spurious", "gold": None, "pred": quote(pred_rows[p])}
                  for p in al.unmatched_pred()]
        return items


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
