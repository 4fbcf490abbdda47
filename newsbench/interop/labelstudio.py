"""Label Studio JSON export -> newsbench records, via labelstudio_mapping.yaml.

Label Studio measures offsets in UTF-16 code units (JavaScript string indices); newsbench and brat
count code points. Every offset is converted explicitly, then CRLF line ends are folded to "\\n"
with the offsets shifted, so a text with emoji or Windows line ends lands on the same characters.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from ..labels import ENTITY_TYPES, EVENT_TYPES
from . import InteropError, load_mapping as _load_mapping, placeholder_meta

DEFAULT_MAPPING = Path(__file__).with_name("labelstudio_mapping.yaml")
MAPPING_KEYS = ("text_key", "id_key", "meta_key", "quote_label", "cue_label", "level_choice", "kind_choice",
                "realis_choice", "frames_choice", "primary_choice", "speaker_relation", "cue_relation", "coref_relation")


def load_mapping(path: Optional[Path] = None) -> dict:
    return _load_mapping(path, DEFAULT_MAPPING, MAPPING_KEYS)


def utf16_to_codepoints(text: str) -> list[int]:
    """index[u] = code-point offset of UTF-16 offset u (defined at every code-unit boundary and at the end)."""
    index = []
    for cp, ch in enumerate(text):
        index.append(cp)
        if ord(ch) > 0xFFFF:
            index.append(cp)  # the low surrogate: not a boundary, maps to the same character
    index.append(len(text))
    return index


def fold_crlf(text: str) -> tuple[str, list[int]]:
    """(text with CRLF -> LF, shift[cp] = new offset of old code-point offset cp)."""
    shift, removed = [], 0
    for k, ch in enumerate(text):
        shift.append(k - removed)
        if ch == "\r" and k + 1 < len(text) and text[k + 1] == "\n":
            removed += 1
    shift.append(len(text) - removed)
    return text.replace("\r\n", "\n"), shift


def _is_id(x) -> bool:
    return isinstance(x, (str, int)) and not isinstance(x, bool)


def _first(values, where: str) -> str:
    if not isinstance(values, list) or not values or not isinstance(values[0], str):
        raise InteropError(f"{where}: expected a non-empty list of names, got {values!r}")
    return values[0]


def task_to_record(task: dict, mp: dict, where: str) -> dict:
    if not isinstance(task, dict):
        raise InteropError(f"{where}: a task is a JSON object")
    data = task.get("data") or {}
    if not isinstance(data, dict):
        raise InteropError(f"{where}: data must be a JSON object, got {type(data).__name__}")
    raw = data.get(mp["text_key"])
    if not isinstance(raw, str):
        raise InteropError(f"{where}: data.{mp['text_key']} is not a text")
    bad = next((k for k, ch in enumerate(raw) if "\ud800" <= ch <= "\udfff"), None)
    if bad is not None:
        raise InteropError(f"{where}: data.{mp['text_key']} has a lone surrogate at {bad}: not encodable as UTF-8")
    u16 = utf16_to_codepoints(raw)
    inside_pair = {u for u in range(1, len(u16) - 1) if u16[u] == u16[u - 1]}
    text, shift = fold_crlf(raw)

    def offset(u: int, field: str) -> int:
        if type(u) is not int or not 0 <= u < len(u16):   # True is not offset 1, nor 4.0 offset 4
            raise InteropError(f"{where}: {field} {u!r} is not an offset inside the text")
        if u in inside_pair:
            raise InteropError(f"{where}: {field} {u} falls inside the character {raw[u16[u]]!r} (between the two "
                               f"UTF-16 halves of one code point): a span cannot start or end there")
        return shift[u16[u]]

    anns = task.get("annotations") or task.get("completions") or []
    if not isinstance(anns, list) or (anns and not isinstance(anns[0], dict)):
        raise InteropError(f"{where}: annotations must be a list of JSON objects")
    results = anns[0].get("result", []) if anns else []
    if not isinstance(results, list):
        raise InteropError(f"{where}: annotations[0].result must be a list")
    for k, r in enumerate(results):
        if not isinstance(r, dict):
            raise InteropError(f"{where}: result[{k}]: a result is a JSON object")
        if not isinstance(r.get("value", {}), dict):
            raise InteropError(f"{where}: result[{k}].value must be a JSON object")
        if not _is_id(r.get("id", "")):
            raise InteropError(f"{where}: result[{k}].id must be a string")
    aliases = mp.get("label_aliases") or {}
    regions: dict[str, dict] = {}
    region_choices: dict[str, dict[str, str]] = {}
    doc_choices: dict[str, list[str]] = {}
    relations = []
    region_ids = {r.get("id") for r in results if "start" in (r.get("value") or {})}
    for k, r in enumerate(results):
        at = f"{where}: result[{k}]"
        if not isinstance(r, dict):
            raise InteropError(f"{at}: a result is a JSON object")
        rtype, value = r.get("type"), r.get("value") or {}
        if rtype in ("labels", "hypertextlabels") and "start" in value:
            first = _first(value.get("labels"), f"{at}.value.labels")
            label = aliases.get(first, first)
            if "id" not in r:
                raise InteropError(f"{at}: a labelled region needs an id")
            s, e = offset(value["start"], f"result[{k}].value.start"), offset(value.get("end"), f"result[{k}].value.end")
            regions[r["id"]] = {"label": label, "start": s, "end": e, "where": at}
        elif rtype == "choices":
            choices = value.get("choices")
            if r.get("id") in region_ids:  # a per-region choice shares its region's id
                region_choices.setdefault(r["id"], {})[r.get("from_name")] = _first(choices, f"{at}.value.choices")
            else:
                _first(choices, f"{at}.value.choices")
                doc_choices[r.get("from_name")] = list(choices)
        elif rtype == "relation":
            if "from_id" not in r or "to_id" not in r:
                raise InteropError(f"{at}: a relation needs from_id and to_id")
            labels = r.get("labels") or [""]
            if not all(_is_id(r[k]) for k in ("from_id", "to_id")) or not isinstance(labels, list) \
                    or not isinstance(labels[0], str):
                raise InteropError(f"{at}: a relation's from_id and to_id are region ids and its labels a list "
                                   f"of names")
            relations.append((r["from_id"], r["to_id"], labels[0]))
    for rid, reg in regions.items():
        if reg["label"] not in ENTITY_TYPES + EVENT_TYPES + (mp["quote_label"], mp["cue_label"]):
            raise InteropError(f"{reg['where']}: unknown label {reg['label']!r} (add it to label_aliases)")
    for a, b, lab in relations:
        if a not in regions or b not in regions:
            raise InteropError(f"{where}: relation {lab!r} from {a!r} to {b!r} points at a region that does not exist")
        if lab == mp["speaker_relation"] and regions[b]["label"] not in ENTITY_TYPES:
            raise InteropError(f"{where}: the speaker of region {a!r} is {b!r}, which is not an entity mention")

    def span(rid: str) -> dict:
        reg = regions[rid]
        return {"start": reg["start"], "end": reg["end"], "text": text[reg["start"]:reg["end"]]}

    ment_ids = sorted((rid for rid, reg in regions.items() if reg["label"] in ENTITY_TYPES),
                      key=lambda rid: (regions[rid]["start"], -regions[rid]["end"], regions[rid]["label"]))
    mid = {rid: f"m{k}" for k, rid in enumerate(ment_ids, 1)}
    parent = {rid: rid for rid in ment_ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b, label in relations:
        if label == mp["coref_relation"] and a in parent and b in parent:
            parent[find(a)] = find(b)
    cluster_id, clusters, mentions = {}, [], []
    for rid in ment_ids:
        root = find(rid)
        if root not in cluster_id:
            cluster_id[root] = f"c{len(cluster_id) + 1}"
            members = [x for x in ment_ids if find(x) == root]
            names = [regions[x] for x in members if region_choices.get(x, {}).get(mp["level_choice"], "NAM") == "NAM"]
            first = (names or [regions[members[0]]])[0]
            clusters.append({"id": cluster_id[root], "name": text[first["start"]:first["end"]],
                             "type": regions[rid]["label"], "wikidata": None})
        mentions.append({"id": mid[rid], **span(rid), "type": regions[rid]["label"],
                         "level": region_choices.get(rid, {}).get(mp["level_choice"], "NAM"),
                         "entity": cluster_id[root]})
    quotes = []
    for k, rid in enumerate(sorted((r for r in regions if regions[r]["label"] == mp["quote_label"]),
                                   key=lambda r: regions[r]["start"]), 1):
        cue = next((span(b) for a, b, lab in relations if a == rid and lab == mp["cue_relation"] and b in regions), None)
        spk = next((mid[b] for a, b, lab in relations if a == rid and lab == mp["speaker_relation"] and b in mid), None)
        quotes.append({"id": f"q{k}", **span(rid), "kind": region_choices.get(rid, {}).get(mp["kind_choice"], "direct"),
                       "cue": cue, "speaker": spk})
    events = []
    for k, rid in enumerate(sorted((r for r in regions if regions[r]["label"] in EVENT_TYPES),
                                   key=lambda r: regions[r]["start"]), 1):
        args = [{"role": lab, "mention": mid[b]} for a, b, lab in relations if a == rid and b in mid]
        events.append({"id": f"e{k}", "trigger": span(rid), "type": regions[rid]["label"],
                       "realis": region_choices.get(rid, {}).get(mp["realis_choice"], "actual"), "arguments": args})
    frames = None
    if doc_choices.get(mp["frames_choice"]) or doc_choices.get(mp["primary_choice"]):
        labels = doc_choices.get(mp["frames_choice"], [])
        primary = (doc_choices.get(mp["primary_choice"]) or labels or [None])[0]
        frames = {"primary": primary, "labels": labels}
    meta = data.get(mp["meta_key"]) or placeholder_meta(text)
    art_id = str(data.get(mp["id_key"]) or f"ls-{task.get('id', 0)}")
    return {"id": art_id, "text": text, "meta": meta, "entities": {"mentions": mentions, "clusters": clusters},
            "quotes": quotes, "events": events, "frames": frames}


def import_labelstudio(path: Path, mapping: Optional[dict] = None) -> list[dict]:
    mp = mapping or load_mapping()
    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise InteropError(f"{path}: not a Label Studio JSON export ({err})") from None
    except RecursionError:
        raise InteropError(f"{path}: not a usable Label Studio JSON export: nested too deeply") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise InteropError(f"{path}: a Label Studio JSON export is a list of tasks, got {type(tasks).__name__}")
    return [task_to_record(t, mp, f"{path}: task {k}") for k, t in enumerate(tasks)]
