"""``load``: read notes, map them, and sync the store so it equals a fresh load of what is on disk now.

The unit of sync is a *unit* (:class:`~rdfnotes.readers.Unit`): the files one reader reads together — a Markdown
page; an Obsidian note with its vault's ``relations.json`` and ``data.json``; a Roam JSON export; the two files of
a Neo4j CSV export; an RDF file — giving zero or more notes, each with a named graph of its own (a single-note file's
graph is ``{base}file/{path}``; a note of a many-note file's is ``{base}file/{path}#{part}``).

For each folder given (a *root*), the store's manifest remembers every unit loaded from it: its files' sizes and
mtimes, and per note its graph, its node and the node each of its links resolved to. A load then

1. reads only the units that are new or one of whose files changed (same sizes and mtimes: not re-read);
2. builds the name index of the lab (file names, titles, Roam uids, Obsidian ids → node IRIs) from the notes read
   now and the manifest's record of the others;
3. maps the changed units, and re-maps any unchanged unit whose links now resolve elsewhere (a page it linked to
   appeared, vanished or was renamed);
4. replaces those notes' graphs and drops the graphs no unit gives any more, all or nothing (Store.syncing);
5. keeps the last good graphs of a unit that loaded before and cannot be read now, with a warning.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
import marshal
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pyoxigraph import BlankNode, NamedNode, Triple

from . import __version__, biblio, iris, mapping_pool
from . import manifest as manifest_files
from .config import Config
from .coverage import Coverage, coverage
from .errors import NothingToLoad, ReadError
from .labs import Lab, get_lab, lab_bases, lab_graphs, root_files, root_graphs
from .mapping import MAPPING_VERSION, MappingContext, Target, map_note, relation_properties
from .model import Link, Note, Problem
from .progress import Progress, counted
from .readers import ReadContext, Unit, UnitContent, discover_units, read_unit
from .store import MANIFEST_VERSION, FreshGraph, Store
from .vocab import RDF, RDFS, RN

ProgressCallback = Progress


@dataclass(frozen=True)
class Replaced:
    """A folder a lab had been loaded from, whose content a load of another folder of that lab replaced."""

    lab: str
    folder: str
    files: int


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
    replaced: list[Replaced] = field(default_factory=list)
    """The folders a lab was loaded from before whose content this load replaced (see :func:`load`)."""
    templates_skipped: int = 0
    """Templates passed over: files in a templates folder, pages whose title has ``{placeholders}``."""
    coverage: Coverage = field(default_factory=Coverage)
    """What the labs loaded hold that the load did not understand (fields, types, links): :mod:`rdfnotes.coverage`."""
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

    def to_json(self) -> str:
        """The whole report as JSON (``load --report FILE``): counts, problems and coverage, keys sorted."""
        data = {
            "roots": self.roots,
            "labs": self.labs,
            "files": {
                "seen": self.files_seen,
                "read": self.files_read,
                "unchanged": self.files_unchanged,
                "relinked": self.files_relinked,
                "removed": self.files_removed,
                "skipped": self.files_skipped,
                "templates": self.templates_skipped,
            },
            "store": {"notes": self.notes, "relations": self.relations, "triples": self.triples},
            "problems": [
                {"file": p.path, "line": p.line, "severity": p.severity, "message": p.message} for p in self.problems
            ],
            "coverage": self.coverage.to_dict(),
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

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
    format: str | None = None,
    progress: ProgressCallback | None = None,
    add: bool = False,
    workers: int | None = None,
    summary: bool = True,
) -> LoadReport:
    """Sync ``store`` with the note files under ``paths``.

    A lab is its graph, not a folder: loading a lab that the store holds from another folder (a newer export in a
    dated folder) replaces what the lab was loaded from before, so the store then equals a fresh load of the new
    export (``report.replaced`` names the folders replaced). With ``add``, the folders given join the lab's others.

    :param lab: the lab's name, which names its IRIs (``{base}``); by default the Roam graph the pages name, else
        the folder's name.
    :param format: one of :data:`rdfnotes.readers.FORMATS`, to read every path in that format instead of the one
        chosen from what the path holds.
    :param progress: told how far reading the changed files (``"Reading"``) and mapping and writing them
        (``"Writing"``) have come, for each folder.
    :param add: keep the lab's other folders (the folders given add to the lab instead of replacing them).
    :param workers: how many processes read and map the changed files beside this one (:mod:`rdfnotes.mapping_pool`):
        ``None`` chooses (one per core, for loads big enough to gain from it), ``0`` maps them here.
    :param summary: ask the report's coverage summary of the store (``False``: a load whose report is not shown,
        as validate's scratch load; ``report.coverage`` stays empty).
    :raises NothingToLoad: when no path exists or none holds a note file.
    """
    report = LoadReport()
    roots = []
    if isinstance(paths, (str, Path)):  # one path, not the letters of one
        paths = [paths]
    for path in paths:
        root = Path(path)
        if not root.exists():
            report.problems.append(Problem(str(path), "no such file or folder", severity="error"))
            continue
        roots.append(root.resolve())
    if not roots:
        raise NothingToLoad("; ".join(f"{p.path}: {p.message}" for p in report.problems) or "no paths given")
    # A load makes millions of short-lived objects beside the notes it keeps: the cycle collector would scan
    # those again and again (10-15 % of a big load, and a full pass over the new manifest once it is made) for
    # cycles the load does not make. It is back on when the load returns.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            return _load(
                roots,
                store,
                config,
                LoadReport(problems=list(report.problems)),
                lab,
                format,
                progress,
                add,
                workers,
                summary,
            )
        except manifest_files.ManifestUnreadable:
            # A damaged file of the manifest, found when one of its records was needed: what the load wrote is
            # undone (Store.syncing), and it is made again without the manifest, reading every file.
            store.manifest = {"version": MANIFEST_VERSION, "roots": {}}
            return _load(roots, store, config, report, lab, format, progress, add, workers, summary)
    finally:
        if collecting:
            gc.enable()


def _load(
    roots: list[Path],
    store: Store,
    config: Config,
    report: LoadReport,
    lab: str | None,
    format: str | None,
    progress: ProgressCallback | None,
    add: bool = False,
    workers: int | None = None,
    summary: bool = True,
) -> LoadReport:
    # After a load of rdfnotes 0.1 that stopped half-way, the manifest does not tell what the store holds: every file
    # is read again.
    trust_manifest = not store.interrupted
    before = _kept_counts(store, config)[1]
    relations_before = _relation_properties(store) if before is not None else set()
    store.counted = _counted(config)  # the summary's counts, kept up to date by the writes
    store.history.keep = config.history_keep
    # A big sync is several writes: all of them and the manifest are one (undone together if the load stops).
    with store.syncing():
        for root in roots:
            _sync_root(root, store, config, lab, report, progress, format, trust_manifest, workers)
        nothing = report.files_seen == 0 and not any(
            store.manifest["roots"].get(str(r), {}).get("units") for r in roots
        )
        if nothing:  # no lab here (any more): its graphs are gone, and so is its record
            for root in roots:
                store.manifest["roots"].pop(str(root), None)
        elif not add:
            _replace_earlier_folders(store, [str(root) for root in roots], report)
        _deduplicate(report)
        store.save_manifest()
        # Once the store has been linked, the links and the labs' VoID descriptions follow every load.
        from .link import refresh as refresh_links  # link builds on the loaded graphs, not the other way

        refresh_links(store)
    if nothing:
        if len(roots) == 1 and roots[0].is_file():
            raise NothingToLoad(
                f"{roots[0]}: not a note, nor a Roam JSON, Neo4j CSV or RDF export this tool reads "
                "(--format names the format to read it in)"
            )
        raise NothingToLoad(
            f"no note files (*.md) found in {', '.join(str(r) for r in roots)}, nor a Roam JSON, Neo4j CSV or RDF "
            "export"
        )
    _count(store, config, report, before, relations_before)
    if summary:
        bases = [config.base_for(lab) for lab in report.labs]
        report.coverage = coverage(store, bases, relation_properties(config))
    return report


# Oxigraph's parsers hold one statement (one N-Quads line, one SPARQL token) in a buffer of at most 16 MiB.
MAX_STATEMENT_BYTES = 16 * 2**20 - 2**16
MAX_STATEMENT_CHARS = MAX_STATEMENT_BYTES // 4  # no statement this short in characters can be that long in bytes


def _sync_root(
    root: Path,
    store: Store,
    config: Config,
    lab_option: str | None,
    report: LoadReport,
    progress: ProgressCallback | None,
    format: str | None = None,
    trust_manifest: bool = True,
    workers: int | None = None,
) -> None:
    key = str(root)
    previous: dict[str, Any] = store.manifest["roots"].get(key, {})
    fingerprint = _fingerprint(config)
    same_settings = previous.get("fingerprint") == fingerprint
    # The records of the units loaded before, each read from the manifest's files only when asked for: a re-sync
    # compares every unit's files with the key list, and reads the records of the few that changed.
    prior_units = manifest_files.as_units(previous.get("units", {}))
    trusted = same_settings and trust_manifest
    # A manifest written before units were: each file's graph, dropped below unless something gives it again.
    legacy_graphs = {entry["graph"] for entry in previous.get("files", {}).values() if entry.get("graph")}

    templates: list[str] = []
    units = discover_units(root, config, format=format, templates=templates)
    by_key = {unit.key: unit for unit in units}
    report.files_seen += len(units)
    report.roots.append(key)
    context = ReadContext(config)

    contents: dict[str, UnitContent] = {}
    unchanged: set[str] = set()
    kept: dict[str, dict[str, Any]] = {}

    def fetch(unit: Unit) -> UnitContent | _Unread:
        """A unit's content, or what kept it from being read (here or in a worker process: rdfnotes.mapping_pool)."""
        try:
            if not _utf8(unit.key):
                shown = unit.key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise ReadError(shown, "the file name is not valid UTF-8: not read (rename the file)")
            return read_unit(unit, context)
        except (RecursionError, MemoryError) as exc:  # a file too deep or too big for one of the parsers
            what = "nested too deep" if isinstance(exc, RecursionError) else "too big for the memory there is"
            return _Unread(unit.key, f"cannot read the file: {what}", None, parser=True)
        except ReadError as exc:
            return _Unread(exc.path, exc.message, exc.line)

    def read(
        unit: Unit, last_good: dict[str, Any] | None, consequence: str, outcome: UnitContent | _Unread | None = None
    ) -> None:
        outcome = fetch(unit) if outcome is None else outcome
        if isinstance(outcome, UnitContent):
            contents[unit.key] = outcome
        elif outcome.parser:
            report.problems.append(Problem(outcome.path, outcome.message, severity="error"))
            if last_good is not None:
                kept[unit.key] = last_good
            else:
                report.files_skipped += 1
        elif last_good is not None:
            report.problems.append(Problem(outcome.path, f"{outcome.message}; {consequence}", outcome.line))
            kept[unit.key] = last_good
        else:
            report.problems.append(Problem(outcome.path, outcome.message, outcome.line, severity="error"))
            report.files_skipped += 1

    changed: list[Unit] = []
    same = prior_units.same
    for unit in units:
        if trusted and same(unit.key, unit.format, _flat(unit)):
            unchanged.add(unit.key)
        else:
            changed.append(unit)
    outcomes = mapping_pool.in_order(
        lambda unit_key: fetch(by_key[unit_key]),
        [unit.key for unit in changed],
        mapping_pool.workers_for(len(changed), workers),
    )
    try:
        for unit in counted(changed, "Reading", progress):
            read(unit, prior_units.get(unit.key), "its last good version stays in the store", next(outcomes))
    finally:
        outcomes.close()
    report.files_read += len(contents)
    report.files_unchanged += len(unchanged)

    notes = [note for content in contents.values() for note in content.notes]
    lab = _lab_name(lab_option or config.lab or previous.get("lab"), notes, root)
    if lab != previous.get("lab"):
        # Another lab name gives other IRIs: every unit is mapped again.
        for unit_key in sorted(unchanged):
            read(by_key[unit_key], prior_units[unit_key], "its last graph stays")
        report.files_read += len(unchanged)
        report.files_unchanged -= len(unchanged)
        unchanged = set()
    base = config.base_for(lab)
    if lab not in report.labs:
        report.labs.append(lab)

    # The names of the notes read now, before the lab's names decide their nodes: when they are those the manifest
    # holds for these units, and no unit came or went, every name of the lab is as at the last load, and so are the
    # pages of one name (_Titles), the identities several files claim (_Identities) and the name index, which that
    # load kept: they are taken as they are, without reading the records of the units not read now.
    names = {unit_key: [_note_names(note) for note in content.notes] for unit_key, content in contents.items()}
    gone_from_disk = set(prior_units).difference(by_key)
    names_kept = not (
        gone_from_disk
        or lab != previous.get("lab")
        or any(not prior_units.same_format(unit_key, by_key[unit_key].format) for unit_key in contents)
        or any(
            read_now != [_kept_names(known) for known in prior_units.get(unit_key, {}).get("notes", [])]
            for unit_key, read_now in names.items()
        )
    )
    kept_index = _KeptIndex.restore(prior_units.names) if names_kept and prior_units.names is not None else None
    if kept_index is not None:
        identities, titles = kept_index.identities, kept_index.titles
        report.problems.extend(kept_index.problems)
    else:
        known_units = {unit_key: prior_units[unit_key] for unit_key in sorted(unchanged)}
        identities = _Identities.of(contents, {**known_units, **kept})
        titles = _Titles.of(contents, {**known_units, **kept})
        report.problems.extend([*identities.problems(), *titles.problems()])
        for unit_key in sorted({*identities.moved(base, known_units), *titles.moved(base, known_units)}):
            # A note of it changes node: it gains or loses its identity (a copy of it came or went), or it is one of
            # two pages of one name, or no longer (the other came or went). It is mapped again.
            read(by_key[unit_key], known_units.pop(unit_key), "its last graph stays")
            unchanged.discard(unit_key)
            report.files_read += 1
            report.files_unchanged -= 1
    new_notes: dict[str, list[dict[str, Any]]] = {}
    for unit_key in sorted(contents):
        new_notes[unit_key] = []
        for note in contents[unit_key].notes:
            uid = identities.uid_of(note.path, note.uid)
            if note.uid and uid is None:  # a copy: relations.json's relations by this identity are its owner's
                note.relations = [r for r in note.relations if not r.target.required]
            title, keys, soft = _note_names(note)[2:]
            entry: dict[str, Any] = {
                "path": note.path,
                "node": titles.node(base, uid, note.title),
                "keys": keys,
                "uid": note.uid,
                "written": title,
            }
            new_notes[unit_key].append({**entry, "soft": soft} if soft else entry)
    if kept_index is not None:
        index = kept_index.index(base)
    else:
        index = _NameIndex(base)
        # In unit order, read now or not: which file a shared page name goes to must not depend on what changed.
        for unit_key in sorted({*unchanged, *kept, *contents}):
            if unit_key in contents:
                for entry, note in zip(new_notes[unit_key], contents[unit_key].notes, strict=True):
                    title = entry["written"]
                    index.add(
                        entry["path"],
                        entry["node"],
                        titles.keys(entry["keys"], title),
                        identities.uid_of(note.path, note.uid),
                        entry.get("soft", ()),
                        titles.exact(title),
                    )
                continue
            for known in (kept[unit_key] if unit_key in kept else prior_units[unit_key]).get("notes", []):
                index.add(
                    known.get("path", unit_key),
                    known["node"],
                    titles.keys(known["keys"], known.get("written")),
                    known.get("uid"),
                    known.get("soft", ()),
                    titles.exact(known.get("written")),
                )
        report.problems.extend(index.problems)
    indexed = set(contents)
    index_exact = True  # whether the index is made of the units the manifest will hold, as it will hold them

    to_map: dict[str, UnitContent] = contents  # the units read, and below those to re-link
    del notes  # each unit's notes are let go once mapped: memory stays flat as the store is written
    # Links resolve as they did unless the names changed: a unit came or went, or one read now names other pages.
    names_changed = bool(gone_from_disk) or any(
        notes_read != [_index_entry(known) for known in prior_units.get(unit_key, {}).get("notes", [])]
        for unit_key, notes_read in new_notes.items()
    )
    for unit_key in sorted(unchanged) if names_changed else ():
        entry = prior_units[unit_key]
        if not any(_resolves_elsewhere(index, known.get("links", [])) for known in entry.get("notes", [])):
            continue
        try:
            content = read_unit(by_key[unit_key], context)
        except ReadError as exc:
            report.problems.append(Problem(exc.path, f"{exc.message}; its last graph stays", exc.line))
            continue
        if len(content.notes) != len(entry.get("notes", [])):
            continue  # changed on disk since the walk: the next load reads it
        to_map[unit_key] = content
        new_notes[unit_key] = [
            {"path": n.path, **_index_entry(known)} for n, known in zip(content.notes, entry["notes"], strict=True)
        ]
        report.files_relinked += 1

    ctx = MappingContext(config=config, base=base, resolver=index)
    new_entries: dict[str, dict[str, Any]] = {}
    mapping_problems: list[Problem] = []
    labels_told: set[str] = set()

    keys = sorted(to_map)
    pooled = mapping_pool.workers_for(len(keys), workers)

    def map_unit(unit_key: str) -> _Mapped:
        """One unit's graphs and manifest record (here or in a worker process: rdfnotes.mapping_pool). A worker
        makes the N-Quads of a new unit's graphs too (FreshGraph), which the store would make here."""
        content = to_map.pop(unit_key)
        unit = by_key[unit_key]
        mapped: dict[str, Any] = {"format": unit.format, "files": unit.signature(), "notes": []}
        if content.templates:
            mapped["templates"] = content.templates  # pages left out: counted on every load
        graphs: dict[str, list[str]] = {}
        told = len(ctx.problems)
        for note, known in zip(content.notes, new_notes[unit_key], strict=True):
            graph = note_graph_iri(base, note)
            index.begin_note()
            graphs.setdefault(graph, []).extend(map_note(note, known["node"], graph, ctx))
            mapped["notes"].append({**known, "graph": graph, "title": note.title, "links": index.used_links()})
        for document in content.documents:
            graph = iris.file_graph_iri(base, document.path)
            graphs[graph] = _skolemize(document.triples, base, graph)
        longest = max((len(t) for triples in graphs.values() for t in triples), default=0)
        made: dict[str, list[str] | FreshGraph] = {**graphs}
        if pooled and unit_key not in prior_units and longest <= MAX_STATEMENT_CHARS:
            made = {graph: FreshGraph.of(graph, triples) for graph, triples in graphs.items()}
        return _Mapped(
            mapped,
            made,
            longest,
            [problem for note in content.notes for problem in note.problems] + content.problems,
            [(ctx.labels_told.get(i), ctx.problems[i]) for i in range(told, len(ctx.problems))],
        )

    def mapped_graphs() -> Iterator[tuple[str, list[str] | FreshGraph]]:
        """Each unit's graphs, mapped as the store asks for them: the notes' triples are never all in memory."""
        results = mapping_pool.in_order(map_unit, keys, pooled)
        try:
            for unit_key in counted(keys, "Writing", progress):
                result = next(results)
                to_map.pop(unit_key, None)  # mapped in a worker: let go here too
                for label, problem in result.mapping_problems:
                    if label is None or label not in labels_told:  # a label is told once, by its first unit
                        mapping_problems.append(problem)
                    if label is not None:
                        labels_told.add(label)
                graphs = result.graphs
                if result.longest > MAX_STATEMENT_CHARS and _longest_bytes(graphs) > MAX_STATEMENT_BYTES:
                    # The store's parser takes no statement over 16 MiB: the unit is left out, not the whole load.
                    size = _longest_bytes(graphs) / 2**20
                    last_good = prior_units.get(unit_key)
                    consequence = "its last good version stays in the store" if last_good else "not loaded"
                    message = f"a value of {size:,.1f} MiB is more than the store takes (16 MiB); {consequence}"
                    report.problems.append(Problem(unit_key, message, severity="warning" if last_good else "error"))
                    report.files_read -= 1
                    nonlocal index_exact
                    index_exact = False  # its names are in the index, its last good record (or none) in the manifest
                    if last_good is not None:
                        kept[unit_key] = last_good
                    else:
                        report.files_skipped += 1
                    continue
                report.problems.extend(result.problems)
                result.record["graphs"] = sorted(graphs)
                new_entries[unit_key] = result.record
                yield from graphs.items()
        finally:
            results.close()

    def removed_graphs() -> Iterator[str]:
        """The graphs no unit gives any more: known once every unit is mapped (the store asks for them last).

        When every unit's graphs are named by its key (as each reader's are), only the units changed or gone can
        have given a graph that is gone: their records alone are read."""
        given = [*kept.values(), *new_entries.values()]
        if prior_units.owned:
            gone = gone_from_disk.union(k for k in new_entries if k in prior_units)
        else:
            gone = set(prior_units)
            given += [prior_units[unit_key] for unit_key in unchanged]
            # Every record read: whether those of the units unchanged have graphs of their own (then, the next
            # load reads only the changed ones).
            owned[0] = previous.get("base") == base and all(_owned(base, k, prior_units[k]) for k in unchanged)
        prior_graphs = {graph for unit_key in gone for graph in prior_units[unit_key].get("graphs", [])}
        current_graphs = {graph for entry in given for graph in entry.get("graphs", [])}
        yield from sorted((prior_graphs | legacy_graphs) - current_graphs)

    owned = [prior_units.owned and previous.get("base") == base]
    report.files_removed += len(gone_from_disk)
    store.replace_graphs(mapped_graphs(), remove=removed_graphs())
    report.problems.extend(mapping_problems)
    final = prior_units.derive(keep=unchanged | kept.keys(), new=new_entries)
    final.owned = (
        (not unchanged or owned[0])
        and all(_owned(base, k, entry) for k, entry in kept.items())
        and all(_owned(base, k, entry) for k, entry in new_entries.items())
    )
    if index_exact and indexed <= new_entries.keys():
        final.names = prior_units.names if kept_index is not None else _KeptIndex.snapshot(identities, titles, index)
    # Templates left out, counted on every load: the count kept, less the units changed or gone, plus those read.
    if prior_units.templates is None or not trusted:
        final.templates = sum(final[unit_key].get("templates", 0) for unit_key in final)
    else:
        dropped = set(prior_units).difference(unchanged, kept)
        final.templates = (
            prior_units.templates
            - sum(prior_units[unit_key].get("templates", 0) for unit_key in dropped)
            + sum(entry.get("templates", 0) for entry in new_entries.values())
        )
    report.templates_skipped += len(templates) + final.templates
    store.manifest["roots"][key] = {"lab": lab, "base": base, "fingerprint": fingerprint, "units": final}


