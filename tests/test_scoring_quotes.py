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


# -- speaker credit: a gold mention's span decides by its cluster; a name by the NAM texts (review 1) --------------
LEE_TEXT = 'Ann Lee met Bo Lee. Lee said "we agree", the minister added. Later Lee left and she smiled.'


def lee_article() -> dict:
    """Two clusters that share the name "Lee": Bo Lee's third "Lee" and Ann Lee's fourth; Ann said the quote."""
    from .scoring_fixtures import article

    mentions = [("m1", "Ann Lee", "PERSON", "NAM", "e-ann"), ("m2", "Bo Lee", "PERSON", "NAM", "e-bo"),
                ("m3", "Lee", "PERSON", "NAM", "e-bo", 3), ("m4", "the minister", "PERSON", "NOM", "e-ann"),
                ("m5", "Lee", "PERSON", "NAM", "e-ann", 4), ("m6", "she", "PERSON", "PRO", "e-ann")]
    return article("t-lee", LEE_TEXT, mentions, quotes=[("q1", "we agree", "direct", "said", "m1")])


def lee_speaker(speaker, mentions=()) -> float:
    s, e = at(LEE_TEXT, "we agree")
    pred = {"id": "t-lee", "quotes": [{"start": s, "end": e, "text": "we agree", "speaker": speaker}]}
    if mentions:
        pred["entities"] = {"mentions": list(mentions)}
    t = newsbench.evaluate([pred], gold=[lee_article()], tasks=["quotes"], bootstrap=0).tasks["quotes"]
    return t.counts["speaker.tp"]


def lee_mention(text: str, occurrence: int = 1) -> dict:
    s, e = at(LEE_TEXT, text, occurrence)
    return {"id": "p1", "start": s, "end": e, "text": text, "type": "PERSON"}


def test_a_speaker_span_that_is_a_gold_mention_is_judged_by_that_mention_only():
    # Bo Lee's "Lee": the text is also a NAM mention of Ann Lee's cluster, but the span says Bo
    assert lee_speaker("p1", [lee_mention("Lee", 3)]) == 0
    assert lee_speaker("p1", [lee_mention("Lee", 4)]) == 1          # Ann Lee's own "Lee"
    assert lee_speaker("p1", [lee_mention("she")]) == 1             # a pronoun mention of Ann's cluster, by span
    assert lee_speaker("p1", [{"id": "p1", "text": "Ann Lee", "type": "PERSON"}]) == 1   # anchored: a gold span


def test_a_text_speaker_is_compared_with_the_name_and_nam_mentions_only():
    assert lee_speaker({"text": "lee"}) == 1                 # a NAM mention text of Ann Lee's cluster
    assert lee_speaker({"text": "ANN  Lee"}) == 1            # the cluster's name
    assert lee_speaker({"text": "she"}) == 0                 # a pronoun of the cluster is no name
    assert lee_speaker({"text": "the minister"}) == 0        # nor is a nominal
    # a mention whose span is no gold mention is judged by its text, like a text speaker
    assert lee_speaker("p1", [lee_mention("Later Lee")]) == 0
    assert lee_speaker("p1", [lee_mention("Lee", 1)]) == 1     # the "Lee" inside "Ann Lee": no gold span


# -- text-only quotes: order, labels and duplicates (review 7) ---------------------------------------------------
def test_text_only_quotes_that_differ_in_kind_do_not_depend_on_order():
    text = 'Ada said "we will win" twice: "we will win".'
    from .scoring_fixtures import article

    gold = article("t-win", text, [("m1", "Ada", "PERSON", "NAM", "e1")],
                   quotes=[("q1", (10, 21), "direct", "said", "m1"), ("q2", (31, 42), "indirect", None, "m1")])
    quotes = [{"text": "we will win", "kind": "indirect", "speaker": {"text": "Ada"}},
              {"text": "we will win", "kind": "direct", "speaker": {"text": "Ada"}},
              {"text": "we will win", "kind": "mixed"}, {"text": "twice"}]
    results = set()
    for seed in range(8):
        shuffled = random.Random(seed).sample(quotes, len(quotes))
        t = newsbench.evaluate([{"id": "t-win", "quotes": shuffled}], gold=[gold], bootstrap=0).tasks["quotes"]
        results.add(tuple(sorted(t.scores.items())))
    assert len(results) == 1


def test_identical_text_only_quotes_count_once_and_are_reported():
    gold = seed_article()
    q = {"text": "the talks covered training", "kind": "indirect"}
    report = newsbench.evaluate([{"id": gold["id"], "quotes": [q, dict(q), {"text": "not in it", "kind": "direct"},
                                                               {"text": "not in it", "kind": "direct"}]}],
                                gold=[gold], tasks=["quotes"], bootstrap=0)
    c = report.tasks["quotes"].counts
    assert (c["pred"], c["exact"]) == (2, 1)          # one anchored, one unanchored: each counted once
    s, e = at(SEED_TEXT, "the talks covered training")
    assert report.duplicates == [
        {"id": gold["id"], "layer": "quotes", "start": s, "end": e, "label": "indirect", "copies": 2},
        {"id": gold["id"], "layer": "quotes", "start": None, "end": None, "label": "direct", "copies": 2,
         "text": "not in it"}]
    assert [(u["path"], u["text"]) for u in report.unanchored] == [("$.quotes[2]", "not in it")]
    spurious = [i for i in report.error_items() if i["error"] == "spurious"]
    assert [i["pred"] for i in spurious] == [{"start": None, "end": None, "text": "not in it", "kind": "direct"}]
