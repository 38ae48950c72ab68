"""How a store's manifest is kept on disk: read and written where it changed, not as one document.

The manifest (:attr:`rdfnotes.store.Store.manifest`) is a plain dict; what makes it big is each folder's
``units``, a record per file loaded (100,000 of them for a lab of 100,000 notes: ~200 MB as JSON). Those are kept
in *shards*: each folder's units cut into runs of a few hundred (where a run ends depends on the keys alone), each
in a file named by the SHA-1 of its bytes. A load that changes a few files writes the few shards that hold them,
and a head, ``manifest.json``, naming the shards of each folder beside the rest of the manifest (JSON).

Writing is crash-safe without a journal of its own: new shards are written under new names (a temporary file,
fsynced, renamed), then the head is replaced the same way (one rename: the manifest is the old one or the new one),
then the shards no head names are deleted. The head's SHA-1 thus names the whole manifest (see :func:`digest`).

Shards are :mod:`marshal` data (version 2: version 4's bytes depend on reference counts, so an unchanged shard
could look changed), not JSON: writing them is ~5 times faster than ``json.dumps`` and
reading them as fast as ``json.loads`` (measured on 100,000 units: marshal 0.27 s / 0.71 s, JSON 1.24 s / 0.77 s).
Only plain values are written (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``: what the
manifest holds), and nothing read is ever called or evaluated; a shard that cannot be read makes the whole manifest
unreadable, which costs only time: the next load reads every file again. The cycle collector is paused while
shards are decoded (it would otherwise rescan the millions of new containers many times: ~6 s instead of 0.7 s);
the command line then keeps them out of later collections (``gc.freeze``, see ``rdfnotes.cli``).

A manifest written by rdfnotes before shards (``manifest.json`` holding the whole manifest) is read as it is, once;
the next save writes it in shards.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import marshal
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .durable import write_atomically

HEAD = "manifest.json"
FORMAT = "rdfnotes-manifest-shards"
FORMAT_VERSION = 1
SHARD_PREFIX = "manifest-"
SHARD_SUFFIX = ".units"
_MAGIC = b"rdfnotes units 1\n"
_MARSHAL_VERSION = 2
# Units per shard, on average: a shard of 200 Roam pages is ~350 KB; a folder of 100,000 has ~500 of them.
_SHARD_UNITS = 200
_MAX_SHARD_UNITS = 8192


# The shards read or written last in each store directory, by name: the units of each, in order. A shard whose
# units are still the very same objects (unit records are never changed in place: a changed file gets a new one) is
# not encoded and hashed again at the next write (~0.35 s of a reload at 100,000 notes).
_KNOWN_SHARDS: dict[str, dict[str, list[tuple[str, Any]]]] = {}


class ManifestUnreadable(Exception):
    """The manifest on disk is damaged or of an unknown format (the store treats it as absent)."""


def read(directory: Path) -> dict[str, Any] | None:
    """The manifest kept in ``directory``; ``None`` when there is none.

    :raises ManifestUnreadable: when it is there but cannot be read whole.
    """
    try:
        head_bytes = (directory / HEAD).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ManifestUnreadable(str(exc)) from exc
    with _collector_paused():
        try:
            head = json.loads(head_bytes)
        except ValueError as exc:
            raise ManifestUnreadable(f"{HEAD}: {exc}") from exc
        if not isinstance(head, dict):
            raise ManifestUnreadable(f"{HEAD}: not an object")
        if head.get("format") != FORMAT:
            return head  # the whole manifest in one JSON document, as rdfnotes wrote it before shards
        if head.get("format_version") != FORMAT_VERSION or not isinstance(head.get("manifest"), dict):
            raise ManifestUnreadable(f"{HEAD}: format version {head.get('format_version')!r} is not known")
        manifest: dict[str, Any] = head["manifest"]
        shards = head.get("shards", {})
        roots = manifest.get("roots")
        if not isinstance(shards, dict) or (shards and not isinstance(roots, dict)):
            raise ManifestUnreadable(f"{HEAD}: shards of no folder")
        known: dict[str, list[tuple[str, Any]]] = {}
        for key, names in shards.items():
            root = roots.get(key) if isinstance(roots, dict) else None
            if not isinstance(root, dict) or not isinstance(names, list):
                raise ManifestUnreadable(f"{HEAD}: shards of an unknown folder {key!r}")
            units: dict[str, Any] = {}
            for name in names:
                known[name] = list(_read_shard(directory, name).items())
                units.update(known[name])
            root["units"] = units
        _remember(directory, known)
        return manifest


def write(directory: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest`` to ``directory``: the shards that are not there yet, then the head, atomically; then
    delete the shards of earlier manifests."""
    roots = manifest.get("roots")
    shards: dict[str, list[str]] = {}
    body = manifest
    present = {name for name in os.listdir(directory) if name.startswith(SHARD_PREFIX)}
    known = _KNOWN_SHARDS.get(str(directory), {})
    by_first = {run[0][0]: (name, run) for name, run in known.items() if run}
    written: dict[str, list[tuple[str, Any]]] = {}
    if isinstance(roots, dict):
        body = {**manifest, "roots": dict(roots)}
        for key, root in roots.items():
            if not isinstance(root, dict) or not isinstance(root.get("units"), dict):
                continue
            names = []
            for run in _runs(root["units"]):
                name, same = by_first.get(run[0][0], ("", []))
                if not (name in present and _same_units(run, same)):
                    data = _shard_bytes(dict(run))
                    name = f"{SHARD_PREFIX}{hashlib.sha1(data).hexdigest()}{SHARD_SUFFIX}"
                    if name not in present:
                        write_atomically(directory / name, data, sync_dir=False)
                        present.add(name)
                names.append(name)
                written[name] = run
            shards[key] = names
            body["roots"][key] = {k: v for k, v in root.items() if k != "units"}
    head = _head_bytes(body, shards)
    try:
        unchanged = (directory / HEAD).read_bytes() == head
    except OSError:
        unchanged = False
    if not unchanged:
        write_atomically(directory / HEAD, head, sync_dir=True)
    _remember(directory, written)
    used = {name for names in shards.values() for name in names}
    for name in present - used:
        with contextlib.suppress(OSError):
            (directory / name).unlink()


