"""`newsbench.evaluate` and `newsbench.compare`: score prediction files against the gold.

One pass over the gold (kept as compact per-task columns, not objects), one streamed pass over
the predictions, then per-document statistics, corpus scores, bootstrap intervals and the
signature. Heavy imports (numpy) happen inside the functions, so `import newsbench` stays cheap.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import heapq
import itertools
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence, Union

from . import __version__

if TYPE_CHECKING:
    from .report import Comparison, Report

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
    """Where the gold comes from: a corpus-format JSONL file or in-memory records.

    What the signature calls it is decided by content, after reading (`corpus_label`): the same
    articles give the same signature whether they come as a path, a list or `--version`.
    """

    name: str
    path: Optional[Path] = None
    records: Optional[tuple] = None


def resolve_gold(gold=None, split: str = "test", version: Optional[str] = None) -> GoldSource:
    """The bundled corpus (version, split) or `gold`: a corpus-format JSONL path or a list of articles."""
    from .validation import UNUSABLE, Problem
    from .loading import SPLITS, CorpusError, version_dir

    if gold is None:
        if split not in SPLITS:
            raise CorpusError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
        path = version_dir(version) / f"{split}.jsonl"
        return GoldSource(str(path), path)
    if isinstance(gold, (str, Path)):
        path = Path(gold)
        if not path.is_file():
            reason = ("is a folder: --gold takes one corpus-format JSONL file (a split, e.g. corpus/0.4/test.jsonl)"
                      if path.is_dir() else "gold file not found")
            raise EvaluationError([Problem(str(path), None, None, "$", reason, UNUSABLE)])
        return GoldSource(str(path), path)
    return GoldSource("<gold>", None, tuple(r.to_dict() if hasattr(r, "to_dict") else r for r in gold))


def content_hash(record_digests: bytes) -> str:
    """The gold's content hash: SHA-256 of its articles' SHA-256s, in file order.

    A hash of hashes, so that parts of a file read by different processes combine into the hash
    of the whole (one hash over all the bytes would have to be computed in order by one reader).
    """
    return hashlib.sha256(record_digests).hexdigest()


def _bundled_hashes(version: str, split: str, path: Path) -> str:
    """The content hash of a bundled split (cached: released files never change)."""
    key = (version, split)
    if key not in _BUNDLED:
        from .predictions import iter_jsonl
        digests = bytearray()
        for _ in iter_jsonl(path, str(path), record_digests=digests):
            pass
        _BUNDLED[key] = content_hash(digests)
    return _BUNDLED[key]


_BUNDLED: dict[tuple, str] = {}


def corpus_label(content_hash: str, n_articles: int) -> tuple[str, str]:
    """(corpus field, split) for gold with this content hash: the oldest bundled release with exactly
    this content names it (`0.2+sha.…`, with its split); anything else is `custom+sha.…` and split `-`.

    Only bundled splits with the same number of articles (from their manifests) are hashed.
    """
    from .loading import SPLITS, CorpusError, version_dir, versions

    short = content_hash[:8]
    try:
        released = versions()
    except (CorpusError, OSError):
        released = []
    for version in released:
        d = version_dir(version)
        try:
            files = json.loads((d / "manifest.json").read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError):
            continue
        for split in SPLITS:
            entry = files.get(f"{split}.jsonl") or {}
            if entry.get("articles") == n_articles and (d / f"{split}.jsonl").is_file() and \
                    _bundled_hashes(version, split, d / f"{split}.jsonl") == content_hash:
                return f"{version}+sha.{short}", split
    return f"custom+sha.{short}", "-"


@dataclass(frozen=True)
class Settings:
    """Everything that changes what the numbers mean (it all goes into the signature)."""

    tasks: Optional[tuple] = None          # None: the layers the predictions contain
    schemes: tuple = ("strict", "exact", "partial", "type")
    levels: tuple = ("NAM",)
    label_map: Optional[str] = None
    argument_coref: bool = False
    coref_singletons: str = "keep"
    coref_mentions: str = "predicted"

    def entity_options(self):
        from .metrics.entities import EntityOptions
        return EntityOptions(tuple(self.schemes), tuple(self.levels), self.label_map)

    def coref_options(self):
        from .metrics.coref import CorefOptions
        return CorefOptions(self.coref_singletons, self.coref_mentions)

    def canonical(self) -> "Settings":
        """The same settings with tasks, schemes and levels deduplicated and in their canonical order
        (so `exact,strict` and `strict,exact` are one setting, with one signature)."""
        from .labels import MENTION_LEVELS
        from .metrics import TASKS
        from .metrics.entities import SCHEMES

        def order(values, known):
            values = tuple(dict.fromkeys(values))
            return tuple(v for v in known if v in values) + tuple(v for v in values if v not in known)

        return Settings(order(self.tasks, TASKS) if self.tasks is not None else None, order(self.schemes, SCHEMES),
                        order(self.levels, MENTION_LEVELS), self.label_map, self.argument_coref, self.coref_singletons,
                        self.coref_mentions)

    def check(self) -> None:
        from .metrics import TASKS

        bad = [t for t in self.tasks or () if t not in TASKS]
        if bad or self.tasks == ():
            raise ValueError(f"unknown task(s) {', '.join(bad) or '(none)'} (choose from {', '.join(TASKS)})")
        self.entity_options()
        self.coref_options()


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


def _gold_lines(source: GoldSource, digests: bytearray, span: Optional[tuple] = None,
                counted: Optional[list] = None):
    """(line, record, problem) of the gold; a file's reader puts each record's digest in `digests`."""
    from .predictions import iter_jsonl

    if source.records is not None:
        return ((n, r, None) for n, r in enumerate(source.records, 1))
    return iter_jsonl(source.path, source.name, span=span, counted=counted, record_digests=digests)


def _gold_record_problems(source: GoldSource, n: int, rec, err: Exception) -> list:
    """Precise messages for a gold record the scorer could not read (schema, then offsets and references)."""
    from .validation import clip_reason
    from .validation import INVALID, Problem, _json_path, _schema_reason, schema_validator, semantic_problems

    if not isinstance(rec, dict):
        return [Problem(source.name, n, None, "$", "a line must be a JSON object", INVALID)]
    rid = rec.get("id") if isinstance(rec.get("id"), str) else None
    errors = sorted(schema_validator("article").iter_errors(rec), key=lambda e: list(map(str, e.absolute_path)))
    found = [(_json_path(e.absolute_path), clip_reason(_schema_reason(e), e.instance)) for e in errors]
    if not found:
        try:
            found = list(semantic_problems(rec))
        except Exception:     # noqa: BLE001 - a record odd enough to trip the checker: the error below says it
            found = []
    found = found or [("$", f"cannot be scored: {type(err).__name__}: {_clip_text(str(err))}")]
    return [Problem(source.name, n, rid, p, f"gold: {_clip_text(r, 300)}", INVALID) for p, r in found]


def _clip_text(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Gold:
    """The gold as the scorer keeps it: ids, texts and line numbers in file order, and the content hash."""

    def __init__(self):
        self.ids: list[str] = []
        self.texts: list[str] = []
        self.lines: list[int] = []
        self.index: dict[str, int] = {}
        self.digests = bytearray()     # every record's SHA-256 (`record_digest`), in order
        self.n_lines = 0               # lines read (of a part of the file: where the next part's numbers start)

    def content_hash(self) -> str:
        return content_hash(self.digests)


def _read_gold(source: GoldSource, tasks: list, progress: _Progress, span: Optional[tuple] = None) -> _Gold:
    """Feed every gold article to the task collectors; every unusable one is a problem (all are listed).

    Each task checks what it scores (offsets, labels, references) and names every bad field by
    its JSON path; the checks cheaper in bulk (entity offsets) run once all gold is read. `span`
    (start, stop) reads one part of the file (`parts`); line numbers then count from its start.
    """
    from .metrics.base import GoldProblems
    from .predictions import record_digest
    from .validation import INVALID, UNUSABLE, Problem

    gold, problems, counted = _Gold(), [], []
    digests = gold.digests
    in_memory = source.records is not None
    for n, rec, prob in _gold_lines(source, digests, span, counted):
        if prob:
            problems.append(prob)
            continue
        if not isinstance(rec, dict):
            problems.append(Problem(source.name, n, None, "$", "an article must be a JSON object", INVALID))
            continue
        try:
            if in_memory:     # (a file's reader has done it, from the record it wrote back for its own check)
                digests += record_digest(rec)
        except (TypeError, ValueError) as err:
            problems.append(Problem(source.name, n, None, "$", f"not JSON data: {_clip_text(str(err))}", UNUSABLE))
            continue
        rid, text = rec.get("id"), rec.get("text")
        if not isinstance(rid, str) or not isinstance(text, str):
            problems += _gold_record_problems(source, n, rec, TypeError("id and text must be strings"))
            continue
        if rid in gold.index:
            problems.append(Problem(source.name, n, rid, "$.id", f"gold: duplicate article id (first at line "
                                                                  f"{gold.lines[gold.index[rid]]})", INVALID))
            continue
        doc = len(gold.ids)
        for task in tasks:
            try:
                task.add_gold(doc, rec)
            except GoldProblems as err:
                problems += [Problem(source.name, n, rid, p, f"gold: {r}", INVALID) for p, r in err.found]
            except Exception as err:     # noqa: BLE001 - whatever the record holds, one line per problem
                problems += _gold_record_problems(source, n, rec, err)
                break
        gold.index[rid] = doc
        gold.ids.append(rid)
        # a copy without the UTF-8 form the serialiser cached inside a non-ASCII string (+50% of its size)
        gold.texts.append(text if text.isascii() else text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass"))
        gold.lines.append(n)
        if not doc & 1023:
            progress.show("gold articles", doc)
    for task in tasks:
        problems += [Problem(source.name, gold.lines[d], gold.ids[d], p, f"gold: {r}", INVALID)
                     for d, p, r in task.gold_problems(len(gold.ids))]
    if problems:
        unique = list(dict.fromkeys(problems))     # a field two tasks check is named once
        raise EvaluationError(sorted(unique, key=lambda p: (p.line or 0, _path_key(p.path))))
    if not gold.ids:
        raise EvaluationError([Problem(source.name, None, None, "$", "empty file: the gold has no articles", UNUSABLE)])
    gold.n_lines = counted[0] if counted else (gold.lines[-1] if gold.lines else 0)
    return gold


def _finish(task, gold: _Gold, source: GoldSource):
    from .validation import INVALID, Problem
    from .metrics.base import GoldProblem

    try:
        return task.finish(len(gold.ids))
    except GoldProblem as err:
        doc = err.doc
        raise EvaluationError([Problem(source.name, gold.lines[doc] if doc is not None else None,
                                       gold.ids[doc] if doc is not None else None, err.path, f"gold: {err.reason}",
                                       INVALID)]) from None


@dataclass
class _Predicted:
    n: int
    layers: set
    warnings: list
    system: Optional[dict] = None     # signature fields from the file's header
    missing: list = ()                # gold ids with no prediction, in gold order


def _read_predictions(predictions, gold: _Gold, tasks: list, settings: Settings, lenient: bool,
                      progress: _Progress, keep=None) -> _Predicted:
    """Stream checked predictions to the collectors; after the first problem only check, to list them all.

    `keep(raw line)` false skips a line: another part's process scores it (`parts`).
    """
    from .validation import Problem
    from .predictions import CheckOptions, Header, Prediction, read_predictions

    opts = CheckOptions(settings.entity_options().extra_labels)
    texts = dict(zip(gold.ids, gold.texts))
    seen, layers, warnings, problems, system = set(), set(), [], [], None
    for item in read_predictions(predictions, texts, opts, lenient, keep=keep):
        if isinstance(item, Header):
            system = item.signature_fields()
        elif isinstance(item, Prediction):
            if problems:
                continue     # already failing: keep checking lines, stop scoring
            doc = gold.index[item.id]
            for task in tasks:
                task.add_pred(doc, item)
            seen.add(item.id)
            layers |= item.layers
            if not len(seen) & 1023:
                progress.show("predictions", len(seen))
        elif isinstance(item, Problem):
            problems.append(item)
        else:
            warnings.append(item)
    if problems:
        raise EvaluationError(problems)
    return _Predicted(len(seen), layers, warnings, system, [i for i in gold.ids if i not in seen])


def _missing_warning(missing: list) -> list:
    if not missing:
        return []
    named = ", ".join(missing[:_MAX_NAMED]) + (f" and {len(missing) - _MAX_NAMED} more" if len(missing) > _MAX_NAMED
                                               else "")
    return [f"{len(missing)} gold article(s) have no prediction and count as predicted empty: {named}"]


def _signature(gold: _Gold, tasks: Sequence[str], settings: Settings, bootstrap: int, seed,
               system: Optional[dict] = None):
    from .report import SCORING_VERSION, Signature

    corpus, split = corpus_label(gold.content_hash(), len(gold.ids))
    return Signature.make(nb=SCORING_VERSION, corpus=corpus, split=split, tasks=",".join(tasks),
                          match=",".join(settings.schemes), levels=",".join(settings.levels),
                          map=settings.label_map or "none", argcoref="yes" if settings.argument_coref else "no",
                          coref=settings.coref_options().signature(), boot=bootstrap, seed=seed, v=__version__,
                          **(system or {}))


def evaluate(predictions: Union[str, Path, Iterable[dict]], split: str = "test", version: Optional[str] = None,
             gold=None, tasks: Optional[Sequence[str]] = None, schemes: Sequence[str] = ("strict", "exact", "partial",
                                                                                           "type"),
             levels: Sequence[str] = ("NAM",), label_map: Optional[str] = None, argument_coref: bool = False,
             bootstrap: int = 1000, seed: Optional[int] = DEFAULT_SEED, lenient: bool = False,
             progress: bool = False, coref_singletons: str = "keep", coref_mentions: str = "predicted",
             jobs: int = 1, error_items: bool = True) -> Report:
    """Score predictions (a JSONL path or a list of dicts) against the gold; returns a `Report`.

    Gold: the bundled corpus (`version`, default newest; `split`, default test), or `gold`, a
    corpus-format JSONL path or a list of articles. Tasks default to the layers the predictions
    contain. Raises EvaluationError (one Problem per bad line or field, in the predictions or the
    gold) for input it cannot score. A number with nothing to count on either side is None (n/a).
    The prediction dicts are not modified. Coreference (task `coref`) scores every mention level;
    `coref_singletons` ("keep" or "drop") and `coref_mentions` ("predicted" or "gold") set how.

    `jobs` > 1 reads a large gold file (and its predictions) in that many parts, one process
    each, where the platform allows it (`parts`); the numbers are the same. `error_items=False`
    says the report's per-item alignment will not be asked for, so parts need not hand it over.
    """
    settings = Settings(_names(tasks) if tasks is not None else None, _names(schemes), _names(levels), label_map,
                        argument_coref, coref_singletons, coref_mentions)
    settings.check()
    settings = settings.canonical()
    if bootstrap < 0:
        raise ValueError("bootstrap must be 0 (no intervals) or more")
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be 1 or more; got {jobs!r}")
    source = resolve_gold(gold, split, version)
    with _bulk():
        return _evaluate(predictions, source, settings, bootstrap, seed, lenient, _Progress(progress), jobs,
                         error_items)


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


def _collectors(settings: Settings) -> dict:
    from .metrics import TASKS, make_task
    from .metrics.events import EventOptions

    return {name: make_task(name, settings.entity_options(), EventOptions(settings.argument_coref),
                            settings.coref_options())
            for name in (settings.tasks or TASKS)}


def _chosen(settings: Settings, layers: set) -> list:
    """The tasks scored: those asked for, else the layers predicted, else all."""
    from .metrics import TASKS

    return [t for t in TASKS if t in (settings.tasks or layers or TASKS)]


#: Gold files smaller than this are read in one process: forking costs more than it saves.
PART_MIN_BYTES = 16 << 20
#: Chunks of the gold per process (`_read_in_parts`): enough that a slowed CPU's share can shrink.
CHUNKS_PER_PART = 4


def _evaluate(predictions, source: GoldSource, settings: Settings, bootstrap: int, seed, lenient: bool, show,
              jobs: int = 1, keep_items: bool = True):
    from .metrics.base import bootstrap_intervals_all
    from .report import Report, TaskReport

    collectors = _collectors(settings)
    read, resampled = None, None
    if jobs > 1:
        read = _read_in_parts(predictions, source, settings, lenient, show, jobs, keep_items, bootstrap, seed)
    if read is None:
        gold_data = _read_gold(source, list(collectors.values()), show)
        predicted = _read_predictions(predictions, gold_data, list(collectors.values()), settings, lenient, show)
        chosen = _chosen(settings, predicted.layers)
        results = {}
        for name in chosen:
            show.show(f"scoring {name}")
            results[name] = _finish(collectors[name], gold_data, source)
    else:
        gold_data, predicted, results, resampled = read
        chosen = list(results)
    predicted.warnings[:0] = _missing_warning(predicted.missing)
    task_reports, doc_stats, duplicates, unanchored, seen_unanchored = {}, {}, [], [], set()
    for name in chosen:
        doc_stats[name] = results[name].stats
    show.show("bootstrap")
    intervals = bootstrap_intervals_all([(collectors[name].metric, doc_stats[name]) for name in chosen], bootstrap,
                                        seed, resampled=resampled)
    for name, interval in zip(chosen, intervals):
        result, metric = results[name], collectors[name].metric
        sums = result.stats.sum(0)
        scores = metric.corpus_score(result.stats)
        task_reports[name] = TaskReport(name, list(metric.headline), scores, interval, metric.counts(sums),
                                        metric.breakdown(sums), metric)
        duplicates += [{"id": gold_data.ids[d["doc"]], **{k: v for k, v in d.items() if k != "doc"}}
                       for d in result.notes.get("duplicates", ())]
        for u in result.notes.get("unanchored", ()):     # once, though entities and coref both see a mention
            if (u["id"], u["path"]) not in seen_unanchored:
                seen_unanchored.add((u["id"], u["path"]))
                unanchored.append(u)
        if result.notes.get("gold_duplicates"):
            predicted.warnings.append(f"{len(result.notes['gold_duplicates'])} duplicated gold span(s) counted once")
        undefined = [k for k in metric.headline if scores[k] is None]
        if undefined:
            predicted.warnings.append(f"{name}: {len(undefined)} number(s) n/a, with nothing to count in the gold "
                                      f"or the predictions: {', '.join(undefined)}")
    show.done()
    order = {i: k for k, i in enumerate(gold_data.ids)}
    unanchored.sort(key=lambda u: (order[u["id"]], _path_key(u["path"])))

    def error_items() -> Iterator[dict]:
        """Every task's items, by document in gold order, then task, then start: streamed, never all in memory."""
        streams = []
        for rank, (name, result) in enumerate(results.items()):
            items = result.error_items(gold_data.ids, gold_data.texts)
            if not result.ordered:
                items = sorted(items, key=lambda it: order[it["id"]])
            streams.append(_keyed(items, order, rank, name))
        merged = heapq.merge(*streams, key=lambda row: row[:2])
        for _, group in itertools.groupby(merged, key=lambda row: row[:2]):
            for _, _, name, item in sorted(group, key=lambda row: _item_start(row[3])):
                yield {"task": name, **item}

    return Report(_signature(gold_data, chosen, settings, bootstrap, seed, predicted.system), task_reports, len(gold_data.ids),
                  predicted.n, predicted.warnings, unanchored, duplicates, gold_data.ids, doc_stats, error_items)


