"""`newsbench evaluate` and `newsbench compare` (issue 4): outputs, signatures, bad input, atomic writes."""
from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsbench
from newsbench.evaluate import SignatureMismatch, compare_reports
from newsbench.loading import version_dir
from newsbench.report import Signature
from .helpers import run_cli
from .scoring_fixtures import SEED_TEXT, article, as_prediction, at, seed_article, write_jsonl


def second_article() -> dict:
    text = "Ada Lovelace visited Turin in 1840. She met Babbage there."
    return article("t-0002", text, [("m1", "Ada Lovelace", "PERSON", "NAM", "e1"), ("m2", "Turin", "GPE", "NAM", "e2"),
                                    ("m3", "1840", "DATE", "NAM", "e3"), ("m4", "She", "PERSON", "PRO", "e1"),
                                    ("m5", "Babbage", "PERSON", "NAM", "e4")],
                   events=[("v1", "met", "Contact:Meet", [("Entity", "m4"), ("Entity", "m5")])],
                   frames=("other", ("other",)))


@pytest.fixture
def gold_file(tmp_path):
    return write_jsonl(tmp_path / "gold.jsonl", [seed_article(), second_article()])


def golds():
    return [seed_article(), second_article()]


def evaluate_json(*argv):
    code, out, err = run_cli("evaluate", *argv, "--json", "--bootstrap", "50")
    assert code == 0, err
    return json.loads(out), err


def test_gold_against_itself_prints_one_everywhere(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r) for r in golds()])
    report, _ = evaluate_json(preds, "--gold", gold_file, "--levels", "NAM,NOM,PRO")
    assert set(report["tasks"]) == {"entities", "quotes", "events", "frames", "coref"}
    for name, task in report["tasks"].items():
        assert all(v == 1.0 for v in task["headline"].values()), name
    code, out, _ = run_cli("evaluate", preds, "--gold", gold_file, "--bootstrap", "0")
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]   # "  metric  score  CI"
    assert code == 0 and len(rows) == sum(len(t["headline"]) for t in report["tasks"].values())
    assert all(r[1] == "1.0000" and r[2] == "-" for r in rows), out
    assert [r[0] for r in rows] == [k for t in report["tasks"].values() for k in t["headline"]]


def test_empty_predictions_give_recall_zero(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": r["id"]} for r in golds()])
    report, _ = evaluate_json(preds, "--gold", gold_file, "--tasks", "entities,quotes,events,frames")
    recalls = [v for t in report["tasks"].values() for k, v in t["scores"].items() if k.endswith(".r")]
    assert recalls and all(v == 0.0 for v in recalls if v is not None)   # None: a label absent on both sides
    assert all(v == 0.0 for t in report["tasks"].values() for k, v in t["headline"].items() if k.endswith(".r"))
    assert report["tasks"]["frames"]["scores"]["primary.accuracy"] == 0.0


def test_missing_article_is_predicted_empty_with_a_warning(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(seed_article(), ("entities",))])
    report, err = evaluate_json(preds, "--gold", gold_file)
    assert "1 gold article(s) have no prediction" in err and "t-0002" in err
    assert report["tasks"]["entities"]["scores"]["strict.micro.p"] == 1.0
    assert report["tasks"]["entities"]["scores"]["strict.micro.r"] < 1.0


def test_unknown_id_is_an_error_unless_lenient(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": "nope", "entities": {"mentions": []}}])
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file)
    assert code == 1 and f"{preds}:1: nope: $.id: no gold article with this id" in err
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file, "--lenient", "--bootstrap", "0")
    assert code == 0 and "skipped (--lenient)" in err


