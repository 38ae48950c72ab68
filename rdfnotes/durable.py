"""Files written so that they survive the process (and say so only once on disk): the store's journal and manifest;
an export replacing its file only once it is whole.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomically(folder / "a.json", b"{}", sync_dir=True)
>>> (folder / "a.json").read_bytes()
b'{}'
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import OutputError


def write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and wait until it is on disk."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Wait until the folder's entries (files made, renamed, deleted in it) are on disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_atomically(path: Path, data: bytes, *, sync_dir: bool) -> None:
    """Replace ``path`` by ``data`` in one rename: a reader finds the old file or the new one, whole; with
    ``sync_dir``, the rename itself is on disk when this returns."""
    tmp = path.with_name(path.name + ".tmp")
    write_synced(tmp, data)
    os.replace(tmp, path)
    if sync_dir:
        fsync_dir(path.parent)


def check_output_file(path: Path) -> None:
    """Refuse ``path`` as a file to write unless it is a regular file or nothing is there yet: a symbolic link, a
    pipe, a device (``/dev/full``) or a folder would be replaced by the rename, or written through.

    :raises OutputError: saying what is there.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the export there ({exc.strerror or exc})") from exc
    if stat.S_ISREG(mode):
        return
    what = (
        "a symbolic link"
        if stat.S_ISLNK(mode)
        else "a folder"
        if stat.S_ISDIR(mode)
        else "a pipe"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
    )
    raise OutputError(f"{path}: is {what}, not a file: an export writes only a regular file or a new path")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file beside ``path`` to write, renamed over ``path`` when the block ends (removed if it fails): ``path``
    is the old file or the new one, never half of one. Only a regular file or a new path is replaced
    (:func:`check_output_file`); the new file is made with a name of its own, never through a link planted there.

    :raises OutputError: when ``path`` is not a file, or the file cannot be written there.
    """
    check_output_file(path)
    try:
        descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the export there ({exc.strerror or exc})") from exc
    partial = Path(name)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(descriptor, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        check_output_file(path)  # it may have changed while the export was written
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the export there ({exc.strerror or exc})") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
