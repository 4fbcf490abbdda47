"""Inter-annotator agreement between two independent annotations of the same articles.

Span layers are compared as F1 between annotators (symmetric: F1 = 2·matched / (|A| + |B|)),
strict (same offsets and label) and relaxed (one-to-one overlap matching with the same label).
Frames are labels, so chance-corrected: Cohen's kappa (scikit-learn) and Krippendorff's alpha
(nominal) on the primary frame and on the presence of each frame in each article. Coreference is
the scorer's (`newsbench.metrics.coref`), one annotator's clusters against the other's: the CoNLL
F1 (mean of MUC, B³ and CEAF-e F1) and LEA F1, all symmetric in A and B, on all mentions (a
mention only one annotator marked counts against both) and on the mentions both marked.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable, Optional

from .labels import FRAMES
from .record import Article


@dataclass(frozen=True)
class Agreement:
    layer: str
    measure: str
    value: Optional[float]
    a_items: int
    b_items: int
    how: str


def f1(matched: int, a: int, b: int) -> Optional[float]:
    return None if a + b == 0 else 2 * matched / (a + b)


def overlap_matches(a: list[tuple[int, int, Hashable]], b: list[tuple[int, int, Hashable]]) -> list[tuple[int, int]]:
    """One-to-one pairs (i, j) of same-label overlapping spans: largest overlap first, ties by position."""
    cands = []
    for i, (s1, e1, l1) in enumerate(a):
        for j, (s2, e2, l2) in enumerate(b):
            ov = min(e1, e2) - max(s1, s2)
            if ov > 0 and l1 == l2:
                cands.append((-ov, s1, s2, i, j))
    used_a, used_b, pairs = set(), set(), []
    for _, _, _, i, j in sorted(cands):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def krippendorff_alpha_nominal(pairs: Iterable[tuple[Hashable, Hashable]]) -> Optional[float]:
    """Alpha for two coders, nominal data, no missing values (Krippendorff 2011, coincidence matrix)."""
    coincidences: Counter = Counter()
    for x, y in pairs:
        coincidences[(x, y)] += 1
        coincidences[(y, x)] += 1
    n = sum(coincidences.values())
    if n < 2:
        return None
    marginals: Counter = Counter()
    for (x, _), c in coincidences.items():
        marginals[x] += c
    observed = sum(c for (x, y), c in coincidences.items() if x != y) / n
    expected = sum(marginals[x] * marginals[y] for x in marginals for y in marginals if x != y) / (n * (n - 1))
    if expected == 0:
        return 1.0 if observed == 0 else None
    return 1 - observed / expected


def _cohen(a: list, b: list) -> Optional[float]:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return 1.0 if a == b else None
    return float(cohen_kappa_score(a, b))


def _span_f1(docs: list[tuple[Article, Article]], items: Callable[[Article], list[tuple[int, int, Hashable]]],
             layer: str, what: str) -> list[Agreement]:
    strict = relaxed = na = nb = 0
    for a, b in docs:
        ia, ib = items(a), items(b)
        na, nb = na + len(ia), nb + len(ib)
        strict += sum((Counter(ia) & Counter(ib)).values())
        relaxed += len(overlap_matches(ia, ib))
    return [Agreement(layer, f"{what} strict F1", f1(strict, na, nb), na, nb, "same offsets and label"),
            Agreement(layer, f"{what} relaxed F1", f1(relaxed, na, nb), na, nb, "one-to-one overlap, same label")]


def _speaker_key(a: Article, mention_id: Optional[str]) -> set:
    """Everything that identifies a speaker: its cluster's mention spans and names."""
    if mention_id is None:
        return {None}
    m = a.mention(mention_id)
    keys = {(x.start, x.end) for x in a.cluster_mentions(m.entity)}
    cl = next((c for c in a.clusters if c.id == m.entity), None)
    if cl is not None:
        keys.add(cl.name.lower())
    return keys


