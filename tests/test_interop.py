"""brat and Label Studio in, brat / CoNLL / HF / spaCy out (issue 7)."""
from __future__ import annotations

import json

import pytest

import newsbench
from newsbench.interop.brat import from_brat, to_brat
from newsbench.interop.conll import bio, hf_token_classification, tag_names, to_conll
from newsbench.interop.labelstudio import fold_crlf, import_labelstudio, utf16_to_codepoints
from newsbench.record import Article

from .helpers import run_cli

ALL = newsbench.load_all()


def test_brat_round_trip_on_every_corpus_article():
    for a in ALL:
        rec = a.to_dict()
        text, ann, side = to_brat(rec)
        assert from_brat(text, ann, side, f"{a.id}.ann") == rec, a.id


def test_brat_without_sidecar_keeps_spans_and_clusters(tmp_path):
    rec = ALL[0].to_dict()
    text, ann, _ = to_brat(rec)
    plain = "\n".join(ln for ln in ann.splitlines() if not ln.startswith("#"))  # no newsbench notes either
    back = from_brat(text, plain, None, "x.ann")
    assert [(m["start"], m["end"], m["type"], m["level"]) for m in back["entities"]["mentions"]] == \
           [(m["start"], m["end"], m["type"], m["level"]) for m in rec["entities"]["mentions"]]
    def partition(r):
        groups = {}
        for m in r["entities"]["mentions"]:
            groups.setdefault(m["entity"], set()).add((m["start"], m["end"]))
        return sorted(map(sorted, groups.values()))
    assert partition(back) == partition(rec)
    assert [(q["start"], q["end"], q["kind"]) for q in back["quotes"]] == [(q["start"], q["end"], q["kind"]) for q in rec["quotes"]]


def test_brat_cli_round_trip(tmp_path):
    code, _, err = run_cli("export", "brat", tmp_path / "brat", "--split", "train")
    assert code == 0, err
    code, _, err = run_cli("import", "brat", tmp_path / "brat", "-o", tmp_path / "back.jsonl")
    assert code == 0, err
    back = [json.loads(x) for x in (tmp_path / "back.jsonl").read_text().splitlines()]
    assert back == [a.to_dict() for a in newsbench.load("train")]


def test_bad_brat_line_is_one_clear_error(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("Hello Marendia.", encoding="utf-8")
    (tmp_path / "d" / "x.ann").write_text("T1\tGPE six 14\tMarendia\n", encoding="utf-8")
    code, _, err = run_cli("import", "brat", tmp_path / "d", "-o", tmp_path / "o.jsonl")
    assert code == 2 and "x.ann:1" in err and "not a brat standoff line" in err and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


# -- Label Studio: UTF-16 offsets, emoji, CRLF ------------------------------------------------------
LS_TEXT = "Fans 🎉🎉 cheered Kefira Adelund\r\nin Lausanne 🏟 on Sunday.\r\n\"We won,\" she said."


def u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def ls_region(rid, text, label, nth=0):
    start_cp = [i for i in range(len(text)) if text.startswith(label[0], i)][nth]
    s = u16(text[:start_cp])
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": s, "end": s + u16(label[0]), "text": label[0], "labels": [label[1]]}}


def ls_task():
    t = LS_TEXT
    result = [ls_region("a", t, ("Kefira Adelund", "PERSON")), ls_region("b", t, ("Lausanne", "GPE")),
              ls_region("c", t, ("Sunday", "DATE")), ls_region("d", t, ("We won,", "Quote")),
              ls_region("e", t, ("said", "Cue")), ls_region("f", t, ("she", "PERSON")),
              ls_region("g", t, ("cheered", "Conflict:Demonstrate")),
              {"id": "f", "type": "choices", "from_name": "level", "to_name": "text", "value": {"choices": ["PRO"]}},
              {"type": "relation", "from_id": "d", "to_id": "f", "labels": ["speaker"]},
              {"type": "relation", "from_id": "d", "to_id": "e", "labels": ["cue"]},
              {"type": "relation", "from_id": "f", "to_id": "a", "labels": ["coref"]},
              {"type": "relation", "from_id": "g", "to_id": "b", "labels": ["Place"]},
              {"id": "doc", "type": "choices", "from_name": "frames", "to_name": "text",
               "value": {"choices": ["cultural_identity"]}}]
    return {"id": 7, "data": {"text": t, "id": "ls-demo"}, "annotations": [{"result": result}]}


def test_utf16_and_crlf_conversions():
    assert utf16_to_codepoints("a🎉b") == [0, 1, 1, 2, 3]
    text, shift = fold_crlf("a\r\nb")
    assert text == "a\nb" and shift[3] == 2


def test_labelstudio_import_lands_on_the_same_characters(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([ls_task()], ensure_ascii=False), encoding="utf-8")
    [rec] = import_labelstudio(path)
    assert "\r" not in rec["text"]
    got = {m["text"]: (m["type"], m["level"]) for m in rec["entities"]["mentions"]}
    assert got == {"Kefira Adelund": ("PERSON", "NAM"), "Lausanne": ("GPE", "NAM"), "Sunday": ("DATE", "NAM"),
                   "she": ("PERSON", "PRO")}
    for m in rec["entities"]["mentions"]:
        assert rec["text"][m["start"]:m["end"]] == m["text"]
    by_text = {m["text"]: m for m in rec["entities"]["mentions"]}
    assert by_text["she"]["entity"] == by_text["Kefira Adelund"]["entity"]
    [q] = rec["quotes"]
    assert q["text"] == "We won," and q["speaker"] == by_text["she"]["id"] and q["cue"]["text"] == "said"
    [ev] = rec["events"]
    assert ev["arguments"] == [{"role": "Place", "mention": by_text["Lausanne"]["id"]}]
    assert rec["frames"] == {"primary": "cultural_identity", "labels": ["cultural_identity"]}


def test_labelstudio_cli_validates_what_it_imports(tmp_path):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([ls_task()]), encoding="utf-8")
    code, _, err = run_cli("import", "labelstudio", path, "-o", tmp_path / "out.jsonl")
    assert code == 0, err
    assert newsbench.validate(tmp_path / "out.jsonl") == []


