"""Entity scoring (issue 4): agreement with nervaluate and seqeval, order independence, edge cases."""
from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

import newsbench
from newsbench.metrics.base import approximate_randomization, bootstrap_intervals, paired_bootstrap
from newsbench.metrics.entities import EntityMetric, EntityOptions, EntityTask, doc_stats, score as score_rows
from newsbench.predictions import parse_prediction
from .scoring_fixtures import article, as_prediction, seed_article

TYPES = ("PERSON", "ORG", "GPE")
NERVALUATE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
SLOT = 30        # every slot holds at most one gold and one predicted span, so no span overlaps two others


def _gold(aid: str, text: str, spans, level: str = "NAM") -> dict:
    return article(aid, text, [(f"m{i}", (s, e), t, level, f"e{i}") for i, (s, e, t) in enumerate(spans)])


def _pred(aid: str, text: str, spans) -> dict:
    return {"id": aid, "entities": {"mentions": [{"start": s, "end": e, "text": text[s:e], "type": t}
                                                 for s, e, t in spans]}}


def score(docs, bootstrap: int = 0, **options) -> dict:
    """Entity scores of [(text, gold spans, predicted spans)] through the public API."""
    gold = [_gold(f"d{i}", text, g) for i, (text, g, _) in enumerate(docs)]
    pred = [_pred(f"d{i}", text, p) for i, (text, _, p) in enumerate(docs)]
    report = newsbench.evaluate(pred, gold=gold, tasks=["entities"], bootstrap=bootstrap, **options)
    return report.tasks["entities"].scores


@st.composite
def slotted_docs(draw):
    """Documents whose spans sit in separate slots: the cases where nervaluate's greedy matching is right."""
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        n_slots = draw(st.integers(0, 6))
        gold, pred = [], []
        for slot in range(n_slots):
            for side in (gold, pred):
                if draw(st.booleans()):
                    s = slot * SLOT + draw(st.integers(0, 8))
                    side.append((s, s + draw(st.integers(1, 8)), draw(st.sampled_from(TYPES))))
        docs.append(("x" * (SLOT * max(n_slots, 1)), gold, pred))
    return docs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slotted_docs())
def test_all_four_schemes_agree_with_nervaluate(docs):
    true = [[{"label": t, "start": s, "end": e - 1} for s, e, t in g] for _, g, _ in docs]   # inclusive ends
    pred = [[{"label": t, "start": s, "end": e - 1} for s, e, t in p] for _, _, p in docs]
    theirs = Evaluator(true, pred, tags=list(TYPES), loader="dict").evaluate()
    ours = score(docs)
    for scheme, name in NERVALUATE.items():
        r = theirs["overall"][name]
        if r.possible == 0 and r.actual == 0:
            # nothing on either side: nervaluate says 0, newsbench says undefined (n/a); both are 0/0
            assert (r.precision, r.recall, r.f1) == (0, 0, 0)
            assert all(ours[f"{scheme}.micro.{k}"] is None for k in ("p", "r", "f1"))
            assert ours[f"{scheme}.macro.f1"] is None
        else:
            assert ours[f"{scheme}.micro.p"] == pytest.approx(r.precision)
            assert ours[f"{scheme}.micro.r"] == pytest.approx(r.recall)
            assert ours[f"{scheme}.micro.f1"] == pytest.approx(r.f1)
        for t, per in theirs["entities"].items():
            r = per[name]
            assert (ours[f"{scheme}.{t}.p"], ours[f"{scheme}.{t}.r"], ours[f"{scheme}.{t}.f1"]) == \
                pytest.approx((r.precision, r.recall, r.f1)), (scheme, t)


@st.composite
def token_docs(draw):
    """Token-aligned, non-overlapping spans on each side (what IOB2 can express)."""
    docs = []
    for _ in range(draw(st.integers(1, 4))):
        n_tokens = draw(st.integers(1, 30))

        def spans():
            out, i = [], 0
            while i < n_tokens:
                i += draw(st.integers(0, 3))
                length = draw(st.integers(1, 3))
                if i + length > n_tokens or not draw(st.booleans()):
                    i += 1
                    continue
                out.append((i, i + length, draw(st.sampled_from(TYPES))))
                i += length
            return out

        docs.append((n_tokens, spans(), spans()))
    return docs


