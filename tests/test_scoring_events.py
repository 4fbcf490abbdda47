"""Event scoring (issue 4): hand-worked Trig-I/C, Arg-I/C and attached variants, and coreferent arguments."""
from __future__ import annotations

import random

import pytest

import newsbench
from newsbench.metrics.events import EventMetric, EventOptions, doc_stats
from .scoring_fixtures import SEED_TEXT, as_prediction, at, seed_article

# Gold (seed_article): "meet" Contact:Meet [Entity: Army chiefs, Place: Rawalpindi#1];
# "met" Contact:Meet [Entity: Asim Munir, Entity: Kamrul Hassan, Place: Rawalpindi#2, Time: Tuesday]; "talks" [].


def trigger(text: str, etype: str, args=(), occurrence: int = 1) -> dict:
    s, e = at(SEED_TEXT, text, occurrence)
    return {"trigger": {"start": s, "end": e, "text": text}, "type": etype, "arguments": list(args)}


def events_scores(events, mentions=(), **options) -> dict:
    gold = seed_article()
    pred = {"id": gold["id"], "events": events}
    if mentions:
        pred["entities"] = {"mentions": list(mentions)}
    return newsbench.evaluate([pred], gold=[gold], tasks=["events"], bootstrap=0, **options).tasks["events"].scores


def worked_example():
    s, e = at(SEED_TEXT, "Rawalpindi")
    mentions = [{"id": "p-rwp", "start": s, "end": e, "text": "Rawalpindi", "type": "GPE"}]
    events = [
        trigger("meet", "Contact:Meet", [{"role": "Entity", "text": "Army chiefs"},
                                         {"role": "Destination", "mention": "p-rwp"}]),      # role wrong
        trigger("met", "Conflict:Attack", [{"role": "Attacker", "text": "Asim Munir"}]),      # type wrong
        trigger("talks", "Contact:Meet", [{"role": "Entity", "text": "Kamrul Hassan"}]),      # wrong event
        trigger("said", "Contact:Phone-Write"),                                              # spurious
    ]
    return events, mentions


def test_worked_example():
    s = events_scores(*worked_example())
    assert (s["Trig-I.p"], s["Trig-I.r"]) == (0.75, 1.0)
    assert (s["Trig-C.p"], s["Trig-C.r"]) == (0.5, pytest.approx(2 / 3))
    # 4 predicted arguments, 6 gold
    assert (s["Arg-I.p"], s["Arg-I.r"]) == (0.75, 0.5)          # Army chiefs, Rawalpindi, Kamrul Hassan
    assert (s["Arg-C.p"], s["Arg-C.r"]) == (0.5, pytest.approx(2 / 6))   # not Rawalpindi (role)
    assert (s["Arg-I+.p"], s["Arg-I+.r"]) == (0.5, pytest.approx(2 / 6))  # not Kamrul Hassan (trigger)
    assert (s["Arg-C+.p"], s["Arg-C+.r"]) == (0.25, pytest.approx(1 / 6))


def test_argument_through_a_coreferent_mention():
    s, e = at(SEED_TEXT, "Munir", 2)          # "Munir said", same cluster as the gold argument "Asim Munir"
    events = [trigger("met", "Contact:Meet", [{"role": "Entity", "start": s, "end": e, "text": "Munir"}])]
    assert events_scores(events)["Arg-C.p"] == 0.0
    assert events_scores(events, argument_coref=True)["Arg-C+.p"] == 1.0


def test_gold_against_itself_is_one_everywhere():
    rec = seed_article()
    for coref in (False, True):
        scores = newsbench.evaluate([as_prediction(rec)], gold=[rec], tasks=["events"], argument_coref=coref,
                                    bootstrap=20).tasks["events"].scores
        assert all(v == 1.0 for v in scores.values())


def test_duplicate_events_count_once_and_order_does_not_matter():
    events, mentions = worked_example()
    base = events_scores(events, mentions)
    assert events_scores(events + [events[0]], mentions) == base
    gold = seed_article()
    pred = {"id": gold["id"], "events": events + [events[0]], "entities": {"mentions": mentions}}
    dups = newsbench.evaluate([pred], gold=[gold], bootstrap=0).duplicates
    assert {(d["layer"], d["label"], d["copies"]) for d in dups} == {
        ("events", "Contact:Meet", 2), ("events.arguments", "Entity", 2), ("events.arguments", "Destination", 2)}
    for seed in range(5):
        assert events_scores(random.Random(seed).sample(events, len(events)), mentions) == base


def test_empty_prediction_has_recall_zero():
    s = events_scores([])
    assert all(s[f"{m}.r"] == 0.0 for m in ("Trig-I", "Trig-C", "Arg-I", "Arg-C", "Arg-I+", "Arg-C+"))


def test_doc_stats_row():
    rec = seed_article()
    row = doc_stats(rec, as_prediction(rec), EventOptions(argument_coref=True))
    assert EventMetric().corpus_score(row[None, :])["Arg-C+.f1"] == 1.0
