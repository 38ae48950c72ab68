"""Readers: one per input format, each turning files into the same :class:`~rdfnotes.model.Note` objects.

This module finds what a path holds and groups its files into *units*: the files read together, re-read together
when any of them changes, giving zero or more notes. A Roam Markdown page is a unit of one file; an Obsidian note
of a Discourse Graphs vault is read with the vault's ``relations.json`` and the plugin's ``data.json``; a Roam JSON
export is one file of many notes; a Neo4j CSV export is its nodes file and its relations file; an RDF file is
loaded as it is, into a graph of its own.

The format is chosen by what the path holds (:func:`discover_units`); ``format=`` overrides it.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from stat import S_ISREG
from typing import Any

from ..config import Config, Rule
from ..errors import ConfigError, ReadError
from ..model import Note, Problem
from . import bibfiles, dg_jsonld, neo4j_csv, obsidian, rdf, roam_json, roam_markdown
from .bounded import TooLarge, load_json
from .units import (
    NOT_REGULAR,
    NoteFile,
    RdfDocument,
    ReadContext,
    Unit,
    UnitContent,
    outside_root,
    read_bytes,
    stat_file,
)

__all__ = [
    "FORMATS",
    "NoteFile",
    "RdfDocument",
    "ReadContext",
    "ReadResult",
    "Unit",
    "UnitContent",
    "discover",
    "discover_units",
    "is_template_title",
    "obsidian_vault",
    "read_bytes",
    "read_note",
    "read_path",
    "read_unit",
    "stat_file",
    "template_folders",
]

NOTE_SUFFIXES = (".md", ".markdown")
RDF_SUFFIXES = (".ttl", ".trig", ".nt", ".nq", ".jsonld")
BIB_SUFFIXES = (".bib", ".bibtex")
FORMATS = ("markdown", "obsidian", "roam-json", "dg-jsonld", "neo4j-csv", "rdf", "bibtex", "csl-json")
"""The names ``format=`` (and ``rdfnotes load --format``) accepts."""

_SNIFF_BYTES = 65536


@dataclass
class ReadResult:
    """What :func:`read_path` returns.

    - ``notes``: every :class:`~rdfnotes.model.Note` read, in unit order (each note's ``problems`` hold what its
      reader noticed about it; they are also in ``problems``);
    - ``problems``: every :class:`~rdfnotes.model.Problem` met while reading — unreadable files (severity
      ``"error"``) and warnings — each naming a path relative to the root (and a line where there is one);
    - ``documents``: the RDF files found (:class:`RdfDocument`: relative path and parsed triples, blank nodes as
      the parser gave them);
    - ``units``: the units read, with the format chosen for each;
    - ``grammar``: the grammar the export states, ``(file, rule)`` sorted (see :mod:`rdfnotes.grammar`).
    """

    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: list[RdfDocument] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    grammar: list[tuple[str, Rule]] = field(default_factory=list)


def read_path(root: Path, config: Config, *, format: str | None = None) -> ReadResult:
    """Read every note a folder (or a file) holds, without touching a store.

    :param root: a folder (a Roam Markdown export, an Obsidian vault, a folder of Roam JSON / Neo4j CSV / RDF
        files …) or a single file.
    :param config: the settings (lab-specific attribute names matter to the readers).
    :param format: one of :data:`FORMATS` to override the format chosen from what the path holds.
    :returns: a :class:`ReadResult` — ``.notes`` (list of :class:`~rdfnotes.model.Note`), ``.problems`` (list of
        :class:`~rdfnotes.model.Problem`, unreadable files as severity ``"error"``), ``.documents`` (RDF files)
        and ``.units``.
    :raises ConfigError: when ``format`` is not one of :data:`FORMATS`.

    >>> from rdfnotes.config import load_config
    >>> result = read_path(Path("tests/fixtures/lab-a"), load_config())
    >>> len(result.notes), result.problems
    (10, [])
    """
    result = ReadResult()
    context = ReadContext(config)
    for unit in discover_units(root, config, format=format):
        result.units.append(unit)
        try:
            content = read_unit(unit, context)
        except ReadError as exc:
            result.problems.append(Problem(exc.path, exc.message, exc.line, severity="error"))
            continue
        result.notes.extend(content.notes)
        result.documents.extend(content.documents)
        result.problems.extend(content.problems)
        result.grammar.extend(content.grammar)
        for note in content.notes:
            result.problems.extend(note.problems)
    # A file every unit of a vault reads (relations.json) is named once, not once per note.
    unique = {(p.path, p.message, p.line, p.severity): p for p in result.problems}
    result.problems = list(unique.values())
    result.grammar = sorted(set(result.grammar))
    return result


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    """Read one unit with the reader of its format, without its templates.

    A page whose title has a ``{placeholder}`` ("[[EVD]] - … - {Source}") is a template, not a note: it is left out
    (counted in ``templates``), and so are the relations and links naming one.

    :raises ReadError: when its main file cannot be read at all (it is then skipped, or keeps its last good
        graph in a store).
    """
    content = _read_unit(unit, context)
    notes = [note for note in content.notes if not is_template_title(note.title)]
    content.templates = len(content.notes) - len(notes)
    for note in notes:
        if any("{" in r.target.target for r in note.relations) or any("{" in x.target for x in note.links):
            note.relations = [r for r in note.relations if not is_template_title(r.target.target)]
            note.links = [x for x in note.links if not is_template_title(x.target)]
    content.notes = notes
    return content


def _read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    if unit.format == "markdown":
        note = roam_markdown.read(read_bytes(unit.main), unit.key, spaced_keys=context.spaced_keys)
        roam_markdown.fields_as_relations(note, context.config)
        return UnitContent(notes=[note])
    if unit.format == "obsidian":
        return obsidian.read_unit(unit, context)
    if unit.format == "roam-json":
        return roam_json.read_unit(unit, context)
    if unit.format == "dg-jsonld":
        return dg_jsonld.read_unit(unit, context)
    if unit.format == "neo4j-csv":
        return neo4j_csv.read_unit(unit, context)
    if unit.format == "rdf":
        return rdf.read_unit(unit, context)
    if unit.format in ("bibtex", "csl-json"):
        return bibfiles.read_unit(unit, context)
    raise ConfigError(f"unknown format {unit.format!r} (known: {', '.join(FORMATS)})")


_MAX_SETTINGS_BYTES = 1 << 24  # as any file read (readers.units)
_PLACEHOLDER = re.compile(r"(?<!\{)\{(?!\{)[^{}\n]{1,80}\}(?!\})")
_TEMPLATE_FOLDER = "templates"


def is_template_title(title: str) -> bool:
    """A page title with a ``{placeholder}`` (not a Roam ``{{macro}}``) is a template, not a note.

    >>> is_template_title("[[EVD]] - This is a Evidence page. - {Source}"), is_template_title("{{[[TODO]]}} x")
    (True, False)
    """
    return "{" in title and _PLACEHOLDER.search(title) is not None


def template_folders(root: Path) -> list[str]:
    """The folders of templates an Obsidian vault names (relative to ``root``, ``/`` separated): Obsidian's
    templates folder (``.obsidian/templates.json``), Templater's, and the folders of the templates the Discourse
    Graphs plugin's node types use (``data.json``). Any folder named ``Templates`` is one, too (see
    :func:`discover_units`)."""
    vault = obsidian_vault(root) or (root if (root / ".obsidian").is_dir() else None)
    if vault is None:
        return []
    found: list[str] = []
    settings = [
        (vault / ".obsidian" / "templates.json", "folder"),
        (vault / ".obsidian" / "plugins" / "templater-obsidian" / "data.json", "templates_folder"),
    ]
    for path, key in settings:
        value = _json_setting(path).get(key)
        if isinstance(value, str) and value.strip("/ "):
            found.append(value.strip("/ "))
    for data in obsidian.plugin_settings_files(vault)[:1]:
        for node_type in _listed(_json_setting(data).get("nodeTypes")):
            template = node_type.get("template") if isinstance(node_type, dict) else None
            if isinstance(template, str) and "/" in template.strip("/"):
                found.append(template.strip("/").rsplit("/", 1)[0])
    # Relative to the folder loaded, which is the vault or a folder inside it.
    inside = root.resolve().relative_to(vault.resolve()).as_posix() if root.resolve() != vault.resolve() else ""
    return sorted({f.removeprefix(inside + "/") for f in found if not inside or f.startswith(inside + "/")})


def _json_setting(path: Path) -> dict[str, Any]:
    """A settings file's JSON object; ``{}`` when it cannot be read (the reader of the vault says why)."""
    try:
        if not path.is_file() or path.stat().st_size > _MAX_SETTINGS_BYTES:
            return {}
        data = load_json(path.read_bytes())
    except (OSError, ValueError, TooLarge):
        return {}
    return data if isinstance(data, dict) else {}


