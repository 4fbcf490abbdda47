"""The wheel carries the corpus, the schemas and the mapping files: `pip install newsbench` is enough."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_every_released_file_and_the_schemas(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(tmp_path), str(REPO)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    [wheel] = tmp_path.glob("newsbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for manifest in (REPO / "corpus").glob("*/manifest.json"):
        version = manifest.parent.name
        assert f"newsbench/_corpus/{version}/manifest.json" in names
        for fname in json.loads(manifest.read_text())["files"]:
            assert f"newsbench/_corpus/{version}/{fname}" in names
    for needed in ("newsbench/_schema/article.schema.json", "newsbench/_schema/prediction.schema.json",
                   "newsbench/_corpus/README.md", "newsbench/_corpus/agreement/A.jsonl",
                   "newsbench/interop/brat_mapping.yaml", "newsbench/interop/labelstudio_mapping.yaml"):
        assert needed in names
    prompts = [p.relative_to(REPO).as_posix() for p in (REPO / "newsbench" / "prompts").rglob("*") if p.is_file()]
    assert prompts and set(prompts) <= names, "the llm prompt templates ship in the wheel"
    assert "newsbench/llm/runner.py" in names
