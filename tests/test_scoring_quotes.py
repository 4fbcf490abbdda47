"""Quote scoring (issue 4): hand-worked cases for content, cue, speaker, end to end and per kind."""
from __future__ import annotations

import random

import pytest

import newsbench
from newsbench.metrics.quotes import QuoteMetric, doc_stats
from .scoring_fixtures import SEED_TEXT, as_prediction, at, seed_article


def quotes_report(pred_quotes, mentions=(), gold=None):
    gold = gold or seed_article()
    pred = {"id": gold["id"], "quotes": pred_quotes}
    if mentions:
        pred["entities"] = {"mentions": list(mentions)}
    return newsbench.evaluate([pred], gold=[gold], tasks=["quotes"], bootstrap=0).tasks["quotes"]


def span(text: str, kind=None, cue=None, speaker=None, occurrence: int = 1) -> dict:
    s, e = at(SEED_TEXT, text, occurrence)
    q = {"start": s, "end": e, "text": text}
    if kind:
        q["kind"] = kind
    if cue:
        cs, ce = at(SEED_TEXT, cue)
        q["cue"] = {"start": cs, "end": ce, "text": cue}
    if speaker is not None:
        q["speaker"] = speaker
    return q


def worked_example():
    """Against the seed's four quotes (q1 mixed by Munir, q2 indirect by Hassan, q3 direct by Munir, q4 by Dawn)."""
    s, e = at(SEED_TEXT, "Asim Munir")
    mentions = [{"id": "p1", "start": s, "end": e, "text": "Asim Munir", "type": "PERSON"}]
    quotes = [
        # q1 exactly, speaker a mention of Munir's cluster other than the gold one
        span("the two armies must stay \"resilient against external influences\"", "mixed", "said", "p1"),
        # q2 overlapping, kind not given, speaker named by text (case and spacing differ)
        span("Bangladesh wants closer ties", cue="told", speaker={"text": "kamrul  HASSAN"}),
        # q4 exactly, wrong speaker
        span("the talks covered training", "indirect", "According to", {"text": "Reuters"}),
        # spurious
        span("Army chiefs meet in Rawalpindi", "direct"),
    ]   # q3 (direct, inside q1) is missed
    return quotes, mentions


def test_worked_example():
    t = quotes_report(*worked_example())
    s = t.scores
    assert (s["content.exact.p"], s["content.exact.r"]) == (0.5, 0.5)
    assert (s["content.overlap.p"], s["content.overlap.r"]) == (0.75, 0.75)
    assert s["cue.f1"] == 1.0
    assert s["speaker.p"] == pytest.approx(2 / 3) and s["speaker.r"] == pytest.approx(2 / 4)
    assert s["speaker.accuracy"] == pytest.approx(2 / 3)
    assert (s["e2e.overlap.p"], s["e2e.overlap.r"]) == (0.5, 0.5)
    assert (s["e2e.exact.p"], s["e2e.exact.r"]) == (0.25, 0.25)
    assert s["kind.mixed.f1"] == 1.0
    assert s["kind.indirect.p"] == 1.0 and s["kind.indirect.r"] == 1.0   # q2 takes its gold kind
    assert s["kind.direct.p"] == 0.0 and s["kind.direct.r"] == 0.0
    assert t.counts["direct.pred"] == 1 and t.counts["indirect.pred"] == 2


def test_a_different_kind_is_wrong_for_both_kinds():
    s = quotes_report([span("Bangladesh wants closer ties with Pakistan", "direct")]).scores
    assert s["content.exact.r"] == 0.25               # detection ignores kind
    assert s["kind.direct.p"] == 0.0 and s["kind.indirect.r"] == 0.0


def test_speaker_by_text_anchored_mention_and_null():
    mentions = [{"id": "p9", "text": "Hassan", "type": "PERSON"}]   # anchors inside "Kamrul Hassan"
    q2 = span("Bangladesh wants closer ties with Pakistan", speaker="p9")
    q3 = span("resilient against external influences", speaker=None)
    t = quotes_report([q2, q3], mentions)
    assert t.counts["speaker.tp"] == 1                 # "Hassan" is a mention text of Hassan's cluster
    assert t.counts["e2e.exact"] == 1                  # q3's gold speaker is Munir: no speaker is wrong


def test_unattributed_gold_quote_needs_no_speaker():
    gold = seed_article()
    gold["quotes"][3]["speaker"] = None
    t = quotes_report([span("the talks covered training")], gold=gold)
    assert t.counts["e2e.exact"] == 1 and t.counts["speaker.gold"] == 3


def test_gold_against_itself_is_one_everywhere():
    rec = seed_article()
    t = newsbench.evaluate([as_prediction(rec)], gold=[rec], tasks=["quotes"], bootstrap=20).tasks["quotes"]
    for key, value in t.scores.items():
        if not key.startswith("kind.") or t.counts[f"{key.split('.')[1]}.gold"]:
            assert value == 1.0, key


def test_empty_prediction_has_recall_zero():
    s = quotes_report([]).scores
    assert all(s[k] == 0.0 for k in ("content.exact.r", "content.overlap.r", "cue.r", "speaker.r", "e2e.overlap.r"))


def test_order_of_quotes_does_not_matter_and_duplicates_count_once():
    quotes, mentions = worked_example()
    base = quotes_report(quotes, mentions).scores
    assert quotes_report(quotes + quotes[:1], mentions).scores == base
    for seed in range(5):
        shuffled = random.Random(seed).sample(quotes, len(quotes))
        assert quotes_report(shuffled, mentions).scores == base


def test_text_only_quote_is_anchored_or_listed():
    gold = seed_article()
    pred = {"id": gold["id"], "quotes": [{"text": "the talks covered training", "kind": "indirect"},
                                         {"text": "nobody said this", "kind": "direct"}]}
    report = newsbench.evaluate([pred], gold=[gold], tasks=["quotes"], bootstrap=0)
    assert report.tasks["quotes"].counts["exact"] == 1 and report.tasks["quotes"].counts["pred"] == 2
    assert [u["path"] for u in report.unanchored] == ["$.quotes[1]"]


def test_doc_stats_row():
    rec = seed_article()
    row = doc_stats(rec, as_prediction(rec))
    assert QuoteMetric().corpus_score(row[None, :])["e2e.exact.f1"] == 1.0