def _read_in_parts(predictions, source: GoldSource, settings: Settings, lenient: bool, show, jobs: int,
                   keep_items: bool, bootstrap: int = 0, seed=None):
    """(gold, predictions read, task results, bootstrap sums) from reading the gold file in parts,
    one process per CPU; None when that does not apply (small or in-memory input, --lenient, one
    CPU) or any part met a problem: then the caller reads it all in one process, which words every
    message as usual.

    The file is cut into CHUNKS_PER_PART chunks per process, handed out first come, first served
    (`parts.Tickets`): a process slowed by a busy CPU claims fewer, and, owning the predictions of
    its chunks' articles, has fewer of those to read too. Each chunk keeps its own collectors, so
    the chunks join in file order as if each had been a part. Each process also makes its
    articles' share of the bootstrap sums (the same draws as one process; the shares add up to its
    sums), so the resampling runs in parallel too."""
    import numpy as np

    from . import parts
    from .metrics.base import bootstrap_sums
    from .predictions import leading_id

    if lenient or source.path is None or not isinstance(predictions, (str, Path)) or \
            not Path(predictions).is_file() or not source.path.is_file() or \
            source.path.stat().st_size < PART_MIN_BYTES:
        return None
    n = min(jobs, parts.available())
    spans = parts.cut(source.path, min(n * CHUNKS_PER_PART, parts.MAX_TICKETS)) if n > 1 else []
    if len(spans) < 2:
        return None
    n = min(n, len(spans))
    if seed is None:     # no seed asked for: still one draw, the same in every part
        seed = _fresh_seed()
    tickets = parts.Tickets(len(spans))

    def work(link):
        mine = _Progress(show.enabled and link.is_parent)
        chunks = {}                                  # chunk -> (its gold, its collectors)
        for c in tickets:
            collectors = _collectors(settings)
            chunks[c] = (_read_gold(source, list(collectors.values()), mine, spans[c]), collectors)
        ids_of, claimed = {}, {}
        for part, shared in enumerate(link.share({c: gold.ids for c, (gold, _) in chunks.items()})):
            for c, ids in shared.items():
                ids_of[c], claimed[c] = ids, part
        owner = {}
        for c in sorted(ids_of):
            for i in ids_of[c]:
                if owner.setdefault(i, c) != c:
                    raise ValueError("an article id in two chunks")    # the one-process reading words it
        last = len(spans) - 1

        def keep(line: bytes) -> bool:
            return claimed[owner.get(leading_id(line), last)] == link.part

        order = sorted(chunks)
        view, routes = _Gold(), []                   # this process's chunks as one gold, in file order
        for c in order:
            gold = chunks[c][0]
            view.ids += gold.ids
            view.texts += gold.texts
            routes += [(c, doc) for doc in range(len(gold.ids))]
        view.index = {rid: doc for doc, rid in enumerate(view.ids)}
        routers = [_Router(name, chunks, routes) for name in (chunks[order[0]][1] if order else ())]
        predicted = _read_predictions(predictions, view, routers, settings, False, mine, keep)
        chosen = _chosen(settings, set().union(*link.share(predicted.layers)))
        done = {}
        for c in order:
            gold, collectors = chunks[c]
            results = {}
            for name in chosen:
                results[name] = _finish(collectors[name], gold, source)
                if not keep_items:
                    results[name].forget_items()
            gold.index = {}              # (made again by `_join`)
            if not keep_items:           # only the alignment reads the texts
                gold.texts = None
            done[c] = (gold, results)
        resampled = None
        stats = [np.concatenate([done[c][1][name].stats for c in order]) for name in chosen] if order else []
        # (counts only: sums of whole numbers are exact in any order, so the shares add up to one
        # process's sums to the last bit; coref's per-document fractions are resampled at the end)
        if bootstrap > 0 and stats and all(np.array_equal(st, np.round(st)) for st in stats):
            first = np.cumsum([0] + [len(ids_of[c]) for c in range(len(spans))])
            rows = np.concatenate([np.arange(first[c], first[c + 1]) for c in order])
            resampled = bootstrap_sums(stats, bootstrap, seed, int(first[-1]), rows)
        return link.hand_in((done, predicted, resampled))

    try:
        found = parts.run(work, n)
    finally:
        tickets.close()
    return None if found is None else _join(found)


