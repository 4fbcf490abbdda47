"""Every shell and Python example in docs/ and the README runs against the bundled corpus (issue 15).

See tests/docs_examples.py for the rules (one fresh directory per page, blocks in order, the
`<!-- not-run: reason -->` marker). A page without examples is not listed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_examples import ExampleFailed, collect, run_page, runnable, shell_script

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in [REPO / "README.md", *(REPO / "docs").rglob("*.md")]
               if p.name != "README.md" or p.parent == REPO)
WITH_EXAMPLES = [p for p in PAGES if runnable(collect(p))]


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=[str(p.relative_to(REPO)) for p in WITH_EXAMPLES])
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    skipped = run_page(collect(page), tmp_path)
    for s in skipped:
        print(f"not run: {s}")


def test_there_are_examples_to_run():
    blocks = [b for p in WITH_EXAMPLES for b in runnable(collect(p)) if not b.skip]
    assert len(blocks) >= 10 and {b.lang for b in blocks} >= {"bash", "python"}


SAMPLE = '''# A sample page

```bash
newsbench baseline rules --split validation -o preds.jsonl
```

- in a list:

  ```python
  import json
  rows = [json.loads(x) for x in open("preds.jsonl")]
  ```

<!-- not-run: needs a model server -->
```bash
curl http://localhost:8000/v1/models
```

```python
assert len(rows) > 0
```
'''


def test_blocks_are_collected_with_their_markers(tmp_path):
    page = tmp_path / "sample.md"
    page.write_text(SAMPLE)
    blocks = collect(page)
    assert [(b.lang, b.line, b.skip) for b in blocks] == [
        ("bash", 3, None), ("python", 9, None), ("bash", 15, "needs a model server"), ("python", 19, None)]
    assert blocks[1].code.startswith("import json\nrows")   # the list's indentation is removed


def test_a_good_sample_runs_and_skips_the_marked_block(tmp_path):
    page = tmp_path / "sample.md"
    page.write_text(SAMPLE)
    work = tmp_path / "work"
    work.mkdir()
    skipped = run_page(collect(page), work)
    assert (work / "preds.jsonl").exists() and skipped == [f"{page}:15: needs a model server"]


@pytest.mark.parametrize("broken, needle", [
    ("```bash\nnewsbench evaluate preds.jsonl --version 0.1 --split validation\n```\n", "exit 2"),
    ("```bash\nnewsbench no-such-command\n```\n", "exit 2"),
    ("```bash\nnewsbench stats | grep -q 'no such words in the output'\n```\n", "exit 1"),
    ("```python\nimport newsbench\nnewsbench.load('no-such-split')\n```\n", "CorpusError"),
    ("```console\n$ newsbench stats --version 9.9\nwhatever\n```\n", "console example failed"),
])
def test_a_broken_example_fails_naming_page_and_line(tmp_path, broken, needle):
    page = tmp_path / "broken.md"
    page.write_text("# Broken\n\n```bash\nnewsbench baseline rules --split validation -o preds.jsonl\n```\n\n" + broken)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(ExampleFailed) as err:
        run_page(collect(page), work)
    assert f"{page}:7:" in str(err.value) and needle in str(err.value)


def test_an_interpreter_session_runs_its_prompts(tmp_path):
    page = tmp_path / "session.md"
    page.write_text("```python\n>>> x = 2\n>>> for i in range(2):\n...     x += i\n>>> x\n3\n>>> assert x == 4\n```\n")
    with pytest.raises(ExampleFailed, match="AssertionError"):
        run_page(collect(page), tmp_path)


def test_fresh_machine_set_up_is_dropped_and_the_rest_kept(tmp_path):
    page = tmp_path / "readme.md"
    page.write_text("```bash\npython3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/newsbench stats\n```\n")
    [block] = collect(page)
    assert shell_script(block).strip() == "newsbench stats"
