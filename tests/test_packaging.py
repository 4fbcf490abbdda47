"""The wheel carries the corpus, the schemas and the mapping files: `pip install newsbench` is enough."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import newsbench

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
                   "newsbench/interop/brat_mapping.yaml", "newsbench/interop/labelstudio_mapping.yaml",
                   "newsbench/_corpus/croissant.json", "newsbench/py.typed"):
        assert needed in names
    prompts = [p.relative_to(REPO).as_posix() for p in (REPO / "newsbench" / "prompts").rglob("*") if p.is_file()]
    assert prompts and set(prompts) <= names, "the llm prompt templates ship in the wheel"
    assert "newsbench/llm/runner.py" in names
    # the licence texts (PEP 639: under the dist-info's licenses/ folder), and the metadata names them
    dist_info = f"newsbench-{newsbench.__version__}.dist-info"
    for licence in ("LICENSE", "LICENSES/CC-BY-4.0.txt"):
        assert f"{dist_info}/licenses/{licence}" in names, sorted(n for n in names if "dist-info" in n)
        assert (zipfile.ZipFile(wheel).read(f"{dist_info}/licenses/{licence}") == (REPO / licence).read_bytes())
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: Apache-2.0 AND CC-BY-4.0" in metadata
    assert "License-File: LICENSES/CC-BY-4.0.txt" in metadata and f"Version: {newsbench.__version__}" in metadata


def test_sdist_carries_the_licences_and_the_citation(tmp_path):
    import tarfile

    done = subprocess.run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(REPO)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [sdist] = tmp_path.glob("newsbench-*.tar.gz")
    top = f"newsbench-{newsbench.__version__}"
    names = set(tarfile.open(sdist).getnames())
    for needed in ("LICENSE", "LICENSES/CC-BY-4.0.txt", "CITATION.cff", "corpus/croissant.json"):
        assert f"{top}/{needed}" in names, needed
