"""Versioned prompt templates: `newsbench/prompts/<task>/<version>/`, shipped in the package.

A version folder holds three files and never changes once released (a changed prompt is a new
version, so a score names exactly the prompt that produced it):

- `prompt.yaml`: the system and user templates (`string.Template`: `$labels`, `$text`) and the
  label inventories the prompt lists;
- `definitions.json`: each label's short definition, extracted from the guidelines
  (`guideline_definitions`; a test checks them against docs/guidelines and the schema's enums);
- `answer.schema.json`: the JSON Schema of the answer, sent as `response_format`. Label enums are
  written `"$entityType"` and filled in from `newsbench.labels`, so no inventory is typed twice.

k-shot examples are train articles only (`pick_shots`), shown as user/assistant turns whose
answers are the gold converted by `newsbench.llm.answers.gold_answer`.
"""
from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Optional

import yaml

from ..labels import ENTITY_TYPES, EVENT_ROLES, EVENT_TYPES, FRAMES, MENTION_LEVELS, QUOTE_KINDS, REALIS

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
#: Tasks a prompt exists for. `coref` is predicted as a cluster id (`entity`) on entity mentions; it is scored
#: once the scorer knows the task (newsbench.metrics.TASKS).
PROMPT_TASKS = ("entities", "quotes", "events", "frames", "coref")
INVENTORIES = {"entityType": ENTITY_TYPES, "mentionLevel": MENTION_LEVELS, "quoteKind": QUOTE_KINDS,
               "eventType": EVENT_TYPES, "realis": REALIS, "eventRole": EVENT_ROLES, "frame": FRAMES}
#: The guideline page each inventory's definitions come from.
GUIDELINE_PAGES = {"entityType": "entities.md", "mentionLevel": "entities.md", "quoteKind": "quotes.md",
                   "eventType": "events.md", "realis": "events.md", "eventRole": "events.md", "frame": "frames.md"}
_HEADING = re.compile(r"^#{3,4} `([^`]+)`\s*$")
_ROLE_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \|")


class PromptError(ValueError):
    """A prompt that does not exist or whose files are broken."""


def guideline_definitions(docs_dir: Path, inventory: str) -> dict[str, str]:
    """label -> its definition in the guidelines: the `**Definition.**` paragraph under the label's
    heading, or (roles) the definition column of the roles table; only labels of the inventory."""
    labels = INVENTORIES[inventory]
    lines = (Path(docs_dir) / GUIDELINE_PAGES[inventory]).read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    current, capture = None, None
    for line in lines + [""]:
        if inventory == "eventRole":
            m = _ROLE_ROW.match(line)
            if m and m.group(1) in labels:
                out[m.group(1)] = m.group(2).strip()
            continue
        m = _HEADING.match(line)
        if m:
            current = m.group(1)
            continue
        if capture is not None:
            if line.strip():
                capture.append(line.strip())
                continue
            out[current] = " ".join(capture)
            capture = None
        elif current in labels and current not in out and line.startswith("**Definition.**"):
            capture = [line[len("**Definition.**"):].strip()]
    return {label: _plain(out[label]) for label in labels if label in out}


def _plain(text: str) -> str:
    """Markdown emphasis and links out: `**Roles:**` -> `Roles:`, `[span rules](#span-rules)` -> `span rules`."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text.replace("**", ""))


#: The inventories each task's prompt lists (what `definitions.json` holds).
TASK_INVENTORIES = {"entities": ("entityType", "mentionLevel"), "coref": ("entityType",), "quotes": ("quoteKind",),
                    "events": ("eventType", "realis", "eventRole"), "frames": ("frame",)}


def definitions_for(task: str, docs_dir: Path) -> dict:
    """What a new prompt version's `definitions.json` holds: the guidelines' definitions of its inventories."""
    return {inv: guideline_definitions(docs_dir, inv) for inv in TASK_INVENTORIES[task]}


if __name__ == "__main__":   # python -m newsbench.llm.prompts TASK VERSION [DOCS]: write definitions.json
    import sys
    task, version = sys.argv[1], sys.argv[2]
    docs = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("docs/guidelines")
    target = PROMPTS_DIR / task / version / "definitions.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(definitions_for(task, docs), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}")


@dataclass(frozen=True)
class Prompt:
    """One task's prompt at one version, ready to render."""

    task: str
    version: str
    system: str
    user: str
    inventories: tuple         # ((inventory, title), ...) listed under $labels
    definitions: dict
    schema: dict               # the answer's JSON Schema, enums filled in
    digest: str                # sha256 of the version folder's files: the template as used

    @property
    def id(self) -> str:
        return f"{self.task}/{self.version}"

    def labels_block(self) -> str:
        parts = []
        for inventory, title in self.inventories:
            defs = self.definitions.get(inventory, {})
            rows = [f"- {label}: {defs[label]}" if defs.get(label) else f"- {label}" for label in INVENTORIES[inventory]]
            parts.append(f"{title}:\n" + "\n".join(rows))
        return "\n\n".join(parts)

    def system_text(self) -> str:
        return Template(self.system).safe_substitute(labels=self.labels_block(), task=self.task)

    def user_text(self, text: str) -> str:
        return Template(self.user).safe_substitute(text=text)