def _iob2(n_tokens: int, spans) -> list[str]:
    tags = ["O"] * n_tokens
    for a, b, t in spans:
        tags[a] = f"B-{t}"
        for i in range(a + 1, b):
            tags[i] = f"I-{t}"
    return tags


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(token_docs())
def test_strict_agrees_with_seqeval_iob2(docs):
    def chars(spans):   # token i covers characters [3i, 3i + 2) of "ab ab ab ..."
        return [(3 * a, 3 * b - 1, t) for a, b, t in spans]

    ours = score([(("ab " * n).rstrip(), chars(g), chars(p)) for n, g, p in docs])
    y_true = [_iob2(n, g) for n, g, _ in docs]
    y_pred = [_iob2(n, p) for n, _, p in docs]
    if not any(t != "O" for doc in y_true + y_pred for t in doc):
        assert ours["strict.micro.f1"] is None      # nothing on either side: undefined (n/a), seqeval's 0/0
        return
    rep = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    assert ours["strict.micro.p"] == pytest.approx(rep["micro avg"]["precision"])
    assert ours["strict.micro.r"] == pytest.approx(rep["micro avg"]["recall"])
    assert ours["strict.micro.f1"] == pytest.approx(rep["micro avg"]["f1-score"])
    assert ours["strict.macro.f1"] == pytest.approx(rep["macro avg"]["f1-score"])
    for t in TYPES:
        if t in rep:
            assert ours[f"strict.{t}.f1"] == pytest.approx(rep[t]["f1-score"])


@st.composite
def overlapping_docs(draw):
    """Arbitrary spans, overlapping and repeated, on both sides."""
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        span = st.tuples(st.integers(0, 40), st.integers(1, 10), st.sampled_from(TYPES)).map(
            lambda x: (x[0], x[0] + x[1], x[2]))
        docs.append(("y" * 60, draw(st.lists(span, max_size=8)), draw(st.lists(span, max_size=8))))
    return docs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overlapping_docs(), st.randoms(use_true_random=False))
def test_shuffling_predictions_never_changes_a_score(docs, rnd):
    before = score(docs)
    shuffled = [(text, g, rnd.sample(p, len(p))) for text, g, p in docs]
    order = rnd.sample(range(len(docs)), len(docs))
    gold = [_gold(f"d{i}", *docs[i][:2]) for i in range(len(docs))]
    pred = [_pred(f"d{i}", shuffled[i][0], shuffled[i][2]) for i in order]
    after = newsbench.evaluate(pred, gold=gold, tasks=["entities"], bootstrap=0).tasks["entities"].scores
    assert after == before


def test_matching_does_not_depend_on_input_order_where_nervaluate_does():
    # P2 overlaps both gold spans; nervaluate's answer depends on which prediction comes first.
    text = "z" * 30
    gold = [(0, 10, "ORG"), (12, 20, "ORG")]
    preds = [(0, 3, "ORG"), (5, 14, "ORG")]
    true = [[{"label": t, "start": s, "end": e - 1} for s, e, t in gold]]

    def nerval(p):
        return Evaluator(true, [[{"label": t, "start": s, "end": e - 1} for s, e, t in p]], tags=["ORG"],
                         loader="dict").evaluate()["overall"]["strict"]

    assert (nerval(preds).missed, nerval(preds[::-1]).missed) == (0, 1)
    a, b = score([(text, gold, preds)]), score([(text, gold, preds[::-1])])
    assert a == b
    # the larger overlap wins: (5, 14) takes (0, 10); (0, 3) is spurious and (12, 20) missed
    counts = newsbench.evaluate([_pred("d0", text, preds)], gold=[_gold("d0", text, gold)], tasks=["entities"],
                                bootstrap=0).tasks["entities"].counts["strict"]
    assert (counts["incorrect"], counts["spurious"], counts["missed"]) == (1, 1, 1)