def _template_file(relpath: str, folders: list[str], named: set[str]) -> bool:
    # Asked of every note file of a load (100,000 at a re-sync): a file at the top of a lab without template
    # names is answered without splitting anything.
    head, sep, name = relpath.rpartition("/")
    if sep:
        if any(part.casefold() == _TEMPLATE_FOLDER for part in head.split("/")):
            return True
        if any(relpath.startswith(folder + "/") for folder in folders):
            return True
    return bool(named) and name.rsplit(".", 1)[0] in named


def discover_units(
    root: Path, config: Config, *, format: str | None = None, templates: list[str] | None = None
) -> list[Unit]:
    """The units under ``root`` (or of ``root`` itself, when it is a file), in key order.

    Without ``format``: an Obsidian vault (a folder whose ``.obsidian/plugins/*/data.json`` defines node types, or
    a folder inside one) gives one unit per note; elsewhere ``.md`` files are Roam (or plain) Markdown, a ``.json``
    file holding ``nodes`` or page ``children`` is a Roam JSON export, a ``.json`` file with an ``@context`` and
    ``.ttl``, ``.trig``, ``.nt``, ``.nq``, ``.jsonld`` files are RDF, and a ``*_nodes.csv`` file whose header starts
    ``uid:ID`` is a Neo4j export, read with its ``*_relations.csv``. Other files are passed over.

    With ``format``, a file given alone is read in that format whatever its name; in a folder, the files with that
    format's suffixes are (``.md``; ``.json``; ``.csv``; RDF suffixes and ``.json``; a vault's notes).

    Templates are not notes: Markdown files in a folder named ``Templates`` (``Meta/Templates/…``) or in the
    templates folders a vault's settings name (:func:`template_folders`), and the templates the Discourse Graphs
    plugin's node types use, are passed over; their paths are added to ``templates`` when a list is given.

    :raises ConfigError: when ``format`` is not one of :data:`FORMATS`.
    """
    if format is not None and format not in FORMATS:
        raise ConfigError(f"unknown format {format!r} (known: {', '.join(FORMATS)})")
    files = list(discover(root, config.ignore, suffixes=None))
    one_file = root.is_file()
    if not one_file:
        folders, named = template_folders(root), _template_names(root)
        passed = [
            f for f in files if f.relpath.lower().endswith(NOTE_SUFFIXES) and _template_file(f.relpath, folders, named)
        ]
        if templates is not None:
            templates.extend(f.relpath for f in passed)
        files = [f for f in files if f not in set(passed)] if passed else files
    base = root.parent if one_file else root
    vault = obsidian_vault(base) if format in (None, "obsidian") else None
    units: list[Unit] = []
    by_relpath: dict[str, NoteFile] = {}  # made when a Neo4j export needs it
    if vault is not None or format == "obsidian":
        shared = obsidian.vault_files(vault or base, base)
        for file in files:
            if file.relpath.lower().endswith(NOTE_SUFFIXES):
                units.append(Unit(file.relpath, "obsidian", (file, *shared)))
            elif format is None and (library := _library_format(file)) is not None:
                units.append(Unit(file.relpath, library, (file,)))  # the lab's Zotero library, kept in the vault
        return sorted(units, key=_unit_key)
    used: set[str] = set()
    for file in files:
        if file.relpath in used:
            continue
        kind = _sniff(file) if format is None else format
        if kind is None and one_file and not file.relpath.lower().endswith((".json", ".csv")):
            # A file named on its own is read, as a note, whatever its name; but a .json or .csv that is no export
            # this tool knows is not taken for a note: the load says it found nothing it can read there.
            kind = "markdown"
        if kind is None or (format is not None and not one_file and not _fits(file, format)):
            continue
        if kind == "neo4j-csv":
            if not by_relpath:
                by_relpath = {f.relpath: f for f in files}
            pair = _neo4j_pair(file, by_relpath)
            if pair is None:
                continue
            used.update(f.relpath for f in pair)
            units.append(Unit(pair[0].relpath, kind, pair))
        else:
            units.append(Unit(file.relpath, kind, (file,)))
    return sorted(units, key=_unit_key)


