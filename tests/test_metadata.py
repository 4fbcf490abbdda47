"""The dataset describes itself truthfully in the formats tools read: the Hub card (parsed by
huggingface_hub), Croissant (validated and read by mlcroissant), the `datasets` features, the
package metadata, the licence files and the citation."""
from __future__ import annotations

import datetime
import importlib.metadata
import inspect
import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import yaml

import newsbench
import newsbench.hf
from newsbench import labels
from newsbench.loading import SPLITS, version_dir

from .helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
CARD = REPO / "corpus" / "README.md"
CROISSANT = REPO / "corpus" / "croissant.json"

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None


# -- the dataset card ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def card():
    from huggingface_hub import DatasetCard
    return DatasetCard.load(CARD)


def test_the_hub_parses_the_card_and_finds_the_metadata_it_looks_for(card):
    data = card.data.to_dict()
    assert data["annotations_creators"] == ["machine-generated"]
    for key in ("language_creators", "multilinguality", "source_datasets", "task_categories", "task_ids",
                "size_categories", "configs", "dataset_info"):
        assert data.get(key), key
    assert {"named-entity-recognition", "coreference-resolution", "multi-label-classification"} <= set(data["task_ids"])
    n = sum(len(newsbench.load(s)) for s in SPLITS)
    assert data["size_categories"] == [newsbench.hf.size_category(n)]


def test_the_card_header_has_no_yaml_aliases():
    header = CARD.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert not re.search(r"(^|\s)[&*]id\d+", header)


def test_the_license_says_what_is_true(card):
    data = card.data.to_dict()
    assert data["license"] == "other"
    details = data["license_details"]
    assert "CC BY 4.0" in details and "Business Standard" in details and "not covered" in details
    published = [a for s in SPLITS for a in newsbench.load(s) if a.meta.provenance == "published"]
    assert published, "the newest version has the seed article"
    assert all(a.meta.source == "Business Standard" for a in published)
    assert "**not** covered by CC BY 4.0" in card.text


@pytest.mark.parametrize("section", ["Data Instances", "Data Fields", "Supported Tasks and Leaderboards",
                                     "Personal and Sensitive Information", "Bias and Limitations",
                                     "Citation Information", "Contact", "Licensing Information"])
def test_the_card_has_the_sections_a_hub_reader_looks_for(card, section):
    assert re.search(rf"^#+ {re.escape(section)}$", card.text, re.M), section


def _leaf_paths(feature, path=""):
    from datasets import List, Sequence
    if isinstance(feature, (List, Sequence)):
        feature = feature.feature
    if isinstance(feature, dict):
        out = [path] if path else []
        for k, sub in feature.items():
            out += _leaf_paths(sub, f"{path}.{k}" if path else k)
        return out
    return [path]


