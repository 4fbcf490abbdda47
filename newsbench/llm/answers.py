"""The model's JSON answer and the prediction format, both ways, and what is wrong with an answer.

Pure functions. `gold_answer` turns a gold article into the answer a perfect model would give (the
k-shot examples; the tests' fake server); `parse_answer` and `shape_problem` decide whether a reply
is usable at all (if not, the runner asks again, a bounded number of times); `to_layer` turns a
usable answer into a prediction layer and lists its issues: an unknown label drops its item (the
scorer could not take it), a span that is not in the text is kept (the scorer counts it as a false
positive and lists it as unanchored) and reported here too. Nothing is dropped silently.

Where the answer's text alone would be ambiguous, the span is placed here, with offsets: an event
argument at the occurrence of its text nearest its trigger, a quote's cue at the occurrence nearest
its quote (triggers and quotes themselves by the scorer's own rule, the k-th span with a text and
label at the k-th occurrence). The scorer's rule alone would put every argument "Pakistan" at the
article's first "Pakistan".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional

from ..anchoring import whole_word_matches
from ..labels import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, FRAMES, MENTION_LEVELS, QUOTE_KINDS, REALIS
from ..predictions import Anchorer, _substring_matches

_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n?```\s*$", re.S)


@dataclass(frozen=True)
class Issue:
    """Something wrong inside a usable answer: `kind` is 'unknown label', 'not in text' or 'unmatched'."""

    kind: str
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.detail}"


# -- gold -> answer -------------------------------------------------------------------------------
def speaker_name(article: dict, mention_id: str) -> Optional[str]:
    """How an answer names a speaker: the first name (NAM mention) of the speaker's entity in the
    article, else the entity's name, else the mention's own text (what the scorer accepts by text)."""
    ents = article.get("entities") or {}
    mentions = sorted(ents.get("mentions", []), key=lambda m: m["start"])
    mention = next((m for m in mentions if m["id"] == mention_id), None)
    if mention is None:
        return None
    names = [m["text"] for m in mentions if m.get("entity") == mention.get("entity") and m.get("level") == "NAM"]
    cluster = next((c for c in ents.get("clusters", []) if c["id"] == mention.get("entity")), {})
    return names[0] if names else cluster.get("name") or mention["text"]


def gold_answer(task: str, article: dict) -> dict:
    """The answer a model that agrees with the gold would give for `task`."""
    mentions = sorted((article.get("entities") or {}).get("mentions", []), key=lambda m: (m["start"], m["end"]))
    by_id = {m["id"]: m for m in mentions}
    if task == "entities":
        return {"mentions": [{"text": m["text"], "type": m["type"], "level": m["level"]} for m in mentions]}
    if task == "coref":
        clusters: dict = {}
        types = {c["id"]: c.get("type") for c in (article.get("entities") or {}).get("clusters", [])}
        for m in mentions:
            c = clusters.setdefault(m["entity"], {"type": types.get(m["entity"]) or m["type"], "mentions": []})
            c["mentions"].append(m["text"])
        return {"clusters": list(clusters.values())}
    if task == "quotes":
        def speaker(q):
            s = q.get("speaker")
            return speaker_name(article, s) if isinstance(s, str) and s in by_id else None
        return {"quotes": [{"text": q["text"], "kind": q["kind"], "cue": (q.get("cue") or {}).get("text"),
                            "speaker": speaker(q)}
                           for q in sorted(article.get("quotes", []), key=lambda q: q["start"])]}
    if task == "events":
        return {"events": [{"trigger": e["trigger"]["text"], "type": e["type"], "realis": e["realis"],
                            "arguments": [{"role": a["role"], "text": by_id[a["mention"]]["text"]}
                                          for a in e.get("arguments", []) if a.get("mention") in by_id]}
                           for e in sorted(article.get("events", []), key=lambda e: e["trigger"]["start"])]}
    if task == "frames":
        frames = article.get("frames") or {}
        return {"primary": frames.get("primary"), "labels": list(frames.get("labels", []))}
    raise ValueError(f"unknown task {task!r}")


# -- reply -> answer ------------------------------------------------------------------------------
def parse_answer(content: Optional[str]) -> tuple[Optional[dict], Optional[str]]:
    """(object, None) for a reply that is one JSON object (a ```json fence is tolerated), else (None, reason)."""
    if not content or not content.strip():
        return None, "empty reply"
    m = _FENCE.match(content)
    raw = m.group(1) if m else content
    try:
        obj = json.loads(raw)
    except ValueError as err:
        return None, f"not JSON ({err})"
    if not isinstance(obj, dict):
        return None, f"not a JSON object (a {type(obj).__name__})"
    return obj, None


def shape_problem(obj: dict, shape: dict) -> Optional[str]:
    """The first way `obj` breaks the answer's shape (the answer schema without label enums), or None."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(shape).iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return None
    err = errors[0]
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
    message = err.message if len(err.message) <= 120 else err.message[:119] + "…"
    return f"does not follow the answer schema at {path}: {message}"


# -- answer -> prediction layer -------------------------------------------------------------------
def to_layer(task: str, answer: dict, text: str) -> tuple[object, list[Issue]]:
    """A usable answer as the value of its prediction layer, and the issues found on the way.

    entities and coref give a list of mentions (coref ones carry their cluster id in `entity`); quotes and events a
    list; frames a dict.
    """
    issues: list[Issue] = []

    def label(value, known, path) -> bool:
        if value in known:
            return True
        issues.append(Issue("unknown label", path, f"{value!r} (item dropped)"))
        return False

    def span(value, path) -> str:
        if value not in text:
            issues.append(Issue("not in text", path, f"{value!r} (kept; the scorer counts it as a false positive)"))
        return value

    if task == "entities":
        out = []
        for i, m in enumerate(answer["mentions"]):
            p = f"$.mentions[{i}]"
            if label(m["type"], ENTITY_TYPES, f"{p}.type") and label(m["level"], MENTION_LEVELS, f"{p}.level"):
                out.append({"text": span(m["text"], f"{p}.text"), "type": m["type"], "level": m["level"]})
        return place_names(out, text), issues
    if task == "coref":
        out = []
        for c, cluster in enumerate(answer["clusters"]):
            if not label(cluster["type"], ENTITY_TYPES, f"$.clusters[{c}].type"):
                continue
            for i, t in enumerate(cluster["mentions"]):
                out.append({"text": span(t, f"$.clusters[{c}].mentions[{i}]"), "type": cluster["type"],
                            "entity": f"c{c + 1}"})
        return out, issues
    if task == "quotes":
        out = []
        anchorer = Anchorer(text)
        for i, q in enumerate(answer["quotes"]):
            p = f"$.quotes[{i}]"
            if not label(q["kind"], QUOTE_KINDS, f"{p}.kind"):
                continue
            quote = {"text": span(q["text"], f"{p}.text"), "kind": q["kind"]}
            where = anchorer.locate("quotes", q["text"], q["kind"])
            cue = None
            if q.get("cue"):
                cue = near(text, span(q["cue"], f"{p}.cue"), where)
            out.append({**quote, "cue": cue, "speaker": {"text": q["speaker"]} if q.get("speaker") else None})
        return out, issues
    if task == "events":
        out = []
        anchorer = Anchorer(text)
        for i, e in enumerate(answer["events"]):
            p = f"$.events[{i}]"
            if not (label(e["type"], EVENT_TYPES, f"{p}.type") and label(e["realis"], REALIS, f"{p}.realis")):
                continue
            trigger = span(e["trigger"], f"{p}.trigger")
            where = anchorer.locate("triggers", trigger, e["type"])
            args = [{"role": a["role"], **near(text, span(a["text"], f"{p}.arguments[{j}].text"), where)}
                    for j, a in enumerate(e.get("arguments", []))
                    if label(a["role"], EVENT_ROLES, f"{p}.arguments[{j}].role")]
            out.append({"trigger": {"text": trigger}, "type": e["type"], "realis": e["realis"], "arguments": args})
        return out, issues
    if task == "frames":
        labels = [f for i, f in enumerate(dict.fromkeys(answer["labels"])) if label(f, FRAMES, f"$.labels[{i}]")]
        out = {"labels": labels}
        if answer.get("primary") is not None and label(answer["primary"], FRAMES, "$.primary"):
            out["primary"] = answer["primary"]
        return out, issues
    raise ValueError(f"unknown task {task!r}")


def place_names(mentions: list[dict], text: str) -> list[dict]:
    """NAM mentions with offsets: the k-th with a text, type and level at the k-th occurrence of the
    text that is not inside another predicted name (the guidelines never nest a name in a name:
    "Varhammer" after "Ilse Varhammer" is the next "Varhammer" on its own). Others stay text-only."""
    anchorer = Anchorer(text)
    names = [anchorer.locate("mentions", m["text"], (m["type"], m["level"])) if m["level"] == "NAM" else None
             for m in mentions]
    spans = [s for s in names if s]
    seen: dict = {}
    out = []
    for m in mentions:
        if m["level"] != "NAM":
            out.append(m)
            continue
        n = len(m["text"])
        free = [o for o in anchorer.occurrences(m["text"])
                if not any(a <= o and o + n <= b and b - a > n for a, b in spans)]
        key = (m["text"], m["type"])
        k = seen.get(key, 0)
        seen[key] = k + 1
        if free:
            s = free[k] if k < len(free) else free[0]
            m = {"start": s, "end": s + n, **m}
        out.append(m)
    return out


def near(text: str, span: str, anchor: Optional[tuple]) -> dict:
    """`span` at its occurrence nearest `anchor` (start, end), with offsets; text alone when the
    anchor or the span is not in the text (the scorer then anchors or reports it)."""
    if anchor is None:
        return {"text": span}
    starts = whole_word_matches(text, span) or _substring_matches(text, span)
    if not starts:
        return {"text": span}
    a, b = anchor
    s = min(starts, key=lambda x: (max(a - (x + len(span)), x - b, 0), x))
    return {"start": s, "end": s + len(span), "text": span}


def empty_layer(task: str):
    """What a task predicts for an article whose answer was unusable: nothing."""
    return {"labels": []} if task == "frames" else []


def to_record(article_id: str, layers: dict) -> tuple[dict, list[Issue]]:
    """One prediction record from the layers of one article (task -> to_layer value).

    With both entities and coref, coref mentions give their cluster id (`entity`) to the entity mentions of the
    same text, in order; a coref mention with no such entity mention is reported ('unmatched') and
    left out, so the entity score does not depend on whether coref was asked for too.
    """
    rec: dict = {"id": article_id}
    issues: list[Issue] = []
    mentions = layers.get("entities")
    coref = layers.get("coref")
    if mentions is not None and coref is not None:
        mentions = [dict(m) for m in mentions]
        free: dict = {}
        for k, m in enumerate(mentions):
            free.setdefault(m["text"], []).append(k)
        for i, c in enumerate(coref):
            slots = free.get(c["text"])
            if slots:
                mentions[slots.pop(0)]["entity"] = c["entity"]
            else:
                issues.append(Issue("unmatched", f"coref mention {i}", f"{c['text']!r} is not among the entity "
                                                                       f"mentions (left out)"))
    elif coref is not None:
        mentions = coref
    if mentions is not None:
        rec["entities"] = {"mentions": mentions}
    for task in ("quotes", "events", "frames"):
        if task in layers:
            rec[task] = layers[task]
    return rec, issues
