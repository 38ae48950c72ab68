"""Readers: one per input format, each turning a file into the same :class:`~rdfnotes.model.Note`.

This module finds the files a path holds and hands each to its reader.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import Note
from . import roam_markdown

NOTE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class NoteFile:
    """A file found under a root: its path on disk, its path relative to the root, and its stat signature."""

    path: Path
    relpath: str
    mtime_ns: int
    size: int


def discover(root: Path, ignore: tuple[str, ...] = ()) -> Iterator[NoteFile]:
    """The note files under ``root`` (or ``root`` itself, when it is a file), in path order.

    Hidden files and folders (``.obsidian``, ``.git``, ``.rdfnotes`` …) are passed over, so are paths matching an
    ``ignore`` glob, and symbolic links to folders are not followed, so a link loop cannot trap the walk.
    """
    if root.is_file():
        stat = root.stat()
        yield NoteFile(root, root.name, stat.st_mtime_ns, stat.st_size)
        return
    found: list[NoteFile] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                continue
            path = Path(folder) / name
            relpath = path.relative_to(root).as_posix()
            if any(fnmatch.fnmatchcase(relpath, pattern) for pattern in ignore):
                continue
            try:
                stat = path.stat()
                found.append(NoteFile(path, relpath, stat.st_mtime_ns, stat.st_size))
            except OSError:
                # A dangling symbolic link or a file gone since the walk: reading it will say what is wrong.
                found.append(NoteFile(path, relpath, 0, -1))
    yield from sorted(found, key=lambda f: f.relpath)


def read_note(data: bytes, relpath: str, *, spaced_keys: frozenset[str]) -> Note:
    """Read one file's bytes with the reader its format needs."""
    return roam_markdown.read(data, relpath, spaced_keys=spaced_keys)
