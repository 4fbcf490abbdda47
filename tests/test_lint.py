"""`newsbench lint`: each rule fires on a record that breaks it and stays quiet on the repaired record."""
from __future__ import annotations

import json

import pytest

from newsbench.lint import RULES, lint, lint_record

from .helpers import run_cli
from .scoring_fixtures import article, seed_article, write_jsonl


# rule id -> (a record that breaks the rule, the same case done by the guidelines)
CASES = {
    "span-word-boundary": (
        article("t-1", "A fault in a second-stage valve.", [("m1", "second", "ORDINAL", "NAM", "e1")]),
        article("t-1", "A fault in a second-stage valve.", [("m1", "second-stage", "ORDINAL", "NAM", "e1")])),
    "span-tight": (
        article("t-1", "They met on Tuesday.", [("m1", "Tuesday.", "DATE", "NAM", "e1")]),
        article("t-1", "They met on Tuesday.", [("m1", "Tuesday", "DATE", "NAM", "e1")])),
    "no-leading-the": (
        article("t-1", "He visited the Hague office.", [("m1", "the Hague", "GPE", "NAM", "e1")]),
        article("t-1", "He visited the Hague office.", [("m1", "Hague", "GPE", "NAM", "e1")])),
    "value-no-preposition": (
        article("t-1", "The vote was held on Tuesday night.", [("m1", "on Tuesday night", "TIME", "NAM", "e1")]),
        article("t-1", "The vote was held on Tuesday night.", [("m1", "Tuesday night", "TIME", "NAM", "e1")])),
    "value-keeps-approximator": (
        article("t-1", "It cost about $40 million.", [("m1", "$40 million", "MONEY", "NAM", "e1")]),
        article("t-1", "It cost about $40 million.", [("m1", "about $40 million", "MONEY", "NAM", "e1")])),
    "date-keeps-modifier": (
        article("t-1", "Prices rose over the last eight years.", [("m1", "eight years", "DATE", "NAM", "e1")]),
        article("t-1", "Prices rose over the last eight years.", [("m1", "last eight years", "DATE", "NAM", "e1")])),
    "no-cardinal-inside-nom": (
        article("t-1", "The two nations met.", [("m1", "The two nations", "GPE", "NOM", "e1"),
                                                 ("m2", "two", "CARDINAL", "NAM", "e2")]),
        article("t-1", "The two nations met.", [("m1", "The two nations", "GPE", "NOM", "e1")])),
    "quote-no-final-comma": (
        article("t-1", '"We will win," Ana said.', [("m1", "Ana", "PERSON", "NAM", "e1")],
                quotes=[("q1", "We will win,", "direct", "said", "m1")]),
        article("t-1", '"We will win," Ana said.', [("m1", "Ana", "PERSON", "NAM", "e1")],
                quotes=[("q1", "We will win", "direct", "said", "m1")])),
    "speaker-nearest": (
        article("t-1", 'Ana Ruiz said "Go." She left, and her bag stayed. "Stop."',
                [("m1", "Ana Ruiz", "PERSON", "NAM", "e1"), ("m2", "She", "PERSON", "PRO", "e1"),
                 ("m3", "her", "PERSON", "PRO", "e1")],
                quotes=[("q1", "Go.", "direct", "said", "m1"), ("q2", "Stop.", "direct", None, "m2")]),
        article("t-1", 'Ana Ruiz said "Go." She left, and her bag stayed. "Stop."',
                [("m1", "Ana Ruiz", "PERSON", "NAM", "e1"), ("m2", "She", "PERSON", "PRO", "e1"),
                 ("m3", "her", "PERSON", "PRO", "e1")],
                quotes=[("q1", "Go.", "direct", "said", "m1"), ("q2", "Stop.", "direct", None, "m3")])),
    "no-date-of-birth-event": (
        article("t-1", "Her date of birth was wrong.", events=[("v1", "birth", "Life:Be-Born", [])]),
        article("t-1", "Her date of birth was wrong.")),
    "no-scheduled-transport": (
        article("t-1", "The airline cut scheduled flights to Oslo.",
                events=[("v1", "flights", "Movement:Transport", [])]),
        article("t-1", "The airline cut scheduled flights to Oslo.")),
    "no-reporting-trigger": (
        article("t-1", "Ministers said the plan would pass.", events=[("v1", "said", "Contact:Meet", [])]),
        article("t-1", "Ministers said the plan would pass.")),
    "trigger-one-word": (
        article("t-1", "She took charge of the unit.", events=[("v1", "took charge", "Personnel:Start-Position", [])]),
        article("t-1", "She took over the unit.", events=[("v1", "took over", "Personnel:Start-Position", [])])),
}


def test_every_rule_has_a_case():
    assert {r.id for r in RULES} == set(CASES)


