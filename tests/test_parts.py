"""A large gold read in parts, one process each (`evaluate(jobs=N)`, `--jobs`): the same report as one process.

The size threshold is lowered so a small workload is cut; `parts.run` is watched so each test
knows whether the parts did the work or the one-process fallback did.
"""
from __future__ import annotations

import json
import os
import random
import sys

import pytest

import newsbench
import newsbench.baselines
from newsbench import parts
from newsbench.evaluate import EvaluationError
from newsbench.metrics.base import TaskResult
from newsbench.predictions import _unsafe_line, iter_jsonl, leading_id
from newsbench.systems import run_system

import numpy as np

from .helpers import run_cli

evaluate_module = sys.modules["newsbench.evaluate"]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parts need fork (Linux)")
TASKS = "entities,quotes,events,frames,coref"


@pytest.fixture(scope="module")
def corpus_and_predictions():
    articles = newsbench.load_all()
    preds = {p["id"]: p for p in run_system(newsbench.baselines.get_baseline("rules")(), articles=articles)}
    return [a.to_dict() for a in articles], preds


def _workload(tmp_path, corpus_and_predictions, n=120, shuffle=False, drop=(), id_last=(), header=False):
    """n gold articles (the corpus's, under new ids) and the rules baseline's predictions for them."""
    articles, preds = corpus_and_predictions
    gold, pred = [], []
    for k in range(n):
        rec = dict(articles[k % len(articles)])
        pr = dict(preds[rec["id"]])
        rec["id"] = pr["id"] = f"doc-{k:04d}"
        gold.append(rec)
        if k not in drop:
            if k in id_last:       # the id after the layers: no process can tell its owner without parsing it
                pr = {key: v for key, v in pr.items() if key != "id"} | {"id": pr["id"]}
            pred.append(pr)
    if shuffle:
        random.Random(5).shuffle(pred)
    gold_file, pred_file = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), encoding="utf-8")
    lines = [json.dumps(p) + "\n" for p in pred]
    if header:
        lines.insert(0, json.dumps({"header": {"signature": {"model": "rules-test"}}}) + "\n")
    pred_file.write_text("".join(lines), encoding="utf-8")
    return gold_file, pred_file


@pytest.fixture
def watched(monkeypatch):
    """Cut any gold file, and record what each `parts.run` returned (None: the one-process fallback ran)."""
    monkeypatch.setattr(evaluate_module, "PART_MIN_BYTES", 0)
    # (more parts than this machine's CPUs, so 3-part cuts run on 2 cores too; and other tests may
    # leave a daemon thread finishing, which would make `available` say 1)
    monkeypatch.setattr(parts, "available", lambda: 4)
    outcomes = []
    real = parts.run

    def run(work, n_parts):
        found = real(work, n_parts)
        outcomes.append(found is not None)
        return found

    monkeypatch.setattr(parts, "run", run)
    return outcomes


def _same_reports(gold_file, pred_file, jobs, **options):
    one = newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=50, **options)
    many = newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=50, jobs=jobs, **options)
    assert many.to_json(per_type=True) == one.to_json(per_type=True)
    assert [t.intervals for t in many.tasks.values()] == [t.intervals for t in one.tasks.values()]  # every bit
    assert many.warnings == one.warnings
    return one, many


@pytest.mark.parametrize("jobs", [2, 3])
def test_parts_give_the_report_and_error_items_of_one_process(tmp_path, corpus_and_predictions, watched, jobs):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    one, many = _same_reports(gold_file, pred_file, jobs)
    assert watched == [True]
    assert many.error_items() == one.error_items()
    assert len(one.error_items()) > 100


def test_shuffled_missing_and_late_ids_and_a_header(tmp_path, corpus_and_predictions, watched):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, shuffle=True, drop={3, 70, 71},
                                     header=True)
    one, many = _same_reports(gold_file, pred_file, 2)
    assert watched == [True]
    assert any("3 gold article(s) have no prediction" in w for w in many.warnings)
    assert "rules-test" in str(many.signature)
    # an id the line does not start with: read by the process that claimed the last chunk; when
    # another process claimed its article's chunk, the parts give up and one process reads it all
    # (which happens depends on who claimed what first): the report is one process's either way
    for late in (5, 110):
        gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, id_last={late})
        _same_reports(gold_file, pred_file, 2)
    assert len(watched) == 3


