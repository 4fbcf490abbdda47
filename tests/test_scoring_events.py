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


def test_text_only_triggers_that_differ_in_type_do_not_depend_on_order():
    # "met" occurs once: both typed guesses take it, whichever comes first (review 7)
    events = [{"trigger": {"text": "met"}, "type": "Conflict:Attack",
               "arguments": [{"role": "Attacker", "text": "Munir"}]},
              {"trigger": {"text": "met"}, "type": "Contact:Meet",
               "arguments": [{"role": "Entity", "text": "Asim Munir"}, {"role": "Place", "text": "Rawalpindi"}]},
              {"trigger": {"text": "meet"}, "type": "Contact:Meet",
               "arguments": [{"role": "Place", "text": "Rawalpindi"}]},
              {"trigger": {"text": "said"}, "type": "Contact:Meet"}]
    base = events_scores(events)
    assert base["Trig-C.p"] == 0.5 and base["Trig-C.r"] == pytest.approx(2 / 3)
    for seed in range(8):
        assert events_scores(random.Random(seed).sample(events, len(events))) == base


def test_identical_text_only_events_count_once():
    ev = {"trigger": {"text": "talks"}, "type": "Contact:Meet", "arguments": []}
    gold = seed_article()
    report = newsbench.evaluate([{"id": gold["id"], "events": [ev, dict(ev), {"trigger": {"text": "zap"},
                                                                             "type": "Contact:Meet"}] * 2}],
                                gold=[gold], tasks=["events"], bootstrap=0)
    assert report.tasks["events"].counts["trig.pred"] == 2
    s, e = at(SEED_TEXT, "talks")
    assert report.duplicates == [
        {"id": gold["id"], "layer": "events", "start": s, "end": e, "label": "Contact:Meet", "copies": 4},
        {"id": gold["id"], "layer": "events", "start": None, "end": None, "label": "Contact:Meet", "copies": 2,
         "text": "zap"}]
    assert [u["path"] for u in report.unanchored] == ["$.events[2].trigger"]


def _walk(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def test_error_items_carry_spans_not_internal_keys():
    # review 8: no ("span", s, e) tuples, no "unanchored" markers, no made-up negative offsets
    events, mentions = worked_example()
    events = events + [{"trigger": {"text": "zap"}, "type": "Contact:Meet",
                        "arguments": [{"role": "Entity", "text": "nobody here"}]}]
    gold = seed_article()
    for coref in (False, True):
        report = newsbench.evaluate([{"id": gold["id"], "events": events, "entities": {"mentions": mentions}}],
                                    gold=[gold], tasks=["events"], argument_coref=coref, bootstrap=0)
        items = report.error_items()
        assert items
        for item in items:
            for side in ("gold", "pred"):
                if item[side] and "argument" in item[side]:
                    assert isinstance(item[side]["trigger"], dict) and isinstance(item[side]["argument"], dict)
            values = list(_walk(item))
            assert "unanchored" not in values and "span" not in values
            assert not any(isinstance(v, int) and not isinstance(v, bool) and v < 0 for v in values)
        zap = next(i for i in items if i["error"] == "spurious" and i["pred"]["text"] == "zap")
        assert zap["pred"] == {"start": None, "end": None, "text": "zap", "type": "Contact:Meet"}
        arg = next(i for i in items if i["error"] == "spurious argument" and i["pred"]["trigger"]["text"] == "zap")
        assert arg["pred"]["argument"] == {"start": None, "end": None, "text": "nobody here"}
        s, e = at(SEED_TEXT, "Army chiefs")
        missed = [i["gold"]["argument"] for i in items if i["error"] == "missed argument"]
        assert ({"entity": "e-chiefs"} if coref else {"start": s, "end": e, "text": "Army chiefs"}) not in missed