def test_gold_against_itself_is_one_everywhere():
    rec = seed_article()
    report = newsbench.evaluate([as_prediction(rec)], gold=[rec], tasks=["entities"], levels=("NAM", "NOM", "PRO"),
                                bootstrap=50)
    scores = report.tasks["entities"].scores
    present = report.tasks["entities"].counts["types"]
    for key, value in scores.items():
        scheme, what, _ = key.split(".")
        if what in ("micro", "macro") or what in present:
            assert value == 1.0, key
    assert all(ci == (1.0, 1.0) for k, ci in report.tasks["entities"].intervals.items() if ".micro." in k)


def test_empty_predictions_have_recall_zero():
    rec = seed_article()
    report = newsbench.evaluate([{"id": rec["id"], "entities": {"mentions": []}}], gold=[rec], bootstrap=0)
    scores = report.tasks["entities"].scores
    for scheme in ("strict", "exact", "partial", "type"):
        assert scores[f"{scheme}.micro.r"] == 0.0 and scores[f"{scheme}.micro.p"] == 0.0


def test_duplicates_are_counted_once_and_reported():
    text = "Ada met Bob in Rome"
    gold = [(0, 3, "PERSON"), (8, 11, "PERSON")]
    pred = [(0, 3, "PERSON"), (0, 3, "PERSON"), (15, 19, "GPE")]
    report = newsbench.evaluate([_pred("d0", text, pred)], gold=[_gold("d0", text, gold)], tasks=["entities"],
                                bootstrap=0)
    c = report.tasks["entities"].counts["strict"]
    assert (c["correct"], c["spurious"], c["missed"], c["actual"]) == (1, 1, 1, 2)
    assert report.duplicates == [{"id": "d0", "layer": "entities", "start": 0, "end": 3, "label": "PERSON",
                                  "copies": 2}]


def test_partial_counts_half_and_type_ignores_boundaries():
    text = "the Bank of Tarsen said"
    gold = [(4, 18, "ORG")]
    pred = [(4, 8, "ORG")]                      # "Bank": overlapping, same type
    s = score([(text, gold, pred)])
    assert s["strict.micro.f1"] == 0.0 and s["exact.micro.f1"] == 0.0
    assert s["partial.micro.p"] == 0.5 and s["partial.micro.r"] == 0.5
    assert s["type.micro.f1"] == 1.0


def test_levels_select_which_gold_mentions_count():
    rec = seed_article()
    names = [m for m in rec["entities"]["mentions"] if m["level"] == "NAM"]
    pred = {"id": rec["id"], "entities": {"mentions": [{k: m[k] for k in ("start", "end", "text", "type")}
                                                       for m in names]}}
    nam = newsbench.evaluate([pred], gold=[rec], bootstrap=0).tasks["entities"].scores
    both = newsbench.evaluate([pred], gold=[rec], levels=("NAM", "NOM"), bootstrap=0).tasks["entities"].scores
    assert nam["strict.micro.r"] == 1.0
    n_nom = sum(m["level"] == "NOM" for m in rec["entities"]["mentions"])
    assert both["strict.micro.r"] == pytest.approx(len(names) / (len(names) + n_nom))


def test_predicted_level_outside_the_selection_is_ignored():
    text = "Ada said she would go"
    gold = article("d0", text, [("m1", "Ada", "PERSON", "NAM", "e1"), ("m2", "she", "PERSON", "PRO", "e1")])
    pred = {"id": "d0", "entities": {"mentions": [
        {"start": 0, "end": 3, "text": "Ada", "type": "PERSON", "level": "NAM"},
        {"start": 9, "end": 12, "text": "she", "type": "PERSON", "level": "PRO"}]}}
    s = newsbench.evaluate([pred], gold=[gold], bootstrap=0).tasks["entities"].scores
    assert s["strict.micro.p"] == 1.0 and s["strict.micro.r"] == 1.0


