"""Annotation sheets build into valid records; releases are immutable and splits deterministic."""
from __future__ import annotations

import json
import textwrap

import pytest

from newsbench.agreement import compare, krippendorff_alpha_nominal
from newsbench.record import Article
from newsbench.release import assign_splits, build_all, release
from newsbench.sheets import SheetError, build_sheet
from newsbench.validation import semantic_problems, schema_problems

from .helpers import run_cli

TEXT = """Marendia and Oskaria sign border pact
Defence chiefs met in Geneva on Tuesday.
Gen Ana Rell of Marendia met Oskaria's army chief, Gen Tomas Vey, on Tuesday. "We will patrol together," Rell said. She added that the patrols would start in March.
The Oskarian army said the talks were "useful"."""


def make_article(tmp_path, sheet: str, aid: str = "nb-9001"):
    (tmp_path / "text").mkdir(exist_ok=True)
    (tmp_path / "gold").mkdir(exist_ok=True)
    (tmp_path / "text" / f"{aid}.txt").write_text(
        f"id: {aid}\ntitle: Marendia and Oskaria sign border pact\npublished: 2025-02-01\nbyline: A Writer\n"
        f"genre: wire\ndomain: international_security\n---\n{TEXT}\n", encoding="utf-8")
    path = tmp_path / "gold" / f"{aid}.yaml"
    path.write_text(textwrap.dedent(sheet), encoding="utf-8")
    return path


SHEET = """
id: nb-9001
clusters:
  - {id: marendia, name: Marendia, type: GPE}
  - {id: oskaria, name: Oskaria, type: GPE}
  - {id: rell, name: Ana Rell, type: PERSON}
  - {id: vey, name: Tomas Vey, type: PERSON}
mentions:
  - {text: Marendia, entity: marendia, occurrence: each}
  - {text: Oskaria, entity: oskaria, occurrence: each}
  - {text: Ana Rell, entity: rell}
  - {text: Rell, entity: rell, occurrence: each}
  - {id: she, text: She, level: PRO, entity: rell}
  - {text: Tomas Vey, entity: vey}
  - {text: Geneva, type: GPE}
  - {text: Tuesday, type: DATE, occurrence: each}
  - {text: March, type: DATE}
  - {text: Oskarian, type: NORP}
  - {id: army, text: The Oskarian army, type: ORG, level: NOM}
quotes:
  - {text: "We will patrol together,", kind: direct, cue: said, speaker: {text: Rell}}
  - {text: the patrols would start in March, kind: indirect, cue: added, speaker: she}
  - {text: "the talks were \\"useful\\"", kind: mixed, cue: said, speaker: army}
events:
  - trigger: {text: met, context: "Gen Ana Rell of Marendia [met]"}
    type: Contact:Meet
    arguments:
      - {role: Entity, text: Ana Rell}
      - {role: Entity, text: Tomas Vey}
      - {role: Time, text: Tuesday}
  - trigger: sign
    type: Cooperation:Agree
    arguments:
      - {role: Party, text: Marendia}
      - {role: Party, text: Oskaria}
frames: {primary: security_and_defense, labels: [security_and_defense, political]}
"""


def test_a_sheet_builds_into_a_valid_record(tmp_path):
    rec = build_sheet(make_article(tmp_path, SHEET))
    assert list(schema_problems(rec)) == [] and list(semantic_problems(rec)) == []
    a = Article.from_dict(rec)
    # 'each' found every whole-word match but not "Oskarian"; ids follow document order
    assert [m.text for m in a.mentions if m.entity == "oskaria"] == ["Oskaria", "Oskaria"]
    assert [m.id for m in a.mentions] == [f"m{i}" for i in range(1, len(a.mentions) + 1)]
    assert [m.start for m in a.mentions] == sorted(m.start for m in a.mentions)
    q1, q2, q3 = a.quotes
    assert q1.text == "We will patrol together," and a.mention(q1.speaker).text == "Rell"
    assert q1.cue.text == "said" and q1.cue.start > q1.end            # the 'said' nearest the quote
    assert a.mention(q2.speaker).text == "She" and q2.kind == "indirect"
    assert q3.cue.start > q1.cue.start                                # the second 'said'
    meet = next(e for e in a.events if e.type == "Contact:Meet")
    time_arg = next(x for x in meet.arguments if x.role == "Time")
    assert a.mention(time_arg.mention).start > meet.trigger.start      # the Tuesday nearest 'met'
    assert rec["meta"]["provenance"] == "original" and rec["meta"]["license"] == "CC-BY-4.0"
    assert rec["meta"]["url"] is None and rec["meta"]["byline"] == ["A Writer"]


