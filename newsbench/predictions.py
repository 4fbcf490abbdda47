"""Read a predictions JSONL: check each line, anchor text-only spans, and hand back plain records.

Checking is two-speed because the benchmark needs it: a cheap structural check in plain Python
accepts the usual good line; only a line it rejects goes through jsonschema
(schema/prediction.schema.json), to produce the precise messages. Offsets are then checked against
the gold text (range, and that `text` is what the offsets cover).

Text-only spans are anchored by one rule (docs/scoring.md, "Anchoring"): within one layer of one
article, the k-th span listed with a given text *and label* takes the k-th whole-word occurrence
of that text (`newsbench.anchoring.whole_word_matches`), or the k-th plain substring occurrence
when it never occurs as a whole word. Spans that differ in label never compete for occurrences,
so their order does not matter; a span beyond the last occurrence takes the first one again (it
repeats the first span of its group: a duplicate, counted once). A span whose text does not occur
at all is *unanchored*: it stays a prediction (a false positive) and is listed in the report.

The caller's records are never written to: anchored offsets go into copies.
"""
from __future__ import annotations

import json
import re
from hashlib import sha256
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

import numpy as np

from .anchoring import whole_word_matches
from .labels import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, FRAMES, MENTION_LEVELS, QUOTE_KINDS, REALIS
from .validation import (INVALID, UNUSABLE, Problem, _json_path, _schema_reason, clip, clip_reason, parse_line,
                         schema_validator)

try:  # orjson is several times faster than json on large files; both give the same objects
    import orjson

    loads = orjson.loads
    _dumps = orjson.dumps
    JSONDecodeError: tuple = (orjson.JSONDecodeError,)
except ImportError:  # pragma: no cover - exercised only without orjson
    loads = json.loads
    _dumps = None
    JSONDecodeError = (json.JSONDecodeError, UnicodeDecodeError)

LAYERS = ("entities", "quotes", "events", "frames")
#: Read buffer for JSONL files: larger than a line, so reading a line is one copy (news articles run to kilobytes).
READ_BUFFER = 1 << 16
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_TOP_KEYS = frozenset(("id", "text", "meta") + LAYERS)   # text and meta: so a corpus file is a prediction file
_ENTITIES_KEYS = frozenset(("mentions", "clusters"))
_MENTION_KEYS = frozenset(("id", "start", "end", "text", "type", "level", "entity"))
_CLUSTER_KEYS = frozenset(("id", "name", "type", "wikidata", "mentions"))
_SPAN_KEYS = frozenset(("start", "end", "text"))
_QUOTE_KEYS = frozenset(("id", "start", "end", "text", "kind", "cue", "speaker"))
_EVENT_KEYS = frozenset(("id", "trigger", "type", "realis", "arguments"))
_ARGUMENT_KEYS = frozenset(("role", "mention", "text", "start", "end"))
_FRAMES_KEYS = frozenset(("primary", "labels"))
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


@dataclass
class Header:
    """The optional first line of a predictions file, `{"header": {...}}`: what produced the predictions.

    Free-form, except `signature`: an object whose `model`, `prompt` and `decode` strings go into the
    signature of every score of the file (`newsbench llm` writes them; any system may).
    """

    data: dict

    def signature_fields(self) -> dict:
        from .report import SYSTEM_FIELDS
        sig = self.data.get("signature")
        sig = sig if isinstance(sig, dict) else {}
        return {k: sig[k] for k in SYSTEM_FIELDS if isinstance(sig.get(k), str) and sig[k]}


def header_of(rec) -> Optional[dict]:
    """The header's content when `rec` is a header line (a lone `header` object), else None."""
    if type(rec) is dict and len(rec) == 1 and type(rec.get("header")) is dict:
        return rec["header"]
    return None


