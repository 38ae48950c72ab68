"""``diff``: what changed between two versions of a discourse graph, as a summary, as JSON and as an RDF patch.

A *side* of a diff is a set of triples: the union of a store's note graphs (a store directory, or the store as it
was after an earlier load, rebuilt from its history: :mod:`rdfnotes.history`), or the notes of a folder or export
file in any format rdfnotes reads, loaded by the real loader (readers, mapping) into a throw-away store. Both sides
of a diff of note folders are loaded as one lab (the first side's name), so that the same note gets the same IRI.

Blank nodes (and the Skolem IRIs ``…/.well-known/genid/…`` the store writes for them) are compared by what they
hold, not by their label: each is hashed from its own triples and its neighbours', round after round until the
partition into classes stops growing (colour refinement, as graph-isomorphism tests do), and blank nodes of the two
sides with one hash are the same node. An unchanged ``bibo:authorList`` (an ``rdf:List``) or reified statement is
therefore no change, even when a file's blank nodes were numbered otherwise. (``rdflib.compare`` canonicalises
whole graphs in pure Python, too slow for a lab of 100,000 notes; it is the tests' oracle.) Two blank nodes no
refinement tells apart (automorphic ones) are paired in label order. A blank node whose content changed (one
member of a list changed: every cell's hash changes with it) is still paired with its old self when both sides reach
it, alone, from the same IRI by the same predicates (``<paper> bibo:authorList/rdf:rest``): the diff is the one
``rdf:first`` that changed, not the whole list.

The patch turns the old side's triples into the new side's: deletions are written with the old side's terms,
additions with the old side's term for every blank node both sides share (so it applies to the old graph as it is)
and a fresh Skolem IRI for a new one whose label the old side uses for another. Two standard forms:

- **RDF Patch** (https://afs.github.io/rdf-delta/rdf-patch.html): ``TX .``, a ``D`` row per triple removed, an
  ``A`` row per triple added, ``TC .``; rows are N-Triples terms. :func:`apply_rdf_patch` applies one.
- **SPARQL 1.1 Update**: ``DELETE DATA`` then ``INSERT DATA`` on the default graph.

The summary groups the changes by lab (the lab an IRI's base names) and kind: nodes (questions, claims, evidence,
sources … by their discourse class) added, removed, retitled (``rdfs:label`` / ``dcterms:title``) or changed in
another property (a source's DOI); relations (configured relation properties and the minted ones,
``rdfs:subPropertyOf rn:relation``) added, removed, or changed in kind (the same two nodes, another relation:
``supports`` -> ``opposes``). Every triple added or removed is in the patch; the summary counts those it does not
describe, and apart those of line provenance (a statement moved to another line is one removed and one added).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, RdfFormat, parse

from .config import Config
from .errors import DiffError
from .store import DATA_DIR, Store
from .vocab import DCTERMS, RDF, RDFS, RN

Statement = tuple[str, str, str]
"""A triple as three N-Triples terms (``<iri>``, ``"literal"``, ``_:b``)."""

GENID = "/.well-known/genid/"
_REFINE_ROUNDS = 64
_TITLES = (f"<{RDFS.label}>", f"<{DCTERMS.title}>")
_PATH = f"<{RN.path}>"
# The triples of line provenance (rdfnotes.mapping.stated_where): counted apart in the summary.
_REIFICATION = {f"<{RDF.subject}>", f"<{RDF.predicate}>", f"<{RDF.object}>", f"<{RN.statedIn}>", f"<{RN.line}>"}
_TYPE = f"<{RDF.type}>"
_SUBPROPERTY = f"<{RDFS.subPropertyOf}>"
_RELATION = f"<{RN.relation}>"
_LARGEST_PATCH_LINE = 10_000_000


# -- sides ---------------------------------------------------------------------------------------------------------


@dataclass
class Side:
    """One version of a graph: its triples, where they came from, and what reading them said."""

    name: str
    statements: set[Statement]
    lab: str | None = None
    """The lab a note folder was loaded as (a diff loads its other side as the same lab)."""
    problems: list[str] = field(default_factory=list)


def split_statement(text: str) -> Statement:
    """``<s> <p> <o>`` (as ``str(pyoxigraph.Triple)`` writes it) as its three terms.

    >>> split_statement('<http://a> <http://p> "x y"')
    ('<http://a>', '<http://p>', '"x y"')
    """
    subject, predicate, obj = text.split(" ", 2)
    return subject, predicate, obj


def store_statements(store: Store, lab: str | None = None) -> set[Statement]:
    """The union of the store's note graphs (the graphs of its labs, not the links' or the VoID descriptions); of
    one lab's with ``lab``."""
    from .labs import lab_graphs

    graphs = {graph for graph, owner in lab_graphs(store).items() if lab is None or owner == lab}
    return {
        split_statement(str(quad.triple))
        for quad in store.named_quads()
        if isinstance(quad.graph_name, NamedNode) and quad.graph_name.value in graphs
    }


