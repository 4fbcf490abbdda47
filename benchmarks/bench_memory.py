"""The reliability issue's memory benchmark: `validate` and `evaluate --errors` in bounded memory.

Workload: N corpus-size articles (default 20,000), made by repeating the released corpus's
articles under new ids (every layer, real sizes: about 30 kB a line), and the `rules` baseline's
predictions for all four layers on them. Each command runs as a fresh process; its peak resident
set size comes from the kernel (`getrusage(RUSAGE_CHILDREN)` after each run, one child at a time).

    python benchmarks/bench_memory.py                    # 20,000 articles (validate takes minutes)
    python benchmarks/bench_memory.py --articles 2000    # a quick check

Prints a table of each figure with its target (peak < 1 GiB) and exits 1 when one is missed. The
speed targets belong to the performance issue's benchmark; times are printed for information.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_BYTES = 1 << 30


def write_workload(folder: Path, n: int) -> tuple[Path, Path]:
    import newsbench
    from newsbench.baselines import get_baseline

    articles = newsbench.load_all()
    system = get_baseline("rules")(train=newsbench.load("train"), validation=newsbench.load("validation"),
                                   model=None, seed=13)
    preds = {p["id"]: p for p in newsbench.run_system(system, articles=articles)}
    gold, pred = folder / "gold.jsonl", folder / "pred.jsonl"
    with open(gold, "w", encoding="utf-8") as g, open(pred, "w", encoding="utf-8") as p:
        for k in range(n):
            a = articles[k % len(articles)]
            rec = a.to_dict()
            rec["id"] = f"bench-{k:06d}"
            g.write(json.dumps(rec, ensure_ascii=False) + "\n")
            pr = dict(preds[a.id])
            pr["id"] = rec["id"]
            p.write(json.dumps(pr, ensure_ascii=False) + "\n")
    return gold, pred


def peak_of(argv: list[str]) -> tuple[int, float, int]:
    """(exit code, seconds, peak RSS in bytes) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if peak <= before * 1024:   # ru_maxrss is a running maximum over all children: say when it cannot tell
        print(f"note: {argv[2]}'s peak is not above an earlier child's ({before * 1024} bytes)", file=sys.stderr)
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    return done.returncode, seconds, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        gold, pred = write_workload(folder, args.articles)
        size = gold.stat().st_size
        nb = [sys.executable, "-m", "newsbench"]
        runs = [("validate (gold file)", nb + ["validate", str(gold)]),
                ("evaluate --errors (all layers)", nb + ["evaluate", str(pred), "--gold", str(gold), "--bootstrap",
                                                         "100", "-o", str(folder / "r.json"), "--errors",
                                                         str(folder / "errors.jsonl")])]
        rows, failed = [], False
        for name, argv in runs:
            code, seconds, peak = peak_of(argv)
            ok = code == 0 and peak < TARGET_BYTES
            failed |= not ok
            rows.append((name, seconds, peak, ok, code))
    print(f"workload: {args.articles} articles, gold file {size / 2**20:.0f} MiB")
    print(f"{'command':34} {'seconds':>8} {'peak MiB':>9} {'target':>9}  result")
    for name, seconds, peak, ok, code in rows:
        verdict = "ok" if ok else (f"exit {code}" if code else "MISSED")
        print(f"{name:34} {seconds:8.1f} {peak / 2**20:9.0f} {'< 1024':>9}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
