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

from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from ..labels import EVENT_ROLES, EVENT_TYPES
from .base import (GoldProblems, Metric, Task, TaskResult, interned, span_ok, add_prf, clip, duplicate_note, layer_items,
                   span_problems)

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


_EVENT_TYPES, _EVENT_ROLES = frozenset(EVENT_TYPES), frozenset(EVENT_ROLES)


def _gold_events_ok(rec: dict, by_id: dict) -> bool:
    """Whether `_gold_event_problems` finds nothing, tested without making a path or a message."""
    text, events = rec["text"], rec["events"]
    if type(events) is not list:
        return False
    for ev in events:
        if type(ev) is not dict or not span_ok(ev.get("trigger"), text) or ev.get("type") not in _EVENT_TYPES:
            return False
        args = ev.get("arguments", [])
        if type(args) is not list:
            return False
        for arg in args:
            if type(arg) is not dict or arg.get("role") not in _EVENT_ROLES:
                return False
            mid = arg.get("mention")
            if not (type(mid) is str and mid in by_id and span_ok(by_id[mid], text)):
                return False
    return True


def _gold_event_problems(rec: dict, by_id: dict) -> list[tuple[str, str]]:
    """Every trigger, type, role and argument of a gold record the scorer cannot use, each at its own path."""
    text = rec["text"]
    index = {mid: k for k, mid in enumerate(by_id)}
    events, found = layer_items(rec, "events", "an event")
    for path, ev in events:
        found += span_problems(ev.get("trigger"), f"{path}.trigger", text)
        if ev.get("type") not in EVENT_TYPES:
            found.append((f"{path}.type", f"unknown event type {clip(ev.get('type'))}"))
        args = ev.get("arguments", [])
        if type(args) is not list:
            found.append((f"{path}.arguments", "must be an array"))
            continue
        for j, arg in enumerate(args):
            ap = f"{path}.arguments[{j}]"
            if type(arg) is not dict:
                found.append((ap, "not an argument object"))
                continue
            if arg.get("role") not in EVENT_ROLES:
                found.append((f"{ap}.role", f"unknown argument role {clip(arg.get('role'))}"))
            mid = arg.get("mention")
            if not (type(mid) is str and mid in by_id):
                found.append((f"{ap}.mention", f"argument mention {clip(mid)} is not a mention id of this article"))
            else:
                found += span_problems(by_id[mid], f"$.entities.mentions[{index[mid]}]", text)
    return found


def _common(gold: list, pred: list) -> int:
    """How many items the two lists share, counting repeats (the size of their multiset intersection)."""
    g, p = set(gold), set(pred)
    if len(g) == len(gold) and len(p) == len(pred):     # the usual case: no key twice on a side
        return len(g & p)
    return sum((Counter(gold) & Counter(pred)).values())


