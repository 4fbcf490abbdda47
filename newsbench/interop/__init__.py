"""Formats in and out: brat standoff and Label Studio JSON in; brat, CoNLL BIO, HF token classification and spaCy out."""
from __future__ import annotations

from pathlib import Path
from typing import Optional


class InteropError(ValueError):
    """An input file cannot be converted; the message names the file and the annotation."""


def load_mapping(path: Optional[Path], default: Path, required: tuple[str, ...]) -> dict:
    """A mapping YAML (the bundled default when `path` is None), checked for the keys the converter reads."""
    import yaml

    path = Path(path) if path else default
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InteropError(f"{path}: cannot read the mapping: {err.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InteropError(f"{path}: not a YAML mapping file: {str(err).splitlines()[0]}") from None
    if not isinstance(mapping, dict):
        raise InteropError(f"{path}: a mapping file is a YAML mapping of names")
    missing = [k for k in required if k not in mapping]
    if missing:
        raise InteropError(f"{path}: mapping lacks {', '.join(missing)} (see the bundled default)")
    if path != default:   # each value has the shape of the bundled default's: a name, or a table of names
        reference = yaml.safe_load(default.read_text(encoding="utf-8"))
        for key, want in reference.items():
            got = mapping.get(key)
            if key in mapping and isinstance(want, dict) != isinstance(got, dict):
                shape = "a mapping of names" if isinstance(want, dict) else "a name"
                raise InteropError(f"{path}: {key}: must be {shape}, got {type(got).__name__} {str(got)[:40]!r}")
            if isinstance(got, dict) and not all(isinstance(v, str) for v in got.values()):
                raise InteropError(f"{path}: {key}: every value must be a name")
    return mapping


#: Metadata an import cannot know; filled in so the record is complete, and announced as a warning.
PLACEHOLDER_META = {"source": "import (metadata not given)", "url": None, "published": "1970-01-01", "byline": [],
                    "language": "en", "genre": "report", "domain": "domestic_politics", "provenance": "original",
                    "license": "unknown"}


def placeholder_meta(text: str) -> dict:
    return {"title": text.split("\n", 1)[0][:200] or "untitled", **PLACEHOLDER_META}