class PredictionError(ValueError):
    """The predictions cannot be scored; `problems` has one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class Unanchored:
    """A text-only span that does not occur in the article: scored as a false positive."""

    id: str
    line: int
    path: str
    text: str
    layer: str = ""       # mentions, cluster mentions, quotes, cues, triggers or arguments

    def to_dict(self) -> dict:
        return {"id": self.id, "line": self.line, "path": self.path, "text": self.text}


@dataclass
class MentionColumns:
    """Predicted entity mentions as parallel sequences (cheaper than an object per span).

    `start`/`end` are None for a text-only mention that could not be anchored; `level`, `id` and
    `entity` (the mention's cluster, for coreference) are None when no mention of the article gives one.
    """

    start: list
    end: list
    text: list
    type: list
    level: Optional[list] = None
    id: Optional[list] = None
    entity: Optional[list] = None

    def __len__(self) -> int:
        return len(self.text)

    @classmethod
    def from_dicts(cls, ms: list) -> "MentionColumns":
        keys = set().union(*ms) if ms else set()
        return cls([m.get("start") for m in ms], [m.get("end") for m in ms], [m["text"] for m in ms],
                   [m["type"] for m in ms], [m.get("level") for m in ms] if "level" in keys else None,
                   [m.get("id") for m in ms] if "id" in keys else None,
                   [m.get("entity") for m in ms] if "entity" in keys else None)


@dataclass
class Prediction:
    """One article's predicted layers, checked and anchored (None: the layer was not predicted).

    Quote and event spans are copies of the input's dicts with integer `start`/`end` filled in
    (None when unanchored); mentions are columns. The input is never modified.
    """

    id: str
    line: int = 0
    mentions: Optional[MentionColumns] = None
    quotes: Optional[list] = None
    events: Optional[list] = None
    frames: Optional[dict] = None
    unanchored: list = field(default_factory=list)
    clusters: Optional[list] = None    # (cluster id, [(start, end, text), ...]) of clusters that list mentions

    @property
    def layers(self) -> set:
        """The layers predicted; `coref` when some mention is given a cluster (its `entity`, or a cluster list)."""
        found = {name for name, v in (("entities", self.mentions), ("quotes", self.quotes), ("events", self.events),
                                      ("frames", self.frames)) if v is not None}
        if self.clusters or (self.mentions is not None and self.mentions.entity is not None):
            found.add("coref")
        return found

    def mention_index(self) -> dict:
        """Mention id -> (start, end, text) of the predicted mentions that have an id."""
        m = self.mentions
        if m is None or m.id is None:
            return {}
        return {i: (s, e, t) for i, s, e, t in zip(m.id, m.start, m.end, m.text) if i is not None}


@dataclass(frozen=True)
class CheckOptions:
    """What a prediction may contain beyond the schema: entity labels of a label map (e.g. CoNLL's PER)."""

    extra_entity_labels: frozenset = frozenset()
    entity_labels: frozenset = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "entity_labels", frozenset(ENTITY_TYPES) | frozenset(self.extra_entity_labels))


# -- lines ----------------------------------------------------------------------------------------
def iter_records(source, name: Optional[str] = None,
                 keep=None) -> Iterator[tuple[int, Optional[dict], Optional[Problem]]]:
    """(line number, record or None, problem or None) for a path or an iterable of dicts.

    `keep` (paths only; see `iter_jsonl`) skips lines unparsed: they come as (n, None, None).
    """
    if isinstance(source, (str, Path)):
        yield from iter_jsonl(Path(source), name or str(source), keep=keep)
        return
    name = name or "<predictions>"
    for n, rec in enumerate(source, 1):
        if isinstance(rec, dict):
            yield n, rec, None
        else:
            yield n, None, Problem(name, n, None, "$", "a line must be a JSON object", INVALID)


def iter_jsonl(path: Path, name: str, span: Optional[tuple] = None, keep=None,
               counted: Optional[list] = None, record_digests: Optional[bytearray] = None
               ) -> Iterator[tuple[int, Optional[dict], Optional[Problem]]]:
    """Stream a JSONL file line by line (never whole in memory), parsed with orjson when installed.

    `span` (start, stop) reads only the lines that start in that byte range (`start` at a line
    start; line numbers then count from it); `keep(raw line)` false skips a line unparsed, as
    (n, None, None); `counted`, a list, gets the number of lines read appended at the end;
    `record_digests` gets the SHA-256 of each record's canonical form (`record_digest`).
    """
    try:
        f = open(path, "rb", buffering=READ_BUFFER)
    except OSError as err:
        reason = ("file not found" if isinstance(err, FileNotFoundError) else
                  "is a folder, not a JSONL file" if isinstance(err, IsADirectoryError) else f"cannot read: {err.strerror}")
        yield 0, None, Problem(name, None, None, "$", reason, UNUSABLE)
        return
    start, stop = span or (0, None)
    n = 0
    with f:
        lines = f
        if start:
            f.seek(start)
        if stop is not None:
            lines = _until(f, stop - start)
        for n, line in enumerate(lines, 1):
            if n == 1 and not start and line.startswith(b"\xef\xbb\xbf"):   # a byte-order mark: tolerated, as `validate` does
                line = line[3:]
            if not line or line.isspace():
                continue
            if keep is not None and not keep(line):
                yield n, None, None
                continue
            try:
                rec = loads(line)
            except RecursionError:
                yield n, None, Problem(name, n, None, "$", "not usable JSON: nested too deeply", UNUSABLE)
                continue
            except JSONDecodeError:
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as err:  # say what is wrong, like `newsbench validate` does
                    yield n, None, Problem(name, n, None, "$", f"not UTF-8 (byte {line[err.start]:#04x} at "
                                                                f"column {err.start + 1})", UNUSABLE)
                    continue
                # the validator's rule names what is wrong (a lone surrogate is valid JSON to it, not to orjson)
                _, reason, severity = parse_line(line.decode("utf-8"))
                yield n, None, Problem(name, n, None, "$", reason or f"not JSON ({_json_error(line)}); truncated line?",
                                       severity or UNUSABLE)
                continue
            if not isinstance(rec, dict):
                yield n, None, Problem(name, n, None, "$", "a line must be a JSON object", INVALID)
                continue
            written = None
            if _dumps is not None:     # the record written back: canonical if the digest needs it
                written = _dumps(rec, option=orjson.OPT_SORT_KEYS) if record_digests is not None else _dumps(rec)
            if _unsafe_line(line, written):
                # rare: only lines the cheap byte tests flag are parsed again, by the validator's rule
                _, reason, severity = parse_line(line.decode("utf-8"))
                if reason:
                    yield n, None, Problem(name, n, None, "$", reason, severity)
                    continue
            if record_digests is not None:
                record_digests += sha256(written).digest() if written is not None else record_digest(rec)
            yield n, rec, None
    if counted is not None:
        counted.append(n)


def _until(f, size: int) -> Iterator[bytes]:
    """The lines of `f` that start within the next `size` bytes."""
    for line in f:
        yield line
        size -= len(line)
        if size <= 0:
            return


#: The id of a line that begins with it (`{"id": "..."`, the usual order): read without parsing the line.
_LEADING_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*"([^"\\]*)"')


