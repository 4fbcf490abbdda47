"""Annotation sheets: what annotators write (span text plus context), built into corpus records.

A sheet is YAML; its article text lives in ``annotations/text/<id>.txt`` (a `key: value` header, a
``---`` line, then one paragraph per line). The builder anchors every span with
:mod:`newsbench.anchoring`, renumbers ids in document order and returns a plain record dict that
the validator then checks. See docs/annotating.md for the format.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Optional


from .anchoring import AnchorError, anchor, nearest, whole_word_matches

ORIGINAL_DEFAULTS = {
    "source": "newsbench (original)",
    "url": None,
    "language": "en",
    "provenance": "original",
    "license": "CC-BY-4.0",
}


class SheetError(ValueError):
    """A sheet cannot be built; the message names the file and the entry."""


#: Keys each kind of sheet entry may have. Anything else is an error: in a YAML flow mapping an
#: unquoted value with a comma ({text: an estimated 12,000}) silently becomes a cut value plus a
#: stray key ("000"), and only the stray key shows the mistake.
ALLOWED_KEYS = {
    "sheet": {"id", "meta", "clusters", "mentions", "quotes", "events", "frames"},
    "cluster": {"id", "name", "type", "wikidata"},
    "mention": {"id", "text", "type", "level", "entity", "context", "occurrence"},
    "quote": {"id", "text", "context", "occurrence", "kind", "cue", "speaker"},
    "span": {"text", "context", "occurrence", "type"},
    "event": {"id", "trigger", "type", "realis", "arguments"},
    "argument": {"role", "mention", "text", "context", "occurrence", "type"},
    "frames": {"primary", "labels"},
}


def normalise_text(body: str) -> str:
    """NFC, one paragraph per line, no blank lines, no trailing spaces (no-break spaces included)."""
    lines = [unicodedata.normalize("NFC", ln).strip() for ln in body.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def read_text_file(path: Path) -> tuple[dict, str]:
    """Parse an article text file into (meta dict, text)."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SheetError(f"{path}: not UTF-8 (byte {err.object[err.start]:#04x} at offset {err.start})") from None
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise SheetError(f"{path}: no '---' line between header and text")
    header: dict[str, Any] = {}
    for n, line in enumerate(head.splitlines(), 1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise SheetError(f"{path}:{n}: header line is not 'key: value'")
        header[key.strip()] = value.strip()
    text = normalise_text(body)
    meta = dict(ORIGINAL_DEFAULTS)
    for key in ("title", "source", "published", "language", "genre", "domain", "provenance", "license"):
        if key in header:
            meta[key] = header[key]
    if header.get("url") not in (None, "", "null", "none"):
        meta["url"] = header["url"]
    meta["byline"] = [b.strip() for b in header.get("byline", "").split(";") if b.strip()]
    meta["id"] = header.get("id")
    order = ["title", "source", "url", "published", "byline", "language", "genre", "domain", "provenance",
             "license"]
    return {k: meta[k] for k in order + ["id"] if k in meta}, text


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-") or "x"


class _Builder:
    def __init__(self, sheet_path: Path, sheet: dict, text: str):
        self.path = sheet_path
        self.sheet = sheet
        self.text = text
        self.mentions: list[dict] = []          # with "handle" key until renumbering
        self.by_handle: dict[str, dict] = {}
        self.clusters: dict[str, dict] = {}

    def fail(self, where: str, msg: str) -> None:
        raise SheetError(f"{self.path}: {where}: {msg}")

    def check_keys(self, where: str, entry: Any, kind: str) -> None:
        if not isinstance(entry, dict):
            return
        unknown = [str(k) for k in entry if str(k) not in ALLOWED_KEYS[kind]]
        if unknown:
            hint = (" (a comma inside an unquoted value? quote it)"
                    if any(k.strip().isdigit() or " " in k for k in unknown) else "")
            self.fail(where, f"unknown key(s) {', '.join(map(repr, unknown))} in a {kind} entry{hint}")

    def locate(self, where: str, spec: Any, near: Optional[int] = None) -> tuple[int, int, str]:
        if isinstance(spec, str):
            spec = {"text": spec}
        if not isinstance(spec, dict) or not isinstance(spec.get("text"), str):
            self.fail(where, f"expected a span text or {{text, context|occurrence}}, got {spec!r}")
        try:
            s, e = anchor(self.text, spec["text"], context=spec.get("context"), occurrence=spec.get("occurrence"),
                          near=near if spec.get("context") is None and spec.get("occurrence") is None else None)
        except AnchorError as err:
            self.fail(where, str(err))
        return s, e, spec["text"]

    # -- entities -----------------------------------------------------------------------------
    def build_clusters(self) -> None:
        self.check_keys("sheet", self.sheet, "sheet")
        for key, kind in (("frames", dict), ("meta", dict), ("clusters", list), ("mentions", list), ("quotes", list),
                          ("events", list)):
            if self.sheet.get(key) is not None and not isinstance(self.sheet[key], kind):
                self.fail(key, f"must be a {'mapping' if kind is dict else 'list'}")
        self.check_keys("frames", self.sheet.get("frames"), "frames")
        for k, c in enumerate(self.sheet.get("clusters") or []):
            where = f"clusters[{k}]"
            self.check_keys(where, c, "cluster")
            if not isinstance(c, dict) or "id" not in c:
                self.fail(where, "a cluster needs an id")
            cid = str(c["id"])
            if cid in self.clusters:
                self.fail(where, f"duplicate cluster id {cid!r}")
            self.clusters[cid] = {"id": cid, "name": c.get("name", cid), "type": c.get("type"),
                                  "wikidata": c.get("wikidata")}

    def add_mention(self, where: str, entry: dict, start: int, end: int, handle: Optional[str]) -> None:
        cid = entry.get("entity")
        if cid is not None and str(cid) not in self.clusters:
            self.fail(where, f"entity {cid!r} is not a declared cluster")
        etype = entry.get("type") or (self.clusters.get(str(cid), {}).get("type") if cid else None)
        if not etype:
            self.fail(where, "a mention needs a type (or an entity whose cluster has one)")
        if cid is None:
            cid = f"{_slug(self.text[start:end])}-{start}"
            self.clusters[cid] = {"id": cid, "name": self.text[start:end], "type": etype, "wikidata": None}
        for m in self.mentions:
            if m["start"] == start and m["end"] == end and m["type"] == etype:
                self.fail(where, f"duplicate mention {self.text[start:end]!r} at {start}")
        m = {"id": None, "start": start, "end": end, "text": self.text[start:end], "type": etype,
             "level": entry.get("level", "NAM"), "entity": str(cid), "handle": handle}
        self.mentions.append(m)
        if handle is not None:
            if handle in self.by_handle:
                self.fail(where, f"duplicate mention id {handle!r}")
            self.by_handle[handle] = m

    def build_mentions(self) -> None:
        # a bare string is a mention given by its text alone
        entries = [(k, {"text": e} if isinstance(e, str) else e) for k, e in enumerate(self.sheet.get("mentions") or [])]
        for k, e in entries:
            if not isinstance(e, dict):
                self.fail(f"mentions[{k}]", f"a mention is a mapping or a text, got {e!r}")
        each = [(k, e) for k, e in entries if isinstance(e, dict) and e.get("occurrence") == "each"]
        single = [(k, e) for k, e in entries if (k, e) not in each]
        for k, e in entries:
            self.check_keys(f"mentions[{k}]", e, "mention")
        for k, e in single:
            where = f"mentions[{k}] {e.get('text')!r}" if isinstance(e, dict) else f"mentions[{k}]"
            s, t, _ = self.locate(where, e)
            self.add_mention(where, e, s, t, str(e["id"]) if e.get("id") is not None else None)
        # "each" entries: every whole-word match not overlapping a mention of the same level class,
        # longest spans first, so "Pakistan Army" wins over "Pakistan".
        for k, e in sorted(each, key=lambda ke: -len(ke[1].get("text", ""))):
            where = f"mentions[{k}] {e.get('text')!r} (each)"
            if e.get("id") is not None:
                self.fail(where, "an 'each' entry stands for several mentions and cannot have an id")
            starts = whole_word_matches(self.text, e.get("text", ""))
            if not starts:
                self.fail(where, f"span {e.get('text')!r} not found in the text")
            added = 0
            for s in starts:
                t = s + len(e["text"])
                if any(m["start"] < t and s < m["end"] and m["level"] == "NAM" for m in self.mentions):
                    continue
                self.add_mention(where, e, s, t, None)
                added += 1
            if not added:
                self.fail(where, "every occurrence overlaps a mention already annotated")

    def resolve_mention(self, where: str, spec: Any, near: int) -> dict:
        """A mention by sheet id, or by span text (nearest such mention to `near`) with optional context."""
        if isinstance(spec, str) and spec in self.by_handle:
            return self.by_handle[spec]
        if isinstance(spec, str):
            spec = {"text": spec}
        if not isinstance(spec, dict) or "text" not in spec:
            self.fail(where, f"cannot resolve mention {spec!r}: give a mention id or {{text, context}}")
        if spec.get("context") is not None or spec.get("occurrence") is not None:
            s, t, _ = self.locate(where, spec)
            hits = [m for m in self.mentions if m["start"] == s and m["end"] == t]
        else:
            cands = [m for m in self.mentions if m["text"] == spec["text"]]
            if not cands:
                self.fail(where, f"no annotated mention has the text {spec['text']!r}")
            best = set(nearest(self.text, [(m["start"], m["end"]) for m in cands], near))
            hits = [m for m in cands if (m["start"], m["end"]) in best]
        if not hits:
            self.fail(where, f"no annotated mention spans exactly {spec['text']!r} there")
        if len(hits) > 1:
            types = sorted({m['type'] for m in hits})
            want = spec.get("type")
            hits = [m for m in hits if m["type"] == want] if want else hits
            if len(hits) != 1:
                self.fail(where, f"{spec['text']!r} resolves to several mentions ({types}); add a context or type")
        return hits[0]

    # -- quotes and events ----------------------------------------------------------------------
    def build_quotes(self) -> list[dict]:
        out = []
        for k, q in enumerate(self.sheet.get("quotes") or []):
            where = f"quotes[{k}]"
            if not isinstance(q, dict):
                self.fail(where, "a quote is a mapping")
            self.check_keys(where, q, "quote")
            self.check_keys(where + ".cue", q.get("cue"), "span")
            self.check_keys(where + ".speaker", q.get("speaker"), "span")
            s, t, _ = self.locate(where, q)
            cue = None
            if q.get("cue") is not None:
                cs, ct, _ = self.locate(where + ".cue", q["cue"], near=(s + t) // 2)
                cue = {"start": cs, "end": ct, "text": self.text[cs:ct]}
            speaker = None
            if q.get("speaker") is not None:
                speaker = self.resolve_mention(where + ".speaker", q["speaker"], near=s)
            out.append({"id": None, "start": s, "end": t, "text": self.text[s:t], "kind": q.get("kind"),
                        "cue": cue, "speaker": speaker})
        return out

    def build_events(self) -> list[dict]:
        out = []
        for k, ev in enumerate(self.sheet.get("events") or []):
            where = f"events[{k}]"
            if not isinstance(ev, dict) or "trigger" not in ev:
                self.fail(where, "an event needs a trigger")
            self.check_keys(where, ev, "event")
            self.check_keys(where + ".trigger", ev["trigger"], "span")
            s, t, _ = self.locate(where + ".trigger", ev["trigger"])
            args = []
            for j, a in enumerate(ev.get("arguments") or []):
                aw = f"{where}.arguments[{j}]"
                if not isinstance(a, dict) or "role" not in a:
                    self.fail(aw, "an argument needs a role")
                self.check_keys(aw, a, "argument")
                spec = a.get("mention", {k2: v for k2, v in a.items() if k2 != "role"})
                args.append((a["role"], self.resolve_mention(aw, spec, near=s)))
            out.append({"id": None, "trigger": {"start": s, "end": t, "text": self.text[s:t]},
                        "type": ev.get("type"), "realis": ev.get("realis", "actual"), "arguments": args})
        return out

    def build(self, meta: dict, article_id: str) -> dict:
        self.build_clusters()
        self.build_mentions()
        quotes = self.build_quotes()
        events = self.build_events()
        self.mentions.sort(key=lambda m: (m["start"], -m["end"], m["type"]))
        for n, m in enumerate(self.mentions, 1):
            m["id"] = f"m{n}"
        quotes.sort(key=lambda q: (q["start"], q["end"]))
        events.sort(key=lambda e: (e["trigger"]["start"], e["type"]))
        first_use = {}
        for m in self.mentions:
            first_use.setdefault(m["entity"], m["start"])
        unused = [c for c in self.clusters if c not in first_use]
        if unused:
            self.fail("clusters", f"declared but never mentioned: {', '.join(unused)}")
        clusters = sorted(self.clusters.values(), key=lambda c: first_use[c["id"]])
        frames = self.sheet.get("frames") or {}
        return {
            "id": article_id,
            "text": self.text,
            "meta": meta,
            "entities": {
                "mentions": [{k: m[k] for k in ("id", "start", "end", "text", "type", "level", "entity")}
                             for m in self.mentions],
                "clusters": clusters,
            },
            "quotes": [dict(q, id=f"q{n}", speaker=q["speaker"]["id"] if q["speaker"] else None)
                       for n, q in enumerate(quotes, 1)],
            "events": [{"id": f"e{n}", "trigger": e["trigger"], "type": e["type"], "realis": e["realis"],
                        "arguments": [{"role": r, "mention": m["id"]} for r, m in e["arguments"]]}
                       for n, e in enumerate(events, 1)],
            "frames": {"primary": frames.get("primary"), "labels": list(frames.get("labels") or [])},
        }


def build_sheet(sheet_path: Path, text_dir: Optional[Path] = None) -> dict:
    """Build one corpus record from an annotation sheet (raises SheetError on any problem)."""
    import yaml     # here: importing the module (for SheetError) should not cost yaml

    sheet_path = Path(sheet_path)
    try:
        sheet = yaml.safe_load(sheet_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise SheetError(f"{sheet_path}: cannot read the sheet: {str(err).splitlines()[0]}") from None
    if not isinstance(sheet, dict) or "id" not in sheet:
        raise SheetError(f"{sheet_path}: a sheet is a mapping with an 'id'")
    article_id = str(sheet["id"])
    text_dir = Path(text_dir) if text_dir else sheet_path.parent.parent / "text"
    text_path = text_dir / f"{article_id}.txt"
    try:
        meta, text = read_text_file(text_path)
    except OSError as err:
        raise SheetError(f"{sheet_path}: cannot read the article text {text_path}: {err.strerror}") from None
    if meta.pop("id", None) not in (None, article_id):
        raise SheetError(f"{text_path}: header id differs from the sheet id {article_id!r}")
    if sheet.get("meta") is not None and not isinstance(sheet["meta"], dict):
        raise SheetError(f"{sheet_path}: meta: must be a mapping")
    meta.update(sheet.get("meta") or {})
    return _Builder(sheet_path, sheet, text).build(meta, article_id)