@dataclass(frozen=True)
class _Unread:
    """Why a unit could not be read: a :class:`ReadError`'s file, message and line, or (``parser``) a parser's
    recursion or memory ran out."""

    path: str
    message: str
    line: int | None
    parser: bool = False


@dataclass
class _Mapped:
    """What mapping one unit gives: its manifest record (less its graphs' names), its graphs' statements (or their
    N-Quads: :class:`~rdfnotes.store.FreshGraph`), the
    problems its reading and mapping found, and those of the mapping context (each with the relation label it tells
    of, if any: see :attr:`MappingContext.labels_told`)."""

    record: dict[str, Any]
    graphs: dict[str, list[str] | FreshGraph]
    longest: int
    """The longest statement's length (characters)."""
    problems: list[Problem]
    mapping_problems: list[tuple[str | None, Problem]]


def _flat(unit: Unit) -> manifest_files.Flat:
    """The unit's files as the manifest's key list holds them (``Unit.signature``, flat)."""
    files = unit.files
    if len(files) == 1:
        main = files[0]
        return (main.relpath, main.mtime_ns, main.size)
    return tuple(value for f in files for value in (f.relpath, f.mtime_ns, f.size))


def _owned(base: str, unit_key: str, entry: dict[str, Any]) -> bool:
    """Whether each graph of a unit's record is named by the unit's key (``{base}file/{key}``, ``#part``)."""
    own = iris.file_graph_iri(base, unit_key)
    return all(graph == own or graph.startswith(own + "#") for graph in entry.get("graphs", []))