def leading_id(line: bytes) -> Optional[str]:
    """The article id a JSONL line starts with, if it starts with one (no escapes); else None."""
    m = _LEADING_ID.match(line)
    if m is None:
        return None
    try:
        return m.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None


# without orjson, the duplicate-key test of `_unsafe_line`: the seven layer names as a trie, one
# regex pass at ~0.5 GB/s (the plain alternation, or seven `bytes.count` scans, cost three times as much)
_LAYER_KEY = re.compile(rb'"(?:m(?:eta|entions)|e(?:ntities|vents)|clusters|quotes|frames)"')
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


_ESCAPED_COLON = re.compile(rb"\\u003[aA]")


def _unsafe_line(line: bytes, written: Optional[bytes] = None) -> bool:
    """Could the line hold a duplicate key or a lone surrogate (both of which the parser lets through)?

    `written` is the parsed record serialised again by orjson. A colon is never escaped by it,
    nor by the line unless as `\\u003a`, and every colon of either is a key's or inside a string:
    so when the line has no `\\u003a`, a key given twice -- whose copy the parser dropped, with
    at least its colon -- leaves the line with more colons than `written`. Only a flagged line is
    parsed again, by the exact rule. Without orjson, the layer keys are checked (a quote inside a
    string is escaped, so an unescaped `"mentions"` is a key or a whole string value).
    """
    if written is not None:
        if _colons(line) != _colons(written):
            return True
        return line.find(b"\\") >= 0 and b"\\u" in line and \
            bool(_ESCAPED_COLON.search(line) or _SURROGATE.search(line))
    keys = _LAYER_KEY.findall(line)
    return len(keys) != len(set(keys)) or (b"\\u" in line and bool(_SURROGATE.search(line)))


def _colons(data: bytes) -> int:
    """How many colons: numpy counts a byte twice as fast as `bytes.count` (the hot path of reading)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 58))


def canonical_json(rec) -> bytes:
    """A record's canonical serialisation: sorted keys, no whitespace, UTF-8 (what the content hash covers).

    orjson's sorted output and the standard library's are the same bytes for what the corpus
    format holds (strings, integers, booleans, null, arrays, objects); orjson is only faster.
    """
    if _dumps is not None:
        try:
            return _dumps(rec, option=orjson.OPT_SORT_KEYS)
        except TypeError:      # something orjson does not take (a huge integer...): the standard library
            pass
    return json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def record_digest(rec) -> bytes:
    """One article's SHA-256, of its canonical serialisation (the gold's content hash is made of these)."""
    return sha256(canonical_json(rec)).digest()


def _json_error(line: bytes) -> str:
    """The parser's message for a bad line, positions counted within the line."""
    try:
        loads(line.rstrip(b"\r\n"))
    except JSONDecodeError as err:
        return str(err).replace("\n", " ")
    return "invalid"


# -- cheap structural check (the schema, by hand) -------------------------------------------------
def _is_int(x) -> bool:
    return type(x) is int


def _offsets_problem(obj: dict, path: str, min_end: int) -> Optional[tuple]:
    has_s, has_e = "start" in obj, "end" in obj
    if has_s != has_e:
        return path, "start and end go together"
    if has_s:
        s, e = obj["start"], obj["end"]
        if type(s) is not int or type(e) is not int:
            return f"{path}.start", "offsets must be integers"
        if s < 0 or e < min_end:
            return f"{path}.start", "offsets must not be negative"
    return None


