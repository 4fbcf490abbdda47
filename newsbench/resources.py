"""Where the bundled schema and corpus live, in a checkout and in an installed wheel alike."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path


def schema_dir() -> Path:
    return Path(str(resources.files("newsbench._schema")))


def corpus_dir() -> Path:
    return Path(str(resources.files("newsbench._corpus")))


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """`name` is "article" or "prediction"."""
    with open(schema_dir() / f"{name}.schema.json", encoding="utf-8") as f:
        return json.load(f)
