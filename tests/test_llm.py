"""`newsbench llm` against a local OpenAI-compatible server started inside the tests (no network).

The server (tests/llm_server.py) answers like a model that agrees with the gold, unless a test
scripts a fault: bad JSON, an answer off the schema, a timeout, 429, 500, a body cut off, an answer
cut at max_tokens, an unknown label, a span that is not in the text, a refused response_format.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import newsbench
from newsbench.labels import EVENT_ROLES, FRAMES
from newsbench.llm.answers import gold_answer, to_layer, to_record
from newsbench.llm.cache import request_key
from newsbench.llm.prompts import (INVENTORIES, PROMPT_TASKS, TASK_INVENTORIES, definitions_for, load_prompt,
                                   pick_shots, versions)
from newsbench.metrics import TASKS
from newsbench.report import Signature

from .helpers import run_cli
from .llm_server import FakeLLM, Reply, tasks_of

ROOT = Path(__file__).resolve().parents[1]
#: Every task the scorer knows gets a prompt run (coref joins once the scorer scores it).
SCORED = [t for t in PROMPT_TASKS if t in TASKS]
#: Short backoff; a timeout long enough that a loaded CI machine never retries a request the test
#: counts (the timeout tests pass their own short --timeout).
FAST = ("--backoff", "0.01", "--timeout", "30", "--retries", "2")


@pytest.fixture
def server():
    with FakeLLM() as s:
        yield s


def llm(server, tmp_path, *extra, out="p.jsonl", cache="cache"):
    return run_cli("llm", "--base-url", server.url, "--model", "fake-7b", "--cache", tmp_path / cache,
                   "-o", tmp_path / out, *FAST, *extra)


def records(path):
    lines = [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines()]
    return lines[0]["header"], lines[1:]


def body_key(body) -> str:
    return request_key(body)


# -- the whole benchmark ---------------------------------------------------------------------------
def test_all_tasks_on_test_split_score_and_rerun_from_cache(server, tmp_path):
    code, _, err = llm(server, tmp_path, "--tasks", ",".join(SCORED), "--workers", "4")
    assert code == 0, err
    n_test = len(newsbench.load("test"))
    assert server.count == n_test * len(SCORED)
    header, recs = records(tmp_path / "p.jsonl")
    assert [r["id"] for r in recs] == [a.id for a in newsbench.load("test")]
    assert header["failed"] == {} and header["model"] == "fake-7b"
    assert header["prompts"]["entities"]["id"] == "entities/v1"

    code, _, err = run_cli("validate", "--kind", "prediction", tmp_path / "p.jsonl")
    assert code == 0, err
    code, out, err = run_cli("evaluate", tmp_path / "p.jsonl", "--json", "--bootstrap", "20")
    assert code == 0, err
    report = json.loads(out)
    sig = Signature.parse(report["signature"])
    assert sig.get("model") == "fake-7b"
    assert sig.get("prompt") == ",".join(f"{t}/v1" for t in SCORED)
    assert sig.get("decode") == "t0,p1,max4096"
    assert sig.get("tasks") == ",".join(SCORED)
    # the fake model answers with the gold: what is lost is only what spans given by text cannot say
    tasks = report["tasks"]
    assert tasks["frames"]["headline"]["primary.accuracy"] == 1.0
    assert tasks["entities"]["headline"]["strict.micro.f1"] > 0.95
    assert tasks["quotes"]["headline"]["speaker.f1"] > 0.95
    assert tasks["events"]["headline"]["Arg-C.f1"] > 0.9

    sent = server.count
    code, _, err = llm(server, tmp_path, "--tasks", ",".join(SCORED), out="again.jsonl")
    assert code == 0, err
    assert server.count == sent, "a rerun must be served entirely from the cache"
    assert f"0 sent, {sent} from the cache" in err
    assert records(tmp_path / "again.jsonl") == records(tmp_path / "p.jsonl")


def test_resume_after_kill_repeats_no_finished_request(server, tmp_path):
    """Kill a run (SIGKILL) while request 4 of 8 is in flight; the rerun sends only the unfinished ones."""
    release = threading.Event()
    server.behave = lambda body, n: Reply(block=release) if n == 4 else None
    cmd = [sys.executable, "-m", "newsbench", "llm", "--base-url", server.url, "--model", "fake-7b",
           "--cache", str(tmp_path / "cache"), "-o", str(tmp_path / "p.jsonl"), "--tasks", "entities,frames",
           "--limit", "4", "--workers", "1", *FAST]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while server.count < 4 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert server.count == 4
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert not (tmp_path / "p.jsonl").exists()
    finished = {body_key(b) for b in server.requests[:3]}
    server.behave = lambda body, n: None
    code, _, err = llm(server, tmp_path, "--tasks", "entities,frames", "--limit", "4", "--workers", "1")
    assert code == 0, err
    second = [body_key(b) for b in server.requests[4:]]
    assert len(second) == 8 - 3 and not finished & set(second)
    assert "3 from the cache" in err


def test_dry_run_sends_nothing_and_estimates_tokens(server, tmp_path):
    code, out, err = run_cli("llm", "--model", "m", "--dry-run", "--limit", "3", "--tasks", "entities,frames",
                             "--shots", "2")
    assert code == 0, err
    assert server.count == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == 6 and all(x["prompt_tokens_estimate"] > 0 for x in lines)
    total = sum(x["prompt_tokens_estimate"] for x in lines)
    assert f"about {total:,} prompt tokens" in err
    msgs = lines[0]["request"]["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user", "assistant", "user"]


# -- prompts -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("task", PROMPT_TASKS)
def test_prompt_labels_come_from_the_guidelines_and_schema(task):
    for version in versions(task):
        prompt = load_prompt(task, version)
        assert prompt.definitions == definitions_for(task, ROOT / "docs" / "guidelines"), \
            f"{task}/{version}: the guidelines' definitions changed; add a new prompt version"
        for inventory in TASK_INVENTORIES[task]:
            assert list(prompt.definitions[inventory]) == list(INVENTORIES[inventory])
            assert all(prompt.definitions[inventory].values())
        assert "$" not in prompt.system_text()
        assert '"$' not in json.dumps(prompt.schema), "every label enum is filled in from newsbench.labels"


def test_answer_schema_enums_are_the_label_inventories():
    schema = load_prompt("events").schema
    arg = schema["properties"]["events"]["items"]["properties"]["arguments"]["items"]
    assert arg["properties"]["role"]["enum"] == list(EVENT_ROLES)
    assert load_prompt("frames").schema["properties"]["primary"]["enum"] == list(FRAMES)


def test_shots_come_from_train_only(server, tmp_path):
    train = {a.id for a in newsbench.load("train")}
    shots = pick_shots(3, [a.to_dict() for a in newsbench.load("train")])
    assert len(shots) == 3 and {a["id"] for a in shots} <= train
    code, _, err = llm(server, tmp_path, "--tasks", "frames", "--limit", "1", "--shots", "2")
    assert code == 0, err
    header, _ = records(tmp_path / "p.jsonl")
    assert header["shots"]["k"] == 2 and set(header["shots"]["ids"]) <= train
    code, _, err = run_cli("llm", "--model", "m", "--dry-run", "--split", "train", "--shots", "1")
    assert code == 2 and "train split" in err


@pytest.mark.parametrize("task", PROMPT_TASKS)
def test_gold_answer_round_trips_to_a_layer(task):
    art = newsbench.load("train")[0].to_dict()
    answer = gold_answer(task, art)
    layer, issues = to_layer(task, answer, art["text"])
    assert issues == []
    if task == "frames":
        assert layer == {"labels": art["frames"]["labels"], "primary": art["frames"]["primary"]}
    else:
        assert len(layer) == len(answer[next(iter(answer))]) or task == "coref"


def test_names_skip_occurrences_inside_other_names():
    text = "Gen Ilse Varhammer met Adm Kolundic. Later Varhammer said Kolundic agreed."
    answer = {"mentions": [{"text": "Ilse Varhammer", "type": "PERSON", "level": "NAM"},
                           {"text": "Kolundic", "type": "PERSON", "level": "NAM"},
                           {"text": "Varhammer", "type": "PERSON", "level": "NAM"},
                           {"text": "Kolundic", "type": "PERSON", "level": "NAM"},
                           {"text": "Adm", "type": "PERSON", "level": "NOM"}]}
    layer, issues = to_layer("entities", answer, text)
    placed = [(m.get("start"), m["text"]) for m in layer]
    assert placed == [(4, "Ilse Varhammer"), (27, "Kolundic"), (43, "Varhammer"), (58, "Kolundic"), (None, "Adm")]
    assert all(text[m["start"]:m["end"]] == m["text"] for m in layer if "start" in m) and not issues


def test_arguments_and_cues_sit_nearest_their_event_and_quote():
    text = 'Kesh shelled Velt. Later, Dunmarra shelled Kesh. "We will answer," Dunmarra said.'
    answer = {"events": [{"trigger": "shelled", "type": "Conflict:Attack", "realis": "actual",
                          "arguments": [{"role": "Attacker", "text": "Kesh"}, {"role": "Target", "text": "Velt"}]},
                         {"trigger": "shelled", "type": "Conflict:Attack", "realis": "actual",
                          "arguments": [{"role": "Attacker", "text": "Dunmarra"}, {"role": "Target", "text": "Kesh"}]}]}
    events, _ = to_layer("events", answer, text)
    assert [[a["start"] for a in e["arguments"]] for e in events] == [[0, 13], [26, 43]]
    quotes, _ = to_layer("quotes", {"quotes": [{"text": "We will answer,", "kind": "direct", "cue": "said",
                                                "speaker": "Dunmarra"}]}, text)
    assert quotes[0]["cue"] == {"start": text.rindex("said"), "end": text.rindex("said") + 4, "text": "said"}
    assert quotes[0]["speaker"] == {"text": "Dunmarra"}


def test_coref_clusters_become_entity_ids_on_entity_mentions():
    text = "Ana Lind met Bo. Lind said she would return."
    ents, _ = to_layer("entities", {"mentions": [{"text": "Ana Lind", "type": "PERSON", "level": "NAM"},
                                                 {"text": "Bo", "type": "PERSON", "level": "NAM"},
                                                 {"text": "Lind", "type": "PERSON", "level": "NAM"}]}, text)
    coref, _ = to_layer("coref", {"clusters": [{"type": "PERSON", "mentions": ["Ana Lind", "Lind", "she"]},
                                               {"type": "PERSON", "mentions": ["Bo"]}]}, text)
    rec, issues = to_record("a1", {"entities": ents, "coref": coref})
    assert [(m["text"], m.get("entity")) for m in rec["entities"]["mentions"]] == \
        [("Ana Lind", "c1"), ("Bo", "c2"), ("Lind", "c1")]
    assert [i.kind for i in issues] == ["unmatched"] and "'she'" in issues[0].detail
    alone, issues = to_record("a1", {"coref": coref})
    assert len(alone["entities"]["mentions"]) == 4 and not issues


def test_joint_request_answers_all_tasks_at_once(server, tmp_path):
    code, _, err = llm(server, tmp_path, "--tasks", "entities,frames", "--limit", "2", "--joint")
    assert code == 0, err
    assert server.count == 2
    assert tasks_of(server.requests[0]) == ["entities", "frames"]
    header, recs = records(tmp_path / "p.jsonl")
    assert header["signature"]["prompt"] == "entities/v1,frames/v1+joint"
    assert all("entities" in r and "frames" in r for r in recs)


# -- faults: each has its expected outcome -----------------------------------------------------------
def _one(server, tmp_path, *extra, task="frames"):
    code, out, err = llm(server, tmp_path, "--tasks", task, "--limit", "1", "--workers", "1", *extra)
    header, recs = records(tmp_path / "p.jsonl") if (tmp_path / "p.jsonl").exists() else (None, None)
    return code, err, header, recs


def test_bad_json_is_asked_again_then_predicted_empty_with_the_reason(server, tmp_path):
    server.behave = lambda body, n: Reply(content='{"primary": "economic", "labels": [')
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0
    assert server.count == 3, "three replies (--attempts 3), then give up"
    assert "not usable" in server.requests[1]["messages"][-1]["content"]
    assert recs[0]["frames"] == {"labels": []}
    assert header["failed"] == {"frames": 1}
    failure = [x for x in err.splitlines() if "predicted empty" in x and "nb-" in x]
    assert len(failure) == 1 and "not JSON" in failure[0] and "after 3 replies" in failure[0]
    code, out, err = run_cli("evaluate", tmp_path / "p.jsonl", "--json", "--bootstrap", "0")
    assert code == 0, err
    assert json.loads(out)["tasks"]["frames"]["headline"]["primary.accuracy"] == 0.0


def test_bad_json_once_then_a_good_answer(server, tmp_path):
    server.behave = lambda body, n: Reply(content="Sure! Here it is:") if n == 1 else None
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0 and server.count == 2 and header["failed"] == {}
    assert recs[0]["frames"]["labels"]


def test_schema_invalid_answer_is_retried_then_empty(server, tmp_path):
    server.behave = lambda body, n: Reply(content=json.dumps({"primary": 3, "labels": ["economic"]}))
    code, err, header, recs = _one(server, tmp_path, "--attempts", "2")
    assert code == 0 and server.count == 2
    assert "does not follow the answer schema at $.primary" in err
    assert recs[0]["frames"] == {"labels": []}


def test_timeout_is_retried(server, tmp_path):
    server.behave = lambda body, n: Reply(delay=3.0) if n == 1 else None
    code, err, header, recs = _one(server, tmp_path, "--timeout", "1")
    assert code == 0 and header["failed"] == {}
    assert server.count == 2


def test_timeouts_to_the_end_fail_the_request_and_are_not_cached(server, tmp_path):
    slow = {"entities": 2}          # both attempts at the entities request time out; frames answers

    def behave(body, n):
        task = tasks_of(body)[0]
        if slow.get(task, 0) > 0:
            slow[task] -= 1
            return Reply(delay=3.0)
        return None
    server.behave = behave
    code, err, header, recs = _one(server, tmp_path, "--timeout", "1", "--retries", "1", task="entities,frames")
    assert code == 0
    assert header["failed"] == {"entities": 1}
    assert recs[0]["entities"] == {"mentions": []} and recs[0]["frames"]["labels"]
    assert "timeout" in err and "rerun the same command to retry them" in err
    before = server.count
    code, _, err = llm(server, tmp_path, "--tasks", "entities,frames", "--limit", "1", *FAST, out="again.jsonl")
    assert code == 0 and server.count == before + 1, "only the failed request is sent again"


def test_429_waits_and_retries(server, tmp_path):
    server.behave = lambda body, n: Reply(status=429, headers={"retry-after": "0"}) if n <= 2 else None
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0 and server.count == 3 and header["failed"] == {}


def test_429_without_end_fails_and_says_so(server, tmp_path):
    server.behave = lambda body, n: Reply(status=429, headers={"retry-after": "0"})
    code, err, header, recs = _one(server, tmp_path, task="entities,frames")
    assert code == 2, "no answer at all: nothing written"
    assert "429 rate limited; gave up after 3 attempts" in err
    assert not (tmp_path / "p.jsonl").exists()


def test_500_is_retried(server, tmp_path):
    server.behave = lambda body, n: Reply(status=500) if n == 1 else None
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0 and server.count == 2 and header["failed"] == {}


def test_truncated_stream_is_retried(server, tmp_path):
    server.behave = lambda body, n: Reply(cut=True) if n == 1 else None
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0 and server.count == 2 and header["failed"] == {}, err


def test_answer_cut_at_max_tokens_is_empty_at_once(server, tmp_path):
    server.behave = lambda body, n: Reply(content='{"primary": "econ', finish_reason="length")
    code, err, header, recs = _one(server, tmp_path, "--max-tokens", "5")
    assert code == 0 and recs[0]["frames"] == {"labels": []}
    assert server.count == 1, "asking again would give the same cut answer"
    assert "truncated: the answer reached max_tokens (5)" in err


def test_unknown_label_drops_the_item_and_is_reported(server, tmp_path):
    text = newsbench.load("test")[0].text
    first = text.split()[0]
    answer = {"mentions": [{"text": first, "type": "PERSN", "level": "NAM"},
                           {"text": first, "type": "GPE", "level": "NAM"}]}
    server.behave = lambda body, n: Reply(content=json.dumps(answer))
    code, err, header, recs = _one(server, tmp_path, task="entities")
    assert code == 0 and server.count == 1
    assert [(m["text"], m["type"]) for m in recs[0]["entities"]["mentions"]] == [(first, "GPE")]
    assert "$.mentions[0].type: unknown label: 'PERSN' (item dropped)" in err
    assert "1 unknown label" in err


def test_span_not_in_text_is_kept_and_reported(server, tmp_path):
    answer = {"mentions": [{"text": "Atlantis Bureau", "type": "ORG", "level": "NAM"}]}
    server.behave = lambda body, n: Reply(content=json.dumps(answer))
    code, err, header, recs = _one(server, tmp_path, "--report", tmp_path / "r.json", task="entities")
    assert code == 0
    assert recs[0]["entities"]["mentions"] == answer["mentions"]
    assert "not in text: 'Atlantis Bureau'" in err
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"]["issues"] == {"not in text": 1}
    code, out, err = run_cli("evaluate", tmp_path / "p.jsonl", "--json", "--bootstrap", "0", "--lenient")
    assert code == 0, err
    assert [u["text"] for u in json.loads(out)["unanchored"]] == ["Atlantis Bureau"]


def test_refused_response_format_falls_back(server, tmp_path):
    def behave(body, n):
        if body.get("response_format", {}).get("type") == "json_schema":
            return Reply(status=400, body={"error": {"message": "response_format json_schema is not supported"}})
        return None
    server.behave = behave
    code, err, header, recs = _one(server, tmp_path)
    assert code == 0, err
    assert header["response_format"] == "json_object"
    assert server.requests[-1]["response_format"] == {"type": "json_object"}


def test_refused_key_stops_the_run_with_one_line(server, tmp_path):
    server.behave = lambda body, n: Reply(status=401, body={"error": {"message": "bad key"}})
    code, err, _, _ = _one(server, tmp_path)
    assert code == 2
    assert err.strip().splitlines() == ["newsbench llm: the server refused the request: Error code: 401 - bad key"]


def test_without_openai_one_line_exit_2(server, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)
    code, err, _, _ = _one(server, tmp_path)
    assert code == 2 and server.count == 0
    assert err.strip() == "newsbench llm: the openai package is not installed: pip install 'newsbench[llm]'"


def test_no_server_stops_the_run_with_one_line(tmp_path):
    import socket
    with socket.socket() as sock:        # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = run_cli("llm", "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "m", "--tasks", "frames",
                           "--limit", "3", "-o", tmp_path / "p.jsonl", *FAST)
    assert code == 2 and not (tmp_path / "p.jsonl").exists()
    assert len(err.strip().splitlines()) == 1 and "cannot reach the server" in err and "is it running?" in err


@pytest.mark.parametrize("option", [("--limit", "0"), ("--workers", "0"), ("--shots", "-1"), ("--timeout", "0"),
                                    ("--attempts", "0")])
def test_bad_numbers_are_usage_errors(option):
    code, _, err = run_cli("llm", "--model", "m", "--dry-run", *option)
    assert code == 2 and option[0] in err and len(err.strip().splitlines()) == 1


def test_unknown_or_unscored_task_is_a_usage_error():
    code, _, err = run_cli("llm", "--model", "m", "--dry-run", "--tasks", "sentiment")
    assert code == 2 and "unknown task 'sentiment'" in err
    if "coref" not in TASKS:
        code, _, err = run_cli("llm", "--model", "m", "--dry-run", "--tasks", "coref")
        assert code == 2 and "does not score coref yet" in err


# -- the header and the signature ----------------------------------------------------------------------
def test_header_fields_go_into_the_signature_and_stay_comparable(tmp_path):
    art = newsbench.load("test")[0]
    rows = [{"header": {"signature": {"model": "a|b", "prompt": "frames/v1", "decode": "t0"}}},
            {"id": art.id, "frames": {"labels": list(art.frames.labels), "primary": art.frames.primary}}]
    path = tmp_path / "h.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps(rows[1]) + "\n")
    a = newsbench.evaluate(path, bootstrap=0)
    b = newsbench.evaluate(plain, bootstrap=0)
    assert a.signature.get("model") == "a/b" and a.signature.get("prompt") == "frames/v1"
    assert b.signature.get("model") is None and a.signature.comparable(b.signature)
    code, _, err = run_cli("validate", "--kind", "prediction", path)
    assert code == 0, err
    # a header anywhere but line 1 is an ordinary (invalid) line
    path.write_text("".join(json.dumps(r) + "\n" for r in reversed(rows)))
    code, _, err = run_cli("evaluate", path)
    assert code == 1 and ":2:" in err