def _text_problem(obj: dict, path: str) -> Optional[tuple]:
    t = obj.get("text")
    if type(t) is not str or not t:
        return f"{path}.text", "text must be a non-empty string"
    return None


def _mentions_problem(ms, labels: frozenset) -> Optional[tuple]:
    """The hot loop: about fifty mentions per article, a million in the benchmark."""
    if type(ms) is not list:
        return "$.entities.mentions", "must be an array"
    keys, levels = _MENTION_KEYS, MENTION_LEVELS
    for i, m in enumerate(ms):
        if type(m) is not dict or not keys.issuperset(m):
            return f"$.entities.mentions[{i}]", "not a mention object"
        t = m.get("text")
        if type(t) is not str or not t or m.get("type") not in labels:
            return f"$.entities.mentions[{i}]", "text or type missing or invalid"
        if "start" in m or "end" in m:
            s, e = m.get("start"), m.get("end")
            if type(s) is not int or type(e) is not int or s < 0 or e < 1:
                return f"$.entities.mentions[{i}].start", "offsets must be integers (start ≥ 0, end ≥ 1)"
        if ("level" in m and m["level"] not in levels) or \
                any(k in m and not _valid_id(m[k]) for k in ("id", "entity")):
            return f"$.entities.mentions[{i}]", "level, id or entity invalid"
    return None


def fast_mentions(ms, text: str, labels: frozenset) -> Optional[MentionColumns]:
    """Mentions as columns when they are plainly valid against `text` (None: look closer).

    Checks in C-speed bulk operations what `_mentions_problem` and the offset check do one
    mention at a time; anything unusual (bad types, mismatching text, odd ids) returns None.
    """
    if type(ms) is not list:
        return None
    if not ms:
        return MentionColumns([], [], [], [])
    try:
        if sum(map(len, ms)) == 4 * len(ms) and "start" in ms[0]:   # the usual shape: start, end, text, type
            try:
                starts, ends, texts, types = map(list, zip(*map(_OFFSET_SPAN, ms)))
            except KeyError:
                pass
            else:
                # (a text that is not a string cannot equal its slice, so _offsets_agree rejects it)
                if "" in texts or not labels.issuperset(types) or not _offsets_agree(starts, ends, texts, text):
                    return None
                return MentionColumns(starts, ends, texts, types)
        if set(map(type, ms)) != {dict}:
            return None
        keys = set().union(*ms)
        if not _MENTION_KEYS.issuperset(keys):
            return None
        texts = [m["text"] for m in ms]
        types = [m["type"] for m in ms]
        if set(map(type, texts)) != {str} or "" in texts or not labels.issuperset(types):
            return None
        starts, ends = [None] * len(ms), [None] * len(ms)
        if "start" in keys or "end" in keys:
            placed = [i for i, m in enumerate(ms) if "start" in m or "end" in m]
            for i in placed:      # a key present with null is invalid, as is one of the two alone
                starts[i], ends[i] = ms[i].get("start"), ms[i].get("end")
            if not _offsets_agree([starts[i] for i in placed], [ends[i] for i in placed], [texts[i] for i in placed],
                                  text):
                return None
        levels = ids = entities = None
        if "level" in keys:      # (a key given as null is invalid: only absent keys read as None)
            if not _LEVELS.issuperset(m["level"] for m in ms if "level" in m):
                return None
            levels = [m.get("level") for m in ms]
        if "id" in keys or "entity" in keys:
            named = [m["id"] for m in ms if "id" in m]
            if len(set(named)) != len(named) or not all(map(_valid_id, named)) or \
                    not all(_valid_id(m["entity"]) for m in ms if "entity" in m):
                return None
            if "id" in keys:
                ids = [m.get("id") for m in ms]
            if "entity" in keys:
                entities = [m.get("entity") for m in ms]
    except (KeyError, TypeError):
        return None
    return MentionColumns(starts, ends, texts, types, levels, ids, entities)


_LEVELS = frozenset(MENTION_LEVELS)
_OFFSET_SPAN = itemgetter("start", "end", "text", "type")


def _offsets_agree(starts: list, ends: list, texts: list, text: str) -> bool:
    """All offsets are integers in range and cover exactly their text (bulk checks)."""
    if not starts:
        return True
    if not {int}.issuperset(map(type, starts)) or not {int}.issuperset(map(type, ends)):
        return False
    if min(starts) < 0 or max(ends) > len(text):
        return False
    return [text[s:e] for s, e in zip(starts, ends)] == texts


