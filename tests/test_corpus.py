"""The released corpus meets its own specification (issue 5), and its figures can be recomputed."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import newsbench
from newsbench.labels import DOMAINS, ENTITY_TYPES, FRAMES

from .helpers import run_cli

REPO = Path(__file__).resolve().parents[1]
AGREEMENT = REPO / "corpus" / "agreement"
NEWEST = newsbench.latest_version()
V03 = "0.3"
ARTICLES = newsbench.load_all(V03)          # the 0.2/0.3 specification (issue 5) is checked on 0.3 itself
needs_02 = pytest.mark.skipif(V03 not in newsbench.versions(), reason="corpus 0.3 not released")
needs_04 = pytest.mark.skipif("0.4" not in newsbench.versions(), reason="corpus 0.4 not released")


@needs_02
def test_size_and_provenance():
    assert len(ARTICLES) == 41
    prov = Counter(a.meta.provenance for a in ARTICLES)
    assert prov == {"published": 1, "original": 40}
    assert all(a.meta.license == "CC-BY-4.0" for a in ARTICLES if a.meta.provenance == "original")


@needs_02
def test_every_domain_has_at_least_four_articles():
    counts = Counter(a.meta.domain for a in ARTICLES)
    assert all(counts[d] >= 4 for d in DOMAINS), counts


@needs_02
def test_every_entity_type_has_at_least_ten_mentions():
    counts = Counter(m.type for a in ARTICLES for m in a.mentions)
    assert all(counts[t] >= 10 for t in ENTITY_TYPES), {t: counts[t] for t in ENTITY_TYPES if counts[t] < 10}


@needs_02
def test_at_least_twenty_event_types_and_all_but_two_frames_occur():
    assert len({e.type for a in ARTICLES for e in a.events}) >= 20
    present = {f for a in ARTICLES for f in a.frames.labels}
    assert len(set(FRAMES) - present) <= 2


@needs_02
def test_original_article_lengths_are_in_range():
    from newsbench.stats import tokens
    for a in ARTICLES:
        if a.meta.provenance == "original":
            words = len([t for t in tokens(a.text) if t[0].isalnum()])
            assert 250 <= words <= 950, (a.id, words)


@needs_02
def test_earlier_release_is_unchanged_and_kept_its_split():
    seed_01 = newsbench.load("train", version="0.1")[0]
    for v in newsbench.versions():
        assert seed_01.id in {a.id for a in newsbench.load("train", version=v)}


@needs_02
@pytest.mark.parametrize("report, exclude", [("report.md", ["nb-0000"]), ("report-with-seed.md", [])])
def test_agreement_report_is_reproduced_from_the_kept_raw_annotations(tmp_path, report, exclude):
    out = tmp_path / "r.md"
    args = ["agreement", AGREEMENT / "A.jsonl", AGREEMENT / "B.jsonl", "-o", out]
    for x in exclude:
        args += ["--exclude", x]
    code, _, err = run_cli(*args)
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == (AGREEMENT / report).read_text(encoding="utf-8")


@needs_02
def test_double_annotated_subset_covers_the_seed_and_ten_more():
    a = newsbench.loading.read_articles(AGREEMENT / "A.jsonl")
    b = newsbench.loading.read_articles(AGREEMENT / "B.jsonl")
    assert [x.id for x in a] == [x.id for x in b]
    assert "nb-0000" in {x.id for x in a} and len(a) >= 11
    gold_text = {x.id: x.text for x in ARTICLES}
    assert all(x.text == gold_text[x.id] for x in a)


def test_nothing_calls_the_corpus_hand_or_human_annotated():
    """All annotation so far was made by language-model agents (issue: an honest record of who annotated it)."""
    import re
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    claim = re.compile("|".join(("hand" + "[- ]annotated", "annotated by " + "hand", "human" + "[- ]annotated")),
                       re.I)   # built from parts so this file does not match its own pattern
    hits = [f for f in files if not f.endswith(".jsonl")
            and (root / f).is_file() and claim.search((root / f).read_text(encoding="utf-8", errors="ignore"))]
    assert hits == []



# -- corpus 0.4 (issue 10) ---------------------------------------------------------------------------------------
V04 = newsbench.load_all("0.4") if "0.4" in newsbench.versions() else []
AGREEMENT_04 = AGREEMENT / "0.4"


@needs_04
def test_04_size_splits_and_domains():
    assert len(V04) == 171
    splits = {s: len(newsbench.load(s, version="0.4")) for s in ("train", "validation", "test")}
    assert splits["test"] >= 50 and splits["validation"] >= 25, splits
    old = {a.id: s for s in ("train", "validation", "test") for a in newsbench.load(s, version="0.3")}
    now = {a.id: s for s in ("train", "validation", "test") for a in newsbench.load(s, version="0.4")}
    assert all(now[i] == old[i] for i in old)            # the 41 articles keep their split
    counts = Counter(a.meta.domain for a in V04)
    assert min(counts.values()) >= 15, counts
    others = [counts[d] for d in DOMAINS if d != "international_security"]
    assert counts["international_security"] <= 1.5 * min(others), counts


@needs_04
def test_04_lengths_and_genres_vary():
    from newsbench.stats import tokens
    words = [len([t for t in tokens(a.text) if t[0].isalnum()]) for a in V04 if a.meta.provenance == "original"]
    assert sum(w < 300 for w in words) >= 0.15 * len(V04)
    assert sum(1200 <= w <= 2600 for w in words) >= 0.10 * len(V04)
    new_genres = {"obituary", "match_report", "market_report", "court_report", "science_news", "explainer",
                  "live_blog", "letters", "correction", "transcript"}
    assert new_genres <= {a.meta.genre for a in V04}


@needs_04
def test_04_every_record_says_who_annotated_it():
    assert all(a.meta.annotation is not None for a in V04)
    assert {a.meta.annotation.annotator_kind for a in V04} == {"language-model agent"}
    new = [a for a in V04 if int(a.id.split("-")[1]) >= 41]
    double = [a for a in new if a.meta.annotation.double_annotated]
    assert len(double) >= 0.2 * len(new)
    assert all(a.meta.annotation.adjudicated and len(a.meta.annotation.annotators) == 3 for a in double)
    single = [a for a in new if not a.meta.annotation.double_annotated]
    assert sum(a.meta.annotation.reviewed for a in single) >= 0.1 * len(single)


@needs_04
def test_04_agreement_report_is_reproduced_and_meets_the_targets(tmp_path):
    out = tmp_path / "r.md"
    code, _, err = run_cli("agreement", AGREEMENT_04 / "A.jsonl", AGREEMENT_04 / "B.jsonl", "-o", out)
    assert code == 0, err
    assert out.read_text(encoding="utf-8").replace(str(AGREEMENT_04) + "/", "") == \
        (AGREEMENT_04 / "report.md").read_text(encoding="utf-8").replace(str(AGREEMENT_04) + "/", "")
    from newsbench.agreement import compare
    rows = {r.measure: r.value for r in compare(newsbench.loading.read_articles(AGREEMENT_04 / "A.jsonl"),
                                                 newsbench.loading.read_articles(AGREEMENT_04 / "B.jsonl"))}
    assert rows["mentions (all levels) strict F1"] >= 0.90
    assert rows["content strict F1"] >= 0.85
    assert rows["speaker agreement"] >= 0.95
    assert rows["triggers strict F1"] >= 0.80
    assert rows["presence: Krippendorff's alpha"] >= 0.70


@needs_04
def test_04_error_rate_report_is_reproduced(tmp_path):
    out = tmp_path / "r.md"
    code, _, err = run_cli("review", REPO / "annotations" / "review", "--gold", REPO / "corpus" / "0.4", "-o", out)
    assert code == 0, err
    want = (REPO / "corpus" / "review" / "0.4" / "report.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").split("\n", 1)[1] == want.split("\n", 1)[1]   # the table; line 1 names paths


@needs_04
def test_04_lint_is_clean():
    from newsbench.lint import lint
    findings, problems = lint(REPO / "corpus" / "0.4")
    assert problems == [] and [str(f) for f in findings] == []