def _note_names(note: Note) -> tuple[str, str | None, str | None, list[str], list[list[str | int]]]:
    """What a note read names: its path and uid, its title as :class:`_Titles` tells titles apart (not for a
    library entry), its page names and the names it holds only when no note does (:func:`_soft_keys`)."""
    title = iris.title_key(note.title) if note.describes is None else None
    keys = sorted({iris.page_key(note.name), iris.page_key(note.title)} - {""})
    soft = _soft_keys(note, keys)
    if note.describes is not None:
        keys = []  # a library entry holds its page's name only when no note does (_NameIndex.add)
    return (note.path, note.uid, title, keys, soft)


def _kept_names(known: dict[str, Any]) -> tuple[Any, ...]:
    """What a manifest's note record says the note named (as :func:`_note_names`)."""
    return (known.get("path"), known.get("uid"), known.get("written"), known.get("keys"), known.get("soft") or [])


def _utf8(name: str) -> bool:
    """Whether a file name read from the disk is UTF-8 (else it holds the surrogates that stand for its bytes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _longest_bytes(graphs: dict[str, list[str] | FreshGraph]) -> int:
    """The longest statement of ``graphs`` in UTF-8 bytes, its graph's name included (one N-Quads line)."""
    return max(
        (
            len(t.encode("utf-8", "surrogatepass")) + len(g) + 4
            for g, triples in graphs.items()
            for t in (triples.statements() if isinstance(triples, FreshGraph) else triples)
        ),
        default=0,
    )


