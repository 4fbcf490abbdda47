#!/usr/bin/env python3
"""Look at the built docs site as a reader does, in Chromium driven by Playwright, and fail on what a reader would hit.

Serves the built site on 127.0.0.1 under a sub-path (as a project site is served), drives the
system's Chromium (Debian's `chromium`; Playwright's own browser downloads are not used) and checks:

- the main pages render, with no directive left unrendered, and the search finds a word;
- the corpus browser: the index lists every article page, filters (split, free text) and sorts;
  on the longest article a layer switch hides its layer, and a speaker link lands on its mention;
- a label anchor (`guidelines/events.html#life-be-born`) exists and is scrolled to;
- at 390 px width no page scrolls sideways (wide tables scroll in their own box);
- the heaviest article page (the longest articles are the most annotated) loads in under a second
  and weighs under 500 kB (every byte fetched before the reader does anything); with
  `--no-timing` (the tests) the load time is printed, not checked: `benchmarks/bench_site.py`
  measures it over several loads;
- a missing page gets the 404 page, styled, under the sub-path.

Screenshots of each step go to --out. Exit 0 when all checks pass, 1 when one fails, 2 when the
site is missing, 3 when no Chromium is found.

    python scripts/check_site.py --build --out screenshots/
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/newsbench/"
BUDGET_BYTES = 500_000
BUDGET_SECONDS = 1.0
NO_CHROMIUM = 3
# Elements that stick out past the window's right edge without a scrolling box around them (so they are clipped).
CLIPPED = """(() => {
  const art = document.querySelector('article'); const right = document.documentElement.clientWidth + 1; const bad = [];
  for (const el of art.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= right) continue;
    let p = el, boxed = false;
    for (; p && p !== art; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') { boxed = true; break; } }
    if (!boxed) bad.push(el.tagName.toLowerCase() + ': ' + (el.textContent || '').trim().slice(0, 40));
  }
  return bad.slice(0, 3); })()"""


def find_chromium() -> Optional[str]:
    """The browser binary: $CHROMIUM, else Debian's chromium (or another Chrome) on PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    return next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if shutil.which(n)), None)


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only, and the site's 404.html (status 404) for anything missing."""

    def log_message(self, *args) -> None:
        pass

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX):
            return os.path.join(self.directory, "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(PREFIX):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{PREFIX.rstrip('/')}"


def load_page(browser, url: str) -> tuple[float, int, int, str]:
    """(seconds until the load event, bytes fetched, requests, the largest ones) of one page, in a new tab."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    sizes: dict[str, int] = {}

    def done(req):
        resp = req.response()
        if resp is not None:
            try:
                sizes[req.url] = len(resp.body())
            except Exception:
                pass
    page.on("requestfinished", done)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        elapsed = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    finally:
        page.close()
    heavy = ", ".join(f"{u.rsplit('/', 1)[-1]} {n // 1000} kB" for u, n in sorted(sizes.items(), key=lambda x: -x[1])[:4])
    return elapsed, sum(sizes.values()), len(sizes), heavy


def heaviest_article(site: Path) -> str:
    """The browser page of the longest article (the longest articles are the most annotated)."""
    return max((site / "browse").glob("nb-*.html"), key=lambda p: p.stat().st_size).name


class Checker:
    def __init__(self, browser, base: str, site: Path, out: Path, timed: bool = True):
        self.browser, self.base, self.site, self.out, self.timed = browser, base, site, out, timed
        self.failures: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 1000})

    def check(self, ok: bool, what: str) -> bool:
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)
        return ok

    def shot(self, name: str, page=None) -> None:
        path = self.out / f"{name}.png"
        (page or self.page).screenshot(path=str(path))
        print(f"     screenshot: {path}")

    def open(self, path: str, page=None):
        page = page or self.page
        return page.goto(f"{self.base}/{path}", wait_until="load")

    # --- the checks ---

    def main_pages(self) -> None:
        for name, path in {"home": "index.html", "guidelines": "guidelines/quotes.html", "seed": "seed.html",
                           "dataset-card": "dataset-card.html", "api": "api.html", "scoring": "scoring.html"}.items():
            resp = self.open(path)
            self.check(resp is not None and resp.ok, f"{path} loads")
            # a template placeholder is `{{ name }}`; BibTeX's `{{Title}}` on the card is not one
            left = self.page.evaluate(
                "document.body.innerText.match(/corpus-examples:|generated:|\\{\\{\\s*[a-z_]+\\s*\\}\\}|^:::/gm)")
            self.check(not left, f"{path} shows no unrendered directive {left or ''}")
            self.shot(name)
        self.open("scoring.html")
        in_list = self.page.evaluate("""[...document.querySelectorAll('article li pre')].some(p => p.innerText.includes('"task"'))
            && [...document.querySelectorAll('article li')].some(li => li.innerText.startsWith('-o FILE'))
            && ![...document.querySelectorAll('article p > code')].some(c => c.innerText.startsWith('json'))""")
        self.check(bool(in_list), "scoring.html: the JSON block inside a list is a code block, and the next bullet survives")
        self.open("api.html")
        text = self.page.inner_text("article")
        self.check("<factory>" not in text and "_index" not in text and "newsbench.evaluate" in text,
                   "api.html: generated signatures, no <factory>, no private _index")

    def search(self, word: str = "speaker") -> None:
        self.open("index.html")   # the index is fetched when the search is first used: type as a reader does
        self.page.click("input[data-md-component=search-query]")
        self.page.fill("input[data-md-component=search-query]", word)
        items = self.page.locator(".md-search-result__item")
        try:
            items.first.wait_for(timeout=15000)
        except Exception:
            pass
        self.check(items.count() > 0, f"search for {word!r} finds something ({items.count()} results)")
        self.shot("search")

    def index(self) -> None:
        pages = sorted(p.stem for p in (self.site / "browse").glob("nb-*.html"))
        self.open("browse/index.html")
        rows = self.page.locator(".nb-index tbody tr")
        self.check(len(pages) > 0 and rows.count() == len(pages),
                   f"browser index lists every article page ({rows.count()} rows, {len(pages)} pages)")
        visible = ".nb-index tbody tr:not([hidden])"
        want = self.page.locator('.nb-index tbody tr[data-split="validation"]').count()
        self.page.select_option('select[data-filter="split"]', "validation")
        self.check(0 < self.page.locator(visible).count() == want,
                   f"filter split=validation shows {self.page.locator(visible).count()} rows (expected {want})")
        self.check(f"{want} of {len(pages)}" in self.page.inner_text(".nb-index output.shown"), "the filter says how many rows it shows")
        self.shot("index-filtered")
        self.page.select_option('select[data-filter="split"]', "")
        self.page.fill('input[data-filter="q"]', pages[1])
        self.check(self.page.locator(visible).count() == 1, f"searching the index for {pages[1]} leaves one row")
        self.page.fill('input[data-filter="q"]', "")
        self.page.click('th[data-key="words"] button')
        self.page.click('th[data-key="words"] button')   # second click: descending
        words = [int(x) for x in self.page.eval_on_selector_all(
            visible + ' td:nth-child(5)', "tds => tds.slice(0, 5).map(td => td.dataset.v)")]
        self.check(words == sorted(words, reverse=True) and len(words) == 5, f"sorting by words, descending: {words}")
        self.page.click(f'{visible} >> nth=0 >> a')
        self.page.wait_for_load_state("load")
        self.check(self.page.url.split("/")[-1].startswith("nb-"), f"a row links to its article ({self.page.url})")

    def article(self) -> None:
        name = heaviest_article(self.site)
        self.open(f"browse/{name}")
        self.page.evaluate("localStorage.clear()")
        self.open(f"browse/{name}")
        root = self.page.locator(".nb-browser")
        note = self.page.locator("li.n-q").first
        self.check(note.is_visible(), f"{name}: quotes are listed beside the text")
        labels = self.page.evaluate("""Math.max(0, ...[...document.querySelectorAll('.nb-browser .text span')]
            .map(s => s.querySelectorAll(':scope > sup.t').length))""")
        self.check(labels <= 1, f"{name}: no span carries more than one label ({labels})")
        self.shot("article")
        self.page.uncheck('.switches input[data-layer="quotes"]')
        self.check("off-quotes" in (root.get_attribute("class") or "") and not note.is_visible(),
                   f"{name}: switching the quotes layer off hides it")
        self.shot("article-quotes-off")
        self.page.check('.switches input[data-layer="quotes"]')
        self.check(note.is_visible(), f"{name}: switching it on shows it again")
        link = self.page.locator("a.spk-link").first
        target = link.get_attribute("href")
        link.click()
        self.page.wait_for_function(f"location.hash === {target!r}")
        inside = self.page.evaluate(f"""(() => {{ const el = document.getElementById({target[1:]!r});
            if (!el) return false; const r = el.getBoundingClientRect();
            return el.matches(':target') && r.bottom > 0 && r.top < innerHeight; }})()""")
        self.check(bool(inside), f"{name}: the speaker link {target} lands on its mention, in view")
        self.shot("article-speaker")

    def label_anchor(self) -> None:
        self.open("guidelines/events.html#life-be-born")
        ok = self.page.evaluate("""(() => { const el = document.getElementById('life-be-born');
            if (!el) return false; const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; })()""")
        self.check(bool(ok), "guidelines/events.html#life-be-born exists and is scrolled to")
        self.open("guidelines/index.html")
        links = self.page.eval_on_selector_all("article a[href*='events.html#']", "as => as.map(a => a.getAttribute('href'))")
        self.check(any(h.endswith("#contact-meet") for h in links), "a label in running text links to its definition")
        self.open("guidelines/quotes.html")
        example = self.page.locator(".nb-source a").first
        href = example.get_attribute("href") or ""
        self.check(href.startswith("../browse/nb-"), f"a guideline example links to its article ({href})")

    def mobile(self) -> None:
        page = self.browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
        for name, path in {"mobile-scoring": "scoring.html", "mobile-schema": "schema.html",
                           "mobile-article": f"browse/{heaviest_article(self.site)}", "mobile-index": "browse/index.html"}.items():
            self.open(path, page)
            width = page.evaluate("document.documentElement.scrollWidth")
            self.check(width <= 390, f"390 px: {path} does not scroll sideways (content {width} px)")
            cut = page.evaluate(CLIPPED)
            self.check(not cut, f"390 px: nothing on {path} sticks out of the page outside a scroll box {cut}")
            self.shot(name, page)
        page.close()

    def budget(self) -> None:
        name = heaviest_article(self.site)
        elapsed, total, n_requests, heavy = load_page(self.browser, f"{self.base}/browse/{name}")
        if self.timed:
            self.check(elapsed < BUDGET_SECONDS, f"{name} (the heaviest article page) loads in {elapsed:.2f} s "
                                                 f"(budget {BUDGET_SECONDS} s)")
        else:
            print(f"info {name} (the heaviest article page) loaded in {elapsed:.2f} s (not checked here: a speed "
                  f"target, measured by benchmarks/bench_site.py)")
        self.check(total < BUDGET_BYTES, f"{name} weighs {total / 1000:.0f} kB in {n_requests} requests "
                   f"(budget {BUDGET_BYTES // 1000} kB; largest: {heavy})")

    def not_found(self) -> None:
        page = self.browser.new_page()
        failed = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("no-such-page.html") else None)
        resp = self.open("guidelines/no-such-page.html", page)
        styled = page.evaluate("getComputedStyle(document.body).fontFamily") or ""
        self.check(resp is not None and resp.status == 404 and not failed and page.locator(".md-header").count() == 1,
                   f"a missing page under {PREFIX} gets the styled 404 page (broken assets: {failed[:3]}; font {styled[:30]!r})")
        self.shot("404", page)
        page.close()
        sitemap = (self.site / "sitemap.xml").read_text(encoding="utf-8") if (self.site / "sitemap.xml").exists() else ""
        self.check("<loc>http" in sitemap and "/browse/index.html" in sitemap, "sitemap.xml lists absolute URLs (site_url)")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, default=REPO / ".site", help="built site folder")
    ap.add_argument("--build", action="store_true", help="run `mkdocs build --strict` into --site first")
    ap.add_argument("--out", type=Path, default=REPO / "screenshots", help="folder for the screenshots")
    ap.add_argument("--chromium", help="the browser binary (default: $CHROMIUM, else chromium on PATH)")
    ap.add_argument("--no-timing", action="store_true",
                    help="print the heaviest page's load time without checking it (the tests: a speed target is "
                         "a benchmark's, benchmarks/bench_site.py)")
    args = ap.parse_args(argv)
    exe = args.chromium or find_chromium()
    if not exe:
        print("check_site: no Chromium found (Debian: apt-get install chromium; or set $CHROMIUM)", file=sys.stderr)
        return NO_CHROMIUM
    if args.build:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(args.site)], cwd=REPO, check=True)
    if not (args.site / "index.html").exists():
        print(f"check_site: {args.site}/index.html missing: build the site first (--build)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    server, base = serve(args.site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            try:
                c = Checker(browser, base, args.site, args.out, timed=not args.no_timing)
                for step in (c.main_pages, c.search, c.index, c.article, c.label_anchor, c.mobile, c.budget, c.not_found):
                    try:
                        step()
                    except Exception as err:   # one broken step must not hide the others
                        c.check(False, f"{step.__name__}: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
            finally:
                browser.close()
    finally:
        server.shutdown()
    for f in c.failures:
        print(f"check_site: {f}", file=sys.stderr)
    print(f"check_site: {len(c.failures)} check(s) failed" if c.failures else "check_site: all checks passed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