def test_labelstudio_unknown_label_is_named(tmp_path):
    task = ls_task()
    task["annotations"][0]["result"][0]["value"]["labels"] = ["PER"]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    code, _, err = run_cli("import", "labelstudio", path, "-o", tmp_path / "o.jsonl")
    assert code == 2 and "unknown label 'PER'" in err and "task 0" in err


# -- token-level exports ----------------------------------------------------------------------------
def test_bio_tags_match_the_mentions_and_report_misalignment():
    for a in ALL:
        sents, reports = bio(a)
        tagged = sum(t.startswith("B-") for s in sents for t in s.tags)
        nam = sum(m.level == "NAM" for m in a.mentions)
        assert tagged + sum("skipped" in r.reason or "no token" in r.reason for r in reports) == nam


def test_conll_scheme_maps_labels():
    text, _ = to_conll(ALL[:1], "conll")
    tags = {line.split("\t")[1] for line in text.splitlines() if "\t" in line and not line.startswith("-DOCSTART-")}
    assert tags <= set(tag_names("conll")) and "B-LOC" in tags and "B-GPE" not in tags


def test_misaligned_span_is_reported_not_dropped():
    a = Article.from_dict({**ALL[0].to_dict()})
    d = a.to_dict()
    m = next(x for x in d["entities"]["mentions"] if x["level"] == "NAM")
    m["end"] -= 1
    m["text"] = d["text"][m["start"]:m["end"]]
    _, reports = bio(Article.from_dict(d))
    assert any(r.mention_id == m["id"] and "not aligned" in r.reason for r in reports)


def test_hf_token_view_has_classlabel_tags():
    ds, _ = hf_token_classification(ALL, "ace")
    names = ds.features["ner_tags"].feature.names
    assert names[0] == "O" and "B-GPE" in names and len(ds) > 0
    assert all(len(r["tokens"]) == len(r["ner_tags"]) for r in ds)


def test_spacy_docbin_export(tmp_path):
    pytest.importorskip("spacy")
    code, _, err = run_cli("export", "spacy", tmp_path / "train.spacy", "--split", "train")
    assert code == 0, err
    import spacy
    from spacy.tokens import DocBin
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(spacy.blank("en").vocab))
    train = newsbench.load("train")
    assert [d.text for d in docs] == [a.text for a in train]
    skipped = err.count("skipped")
    assert sum(len(d.ents) for d in docs) == sum(m.level == "NAM" for a in train for m in a.mentions) - skipped
