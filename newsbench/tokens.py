"""Tokenizers: the one newsbench documents (words, possessive 's, single punctuation marks), and spaCy's.

The newsbench tokenizer: a word is letters/digits with inner hyphens ("high-level") and inner
apostrophes ("can't"); a possessive is split off as in the Penn Treebank ("Pakistan's" ->
"Pakistan", "'s"), so a name followed by 's stays aligned with the tokens. It gives the corpus
token counts, which must not depend on what else is installed.

Every token view (CoNLL BIO, the Hugging Face token-classification view, the spaCy DocBin) takes
its tokens from `get_tokenizer`: spaCy's English tokenizer when spaCy is installed, so a model
trained on one export sees the tokens `spacy.load(...)` will give it at prediction time, and the
newsbench tokenizer otherwise. Spans that do not align with the tokens are reported by the
exports, never dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

TOKEN = re.compile(r"['’]s\b|\w+(?:-\w+)*(?:['’](?!s\b)\w+)*|[^\w\s]")

#: Names accepted by `get_tokenizer` (and by the exports' `--tokenizer`).
TOKENIZERS = ("auto", "spacy", "newsbench")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in TOKEN.finditer(text)]


@dataclass(frozen=True)
class Tokenizer:
    """A name (it goes into export messages) and a function text -> [(start, end)] of non-space tokens."""
    name: str
    spans: Callable[[str], list[tuple[int, int]]]

    def words(self, text: str) -> list[str]:
        return [text[s:e] for s, e in self.spans(text)]


@lru_cache(maxsize=1)
def _spacy_tokenizer():
    import spacy
    return spacy.blank("en").tokenizer


def _spacy_spans(text: str) -> list[tuple[int, int]]:
    return [(t.idx, t.idx + len(t.text)) for t in _spacy_tokenizer()(text) if not t.is_space]


def spacy_available() -> bool:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return False
    return True


def get_tokenizer(name: str = "auto") -> Tokenizer:
    """`auto`: spaCy's English tokenizer when spaCy is installed, else newsbench's."""
    if name not in TOKENIZERS:
        raise ValueError(f"unknown tokenizer {name!r} (one of {', '.join(TOKENIZERS)})")
    if name == "auto":
        name = "spacy" if spacy_available() else "newsbench"
    if name == "spacy":
        if not spacy_available():
            raise ValueError("the spacy tokenizer needs spaCy: pip install 'newsbench[spacy]'")
        import spacy
        return Tokenizer(f"spacy {spacy.__version__} (blank 'en')", _spacy_spans)
    return Tokenizer("newsbench", token_spans)
