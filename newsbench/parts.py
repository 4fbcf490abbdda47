"""One job in several processes: a large file cut into parts at line starts, one forked process per part.

`evaluate` reads and scores a large gold file in parts this way (`evaluate(jobs=...)`, the
command's `--jobs`): the file is cut into more chunks than processes, each process claims chunks
as it gets free (`Tickets`), reads their gold and the predictions of their articles, computes
their statistics, and the results are joined in file order. Parsing JSON
holds the interpreter lock, so threads would not help; `multiprocessing.Pool` would pickle every
record to a worker, costing more than parsing it there. What is left is this: fork (the modules
are loaded already), let the processes agree on a few small things through pipes, and hand back
the results. Anything unexpected -- a problem in the input, a process that dies -- returns None,
and the caller does the job in one process, where every message is the usual one.

Linux only (fork is cheap and safe there when the process has a single thread).
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Optional

__all__ = ["Tickets", "available", "cut", "run"]


class Abandoned(Exception):
    """Another part failed or gave up: this one stops too (the caller falls back to one process)."""


def available() -> int:
    """How many processes a job may use here: 1 where forking is not safe or not cheap."""
    if not sys.platform.startswith("linux") or _other_threads():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _other_threads() -> bool:
    """Whether a thread besides this one is alive, tqdm's monitor aside.

    A forked child holds a copy of every lock some other thread held at that moment, so forking
    is left alone when threads run. tqdm's monitor is the exception: it sleeps on its own event,
    the parts never draw a progress bar, and once a bar has been shown (in a notebook, by
    `run_system`) it stays alive for the rest of the session.
    """
    me = threading.current_thread()
    monitor = getattr(sys.modules.get("tqdm._monitor"), "TMonitor", None)
    return any(t is not me and not (monitor is not None and isinstance(t, monitor)) for t in threading.enumerate())


def cut(path: Path, parts: int) -> list[tuple[int, Optional[int]]]:
    """(start, stop) byte ranges cutting the file into about equal parts, each beginning at a line start.

    Fewer ranges than asked when lines are too long for that many cuts; stop is None for the last.
    """
    size = os.path.getsize(path)
    starts = [0]
    with open(path, "rb") as f:
        for k in range(1, parts):
            f.seek(max(size * k // parts - 1, starts[-1]))
            f.readline()              # to the start of the next line
            pos = f.tell()
            if pos >= size:
                break
            if pos > starts[-1]:
                starts.append(pos)
    return [(s, e) for s, e in zip(starts, starts[1:] + [None])]


#: A ticket is one byte.
MAX_TICKETS = 255


class Tickets:
    """The numbers 0..n-1, first come, first served, across the processes `run` forks: a pipe holding
    one byte per number (a read of one byte takes exactly one). Make it before `run`, close it after."""

    def __init__(self, n: int):
        if not 0 < n <= MAX_TICKETS:
            raise ValueError(f"1 to {MAX_TICKETS} tickets")
        self._reader, writer = os.pipe()
        os.write(writer, bytes(range(n)))     # (fewer bytes than a pipe holds: never blocks)
        os.close(writer)                      # an empty pipe then reads as the end

    def __iter__(self):
        while True:
            taken = os.read(self._reader, 1)
            if not taken:
                return
            yield taken[0]

    def close(self) -> None:
        os.close(self._reader)


class Link:
    """What a part's process uses to agree with the others: `share` and, at the end, `hand_in`."""

    def __init__(self, part: int, n_parts: int, to_parent=None, from_parent=None, children=()):
        self.part, self.n_parts = part, n_parts
        self._out, self._in = to_parent, from_parent          # a child's two pipes
        self._children = list(children)                       # the parent's: (pid, reader, writer)

    @property
    def is_parent(self) -> bool:
        return self._out is None

    def share(self, value) -> list:
        """Every part's `value`, in part order (a collective step: all parts call it, in the same order)."""
        if not self.is_parent:
            _send(self._out, value)
            return _receive(self._in)
        values = [_receive(reader) for _, reader, _ in self._children] + [value]
        for _, _, writer in self._children:
            _send(writer, values)
        return values

    def hand_in(self, value) -> Optional[list]:
        """The parent gets every part's `value`, in part order; a child gets None and is done."""
        if not self.is_parent:
            _send(self._out, value)
            return None
        return [_receive(reader) for _, reader, _ in self._children] + [value]


def _send(writer, value) -> None:
    pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
    writer.flush()


def _receive(reader):
    try:
        value = pickle.load(reader)
    except (EOFError, OSError, pickle.UnpicklingError):     # the other process died
        raise Abandoned() from None
    if isinstance(value, _Failed):
        raise Abandoned()
    return value


class _Failed:
    """What a child sends when its part failed."""


def run(work: Callable[[Link], Any], n_parts: int) -> Optional[list]:
    """`work(link)` in `n_parts` processes (parts 0..n-2 forked children, the last this process);
    every part's result (`link.hand_in`), in part order, or None if any part failed.

    A child never returns into the caller: it ends with `os._exit`. KeyboardInterrupt and the
    like stop the children and propagate. Matrix products run on one thread in every part: the
    parts are one process per CPU already, and a BLAS thread pool in each would oversubscribe the
    CPUs (its idle threads spin; on 2 CPUs the parts' bootstrap took twice as long).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _run(work, n_parts)


def _run(work: Callable[[Link], Any], n_parts: int) -> Optional[list]:
    children = []
    try:
        for part in range(n_parts - 1):
            up_r, up_w = os.pipe()
            down_r, down_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:        # no more processes allowed: one process does the job
                for fd in (up_r, up_w, down_r, down_w):
                    os.close(fd)
                return None
            if pid == 0:       # the child: its part, then exit without running the parent's cleanup
                for _, reader, writer in children:
                    reader.close()
                    writer.close()
                os.close(up_r)
                os.close(down_w)
                _child(work, Link(part, n_parts, os.fdopen(up_w, "wb"), os.fdopen(down_r, "rb")))
            os.close(up_w)
            os.close(down_r)
            children.append((pid, os.fdopen(up_r, "rb"), os.fdopen(down_w, "wb")))
        link = Link(n_parts - 1, n_parts, children=children)
        try:
            return work(link)
        except Abandoned:
            return None
        except Exception:      # noqa: BLE001 - a problem in the input: one process says it exactly
            return None
    finally:
        for pid, reader, writer in children:
            for f in (reader, writer):
                try:
                    f.close()
                except OSError:
                    pass
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)


def _child(work, link: Link) -> None:
    code = 0
    try:
        work(link)
    except BaseException:      # noqa: BLE001 - tell the parent, whatever it was
        code = 1
        try:
            _send(link._out, _Failed())
        except BaseException:  # noqa: BLE001 - the parent is gone: nothing to tell
            pass
    finally:
        try:
            link._out.close()
        except BaseException:  # noqa: BLE001
            pass
        os._exit(code)