def digest(directory: Path) -> str | None:
    """A name for the manifest on disk now: changes whenever any of it does (``None``: no manifest)."""
    try:
        return hashlib.sha1((directory / HEAD).read_bytes()).hexdigest()
    except OSError:
        return None


def _head_bytes(body: dict[str, Any], shards: dict[str, list[str]]) -> bytes:
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "manifest": body, "shards": shards}
    return json.dumps(head, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _remember(directory: Path, shards: dict[str, list[tuple[str, Any]]]) -> None:
    _KNOWN_SHARDS.pop(str(directory), None)
    _KNOWN_SHARDS[str(directory)] = shards
    while len(_KNOWN_SHARDS) > 4:  # the stores a process used last; others are read again
        del _KNOWN_SHARDS[next(iter(_KNOWN_SHARDS))]


def _runs(units: dict[str, Any]) -> Iterator[list[tuple[str, Any]]]:
    """A folder's units cut into the runs its shards hold: runs of units in their order (the loader keeps them
    sorted), each ending after a unit whose key's hash is a multiple of ``_SHARD_UNITS`` (a run of ~200 units on
    average). Where a run ends depends only on the keys around it: a file added or removed changes one shard, and
    the others keep their bytes and names. Read in order, the shards give the units in their order."""
    run: list[tuple[str, Any]] = []
    for key, entry in units.items():
        run.append((key, entry))
        if zlib.crc32(str(key).encode("utf-8", "surrogatepass")) % _SHARD_UNITS == 0 or len(run) >= _MAX_SHARD_UNITS:
            yield run
            run = []
    if run:
        yield run


def _same_units(run: list[tuple[str, Any]], known: list[tuple[str, Any]]) -> bool:
    """Whether ``run`` is the very units of a shard on disk: the same keys, each the same object."""
    return len(run) == len(known) and all(a[0] == b[0] and a[1] is b[1] for a, b in zip(run, known, strict=True))


def _shard_bytes(run: dict[str, Any]) -> bytes:
    try:
        data = marshal.dumps(run, _MARSHAL_VERSION)
    except ValueError:  # a value of a type of its own (a dict subclass ...): as JSON would write it
        data = marshal.dumps(json.loads(json.dumps(run)), _MARSHAL_VERSION)
    return _MAGIC + data


def _read_shard(directory: Path, name: str) -> dict[str, Any]:
    """The units of the shard ``name``."""
    if not isinstance(name, str) or not name.startswith(SHARD_PREFIX) or "/" in name or os.sep in name:
        raise ManifestUnreadable(f"{HEAD}: {name!r} is no shard")
    try:
        data = (directory / name).read_bytes()
    except OSError as exc:
        raise ManifestUnreadable(f"{name}: {exc}") from exc
    if not data.startswith(_MAGIC):
        raise ManifestUnreadable(f"{name}: not a shard of units")
    try:
        run = marshal.loads(memoryview(data)[len(_MAGIC) :])
    except (EOFError, ValueError, TypeError) as exc:
        raise ManifestUnreadable(f"{name}: {exc}") from exc
    if not isinstance(run, dict):
        raise ManifestUnreadable(f"{name}: not a shard of units")
    return run


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


COUNTS = "counts.json"
"""The load summary's counts, with the manifest (:func:`digest`) and the queries they were counted for."""


def cached_counts(directory: Path, key: str) -> dict[str, int] | None:
    """The counts kept for ``key`` (``None``: none, or kept for another manifest or other queries)."""
    try:
        kept = json.loads((directory / COUNTS).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key or not isinstance(kept.get("counts"), dict):
        return None
    counts: dict[str, int] = kept["counts"]
    if not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in counts.items()):
        return None
    return counts


def keep_counts(directory: Path, key: str, counts: dict[str, int]) -> None:
    """Keep ``counts`` for ``key``, atomically (a file of its own: the manifest is saved before they are made)."""
    data = json.dumps({"key": key, "counts": counts}, sort_keys=True).encode("utf-8")
    with contextlib.suppress(OSError):  # only saves time
        write_atomically(directory / COUNTS, data, sync_dir=False)


def forget_counts(directory: Path) -> None:
    """Drop the kept counts: the store is about to change in a way the manifest does not show (the link graph)."""
    with contextlib.suppress(FileNotFoundError):
        (directory / COUNTS).unlink()
