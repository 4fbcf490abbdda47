"""The guidelines cover every label, and the docs site builds (issue 3)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsbench import docsgen
from newsbench.labels import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, FRAMES, MENTION_LEVELS, QUOTE_KINDS, REALIS

DOCS = Path(__file__).resolve().parents[1] / "docs"

PAGES = {
    "entities.md": ENTITY_TYPES + MENTION_LEVELS,
    "quotes.md": QUOTE_KINDS,
    "events.md": EVENT_TYPES + REALIS,
    "frames.md": FRAMES,
}


@pytest.mark.parametrize("page, labels", PAGES.items())
def test_every_label_has_a_heading_and_a_definition(page, labels):
    text = (DOCS / "guidelines" / page).read_text(encoding="utf-8")
    for label in labels:
        m = re.search(rf"^###\s+`{re.escape(label)}`\s*$(.*?)(?=^#{{1,3}}\s|\Z)", text, re.M | re.S)
        assert m, f"{page}: no '### `{label}`' heading"
        assert "**Definition.**" in m.group(1), f"{page}: {label} has no **Definition.**"


def test_every_role_is_defined_in_the_roles_table():
    text = (DOCS / "guidelines" / "events.md").read_text(encoding="utf-8")
    for role in EVENT_ROLES:
        row = re.search(rf"^\|\s*`{re.escape(role)}`\s*\|([^|\n]+)\|", text, re.M)
        assert row and row.group(1).strip(), f"role {role} has no definition row"


def test_examples_directives_name_known_layers_and_labels():
    known = {"entities": ENTITY_TYPES, "levels": MENTION_LEVELS, "quotes": QUOTE_KINDS, "events": EVENT_TYPES,
             "realis": REALIS, "frames": FRAMES}
    for page in (DOCS / "guidelines").glob("*.md"):
        for layer, label in re.findall(r"<!--\s*corpus-examples:\s*(\w+)\s+(\S+)\s*-->", page.read_text()):
            assert layer in known and label in known[layer], f"{page.name}: {layer} {label}"


def test_examples_come_from_train_and_validation_only():
    import newsbench
    test_ids = {a.id for a in newsbench.load("test")}
    allowed = {a.id for s in ("train", "validation") for a in newsbench.load(s)}
    shown = set()
    for page in (DOCS / "guidelines").glob("*.md"):
        for layer, label in re.findall(r"<!--\s*corpus-examples:\s*(\w+)\s+(\S+)\s*-->", page.read_text()):
            shown |= set(re.findall(r'class="nb-source">(nb-\d+)', docsgen.examples_block(layer, label)))
    assert shown and shown <= allowed and not shown & test_ids


def test_seed_page_renders_all_four_layers():
    page = docsgen.generated_block("seed")
    for needle in ("## Entities", "## Quotes", "## Events", "## Frames", "nb-trigger", "nb-speaker", "nb-cue",
                   "nb-ent nb-NAM", "nb-ent nb-PRO", "Rawalpindi"):
        assert needle in page


def test_cli_reference_has_every_command_with_an_example():
    from newsbench.cli import build_parser
    text = docsgen.generated_block("cli")
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, parser in sub.choices.items():
        assert f"## `newsbench {name}`" in text
        example = parser.format_help().split("example:\n", 1)[1].strip()
        assert example.startswith(f"newsbench {name} ") or f"newsbench {name} " in example, (name, example)
