"""Sorted answers kept on disk, so that the pages of a long listing after the first cost a read, not the query.

A query that ends in ``ORDER BY`` gives its first row only once the engine has made and sorted every row: Oxigraph
has no top-k, so asking for rows 1-50, then 51-100, and so on, costs the whole query each time (``source-informs``
at 100,000 notes: seconds a page). Here such an answer is asked of the engine once and written, as the engine
serialises it (SPARQL 1.1 TSV results, written by Oxigraph itself without a Python object per value), to
``<store>/answers/`` when a reader pages on (a page after the first, or the whole listing: a first page alone is
the engine's, with its ``LIMIT``); a later page is then read from it (an index of where every ``_EVERY``-th row
starts, and pyoxigraph's own TSV parser for the page's lines: the same terms the engine gives, checked in tests).

An answer is kept for one state of the store: its key holds the store's generation (one more at every committed
sync) and its manifest's digest, with the query's text and prefixes, so any load, link or removal makes a new key
and the old answers are never read again (the folder is bounded, oldest first out). Not kept: queries that ask a
remote endpoint (``SERVICE``) or whose answer changes from one run to the next (``NOW``, ``RAND``, ``UUID``,
``STRUUID``, ``BNODE``), and anything when the folder cannot be written (a store on a read-only disk): those are
answered by the engine as before. Writing the answer costs 1.3-3x the engine's first page (every value's text
read; 100,000 notes: 5.8-11.9 s against 3.8-7.6 s), about what the whole listing as Python rows costs; every later
page is read back in milliseconds (the whole command ~0.15 s at 100,000 notes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pyoxigraph import QueryResultsFormat, QuerySolutions, parse_query_results

from .durable import write_atomically
from .manifest import digest
from .store import Store, read_generation

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Literal, NamedNode, Triple

    Term = NamedNode | BlankNode | Literal | Triple

FOLDER = "answers"
_FORMAT = 1
_EVERY = 256
"""An index entry every this many rows: a page reads at most this many lines it does not show."""
_MAX_BYTES = 1 << 30
"""The folder's size bound: the oldest answers go first once it is passed."""
_MAX_ANSWERS = 64
_STALE = 3600.0
"""An answer's file with no index this many seconds after it was begun: a writer that died. Removed."""
_STATE = 16
"""Hex digits of a key that name the store's state."""
_NOT_KEPT = re.compile(r"\b(?:SERVICE|NOW|RAND|UUID|STRUUID|BNODE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Kept:
    """One kept answer: its variables, how many rows it has, and where every ``every``-th row starts."""

    path: Path
    variables: list[str]
    count: int
    starts: list[int]
    every: int

    def rows(self, offset: int = 0, limit: int | None = None) -> Iterator[list[Term | None]]:
        """The rows from ``offset`` on, at most ``limit`` of them, read as they are asked for."""
        stop = self.count if limit is None else min(self.count, offset + limit)
        if offset >= stop:
            return
        block = offset // self.every
        header = ("\t".join(f"?{v}" for v in self.variables) + "\n").encode("utf-8")
        with self.path.open("rb") as handle:
            handle.seek(self.starts[block])
            skip = offset - block * self.every
            row = block * self.every
            while row < stop:
                # A batch of whole lines: pyoxigraph parses them with the header, as the file's own rows.
                lines = [handle.readline() for _ in range(min(self.every, stop - row))]
                if not lines[-1]:
                    raise OSError(f"{self.path}: the kept answer ends before its row {row + len(lines)}")
                solutions = parse_query_results(header + b"".join(lines), QueryResultsFormat.TSV)
                assert isinstance(solutions, QuerySolutions)
                for solution in solutions:
                    if skip:
                        skip -= 1
                        continue
                    yield list(solution)
                row += len(lines)
                skip = 0


class Answers:
    """The answers kept in one store's folder."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.folder = store.path / FOLDER

    def key(self, text: str, prefixes: Mapping[str, str]) -> str | None:
        """The name ``text``'s answer is kept under for the store's state now; ``None``: not to be kept."""
        if _NOT_KEPT.search(text):
            return None
        generation = read_generation(self._store.path)
        if generation != self._store.generation:
            return None  # a sync committed since the store was opened: the state on disk is not the one read
        state = json.dumps([_FORMAT, generation, digest(self._store.path)]).encode("utf-8")
        asked = json.dumps([text, sorted(prefixes.items())], ensure_ascii=False).encode("utf-8")
        # the state first: answers of another state are found by name, and let go (_bound)
        return hashlib.sha256(state).hexdigest()[:_STATE] + hashlib.sha256(asked).hexdigest()[:32]

    def find(self, key: str) -> Kept | None:
        """The answer kept under ``key``, if there is a whole one."""
        try:
            index = json.loads((self.folder / f"{key}.json").read_bytes())
            path = self.folder / str(index["file"])
            every, rows, starts = int(index["every"]), int(index["rows"]), [int(p) for p in index["starts"]]
            variables = [str(v) for v in index["variables"]]
            # Checked before it is trusted (a file of the store's folder, but read by every later command): its rows
            # file beside it and of the size written, one start per block of rows, in order.
            if path.parent != self.folder or path.stat().st_size != index["size"] or every < 1 or rows < 0:
                return None
            if len(starts) != -(-rows // every) or starts != sorted(starts) or any(p < 0 for p in starts[:1]):
                return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return Kept(path, variables, rows, starts, every)

    def keep(self, key: str, solutions: QuerySolutions) -> Kept | None:
        """Write ``solutions`` (all of them, as the engine gives them) under ``key``; ``None`` when the folder cannot
        be written. An error of the engine as it makes the rows is raised, nothing kept."""
        variables = [v.value for v in solutions.variables]
        try:
            self.folder.mkdir(exist_ok=True)
            name = f"{key}-{os.getpid()}-{time.monotonic_ns()}.tsv"
            path = self.folder / name
            handle = path.open("xb")
        except OSError:
            return None
        try:
            with handle:
                solutions.serialize(_Bounded(handle, _MAX_BYTES // 2), QueryResultsFormat.TSV)  # type: ignore[arg-type]
            count, starts = _index(path)
            index = {"file": name, "variables": variables, "rows": count, "starts": starts, "every": _EVERY}
            index["size"] = path.stat().st_size
            if read_generation(self._store.path) != self._store.generation:
                raise OSError("a sync committed meanwhile")  # what was read may not be the state the key names
            write_atomically(self.folder / f"{key}.json", json.dumps(index).encode("utf-8"), sync_dir=False)
        except OSError:
            path.unlink(missing_ok=True)
            return None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        self._bound(key)
        return Kept(path, variables, count, starts, _EVERY)

    def _bound(self, key: str) -> None:
        """Keep the folder within its bounds: answers of other states than ``key``'s out (never to be read again),
        then the oldest first; files of writers that died removed."""
        with contextlib.suppress(OSError):
            entries = {e.name: e.stat() for e in os.scandir(self.folder) if e.is_file()}
            indexes = sorted((entries[n].st_mtime, n) for n in entries if n.endswith(".json"))
            used: dict[str, str] = {}
            for _, name in indexes:
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    used[name] = str(json.loads((self.folder / name).read_bytes())["file"])
            now = time.time()
            for name, stat in entries.items():
                if name.endswith(".tsv") and name not in used.values() and now - stat.st_mtime > _STALE:
                    (self.folder / name).unlink(missing_ok=True)
            total = sum(entries[f].st_size for f in used.values() if f in entries)
            for _, name in indexes:
                if name.startswith(key[:_STATE]) and total <= _MAX_BYTES and len(used) <= _MAX_ANSWERS:
                    continue
                data = used.pop(name, None)
                (self.folder / name).unlink(missing_ok=True)
                if data is not None and data in entries:
                    (self.folder / data).unlink(missing_ok=True)
                    total -= entries[data].st_size


class _Bounded:
    """A file that takes at most ``bound`` bytes: a bigger answer is not kept (OSError), and not written whole."""

    def __init__(self, handle: BinaryIO, bound: int) -> None:
        self._handle, self._left = handle, bound

    def write(self, data: bytes) -> int:
        self._left -= len(data)
        if self._left < 0:
            raise OSError("the answer is too big to be kept")
        return self._handle.write(data)

    def flush(self) -> None:
        self._handle.flush()


def _index(path: Path) -> tuple[int, list[int]]:
    """How many rows a TSV answer has, and where every ``_EVERY``-th row starts (a row is a line: TSV escapes the
    line breaks of its literals)."""
    starts: list[int] = []
    count = 0
    with path.open("rb") as handle:
        position = len(handle.readline())  # the header
        for line in handle:
            if count % _EVERY == 0:
                starts.append(position)
            position += len(line)
            count += 1
    return count, starts
