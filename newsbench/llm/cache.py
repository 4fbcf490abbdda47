"""The response cache: one small JSON file per request, named by the hash of everything sent.

The key covers the model name, the messages (so the prompt version and template, the k-shot
examples and the article text), the decoding settings and the response format: a rerun with the
same settings sends nothing, and a run killed half-way resumes where it stopped, since each answer
is stored the moment it arrives (atomically: a killed run never leaves half an entry). Failed
requests (network, 429, 5xx) are not stored, so a rerun tries them again. The server's address is
not part of the key: the model name says what answered.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Optional

#: Bumped when what an entry holds, or what the key covers, changes.
CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newsbench" / "llm"


def request_key(body: dict) -> str:
    """sha256 of the request body's canonical JSON (plus the cache format)."""
    data = json.dumps({"cache": CACHE_FORMAT, "body": body}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class Cache:
    """Entries under `root/<2 hex>/<64 hex>.json`; `root` None: no cache (nothing read or kept)."""

    def __init__(self, root: Optional[Path]):
        self.root = Path(root) if root is not None else None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Optional[dict]:
        if self.root is None:
            return None
        try:
            with open(self._path(key), encoding="utf-8") as f:
                entry = json.load(f)
        except (OSError, ValueError):
            return None          # absent, or unreadable: asked again
        return entry.get("response") if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, key: str, response: dict, about: Optional[dict] = None) -> None:
        if self.root is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"key": key, "about": about or {}, "response": response}, f, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
