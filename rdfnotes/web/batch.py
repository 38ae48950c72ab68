"""The pages of many nodes at once, for the static site: a few queries over a chunk of nodes, not five per node.

A node's page (``web/queries/node-*.rq``, one query each, as the server asks them) costs 10-100 ms in Oxigraph,
mostly joins it evaluates over the whole store before the node is bound; at 100k nodes that is hours. Here a
chunk of nodes (a few hundred) is read with one query each for: their triples (both ways), the names of what
they point at, the types, names and sources of the nodes they are linked with, and the files that describe them;
the rows each page query would have given are then put together in Python, in its order, and handed to the same
code that builds a page from them (:func:`~rdfnotes.web.data.page_from_rows`). The result is the same bytes as
the per-node path (``tests/test_web.py`` compares the two sites on every fixture). Anything the joins here do not
cover exactly (a blank node, an IRI the query text could not hold) goes the per-node way.

Sorting is Python's where the order is code point order of IRIs or of plain strings (what Oxigraph's ``ORDER BY``
gives for them); any other mix of values is sorted by Oxigraph itself (``ORDER BY`` over a ``VALUES`` block).
Oxigraph's own ``ORDER BY`` over a chunk's rows is what this avoids: it reads each term's text from disk at each
comparison.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import TypeVar

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Triple

from ..labs import lab_graphs
from ..queries import without_order
from ..store import Store
from ..vocab import RN, XSD
from . import data
from .data import Neighbourhood, NodePage, NodeRef
from .markdown import link_names

CHUNK = 400
"""Nodes read together: bigger chunks mean fewer queries but longer VALUES blocks and more rows held."""

_PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dg: <https://discoursegraphs.com/schema/dg_core#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rn: <https://w3id.org/rdfnotes/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Each query is the matching web query's pattern with the node bound by a VALUES block, its ORDER BY left out.
_OUT = "SELECT ?node ?property ?value WHERE { VALUES ?node { %s } ?node ?property ?value }"
_IN = "SELECT ?node ?subject ?link WHERE { VALUES ?node { %s } ?subject ?link ?node }"
_NAMES = (  # node-properties' OPTIONAL, for the values that are IRIs
    "SELECT ?value ?value_name WHERE { VALUES ?value { %s } ?value foaf:name|skos:prefLabel|dcterms:title|rdfs:label "
    "?value_name }"
)
_LABELS = "SELECT ?property ?property_label WHERE { VALUES ?property { %s } ?property rdfs:label ?property_label }"
_OTHERS = (  # node-context's pattern for the other end of each link
    "SELECT ?other ?type ?label ?title ?source ?source_label ?source_title WHERE { VALUES ?other { %s } "
    "?other rdfs:label ?label ; a ?type . OPTIONAL { ?other dcterms:title ?title } "
    "OPTIONAL { ?other dg:sourceDocument ?source . ?source rdfs:label ?source_label . "
    "OPTIONAL { ?source dcterms:title ?source_title } } }"
)
_FILES = (  # node-files, its OPTIONAL inside the GRAPH (the same answer: ten times faster in Oxigraph 0.5)
    "SELECT DISTINCT ?node ?graph ?path WHERE { VALUES ?node { %s } GRAPH ?graph { ?node rdf:type ?type "
    "OPTIONAL { ?file foaf:primaryTopic ?node ; rn:path ?path } } }"
)
_STATED = (  # node-statements, each file's path asked apart (_PATHS: once a file, not once a statement); no DISTINCT:
    # a row twice gives the same place twice, which data.statements_from_rows keeps once (at 100k: 0.27 -> 0.21 s)
    "SELECT ?node ?subject ?property ?value ?file ?line WHERE { VALUES ?node { %s } "
    "{ ?statement rdf:subject ?node . BIND(?node AS ?subject) } UNION { ?statement rdf:object ?node ; rdf:subject "
    "?subject } ?statement rdf:predicate ?property ; rdf:object ?value ; rn:statedIn ?file ; rn:line ?line . }"
)
_PATHS = "SELECT ?file ?path WHERE { VALUES ?file { %s } ?file rn:path ?path }"
_ORDER = "SELECT ?v WHERE { VALUES ?v { %s } } ORDER BY ?v"
_UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_STRING = XSD.string

Row = dict[str, str]
_OTHER_VARIABLES = ("type", "label", "title", "source", "source_label", "source_title")


def _safe(iri: str) -> bool:
    """Whether ``<iri>`` can be written in a query's text as it is."""
    return _UNSAFE.search(iri) is None


