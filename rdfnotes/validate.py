"""``validate``: is a discourse graph sound enough to share? Findings that name the file and, where known, the line.

Two kinds of checks:

- **the shapes** (``ontology/shapes.ttl`` and the lab's grammar, compiled to SPARQL and run in the store by
  :mod:`rdfnotes.shacl_sparql`; pySHACL is its test oracle) over the mapped graph: relations whose ends break the
  discourse-graph grammar (``dg:supports`` from evidence or a claim to a claim, ``rn:informs`` reaching a question …),
  evidence with no source, DOIs not normalised, nodes without one label or with two discourse types, dates kept as
  text. Paths given are loaded by the real loader into a throw-away store in a temporary folder; without paths, the
  store itself is validated. Each result is mapped back to the file whose graph states it (the store keeps one named
  graph per note, an ``rn:NoteFile`` with its ``rn:path`` and ``foaf:primaryTopic``) and, when paths were read, to
  the line of the relation or field that says it.
- **the notes themselves** (paths only): links to discourse pages that do not exist, relations naming a node that
  is not loaded, two files claiming one title or one identity (Roam uid, Obsidian ``nodeInstanceId``), node types
  and relation labels the configuration does not know, and files that could not be read.

Each finding has a rule id: the shape's name for the shapes, one of :data:`NOTE_RULES` otherwise. Severities are
``error`` (a shape's ``sh:Violation``) and ``warning`` (``sh:Warning``); :meth:`ValidationReport.exit_status` is 0
when there is no error (1 with ``strict`` and a warning), 1 when there is one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import NamedNode, QuerySolutions

from . import grammar, iris, shacl_sparql
from .config import Config, Rule
from .dates import is_daily_page
from .loader import load, note_graph_iri
from .mapping import parse_title
from .model import Note
from .progress import Progress
from .readers import read_path
from .resources import ontology_dir, ontology_path
from .store import Store
from .vocab import DCTERMS, FOAF, RDF, RDFS, RN, XSD

SHAPES = "shapes.ttl"
SHAPES_NS = "https://w3id.org/rdfnotes/shapes#"
NOTE_RULES = {
    "read": "a file could not be read, or part of it was passed over",
    "missing-page": "a link or relation names a discourse page that has no file",
    "missing-node": "a relation names a node (by identity) that is not among the notes",
    "duplicate-title": "two notes claim one title",
    "duplicate-identity": "two notes claim one identity (Roam uid, Obsidian nodeInstanceId)",
    "unknown-node-type": "a type marker or declared node type the configuration does not know",
    "unknown-relation": "a relation label the configuration does not know",
}
"""The rules of the checks over the notes, with what each finds."""

_SH = "http://www.w3.org/ns/shacl#"
_SEVERITY = {_SH + "Violation": "error", _SH + "Warning": "warning", _SH + "Info": "info"}
_LINKED_MARKER = re.compile(r"^\s*\[\[(?P<marker>[^\[\]]+)\]\]\s*-\s")
_PLAIN_MARKER = re.compile(r"^\s*(?P<marker>[A-Z]{2,5})\s+-\s")


@dataclass(frozen=True)
class Finding:
    """One thing wrong: how bad, which rule, where (file, line, node), and what."""

    severity: str
    rule: str
    file: str | None
    line: int | None
    node: str | None
    message: str
    also: tuple[str, ...] = ()
    """The other files stating the same thing (a relation written on both of its pages is one finding)."""

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file or "", self.line or 0, self.rule, self.node or "", self.message)

    def __str__(self) -> str:
        where = self.file or "(store)"
        if self.line:
            where += f":{self.line}"
        also = f" (also stated in {', '.join(self.also)})" if self.also else ""
        return f"{where}: {self.severity}: {self.message}{also} [{self.rule}]"


@dataclass
class ValidationReport:
    """What :func:`validate` found, sorted by file, line and rule."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    triples: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def exit_status(self, *, strict: bool = False) -> int:
        """0: no error (and, with ``strict``, no warning); 1 otherwise."""
        return 1 if self.errors or (strict and self.warnings) else 0

    def summary(self) -> str:
        verdict = "sound" if not self.errors else "not sound"
        return (
            f"Validated {_count(self.files, 'file')} ({_count(self.triples, 'triple')}): "
            f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')}; {verdict}."
        )

    def to_json(self) -> str:
        """The report as JSON: ``summary`` and ``findings`` (sorted; keys sorted), byte-stable for one input."""
        data = {
            "summary": {
                "files": self.files,
                "triples": self.triples,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "findings": [asdict(f) for f in self.findings],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def shapes_path() -> Path:
    """The bundled SHACL shapes, in Turtle."""
    return ontology_dir() / SHAPES


def validate(
    source: Store | str | os.PathLike[str] | Iterable[str | Path],
    config: Config,
    *,
    format: str | None = None,
    lab: str | None = None,
    progress: Progress | None = None,
) -> ValidationReport:
    """Validate the notes under some paths, or the graph a store holds.

    :param source: a folder or file of notes, or several (loaded into a temporary store by the real loader, and
        read for the checks over the notes), or an open :class:`~rdfnotes.store.Store` (the shapes only, without lines).
    :param format: read the paths in this format (:data:`rdfnotes.readers.FORMATS`).
    :param lab: the lab name the paths are loaded as (it names the IRIs findings show).
    :param progress: told how far reading and writing the notes have come (as :func:`rdfnotes.loader.load` tells),
        then of each check done (``"Checking"``: the notes read again, then each query the shapes compile to).
    :raises NothingToLoad: when no path exists or none holds notes.

    >>> from rdfnotes.config import load_config
    >>> report = validate(["tests/fixtures/lab-a"], load_config())
    >>> report.findings, report.exit_status()
    ([], 0)
    """
    if isinstance(source, Store):
        return _validate_store(source, config, grammar.choose(config), roots={}, progress=progress)
    # One path given alone is one path, not the characters of its name.
    paths = [Path(source)] if isinstance(source, str | os.PathLike) else [Path(p) for p in source]
    with tempfile.TemporaryDirectory(prefix="rdfnotes-validate-") as tmp, Store(Path(tmp) / "store") as store:
        # raises NothingToLoad when no path holds notes. A store thrown away after: no history of its loads, no
        # coverage summary (~15 % of a first load at 10,000 notes).
        scratch = replace(config, history_keep=0)
        load(paths, store, scratch, lab=lab, format=format, progress=progress, summary=False)
        roots = {str(p.resolve()): p for p in paths if p.exists()}
        missing = [
            Finding("error", "read", str(p), None, None, "no such file or folder") for p in paths if not p.exists()
        ]
        notes = _read_notes(roots, store, config, format)
        lab_grammar = grammar.choose(config, notes.grammar)
        # the bar's first step: the notes read again (for lines and the checks over the notes)
        report = _validate_store(store, config, lab_grammar, roots=roots, notes=notes, progress=progress, done=1)
    report.findings = sorted({*report.findings, *missing, *_check_notes(notes, config)}, key=Finding.sort_key)
    return report


# -- the notes as read ---------------------------------------------------------------------------------------------


@dataclass
class _Read:
    """A note read from a root, with what the load made of it."""

    note: Note
    file: str
    root: str
    node: str
    links: dict[tuple[str, str | None], tuple[str, bool]]


@dataclass
class _Notes:
    by_graph: dict[str, _Read] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)
    files: int = 0
    grammar: list[tuple[str, Rule]] = field(default_factory=list)


def _display(root: Path, relpath: str) -> str:
    """A file as the user can find it: under the root as they gave it."""
    if root.is_file():
        return root.as_posix()
    return (PurePosixPath(root.as_posix()) / relpath).as_posix()


def _read_notes(roots: dict[str, Path], store: Store, config: Config, format: str | None) -> _Notes:
    result = _Notes()
    for key, root in roots.items():
        entry = store.manifest["roots"].get(key)
        if entry is None:
            continue
        base = entry["base"]
        known = {note["graph"]: note for unit in entry.get("units", {}).values() for note in unit.get("notes", [])}
        read = read_path(root, config, format=format)
        result.files += len(read.units)
        result.grammar += [(_display(root, file), rule) for file, rule in read.grammar]
        for problem in read.problems:
            severity = "error" if problem.severity == "error" else "warning"
            file = _display(root, problem.path)
            result.problems.append(Finding(severity, "read", file, problem.line, None, problem.message))
        for note in read.notes:
            graph = note_graph_iri(base, note)
            loaded = known.get(graph)
            if loaded is None:
                continue
            links = {(str(t), u): (str(i), bool(f)) for t, u, i, f in loaded.get("links", [])}
            result.by_graph[graph] = _Read(note, _display(root, note.path), key, loaded["node"], links)
    return result


def _check_notes(notes: _Notes, config: Config) -> list[Finding]:
    findings = list(notes.problems)
    markers = {t.marker for t in config.node_types}
    names = {t.name.casefold() for t in config.node_types}
    seen_titles: dict[tuple[str, str], _Read] = {}
    seen_ids: dict[tuple[str, str, str], _Read] = {}
    for graph in sorted(notes.by_graph, key=lambda g: (notes.by_graph[g].file, g)):
        read = notes.by_graph[graph]
        note = read.note

        def add(severity: str, rule: str, line: int | None, message: str, node: str | None = None) -> None:
            findings.append(_note_finding(read, severity, rule, line, message, node))  # noqa: B023

        identity = (read.root, note.uid_scheme, note.uid) if note.uid else None
        if identity is not None and identity in seen_ids:
            other = seen_ids[identity]
            add("error", "duplicate-identity", None, f"{_other(other, read)} has the same identity {note.uid!r}")
        elif identity is not None:
            seen_ids[identity] = read
        # a library entry (.bib, CSL-JSON) describes the page of its citekey: it claims no title of its own
        title_key = (read.root, iris.page_key(note.title) if note.describes is None else "")
        if title_key[1] and title_key in seen_titles and (identity is None or seen_ids.get(identity) is read):
            other = seen_titles[title_key]
            add("error", "duplicate-title", None, f"{_other(other, read)} has the same title {note.title!r}")
        elif title_key[1]:
            seen_titles.setdefault(title_key, read)

        marked = _LINKED_MARKER.match(note.title) or _PLAIN_MARKER.match(note.title)
        if marked and marked["marker"].strip() not in markers and not note.node_type:
            add("warning", "unknown-node-type", None, f"type marker {marked['marker']!r} is not a configured node type")
        declared = note.node_type
        if declared and declared not in markers and declared.casefold() not in names:
            add("warning", "unknown-node-type", None, f"node type {declared!r} is not a configured node type")

        for relation in note.relations:
            if config.relation(relation.label) is None:
                add(
                    "warning",
                    "unknown-relation",
                    relation.target.line,
                    f"relation label {relation.label!r} is not in the configuration (name it under 'relations')",
                )
        reported: set[str] = set()
        named = [(r.target, r.label) for r in note.relations] + [(x, None) for x in note.links]
        for link, label in named:
            resolved = read.links.get((link.target, link.uid))
            if resolved is None or resolved[1] or link.target in reported:
                continue
            if link.required:
                reported.add(link.target)
                message = f"relation {label!r} names {link.target}, which is not among the notes: it cannot be loaded"
                add("error", "missing-node", link.line, message)
                continue
            parts = parse_title(link.target, config)
            if parts.class_iri is None or parts.class_iri == config.source_class or is_daily_page(link.target):
                continue  # a plain page or a source only linked to: usual in an export
            reported.add(link.target)
            add("warning", "missing-page", link.line, f"links to {link.target!r}, which has no file", resolved[0])
    return findings


def _note_finding(read: _Read, severity: str, rule: str, line: int | None, message: str, node: str | None) -> Finding:
    return Finding(severity, rule, read.file, line or None, node or read.node, message)


def _other(other: _Read, read: _Read) -> str:
    """The other note of a pair claiming one title or identity, as the finding names it."""
    if other.file == read.file:
        return "another note of this file"
    return f"another file, {other.file},"


# -- the shapes ------------------------------------------------------------------------------------------------------


def _validate_store(
    store: Store,
    config: Config,
    lab_grammar: grammar.Grammar,
    *,
    roots: dict[str, Path],
    notes: _Notes | None = None,
    progress: Progress | None = None,
    done: int = 0,
) -> ValidationReport:
    """The shapes' findings on the store: the SHACL shapes compiled to SPARQL and run by Oxigraph
    (:mod:`rdfnotes.shacl_sparql`, which pySHACL checks in the tests), each result placed in its files."""
    import rdflib

    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    shapes += grammar.grammar_shapes(lab_grammar, config)
    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    checks = shacl_sparql.compile_shapes(shapes, shacl_sparql.Hierarchy.of(store, ontology))
    total = done + len(checks)

    def tell(step: int, _: int) -> None:
        if progress is not None:
            progress("Checking", done + step, total)

    results = list(shacl_sparql.run(store, checks, tell))
    where = _Where(store, roots, notes or _Notes(), config, shapes)
    terms = [
        (
            *(_rdflib_term(t) for t in (r.focus, r.path, r.value)),
            rdflib.BNode(r.shape[2:]) if r.shape.startswith("_:") else rdflib.URIRef(r.shape),
        )
        for r in results
    ]
    where.locate(terms)
    types = _types(
        store, [t for r in results if r.shape.startswith(SHAPES_NS + "grammar-") for t in (r.focus, r.value)]
    )
    findings: list[Finding] = []
    for result, (focus, path, value, shape) in zip(results, terms, strict=True):
        severity = _SEVERITY.get(result.severity, "error")
        message = result.message
        rule = result.shape.removeprefix(SHAPES_NS) if not result.shape.startswith("_:") else "shape"
        if rule.startswith("grammar-"):
            message = _grammar_message(types, config, focus, path, value)
            message += f" ({_grammar_origin(lab_grammar)})"
        findings += where.findings(severity, rule, message, focus, path, value, shape)
    report = ValidationReport(
        findings=_one_per_statement(findings),
        files=notes.files if notes is not None else len(where.graph_file),
        triples=store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
    )
    return report


def _rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as rdflib's (what :class:`_Where` and the messages take); ``None`` stays ``None``."""
    import rdflib

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, OxLiteral):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return rdflib.Literal(term.value, datatype=None if datatype == XSD.string else rdflib.URIRef(datatype))
    return rdflib.BNode(term.value)