def _replace_earlier_folders(store: Store, keys: list[str], report: LoadReport) -> None:
    """Drop the folders the labs just loaded were loaded from before (their graphs that the new folders do not give
    again, and their records): each lab is what its folders loaded now hold."""
    roots = store.manifest["roots"]
    loaded = {roots[key]["lab"] for key in keys if key in roots}
    earlier = sorted(key for key, root in roots.items() if key not in keys and root.get("lab") in loaded)
    if not earlier:
        return
    graphs = {key: root_graphs(roots[key]) for key in earlier}
    for key in earlier:
        report.replaced.append(Replaced(roots[key]["lab"], key, root_files(roots[key])))
        del roots[key]
    kept = set(lab_graphs(store))
    store.replace_graphs({}, remove=sorted(set().union(*graphs.values()) - kept))


def _index_entry(known: dict[str, Any]) -> dict[str, Any]:
    """What a manifest's note entry gives the name index (as ``new_notes`` holds it for a note read now)."""
    entry = {
        "path": known.get("path"),
        "node": known.get("node"),
        "keys": known.get("keys"),
        "uid": known.get("uid"),
        "written": known.get("written"),
    }
    return {**entry, "soft": known["soft"]} if known.get("soft") else entry


# Who holds a page name when several would: a note's own name or title, else the note that declares the name's
# citekey (`citekey:` in a literature note named otherwise), else an entry of a bibliographic library.
_NAME, _DECLARED_CITEKEY, _LIBRARY_ENTRY = 2, 1, 0


