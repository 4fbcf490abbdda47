#!/usr/bin/env python3
"""Look at the built docs site as a reader does: headless Chromium, screenshots, and a real search.

Serves the site on 127.0.0.1, drives Debian's Chromium over the DevTools protocol (a pipe, no extra
packages), takes screenshots of the home page, a guidelines page, the seed page and a search result,
and fails (exit 1) if the search returns nothing or a page shows a build artefact.

    python scripts/check_site.py --build --out screenshots/
"""
from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]


class Browser:
    """The smallest DevTools-protocol client: JSON messages separated by NUL on fds 3 (in) and 4 (out)."""

    def __init__(self, profile: str):
        exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
        if not exe:
            sys.exit("check_site: no chromium on PATH (Debian: apt-get install chromium)")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():  # in the child: the protocol's fixed descriptors 3 (commands in) and 4 (replies out)
            r, w = os.dup(to_child_r), os.dup(from_child_w)  # above 4, so the dup2s below cannot clobber
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen([exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     close_fds=False, preexec_fn=wire,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=1280, height=1000,
                  deviceScaleFactor=1, mobile=False)

    def call(self, method: str, session: bool = False, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                chunk = os.read(self.from_child, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)["result"].get("value")

    def open(self, url: str, ready: str = "document.readyState === 'complete'", timeout: float = 20.0) -> bool:
        self.call("Page.navigate", session=True, url=url)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(f"Boolean({ready})"):
                return True
            time.sleep(0.25)
        return False

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


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
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    failures = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:  # chromium helpers may linger
        browser = Browser(profile)
        try:
            for name, path in {"home": "index.html", "guidelines": "guidelines/quotes.html", "seed": "seed.html",
                               "dataset-card": "dataset-card.html"}.items():
                if not browser.open(f"{base}/{path}"):
                    failures.append(f"{path} did not finish loading")
                leftovers = browser.evaluate("document.body.innerText.match(/corpus-examples:|generated:|\\{\\{/g)")
                if leftovers:
                    failures.append(f"{path} shows unrendered directives: {leftovers[:3]}")
                browser.screenshot(args.out / f"{name}.png")
                print(f"screenshot: {args.out / f'{name}.png'}")
            items = "document.querySelectorAll('.md-search-result__item').length"
            browser.open(f"{base}/index.html?q={args.query}", ready=f"{items} > 0", timeout=30)
            hits = browser.evaluate(items) or 0
            meta = browser.evaluate("(document.querySelector('.md-search-result__meta')||{}).innerText")
            browser.screenshot(args.out / "search.png")
            print(f"screenshot: {args.out / 'search.png'}")
            print(f"search {args.query!r}: {hits} result(s) shown; {meta!r}")
            if not hits:
                failures.append(f"search for {args.query!r} returned nothing")
        finally:
            browser.close()
            server.shutdown()
    for f in failures:
        print(f"check_site: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
