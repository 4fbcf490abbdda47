"""The record format, loader, validator and anchoring tool (issue 2)."""
from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

import newsbench
import newsbench.hf
from newsbench.anchoring import AnchorError, anchor, whole_word_matches
from newsbench.labels import ENTITY_TYPES, EVENT_TYPES, FRAMES, ROLES_BY_EVENT_TYPE
from newsbench.loading import SPLITS, version_dir
from newsbench.record import Article
from newsbench.resources import corpus_dir

from .helpers import run_cli, seed_record, write_jsonl

REPO = Path(__file__).resolve().parents[1]


# -- inventories -----------------------------------------------------------------------------------
def test_inventories_have_the_documented_sizes():
    assert len(ENTITY_TYPES) == 18 and len(FRAMES) == 15
    ace = [t for t in EVENT_TYPES if t not in newsbench.labels.ADDED_EVENT_TYPES]
    assert len(ace) == 33 and len(EVENT_TYPES) == 33 + 5
    assert all({"Place", "Time"} <= set(r) for r in ROLES_BY_EVENT_TYPE.values())


# -- loading ---------------------------------------------------------------------------------------
def test_load_returns_typed_articles_that_round_trip_to_the_jsonl():
    for split in SPLITS:
        path = version_dir("0.1") / f"{split}.jsonl"
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        arts = newsbench.load(split, version="0.1")
        assert all(isinstance(a, Article) for a in arts)
        assert [a.to_dict() for a in arts] == lines


def test_seed_article_is_in_0_1_with_every_layer():
    arts = newsbench.load_all("0.1")
    assert [a.id for a in arts] == ["nb-0000"]
    a = arts[0]
    assert a.meta.source == "Business Standard" and a.meta.byline == ("Bhaswar Kumar",)
    assert a.meta.published == "2025-01-15" and a.meta.url is None and a.meta.provenance == "published"
    assert a.mentions and a.clusters and a.quotes and a.events and a.frames
    assert "Listen to This Article" not in a.text and "Explore News" not in a.text and "\u00a0" not in a.text
    for m in a.mentions:
        assert a.text[m.start:m.end] == m.text


def test_unknown_version_and_split_are_clear_errors():
    with pytest.raises(newsbench.loading.CorpusError, match="unknown corpus version"):
        newsbench.load("test", version="9.9")
    with pytest.raises(newsbench.loading.CorpusError, match="unknown split"):
        newsbench.load("dev", version="0.1")


def test_released_corpus_validates():
    code, out, err = run_cli("validate", corpus_dir())
    assert code == 0, err


# -- Hugging Face ----------------------------------------------------------------------------------
def _hf_rows_equal_jsonl(dsd, version):
    for split in SPLITS:
        want = [a.to_dict() for a in newsbench.load(split, version=version)]
        if not want:  # `datasets` cannot hold a split with no data: empty splits are left out
            assert split not in dsd
            continue
        got = [newsbench.hf.to_record(r) for r in dsd[split]]   # label ids back to names, dates to ISO
        assert got == want, split
        assert all(isinstance(r["meta"]["published"], datetime.date) for r in dsd[split])


def test_load_hf_keeps_every_layer_intact():
    dsd = newsbench.load_hf("0.1")
    assert dsd["train"].features == newsbench.hf.features()
    _hf_rows_equal_jsonl(dsd, "0.1")


@pytest.mark.parametrize("config", [None, "0.1"])
def test_load_dataset_on_the_corpus_folder_offline(config, tmp_path):
    import datasets

    args = (str(REPO / "corpus"),) + ((config,) if config else ())
    dsd = datasets.load_dataset(*args, cache_dir=str(tmp_path))  # a fresh cache: nothing stale can answer
    version = config or newsbench.latest_version()
    assert dsd["train"].features == newsbench.hf.features()
    _hf_rows_equal_jsonl(dsd, version)