def test_a_line_without_its_id_first_whose_article_another_process_holds_makes_the_parts_give_up(
        tmp_path, corpus_and_predictions, watched, monkeypatch):
    """Claims fixed for the test: this process takes the even chunks, the child the odd ones."""
    parent = os.getpid()

    class Alternate:
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(0 if os.getpid() == parent else 1, self.n, 2))

        def close(self):
            pass

    monkeypatch.setattr(parts, "Tickets", Alternate)
    # article 5 is in chunk 0 (this process's); a line without a leading id goes to the holder of
    # the last chunk, the child: it cannot score it, so one process reads it all
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, id_last={5})
    _same_reports(gold_file, pred_file, 2)
    assert watched == [False]
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, shuffle=True)
    _same_reports(gold_file, pred_file, 2)
    assert watched == [False, True]


def test_without_error_items_the_parts_hand_in_statistics_only(tmp_path, corpus_and_predictions, watched):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    report = newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=0, jobs=2, error_items=False)
    assert watched == [True]
    with pytest.raises(ValueError, match="not kept"):
        report.error_items()


def test_bad_input_gets_the_messages_of_one_process(tmp_path, corpus_and_predictions, watched):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    lines = gold_file.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = json.loads(lines[100])
    bad["entities"]["mentions"][0]["end"] = 10 ** 6        # in the second part
    lines[100] = json.dumps(bad) + "\n"
    lines[7] = lines[7].replace('"quotes"', '"quotes": [], "quotes"', 1)     # a duplicate key, in the first
    gold_file.write_text("".join(lines), encoding="utf-8")
    pred_lines = pred_file.read_text(encoding="utf-8").splitlines(keepends=True)
    pred_lines.insert(60, pred_lines[2])       # a duplicate prediction
    pred_file.write_text("".join(pred_lines), encoding="utf-8")
    problems = []
    for jobs in (1, 2):
        with pytest.raises(EvaluationError) as err:
            newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=0, jobs=jobs)
        problems.append([str(p) for p in err.value.problems])
    assert problems[0] == problems[1]
    assert any(":8:" in p and "duplicate key" in p for p in problems[0])
    assert any(":101:" in p for p in problems[0])
    assert watched == [False]


def test_the_command_reads_in_parts_and_says_the_same(tmp_path, corpus_and_predictions, watched):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, n=60)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}.json"
        code, _, err = run_cli("evaluate", pred_file, "--gold", gold_file, "--json", "-o", out, "--jobs", jobs,
                               "--bootstrap", "20")
        assert code == 0, err
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert watched == [True]
    with pytest.raises(SystemExit) as exit_:
        run_cli("evaluate", pred_file, "--gold", gold_file, "--jobs", "0")
    assert exit_.value.code == 2


def test_cut_gives_line_aligned_ranges_that_cover_the_file(tmp_path):
    rng = random.Random(2)
    path = tmp_path / "f.jsonl"
    lines = [b"x" * rng.randrange(1, 300) + b"\n" for _ in range(200)]
    path.write_bytes(b"".join(lines))
    offsets, pos = set(), 0
    for line in lines:
        offsets.add(pos)
        pos += len(line)
    for n in (1, 2, 3, 7):
        spans = parts.cut(path, n)
        assert len(spans) == n
        assert spans[0][0] == 0 and spans[-1][1] is None
        assert all(s in offsets for s, _ in spans)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
        counted = []
        lines_read = [n_ for span in spans for n_, _, _ in iter_jsonl(path, "f", span=span, counted=counted)]
        assert sum(counted) == len(lines) and len(lines_read) == len(lines)
    two_lines = tmp_path / "two.jsonl"
    two_lines.write_bytes(b"a" * 1000 + b"\n" + b"b\n")
    assert len(parts.cut(two_lines, 4)) <= 2