def _clusters(d: Article, keep: Optional[set] = None) -> list[set]:
    """An article's coreference clusters as sets of mention offsets (only those in `keep`, if given)."""
    groups: dict = {}
    for m in d.mentions:
        if keep is None or (m.start, m.end) in keep:
            groups.setdefault(m.entity or ("singleton", m.start, m.end), set()).add((m.start, m.end))
    return list(groups.values())


def _coreference(docs: list[tuple[Article, Article]]) -> list[Agreement]:
    import numpy as np

    from .metrics.coref import doc_row, score

    rows: dict[str, list] = {"all mentions": [], "shared mentions": []}
    sizes = {"all mentions": [0, 0], "shared mentions": [0, 0]}
    for a, b in docs:
        shared = {(m.start, m.end) for m in a.mentions} & {(m.start, m.end) for m in b.mentions}
        for which, keep in (("all mentions", None), ("shared mentions", shared)):
            ca, cb = _clusters(a, keep), _clusters(b, keep)
            rows[which].append(doc_row(ca, cb))
            sizes[which][0] += sum(map(len, ca))
            sizes[which][1] += sum(map(len, cb))
    out = []
    for which, how in (("all mentions", "every mention of either annotator; one only A or B marked counts against both"),
                       ("shared mentions", "only the mentions (same offsets) both annotators marked")):
        s = score(np.array(rows[which])) if rows[which] else {}
        na, nb = sizes[which]
        out.append(Agreement("coreference", f"CoNLL F1, {which}", s.get("conll.f1"), na, nb,
                             f"mean of MUC, B³ and CEAF-e F1; {how}"))
        out.append(Agreement("coreference", f"LEA F1, {which}", s.get("lea.f1"), na, nb, how))
    return out


def compare(a_docs: list[Article], b_docs: list[Article]) -> list[Agreement]:
    b_by_id = {d.id: d for d in b_docs}
    missing = [d.id for d in a_docs if d.id not in b_by_id] + [d.id for d in b_docs if d.id not in {x.id for x in a_docs}]
    if missing:
        raise ValueError(f"articles annotated by only one side: {', '.join(sorted(missing))}")
    docs = [(a, b_by_id[a.id]) for a in a_docs]
    for a, b in docs:
        if a.text != b.text:
            raise ValueError(f"{a.id}: the two annotations are of different texts")
    out: list[Agreement] = []
    out += _span_f1(docs, lambda d: [(m.start, m.end, m.type) for m in d.mentions], "entities", "mentions (all levels)")
    out += _span_f1(docs, lambda d: [(m.start, m.end, m.type) for m in d.mentions if m.level == "NAM"],
                    "entities", "NAM mentions")
    out += _coreference(docs)
    out += _span_f1(docs, lambda d: [(q.start, q.end, "q") for q in d.quotes], "quotes", "content")
    # speaker and kind agreement on the quotes both annotators marked (overlap-matched content)
    speakers = kinds = total = 0
    for a, b in docs:
        qa, qb = list(a.quotes), list(b.quotes)
        for i, j in overlap_matches([(q.start, q.end, "q") for q in qa], [(q.start, q.end, "q") for q in qb]):
            total += 1
            speakers += bool(_speaker_key(a, qa[i].speaker) & _speaker_key(b, qb[j].speaker))
            kinds += qa[i].kind == qb[j].kind
    out.append(Agreement("quotes", "speaker agreement", speakers / total if total else None, total, total,
                         "share of matched quotes whose speakers are the same entity (mention spans or name)"))
    out.append(Agreement("quotes", "kind agreement", kinds / total if total else None, total, total,
                         "share of matched quotes with the same kind"))
    out += _span_f1(docs, lambda d: [(e.trigger.start, e.trigger.end, e.type) for e in d.events], "events", "triggers")
    out += _span_f1(docs, lambda d: [(e.trigger.start, e.trigger.end, "t") for e in d.events], "events",
                    "trigger spans (untyped)")

    def args(d: Article) -> list[tuple[int, int, Hashable]]:
        return [(d.mention(x.mention).start, d.mention(x.mention).end, (e.trigger.start, e.trigger.end, e.type, x.role))
                for e in d.events for x in e.arguments]
    strict = sum(sum((Counter(args(a)) & Counter(args(b))).values()) for a, b in docs)
    na, nb = sum(len(args(a)) for a, _ in docs), sum(len(args(b)) for _, b in docs)
    out.append(Agreement("events", "arguments strict F1", f1(strict, na, nb), na, nb,
                         "same trigger span and type, role, and argument offsets"))
    prim_a = [a.frames.primary for a, _ in docs]
    prim_b = [b.frames.primary for _, b in docs]
    n = len(docs)
    out.append(Agreement("frames", "primary: Cohen's kappa", _cohen(prim_a, prim_b), n, n, "one label per article"))
    out.append(Agreement("frames", "primary: Krippendorff's alpha", krippendorff_alpha_nominal(zip(prim_a, prim_b)),
                         n, n, "nominal"))
    pres_a = [int(f in a.frames.labels) for a, _ in docs for f in FRAMES]
    pres_b = [int(f in b.frames.labels) for _, b in docs for f in FRAMES]
    out.append(Agreement("frames", "presence: Cohen's kappa", _cohen(pres_a, pres_b), len(pres_a), len(pres_b),
                         "article × frame, present or not"))
    out.append(Agreement("frames", "presence: Krippendorff's alpha", krippendorff_alpha_nominal(zip(pres_a, pres_b)),
                         len(pres_a), len(pres_b), "article × frame, nominal"))
    return out


