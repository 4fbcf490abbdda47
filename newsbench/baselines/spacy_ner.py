"""The `spacy` baseline: any installed spaCy pipeline, scored on entities and on coreference by exact
string match of its entities (optional extra `newsbench[spacy]`).

spaCy English pipelines predict OntoNotes 5 labels, which are newsbench's entity types, so no
mapping is needed; so does a pipeline trained on `newsbench export spacy` (the OntoNotes scheme,
the default). Models are never downloaded here: pass an installed package name or a path,
or a ready `nlp` object (the tests use a blank English pipeline with an entity ruler).
"""
from __future__ import annotations

from typing import Any, Optional

from ..labels import ENTITY_TYPES
from . import string_match_clusters
from ..record import Article


class SpacySystem:
    name = "spacy"

    def __init__(self, model: Optional[str] = None, nlp: Any = None, **_):
        if nlp is None:
            try:
                import spacy
            except ImportError:
                raise ValueError("the spacy baseline needs spaCy: pip install 'newsbench[spacy]'") from None
            if not model:
                raise ValueError("the spacy baseline needs --model NAME (an installed pipeline package or a path)")
            try:
                nlp = spacy.load(model)
            except OSError as err:
                raise ValueError(f"cannot load spaCy pipeline {model!r}: {str(err).splitlines()[0]}") from None
        self.nlp = nlp
        self.model = model or getattr(nlp, "meta", {}).get("name", "custom")

    @staticmethod
    def _prediction(doc) -> dict:
        mentions = [{"start": e.start_char, "end": e.end_char, "text": e.text, "type": e.label_, "level": "NAM"}
                    for e in doc.ents if e.label_ in ENTITY_TYPES]
        return {"entities": {"mentions": string_match_clusters(mentions)}}

    def predict(self, article: Article) -> dict:
        return self._prediction(self.nlp(article.text))

    def predict_batch(self, articles: list[Article]) -> list[dict]:
        """`nlp.pipe` over the batch: what `run_system` calls, so spaCy batches as it is built to."""
        return [self._prediction(doc) for doc in self.nlp.pipe(a.text for a in articles)]
