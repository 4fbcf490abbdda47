"""Validate corpus files: JSON Schema first (every error, with its JSON path), then what a schema cannot say.

Every problem is one line -- file, line, article id, JSON path, reason -- and all problems of all
records are collected in one run. The checks beyond the schema need a record of the right shape,
so they run on the records that pass the schema; a record with schema errors shows those first. Severity drives the exit code: 1 for invalid data, 2 for unusable input
(missing file, not UTF-8, a line that is not JSON, an empty file).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from .labels import ROLE_ENTITY_TYPES, ROLES_BY_EVENT_TYPE
from .resources import load_schema

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

#: Longest repr of an offending value that a problem message repeats.
CLIP = 80


def clip(value, limit: int = CLIP) -> str:
    """repr(value), cut to about `limit` characters: a message never repeats a huge value whole."""
    r = repr(value)
    return r if len(r) <= limit else f"{r[:limit - 1]}…"

INVALID = 1
UNUSABLE = 2


@dataclass(frozen=True)
class Problem:
    file: str
    line: Optional[int]
    article_id: Optional[str]
    path: str
    reason: str
    severity: int = INVALID

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        aid = self.article_id or "-"
        return f"{where}: {aid if len(aid) <= 60 else aid[:59] + '…'}: {self.path}: {self.reason}"


def _json_path(parts: Iterable) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


_validators: dict[str, "Draft202012Validator"] = {}


def schema_validator(kind: str = "article") -> "Draft202012Validator":
    if kind not in _validators:
        from jsonschema import Draft202012Validator     # here: `evaluate` on clean data never needs it

        schema = load_schema(kind)
        Draft202012Validator.check_schema(schema)
        _validators[kind] = Draft202012Validator(schema)
    return _validators[kind]


def _schema_reason(err) -> str:
    if err.validator == "enum":
        return f"unknown label {clip(err.instance)} (allowed: {', '.join(map(str, err.validator_value))})"
    if err.validator == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown field(s)")
    if err.validator == "oneOf" and isinstance(err.instance, (str, type(None))):
        return f"{clip(err.instance)} is not a valid value here"
    return clip_reason(err.message, err.instance)


_fast_validators: dict = {}


def fast_validator(kind: str):
    """jsonschema-rs for the same schema, when installed: it only says valid or not, fast; every
    message still comes from `jsonschema`, so the wording and paths are the same either way."""
    if kind not in _fast_validators:
        try:
            import jsonschema_rs
            _fast_validators[kind] = jsonschema_rs.validator_for(load_schema(kind))
        except Exception:   # noqa: BLE001 - not installed, or a schema it cannot compile: use jsonschema alone
            _fast_validators[kind] = None
    return _fast_validators[kind]


def schema_problems(record: dict, kind: str = "article") -> Iterator[tuple[str, str]]:
    """(json path, reason) for every schema error, in document order."""
    fast = fast_validator(kind)
    if fast is not None and fast.is_valid(record):
        return
    errors = sorted(schema_validator(kind).iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    for err in errors:
        yield _json_path(err.absolute_path), _schema_reason(err)


def _span_problems(text: str, span: dict, path: str) -> Iterator[tuple[str, str]]:
    s, e, t = span.get("start"), span.get("end"), span.get("text")
    for key, v in (("start", s), ("end", e)):
        if type(v) is not int:   # JSON Schema's "integer" admits 1.0; an offset must be written as an integer
            yield f"{path}.{key}", f"offset {v!r} is not an integer"
    if not (type(s) is int and type(e) is int):
        return
    if not 0 <= s < e <= len(text):
        yield f"{path}.start", f"offsets [{s}, {e}) out of range for a text of {len(text)} characters"
        return
    if t != text[s:e]:
        yield f"{path}.text", f"span text {t!r} != text[{s}:{e}] {text[s:e]!r}"


def _float_offsets(obj, path: str = "$") -> Iterator[tuple[str, str]]:
    """Offsets written as 1.0: JSON Schema's integer admits them, the format does not."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("start", "end") and type(v) is float:
                yield f"{path}.{k}", f"offset {v!r} is not an integer"
            elif isinstance(v, (dict, list)):
                yield from _float_offsets(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _float_offsets(v, f"{path}[{i}]")


def semantic_problems(rec: dict) -> Iterator[tuple[str, str]]:
    """Checks beyond the schema, on a record that passed it."""
    text = rec["text"]
    if unicodedata.normalize("NFC", text) != text:
        yield "$.text", "text is not Unicode NFC"
    ents = rec["entities"]
    mentions, clusters = ents["mentions"], ents["clusters"]
    clusters_by_id: dict[str, dict] = {}
    for i, c in enumerate(clusters):
        if c["id"] in clusters_by_id:
            yield f"$.entities.clusters[{i}].id", f"duplicate cluster id {c['id']!r}"
        clusters_by_id[c["id"]] = c
    mentions_by_id: dict[str, dict] = {}
    used_clusters = set()
    for i, m in enumerate(mentions):
        p = f"$.entities.mentions[{i}]"
        yield from _span_problems(text, m, p)
        if m["id"] in mentions_by_id:
            yield f"{p}.id", f"duplicate mention id {m['id']!r}"
        mentions_by_id[m["id"]] = m
        c = clusters_by_id.get(m["entity"])
        if c is None:
            yield f"{p}.entity", f"cluster {m['entity']!r} does not exist"
        elif c["type"] != m["type"]:
            yield f"{p}.type", f"mention type {m['type']} differs from its cluster {c['id']!r} type {c['type']}"
        used_clusters.add(m["entity"])
    names = sorted((m["start"], m["end"], i) for i, m in enumerate(mentions) if m["level"] == "NAM")
    for (s1, e1, i1), (s2, e2, i2) in zip(names, names[1:]):
        if s2 < e1:
            yield f"$.entities.mentions[{i2}]", f"NAM mention overlaps NAM mention {mentions[i1]['id']!r}"
    for i, c in enumerate(clusters):
        if c["id"] not in used_clusters:
            yield f"$.entities.clusters[{i}]", f"cluster {c['id']!r} has no mentions"
    seen_quotes = set()
    for i, q in enumerate(rec["quotes"]):
        p = f"$.quotes[{i}]"
        yield from _span_problems(text, q, p)
        if q["cue"]:
            yield from _span_problems(text, q["cue"], f"{p}.cue")
        if q["id"] in seen_quotes:
            yield f"{p}.id", f"duplicate quote id {q['id']!r}"
        seen_quotes.add(q["id"])
        if q["speaker"] is not None and q["speaker"] not in mentions_by_id:
            yield f"{p}.speaker", f"speaker {q['speaker']!r} is not a mention id"
    seen_events = set()
    for i, ev in enumerate(rec["events"]):
        p = f"$.events[{i}]"
        yield from _span_problems(text, ev["trigger"], f"{p}.trigger")
        if ev["id"] in seen_events:
            yield f"{p}.id", f"duplicate event id {ev['id']!r}"
        seen_events.add(ev["id"])
        allowed = ROLES_BY_EVENT_TYPE.get(ev["type"], ())
        for j, a in enumerate(ev["arguments"]):
            ap = f"{p}.arguments[{j}]"
            if a["role"] not in allowed:
                yield f"{ap}.role", f"role {a['role']!r} not allowed for {ev['type']} (allowed: {', '.join(allowed)})"
            m = mentions_by_id.get(a["mention"])
            if m is None:
                yield f"{ap}.mention", f"argument mention {a['mention']!r} is not a mention id"
            elif a["role"] in ROLE_ENTITY_TYPES and m["type"] not in ROLE_ENTITY_TYPES[a["role"]]:
                yield (f"{ap}.mention", f"{a['role']} must be a {'/'.join(ROLE_ENTITY_TYPES[a['role']])} mention, "
                       f"got {m['type']} {m['text']!r}")
    fr = rec["frames"]
    if fr["primary"] not in fr["labels"]:
        yield "$.frames.primary", f"primary frame {fr['primary']!r} is not among the labels"


def read_jsonl(path: Path) -> Iterator[tuple[int, Optional[dict], Optional[Problem]]]:
    """Yield (line number, record or None, problem or None), streaming: one line in memory at a time.

    File-level problems come with line 0. A leading byte-order mark is tolerated (one rule with
    `evaluate`).
    """
    name = str(path)
    try:
        f = open(path, "rb", buffering=1 << 16)
    except FileNotFoundError:
        yield 0, None, Problem(name, None, None, "$", "file not found", UNUSABLE)
        return
    except IsADirectoryError:
        yield 0, None, Problem(name, None, None, "$", "is a folder, not a JSONL file", UNUSABLE)
        return
    except OSError as err:
        yield 0, None, Problem(name, None, None, "$", f"cannot read: {err.strerror}", UNUSABLE)
        return
    offset, seen_content = 0, False
    with f:
        for n, raw in enumerate(f, 1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw, offset = raw[3:], 3
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield 0, None, Problem(name, n, None, "$", f"not UTF-8 (byte {raw[err.start]:#04x} at offset "
                                                             f"{offset + err.start})", UNUSABLE)
                return
            offset += len(raw)
            if not line.strip():
                continue
            seen_content = True
            rec, reason, severity = parse_line(line)
            if reason:
                yield n, None, Problem(name, n, None, "$", reason, severity)
                continue
            yield n, rec, None
    if not seen_content:
        yield 0, None, Problem(name, None, None, "$", "empty file: no articles", UNUSABLE)


def _unique_keys(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _DuplicateKey(dup)
    return out


class _DuplicateKey(ValueError):
    pass


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def parse_line(line: str) -> tuple[Optional[dict], Optional[str], int]:
    """(record, None, 0) or (None, reason, severity) for one JSONL line: the one rule for every reader.

    Refused: invalid JSON, nesting too deep for any parser, a duplicate key (JSON parsers keep the
    last copy silently), a lone surrogate (valid JSON, not encodable as UTF-8), a non-object line.
    """
    try:
        rec = json.loads(line, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        return None, f"not JSON ({err.msg} at column {err.colno}); truncated line?", UNUSABLE
    except RecursionError:
        return None, "not usable JSON: nested too deeply", UNUSABLE
    except _DuplicateKey as err:
        return None, f"duplicate key {clip(err.args[0])} in one object (which copy is meant?)", INVALID
    if not isinstance(rec, dict):
        return None, "a line must be a JSON object", INVALID
    if _SURROGATE_ESCAPE.search(line):
        try:
            json.dumps(rec, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as err:
            return None, f"lone surrogate {err.object[err.start]!r} in a string: not encodable as UTF-8", INVALID
    return rec, None, 0


def clip_reason(reason: str, value) -> str:
    """A schema message with a huge offending value cut short (jsonschema quotes it whole)."""
    r = repr(value)
    return reason.replace(r, clip(value)) if len(r) > 80 and r in reason else reason


def validate_file(path: Path, kind: str = "article", seen_ids: Optional[dict] = None,
                  may_be_empty: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids = {} if seen_ids is None else seen_ids
    name = str(path)
    first = True
    for n, rec, prob in read_jsonl(path):
        if prob and may_be_empty and prob.reason.startswith("empty file"):
            continue
        if prob:
            problems.append(prob)
            continue
        if kind == "prediction" and first and type(rec) is dict and len(rec) == 1 and type(rec.get("header")) is dict:
            first = False    # a predictions file's header line (newsbench.predictions.Header)
            continue
        first = False
        aid = rec.get("id") if isinstance(rec.get("id"), str) else None
        found = [Problem(name, n, aid, p, r) for p, r in schema_problems(rec, kind)]
        if not found and kind == "article":
            found = [Problem(name, n, aid, p, r) for p, r in semantic_problems(rec)]
        elif not found:
            found = [Problem(name, n, aid, p, r) for p, r in _float_offsets(rec)]
        problems.extend(found)
        if aid is not None:
            if aid in seen_ids:
                problems.append(Problem(name, n, aid, "$.id", f"duplicate article id (first at {seen_ids[aid]})"))
            else:
                seen_ids[aid] = f"{name}:{n}"
    return problems


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def manifest_problems(version_dir: Path) -> list[Problem]:
    """Released files must match the manifest byte for byte (a released version never changes)."""
    mpath = version_dir / "manifest.json"
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [Problem(str(mpath), None, None, "$", "manifest missing", INVALID)]
    except (ValueError, OSError) as err:
        return [Problem(str(mpath), None, None, "$", f"unreadable manifest: {err}", UNUSABLE)]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict) or \
            not all(isinstance(e, dict) for e in manifest.get("files", {}).values()):
        return [Problem(str(mpath), None, None, "$.files", "a manifest is an object whose 'files' maps each file name "
                                                           "to an object (sha256, articles, bytes)", INVALID)]
    problems = []
    for fname, entry in sorted(manifest.get("files", {}).items()):
        f = version_dir / fname
        if not f.exists():
            problems.append(Problem(str(f), None, None, "$", "listed in the manifest but missing"))
            continue
        digest = sha256_file(f)
        if digest != entry.get("sha256"):
            problems.append(Problem(str(f), None, None, "$", f"SHA-256 {digest[:12]}… differs from the manifest's "
                                                              f"{str(entry.get('sha256'))[:12]}…: a released file changed"))
        if f.suffix == ".jsonl" and count_lines(f) != entry.get("articles"):
            problems.append(Problem(str(f), None, None, "$", f"{count_lines(f)} articles, manifest says "
                                                              f"{entry.get('articles')}"))
    listed = set(manifest.get("files", {}))
    for f in sorted(version_dir.glob("*.jsonl")):
        if f.name not in listed:
            problems.append(Problem(str(f), None, None, "$", "not listed in the manifest"))
    return problems


def _manifest_count(version_dir: Path, fname: str) -> Optional[int]:
    try:
        return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))["files"][fname]["articles"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def expand_paths(paths: Iterable[Path]) -> tuple[list[tuple[Path, Optional[Path]]], list[Problem]]:
    """Files to check, each with the version folder whose manifest covers it (or None)."""
    out: list[tuple[Path, Optional[Path]]] = []
    problems: list[Problem] = []
    for p in dict.fromkeys(map(Path, paths)):  # the same path twice is checked once
        if p.is_dir():
            files = sorted(p.rglob("*.jsonl"))
            if not files:
                problems.append(Problem(str(p), None, None, "$", "no .jsonl files under this folder", UNUSABLE))
            for f in files:
                if not any(f.resolve() == g.resolve() for g, _ in out):
                    out.append((f, f.parent if (f.parent / "manifest.json").exists() else None))
        elif p.exists():
            if not any(p.resolve() == g.resolve() for g, _ in out):
                out.append((p, p.parent if (p.parent / "manifest.json").exists() else None))
        else:
            problems.append(Problem(str(p), None, None, "$", "file not found", UNUSABLE))
    return out, problems


def validate(*paths, kind: str = "article") -> list[Problem]:
    """Every problem in the given files or folders (folders: every .jsonl below, and their manifests)."""
    if not paths:
        raise ValueError("validate() needs at least one file or folder: with none, nothing would be checked")
    if kind not in ("article", "prediction"):
        raise ValueError(f"kind must be 'article' or 'prediction', not {kind!r}")
    files, problems = expand_paths(paths)
    version_dirs = []
    seen_by_version: dict[Optional[Path], dict] = {}
    for f, vdir in files:
        if vdir is not None and vdir not in version_dirs:
            version_dirs.append(vdir)
        # article ids are unique within a version (across its splits), or within a loose file
        key = vdir if vdir is not None else f
        # a released split may hold no article (0.1 has one article in all); its manifest says so
        empty_ok = vdir is not None and _manifest_count(vdir, f.name) == 0
        problems.extend(validate_file(f, kind, seen_by_version.setdefault(key, {}), may_be_empty=empty_ok))
    for vdir in version_dirs:
        problems.extend(manifest_problems(vdir))
    return problems


def exit_code(problems: list[Problem]) -> int:
    return max((p.severity for p in problems), default=0)
