"""Bad input the JSON parsers let through or choke on: one line and an exit code, never a traceback,
never a silently different record (the reliability issue's 'silent wrong results' and 'tracebacks')."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .scoring_fixtures import as_prediction, seed_article, write_jsonl

PRED = json.dumps(as_prediction(seed_article()), ensure_ascii=False)
DUP = PRED[:-1] + ', "frames": {"primary": "political", "labels": ["political"]}}'
SURROGATE = PRED.replace('"political"]', '"political\\ud800"]', 1)
DEEP = "[" * 100_000 + "]" * 100_000
FLOAT_OFFSET = json.dumps(seed_article()).replace('"start": 0,', '"start": 0.0,', 1)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "newsbench", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


CASES = {   # name: (file content, which reader, fragment of the message)
    "duplicate layer key": (DUP, "prediction", "duplicate key 'frames'"),
    "lone surrogate": (SURROGATE, "prediction", "lone surrogate"),
    "100,000-deep nesting": (DEEP, "prediction", "nested too deeply"),
    "float offset": (FLOAT_OFFSET, "article", "integer"),
}


@pytest.mark.parametrize("name", CASES)
def test_validate_and_evaluate_refuse_it_with_one_line(tmp_path, name):
    content, kind, fragment = CASES[name]
    f = tmp_path / "x.jsonl"
    f.write_text(content + "\n", encoding="utf-8", errors="surrogatepass")
    gold = write_jsonl(tmp_path / "gold.jsonl", [seed_article()])
    for args in (["validate", "--kind", kind, f], ["evaluate", f, "--gold", gold, "--bootstrap", "0"]):
        done = cli(*args)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (1, 2) and fragment in done.stderr, (args[0], done.returncode, done.stderr)


def test_a_byte_order_mark_is_one_rule_for_validate_and_evaluate(tmp_path):
    f = tmp_path / "bom.jsonl"
    f.write_text("\ufeff" + PRED + "\n", encoding="utf-8")
    gold = write_jsonl(tmp_path / "gold.jsonl", [seed_article()])
    assert cli("validate", "--kind", "prediction", f).returncode == 0
    done = cli("evaluate", f, "--gold", gold, "--bootstrap", "0")
    assert done.returncode == 0, done.stderr


def test_empty_or_blank_predictions_are_unusable_not_zero(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", [seed_article()])
    for content in ("", "\n  \n"):
        f = tmp_path / "p.jsonl"
        f.write_text(content)
        done = cli("evaluate", f, "--gold", gold, "--bootstrap", "0")
        assert done.returncode == 2 and "empty file: no predictions" in done.stderr, done.stderr
        assert done.stdout == ""


def test_agreement_refuses_an_unknown_or_total_exclusion(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [seed_article()])
    done = cli("agreement", a, a, "--exclude", "t-9999")
    assert done.returncode == 2 and "--exclude t-9999: no such article" in done.stderr
    done = cli("agreement", a, a, "--exclude", "t-0001")
    assert done.returncode == 2 and "leaves no article" in done.stderr and done.stdout == ""


def test_export_refuses_an_unknown_level(tmp_path):
    done = cli("export", "conll", tmp_path / "x.conll", "--levels", "BOGUS")
    assert done.returncode == 2 and "unknown level 'BOGUS'" in done.stderr
    assert not (tmp_path / "x.conll").exists()