def _clusters_problem(cs) -> Optional[tuple]:
    if type(cs) is not list:
        return "$.entities.clusters", "must be an array"
    for i, c in enumerate(cs):
        p = f"$.entities.clusters[{i}]"
        if type(c) is not dict or not _CLUSTER_KEYS.issuperset(c) or type(c.get("id")) is not str \
                or not _ID.match(c["id"]):
            return p, "not a cluster object"
        if ("name" in c and type(c["name"]) is not str) or ("type" in c and c["type"] not in ENTITY_TYPES) or \
                ("wikidata" in c and c["wikidata"] is not None and not (type(c["wikidata"]) is str
                                                                         and _WIKIDATA.match(c["wikidata"]))):
            return p, "cluster field invalid"
        if "mentions" in c:
            if type(c["mentions"]) is not list:
                return f"{p}.mentions", "must be an array"
            for j, m in enumerate(c["mentions"]):
                found = _span_object_problem(m, f"{p}.mentions[{j}]", _SPAN_KEYS, 0)
                if found:
                    return found
    return None


def _span_object_problem(obj, path: str, keys: frozenset, min_end: int) -> Optional[tuple]:
    if type(obj) is not dict or not keys.issuperset(obj):
        return path, "not an object of the expected shape"
    return _text_problem(obj, path) or _offsets_problem(obj, path, min_end)


def _quotes_problem(qs) -> Optional[tuple]:
    if type(qs) is not list:
        return "$.quotes", "must be an array"
    for i, q in enumerate(qs):
        p = f"$.quotes[{i}]"
        found = _span_object_problem(q, p, _QUOTE_KEYS, 1)
        if found:
            return found
        if ("kind" in q and q["kind"] not in QUOTE_KINDS) or ("id" in q and not _valid_id(q["id"])):
            return p, "kind or id invalid"
        cue = q.get("cue")
        if cue is not None:
            found = _span_object_problem(cue, f"{p}.cue", _SPAN_KEYS, 0)
            if found:
                return found
        spk = q.get("speaker")
        if spk is not None and not _valid_id(spk) and not (
                type(spk) is dict and set(spk) == {"text"} and type(spk["text"]) is str and spk["text"]):
            return f"{p}.speaker", "speaker invalid"
    return None


def _events_problem(evs) -> Optional[tuple]:
    if type(evs) is not list:
        return "$.events", "must be an array"
    for i, ev in enumerate(evs):
        p = f"$.events[{i}]"
        if type(ev) is not dict or not _EVENT_KEYS.issuperset(ev) or ev.get("type") not in EVENT_TYPES \
                or ("realis" in ev and ev["realis"] not in REALIS) or ("id" in ev and not _valid_id(ev["id"])):
            return p, "not an event object"
        found = _span_object_problem(ev.get("trigger"), f"{p}.trigger", _SPAN_KEYS, 0)
        if found:
            return found
        args = ev.get("arguments", [])
        if type(args) is not list:
            return f"{p}.arguments", "must be an array"
        for j, a in enumerate(args):
            ap = f"{p}.arguments[{j}]"
            if type(a) is not dict or not _ARGUMENT_KEYS.issuperset(a) or a.get("role") not in EVENT_ROLES:
                return ap, "not an argument object"
            if "mention" in a and not _valid_id(a["mention"]):
                return f"{ap}.mention", "invalid mention id"
            if "text" in a and (type(a["text"]) is not str or not a["text"]):
                return f"{ap}.text", "invalid text"
            if "mention" not in a and "text" not in a:
                return ap, "needs a mention or a text"
            if any(k in a and (type(a[k]) is not int or a[k] < 0) for k in ("start", "end")):
                return f"{ap}.start", "offsets must be integers"
    return None


def _frames_problem(fr) -> Optional[tuple]:
    if type(fr) is not dict or not _FRAMES_KEYS.issuperset(fr):
        return "$.frames", "not a frames object"
    if "primary" in fr and fr["primary"] not in FRAMES:
        return "$.frames.primary", "unknown frame"
    labels = fr.get("labels", [])
    if type(labels) is not list or any(x not in FRAMES for x in labels if type(x) is str) \
            or any(type(x) is not str for x in labels) or len(set(labels)) != len(labels):
        return "$.frames.labels", "labels invalid"
    return None


def _valid_id(x) -> bool:
    return type(x) is str and bool(_ID.match(x))


def structural_problem(rec: dict, opts: CheckOptions, check_mentions: bool = True) -> Optional[tuple]:
    """The first way `rec` breaks the prediction schema, or None (never None for an invalid record)."""
    try:
        return _structural_problem(rec, opts, check_mentions)
    except TypeError:  # an unhashable value where a label belongs, and the like
        return "$", "wrong value type"


