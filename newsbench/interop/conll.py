"""Token-level exports for NER training: CoNLL-style BIO files, a Hugging Face token-classification
view, and a spaCy DocBin.

All three take their tokens from one tokenizer (`newsbench.tokens.get_tokenizer`: spaCy's when it is
installed, else newsbench's) and go through one alignment (`align`), so they agree token for token
and report the same spans. One CoNLL "sentence" per paragraph. A mention whose edges fall inside a
token ("Dravic" in "Dravic-speaking") is widened to the tokens it touches and reported; a mention
nested in another of the chosen levels cannot be expressed in BIO and is reported as skipped.
Nothing is dropped silently.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Optional, Union

from ..labels import ENTITY_TYPES
from ..record import Article
from ..tokens import Tokenizer, get_tokenizer

SCHEMES = ("ontonotes", "conll", "ace")


def label_map(scheme: str) -> dict[str, Optional[str]]:
    """OntoNotes type -> the scheme's type (None: not tagged). The same maps the scorer uses."""
    if scheme == "ontonotes":
        return {t: t for t in ENTITY_TYPES}
    from ..metrics.entities import LABEL_MAPS
    if scheme not in LABEL_MAPS:
        raise ValueError(f"unknown label scheme {scheme!r} (one of {', '.join(SCHEMES)})")
    return LABEL_MAPS[scheme][0]


def tag_names(scheme: str) -> list[str]:
    types = sorted({v for v in label_map(scheme).values() if v})
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


@dataclass(frozen=True)
class SpanReport:
    article_id: str
    mention_id: str
    text: str
    reason: str

    def __str__(self) -> str:
        return f"{self.article_id}: {self.mention_id} {self.text!r}: {self.reason}"


@dataclass(frozen=True)
class TaggedSentence:
    article_id: str
    index: int
    tokens: list[str]
    tags: list[str]


TokenizerLike = Union[Tokenizer, str, None]


def _tokenizer(tokenizer: TokenizerLike) -> Tokenizer:
    return tokenizer if isinstance(tokenizer, Tokenizer) else get_tokenizer(tokenizer or "auto")


@dataclass(frozen=True)
class Aligned:
    """A mention placed on tokens first..last (inclusive), with the scheme's label."""
    mention_id: str
    label: str
    first: int
    last: int


def align(article: Article, spans: list[tuple[int, int]], scheme: str = "ontonotes",
          levels: Iterable[str] = ("NAM",)) -> tuple[list[Aligned], list[SpanReport]]:
    """The mentions of the chosen levels on the given token spans (sorted, non-overlapping), and what
    could not be placed exactly: widened spans, spans covering no token, nested spans (skipped)."""
    mapping = label_map(scheme)
    levels = set(levels)
    text = article.text
    starts, ends = [s for s, _ in spans], [e for _, e in spans]
    placed: list[Aligned] = []
    reports: list[SpanReport] = []
    chosen = sorted((m for m in article.mentions if m.level in levels and mapping.get(m.type)),
                    key=lambda m: (m.start, -m.end))
    taken_until = -1
    for m in chosen:
        first, stop = bisect_right(ends, m.start), bisect_left(starts, m.end)   # tokens with s < m.end and e > m.start
        if first >= stop:
            reports.append(SpanReport(article.id, m.id, m.text, "covers no token"))
            continue
        if m.start < taken_until:
            reports.append(SpanReport(article.id, m.id, m.text, "nested in another mention: not representable in BIO, skipped"))
            continue
        s0, e1 = spans[first][0], spans[stop - 1][1]
        if (s0, e1) != (m.start, m.end):
            reports.append(SpanReport(article.id, m.id, m.text,
                                      f"not aligned with tokens: tagged as {text[s0:e1]!r}"))
        placed.append(Aligned(m.id, mapping[m.type], first, stop - 1))
        taken_until = e1  # the widened end: a second mention inside the same token is nested, and reported
    return placed, reports


def bio(article: Article, scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",),
        tokenizer: TokenizerLike = None) -> tuple[list[TaggedSentence], list[SpanReport]]:
    """One tagged sentence per paragraph, and the span reports of `align`."""
    text = article.text
    spans = _tokenizer(tokenizer).spans(text)
    placed, reports = align(article, spans, scheme, levels)
    tags = ["O"] * len(spans)
    for p in placed:
        for k in range(p.first, p.last + 1):
            tags[k] = f"{'B' if k == p.first else 'I'}-{p.label}"
    sentences, start, k = [], 0, 0
    for n, para in enumerate(text.split("\n")):
        end = start + len(para)
        idx = []
        while k < len(spans) and spans[k][1] <= end:
            idx.append(k)
            k += 1
        sentences.append(TaggedSentence(article.id, n, [text[spans[j][0]:spans[j][1]] for j in idx],
                                        [tags[j] for j in idx]))
        start = end + 1
    return sentences, reports


