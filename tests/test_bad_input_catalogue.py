"""The bad-input catalogue: every command that reads a file, fed every kind of broken file.

One table (input, command, expected exit code, expected message fragment). Each case runs the
command in-process: a traceback is an exception and fails the case. Every case also checks that
nothing was written next to the input (no half-written output, no stray temporary file).
Exit codes: 1 for data that is readable but wrong, 2 for input that cannot be used at all.
"""
from __future__ import annotations

import json

import pytest

from .helpers import run_cli
from .scoring_fixtures import as_prediction, seed_article

GOOD_ARTICLE = json.dumps(seed_article(), ensure_ascii=False)
GOOD_PRED = json.dumps(as_prediction(seed_article()), ensure_ascii=False)

# name: (bytes of the broken file (None: the file does not exist; "DIR": a folder), the fragment every
# reader must say, the exit code every reader gives: 1 readable but wrong, 2 unusable)
FAULTS = {
    "missing file": (None, "not found", 2),
    "a folder": ("DIR", "folder", 2),
    "empty file": (b"", "empty file", 2),
    "blank lines only": (b"\n  \n\n", "empty file", 2),
    "not UTF-8": (b'{"id": "t-\xff"}\n', "not UTF-8", 2),
    "truncated JSON": (GOOD_ARTICLE[:50].encode(), "not JSON", 2),
    "100,000-deep nesting": (b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply", 2),
    "a line that is an array": (b"[1, 2]\n", "must be a JSON object", 1),
    "a line that is a number": (b"42\n", "must be a JSON object", 1),
    "duplicate layer key": ((GOOD_ARTICLE[:-1] + ', "frames": null}\n').encode(), "duplicate key 'frames'", 1),
    "lone surrogate": (GOOD_ARTICLE.replace('"political"]', '"political\\ud800"]', 1).encode() + b"\n",
                       "lone surrogate", 1),
    "float offset": (GOOD_ARTICLE.replace('"start": 0,', '"start": 0.0,', 1).encode() + b"\n", "integer", 1),
    "span text that is not the text": (GOOD_ARTICLE.replace('"text": "Army chiefs"', '"text": "Army chief"', 1)
                                       .encode() + b"\n", "Army chief", 1),
    "unknown entity type": (GOOD_ARTICLE.replace('"type": "GPE"', '"type": "CITY"', 1).encode() + b"\n",
                            "CITY", 1),
    "offsets past the end": (GOOD_ARTICLE.replace('"end": 11,', '"end": 99999,', 1).encode() + b"\n",
                             "99999", 1),
    "missing id": (GOOD_ARTICLE.replace('"id": "t-0001", ', "", 1).encode() + b"\n", "id", 1),
}

# command: argv from the bad file's path and a good gold file
COMMANDS = {
    "validate": lambda bad, gold: ["validate", bad],
    "validate --kind prediction": lambda bad, gold: ["validate", "--kind", "prediction", bad],
    "evaluate (predictions)": lambda bad, gold: ["evaluate", bad, "--gold", gold, "--bootstrap", "0"],
    "evaluate --gold": lambda bad, gold: ["evaluate", gold, "--gold", bad, "--bootstrap", "0"],
    "compare": lambda bad, gold: ["compare", gold, bad, "--gold", gold, "--bootstrap", "5", "--trials", "5"],
    "agreement": lambda bad, gold: ["agreement", gold, bad],
    "lint": lambda bad, gold: ["lint", bad],
    "export conll --input": lambda bad, gold: ["export", "conll", bad.parent / "out.conll", "--input", bad],
    "run --input": lambda bad, gold: ["run", "rules", "--input", bad, "-o", bad.parent / "out.jsonl"],
    "review --gold": lambda bad, gold: ["review", gold.parent / "reviews", "--gold", bad],
}


# A prediction file alone has no text: its offsets are checked against the gold by evaluate, not by
# `validate --kind prediction` (which checks the schema, labels and that offsets are integers).
NEEDS_THE_GOLD_TEXT = {("validate --kind prediction", "span text that is not the text"),
                       ("validate --kind prediction", "offsets past the end")}
CATALOGUE = [(c, f) for c in COMMANDS for f in FAULTS if (c, f) not in NEEDS_THE_GOLD_TEXT]


@pytest.mark.parametrize("command,fault", CATALOGUE, ids=[f"{c} | {f}" for c, f in CATALOGUE])
def test_bad_input(tmp_path, command, fault):
    content, fragment, expected = FAULTS[fault]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOOD_ARTICLE + "\n", encoding="utf-8")
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "t-0001.yaml").write_text("id: t-0001\nreviewer: r\nfindings: []\n")
    bad = tmp_path / "bad.jsonl"
    if content == "DIR":
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run_cli(*COMMANDS[command](bad, gold))
    assert code == expected, (code, err)
    assert fragment in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == before     # nothing written beside the input


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) >= 120


SCHEMA_FAULTS = [f for f, (content, _, _) in FAULTS.items() if isinstance(content, bytes)]


@pytest.mark.parametrize("kind", ["article", "prediction"])
@pytest.mark.parametrize("fault", SCHEMA_FAULTS)
def test_the_fast_schema_engine_says_what_the_slow_one_says(tmp_path, monkeypatch, kind, fault):
    """jsonschema-rs only decides valid or not: with it or without it (jsonschema alone), `validate`
    prints the same lines and exits the same way on every file of the catalogue (issue 13)."""
    import newsbench.validation as validation

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(FAULTS[fault][0])
    assert validation.fast_validator(kind) is not None, "jsonschema-rs is a dependency: the fast path must be there"
    fast = run_cli("validate", "--kind", kind, bad)
    monkeypatch.setitem(validation._fast_validators, kind, None)     # the fallback engine
    slow = run_cli("validate", "--kind", kind, bad)
    assert fast == slow
    readable_alone = kind == "prediction" and ("validate --kind prediction", fault) in NEEDS_THE_GOLD_TEXT
    assert fast[0] == (0 if readable_alone else FAULTS[fault][2])
