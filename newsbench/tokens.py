"""The one tokenizer newsbench documents: words, possessive 's, and single punctuation marks.

A word is letters/digits with inner hyphens ("high-level") and inner apostrophes ("can't"); a
possessive is split off as in the Penn Treebank ("Pakistan's" -> "Pakistan", "'s"), so a name
followed by 's stays aligned with the tokens. Used for the corpus token counts and for token-level
exports (CoNLL BIO, the Hugging Face token-classification view); spans that still do not align are
reported by the exports, never dropped silently.
"""
from __future__ import annotations

import re

TOKEN = re.compile(r"['’]s\b|\w+(?:-\w+)*(?:['’](?!s\b)\w+)*|[^\w\s]")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in TOKEN.finditer(text)]