class _Router:
    """One task's collector as `_read_predictions` sees it, for a process holding several chunks:
    the document number of its merged view is sent on to the chunk holding that article."""

    def __init__(self, name: str, chunks: dict, routes: list):
        self.name, self.chunks, self.routes = name, chunks, routes

    def add_pred(self, doc: int, pred) -> None:
        chunk, local = self.routes[doc]
        self.chunks[chunk][1][self.name].add_pred(local, pred)


def _fresh_seed() -> int:
    """A random seed (for `seed=None`), chosen once before the parts fork."""
    import numpy as np

    return int(np.random.SeedSequence().entropy)


def _join(found: list) -> tuple:
    """One (gold, predictions read, task results, bootstrap sums) from every process's, chunks in file order."""
    from .metrics.base import TaskResult

    chunks = sorted(((c, chunk) for done, _, _ in found for c, chunk in done.items()), key=lambda x: x[0])
    gold, first_line, offsets = _Gold(), 0, []
    for _, (part_gold, _) in chunks:
        offsets.append(len(gold.ids))
        gold.ids += part_gold.ids
        gold.texts += part_gold.texts if part_gold.texts is not None else [""] * len(part_gold.ids)
        gold.lines += [n + first_line for n in part_gold.lines]
        gold.digests += part_gold.digests
        first_line += part_gold.n_lines
    gold.index = {rid: doc for doc, rid in enumerate(gold.ids)}
    gold.n_lines = first_line
    read = [p for _, p, _ in found]
    missing = sorted((i for p in read for i in p.missing), key=gold.index.__getitem__)
    predicted = _Predicted(sum(p.n for p in read), set().union(*(p.layers for p in read)),
                           [w for p in read for w in p.warnings], next((p.system for p in read if p.system), None),
                           missing)
    sizes = [len(g.ids) for _, (g, _) in chunks]
    results = {name: TaskResult.joined([r[name] for _, (_, r) in chunks], offsets, sizes)
               for name in chunks[-1][1][1]}
    resampled = None if any(sums is None for *_, sums in found) else sum(sums for *_, sums in found)
    return gold, predicted, results, resampled


