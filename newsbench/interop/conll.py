"""Token-level exports for NER training: CoNLL-style BIO files, a Hugging Face token-classification
view, and a spaCy DocBin.

Tokens come from newsbench.tokens (documented there); one CoNLL "sentence" per paragraph. A mention
whose edges fall inside a token ("Pakistan" in "Pakistan's") is widened to the tokens it touches and
reported; a mention nested in another of the chosen levels cannot be expressed in BIO and is
reported as skipped. Nothing is dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..labels import ENTITY_TYPES
from ..record import Article
from ..tokens import token_spans

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


def bio(article: Article, scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",)) -> tuple[list[TaggedSentence], list[SpanReport]]:
    mapping = label_map(scheme)
    levels = set(levels)
    text = article.text
    spans = token_spans(text)
    tags = ["O"] * len(spans)
    reports: list[SpanReport] = []
    chosen = sorted((m for m in article.mentions if m.level in levels and mapping.get(m.type)),
                    key=lambda m: (m.start, -m.end))
    taken_until = -1
    for m in chosen:
        covered = [k for k, (s, e) in enumerate(spans) if s < m.end and e > m.start]
        if not covered:
            reports.append(SpanReport(article.id, m.id, m.text, "covers no token"))
            continue
        if m.start < taken_until:
            reports.append(SpanReport(article.id, m.id, m.text, "nested in another mention: not representable in BIO, skipped"))
            continue
        s0, e1 = spans[covered[0]][0], spans[covered[-1]][1]
        if (s0, e1) != (m.start, m.end):
            reports.append(SpanReport(article.id, m.id, m.text,
                                      f"not aligned with tokens: tagged as {text[s0:e1]!r}"))
        label = mapping[m.type]
        for j, k in enumerate(covered):
            tags[k] = f"{'B' if j == 0 else 'I'}-{label}"
        taken_until = e1  # the widened end: a second mention inside the same token is nested, and reported
    sentences, start = [], 0
    for n, para in enumerate(text.split("\n")):
        end = start + len(para)
        idx = [k for k, (s, e) in enumerate(spans) if start <= s and e <= end]
        sentences.append(TaggedSentence(article.id, n, [text[spans[k][0]:spans[k][1]] for k in idx],
                                        [tags[k] for k in idx]))
        start = end + 1
    return sentences, reports


def to_conll(articles: list[Article], scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",)) -> tuple[str, list[SpanReport]]:
    """CoNLL text: a `-DOCSTART-` line and a blank line per article (its id in a `# id =` comment before it),
    `token<TAB>tag` lines, a blank line after each paragraph."""
    out, reports = [], []
    for a in articles:
        sents, reps = bio(a, scheme, levels)
        reports += reps
        out.append(f"# id = {a.id}\n-DOCSTART-\tO\n\n")
        for s in sents:
            if s.tokens:
                out.append("".join(f"{t}\t{g}\n" for t, g in zip(s.tokens, s.tags)) + "\n")
    return "".join(out), reports


def hf_token_classification(articles: list[Article], scheme: str = "ontonotes", levels: Iterable[str] = ("NAM",)):
    """(datasets.Dataset with id, article_id, tokens, ner_tags as ClassLabel; reports)."""
    from datasets import ClassLabel, Dataset, Features, List, Value

    names = tag_names(scheme)
    rows = {"id": [], "article_id": [], "tokens": [], "ner_tags": []}
    reports = []
    for a in articles:
        sents, reps = bio(a, scheme, levels)
        reports += reps
        for s in sents:
            if s.tokens:
                rows["id"].append(f"{a.id}-{s.index}")
                rows["article_id"].append(a.id)
                rows["tokens"].append(s.tokens)
                rows["ner_tags"].append([names.index(t) for t in s.tags])
    feats = Features({"id": Value("string"), "article_id": Value("string"), "tokens": List(Value("string")),
                      "ner_tags": List(ClassLabel(names=names))})
    return Dataset.from_dict(rows, features=feats), reports


def hf_token_dataset_dict(splits: dict[str, list[Article]], scheme: str = "ontonotes",
                          levels: Iterable[str] = ("NAM",)):
    """(datasets.DatasetDict of `hf_token_classification` per split, reports): training data never
    holds a test article by default, and every split shares one label list."""
    from datasets import DatasetDict

    out, reports = {}, []
    for name, articles in splits.items():
        out[name], reps = hf_token_classification(articles, scheme, levels)
        reports += reps
    return DatasetDict(out), reports


def spacy_docbin(articles: list[Article], levels: Iterable[str] = ("NAM",)):
    """(spacy.tokens.DocBin for `spacy train`, reports). spaCy is an optional extra."""
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError:
        raise ValueError("the spaCy export needs spaCy: pip install 'newsbench[spacy]'") from None
    nlp = spacy.blank("en")
    levels = set(levels)
    db, reports = DocBin(), []
    for a in articles:
        doc = nlp.make_doc(a.text)
        ents, last_end = [], -1
        for m in sorted((m for m in a.mentions if m.level in levels), key=lambda m: (m.start, -m.end)):
            span = doc.char_span(m.start, m.end, label=m.type, alignment_mode="strict")
            if span is None:
                span = doc.char_span(m.start, m.end, label=m.type, alignment_mode="expand")
                reports.append(SpanReport(a.id, m.id, m.text, f"not aligned with spaCy tokens: expanded to {span.text!r}"))
            if span.start_char < last_end:
                reports.append(SpanReport(a.id, m.id, m.text, "nested in another mention: skipped"))
                continue
            ents.append(span)
            last_end = span.end_char
        doc.ents = ents
        db.add(doc)
    return db, reports
