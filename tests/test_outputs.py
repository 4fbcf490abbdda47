"""No command loses a user's file: folders are never emptied, special files stay special, an input is
never its own output, and a folder export is all or nothing (the reliability issue's data-loss items)."""
from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from newsbench.outputs import OutputError, refuse_inputs, write_folder, write_text

from .helpers import run_cli
from .scoring_fixtures import as_prediction, seed_article, write_jsonl


@pytest.fixture
def gold(tmp_path):
    return write_jsonl(tmp_path / "gold.jsonl", [seed_article()])


def snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- folders the command did not create ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["hf", "brat"])
def test_export_refuses_a_folder_holding_the_users_files(tmp_path, gold, fmt):
    d = tmp_path / "d"
    d.mkdir()
    (d / "keep.tex").write_text("thesis\n")
    code, _, err = run_cli("export", fmt, d, "--input", gold)
    assert code == 2 and "folder is not empty" in err, err
    code, _, err = run_cli("export", fmt, d, "--input", gold, "--overwrite")
    assert code == 2 and "keep.tex" in err and "nothing was changed" in err, err
    assert snapshot(d) == {"keep.tex": b"thesis\n"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []   # no staging left


@pytest.mark.parametrize("fmt", ["hf", "brat"])
def test_export_refuses_the_working_folder(tmp_path, gold, fmt, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, _, err = run_cli("export", fmt, ".", "--input", gold)
    assert code == 2 and "working folder" in err, err
    assert work.is_dir() and list(work.iterdir()) == []


@pytest.mark.parametrize("fmt,marker", [("hf", "dataset_dict.json"), ("brat", "t-0001.ann")])
def test_overwrite_replaces_an_earlier_export_and_an_empty_folder_is_used(tmp_path, gold, fmt, marker):
    d = tmp_path / "out"
    d.mkdir()
    code, _, err = run_cli("export", fmt, d, "--input", gold)
    assert code == 0, err
    first = snapshot(d)
    assert marker in first
    code, _, err = run_cli("export", fmt, d, "--input", gold)
    assert code == 2 and "--overwrite" in err
    code, _, err = run_cli("export", fmt, d, "--input", gold, "--overwrite")
    assert code == 0, err
    assert snapshot(d).keys() == first.keys()


def test_an_interrupted_brat_export_leaves_nothing(tmp_path, gold, monkeypatch):
    import newsbench.interop.brat as brat

    records = [dict(seed_article(f"t-{k:04d}")) for k in range(1, 6)]
    src = write_jsonl(tmp_path / "five.jsonl", records)
    real, calls = brat.to_brat, []

    def flaky(record, mapping=None):
        calls.append(record["id"])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(record, mapping)

    monkeypatch.setattr(brat, "to_brat", flaky)
    code, _, _ = run_cli("export", "brat", tmp_path / "b", "--input", src)
    assert code == 130
    assert not (tmp_path / "b").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["five.jsonl", "gold.jsonl"]


# -- outputs that are not regular files --------------------------------------------------------------------------
def test_a_fifo_output_stays_a_fifo_and_its_reader_gets_the_data(tmp_path, gold):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    code, _, err = run_cli("evaluate", write_jsonl(tmp_path / "p.jsonl", [as_prediction(seed_article())]),
                           "--gold", gold, "--json", "--bootstrap", "0", "-o", fifo)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and json.loads(got[0])["signature"]


def test_a_symlinked_output_keeps_the_link_and_replaces_its_target(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_text(link, "new\n")
    assert link.is_symlink() and target.read_text() == "new\n"


def test_dash_writes_standard_output(capsys):
    write_text("-", "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


# -- an input is never its own output -----------------------------------------------------------------------------
def _labelstudio(tmp_path):
    doc = [{"id": 1, "data": {"text": "John met Mary."}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 4, "text": "John", "labels": ["PERSON"]}}]}]}]
    path = tmp_path / "e.json"
    path.write_text(json.dumps(doc))
    return path


SAME_FILE = {
    "evaluate -o predictions": lambda t, g: ["evaluate", t["p"], "--gold", g, "-o", t["p"]],
    "evaluate --errors predictions": lambda t, g: ["evaluate", t["p"], "--gold", g, "--errors", t["p"]],
    "evaluate -o gold": lambda t, g: ["evaluate", t["p"], "--gold", g, "-o", g],
    "evaluate -o a link to the predictions": lambda t, g: ["evaluate", t["p"], "--gold", g, "-o", t["link"]],
    "compare -o first": lambda t, g: ["compare", t["p"], t["q"], "--gold", g, "-o", t["p"]],
    "agreement -o A": lambda t, g: ["agreement", g, t["g2"], "-o", g],
    "export conll onto its input": lambda t, g: ["export", "conll", g, "--input", g],
    "export spacy onto its input (hard link)": lambda t, g: ["export", "spacy", t["hard"], "--input", g],
    "import labelstudio onto its input": lambda t, g: ["import", "labelstudio", t["ls"], "-o", t["ls"]],
}


@pytest.mark.parametrize("name", SAME_FILE)
def test_an_input_is_never_overwritten_by_the_output(tmp_path, gold, name):
    files = {"p": write_jsonl(tmp_path / "p.jsonl", [as_prediction(seed_article())]),
             "q": write_jsonl(tmp_path / "q.jsonl", [as_prediction(seed_article())]),
             "g2": write_jsonl(tmp_path / "g2.jsonl", [seed_article()]),
             "ls": _labelstudio(tmp_path)}
    files["link"] = tmp_path / "link.jsonl"
    files["link"].symlink_to(files["p"])
    files["hard"] = tmp_path / "hard.jsonl"
    os.link(gold, files["hard"])
    before = snapshot(tmp_path)
    code, out, err = run_cli(*SAME_FILE[name](files, gold))
    assert code == 2 and "is also an input" in err, (code, err)
    assert snapshot(tmp_path) == before


def test_refuse_inputs_compares_files_not_names(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text("x\n")
    refuse_inputs(tmp_path / "new.jsonl", [a])            # a new output: fine
    refuse_inputs(a.with_name("b.jsonl"), [a])             # another name that does not exist
    with pytest.raises(OutputError, match="is also an input"):
        refuse_inputs(tmp_path / "." / "a.jsonl", [a])


def test_write_folder_rolls_back_when_filling_fails(tmp_path):
    target = tmp_path / "out"

    def fill(folder):
        (folder / "x.txt").write_text("x")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left"):
        write_folder(target, fill, lambda rel: True, "test")
    assert list(tmp_path.iterdir()) == []
