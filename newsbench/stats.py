"""Corpus statistics, per split: the numbers the dataset card shows (always generated, never typed)."""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from .labels import ENTITY_TYPES, EVENT_TYPES, FRAMES, MENTION_LEVELS, QUOTE_KINDS
from .record import Article
from .tokens import tokens


def split_stats(articles: Iterable[Article]) -> dict:
    arts = list(articles)
    ment_type, ment_level, quote_kind, event_type, frame_label, frame_primary = (Counter() for _ in range(6))
    domains, genres = Counter(), Counter()
    n_clusters = n_args = 0
    for a in arts:
        domains[a.meta.domain] += 1
        genres[a.meta.genre] += 1
        for m in a.mentions:
            ment_type[m.type] += 1
            ment_level[m.level] += 1
        n_clusters += len(a.clusters)
        for q in a.quotes:
            quote_kind[q.kind] += 1
        for e in a.events:
            event_type[e.type] += 1
            n_args += len(e.arguments)
        if a.frames:
            frame_primary[a.frames.primary] += 1
            for f in a.frames.labels:
                frame_label[f] += 1
    return {
        "articles": len(arts),
        "tokens": sum(len(tokens(a.text)) for a in arts),
        "mentions": sum(ment_type.values()),
        "clusters": n_clusters,
        "quotes": sum(quote_kind.values()),
        "events": sum(event_type.values()),
        "arguments": n_args,
        "mentions_by_type": {t: ment_type[t] for t in ENTITY_TYPES},
        "mentions_by_level": {lv: ment_level[lv] for lv in MENTION_LEVELS},
        "quotes_by_kind": {k: quote_kind[k] for k in QUOTE_KINDS},
        "events_by_type": {t: event_type[t] for t in EVENT_TYPES},
        "frames_present": {f: frame_label[f] for f in FRAMES},
        "frames_primary": {f: frame_primary[f] for f in FRAMES},
        "domains": dict(sorted(domains.items())),
        "genres": dict(sorted(genres.items())),
    }


def corpus_stats(splits: dict[str, list[Article]]) -> dict:
    """{split: stats} plus "all"."""
    out = {name: split_stats(arts) for name, arts in splits.items()}
    out["all"] = split_stats(a for arts in splits.values() for a in arts)
    return out


def _table(title: str, rows: list[tuple[str, list]], cols: list[str]) -> str:
    head = f"| {title} | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols) + "\n"
    return head + "".join(f"| {name} | " + " | ".join(str(v) for v in vals) + " |\n" for name, vals in rows)


def stats_markdown(stats: dict) -> str:
    """Markdown tables of `corpus_stats` output (totals, then breakdowns), for the card and the CLI."""
    cols = list(stats)
    scalar = ["articles", "tokens", "mentions", "clusters", "quotes", "events", "arguments"]
    parts = [_table("", [(k, [stats[c][k] for c in cols]) for k in scalar], cols)]
    for key, title, skip_zero in [("mentions_by_type", "Mentions by type", False),
                                  ("mentions_by_level", "Mentions by level", False),
                                  ("quotes_by_kind", "Quotes by kind", False),
                                  ("events_by_type", "Events by type", True),
                                  ("frames_present", "Frame present (articles)", False),
                                  ("frames_primary", "Primary frame (articles)", True),
                                  ("domains", "Domain (articles)", False),
                                  ("genres", "Genre (articles)", False)]:
        labels = list(dict.fromkeys(k for c in cols for k in stats[c][key]))
        rows = [(lab, [stats[c][key].get(lab, 0) for c in cols]) for lab in labels]
        if skip_zero:
            rows = [r for r in rows if any(r[1])]
        parts.append(f"**{title}**\n\n" + _table("", rows, cols))
    return "\n".join(parts)
