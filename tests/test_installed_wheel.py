"""The built wheel, installed in a fresh venv and run outside the checkout: the bundled corpus is found,
`newsbench run path/to/my_system.py:extract` and `newsbench evaluate` work (issue 14).

The fresh venv gets the wheel only (`--no-deps`, no index); its dependencies come from the test
venv through a `.pth` line, so the test runs offline and fast. A path added by a `.pth` line does
not have its own `.pth` files run, so the test venv's editable install of this checkout stays off:
the `newsbench` imported is the wheel's, which the test checks.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import newsbench

REPO = Path(__file__).resolve().parents[1]


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {**env, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv holding the installed wheel, a working folder outside the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(root / "dist"), str(REPO)], capture_output=True, text=True, env=_clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    [wheel] = (root / "dist").glob("newsbench-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "_test_venv_deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "-q", str(wheel)], capture_output=True, text=True, env=_clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    work = root / "work"
    work.mkdir()
    return env_dir / "bin", work


@pytest.mark.slow
def test_the_installed_package_is_the_wheel_and_finds_its_corpus(installed):
    bin_dir, work = installed
    probe = ("import newsbench, newsbench.resources as r; "
             "print(newsbench.__file__); print(r.corpus_dir()); print(len(newsbench.load('validation')))")
    done = subprocess.run([str(bin_dir / "python"), "-c", probe], cwd=work, capture_output=True, text=True,
                          env=_clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    module, corpus, n = done.stdout.split("\n")[:3]
    venv_dir = str(bin_dir.parent)
    assert module.startswith(venv_dir) and corpus.startswith(venv_dir) and not corpus.startswith(str(REPO))
    assert int(n) == len(newsbench.load("validation"))


@pytest.mark.slow
def test_run_and_evaluate_a_system_file_outside_the_checkout(installed):
    bin_dir, work = installed
    system = work / "systems" / "my_system.py"
    system.parent.mkdir(exist_ok=True)
    shutil.copy(REPO / "examples" / "my_system.py", system)
    cli = str(bin_dir / "newsbench")
    done = subprocess.run([cli, "run", "systems/my_system.py:extract", "--split", "validation", "-o", "preds.jsonl"],
                          cwd=work, capture_output=True, text=True, env=_clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    ids = [json.loads(line)["id"] for line in (work / "preds.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == [a.id for a in newsbench.load("validation")]
    done = subprocess.run([cli, "evaluate", "preds.jsonl", "--split", "validation", "--json", "--bootstrap", "50"],
                          cwd=work, capture_output=True, text=True, env=_clean_env())
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["articles"] == report["predicted"] == len(ids)
    assert set(report["tasks"]) == {"entities", "quotes"}
    # the same predictions scored by the checkout give the same numbers: the wheel carries the same corpus
    here = newsbench.evaluate(str(work / "preds.jsonl"), split="validation", bootstrap=0)
    assert report["tasks"]["entities"]["headline"]["strict.micro.f1"] == pytest.approx(
        here.score("entities", "strict.micro.f1"), abs=1e-6)