def _soft_keys(note: Note, keys: list[str]) -> list[list[str | int]]:
    """The names a note holds only when no note holds them by name: ``@citekey`` for a library entry, and for a
    note that declares a citekey (so an entry of the lab's ``.bib`` joins it)."""
    if note.describes is not None:
        return [[key, _LIBRARY_ENTRY] for key in keys]
    citekey = biblio.declared_citekey(note) if (note.attributes or note.front_matter) else None
    key = iris.page_key(f"@{citekey}") if citekey else ""
    return [[key, _DECLARED_CITEKEY]] if key and key not in keys else []


def _resolves_elsewhere(index: _NameIndex, links: list[list[Any]]) -> bool:
    """Whether a link a note used now reaches another node, or now reaches (or no longer reaches) a loaded one."""
    for target, uid, iri, has_file in links:
        found = index.resolve(Link(target, 0, uid))
        if found.iri != iri or found.has_file != has_file:
            return True
    return False


def note_graph_iri(base: str, note: Note) -> str:
    """The named graph of a note: its file's (``{base}file/{path}``), and ``#{part}`` for one of a file's many."""
    graph = iris.file_graph_iri(base, note.path)
    return f"{graph}#{quote(note.part, safe='-_.~')}" if note.part else graph


def _skolemize(triples: list[Triple], base: str, graph: str) -> list[str]:
    """Blank nodes as Skolem IRIs named by their order of appearance: a file gives the same graph at every load,
    and the store's updates can compare and delete its triples. N-Triples statements, as the mapping gives."""
    names: dict[BlankNode, NamedNode] = {}

    def term(value: Any) -> Any:
        if isinstance(value, BlankNode):
            if value not in names:
                names[value] = NamedNode(iris.genid(base, graph, str(len(names))))
            return names[value]
        return value

    return [str(Triple(term(t.subject), t.predicate, term(t.object))) for t in triples]


def _deduplicate(report: LoadReport) -> None:
    """A problem of a file several units read (``relations.json``) is told once."""
    seen: set[tuple[str, str, int | None, str]] = set()
    unique = []
    for problem in report.problems:
        key = (problem.path, problem.message, problem.line, problem.severity)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    report.problems = unique


