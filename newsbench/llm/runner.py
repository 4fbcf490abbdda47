"""Run a model over a split: plan the requests, send them (or only print them), write predictions.

One request per article per task, or one per article for all tasks (`joint`). Each request goes:
cache or server -> a reply cut off at max_tokens fails at once (asking again gives the same) ->
parse -> shape check -> on a bad reply, ask again with the reason (at most `attempts` replies) ->
the answer's layer, or an empty layer with the reason. Every outcome is counted in the report; the
predictions file's header says what produced it (prompt ids and hashes, model, decoding, shots,
response format, failures) and carries the fields `newsbench evaluate` puts in the signature.
"""
from __future__ import annotations

import json
import math
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from .. import __version__
from .answers import Issue, empty_layer, gold_answer, parse_answer, shape_problem, to_layer, to_record
from .cache import Cache, request_key
from .client import Completion, FatalError, Failure, FormatRejected, Retrying, complete, make_client
from .prompts import Prompt, joint_schema, load_prompt, pick_shots, shape_schema, system_text

#: response_format modes, most structured first; `auto` starts at json_schema and steps down when refused.
FORMATS = ("json_schema", "json_object", "none")


@dataclass(frozen=True)
class Decoding:
    """The decoding settings sent with every request (all go into the header and the signature)."""

    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 4096
    seed: Optional[int] = None

    def params(self) -> dict:
        out = {"temperature": self.temperature, "top_p": self.top_p, "max_tokens": self.max_tokens}
        if self.seed is not None:
            out["seed"] = self.seed
        return out

    def summary(self) -> str:
        s = f"t{self.temperature:g},p{self.top_p:g},max{self.max_tokens}"
        return s + (f",seed{self.seed}" if self.seed is not None else "")


@dataclass
class Job:
    """One request to make: an article and the task(s) it answers."""

    article: dict
    prompts: list

    @property
    def tasks(self) -> list[str]:
        return [p.task for p in self.prompts]


@dataclass
class Outcome:
    article: str
    tasks: list
    layers: dict = field(default_factory=dict)       # task -> layer value (empty on failure)
    failure: Optional[str] = None
    transient: bool = False
    issues: list = field(default_factory=list)
    sent: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class RunReport:
    """What a run did: predictions, header, and every failure and issue (one line each)."""

    records: list
    header: dict
    outcomes: list
    dry_run: bool = False

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failure]

    def counts(self) -> dict:
        o = self.outcomes
        issues: dict = {}
        for x in o:
            for i in x.issues:
                issues[i.kind] = issues.get(i.kind, 0) + 1
        return {"requests": len(o), "sent": sum(x.sent for x in o), "cached": sum(x.cached for x in o),
                "failed": len(self.failures), "failed_transient": sum(1 for x in self.failures if x.transient),
                "issues": issues, "prompt_tokens": sum(x.prompt_tokens for x in o),
                "completion_tokens": sum(x.completion_tokens for x in o)}

    def lines(self) -> list[str]:
        """One line per failure and per issue, then the totals."""
        out = [f"{o.article} {'+'.join(o.tasks)}: {o.failure}; predicted empty" for o in self.failures]
        out += [f"{o.article} {'+'.join(o.tasks)}: {i}" for o in self.outcomes for i in o.issues]
        return out

    def summary(self) -> str:
        c = self.counts()
        issues = ", ".join(f"{n} {k}" for k, n in sorted(c["issues"].items())) or "none"
        text = (f"{c['requests']} request(s): {c['sent']} sent, {c['cached']} from the cache; "
                f"{c['failed']} predicted empty after failing; issues: {issues}; "
                f"tokens: {c['prompt_tokens']:,} in, {c['completion_tokens']:,} out")
        if c["failed_transient"]:
            text += (f"; {c['failed_transient']} failed on the network or the server (not cached): "
                     f"rerun the same command to retry them")
        return text

    def to_dict(self) -> dict:
        return {"header": self.header, "counts": self.counts(),
                "failures": [{"id": o.article, "tasks": o.tasks, "reason": o.failure, "transient": o.transient}
                             for o in self.failures],
                "issues": [{"id": o.article, "tasks": o.tasks, **asdict(i)} for o in self.outcomes for i in o.issues]}