#: The CoNLL-2003 document line, which `spacy convert -c ner` and the usual CoNLL readers split documents on.
DOCSTART = "-DOCSTART- -X- O O"


def to_conll(articles: list[Article], scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",),
             doc_ids: bool = True, tokenizer: TokenizerLike = None) -> tuple[str, list[SpanReport]]:
    """CoNLL text: per article a `-DOCSTART- -X- O O` line and a blank line (with `doc_ids`, a `# id = <id>`
    comment before it), `token<TAB>tag` lines, a blank line after each paragraph.

    Leave the ids out (`doc_ids=False`) for readers that take every line as a token, such as
    `spacy convert -c ner`."""
    tok = _tokenizer(tokenizer)
    out, reports = [], []
    for a in articles:
        sents, reps = bio(a, scheme, levels, tok)
        reports += reps
        out.append((f"# id = {a.id}\n" if doc_ids else "") + f"{DOCSTART}\n\n")
        for s in sents:
            if s.tokens:
                out.append("".join(f"{t}\t{g}\n" for t, g in zip(s.tokens, s.tags)) + "\n")
    return "".join(out), reports


def hf_token_classification(articles: list[Article], scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",),
                            tokenizer: TokenizerLike = None):
    """(datasets.Dataset with id, article_id, tokens, ner_tags as ClassLabel; reports).
    The tokenizer's name is kept in the dataset's description."""
    from datasets import ClassLabel, Dataset, DatasetInfo, Features, List, Value

    tok = _tokenizer(tokenizer)
    names = tag_names(scheme)
    rows = {"id": [], "article_id": [], "tokens": [], "ner_tags": []}
    reports = []
    for a in articles:
        sents, reps = bio(a, scheme, levels, tok)
        reports += reps
        for s in sents:
            if s.tokens:
                rows["id"].append(f"{a.id}-{s.index}")
                rows["article_id"].append(a.id)
                rows["tokens"].append(s.tokens)
                rows["ner_tags"].append([names.index(t) for t in s.tags])
    feats = Features({"id": Value("string"), "article_id": Value("string"), "tokens": List(Value("string")),
                      "ner_tags": List(ClassLabel(names=names))})
    info = DatasetInfo(features=feats, description=f"newsbench token-classification view: scheme {scheme}, levels "
                                   f"{','.join(levels)}, tokenizer {tok.name}")
    return Dataset.from_dict(rows, features=feats, info=info), reports


def hf_token_dataset_dict(splits: dict[str, list[Article]], scheme: str = "ontonotes",
                          levels: Iterable[str] = ("NAM",), tokenizer: TokenizerLike = None):
    """(datasets.DatasetDict of `hf_token_classification` per split, reports): training data never
    holds a test article by default, and every split shares one label list and one tokenizer."""
    from datasets import DatasetDict

    out, reports = {}, []
    for name, articles in splits.items():
        out[name], reps = hf_token_classification(articles, scheme, levels, tokenizer=tokenizer)
        reports += reps
    return DatasetDict(out), reports


def doc_from_spans(vocab, text: str, spans: list[tuple[int, int]]):
    """(spacy Doc whose text is exactly `text`, token index of each span): the gaps between spans become
    a token's trailing space or whitespace tokens, as spaCy's own tokenizer makes them."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []

    def gap(g: str) -> None:
        if words and g[:1] == " " and not spaces[-1]:
            spaces[-1], g = True, g[1:]
        if g:
            words.append(g)
            spaces.append(False)

    index, pos = [], 0
    for s, e in spans:
        gap(text[pos:s])
        index.append(len(words))
        words.append(text[s:e])
        spaces.append(False)
        pos = e
    gap(text[pos:])
    return Doc(vocab, words=words, spaces=spaces), index


def spacy_docbin(articles: list[Article], levels: Iterable[str] = ("NAM",), scheme: str = "ontonotes",
                 tokenizer: TokenizerLike = None):
    """(spacy.tokens.DocBin for `spacy train`, reports). spaCy is an optional extra."""
    try:
        import spacy
        from spacy.tokens import DocBin, Span
    except ImportError:
        raise ValueError("the spaCy export needs spaCy: pip install 'newsbench[spacy]'") from None
    tok = _tokenizer(tokenizer)
    vocab = spacy.blank("en").vocab
    db, reports = DocBin(), []
    for a in articles:
        spans = tok.spans(a.text)
        doc, index = doc_from_spans(vocab, a.text, spans)
        placed, reps = align(a, spans, scheme, levels)
        reports += reps
        doc.ents = [Span(doc, index[p.first], index[p.last] + 1, label=p.label) for p in placed]
        db.add(doc)
    return db, reports
