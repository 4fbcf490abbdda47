"""The corpus browser of the docs site: one page per article with its layers, and an index of all articles.

Pages are plain Markdown holding pre-rendered HTML (docs/hooks.py adds them at build time); the
layer switches, the index filters and sorting are docs/assets/browser.js, with no framework. Each
article is shown as its newest copy across the released versions. Labels never pile up on a word:
the only label drawn in the text is an entity's type; quotes and events are listed beside the
paragraph they start in, with links to their speaker and argument mentions.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Optional

from .labels import ENTITY_TYPES, EVENT_TYPES, FRAMES, QUOTE_KINDS
from .loading import SPLITS, load, versions
from .record import Article

PALETTE = 12   # cluster colours (classes c1..c12 in browser.css); singletons get none
GUIDE = {"entities": "guidelines/entities", "quotes": "guidelines/quotes", "events": "guidelines/events",
         "frames": "guidelines/frames"}


def anchor(label: str) -> str:
    """The clean anchor of a label's definition: `Life:Be-Born` -> `life-be-born`, `WORK_OF_ART` -> `work-of-art`."""
    return "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")


def label_pages() -> dict[str, list[str]]:
    """{label: the guidelines pages (without extension) that define it}; `other` is both a realis and a frame."""
    from .labels import MENTION_LEVELS, REALIS
    out: dict[str, list[str]] = {}
    for page, labels in (("entities", ENTITY_TYPES + MENTION_LEVELS), ("quotes", QUOTE_KINDS),
                         ("events", EVENT_TYPES + REALIS), ("frames", FRAMES)):
        for label in labels:
            out.setdefault(label, []).append(GUIDE[page])
    return out


def label_page(label: str, prefer: Optional[str] = None) -> Optional[str]:
    """The guidelines page (without extension) that defines a label (`prefer` when it is one of them), or None."""
    pages = label_pages().get(label, [])
    return prefer if prefer in pages else (pages[0] if pages else None)


@dataclass(frozen=True)
class Entry:
    article: Article
    version: str
    split: str


def newest_articles() -> list[Entry]:
    """Every article id of the bundled corpus once, from the newest version that has it, in id order."""
    seen: dict[str, Entry] = {}
    for v in reversed(versions()):
        for split in SPLITS:
            for a in load(split, version=v):
                seen.setdefault(a.id, Entry(a, v, split))
    return [seen[k] for k in sorted(seen)]


# --- nesting spans that may cross -------------------------------------------------------------

@dataclass(frozen=True)
class Tag:
    """One highlighted span: `attrs` go on every piece, `first` only on the first, `tail` (HTML) ends the last."""
    start: int
    end: int
    cls: str
    attrs: str = ""
    first: str = ""
    tail: str = ""


def nest(text: str, tags: Iterable[Tag], lo: int = 0, hi: Optional[int] = None) -> str:
    """HTML of text[lo:hi] with every tag as a <span>. Properly nested tags stay whole; where two cross,
    the inner one is closed and reopened, so a span is cut only where another one really crosses it."""
    hi = len(text) if hi is None else hi
    tags = sorted((t for t in tags if t.start < hi and t.end > lo and t.end > t.start), key=lambda t: (t.start, -t.end))
    bounds = sorted({lo, hi} | {max(lo, t.start) for t in tags} | {min(hi, t.end) for t in tags})
    out: list[str] = []
    stack: list[Tag] = []
    opened: set[int] = set()
    i = 0
    pos = lo

    def open_(t: Tag) -> str:
        cont = id(t) in opened or t.start < lo
        opened.add(id(t))
        return f'<span class="{t.cls}{" cont" if cont else ""}"{t.attrs}{"" if cont else t.first}>'

    for b in bounds:
        out.append(html.escape(text[pos:b]))
        pos = b
        ending = [k for k, t in enumerate(stack) if t.end <= b or b == hi]
        if ending:
            cut = ending[0]
            popped = stack[cut:]
            for t in reversed(popped):
                out.append((t.tail if t.end <= b else "") + "</span>")
            stack = stack[:cut]
            if b < hi:
                for t in popped:
                    if t.end > b:
                        out.append(open_(t))
                        stack.append(t)
        while i < len(tags) and max(lo, tags[i].start) <= b:
            t = tags[i]
            i += 1
            if b < hi and t.end > b:
                out.append(open_(t))
                stack.append(t)
    return "".join(out)


