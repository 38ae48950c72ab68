"""Several labs in one store: which graphs are whose, a VoID description of each lab, and removing a lab whole.

Every note's graph belongs to one lab, as the manifest records (each folder loaded has its lab and base IRI), so
every triple can be traced to its lab and its file. Each lab is described as a ``void:Dataset`` (its triples,
vocabularies and IRI space, the graphs it is made of, and ``void:Linkset``\\ s to the labs ``rdfnotes link`` found
the same works and people in), kept in a graph of its own, ``{base}void``, exported and pushed with the lab.

>>> void_graph_iri("https://w3id.org/rdfnotes/id/lab-a/")
'https://w3id.org/rdfnotes/id/lab-a/void'
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Triple

from .durable import write_atomically
from .errors import NoSuchLab
from .iris import LINK_GRAPH
from .manifest import as_units
from .store import Store
from .vocab import DCTERMS, RDF, RN, XSD, Namespace

VOID = Namespace(
    "http://rdfs.org/ns/void#",
    "Dataset Linkset triples entities uriSpace vocabulary inDataset subjectsTarget objectsTarget linkPredicate",
)
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"


@dataclass(frozen=True)
class Lab:
    """One lab of the store, as ``rdfnotes labs`` lists it."""

    name: str
    base: str
    roots: tuple[str, ...]
    files: int
    notes: int
    triples: int
    graphs: tuple[str, ...]
    """The lab's note graphs (its VoID graph not among them)."""

    @property
    def dataset(self) -> str:
        return dataset_iri(self.base)

    @property
    def void_graph(self) -> str:
        return void_graph_iri(self.base)


def void_graph_iri(base: str) -> str:
    return f"{base}void"


def dataset_iri(base: str) -> str:
    return f"{base}void#dataset"


def lab_graphs(store: Store) -> dict[str, str]:
    """Each note graph of the store → the name of the lab it belongs to (from the manifest)."""
    owner: dict[str, str] = {}
    for root in store.manifest["roots"].values():
        for graph in root_graphs(root):
            owner[graph] = root["lab"]
    return owner


def lab_bases(store: Store) -> dict[str, str]:
    """Each lab's name → its base IRI, from the manifest alone (no counting)."""
    return {root["lab"]: root["base"] for _, root in sorted(store.manifest["roots"].items(), reverse=True)}


def _roots_by_lab(store: Store) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for key, root in sorted(store.manifest["roots"].items()):
        grouped.setdefault(root["lab"], []).append((key, root))
    return dict(sorted(grouped.items()))


def lab_files(store: Store) -> dict[str, tuple[str, int]]:
    """Each lab's name → its base IRI and how many files it was loaded from: from the manifest alone, without the
    counting :func:`labs` does (seconds for a big lab)."""
    return {
        name: (roots[0][1]["base"], sum(root_files(root) for _, root in roots))
        for name, roots in _roots_by_lab(store).items()
    }


def labs(store: Store) -> list[Lab]:
    """The labs of the store, by name, with what each holds (triples: distinct triples over its graphs)."""
    result = []
    for name, roots in _roots_by_lab(store).items():
        graphs = sorted({g for _, root in roots for g in root_graphs(root)})
        files = sum(root_files(root) for _, root in roots)
        base = roots[0][1]["base"]
        notes, triples = _kept(store, f"counts of {name}", functools.partial(_lab_counts, store, base, graphs))
        result.append(
            Lab(
                name=name,
                base=roots[0][1]["base"],
                roots=tuple(key for key, _ in roots),
                files=files,
                notes=notes,
                triples=triples,
                graphs=tuple(graphs),
            )
        )
    return result


def get_lab(store: Store, name: str) -> Lab:
    """The lab called ``name``.

    :raises NoSuchLab: when the store has no such lab.
    """
    found = {lab.name: lab for lab in labs(store)}
    if name not in found:
        known = ", ".join(found) or "none yet: load one with 'rdfnotes load PATH --lab NAME'"
        raise NoSuchLab(f"no lab named {name!r} in the store (labs: {known}); see 'rdfnotes labs'")
    return found[name]


def lab_quads(store: Store, name: str) -> list[Quad]:
    """The lab's note graphs and its VoID description (as it is now), as quads: what ``export --lab`` writes."""
    lab = get_lab(store, name)
    owned = set(lab.graphs)
    quads = [q for q in store.named_quads() if isinstance(q.graph_name, NamedNode) and q.graph_name.value in owned]
    void = NamedNode(lab.void_graph)
    quads += [Quad(t.subject, t.predicate, t.object, void) for t in void_triples(store, lab)]
    return quads


