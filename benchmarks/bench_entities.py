"""Issue 4's benchmark: `newsbench evaluate` on entities against nervaluate and against orjson parsing.

Workload: N generated articles (default 20,000) of about 600 words with about 50 entity spans
each, in the corpus format, and predictions perturbed from them (most spans exact, some with the
wrong type, a shifted boundary, missing, or spurious). Both go to temporary JSONL files.

Measured in one run:
- orjson: parsing every line of both files (`orjson.loads`, results dropped): the floor for any
  scorer that reads these files;
- newsbench (API): `newsbench.evaluate` on the files, in this process -- all four schemes, per
  type, 1,000-sample bootstrap;
- newsbench (CLI): the command `newsbench evaluate PRED --gold GOLD --tasks entities --per-type
  --json -o REPORT` in a fresh process: the same work plus interpreter start-up, imports and
  rendering and writing the report (wall time of the whole process);
- nervaluate 1.2.1: `Evaluator(...).evaluate()` on the same spans given as lists of dicts
  (its four schemes, overall and per type); the time to build its input is not counted;
- peak memory: the maximum resident set size of the CLI processes.

The three newsbench/orjson measurements take the best of --repeat runs (interleaved); nervaluate
runs once. Every in-process contender runs with the cyclic garbage collector off, as newsbench
runs itself. The two scorers must also agree: the perturbations never let one span overlap two
others, a case where nervaluate's greedy matching is right.

Both newsbench figures are printed with their ratios. The targets -- >= 8x faster than nervaluate,
<= 3x the orjson parse time, peak < 1 GB -- are checked on the API figure, which is measured the
way the two baselines are (in this process, files already written); exit status 1 when one of
those is missed. The CLI lines say how the command itself compares, and are not part of the
exit status.

    python benchmarks/bench_entities.py                  # the full workload (nervaluate takes minutes)
    python benchmarks/bench_entities.py --articles 500   # a quick check
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

TYPES = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE",
         "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
WORDS = ("the", "of", "and", "to", "in", "said", "minister", "government", "on", "for", "with", "talks", "army",
         "official", "week", "country", "president", "report", "city", "people", "new", "after", "by", "was",
         "would", "market", "police", "court", "election", "deal", "border", "trade", "chief", "region", "years")
NAMES = ("Amara", "Okafor", "Lindqvist", "Bank", "Tarsen", "Vellmoor", "Ostrava", "Kessler", "Union", "Harbour",
         "Northfield", "Council", "Mirelle", "Dunmore", "Aldridge", "Corvin", "Institute", "Valley", "Accord")
TARGETS = {"vs_nervaluate": 8.0, "vs_orjson": 3.0, "peak_bytes": 1 << 30}
META = {"title": "Generated", "source": "bench", "url": None, "published": "2025-01-01", "byline": [],
        "language": "en", "genre": "report", "domain": "domestic_politics", "provenance": "original",
        "license": "CC-BY-4.0"}


def generate(n_articles: int, n_spans: int, n_words: int, seed: int):
    """Yield (gold record, prediction record, gold spans, predicted spans); spans are (start, end, type)."""
    rng = random.Random(seed)
    for a in range(n_articles):
        slots = sorted(rng.sample(range(n_words // 4), n_spans))   # spans start 4 words apart at least
        words, spans, w = [], [], 0
        for slot in slots:
            while w < slot * 4:
                words.append(rng.choice(WORDS))
                w += 1
            length = rng.choice((1, 1, 2, 2, 3))
            spans.append((len(words), len(words) + length, rng.choice(TYPES)))
            words += [rng.choice(NAMES) for _ in range(length)]
            w += length
        while w < n_words:
            words.append(rng.choice(WORDS))
            w += 1
        offsets, pos = [], 0
        for word in words:
            offsets.append(pos)
            pos += len(word) + 1
        text = " ".join(words)

        def chars(i: int, j: int) -> tuple[int, int]:
            return offsets[i], offsets[j - 1] + len(words[j - 1])

        gold_spans, pred_spans, taken = [], [], set()
        for i, j, t in spans:
            gold_spans.append((*chars(i, j), t))
            taken.update(range(i - 1, j + 1))
            r = rng.random()
            if r < 0.75:
                pred_spans.append((*chars(i, j), t))
            elif r < 0.82:
                pred_spans.append((*chars(i, j), rng.choice(TYPES)))
            elif r < 0.90:   # boundary: one word more, or one fewer
                pred_spans.append((*chars(i, j + 1), t) if j - i == 1 or rng.random() < 0.5 else (*chars(i, j - 1), t))
            # else: missed
        for _ in range(n_spans // 10):   # spurious, away from every gold span
            i = rng.randrange(n_words - 1)
            if i not in taken and i + 1 not in taken:
                taken.update((i - 1, i, i + 1))
                pred_spans.append((*chars(i, i + 1), rng.choice(TYPES)))
        pred_spans.sort()
        aid = f"bench-{a:06d}"
        mentions = [{"id": f"m{k}", "start": s, "end": e, "text": text[s:e], "type": t, "level": "NAM",
                     "entity": f"e{k}"} for k, (s, e, t) in enumerate(gold_spans)]
        gold = {"id": aid, "text": text, "meta": META,
                "entities": {"mentions": mentions,
                             "clusters": [{"id": m["entity"], "name": m["text"], "type": m["type"], "wikidata": None}
                                          for m in mentions]},
                "quotes": [], "events": [], "frames": {"primary": "political", "labels": ["political"]}}
        pred = {"id": aid, "entities": {"mentions": [{"start": s, "end": e, "text": text[s:e], "type": t}
                                                     for s, e, t in pred_spans]}}
        yield gold, pred, gold_spans, pred_spans


def parse_with_orjson(*paths: Path) -> None:
    """Every line through orjson.loads, the file read as newsbench reads it (same buffer size)."""
    from newsbench.predictions import READ_BUFFER

    for path in paths:
        with open(path, "rb", buffering=READ_BUFFER) as f:
            for line in f:
                orjson.loads(line)


def timed(fn, *args, **kwargs):
    """Wall time of one call, with the cyclic garbage collector off for every contender alike
    (newsbench switches it off itself; the others would otherwise pay for the benchmark's own
    million live objects)."""
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        result = fn(*args, **kwargs)
        return time.perf_counter() - t, result
    finally:
        gc.enable()


_PEAK = """
import re, resource, sys
from newsbench.cli import main
rc = main(sys.argv[1:])
try:    # this process's own high-water mark (ru_maxrss would include the parent's, kept across exec)
    with open("/proc/self/status") as f:
        print(int(re.search(r"VmHWM:\\s+(\\d+) kB", f.read()).group(1)), file=sys.stderr)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(rc)
