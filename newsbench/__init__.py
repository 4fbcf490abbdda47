"""newsbench: a news corpus annotated by language-model agents under written guidelines, and the harness that scores information-extraction systems on it."""
from __future__ import annotations

from typing import TYPE_CHECKING, Union

#: The package version: the one place it is written (pyproject.toml reads it, CITATION.cff is tested against it).
__version__ = "0.1.0"

from .loading import load, load_all, versions, latest_version  # noqa: E402
from .record import Article  # noqa: E402
from .evaluate import compare, evaluate  # noqa: E402  (binds the names to the functions, not the module)
from .systems import run_system, write_predictions  # noqa: E402

if TYPE_CHECKING:
    from os import PathLike

    from datasets import DatasetDict

    from .validation import Problem


def load_hf(version: str | None = None) -> DatasetDict:
    """The bundled corpus as a `datasets.DatasetDict` with declared features (imports `datasets` lazily)."""
    from .hf import load_hf as _load_hf
    return _load_hf(version)


def validate(*paths: Union[str, PathLike], kind: str = "article") -> list[Problem]:
    """Every problem found in the given JSONL files or folders, as `Problem` records (empty list: valid)."""
    from .validation import validate as _validate
    return _validate(*paths, kind=kind)


__all__ = ["__version__", "Article", "compare", "evaluate", "load", "load_all", "load_hf", "run_system", "validate", "versions",
           "latest_version", "write_predictions"]