def void_triples(store: Store, lab: Lab, linksets: Mapping[str, int] | None = None) -> list[Triple]:
    """The VoID description of ``lab``: a ``void:Dataset`` with its size, vocabularies, IRI space and graphs.

    :param linksets: the number of links to each other lab (by name); by default counted in the link graph.
    """
    dataset = lab.dataset
    out = [
        _iri(dataset, RDF.type, VOID.Dataset),
        Triple(NamedNode(dataset), NamedNode(DCTERMS.title), Literal(lab.name)),
        Triple(NamedNode(dataset), NamedNode(VOID.uriSpace), Literal(lab.base)),
        Triple(NamedNode(dataset), NamedNode(VOID.triples), Literal(str(lab.triples), datatype=NamedNode(XSD.integer))),
    ]
    vocabularies = _kept(store, f"vocabularies of {lab.name}", lambda: _vocabularies(store, lab.base, lab.graphs))
    out += [_iri(dataset, VOID.vocabulary, vocabulary) for vocabulary in vocabularies]
    out += [_iri(graph, VOID.inDataset, dataset) for graph in lab.graphs]
    bases = lab_bases(store)
    counts = linksets if linksets is not None else count_links(store).get(lab.name, {})
    for other, count in sorted(counts.items()):
        if other not in bases or not count:
            continue
        linkset = f"{dataset}-links-{other}"
        out += [
            _iri(linkset, RDF.type, VOID.Linkset),
            _iri(linkset, VOID.subjectsTarget, dataset),
            _iri(linkset, VOID.objectsTarget, dataset_iri(bases[other])),
            _iri(linkset, VOID.linkPredicate, SKOS_EXACT_MATCH),
            Triple(NamedNode(linkset), NamedNode(VOID.triples), Literal(str(count), datatype=NamedNode(XSD.integer))),
        ]
    return sorted(out, key=str)


def count_links(store: Store) -> dict[str, dict[str, int]]:
    """For each lab, the number of ``skos:exactMatch`` links the link graph holds to each other lab."""
    results = store.query(
        "SELECT ?a ?b (COUNT(*) AS ?n) WHERE { GRAPH <" + LINK_GRAPH + "> { "
        f"?link <{RDF.type}> <{RN.Link}> ; <{SSSOM_SUBJECT_SOURCE}> ?a ; <{SSSOM_OBJECT_SOURCE}> ?b . "
        f'FILTER NOT EXISTS {{ ?link <{RN.reviewStatus}> "rejected" }} }} }} GROUP BY ?a ?b'
    )
    assert isinstance(results, QuerySolutions)
    names = {dataset_iri(lab["base"]): lab["lab"] for lab in store.manifest["roots"].values()}
    counts: dict[str, dict[str, int]] = {}
    for row in results:
        a, b, n = (term.value for term in (row["a"], row["b"], row["n"]) if term is not None)
        if a in names and b in names:
            counts.setdefault(names[a], {})[names[b]] = counts.get(names[a], {}).get(names[b], 0) + int(n)
            counts.setdefault(names[b], {})[names[a]] = counts.get(names[b], {}).get(names[a], 0) + int(n)
    return counts


SSSOM_SUBJECT_SOURCE = "https://w3id.org/sssom/subject_source"
SSSOM_OBJECT_SOURCE = "https://w3id.org/sssom/object_source"


def _iri(subject: str, predicate: str, obj: str) -> Triple:
    return Triple(NamedNode(subject), NamedNode(predicate), NamedNode(obj))


def root_graphs(root: Mapping[str, Any]) -> set[str]:
    """The note graphs a folder's manifest record gives."""
    graphs: set[str] = set()
    for entry in [*root.get("units", {}).values(), *root.get("files", {}).values()]:
        graphs.update(entry.get("graphs", []))
        if entry.get("graph"):
            graphs.add(entry["graph"])
    return graphs


def root_files(root: Mapping[str, Any]) -> int:
    """How many files a folder's manifest record holds."""
    if "units" in root:  # the files of the manifest's key list, no record read
        return len({files[n] for _, _, files in as_units(root["units"]).signatures() for n in range(0, len(files), 3)})
    return len(root.get("files", {}))


T = TypeVar("T")
_KEPT = "labs.json"