def _types(store: Store, nodes: Iterable[Any]) -> dict[str, list[str]]:
    """The ``rdf:type``\\ s of some nodes (IRIs), a query per few hundred."""
    iris = sorted({n.value for n in nodes if isinstance(n, NamedNode)})
    found: dict[str, list[str]] = {}
    for batch in _batches(iris):
        values = " ".join(f"<{iri}>" for iri in batch)
        rows = store.query(f"SELECT ?node ?type WHERE {{ VALUES ?node {{ {values} }} ?node <{RDF.type}> ?type }}")
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            found.setdefault(str(getattr(row[0], "value", "")), []).append(str(getattr(row[1], "value", "")))
    return found


def _grammar_origin(lab_grammar: grammar.Grammar) -> str:
    if lab_grammar.declared:
        return f"the lab's grammar, declared in {lab_grammar.declared_in}"
    return "the default grammar: the lab declared none"


def _grammar_message(types: dict[str, list[str]], config: Config, focus: Any, path: Any, value: Any) -> str:
    """Which types a relation joins that the grammar does not allow: ``no Claim Informs Claim``."""

    def names(node: Any) -> str:
        found = grammar.type_names(config, types.get(str(node), []))
        return "/".join(found) or "(a type the configuration does not name)"

    label = next((r.label for r in config.relations if r.property_iri == str(path)), _short(str(path)))
    return f"not in the grammar: {names(focus)} {label} {names(value)}"


