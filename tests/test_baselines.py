"""Baselines, the plug-in interface and the leaderboard (issue 6)."""
from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

import newsbench
import newsbench.baselines
from newsbench.leaderboard import frames_against_majority, load_reports, run
from newsbench.systems import PredictionError, run_system

from .helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
BOARD = REPO / "docs" / "leaderboard"
F1 = {"entities": "strict.micro.f1", "quotes": "content.overlap.f1", "events": "Trig-C.f1", "frames": "labels.micro.f1"}


@pytest.fixture(scope="module")
def rules_report():
    preds = run_system(newsbench.baselines.get_baseline("rules")(), split="test")
    return newsbench.evaluate(preds, split="test", bootstrap=0)


def test_rules_baseline_scores_above_zero_and_below_gold_on_every_task(rules_report):
    gold = newsbench.evaluate([a.to_dict() for a in newsbench.load("test")], split="test", bootstrap=0)
    for task, key in F1.items():
        assert 0 < rules_report.score(task, key) < gold.score(task, key) == 1.0, task


@pytest.mark.parametrize("name", ["rules", "majority-frames", "tfidf-frames"])
def test_each_baseline_runs_from_the_cli(tmp_path, name):
    out = tmp_path / f"{name}.jsonl"
    code, _, err = run_cli("baseline", name, "--split", "validation", "-o", out)
    assert code == 0, err
    preds = [json.loads(x) for x in out.read_text().splitlines()]
    assert [p["id"] for p in preds] == [a.id for a in newsbench.load("validation")]
    code, _, err = run_cli("evaluate", out, "--split", "validation", "--bootstrap", "0")
    assert code == 0, err


def test_tfidf_frames_is_deterministic_and_beats_the_majority_on_validation():
    train, val = newsbench.load("train"), newsbench.load("validation")
    get = newsbench.baselines.get_baseline
    tf1 = run_system(get("tfidf-frames")(train=train, validation=val), split="validation")
    tf2 = run_system(get("tfidf-frames")(train=train, validation=val), split="validation")
    maj = run_system(get("majority-frames")(train=train), split="validation")
    assert tf1 == tf2
    f1 = lambda p: newsbench.evaluate(p, split="validation", bootstrap=0).score("frames", "labels.micro.f1")
    assert f1(tf1) > f1(maj)


def test_spacy_baseline_with_a_blank_pipeline_and_an_entity_ruler():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Pakistan"}, {"label": "GPE", "pattern": "Bangladesh"}])
    system = newsbench.baselines.get_baseline("spacy")(nlp=nlp)
    preds = run_system(system, split="train", version="0.1")
    assert {m["text"] for m in preds[0]["entities"]["mentions"]} == {"Pakistan", "Bangladesh"}
    report = newsbench.evaluate(preds, split="train", version="0.1", bootstrap=0)
    # every predicted span is a whole-word "Pakistan"/"Bangladesh"; the few inside longer names
    # ("Pakistan Army", "East Pakistan") are the only false positives
    text = newsbench.load("train", version="0.1")[0].text
    inside_names = text.count("Pakistan Army") + text.count("East Pakistan")
    n = len(preds[0]["entities"]["mentions"])
    assert report.score("entities", "strict.micro.p") == pytest.approx((n - inside_names) / n)


def test_spacy_baseline_without_a_model_is_a_clear_error():
    code, _, err = run_cli("baseline", "spacy", "--split", "validation")
    assert code == 2 and "--model" in err and "Traceback" not in err


def test_plug_in_accepts_a_function_or_a_class_and_rejects_bad_output():
    class Echo:
        def predict(self, article):
            return {"frames": {"primary": "political", "labels": ["political"]}}
    assert len(run_system(Echo(), split="validation")) == len(newsbench.load("validation"))
    with pytest.raises(PredictionError, match=r"\$\.entities"):
        run_system(lambda a: {"entities": {"mentions": [{"text": "x", "type": "PER"}]}}, split="validation")


def test_the_example_system_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(REPO / "examples" / "my_system.py"), run_name="__main__")
    assert (tmp_path / "my_system.validation.jsonl").exists()


# -- leaderboard -------------------------------------------------------------------------------------
def test_leaderboard_page_shows_every_report_with_intervals_and_signature():
    from newsbench import docsgen
    reports = load_reports(BOARD)
    assert {r["system"] for r in reports} >= {"rules", "majority-frames", "tfidf-frames", "spacy"}
    page = docsgen.generated_block("leaderboard", REPO / "docs")
    from newsbench.leaderboard import COLUMNS
    for r in reports:
        assert r["report"]["signature"] in page
        split = r["report"]["settings"]["split"]
        section = page.split(f"## {split.capitalize()} split")[1].split("\n## ")[0]
        for task_name, task in r["report"]["tasks"].items():
            row = next(ln for ln in section.split(f"### {task_name}")[1].splitlines() if ln.startswith(f"| {r['system']} |"))
            for key in COLUMNS.get(task_name, task["headline"]):
                lo, hi = task["intervals"][key]
                assert f"**{task['headline'][key]:.3f}**<br><small>[{lo:.3f}, {hi:.3f}]</small>" in row, (r["system"], key)
        # the signature names the oldest release whose split has the newest release's content
        newest = (newsbench.loading.version_dir(None) / f"{split}.jsonl").read_bytes()
        first = next(v for v in newsbench.versions()
                     if (newsbench.loading.version_dir(v) / f"{split}.jsonl").read_bytes() == newest)
        assert r["report"]["settings"]["corpus"].startswith(first + "+")
        for task in r["report"]["tasks"].values():
            for key, value in task["headline"].items():
                lo, hi = task["intervals"][key]
                assert lo <= value <= hi
    assert frames_against_majority(reports) in page


def test_leaderboard_reports_are_reproduced_by_the_command(tmp_path):
    run(tmp_path, systems=["rules", "majority-frames", "tfidf-frames"], bootstrap=1000)
    for fresh in load_reports(tmp_path):
        kept = json.loads((BOARD / f"{fresh['system']}.{fresh['report']['settings']['split']}.json").read_text())
        assert fresh["report"]["signature"].rsplit("|v:", 1)[0] == kept["report"]["signature"].rsplit("|v:", 1)[0]
        assert fresh["report"]["tasks"] == kept["report"]["tasks"]
