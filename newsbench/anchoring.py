"""Turn span text into offsets, so nobody counts characters by hand.

One rule everywhere (annotation sheets and text-only predictions alike): a span is found as a
*whole-word* match of its exact text (the characters just outside the match are not letters or
digits). Which match is meant is said by, in this order of precedence:

- ``context``: a longer excerpt of the text that contains the span; it must occur exactly once.
  If the span occurs more than once inside the excerpt, mark the one meant with brackets:
  ``"met [Pakistan]'s Chief"``.
- ``occurrence``: the 1-based index among the whole-word matches in the text.
- ``near``: a character position; the match closest to it wins, a match in the same sentence
  first (a tie is an error).
- nothing: the span must occur exactly once.

Anything else -- not found, ambiguous, a bad occurrence -- raises AnchorError with the candidate
positions in the message, so the annotator can add a context and try again.
"""
from __future__ import annotations

import re
from typing import Optional


SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])|\n")


def sentence_bounds(text: str, start: int, end: Optional[int] = None) -> tuple[int, int]:
    """The sentence (or run of sentences) around [start, end): a newline or .!? before a capital ends one."""
    end = start if end is None else end
    lo = 0
    for m in SENTENCE_END.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            return lo, m.start()
    return lo, len(text)


class AnchorError(ValueError):
    """A span could not be anchored unambiguously."""


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def whole_word_matches(text: str, span: str, lo: int = 0, hi: Optional[int] = None) -> list[int]:
    """Start offsets of the whole-word matches of `span` in text[lo:hi]."""
    if not span:
        return []
    hi = len(text) if hi is None else hi
    out = []
    i = text.find(span, lo, hi)
    while i != -1:
        j = i + len(span)
        before_ok = i == 0 or not (_is_word_char(text[i - 1]) and _is_word_char(span[0]))
        after_ok = j >= len(text) or not (_is_word_char(text[j]) and _is_word_char(span[-1]))
        if before_ok and after_ok:
            out.append(i)
        i = text.find(span, i + 1, hi)
    return out


def excerpt(text: str, start: int, end: int, width: int = 25) -> str:
    """A one-line view of a span in its context, for messages."""
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[end:end + width].replace("\n", " ")
    return f"…{left}[{text[start:end]}]{right}…"


def _describe(text: str, span: str, starts: list[int], limit: int = 4) -> str:
    shown = "; ".join(f"#{k + 1} at {s}: {excerpt(text, s, s + len(span))}" for k, s in enumerate(starts[:limit]))
    more = f"; and {len(starts) - limit} more" if len(starts) > limit else ""
    return shown + more


_BRACKETED = re.compile(r"\[([^\[\]]+)\]")


def nearest(text: str, spans: list[tuple[int, int]], near: int) -> list[tuple[int, int]]:
    """The spans closest to position `near`, those in its sentence first (several on a tie)."""
    lo, hi = sentence_bounds(text, near)
    def key(span: tuple[int, int]) -> tuple[int, int]:
        s, e = span
        same_sentence = lo <= s and e <= hi
        return (0 if same_sentence else 1, 0 if s <= near <= e else min(abs(s - near), abs(e - near)))
    if not spans:
        return []
    best = min(map(key, spans))
    return [sp for sp in spans if key(sp) == best]


def _anchor_in_context(text: str, span: str, context: str) -> int:
    marked = _BRACKETED.search(context)
    if marked and marked.group(1) == span:
        plain = context[:marked.start()] + span + context[marked.end():]
        offset_in_context = marked.start()
    else:
        plain = context
        inner = whole_word_matches(plain, span)
        if not inner:
            raise AnchorError(f"span {span!r} does not occur in its context {context!r}")
        if len(inner) > 1:
            raise AnchorError(f"span {span!r} occurs {len(inner)} times in its context {context!r}: "
                              f"mark the one meant as [{span}]")
        offset_in_context = inner[0]
    positions = []
    i = text.find(plain)
    while i != -1:
        positions.append(i)
        i = text.find(plain, i + 1)
    if not positions:
        raise AnchorError(f"context {plain!r} not found in the text (it must be copied exactly)")
    if len(positions) > 1:
        raise AnchorError(f"context {plain!r} occurs {len(positions)} times: lengthen it")
    return positions[0] + offset_in_context


def anchor(text: str, span: str, *, context: Optional[str] = None, occurrence: Optional[int] = None,
           near: Optional[int] = None) -> tuple[int, int]:
    """Return (start, end) of `span` in `text`, by the module's rule."""
    if not span:
        raise AnchorError("empty span text")
    if context is not None:
        start = _anchor_in_context(text, span, context)
        return start, start + len(span)
    starts = whole_word_matches(text, span)
    if not starts:
        hint = " (it occurs only inside longer words)" if span in text else ""
        raise AnchorError(f"span {span!r} not found in the text{hint}")
    if occurrence is not None:
        if not isinstance(occurrence, int) or isinstance(occurrence, bool) or not 1 <= occurrence <= len(starts):
            raise AnchorError(f"occurrence {occurrence!r} of {span!r}: there are {len(starts)} whole-word matches")
        start = starts[occurrence - 1]
        return start, start + len(span)
    if near is not None:
        winners = nearest(text, [(s, s + len(span)) for s in starts], near)
        winners = [s for s, _ in winners]
        if len(winners) > 1:
            raise AnchorError(f"span {span!r} is equally near position {near} at {winners}: give a context")
        return winners[0], winners[0] + len(span)
    if len(starts) > 1:
        raise AnchorError(f"span {span!r} is ambiguous, {len(starts)} matches: {_describe(text, span, starts)}; "
                          f"give a context or an occurrence")
    return starts[0], starts[0] + len(span)