def test_data_fields_lists_every_field_with_a_link_to_the_schema_page(card):
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([\w.]+)` \|.*$", card.text, re.M)}
    for path in _leaf_paths(newsbench.hf.features()):
        assert path in rows, path
        assert "(../docs/schema.md#" in rows[path], path
    anchors = set(re.findall(r"\(\.\./docs/schema\.md#(\w+)\)", card.text))
    defs = {d.lower() for d in newsbench.resources.load_schema("article")["$defs"]} | {"article"}
    assert anchors <= defs


def test_data_instance_is_a_training_article(card):
    shown = re.search(r"^Article `([^`]+)`", card.text, re.M).group(1)
    assert shown in {a.id for a in newsbench.load("train")}


def test_the_bias_figures_are_counted_from_the_records(card):
    arts = [a for s in SPLITS for a in newsbench.load(s)]
    single = sum(not a.meta.annotation.double_annotated for a in arts)
    assert f"**Single annotation**: {single} of {len(arts)} articles" in card.text


def test_the_citation_comes_from_citation_cff(card):
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == newsbench.__version__
    assert set(cff["license"]) == {"Apache-2.0", "CC-BY-4.0"}
    assert "@misc{newsbench" in card.text and cff["title"] in card.text


def test_the_docs_page_links_the_schema_page_as_a_sibling():
    from newsbench.docsgen import dataset_card
    page = dataset_card()
    assert "](schema.md#meta)" in page and "../docs/" not in page


def test_a_template_without_a_header_still_gets_the_metadata(tmp_path):
    import shutil

    from newsbench.release import render_card
    corpus = tmp_path / "corpus"
    shutil.copytree(version_dir("0.1"), corpus / "0.1")
    (corpus / "card_template.md").write_text("# t\n\n{{ data_fields }}\n{{ citation }}\n", encoding="utf-8")
    text = render_card(corpus, corpus / "card_template.md")
    assert text.startswith("---\n") and "dataset_info:" in text and "| `meta.published` | date32 |" in text
    assert "_No CITATION.cff beside the corpus._" in text


def test_an_unknown_placeholder_is_an_error_not_an_empty_string(tmp_path):
    import shutil

    from newsbench.release import render_card
    corpus = tmp_path / "corpus"
    shutil.copytree(version_dir("0.1"), corpus / "0.1")
    (corpus / "card_template.md").write_text("{{ stats }}\n{{ agreemnt }}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="agreemnt"):
        render_card(corpus, corpus / "card_template.md")


# -- datasets features ---------------------------------------------------------------------------
def test_every_closed_inventory_is_a_classlabel_and_published_a_date32():
    from datasets import ClassLabel, Value
    f = newsbench.hf.features()
    mention, cluster = f["entities"]["mentions"].feature, f["entities"]["clusters"].feature
    quote, event = f["quotes"].feature, f["events"].feature
    expected = [(mention["type"], labels.ENTITY_TYPES), (cluster["type"], labels.ENTITY_TYPES),
                (mention["level"], labels.MENTION_LEVELS), (quote["kind"], labels.QUOTE_KINDS),
                (event["type"], labels.EVENT_TYPES), (event["realis"], labels.REALIS),
                (event["arguments"].feature["role"], labels.EVENT_ROLES), (f["frames"]["primary"], labels.FRAMES),
                (f["frames"]["labels"].feature, labels.FRAMES), (f["meta"]["genre"], labels.GENRES),
                (f["meta"]["domain"], labels.DOMAINS)]
    for feature, names in expected:
        assert isinstance(feature, ClassLabel) and feature.names == list(names)
    assert f["meta"]["published"] == Value("date32")


def test_rows_hold_label_ids_and_dates_and_to_record_gives_the_jsonl_back():
    dsd = newsbench.load_hf()
    row, art = dsd["validation"][0], newsbench.load("validation")[0]
    assert isinstance(row["meta"]["published"], datetime.date)
    assert row["meta"]["published"].isoformat() == art.meta.published
    assert dsd["validation"].features["frames"]["primary"].int2str(row["frames"]["primary"]) == art.frames.primary
    assert newsbench.Article.from_dict(newsbench.hf.to_record(row)).to_dict() == art.to_dict()


# -- export hf -------------------------------------------------------------------------------------
def _exported(tmp_path, *args):
    from datasets import load_from_disk
    out = tmp_path / "hf"
    code, _, err = run_cli("export", "hf", out, *args)
    assert code == 0, err
    return load_from_disk(str(out))


def test_export_hf_keeps_train_validation_and_test_apart(tmp_path):
    dsd = _exported(tmp_path)
    assert list(dsd) == ["train", "validation", "test"]
    for split in SPLITS:
        assert set(dsd[split]["article_id"]) <= {a.id for a in newsbench.load(split)}
    assert not set(dsd["train"]["article_id"]) & set(dsd["test"]["article_id"])
    assert dsd["train"].features["ner_tags"] == dsd["test"].features["ner_tags"]


def test_export_hf_one_split_or_a_users_file(tmp_path):
    assert list(_exported(tmp_path, "--split", "validation")) == ["validation"]
    mine = tmp_path / "mine.jsonl"
    mine.write_text("".join(json.dumps(a.to_dict()) + "\n" for a in newsbench.load("validation")[:2]))
    assert list(_exported(tmp_path / "b", "--input", mine)) == ["train"]


# -- Croissant ---------------------------------------------------------------------------------------
def test_mlcroissant_validates_the_croissant_file():
    done = subprocess.run([sys.executable, "-m", "mlcroissant", "validate", "--jsonld", str(CROISSANT)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode and "No module named mlcroissant.__main__" in done.stderr:
        done = subprocess.run([str(Path(sys.executable).parent / "mlcroissant"), "validate", "--jsonld",
                               str(CROISSANT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "error" not in (done.stdout + done.stderr).lower()


def test_croissant_lists_every_split_file_with_its_manifest_checksum():
    doc = json.loads(CROISSANT.read_text(encoding="utf-8"))
    newest = newsbench.latest_version()
    manifest = json.loads((version_dir(newest) / "manifest.json").read_text())
    files = {d["contentUrl"]: d for d in doc["distribution"] if d["@type"] == "cr:FileObject"}
    assert files.keys() == {f"{newest}/{name}" for name in manifest["files"]}
    for name, m in manifest["files"].items():
        assert files[f"{newest}/{name}"]["sha256"] == m["sha256"]
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert {"articles", "entities", "quotes", "events", "frames"} <= {rs["name"] for rs in doc["recordSet"]}
    assert all(doc.get(k) for k in ("rai:dataCollection", "rai:dataAnnotationProtocol", "rai:dataBiases",
                                    "rai:personalSensitiveInformation", "rai:dataLimitations"))


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def test_records_load_through_mlcroissant_and_match_the_jsonl():
    import mlcroissant as mlc

    ds = mlc.Dataset(jsonld=str(CROISSANT))
    gold = {a.id: (s, a) for s in SPLITS for a in newsbench.load(s)}
    arts = {_text(r["articles/id"]): r for r in ds.records("articles")}
    assert arts.keys() == gold.keys()
    for aid, r in arts.items():
        split, a = gold[aid]
        assert _text(r["articles/split"]) == split
        assert r["articles/published"].date().isoformat() == a.meta.published
    ents = {_text(r["entities/article_id"]): r for r in ds.records("entities")}
    quotes = {_text(r["quotes/article_id"]): r for r in ds.records("quotes")}
    events = {_text(r["events/article_id"]): r for r in ds.records("events")}
    frames = {_text(r["frames/article_id"]): r for r in ds.records("frames")}
    for aid, (_, a) in gold.items():
        got = [(_text(m["entities/mentions/type"]), m["entities/mentions/start"]) for m in ents[aid]["entities/mentions"]]
        assert got == [(m.type, m.start) for m in a.mentions], aid
        assert [_text(q["quotes/quotes/kind"]) for q in quotes[aid]["quotes/quotes"]] == [q.kind for q in a.quotes]
        assert [_text(e["events/events/type"]) for e in events[aid]["events/events"]] == [e.type for e in a.events]
        assert [_text(x) for x in frames[aid]["frames/labels"]] == list(a.frames.labels)
    # the closed label sets are enumeration record sets, in schema order, naming the fields they hold the values of
    from newsbench.croissant import ENUMERATIONS
    doc = json.loads(CROISSANT.read_text(encoding="utf-8"))
    descriptions = {rs["@id"]: rs["description"] for rs in doc["recordSet"]}
    for rid, (attr, _, users) in ENUMERATIONS.items():
        assert [_text(r[f"{rid}/name"]) for r in ds.records(rid)] == list(getattr(labels, attr))
        assert all(u in descriptions[rid] for u in users)


def test_card_check_names_a_stale_croissant_file(tmp_path):
    import shutil
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    shutil.copy(REPO / "CITATION.cff", tmp_path / "CITATION.cff")
    (tmp_path / "docs").symlink_to(REPO / "docs")
    assert run_cli("card", "--check", "--corpus", corpus)[0] == 0
    doc = json.loads((corpus / "croissant.json").read_text())
    doc["distribution"][0]["sha256"] = "0" * 64
    (corpus / "croissant.json").write_text(json.dumps(doc, indent=2) + "\n")
    code, _, err = run_cli("card", "--check", "--corpus", corpus)
    assert code == 1 and "croissant.json is out of date" in err


# -- package metadata, licences, typing -----------------------------------------------------------------
def test_the_version_is_written_once():
    assert importlib.metadata.version("newsbench") == newsbench.__version__
    if tomllib is not None:
        project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
        assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "newsbench.__version__"}


@pytest.mark.skipif(tomllib is None, reason="tomllib is Python 3.11+")
def test_pyproject_uses_an_spdx_license_expression_and_license_files():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    meta = project["project"]
    assert isinstance(meta["license"], str) and "Apache-2.0" in meta["license"]
    assert any(r.startswith("setuptools>=77") for r in project["build-system"]["requires"])
    files = [p for pattern in meta["license-files"] for p in REPO.glob(pattern)]
    assert {p.relative_to(REPO).as_posix() for p in files} == {"LICENSE", "LICENSES/CC-BY-4.0.txt"}
    assert meta["classifiers"] and meta["authors"]


def test_the_licence_texts_are_the_full_legal_texts():
    apache = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in apache and "Version 2.0, January 2004" in apache
    assert "END OF TERMS AND CONDITIONS" in apache and "APPENDIX: How to apply the Apache License" in apache
    cc = (REPO / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert cc.startswith("Attribution 4.0 International")
    for heading in ("Section 1 -- Definitions.", "Section 8 -- Interpretation.",
                    "Creative Commons may be contacted at creativecommons.org."):
        assert heading in cc


def test_the_public_api_is_typed():
    assert (REPO / "newsbench" / "py.typed").exists()
    for name in newsbench.__all__:
        obj = getattr(newsbench, name)
        if inspect.isfunction(obj):
            assert inspect.signature(obj).return_annotation is not inspect.Signature.empty, name
    overloads = typing.get_overloads(newsbench.load) if hasattr(typing, "get_overloads") else None
    if overloads is not None:
        assert len(overloads) >= 2
        hints = [o.__annotations__["return"] for o in overloads]
        assert "dict[str, list[Article]]" in hints and "list[Article]" in hints
