"""`evaluate --errors` streams its items (issue 11: bounded memory) in the order a full sort gives."""
from __future__ import annotations

import json
import random

import newsbench
import newsbench.baselines
from newsbench.evaluate import _item_start
from newsbench.metrics.base import by_document
from newsbench.systems import run_system

import numpy as np

from .helpers import run_cli


def test_streamed_items_come_in_document_task_and_position_order(tmp_path):
    preds = run_system(newsbench.baselines.get_baseline("rules")(), split="validation")
    report = newsbench.evaluate(preds, split="validation", bootstrap=0)
    items = report.error_items()
    assert {it["task"] for it in items} == {"entities", "quotes", "events", "frames"}
    order = {a.id: k for k, a in enumerate(newsbench.load("validation"))}
    tasks = ["entities", "quotes", "events", "frames"]
    key = [(order[it["id"]], tasks.index(it["task"]), _item_start(it)) for it in items]
    assert key == sorted(key)
    # the stream is lazy: the first item comes without the rest being made
    stream = report.iter_error_items()
    assert next(stream) == items[0]
    # and the file the command writes holds exactly these items
    pred_file, errors = tmp_path / "p.jsonl", tmp_path / "errors.jsonl"
    pred_file.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    code, _, err = run_cli("evaluate", pred_file, "--split", "validation", "--bootstrap", "0", "--errors", errors,
                           "-o", tmp_path / "r.txt")
    assert code == 0, err
    assert [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()] == items


def test_by_document_is_a_stable_sort_by_document_of_the_segments():
    rng = random.Random(3)
    segments, expected = [], []
    for k in range(3):
        docs = np.array([rng.randrange(5) for _ in range(rng.randrange(0, 12))])
        segments.append((docs, lambda u, k=k: [(k, u, "a"), (k, u, "b")]))
        expected += [(int(d), (k, u, x)) for u, d in enumerate(docs) for x in "ab"]
    got = list(by_document(*segments))
    assert got == [item for _, item in sorted(expected, key=lambda t: t[0])]
    assert list(by_document()) == []