def test_dataset_card_declares_the_package_features_for_every_version():
    from datasets.info import DatasetInfosDict
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(REPO / "corpus" / "README.md")   # the Hub's own parser
    header = card.data.to_dict()
    names = [c["config_name"] for c in header["configs"]]
    assert sorted(names) == sorted(newsbench.versions())
    assert [c for c in header["configs"] if c.get("default")][0]["config_name"] == newsbench.latest_version()
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert sorted(infos) == sorted(newsbench.versions())
    for version, info in infos.items():
        assert info.features == newsbench.hf.features()
        manifest = json.loads((version_dir(version) / "manifest.json").read_text())
        assert {s: info.splits[s].num_examples for s in info.splits} == {
            f[:-6]: m["articles"] for f, m in manifest["files"].items() if m["articles"]}


def test_dataset_card_is_up_to_date():
    code, out, err = run_cli("card", "--check", "--corpus", REPO / "corpus")
    assert code == 0, err


# -- manifest --------------------------------------------------------------------------------------
def test_manifest_detects_a_changed_released_file(tmp_path):
    shutil.copytree(version_dir("0.1"), tmp_path / "0.1")
    f = tmp_path / "0.1" / "train.jsonl"
    f.write_text(f.read_text(encoding="utf-8").replace("Rawalpindi", "Rawalpindy", 1), encoding="utf-8")
    code, out, err = run_cli("validate", tmp_path)
    assert code == 1
    assert "train.jsonl" in err and "SHA-256" in err and "released file changed" in err


def test_released_files_match_their_manifests():
    for v in newsbench.versions():
        manifest = json.loads((version_dir(v) / "manifest.json").read_text())
        assert set(manifest["files"]) == {f"{s}.jsonl" for s in SPLITS}
        assert newsbench.validation.manifest_problems(version_dir(v)) == []


# -- bad input: one line each, file + line + id + field, exit code ----------------------------------
def _bad(tmp_path, mutate):
    rec = seed_record()
    mutate(rec)
    path = tmp_path / "bad.jsonl"
    write_jsonl(path, [rec])
    return run_cli("validate", path)


def _assert_one_problem(code, err, want_code, *fragments):
    """Exactly one problem line, carrying every fragment (file:line, id, JSON path, reason)."""
    lines = [ln for ln in err.splitlines() if not ln.endswith("problem(s)")]
    assert code == want_code, err
    assert len(lines) == 1, err
    assert all(f in lines[0] for f in fragments), err


def test_bad_offset(tmp_path):
    def mutate(r):
        r["entities"]["mentions"][0]["end"] = len(r["text"]) + 5
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "bad.jsonl:1", "nb-0000", "$.entities.mentions[0].start", "out of range")


def test_span_text_mismatch(tmp_path):
    def mutate(r):
        r["entities"]["mentions"][1]["text"] = "Nowhere"
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "bad.jsonl:1", "nb-0000", "$.entities.mentions[1].text", "'Nowhere' != text[")


def test_dangling_speaker(tmp_path):
    def mutate(r):
        r["quotes"][0]["speaker"] = "m999"
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "nb-0000", "$.quotes[0].speaker", "'m999' is not a mention id")


def test_unknown_label(tmp_path):
    def mutate(r):
        r["entities"]["mentions"][0]["type"] = "PER"
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "nb-0000", "$.entities.mentions[0].type", "unknown label 'PER'")


def test_role_not_allowed(tmp_path):
    def mutate(r):
        ev = next(e for e in r["events"] if e["arguments"])
        ev["arguments"][0]["role"] = "Victim" if ev["type"] != "Life:Die" else "Buyer"
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "nb-0000", ".arguments[0].role", "not allowed for")


def test_duplicate_id(tmp_path):
    def mutate(r):
        r["entities"]["mentions"][1]["id"] = r["entities"]["mentions"][0]["id"]
    code, _, err = _bad(tmp_path, mutate)
    _assert_one_problem(code, err, 1, "nb-0000", "$.entities.mentions[1].id", "duplicate mention id")


def test_duplicate_article_id_across_lines(tmp_path):
    rec = seed_record()
    path = tmp_path / "two.jsonl"
    write_jsonl(path, [rec, rec])
    code, _, err = run_cli("validate", path)
    _assert_one_problem(code, err, 1, "two.jsonl:2", "nb-0000", "$.id", "duplicate article id")