def _bad_lines():
    text = SEED_TEXT
    s, e = at(text, "Rawalpindi")
    ok = {"start": s, "end": e, "text": "Rawalpindi", "type": "GPE"}
    return {
        "malformed line": ('{"id": "t-0001", "entities": ', "$: not JSON"),
        "unknown label": ({"id": "t-0001", "entities": {"mentions": [{**ok, "type": "CITY"}]}},
                          "$.entities.mentions[0].type: unknown label 'CITY'"),
        "offsets out of range": ({"id": "t-0001", "entities": {"mentions": [{**ok, "start": 5000, "end": 5010}]}},
                                 "$.entities.mentions[0].start: offsets [5000, 5010) out of range"),
        "span text disagrees": ({"id": "t-0001", "entities": {"mentions": [{**ok, "text": "Islamabad"}]}},
                                "$.entities.mentions[0].text: span text 'Islamabad' != text["),
        "wrong type": ({"id": "t-0001", "entities": {"mentions": [{**ok, "start": str(s)}]}},
                       "$.entities.mentions[0].start: "),
        "unknown field": ({"id": "t-0001", "entities": {"mentions": [{**ok, "score": 0.9}]}},
                          "$.entities.mentions[0]: unknown field(s)"),
        "dangling speaker": ({"id": "t-0001", "quotes": [{"text": "the talks covered training", "speaker": "m99"}]},
                             "$.quotes[0].speaker: speaker 'm99' is not a predicted mention id"),
        "duplicate id": ([{"id": "t-0001"}, {"id": "t-0001"}], "$.id: duplicate prediction"),
        "wrong quote kind": ({"id": "t-0001", "quotes": [{"text": "the talks", "kind": "reported"}]},
                             "$.quotes[0].kind: unknown label 'reported'"),
    }


@pytest.mark.parametrize("case", sorted(_bad_lines()))
def test_bad_input_is_one_line_each_and_an_exit_code(tmp_path, gold_file, case):
    """1 for wrong data, 2 for a line that is not JSON: the rule `validate` follows."""
    content, expected = _bad_lines()[case]
    lines = content if isinstance(content, list) else [content]
    path = tmp_path / "p.jsonl"
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8")
    out_file = tmp_path / "report.json"
    code, out, err = run_cli("evaluate", path, "--gold", gold_file, "-o", out_file, "--errors", tmp_path / "e.jsonl")
    assert code == (2 if case == "malformed line" else 1), err
    assert expected in err, err
    line_no = len(lines)
    assert f"{path}:{line_no}: " in err and "Traceback" not in err
    assert out == "" and not out_file.exists() and not (tmp_path / "e.jsonl").exists()


def test_bad_input_from_the_real_command_has_no_traceback(tmp_path, gold_file):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "t-0001", "entities": {"mentions": [{"text": 3, "type": "GPE"}]}}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "newsbench", "evaluate", str(path), "--gold", str(gold_file)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{path}:1: t-0001: $.entities.mentions[0].text: " in proc.stderr


def test_bad_gold_is_reported_with_its_line(tmp_path):
    rec = seed_article()
    rec["entities"]["mentions"][1]["end"] = 10_000     # a NAM mention, so it is scored
    gold = write_jsonl(tmp_path / "gold.jsonl", [second_article(), rec])
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": "t-0002"}])
    code, _, err = run_cli("evaluate", preds, "--gold", gold, "--tasks", "entities")
    assert code == 1 and f"{gold}:2: t-0001:" in err and "gold:" in err and "Traceback" not in err


def test_report_is_never_half_written(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r) for r in golds()])
    out_file = tmp_path / "report.md"
    out_file.write_text("previous report\n")
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "t-0001", "frames": {"primary": "economy"}}])
    assert run_cli("evaluate", bad, "--gold", gold_file, "-o", out_file)[0] == 1
    assert out_file.read_text() == "previous report\n"
    code, out, _ = run_cli("evaluate", preds, "--gold", gold_file, "--markdown", "--per-type", "-o", out_file,
                           "--errors", tmp_path / "errors.jsonl", "--bootstrap", "0")
    assert code == 0 and out == ""
    assert out_file.read_text().startswith("**newsbench** `nb:") and "| type |" in out_file.read_text()
    assert (tmp_path / "errors.jsonl").read_text() == ""      # gold against itself: no errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "errors.jsonl", "gold.jsonl", "p.jsonl",
                                                          "report.md"]


