"""Frame scoring (issue 4): the numbers must be scikit-learn's."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

import newsbench
from newsbench.labels import FRAMES
from newsbench.metrics.frames import FrameMetric, doc_stats
from .scoring_fixtures import article, as_prediction, seed_article

SOME = FRAMES[:5] + ("other",)
label_sets = st.sets(st.sampled_from(SOME), min_size=1, max_size=4)


@st.composite
def frame_docs(draw):
    docs = []
    for _ in range(draw(st.integers(1, 12))):
        gold = sorted(draw(label_sets))
        primary = draw(st.sampled_from(gold))
        pred = draw(st.none() | st.tuples(st.none() | st.sampled_from(SOME), st.sets(st.sampled_from(SOME))))
        docs.append((primary, gold, pred))
    return docs


def evaluate_frames(docs):
    gold = [article(f"f{i}", "Some text here.", frames=(p, g)) for i, (p, g, _) in enumerate(docs)]
    preds = []
    for i, (_, _, pred) in enumerate(docs):
        if pred is None:
            continue            # no line at all: predicted empty
        primary, labels = pred
        fr = {"labels": sorted(labels)}
        if primary:
            fr["primary"] = primary
        preds.append({"id": f"f{i}", "frames": fr})
    return newsbench.evaluate(preds, gold=gold, tasks=["frames"], bootstrap=0).tasks["frames"].scores


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame_docs())
def test_frames_agree_with_scikit_learn(docs):
    ours = evaluate_frames(docs)
    mlb = MultiLabelBinarizer(classes=list(FRAMES))
    y_true = mlb.fit_transform([g for _, g, _ in docs])
    y_pred = mlb.transform([sorted(p[1]) if p else [] for _, _, p in docs])
    assert ours["primary.accuracy"] == pytest.approx(
        accuracy_score([p for p, _, _ in docs], [(p[0] or "none") if p else "none" for _, _, p in docs]))
    for avg in ("micro",):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=avg, zero_division=0)
        assert (ours["labels.micro.p"], ours["labels.micro.r"], ours["labels.micro.f1"]) == pytest.approx((p, r, f))
    present = np.flatnonzero((y_true | y_pred).any(axis=0))
    assert ours["labels.macro.f1"] == pytest.approx(
        f1_score(y_true, y_pred, average="macro", labels=present, zero_division=0))
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    for i in present:
        assert (ours[f"{FRAMES[i]}.p"], ours[f"{FRAMES[i]}.r"], ours[f"{FRAMES[i]}.f1"]) == \
            pytest.approx((p[i], r[i], f[i]))


def test_gold_against_itself_is_one_everywhere():
    rec = seed_article()
    t = newsbench.evaluate([as_prediction(rec)], gold=[rec], tasks=["frames"], bootstrap=20).tasks["frames"]
    present = {row[0] for row in t.breakdown[1]}
    for key, value in t.scores.items():
        if key.split(".")[0] in ("primary", "labels") or key.split(".")[0] in present:
            assert value == 1.0, key


def test_primary_alone_claims_its_own_label():
    rec = seed_article()
    s = newsbench.evaluate([{"id": rec["id"], "frames": {"primary": "security_and_defense"}}], gold=[rec],
                           bootstrap=0).tasks["frames"].scores
    assert s["primary.accuracy"] == 1.0 and s["labels.micro.p"] == 1.0 and s["labels.micro.r"] == 0.5


def test_doc_stats_row():
    rec = seed_article()
    row = doc_stats(rec, as_prediction(rec))
    assert FrameMetric().corpus_score(row[None, :])["labels.macro.f1"] == 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame_docs())
def test_frames_agree_with_scikit_learn_defaults(docs):
    """The same numbers as scikit-learn called with its defaults (review 10): labels binarized from the
    data, average="macro" over them, zero_division left at "warn" -- no options chosen to fit ours."""
    import warnings

    from sklearn.exceptions import UndefinedMetricWarning

    ours = evaluate_frames(docs)
    gold_sets = [g for _, g, _ in docs]
    pred_sets = [sorted(p[1]) if p else [] for _, _, p in docs]
    mlb = MultiLabelBinarizer().fit(gold_sets + pred_sets)
    y_true, y_pred = mlb.transform(gold_sets), mlb.transform(pred_sets)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        if len(mlb.classes_) == 1:
            # one column is a binary problem to scikit-learn; its default average="binary" scores the label
            y_true, y_pred = y_true.ravel(), y_pred.ravel()
            micro = precision_recall_fscore_support(y_true, y_pred, average="binary")[:3]
            macro_f1 = f1_score(y_true, y_pred)
            per_label = tuple([v] for v in micro)
        else:
            micro = precision_recall_fscore_support(y_true, y_pred, average="micro")[:3]
            macro_f1 = f1_score(y_true, y_pred, average="macro")
            per_label = precision_recall_fscore_support(y_true, y_pred)[:3]
    assert ours["primary.accuracy"] == pytest.approx(
        accuracy_score([p for p, _, _ in docs], [(p[0] or "none") if p else "none" for _, _, p in docs]))
    assert (ours["labels.micro.p"], ours["labels.micro.r"], ours["labels.micro.f1"]) == pytest.approx(micro)
    assert ours["labels.macro.f1"] == pytest.approx(macro_f1)
    for i, frame in enumerate(mlb.classes_):
        assert (ours[f"{frame}.p"], ours[f"{frame}.r"], ours[f"{frame}.f1"]) == \
            pytest.approx(tuple(v[i] for v in per_label)), frame
    for frame in set(FRAMES) - set(mlb.classes_):      # absent on both sides: n/a (scikit-learn says 0)
        assert (ours[f"{frame}.p"], ours[f"{frame}.r"], ours[f"{frame}.f1"]) == (None, None, None)


def test_frames_without_gold_frames_are_undefined():
    rec = seed_article()
    pred = as_prediction(rec)
    rec["frames"] = None          # frames are scored over the articles whose gold has them: none here
    report = newsbench.evaluate([pred], gold=[rec], tasks=["frames"], bootstrap=20)
    t = report.tasks["frames"]
    assert all(t.scores[k] is None for k in t.headline) and all(t.intervals[k] is None for k in t.headline)
    assert any(w.startswith("frames: 5 number(s) n/a") for w in report.warnings)