def is_store(path: Path) -> bool:
    """Whether ``path`` is an rdfnotes store directory (rather than notes or an export)."""
    return (path / DATA_DIR).is_dir()


def read_side(
    path: str | os.PathLike[str], config: Config, *, lab: str | None = None, format: str | None = None
) -> Side:
    """A side of a diff: the store directory at ``path``, or the notes / export there loaded as lab ``lab``.

    :raises NothingToLoad: when ``path`` holds neither a store nor anything rdfnotes reads.
    """
    where = Path(path)
    if is_store(where):
        with Store(where, read_only=True) as store:  # beside any writer, never waiting for one
            return Side(str(where), store_statements(store))
    with tempfile.TemporaryDirectory(prefix="rdfnotes-diff-") as tmp, Store(Path(tmp) / "store") as store:
        report = store_load(where, store, config, lab=lab, format=format)
        problems = [str(problem) for problem in report.problems]
        return Side(str(where), store_statements(store), lab=report.labs[0] if report.labs else lab, problems=problems)


def store_load(path: Path, store: Store, config: Config, *, lab: str | None, format: str | None) -> Any:
    from .loader import load  # the loader writes through the store; diff reads what it wrote

    return load([path], store, config, lab=lab, format=format)


def read_sides(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    config: Config,
    *,
    lab: str | None = None,
    format: str | None = None,
) -> tuple[Side, Side]:
    """Both sides of a diff; notes of the new side are loaded as the old side's lab, so that IRIs compare."""
    before = read_side(old, config, lab=lab, format=format)
    after = read_side(new, config, lab=lab or before.lab, format=format)
    return before, after


def read_since(store: Store, since: str, *, lab: str | None = None) -> tuple[Side, Side]:
    """The store's note graphs as they were right after the load ``since`` names (its number, or a date: the last
    load then; see :func:`rdfnotes.history.resolve_since`), rebuilt from the history, and as they are now.

    :raises DiffError: when the history does not reach back that far, or knows no such lab.
    """
    from .history import note_graphs_after, resolve_since

    number = resolve_since(store.path, since)
    then = {split_statement(t) for t in note_graphs_after(store, number, lab)}
    when = f"{store.path} after load {number}" if number else f"{store.path} before its first load"
    return Side(when, then, lab=lab), Side(f"{store.path} now", store_statements(store, lab), lab=lab)


# -- blank nodes -----------------------------------------------------------------------------------------------------


def is_blank(term: str) -> bool:
    """A blank node, or a Skolem IRI standing for one."""
    return term.startswith("_:") or (term.startswith("<") and GENID in term)


def _blank_hashes(statements: Iterable[Statement]) -> dict[str, str]:
    """Each blank node's hash: refined from its triples and its neighbours' hashes until no class splits."""
    edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, p, o in statements:
        if is_blank(s):
            edges[s].append(("out", p, o))
        if is_blank(o):
            edges[o].append(("in", p, s))
    if not edges:
        return {}
    colour = dict.fromkeys(edges, "")
    classes = 1
    for _ in range(_REFINE_ROUNDS):
        refined = {}
        for node, around in edges.items():
            parts = sorted(f"{way} {p} {colour.get(other, other)}" for way, p, other in around)
            refined[node] = hashlib.sha1("\n".join([colour[node], *parts]).encode("utf-8")).hexdigest()
        colour = refined
        now = len(set(colour.values()))
        if now == classes:
            break
        classes = now
    return colour