def test_errors_file_lists_the_alignment(tmp_path, gold_file):
    rec = seed_article()
    pred = as_prediction(rec, ("entities",))
    ms = pred["entities"]["mentions"]
    ms[1] = {**ms[1], "type": "LOC"}                                   # type confusion
    ms[2] = {**ms[2], "start": ms[2]["start"] + 5, "text": ms[2]["text"][5:]}   # boundary
    del ms[3]                                                          # missed
    preds = write_jsonl(tmp_path / "p.jsonl", [pred, {"id": "t-0002"}])
    errors = tmp_path / "errors.jsonl"
    assert run_cli("evaluate", preds, "--gold", gold_file, "--errors", errors, "--bootstrap", "0")[0] == 0
    items = [json.loads(line) for line in errors.read_text().splitlines()]
    kinds = {(i["id"], i["error"]) for i in items}
    assert {("t-0001", "type"), ("t-0001", "boundary"), ("t-0001", "missed"), ("t-0002", "missed")} <= kinds
    confusion = next(i for i in items if i["error"] == "type")
    assert confusion["gold"]["type"] == "GPE" and confusion["pred"]["type"] == "LOC"


def test_signature_fields_and_comparability(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    report, _ = evaluate_json(preds, "--gold", gold_file, "--seed", "3")
    sig = Signature.parse(report["signature"])
    assert str(sig) == report["signature"]
    assert [k for k, _ in sig.fields] == ["nb", "corpus", "split", "tasks", "match", "levels", "map", "argcoref",
                                          "coref", "boot", "seed", "v"]
    # the gold's mentions name their clusters (`entity`): coreference is a predicted layer too
    assert sig.get("corpus").startswith("custom+sha.") and sig.get("tasks") == "entities,coref"
    assert sig.get("v") == newsbench.__version__ and sig.get("seed") == "3"
    other = Signature.parse(report["signature"].replace("boot:50", "boot:1000").replace("seed:3", "seed:9"))
    assert sig.comparable(other)
    assert sig.differences(Signature.parse(report["signature"].replace("levels:NAM", "levels:NAM,NOM"))) == \
        ["levels: NAM != NAM,NOM"]


def test_compare_two_systems(tmp_path, gold_file):
    good = write_jsonl(tmp_path / "good.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    worse = []
    for r in golds():
        p = copy.deepcopy(as_prediction(r, ("entities",)))
        p["entities"]["mentions"] = p["entities"]["mentions"][::2]
        worse.append(p)
    worse = write_jsonl(tmp_path / "worse.jsonl", worse)
    code, out, err = run_cli("compare", worse, good, "--gold", gold_file, "--json", "--bootstrap", "200",
                             "--trials", "200")
    assert code == 0, err
    result = json.loads(out)
    row = next(r for r in result["rows"] if r["metric"] == "strict.micro.r")
    # NAM recall: the worse system keeps 6 of the seed's 10 names and 3 of the other article's 4
    assert (row["baseline"], row["score"]) == (pytest.approx(9 / 14, abs=1e-6), 1.0)
    # approximate randomization: of the 4 equally likely swaps, 2 keep |d| = 5/14 and 2 give 3/14: p = 1/2
    assert abs(row["p_ar"] - 0.5) < 0.12
    # paired bootstrap: every resample has d* in {0.4, 5/14, 0.25}, whose spread around its mean (< 0.1)
    # never reaches the observed 5/14, so p is the smallest possible, 1/(resamples + 1)
    assert row["p_bootstrap"] == pytest.approx(1 / 201, abs=1e-6)
    code, out, _ = run_cli("compare", worse, good, "--gold", gold_file, "--bootstrap", "50", "--trials", "50")
    assert code == 0 and "p (approx. rand.)" in out


def test_compare_refuses_mismatched_signatures(tmp_path, gold_file):
    ents = write_jsonl(tmp_path / "a.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    more = write_jsonl(tmp_path / "b.jsonl", [as_prediction(r, ("entities", "quotes")) for r in golds()])
    code, _, err = run_cli("compare", ents, more, "--gold", gold_file, "--bootstrap", "10", "--trials", "10")
    assert code == 2 and "not comparable" in err and "tasks: entities,coref != entities,quotes,coref" in err
    a = newsbench.evaluate(ents, gold=gold_file, bootstrap=0)
    b = newsbench.evaluate(ents, gold=gold_file, levels=("NAM", "NOM"), bootstrap=0)
    with pytest.raises(SignatureMismatch):
        compare_reports([a, b], ["a", "b"])
    assert run_cli("compare", ents, "--gold", gold_file)[0] == 2


def first_release_with_same_file(version: str, split: str) -> str:
    """Signatures name the oldest release whose split has this content (so unchanged splits stay comparable)."""
    want = (version_dir(version) / f"{split}.jsonl").read_bytes()
    return next(v for v in newsbench.versions() if (version_dir(v) / f"{split}.jsonl").exists()
                and (version_dir(v) / f"{split}.jsonl").read_bytes() == want)


def test_bundled_corpus_gold_against_itself():
    version = newsbench.latest_version()
    for split in ("train", "validation", "test"):
        articles = newsbench.load(split, version)
        if articles:
            break
    else:
        pytest.skip("the bundled corpus has no articles yet")
    preds = [as_prediction(a.to_dict()) for a in articles]
    report = newsbench.evaluate(preds, split=split, version=version, levels=("NAM", "NOM", "PRO"), bootstrap=0)
    assert report.signature.get("corpus").startswith(f"{first_release_with_same_file(version, split)}+sha.")
    for name, task in report.tasks.items():
        assert all(task.scores[k] == 1.0 for k in task.headline
                   if not (name == "quotes" and "speaker" in k and not task.counts["speaker.gold"])), name


def test_progress_goes_to_stderr_only(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    code, out, err = run_cli("evaluate", preds, "--gold", gold_file, "--progress", "--json", "--bootstrap", "0")
    assert code == 0 and "newsbench: gold articles" in err
    json.loads(out)


def test_bad_options_exit_2(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": "t-0001"}])
    for argv in (("--tasks", "relations"), ("--schemes", "loose"), ("--levels", "NAME"), ("--bootstrap", "-1")):
        code, _, err = run_cli("evaluate", preds, "--gold", gold_file, *argv)
        assert code == 2 and err.startswith("newsbench evaluate: "), argv
    code, _, err = run_cli("evaluate", preds, "--gold", tmp_path / "missing.jsonl")
    assert code == 2 and "gold file not found" in err


# the fast check must never accept a line the schema rejects ------------------------------------
_VALUES = {
    "start": st.sampled_from([0, 4, -1, "0", 0.0, True, None]),
    "end": st.sampled_from([3, 7, 0, "3", 3.5, None]),
    "text": st.sampled_from(["Ada", "met", "", 5, None]),
    "type": st.sampled_from(["PERSON", "PER", "X", ["PERSON"]]),
    "level": st.sampled_from(["NAM", "XYZ", None, 1]),
    "id": st.sampled_from(["m1", "m2", "bad id", 3]),
    "entity": st.sampled_from(["e1", "-x"]),
    "score": st.just(0.5),
}
mention_dicts = st.dictionaries(st.sampled_from(sorted(_VALUES)), st.none(), min_size=0, max_size=6).flatmap(
    lambda keys: st.fixed_dictionaries({k: _VALUES[k] for k in keys}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mention_dicts, max_size=3))
def test_fast_path_accepts_only_schema_valid_lines(mentions):
    from newsbench.predictions import prepare
    from newsbench.validation import schema_problems

    rec = {"id": "a1", "entities": {"mentions": mentions}}
    pred, problems = prepare(copy.deepcopy(rec), "Ada met Bob")
    if list(schema_problems(rec, "prediction")):
        assert pred is None and problems
    if pred is not None:
        for m in mentions:
            if "start" in m:
                assert "Ada met Bob"[m["start"]:m["end"]] == m["text"]
        gold = article("a1", "Ada met Bob", [("g1", "Ada", "PERSON", "NAM", "e1"), ("g2", "Bob", "PERSON", "PRO", "e2")])
        report = newsbench.evaluate([rec], gold=[gold], levels="NAM,PRO", bootstrap=3)
        assert report.tasks["entities"].counts["strict"]["actual"] <= len(mentions)


def _fragments(values: dict):
    return st.dictionaries(st.sampled_from(sorted(values)), st.none(), max_size=len(values)).flatmap(
        lambda keys: st.fixed_dictionaries({k: values[k] for k in keys}))


_SPANS = st.sampled_from([{"text": "met"}, {"text": ""}, {"start": 4, "end": 7, "text": "met"}, {"start": 4},
                          "met", None])
quote_dicts = _fragments({
    "text": st.sampled_from(["met Bob", "", 3]), "start": st.sampled_from([4, "4"]), "end": st.sampled_from([11]),
    "kind": st.sampled_from(["direct", "reported"]), "cue": _SPANS,
    "speaker": st.sampled_from([None, "m1", "m9", {"text": "Ada"}, {"name": "Ada"}, 5]), "id": st.just("q1")})
argument_dicts = _fragments({"role": st.sampled_from(["Entity", "Boss"]), "mention": st.sampled_from(["m1", "m9", "x y"]),
                             "text": st.sampled_from(["Bob", ""]), "start": st.sampled_from([8, -2]),
                             "end": st.just(11)})
event_dicts = _fragments({"trigger": _SPANS, "type": st.sampled_from(["Contact:Meet", "Meet"]),
                          "realis": st.sampled_from(["actual", "maybe"]), "arguments": st.lists(argument_dicts, max_size=2)})
frame_dicts = _fragments({"primary": st.sampled_from(["political", "politics"]),
                          "labels": st.sampled_from([["political"], ["political", "political"], "political", [3]])})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(quote_dicts, max_size=2), st.lists(event_dicts, max_size=2), st.none() | frame_dicts)
def test_fast_path_accepts_only_schema_valid_layers(quotes, events, frames):
    from newsbench.predictions import prepare
    from newsbench.validation import schema_problems

    rec = {"id": "a1", "entities": {"mentions": [{"id": "m1", "start": 0, "end": 3, "text": "Ada", "type": "PERSON"}]},
           "quotes": quotes, "events": events}
    if frames is not None:
        rec["frames"] = frames
    pred, problems = prepare(copy.deepcopy(rec), "Ada met Bob")
    if list(schema_problems(rec, "prediction")):
        assert pred is None and problems
    if pred is not None:     # and whatever is accepted scores without an error
        gold = article("a1", "Ada met Bob", [("g1", "Ada", "PERSON", "NAM", "e1"), ("g2", "Bob", "PERSON", "NAM", "e2")],
                       quotes=[("q1", "met Bob", "indirect", None, "g1")],
                       events=[("v1", "met", "Contact:Meet", [("Entity", "g1"), ("Entity", "g2")])])
        report = newsbench.evaluate([rec], gold=[gold], tasks=["entities", "quotes", "events", "frames"], bootstrap=3)
        report.errors_jsonl()


def test_a_corpus_file_is_a_prediction_file(tmp_path, gold_file):
    report, _ = evaluate_json(gold_file, "--gold", gold_file, "--levels", "NAM,NOM,PRO")
    assert all(v == 1.0 for t in report["tasks"].values() for v in t["headline"].values())
    other = seed_article()
    other["text"] = other["text"].replace("Tuesday", "Monday")
    preds = write_jsonl(tmp_path / "p.jsonl", [other])
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file)
    assert code == 1 and f"{preds}:1: t-0001: $.text: differs from the gold article's text" in err


# -- bad gold: every problem, one line each, at its exact path (review 2) -------------------------------------------
def test_bad_gold_layers_are_all_reported_with_exact_paths(tmp_path):
    rec = seed_article()
    rec["quotes"][0]["start"] = -5
    rec["quotes"][1]["end"] = 10_000                     # an oversized end is reported at .end
    rec["quotes"][2]["kind"] = "reported"
    rec["quotes"][3]["cue"]["end"] = 10_000
    rec["quotes"][3]["text"] = "x" * 5000                # a huge value is not repeated whole
    rec["events"][0]["trigger"]["start"] = "5"
    rec["events"][1]["trigger"]["end"] = 10_000
    rec["frames"]["labels"] = ["security_and_defense", "politics"]
    rec["entities"]["mentions"][2]["level"] = "NAME"       # not silently left out of the NAM mentions
    other = second_article()
    other["frames"]["primary"] = "not_a_frame"
    other["entities"]["mentions"][4]["end"] = 10_000     # Babbage (NAM): scored, so checked
    gold = write_jsonl(tmp_path / "gold.jsonl", [other, rec])
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": "t-0001"}])
    code, out, err = run_cli("evaluate", preds, "--gold", gold, "-o", tmp_path / "r.json")
    assert code == 1 and out == "" and "Traceback" not in err and not (tmp_path / "r.json").exists()
    expected = [f"{gold}:1: t-0002: $.entities.mentions[4].end: gold: offsets [",
                f"{gold}:1: t-0002: $.frames.primary: gold: unknown frame 'not_a_frame'",
                f"{gold}:2: t-0001: $.entities.mentions[2].level: gold: unknown mention level 'NAME'",
                f"{gold}:2: t-0001: $.quotes[0].start: gold: offsets [-5, ",
                f"{gold}:2: t-0001: $.quotes[1].end: gold: offsets [",
                f"{gold}:2: t-0001: $.quotes[2].kind: gold: unknown quote kind 'reported'",
                f"{gold}:2: t-0001: $.quotes[3].cue.end: gold: offsets [",
                f"{gold}:2: t-0001: $.quotes[3].text: gold: span text 'xxx",
                f"{gold}:2: t-0001: $.events[0].trigger.start: gold: offset must be an integer, not '5'",
                f"{gold}:2: t-0001: $.events[1].trigger.end: gold: offsets [",
                f"{gold}:2: t-0001: $.frames.labels[1]: gold: unknown frame 'politics'"]
    lines = err.splitlines()
    for start in expected:
        assert sum(line.startswith(start) for line in lines) == 1, (start, err)
    assert lines[-1] == f"newsbench evaluate: {len(expected)} problem(s); nothing scored"
    assert [next(i for i, line in enumerate(lines) if line.startswith(e)) for e in expected] == \
        list(range(len(expected)))          # in file order, and in record order within a line
    assert max(map(len, lines)) < 300


def test_bad_gold_mention_offsets_name_every_mention_by_its_index(tmp_path):
    rec = seed_article()
    rec["entities"]["mentions"][4]["end"] = 10_000      # m5, NAM; m1 (index 0) is NOM and not scored at NAM
    rec["entities"]["mentions"][10]["start"] = -1       # m11, NAM
    rec["entities"]["mentions"][0]["start"] = -3        # m1, NOM: not scored unless NOM is
    gold = write_jsonl(tmp_path / "gold.jsonl", [rec])
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": "t-0001"}])
    code, _, err = run_cli("evaluate", preds, "--gold", gold, "--tasks", "entities")
    assert code == 1 and "Traceback" not in err
    assert [line.split(": gold:")[0] for line in err.splitlines()[:-1]] == [
        f"{gold}:1: t-0001: $.entities.mentions[4].end", f"{gold}:1: t-0001: $.entities.mentions[10].start"]
    code, _, err = run_cli("evaluate", preds, "--gold", gold, "--tasks", "entities", "--levels", "NAM,NOM")
    assert code == 1 and f"{gold}:1: t-0001: $.entities.mentions[0].start: gold: offsets [-3, " in err


def test_prediction_messages_clip_huge_values_and_name_the_end(tmp_path, gold_file):
    s, _ = at(SEED_TEXT, "Rawalpindi")
    huge = "y" * 10_000
    lines = [{"id": "t-0001", "entities": {"mentions": [{"start": s, "end": 100_000, "text": "Rawalpindi",
                                                         "type": "GPE"}]}},
             {"id": "t-0002", "entities": {"mentions": [{"start": 0, "end": 3, "text": huge, "type": "PERSON"}]}}]
    preds = write_jsonl(tmp_path / "p.jsonl", lines)
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file)
    assert code == 1
    assert f"{preds}:1: t-0001: $.entities.mentions[0].end: offsets [{s}, 100000) out of range" in err
    assert f"{preds}:2: t-0002: $.entities.mentions[0].text: span text 'yyy" in err
    assert max(map(len, err.splitlines())) < 300


# -- compare: zero resamples or trials is a usage error (review 4) ---------------------------------------------------
def test_compare_refuses_zero_resamples_and_trials(tmp_path, gold_file):
    a = write_jsonl(tmp_path / "a.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    for option in ("--bootstrap", "--trials"):
        code, out, err = run_cli("compare", a, a, "--gold", gold_file, option, "0")
        assert code == 2 and out == "" and "Traceback" not in err
        assert err.startswith(f"newsbench compare: {option} must be at least 1"), err
    with pytest.raises(ValueError, match="bootstrap >= 1"):
        newsbench.compare([a, a], gold=gold_file, bootstrap=0)
    with pytest.raises(ValueError, match="trials >= 1"):
        newsbench.compare([a, a], gold=gold_file, trials=0)


# -- writing outputs: all or nothing, the user's names, normal permissions (review 5) --------------------------------
def test_errors_and_output_must_be_two_files(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r) for r in golds()])
    same = tmp_path / "out.json"
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file, "-o", same, "--errors", tmp_path / "." / "out.json")
    assert code == 2 and "--errors and -o both name" in err and not same.exists()


