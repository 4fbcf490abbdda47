"""What `evaluate` and `compare` return, and how they print: terminal table, JSON, Markdown, error file.

The signature says what a number means (sacrebleu's idea): scoring rules, corpus and content
hash, split, tasks, matching schemes, mention levels, label map, argument coreference, coreference
settings (singletons, gold or predicted mentions). Two reports
whose signatures differ in any of those are not comparable. `boot`, `seed` and `v` (the package
version) are recorded but do not change what the numbers mean: the point scores do not depend on
them and the intervals only through resampling noise.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Iterator, Optional

import numpy as np

#: Version of the scoring rules (matching, anchoring, metric definitions); bumped whenever one changes.
#: 1.1: anchoring by text and label, speaker credit by the mention's cluster, n/a for numbers with
#: nothing to count, the corpus hash of the content. 1.2: that hash is the SHA-256 of the articles'
#: SHA-256s (the numbers are unchanged; the hash of a file read in parts must be the same).
SCORING_VERSION = "1.2"
SIGNATURE_FIELDS = ("nb", "corpus", "split", "tasks", "match", "levels", "map", "argcoref", "coref", "boot", "seed",
                    "v")
#: What produced the predictions, from the predictions file's header (`newsbench llm` writes one):
#: present only when the header gives them. They describe the system, not the scoring, so two
#: systems that differ in them stay comparable.
SYSTEM_FIELDS = ("model", "prompt", "decode")
NON_SEMANTIC_FIELDS = ("boot", "seed", "v") + SYSTEM_FIELDS


@dataclass(frozen=True)
class Signature:
    fields: tuple  # ((name, value), ...) in SIGNATURE_FIELDS order

    @classmethod
    def make(cls, **values) -> "Signature":
        """Every field of SIGNATURE_FIELDS, then the SYSTEM_FIELDS given (a `|` in a value becomes `/`)."""
        system = tuple((k, str(values[k]).replace("|", "/")) for k in SYSTEM_FIELDS if values.get(k) is not None)
        return cls(tuple((k, str(values[k])) for k in SIGNATURE_FIELDS) + system)

    @classmethod
    def parse(cls, text: str) -> "Signature":
        pairs = [part.split(":", 1) for part in text.strip().split("|")]
        if any(len(p) != 2 for p in pairs):
            raise ValueError(f"not a newsbench signature: {text!r}")
        return cls(tuple((k, v) for k, v in pairs))

    def __str__(self) -> str:
        return "|".join(f"{k}:{v}" for k, v in self.fields)

    def get(self, name: str) -> Optional[str]:
        return dict(self.fields).get(name)

    def differences(self, other: "Signature") -> list[str]:
        """The meaning-bearing fields that differ, as 'name: a != b'."""
        a, b = dict(self.fields), dict(other.fields)
        return [f"{k}: {a.get(k)} != {b.get(k)}" for k in sorted(set(a) | set(b), key=_field_order)
                if k not in NON_SEMANTIC_FIELDS and a.get(k) != b.get(k)]

    def comparable(self, other: "Signature") -> bool:
        return not self.differences(other)


def _field_order(name: str) -> int:
    order = SIGNATURE_FIELDS + SYSTEM_FIELDS
    return order.index(name) if name in order else len(order)


@dataclass
class TaskReport:
    """One task's numbers: point scores, 95% intervals, raw counts and the per-type breakdown."""

    name: str
    headline: list
    scores: dict
    intervals: dict
    counts: dict
    breakdown: tuple = ((), ())        # ((row title, column titles...), [(label, [score key or count])])
    metric: Optional[object] = field(default=None, repr=False)   # the Metric, for paired tests

    def to_dict(self, per_type: bool = True) -> dict:
        """Undefined numbers (n/a) are null, and so is the interval of a number without one."""
        keys = self.scores if per_type else self.headline
        return {"headline": {k: _round(self.scores[k]) for k in self.headline},
                "scores": {k: _round(self.scores[k]) for k in keys},
                "intervals": {k: None if self.intervals[k] is None else [_round(v) for v in self.intervals[k]]
                              for k in keys if k in self.intervals},
                "counts": self.counts}


