"""What the readers share: the unit of sync, what reading one gives, and the context of one load's reading."""

from __future__ import annotations

import stat as stat_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Triple

from ..config import Config, Rule, name_key
from ..errors import ReadError
from ..model import Note, Problem


class NoteFile:
    """A file found under a root: its path on disk, its path relative to the root, and its stat signature.

    Compared and hashed by all five; not changed once made. ``path`` may be given as a string: the
    :class:`~pathlib.Path` is made when first asked for (a walk of 100,000 files would spend more making them
    than listing the folders)."""

    __slots__ = ("_path", "mtime_ns", "refused", "relpath", "size")

    relpath: str
    mtime_ns: int
    size: int
    refused: str | None
    """Why the file is not opened at all: not a regular file (a pipe would block the load), or a symbolic link
    to a file outside the folder being loaded (a load reads only what it was given)."""

    def __init__(self, path: Path | str, relpath: str, mtime_ns: int, size: int, refused: str | None = None) -> None:
        self._path = path
        self.relpath = relpath
        self.mtime_ns = mtime_ns
        self.size = size
        self.refused = refused

    @property
    def path(self) -> Path:
        path = self._path
        if isinstance(path, str):
            path = self._path = Path(path)
        return path

    def _fields(self) -> tuple[Path, str, int, int, str | None]:
        return (self.path, self.relpath, self.mtime_ns, self.size, self.refused)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NoteFile):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"NoteFile(path={self.path!r}, relpath={self.relpath!r}, mtime_ns={self.mtime_ns!r}, "
            f"size={self.size!r}, refused={self.refused!r})"
        )


class Unit:
    """The unit of sync: files read together by one reader; re-read when any of their sizes or mtimes changes.

    ``key`` is the relative path of its main file (the one that holds its notes); ``files`` starts with it.
    Compared and hashed by all three; not changed once made (a plain class: a load makes one per file).
    """

    __slots__ = ("files", "format", "key")

    key: str
    format: str
    files: tuple[NoteFile, ...]

    def __init__(self, key: str, format: str, files: tuple[NoteFile, ...]) -> None:
        self.key = key
        self.format = format
        self.files = files

    @property
    def main(self) -> NoteFile:
        return self.files[0]

    def signature(self) -> dict[str, list[int]]:
        """Each file's ``[mtime_ns, size]``, by relative path: what the manifest compares."""
        if len(self.files) == 1:
            main = self.files[0]
            return {main.relpath: [main.mtime_ns, main.size]}
        return {f.relpath: [f.mtime_ns, f.size] for f in self.files}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Unit):
            return NotImplemented
        return (self.key, self.format, self.files) == (other.key, other.format, other.files)

    def __hash__(self) -> int:
        return hash((self.key, self.format, self.files))

    def __repr__(self) -> str:
        return f"Unit(key={self.key!r}, format={self.format!r}, files={self.files!r})"


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
    templates: int = 0
    """How many of its pages are templates, left out."""
    grammar: list[tuple[str, Rule]] = field(default_factory=list)
    """The grammar the export states, as ``(file, rule)`` (an Obsidian ``data.json``, a Roam JSON ``grammar``)."""


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
        refused = NOT_REGULAR
    elif root is not None and path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        refused = outside_root(path.resolve())
    return NoteFile(path, relpath, stat.st_mtime_ns, stat.st_size, refused)


NOT_REGULAR = "not a regular file (a pipe, socket or device): not read"


def outside_root(target: Path) -> str:
    """Why a symbolic link to ``target``, a file outside the folder being loaded, is not read."""
    return f"a symbolic link to {target}, outside the folder being loaded: not read"
