"""Frame classifiers trained on the train split: TF-IDF + one-vs-rest logistic regression, and a majority floor.

Tuning is on validation only (regularisation C and the decision threshold, by micro F1); the test
split is never looked at. Deterministic: fixed random_state, deterministic solvers (liblinear, lbfgs).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..labels import FRAMES
from ..record import Article

GRID_C = (0.5, 1.0, 4.0, 16.0)
GRID_THRESHOLD = (0.2, 0.3, 0.4, 0.5)


def _xy(articles: list[Article]) -> tuple[list[str], np.ndarray, list[str]]:
    texts = [a.text for a in articles]
    y = np.array([[int(f in a.frames.labels) for f in FRAMES] for a in articles])
    prim = [a.frames.primary for a in articles]
    return texts, y, prim


class MajorityFramesSystem:
    """Predicts the most frequent primary frame of train, and every frame present in over half of train."""

    name = "majority-frames"

    def __init__(self, train: list[Article], **_):
        _, y, prim = _xy(train)
        self.primary = max(sorted(set(prim)), key=prim.count)
        self.labels = sorted({self.primary} | {f for f, share in zip(FRAMES, y.mean(0)) if share > 0.5})

    def predict(self, article: Article) -> dict:
        return {"frames": {"primary": self.primary, "labels": list(self.labels)}}


class TfidfFramesSystem:
    name = "tfidf-frames"

    def __init__(self, train: list[Article], validation: Optional[list[Article]] = None, seed: int = 13, **_):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import f1_score

        texts, y, prim = _xy(train)
        self.seed = seed
        self.present = [k for k in range(len(FRAMES)) if 0 < y[:, k].sum() < len(y)]
        self.always = [k for k in range(len(FRAMES)) if y[:, k].sum() == len(y)]
        self.vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english")
        x = self.vectorizer.fit_transform(texts)

        def fit(c: float):
            models = {k: LogisticRegression(C=c, solver="liblinear", random_state=seed).fit(x, y[:, k])
                      for k in self.present}
            primary = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit(x, prim) \
                if len(set(prim)) > 1 else None  # lbfgs: multinomial over the primary frames
            return models, primary

        self.c, self.threshold = GRID_C[1], 0.5
        if validation:
            vt, vy, _ = _xy(validation)
            vx = self.vectorizer.transform(vt)
            best = (-1.0, self.c, self.threshold)
            for c in GRID_C:
                models, _ = fit(c)
                probs = self._probs(models, vx)
                for t in GRID_THRESHOLD:
                    score = f1_score(vy, self._decide(probs, t), average="micro", zero_division=0)
                    if score > best[0] + 1e-12:
                        best = (score, c, t)
            _, self.c, self.threshold = best
        self.models, self.primary_model = fit(self.c)
        self.fallback_primary = max(sorted(set(prim)), key=prim.count)

    def _probs(self, models, x) -> np.ndarray:
        probs = np.zeros((x.shape[0], len(FRAMES)))
        for k, m in models.items():
            probs[:, k] = m.predict_proba(x)[:, 1]
        for k in self.always:
            probs[:, k] = 1.0
        return probs

    def _decide(self, probs: np.ndarray, threshold: float) -> np.ndarray:
        return (probs >= threshold).astype(int)

    def predict(self, article: Article) -> dict:
        x = self.vectorizer.transform([article.text])
        probs = self._probs(self.models, x)[0]
        primary = str(self.primary_model.predict(x)[0] if self.primary_model is not None else self.fallback_primary)
        labels = {FRAMES[k] for k in np.flatnonzero(probs >= self.threshold)} | {primary}
        return {"frames": {"primary": primary, "labels": sorted(labels)}}
