"""What the readers share: the unit of sync, what reading one gives, and the context of one load's reading."""

from __future__ import annotations

import stat as stat_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Triple

from ..config import Config, name_key
from ..errors import ReadError
from ..model import Note, Problem


@dataclass(frozen=True)
class NoteFile:
    """A file found under a root: its path on disk, its path relative to the root, and its stat signature."""

    path: Path
    relpath: str
    mtime_ns: int
    size: int
    refused: str | None = None
    """Why the file is not opened at all: not a regular file (a pipe would block the load), or a symbolic link
    to a file outside the folder being loaded (a load reads only what it was given)."""


@dataclass(frozen=True)
class Unit:
    """The unit of sync: files read together by one reader; re-read when any of their sizes or mtimes changes.

    ``key`` is the relative path of its main file (the one that holds its notes); ``files`` starts with it.
    """

    key: str
    format: str
    files: tuple[NoteFile, ...]

    @property
    def main(self) -> NoteFile:
        return self.files[0]

    def signature(self) -> dict[str, list[int]]:
        """Each file's ``[mtime_ns, size]``, by relative path: what the manifest compares."""
        return {f.relpath: [f.mtime_ns, f.size] for f in self.files}


@dataclass
class RdfDocument:
    """An RDF file loaded as it is: its triples go into a graph of their own (``{base}file/{path}``)."""

    path: str
    triples: list[Triple]


@dataclass
class UnitContent:
    """What reading one unit gave."""

    notes: list[Note] = field(default_factory=list)
    documents: list[RdfDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ReadContext:
    """What the readers of one load share: the settings, and files several units read (parsed once)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.spaced_keys = frozenset(name_key(a.name) for a in config.attributes)
        self._cache: dict[tuple[str, str, int, int], Any] = {}

    def cached(self, kind: str, file: NoteFile, parse: Any) -> Any:
        """``parse(file)`` once per load for a file several units share (``relations.json``, ``data.json``)."""
        key = (kind, str(file.path), file.mtime_ns, file.size)
        if key not in self._cache:
            try:
                self._cache[key] = parse(file)
            except ReadError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, ReadError):
            raise found
        return found


def read_bytes(file: NoteFile) -> bytes:
    """A file's bytes. :raises ReadError: naming the file, when it cannot be read."""
    if file.refused:
        raise ReadError(file.relpath, file.refused)
    try:
        return file.path.read_bytes()
    except OSError as exc:
        raise ReadError(file.relpath, f"cannot read the file ({exc.strerror or exc})") from exc


def stat_file(path: Path, relpath: str, root: Path | None = None) -> NoteFile:
    """The file's signature; ``refused`` says why it is not to be read (``root``: the folder being loaded)."""
    try:
        stat = path.stat()
    except OSError:
        # A dangling symbolic link or a file gone since the walk: reading it will say what is wrong.
        return NoteFile(path, relpath, 0, -1)
    refused = None
    if not stat_module.S_ISREG(stat.st_mode):
        refused = "not a regular file (a pipe, socket or device): not read"
    elif root is not None and path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        refused = f"a symbolic link to {path.resolve()}, outside the folder being loaded: not read"
    return NoteFile(path, relpath, stat.st_mtime_ns, stat.st_size, refused)
