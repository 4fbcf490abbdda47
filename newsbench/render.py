"""Render articles and their layers as HTML with highlighted, labelled spans (docs examples, the seed page)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .anchoring import SENTENCE_END
from .record import Article

# A full stop after these does not end a sentence ("Jan. 14", "Mr. Khan", "U.S. officials").
ABBREVIATIONS = frozenset("""
jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
mr mrs ms dr prof gen lt col maj capt cmdr adm sgt gov sen rep rev st mt ft no nos vol fig art sec
inc ltd co corp bros dept univ est approx vs al jr sr
""".split())
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.[\"'”’)]?$")


def _is_abbreviation(before: str) -> bool:
    m = _LAST_WORD.search(before)
    if not m:
        return False
    word = m.group(1)
    return word.lower() in ABBREVIATIONS or len(word) == 1 or "." in word   # "A." "U.S."


def sentence_bounds(text: str, start: int, end: Optional[int] = None) -> tuple[int, int]:
    """The sentence (or run of sentences) around [start, end) for showing an example: a newline, or .!?
    before a capital, ends a sentence, except after an abbreviation or an initial."""
    end = start if end is None else end
    lo = 0
    for m in SENTENCE_END.finditer(text):
        if m.group(0) != "\n" and _is_abbreviation(text[max(0, m.start() - 12):m.start()]):
            continue
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            return lo, m.start()
    return lo, len(text)



@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    label: str
    css: str
    title: str = ""


def highlight(text: str, marks: Iterable[Mark], lo: int = 0, hi: Optional[int] = None) -> str:
    """HTML of text[lo:hi] with nested <mark> elements; crossing spans are closed and reopened."""
    hi = len(text) if hi is None else hi
    marks = sorted((m for m in marks if m.start < hi and m.end > lo), key=lambda m: (m.start, -m.end))
    bounds = sorted({lo, hi} | {max(lo, m.start) for m in marks} | {min(hi, m.end) for m in marks})
    out = []
    for a, b in zip(bounds, bounds[1:]):
        covering = [m for m in marks if m.start <= a and m.end >= b]
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        for m in reversed(covering):  # innermost first
            label = f'<sup class="nb-label">{html.escape(m.label)}</sup>' if b == min(hi, m.end) else ""
            title = f' title="{html.escape(m.title)}"' if m.title else ""
            piece = f'<mark class="nb {m.css}"{title}>{piece}{label}</mark>'
        out.append(piece)
    return "".join(out)


def entity_marks(a: Article, only_type: Optional[str] = None, only_level: Optional[str] = None) -> list[Mark]:
    return [Mark(m.start, m.end, f"{m.type}·{m.level}" if only_level else m.type, f"nb-ent nb-{m.level}",
                 f"{m.id} {m.type} {m.level} → {m.entity}")
            for m in a.mentions
            if (only_type is None or m.type == only_type) and (only_level is None or m.level == only_level)]


def _merged(a: Article, roles: dict[str, list[str]], css: str) -> list[Mark]:
    """One mark per mention, however many quotes or events point at it: one label, never a pile."""
    out = []
    for mid, labels in roles.items():
        m = a.mention(mid)
        out.append(Mark(m.start, m.end, ", ".join(labels), css, f"{m.id} → {m.entity}"))
    return out


def quote_marks(a: Article, only_kind: Optional[str] = None, only_id: Optional[str] = None) -> list[Mark]:
    out = []
    speakers: dict[str, list[str]] = {}
    cues: dict[tuple, list[str]] = {}
    for q in a.quotes:
        if (only_kind and q.kind != only_kind) or (only_id and q.id != only_id):
            continue
        out.append(Mark(q.start, q.end, f"{q.kind} {q.id}", "nb-quote", f"{q.id} {q.kind}"))
        if q.cue:
            cues.setdefault((q.cue.start, q.cue.end), []).append(q.id)
        if q.speaker:
            speakers.setdefault(q.speaker, []).append(q.id)
    out += [Mark(s, e, "cue " + ", ".join(ids), "nb-cue") for (s, e), ids in cues.items()]
    return out + _merged(a, {k: ["speaker " + ", ".join(v)] for k, v in speakers.items()}, "nb-speaker")


def event_marks(a: Article, only_type: Optional[str] = None, only_realis: Optional[str] = None,
                only_id: Optional[str] = None) -> list[Mark]:
    out = []
    roles: dict[str, list[str]] = {}
    for e in a.events:
        if (only_type and e.type != only_type) or (only_realis and e.realis != only_realis) or (only_id and e.id != only_id):
            continue
        out.append(Mark(e.trigger.start, e.trigger.end, f"{e.type} ({e.realis}) {e.id}", "nb-trigger", e.id))
        for arg in e.arguments:
            roles.setdefault(arg.mention, []).append(f"{arg.role} {e.id}")
    return out + _merged(a, roles, "nb-arg")


def source(a: Article, root: Optional[str], frag: str = "") -> str:
    """The example's source line; with `root` (the path from the page to the site root) it links to the
    article's page in the corpus browser."""
    ident = html.escape(a.id)
    if root is not None:
        ident = f'<a href="{root}browse/{ident}.html{html.escape(frag)}">{ident}</a>'
    return f'<div class="nb-source">{ident} · {html.escape(a.meta.title)}</div>'


