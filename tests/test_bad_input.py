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


# -- brat import: never a silently different span -------------------------------------------------
def _brat(tmp_path, txt: bytes, ann: str, meta=None):
    folder = tmp_path / "b"
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_bytes(txt)
    (folder / "a.ann").write_text(ann)
    if meta is not None:
        (folder / "a.meta.json").write_text(meta)
    return folder


def test_brat_discontinuous_span_is_refused(tmp_path):
    folder = _brat(tmp_path, b"Bobby and Ann met.\n", "T1\tPERSON 0 5;10 13\tBobby Ann\n")
    done = cli("import", "brat", folder, "-o", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "discontinuous span" in done.stderr and not (tmp_path / "o.jsonl").exists()


def test_brat_crlf_offsets_are_moved_onto_the_lf_text(tmp_path):
    txt = b"First line here.\r\nSecond: Bob met Ann.\r\n"
    s = txt.decode().index("Bob")
    folder = _brat(tmp_path, txt, f"T1\tPERSON {s} {s + 3}\tBob\n")
    done = cli("import", "brat", folder, "-o", tmp_path / "o.jsonl")
    rec = json.loads((tmp_path / "o.jsonl").read_text())
    m = rec["entities"]["mentions"][0]
    assert rec["text"][m["start"]:m["end"]] == "Bob" and "\r" not in rec["text"], done.stderr


def test_brat_span_text_that_disagrees_with_the_txt_is_refused(tmp_path):
    folder = _brat(tmp_path, b"Bob met Ann.\n", "T1\tPERSON 0 3\tAnn\n")
    done = cli("import", "brat", folder, "-o", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "gives the span text 'Ann' but the .txt has 'Bob'" in done.stderr


def test_brat_sidecar_that_is_a_list_and_a_missing_folder(tmp_path):
    folder = _brat(tmp_path, b"Bob met Ann.\n", "T1\tPERSON 0 3\tBob\n", meta="[]")
    done = cli("import", "brat", folder, "-o", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "sidecar must be a JSON object" in done.stderr and "Traceback" not in done.stderr
    done = cli("import", "brat", tmp_path / "nope", "-o", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "no such folder" in done.stderr


# -- Label Studio exports that are not what they claim -------------------------------------------
def _task(value=None, **over):
    region = {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
              "value": value if value is not None else {"start": 0, "end": 4, "text": "John", "labels": ["PERSON"]}}
    task = {"id": 1, "data": {"text": "John met 😀 Mary."}, "annotations": [{"result": [region]}]}
    task.update(over)
    return task


LABEL_STUDIO = {
    "top level a number": ("5", "a list of tasks"),
    "top level null": ("null", "a list of tasks"),
    "result item a number": (json.dumps([_task(annotations=[{"result": [7]}])]), "a result is a JSON object"),
    "annotations of strings": (json.dumps([_task(annotations=["x"])]), "annotations must be a list of JSON objects"),
    "data a list": (json.dumps([_task(data=["John"])]), "data must be a JSON object"),
    "value a list": (json.dumps([_task(value=[0, 4])]), "value must be a JSON object"),
    "region id a list": (json.dumps([_task(annotations=[{"result": [dict(_task()["annotations"][0]["result"][0],
                                                                          id=["a"])]}])]), "id must be a string"),
    "start true": (json.dumps([_task(value={"start": True, "end": 4, "labels": ["PERSON"]})]),
                   "True is not an offset"),
    "offset inside a surrogate pair": (json.dumps([_task(value={"start": 10, "end": 12, "labels": ["PERSON"]})]),
                                       "falls inside the character"),
    "nested too deeply": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "lone surrogate in the text": (json.dumps([_task(data={"text": "John \ud800"})]), "lone surrogate"),
}


@pytest.mark.parametrize("name", LABEL_STUDIO)
def test_label_studio_import_refuses_malformed_exports(tmp_path, name):
    content, fragment = LABEL_STUDIO[name]
    f = tmp_path / "ls.json"
    f.write_text(content, encoding="utf-8", errors="surrogatepass")
    done = cli("import", "labelstudio", f, "-o", tmp_path / "o.jsonl")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2 and fragment in done.stderr, done.stderr
    assert not (tmp_path / "o.jsonl").exists()


# -- files around the data: manifests, mappings, a corrupted corpus file ---------------------------
@pytest.mark.parametrize("manifest", ["[]", '{"files": ["train.jsonl"]}', '{"files": {"train.jsonl": "x"}}'])
def test_a_malformed_manifest_is_one_line(tmp_path, manifest):
    v = tmp_path / "0.9"
    v.mkdir()
    (v / "manifest.json").write_text(manifest)
    write_jsonl(v / "train.jsonl", [seed_article()])
    done = cli("validate", v)
    assert "Traceback" not in done.stderr and done.returncode == 1 and "a manifest is an object" in done.stderr


def test_a_mapping_value_of_the_wrong_shape_is_one_line(tmp_path):
    from newsbench.interop.brat import DEFAULT_MAPPING

    m = tmp_path / "m.yaml"
    m.write_text(DEFAULT_MAPPING.read_text().replace("entity_types:\n", "entity_types: 5\nold_entity_types:\n"))
    (tmp_path / "b").mkdir()
    done = cli("import", "brat", tmp_path / "b", "-o", tmp_path / "o.jsonl", "--mapping", m)
    assert done.returncode == 2 and "entity_types: must be a mapping of names, got int" in done.stderr, done.stderr


def test_reading_a_corrupted_corpus_file_names_file_and_line(tmp_path):
    import newsbench
    from newsbench.loading import CorpusError

    f = tmp_path / "train.jsonl"
    f.write_text(json.dumps(seed_article()) + "\n" + '{"id": "x", "te\n')
    with pytest.raises(CorpusError, match=r"train.jsonl:2: not JSON"):
        newsbench.loading.read_articles(f)
    f.write_text('{"id": "x"}\n')
    with pytest.raises(CorpusError, match=r"train.jsonl:1: x: not a corpus record"):
        newsbench.loading.read_articles(f)


# -- weak messages ---------------------------------------------------------------------------------
def test_gold_folder_and_api_misuse_say_what_is_wrong(tmp_path):
    import newsbench

    p = write_jsonl(tmp_path / "p.jsonl", [as_prediction(seed_article())])
    done = cli("evaluate", p, "--gold", tmp_path)
    assert done.returncode == 2 and "is a folder: --gold takes one corpus-format JSONL file" in done.stderr
    with pytest.raises(ValueError, match="at least one file"):
        newsbench.validate()
    with pytest.raises(ValueError, match="kind must be 'article' or 'prediction'"):
        newsbench.validate(p, kind="bogus")


def test_a_closed_pipe_ends_quietly():
    done = subprocess.run(f"{sys.executable} -m newsbench stats | head -1", shell=True, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.startswith("newsbench corpus") and done.stderr == ""


def test_output_through_a_symlink_to_a_fifo_reaches_the_reader(tmp_path):
    import os
    import stat
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "out"
    link.symlink_to(fifo)          # like /dev/stdout -> /proc/self/fd/1 -> a pipe
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    done = cli("export", "conll", link, "--split", "test")
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode) and got and got[0].startswith(b"# id")


def test_error_output_is_capped_per_file_and_values_are_clipped(tmp_path):
    f = tmp_path / "many.jsonl"
    f.write_text("".join('{"id": "x%d", "text": 5}\n' % k for k in range(200)))
    done = cli("validate", f)
    lines = done.stderr.splitlines()
    assert done.returncode == 1 and len(lines) < 40, len(lines)
    assert any("more problem(s) not shown" in line for line in lines)
    big = tmp_path / "big.jsonl"
    big.write_text(json.dumps({"id": "a" * 100_000, "text": "t"}) + "\n")
    done = cli("validate", big)
    assert done.returncode == 1 and max(map(len, done.stderr.splitlines())) < 400


def test_compare_refuses_a_system_missing_articles_unless_allowed(tmp_path):
    from .scoring_fixtures import article

    second = article("t-0002", "Ada met Bob in Turin.", [("m1", "Ada", "PERSON", "NAM", "e1")])
    gold = write_jsonl(tmp_path / "gold.jsonl", [seed_article(), second])
    full = write_jsonl(tmp_path / "full.jsonl", [as_prediction(seed_article()), as_prediction(second)])
    half = write_jsonl(tmp_path / "half.jsonl", [as_prediction(seed_article())])
    done = cli("compare", full, half, "--gold", gold, "--bootstrap", "20", "--trials", "20")
    assert done.returncode == 2 and "has no prediction for 1 of 2 gold articles" in done.stderr
    assert "--allow-missing" in done.stderr and done.stdout == ""
    done = cli("compare", full, half, "--gold", gold, "--bootstrap", "20", "--trials", "20", "--allow-missing")
    assert done.returncode == 0, done.stderr
    assert "warning: " in done.stdout and "warning: " in done.stderr
