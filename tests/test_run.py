"""`newsbench run TARGET`: a system named on the command line, the predict_batch hook, --input (issue 14)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import newsbench
from newsbench.systems import PredictionError, TargetError, load_target, make_system, run_system

from .helpers import run_cli, write_jsonl

VALIDATION = newsbench.load("validation")
REPO_LEADERBOARD = Path(__file__).resolve().parents[1] / "docs" / "leaderboard"

SYSTEM = textwrap.dedent('''
    import re

    CALLS = []

    def extract(article):
        return {"entities": {"mentions": [{"text": n, "type": "PERSON"}
                                          for n in re.findall(r"\\b[A-Z][a-z]+ [A-Z][a-z]+\\b", article.text)]}}

    def predict_batch(articles):
        CALLS.append(len(articles))
        return [extract(a) for a in articles]

    class Tagger:
        def __init__(self, model, seed=0):
            self.model = model

        def predict(self, article):
            return {"frames": {"primary": self.model, "labels": [self.model]}}

    def broken(article):
        return {"entities": {"mentions": [{"text": "x", "type": "PER"}]}}

    def crashes(article):
        return {}["nothing"]

    class Short:
        def predict_batch(self, articles):
            return [{}] * (len(articles) - 1)
''')


@pytest.fixture
def system_file(tmp_path):
    path = tmp_path / "sys_under_test.py"
    path.write_text(SYSTEM, encoding="utf-8")
    return path


def read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_file_function_target_runs_and_evaluates(system_file, tmp_path):
    out = tmp_path / "p.jsonl"
    code, _, err = run_cli("run", f"{system_file}:extract", "--split", "validation", "-o", out)
    assert code == 0, err
    preds = read(out)
    assert [p["id"] for p in preds] == [a.id for a in VALIDATION]
    assert any(p["entities"]["mentions"] for p in preds)
    code, report, err = run_cli("evaluate", out, "--split", "validation", "--bootstrap", "0", "--json")
    assert code == 0, err and json.loads(report)["predicted"] == len(VALIDATION)


def test_module_target_from_the_working_folder_and_default_test_split(system_file, monkeypatch):
    monkeypatch.chdir(system_file.parent)
    code, out, err = run_cli("run", "sys_under_test:extract")
    assert code == 0, err
    assert [json.loads(x)["id"] for x in out.splitlines()] == [a.id for a in newsbench.load("test")]


def test_a_module_alone_is_the_system_and_its_batch_hook_gets_batches(system_file, tmp_path):
    module = load_target(str(system_file))
    preds = run_system(make_system(module), articles=VALIDATION, batch_size=10)
    assert module.CALLS == [10, 10, 7]
    assert preds == run_system(module.extract, articles=VALIDATION)


def test_a_class_target_gets_the_model_option(system_file, tmp_path):
    out = tmp_path / "p.jsonl"
    code, _, err = run_cli("run", f"{system_file}:Tagger", "--model", "economic", "--split", "validation", "-o", out)
    assert code == 0, err
    assert {p["frames"]["primary"] for p in read(out)} == {"economic"}
    code, _, err = run_cli("run", f"{system_file}:extract", "--model", "x")
    assert code == 2 and "not a class" in err


def test_entry_point_name_runs_the_installed_baseline(tmp_path):
    assert "rules" in newsbench.systems.entry_points()
    out = tmp_path / "r.jsonl"
    code, _, err = run_cli("run", "rules", "--split", "validation", "-o", out)
    assert code == 0, err
    expected = run_system(newsbench.baselines.get_baseline("rules")(), split="validation")
    assert read(out) == json.loads(json.dumps(expected))


def test_input_runs_on_your_own_corpus_file(system_file, tmp_path):
    own = tmp_path / "own.jsonl"
    write_jsonl(own, [a.to_dict() for a in VALIDATION[:3]])
    out = tmp_path / "p.jsonl"
    code, _, err = run_cli("run", f"{system_file}:extract", "--input", own, "-o", out)
    assert code == 0, err and str(own) in err
    assert [p["id"] for p in read(out)] == [a.id for a in VALIDATION[:3]]
    code, _, err = run_cli("run", f"{system_file}:extract", "--input", own, "--split", "test")
    assert code == 2 and "--input and --split" in err
    code, _, err = run_cli("run", f"{system_file}:extract", "--input", own, "-o", own)
    assert code == 2 and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    write_jsonl(bad, [{**VALIDATION[0].to_dict(), "text": 5}])
    code, _, err = run_cli("run", f"{system_file}:extract", "--input", bad)
    assert code == 1 and "bad.jsonl" in err and "nothing run" in err


@pytest.mark.parametrize("target, message", [
    ("missing_file.py:extract", "missing_file.py: no such file"),
    ("{file}:nope", "has no attribute 'nope'"),
    ("{file}:CALLS", "a list with neither predict_batch nor predict"),
    ("no_such_module_xyz:f", "no module named 'no_such_module_xyz'"),
    ("nosuchsystem", "no such module or installed system (installed: "),
    ("not-a-system", "not a file.py, a module name or an installed system"),
    (":extract", "nothing before"),
    ("{file}:extract-2", "is not a Python name"),
    ("{file}:broken", "$.entities"),
    ("{file}:crashes", "the system raised KeyError: 'nothing' (" ),
    ("{file}:Short", "predict_batch returned 26 prediction(s) for 27 article(s)"),
])
def test_bad_targets_and_broken_systems_are_one_line_exit_2(system_file, target, message):
    code, _, err = run_cli("run", target.format(file=system_file), "--split", "validation", "--batch-size", "50")
    assert code == 2, err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_crash_names_the_article_and_the_line(system_file):
    with pytest.raises(PredictionError) as info:
        run_system(load_target(f"{system_file}:crashes"), articles=VALIDATION[:2])
    msg = str(info.value)
    assert msg.startswith(VALIDATION[0].id) and f"{system_file}:" in msg and isinstance(info.value.__cause__, KeyError)


def test_an_import_error_in_the_target_says_where(tmp_path):
    path = tmp_path / "broken_import.py"
    path.write_text("x = 1\nraise RuntimeError('no model server')\n", encoding="utf-8")
    with pytest.raises(TargetError, match=r"RuntimeError: no model server \(.*broken_import.py:2\)"):
        load_target(f"{path}:f")


def test_spacy_batch_hook_matches_one_by_one():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "GPE", "pattern": a.mentions[0].text}
                                               for a in VALIDATION if a.mentions])
    system = newsbench.baselines.get_baseline("spacy")(nlp=nlp)
    batched = run_system(system, articles=VALIDATION, batch_size=8)
    assert batched == [{"id": a.id, **system.predict(a)} for a in VALIDATION]
    assert sum(len(p["entities"]["mentions"]) for p in batched) > 0


def test_the_system_sees_no_gold():
    seen = []

    def peek(article):
        seen.append((article.text, article.meta, article.mentions, article.quotes, article.events, article.frames))
        return {}
    run_system(peek, articles=VALIDATION[:3])
    assert [s[:2] for s in seen] == [(a.text, a.meta) for a in VALIDATION[:3]]
    assert all(s[2:] == ((), (), (), None) for s in seen)
    assert VALIDATION[0].mentions, "the caller's articles keep their gold"
    run_system(peek, articles=VALIDATION[:1], with_gold=True)
    assert seen[-1][2] == VALIDATION[0].mentions


# -- submitting a leaderboard row ------------------------------------------------------------------
def test_a_submitted_row_is_scored_like_the_baselines_and_rendered_after_them(system_file, tmp_path):
    from newsbench.leaderboard import load_reports, render

    preds = tmp_path / "p.jsonl"
    run_cli("run", f"{system_file}:extract", "--split", "validation", "-o", preds)
    out = tmp_path / "lb"
    code, _, err = run_cli("leaderboard", "--submit", "caps-names", "--validation", preds, "--out", out,
                           "--description", "capitalised names", "--command", "newsbench run sys.py:extract",
                           "--bootstrap", "20")
    assert code == 0, err
    [doc] = load_reports(out)
    assert doc["system"] == "caps-names" and doc["command"] == "newsbench run sys.py:extract"
    expected = newsbench.evaluate(str(preds), split="validation", bootstrap=20)
    assert doc["report"]["signature"] == str(expected.signature)
    assert doc["report"]["tasks"]["entities"]["headline"] == expected.to_dict(per_type=False)["tasks"]["entities"]["headline"]
    page = render(load_reports(REPO_LEADERBOARD) + [doc])
    systems = page[page.index("## Systems"):]
    assert systems.index("**rules**") < systems.index("**caps-names**")


@pytest.mark.parametrize("argv, message", [
    (["--submit", "rules", "--validation", "{p}", "--description", "d", "--command", "c"], "not a baseline's"),
    (["--submit", "Bad Name", "--validation", "{p}", "--description", "d", "--command", "c"], "lowercase name"),
    (["--submit", "ok", "--description", "d", "--command", "c"], "needs --test FILE and/or --validation FILE"),
    (["--submit", "ok", "--validation", "{p}"], "needs --description"),
])
def test_bad_submissions_are_refused(tmp_path, argv, message):
    p = tmp_path / "p.jsonl"
    p.write_text("", encoding="utf-8")
    code, _, err = run_cli("leaderboard", *[a.format(p=p) for a in argv], "--out", tmp_path / "lb")
    assert code == 2 and message in err
    assert not (tmp_path / "lb").exists()


def test_a_module_that_exists_but_fails_to_import_is_not_called_missing(tmp_path, monkeypatch):
    (tmp_path / "ghostlib_system.py").write_text("import ghostlib\n", encoding="utf-8")
    (tmp_path / "plainsys.py").write_text("import ghostlib\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for target in ("ghostlib_system", "plainsys", "ghostlib_system:extract"):
        code, _, err = run_cli("run", target, "--split", "validation")
        assert code == 2 and "importing it raised ModuleNotFoundError: No module named 'ghostlib'" in err, err
