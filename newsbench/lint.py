"""`newsbench lint`: the guideline rules a program can check, run over gold records or sheets.

Modelled on Universal Dependencies' ``validate.py``: rules are grouped into levels (1 spans,
2 entities, 3 quotes, 4 events) and every message carries the rule's id, so a finding can be
looked up, tested and, where a rule is wrong, argued about. Validation (`newsbench validate`)
says whether a record is well formed; lint says whether it follows the guidelines. Each rule
cites the guideline sentence it checks. Rules are pure functions of one record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .anchoring import sentence_bounds

NAME_TYPES = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
                        "LAW", "LANGUAGE"})
VALUE_TYPES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})


@dataclass(frozen=True)
class Rule:
    id: str
    level: int
    guideline: str          # the sentence of the guidelines the rule checks, and where it is
    check: Callable[[dict], Iterator[tuple[str, str]]]


RULES: list[Rule] = []


def rule(rule_id: str, level: int, guideline: str):
    def register(fn):
        RULES.append(Rule(rule_id, level, guideline, fn))
        return fn
    return register


# -- helpers --------------------------------------------------------------------------------------
def _spans(rec: dict) -> Iterator[tuple[str, dict, str]]:
    """(JSON path, span, what) for every mention, cue and trigger: the spans the tight rules cover."""
    for i, m in enumerate(rec["entities"]["mentions"]):
        yield f"$.entities.mentions[{i}]", m, f"{m['type']} {m['level']} mention"
    for i, q in enumerate(rec.get("quotes") or []):
        if q.get("cue"):
            yield f"$.quotes[{i}].cue", q["cue"], "cue"
    for i, e in enumerate(rec.get("events") or []):
        yield f"$.events[{i}].trigger", e["trigger"], f"{e['type']} trigger"


def _word_before(text: str, start: int, n: int = 1) -> str:
    """The n words (lower-cased) just before `start`, joined by spaces ('' at the text's start)."""
    window = text[max(0, start - 60):start]      # a window, not the whole prefix: this runs per mention
    words = re.findall(r"[\w'’-]+", window)
    return " ".join(words[-n:]).lower() if len(words) >= n and re.search(r"[\w'’-]\s*$|\s$", window) else ""


def _show(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


# -- level 1: spans -------------------------------------------------------------------------------
@rule("span-word-boundary", 1, "General span rules: a span starts and ends at a word boundary; a name inside "
                               "a hyphenated word is taken alone (index.md, Whole words)")
def _word_boundary(rec):
    text = rec["text"]
    for path, sp, what in _spans(rec):
        s, e = sp["start"], sp["end"]
        inside = (s > 0 and text[s - 1].isalnum() and text[s].isalnum()) or \
                 (e < len(text) and text[e].isalnum() and text[e - 1].isalnum())
        hyphen = (s > 1 and text[s - 1] in "-‐" and text[s - 2].isalnum()) or \
                 (e + 1 < len(text) and text[e] in "-‐" and text[e + 1].isalnum())
        is_name = sp.get("level") == "NAM" and sp.get("type") in NAME_TYPES
        if inside:
            yield path, f"{what} {_show(sp['text'])!r} starts or ends inside a word"
        elif hyphen and not is_name:
            yield path, (f"{what} {_show(sp['text'])!r} is part of a hyphenated word; only a name is taken alone "
                         f"out of one (a fused number is one mention over the whole word)")


_ABBREVIATION = re.compile(r"(?:\b\w{1,4}|\.\w+)\.$")


@rule("span-tight", 1, "General span rules: a span never begins or ends with whitespace or with the punctuation "
                       "that closes or separates the sentence (index.md, Tight)")
def _tight(rec):
    for path, sp, what in _spans(rec):
        t = sp["text"]
        if t != t.strip():
            yield path, f"{what} {_show(t)!r} begins or ends with whitespace"
        elif t[-1] in ",;:—–" or (t[-1] == "." and not _ABBREVIATION.search(t)):
            yield path, f"{what} {_show(t)!r} ends with separating punctuation {t[-1]!r}"
        elif t[0] in "\"'“‘«" and "mention" in what:
            yield path, f"{what} {_show(t)!r} includes a quotation mark: quotation marks around a name are not part of it"


@rule("no-leading-the", 1, "General span rules: no leading 'the' on any span except an official capitalised "
                           "name and NOM mentions (index.md)")
def _leading_the(rec):
    for i, m in enumerate(rec["entities"]["mentions"]):
        if m["level"] != "NOM" and m["text"].startswith("the "):
            yield f"$.entities.mentions[{i}]", f"{m['type']} {m['level']} mention {_show(m['text'])!r} starts with 'the'"


# -- level 2: entities ----------------------------------------------------------------------------
_PREPOSITIONS = frozenset("on in at since during by from until till before after for within between".split())
_APPROXIMATORS = ("about", "nearly", "almost", "approximately", "roughly", "around", "some", "at least",
                  "more than", "less than", "fewer than", "up to")
_NUMBER = re.compile(r"(?:[\d$€£¥]|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                     r"twenty|thirty|forty|fifty|hundred|a hundred|dozens?|a dozen)\b)", re.I)
_MOTION = frozenset("go goes went gone going come comes came coming rose rise rises risen climbed jumped "
                    "shot moved crept edged".split())
_ONE = re.compile(r"(?:1|one|a|an)\b(?![,.]?\d)", re.I)
_DATE_MODIFIERS = ("last", "next", "past", "early", "late", "mid", "this", "end of", "start of", "beginning of",
                   "middle of", "most of")


@rule("value-no-preposition", 2, "DATE and TIME: no prepositions ('on Tuesday' → 'Tuesday') (entities.md, DATE, TIME)")
def _value_preposition(rec):
    for i, m in enumerate(rec["entities"]["mentions"]):
        if m["type"] in ("DATE", "TIME"):
            first = m["text"].split(" ", 1)[0].lower()
            if first in _PREPOSITIONS and " " in m["text"] and \
                    not any(m["text"].lower().startswith(a + " ") for a in _APPROXIMATORS):
                yield f"$.entities.mentions[{i}]", f"{m['type']} {_show(m['text'])!r} starts with the preposition {first!r}"


@rule("value-keeps-approximator", 2, "Approximators such as 'about', 'nearly', 'almost', 'at least' stay in all "
                                     "value spans (entities.md, DATE)")
def _value_approximator(rec):
    text = rec["text"]
    for i, m in enumerate(rec["entities"]["mentions"]):
        if m["type"] in VALUE_TYPES - {"ORDINAL"} and _NUMBER.match(m["text"]):
            for a in _APPROXIMATORS:
                if a in ("about", "around", "some") and _ONE.match(m["text"]):
                    continue       # "not about 1 minister": a preposition before one thing, not an estimate
                if a == "up to" and _word_before(text, m["start"], 3).split(" ")[0] in _MOTION:
                    continue       # "debt went up to £164m": a rise, not a bound
                if _word_before(text, m["start"], a.count(" ") + 1) == a:
                    yield f"$.entities.mentions[{i}]", f"{m['type']} {_show(m['text'])!r} leaves out its approximator {a!r}"
                    break


@rule("date-keeps-modifier", 2, "DATE: modifiers that are part of the expression stay ('last year', 'early 2026', "
                                "'end of March'), the same way everywhere (entities.md, DATE)")
def _date_modifier(rec):
    text = rec["text"]
    for i, m in enumerate(rec["entities"]["mentions"]):
        if m["type"] == "DATE" and text[m["end"]:m["end"] + 2] not in ("'s", "’s"):   # "most of [this season]'s
            for mod in _DATE_MODIFIERS:                                                 # contracts": the noun's
                if _word_before(text, m["start"], mod.count(" ") + 1) == mod and \
                        (mod not in ("last", "next", "past") or _word_before(text, m["start"], 2) == f"the {mod}"):
                    yield f"$.entities.mentions[{i}]", f"DATE {_show(m['text'])!r} leaves out its modifier {mod!r}"
                    break


@rule("no-cardinal-inside-nom", 2, "CARDINAL: a number inside an annotated NOM span is not annotated as CARDINAL "
                                   "('the two nations') (entities.md, CARDINAL)")
def _cardinal_inside_nom(rec):
    noms = [(m["start"], m["end"]) for m in rec["entities"]["mentions"] if m["level"] == "NOM"]
    for i, m in enumerate(rec["entities"]["mentions"]):
        if m["type"] == "CARDINAL" and any(s <= m["start"] and m["end"] <= e for s, e in noms):
            yield f"$.entities.mentions[{i}]", f"CARDINAL {_show(m['text'])!r} lies inside an annotated NOM mention"


# -- level 3: quotes ------------------------------------------------------------------------------
@rule("quote-no-final-comma", 3, "Direct quotes keep the punctuation inside the marks except a final comma that "
                                 "only separates the quote from its cue (quotes.md, direct)")
def _final_comma(rec):
    for i, q in enumerate(rec.get("quotes") or []):
        if q["kind"] == "direct" and q["text"].rstrip().endswith(","):
            yield f"$.quotes[{i}]", "direct quote ends with the comma that separates it from its cue"


@rule("speaker-nearest", 3, "Speakers of follow-on quotes: the nearest preceding mention of the source; an "
                            "appositive of the same attribution is equally right (index.md, 1.3); mentions "
                            "inside quoted words are not attributions")
def _speaker_nearest(rec):
    text = rec["text"]
    mentions = {m["id"]: m for m in rec["entities"]["mentions"]}
    quoted = [(q["start"], q["end"]) for q in rec.get("quotes") or []]
    for i, q in enumerate(rec.get("quotes") or []):
        sp = mentions.get(q.get("speaker"))
        if q.get("cue") or sp is None or sp["end"] > q["start"]:
            continue
        lo, hi = sentence_bounds(text, sp["start"], sp["end"])
        nearer = [m for m in rec["entities"]["mentions"]
                  if m["entity"] == sp["entity"] and m["start"] >= sp["end"] and m["end"] <= q["start"]
                  and not (lo <= m["start"] < hi and m["level"] != "PRO")      # the attribution's appositive
                  and not any(a <= m["start"] < b for a, b in quoted)]
        if nearer:
            n = nearer[-1]
            yield f"$.quotes[{i}].speaker", (f"speaker {sp['text']!r} at {sp['start']} is not the nearest preceding "
                                             f"mention of the source: {n['text']!r} at {n['start']} is nearer")


# -- level 4: events ------------------------------------------------------------------------------
_REPORTING = frozenset("said says say saying told tells tell stated states added adds noted notes according "
                       "explained explains insisted insists".split())
_PARTICLES = frozenset("up down out off over under in on back away behind around round through across apart ahead along aside forward together".split())


@rule("no-date-of-birth-event", 4, "'date of birth' (or 'birth date') is no event (index.md, 1.3 and 1.4)")
def _date_of_birth(rec):
    text = rec["text"]
    for i, e in enumerate(rec.get("events") or []):
        t = e["trigger"]
        if e["type"] == "Life:Be-Born" and (_word_before(text, t["start"], 2) == "date of"
                                             or text[t["end"]:t["end"] + 5].lower() == " date"):
            yield f"$.events[{i}]", "'date of birth' is no Life:Be-Born event"


@rule("no-scheduled-transport", 4, "A specific trip is Movement:Transport; overflights and scheduled services are "
                                   "not (index.md, 1.3)")
def _scheduled_transport(rec):
    for i, e in enumerate(rec.get("events") or []):
        if e["type"] != "Movement:Transport":
            continue
        t = e["trigger"]["text"].lower()
        before = _word_before(rec["text"], e["trigger"]["start"])
        if t in ("services", "service") or t.startswith("overflight") or \
                before in ("scheduled", "regular", "daily", "weekly", "all"):
            yield f"$.events[{i}]", f"{e['trigger']['text']!r} names a scheduled service, not a specific trip"


@rule("no-reporting-trigger", 4, "Reporting verbs are not triggers (they are quote cues) unless the type is "
                                 "Contact:Phone-Write, Conflict:Threaten or Policy:Announce (events.md, Triggers)")
def _reporting_trigger(rec):
    for i, e in enumerate(rec.get("events") or []):
        if e["trigger"]["text"].lower() in _REPORTING and \
                e["type"] not in ("Contact:Phone-Write", "Conflict:Threaten", "Policy:Announce"):
            yield f"$.events[{i}]", f"reporting verb {e['trigger']['text']!r} as a {e['type']} trigger"


@rule("trigger-one-word", 4, "One word, except phrasal verbs and compounds written as one or hyphenated word "
                             "(events.md, Triggers)")
def _one_word(rec):
    for i, e in enumerate(rec.get("events") or []):
        words = e["trigger"]["text"].split()
        if len(words) > 1 and not all(w.lower() in _PARTICLES for w in words[1:]):   # "came back down" is one verb
            yield f"$.events[{i}].trigger", f"trigger {e['trigger']['text']!r} is more than one word and not a phrasal verb"


# -- running --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    file: str
    line: Optional[int]
    article_id: str
    path: str
    rule: str
    level: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.article_id}: {self.path}: [L{self.level} {self.rule}] {self.message}"


