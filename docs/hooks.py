"""mkdocs hooks: pages and examples generated from the corpus, schema and CLI at build time, so they cannot drift."""
from __future__ import annotations

import re

from newsbench import docsgen

EXAMPLES = re.compile(r"<!--\s*corpus-examples:\s*(\w+)\s+(\S+)\s*-->")
GENERATED = re.compile(r"<!--\s*generated:\s*([\w-]+)\s*-->")


def on_page_markdown(markdown, page, config, files):
    markdown = GENERATED.sub(lambda m: docsgen.generated_block(m.group(1), config["docs_dir"]), markdown)
    return EXAMPLES.sub(lambda m: docsgen.examples_block(m.group(1), m.group(2)), markdown)
