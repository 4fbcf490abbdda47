"""`-` reads standard input wherever a command names an input file; `validate --json` (issue 12)."""
from __future__ import annotations

import io
import json
import sys

import pytest

from newsbench.resources import corpus_dir

from .helpers import run_cli, write_jsonl

TEST = corpus_dir() / "0.4" / "test.jsonl"


def run_with_stdin(monkeypatch, data: bytes, *argv):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8"))
    return run_cli(*argv)


def test_evaluate_reads_predictions_from_stdin(monkeypatch):
    data = TEST.read_bytes()
    code, from_file, _ = run_cli("evaluate", TEST, "--json", "--bootstrap", "20")
    assert code == 0
    code, from_stdin, err = run_with_stdin(monkeypatch, data, "evaluate", "-", "--json", "--bootstrap", "20")
    assert code == 0, err
    assert json.loads(from_stdin) == json.loads(from_file)


def test_gold_from_stdin_and_compare_with_one_stdin_input(monkeypatch, tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_bytes(TEST.read_bytes())
    code, out, err = run_with_stdin(monkeypatch, TEST.read_bytes(), "evaluate", preds, "--gold", "-", "--json",
                                    "--bootstrap", "0", "--tasks", "coref")
    assert code == 0, err
    assert set(json.loads(out)["tasks"]["coref"]["headline"].values()) == {1.0}
    code, out, err = run_with_stdin(monkeypatch, TEST.read_bytes(), "compare", preds, "-", "--bootstrap", "5",
                                    "--trials", "5", "--tasks", "coref", "--json")
    assert code == 0, err and json.loads(out)["rows"]
    code, _, err = run_with_stdin(monkeypatch, b"", "compare", "-", "-")
    assert code == 2 and "only one input can be standard input" in err


@pytest.mark.parametrize("command", [("validate",), ("validate", "--kind", "prediction"), ("evaluate",),
                                     ("lint",)])
def test_invalid_input_on_stdin_is_named_and_exits_like_a_file(monkeypatch, tmp_path, command):
    bad = b'{"id": "nb-0001", "entities": {"mentions": [{"text": "x", "type": "PERSONA"}]}}\n'
    path = tmp_path / "bad.jsonl"
    path.write_bytes(bad)
    file_code, _, _ = run_cli(*command, path)
    code, out, err = run_with_stdin(monkeypatch, bad, *command, "-")
    assert code == file_code and code in (1, 2)
    assert "<stdin>" in err and "newsbench-stdin-" not in err + out and "Traceback" not in err


def test_agreement_reads_one_side_from_stdin(monkeypatch):
    a = corpus_dir() / "agreement" / "0.4" / "A.jsonl"
    code, from_files, _ = run_cli("agreement", a, a, "--json")
    code2, from_stdin, err = run_with_stdin(monkeypatch, a.read_bytes(), "agreement", a, "-", "--json")
    assert code == code2 == 0, err
    assert json.loads(from_stdin) == json.loads(from_files)


def test_validate_json(tmp_path, monkeypatch):
    code, out, _ = run_cli("validate", "--json", TEST)
    doc = json.loads(out)
    assert code == 0 and doc["valid"] is True and doc["problems"] == [] and doc["exit_code"] == 0
    bad = tmp_path / "bad.jsonl"
    write_jsonl(bad, [{"id": "x"}])
    code, out, err = run_cli("validate", "--json", bad)
    doc = json.loads(out)
    assert code == 1 == doc["exit_code"] and doc["valid"] is False and err == ""
    assert {p["reason"] for p in doc["problems"]} >= {"'text' is a required property"}
    assert all(p["file"] == str(bad) and p["line"] == 1 and p["severity"] == "invalid" for p in doc["problems"])
    code, out, _ = run_with_stdin(monkeypatch, b"\xff\xfe\n", "validate", "--json", "-")
    doc = json.loads(out)
    assert code == 2 == doc["exit_code"] and doc["problems"][0]["file"] == "<stdin>"
    assert doc["problems"][0]["severity"] == "unusable"
