"""Reading and mapping the notes of a big load in processes beside the loader's: the second core of a machine.

A load reads the changed files, builds the lab's name index, then maps each unit's notes to N-Triples statements
while a thread of the store writes the last batch (``Store.replace_graphs``). Reading and mapping are pure Python
(about half of a first load), so a thread cannot share them out: :func:`in_order` runs them in worker processes.

The workers are *forked* once everything they need is made (for the reading: the settings; for the mapping: the
notes read, the name index): they start with the loader's memory as it is, so nothing is sent to them but the unit
keys of each chunk, and only what they make comes back (a unit's notes; its statements, or their N-Quads). Chunks
are handed out and their results taken in the units' order, a few chunks ahead at most (memory stays bounded), so
the loader sees exactly what reading and mapping in-process give, in the same order: the same store, byte for byte
the same exports and report. The workers ignore Ctrl-C (the loader's process handles it, ends them and undoes the
sync); the first error of a worker is raised in the loader, and so is a worker that died (``BrokenProcessPool``).

Without ``fork`` (Windows; or a machine of one core, where a worker gains nothing) everything is done in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import warnings
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

POOL_UNITS = 2_000
"""The fewest units a load reads and maps in worker processes when left to choose: below, starting them costs more
than it saves (a 1,000-note load maps in well under a second)."""
MAX_WORKERS = 4
CHUNK_UNITS = 200
"""Units a worker reads or maps per task: a few hundred milliseconds of work, small against the cost of a task."""
AHEAD = 2
"""Chunks per worker handed out before their results are taken: the workers never wait, memory stays bounded."""

_job: Callable[[str], Any] | None = None
"""The work on one unit, set before the workers are forked (they inherit it, closures and all)."""


def workers_for(units: int, asked: int | None) -> int:
    """How many worker processes read or map ``units`` units: ``asked`` when given (``0``: none), else one per core
    (at most :data:`MAX_WORKERS`) for :data:`POOL_UNITS` units or more on a machine of two cores or more, else none."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if asked is not None:
        return max(0, asked)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if units < POOL_UNITS or cores < 2:
        return 0
    return min(cores, MAX_WORKERS)


def in_order(job: Callable[[str], T], keys: Sequence[str], workers: int) -> Generator[T, None, None]:
    """``job(key)`` of each key, in the keys' order: by ``workers`` forked processes, or here when ``0``."""
    if workers <= 0 or not keys:
        for key in keys:
            yield job(key)
        return
    global _job
    _job = job  # the workers are forked at the first chunk handed out, and inherit it
    executor = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts
    )
    try:
        chunks = [list(keys[start : start + CHUNK_UNITS]) for start in range(0, len(keys), CHUNK_UNITS)]
        pending: deque[Future[list[T]]] = deque()
        handed = 0
        while pending or handed < len(chunks):
            while handed < len(chunks) and len(pending) < AHEAD * workers:
                with warnings.catch_warnings():
                    # The first chunk handed out forks the workers. Python 3.12+ warns that forking a process with
                    # threads (RocksDB's own) may deadlock the child: the workers never touch the store.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    pending.append(executor.submit(_run, chunks[handed]))
                handed += 1
            yield from pending.popleft().result()
    finally:
        # On an error or Ctrl-C here, the chunks not begun are dropped; those begun end in well under a second. A
        # worker that died (killed, out of memory) is raised by result() as BrokenProcessPool.
        executor.shutdown(wait=True, cancel_futures=True)
        _job = None


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(keys: list[str]) -> list[Any]:
    assert _job is not None, "a worker forked without its job"
    return [_job(key) for key in keys]


__all__ = ["in_order", "workers_for"]