def _structural_problem(rec: dict, opts: CheckOptions, check_mentions: bool) -> Optional[tuple]:
    if not _TOP_KEYS.issuperset(rec) or not _valid_id(rec.get("id")):
        return "$", "unknown field or invalid id"
    if ("text" in rec and type(rec["text"]) is not str) or ("meta" in rec and type(rec["meta"]) is not dict):
        return "$", "text must be a string and meta an object"
    ents = rec.get("entities")
    if ents is not None or "entities" in rec:
        if type(ents) is not dict or not _ENTITIES_KEYS.issuperset(ents):
            return "$.entities", "not an entities object"
        found = (_mentions_problem(ents["mentions"], opts.entity_labels) if check_mentions and "mentions" in ents
                 else None) or \
                (_clusters_problem(ents["clusters"]) if "clusters" in ents else None)
        if found:
            return found
    if "quotes" in rec:
        found = _quotes_problem(rec["quotes"])
        if found:
            return found
    if "events" in rec:
        found = _events_problem(rec["events"])
        if found:
            return found
    if "frames" in rec:
        return _frames_problem(rec["frames"])
    return None


def schema_messages(rec: dict, opts: CheckOptions) -> list[tuple[str, str]]:
    """(json path, reason) for every schema error, ignoring entity labels the label map allows."""
    out = []
    for err in sorted(schema_validator("prediction").iter_errors(rec), key=lambda e: list(map(str, e.absolute_path))):
        if err.validator == "enum" and isinstance(err.instance, str) and err.instance in opts.extra_entity_labels:
            continue
        out.append((_json_path(err.absolute_path), clip_reason(_schema_reason(err), err.instance)))
    return out


# -- offsets against the gold text ----------------------------------------------------------------
def _offset_message(text: str, obj: dict, path: str) -> Optional[tuple[str, str]]:
    s, e = obj["start"], obj["end"]
    if not 0 <= s < e <= len(text):
        field = "start" if s < 0 or s >= len(text) else "end"
        return f"{path}.{field}", f"offsets [{s}, {e}) out of range for a text of {len(text)} characters"
    if "text" in obj and obj["text"] != text[s:e]:
        return f"{path}.text", f"span text {clip(obj['text'])} != text[{s}:{e}] {clip(text[s:e])}"
    return None


def _mention_offset_messages(ms: list, text: str) -> list[tuple[str, str]]:
    n = len(text)
    bad = [i for i, m in enumerate(ms) if "start" in m and not (m["start"] < m["end"] <= n
                                                                 and text[m["start"]:m["end"]] == m["text"])]
    return [_offset_message(text, ms[i], f"$.entities.mentions[{i}]") for i in bad]


def _spans_with_offsets(rec: dict) -> Iterator[tuple[dict, str]]:
    """Every span object other than entity mentions that carries offsets, with its path."""
    ents = rec.get("entities")
    for i, c in enumerate((ents.get("clusters") or ()) if type(ents) is dict else ()):
        for j, m in enumerate(c.get("mentions") or ()):
            if "start" in m:
                yield m, f"$.entities.clusters[{i}].mentions[{j}]"
    for i, q in enumerate(rec.get("quotes") or ()):
        if "start" in q:
            yield q, f"$.quotes[{i}]"
        if q.get("cue") and "start" in q["cue"]:
            yield q["cue"], f"$.quotes[{i}].cue"
    for i, ev in enumerate(rec.get("events") or ()):
        if "start" in ev["trigger"]:
            yield ev["trigger"], f"$.events[{i}].trigger"
        for j, a in enumerate(ev.get("arguments", ())):
            if "start" in a and "end" in a:
                yield a, f"$.events[{i}].arguments[{j}]"


def _duplicate_id_messages(rec: dict) -> list[tuple[str, str]]:
    out, ids = [], set()
    for i, m in enumerate((rec.get("entities") or {}).get("mentions") or ()):
        if "id" in m:
            if m["id"] in ids:
                out.append((f"$.entities.mentions[{i}].id", f"duplicate mention id {clip(m['id'])}"))
            ids.add(m["id"])
    return out


def _reference_messages(rec: dict, ids: set) -> list[tuple[str, str]]:
    """Speakers and arguments point at predicted mentions; argument offsets come in pairs."""
    out = []
    for i, q in enumerate(rec.get("quotes") or ()):
        if isinstance(q.get("speaker"), str) and q["speaker"] not in ids:
            out.append((f"$.quotes[{i}].speaker", f"speaker {clip(q['speaker'])} is not a predicted mention id "
                                                  f"(use {{\"text\": ...}} to name a speaker)"))
    for i, ev in enumerate(rec.get("events") or ()):
        for j, a in enumerate(ev.get("arguments", ())):
            if "mention" in a and a["mention"] not in ids:
                out.append((f"$.events[{i}].arguments[{j}].mention",
                            f"argument mention {clip(a['mention'])} is not a predicted mention id"))
            elif "mention" not in a and ("start" in a) != ("end" in a):
                out.append((f"$.events[{i}].arguments[{j}].start", "start and end go together"))
    return out


def _text_messages(rec: dict, text: str) -> list[tuple[str, str]]:
    """A prediction that carries its article text must have been made on the gold's version of it."""
    if "text" in rec and rec["text"] != text:
        return [("$.text", "differs from the gold article's text: the prediction was made on another version "
                           "of the article")]
    return []


