"""`newsbench.evaluate` and `newsbench.compare`: score prediction files against the gold.

One pass over the gold (kept as compact per-task columns, not objects), one streamed pass over
the predictions, then per-document statistics, corpus scores, bootstrap intervals and the
signature. Heavy imports (numpy) happen inside the functions, so `import newsbench` stays cheap.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from . import __version__

DEFAULT_SEED = 12345
DEFAULT_TRIALS = 10000
_MAX_NAMED = 10   # ids named in one warning


class EvaluationError(ValueError):
    """The input cannot be scored; `problems` holds one line per problem (file, line, id, field, reason)."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class GoldSource:
    """Where the gold comes from and what the signature calls it."""

    name: str
    corpus: str            # "0.1+sha.1a2b3c4d" for a release; "custom" (+ the file's hash) for --gold
    split: str
    path: Optional[Path] = None
    records: Optional[tuple] = None
    digest: Optional[object] = None     # a hashlib object, fed while the file is read (--gold)

    def corpus_field(self) -> str:
        return f"{self.corpus}+sha.{self.digest.hexdigest()[:8]}" if self.digest is not None else self.corpus


def resolve_gold(gold=None, split: str = "test", version: Optional[str] = None) -> GoldSource:
    """The bundled corpus (version, split) or `gold`: a corpus-format JSONL path or a list of articles."""
    from .validation import UNUSABLE, Problem
    from .loading import SPLITS, CorpusError, version_dir

    if gold is None:
        if split not in SPLITS:
            raise CorpusError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
        d = version_dir(version)
        manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        sha = manifest["files"][f"{split}.jsonl"]["sha256"]
        return GoldSource(str(d / f"{split}.jsonl"), f"{d.name}+sha.{sha[:8]}", split, d / f"{split}.jsonl")
    if isinstance(gold, (str, Path)):
        path = Path(gold)
        if not path.is_file():
            raise EvaluationError([Problem(str(path), None, None, "$", "gold file not found", UNUSABLE)])
        return GoldSource(str(path), "custom", "-", path, digest=hashlib.sha256())
    from .release import dumps_record

    records = tuple(r if isinstance(r, dict) else r.to_dict() for r in gold)
    digest = hashlib.sha256("".join(dumps_record(r) + "\n" for r in records).encode("utf-8"))
    return GoldSource("<gold>", "custom", "-", None, records, digest)


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the numbers mean (it all goes into the signature)."""

    tasks: Optional[tuple] = None          # None: the layers the predictions contain
    schemes: tuple = ("strict", "exact", "partial", "type")
    levels: tuple = ("NAM",)
    label_map: Optional[str] = None
    argument_coref: bool = False

    def entity_options(self):
        from .metrics.entities import EntityOptions
        return EntityOptions(tuple(self.schemes), tuple(self.levels), self.label_map)

    def check(self) -> None:
        from .metrics import TASKS

        bad = [t for t in self.tasks or () if t not in TASKS]
        if bad or self.tasks == ():
            raise ValueError(f"unknown task(s) {', '.join(bad) or '(none)'} (choose from {', '.join(TASKS)})")
        self.entity_options()


class _Progress:
    """A one-line counter on stderr, redrawn at most five times a second."""

    def __init__(self, enabled: bool):
        self.enabled, self._last = enabled, 0.0

    def show(self, what: str, n: Optional[int] = None) -> None:
        now = time.monotonic()
        if self.enabled and now - self._last > 0.2:
            self._last = now
            count = "" if n is None else f" {n:,}"
            print(f"\r\033[Knewsbench: {what}{count}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.enabled:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _gold_lines(source: GoldSource):
    from .predictions import iter_jsonl

    if source.records is not None:
        return ((n, r, None) for n, r in enumerate(source.records, 1))
    return iter_jsonl(source.path, source.name, source.digest)


def _gold_record_problems(source: GoldSource, n: int, rec, err: Exception) -> list[Problem]:
    """Precise messages for a gold record the scorer could not read (schema, then offsets and references)."""
    from .validation import UNUSABLE, Problem, schema_problems, semantic_problems

    if not isinstance(rec, dict):
        return [Problem(source.name, n, None, "$", "a line must be a JSON object", UNUSABLE)]
    rid = rec.get("id") if isinstance(rec.get("id"), str) else None
    found = list(schema_problems(rec)) or list(semantic_problems(rec))
    found = found or [("$", f"cannot be scored: {type(err).__name__}: {err}")]
    return [Problem(source.name, n, rid, p, f"gold: {r}", UNUSABLE) for p, r in found]


class _Gold:
    """The gold as the scorer keeps it: ids, texts and line numbers in file order."""

    def __init__(self):
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.lines: list[int] = []
        self.index: dict[str, int] = {}


def _read_gold(source: GoldSource, tasks: list, progress: _Progress) -> _Gold:
    """Feed every gold article to the task collectors; every unreadable one is a problem (all are listed)."""
    from .validation import UNUSABLE, Problem

    gold, problems = _Gold(), []
    for n, rec, prob in _gold_lines(source):
        if prob:
            problems.append(prob)
            continue
        try:
            rid, text = rec["id"], rec["text"]
            if not isinstance(rid, str) or not isinstance(text, str):
                raise TypeError("id and text must be strings")
            if rid in gold.index:
                problems.append(Problem(source.name, n, rid, "$.id", f"gold: duplicate article id (first at line "
                                                                      f"{gold.lines[gold.index[rid]]})", UNUSABLE))
                continue
            doc = len(gold.ids)
            for task in tasks:
                task.add_gold(doc, rec)
        except (KeyError, TypeError, IndexError, ValueError, AttributeError) as err:
            problems += _gold_record_problems(source, n, rec, err)
            continue
        gold.index[rid] = doc
        gold.ids.append(rid)
        gold.texts.append(text)
        gold.lines.append(n)
        if not doc & 1023:
            progress.show("gold articles", doc)
    if problems:
        raise EvaluationError(problems)
    if not gold.ids:
        raise EvaluationError([Problem(source.name, None, None, "$", "the gold has no articles", UNUSABLE)])
    return gold


def _finish(task, gold: _Gold, source: GoldSource):
    from .validation import UNUSABLE, Problem
    from .metrics.base import GoldProblem

    try:
        return task.finish(len(gold.ids))
    except GoldProblem as err:
        doc = err.doc
        raise EvaluationError([Problem(source.name, gold.lines[doc] if doc is not None else None,
                                       gold.ids[doc] if doc is not None else None, err.path, f"gold: {err.reason}",
                                       UNUSABLE)]) from None


@dataclass
class _Predicted:
    n: int
    layers: set
    unanchored: list
    warnings: list


def _read_predictions(predictions, gold: _Gold, tasks: list, settings: Settings, lenient: bool,
                      progress: _Progress) -> _Predicted:
    """Stream checked predictions to the collectors; after the first problem only check, to list them all."""
    from .validation import Problem
    from .predictions import CheckOptions, Prediction, read_predictions

    opts = CheckOptions(settings.entity_options().extra_labels)
    texts = dict(zip(gold.ids, gold.texts))
    seen, layers, unanchored, warnings, problems = set(), set(), [], [], []
    for item in read_predictions(predictions, texts, opts, lenient):
        if isinstance(item, Prediction):
            if problems:
                continue     # already failing: keep checking lines, stop scoring
            doc = gold.index[item.id]
            for task in tasks:
                task.add_pred(doc, item)
            seen.add(item.id)
            layers |= item.layers
            if item.unanchored:
                unanchored += [u.to_dict() for u in item.unanchored]
            if not len(seen) & 1023:
                progress.show("predictions", len(seen))
        elif isinstance(item, Problem):
            problems.append(item)
        else:
            warnings.append(item)
    if problems:
        raise EvaluationError(problems)
    missing = [i for i in gold.ids if i not in seen]
    if missing:
        named = ", ".join(missing[:_MAX_NAMED]) + (f" and {len(missing) - _MAX_NAMED} more" if len(missing) > _MAX_NAMED
                                                   else "")
        warnings.insert(0, f"{len(missing)} gold article(s) have no prediction and count as predicted empty: {named}")
    return _Predicted(len(seen), layers, unanchored, warnings)


def _signature(source: GoldSource, tasks: Sequence[str], settings: Settings, bootstrap: int, seed):
    from .report import SCORING_VERSION, Signature

    return Signature.make(nb=SCORING_VERSION, corpus=source.corpus_field(), split=source.split, tasks=",".join(tasks),
                          match=",".join(settings.schemes), levels=",".join(settings.levels),
                          map=settings.label_map or "none", argcoref="yes" if settings.argument_coref else "no",
                          boot=bootstrap, seed=seed, v=__version__)


def evaluate(predictions: Union[str, Path, Iterable[dict]], split: str = "test", version: Optional[str] = None,
             gold=None, tasks: Optional[Sequence[str]] = None, schemes: Sequence[str] = ("strict", "exact", "partial",
                                                                                           "type"),
             levels: Sequence[str] = ("NAM",), label_map: Optional[str] = None, argument_coref: bool = False,
             bootstrap: int = 1000, seed: Optional[int] = DEFAULT_SEED, lenient: bool = False,
             progress: bool = False):
    """Score predictions (a JSONL path or a list of dicts) against the gold; returns a `Report`.

    Gold: the bundled corpus (`version`, default newest; `split`, default test), or `gold`, a
    corpus-format JSONL path or a list of articles. Tasks default to the layers the predictions
    contain. Raises EvaluationError (one Problem per bad line or field) for input it cannot score.
    """
    settings = Settings(_names(tasks) if tasks is not None else None, _names(schemes), _names(levels), label_map,
                        argument_coref)
    settings.check()
    if bootstrap < 0:
        raise ValueError("bootstrap must be 0 (no intervals) or more")
    source = resolve_gold(gold, split, version)
    with _bulk():
        return _evaluate(predictions, source, settings, bootstrap, seed, lenient, _Progress(progress))


def _names(value) -> tuple:
    """A comma-separated string or a sequence of names, as a tuple."""
    return tuple(v.strip() for v in value.split(",") if v.strip()) if isinstance(value, str) else tuple(value)


@contextlib.contextmanager
def _bulk():
    """No cyclic garbage collection while millions of acyclic objects are made and dropped (it only costs time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _evaluate(predictions, source: GoldSource, settings: Settings, bootstrap: int, seed, lenient: bool, show):
    from .metrics import TASKS, make_task
    from .metrics.base import bootstrap_intervals
    from .metrics.events import EventOptions
    from .report import Report, TaskReport

    collectors = {name: make_task(name, settings.entity_options(), EventOptions(settings.argument_coref))
                  for name in (settings.tasks or TASKS)}
    gold_data = _read_gold(source, list(collectors.values()), show)
    predicted = _read_predictions(predictions, gold_data, list(collectors.values()), settings, lenient, show)
    chosen = [t for t in TASKS if t in (settings.tasks or predicted.layers or TASKS)]
    task_reports, doc_stats, results, duplicates = {}, {}, {}, []
    for name in chosen:
        show.show(f"scoring {name}")
        result = _finish(collectors[name], gold_data, source)
        metric = collectors[name].metric
        sums = result.stats.sum(0)
        task_reports[name] = TaskReport(name, list(metric.headline), metric.corpus_score(result.stats),
                                        bootstrap_intervals(metric, result.stats, bootstrap, seed),
                                        metric.counts(sums), metric.breakdown(sums), metric)
        doc_stats[name], results[name] = result.stats, result
        duplicates += [{"id": gold_data.ids[d["doc"]], **{k: v for k, v in d.items() if k != "doc"}}
                       for d in result.notes.get("duplicates", ())]
        if result.notes.get("gold_duplicates"):
            predicted.warnings.append(f"{len(result.notes['gold_duplicates'])} duplicated gold span(s) counted once")
    show.done()

    def error_items() -> list[dict]:
        items = []
        for name, result in results.items():
            items += [{"task": name, **item} for item in result.error_items(gold_data.ids, gold_data.texts)]
        order = {i: k for k, i in enumerate(gold_data.ids)}
        return sorted(items, key=lambda it: (order[it["id"]], chosen.index(it["task"]), _item_start(it)))

    return Report(_signature(source, chosen, settings, bootstrap, seed), task_reports, len(gold_data.ids),
                  predicted.n, predicted.warnings, predicted.unanchored, duplicates, gold_data.ids, doc_stats,
                  error_items)


def _item_start(item: dict) -> int:
    for side in ("gold", "pred"):
        if isinstance(item.get(side), dict) and isinstance(item[side].get("start"), int):
            return item[side]["start"]
    return -1


class SignatureMismatch(ValueError):
    """Reports whose signatures differ in a field that changes what the numbers mean."""


def compare_reports(reports: Sequence, names: Sequence[str], bootstrap: int = 1000, trials: int = DEFAULT_TRIALS,
                    seed: Optional[int] = DEFAULT_SEED):
    """Paired bootstrap and approximate randomization p-values of each report against the first."""
    from .metrics.base import approximate_randomization, paired_bootstrap
    from .report import Comparison

    if len(reports) < 2:
        raise ValueError("compare needs at least two systems")
    base = reports[0]
    for name, rep in zip(names[1:], reports[1:]):
        diff = base.signature.differences(rep.signature)
        if diff:
            hint = " (pass --tasks to score the same tasks)" if any(d.startswith("tasks:") for d in diff) else ""
            raise SignatureMismatch(f"{names[0]} and {name} are not comparable ({'; '.join(diff)}){hint}: "
                                    f"{base.signature} vs {rep.signature}")
        if rep.doc_ids != base.doc_ids:
            raise SignatureMismatch(f"{names[0]} and {name} were scored on different articles")
    rows = []
    for name, rep in zip(names[1:], reports[1:]):
        for task, t in base.tasks.items():
            metric = t.metric
            a, b = base.doc_stats[task], rep.doc_stats[task]
            p_bs = paired_bootstrap(metric, a, b, bootstrap, seed, t.headline)
            p_ar = approximate_randomization(metric, a, b, trials, seed, t.headline)
            for key in t.headline:
                rows.append({"task": task, "metric": key, "system": name, "baseline": t.scores[key],
                             "score": rep.tasks[task].scores[key], "delta": rep.tasks[task].scores[key] - t.scores[key],
                             "p_bootstrap": p_bs[key], "p_ar": p_ar[key]})
    return Comparison(base.signature, list(names), rows, bootstrap, trials)


def compare(predictions: Sequence, names: Optional[Sequence[str]] = None, trials: int = DEFAULT_TRIALS, **options):
    """Evaluate every predictions file with the same options and test each against the first."""
    names = list(names or [str(p) for p in predictions])
    bootstrap = options.get("bootstrap", 1000)
    seed = options.get("seed", DEFAULT_SEED)
    reports = [evaluate(p, **options) for p in predictions]
    return compare_reports(reports, names, bootstrap, trials, seed)