def estimate_tokens(text: str) -> int:
    """A rough count without a tokenizer: about four characters a token for English."""
    return math.ceil(len(text) / 4)


class Runner:
    def __init__(self, model: str, prompts: list[Prompt], shots: list[dict], decoding: Decoding, cache: Cache,
                 client=None, retrying: Retrying = Retrying(), attempts: int = 3, response_format: str = "auto",
                 joint: bool = False):
        self.model, self.prompts, self.shots, self.decoding = model, prompts, shots, decoding
        self.cache, self.client, self.retrying, self.attempts, self.joint = cache, client, retrying, attempts, joint
        self.auto = response_format == "auto"
        self.format = "json_schema" if self.auto else response_format
        self._lock = threading.Lock()
        self.answered = 0        # answers received in this run: an unreachable server before any is fatal

    # -- requests ---------------------------------------------------------------------------------
    def jobs(self, articles: list[dict]) -> list[Job]:
        if self.joint:
            return [Job(a, list(self.prompts)) for a in articles]
        return [Job(a, [p]) for a in articles for p in self.prompts]

    def schema(self, prompts: list[Prompt]) -> dict:
        return prompts[0].schema if len(prompts) == 1 else joint_schema(prompts)

    def messages(self, job: Job) -> list[dict]:
        prompts = job.prompts
        schema = json.dumps(self.schema(prompts), ensure_ascii=False)
        system = (system_text(prompts) + "\n\nAnswer with one JSON object, and nothing else, that follows this "
                                         f"JSON Schema:\n{schema}")
        msgs = [{"role": "system", "content": system}]
        for shot in self.shots:
            answer = {p.task: gold_answer(p.task, shot) for p in prompts} if len(prompts) > 1 else \
                gold_answer(prompts[0].task, shot)
            msgs += [{"role": "user", "content": prompts[0].user_text(shot["text"])},
                     {"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)}]
        msgs.append({"role": "user", "content": prompts[0].user_text(job.article["text"])})
        return msgs

    def body(self, job: Job, messages: list[dict], fmt: str) -> dict:
        body = {"model": self.model, "messages": messages, **self.decoding.params()}
        if fmt == "json_schema":
            name = "newsbench_" + "_".join(f"{p.task}_{p.version}" for p in job.prompts)
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": name, "schema": self.schema(job.prompts),
                                                       "strict": True}}
        elif fmt == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    # -- one job ----------------------------------------------------------------------------------
    def run_job(self, job: Job) -> Outcome:
        out = Outcome(job.article["id"], job.tasks)
        messages = self.messages(job)
        shape = shape_schema(self.schema(job.prompts))
        reason = None
        for _ in range(self.attempts):
            completion = self._complete(job, messages, out)
            if completion is None:
                break
            if completion.finish_reason == "length":
                reason = f"truncated: the answer reached max_tokens ({self.decoding.max_tokens}) and is cut off"
                break
            answer, reason = parse_answer(completion.content)
            if answer is not None:
                reason = shape_problem(answer, shape)
            if reason is None:
                self._convert(job, answer, out)
                return out
            messages = messages + [{"role": "assistant", "content": completion.content or ""},
                                   {"role": "user", "content": f"That answer is not usable: {reason}. Answer again "
                                                               f"with only a JSON object that follows the schema."}]
        else:
            reason = f"{reason} (after {self.attempts} replies)"
        out.failure = out.failure or reason
        out.layers = {t: empty_layer(t) for t in job.tasks}
        return out

    def _complete(self, job: Job, messages: list[dict], out: Outcome) -> Optional[Completion]:
        while True:
            fmt = self.format
            body = self.body(job, messages, fmt)
            key = request_key(body)
            hit = self.cache.get(key)
            if hit is not None:
                out.cached += 1
                c = Completion.from_dict(hit)
                out.prompt_tokens += c.prompt_tokens
                out.completion_tokens += c.completion_tokens
                return c
            try:
                c = complete(self.client, body, self.retrying)
            except FormatRejected as err:
                if not self._step_down(fmt, err):
                    out.failure = f"the server refused response_format {fmt}: {err}"
                    return None
                continue
            except Failure as err:
                if err.unreachable and not self.answered:
                    raise FatalError(f"cannot reach the server at {self.client.base_url} ({err.reason}): "
                                     f"is it running?") from None
                out.failure, out.transient = err.reason, err.transient
                return None
            self.answered += 1
            out.sent += 1
            out.prompt_tokens += c.prompt_tokens
            out.completion_tokens += c.completion_tokens
            self.cache.put(key, c.to_dict(), {"model": self.model, "article": job.article["id"],
                                              "prompts": [p.id for p in job.prompts]})
            return c

    def _step_down(self, fmt: str, err) -> bool:
        """Under `auto`, use the next plainer response format for the rest of the run."""
        with self._lock:
            if self.format != fmt:       # another worker stepped down already
                return True
            if not self.auto or fmt == FORMATS[-1]:
                return False
            self.format = FORMATS[FORMATS.index(fmt) + 1]
            print(f"newsbench llm: the server refused response_format {fmt} ({err}); using {self.format}",
                  file=sys.stderr)
            return True

    def _convert(self, job: Job, answer: dict, out: Outcome) -> None:
        text = job.article["text"]
        for p in job.prompts:
            part = answer[p.task] if len(job.prompts) > 1 else answer
            layer, issues = to_layer(p.task, part, text)
            out.layers[p.task] = layer
            out.issues += [Issue(i.kind, f"{p.task}: {i.path}" if len(job.prompts) > 1 else i.path, i.detail)
                           for i in issues]