def _match_blanks(old: set[Statement], new: set[Statement], base: str) -> dict[str, str]:
    """How the new side's blank nodes are written in the patch: the old side's term for the same node, else their
    own, else (their label names another old node) a fresh Skolem IRI."""
    old_hash = _blank_hashes(old)
    new_hash = _blank_hashes(new)
    by_hash: dict[str, list[str]] = defaultdict(list)
    for term, value in sorted(old_hash.items()):
        by_hash[value].append(term)
    rename: dict[str, str] = {}
    unmatched = []
    for term, value in sorted(new_hash.items()):
        olds = by_hash.get(value)
        if olds:
            rename[term] = olds.pop(0)
        else:
            unmatched.append(term)
    # A blank node that changed (a list with one member changed: every cell's hash changes) is still the same node
    # when both sides reach it from the same IRI by the same path (``<paper> bibo:authorList/rdf:rest``).
    left = {term for terms in by_hash.values() for term in terms}
    old_anchor = _unique(_anchors(old), left)
    new_anchor = _unique(_anchors(new), set(unmatched))
    by_anchor = {anchor: term for term, anchor in old_anchor.items()}
    for term in list(unmatched):
        found = by_anchor.get(new_anchor.get(term, ""))
        if found is not None:
            rename[term] = found
            unmatched.remove(term)
    for term in unmatched:
        if term in old_hash:
            digest = hashlib.sha1(f"{term} {new_hash[term]}".encode()).hexdigest()[:16]
            rename[term] = f"<{base}.well-known/genid/new-{digest}>" if term.startswith("<") else f"_:new{digest}"
        else:
            rename[term] = term
    return rename


def _anchors(statements: Iterable[Statement]) -> dict[str, str]:
    """Each blank node reached from an IRI: that IRI and the predicates on the way (the shortest path, the first
    in sort order)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    frontier: dict[str, str] = {}
    for s, p, o in sorted(statements):
        if is_blank(o):
            if is_blank(s):
                out[s].append((p, o))
            elif o not in frontier:
                frontier[o] = f"{s} {p}"
    anchors: dict[str, str] = {}
    while frontier:
        anchors.update(frontier)
        step: dict[str, str] = {}
        for node, path in sorted(frontier.items()):
            for p, o in out.get(node, ()):
                if o not in anchors and o not in step:
                    step[o] = f"{path} {p}"
        frontier = step
    return anchors


def _unique(anchors: dict[str, str], among: set[str]) -> dict[str, str]:
    """The anchors of the nodes ``among`` that no other of them shares."""
    counts: dict[str, int] = defaultdict(int)
    for term in among:
        if term in anchors:
            counts[anchors[term]] += 1
    return {term: anchors[term] for term in among if term in anchors and counts[anchors[term]] == 1}


# -- the diff ----------------------------------------------------------------------------------------------------------


@dataclass
class GraphDiff:
    """The triples to remove from the old side and to add to it to get the new side, and what they mean."""

    old: str
    new: str
    removed: list[Statement]
    added: list[Statement]
    summary: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.removed and not self.added

    def rdf_patch(self) -> str:
        """The RDF Patch (one transaction) turning the old graph into the new one."""
        rows = ["TX ."]
        rows += [f"D {s} {p} {o} ." for s, p, o in self.removed]
        rows += [f"A {s} {p} {o} ." for s, p, o in self.added]
        rows.append("TC .")
        return "\n".join(rows) + "\n"

    def sparql_update(self) -> str:
        """The SPARQL 1.1 Update turning the old default graph into the new one."""
        parts = []
        if self.removed:
            parts.append("DELETE DATA {\n" + "".join(f"  {s} {p} {o} .\n" for s, p, o in self.removed) + "}")
        if self.added:
            parts.append("INSERT DATA {\n" + "".join(f"  {s} {p} {o} .\n" for s, p, o in self.added) + "}")
        return " ;\n".join(parts) + "\n" if parts else ""

    def to_json(self) -> str:
        """The summary, the triples removed and added, and the problems reading the sides; keys sorted."""
        data = {
            "old": self.old,
            "new": self.new,
            "summary": self.summary,
            "removed": [" ".join(t) for t in self.removed],
            "added": [" ".join(t) for t in self.added],
            "problems": self.problems,
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def text(self) -> str:
        """The summary for people: per lab, nodes by kind, then relations."""
        return _summary_text(self)


def diff(old: Side, new: Side, config: Config) -> GraphDiff:
    """What changed from ``old`` to ``new``."""
    rename = _match_blanks(old.statements, new.statements, config.base_for(old.lab or "lab"))
    mapped = {(rename.get(s, s), p, rename.get(o, o)) for s, p, o in new.statements} if rename else new.statements
    removed = sorted(old.statements - mapped)
    added = sorted(mapped - old.statements)
    summary = _summarise(old.statements, mapped, removed, added, config)
    return GraphDiff(old.name, new.name, removed, added, summary, [*old.problems, *new.problems])


# -- what the changes mean -----------------------------------------------------------------------------------------


def _kinds(config: Config) -> dict[str, str]:
    """Each discourse class (as a term) → the kind the summary files it under (``claims``, ``evidence`` …)."""
    kinds = {f"<{t.class_iri}>": _plural(t.name) for t in config.node_types}
    kinds[f"<{config.source_class}>"] = "sources"
    kinds[f"<{RN.NoteFile}>"] = "files"
    return kinds


def _plural(name: str) -> str:
    lower = name.lower()
    if lower in ("evidence",):
        return lower
    return lower[:-1] + "ies" if lower.endswith("y") else lower + "s"


def _lab_pattern(config: Config) -> re.Pattern[str]:
    left, _, right = config.base.partition("{lab}")
    if not _:
        return re.compile("^<" + re.escape(config.base) + "()")
    return re.compile("^<" + re.escape(left) + r"([^/#]+)" + re.escape(right))


@dataclass
class _View:
    """One side's nodes: their types, titles and relation properties."""

    types: dict[str, set[str]]
    titles: dict[str, str]