def _keyed(items, order: dict, rank: int, name: str) -> Iterator[tuple]:
    """(document, task rank, task, item) per item: the key the streams are merged by."""
    for it in items:
        yield order[it["id"]], rank, name, it


def _path_key(path: str) -> tuple:
    """A JSON path's sort key: fields in the order of a record (id and text, entities, quotes, events,
    frames), indices numerically."""
    parts = [x for x in re.split(r"[.\[\]$]+", path) if x]
    rank = {"entities": 1, "quotes": 2, "events": 3, "frames": 4}.get(parts[0], 0) if parts else 0
    return (rank,) + tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts)


def _item_start(item: dict) -> int:
    for side in ("gold", "pred"):
        if isinstance(item.get(side), dict) and isinstance(item[side].get("start"), int):
            return item[side]["start"]
    return -1


class SignatureMismatch(ValueError):
    """Reports whose signatures differ in a field that changes what the numbers mean."""


def compare_reports(reports: Sequence, names: Sequence[str], bootstrap: int = 1000, trials: int = DEFAULT_TRIALS,
                    seed: Optional[int] = DEFAULT_SEED, allow_missing: bool = False):
    """Paired bootstrap and approximate randomization p-values of each report against the first.

    A system with no prediction for some gold articles is scored as predicting nothing there,
    which can decide a test on its own: refused unless `allow_missing`, and then warned about.
    """
    from .metrics.base import approximate_randomization, paired_bootstrap
    from .report import Comparison

    if len(reports) < 2:
        raise ValueError("compare needs at least two systems")
    _check_tests(bootstrap, trials)
    base = reports[0]
    for name, rep in zip(names[1:], reports[1:]):
        diff = base.signature.differences(rep.signature)
        if diff:
            hint = " (pass --tasks to score the same tasks)" if any(d.startswith("tasks:") for d in diff) else ""
            raise SignatureMismatch(f"{names[0]} and {name} are not comparable ({'; '.join(diff)}){hint}: "
                                    f"{base.signature} vs {rep.signature}")
        if rep.doc_ids != base.doc_ids:
            raise SignatureMismatch(f"{names[0]} and {name} were scored on different articles")
    warnings = []
    for name, rep in zip(names, reports):
        missing = rep.n_articles - rep.n_predicted
        if missing:
            what = ("predicted nothing at all" if rep.n_predicted == 0 else
                    f"has no prediction for {missing} of {rep.n_articles} gold articles")
            if not allow_missing:
                raise SignatureMismatch(f"{name} {what}: they count as predicted empty and can decide the test "
                                        f"alone; pass --allow-missing to compare anyway")
            warnings.append(f"{name} {what} (counted as predicted empty)")
    rows = []
    for name, rep in zip(names[1:], reports[1:]):
        for task, t in base.tasks.items():
            metric = t.metric
            a, b = base.doc_stats[task], rep.doc_stats[task]
            p_bs = paired_bootstrap(metric, a, b, bootstrap, seed, t.headline)
            p_ar = approximate_randomization(metric, a, b, trials, seed, t.headline)
            for key in t.headline:
                a_score, b_score = t.scores[key], rep.tasks[task].scores[key]
                delta = None if a_score is None or b_score is None else b_score - a_score
                rows.append({"task": task, "metric": key, "system": name, "baseline": a_score, "score": b_score,
                             "delta": delta, "p_bootstrap": p_bs[key], "p_ar": p_ar[key]})
    return Comparison(base.signature, list(names), rows, bootstrap, trials, warnings)


def _check_tests(bootstrap, trials) -> None:
    """Both paired tests need at least one resample or trial: a clear error, before anything is scored."""
    for name, value, what in (("bootstrap", bootstrap, "paired bootstrap resamples"),
                              ("trials", trials, "approximate randomization trials")):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"compare needs {name} >= 1 ({what}); got {value!r}")


def compare(predictions: Sequence, names: Optional[Sequence[str]] = None, trials: int = DEFAULT_TRIALS,
            allow_missing: bool = False, **options) -> Comparison:
    """Evaluate every predictions file with the same options and test each against the first."""
    names = list(names or [str(p) for p in predictions])
    bootstrap = options.get("bootstrap", 1000)
    seed = options.get("seed", DEFAULT_SEED)
    _check_tests(bootstrap, trials)
    reports = [evaluate(p, **options) for p in predictions]
    return compare_reports(reports, names, bootstrap, trials, seed, allow_missing)
