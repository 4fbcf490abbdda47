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
ARTICLES = newsbench.load_all(NEWEST)
needs_02 = pytest.mark.skipif(NEWEST == "0.1", reason="corpus 0.2 not released")


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
    assert seed_01.id in {a.id for a in newsbench.load("train", version=NEWEST)}


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
    claim = re.compile(r"hand[- ]annotated|annotated by hand|human[- ]annotated", re.I)
    hits = [f for f in files if not f.endswith(".jsonl") and f != "tests/test_corpus.py"
            and (root / f).is_file() and claim.search((root / f).read_text(encoding="utf-8", errors="ignore"))]
    assert hits == []