def _view(statements: Iterable[Statement], wanted: set[str]) -> _View:
    types: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    for s, p, o in statements:
        if s not in wanted:
            continue
        if p == _TYPE:
            types[s].add(o)
        elif p in _TITLES or p == _PATH:
            titles[s][p] = o
    return _View(
        types,
        {node: _literal(t.get(_TITLES[0]) or t.get(_TITLES[1]) or t.get(_PATH) or "") for node, t in titles.items()},
    )


def _literal(term: str) -> str:
    """A literal's text (as N-Triples wrote it) for people."""
    if not term.startswith('"'):
        return term
    try:
        quad = next(iter(parse(f"<x:s> <x:p> {term} .", format=RdfFormat.N_TRIPLES)))
    except (SyntaxError, StopIteration):
        return term
    return str(quad.object.value)


def _summarise(
    old: set[Statement], new: set[Statement], removed: list[Statement], added: list[Statement], config: Config
) -> dict[str, Any]:
    kinds = _kinds(config)
    relations = {f"<{r.property_iri}>" for r in config.relations}
    relations |= {s for s, p, o in (*old, *new) if p == _SUBPROPERTY and o == _RELATION}
    touched = {s for s, _, _ in (*removed, *added)} | {o for _, p, o in (*removed, *added) if p in relations}
    before, after = _view(old, touched), _view(new, touched)
    pattern = _lab_pattern(config)

    def lab_of(term: str) -> str:
        match = pattern.match(term)
        return match.group(1) or (config.lab or "") if match else "(other)"

    def kind_of(node: str) -> str:
        for t in sorted(after.types.get(node, ()) or before.types.get(node, ())):
            if t in kinds:
                return kinds[t]
        return "pages"

    def title(node: str) -> str:
        return after.titles.get(node) or before.titles.get(node) or node.strip("<>")

    labs: dict[str, dict[str, Any]] = defaultdict(lambda: {"nodes": {}, "relations": {}})
    described: set[Statement] = set()

    def nodes_of(lab: str, kind: str) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = labs[lab]["nodes"].setdefault(
            kind, {"added": [], "removed": [], "retitled": [], "changed": []}
        )
        return found

    # Nodes: a node is added (removed) when the new (old) side types it and the other does not.
    for node in sorted(touched):
        if node.startswith('"') or is_blank(node):
            continue
        had, has = bool(before.types.get(node)), bool(after.types.get(node))
        entry = {"node": node.strip("<>"), "title": title(node)}
        if has and not had:
            nodes_of(lab_of(node), kind_of(node))["added"].append(entry)
            described |= {t for t in added if t[0] == node and t[1] not in relations}
        elif had and not has:
            nodes_of(lab_of(node), kind_of(node))["removed"].append(entry)
            described |= {t for t in removed if t[0] == node and t[1] not in relations}
    gone_by_node: dict[str, list[Statement]] = defaultdict(list)
    came_by_node: dict[str, list[Statement]] = defaultdict(list)
    for t in removed:
        if t not in described and t[1] not in relations:
            gone_by_node[t[0]].append(t)
    for t in added:
        if t not in described and t[1] not in relations:
            came_by_node[t[0]].append(t)
    for node in sorted({*gone_by_node, *came_by_node}):
        if is_blank(node) or not (before.types.get(node) and after.types.get(node)):
            continue
        gone, came = gone_by_node.pop(node, []), came_by_node.pop(node, [])
        bucket = nodes_of(lab_of(node), kind_of(node))
        old_title, new_title = before.titles.get(node), after.titles.get(node)
        if old_title != new_title:
            bucket["retitled"].append({"node": node.strip("<>"), "old": old_title, "new": new_title})
        changes: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"old": [], "new": []})
        for _, p, o in gone:
            if p not in _TITLES:
                changes[p]["old"].append(_literal(o))
        for _, p, o in came:
            if p not in _TITLES:
                changes[p]["new"].append(_literal(o))
        for prop, values in sorted(changes.items()):
            bucket["changed"].append(
                {
                    "node": node.strip("<>"),
                    "title": title(node),
                    "property": prop.strip("<>"),
                    "old": sorted(values["old"]),
                    "new": sorted(values["new"]),
                }
            )
        described |= {*gone, *came}

    # Relations: a removed and an added one between the same two nodes are one relation changed in kind.
    gone_rel = [t for t in removed if t[1] in relations]
    came_rel = [t for t in added if t[1] in relations]
    by_pair: dict[frozenset[str], list[Statement]] = defaultdict(list)
    for t in came_rel:
        by_pair[frozenset((t[0], t[2]))].append(t)
    changed_kind: list[tuple[Statement, Statement]] = []
    still_gone = []
    for t in gone_rel:
        candidates = by_pair.get(frozenset((t[0], t[2])))
        if candidates:
            changed_kind.append((t, candidates.pop(0)))
        else:
            still_gone.append(t)
    paired = {new_t for _, new_t in changed_kind}
    still_came = [t for t in came_rel if t not in paired]

    def relation(t: Statement) -> dict[str, str]:
        return {
            "subject": t[0].strip("<>"),
            "relation": t[1].strip("<>"),
            "object": t[2].strip("<>"),
            "subject_title": title(t[0]),
            "object_title": title(t[2]),
        }

    def relations_of(lab: str) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = labs[lab]["relations"]
        if not found:
            found.update(added=[], removed=[], changed=[])
        return found

    for t in still_came:
        relations_of(lab_of(t[0]))["added"].append(relation(t))
    for t in still_gone:
        relations_of(lab_of(t[0]))["removed"].append(relation(t))
    for was, now in changed_kind:
        relations_of(lab_of(now[0]))["changed"].append(
            {
                **relation(now),
                "old_relation": was[1].strip("<>"),
                "old_subject": was[0].strip("<>"),
                "old_object": was[2].strip("<>"),
            }
        )
    described |= {*gone_rel, *came_rel}
    stated_removed = sum(1 for t in removed if t[1] in _REIFICATION and is_blank(t[0]))
    stated_added = sum(1 for t in added if t[1] in _REIFICATION and is_blank(t[0]))
    other_removed = sum(1 for t in removed if t not in described) - stated_removed
    other_added = sum(1 for t in added if t not in described) - stated_added
    for lab in labs.values():
        lab["nodes"] = {kind: lists for kind, lists in sorted(lab["nodes"].items()) if any(lists.values())}
    return {
        "labs": {name: value for name, value in sorted(labs.items()) if value["nodes"] or value["relations"]},
        "triples": {"removed": len(removed), "added": len(added)},
        "provenance_triples": {"removed": stated_removed, "added": stated_added},
        "other_triples": {"removed": other_removed, "added": other_added},
    }