# --- one article ------------------------------------------------------------------------------

def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _link(label: str, root: str, text: Optional[str] = None, prefer: Optional[str] = None) -> str:
    page = label_page(label, prefer)
    shown = _e(text if text is not None else label)
    return f'<a href="{root}{page}.html#{anchor(label)}">{shown}</a>' if page else shown


def _colours(a: Article) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for m in a.mentions:
        sizes[m.entity] = sizes.get(m.entity, 0) + 1
    out = {}
    for c in a.clusters:   # in cluster order, so colours are stable across builds
        if sizes.get(c.id, 0) > 1:
            out[c.id] = len(out) % PALETTE + 1
    return out


def _tags(a: Article) -> list[Tag]:
    colour = _colours(a)
    clusters = {c.id: c for c in a.clusters}
    speakers = {q.speaker for q in a.quotes if q.speaker}
    args = {x.mention for e in a.events for x in e.arguments}
    tags = []
    for m in a.mentions:
        c = clusters.get(m.entity)
        cname = f"{c.name}" + (f" ({c.wikidata})" if c and c.wikidata else "") if c else m.entity
        cls = f"m {m.level}" + (f" c{colour[m.entity]}" if m.entity in colour else "") + \
            (" spk" if m.id in speakers else "") + (" arg" if m.id in args else "")
        tags.append(Tag(m.start, m.end, cls, f' data-e="{_e(m.entity)}"',
                        f' id="m-{_e(m.id)}" title="{_e(f"{m.id} · {m.type} · {m.level} · {cname}")}"',
                        f'<sup class="t">{m.type}</sup>'))
    for q in a.quotes:
        tags.append(Tag(q.start, q.end, f"q {q.kind}", "", f' id="q-{_e(q.id)}" title="{_e(f"{q.id} · {q.kind} quote")}"'))
        if q.cue:
            tags.append(Tag(q.cue.start, q.cue.end, "cue", "", f' title="{_e(f"cue of {q.id}")}"'))
    for e in a.events:
        tags.append(Tag(e.trigger.start, e.trigger.end, "tr", "",
                        f' id="e-{_e(e.id)}" title="{_e(f"{e.id} · {e.type} · {e.realis}")}"'))
    return tags


def _quote_note(a: Article, q, root: str) -> str:
    if q.speaker:
        m = a.mention(q.speaker)
        spk = f'<a class="spk-link" href="#m-{_e(m.id)}">{_e(m.text)}</a>'
    else:
        spk = "<i>none</i>"
    cue = f"“{_e(q.cue.text)}”" if q.cue else "<i>none</i>"
    refs = " ".join([f"q-{q.id}"] + ([f"m-{q.speaker}"] if q.speaker else []))
    return (f'<li class="n-q" data-refs="{_e(refs)}"><a href="#q-{_e(q.id)}">{_e(q.id)}</a> {_link(q.kind, root, prefer=GUIDE["quotes"])} quote · '
            f"cue {cue} · speaker {spk}</li>")


def _event_note(a: Article, e, root: str) -> str:
    args = "; ".join(f'{_e(x.role)}: <a href="#m-{_e(x.mention)}">{_e(a.mention(x.mention).text)}</a>'
                     for x in e.arguments) or "<i>no arguments</i>"
    refs = " ".join([f"e-{e.id}"] + [f"m-{x.mention}" for x in e.arguments])
    return (f'<li class="n-e" data-refs="{_e(refs)}"><a href="#e-{_e(e.id)}">“{_e(e.trigger.text)}”</a> {_link(e.type, root, prefer=GUIDE["events"])} '
            f'<span class="realis">{_e(e.realis)}</span> — {args}</li>')


OPENING = 4   # headline, standfirst and the first two body paragraphs: where the primary frame is decided


