"""Repeated phrasing across articles: the check that keeps the corpus from reading like one writer.

An outside read found the same stock phrases and sentence shapes across many articles. This
counts, for every phrase and every sentence opening, how many articles use it, and reports those
used by more than `limit` articles:

- a *stock phrase* is a run of `n` words (case-folded) with no name or number in it
  ("declined to comment on the") -- names and numbers make a run topical, not stock;
- a *sentence pattern* is a sentence's first four tokens with names as ``N`` and numbers as ``D``
  ("none of this means"), when at least one of them is a content word (reporting grammar alone,
  "N said that the", is just English), plus the named patterns in `PATTERNS` (the age apposition
  "Name, 34,").

Generic runs of function words ("one of the", "at the same time as") are common to all English
and are not counted: a phrase needs at least two words outside `FUNCTION_WORDS`.
Pure functions over plain strings; the command line is `newsbench textstyle`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Mapping

WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)*|\d[\d,.]*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])|\n")

FUNCTION_WORDS = frozenset("""
a an the and or but nor so yet of to in on at by for with from into onto over under about after before
since until as than that this these those there here it its it's is are was were be been being has have had
do does did not no will would shall should can could may might must he she they we you i him her them us
me his their our your my who whom whose which what when where why how all any some more most other such
only also just very too up down out off again then once if while because though although s
none every each many most few several much one
said says say told
""".split())

# Named sentence patterns that an outside read found overused; each counts once per article.
PATTERNS = {
    "age apposition (Name, 34,)": re.compile(r"\b[A-Z][\w'’-]+, (?:aged )?\d{1,3},"),
}


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _is_name_or_number(w: str, first: bool) -> bool:
    return w[0].isdigit() or (w[0].isupper() and not first)


def stock_phrases(text: str, n: int = 5) -> set[str]:
    """The n-word runs of one text that could be stock phrasing (see the module docstring)."""
    out = set()
    for sentence in SENTENCE_END.split(text):
        words = _words(sentence)
        for i in range(len(words) - n + 1):
            run = words[i:i + n]
            if any(_is_name_or_number(w, i + k == 0) for k, w in enumerate(run)):
                continue
            folded = [w.lower() for w in run]
            if sum(w not in FUNCTION_WORDS for w in folded) >= 2:
                out.add(" ".join(folded))
    return out


def sentence_patterns(text: str, length: int = 4) -> set[str]:
    """Opening shapes of the sentences of one text, and the named patterns it uses."""
    out = set()
    for sentence in SENTENCE_END.split(text):
        tokens = re.findall(r"[\w'’-]+|[,;:—–]", sentence)[:length]
        if len(tokens) < length:
            continue
        shape = []
        for k, t in enumerate(tokens):
            if t[0].isdigit():
                shape.append("D")
            elif t[0].isupper() and (k or t.lower() not in FUNCTION_WORDS):
                shape.append("N")
            else:
                shape.append(t.lower())
        if len(shape) > 1 and shape[0] == "N" and shape[1] == ":":
            continue                          # a transcript's speaker label, not a sentence shape
        if any(s not in FUNCTION_WORDS and s not in ("N", "D") and s.isalpha() for s in shape):
            out.add(" ".join(shape))          # reporting grammar alone ("N said that the") is English
    for name, rx in PATTERNS.items():
        if rx.search(text):
            out.add(name)
    return out


def repeats(texts: Mapping[str, str], limit: int = 3, n: int = 5,
            ignore: Iterable[str] = ()) -> list[tuple[str, str, list[str]]]:
    """(kind, phrase, article ids) for every phrase or pattern in more than `limit` articles."""
    ignored = set(ignore)
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for aid, text in texts.items():
        for p in stock_phrases(text, n):
            where[("phrase", p)].add(aid)
        for p in sentence_patterns(text):
            where[("pattern", p)].add(aid)
    rows = [(kind, p, sorted(ids)) for (kind, p), ids in where.items()
            if len(ids) > limit and p not in ignored]
    return sorted(rows, key=lambda r: (-len(r[2]), r[0], r[1]))
