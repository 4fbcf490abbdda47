"""Render articles and their layers as HTML with highlighted, labelled spans (docs examples, the seed page)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable, Optional

from .anchoring import sentence_bounds
from .record import Article



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


def quote_marks(a: Article, only_kind: Optional[str] = None) -> list[Mark]:
    out = []
    for q in a.quotes:
        if only_kind and q.kind != only_kind:
            continue
        out.append(Mark(q.start, q.end, f"{q.kind} quote {q.id}", "nb-quote", f"{q.id} {q.kind}"))
        if q.cue:
            out.append(Mark(q.cue.start, q.cue.end, f"cue {q.id}", "nb-cue"))
        if q.speaker:
            m = a.mention(q.speaker)
            out.append(Mark(m.start, m.end, f"speaker {q.id}", "nb-speaker", f"{m.id} → {m.entity}"))
    return out


def event_marks(a: Article, only_type: Optional[str] = None, only_realis: Optional[str] = None) -> list[Mark]:
    out = []
    for e in a.events:
        if (only_type and e.type != only_type) or (only_realis and e.realis != only_realis):
            continue
        out.append(Mark(e.trigger.start, e.trigger.end, f"{e.type} ({e.realis}) {e.id}", "nb-trigger", e.id))
        for arg in e.arguments:
            m = a.mention(arg.mention)
            out.append(Mark(m.start, m.end, f"{arg.role} {e.id}", "nb-arg", f"{arg.role} of {e.id}"))
    return out


def snippet(a: Article, marks: list[Mark], anchor_start: int, anchor_end: int) -> str:
    lo, hi = sentence_bounds(a.text, anchor_start, anchor_end)
    return (f'<div class="nb-example">{highlight(a.text, marks, lo, hi)}'
            f'<div class="nb-source">{html.escape(a.id)} · {html.escape(a.meta.title)}</div></div>')


def examples(articles: list[Article], layer: str, label: str, limit: int = 3) -> str:
    """Up to `limit` example snippets for one label, from different articles where possible."""
    found: list[str] = []
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
                ms = [m for m in quote_marks(a) if m.label.endswith(f" {q.id}")]
                lo = min([q.start] + [m.start for m in ms])
                hi = max([q.end] + [m.end for m in ms])
                found.append(snippet(a, ms, lo, hi))
            continue
        elif layer in ("events", "realis"):
            evs = [e for e in a.events if (e.type if layer == "events" else e.realis) == label]
            if evs:
                e = evs[0]
                ms = [m for m in event_marks(a) if m.label.endswith(f" {e.id}")]
                found.append(snippet(a, ms, e.trigger.start, e.trigger.end))
            continue
        elif layer == "frames":
            if a.frames and label in a.frames.labels:
                role = "primary" if a.frames.primary == label else "present"
                head = a.text.split("\n", 1)[0]
                found.append(f'<div class="nb-example"><strong>{html.escape(head)}</strong> '
                             f'<span class="nb-label">{role}; all: {", ".join(a.frames.labels)}</span>'
                             f'<div class="nb-source">{html.escape(a.id)} · {a.meta.genre} · {a.meta.domain}</div></div>')
            continue
        else:
            raise ValueError(f"unknown example layer {layer!r}")
        if anchors:
            s, e = anchors[0]
            found.append(snippet(a, ms, s, e))
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
    return f'<div class="nb-article">{"".join(paras)}</div>'