def test_outputs_are_written_all_or_nothing_and_errors_name_the_option(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r) for r in golds()])
    blocked = tmp_path / "report"
    blocked.mkdir()                                  # -o cannot be written: it is a folder
    errors = tmp_path / "errors.jsonl"
    code, out, err = run_cli("evaluate", preds, "--gold", gold_file, "-o", blocked, "--errors", errors,
                             "--bootstrap", "0")
    assert code == 2 and out == ""
    assert err.startswith(f"newsbench evaluate: -o {blocked}: cannot write") and ".tmp" not in err, err
    assert not errors.exists()                       # nothing written: not the errors file alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl", "p.jsonl", "report"]
    assert list(blocked.iterdir()) == []
    errors.mkdir()                                   # and the other way round
    code, _, err = run_cli("evaluate", preds, "--gold", gold_file, "-o", tmp_path / "r.json", "--errors", errors,
                           "--bootstrap", "0")
    assert code == 2 and err.startswith(f"newsbench evaluate: --errors {errors}: cannot write")
    assert not (tmp_path / "r.json").exists()


def test_output_files_get_normal_permissions(tmp_path, gold_file):
    import os
    import stat

    from newsbench.outputs import write_text

    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r) for r in golds()])
    old = os.umask(0o027)
    try:
        code, _, err = run_cli("evaluate", preds, "--gold", gold_file, "-o", tmp_path / "r.json", "--errors",
                               tmp_path / "e.jsonl", "--bootstrap", "0")
        write_text(tmp_path / "a.txt", "x\n")
    finally:
        os.umask(old)
    assert code == 0, err
    for name in ("r.json", "e.jsonl", "a.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name


# -- empty layers: n/a, not 0 and not 1 (review 6) -----------------------------------------------------------------
def test_gold_without_quotes_or_events_against_itself(tmp_path):
    arts = golds()
    for a in arts:
        a["quotes"], a["events"] = [], []
    gold = write_jsonl(tmp_path / "gold.jsonl", arts)
    code, out, err = run_cli("evaluate", gold, "--gold", gold, "--json", "--bootstrap", "30")
    assert code == 0, err
    report = json.loads(out)
    assert set(report["tasks"]) == {"entities", "quotes", "events", "frames", "coref"}
    for name in ("entities", "frames"):
        assert all(v == 1.0 for v in report["tasks"][name]["headline"].values()), name
        assert all(ci == [1.0, 1.0] for ci in report["tasks"][name]["intervals"].values() if ci is not None), name
    for name in ("quotes", "events"):
        task = report["tasks"][name]
        assert task["headline"] and all(v is None for v in task["headline"].values()), name
        assert all(task["intervals"][k] is None for k in task["headline"]), name
        assert f"warning: {name}: {len(task['headline'])} number(s) n/a" in err
    code, out, _ = run_cli("evaluate", gold, "--gold", gold, "--bootstrap", "0")
    rows = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert len(rows) == sum(len(t["headline"]) for t in report["tasks"].values())
    assert {r[1] for r in rows} == {"1.0000", "n/a"} and all(r[2] == "-" for r in rows)
    assert {r[0] for r in rows if r[1] == "n/a"} == {k for n in ("quotes", "events")
                                                     for k in report["tasks"][n]["headline"]}


# -- the signature: content, not how the gold was given; settings in canonical order (review 9) --------------------
def test_the_same_gold_gives_the_same_signature_however_it_is_given(tmp_path):
    from newsbench.loading import version_dir

    version = newsbench.latest_version()
    split = next(s for s in ("test", "validation", "train") if newsbench.load(s, version))
    articles = newsbench.load(split, version)
    preds = [as_prediction(a.to_dict(), ("entities",)) for a in articles]
    shuffled_keys = [dict(reversed(list(a.to_dict().items()))) for a in articles]
    sigs = {str(newsbench.evaluate(preds, bootstrap=0, **how).signature) for how in (
        {"split": split, "version": version}, {"gold": version_dir(version) / f"{split}.jsonl"},
        {"gold": articles}, {"gold": shuffled_keys})}
    assert len(sigs) == 1
    sig = Signature.parse(sigs.pop())
    assert sig.get("corpus").startswith(f"{first_release_with_same_file(version, split)}+sha.")
    assert sig.get("split") == split
    # a custom gold: the file, the list, and the same records written differently
    recs = golds()
    a = write_jsonl(tmp_path / "a.jsonl", recs)
    b = tmp_path / "b.jsonl"
    b.write_text("".join(json.dumps(dict(reversed(list(r.items()))), indent=None) + "\n\n" for r in recs))
    p = [as_prediction(r, ("entities",)) for r in recs]
    sigs = {str(newsbench.evaluate(p, gold=g, bootstrap=0).signature) for g in (a, b, recs)}
    assert len(sigs) == 1 and "|corpus:custom+sha." in sigs.pop()


def test_schemes_and_levels_are_sorted_and_deduplicated_in_the_signature(tmp_path, gold_file):
    preds = write_jsonl(tmp_path / "p.jsonl", [as_prediction(r, ("entities",)) for r in golds()])
    one, _ = evaluate_json(preds, "--gold", gold_file, "--schemes", "type,exact,strict,exact",
                           "--levels", "PRO,NAM,PRO")
    two, _ = evaluate_json(preds, "--gold", gold_file, "--schemes", "strict,exact,type", "--levels", "NAM,PRO")
    assert one["signature"] == two["signature"] and one["tasks"] == two["tasks"]
    assert "|match:strict,exact,type|levels:NAM,PRO|" in one["signature"]


@pytest.mark.parametrize("split", ["train", "validation", "test"])
def test_the_released_gold_against_itself_is_one_or_na_never_zero(split):
    """A number with nothing on either side (a frame absent from a split) is n/a, not 0.0."""
    gold = newsbench.load(split)
    report = json.loads(newsbench.evaluate([a.to_dict() for a in gold], split=split, bootstrap=0,
                                           tasks=["entities", "quotes", "events", "frames"]).to_json(per_type=True))
    values = {f"{t}.{k}": v for t, task in report["tasks"].items() for k, v in task["scores"].items()}
    assert values and {v for v in values.values()} <= {1.0, None}, {k: v for k, v in values.items() if v not in (1.0, None)}