def run_llm(model: str, tasks: Sequence[str], articles: list[dict], base_url: Optional[str] = None,
            api_key: Optional[str] = None, train: Sequence[dict] = (), shots: int = 0,
            prompt_versions: Optional[dict] = None, joint: bool = False, decoding: Decoding = Decoding(),
            workers: int = 4, cache_dir: Optional[Path] = None, timeout: float = 120.0,
            retrying: Retrying = Retrying(), attempts: int = 3, response_format: str = "auto",
            progress: bool = False, dry_run: bool = False, dry_run_out=None, about: Optional[dict] = None
            ) -> RunReport:
    """Predictions of `model` for `articles` (dicts in the corpus shape), one record per article.

    `train` supplies the k-shot examples (`shots` of them, the shortest); pass only train-split
    articles. `about` adds fields to the header (corpus version, split). With `dry_run`, nothing is
    sent: each request is written to `dry_run_out` (default stdout) as one JSON line with its token
    estimate, and the report has no records.
    """
    if response_format not in ("auto",) + FORMATS:
        raise ValueError(f"response_format must be auto or one of {', '.join(FORMATS)}")
    if attempts < 1 or workers < 1:
        raise ValueError("attempts and workers must be at least 1")
    prompts = [load_prompt(t, (prompt_versions or {}).get(t)) for t in tasks]
    shot_articles = pick_shots(shots, list(train))
    if len(shot_articles) < shots:
        raise ValueError(f"{shots} shots asked for, but only {len(shot_articles)} train article(s) given")
    runner = Runner(model, prompts, shot_articles, decoding, Cache(cache_dir), None, retrying, attempts,
                    response_format, joint)
    jobs = runner.jobs(articles)
    header = _header(model, prompts, shot_articles, decoding, joint, about)
    if dry_run:
        return _dry_run(runner, jobs, header, dry_run_out or sys.stdout)
    runner.client = make_client(base_url, api_key, timeout)
    outcomes = _run_all(runner, jobs, workers, progress)
    header["response_format"] = runner.format
    records, merge_issues = _records(articles, outcomes)
    for o, issue in merge_issues:
        o.issues.append(issue)
    failed: dict = {}
    for o in outcomes:
        if o.failure:
            for t in o.tasks:
                failed[t] = failed.get(t, 0) + 1
    header["failed"] = failed
    return RunReport(records, header, outcomes)