def test_conll_label_map_scores_mapped_types_and_drops_the_rest():
    text = "Ada flew to Paris on Monday with Acme"
    gold = article("d0", text, [("m1", "Ada", "PERSON", "NAM", "e1"), ("m2", "Paris", "GPE", "NAM", "e2"),
                                ("m3", "Monday", "DATE", "NAM", "e3"), ("m4", "Acme", "ORG", "NAM", "e4")])
    pred = {"id": "d0", "entities": {"mentions": [
        {"start": 0, "end": 3, "text": "Ada", "type": "PER"},          # CoNLL label, taken as is
        {"start": 12, "end": 17, "text": "Paris", "type": "GPE"},      # OntoNotes label, mapped to LOC
        {"start": 33, "end": 37, "text": "Acme", "type": "MISC"}]}}    # wrong type; Monday (DATE) is dropped
    report = newsbench.evaluate([pred], gold=[gold], label_map="conll", bootstrap=0)
    s, c = report.tasks["entities"].scores, report.tasks["entities"].counts
    assert s["strict.micro.p"] == pytest.approx(2 / 3) and s["strict.micro.r"] == pytest.approx(2 / 3)
    assert set(c["types"]) == {"PER", "LOC", "ORG", "MISC"}
    assert "map:conll" in str(report.signature)


def test_ace_label_map_drops_vehicle_and_weapon_predictions():
    text = "Ada drove a Tesla"
    gold = article("d0", text, [("m1", "Ada", "PERSON", "NAM", "e1"), ("m2", "Tesla", "PRODUCT", "NAM", "e2")])
    pred = {"id": "d0", "entities": {"mentions": [{"start": 0, "end": 3, "text": "Ada", "type": "PER"},
                                                  {"start": 12, "end": 17, "text": "Tesla", "type": "VEH"}]}}
    s = newsbench.evaluate([pred], gold=[gold], label_map="ace", bootstrap=0).tasks["entities"].scores
    assert s["strict.micro.p"] == 1.0 and s["strict.micro.r"] == 1.0


def test_text_only_spans_take_the_kth_whole_word_occurrence():
    text = "Pakistani officials said Pakistan and Pakistan's army agreed"
    gold = article("d0", text, [("m1", "Pakistan", "GPE", "NAM", "e1", 2), ("m2", "Pakistan", "GPE", "NAM", "e1", 3)])
    pred = {"id": "d0", "entities": {"mentions": [{"text": "Pakistan", "type": "GPE"},
                                                  {"text": "Pakistan", "type": "GPE"}]}}
    report = newsbench.evaluate([pred], gold=[gold], bootstrap=0)
    assert report.tasks["entities"].scores["strict.micro.f1"] == 1.0
    assert report.unanchored == []


def test_unanchored_text_only_spans_are_false_positives_and_listed():
    # (scoring rules 1.1: the second "Ada" has no occurrence of its own, so it repeats the first: a
    # duplicate, counted once, no longer an unanchored false positive)
    text = "Ada met Bob"
    gold = article("d0", text, [("m1", "Ada", "PERSON", "NAM", "e1"), ("m2", "Bob", "PERSON", "NAM", "e2")])
    pred = {"id": "d0", "entities": {"mentions": [{"text": "Ada", "type": "PERSON"}, {"text": "Ada", "type": "PERSON"},
                                                  {"text": "Carol", "type": "PERSON"}]}}
    report = newsbench.evaluate([pred], gold=[gold], bootstrap=0)
    c = report.tasks["entities"].counts["strict"]
    assert (c["correct"], c["spurious"], c["missed"]) == (1, 1, 1)
    assert [u["text"] for u in report.unanchored] == ["Carol"]
    assert report.unanchored[0]["path"] == "$.entities.mentions[2]"
    assert report.duplicates == [{"id": "d0", "layer": "entities", "start": 0, "end": 3, "label": "PERSON",
                                  "copies": 2}]


def test_substring_fallback_when_no_whole_word_match():
    text = "the Bangladeshi delegation"
    gold = article("d0", text, [("m1", (4, 14), "GPE", "NAM", "e1")])
    pred = {"id": "d0", "entities": {"mentions": [{"text": "Bangladesh", "type": "GPE"}]}}
    assert newsbench.evaluate([pred], gold=[gold], bootstrap=0).tasks["entities"].scores["strict.micro.f1"] == 1.0


def test_doc_stats_is_one_row_of_the_corpus_statistics():
    rec = seed_article()
    pred = as_prediction(rec, ("entities",))
    row = doc_stats(newsbench.Article.from_dict(rec), pred, EntityOptions(levels=("NAM", "NOM", "PRO")))
    metric = EntityMetric(EntityOptions().types)
    assert row.shape == (len(metric.columns),)
    assert metric.corpus_score(row[None, :])["strict.micro.f1"] == 1.0
    task = EntityTask()
    assert np.array_equal(task.single(rec, parse_prediction(pred, rec["text"])), doc_stats(rec, pred))
    assert score_rows(doc_stats(rec, pred))["strict.micro.f1"] == 1.0


