"""Writing the user's files: the one place that decides how a command's output lands.

The guarantees the README states, in one module so every command keeps them the same way:

- a regular file (or a new path) is written atomically: a temporary file beside it, then a rename,
  so a reader never sees half a file and an interrupted run leaves the old one;
- anything else that already exists (a FIFO, a device such as ``/dev/stdout``) and ``-`` are
  written directly: renaming over them would replace the node itself;
- a symlink is followed: its target is replaced and the link stays a link;
- an output that is also one of the command's inputs is refused (the same file by inode, not by
  name), before anything is read or written;
- a folder output is built in a temporary folder beside it and renamed into place; an existing
  non-empty folder is replaced only with ``--overwrite``, and only when it holds nothing but files
  this kind of export writes: nothing the command did not create is ever deleted.

No library does the last three for us (``atomicwrites`` is archived and handles none of them).
"""
from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

#: What an output holds: text, bytes, or an iterable of either, written chunk by chunk as it is made
#: (a large file never has to be in memory whole).
Data = Union[str, bytes, Iterable[Union[str, bytes]]]


def _chunks(data: Data) -> Iterator[bytes]:
    if isinstance(data, (str, bytes)):
        data = (data,)
    for chunk in data:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


class OutputError(ValueError):
    """An output that cannot or must not be written: one line, exit 2, nothing touched."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_stdout(path) -> bool:
    return str(path) == "-"


def refuse_inputs(output, inputs: Iterable, option: str = "-o") -> None:
    """Raise OutputError when `output` is the same file as one of `inputs` (compared by inode)."""
    if output is None or is_stdout(output) or not os.path.exists(output):
        return
    for inp in inputs:
        if inp is None or is_stdout(inp):
            continue
        try:
            same = os.path.samefile(output, inp)
        except OSError:
            continue
        if same:
            raise OutputError(f"{option} {output}: is also an input ({inp}); name another output file")


def _destination(path: Path) -> Path:
    """The path to write: a symlink's final target, so the link itself survives."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_all(targets: list[tuple[str, object, Data]]) -> None:
    """Write every (option, path, data): regular files staged first, then all renamed into place.

    A failure names the option and the user's path (never a temporary file) and leaves every
    regular target as it was. Non-regular targets (``-``, FIFOs, devices) are written directly,
    after the regular ones are in place. Files get the usual permissions (0666 less the umask).
    """
    mask = _umask()
    staged: list[tuple[str, Path, str]] = []
    direct: list[tuple[str, object, Data]] = []
    try:
        for option, path, data in targets:
            if is_stdout(path):
                direct.append((option, path, data))
                continue
            try:
                st = os.stat(path) if os.path.exists(path) else None   # follows links: /dev/stdout -> a pipe
                if st is not None and stat.S_ISDIR(st.st_mode):
                    raise IsADirectoryError(21, "is a directory")
                if st is not None and not stat.S_ISREG(st.st_mode):
                    direct.append((option, path, data))
                    continue
                dest = _destination(Path(path))
                dest.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
                staged.append((option, dest, tmp))
                with os.fdopen(fd, "wb") as f:
                    for chunk in _chunks(data):
                        f.write(chunk)
                os.chmod(tmp, 0o666 & ~mask)
            except OSError as err:
                raise OutputError(f"{option} {path}: cannot write: {err.strerror or err}") from None
        for option, dest, tmp in staged:
            try:
                os.replace(tmp, dest)
            except OSError as err:
                raise OutputError(f"{option} {dest}: cannot write: {err.strerror or err}") from None
    finally:
        for _, _, tmp in staged:
            if os.path.lexists(tmp):
                os.unlink(tmp)
    for option, path, data in direct:
        _write_direct(option, path, data)


def _write_direct(option: str, path, data: Data) -> None:
    if is_stdout(path):
        if isinstance(data, str):
            sys.stdout.write(data)
            sys.stdout.flush()
            return
        sys.stdout.flush()
        for chunk in _chunks(data):
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as f:
            for chunk in _chunks(data):
                f.write(chunk)
    except OSError as err:
        raise OutputError(f"{option} {path}: cannot write: {err.strerror or err}") from None


def write_text(path, data: Data, option: str = "-o") -> None:
    """Write one output file by the rules above."""
    write_all([(option, path, data)])


# -- folders --------------------------------------------------------------------------------------
def write_folder(target, fill: Callable[[Path], None], owns: Callable[[Path], bool], what: str,
                 overwrite: bool = False, option: str = "output") -> None:
    """Build a folder with ``fill(path)`` beside `target`, then rename it into place.

    `owns(relative_path)` says whether a file is one this export writes; with `overwrite`, an
    existing folder is replaced only when `owns` holds for every file in it. An interrupted run
    leaves the target as it was and removes its own temporary folder.
    """
    target = Path(target)
    if os.path.lexists(target) and not target.is_dir():
        raise OutputError(f"{option} {target}: exists and is not a folder")
    old_entries = list(target.iterdir()) if target.is_dir() else []
    if target.is_dir():
        here = Path.cwd().resolve()
        if here == target.resolve() or target.resolve() in here.parents:
            raise OutputError(f"{option} {target}: is the working folder or contains it; name a new folder")
    if old_entries:
        if not overwrite:
            raise OutputError(f"{option} {target}: folder is not empty; name a new or empty folder, "
                              f"or give --overwrite to replace an earlier {what} export")
        for p in sorted(target.rglob("*")):
            rel = p.relative_to(target)
            if p.is_symlink() or (p.is_file() and not owns(rel)) or not (p.is_file() or p.is_dir()):
                raise OutputError(f"{option} {target}: --overwrite replaces only an earlier {what} export, "
                                  f"and this folder also holds {rel}; nothing was changed")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        built = staging / "new"
        built.mkdir()
        fill(built)
        mask = _umask()
        os.chmod(built, 0o777 & ~mask)
        if old_entries:
            old = staging / "old"
            os.rename(target, old)
            try:
                os.rename(built, target)
            except OSError:
                os.rename(old, target)
                raise
        else:
            os.rename(built, target)   # a new path, or over an empty folder
    except OSError as err:
        raise OutputError(f"{option} {target}: cannot write: {err.strerror or err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def owned_by_names(names: Iterable[str], patterns: Iterable[str] = ()) -> Callable[[Path], bool]:
    """An `owns` predicate from exact file names and glob patterns (matched on the file name)."""
    import fnmatch

    names, patterns = set(names), tuple(patterns)
    return lambda rel: rel.name in names or any(fnmatch.fnmatch(rel.name, p) for p in patterns)