def lint_record(rec: dict, rules: Optional[Iterable[str]] = None) -> Iterator[tuple[Rule, str, str]]:
    """(rule, JSON path, message) for every finding in one well-formed record."""
    wanted = None if rules is None else set(rules)
    for r in RULES:
        if wanted is None or r.id in wanted:
            for path, message in r.check(rec):
                yield r, path, message


def lint_records(records: Iterable[tuple[str, Optional[int], dict]], rules=None) -> list[Finding]:
    """Findings for (file, line, record) triples, in order."""
    return [Finding(f, n, rec["id"], path, r.id, r.level, msg)
            for f, n, rec in records for r, path, msg in lint_record(rec, rules)]


def _inputs(paths: Iterable) -> Iterator[tuple[str, Optional[int], Optional[dict], Optional[str], int]]:
    """(file, line, record, problem, severity) from JSONL files, version folders, the corpus root (its
    newest version) and annotation sheets (.yaml, built in memory). Severity as `validate`: 1 for a
    record that is wrong, 2 for input that cannot be used."""
    from .loading import released_versions
    from .sheets import SheetError, build_sheet
    from .validation import INVALID, UNUSABLE, read_jsonl, schema_problems, semantic_problems

    for p in map(Path, paths):
        if not p.exists():
            yield str(p), None, None, "file not found", UNUSABLE
            continue
        if p.is_dir() and released_versions(p):
            p = p / released_versions(p)[-1]
        files = sorted(p.glob("*.jsonl")) + sorted(p.glob("*.yaml")) if p.is_dir() else [p]
        if not files:
            yield str(p), None, None, "a folder with no .jsonl files or .yaml sheets", UNUSABLE
        for f in files:
            if f.suffix in (".yaml", ".yml"):
                try:
                    yield str(f), None, build_sheet(f), None, 0
                except (SheetError, ValueError, OSError) as err:
                    yield str(f), None, None, f"does not build: {err}", INVALID
                continue
            for n, rec, prob in read_jsonl(f):
                if prob:
                    yield str(f), prob.line, None, prob.reason, prob.severity
                    continue
                bad = next(iter(schema_problems(rec)), None) or next(iter(semantic_problems(rec)), None)
                if bad:
                    yield (str(f), n, None, f"{rec.get('id')}: invalid ({bad[0]}: {bad[1]}); run `newsbench validate`",
                           INVALID)
                else:
                    yield str(f), n, rec, None, 0


def lint(*paths, rules=None) -> tuple[list[Finding], list[tuple[str, int]]]:
    """(findings, problems): problems are (message, severity) for inputs that could not be linted."""
    records, problems = [], []
    for f, n, rec, prob, severity in _inputs(paths):
        if prob:
            problems.append((f"{f}:{n}: {prob}" if n else f"{f}: {prob}", severity))
        else:
            records.append((f, n, rec))
    return lint_records(records, rules), problems