@pytest.mark.parametrize("rule_id", CASES)
def test_rule_fires_on_a_breaking_record_and_not_on_the_fixed_one(rule_id):
    broken, fixed = CASES[rule_id]
    assert [r.id for r, _, _ in lint_record(broken)] == [rule_id]
    assert list(lint_record(fixed)) == []


def test_name_inside_a_hyphenated_word_is_allowed():
    rec = article("t-1", "Pakistan-Bangladesh ties improved.", [("m1", "Pakistan", "GPE", "NAM", "e1"),
                                                                   ("m2", "Bangladesh", "GPE", "NAM", "e2")])
    assert list(lint_record(rec)) == []


def test_approximators_and_abbreviations_are_not_findings():
    rec = article("t-1", "It lasted at least six years at Acme Inc. and about next year nothing.",
                  [("m1", "at least six years", "DATE", "NAM", "e1"), ("m2", "Acme Inc.", "ORG", "NAM", "e2"),
                   ("m3", "next year", "DATE", "NAM", "e3")])
    assert list(lint_record(rec)) == []


def test_prepositions_possessives_and_two_particle_verbs_are_not_findings():
    rec = article("t-1", "The motion is not about 1 minister. She lost most of this season's contracts. "
                         "She came back down.", [("m1", "1", "CARDINAL", "NAM", "e1"),
                                                 ("m2", "this season", "DATE", "NAM", "e2")],
                  events=[("v1", "came back down", "Movement:Transport", [])])
    assert list(lint_record(rec)) == []


def test_a_birth_date_is_no_event_but_a_founding_date_keeps_its_event():
    rec = article("t-1", "Her birth date was wrong.", events=[("v1", "birth", "Life:Be-Born", [])])
    assert [r.id for r, _, _ in lint_record(rec)] == ["no-date-of-birth-event"]
    rec = article("t-1", "It gave the founding date as 2001.", events=[("v1", "founding", "Business:Start-Org", [])])
    assert list(lint_record(rec)) == []


def test_a_rise_up_to_a_value_is_not_a_bound():
    rec = article("t-1", "Net debt went up to £164m.", [("m1", "£164m", "MONEY", "NAM", "e1")])
    assert list(lint_record(rec)) == []
    rec = article("t-1", "It could cost up to £164m.", [("m1", "£164m", "MONEY", "NAM", "e1")])
    assert [r.id for r, _, _ in lint_record(rec)] == ["value-keeps-approximator"]


def test_specific_flights_are_trips():
    rec = article("t-1", "Replacing them required helicopter flights.",
                  events=[("v1", "flights", "Movement:Transport", [])])
    assert list(lint_record(rec)) == []


def test_a_verb_last_is_not_a_date_modifier():
    rec = article("t-1", "The battery is designed to last eight years.", [("m1", "eight years", "DATE", "NAM", "e1")])
    assert list(lint_record(rec)) == []


def test_the_seed_like_fixture_is_clean():
    assert list(lint_record(seed_article())) == []


def test_cli_exit_codes_and_rule_ids(tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", [CASES["span-tight"][0]])
    good = write_jsonl(tmp_path / "good.jsonl", [CASES["span-tight"][1]])
    code, out, err = run_cli("lint", bad)
    assert code == 1 and "[L1 span-tight]" in out and f"{bad}:1: t-1: $.entities.mentions[0]" in out
    code, out, err = run_cli("lint", good)
    assert code == 0 and out == ""
    code, out, _ = run_cli("lint", bad, "--json")
    assert json.loads(out)[0]["rule"] == "span-tight"
    code, _, err = run_cli("lint", tmp_path / "missing.jsonl")
    assert code == 2 and "file not found" in err
    code, _, err = run_cli("lint", bad, "--rules", "no-such-rule")
    assert code == 2 and "unknown rule" in err


def test_lint_builds_annotation_sheets(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "text" / "x-1.txt").write_text("id: x-1\ntitle: T\npublished: 2025-01-01\ngenre: brief\n"
                                               "domain: courts_crime\n---\nThey met on Tuesday.\n")
    (tmp_path / "gold" / "x-1.yaml").write_text("id: x-1\nmentions:\n  - {text: on Tuesday, type: DATE}\n"
                                                "frames: {primary: political, labels: [political]}\n")
    findings, problems = lint(tmp_path / "gold")
    assert problems == [] and [f.rule for f in findings] == ["value-no-preposition"]


def test_the_gold_sheets_follow_the_checkable_guidelines():
    """CI runs lint over every gold sheet: the gold passes its own guidelines."""
    from pathlib import Path

    findings, problems = lint(Path(__file__).resolve().parents[1] / "annotations" / "gold")
    assert problems == []
    assert [str(f) for f in findings] == []