def article_page(entry: Entry, prev: Optional[str] = None, nxt: Optional[str] = None, root: str = "../") -> str:
    """The Markdown (front matter, title, raw HTML) of one article's browser page."""
    a = entry.article
    tags = _tags(a)
    notes_q: dict[int, list[str]] = {}
    notes_e: dict[int, list[str]] = {}
    starts = []
    pos = 0
    for para in a.text.split("\n"):
        starts.append(pos)
        pos += len(para) + 1

    def para_of(offset: int) -> int:
        k = 0
        while k + 1 < len(starts) and starts[k + 1] <= offset:
            k += 1
        return k
    for q in a.quotes:
        notes_q.setdefault(para_of(q.start), []).append(_quote_note(a, q, root))
    for e in a.events:
        notes_e.setdefault(para_of(e.trigger.start), []).append(_event_note(a, e, root))
    rows = []
    for k, lo in enumerate(starts):
        hi = lo + len(a.text.split("\n")[k]) if k + 1 == len(starts) else starts[k + 1] - 1
        notes = notes_q.get(k, []) + notes_e.get(k, [])
        aside = f'<ul class="notes">{"".join(notes)}</ul>' if notes else ""
        cls = "p open" if k < OPENING else "p"
        rows.append(f'<div class="row"><p class="{cls}" id="p{k + 1}">{nest(a.text, tags, lo, hi)}</p>{aside}</div>')
    meta = a.meta
    ann = meta.annotation
    who = (", ".join(ann.annotators) + (" · double-annotated" if ann.double_annotated else "") +
           (", adjudicated" if ann.adjudicated else "") + (" · reviewed" if ann.reviewed else "") +
           f" · guidelines {ann.guidelines}") if ann else "not recorded"
    frames = ""
    if a.frames:
        others = [f for f in a.frames.labels if f != a.frames.primary]
        frames = (f'<div class="frames" data-layer="frames"><b>Frames.</b> primary '
                  f'{_link(a.frames.primary, root, prefer=GUIDE["frames"])}' + ("; also present: " + ", ".join(_link(f, root, prefer=GUIDE["frames"]) for f in others) if others else "") +
                  ". The primary frame is the one the opening foregrounds (headline, standfirst and first two body "
                  "paragraphs, marked at the left; see the "
                  f'<a href="{root}guidelines/frames.html#deciding">rule</a>); the corpus records frames per article, '
                  "not per sentence.</div>")
    nav = " · ".join(x for x in (f'<a href="{prev}.html" rel="prev">← {prev}</a>' if prev else "",
                                 '<a href="index.html">all articles</a>',
                                 f'<a href="{nxt}.html" rel="next">{nxt} →</a>' if nxt else "") if x)
    facts = [("split", f"{entry.split} (corpus {entry.version})"), ("genre", meta.genre), ("domain", meta.domain),
             ("source", meta.source + (f", {meta.published}" if meta.published else "")),
             ("provenance", meta.provenance), ("annotated by", who), ("licence", meta.license)]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    counts = {"ents": len(a.mentions), "coref": sum(1 for _ in _colours(a)), "quotes": len(a.quotes),
              "events": len(a.events), "frames": len(a.frames.labels) if a.frames else 0}
    names = {"ents": "entities", "coref": "coreference colours", "quotes": "quotes", "events": "events", "frames": "frames"}
    switches = "".join(f'<label><input type="checkbox" data-layer="{k}" checked> {names[k]} <small>({n})</small></label>'
                       for k, n in counts.items())
    legend = ('<p class="legend">Entities: <span class="m NAM">name</span> <span class="m NOM">nominal</span> '
              '<span class="m PRO">pronoun</span>, type after the span; same colour, same cluster (click a mention to '
              'show its cluster). Quotes: <span class="q">content</span> <span class="cue">cue</span> '
              '<span class="m spk">speaker</span>. Events: <span class="tr">trigger</span> '
              '<span class="m arg">argument</span>. Quotes and events are listed beside the paragraph they start in.</p>')
    title = meta.title.replace("\\", "\\\\").replace('"', '\\"')
    return (f'---\ntitle: "{a.id}: {title}"\nsearch:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n\n'
            f"# {_e(meta.title)}\n\n"
            f'<div class="nb-browser" data-article="{_e(a.id)}" markdown="0">'
            f'<p class="nb-nav">{a.id} · {nav}</p><dl class="facts">{dl}</dl>'
            f'<div class="switches" role="group" aria-label="layers">{switches}</div>{legend}{frames}'
            f'<div class="text">{"".join(rows)}</div></div>\n')