_unit_key = attrgetter("key")

_SUFFIXES_OF_FORMAT = {
    "markdown": NOTE_SUFFIXES,
    "roam-json": (".json",),
    "dg-jsonld": (".json", ".jsonld"),
    "neo4j-csv": (".csv",),
    "rdf": (*RDF_SUFFIXES, ".json"),
    "bibtex": BIB_SUFFIXES,
    "csl-json": (".json",),
}


def _fits(file: NoteFile, format: str) -> bool:
    """Whether a file in a folder loaded with ``format=`` is one of that format's files (by its suffix)."""
    return file.relpath.lower().endswith(_SUFFIXES_OF_FORMAT.get(format, ()))


def _library_format(file: NoteFile) -> str | None:
    """``bibtex`` for a ``.bib`` file, ``csl-json`` for a CSL-JSON one (a list of items with a ``type`` and an
    ``issued``, ``citation-key`` or ``container-title``), else ``None``."""
    name = file.relpath.lower()
    if name.endswith(BIB_SUFFIXES):
        return "bibtex"
    if name.endswith(".json"):
        head = _head(file)
        if (
            head.lstrip("\ufeff \t\r\n").startswith("[")
            and '"type"' in head
            and any(key in head for key in ('"issued"', '"citation-key"', '"container-title"'))
            and '"children"' not in head
        ):
            return "csl-json"
    return None


