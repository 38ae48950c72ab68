"""Files written so that they survive the process (and say so only once on disk): the store's journal and manifest.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomically(folder / "a.json", b"{}", sync_dir=True)
>>> (folder / "a.json").read_bytes()
b'{}'
"""

from __future__ import annotations

import os
from pathlib import Path


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
