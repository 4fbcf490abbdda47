"""Load the bundled corpus (or any file in its format) as typed articles."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Union, overload

from .record import Article
from .resources import corpus_dir

SPLITS = ("train", "validation", "test")


class CorpusError(ValueError):
    """The corpus or a requested version/split is not there or not readable."""


def _version_key(v: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in v.split("."))


def released_versions(root: Path) -> list[str]:
    """Version folders (those with a manifest) under `root`, oldest first, numerically (0.10 after 0.2)."""
    return sorted((p.name for p in root.iterdir() if p.is_dir() and (p / "manifest.json").exists()),
                  key=_version_key)


def versions() -> list[str]:
    """Released versions of the bundled corpus, oldest first."""
    return released_versions(corpus_dir())


def latest_version() -> str:
    vs = versions()
    if not vs:
        raise CorpusError(f"no corpus version found under {corpus_dir()}")
    return vs[-1]


def version_dir(version: Optional[str] = None) -> Path:
    """The folder of a released version of the bundled corpus (the newest by default)."""
    version = version or latest_version()
    d = corpus_dir() / version
    if not (d / "manifest.json").exists():
        raise CorpusError(f"unknown corpus version {version!r} (released: {', '.join(versions())})")
    return d


def read_articles(path: Union[str, Path]) -> list[Article]:
    """Articles of one JSONL file, in file order; a bad line raises CorpusError naming file and line
    (`newsbench validate` lists every problem)."""
    from .validation import parse_line

    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if n == 1:
                    line = line.lstrip("\ufeff")
                if not line.strip():
                    continue
                rec, reason, _ = parse_line(line)
                if reason:
                    raise CorpusError(f"{path}:{n}: {reason}")
                try:
                    out.append(Article.from_dict(rec))
                except (KeyError, TypeError, AttributeError, IndexError) as err:
                    raise CorpusError(f"{path}:{n}: {rec.get('id', '-')}: not a corpus record ({type(err).__name__}: "
                                      f"{str(err)[:80]}); run `newsbench validate {path}`") from None
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not UTF-8 (byte {err.object[err.start]:#04x} at offset {err.start})") from None
    except OSError as err:
        raise CorpusError(f"{path}: cannot read: {err.strerror}") from None
    return out


@overload
def load(split: None = None, version: Optional[str] = None) -> dict[str, list[Article]]: ...
@overload
def load(split: str, version: Optional[str] = None) -> list[Article]: ...


def load(split: Optional[str] = None, version: Optional[str] = None) -> Union[list[Article], dict[str, list[Article]]]:
    """One split as a list of articles, or every split as {name: articles} when `split` is None."""
    d = version_dir(version)
    if split is None:
        return {s: read_articles(d / f"{s}.jsonl") for s in SPLITS}
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r} (one of {', '.join(SPLITS)})")
    return read_articles(d / f"{split}.jsonl")


def load_all(version: Optional[str] = None) -> list[Article]:
    """Every article of a version, splits concatenated in train, validation, test order."""
    return [a for s in SPLITS for a in load(s, version)]