def _layer_messages(rec: dict, text: str, ids: set) -> list[tuple[str, str]]:
    """Offsets and references of the quote and event layers (cheap: those layers are small)."""
    found = [m for m in (_offset_message(text, obj, path) for obj, path in _spans_with_offsets(rec)) if m]
    return found + _reference_messages(rec, ids)


def check_record(rec: dict, text: str, opts: CheckOptions = CheckOptions()) -> list[tuple[str, str]]:
    """Every (json path, reason) that makes `rec` unusable against an article `text` (empty: fine).

    The thorough path: jsonschema is the authority on structure; then the scorer's own stricter
    checks (integers, not 3.0, as offsets), offsets against the text, and references.
    """
    found = schema_messages(rec, opts)
    if found:
        return found
    first = structural_problem(rec, opts)
    if first:
        return [first]
    mentions = (rec.get("entities") or {}).get("mentions") or []
    ids = {m["id"] for m in mentions if "id" in m}
    return (_text_messages(rec, text) + _mention_offset_messages(mentions, text) + _duplicate_id_messages(rec)
            + _layer_messages(rec, text, ids))


def prepare(rec: dict, text: str, opts: CheckOptions = CheckOptions(), line: int = 0
            ) -> tuple[Optional[Prediction], list[tuple[str, str]]]:
    """(anchored Prediction, []) for a usable record, (None, problems) otherwise.

    The fast path handles the usual good record; anything it does not accept goes through
    `check_record` for precise messages.
    """
    ents = rec.get("entities")
    columns = None
    ok = True
    if type(ents) is dict and "mentions" in ents:
        columns = fast_mentions(ents["mentions"], text, opts.entity_labels)
        ok = columns is not None
    ok = ok and structural_problem(rec, opts, check_mentions=False) is None
    if not ok:
        found = check_record(rec, text, opts)
        if not found and columns is None and type(ents) is dict:   # valid after all: the fast path was too shy
            columns = MentionColumns.from_dicts(ents.get("mentions", []))
    else:
        found = _text_messages(rec, text) if "text" in rec else []
        if "quotes" in rec or "events" in rec or _has_cluster_mentions(ents):
            found += _layer_messages(rec, text, set(columns.id or ()) if columns else set())
    if found:
        return None, found
    return anchor_record(rec, text, line, columns), []


def _has_cluster_mentions(ents) -> bool:
    return type(ents) is dict and any("mentions" in c for c in ents.get("clusters") or ())


# -- anchoring ------------------------------------------------------------------------------------
class Anchorer:
    """Anchors the text-only spans of one article layer by layer (the module docstring's rule)."""

    def __init__(self, text: str):
        self.text = text
        self._starts: dict[str, list[int]] = {}
        self._seen: dict[tuple, int] = {}

    def occurrences(self, span: str) -> list[int]:
        starts = self._starts.get(span)
        if starts is None:
            starts = whole_word_matches(self.text, span) or _substring_matches(self.text, span)
            self._starts[span] = starts
        return starts

    def locate(self, layer: str, span: str, label=None) -> Optional[tuple[int, int]]:
        """(start, end) for the next span of `layer` with this text and label; None when the text never occurs.

        Past the last occurrence, the first one again: the span repeats the first of its group.
        """
        key = (layer, span, label)
        k = self._seen.get(key, 0)
        self._seen[key] = k + 1
        starts = self.occurrences(span)
        if not starts:
            return None
        s = starts[k] if k < len(starts) else starts[0]
        return s, s + len(span)

    def place(self, layer: str, obj: dict, label=None) -> bool:
        """Set obj's start/end from its text (False, with start/end None, when it cannot be found)."""
        obj["start"], obj["end"] = self.locate(layer, obj["text"], label) or (None, None)
        return obj["start"] is not None


def _substring_matches(text: str, span: str) -> list[int]:
    out, i = [], text.find(span)
    while i != -1:
        out.append(i)
        i = text.find(span, i + 1)
    return out


