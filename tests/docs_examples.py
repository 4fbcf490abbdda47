"""Collect the shell and Python examples of a Markdown page and run them, so the docs stay correct.

Every fenced ```bash / ```sh / ```console / ```python block (indented ones in lists too) is an example.
The blocks of one page run in order in one fresh directory, as a reader would type them: shell
blocks with `bash -e -o pipefail`, `console` blocks' `$ ` lines the same way (the other lines are
output), Python blocks in one namespace shared by the page (a `>>> ` session runs its prompt lines). The installed package's `newsbench`
is first on PATH; the directory looks like a checkout: `corpus/` is the bundled corpus (for
`newsbench validate corpus/`) and `annotations/` the checkout's annotation sheets (read-only use only).

A block preceded by `<!-- not-run: reason -->` is skipped (it needs a model server, the network, a
checkout...). The README's fresh-machine commands start with `python3 -m venv .venv && .venv/bin/pip
install ...`: that set-up is dropped and `.venv/bin/` stands for the installed tools, so the rest runs;
likewise a line that is only a `pip install` is not run (the test uses the package already installed).
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

SHELL = {"bash", "sh", "shell", "console"}
PYTHON = {"python", "py", "python3"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?\.?(?P<lang>[\w+-]*)")
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(?P<reason>.+?)\s*-->\s*$")
VENV_SETUP = re.compile(r"^\s*python3? -m venv \.venv\s*&&\s*\.venv/bin/pip install[^&]*&&\s*")
PIP_INSTALL = re.compile(r"^\s*(python3? -m )?pip3? install\b(?!.*(&&|\|\||;\s*\w))")
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Block:
    page: Path
    line: int            # 1-based line of the opening fence
    lang: str
    code: str
    skip: Optional[str]  # the not-run reason, if any

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def collect(page: Path) -> list[Block]:
    """The fenced blocks of one page in document order (all languages; `runnable` picks the examples)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    k = 0
    while k < len(lines):
        m = FENCE.match(lines[k])
        if not m:
            k += 1
            continue
        fence, indent = m.group("fence"), len(m.group("indent"))
        start = k
        body = []
        k += 1
        while k < len(lines) and not re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[k]):
            body.append(lines[k][indent:] if lines[k][:indent].strip() == "" else lines[k])
            k += 1
        k += 1
        prev = start - 1
        while prev >= 0 and not lines[prev].strip():
            prev -= 1
        marker = NOT_RUN.match(lines[prev]) if prev >= 0 else None
        out.append(Block(page, start + 1, m.group("lang").lower(), "\n".join(body) + "\n",
                         marker.group("reason") if marker else None))
    return out


def runnable(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.lang in SHELL | PYTHON]


def shell_script(block: Block) -> str:
    if block.lang == "console":
        cmds = [ln[2:] for ln in block.code.splitlines() if ln.startswith("$ ")]
        return "\n".join(cmds) + "\n"
    lines = [VENV_SETUP.sub("", ln).replace(".venv/bin/", "") for ln in block.code.splitlines()]
    return "\n".join(": skipped: pip install" if PIP_INSTALL.match(ln.split(" #")[0]) else ln for ln in lines) + "\n"


class ExampleFailed(AssertionError):
    pass


def _env(workdir: Path) -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", PYTHONDONTWRITEBYTECODE="1", HOME=str(workdir),
               NO_COLOR="1")
    env.pop("VIRTUAL_ENV", None)
    return env


def prepare(workdir: Path) -> None:
    from newsbench.resources import corpus_dir
    for name, target in (("corpus", corpus_dir()), ("annotations", REPO / "annotations")):
        link = workdir / name
        if target.is_dir() and not link.exists():
            link.symlink_to(target, target_is_directory=True)


def run_page(blocks: list[Block], workdir: Path, timeout: float = 120.0) -> list[str]:
    """Run the runnable blocks of one page in order in `workdir`; raise ExampleFailed naming the first
    block that fails (page and line, the code and its output). Returns the skipped blocks' descriptions."""
    prepare(workdir)
    env = _env(workdir)
    namespace: dict = {"__name__": "__docs_example__"}
    skipped = []
    for b in runnable(blocks):
        if b.skip:
            skipped.append(f"{b.where}: {b.skip}")
            continue
        if b.lang in SHELL:
            script = shell_script(b)
            proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=workdir, env=env,
                                  capture_output=True, text=True, timeout=timeout)
            if proc.returncode:
                raise ExampleFailed(f"{b.where}: {b.lang} example failed (exit {proc.returncode})\n{script}\n"
                                    f"--- stdout ---\n{proc.stdout[-2000:]}\n--- stderr ---\n{proc.stderr[-2000:]}")
        else:
            code = b.code
            if code.lstrip().startswith(">>> "):   # an interpreter session: run the prompts, ignore the output
                code = "\n".join(ln[4:] for ln in code.splitlines() if ln.startswith((">>> ", "... "))) + "\n"
            out = io.StringIO()
            cwd = os.getcwd()
            os.chdir(workdir)
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    exec(compile(code, b.where, "exec"), namespace)
            except BaseException as err:   # SystemExit too: an example must not exit
                raise ExampleFailed(f"{b.where}: python example failed: {type(err).__name__}: {err}\n{b.code}\n"
                                    f"--- output ---\n{out.getvalue()[-2000:]}") from err
            finally:
                os.chdir(cwd)
    return skipped