def versions(task: str) -> list[str]:
    """The prompt versions of a task, oldest first (v1, v2, ..., v10)."""
    d = PROMPTS_DIR / task
    found = [p.name for p in d.iterdir() if p.is_dir() and (p / "prompt.yaml").is_file()] if d.is_dir() else []
    return sorted(found, key=lambda v: (len(v), v))


def load_prompt(task: str, version: Optional[str] = None) -> Prompt:
    """The prompt of `task` at `version` (default: the newest)."""
    if task not in PROMPT_TASKS:
        raise PromptError(f"no prompt for task {task!r} (tasks: {', '.join(PROMPT_TASKS)})")
    known = versions(task)
    version = version or (known[-1] if known else None)
    if version not in known:
        raise PromptError(f"no prompt version {version!r} for {task} (versions: {', '.join(known) or 'none'})")
    d = PROMPTS_DIR / task / version
    names = ("prompt.yaml", "definitions.json", "answer.schema.json")
    raw = {n: (d / n).read_bytes() for n in names}
    digest = hashlib.sha256(b"".join(n.encode() + b"\0" + raw[n] + b"\0" for n in names)).hexdigest()
    try:
        spec = yaml.safe_load(raw["prompt.yaml"])
        definitions = json.loads(raw["definitions.json"])
        schema = _fill_enums(json.loads(raw["answer.schema.json"]))
        inventories = tuple((k, v) for k, v in spec.get("inventories", {}).items())
        return Prompt(task, version, spec["system"], spec["user"], inventories, definitions, schema, digest)
    except (ValueError, KeyError, TypeError, AttributeError, yaml.YAMLError) as err:
        raise PromptError(f"{d}: broken prompt: {err}") from None


def _fill_enums(node):
    """`"enum": "$frame"` -> the frame labels of newsbench.labels."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "enum" and isinstance(v, str) and v.startswith("$"):
                out[k] = list(INVENTORIES[v[1:]])
            else:
                out[k] = _fill_enums(v)
        return out
    if isinstance(node, list):
        return [_fill_enums(v) for v in node]
    return node


def shape_schema(schema: dict) -> dict:
    """The answer schema without label enums: an answer that only has an unknown label is not
    malformed; that label's item is dropped and reported (newsbench.llm.answers)."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "enum"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return strip(copy.deepcopy(schema))


def pick_shots(k: int, train: list[dict]) -> list[dict]:
    """The k shortest train articles (ties by id): short prompts, and the same examples every run."""
    if k <= 0:
        return []
    return sorted(train, key=lambda a: (len(a["text"]), a["id"]))[:k]


def joint_schema(prompts: list[Prompt]) -> dict:
    """One answer for all tasks: an object with each task's answer under its name."""
    return {"type": "object", "additionalProperties": False, "required": [p.task for p in prompts],
            "properties": {p.task: p.schema for p in prompts}}


JOINT_SYSTEM = ("You annotate news articles for several tasks at once. Answer with one JSON object whose keys are "
                "the task names ({tasks}); under each key, the answer that task asks for.")


def system_text(prompts: list[Prompt]) -> str:
    if len(prompts) == 1:
        return prompts[0].system_text()
    head = JOINT_SYSTEM.format(tasks=", ".join(p.task for p in prompts))
    return head + "".join(f"\n\n## Task `{p.task}`\n\n{p.system_text()}" for p in prompts)