def _one_per_statement(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per thing found, however many files state it: the first file (and its line) names it, the
    others are listed in ``also``."""
    grouped: dict[tuple[str, str, str | None, str], list[Finding]] = {}
    for finding in sorted(set(findings), key=Finding.sort_key):
        grouped.setdefault((finding.severity, finding.rule, finding.node, finding.message), []).append(finding)
    merged = []
    for group in grouped.values():
        others = tuple(f"{f.file}:{f.line}" if f.line else str(f.file) for f in group[1:])
        merged.append(Finding(**{**asdict(group[0]), "also": others}))
    return sorted(merged, key=Finding.sort_key)


class _Where:
    """Maps a SHACL result (focus node, path, value) to the files whose graphs state it, and their lines.

    Only what the results need is looked up in the store (:meth:`locate`: a few batched queries), never the whole
    store: a sound graph of 100,000 notes costs one query of its note files."""

    def __init__(self, store: Store, roots: dict[str, Path], notes: _Notes, config: Config, shapes: Any) -> None:
        import rdflib

        self.store = store
        self.config = config
        self.notes = notes
        self.shapes = shapes
        self.graph_file: dict[str, str] = {}
        self.node_graphs: dict[str, list[str]] = {}
        self.statements: dict[tuple[str, str, str], list[str]] = {}
        self.by_subject: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.labels: dict[str, str] = {}
        self.lines: dict[tuple[str, str, str, str], int] = {}
        """(graph, subject, predicate, object) → the first line of the graph's file stating the triple."""
        self._rdflib = rdflib
        for key, entry in store.manifest["roots"].items():
            root = roots.get(key, Path(key))
            for unit_key, unit in entry.get("units", {}).items():
                for graph in unit.get("graphs", []):  # an RDF file's graph, too
                    self.graph_file[graph] = _display(root, unit_key)
                for note in unit.get("notes", []):
                    self.graph_file[note["graph"]] = _display(root, note["path"])
        rows = store.query(
            f"SELECT ?g ?path ?node WHERE {{ GRAPH ?g {{ ?g a <{RN.NoteFile}> ; <{RN.path}> ?path ; "
            f"<{FOAF.primaryTopic}> ?node }} }}"
        )
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            graph, relpath, node = (str(getattr(row[i], "value", "")) for i in range(3))
            self.graph_file.setdefault(graph, relpath)
            self.node_graphs.setdefault(node, []).append(graph)

    def locate(self, results: Iterable[tuple[Any, Any, Any, Any]]) -> None:
        """Look up, in a few queries, the statements, relations and labels that ``(focus, path, value, shape)``
        results name: which graphs state them (only note graphs count) and the labels of their nodes."""
        rdflib = self._rdflib
        sh = rdflib.Namespace(_SH)
        triples: set[tuple[str, str, str]] = set()
        subjects: set[tuple[str, str]] = set()
        nodes: set[str] = set()
        for focus, path, value, shape in results:
            for node in (focus, value):
                if isinstance(node, rdflib.URIRef):
                    nodes.add(self._nt(node))
            if not isinstance(focus, rdflib.URIRef | rdflib.Literal):
                continue
            if isinstance(path, rdflib.URIRef) and isinstance(value, rdflib.URIRef | rdflib.Literal):
                triples.add((self._nt(focus), self._nt(path), self._nt(value)))
                if isinstance(value, rdflib.URIRef) and isinstance(focus, rdflib.URIRef):
                    triples.add((self._nt(value), self._nt(path), self._nt(focus)))
            elif path is None and isinstance(focus, rdflib.URIRef):
                for prop in self.shapes.objects(shape, sh.targetSubjectsOf):
                    subjects.add((self._nt(focus), self._nt(prop)))
        for batch in _batches(sorted(triples)):
            values = " ".join(f"({s} {p} {o})" for s, p, o in batch)
            for graph, s, p, o in self._rows(
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            ):
                self.statements.setdefault((s, p, o), []).append(graph)
        for batch in _batches(sorted(subjects)):
            values = " ".join(f"({s} {p})" for s, p in batch)
            for graph, s, p, o in self._rows(
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES (?s ?p) {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            ):
                self.by_subject.setdefault((s, p), []).append((o, graph))
        # where each statement is stated: the reified statements of line provenance (rdfnotes.mapping)
        for (s, p), ends in self.by_subject.items():
            triples.update((s, p, o) for o, _ in ends if not o.startswith("_:"))
        for batch in _batches(sorted(triples)):
            values = " ".join(f"({s} {p} {o})" for s, p, o in batch)
            rows = self.store.query(
                f"SELECT ?g ?in ?s ?p ?o ?line WHERE {{ VALUES (?s ?p ?o) {{ {values} }} GRAPH ?g {{ "
                f"?r <{RDF.subject}> ?s ; <{RDF.predicate}> ?p ; <{RDF.object}> ?o ; <{RN.statedIn}> ?in ; "
                f"<{RN.line}> ?line }} }}"
            )
            assert isinstance(rows, QuerySolutions)
            for row in rows:
                if str(getattr(row[0], "value", "")) not in self.graph_file:
                    continue
                try:
                    line = int(getattr(row[5], "value", ""))
                except ValueError:
                    continue
                key = (str(getattr(row[1], "value", "")), str(row[2]), str(row[3]), str(row[4]))
                self.lines[key] = min(line, self.lines.get(key, line))
        for batch in _batches(sorted(nodes)):
            rows = self.store.query(
                f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {' '.join(batch)} }} ?s <{RDFS.label}> ?label }}"
            )
            assert isinstance(rows, QuerySolutions)
            for row in rows:
                if isinstance(row[1], OxLiteral):
                    self.labels.setdefault(str(getattr(row[0], "value", "")), row[1].value)

    def _rows(self, query: str) -> Iterator[tuple[str, str, str, str]]:
        """(graph, subject, predicate, object) of each row, as N-Triples terms; only graphs of note files."""
        rows = self.store.query(query)
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            graph = str(getattr(row[0], "value", ""))
            if graph in self.graph_file:
                yield graph, str(row[1]), str(row[2]), str(row[3])

    def _nt(self, term: Any) -> str:
        if isinstance(term, self._rdflib.URIRef):
            return f"<{term}>"
        return str(term.n3()) if term is not None else ""

    def findings(
        self, severity: str, rule: str, message: str, focus: Any, path: Any, value: Any, shape: Any
    ) -> set[Finding]:
        rdflib = self._rdflib
        node = str(focus)
        located: list[tuple[str, str | None, Any]] = []  # (graph, property, other end)
        if isinstance(path, rdflib.URIRef) and value is not None:
            stated = self.statements.get((self._nt(focus), self._nt(path), self._nt(value)), [])
            if not stated and isinstance(value, rdflib.URIRef):  # a relation reaching the focus node
                stated = self.statements.get((self._nt(value), self._nt(path), self._nt(focus)), [])
            for graph in stated:
                located.append((graph, str(path), value))
        elif path is None:
            # A node shape on the subjects of a relation: every file stating one of its relations.
            sh = rdflib.Namespace(_SH)
            for prop in self.shapes.objects(shape, sh.targetSubjectsOf):
                for other, graph in self.by_subject.get((self._nt(focus), self._nt(prop)), []):
                    located.append((graph, str(prop), rdflib.URIRef(other[1:-1]) if other.startswith("<") else None))
        if not located:
            # About the node itself: its own file. A node only linked to (no file) is reported as a missing page.
            located = [
                (graph, str(path) if path is not None else None, value) for graph in self.node_graphs.get(node, [])
            ]
        out = set()
        for graph, prop, other in located:
            text = message
            label = self.labels.get(node)
            if prop is not None and isinstance(other, rdflib.URIRef):
                text += f": {label or node!r} {_short(prop)} {self.labels.get(str(other), str(other))!r}"
            elif label is not None:
                text += f": {label!r}"
                if isinstance(other, rdflib.Literal):
                    text += f" has {str(other)!r}"
            line = self._line(graph, node, prop, other)
            out.add(Finding(severity, rule, self.graph_file[graph], line, node, text))
        return out

    def _line(self, graph: str, node: str, prop: str | None, other: Any) -> int | None:
        if prop is not None and other is not None:  # where the store says the triple is stated
            for key in ((f"<{node}>", f"<{prop}>", self._nt(other)), (self._nt(other), f"<{prop}>", f"<{node}>")):
                if (line := self.lines.get((graph, *key))) is not None:
                    return line
        read = self.notes.by_graph.get(graph)
        if read is None or prop is None:
            return None
        note = read.note
        if prop == DCTERMS.created:
            return note.created_line
        if prop == RDF.type:
            return None
        ends = {node, str(other)}
        for relation in note.relations:
            found = self.config.relation(relation.label)
            if found is None or found[0].property_iri != prop:
                continue
            target = read.links.get((relation.target.target, relation.target.uid))
            if target is not None and {read.node, target[0]} == ends:
                return relation.target.line or None
        text = str(other).casefold() if other is not None else None
        for attribute in note.attributes:
            spec = self.config.attribute(attribute.key)
            if spec is None:
                continue
            if spec.property_iri == prop or (text and text in attribute.value.casefold()):
                return attribute.line or None
        return None


def _batches(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _short(iri: str) -> str:
    from .vocab import PREFIXES

    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def rules(config: Config | None = None) -> Sequence[tuple[str, str]]:
    """Every rule id with what it finds: the shapes' (``shapes.ttl``, and the grammar's under ``config``: the
    bundled defaults when none is given) and the notes' checks."""
    import rdflib

    from .config import load_config

    config = config or load_config()
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    shapes += grammar.grammar_shapes(grammar.choose(config), config)
    sh = rdflib.Namespace(_SH)
    found = [
        (str(s).removeprefix(SHAPES_NS), str(shapes.value(s, sh.message)))
        for s in set(shapes.subjects(sh.severity, None))
        if isinstance(s, rdflib.URIRef)
    ]
    return sorted([*found, *NOTE_RULES.items()])


__all__ = ["NOTE_RULES", "Finding", "ValidationReport", "rules", "shapes_path", "validate"]
