"""Event scoring as OneIE and TextEE report it: Trig-I, Trig-C, Arg-I, Arg-C and the attached variants.

Each item is a tuple and an item is correct when an equal gold tuple is left to pair with it
(multiset intersection: one-to-one, order-free, identical predictions counted once):

- Trig-I (trigger start, end); Trig-C adds the event type;
- Arg-I (event type, argument span); Arg-C adds the role;
- Arg-I+ / Arg-C+ ("attached"): Arg-I / Arg-C plus the trigger span of the argument's event.

With `argument_coref`, an argument is identified by its gold entity instead of its span: a
predicted argument whose span is any mention of the gold argument's cluster is credited.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .base import Metric, Task, TaskResult, add_prf, duplicate_note

_LEVELS = ("trig_i", "trig_c", "arg_i", "arg_c", "arg_i+", "arg_c+")
_NAMES = {"trig_i": "Trig-I", "trig_c": "Trig-C", "arg_i": "Arg-I", "arg_c": "Arg-C", "arg_i+": "Arg-I+",
          "arg_c+": "Arg-C+"}


@dataclass(frozen=True)
class EventOptions:
    argument_coref: bool = False


def _trigger_keys(trigger: tuple) -> dict:
    s, e, etype = trigger
    return {"trig_i": (s, e), "trig_c": (s, e, etype)}


def _argument_keys(arg: tuple) -> dict:
    etype, ts, te, filler, role = arg
    return {"arg_i": (etype, filler), "arg_c": (etype, filler, role), "arg_i+": (etype, ts, te, filler),
            "arg_c+": (etype, ts, te, filler, role)}


class EventMetric(Metric):
    task = "events"
    columns = ("trig.gold", "trig.pred", "arg.gold", "arg.pred") + tuple(f"{lv}.tp" for lv in _LEVELS)
    headline = tuple(f"{_NAMES[lv]}.f1" for lv in _LEVELS)

    def score(self, stats) -> dict:
        c = {name: np.asarray(stats, dtype=np.float64)[..., i] for i, name in enumerate(self.columns)}
        out = {}
        for lv in _LEVELS:
            side = "trig" if lv.startswith("trig") else "arg"
            add_prf(out, _NAMES[lv], c[f"{lv}.tp"], c[f"{side}.pred"], c[f"{side}.gold"])
        return out


class EventTask(Task):
    name = "events"

    def __init__(self, options: Optional[EventOptions] = None):
        self.options = options or EventOptions()
        self.metric = EventMetric()
        self._gold: dict[int, tuple[list, list]] = {}    # doc -> (triggers, arguments)
        self._pred: dict[int, tuple[dict, dict]] = {}    # doc -> distinct (triggers, arguments) -> copies
        self._clusters: dict[int, dict] = {}             # doc -> gold mention span -> cluster id

    def add_gold(self, doc: int, rec: dict) -> None:
        if not rec.get("events"):
            return
        mentions = {m["id"]: m for m in rec["entities"]["mentions"]}
        by_span: dict[tuple, str] = {}
        for m in sorted(mentions.values(), key=lambda m: m["entity"], reverse=True):
            by_span[(m["start"], m["end"])] = m["entity"]   # the smallest cluster id wins a shared span
        self._clusters[doc] = by_span
        triggers, args = [], []
        for ev in rec["events"]:
            t = (ev["trigger"]["start"], ev["trigger"]["end"], ev["type"])
            triggers.append(t)
            for a in ev["arguments"]:
                m = mentions[a["mention"]]
                filler = ("entity", m["entity"]) if self.options.argument_coref else ("span", m["start"], m["end"])
                args.append((ev["type"], t[0], t[1], filler, a["role"]))
        self._gold[doc] = (triggers, args)

    def add_pred(self, doc: int, pred) -> None:
        if not pred.events:
            return
        mentions = pred.mention_index()
        triggers, args = self._pred.setdefault(doc, ({}, {}))
        for i, ev in enumerate(pred.events):
            tr = ev["trigger"]
            s, e = (tr["start"], tr["end"]) if tr["start"] is not None else (("unanchored", tr["text"], i), None)
            key = (s, e, ev["type"])
            triggers[key] = triggers.get(key, 0) + 1
            for a in ev.get("arguments", ()):
                span = mentions[a["mention"]] if "mention" in a else (a["start"], a["end"], a["text"])
                key = (ev["type"], s, e, self._filler(doc, *span), a["role"])
                args[key] = args.get(key, 0) + 1

    def _filler(self, doc: int, start: Optional[int], end: Optional[int], text: str) -> tuple:
        if start is None:
            return ("unanchored", text)
        if self.options.argument_coref:
            cluster = self._clusters.get(doc, {}).get((start, end))
            if cluster is not None:
                return ("entity", cluster)
        return ("span", start, end)

    def finish(self, n_docs: int) -> TaskResult:
        stats = np.zeros((n_docs, len(self.metric.columns)), dtype=np.int64)
        col = {name: i for i, name in enumerate(self.metric.columns)}
        for doc in set(self._gold) | set(self._pred):
            g_trig, g_args = self._gold.get(doc, ([], []))
            p_trig, p_args = self._pred.get(doc, ({}, {}))
            row = stats[doc]
            row[col["trig.gold"]], row[col["trig.pred"]] = len(g_trig), len(p_trig)
            row[col["arg.gold"]], row[col["arg.pred"]] = len(g_args), len(p_args)
            for items_g, items_p, keys, levels in ((g_trig, p_trig, _trigger_keys, _LEVELS[:2]),
                                                   (g_args, p_args, _argument_keys, _LEVELS[2:])):
                gold_keys = [keys(x) for x in items_g]
                pred_keys = [keys(x) for x in items_p]
                for lv in levels:
                    common = Counter(k[lv] for k in gold_keys) & Counter(k[lv] for k in pred_keys)
                    row[col[f"{lv}.tp"]] = sum(common.values())
        return TaskResult(stats, {"duplicates": self._duplicates()}, self._error_items)

    def _duplicates(self) -> list[dict]:
        notes = []
        for doc, (triggers, args) in sorted(self._pred.items()):
            notes += [duplicate_note(doc, "events", s, e, etype, n) for (s, e, etype), n in triggers.items() if n > 1]
            notes += [duplicate_note(doc, "events.arguments", *(filler[1:] if filler[0] == "span" else (None, None)),
                                     role, n) for (_, _, _, filler, role), n in args.items() if n > 1]
        return notes

    def _error_items(self, ids, texts) -> list[dict]:
        items = []
        for doc in sorted(set(self._gold) | set(self._pred)):
            g_trig, g_args = self._gold.get(doc, ([], []))
            p_trig, p_args = self._pred.get(doc, ({}, {}))
            left = Counter(g_trig) - Counter(p_trig.keys())
            extra = Counter(p_trig.keys()) - Counter(g_trig)
            typed = {(s, e): t for s, e, t in extra}
            for s, e, t in sorted(left.elements(), key=repr):
                other = typed.get((s, e))
                items.append({"id": ids[doc], "error": "type" if other else "missed",
                              "gold": {"start": s, "end": e, "text": texts[doc][s:e], "type": t},
                              "pred": {"start": s, "end": e, "type": other} if other else None})
            gold_spans = {(s, e) for s, e, _ in g_trig}
            for s, e, t in sorted(extra.elements(), key=repr):
                if (s, e) not in gold_spans:
                    items.append({"id": ids[doc], "error": "spurious", "gold": None,
                                  "pred": {"start": s, "end": e, "type": t}})
            for a in sorted((Counter(g_args) - Counter(p_args.keys())).elements(), key=repr):
                items.append({"id": ids[doc], "error": "missed argument", "gold": _arg_item(a), "pred": None})
            for a in sorted((Counter(p_args.keys()) - Counter(g_args)).elements(), key=repr):
                items.append({"id": ids[doc], "error": "spurious argument", "gold": None, "pred": _arg_item(a)})
        return items


def _arg_item(arg: tuple) -> dict:
    etype, ts, te, filler, role = arg
    return {"event_type": etype, "trigger": [ts, te], "argument": list(filler), "role": role}


def doc_stats(gold, pred, options: Optional[EventOptions] = None) -> np.ndarray:
    """One article's statistics row (see EventMetric.columns)."""
    return EventTask(options).single(gold, pred)


def score(stats, options: Optional[EventOptions] = None) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return EventMetric().corpus_score(np.atleast_2d(stats))