def test_bootstrap_intervals_are_seeded_and_bracket_the_score():
    rng = random.Random(3)
    docs = []
    for _ in range(30):
        g = [(i * 10, i * 10 + 4, rng.choice(TYPES)) for i in range(5)]
        p = [(s, e, t if rng.random() < 0.7 else rng.choice(TYPES)) for s, e, t in g if rng.random() < 0.8]
        docs.append(("w" * 60, g, p))
    gold = [_gold(f"d{i}", *d[:2]) for i, d in enumerate(docs)]
    pred = [_pred(f"d{i}", d[0], d[2]) for i, d in enumerate(docs)]
    a = newsbench.evaluate(pred, gold=gold, tasks=["entities"], bootstrap=300, seed=7).tasks["entities"]
    b = newsbench.evaluate(pred, gold=gold, tasks=["entities"], bootstrap=300, seed=7).tasks["entities"]
    assert a.intervals == b.intervals
    lo, hi = a.intervals["strict.micro.f1"]
    assert lo < a.scores["strict.micro.f1"] < hi


def test_resampled_sums_equal_rescoring_the_resampled_documents():
    rng = np.random.default_rng(0)
    stats = rng.integers(0, 5, size=(12, 6 + 4 * 3))
    metric = EntityMetric(TYPES)
    from newsbench.metrics.base import resampled_sums
    sums = np.concatenate(list(resampled_sums(stats, 5, np.random.default_rng(1))))
    idx = np.random.default_rng(1).integers(0, 12, size=(5, 12), dtype=np.int32)
    for row, drawn in zip(sums, idx):
        assert np.array_equal(row, stats[drawn].sum(0))
    assert bootstrap_intervals(metric, stats, 0) == {}


def test_paired_tests_on_identical_systems_give_p_one():
    rng = np.random.default_rng(0)
    stats = rng.integers(0, 5, size=(40, 6 + 4 * 3))
    metric = EntityMetric(TYPES)
    assert all(p == 1.0 for p in paired_bootstrap(metric, stats, stats, 200, 1).values())
    assert all(p == 1.0 for p in approximate_randomization(metric, stats, stats, 200, 1).values())
    better = stats.copy()
    better[:, 0] += 5                      # many more correct spans
    assert approximate_randomization(metric, stats, better, 500, 1)["strict.micro.f1"] < 0.01