def test_leading_id():
    assert leading_id(b'{"id": "nb-0001", "text": "x"}\n') == "nb-0001"
    assert leading_id(b'  {"id":"a-b"}') == "a-b"
    assert leading_id(b'{"text": "x", "id": "nb-0001"}') is None
    assert leading_id(b'{"id": "a\\"b"}') is None      # an escape: parsed, not guessed
    assert leading_id(b'{"id": 5}') is None


@pytest.mark.parametrize("line, unsafe", [
    (b'{"id":"a","entities":{"mentions":[]}}', False),
    (b'{"id": "a", "text": "caf\\u00e9: ok"}', False),                      # escapes, no duplicate
    (b'{"id":"a","entities":{"mentions":[{"start":1,"start":2}]}}', True),  # a duplicate deep inside
    (b'{"id":"a","id":"b"}', True),
    (b'{"id": "a", "t": "\\u00e9", "t": 1}', True),
    (b'{"id":"a","t":"x\\u003ay","t":"z"}', True),     # an escaped colon: the exact rule decides
    (b'{"a":"\\ud800"}', True),                         # a lone surrogate
])
def test_the_cheap_line_test_flags_every_duplicate_key(line, unsafe):
    orjson = pytest.importorskip("orjson")
    try:
        rec = orjson.loads(line)
    except orjson.JSONDecodeError:
        rec = json.loads(line)
        assert _unsafe_line(line) is unsafe
        return
    assert _unsafe_line(line, orjson.dumps(rec)) is unsafe


def test_without_orjson_the_layer_keys_are_checked():
    assert _unsafe_line(b'{"id":"a","quotes":[],"quotes":[]}')
    assert _unsafe_line(b'{"id":"a","entities":{"mentions":[],"mentions":[]}}')
    assert not _unsafe_line(b'{"id":"a","quotes":[],"entities":{"mentions":[]}}')
    assert _unsafe_line(b'{"a":"\\ud800"}')


def test_forgotten_items_are_refused_and_joined_results_shift_documents():
    a = TaskResult(np.ones((2, 3)), {"duplicates": [{"doc": 1, "copies": 2}]}, lambda ids, texts: iter(ids),
                   ordered=True)
    b = TaskResult(np.zeros((1, 3)), {"duplicates": [{"doc": 0, "copies": 3}]}, lambda ids, texts: iter(ids),
                   ordered=True)
    joined = TaskResult.joined([a, b], [0, 2], [2, 1])
    assert joined.stats.shape == (3, 3)
    assert [d["doc"] for d in joined.notes["duplicates"]] == [1, 2]
    assert list(joined.error_items(["x", "y", "z"], ["", "", ""])) == ["x", "y", "z"]
    b.forget_items()
    with pytest.raises(ValueError, match="not kept"):
        TaskResult.joined([a, b], [0, 2], [2, 1]).error_items(["x", "y", "z"], ["", "", ""])


def test_no_parts_with_threads_running():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert parts.available() == 1
    finally:
        stop.set()
        t.join()


def test_bootstrap_sums_of_the_parts_add_up_to_the_whole():
    """Each part resamples its own documents from the whole corpus's draws: the shares add up, exactly."""
    import numpy as np

    from newsbench.metrics.base import bootstrap_sums

    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 40, (57, 4)), rng.integers(0, 9, (57, 2))
    whole = bootstrap_sums([a, b], 230, 11)
    shares = [bootstrap_sums([a[rows], b[rows]], 230, 11, 57, rows)       # (a process's chunks: any rows)
              for rows in (np.arange(0, 57, 3), np.array([1]), np.setdiff1d(np.arange(57), np.arange(0, 57, 3))[1:])]
    assert whole.shape == (230, 6)
    assert np.array_equal(sum(shares), whole)
    assert not np.array_equal(shares[0], whole)