def _kept(store: Store, what: str, compute: Callable[[], T]) -> T:
    """``compute()``, as kept in the store's folder for the manifest on disk now (``labs.json``): what the labs'
    graphs hold changes only with the manifest (a load, a lab removed), and counting it reads every graph (seconds
    for a big lab, asked by ``labs``, the index page and every static site). A reader keeps what it counted only
    when no sync committed since it opened the store (the manifest on disk is then the one it read)."""
    from .manifest import digest
    from .store import read_generation

    def current() -> bool:  # whether the manifest on disk is the store's as this reader (or the writer) sees it
        return not store.read_only or read_generation(store.path) == store.generation

    manifest = digest(store.path) if current() else None  # None: a newer state on disk, neither taken nor kept
    path = store.path / _KEPT
    kept: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(path.read_bytes())
        if isinstance(loaded, dict) and loaded.get("manifest") == manifest and isinstance(loaded.get("values"), dict):
            kept = loaded["values"]
    if manifest is not None and what in kept:
        return kept[what]  # type: ignore[no-any-return]
    value = compute()
    if manifest is not None and current():
        kept[what] = value
        body = json.dumps({"manifest": manifest, "values": kept}, sort_keys=True).encode("utf-8")
        with contextlib.suppress(OSError):  # only saves time
            write_atomically(path, body, sync_dir=False)
    return value


def _lab_counts(store: Store, base: str, graphs: list[str]) -> list[int]:
    """The note files and the distinct triples of a lab's graphs (those named ``{base}file/…``).

    Not a ``VALUES`` block of the lab's graphs: Oxigraph joins one of 100,000 graphs for minutes. The note files
    are counted in the graphs of the lab's prefix; the triples, when the lab's are the store's only note graphs (the
    rest a few VoID and link graphs), as the default graph (the union, each triple once) less what only those few
    hold, else as the distinct triples of the graphs of the lab's prefix (one pass over every quad)."""
    if not graphs:
        return [0, 0]
    prefix = f"{base}file/"
    inside = f'FILTER(STRSTARTS(STR(?g), "{_escaped(prefix)}"))'
    notes = store.count(f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ GRAPH ?g {{ ?f a <{RN.NoteFile}> }} {inside} }}")
    others = [g for g in store.named_graphs() if not g.startswith(prefix)]
    if len(others) <= _FEW_GRAPHS and not any("/file/" in g for g in others):
        total = store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        elsewhere = (
            store.count(
                "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { "
                + "VALUES ?x { "
                + " ".join(f"<{g}>" for g in others)
                + " } GRAPH ?x { ?s ?p ?o } "
                + f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {inside} }} }} }} }}"
            )
            if others
            else 0
        )
        return [notes, total - elsewhere]
    triples = store.count(
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } " + inside + " } } }"
    )
    return [notes, triples]


_FEW_GRAPHS = 1000


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _vocabularies(store: Store, base: str, graphs: tuple[str, ...]) -> list[str]:
    """The namespaces of the properties and classes a lab's graphs use (an IRI up to its last ``#`` or ``/``).

    Not one pass over the lab's quads (``GRAPH ?g { ?s ?term ?o }``, each quad's graph name read as text: 38 s at
    100,000 notes): the properties and classes of the default graph, which holds every named graph's triples
    (:mod:`rdfnotes.store`), a few dozen, found in one pass over it; then each kept if one of the lab's graphs uses
    it (``FILTER EXISTS``: a lookup by that property or class, ending at the first quad in a graph of the lab's
    prefix). The same namespaces in 4.8 s at 100,000 notes."""
    if not graphs:
        return []
    inside = f'FILTER(STRSTARTS(STR(?g), "{_escaped(base)}file/"))'
    kept: set[str] = set()
    for candidates, pattern in (
        ("SELECT DISTINCT ?term WHERE { ?s ?term ?o }", "?s ?term ?o"),
        (f"SELECT DISTINCT ?term WHERE {{ ?s <{RDF.type}> ?term FILTER(isIRI(?term)) }}", f"?s <{RDF.type}> ?term"),
    ):
        found = store.query(candidates)
        assert isinstance(found, QuerySolutions)
        terms = [str(row[0]) for row in found]
        if not terms:
            continue
        used = store.query(
            f"SELECT ?term WHERE {{ VALUES ?term {{ {' '.join(terms)} }} "
            f"FILTER EXISTS {{ GRAPH ?g {{ {pattern} }} {inside} }} }}"
        )
        assert isinstance(used, QuerySolutions)
        kept.update(row[0].value for row in used if row[0] is not None)
    spaces = set()
    for iri in kept:
        cut = max(iri.rfind("#"), iri.rfind("/"))
        if cut > iri.find("://") + 2:
            spaces.add(iri[: cut + 1])
    return sorted(spaces)