@dataclass
class Report:
    """Everything `newsbench evaluate` prints, as data (`to_dict`), with its renderers."""

    signature: Signature
    tasks: dict                      # task name -> TaskReport
    n_articles: int
    n_predicted: int
    warnings: list = field(default_factory=list)
    unanchored: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    doc_ids: list = field(default_factory=list, repr=False)
    doc_stats: dict = field(default_factory=dict, repr=False)   # task -> (articles, columns) counts
    _errors: Optional[object] = field(default=None, repr=False)  # callable -> error items

    def score(self, task: str, key: str) -> float:
        return self.tasks[task].scores[key]

    def to_dict(self, per_type: bool = True) -> dict:
        return {"signature": str(self.signature), "settings": dict(self.signature.fields),
                "articles": self.n_articles, "predicted": self.n_predicted,
                "tasks": {name: t.to_dict(per_type) for name, t in self.tasks.items()},
                "warnings": self.warnings, "unanchored": self.unanchored, "duplicates": self.duplicates}

    def to_json(self, per_type: bool = True) -> str:
        return json.dumps(self.to_dict(per_type), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self, per_type: bool = False) -> str:
        out = [f"**newsbench** `{self.signature}`", "",
               f"{self.n_articles} articles, {self.n_predicted} with a prediction.", ""]
        for name, t in self.tasks.items():
            out += [f"### {name}", "", "| metric | score | 95% CI |", "|---|---:|---|"]
            out += [f"| {k} | {_num(t.scores[k])} | {_ci(t.intervals.get(k))} |" for k in t.headline]
            out.append("")
            if per_type and t.breakdown[1]:
                (label_title, *titles), rows = t.breakdown
                out += ["| " + " | ".join([label_title, *titles]) + " |", "|---" + "|---:" * len(titles) + "|"]
                out += ["| " + " | ".join([label, *(_cell(t.scores, v) for v in values)]) + " |" for label, values in rows]
                out.append("")
        out += [f"- {w}" for w in self._notes()]
        return "\n".join(out).rstrip() + "\n"

    def to_table(self, per_type: bool = False) -> str:
        out = [f"newsbench: {self.n_articles} articles, {self.n_predicted} with a prediction",
               f"signature: {self.signature}", ""]
        for name, t in self.tasks.items():
            width = max(len(k) for k in t.headline)
            out.append(f"{name:<{width + 2}}  score   95% CI")
            out += [f"  {k:<{width}}  {_num(t.scores[k]):>6}  {_ci(t.intervals.get(k))}" for k in t.headline]
            if per_type and t.breakdown[1]:
                (label_title, *titles), rows = t.breakdown
                w = max([len(label) for label, _ in rows] + [len(label_title)])
                out += ["", f"  {label_title:<{w}}  " + "  ".join(f"{x:>9}" for x in titles)]
                out += [f"  {label:<{w}}  " + "  ".join(f"{_cell(t.scores, v):>9}" for v in values)
                        for label, values in rows]
            out.append("")
        out += [f"note: {w}" for w in self._notes()]
        return "\n".join(out).rstrip() + "\n"

    def _notes(self) -> list[str]:
        notes = list(self.warnings)
        if self.unanchored:
            notes.append(f"{len(self.unanchored)} text-only span(s) not found in their article, scored as false "
                         f"positives: " + "; ".join(f"{u['id']} {u['path']} {u['text']!r}" for u in self.unanchored[:5])
                         + (" ..." if len(self.unanchored) > 5 else ""))
        if self.duplicates:
            notes.append(f"{len(self.duplicates)} duplicated prediction(s) counted once: " +
                         "; ".join(f"{d['id']} {d['layer']} {_where(d)} {d['label']} x{d['copies']}"
                                   for d in self.duplicates[:5]) + (" ..." if len(self.duplicates) > 5 else ""))
        return notes

    def error_items(self) -> list[dict]:
        """Per-item alignment for error analysis: one dict per missed, spurious or mismatched item."""
        return list(self.iter_error_items())

    def iter_error_items(self) -> Iterator[dict]:
        """The same items one by one (by document, then task, then position), made as they are read."""
        return iter(self._errors()) if self._errors else iter(())

    def errors_jsonl(self) -> str:
        return "".join(self.errors_jsonl_chunks())

    def errors_jsonl_chunks(self, lines: int = 2000) -> Iterator[str]:
        """The error file in chunks of `lines` lines: what `evaluate --errors` writes as it goes."""
        chunk = []
        for item in self.iter_error_items():
            chunk.append(json.dumps(item, ensure_ascii=False) + "\n")
            if len(chunk) >= lines:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)


@dataclass
class Comparison:
    """Paired significance tests of systems against a baseline (the first), per headline metric."""

    signature: Signature
    systems: list                    # names, baseline first
    rows: list                       # dicts: task, metric, system, baseline, score, delta, p_bootstrap, p_ar
    bootstrap: int
    trials: int
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"signature": str(self.signature), "systems": self.systems, "baseline": self.systems[0],
                "bootstrap_resamples": self.bootstrap, "randomization_trials": self.trials,
                "warnings": self.warnings,
                "rows": [{k: _round(v) for k, v in r.items()} for r in self.rows]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def _lines(self) -> list[list[str]]:
        return [[r["task"], r["metric"], r["system"], _num(r["baseline"]), _num(r["score"]),
                 _num(r["delta"], "+.4f"), _num(r["p_bootstrap"]), _num(r["p_ar"])] for r in self.rows]

    _HEAD = ["task", "metric", "system", "baseline", "score", "delta", "p (paired bootstrap)", "p (approx. rand.)"]

    def to_table(self) -> str:
        rows = [self._HEAD] + self._lines()
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEAD))]
        body = ["  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                for r in rows]
        notes = "".join(f"warning: {w}\n" for w in self.warnings)
        return (f"baseline: {self.systems[0]}\nsignature: {self.signature}\n{notes}\n" + "\n".join(body) + "\n")

    def to_markdown(self) -> str:
        out = [f"Baseline **{self.systems[0]}**; `{self.signature}`", "",
               "| " + " | ".join(self._HEAD) + " |", "|---|---|---|---:|---:|---:|---:|---:|"]
        out += ["| " + " | ".join(r) + " |" for r in self._lines()]
        out += [""] + [f"> warning: {w}" for w in self.warnings] if self.warnings else []
        return "\n".join(out) + "\n"


def _round(v):
    """A number for JSON: rounded; an undefined one (None or NaN) is null."""
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else round(float(v), 6)
    return v


def _where(note: dict) -> str:
    """A duplicate's place: its offsets, or the text of an unanchored one."""
    if note["start"] is None:
        return repr(note.get("text")) if note.get("text") is not None else f"entity {note.get('entity')}"
    return f"[{note['start']}, {note['end']})"


def _num(v, fmt: str = ".4f") -> str:
    """A number for a table: "n/a" when it is undefined."""
    return "n/a" if v is None or math.isnan(v) else format(v, fmt)


def _ci(interval) -> str:
    return f"[{interval[0]:.4f}, {interval[1]:.4f}]" if interval else "-"


def _cell(scores: dict, value) -> str:
    return str(value) if isinstance(value, (int, np.integer)) else _num(scores[value])