def _sniff(file: NoteFile) -> str | None:
    name = file.relpath.lower()
    if name.endswith(NOTE_SUFFIXES):
        return "markdown"
    if name.endswith((".json", ".jsonld")):
        head = _head(file)
        if '"@context"' in head and any(marker in head for marker in dg_jsonld.MARKERS):
            return "dg-jsonld"  # the Discourse Graphs extension's JSON-LD: discourse notes, not raw triples
    if name.endswith(RDF_SUFFIXES):
        return "rdf"
    if (library := _library_format(file)) is not None:
        return library
    if name.endswith(".json"):
        head = _head(file)
        if '"@context"' in head:
            return "rdf"
        if head.lstrip().startswith(("{", "[")) and ('"nodes"' in head or '"children"' in head):
            return "roam-json"
        return None
    if name.endswith(".csv"):
        first = _head(file, 200).split("\n", 1)[0].lstrip("\ufeff")
        if first.startswith(("uid:ID", "start:START_ID")):
            return "neo4j-csv"
    return None


def _head(file: NoteFile, size: int = _SNIFF_BYTES) -> str:
    if file.refused or not file.path.is_file():
        return ""  # never opened: a pipe would block
    try:
        with file.path.open("rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _neo4j_pair(file: NoteFile, by_relpath: dict[str, NoteFile]) -> tuple[NoteFile, ...] | None:
    """The nodes file and, when there is one, its relations file (``…nodes.csv`` / ``…relations.csv``)."""
    relpath = file.relpath
    lowered = relpath.lower()
    if lowered.endswith("relations.csv"):
        return None  # read with its nodes file; alone it names no node
    if lowered.endswith("nodes.csv"):
        relations = by_relpath.get(relpath[: -len("nodes.csv")] + "relations.csv")
        return (file, relations) if relations is not None else (file,)
    return (file,) if _head(file, 200).lstrip("\ufeff").startswith("uid:ID") else None


def _listed(value: object) -> list[object]:
    """A JSON setting that should be a list, as one (a hostile ``"nodeTypes": 1.0`` lists nothing)."""
    return value if isinstance(value, list) else []


def _template_names(root: Path) -> set[str]:
    """The note names of the templates the Discourse Graphs plugin's node types use (``template`` in data.json)."""
    vault = obsidian_vault(root)
    names = set()
    for data in obsidian.plugin_settings_files(vault)[:1] if vault is not None else []:
        for node_type in _listed(_json_setting(data).get("nodeTypes")):
            template = node_type.get("template") if isinstance(node_type, dict) else None
            if isinstance(template, str) and template.strip():
                names.add(template.strip().rsplit("/", 1)[-1].removesuffix(".md"))
    return names


def obsidian_vault(folder: Path) -> Path | None:
    """The Obsidian vault ``folder`` is (or is inside) when its plugin settings define discourse node types."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".obsidian").is_dir():
            for data in sorted((candidate / ".obsidian" / "plugins").glob("*/data.json")):
                if '"nodeTypes"' in _head(NoteFile(data, data.name, 0, 0)):
                    return candidate
            return None  # the vault a folder is in, but not one of the Discourse Graphs plugin
    return None


def discover(
    root: Path, ignore: tuple[str, ...] = (), *, suffixes: tuple[str, ...] | None = NOTE_SUFFIXES
) -> Iterator[NoteFile]:
    """The files under ``root`` (or ``root`` itself, when it is a file), in path order.

    Hidden files and folders (``.obsidian``, ``.git``, ``.rdfnotes`` …) are passed over, so are paths matching an
    ``ignore`` glob, and symbolic links to folders are not followed, so a link loop cannot trap the walk.

    :param suffixes: only files with one of these suffixes (Markdown notes by default); ``None`` for every file.
    """
    if root.is_file():
        stat = root.stat()
        yield NoteFile(root, root.name, stat.st_mtime_ns, stat.st_size)
        return
    found: list[NoteFile] = []
    # The ignore globs as one expression (what fnmatchcase matches each with), tried once a file.
    ignored = re.compile("|".join(fnmatch.translate(pattern) for pattern in ignore)).match if ignore else None
    _walk(root, str(root), "", ignored, suffixes, found, [])
    found.sort(key=attrgetter("relpath"))
    yield from found


def _walk(
    root: Path,
    folder: str,
    prefix: str,
    ignored: Callable[[str], object] | None,
    suffixes: tuple[str, ...] | None,
    found: list[NoteFile],
    resolved_root: list[Path],
) -> None:
    """Add the files of ``folder`` (``prefix``: its path relative to ``root``, with a final ``/``) and of its
    folders to ``found``: one ``scandir`` a folder and one ``stat`` a file (the entry's type comes with the listing).

    ``resolved_root`` holds ``root.resolve()`` once a symbolic link needs it (resolved at most once a walk)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # a folder gone or unreadable since it was listed: as os.walk, passed over
    folders: list[os.DirEntry[str]] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()  # a link to a folder counts as one: listed, never followed
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                folders.append(entry)
            continue
        if suffixes is not None and not name.lower().endswith(suffixes):
            continue
        relpath = prefix + name
        if ignored is not None and ignored(relpath):
            continue
        # What stat_file says of it, from its directory entry (which knows whether it is a link: no lstat).
        try:
            stat = entry.stat()  # follows a symbolic link, as Path.stat
        except OSError:
            # A dangling symbolic link or a file gone since the walk: reading it will say what is wrong.
            found.append(NoteFile(entry.path, relpath, 0, -1))
            continue
        refused = None
        if not S_ISREG(stat.st_mode):
            refused = NOT_REGULAR
        elif entry.is_symlink():
            if not resolved_root:
                resolved_root.append(root.resolve())
            target = Path(entry.path).resolve()
            if not target.is_relative_to(resolved_root[0]):
                refused = outside_root(target)
        found.append(NoteFile(entry.path, relpath, stat.st_mtime_ns, stat.st_size, refused))
    for entry in sorted(folders, key=lambda e: e.name):
        _walk(root, entry.path, f"{prefix}{entry.name}/", ignored, suffixes, found, resolved_root)


def read_note(data: bytes, relpath: str, *, spaced_keys: frozenset[str]) -> Note:
    """Read one Markdown file's bytes (a Roam Markdown page, or a plain note)."""
    return roam_markdown.read(data, relpath, spaced_keys=spaced_keys)
