"""The gold error-rate estimate: confirmed findings per 100 items with a Wilson interval."""
from __future__ import annotations

import pytest

from newsbench.review import ReviewError, error_rates, read_review, wilson

from .helpers import run_cli
from .scoring_fixtures import seed_article, write_jsonl


def test_wilson_matches_the_textbook_values():
    lo, hi = wilson(0, 100)
    assert lo == 0 and hi == pytest.approx(0.0370, abs=1e-4)       # the "rule of three" region
    lo, hi = wilson(10, 100)
    assert (lo, hi) == (pytest.approx(0.0552, abs=1e-4), pytest.approx(0.1744, abs=1e-4))


def test_rates_count_confirmed_findings_against_gold_items():
    gold = {"t-0001": seed_article()}
    review = {"id": "t-0001", "reviewer": "r", "findings": [
        {"layer": "entities", "kind": "missing", "verdict": "confirmed"},
        {"layer": "entities", "kind": "wrong", "verdict": "rejected"},
        {"layer": "events", "kind": "wrong", "verdict": "confirmed"}]}
    rates = {r.layer: r for r in error_rates([review], gold)}
    assert rates["entities"].items == 13 and rates["entities"].errors == 1 and rates["entities"].rejected == 1
    assert rates["events"].per_100 == pytest.approx(100 / 3)
    assert rates["quotes"].errors == 0 and rates["frames"].items == 1


def test_a_bad_review_file_is_one_line(tmp_path):
    f = tmp_path / "t-0001.yaml"
    f.write_text("id: t-0001\nreviewer: r\nfindings:\n  - {layer: entity, kind: missing, verdict: confirmed}\n")
    with pytest.raises(ReviewError, match=r"findings\[0\]\.layer: 'entity' is not one of"):
        read_review(f)
    code, _, err = run_cli("review", f, "--gold", write_jsonl(tmp_path / "g.jsonl", [seed_article()]))
    assert code == 1 and "findings[0].layer" in err


def test_cli_prints_a_table(tmp_path):
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "t-0001.yaml").write_text(
        "id: t-0001\nreviewer: r\nfindings:\n  - {layer: quotes, kind: wrong, verdict: confirmed}\n")
    code, out, err = run_cli("review", tmp_path / "r", "--gold", write_jsonl(tmp_path / "g.jsonl", [seed_article()]))
    assert code == 0, err
    assert "| quotes | 4 | 1 | 25.00 |" in out
