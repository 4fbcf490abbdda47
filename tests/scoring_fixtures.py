"""Small gold articles for the scorer's tests, built in code (no dependence on the released corpus)."""
from __future__ import annotations

import json
from pathlib import Path

META = {"title": "Test", "source": "tests", "url": None, "published": "2025-01-01", "byline": [], "language": "en",
        "genre": "report", "domain": "domestic_politics", "provenance": "original", "license": "CC-BY-4.0"}


def at(text: str, span: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the n-th occurrence of `span` in `text`."""
    i = -1
    for _ in range(occurrence):
        i = text.index(span, i + 1)
    return i, i + len(span)


def article(aid: str, text: str, mentions=(), quotes=(), events=(), frames=("political", ("political",))) -> dict:
    """A corpus-format record. mentions: (id, span text or (start, end), type, level, entity[, occurrence])."""
    ms, clusters = [], {}
    for m in mentions:
        mid, where, etype, level, entity = m[:5]
        s, e = where if isinstance(where, tuple) else at(text, where, m[5] if len(m) > 5 else 1)
        ms.append({"id": mid, "start": s, "end": e, "text": text[s:e], "type": etype, "level": level,
                   "entity": entity})
        clusters.setdefault(entity, {"id": entity, "name": text[s:e], "type": etype, "wikidata": None})
    qs = []
    for q in quotes:
        qid, where, kind, cue, speaker = q
        s, e = where if isinstance(where, tuple) else at(text, where)
        c = None
        if cue:
            cs, ce = cue if isinstance(cue, tuple) else at(text, cue)
            c = {"start": cs, "end": ce, "text": text[cs:ce]}
        qs.append({"id": qid, "start": s, "end": e, "text": text[s:e], "kind": kind, "cue": c, "speaker": speaker})
    evs = []
    for ev in events:
        eid, trigger, etype, args = ev
        s, e = trigger if isinstance(trigger, tuple) else at(text, trigger)
        evs.append({"id": eid, "trigger": {"start": s, "end": e, "text": text[s:e]}, "type": etype,
                    "realis": "actual", "arguments": [{"role": r, "mention": m} for r, m in args]})
    fr = {"primary": frames[0], "labels": list(frames[1])} if frames else None
    return {"id": aid, "text": text, "meta": META, "entities": {"mentions": ms, "clusters": list(clusters.values())},
            "quotes": qs, "events": evs, "frames": fr}


def as_prediction(rec: dict, layers=("entities", "quotes", "events", "frames")) -> dict:
    """The gold record's layers as a prediction line."""
    out = {"id": rec["id"]}
    for layer in layers:
        out[layer] = rec[layer]
    return out


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


SEED_TEXT = ("Army chiefs meet in Rawalpindi\n"
             "General Asim Munir met Lt Gen Kamrul Hassan in Rawalpindi on Tuesday. "
             "Munir said the two armies must stay \"resilient against external influences\". "
             "Hassan told reporters that Bangladesh wants closer ties with Pakistan. "
             "According to Dawn, the talks covered training.")


def seed_article(aid: str = "t-0001") -> dict:
    """One article with every layer: NAM/NOM/PRO mentions, three quote kinds, events with arguments, frames."""
    text = SEED_TEXT
    mentions = [
        ("m1", "Army chiefs", "PERSON", "NOM", "e-chiefs"),
        ("m2", "Rawalpindi", "GPE", "NAM", "e-rwp"),
        ("m3", "Asim Munir", "PERSON", "NAM", "e-munir"),
        ("m4", "Kamrul Hassan", "PERSON", "NAM", "e-hassan"),
        ("m5", "Rawalpindi", "GPE", "NAM", "e-rwp", 2),
        ("m6", "Tuesday", "DATE", "NAM", "e-tue"),
        ("m7", "Munir", "PERSON", "NAM", "e-munir", 2),
        ("m8", "the two armies", "ORG", "NOM", "e-armies"),
        ("m9", "Hassan", "PERSON", "NAM", "e-hassan", 2),
        ("m10", "reporters", "PERSON", "NOM", "e-reporters"),
        ("m11", "Bangladesh", "GPE", "NAM", "e-bd"),
        ("m12", "Pakistan", "GPE", "NAM", "e-pk"),
        ("m13", "Dawn", "ORG", "NAM", "e-dawn"),
    ]
    quotes = [
        ("q1", "the two armies must stay \"resilient against external influences\"", "mixed", "said", "m7"),
        ("q2", "Bangladesh wants closer ties with Pakistan", "indirect", "told", "m9"),
        ("q3", "resilient against external influences", "direct", None, "m7"),
        ("q4", "the talks covered training", "indirect", "According to", "m13"),
    ]
    events = [
        ("v1", "meet", "Contact:Meet", [("Entity", "m1"), ("Place", "m2")]),
        ("v2", "met", "Contact:Meet", [("Entity", "m3"), ("Entity", "m4"), ("Place", "m5"), ("Time", "m6")]),
        ("v3", "talks", "Contact:Meet", []),
    ]
    return article(aid, text, mentions, quotes, events, ("security_and_defense",
                                                          ("security_and_defense", "political")))
