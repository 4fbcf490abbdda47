"""The site's speed target (issue: docs that run, and a corpus browser): the heaviest article page of
the corpus browser loads in under a second from a local server, in Chromium.

A load time is a speed target, so it is measured here, over several loads, not in a test (the
site check in the tests prints it without checking it). The site is built into a temporary folder
with `mkdocs build --strict`, served under its sub-path as `scripts/check_site.py` serves it, and
each load opens a new tab (the browser cache is shared, as a reader clicking through has it;
the first load, cold, comes first and is reported on its own). The docs' home page, loaded the
same way, is the peer: a page with no annotations, to tell a slow machine from a heavy page.

The table shows the median over `--repeat` warm loads and, as the noise, their spread relative
to the median; the exit status is 1 when the median misses the budget by more than that noise,
3 when no Chromium is found.

    python benchmarks/bench_site.py                 # 5 loads
    python benchmarks/bench_site.py --repeat 9 --markdown benchmarks/results/site.md
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from check_site import (BUDGET_BYTES, BUDGET_SECONDS, NO_CHROMIUM, find_chromium, heaviest_article,  # noqa: E402
                        load_page, serve)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="warm loads of each page (default 5)")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    exe = find_chromium()
    if not exe:
        print("bench_site: no Chromium found (Debian: apt-get install chromium; or set $CHROMIUM)", file=sys.stderr)
        return NO_CHROMIUM
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=REPO,
                       check=True, capture_output=True)
        name = heaviest_article(site)
        server, base = serve(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
                try:
                    cold, weight, requests, _ = load_page(browser, f"{base}/browse/{name}")
                    loads = {"heaviest article page": [], "home page (peer)": []}
                    for _ in range(args.repeat):      # interleaved, so both see the same machine
                        loads["heaviest article page"].append(load_page(browser, f"{base}/browse/{name}")[0])
                        loads["home page (peer)"].append(load_page(browser, f"{base}/index.html")[0])
                finally:
                    browser.close()
        finally:
            server.shutdown()
    page = loads["heaviest article page"]
    median = statistics.median(page)
    noise = (max(page) - min(page)) / median if len(page) > 1 and median else 0.0
    miss = (median - BUDGET_SECONDS) / BUDGET_SECONDS
    verdict = "ok" if median < BUDGET_SECONDS else ("within noise" if miss <= noise else "MISSED")
    rows = [f"| {name} load (median of {args.repeat} warm loads) | {median:.3f} s | < {BUDGET_SECONDS:.1f} s | "
            f"{noise:.0%} | {verdict} |",
            f"| {name} first (cold) load | {cold:.3f} s | < {BUDGET_SECONDS:.1f} s | | "
            f"{'ok' if cold < BUDGET_SECONDS else 'over'} |",
            f"| {name} weight | {weight / 1000:.0f} kB in {requests} requests | < {BUDGET_BYTES // 1000} kB | | "
            f"{'ok' if weight < BUDGET_BYTES else 'MISSED'} |",
            f"| home page (peer) load, median | {statistics.median(loads['home page (peer)']):.3f} s | | | |"]
    table = "\n".join(["| figure | value | target | noise | result |", "|---|---:|---:|---:|---|", *rows])
    print(table)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(f"Chromium, local server, `python benchmarks/bench_site.py "
                                 f"--repeat {args.repeat}`\n\n{table}\n", encoding="utf-8")
    return 1 if verdict == "MISSED" or weight >= BUDGET_BYTES else 0


if __name__ == "__main__":
    sys.exit(main())