def test_parts_without_a_seed_draw_one_set_of_resamples(tmp_path, corpus_and_predictions, watched, monkeypatch):
    """No seed: the parent picks one before forking, so every part resamples from the same draws."""
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    monkeypatch.setattr(evaluate_module, "_fresh_seed", lambda: 777)
    counted = "entities,quotes,events,frames"     # (coref's fractions are resampled after the join)
    unseeded = newsbench.evaluate(pred_file, gold=gold_file, tasks=counted, bootstrap=50, seed=None, jobs=2)
    seeded = newsbench.evaluate(pred_file, gold=gold_file, tasks=counted, bootstrap=50, seed=777)
    assert watched == [True]
    assert [t.intervals for t in unseeded.tasks.values()] == [t.intervals for t in seeded.tasks.values()]
    assert any(t.intervals for t in seeded.tasks.values())


def test_tickets_go_to_one_process_each():
    tickets = parts.Tickets(40)
    try:
        found = parts.run(lambda link: link.hand_in(list(tickets)), 3)
    finally:
        tickets.close()
    assert sorted(t for taken in found for t in taken) == list(range(40))
    with pytest.raises(ValueError):
        parts.Tickets(parts.MAX_TICKETS + 1)


def test_many_cpus_cut_no_more_chunks_than_there_are_tickets(tmp_path, corpus_and_predictions, watched, monkeypatch):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    monkeypatch.setattr(parts, "available", lambda: 200)      # 800 chunks asked for
    cuts, processes = [], []
    cut = parts.cut
    monkeypatch.setattr(parts, "cut", lambda path, n: cuts.append(n) or cut(path, n))
    monkeypatch.setattr(parts, "run", lambda work, n: processes.append(n))    # (no forking: one process scores)
    newsbench.evaluate(pred_file, gold=gold_file, tasks="entities", bootstrap=0, jobs=2)
    assert cuts == [2 * evaluate_module.CHUNKS_PER_PART] and processes == [2]
    newsbench.evaluate(pred_file, gold=gold_file, tasks="entities", bootstrap=0, jobs=200)
    assert cuts[1] == parts.MAX_TICKETS and processes[1] == min(200, len(cut(gold_file, parts.MAX_TICKETS)))


def test_a_slow_process_claims_fewer_chunks_and_the_report_is_the_same(tmp_path, corpus_and_predictions, watched,
                                                                        monkeypatch):
    """Chunks go to whichever process is free: a child slowed down (as by a busy CPU) reads fewer."""
    import time

    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions)
    parent, read = os.getpid(), evaluate_module._read_gold
    counted = tmp_path / "chunks"

    def slow_child(source, tasks, progress, span=None):
        if os.getpid() != parent:
            time.sleep(0.3)
        with open(counted, "a") as f:
            f.write(f"{os.getpid() == parent}\n")
        return read(source, tasks, progress, span)

    monkeypatch.setattr(evaluate_module, "_read_gold", slow_child)
    many = newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=50, jobs=2)
    monkeypatch.setattr(evaluate_module, "_read_gold", read)
    one = newsbench.evaluate(pred_file, gold=gold_file, tasks=TASKS, bootstrap=50)
    assert watched == [True]
    assert many.to_json(per_type=True) == one.to_json(per_type=True)
    claims = counted.read_text().split()
    assert len(claims) == 2 * evaluate_module.CHUNKS_PER_PART
    assert claims.count("False") < claims.count("True")


def test_tqdm_monitor_does_not_stop_parts():
    """A progress bar shown earlier (tqdm's monitor thread stays alive) leaves the parts on."""
    import threading

    from tqdm import tqdm
    from tqdm._monitor import TMonitor

    with open(os.devnull, "w") as sink, tqdm(total=1, disable=False, file=sink) as bar:
        bar.update(1)
    assert any(isinstance(t, TMonitor) for t in threading.enumerate())
    assert parts.available() == len(os.sched_getaffinity(0))


def test_when_fork_fails_one_process_does_the_job(tmp_path, corpus_and_predictions, watched, monkeypatch):
    gold_file, pred_file = _workload(tmp_path, corpus_and_predictions, n=40)

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parts.os, "fork", no_fork)
    _same_reports(gold_file, pred_file, 2)
    assert watched == [False]