def _text(term: NamedNode | BlankNode | Literal | Triple) -> str:
    return str(term) if isinstance(term, Triple) else term.value


Name = Literal | NamedNode | BlankNode
T = TypeVar("T")
CACHED = 50_000
"""IRIs whose names and rows a :class:`Site` keeps for the chunks after the one that asked (the sources, people,
pages and classes many notes link to): up to this many (~25 MB), then it starts again."""


def _cached(
    cache: dict[str, list[T]], iris: Sequence[str], ask: Callable[[Sequence[str], dict[str, list[T]]], None]
) -> dict[str, list[T]]:
    """What ``ask`` finds for each of ``iris`` (a list, empty when nothing), from ``cache`` where it has them;
    ``ask`` fills a dict with a list for each IRI it is given, a few thousand at a time."""
    found = {iri: cache[iri] for iri in iris if iri in cache}
    missing = [iri for iri in iris if iri not in found]
    fresh: dict[str, list[T]] = {iri: [] for iri in missing}
    for start in range(0, len(missing), CHUNK * 4):
        ask(missing[start : start + CHUNK * 4], fresh)
    if len(cache) + len(fresh) > CACHED:
        cache.clear()
    cache.update(fresh)
    found.update(fresh)
    return found


class Site:
    """What the static site needs to read, for all its nodes, chunk by chunk; caches what chunks share."""

    def __init__(
        self,
        store: Store,
        refs: Mapping[str, NodeRef],
        bases: Mapping[str, str],
        owners: Mapping[str, str] | None = None,
    ) -> None:
        self.store = store
        self.refs = refs
        """Every node the site has a page for (the ``nodes`` query), by IRI."""
        self.bases = bases
        self._labels: dict[str, list[str]] = {}
        self._names: dict[str, list[Name]] = {}
        self._others: dict[str, list[Row]] = {}
        self._owners = owners
        """Each note graph's lab (:func:`~rdfnotes.labs.lab_graphs`); by default read from the store's manifest
        when first asked (for a node outside every lab's IRIs)."""

    def owners(self) -> Mapping[str, str]:
        if self._owners is None:
            self._owners = lab_graphs(self.store)
        return self._owners

    def _select(self, template: str, terms: Iterable[str]) -> QuerySolutions:
        result = self.store.query(_PREFIXES + template % " ".join(terms))
        assert isinstance(result, QuerySolutions)
        return result

    def property_labels(self, properties: Iterable[str]) -> Mapping[str, list[str]]:
        """``rdfs:label``s of properties, asked once a site (a lab uses a few hundred properties at most)."""
        missing = sorted({p for p in properties if p not in self._labels and _safe(p)})
        for start in range(0, len(missing), CHUNK):
            part = missing[start : start + CHUNK]
            for prop in part:
                self._labels[prop] = []
            for prop_term, label in self._select(_LABELS, (f"<{p}>" for p in part)):
                self._labels[prop_term.value].append(_text(label))
        return self._labels

    def names(self, values: Sequence[str]) -> Mapping[str, list[Name]]:
        """The names (``_NAMES``) of each of these IRIs."""

        def ask(part: Sequence[str], found: dict[str, list[Name]]) -> None:
            for value, name in self._select(_NAMES, (f"<{v}>" for v in part)):
                found.setdefault(value.value, []).append(name)

        return _cached(self._names, values, ask)

    def other_rows(self, others: Sequence[str]) -> Mapping[str, list[Row]]:
        """What is known of each of these IRIs at the other end of a link (``_OTHERS``): its rows."""

        def ask(part: Sequence[str], found: dict[str, list[Row]]) -> None:
            for solution in self._select(_OTHERS, (f"<{o}>" for o in part)):
                other, *rest = solution
                row = {"other": other.value}
                for var, term in zip(_OTHER_VARIABLES, rest, strict=True):
                    if term is not None:
                        row[var] = _text(term)
                found.setdefault(other.value, []).append(row)

        return _cached(self._others, others, ask)

    def ref(self, iri: str) -> NodeRef | None:
        ref = self.refs.get(iri)
        if ref is None:  # not a node of the site's list (a property, say): asked as the server asks it
            ref = data.node_ref(self.store, iri)
        return ref

    def order(self, terms: Sequence[NamedNode | BlankNode | Literal]) -> list[NamedNode | BlankNode | Literal]:
        """Terms in SPARQL ``ORDER BY`` order: IRIs alone, or plain strings alone, by code point; else as
        Oxigraph sorts them."""
        if all(isinstance(t, NamedNode) for t in terms) or all(
            isinstance(t, Literal) and t.language is None and t.datatype.value == _STRING for t in terms
        ):
            return sorted(terms, key=lambda t: t.value)
        return [solution[0] for solution in self._select(_ORDER, (str(t) for t in terms))]

    def chunk(self, iris: Sequence[str]) -> Chunk:
        return Chunk(self, iris)

    def relations(self, nodes: Iterable[str]) -> Mapping[str, list[Row]]:
        """The ``relations`` query's rows for each node, many nodes a query."""
        nodes = list(nodes)
        out: dict[str, list[Row]] = {}
        safe = [n for n in nodes if _safe(n)]
        text = without_order(data.query_text("relations"))  # the rows' order is not used: each node's are a set
        where = text.index("WHERE {") + len("WHERE {")
        for start in range(0, len(safe), CHUNK):
            part = safe[start : start + CHUNK]
            for node in part:
                out[node] = []
            values = " VALUES ?node { " + " ".join(f"<{n}>" for n in part) + " }"
            result = self.store.query(text[:where] + values + text[where:])
            assert isinstance(result, QuerySolutions)
            variables = [v.value for v in result.variables]
            for solution in result:
                row = {var: _text(term) for var, term in zip(variables, solution, strict=True) if term is not None}
                out[row["node"]].append(row)
        for node in nodes:
            if node not in out:
                out[node] = data.rows(data.query(self.store, "relations", {"node": f"<{node}>"}))
        return out