@pytest.mark.parametrize("change, message", [
    (("- {text: Geneva, type: GPE}", "- {text: Tuesday, type: DATE}"), "'Tuesday' is ambiguous, 2 matches"),
    (("- {text: Geneva, type: GPE}", "- {text: Genf, type: GPE}"), "'Genf' not found"),
    (("  - {id: vey, name: Tomas Vey, type: PERSON}", "  - {id: vey, name: Tomas Vey, type: PERSON}\n  - {id: ghost, name: G, type: ORG}"),
     "declared but never mentioned: ghost"),
    (("speaker: she}", "speaker: nobody}"), "no annotated mention has the text 'nobody'"),
    (("entity: vey}", "entity: veyy}"), "entity 'veyy' is not a declared cluster"),
])
def test_sheet_problems_are_one_clear_line(tmp_path, change, message):
    path = make_article(tmp_path, SHEET.replace(*change))
    with pytest.raises(SheetError, match=message) as err:
        build_sheet(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_build_cli_reports_and_exits_1(tmp_path):
    path = make_article(tmp_path, SHEET.replace("- {text: Geneva, type: GPE}", "- {text: Tuesday, type: DATE}"))
    code, out, err = run_cli("build", path)
    assert code == 1 and "ambiguous" in err and "Traceback" not in err and out == ""


def test_release_refuses_to_touch_a_released_version_and_keeps_splits(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "card_template.md").write_text("{{ stats }}\n{{ versions_table }}\n{{ agreement }}\n")
    sheet = make_article(tmp_path, SHEET)
    m1 = release("0.1", [sheet], corpus, "first")
    assert sum(f["articles"] for f in m1["files"].values()) == 1
    with pytest.raises(FileExistsError, match="never changes"):
        release("0.1", [sheet], corpus, "again")
    split_01 = next(k for k, f in m1["files"].items() if f["articles"])
    sheet2 = make_article(tmp_path, SHEET.replace("nb-9001", "nb-9002"), aid="nb-9002")
    m2 = release("0.2", [sheet, sheet2], corpus, "second")
    assert json.loads((corpus / "0.2" / split_01).read_text().splitlines()[0])["id"] == "nb-9001"
    assert sum(f["articles"] for f in m2["files"].values()) == 2
    code, out, err = run_cli("validate", corpus)
    assert code == 0, err


def test_split_rule_is_deterministic_and_independent_of_input_order():
    recs = [{"id": f"nb-{i:04d}", "meta": {"domain": "d%d" % (i % 3), "genre": "g%d" % (i % 2)}} for i in range(30)]
    a = assign_splits(recs, {})
    b = assign_splits(list(reversed(recs)), {})
    assert a == b and set(a.values()) == {"train", "validation", "test"}
    assert assign_splits(recs, {"nb-0000": "validation"})["nb-0000"] == "validation"


# -- agreement -------------------------------------------------------------------------------------
def test_krippendorff_alpha_hand_worked():
    # coincidences: (1,1)x2, (0,0)x4, (1,0)+(0,1) x1 each; n=8, n1=3, n0=5
    # Do = 2/8, De = 2*3*5/(8*7) = 30/56, alpha = 1 - (2/8)/(30/56) = 1 - 14/30
    assert krippendorff_alpha_nominal([(1, 1), (1, 0), (0, 0), (0, 0)]) == pytest.approx(1 - 14 / 30)
    assert krippendorff_alpha_nominal([(1, 1), (0, 0)]) == 1.0


def test_agreement_of_an_annotation_with_itself_is_perfect(tmp_path):
    a = Article.from_dict(build_sheet(make_article(tmp_path, SHEET)))
    rows = compare([a], [a])
    assert len(rows) == 21 and all(r.value == 1.0 for r in rows), rows   # 4 of them coreference


def test_agreement_drops_when_one_side_misses_mentions(tmp_path):
    full = Article.from_dict(build_sheet(make_article(tmp_path, SHEET)))
    fewer = SHEET.replace("  - {text: March, type: DATE}\n", "").replace("  - {text: Geneva, type: GPE}\n", "")
    part = Article.from_dict(build_sheet(make_article(tmp_path, fewer)))
    rows = {r.measure: r for r in compare([full], [part])}
    n = len(full.mentions)
    assert rows["mentions (all levels) strict F1"].value == pytest.approx(2 * (n - 2) / (n + n - 2))


def test_release_records_who_annotated_each_article(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "card_template.md").write_text("{{ stats }}\n{{ annotation_summary }}\n")
    sheet = make_article(tmp_path, SHEET)
    prov = sheet.parent.parent / "provenance.yaml"
    prov.write_text("defaults: {annotator_kind: language-model agent, guidelines: '1.4'}\narticles:\n"
                    "  nb-9002: {annotators: [agent-A1], double_annotated: false, adjudicated: false, reviewed: false}\n")
    with pytest.raises(ValueError, match="nb-9001: no entry in the provenance file"):
        release("0.1", [sheet], corpus, "first")
    prov.write_text(prov.read_text().replace("nb-9002", "nb-9001"))
    release("0.1", [sheet], corpus, "first")
    rec = next(json.loads(line) for f in (corpus / "0.1").glob("*.jsonl") for line in f.read_text().splitlines())
    assert rec["meta"]["annotation"] == {"annotator_kind": "language-model agent", "guidelines": "1.4",
                                         "annotators": ["agent-A1"], "double_annotated": False,
                                         "adjudicated": False, "reviewed": False}
    code, out, err = run_cli("validate", corpus)
    assert code == 0, err
    from newsbench.release import render_card
    assert "annotated under written guidelines (version 1.4) by language-model agents, with blind double" in render_card(
        corpus, corpus / "card_template.md")
