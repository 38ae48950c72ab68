"""``load``: read note files, map them, and sync the store so it equals a fresh load of what is on disk now.

For each folder given (a *root*), the store's manifest remembers every file loaded from it: its size and mtime,
its graph and node, and the node each of its links resolved to. A load then

1. reads only the files that are new or changed (same size and mtime: not re-read);
2. builds the name index of the lab (file names, titles, Roam uids → node IRIs) from the files read now and the
   manifest's record of the others;
3. maps the changed files, and re-maps any unchanged file whose links now resolve elsewhere (a page it linked to
   appeared, vanished or was renamed);
4. replaces those files' graphs and drops the graphs of removed files, in atomic updates;
5. keeps the last good graph of a file that loaded before and cannot be read now, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__, iris
from .config import Config, name_key
from .errors import NothingToLoad, ReadError
from .mapping import MappingContext, Target, map_note
from .model import Link, Note, Problem
from .readers import NoteFile, discover, read_note
from .store import Store
from .vocab import RDFS, RN

ProgressCallback = Callable[[str], None]


@dataclass
class LoadReport:
    """What a load did, for the summary and the exit status."""

    roots: list[str] = field(default_factory=list)
    labs: list[str] = field(default_factory=list)
    files_seen: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    files_relinked: int = 0
    files_removed: int = 0
    files_skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: int = 0
    relations: int = 0
    triples: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def exit_status(self) -> int:
        """0 when everything loaded cleanly, 1 when done with warnings or skipped files."""
        return 1 if self.problems or self.files_skipped else 0


def load(
    paths: Iterable[str | Path],
    store: Store,
    config: Config,
    *,
    lab: str | None = None,
    progress: ProgressCallback | None = None,
) -> LoadReport:
    """Sync ``store`` with the note files under ``paths``.

    :param lab: the lab's name, which names its IRIs (``{base}``); by default the Roam graph the pages name, else
        the folder's name.
    :param progress: called with each file's relative path as it is read.
    :raises NothingToLoad: when no path exists or none holds a note file.
    """
    report = LoadReport()
    roots = []
    for path in paths:
        root = Path(path)
        if not root.exists():
            report.problems.append(Problem(str(path), "no such file or folder", severity="error"))
            continue
        roots.append(root.resolve())
    if not roots:
        raise NothingToLoad("; ".join(f"{p.path}: {p.message}" for p in report.problems) or "no paths given")
    for root in roots:
        _sync_root(root, store, config, lab, report, progress)
    if report.files_seen == 0 and not any(store.manifest["roots"].get(str(r), {}).get("files") for r in roots):
        raise NothingToLoad(f"no note files (*.md) found in {', '.join(str(r) for r in roots)}")
    store.save_manifest()
    _count(store, config, report)
    return report


def _sync_root(
    root: Path,
    store: Store,
    config: Config,
    lab_option: str | None,
    report: LoadReport,
    progress: ProgressCallback | None,
) -> None:
    key = str(root)
    previous: dict[str, Any] = store.manifest["roots"].get(key, {})
    fingerprint = _fingerprint(config)
    same_settings = previous.get("fingerprint") == fingerprint
    old_files: dict[str, dict[str, Any]] = previous.get("files", {}) if same_settings else {}
    prior_files: dict[str, dict[str, Any]] = previous.get("files", {})

    files = list(discover(root, config.ignore))
    report.files_seen += len(files)
    report.roots.append(key)
    spaced = frozenset(name_key(a.name) for a in config.attributes)

    notes: dict[str, Note] = {}
    unchanged: dict[str, dict[str, Any]] = {}
    kept: dict[str, dict[str, Any]] = {}
    for file in files:
        old = old_files.get(file.relpath)
        if old is not None and old["mtime_ns"] == file.mtime_ns and old["size"] == file.size:
            unchanged[file.relpath] = old
            continue
        if progress is not None:
            progress(file.relpath)
        try:
            notes[file.relpath] = _read(file, spaced)
        except ReadError as exc:
            last_good = prior_files.get(file.relpath)
            if last_good is not None:
                report.problems.append(
                    Problem(file.relpath, f"{exc.message}; its last good version stays in the store", exc.line)
                )
                kept[file.relpath] = last_good
            else:
                report.problems.append(Problem(file.relpath, exc.message, exc.line, severity="error"))
                report.files_skipped += 1
    report.files_read += len(notes)
    report.files_unchanged += len(unchanged)

    lab = _lab_name(lab_option or config.lab or previous.get("lab"), notes, unchanged, root)
    if lab != previous.get("lab"):
        # Another lab name gives other IRIs: every file is mapped again.
        for relpath, entry in unchanged.items():
            file = next(f for f in files if f.relpath == relpath)
            try:
                notes[relpath] = _read(file, spaced)
            except ReadError as exc:
                report.problems.append(Problem(relpath, exc.message, exc.line, severity="error"))
                kept[relpath] = entry
        report.files_read += len(unchanged)
        report.files_unchanged -= len(unchanged)
        unchanged = {}
    base = config.base_for(lab)
    if lab not in report.labs:
        report.labs.append(lab)

    index = _NameIndex(base)
    for relpath, entry in sorted({**unchanged, **kept}.items()):
        index.add(relpath, entry["node"], entry["keys"], entry.get("uid"))
    new_entries: dict[str, dict[str, Any]] = {}
    for relpath, note in sorted(notes.items()):
        node = iris.node_iri(base, uid=note.uid, key=iris.page_key(note.title))
        keys = sorted({iris.page_key(note.name), iris.page_key(note.title)} - {""})
        index.add(relpath, node, keys, note.uid)
        new_entries[relpath] = {"node": node, "keys": keys, "uid": note.uid}
    report.problems.extend(index.problems)

    to_map: dict[str, Note] = dict(notes)
    for relpath, entry in unchanged.items():
        if any(index.resolve(Link(t, 0, u)).iri != iri for t, u, iri in entry.get("links", [])):
            file = next(f for f in files if f.relpath == relpath)
            try:
                to_map[relpath] = _read(file, spaced)
                new_entries[relpath] = {"node": entry["node"], "keys": entry["keys"], "uid": entry.get("uid")}
                report.files_relinked += 1
            except ReadError as exc:
                report.problems.append(Problem(relpath, f"{exc.message}; its last graph stays", exc.line))

    graphs = {}
    ctx = MappingContext(config=config, base=base, resolver=index)
    by_path = {f.relpath: f for f in files}
    for relpath, note in sorted(to_map.items()):
        entry = new_entries[relpath]
        graph = iris.file_graph_iri(base, relpath)
        index.begin_note()
        graphs[graph] = map_note(note, entry["node"], graph, ctx)
        file = by_path[relpath]
        entry.update(
            graph=graph,
            title=note.title,
            mtime_ns=file.mtime_ns,
            size=file.size,
            links=index.used_links(),
        )
        report.problems.extend(note.problems)
    report.problems.extend(ctx.problems)

    current = set(by_path)
    removed = [entry["graph"] for relpath, entry in prior_files.items() if relpath not in current]
    # Files mapped under other settings (another lab name) leave graphs the new mapping does not replace.
    removed += [
        entry["graph"]
        for relpath, entry in prior_files.items()
        if relpath in current and relpath in new_entries and entry.get("graph") != new_entries[relpath]["graph"]
    ]
    report.files_removed += sum(1 for relpath in prior_files if relpath not in current)
    store.replace_graphs(graphs, remove=removed)

    files_entry = {**unchanged, **kept}
    for relpath, entry in new_entries.items():
        if relpath in unchanged:
            files_entry[relpath] = {**unchanged[relpath], **entry}
        else:
            files_entry[relpath] = entry
    store.manifest["roots"][key] = {
        "lab": lab,
        "base": base,
        "fingerprint": fingerprint,
        "files": dict(sorted(files_entry.items())),
    }


def _read(file: NoteFile, spaced: frozenset[str]) -> Note:
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise ReadError(file.relpath, f"cannot read the file ({exc.strerror or exc})") from exc
    return read_note(data, file.relpath, spaced_keys=spaced)


def _fingerprint(config: Config) -> str:
    """Changes when anything that shapes the mapping changes: the settings or this program's version."""
    text = json.dumps([repr(config), __version__], sort_keys=True)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _lab_name(chosen: str | None, notes: dict[str, Note], unchanged: dict[str, Any], root: Path) -> str:
    if chosen:
        return _lab_slug(chosen)
    graphs = Counter(note.graph for note in notes.values() if note.graph)
    if graphs:
        return _lab_slug(sorted(graphs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return _lab_slug(root.stem if root.is_file() else root.name)


def _lab_slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip()).strip("-")
    return slug or "lab"


class _NameIndex:
    """Page names and Roam uids of one lab → node IRIs; the :class:`~rdfnotes.mapping.Resolver` of a load."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.by_key: dict[str, tuple[str, str]] = {}
        self.by_uid: dict[str, str] = {}
        self.problems: list[Problem] = []
        self._used: dict[tuple[str, str | None], str] = {}

    def add(self, relpath: str, node: str, keys: Iterable[str], uid: str | None) -> None:
        for key in keys:
            holder = self.by_key.get(key)
            if holder is None:
                self.by_key[key] = (node, relpath)
            elif holder[0] != node:
                self.problems.append(
                    Problem(relpath, f"another file, {holder[1]}, has the same page name {key!r}: links go to that one")
                )
        if uid:
            self.by_uid.setdefault(uid, node)

    def begin_note(self) -> None:
        self._used = {}

    def used_links(self) -> list[list[str | None]]:
        return [
            [target, uid, iri]
            for (target, uid), iri in sorted(self._used.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ]

    def resolve(self, link: Link) -> Target:
        target = self._resolve(link)
        self._used[(link.target, link.uid)] = target.iri
        return target

    def _resolve(self, link: Link) -> Target:
        if link.uid and link.uid in self.by_uid:
            return Target(self.by_uid[link.uid], link.target, True)
        key = iris.page_key(link.target)
        if key in self.by_key:
            return Target(self.by_key[key][0], link.target, True)
        if "..." in key:
            # The exporter cut a long name to "left...right"; links to a file that is not here keep the cut.
            left, _, right = key.partition("...")
            matches = {node for k, (node, _) in self.by_key.items() if k.startswith(left) and k.endswith(right)}
            if len(matches) == 1:
                return Target(matches.pop(), link.target, True)
        return Target(iris.node_iri(self.base, uid=link.uid, key=key), link.target, False)


def _count(store: Store, config: Config, report: LoadReport) -> None:
    properties = " ".join(f"<{relation.property_iri}>" for relation in config.relations)
    report.notes = store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f a <{RN.NoteFile}> }}")
    report.relations = store.count(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ VALUES ?p {{ {properties} }} }} UNION "
        f"{{ ?p <{RDFS.subPropertyOf}> <{RN.relation}> }} ?s ?p ?o }}"
    )
    report.triples = store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
