"""One tokenizer for every token view (CoNLL, HF, spaCy DocBin), misaligned spans reported, and a CoNLL
file that `spacy convert -c ner` reads (issue 14)."""
from __future__ import annotations

import subprocess
import sys

import pytest

import newsbench
from newsbench.interop.conll import bio, doc_from_spans, hf_token_classification, spacy_docbin, to_conll
from newsbench.tokens import get_tokenizer, spacy_available

from .helpers import run_cli

VALIDATION = newsbench.load("validation")


def test_auto_is_spacy_when_installed_and_names_are_checked():
    assert get_tokenizer().name.startswith("spacy") == spacy_available()
    assert get_tokenizer("newsbench").name == "newsbench"
    with pytest.raises(ValueError, match="unknown tokenizer"):
        get_tokenizer("whitespace")


@pytest.mark.parametrize("name", ["newsbench", "spacy"])
def test_conll_hf_and_docbin_share_tokens_and_reports(name):
    if name == "spacy":
        pytest.importorskip("spacy")
    tok = get_tokenizer(name)
    arts = VALIDATION
    conll_text, conll_reports = to_conll(arts, tokenizer=tok)
    conll_tokens = [ln.split("\t")[0] for ln in conll_text.splitlines() if "\t" in ln]
    ds, hf_reports = hf_token_classification(arts, tokenizer=tok)
    assert [t for row in ds["tokens"] for t in row] == conll_tokens
    assert [str(r) for r in hf_reports] == [str(r) for r in conll_reports]
    assert tok.name in ds.info.description
    if spacy_available():
        db, db_reports = spacy_docbin(arts, tokenizer=tok)
        import spacy
        docs = list(db.get_docs(spacy.blank("en").vocab))
        assert [t.text for d in docs for t in d if not t.is_space] == conll_tokens
        assert [d.text for d in docs] == [a.text for a in arts]
        assert [str(r) for r in db_reports] == [str(r) for r in conll_reports]
        ents = [(e.start_char, e.end_char, e.label_) for d in docs for e in d.ents]
        b_tags = sum(ln.split("\t")[1].startswith("B-") for ln in conll_text.splitlines() if "\t" in ln)
        assert len(ents) == b_tags


def test_spacy_tokens_split_what_spacy_splits_and_misalignment_is_reported():
    pytest.importorskip("spacy")
    d = VALIDATION[0].to_dict()
    d["text"] = "Officials met at 9 a.m. in Ystrava."
    d["entities"] = {"mentions": [{"id": "m1", "start": 17, "end": 22, "text": "9 a.m", "type": "TIME", "level": "NAM",
                                   "entity": "e1"},
                                  {"id": "m2", "start": 27, "end": 34, "text": "Ystrava", "type": "GPE", "level": "NAM",
                                   "entity": "e2"}],
                     "clusters": [{"id": "e1", "name": "9 a.m", "type": "TIME", "wikidata": None},
                                  {"id": "e2", "name": "Ystrava", "type": "GPE", "wikidata": None}]}
    d["quotes"], d["events"] = [], []
    art = newsbench.Article.from_dict(d)
    [sent], reports = bio(art, tokenizer="spacy")
    assert sent.tokens[-2:] == ["Ystrava", "."]
    assert sent.tags[sent.tokens.index("Ystrava")] == "B-GPE"
    [rep] = reports
    assert rep.mention_id == "m1" and "'9 a.m.'" in rep.reason


def test_doc_from_spans_keeps_the_text_exactly():
    spacy = pytest.importorskip("spacy")
    text = "  A  b\n\nc.  "
    spans = get_tokenizer("newsbench").spans(text)
    doc, index = doc_from_spans(spacy.blank("en").vocab, text, spans)
    assert doc.text == text and [doc[i].text for i in index] == ["A", "b", "c", "."]


def test_conll_id_lines_are_optional(tmp_path):
    code, _, err = run_cli("export", "conll", tmp_path / "a.conll", "--split", "validation", "--no-doc-ids")
    assert code == 0, err
    text = (tmp_path / "a.conll").read_text(encoding="utf-8")
    assert "# id" not in text and text.count("-DOCSTART- -X- O O\n") == len(VALIDATION)
    run_cli("export", "conll", tmp_path / "b.conll", "--split", "validation")
    ids = [ln[len("# id = "):] for ln in (tmp_path / "b.conll").read_text(encoding="utf-8").splitlines()
           if ln.startswith("# id = ")]
    assert ids == [a.id for a in VALIDATION]
    assert "tokenizer:" in err


def test_spacy_convert_reads_the_conll_export(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    run_cli("export", "conll", tmp_path / "v.conll", "--split", "validation", "--no-doc-ids", "--scheme", "conll")
    done = subprocess.run([sys.executable, "-m", "spacy", "convert", "-c", "ner", str(tmp_path / "v.conll"),
                           str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    docs = list(DocBin().from_disk(tmp_path / "v.spacy").get_docs(spacy.blank("en").vocab))
    assert len(docs) == len(VALIDATION)
    conll = (tmp_path / "v.conll").read_text(encoding="utf-8")
    assert sum(len(d.ents) for d in docs) == conll.count("\tB-")
    assert [t.text for t in docs[0]] == [ln.split("\t")[0] for ln in conll.split("-DOCSTART-")[1].splitlines() if "\t" in ln]
