"""brat standoff (.txt + .ann) in and out, via the mapping in brat_mapping.yaml.

brat counts offsets in code points, as newsbench does, so no conversion is needed. What brat cannot
hold -- metadata, cluster names and QIDs, frames -- travels in a sidecar `<id>.meta.json`; newsbench
ids travel in AnnotatorNotes (`id=m3 entity=pakistan`), so import(export(x)) == x. Files annotated
in brat without a sidecar import too: clusters come from `*` Coref equivalences, ids are numbered
in document order, and the missing frames are reported by `newsbench validate`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Optional

from ..outputs import owned_by_names, write_folder
from . import InteropError, load_mapping as _load_mapping, placeholder_meta

DEFAULT_MAPPING = Path(__file__).with_name("brat_mapping.yaml")
MAPPING_KEYS = ("entity_types", "event_type_separator", "quote_label", "cue_label", "cue_relation",
                "speaker_relation", "coref_relation", "level_attribute", "kind_attribute", "realis_attribute")


def load_mapping(path: Optional[Path] = None) -> dict:
    return _load_mapping(path, DEFAULT_MAPPING, MAPPING_KEYS)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """brat text-bound spans cannot hold a newline: split at line breaks into fragments."""
    frags, s = [], start
    for k in range(start, end):
        if text[k] == "\n":
            if k > s:
                frags.append((s, k))
            s = k + 1
    if end > s:
        frags.append((s, end))
    return frags


def _tb(tid: str, label: str, text: str, start: int, end: int) -> str:
    frags = _fragments(text, start, end)
    offsets = ";".join(f"{s} {e}" for s, e in frags)
    return f"{tid}\t{label} {offsets}\t{' '.join(text[s:e] for s, e in frags)}"


# -- export ---------------------------------------------------------------------------------------
def to_brat(record: dict, mapping: Optional[dict] = None) -> tuple[str, str, dict]:
    """(text, .ann content, sidecar dict) of one corpus record."""
    mp = mapping or load_mapping()
    to_brat_type = {v: k for k, v in mp["entity_types"].items()}
    sep = mp["event_type_separator"]
    text = record["text"]
    lines: list[str] = []
    tid: dict[str, str] = {}
    n_t = n_a = n_r = n_note = 0

    def new_t() -> str:
        nonlocal n_t
        n_t += 1
        return f"T{n_t}"

    def attr(label: str, target: str, value: str) -> None:
        nonlocal n_a
        n_a += 1
        lines.append(f"A{n_a}\t{label} {target} {value}")

    def rel(label: str, a1: str, a2: str) -> None:
        nonlocal n_r
        n_r += 1
        lines.append(f"R{n_r}\t{label} Arg1:{a1} Arg2:{a2}")

    def note(target: str, body: str) -> None:
        nonlocal n_note
        n_note += 1
        lines.append(f"#{n_note}\tAnnotatorNotes {target}\t{body}")

    clusters: dict[str, list[str]] = {}
    for m in record["entities"]["mentions"]:
        t = tid[m["id"]] = new_t()
        lines.append(_tb(t, to_brat_type[m["type"]], text, m["start"], m["end"]))
        attr(mp["level_attribute"], t, m["level"])
        note(t, f"id={m['id']} entity={m['entity']}")
        clusters.setdefault(m["entity"], []).append(t)
    for members in clusters.values():
        if len(members) > 1:
            lines.append(f"*\t{mp['coref_relation']} {' '.join(members)}")
    for q in record["quotes"]:
        t = new_t()
        lines.append(_tb(t, mp["quote_label"], text, q["start"], q["end"]))
        attr(mp["kind_attribute"], t, q["kind"])
        note(t, f"id={q['id']}")
        if q["cue"]:
            c = new_t()
            lines.append(_tb(c, mp["cue_label"], text, q["cue"]["start"], q["cue"]["end"]))
            rel(mp["cue_relation"], t, c)
        if q["speaker"]:
            rel(mp["speaker_relation"], t, tid[q["speaker"]])
    for k, ev in enumerate(record["events"], 1):
        btype = ev["type"].replace(":", sep)
        t = new_t()
        lines.append(_tb(t, btype, text, ev["trigger"]["start"], ev["trigger"]["end"]))
        seen: dict[str, int] = {}
        args = []
        for a in ev["arguments"]:
            seen[a["role"]] = seen.get(a["role"], 0) + 1
            role = a["role"] + (str(seen[a["role"]]) if seen[a["role"]] > 1 else "")
            args.append(f"{role}:{tid[a['mention']]}")
        lines.append(f"E{k}\t{btype}:{t}" + "".join(" " + x for x in args))
        attr(mp["realis_attribute"], f"E{k}", ev["realis"])
        note(f"E{k}", f"id={ev['id']}")
    sidecar = {"id": record["id"], "meta": record["meta"], "clusters": record["entities"]["clusters"],
               "frames": record["frames"]}
    return text, "\n".join(lines) + "\n", sidecar


def export_brat(records: list[dict], out_dir: Path, mapping: Optional[dict] = None,
                overwrite: bool = False) -> list[Path]:
    """Write `<id>.txt`, `<id>.ann` and `<id>.meta.json` per record into a new folder, all or nothing."""
    out_dir = Path(out_dir)

    def fill(folder: Path) -> None:
        for r in records:
            text, ann, side = to_brat(r, mapping)
            for name, data in ((f"{r['id']}.txt", text), (f"{r['id']}.ann", ann),
                               (f"{r['id']}.meta.json", json.dumps(side, ensure_ascii=False, indent=1) + "\n")):
                (folder / name).write_text(data, encoding="utf-8", newline="\n")

    write_folder(out_dir, fill, BRAT_OWNS, "brat", overwrite=overwrite)
    return [out_dir / f"{r['id']}.ann" for r in records]


BRAT_OWNS = owned_by_names((), ("*.txt", "*.ann", "*.meta.json"))


# -- import ---------------------------------------------------------------------------------------
_NOTE = re.compile(r"(\w+)=(\S+)")


def _align_newlines(raw: str, tbs: dict, given: dict, name: str) -> tuple[str, dict]:
    """The text with LF line ends and the spans on it, checked against the span text of each T line.

    brat counts offsets in the file as stored; a CRLF file's offsets then count every CR. Offsets
    that fit the raw text are moved onto the LF text; offsets that already fit the LF text are kept.
    A span whose text differs from the .ann's in both readings is an error, never a silent shift.
    """
    import bisect

    text = raw.replace("\r\n", "\n")
    if text == raw:
        readings = [(raw, lambda i: i)]
    else:
        crs = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
        readings = [(raw, lambda i: i - bisect.bisect_left(crs, i)), (text, lambda i: i)]
    for source, move in readings:
        if all(source[s:e] == given[t][1] for t, (_, s, e) in tbs.items() if t in given and 0 <= s < e <= len(source)):
            return text, {t: (label, move(s), move(e)) for t, (label, s, e) in tbs.items()}
    source = readings[0][0]
    for t, (_, s, e) in tbs.items():
        if t in given and source[s:e] != given[t][1]:
            where, want = given[t]
            raise InteropError(f"{where}: {t}: the .ann gives the span text {want[:40]!r} but the .txt has "
                               f"{source[s:e][:40]!r} at {s}-{e}")
    return text, tbs   # pragma: no cover - some span mismatched above


def from_brat(text: str, ann: str, sidecar: Optional[dict], name: str, mapping: Optional[dict] = None) -> dict:
    """One corpus record from brat files (`name` is used in error messages)."""
    mp = mapping or load_mapping()
    sep = mp["event_type_separator"]
    ent_types = mp["entity_types"]
    tbs: dict[str, tuple[str, int, int]] = {}
    attrs: dict[str, dict[str, str]] = {}
    notes: dict[str, dict[str, str]] = {}
    rels: list[tuple[str, str, str]] = []
    equivs: list[list[str]] = []
    events: list[tuple[str, str, str, list[tuple[str, str]]]] = []
    texts_given: dict[str, tuple[str, str]] = {}
    if sidecar is not None and not isinstance(sidecar, dict):
        raise InteropError(f"{name}: the .meta.json sidecar must be a JSON object")
    for n, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            ident, rest = line.split("\t", 1)
            if ident.startswith("T"):
                head, span_text = rest.split("\t", 1) if "\t" in rest else (rest, None)
                label, offs = head.split(" ", 1)
                frags = [tuple(map(int, f.split())) for f in offs.split(";")]
                # brat writes a span over a line break as fragments around it: those are one span;
                # fragments with words between them are a discontinuous span, which newsbench has not
                gaps = [(a[1], b[0]) for a, b in zip(frags, frags[1:])]
                if any(len(f) != 2 for f in frags) or not all(
                        any(src[x:y].strip() == "" and x <= y for src in (text, text.replace("\r\n", "\n")))
                        for x, y in gaps):
                    raise InteropError(f"{where}: {ident}: discontinuous span {offs!r}: newsbench spans are "
                                       f"contiguous (guidelines, General span rules); split it or join it in brat")
                tbs[ident] = (label, frags[0][0], frags[-1][1])
                if span_text is not None and len(frags) > 1:   # brat joins the fragments' texts with spaces
                    span_text = None
                if span_text is not None:
                    texts_given[ident] = (where, span_text)
            elif ident.startswith("A"):
                label, target, *value = rest.split()
                attrs.setdefault(target, {})[label] = value[0] if value else "true"
            elif ident.startswith("#"):
                head, body = rest.split("\t", 1)
                notes[head.split()[1]] = dict(_NOTE.findall(body))
            elif ident.startswith("R"):
                label, a1, a2 = rest.split()
                rels.append((label, a1.split(":", 1)[1], a2.split(":", 1)[1]))
            elif ident == "*":
                label, *members = rest.split()
                if label == mp["coref_relation"]:
                    equivs.append(members)
            elif ident.startswith("E"):
                head, *args = rest.split()
                etype, trig = head.rsplit(":", 1)
                events.append((ident, etype, trig, [(re.sub(r"\d+$", "", r), t) for r, t in (a.split(":", 1) for a in args)]))
        except InteropError:
            raise
        except (ValueError, IndexError):
            raise InteropError(f"{where}: not a brat standoff line: {line[:60]!r}") from None

    text, tbs = _align_newlines(text, tbs, texts_given, name)
    known = set(ent_types) | {mp["quote_label"], mp["cue_label"]}
    event_labels = {etype for _, etype, _, _ in events}
    for t, (label, s, e) in tbs.items():
        if label not in known and label not in event_labels:
            raise InteropError(f"{name}: {t}: unknown label {label!r} (not in the mapping's entity_types, "
                               f"quote/cue labels, or an event's trigger type)")
        if not 0 <= s < e <= len(text):
            raise InteropError(f"{name}: {t}: offsets {s}-{e} outside a text of {len(text)} characters")
    for label, a1, a2 in rels:
        for ref in (a1, a2):
            if ref not in tbs:
                raise InteropError(f"{name}: relation {label} points at {ref}, which is not a text-bound annotation")
    for eid, _, trig, args in events:
        for ref in [trig] + [t for _, t in args]:
            if ref not in tbs:
                raise InteropError(f"{name}: event {eid} points at {ref}, which is not a text-bound annotation")

    def span(t: str) -> dict:
        _, s, e = tbs[t]
        return {"start": s, "end": e, "text": text[s:e]}

    mention_tbs = sorted((t for t, (label, _, _) in tbs.items() if label in ent_types),
                         key=lambda t: (tbs[t][1], -tbs[t][2], ent_types[tbs[t][0]]))
    cluster_of: dict[str, str] = {}
    for k, members in enumerate(equivs, 1):
        for t in members:
            cluster_of[t] = f"c{k}"
    mentions, mid = [], {}
    for k, t in enumerate(mention_tbs, 1):
        label, s, e = tbs[t]
        note = notes.get(t, {})
        mid[t] = note.get("id", f"m{k}")
        entity = note.get("entity") or cluster_of.get(t) or f"{mid[t]}-cluster"
        mentions.append({"id": mid[t], **span(t), "type": ent_types[label],
                         "level": attrs.get(t, {}).get(mp["level_attribute"], "NAM"), "entity": entity})
    if sidecar and sidecar.get("clusters"):
        clusters = sidecar["clusters"]
    else:
        clusters, seen = [], set()
        for m in mentions:
            if m["entity"] not in seen:
                seen.add(m["entity"])
                names = [x["text"] for x in mentions if x["entity"] == m["entity"] and x["level"] == "NAM"]
                clusters.append({"id": m["entity"], "name": (names or [m["text"]])[0], "type": m["type"],
                                 "wikidata": None})
    quote_tbs = sorted((t for t, (label, _, _) in tbs.items() if label == mp["quote_label"]), key=lambda t: tbs[t][1:])
    quotes = []
    for k, t in enumerate(quote_tbs, 1):
        cue = next((span(a2) for label, a1, a2 in rels if label == mp["cue_relation"] and a1 == t), None)
        spk_ref = next((a2 for label, a1, a2 in rels if label == mp["speaker_relation"] and a1 == t), None)
        if spk_ref is not None and spk_ref not in mid:
            raise InteropError(f"{name}: the Speaker of {t} is {spk_ref}, which is not an entity mention")
        spk = mid.get(spk_ref) if spk_ref else None
        quotes.append({"id": notes.get(t, {}).get("id", f"q{k}"), **span(t),
                       "kind": attrs.get(t, {}).get(mp["kind_attribute"], "direct"), "cue": cue, "speaker": spk})
    out_events = []
    for k, (eid, btype, trig, args) in enumerate(sorted(events, key=lambda ev: tbs[ev[2]][1]), 1):
        for _, t in args:
            if t not in mid:
                raise InteropError(f"{name}: event {eid} argument {t} is not an entity mention")
        out_events.append({"id": notes.get(eid, {}).get("id", f"e{k}"), "trigger": span(trig),
                           "type": btype.replace(sep, ":", 1),
                           "realis": attrs.get(eid, {}).get(mp["realis_attribute"], "actual"),
                           "arguments": [{"role": r, "mention": mid[t]} for r, t in args]})
    side = sidecar or {}
    meta = side.get("meta") or placeholder_meta(text)
    return {"id": side.get("id", Path(name).stem), "text": text, "meta": meta,
            "entities": {"mentions": mentions, "clusters": clusters}, "quotes": quotes, "events": out_events,
            "frames": side.get("frames")}


def import_brat(folder: Path, mapping: Optional[dict] = None) -> list[dict]:
    folder = Path(folder)
    if not folder.is_dir():
        raise InteropError(f"{folder}: no such folder" if not folder.exists() else f"{folder}: not a folder")
    anns = sorted(folder.glob("*.ann"))
    if not anns:
        raise InteropError(f"{folder}: no .ann files")
    out = []
    for ann in anns:
        txt = ann.with_suffix(".txt")
        side_path = ann.with_name(ann.stem + ".meta.json")
        try:
            with open(txt, encoding="utf-8", newline="") as f:   # keep CRLF: brat counts the CRs
                text = f.read()
            sidecar = json.loads(side_path.read_text(encoding="utf-8")) if side_path.exists() else None
            out.append(from_brat(text, ann.read_text(encoding="utf-8"), sidecar, str(ann), mapping))
        except FileNotFoundError as err:
            raise InteropError(f"{ann}: missing {err.filename}") from None
        except UnicodeDecodeError:
            raise InteropError(f"{ann}: a file of this document is not UTF-8") from None
        except json.JSONDecodeError as err:
            raise InteropError(f"{side_path}: not JSON ({err.msg} at line {err.lineno})") from None
    return out