def anchor_record(rec: dict, text: str, line: int = 0, columns: Optional[MentionColumns] = None) -> Prediction:
    """A checked record as a Prediction, its text-only spans anchored (mentions as columns).

    Labels that keep text-only spans apart: a mention's type and level, a quote's kind, a
    trigger's event type, an argument's event (type and trigger, as placed) and role; cues have
    none. `rec` is not modified: quotes and events are copied before offsets are written.
    """
    anchorer, lost = Anchorer(text), []
    rid = rec["id"]

    def place(layer: str, obj: dict, label, path: str) -> None:
        if "start" not in obj and not anchorer.place(layer, obj, label):
            lost.append(Unanchored(rid, line, path, obj["text"], layer))

    ents = rec.get("entities")
    if ents is not None and columns is None:
        columns = MentionColumns.from_dicts(ents.get("mentions", []))
    if columns is not None and None in columns.start:
        for i, s in enumerate(columns.start):
            if s is None:
                label = (columns.type[i], columns.level[i] if columns.level is not None else None)
                span = anchorer.locate("mentions", columns.text[i], label)
                if span:
                    columns.start[i], columns.end[i] = span
                else:
                    lost.append(Unanchored(rid, line, f"$.entities.mentions[{i}]", columns.text[i], "mentions"))
    clusters = None
    if _has_cluster_mentions(ents):     # text-only cluster mentions: a layer of their own, with no label
        clusters = []
        for i, c in enumerate(ents["clusters"]):
            spans = []
            for j, m in enumerate(c.get("mentions") or ()):
                span = (m["start"], m["end"]) if "start" in m else anchorer.locate("cluster mentions", m["text"])
                if span is None:
                    lost.append(Unanchored(rid, line, f"$.entities.clusters[{i}].mentions[{j}]", m["text"],
                                           "cluster mentions"))
                spans.append((*(span or (None, None)), m["text"]))
            clusters.append((c["id"], spans))
    quotes = rec.get("quotes")
    if quotes is not None:
        quotes = [dict(q) for q in quotes]
        for i, q in enumerate(quotes):
            place("quotes", q, q.get("kind"), f"$.quotes[{i}]")
            if q.get("cue"):
                q["cue"] = dict(q["cue"])
                place("cues", q["cue"], None, f"$.quotes[{i}].cue")
    events = rec.get("events")
    if events is not None:
        events = [dict(ev) for ev in events]
        for i, ev in enumerate(events):
            ev["trigger"] = dict(ev["trigger"])
            place("triggers", ev["trigger"], ev["type"], f"$.events[{i}].trigger")
            if "arguments" in ev:
                tr = ev["trigger"]
                event = (ev["type"], tr["start"], tr["end"], tr["text"])   # the trigger as placed above
                ev["arguments"] = [dict(a) for a in ev["arguments"]]
                for j, a in enumerate(ev["arguments"]):
                    if "mention" not in a:
                        place("arguments", a, (*event, a["role"]), f"$.events[{i}].arguments[{j}]")
    return Prediction(rid, line, columns, quotes, events, rec.get("frames"), lost, clusters)


def parse_prediction(rec: dict, text: str, opts: CheckOptions = CheckOptions(), line: int = 0,
                     name: str = "<prediction>") -> Prediction:
    """Check one record against its article text and anchor it; PredictionError if it is unusable."""
    pred, found = prepare(rec, text, opts, line)
    if found:
        rid = rec.get("id") if isinstance(rec.get("id"), str) else None
        raise PredictionError([Problem(name, line or None, rid, p, r, INVALID) for p, r in found])
    return pred


def read_predictions(source: Union[str, Path, Iterable[dict]], texts: dict[str, str],
                     opts: CheckOptions = CheckOptions(), lenient: bool = False,
                     name: Optional[str] = None, keep=None) -> Iterator[Union[Prediction, Problem, str, Header]]:
    """Checked, anchored predictions for the articles in `texts` (id -> text), streamed.

    Yields a Prediction per usable line, a Problem per unusable one (the caller decides to stop)
    and a warning string for what is skipped under `lenient`; first a Header if line 1 is one.
    `keep(raw line)` false (paths only) skips a line unread: another process scores it.
    """
    name = name or (str(source) if isinstance(source, (str, Path)) else "<predictions>")
    first_line: dict[str, int] = {}
    lines = 0
    for n, rec, prob in iter_records(source, name, keep):
        lines += 1
        if prob:
            yield prob
            continue
        if rec is None:     # skipped by `keep`
            continue
        if lines == 1 and header_of(rec) is not None:
            yield Header(header_of(rec))
            continue
        rid = rec.get("id")
        if not _valid_id(rid):
            yield Problem(name, n, None, "$.id", "missing or invalid id", INVALID)
            continue
        if rid in first_line:
            yield Problem(name, n, rid, "$.id", f"duplicate prediction for this id (first at line {first_line[rid]})",
                          INVALID)
            continue
        first_line[rid] = n
        text = texts.get(rid)
        if text is None:
            if lenient:
                yield f"{name}:{n}: {rid}: not in the gold, skipped (--lenient)"
            else:
                yield Problem(name, n, rid, "$.id", "no gold article with this id (use --lenient to skip it)",
                              INVALID)
            continue
        pred, found = prepare(rec, text, opts, n)
        if found:
            for p, r in found:
                yield Problem(name, n, rid, p, r, INVALID)
            continue
        yield pred
    if not lines and isinstance(source, (str, Path)):   # unusable for `validate` too: not "predicted nothing"
        yield Problem(name, None, None, "$", "empty file: no predictions", UNUSABLE)