def _fingerprint(config: Config) -> str:
    """Changes when anything that shapes the mapping changes: the settings or this program's version."""
    text = json.dumps([repr(config), __version__, MAPPING_VERSION], sort_keys=True)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _lab_name(chosen: str | None, notes: list[Note], root: Path) -> str:
    if chosen:
        return _lab_slug(chosen)
    graphs = Counter(note.graph for note in notes if note.graph)
    if graphs:
        return _lab_slug(sorted(graphs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])
    return _lab_slug(root.stem if root.is_file() else root.name)


def _lab_slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.strip()).strip("-")
    return slug or "lab"


@dataclass
class _Titles:
    """Distinct pages of one page name: titles that :func:`~rdfnotes.iris.page_key` folds together but
    :func:`~rdfnotes.iris.title_key` tells apart (``D/KNEXT`` and ``DKNEXT``, ``m/Qualitative`` and
    ``mQualitative``).

    One of them keeps the name's node IRI (``{base}page/…`` of the page key) and the links written without the
    characters that tell them apart: the title that equals the page key (``DKNEXT``: an export that drops those
    characters writes it so), else the first title. Each other one is named by its title as written (its IRI's hash
    is of that title) and found by links that write it so; ``load`` warns, naming the files. Which title keeps the
    name depends on the titles alone, never on what was read when: an incremental load gives what a fresh one does.
    A Roam uid or ``nodeInstanceId`` names a node whatever its title: for those, only the links change.
    """

    groups: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Page key → each title of it → the paths with that title, for keys of two titles or more."""

    @classmethod
    def of(cls, contents: dict[str, UnitContent], known: dict[str, dict[str, Any]]) -> _Titles:
        found: dict[str, dict[str, set[str]]] = {}
        for content in contents.values():
            for note in content.notes:
                if note.describes is None:
                    title = iris.title_key(note.title)
                    found.setdefault(iris.page_key(title), {}).setdefault(title, set()).add(note.path)
        for unit_key, entry in known.items():
            if unit_key in contents:
                continue
            for note_entry in entry.get("notes", []):
                if title := note_entry.get("written"):
                    paths = found.setdefault(iris.page_key(title), {}).setdefault(title, set())
                    paths.add(note_entry.get("path", unit_key))
        return cls(
            {
                key: {title: sorted(paths) for title, paths in titles.items()}
                for key, titles in found.items()
                if len(titles) > 1
            }
        )

    def keeper(self, key: str) -> str | None:
        """The title of ``key`` that keeps its name (``None``: the key is no one's but one title's)."""
        titles = self.groups.get(key)
        if titles is None:
            return None
        return key if key in titles else min(titles)

    def exact(self, title: str | None) -> str | None:
        """The name a note of ``title`` is found by as written, when it is not the keeper of its page key."""
        if title is None:
            return None
        keeper = self.keeper(iris.page_key(title))
        return title if keeper is not None and keeper != title else None

    def keys(self, keys: list[str], title: str | None) -> list[str]:
        """A note's page names, less its page key when another title keeps it."""
        if self.exact(title) is None:
            return keys
        assert title is not None
        return [key for key in keys if key != iris.page_key(title)]

    def node(self, base: str, uid: str | None, title: str) -> str:
        written = iris.title_key(title)
        if self.exact(written) is not None:
            return iris.node_iri(base, uid=uid, key=written)
        return iris.node_iri(base, uid=uid, key=iris.page_key(title))

    def moved(self, base: str, unchanged: dict[str, dict[str, Any]]) -> list[str]:
        """The unchanged units whose stored node is no longer what their title gives (a page of its name came or
        went)."""
        found = []
        for unit_key, entry in unchanged.items():
            for known in entry.get("notes", []):
                title = known.get("written")
                if title is not None and not known.get("uid") and known["node"] != self.node(base, None, title):
                    found.append(unit_key)
                    break
        return found

    def problems(self) -> list[Problem]:
        out = []
        for key, titles in sorted(self.groups.items()):
            keeper = self.keeper(key)
            for title, paths in sorted(titles.items()):
                if title == keeper:
                    continue
                others = ", ".join(f"{t!r} ({', '.join(p)})" for t, p in sorted(titles.items()) if t != title)
                out.append(
                    Problem(
                        paths[0],
                        f"page {title!r} and {others} are distinct pages of one page name: each stays a node of its "
                        f"own, and links written without the characters that tell them apart go to {keeper!r}",
                    )
                )
        return out


@dataclass
class _Identities:
    """Which note owns each Obsidian ``nodeInstanceId`` that several files of a vault claim (copied files).

    The owner is the claimer with the first path, whatever was read when: its node is the identity's
    (``{base}node/{id}``) and ``relations.json``'s relations by that id reach it; each other claimer is a node of
    its own, named by its title, with a warning naming every file. Roam uids are not concerned: two exports of one
    Roam page (Markdown and Neo4j CSV) are one page.
    """

    claims: dict[str, list[str]] = field(default_factory=dict)
    """Identity → the paths claiming it, sorted."""

    @classmethod
    def of(cls, contents: dict[str, UnitContent], known: dict[str, dict[str, Any]]) -> _Identities:
        claims: dict[str, set[str]] = {}
        for content in contents.values():
            for note in content.notes:
                if note.uid and note.uid_scheme == "obsidian":
                    claims.setdefault(note.uid, set()).add(note.path)
        for unit_key, entry in known.items():
            if unit_key in contents or entry.get("format") != "obsidian":
                continue
            for note_entry in entry.get("notes", []):
                if note_entry.get("uid"):
                    claims.setdefault(note_entry["uid"], set()).add(note_entry.get("path", unit_key))
        return cls({uid: sorted(paths) for uid, paths in claims.items() if len(paths) > 1})

    def uid_of(self, path: str, uid: str | None) -> str | None:
        """The identity a note's node is named by: ``None`` for a copy (not the owner of its identity)."""
        paths = self.claims.get(uid or "")
        return uid if paths is None or paths[0] == path else None

    def moved(self, base: str, unchanged: dict[str, dict[str, Any]]) -> list[str]:
        """The unchanged units whose stored node is no longer what their identity gives (a copy came or went)."""
        found = []
        for unit_key, entry in unchanged.items():
            for known in entry.get("notes", []):
                uid = known.get("uid")
                if uid and entry.get("format") == "obsidian":
                    owns = self.uid_of(known.get("path", unit_key), uid) is not None
                    if owns != (known["node"] == iris.node_iri(base, uid=uid, key="")):
                        found.append(unit_key)
                        break
        return found

    def problems(self) -> list[Problem]:
        return [
            Problem(
                paths[0],
                f"nodeInstanceId {uid} is in {len(paths)} files, {', '.join(paths)} (copied?): each file is a node of "
                f"its own, and the relations by this id go to {paths[0]}",
            )
            for uid, paths in sorted(self.claims.items())
        ]


