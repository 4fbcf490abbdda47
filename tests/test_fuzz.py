"""Property-based fuzzing of everything that reads a user's file: whatever the bytes, one of the exit
codes 0/1/2 and never a traceback (an exception escaping `main` fails the example).

Records are good articles with one field replaced by an arbitrary JSON value (the shapes real
mistakes take), or arbitrary JSON lines; importers get arbitrary Label Studio structures and brat
lines. The budget keeps the whole file well under a minute in CI.
"""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import run_cli
from .scoring_fixtures import as_prediction, seed_article

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _paths(obj, prefix=()):
    """Every path to a value inside a JSON object."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


ARTICLE = seed_article()
ARTICLE_PATHS = [p for p in _paths(ARTICLE) if p]
PREDICTION = as_prediction(seed_article())
PREDICTION_PATHS = [p for p in _paths(PREDICTION) if p]


def _replace(obj, path, value):
    obj = json.loads(json.dumps(obj))
    target = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


def mutated(base, paths):
    return st.builds(lambda i, v: _replace(base, paths[i % len(paths)], v), st.integers(0, 10**6), json_values)


def _write(path, lines):
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines), encoding="utf-8",
                    errors="surrogatepass")
    return path


def _ok(code):
    assert code in (0, 1, 2), code


@FUZZ
@given(record=mutated(ARTICLE, ARTICLE_PATHS) | json_values)
def test_validate_lint_export_never_crash(tmp_path_factory, record):
    d = tmp_path_factory.mktemp("v")
    f = _write(d / "x.jsonl", [record])
    for argv in (["validate", f], ["lint", f], ["export", "conll", d / "o.conll", "--input", f],
                 ["export", "brat", d / "brat", "--input", f]):
        code, _, _ = run_cli(*argv)
        _ok(code)


@FUZZ
@given(pred=mutated(PREDICTION, PREDICTION_PATHS) | json_values, gold_record=mutated(ARTICLE, ARTICLE_PATHS))
def test_evaluate_and_compare_never_crash(tmp_path_factory, pred, gold_record):
    d = tmp_path_factory.mktemp("e")
    good_gold = _write(d / "gold.jsonl", [ARTICLE])
    p = _write(d / "p.jsonl", [pred])
    _ok(run_cli("evaluate", p, "--gold", good_gold, "--bootstrap", "0")[0])
    _ok(run_cli("evaluate", _write(d / "good.jsonl", [PREDICTION]), "--gold", _write(d / "g2.jsonl", [gold_record]),
                "--bootstrap", "0")[0])
    _ok(run_cli("compare", d / "good.jsonl", p, "--gold", good_gold, "--bootstrap", "3", "--trials", "3")[0])


LS_TASK = {"id": 1, "data": {"text": "John met Mary in Paris."}, "annotations": [{"result": [
    {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 0, "end": 4, "text": "John", "labels": ["PERSON"]}},
    {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
     "value": {"start": 9, "end": 13, "text": "Mary", "labels": ["PERSON"]}},
    {"from_id": "a", "to_id": "b", "type": "relation", "labels": ["Coref"]}]}]}
LS_PATHS = [p for p in _paths(LS_TASK) if p]


@FUZZ
@given(task=mutated(LS_TASK, LS_PATHS) | json_values)
def test_label_studio_import_never_crashes(tmp_path_factory, task):
    d = tmp_path_factory.mktemp("ls")
    f = d / "export.json"
    f.write_text(json.dumps([task]), encoding="utf-8", errors="surrogatepass")
    _ok(run_cli("import", "labelstudio", f, "-o", d / "o.jsonl")[0])


brat_lines = st.lists(st.one_of(
    st.builds(lambda k, lab, s, e, t: f"T{k}\t{lab} {s} {e}\t{t}", st.integers(0, 5),
              st.sampled_from(["PERSON", "GPE", "Quote", "Cue", "Contact_Meet", "X"]), st.integers(-2, 30),
              st.integers(-2, 30), st.text(max_size=6)),
    st.builds(lambda k, a, b: f"R{k}\tSpeaker Arg1:T{a} Arg2:T{b}", st.integers(0, 3), st.integers(0, 5),
              st.integers(0, 5)),
    st.builds(lambda k, t, a: f"E{k}\tContact_Meet:T{t} Entity:T{a}", st.integers(0, 3), st.integers(0, 5),
              st.integers(0, 5)),
    st.builds(lambda a, b: f"*\tCoref T{a} T{b}", st.integers(0, 5), st.integers(0, 5)),
    st.text(max_size=20)), max_size=6)


@FUZZ
@given(lines=brat_lines, text=st.text(max_size=30))
def test_brat_import_never_crashes(tmp_path_factory, lines, text):
    d = tmp_path_factory.mktemp("brat")
    (d / "b").mkdir()
    (d / "b" / "a.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
    (d / "b" / "a.ann").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    _ok(run_cli("import", "brat", d / "b", "-o", d / "o.jsonl")[0])


@FUZZ
@given(record=mutated(ARTICLE, ARTICLE_PATHS), pred=mutated(PREDICTION, PREDICTION_PATHS))
def test_the_fast_schema_engine_agrees_with_jsonschema(record, pred):
    """jsonschema-rs only short-cuts valid records: it must call valid exactly what jsonschema does."""
    from newsbench.validation import fast_validator, schema_validator

    for kind, rec in (("article", record), ("prediction", pred)):
        fast = fast_validator(kind)
        assert fast is not None
        slow_ok = not any(True for _ in schema_validator(kind).iter_errors(rec))
        assert fast.is_valid(rec) == slow_ok, (kind, rec)