def snippet(a: Article, marks: list[Mark], anchor_start: int, anchor_end: int, root: Optional[str] = None,
            frag: str = "") -> str:
    lo, hi = sentence_bounds(a.text, anchor_start, anchor_end)
    return f'<div class="nb-example" data-search-exclude>{highlight(a.text, marks, lo, hi)}{source(a, root, frag)}</div>'


def opening(a: Article) -> list[tuple[int, int]]:
    """The headline and the standfirst (the first two lines): the sentences the frame rules count first."""
    out, pos = [], 0
    for line in a.text.split("\n")[:2]:
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def examples(articles: list[Article], layer: str, label: str, limit: int = 3, root: Optional[str] = None) -> str:
    """Up to `limit` example snippets for one label, from different articles where possible; with `root`,
    each links to its article in the corpus browser."""
    found: list[str] = []
    if layer == "frames":   # the opening is the evidence for the primary frame: show those articles first
        articles = sorted(articles, key=lambda a: not (a.frames and a.frames.primary == label))
    for a in articles:
        if len(found) >= limit:
            break
        if layer == "entities":
            ms = entity_marks(a, only_type=label)
            anchors = [(m.start, m.end) for m in ms]
        elif layer == "levels":
            ms = entity_marks(a, only_level=label)
            anchors = [(m.start, m.end) for m in ms]
        elif layer == "quotes":
            qs = [q for q in a.quotes if q.kind == label]
            if qs:
                q = qs[0]
                ms = quote_marks(a, only_id=q.id)
                lo = min([q.start] + [m.start for m in ms])
                hi = max([q.end] + [m.end for m in ms])
                found.append(snippet(a, ms, lo, hi, root, f"#q-{q.id}"))
            continue
        elif layer in ("events", "realis"):
            evs = [e for e in a.events if (e.type if layer == "events" else e.realis) == label]
            if evs:
                e = evs[0]
                ms = event_marks(a, only_id=e.id)
                found.append(snippet(a, ms, e.trigger.start, e.trigger.end, root, f"#e-{e.id}"))
            continue
        elif layer == "frames":
            if a.frames and label in a.frames.labels:
                role = "primary" if a.frames.primary == label else "present"
                lines = "".join(f"<p>{html.escape(a.text[s:e])}</p>" for s, e in opening(a))
                found.append(f'<div class="nb-example nb-frame" data-search-exclude><span class="nb-label">{role}; '
                             f'the opening (headline, standfirst) decides the primary; all: '
                             f'{", ".join(a.frames.labels)} · {a.meta.genre} · {a.meta.domain}</span>{lines}'
                             f'{source(a, root, "#p1")}</div>')
            continue
        else:
            raise ValueError(f"unknown example layer {layer!r}")
        if anchors:
            s, e = anchors[0]
            first = next(m for m in a.mentions if (m.start, m.end) == (s, e))
            found.append(snippet(a, ms, s, e, root, f"#m-{first.id}"))
    if not found:
        return "_No example of this label in the train and validation splits yet._"
    return "\n".join(found)


def article_html(a: Article, layer: str) -> str:
    """The whole article with one layer highlighted."""
    marks = {"entities": entity_marks, "quotes": quote_marks, "events": event_marks}[layer](a)
    paras = []
    start = 0
    for para in a.text.split("\n"):
        end = start + len(para)
        paras.append(f"<p>{highlight(a.text, marks, start, end)}</p>")
        start = end + 1
    return f'<div class="nb-article" data-search-exclude>{"".join(paras)}</div>'