def _short(iri: str) -> str:
    from .vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _summary_text(result: GraphDiff) -> str:
    summary = result.summary
    if result.empty:
        return f"No changes from {result.old} to {result.new}.\n"
    lines = [f"From {result.old} to {result.new}:"]
    for lab, parts in summary["labs"].items():
        lines.append(f"lab {lab}")
        for kind, lists in parts["nodes"].items():
            counts = ", ".join(f"{len(lists[k])} {k}" for k in ("added", "removed", "retitled", "changed") if lists[k])
            lines.append(f"  {kind}: {counts}")
            lines += [f"    + {n['title']}" for n in lists["added"]]
            lines += [f"    - {n['title']}" for n in lists["removed"]]
            lines += [f"    ~ {n['old']!r} -> {n['new']!r}" for n in lists["retitled"]]
            for n in lists["changed"]:
                old = ", ".join(n["old"]) or "(none)"
                new = ", ".join(n["new"]) or "(none)"
                lines.append(f"    ~ {n['title']}: {_short(n['property'])} {old} -> {new}")
        rel = parts["relations"]
        if rel:
            counts = ", ".join(
                f"{len(rel[k])} {'changed in kind' if k == 'changed' else k}"
                for k in ("added", "removed", "changed")
                if rel[k]
            )
            lines.append(f"  relations: {counts}")
            for r in rel["added"]:
                lines.append(f"    + {r['subject_title']} {_short(r['relation'])} {r['object_title']}")
            for r in rel["removed"]:
                lines.append(f"    - {r['subject_title']} {_short(r['relation'])} {r['object_title']}")
            for r in rel["changed"]:
                lines.append(
                    f"    ~ {r['subject_title']} {_short(r['old_relation'])} -> {_short(r['relation'])} "
                    f"{r['object_title']}"
                )
    other = summary["other_triples"]
    stated = summary["provenance_triples"]
    triples = summary["triples"]
    notes = []
    if any(stated.values()):
        notes.append(f"{stated['removed']} and {stated['added']} of them where statements are made (file and line)")
    if any(other.values()):
        notes.append(f"{other['removed']} and {other['added']} of them not listed above")
    lines.append(
        f"{triples['removed']} triples removed, {triples['added']} added"
        + (f" ({'; '.join(notes)})" if notes else "")
        + "."
    )
    return "\n".join(lines) + "\n"


