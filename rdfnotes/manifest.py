"""How a store's manifest is kept on disk: read and written where it changed, not as one document.

The manifest (:attr:`rdfnotes.store.Store.manifest`) is a plain dict; what makes it big is each folder's
``units``, a record per file loaded (100,000 of them for a lab of 100,000 notes: ~200 MB as JSON). A folder's units
are a :class:`Units` mapping, kept in three kinds of files, each named by the SHA-1 of its bytes:

- *shards* (``manifest-*.units``): the records, cut into runs of a few hundred (where a run ends depends on the keys
  alone);
- a *key list* (``manifest-*.keys``): per unit its key, format, files' sizes and mtimes, and the shard holding it:
  what a re-sync compares with the folder to find what changed (~0.07 s to read at 100,000 units);
- a *name index* (``manifest-*.names``): the folder's page names, as the last load resolved links with them
  (``rdfnotes.loader``), kept so that a load that changes no name takes them as they are.

A re-sync thus reads the key list, and the shards of the few units that changed, not the whole manifest (~0.9 s at
100,000 units); it writes the shards that hold a changed unit. The head, ``manifest.json``, names each folder's files
beside the rest of the manifest (JSON).

Writing is crash-safe without a journal of its own: new files are written under new names (a temporary file,
fsynced, renamed), then the head is replaced the same way (one rename: the manifest is the old one or the new one),
then the files no head names are deleted. The head's SHA-1 thus names the whole manifest (see :func:`digest`).
(A SQLite table looked up per unit was the other way: it would change in place, and the store's undo journal,
which keeps the manifest's files as hard links, could no longer put it back; files that never change once written
keep that journal as it is. Measured before: a SQLite manifest diff alone cost 1.4 s at 100,000 units.)

Shards, key lists and name indexes are :mod:`marshal` data (version 2: version 4's bytes depend on reference counts,
so an unchanged shard could look changed), not JSON: writing them is ~5 times faster than ``json.dumps`` and reading
them as fast as ``json.loads``. Only plain values are written (``dict``, ``list``, ``tuple``, ``str``, ``int``,
``float``, ``bool``, ``None``: what the manifest holds), and nothing read is ever called or evaluated. A file that
cannot be read makes the whole manifest unreadable (:class:`ManifestUnreadable`), which costs only time: the next load
reads every file again. A writer (``lazy``) reads a shard only when one of its units is asked for: a damaged one is
found then, and the load starts again without the manifest (rdfnotes.loader). The cycle collector is paused while
shards are decoded (it would otherwise rescan the millions of new containers many times: ~6 s instead of 0.7 s);
the command line then keeps them out of later collections (``gc.freeze``, see ``rdfnotes.cli``).

Manifests of earlier versions are read as they are, once, and the next save writes them in this format: the whole
manifest in one JSON document (before shards), and shards without key lists (format version 1).
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import gc
import hashlib
import json
import marshal
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from .durable import write_atomically
from .errors import StoreError

HEAD = "manifest.json"
FORMAT = "rdfnotes-manifest-shards"
FORMAT_VERSION = 2
SHARD_PREFIX = "manifest-"
SHARD_SUFFIX = ".units"
KEYS_SUFFIX = ".keys"
NAMES_SUFFIX = ".names"
_MAGIC = b"rdfnotes units 1\n"
_KEYS_MAGIC = b"rdfnotes keys 1\n"
_NAMES_MAGIC = b"rdfnotes names 1\n"
_MARSHAL_VERSION = 2
# Units per shard, on average: a shard of 200 Roam pages is ~350 KB; a folder of 100,000 has ~500 of them.
_SHARD_UNITS = 200
_MAX_SHARD_UNITS = 8192

Flat = tuple[Any, ...]
"""A unit's files as the key list holds them: ``(path, mtime_ns, size, path, ...)``, in the order of its record."""


class ManifestUnreadable(Exception):
    """The manifest on disk is damaged or of an unknown format (the store treats it as absent)."""


class ShardGone(ManifestUnreadable, StoreError):
    """A reader asked for a record whose shard a writer has since let go: the store changed under the reader."""


class ManifestDamaged(ManifestUnreadable, StoreError):
    """A reader found a folder's key list damaged when it first asked about its units."""


_KEY_LIST = ("_keys", "_hot", "_shards", "_sizes", "_saved", "names", "owned", "templates")
"""The attributes of :class:`Units` that its key list fills (a reader's are read when first asked for)."""


