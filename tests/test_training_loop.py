"""The training loop of docs/benchmark.md, run as written: `export spacy` -> `spacy train` (a few CPU
steps) -> `newsbench run` with the trained pipeline -> `evaluate` (issue 14).

The scorer and spaCy's own scorer see the same spans on the same tokens (the export uses spaCy's
tokenizer, and no validation mention is misaligned), so newsbench's strict micro F1 on validation
must equal the `ents_f` spaCy saved for model-best: a check that the loop is wired end to end.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import newsbench

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmark.md"
SECTION = "### Train a pipeline on the corpus"


def section_commands() -> str:
    text = DOC.read_text(encoding="utf-8")
    body = text[text.index(SECTION):]
    body = body[:body.index("\n## ", 1)]
    blocks = re.findall(r"^```bash\n(.*?)^```", body, re.S | re.M)
    assert len(blocks) >= 3, "the section lost its commands"
    return "\n".join(blocks)


@pytest.mark.slow
def test_the_documented_training_loop_runs_end_to_end(tmp_path):
    pytest.importorskip("spacy")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", section_commands()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "strict.micro.f1" in done.stdout                  # the evaluate table was printed
    preds = tmp_path / "trained.validation.jsonl"
    validation = newsbench.load("validation")
    ids = [json.loads(line)["id"] for line in preds.read_text(encoding="utf-8").splitlines()]
    assert ids == [a.id for a in validation]
    report = newsbench.evaluate(str(preds), split="validation", tasks=["entities"], bootstrap=0)
    meta = json.loads((tmp_path / "training" / "model-best" / "meta.json").read_text(encoding="utf-8"))
    spacy_f1 = meta["performance"]["ents_f"]
    assert spacy_f1 > 0, "a hundred steps should learn some entities"
    assert report.score("entities", "strict.micro.f1") == pytest.approx(spacy_f1, abs=1e-6)