def test_truncated_line(tmp_path):
    line = json.dumps(seed_record())
    path = tmp_path / "cut.jsonl"
    path.write_text(line[: len(line) // 2] + "\n", encoding="utf-8")
    code, _, err = run_cli("validate", path)
    _assert_one_problem(code, err, 2, "cut.jsonl:1", "not JSON", "truncated line?")


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(seed_record(), ensure_ascii=False).encode("utf-8").replace(b"Rawalpindi", b"Rawalp\xefndi") + b"\n")
    code, _, err = run_cli("validate", path)
    _assert_one_problem(code, err, 2, "latin1.jsonl:1", "not UTF-8", "0xef")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    code, _, err = run_cli("validate", path)
    _assert_one_problem(code, err, 2, "empty.jsonl", "empty file")


def test_missing_file(tmp_path):
    code, _, err = run_cli("validate", tmp_path / "nope.jsonl")
    _assert_one_problem(code, err, 2, "nope.jsonl", "file not found")


def test_all_problems_reported_in_one_run(tmp_path):
    good = seed_record()
    good["id"] = "nb-other"
    label = seed_record()
    label["id"] = "nb-label"
    label["entities"]["mentions"][0]["type"] = "PER"
    label["entities"]["mentions"][2]["level"] = "NAME"
    dangling = seed_record()
    dangling["quotes"][0]["speaker"] = "m999"
    dangling["events"][0]["arguments"].append({"role": "Place", "mention": "m998"})
    path = tmp_path / "many.jsonl"
    write_jsonl(path, [good, label, dangling])
    path.write_text(path.read_text() + "{not json\n")
    code, _, err = run_cli("validate", path)
    assert code == 2  # the worst severity wins
    lines = err.splitlines()
    assert not any("many.jsonl:1" in ln for ln in lines)
    for where, what in [("many.jsonl:2", "unknown label 'PER'"), ("many.jsonl:2", "unknown label 'NAME'"),
                        ("many.jsonl:3", "'m999' is not a mention id"), ("many.jsonl:3", "'m998' is not a mention id"),
                        ("many.jsonl:4", "not JSON")]:
        assert any(where in ln and what in ln for ln in lines), (where, what, err)


# -- anchoring -------------------------------------------------------------------------------------
TEXT = "Pakistan's army met Pakistani officials. Pakistan said: the army met them again."


def test_whole_word_matching_skips_longer_words():
    assert whole_word_matches(TEXT, "Pakistan") == [0, 41]


def test_anchor_by_context_occurrence_and_uniqueness():
    second_met = TEXT.rindex("met")
    assert anchor(TEXT, "met", context="army [met] them") == (second_met, second_met + 3)
    assert anchor(TEXT, "met", occurrence=2) == (second_met, second_met + 3)
    assert anchor(TEXT, "officials") == (TEXT.index("officials"), TEXT.index("officials") + 9)
    # the nearest "army" to a position in the second sentence is the one in that sentence
    assert anchor(TEXT, "army", near=len(TEXT) - 2) == (TEXT.rindex("army"), TEXT.rindex("army") + 4)
    assert anchor(TEXT, "army", near=0) == (TEXT.index("army"), TEXT.index("army") + 4)


@pytest.mark.parametrize("span, kwargs, message", [
    ("met", {}, "ambiguous, 2 matches"),
    ("met", {"occurrence": 3}, "there are 2 whole-word matches"),
    ("met", {"context": "the navy saw"}, "does not occur in its context"),
    ("met", {"context": "the navy met"}, "not found in the text"),
    ("army", {"context": "army met the army"}, "occurs 2 times in its context"),
    ("Pakistani", {"occurrence": None, "context": None, "near": None}, None),
    ("Pak", {}, "only inside longer words"),
])
def test_anchor_fails_loudly(span, kwargs, message):
    if message is None:
        assert anchor(TEXT, span, **kwargs) == (20, 29)
        return
    with pytest.raises(AnchorError, match=message):
        anchor(TEXT, span, **kwargs)


def test_reading_does_not_import_the_metrics():
    """predictions and validation sit below metrics (which may use them): no import circle, and
    checking a file does not load the scorer. jsonschema waits until a schema message is needed."""
    import subprocess
    import sys

    code = ("import sys, newsbench.predictions, newsbench.validation; "
            "print(sorted(m for m in ('newsbench.metrics', 'jsonschema') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