def markdown(rows: list[Agreement], n_articles: int, command: str) -> str:
    lines = [f"Measured on {n_articles} articles annotated twice, independently and blind, by `{command}`.", "",
             "| layer | measure | value | items A | items B | how |", "|---|---|---:|---:|---:|---|"]
    for r in rows:
        v = "n/a" if r.value is None else f"{r.value:.3f}"
        lines.append(f"| {r.layer} | {r.measure} | {v} | {r.a_items} | {r.b_items} | {r.how} |")
    return "\n".join(lines) + "\n"


def differences(a: Article, b: Article) -> list[str]:
    """Human-readable items on which two annotations of one article differ, for adjudication."""
    out: list[str] = []

    def show(layer: str, only_a: set, only_b: set, fmt) -> None:
        for side, items in (("A only", only_a), ("B only", only_b)):
            for item in sorted(items, key=lambda x: x[0]):
                out.append(f"{layer}\t{side}\t{fmt(item)}")

    def ments(d: Article) -> set:
        return {(m.start, m.end, m.type, m.level) for m in d.mentions}
    show("mention", ments(a) - ments(b), ments(b) - ments(a), lambda x: f"{a.text[x[0]:x[1]]!r} {x[2]} {x[3]} @{x[0]}")

    def quotes(d: Article) -> set:
        return {(q.start, q.end, q.kind, q.cue.text if q.cue else None,
                 d.mention(q.speaker).text if q.speaker else None) for q in d.quotes}
    show("quote", quotes(a) - quotes(b), quotes(b) - quotes(a),
         lambda x: f"{a.text[x[0]:x[1]][:70]!r} {x[2]} cue={x[3]!r} speaker={x[4]!r} @{x[0]}")

    def events(d: Article) -> set:
        return {(e.trigger.start, e.trigger.text, e.type, e.realis,
                 tuple(sorted((x.role, d.mention(x.mention).text) for x in e.arguments))) for e in d.events}
    show("event", events(a) - events(b), events(b) - events(a),
         lambda x: f"{x[1]!r} {x[2]} {x[3]} args={list(x[4])} @{x[0]}")
    if a.frames != b.frames:
        out.append(f"frames\tA\t{a.frames.primary} {list(a.frames.labels)}")
        out.append(f"frames\tB\t{b.frames.primary} {list(b.frames.labels)}")
    return out