# -- applying a patch ------------------------------------------------------------------------------------------------


def apply_rdf_patch(statements: Iterable[Statement], patch: str) -> set[Statement]:
    """The triples after applying an RDF Patch (its ``A``/``D`` rows of N-Triples terms; ``H``, ``TX``, ``TC``
    and prefix rows are read past; a transaction aborted with ``TA`` is not applied).

    :raises DiffError: on a row this reader does not understand (with its line number).
    """
    current = set(statements)
    pending: list[tuple[str, Statement]] = []
    for number, raw in enumerate(patch.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if len(line) > _LARGEST_PATCH_LINE:
            raise DiffError(f"patch line {number}: longer than {_LARGEST_PATCH_LINE} characters")
        code, _, rest = line.partition(" ")
        if code in ("H", "PA", "PD"):
            continue
        if code == "TX":
            pending = []
        elif code == "TC":
            _apply(current, pending)
            pending = []
        elif code == "TA":
            pending = []
        elif code in ("A", "D"):
            pending.append((code, _patch_row(rest, number)))
        else:
            raise DiffError(f"patch line {number}: {code!r} is not an RDF Patch row (A, D, TX, TC, TA, H)")
    _apply(current, pending)  # rows outside a transaction apply as they come
    return current


def _apply(current: set[Statement], rows: list[tuple[str, Statement]]) -> None:
    for code, statement in rows:
        if code == "A":
            current.add(statement)
        else:
            current.discard(statement)


def _patch_row(text: str, number: int) -> Statement:
    try:
        quads = list(parse(text.encode("utf-8"), format=RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise DiffError(f"patch line {number}: not a triple of N-Triples terms ({exc})") from exc
    if len(quads) != 1:
        raise DiffError(f"patch line {number}: one triple per row")
    return split_statement(str(quads[0].triple))


__all__ = [
    "GraphDiff",
    "Side",
    "apply_rdf_patch",
    "diff",
    "read_side",
    "read_sides",
]
