"""The corpus browser pages and the example renderer (issue 15)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import newsbench
from newsbench import browser, render
from newsbench.record import Article


class Spans(HTMLParser):
    """Checks that tags balance and collects the text and, per span, its direct <sup> labels."""

    def __init__(self):
        super().__init__()
        self.stack, self.text, self.labels, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        self.stack.append([tag, a, 0])
        if tag == "sup" and len(self.stack) > 1:
            self.stack[-2][2] += 1

    def handle_endtag(self, tag):
        opened, attrs, labels = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"
        self.labels.append(labels)

    def handle_data(self, data):
        if not any(t == "sup" for t, _, _ in self.stack):
            self.text.append(data)


@pytest.fixture(scope="module")
def pages():
    return browser.pages()


def test_one_page_per_article_and_an_index(pages):
    ids = {a.id for v in newsbench.versions() for a in newsbench.load_all(v)}
    assert set(pages) == {"browse/index.md"} | {f"browse/{i}.md" for i in ids}
    index = pages["browse/index.md"]
    assert index.count("<tr data-split=") == len(ids)


def test_newest_copy_of_each_article():
    entries = {e.article.id: e for e in browser.newest_articles()}
    newest = newsbench.latest_version()
    in_newest = {a.id: a for a in newsbench.load_all(newest)}
    assert in_newest and all(entries[i].version == newest and entries[i].article == a for i, a in in_newest.items())


def test_article_page_keeps_the_text_balances_its_tags_and_links_resolve(pages):
    for entry in browser.newest_articles()[:40]:
        a = entry.article
        html = '<div class="text">' + pages[f"browse/{a.id}.md"].split('<div class="text">', 1)[1].rsplit("</div>", 1)[0]
        p = Spans()
        p.feed(html)
        assert not p.stack, "unclosed tags"
        paras = re.findall(r'<p class="p[^"]*" id="p\d+">(.*?)</p>', html)
        assert len(paras) == len(a.text.split("\n"))
        shown = "".join(re.sub(r"<sup.*?</sup>|<[^>]+>", "", x) for x in paras)
        import html as h
        assert h.unescape(shown) == a.text.replace("\n", "")
        assert max(p.labels) <= 1, "a span carries more than one label"
        for target in re.findall(r'href="#([^"]+)"', html):
            assert target in p.ids, f"{a.id}: link to missing #{target}"
        assert {f"m-{m.id}" for m in a.mentions} <= p.ids


def test_nest_reopens_only_where_spans_cross():
    text = "abcdefghij"
    tags = [browser.Tag(0, 6, "x", first=' id="x"'), browser.Tag(3, 9, "y", first=' id="y"', tail="<sup>Y</sup>")]
    out = browser.nest(text, tags)
    assert out == ('<span class="x" id="x">abc<span class="y" id="y">def</span></span>'
                   '<span class="y cont">ghi<sup>Y</sup></span>j')
    nested = browser.nest(text, [browser.Tag(0, 10, "a"), browser.Tag(2, 4, "b")])
    assert nested == '<span class="a">ab<span class="b">cd</span>efghij</span>'


def test_clean_label_anchors():
    assert browser.anchor("Life:Be-Born") == "life-be-born"
    assert browser.anchor("WORK_OF_ART") == "work-of-art"
    assert browser.label_page("other", prefer="guidelines/frames") == "guidelines/frames"
    assert browser.label_page("Contact:Meet") == "guidelines/events"


def test_example_sentences_are_not_cut_after_abbreviations():
    text = "Talks resumed on Jan. 14 in Geneva, Mr. Haddad said. The U.S. envoy left. Next one."
    lo, hi = render.sentence_bounds(text, text.index("Geneva"))
    assert text[lo:hi] == "Talks resumed on Jan. 14 in Geneva, Mr. Haddad said."
    lo, hi = render.sentence_bounds(text, text.index("envoy"))
    assert text[lo:hi] == "The U.S. envoy left."


def test_no_label_pile_up_on_a_speaker_of_many_quotes():
    seed = next(a for a in newsbench.load_all("0.1") if a.id == "nb-0000")
    marks = render.quote_marks(seed)
    spans = [(m.start, m.end) for m in marks if m.css == "nb-speaker"]
    assert len(spans) == len(set(spans)), "one speaker mark per mention"
    html = render.article_html(seed, "quotes")
    assert not re.search(r"(speaker q\d+</sup>\s*</mark>\s*){2}", html)


def test_examples_link_to_their_article_page():
    arts = [a for a in newsbench.load("train")][:20]
    out = render.examples(arts, "entities", "PERSON", root="../")
    assert re.search(r'href="\.\./browse/nb-\d+\.html#m-[^"]+"', out)
    frames = render.examples(arts, "frames", arts[0].frames.primary, root="../")
    assert arts[0].text.split("\n")[1][:40] in frames   # the standfirst is shown, not only the headline


def test_docs_name_the_newest_version_as_the_config():
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    newest = newsbench.latest_version()
    for page in [root / "README.md", root / "docs" / "formats" / "huggingface.md"]:
        for v in re.findall(r'load_dataset\([^)]*"(\d+\.\d+)"\)', page.read_text(encoding="utf-8")):
            assert v == newest, f"{page.name} shows config {v}, the newest is {newest}"


def test_article_record_is_untouched_by_rendering():
    a = newsbench.load("validation")[0]
    before = a.to_dict()
    browser.article_page(browser.Entry(a, "x", "validation"))
    assert isinstance(a, Article) and a.to_dict() == before


def _hooks():
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("docs_hooks", Path(__file__).resolve().parents[1] / "docs" / "hooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_label_headings_get_clean_anchors_and_labels_in_text_link_to_them():
    hooks = _hooks()
    md = "### `Life:Be-Born`\n\nA `Life:Be-Born` is not a `PERSON`; `other` here is ambiguous.\n\n```text\n`PERSON`\n```\n"
    out = hooks.label_links(md, "guidelines/events.md")
    assert out.splitlines()[0] == "### `Life:Be-Born` { #life-be-born }"
    assert "A [`Life:Be-Born`](#life-be-born) is not a [`PERSON`](entities.md#person);" in out
    assert "[`other`](#other)" in out                      # defined on this page (a realis)
    assert out.endswith("```text\n`PERSON`\n```\n")          # code blocks untouched
    elsewhere = hooks.label_links("`other` and `direct`", "scoring.md")
    assert elsewhere == "`other` and [`direct`](guidelines/quotes.md#direct)"   # ambiguous off its pages: left alone