# --- the index --------------------------------------------------------------------------------

def index_row(entry: Entry) -> dict:
    a = entry.article
    ann = a.meta.annotation
    return {"id": a.id, "title": a.meta.title, "split": entry.split, "version": entry.version,
            "domain": a.meta.domain, "genre": a.meta.genre, "words": len(a.text.split()),
            "mentions": len(a.mentions), "clusters": len(a.clusters), "quotes": len(a.quotes),
            "events": len(a.events), "frame": a.frames.primary if a.frames else "",
            "annotation": ("double" if ann.double_annotated else "single") + (", reviewed" if ann.reviewed else "")
            if ann else "not recorded",
            "annotators": ", ".join(ann.annotators) if ann else ""}


COLUMNS = [("id", "article", False), ("split", "split", False), ("domain", "domain", False), ("genre", "genre", False),
           ("words", "words", True), ("mentions", "mentions", True), ("clusters", "clusters", True),
           ("quotes", "quotes", True), ("events", "events", True), ("frame", "primary frame", False),
           ("annotation", "annotation", False)]
FILTERS = ("split", "domain", "genre", "annotation")


def index_page(entries: list[Entry]) -> str:
    rows = [index_row(e) for e in entries]
    head = "".join(f'<th data-key="{k}"{" data-num" if num else ""} aria-sort="none"><button type="button">{_e(name)}</button></th>'
                   for k, name, num in COLUMNS)
    body = []
    for r in rows:
        cells = []
        for k, _, num in COLUMNS:
            if k == "id":
                cells.append(f'<td data-v="{r["id"]}"><a href="{r["id"]}.html">{r["id"]}</a> '
                             f'<span class="title">{_e(r["title"])}</span></td>')
            elif k == "annotation":
                cells.append(f'<td data-v="{_e(r[k])}">{_e(r[k])}<span class="who">{_e(r["annotators"])}</span></td>')
            else:
                cells.append(f'<td data-v="{_e(str(r[k]))}">{_e(str(r[k]))}</td>')
        data = " ".join(f'data-{k}="{_e(str(r[k]))}"' for k in FILTERS)
        body.append(f'<tr {data}>{"".join(cells)}</tr>')
    selects = []
    for k in FILTERS:
        values = sorted({str(r[k]) for r in rows})
        opts = "".join(f'<option value="{_e(v)}">{_e(v)} ({sum(1 for r in rows if str(r[k]) == v)})</option>' for v in values)
        selects.append(f'<label>{k} <select data-filter="{k}"><option value="">all</option>{opts}</select></label>')
    versions_seen = sorted({e.version for e in entries})
    return ("---\ntitle: Corpus browser\nhide:\n  - navigation\n  - toc\n---\n\n# Corpus browser\n\n"
            f"Every article of the bundled corpus ({len(rows)}), each as its newest copy "
            f"(corpus {', '.join(versions_seen)}), with its entities, coreference, quotes, events and frames. "
            "Filter and sort here; open an article to switch its layers on and off. Who annotated an article is "
            "under *annotation* (double or single annotation, reviewed or not, and the annotator ids: all are "
            "language-model agents, see the dataset card).\n\n"
            f'<div class="nb-index" markdown="0"><div class="filters"><label>search <input type="search" data-filter="q" '
            f'placeholder="id or title words"></label>{"".join(selects)}<output class="shown">{len(rows)} of {len(rows)} '
            f'articles</output></div><div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
            "</table></div></div>\n")


def pages() -> dict[str, str]:
    """{path under docs/: Markdown} for the whole browser: browse/index.md and browse/<id>.md."""
    entries = newest_articles()
    ids = [e.article.id for e in entries]
    out = {"browse/index.md": index_page(entries)}
    for k, e in enumerate(entries):
        out[f"browse/{e.article.id}.md"] = article_page(e, ids[k - 1] if k else None, ids[k + 1] if k + 1 < len(ids) else None)
    return out