# -- text-only mentions: labels never compete, duplicates count once (review 7) ------------------------------------
WORDS = "Jordan met Georgia and Jordan in Georgia while Jordan watched"
text_only = st.tuples(st.sampled_from(["Jordan", "Georgia", "Chad", "Jordan met"]),
                      st.sampled_from(["PERSON", "GPE", "ORG"]), st.sampled_from([None, "NAM", "PRO"]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(text_only, max_size=9), st.randoms(use_true_random=False))
def test_shuffling_text_only_predictions_never_changes_a_score(mentions, rnd):
    gold = article("d0", WORDS, [("m1", "Jordan", "PERSON", "NAM", "e1"), ("m2", "Georgia", "GPE", "NAM", "e2"),
                                 ("m3", "Jordan", "GPE", "NAM", "e3", 2), ("m4", "Georgia", "GPE", "NAM", "e2", 2),
                                 ("m5", "Jordan", "PERSON", "PRO", "e1", 3)])

    def run(ms):
        pred = {"id": "d0", "entities": {"mentions": [{"text": t, "type": ty, **({"level": lv} if lv else {})}
                                                      for t, ty, lv in ms]}}
        r = newsbench.evaluate([pred], gold=[gold], tasks=["entities"], levels="NAM,PRO", bootstrap=0)
        return (r.tasks["entities"].scores, r.tasks["entities"].counts,
                sorted(map(repr, r.duplicates)), sorted(u["text"] for u in r.unanchored))

    assert run(rnd.sample(mentions, len(mentions))) == run(mentions)


def test_a_text_only_mention_has_occurrences_per_label():
    # "Jordan" the person and "Jordan" the country: each label counts its own occurrences, so both
    # take the first; the order of the list no longer decides which gets which
    gold = article("d0", WORDS, [("m1", "Jordan", "PERSON", "NAM", "e1")])
    for ms in ([("Jordan", "PERSON"), ("Jordan", "GPE")], [("Jordan", "GPE"), ("Jordan", "PERSON")]):
        pred = {"id": "d0", "entities": {"mentions": [{"text": t, "type": ty} for t, ty in ms]}}
        c = newsbench.evaluate([pred], gold=[gold], bootstrap=0).tasks["entities"].counts["strict"]
        assert (c["correct"], c["spurious"], c["missed"]) == (1, 1, 0)


# -- the API leaves its input alone (review 3) ----------------------------------------------------------------------
def test_evaluate_does_not_modify_predictions_and_repeats_itself():
    import copy

    gold = seed_article()
    quote = {"text": "the talks covered training", "kind": "indirect", "cue": {"text": "According to"},
             "speaker": {"text": "Dawn"}}
    pred = {"id": gold["id"],
            "entities": {"mentions": [{"id": "p1", "text": "Rawalpindi", "type": "GPE"},
                                      {"id": "p2", "text": "Rawalpindi", "type": "GPE"},
                                      {"text": "Lahore", "type": "GPE"}]},
            "quotes": [quote, quote, {"text": "not there", "kind": "direct"}],
            "events": [{"trigger": {"text": "met"}, "type": "Contact:Meet",
                        "arguments": [{"role": "Place", "mention": "p2"}, {"role": "Entity", "text": "Asim Munir"}]},
                       {"trigger": {"text": "nowhere"}, "type": "Contact:Meet"}]}
    preds = [pred]
    before = copy.deepcopy(preds)
    first = newsbench.evaluate(preds, gold=[gold], bootstrap=20)
    assert preds == before
    second = newsbench.evaluate(preds, gold=[gold], bootstrap=20)
    assert second.to_dict() == first.to_dict() and second.error_items() == first.error_items()
    # the same dict listed twice scores as two equal dicts do
    twin = copy.deepcopy(pred)
    twin["quotes"] = [quote, dict(quote), twin["quotes"][2]]
    assert newsbench.evaluate([twin], gold=[gold], bootstrap=20).to_dict() == first.to_dict()
    row = doc_stats(gold, pred)
    assert preds == before and np.array_equal(doc_stats(gold, pred), row)


# -- the unanchored list: only what is scored, once (review 8) ------------------------------------------------------
def test_unanchored_lists_only_scored_spans():
    text = "Ada flew to Paris on Monday"
    gold = article("d0", text, [("m1", "Ada", "PERSON", "NAM", "e1"), ("m2", "Paris", "GPE", "NAM", "e2")],
                   quotes=[("q1", "flew to Paris", "indirect", None, "m1")])
    pred = {"id": "d0", "entities": {"mentions": [{"text": "Bo", "type": "PERSON"},
                                                  {"text": "Bo", "type": "PERSON"},
                                                  {"text": "Cy", "type": "PERSON", "level": "PRO"},
                                                  {"text": "Tuesday", "type": "DATE"}]},
            "quotes": [{"text": "never said", "kind": "direct"}]}

    def listed(**options):
        r = newsbench.evaluate([pred], gold=[gold], bootstrap=0, **options)
        return [u["path"] for u in r.unanchored]

    assert listed(tasks=["entities"]) == ["$.entities.mentions[0]", "$.entities.mentions[3]"]
    assert listed(tasks=["entities"], label_map="conll") == ["$.entities.mentions[0]"]      # DATE is not scored
    assert listed(tasks=["entities"], levels="NAM,PRO") == ["$.entities.mentions[0]", "$.entities.mentions[2]",
                                                            "$.entities.mentions[3]"]
    assert listed(tasks=["quotes"]) == ["$.quotes[0]"]
    assert listed() == ["$.entities.mentions[0]", "$.entities.mentions[3]", "$.quotes[0]"]
    r = newsbench.evaluate([pred], gold=[gold], tasks=["entities"], bootstrap=0)
    assert r.tasks["entities"].counts["strict"]["spurious"] == 2             # Bo (once) and Tuesday
    spurious = [i["pred"] for i in r.error_items() if i["error"] == "spurious"]
    assert {"start": None, "end": None, "text": "Bo", "type": "PERSON"} in spurious
    assert all(p["start"] is None or p["start"] >= 0 for p in spurious)


# -- the paired bootstrap is a calibrated test (review 4) ----------------------------------------------------------
def _null_pair(rng, n_docs: int):
    """Entity statistics of two systems drawn from one distribution, on the same gold documents."""
    metric = EntityMetric(TYPES)
    gold = rng.poisson(5, size=n_docs) + 1
    out = []
    for _ in range(2):
        stats = np.zeros((n_docs, len(metric.columns)), dtype=np.int64)
        correct = rng.binomial(gold, 0.7)
        stats[:, 0] = correct                                  # same span, same type
        stats[:, 4] = gold - correct                           # missed
        stats[:, 5] = rng.poisson(1.5, size=n_docs)            # spurious
        out.append(stats)
    return metric, out


def test_paired_bootstrap_rejects_at_its_nominal_rate_under_the_null():
    runs, rejected = 400, 0
    for run in range(runs):
        metric, (a, b) = _null_pair(np.random.default_rng(run), 60)
        rejected += paired_bootstrap(metric, a, b, 200, run, keys=["strict.micro.f1"])["strict.micro.f1"] <= 0.05
    assert 0.02 <= rejected / runs <= 0.09


def test_paired_bootstrap_finds_a_real_difference_and_refuses_zero_resamples():
    metric, (a, b) = _null_pair(np.random.default_rng(5), 40)
    better = b.copy()
    better[:, 0] += better[:, 4]            # B finds every gold span
    better[:, 4] = 0
    assert paired_bootstrap(metric, a, better, 300, 1, keys=["strict.micro.f1"])["strict.micro.f1"] < 0.01
    with pytest.raises(ValueError, match="at least 1"):
        paired_bootstrap(metric, a, b, 0)
    with pytest.raises(ValueError, match="at least 1"):
        approximate_randomization(metric, a, b, 0)


# -- intervals: the same numbers as scoring resampled article lists from scratch (review 10) ------------------------
def test_bootstrap_intervals_equal_rescoring_resampled_article_lists():
    rng = random.Random(8)
    docs = []
    for _ in range(7):
        g = [(i * 10, i * 10 + 4, rng.choice(TYPES)) for i in range(rng.randint(0, 5))]
        p = [(s + rng.choice((0, 0, 1)), e, t if rng.random() < 0.7 else rng.choice(TYPES)) for s, e, t in g
             if rng.random() < 0.8] + [(55, 58, rng.choice(TYPES))] * rng.randint(0, 1)
        docs.append(("w" * 60, g, p))
    gold = [_gold(f"d{i}", *d[:2]) for i, d in enumerate(docs)]
    pred = [_pred(f"d{i}", d[0], d[2]) for i, d in enumerate(docs)]
    n, seed = 40, 21
    report = newsbench.evaluate(pred, gold=gold, tasks=["entities"], bootstrap=n, seed=seed).tasks["entities"]
    # the resamples evaluate() draws: n rows of len(docs) article indices, from a generator seeded with `seed`
    draws = np.random.default_rng(seed).integers(0, len(docs), size=(n, len(docs)), dtype=np.int32)
    rescored = []
    for k, row in enumerate(draws):
        g = [{**gold[i], "id": f"r{k}-{j}"} for j, i in enumerate(row)]
        p = [{**pred[i], "id": f"r{k}-{j}"} for j, i in enumerate(row)]
        rescored.append(newsbench.evaluate(p, gold=g, tasks=["entities"], bootstrap=0).tasks["entities"].scores)
    for key in ("strict.micro.f1", "exact.micro.p", "partial.micro.r", "type.macro.f1", "strict.PERSON.f1"):
        values = [s[key] for s in rescored if s[key] is not None]
        assert report.intervals[key] == pytest.approx(tuple(np.percentile(values, [2.5, 97.5]))), key