"""


def run_cli(gold: Path, pred: Path, bootstrap: int, out: Path) -> tuple[float, int]:
    """(wall time in seconds, peak resident set size in bytes) of a fresh `newsbench evaluate` process.

    The process is `python -c <_PEAK> evaluate ...`: the console script's `main`, then a report of
    its own high-water mark; the wall time covers start-up, imports, scoring and writing the report.
    """
    argv = [sys.executable, "-c", _PEAK, "evaluate", str(pred), "--gold", str(gold), "--tasks", "entities",
            "--bootstrap", str(bootstrap), "--per-type", "--json", "-o", str(out)]
    t = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"newsbench evaluate failed:\n{proc.stderr}")
    return elapsed, int(proc.stderr.strip().splitlines()[-1]) * 1024   # both are in KiB


def nervaluate_scores(results) -> dict:
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "ent_type": "type"}
    out = {}
    for theirs, ours in names.items():
        r = results["overall"][theirs]
        out.update({f"{ours}.micro.p": r.precision, f"{ours}.micro.r": r.recall, f"{ours}.micro.f1": r.f1})
        for t, per in results["entities"].items():
            r = per[theirs]
            out.update({f"{ours}.{t}.p": r.precision, f"{ours}.{t}.r": r.recall, f"{ours}.{t}.f1": r.f1})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--spans", type=int, default=50, help="entity spans per article")
    ap.add_argument("--words", type=int, default=600, help="words per article")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5, help="runs of the fast measurements (best is kept)")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args(argv)

    import newsbench
    from nervaluate import Evaluator

    with tempfile.TemporaryDirectory(prefix="nb-bench-") as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        true, pred = [], []
        t = time.perf_counter()
        with open(gold_path, "wb") as g, open(pred_path, "wb") as p:
            for gold_rec, pred_rec, gold_spans, pred_spans in generate(args.articles, args.spans, args.words, args.seed):
                g.write(orjson.dumps(gold_rec) + b"\n")
                p.write(orjson.dumps(pred_rec) + b"\n")
                true.append([{"label": ty, "start": s, "end": e - 1} for s, e, ty in gold_spans])  # inclusive ends
                pred.append([{"label": ty, "start": s, "end": e - 1} for s, e, ty in pred_spans])
        n_gold = sum(map(len, true))
        n_pred = sum(map(len, pred))
        size = (gold_path.stat().st_size + pred_path.stat().st_size) / 1e6
        print(f"workload: {args.articles:,} articles, {n_gold:,} gold and {n_pred:,} predicted entity spans, "
              f"{size:,.0f} MB of JSONL (generated in {time.perf_counter() - t:.1f} s)")

        os.sync()   # no write-back of the fresh files during the timings
        t_parse = t_ours = t_cli = float("inf")
        peak = 0
        for _ in range(args.repeat):   # interleaved, so all three see the same machine
            t_parse = min(t_parse, timed(parse_with_orjson, gold_path, pred_path)[0])
            elapsed, report = timed(newsbench.evaluate, pred_path, gold=gold_path, tasks=["entities"],
                                    bootstrap=args.bootstrap)
            t_ours = min(t_ours, elapsed)
            elapsed, rss = run_cli(gold_path, pred_path, args.bootstrap, Path(tmp) / "report.json")
            t_cli, peak = min(t_cli, elapsed), max(peak, rss)
        print(f"orjson parse of both files         {t_parse:8.3f} s  (best of {args.repeat})")
        print(f"newsbench evaluate (API)           {t_ours:8.3f} s  (best of {args.repeat}; 4 schemes, per type, "
              f"{args.bootstrap} bootstrap resamples)")
        print(f"newsbench evaluate (CLI)           {t_cli:8.3f} s  (best of {args.repeat}; the same, in a fresh "
              f"process, --per-type --json -o)")
        t_nerval, theirs = timed(lambda: Evaluator(true, pred, tags=list(TYPES), loader="dict").evaluate())
        print(f"nervaluate 1.2.1 evaluate()        {t_nerval:8.3f} s  (once)")
        print(f"newsbench evaluate (CLI) peak RSS  {peak / 2 ** 20:6.0f} MiB")

    ours = report.tasks["entities"].scores
    disagree = [k for k, v in nervaluate_scores(theirs).items() if abs(ours[k] - v) > 1e-9]
    print(f"agreement with nervaluate: {'all' if not disagree else 'NOT'} {len(nervaluate_scores(theirs))} numbers"
          + (f" (differ: {', '.join(disagree[:5])})" if disagree else ""))
    vs_nerval, vs_parse = t_nerval / t_ours, t_ours / t_parse
    cli_nerval, cli_parse = t_nerval / t_cli, t_cli / t_parse
    checks = [(f"API: {vs_nerval:.1f}x faster than nervaluate", vs_nerval >= TARGETS["vs_nervaluate"], ">= 8x"),
              (f"API: {vs_parse:.2f}x the orjson parse time", vs_parse <= TARGETS["vs_orjson"], "<= 3x"),
              (f"peak {peak / 2 ** 30:.2f} GiB", peak < TARGETS["peak_bytes"], "< 1 GiB"),
              ("same numbers as nervaluate", not disagree, "all")]
    print()
    for what, ok, target in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {what:44s} target {target}")
    for what, ok, target in ((f"CLI: {cli_nerval:.1f}x faster than nervaluate", cli_nerval >= TARGETS["vs_nervaluate"],
                              ">= 8x"),
                             (f"CLI: {cli_parse:.2f}x the orjson parse time", cli_parse <= TARGETS["vs_orjson"],
                              "<= 3x")):
        print(f"  {'yes ' if ok else 'no  '} {what:44s} target {target} (reported, not checked)")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