class _KeptIndex:
    """The lab's names as a load made them: its :class:`_Identities`, :class:`_Titles` and :class:`_NameIndex`, and
    what they found wrong, kept in the manifest (:attr:`rdfnotes.manifest.Units.names`) for the next load, which
    takes them as they are when no name changed (see ``_sync_root``)."""

    def __init__(self, identities: _Identities, titles: _Titles, problems: list[Problem], names: bytes) -> None:
        self.identities, self.titles, self.problems, self._names = identities, titles, problems, names

    @staticmethod
    def snapshot(identities: _Identities, titles: _Titles, index: _NameIndex) -> bytes:
        index.load_names()
        problems = [*identities.problems(), *titles.problems(), *index.problems]
        names = marshal.dumps((index.by_key, index.by_uid, index.by_title, index._soft), 2)
        told = [(p.path, p.message, p.line, p.severity) for p in problems]
        return marshal.dumps((identities.claims, titles.groups, told, names), 2)

    @classmethod
    def restore(cls, data: bytes) -> _KeptIndex:
        try:
            claims, groups, told, names = marshal.loads(data)
            if not (isinstance(claims, dict) and isinstance(groups, dict) and isinstance(names, bytes)):
                raise TypeError("not a kept index")
            return cls(_Identities(claims), _Titles(groups), [Problem(*problem) for problem in told], names)
        except (EOFError, ValueError, TypeError) as exc:
            raise manifest_files.ManifestUnreadable(f"the name index: {exc}") from exc

    def index(self, base: str) -> _NameIndex:
        """The name index, its names read when first needed: a load that maps nothing does not."""
        index = _NameIndex(base)
        index._kept = self._names
        return index


class _NameIndex:
    """Page names and Roam uids of one lab → node IRIs; the :class:`~rdfnotes.mapping.Resolver` of a load."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.by_key: dict[str, tuple[str, str]] = {}
        self.by_uid: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        """The titles as written of the pages that share a page name with another page (see :class:`_Titles`)."""
        self._soft: dict[str, int] = {}
        """The names held by a rank below a note's own name (see :meth:`add`), and that rank."""
        self.problems: list[Problem] = []
        self._used: dict[tuple[str, str | None], tuple[str, bool]] = {}
        self._sorted_keys: list[str] | None = None
        self._targets: dict[tuple[str, str | None], Target] = {}
        """What each (name, uid) resolved to, until a page is added: many notes link the same pages."""
        self._kept: bytes | None = None
        """The names of a kept index (:class:`_KeptIndex`), not read yet."""

    def load_names(self) -> None:
        """Read the names of a kept index."""
        if self._kept is None:
            return
        try:
            self.by_key, self.by_uid, self.by_title, self._soft = marshal.loads(self._kept)
        except (EOFError, ValueError, TypeError) as exc:
            raise manifest_files.ManifestUnreadable(f"the name index: {exc}") from exc
        self._kept = None

    def add(
        self,
        relpath: str,
        node: str,
        keys: Iterable[str],
        uid: str | None,
        soft: Iterable[Any] = (),
        exact: str | None = None,
    ) -> None:
        """Add a note's names. ``soft``: ``[name, rank]`` pairs it holds only while no note of a higher rank does
        (a declared citekey, a library entry's ``@citekey``); they are taken over silently, in any order.
        ``exact``: its title as written, when another page has its page name (see :class:`_Titles`)."""
        self.load_names()
        self._targets.clear()
        if exact is not None:
            self.by_title.setdefault(exact, node)
        self._sorted_keys = None
        for key, rank in soft:
            holder = self.by_key.get(key)
            if holder is None or self._soft.get(key, _NAME) < rank:
                self.by_key[key] = (node, relpath)
                self._soft[key] = rank
        for key in keys:
            holder = self.by_key.get(key)
            if holder is None or key in self._soft:
                self.by_key[key] = (node, relpath)
                self._soft.pop(key, None)
            elif holder[0] != node:
                self.problems.append(
                    Problem(relpath, f"another file, {holder[1]}, has the same page name {key!r}: links go to that one")
                )
            elif holder[1] != relpath:
                self.problems.append(
                    Problem(
                        relpath, f"another file, {holder[1]}, has the same page name {key!r}: both describe one page"
                    )
                )
        if uid:
            self.by_uid.setdefault(uid, node)

    def _keys_starting(self, prefix: str) -> Iterator[str]:
        """The page names that start with ``prefix``, found in a sorted list: not a scan of every name per link."""
        if self._sorted_keys is None:  # made again after a page is added
            self.load_names()
            self._sorted_keys = sorted(self.by_key)
        keys = self._sorted_keys
        for i in range(bisect.bisect_left(keys, prefix), len(keys)):
            if not keys[i].startswith(prefix):
                break
            yield keys[i]

    def begin_note(self) -> None:
        self._used = {}

    def used_links(self) -> list[list[str | bool | None]]:
        """The links the note mapped since :meth:`begin_note` used: ``[name, uid, node IRI, has a note]`` each."""
        return [
            [target, uid, iri, has_file]
            for (target, uid), (iri, has_file) in sorted(self._used.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        ]

    def resolve(self, link: Link) -> Target:
        name = (link.target, link.uid)
        target = self._targets.get(name)
        if target is None:
            target = self._targets[name] = self._resolve(link)
        self._used[name] = (target.iri, target.has_file)
        return target

    def _resolve(self, link: Link) -> Target:
        self.load_names()
        if link.uid and link.uid in self.by_uid:
            return Target(self.by_uid[link.uid], link.target, True)
        if self.by_title and (node := self.by_title.get(iris.title_key(link.target))) is not None:
            return Target(node, link.target, True)
        key = iris.page_key(link.target)
        if key in self.by_key:
            return Target(self.by_key[key][0], link.target, True)
        if "..." in key:
            # The exporter cut a long name to "left...right"; links to a file that is not here keep the cut.
            left, _, right = key.partition("...")
            matches = {self.by_key[k][0] for k in self._keys_starting(left) if k.endswith(right)}
            if len(matches) == 1:
                return Target(matches.pop(), link.target, True)
        return Target(iris.node_iri(self.base, uid=link.uid, key=key), link.target, False)


def _count_queries(config: Config) -> dict[str, str]:
    """The queries of the summary's counts: notes, relations and triples of the whole store (the union)."""
    properties = " ".join(f"<{relation.property_iri}>" for relation in config.relations)
    return {
        "notes": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f a <{RN.NoteFile}> }}",
        "relations": f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ VALUES ?p {{ {properties} }} }} UNION "
        f"{{ ?p <{RDFS.subPropertyOf}> <{RN.relation}> }} ?s ?p ?o }}",
        "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    }


