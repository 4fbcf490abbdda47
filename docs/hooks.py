"""mkdocs hooks: pages and examples generated from the corpus, schema and CLI at build time, so they cannot drift.

- `<!-- generated: NAME -->` and `<!-- corpus-examples: LAYER LABEL -->` are replaced by generated Markdown;
- the corpus browser (browse/index.md and one page per article) is added as generated files;
- a label's definition heading gets a clean anchor (`Life:Be-Born` -> `#life-be-born`), and a label
  written as code in running text (`` `Life:Be-Born` ``) links to it.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from mkdocs.structure.files import File

from newsbench import browser, docsgen

EXAMPLES = re.compile(r"<!--\s*corpus-examples:\s*(\w+)\s+(\S+)\s*-->")
GENERATED = re.compile(r"<!--\s*generated:\s*([\w-]+)\s*-->")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+`([^`]+)`\s*$")
CODE_LABEL = re.compile(r"(?<![\[\w])`([A-Za-z_:-]+)`(?!\]|\()")
NO_LABEL_LINKS = ("schema.md", "cli.md", "api.md")


@lru_cache(maxsize=1)
def _browser_pages() -> dict:
    return browser.pages()


def on_files(files, config):
    for path, content in _browser_pages().items():
        files.append(File.generated(config, path, content=content))
    return files


def _root(page) -> str:
    return "../" * page.file.src_uri.count("/")


def label_links(markdown: str, src_uri: str) -> str:
    """Anchor the label headings of a guidelines page and link label names written as code to their definitions."""
    pages = browser.label_pages()
    here = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    out, fenced = [], False
    for line in markdown.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        if fenced or FENCE.match(line):
            out.append(line)
            continue
        h = HEADING.match(line)
        if h:
            if here in pages.get(h.group(2), []):
                line = f"{line.rstrip()} {{ #{browser.anchor(h.group(2))} }}"
            out.append(line)
            continue
        if line.lstrip().startswith("#"):
            out.append(line)
            continue

        def link(m):
            label = m.group(1)
            defined = pages.get(label, [])
            target = browser.label_page(label, prefer=here)
            if not target or (len(defined) > 1 and here not in defined):   # `other`: a realis or a frame?
                return m.group(0)
            rel = posixpath.relpath(target + ".md", posixpath.dirname(src_uri) or ".")
            frag = browser.anchor(label)
            return f"[`{label}`]({'' if target == here else rel}#{frag})"
        out.append(CODE_LABEL.sub(link, line))
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    if src.startswith("browse/"):
        return markdown
    if src not in NO_LABEL_LINKS:
        markdown = label_links(markdown, src)
    markdown = GENERATED.sub(lambda m: docsgen.generated_block(m.group(1), config["docs_dir"]), markdown)
    root = _root(page)
    return EXAMPLES.sub(lambda m: docsgen.examples_block(m.group(1), m.group(2), root), markdown)
