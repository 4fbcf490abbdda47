"""The built site, driven in Chromium by scripts/check_site.py (issue 15): skipped, with the reason, without Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from check_site import find_chromium  # noqa: E402


def test_site_check_passes_in_chromium(tmp_path):
    pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[test]')")
    if not find_chromium():
        pytest.skip("no Chromium binary (Debian: apt-get install chromium, or set $CHROMIUM): site check not run")
    site, shots = tmp_path / "site", tmp_path / "shots"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=REPO, check=True,
                   capture_output=True)
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "check_site.py"), "--site", str(site), "--out", str(shots),
                           "--no-timing"],    # (the load time is a speed target: benchmarks/bench_site.py)
                          capture_output=True, text=True, timeout=300)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {"article.png", "article-quotes-off.png", "index-filtered.png", "mobile-article.png"} <= {p.name for p in shots.iterdir()}
