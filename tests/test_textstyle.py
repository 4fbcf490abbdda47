"""The repeated-phrasing check: stock phrases and sentence shapes counted per article, names and numbers ignored."""
from __future__ import annotations

from newsbench.textstyle import repeats, sentence_patterns, stock_phrases


def test_a_stock_phrase_in_four_articles_is_reported_and_in_three_is_not():
    line = "The mayor declined to comment on the plan."
    texts = {f"a{k}": f"{line} Other words number {k}." for k in range(4)}
    rows = repeats(texts, limit=3)
    assert ("phrase", "declined to comment on the", ["a0", "a1", "a2", "a3"]) in rows
    assert not [r for r in repeats(dict(list(texts.items())[:3]), limit=3) if r[0] == "phrase"]


def test_names_and_numbers_make_a_run_topical_not_stock():
    assert stock_phrases("Officials in Port Anselm counted 40 boats there.", n=5) == set()


def test_function_word_runs_are_english_not_stock():
    assert stock_phrases("it was as if he had been there all along", n=5) == set()


def test_age_apposition_and_sentence_openings_are_patterns():
    pats = sentence_patterns("Maria Lopez, 34, runs the shop. None of this means the plan failed.")
    assert "age apposition (Name, 34,)" in pats
    assert "none of this means" in pats


def test_speaker_labels_and_reporting_grammar_are_not_patterns():
    assert sentence_patterns("MODERATOR: You have a minute.\nShe said that the vote was close.") == set()


def test_no_phrase_or_sentence_shape_in_more_than_three_articles():
    """The corpus's texts: no stock phrase or sentence pattern in more than three articles."""
    from pathlib import Path

    from newsbench.sheets import read_text_file

    folder = Path(__file__).resolve().parents[1] / "annotations" / "text"
    texts = {f.stem: read_text_file(f)[1] for f in sorted(folder.glob("*.txt"))}
    assert len(texts) >= 41
    assert repeats(texts, limit=3) == []