def _run_all(runner: Runner, jobs: list[Job], workers: int, progress: bool) -> list[Outcome]:
    from tqdm import tqdm

    outcomes: list = [None] * len(jobs)
    totals = {"in": 0, "out": 0, "cached": 0, "failed": 0}
    with tqdm(total=len(jobs), unit="req", desc="newsbench llm", disable=not progress, file=sys.stderr) as bar, \
            ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(runner.run_job, job): k for k, job in enumerate(jobs)}
        try:
            from concurrent.futures import as_completed
            for fut in as_completed(futures):
                o = fut.result()
                outcomes[futures[fut]] = o
                totals["in"] += o.prompt_tokens
                totals["out"] += o.completion_tokens
                totals["cached"] += o.cached
                totals["failed"] += bool(o.failure)
                bar.set_postfix(tok_in=totals["in"], tok_out=totals["out"], cached=totals["cached"],
                                failed=totals["failed"], refresh=False)
                bar.update()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return outcomes


def _records(articles: list[dict], outcomes: list[Outcome]) -> tuple[list[dict], list]:
    by_article: dict = {}
    for o in outcomes:
        by_article.setdefault(o.article, []).append(o)
    records, issues = [], []
    for a in articles:
        layers: dict = {}
        for o in by_article.get(a["id"], []):
            layers.update(o.layers)
        rec, found = to_record(a["id"], layers)
        records.append(rec)
        owner = next((o for o in by_article.get(a["id"], []) if "coref" in o.tasks), None)
        issues += [(owner, i) for i in found if owner is not None]
    return records, issues


def _header(model: str, prompts: list[Prompt], shots: list[dict], decoding: Decoding, joint: bool,
            about: Optional[dict]) -> dict:
    prompt_sig = ",".join(p.id for p in prompts) + (f"+k{len(shots)}" if shots else "") + ("+joint" if joint else "")
    return {"producer": "newsbench llm", "newsbench": __version__, "model": model, **(about or {}),
            "tasks": [p.task for p in prompts], "joint": joint,
            "prompts": {p.task: {"id": p.id, "sha256": p.digest} for p in prompts},
            "shots": {"k": len(shots), "ids": [a["id"] for a in shots], "from": "train"},
            "decoding": asdict(decoding),
            "signature": {"model": model, "prompt": prompt_sig, "decode": decoding.summary()}}


def _dry_run(runner: Runner, jobs: list[Job], header: dict, out) -> RunReport:
    total = 0
    for job in jobs:
        body = runner.body(job, runner.messages(job), runner.format)
        est = sum(estimate_tokens(m["content"]) for m in body["messages"])
        total += est
        out.write(json.dumps({"id": job.article["id"], "tasks": job.tasks, "prompt_tokens_estimate": est,
                              "max_completion_tokens": runner.decoding.max_tokens, "request": body},
                             ensure_ascii=False) + "\n")
    header["dry_run"] = {"requests": len(jobs), "prompt_tokens_estimate": total,
                         "max_completion_tokens": runner.decoding.max_tokens * len(jobs)}
    return RunReport([], header, [], dry_run=True)


def predictions_text(report: RunReport) -> str:
    """The predictions file: the header line, then one prediction per article."""
    lines = [json.dumps({"header": report.header}, ensure_ascii=False)]
    lines += [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in report.records]
    return "\n".join(lines) + "\n"


def write_predictions(report: RunReport, path) -> None:
    """The predictions file, written atomically."""
    from ..outputs import write_text

    write_text(path, predictions_text(report))


__all__ = ["Decoding", "RunReport", "run_llm", "predictions_text", "write_predictions", "FatalError",
           "estimate_tokens"]