def _kept_counts(store: Store, config: Config) -> tuple[str | None, dict[str, int] | None]:
    """The counts kept for the manifest on disk now (``None``: none kept), and the key they are kept under."""
    from . import manifest as manifest_files

    queries = _count_queries(config)
    digest = manifest_files.digest(store.path)
    if digest is None:
        return None, None
    key = hashlib.sha1(json.dumps([digest, queries], sort_keys=True).encode("utf-8")).hexdigest()
    counts = manifest_files.cached_counts(store.path, key)
    return key, counts if counts is not None and set(counts) == set(queries) else None


def _counted(config: Config) -> dict[str, str]:
    """The summary's counts as patterns on one triple, which the store keeps up to date as it writes
    (:attr:`Store.counted`): what :func:`_count_queries` counts, of the triples a write touches."""
    properties = " ".join(f"<{relation.property_iri}>" for relation in config.relations)
    return {
        "notes": f"FILTER(?p = <{RDF.type}> && ?o = <{RN.NoteFile}>)",
        "relations": f"{{ VALUES ?p {{ {properties} }} }} UNION {{ ?p <{RDFS.subPropertyOf}> <{RN.relation}> }}",
    }


def _relation_properties(store: Store) -> set[str]:
    """The properties the store says are relations (sub-properties of ``rn:relation``)."""
    query = f"SELECT ?p WHERE {{ ?p <{RDFS.subPropertyOf}> <{RN.relation}> }}"
    return {str(row[0]) for row in store.query(query)}


def _count(
    store: Store, config: Config, report: LoadReport, before: dict[str, int] | None, relations_before: set[str]
) -> None:
    """The summary's counts: notes, relations and triples of the whole store (its default graph, the union).

    Counting the triples of a big store takes a while (~0.8 s for 2.4 million), so the counts are kept beside the
    manifest they were made for: a load that leaves the manifest as it was (nothing changed) reuses them, and one
    that changed a few notes adds the change the store counted as it wrote (``Store.union_delta`` and
    ``Store.deltas``) to the counts kept from ``before`` it. Every write of the store changes the manifest, but the
    link graph's, which drops the kept counts (rdfnotes.link)."""
    from . import manifest as manifest_files

    queries = _count_queries(config)
    key, counts = _kept_counts(store, config)
    if counts is None:
        if before is not None and store.union_delta is not None and store.deltas is not None:
            # The relations' count holds while the properties that are relations are the same.
            relations = store.deltas.get("relations") if _relation_properties(store) == relations_before else None
            counts = {
                "notes": before["notes"] + store.deltas["notes"],
                "relations": store.count(queries["relations"])
                if relations is None
                else before["relations"] + relations,
                "triples": before["triples"] + store.union_delta,
            }
        else:
            counts = {name: store.count(query) for name, query in queries.items()}
        if key is not None:
            manifest_files.keep_counts(store.path, key, counts)
    report.notes, report.relations, report.triples = counts["notes"], counts["relations"], counts["triples"]


def remove_lab(store: Store, name: str) -> Lab:
    """Drop the lab ``name``: its graphs (notes and VoID) and its folders' manifest entries; links are rebuilt.

    All or nothing (one sync of the store: an interruption leaves the lab whole). A store that an older rdfnotes
    left half-way through a removal (the manifest's ``removing`` record) is finished by removing the lab again.

    :raises NoSuchLab: when the store has no such lab.
    """
    from .link import refresh  # link builds on the loaded graphs, not the other way

    with store.syncing():
        pending: dict[str, str] = store.manifest.setdefault("removing", {})
        if name in pending and name not in lab_bases(store):
            lab = Lab(name=name, base=pending[name], roots=(), files=0, notes=0, triples=0, graphs=())
        else:
            lab = get_lab(store, name)
            for key in lab.roots:
                del store.manifest["roots"][key]
        kept = set(lab_graphs(store))
        leftovers = [g for g in store.named_graphs() if g.startswith(lab.base) and g not in kept]
        store.replace_graphs({}, remove=sorted({*lab.graphs, *leftovers, lab.void_graph}))
        pending.pop(name, None)
        if not pending:
            del store.manifest["removing"]
        store.save_manifest()
        refresh(store)
    return lab
