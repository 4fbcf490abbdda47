"""Small shared helpers for tests: run the CLI in-process, copy the seed record."""
from __future__ import annotations

import contextlib
import copy
import io
import json

import newsbench
from newsbench.cli import main


def run_cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def seed_record() -> dict:
    """A deep copy of the first released article (the seed), as a plain dict."""
    arts = newsbench.load_all("0.1")
    return copy.deepcopy(arts[0].to_dict())


def write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