def flat_files(files: Any) -> Flat | None:
    """A record's ``files`` (``{path: [mtime_ns, size]}``) as a :data:`Flat` (``None``: not of that shape)."""
    try:
        return tuple(value for path, (mtime, size) in files.items() for value in (path, mtime, size))
    except (AttributeError, TypeError, ValueError):
        return None


class Units(MutableMapping[str, Any]):
    """A folder's units, key → record, in key order; a record is read from its shard when first asked for.

    What a re-sync compares needs no record: :meth:`same` (format and files of a unit), iteration and ``len`` (the
    keys). ``names`` is the folder's name index as the loader keeps it (``None``: none kept: made again)."""

    def __init__(self, entries: Mapping[str, Any] | None = None) -> None:
        self._keys: list[str] = []
        self._hot: dict[str, tuple[Any, Flat | None, int]] = {}
        """Per key: its format, its files (:data:`Flat`) and the index of the shard holding it (-1: not on disk)."""
        self._entries: dict[str, Any] = {}
        self._shards: list[str] = []
        self._sizes: list[int] = []
        """How many units each shard on disk holds."""
        self._directory: Path | None = None
        self.names: bytes | None = None
        self.templates: int | None = None
        """How many templates the units left out, all told (the loader keeps it; ``None``: to be counted)."""
        self.owned = False
        """Whether the loader found each unit's graphs named by its key (its own: rdfnotes.loader keeps it)."""
        self._saved: tuple[dict[str, Any], bytes | None, bool, int | None] | None = None
        """The files on disk holding these very units, with the name index and ``owned`` they hold."""
        self._pending: tuple[Path, dict[str, Any]] | None = None
        """Where a reader's key list is, until it is read (:meth:`__getattr__`)."""
        if entries:
            for key, entry in sorted(entries.items()):
                self._keys.append(key)
                self._put(key, entry)

    def _put(self, key: str, entry: Any) -> None:
        self._entries[key] = entry
        files = entry.get("files") if isinstance(entry, dict) else None
        self._hot[key] = (entry.get("format") if isinstance(entry, dict) else None, flat_files(files or {}), -1)

    def __getattr__(self, name: str) -> Any:
        """A reader's key list, read when first asked about (see :func:`read`): only then are these attributes set."""
        pending = self.__dict__.get("_pending")
        if pending is None or name not in _KEY_LIST:
            raise AttributeError(name)
        self._pending = None
        directory, names = pending
        try:
            _read_units(directory, names, self)
        except ManifestUnreadable as exc:
            if isinstance(names.get("keys"), str) and not (directory / names["keys"]).exists():
                raise ShardGone(
                    f"{directory}: another load changed the store while this command read it; run it again"
                ) from None
            raise ManifestDamaged(
                f"{directory}: the store's manifest is damaged ({exc}); the next load reads every file again"
            ) from None
        return getattr(self, name)

    # -- the mapping -------------------------------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError:
            pass
        shard = self._hot[key][2]  # KeyError: no such unit
        self._load_shard(shard)
        try:
            return self._entries[key]
        except KeyError:
            raise ManifestUnreadable(f"{self._shards[shard]}: lacks the unit {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._hot

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __setitem__(self, key: str, entry: Any) -> None:
        self._saved = None
        if key not in self._hot:
            self._keys = [*self._keys]  # perhaps shared with the units this was derived from
            bisect.insort(self._keys, key)
        self._put(key, entry)

    def __delitem__(self, key: str) -> None:
        del self._hot[key]
        self._saved = None
        self._entries.pop(key, None)
        self._keys = [*self._keys]
        del self._keys[bisect.bisect_left(self._keys, key)]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return list(self) == list(other) and all(self[k] == other[k] for k in self)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(dict(self.items()), memo)

    def __repr__(self) -> str:
        return f"Units({len(self)} units)"

    # -- what a re-sync asks ------------------------------------------------------------------------------------

    def same(self, key: str, format: str, files: Flat) -> bool:
        """Whether the unit ``key`` was loaded in ``format`` from these very files (sizes and mtimes)."""
        hot = self._hot.get(key)
        return hot is not None and hot[0] == format and hot[1] == files

    def signatures(self) -> Iterator[tuple[str, Any, Flat]]:
        """Each unit's key, format and files (:data:`Flat`), in key order, without reading a record."""
        for key in self._keys:
            fmt, flat, _ = self._hot[key]
            yield key, fmt, flat if flat is not None else flat_files(self[key].get("files", {})) or ()

    def same_format(self, key: str, format: str) -> bool:
        """Whether the unit ``key``, if it was loaded, was loaded in ``format``."""
        hot = self._hot.get(key)
        return hot is None or hot[0] == format

    def derive(self, keep: Iterable[str], new: Mapping[str, Any]) -> Units:
        """The units ``keep`` (their records as here, read from the same shards) and the ``new`` records."""
        units = Units()
        units._directory, units._shards, units._sizes = self._directory, self._shards, self._sizes
        keep = keep if isinstance(keep, (set, frozenset)) else set(keep)
        units._hot = self._hot.copy()  # most units are kept, as a rule: dropping the others is quicker
        for key in self._hot.keys() - keep:
            del units._hot[key]
        units._entries = {key: entry for key, entry in self._entries.items() if key in units._hot}
        for key, entry in new.items():
            units._put(key, entry)
        if len(units._hot) != len(self._hot) or not units._hot.keys() <= self._hot.keys():
            units._keys = sorted(units._hot)
        elif new:
            units._keys = self._keys  # the same keys: only some records are new
        else:
            units._keys, units._saved = self._keys, self._saved  # the same units: on disk as they are
        return units

    def _load_shard(self, shard: int) -> None:
        if shard < 0 or self._directory is None:
            raise ManifestUnreadable("a unit of no shard")
        name = self._shards[shard]
        with _collector_paused():
            try:
                run = _read_shard(self._directory, name)
            except ManifestUnreadable:
                if (self._directory / name).exists():
                    raise
                # A reader's: a load committed since it opened the store, and its manifest no longer names this.
                raise ShardGone(
                    f"{self._directory}: another load changed the store while this command read it; run it again"
                ) from None
        for key, entry in run.items():
            if key in self._hot and key not in self._entries:
                self._entries[key] = entry

    def load_all(self) -> None:
        """Read every record now."""
        needed = sorted({self._hot[key][2] for key in self._keys if key not in self._entries})
        for shard in needed:
            self._load_shard(shard)
        if len(self._entries) != len(self._keys):
            raise ManifestUnreadable("a shard lacks some of its units")


def as_units(units: Any) -> Units:
    """A folder record's ``units`` as :class:`Units` (a plain dict, as earlier versions or a caller left it)."""
    if isinstance(units, Units):
        return units
    return Units(units if isinstance(units, Mapping) else {})


def plain(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` with each folder's units as a plain dict, all read (as JSON would hold it)."""
    roots = manifest.get("roots")
    if not isinstance(roots, dict):
        return manifest
    return {
        **manifest,
        "roots": {
            key: {**root, "units": dict(root["units"].items())} if isinstance(root, dict) and "units" in root else root
            for key, root in roots.items()
        },
    }


def read(directory: Path, *, lazy: bool = False, reader: bool = False) -> dict[str, Any] | None:
    """The manifest kept in ``directory``; ``None`` when there is none.

    :param lazy: read records only when asked for, not all now. A writer alone deletes shards; a reader that asks
        for a record after a writer committed a newer manifest may find its shard gone (:class:`ShardGone`).
    :param reader: (with ``lazy``) read even a folder's key list when its units are first asked about: most
        readers (query, export, serve) never do (0.2 s at 100,000 units). What goes wrong then is a
        :class:`~rdfnotes.errors.StoreError` (:class:`ShardGone`: a writer let the files go since).
    :raises ManifestUnreadable: when it is there but cannot be read (whole, unless ``lazy``).
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
        version = head.get("format_version")
        if version not in (1, FORMAT_VERSION) or not isinstance(head.get("manifest"), dict):
            raise ManifestUnreadable(f"{HEAD}: format version {version!r} is not known")
        manifest: dict[str, Any] = head["manifest"]
        shards = head.get("shards", {})
        roots = manifest.get("roots")
        if not isinstance(shards, dict) or (shards and not isinstance(roots, dict)):
            raise ManifestUnreadable(f"{HEAD}: shards of no folder")
        for key, names in shards.items():
            root = roots.get(key) if isinstance(roots, dict) else None
            if not isinstance(root, dict):
                raise ManifestUnreadable(f"{HEAD}: shards of an unknown folder {key!r}")
            if version == 1:  # shards alone: read whole, once
                if not isinstance(names, list):
                    raise ManifestUnreadable(f"{HEAD}: shards of {key!r} are no list")
                units: dict[str, Any] = {}
                for name in names:
                    units.update(_read_shard(directory, name))
                root["units"] = units
                continue
            root["units"] = _pending_units(directory, names) if lazy and reader else _read_units(directory, names)
            if not lazy:
                root["units"].load_all()
        return manifest


def _pending_units(directory: Path, names: Any) -> Units:
    """A folder's :class:`Units` whose key list is read when first asked about (:meth:`Units.__getattr__`)."""
    if not isinstance(names, dict) or not isinstance(names.get("units"), list):
        raise ManifestUnreadable(f"{HEAD}: a folder's files are not named")
    units = Units()
    for name in _KEY_LIST:
        delattr(units, name)
    units._pending = (directory, names)
    return units


def _read_units(directory: Path, names: Any, units: Units | None = None) -> Units:
    """A folder's :class:`Units` from the files the head names for it (``{"units", "keys", "names"}``), or
    ``units``' key list filled from them."""
    if not isinstance(names, dict) or not isinstance(names.get("units"), list):
        raise ManifestUnreadable(f"{HEAD}: a folder's files are not named")
    keys, formats, files, shard_of, owned, templates = _read_marshal(
        directory, names.get("keys"), KEYS_SUFFIX, _KEYS_MAGIC
    )
    shards = names["units"]
    for name in shards:
        _check_name(name, SHARD_SUFFIX)
        if not (directory / name).is_file():
            raise ManifestUnreadable(f"{name}: missing")
    units = Units() if units is None else units
    units._directory = directory
    units._shards = shards
    units._keys = keys
    try:
        units._hot = {k: (fmt, flat, shard) for k, fmt, flat, shard in zip(keys, formats, files, shard_of, strict=True)}
    except ValueError as exc:
        raise ManifestUnreadable(f"{names.get('keys')}: {exc}") from exc
    units.owned = bool(owned)
    units.templates = templates if isinstance(templates, int) else None
    units._sizes = [0] * len(shards)
    for shard in shard_of:
        if not isinstance(shard, int) or not 0 <= shard < len(shards):
            raise ManifestUnreadable(f"{names.get('keys')}: units of no shard")
        units._sizes[shard] += 1
    if len(units._hot) != len(keys):
        raise ManifestUnreadable(f"{names.get('keys')}: a unit twice")
    if names.get("names") is not None:
        units.names = _read_file(directory, names["names"], NAMES_SUFFIX, _NAMES_MAGIC)
    files_named = {"units": shards, "keys": names["keys"], "names": names.get("names")}
    units._saved = (files_named, units.names, units.owned, units.templates)
    return units


def write(directory: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest`` to ``directory``: the files that are not there yet, then the head, atomically; then
    delete the files of earlier manifests."""
    roots = manifest.get("roots")
    files: dict[str, dict[str, Any]] = {}
    body = manifest
    present = {name for name in os.listdir(directory) if name.startswith(SHARD_PREFIX)}
    if isinstance(roots, dict):
        body = {**manifest, "roots": dict(roots)}
        for key, root in roots.items():
            if not isinstance(root, dict) or not isinstance(root.get("units"), Mapping):
                continue
            # Units read from here are written where they changed; a plain dict (a caller's) whole, as a copy.
            files[key] = _write_units(directory, as_units(root["units"]), present)
            body["roots"][key] = {k: v for k, v in root.items() if k != "units"}
    head = _head_bytes(body, files)
    try:
        unchanged = (directory / HEAD).read_bytes() == head
    except OSError:
        unchanged = False
    if not unchanged:
        write_atomically(directory / HEAD, head, sync_dir=True)
    used = {name for named in files.values() for name in (*named["units"], named["keys"], named["names"])}
    for name in present - used:
        with contextlib.suppress(OSError):
            (directory / name).unlink()


def _write_units(directory: Path, units: Units, present: set[str]) -> dict[str, Any]:
    """Write the files of one folder's units that are not on disk yet; afterwards ``units`` reads from them."""
    reused = units._directory == directory
    if reused and units._saved is not None and units._saved[1:] == (units.names, units.owned, units.templates):
        saved = units._saved[0]
        if all(name in present for name in (*saved["units"], saved["keys"], saved["names"]) if name is not None):
            return saved
    sizes: dict[int, int] = {}
    for hot in units._hot.values():
        sizes[hot[2]] = sizes.get(hot[2], 0) + 1
    names: list[str] = []
    shard_of: list[int] = []
    for run in _runs(units._keys):
        shard = units._hot[run[0]][2]
        name = units._shards[shard] if reused and shard >= 0 else ""
        whole = name in present and sizes[shard] == units._sizes[shard] == len(run)
        if not (whole and all(units._hot[k][2] == shard for k in run)):
            data = _shard_bytes({k: units[k] for k in run})
            name = _put(directory, data, SHARD_SUFFIX, present)
        names.append(name)
        shard_of += [len(names) - 1] * len(run)
    formats = [units._hot[k][0] for k in units._keys]
    flats = [units._hot[k][1] for k in units._keys]
    keys = _put(
        directory,
        _marshal_bytes(_KEYS_MAGIC, (units._keys, formats, flats, shard_of, units.owned, units.templates)),
        KEYS_SUFFIX,
        present,
    )
    index = _put(directory, _NAMES_MAGIC + units.names, NAMES_SUFFIX, present) if units.names is not None else None
    units._directory, units._shards = directory, names
    units._sizes = _counts(shard_of, len(names))
    for key, shard in zip(units._keys, shard_of, strict=True):
        fmt, flat, _ = units._hot[key]
        units._hot[key] = (fmt, flat, shard)
    saved = {"units": names, "keys": keys, "names": index}
    units._saved = (saved, units.names, units.owned, units.templates)
    return saved


def _counts(shard_of: list[int], shards: int) -> list[int]:
    sizes = [0] * shards
    for shard in shard_of:
        sizes[shard] += 1
    return sizes


def _put(directory: Path, data: bytes, suffix: str, present: set[str]) -> str:
    """Write ``data`` under its SHA-1's name, unless it is there already; the name."""
    name = f"{SHARD_PREFIX}{hashlib.sha1(data).hexdigest()}{suffix}"
    if name not in present:
        write_atomically(directory / name, data, sync_dir=False)
        present.add(name)
    return name


def digest(directory: Path) -> str | None:
    """A name for the manifest on disk now: changes whenever any of it does (``None``: no manifest)."""
    try:
        return hashlib.sha1((directory / HEAD).read_bytes()).hexdigest()
    except OSError:
        return None


def _head_bytes(body: dict[str, Any], files: dict[str, dict[str, Any]]) -> bytes:
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "manifest": body, "shards": files}
    return json.dumps(head, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _runs(keys: list[str]) -> Iterator[list[str]]:
    """A folder's unit keys cut into the runs its shards hold: runs of keys in their order, each ending after a key
    whose hash is a multiple of ``_SHARD_UNITS`` (a run of ~200 units on average). Where a run ends depends only on
    the keys around it: a file added or removed changes one shard, and the others keep their bytes and names."""
    run: list[str] = []
    for key in keys:
        run.append(key)
        if zlib.crc32(key.encode("utf-8", "surrogatepass")) % _SHARD_UNITS == 0 or len(run) >= _MAX_SHARD_UNITS:
            yield run
            run = []
    if run:
        yield run


def _marshal_bytes(magic: bytes, value: Any) -> bytes:
    try:
        data = marshal.dumps(value, _MARSHAL_VERSION)
    except ValueError:  # a value of a type of its own (a dict subclass ...): as JSON would write it
        data = marshal.dumps(json.loads(json.dumps(value)), _MARSHAL_VERSION)
    return magic + data


def _shard_bytes(run: dict[str, Any]) -> bytes:
    return _marshal_bytes(_MAGIC, run)


def _check_name(name: Any, suffix: str) -> None:
    if not isinstance(name, str) or not name.startswith(SHARD_PREFIX) or not name.endswith(suffix) or "/" in name:
        raise ManifestUnreadable(f"{HEAD}: {name!r} is no file of the manifest")
    if os.sep in name:
        raise ManifestUnreadable(f"{HEAD}: {name!r} is no file of the manifest")


def _read_file(directory: Path, name: Any, suffix: str, magic: bytes) -> bytes:
    """The bytes of the manifest's file ``name`` after its ``magic``."""
    _check_name(name, suffix)
    try:
        data: bytes = (directory / str(name)).read_bytes()
    except OSError as exc:
        raise ManifestUnreadable(f"{name}: {exc}") from exc
    if not data.startswith(magic):
        raise ManifestUnreadable(f"{name}: not a file of the manifest")
    return data[len(magic) :]


def _read_marshal(directory: Path, name: Any, suffix: str, magic: bytes) -> Any:
    data = _read_file(directory, name, suffix, magic)
    try:
        value = marshal.loads(data)
        keys, formats, files, shard_of, owned, templates = value
    except (EOFError, ValueError, TypeError) as exc:
        raise ManifestUnreadable(f"{name}: {exc}") from exc
    if not all(isinstance(part, list) for part in (keys, formats, files, shard_of)):
        raise ManifestUnreadable(f"{name}: not a key list")
    return keys, formats, files, shard_of, owned, templates


def _read_shard(directory: Path, name: str) -> dict[str, Any]:
    """The units of the shard ``name``."""
    data = _read_file(directory, name, SHARD_SUFFIX, _MAGIC)
    try:
        run = marshal.loads(data)
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
