#!/usr/bin/env python3
"""Look at the built docs site as a reader does: headless Chromium, screenshots, and a real search.

Serves the site on 127.0.0.1, takes screenshots of the home page, a guidelines page and a search
result page, and fails (exit 1) if the search for a word every page has returns no results.

    python scripts/check_site.py --build --out screenshots/
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=8000"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("check_site: no chromium on PATH (Debian: apt-get install chromium)")


def run_browser(args: list[str], profile: str) -> str:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return done.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, default=REPO / ".site", help="built site folder")
    ap.add_argument("--build", action="store_true", help="run `mkdocs build --strict` into --site first")
    ap.add_argument("--out", type=Path, default=REPO / "screenshots")
    ap.add_argument("--query", default="speaker", help="a word the search must find")
    args = ap.parse_args()
    if args.build:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(args.site)],
                       cwd=REPO, check=True)
    if not (args.site / "index.html").exists():
        sys.exit(f"check_site: {args.site}/index.html missing: build the site first (--build)")
    args.out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    pages = {"home": "index.html", "guidelines": "guidelines/quotes.html", "seed": "seed.html",
             "search": f"index.html?q={args.query}"}
    failures = []
    with tempfile.TemporaryDirectory() as profile:
        for name, path in pages.items():
            shot = args.out / f"{name}.png"
            run_browser(["--window-size=1280,1000", f"--screenshot={shot}", f"{base}/{path}"], profile)
            if not shot.exists():
                failures.append(f"no screenshot for {path}")
            else:
                print(f"screenshot: {shot}")
        dom = run_browser(["--dump-dom", f"{base}/{pages['search']}"], profile)
    server.shutdown()
    hits = len(re.findall(r'class="md-search-result__item', dom))
    meta = re.search(r'class="md-search-result__meta"[^>]*>([^<]*)<', dom)
    print(f"search {args.query!r}: {hits} result(s); {meta.group(1).strip() if meta else 'no result count shown'}")
    if hits == 0:
        failures.append(f"search for {args.query!r} returned nothing")
    for f in failures:
        print(f"check_site: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