class Chunk:
    """The page rows of a chunk of nodes, read with a handful of queries."""

    def __init__(self, site: Site, iris: Sequence[str]) -> None:
        self.site = site
        self.iris = list(iris)
        batched = [iri for iri in self.iris if _safe(iri)]
        self.per_node = set(self.iris) - set(batched)
        """Nodes read the server's way (one query each): their pages need what the joins here do not cover."""
        values = [f"<{iri}>" for iri in batched]
        self.out: defaultdict[str, list[tuple[NamedNode, NamedNode | BlankNode | Literal | Triple]]]
        self.out = defaultdict(list)
        self.into: defaultdict[str, list[tuple[NamedNode | BlankNode | Triple, NamedNode]]] = defaultdict(list)
        self.files: defaultdict[str, list[Row]] = defaultdict(list)
        self._link_targets: dict[str, str] | None = None
        if not values:
            return
        for node, prop, value in site._select(_OUT, values):
            self.out[node.value].append((prop, value))
            if isinstance(value, BlankNode | Triple):
                self.per_node.add(node.value)
        for node, subject, link in site._select(_IN, values):
            self.into[node.value].append((subject, link))
            if isinstance(subject, BlankNode | Triple):
                self.per_node.add(node.value)
        self.stated: defaultdict[str, list[tuple[tuple[str, int, str, str], Row]]] = defaultdict(list)
        statements = []
        for node, subject, prop, value, file, line in site._select(_STATED, values):
            if isinstance(file, NamedNode) and _safe(file.value):
                statements.append((node.value, _text(subject), prop.value, _text(value), file.value, _text(line)))
            else:  # a file the query text cannot name: the server's way
                self.per_node.add(node.value)
        files = sorted({statement[4] for statement in statements})
        paths: defaultdict[str, list[str]] = defaultdict(list)
        for start in range(0, len(files), CHUNK * 4):
            for file, path in site._select(_PATHS, (f"<{f}>" for f in files[start : start + CHUNK * 4])):
                paths[file.value].append(_text(path))
        for node, subject, prop, value, file, line in statements:
            for path in paths.get(file, ()):
                row = {"subject": subject, "property": prop, "value": value, "path": path, "line": line}
                # node-statements' ORDER BY ?path ?line ?property ?value (lines compared as numbers)
                key = (path, int(line) if line.isdigit() else 0, prop, value)
                self.stated[node].append((key, row))
        for node, graph, path in site._select(_FILES, values):
            row = {"node": node.value, "graph": graph.value}
            if path is not None:
                row["path"] = _text(path)
            self.files[node.value].append(row)
        named = sorted({v.value for pairs in self.out.values() for _, v in pairs if isinstance(v, NamedNode)})
        others = sorted(
            {v.value for n, pairs in self.out.items() for _, v in pairs if isinstance(v, NamedNode) and v.value != n}
            | {s.value for n, pairs in self.into.items() for s, _ in pairs if isinstance(s, NamedNode) and s.value != n}
        )
        unsafe = {v for v in named if not _safe(v)} | {o for o in others if not _safe(o)}
        if unsafe:  # a value the query text cannot name: its nodes go the per-node way
            self.per_node |= {n for n, pairs in self.out.items() if any(_text(v) in unsafe for _, v in pairs)}
            self.per_node |= {n for n, pairs in self.into.items() if any(_text(s) in unsafe for s, _ in pairs)}
        self.names = site.names([v for v in named if v not in unsafe])
        self.other_rows = site.other_rows([o for o in others if o not in unsafe])
        site.property_labels(
            {p.value for pairs in self.out.values() for p, _ in pairs}
            | {p.value for pairs in self.into.values() for _, p in pairs}
        )

    def page(self, iri: str) -> NodePage | None:
        site = self.site
        if iri in self.per_node:
            return data.node_page(site.store, iri, site.owners)
        return data.page_from_rows(
            iri,
            self._props(iri),
            self._files(iri),
            self._context(iri),
            site.bases,
            site.owners,
            self._links,
            data.statements_from_rows(iri, (row for _, row in sorted(self.stated.get(iri, ()), key=itemgetter(0)))),
        )

    def _links(self, names: Iterable[str]) -> dict[str, str]:
        """:func:`~rdfnotes.web.data.link_targets` of a page's names, from one lookup of every name the chunk's
        texts link to."""
        if self._link_targets is None:
            every = sorted(
                {
                    name
                    for pairs in self.out.values()
                    for prop, value in pairs
                    if prop.value == RN.body and isinstance(value, Literal)
                    for name in link_names(value.value)
                }
            )
            self._link_targets = {}
            for start in range(0, len(every), data.MAX_LINKS):
                self._link_targets.update(data.link_targets(self.site.store, every[start : start + data.MAX_LINKS]))
        wanted = sorted(set(names))[: data.MAX_LINKS]
        return {name: self._link_targets[name] for name in wanted if name in self._link_targets}

    def triples(self, iri: str) -> list[Triple]:
        """``node-description``: the triples about the node and those pointing at it."""
        if iri in self.per_node:
            return data.node_triples(self.site.store, iri)
        node = NamedNode(iri)
        found = {Triple(node, p, v) for p, v in self.out.get(iri, ())}
        found |= {Triple(s, p, node) for s, p in self.into.get(iri, ())}
        return list(found)

    def _props(self, iri: str) -> list[Row]:
        """The rows of ``node-properties``, ordered by property, value and value name."""
        labels = self.site._labels
        by_property: defaultdict[str, list[NamedNode | BlankNode | Literal]] = defaultdict(list)
        for predicate, value in self.out.get(iri, ()):
            assert not isinstance(value, Triple)  # such a node is read the per-node way
            by_property[predicate.value].append(value)
        out: list[Row] = []
        for prop in sorted(by_property):
            values = by_property[prop]
            ordered = self.site.order(values) if len(values) > 1 else values
            for value in ordered:
                found = self.names.get(value.value, []) if isinstance(value, NamedNode) else []
                names: list[str | None] = [n.value for n in (self.site.order(found) if len(found) > 1 else found)]
                for name in names or [None]:
                    for label in [*labels.get(prop, ())] or [None]:
                        row = {"node": iri, "property": prop, "value": value.value}
                        if name is not None:
                            row["value_name"] = name
                        if label is not None:
                            row["property_label"] = label
                        out.append(row)
        return out

    def _files(self, iri: str) -> list[Row]:
        return sorted(self.files.get(iri, []), key=lambda f: ("path" not in f, f["graph"]))

    def _context(self, iri: str) -> list[Row]:
        """The rows of ``node-context``: each link, with what is known of the node at its other end."""
        labels = self.site._labels
        links = [("out", p.value, v.value) for p, v in self.out.get(iri, ()) if isinstance(v, NamedNode)]
        links += [("in", p.value, s.value) for s, p in self.into.get(iri, ()) if isinstance(s, NamedNode)]
        out: list[Row] = []
        for direction, prop, other in links:
            if other == iri:
                continue
            for info in self.other_rows.get(other, ()):
                for label in [*labels.get(prop, ())] or [None]:
                    row: Row = {"node": iri, "direction": direction, "property": prop, **info}
                    if label is not None:
                        row["property_label"] = label
                    out.append(row)
        out.sort(key=lambda r: (r["direction"], r["property"], r["other"], r["type"], r.get("source", "")))
        return out

    def neighbourhoods(self, centres: list[NodeRef]) -> list[Neighbourhood]:
        return data.neighbourhoods(centres, self.site.relations, self.site.ref)