class EventTask(Task):
    name = "events"

    def __init__(self, options: Optional[EventOptions] = None):
        self.options = options or EventOptions()
        self.metric = EventMetric()
        self._gold: dict[int, tuple[array, array]] = {}  # doc -> packed (triggers, arguments), see _unpack
        self._codes: dict[str, int] = {}                 # label or cluster id -> its code in _gold
        self._labels: list[str] = []
        self._pred: dict[int, tuple[dict, dict]] = {}    # doc -> distinct (triggers, arguments) -> copies
        self._clusters: dict[int, dict] = {}             # doc -> gold mention span -> cluster id
        self._unanchored: list[dict] = []

    def add_gold(self, doc: int, rec: dict) -> None:
        if not rec.get("events"):
            return
        mentions = {m["id"]: m for m in rec["entities"]["mentions"]}
        found = [] if _gold_events_ok(rec, mentions) else _gold_event_problems(rec, mentions)
        if found:
            raise GoldProblems(found)
        if self.options.argument_coref:    # only then are predicted fillers judged by cluster
            by_span: dict[tuple, str] = {}
            for m in sorted(mentions.values(), key=lambda m: m["entity"], reverse=True):
                by_span[(m["start"], m["end"])] = m["entity"]   # the smallest cluster id wins a shared span
            self._clusters[doc] = by_span
        triggers, args = array("q"), array("q")    # packed (see _unpack): a 20,000-article gold stays small
        code = self._code
        for ev in rec["events"]:
            s, e, etype = ev["trigger"]["start"], ev["trigger"]["end"], code(ev["type"])
            triggers.extend((s, e, etype))
            for a in ev["arguments"]:
                m = mentions[a["mention"]]
                filler = (1, code(m["entity"]), 0) if self.options.argument_coref else (0, m["start"], m["end"])
                args.extend((etype, s, e, *filler, code(a["role"])))
        self._gold[doc] = (triggers, args)

    def _code(self, label: str) -> int:
        """A small integer for a label or cluster id (the task's own table)."""
        found = self._codes.get(label)
        if found is None:
            found = self._codes[label] = len(self._labels)
            self._labels.append(label)
        return found

    def _unpack(self, doc: int) -> tuple[list, list]:
        """A document's gold (triggers, arguments) as the tuples predictions are keyed by."""
        packed = self._gold.get(doc)
        if packed is None:
            return [], []
        t, a, name = packed[0], packed[1], self._labels
        triggers = [(t[i], t[i + 1], name[t[i + 2]]) for i in range(0, len(t), 3)]
        args = [(name[a[i]], a[i + 1], a[i + 2], ("span", a[i + 4], a[i + 5]) if a[i + 3] == 0 else
                 ("entity", name[a[i + 4]]), name[a[i + 6]]) for i in range(0, len(a), 7)]
        return triggers, args

    def add_pred(self, doc: int, pred) -> None:
        if not pred.events:
            return
        mentions = pred.mention_index()
        triggers, args = self._pred.setdefault(doc, ({}, {}))
        for i, ev in enumerate(pred.events):
            tr = ev["trigger"]
            # an unanchored trigger is known by its text: identical ones (same text and type) are one prediction
            s, e = (tr["start"], tr["end"]) if tr["start"] is not None else (("unanchored", tr["text"]), None)
            etype = interned(ev["type"])
            key = (s, e, etype)
            if e is None and key not in triggers:
                self._note(pred, f"$.events[{i}].trigger", tr["text"])
            triggers[key] = triggers.get(key, 0) + 1
            for j, a in enumerate(ev.get("arguments", ())):
                span = mentions[a["mention"]] if "mention" in a else (a["start"], a["end"], a["text"])
                key = (etype, s, e, self._filler(doc, *span), interned(a["role"]))
                if key[3][0] == "unanchored" and key not in args:
                    self._note(pred, f"$.events[{i}].arguments[{j}]", span[2])
                args[key] = args.get(key, 0) + 1

    def _note(self, pred, path: str, text: str) -> None:
        self._unanchored.append({"id": pred.id, "line": pred.line, "path": path, "text": text})

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
            g_trig, g_args = self._unpack(doc)
            p_trig, p_args = self._pred.get(doc, ({}, {}))
            row = stats[doc]
            row[col["trig.gold"]], row[col["trig.pred"]] = len(g_trig), len(p_trig)
            row[col["arg.gold"]], row[col["arg.pred"]] = len(g_args), len(p_args)
            for items_g, items_p, keys, levels in ((g_trig, p_trig, _trigger_keys, _LEVELS[:2]),
                                                   (g_args, p_args, _argument_keys, _LEVELS[2:])):
                gold_keys = [keys(x) for x in items_g]
                pred_keys = [keys(x) for x in items_p]
                for lv in levels:
                    row[col[f"{lv}.tp"]] = _common([k[lv] for k in gold_keys], [k[lv] for k in pred_keys])
        return TaskResult(stats, {"duplicates": self._duplicates(), "unanchored": list(self._unanchored)},
                          self._error_items, ordered=True)

    def _duplicates(self) -> list[dict]:
        notes = []
        for doc, (triggers, args) in sorted(self._pred.items()):
            for (s, e, etype), n in triggers.items():
                if n > 1:
                    notes.append(duplicate_note(doc, "events", s, e, etype, n) if e is not None else
                                 duplicate_note(doc, "events", None, None, etype, n, s[1]))
            for (_, _, _, filler, role), n in args.items():
                if n > 1:
                    notes.append(_filler_note(doc, filler, role, n))
        return notes

    def _error_items(self, ids, texts) -> Iterator[dict]:
        for doc in sorted(set(self._gold) | set(self._pred)):
            text = texts[doc]
            g_trig, g_args = self._unpack(doc)
            p_trig, p_args = self._pred.get(doc, ({}, {}))
            left = Counter(g_trig) - Counter(p_trig.keys())
            extra = Counter(p_trig.keys()) - Counter(g_trig)
            typed = {(s, e): t for s, e, t in extra}
            for s, e, t in sorted(left.elements(), key=repr):
                other = typed.get((s, e))
                yield {"id": ids[doc], "error": "type" if other else "missed",
                       "gold": {**_span_item(s, e, text), "type": t},
                       "pred": {**_span_item(s, e, text), "type": other} if other else None}
            gold_spans = {(s, e) for s, e, _ in g_trig}
            for s, e, t in sorted(extra.elements(), key=repr):
                if (s, e) not in gold_spans:
                    yield {"id": ids[doc], "error": "spurious", "gold": None,
                           "pred": {**_span_item(s, e, text), "type": t}}
            for a in sorted((Counter(g_args) - Counter(p_args.keys())).elements(), key=repr):
                yield {"id": ids[doc], "error": "missed argument", "gold": _arg_item(a, text), "pred": None}
            for a in sorted((Counter(p_args.keys()) - Counter(g_args)).elements(), key=repr):
                yield {"id": ids[doc], "error": "spurious argument", "gold": None, "pred": _arg_item(a, text)}


def _span_item(start, end, text: str) -> dict:
    """A trigger or argument span for the error file: offsets and text; an unanchored one has null offsets."""
    if end is None:     # unanchored: start is ("unanchored", its text)
        return {"start": None, "end": None, "text": start[1]}
    return {"start": start, "end": end, "text": text[start:end]}


def _filler_item(filler: tuple, text: str) -> dict:
    if filler[0] == "span":
        return _span_item(filler[1], filler[2], text)
    if filler[0] == "entity":      # --argument-coref: the gold entity the argument stands for
        return {"entity": filler[1]}
    return {"start": None, "end": None, "text": filler[1]}


def _filler_note(doc: int, filler: tuple, role: str, copies: int) -> dict:
    if filler[0] == "span":
        return duplicate_note(doc, "events.arguments", filler[1], filler[2], role, copies)
    if filler[0] == "entity":
        return {**duplicate_note(doc, "events.arguments", None, None, role, copies), "entity": filler[1]}
    return duplicate_note(doc, "events.arguments", None, None, role, copies, filler[1])


def _arg_item(arg: tuple, text: str) -> dict:
    etype, ts, te, filler, role = arg
    return {"event_type": etype, "trigger": _span_item(ts, te, text), "argument": _filler_item(filler, text),
            "role": role}


def doc_stats(gold, pred, options: Optional[EventOptions] = None) -> np.ndarray:
    """One article's statistics row (see EventMetric.columns)."""
    return EventTask(options).single(gold, pred)


def score(stats, options: Optional[EventOptions] = None) -> dict:
    """The numbers for statistics rows (one row or many, summed)."""
    return EventMetric().corpus_score(np.atleast_2d(stats))
