"""Bad input never shows a traceback: the CLI run as a user runs it, in a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "newsbench", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


CASES = {
    "validate non-UTF-8": (lambda d: ["validate", write(d / "x.jsonl", b'{"id": "a\xff"}\n')], 2, "not UTF-8"),
    "validate truncated": (lambda d: ["validate", write(d / "x.jsonl", b'{"id": "nb-1", "te')], 2, "not JSON"),
    "validate missing": (lambda d: ["validate", d / "nope.jsonl"], 2, "file not found"),
    "anchor non-UTF-8 text": (lambda d: ["anchor", write(d / "t.txt", b"id: x\n---\nPar\xefs\n"), "Paris"], 2, "not UTF-8"),
    "build malformed sheet": (lambda d: ["build", write(d / "gold" / "x.yaml", b"id: x\nframes: [a]\n"),
                                         "--text-dir", write(d / "text" / "x.txt", b"id: x\n---\nHello.\n").parent],
                              1, "frames: must be a mapping"),
    "import brat unknown label": (lambda d: ["import", "brat", write(d / "b" / "a.ann", b"T1\tPERSN 0 4\tJohn\n").parent
                                             if write(d / "b" / "a.txt", b"John met Mary.\n") else None,
                                             "-o", d / "o.jsonl"], 2, "unknown label 'PERSN'"),
    "import brat dangling event": (lambda d: ["import", "brat", write(d / "b" / "a.ann", b"E1\tContact_Meet:T5\n").parent
                                              if write(d / "b" / "a.txt", b"John met Mary.\n") else None,
                                              "-o", d / "o.jsonl"], 2, "T5"),
    "import labelstudio empty labels": (lambda d: ["import", "labelstudio", write(d / "ls.json", json.dumps([
        {"data": {"text": "John"}, "annotations": [{"result": [
            {"id": "a", "type": "labels", "value": {"start": 0, "end": 4, "labels": []}}]}]}]).encode()),
        "-o", d / "o.jsonl"], 2, "non-empty list"),
    "import labelstudio not JSON": (lambda d: ["import", "labelstudio", write(d / "ls.json", b"[{"), "-o",
                                               d / "o.jsonl"], 2, "not a Label Studio JSON export"),
    "import bad mapping": (lambda d: ["import", "brat", d, "-o", d / "o.jsonl", "--mapping",
                                      write(d / "m.yaml", b"quote_label: Quote\n")], 2, "mapping lacks"),
    "card on an empty corpus": (lambda d: ["card", "--corpus", (d / "empty").mkdir() or d / "empty"], 2,
                                "no released version"),
    "evaluate non-UTF-8 predictions": (lambda d: ["evaluate", write(d / "p.jsonl", b'{"id": "a\xff"}\n')], 2,
                                       "not UTF-8 (byte 0xff"),
    "stats unknown version": (lambda d: ["stats", "--version", "9.9"], 2, "unknown corpus version"),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_clear_line_and_an_exit_code(tmp_path, name):
    make_args, code, message = CASES[name]
    done = cli(*make_args(tmp_path), cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, (done.returncode, done.stderr)
    assert message in done.stderr, done.stderr
    assert not (tmp_path / "o.jsonl").exists()  # nothing half-written
