"""What the pages show, read from the store by the queries in ``web/queries`` (and the bundled ones).

Each function returns plain dataclasses; nothing here knows HTML. A node is anything with a name (``rdfs:label``)
and a type: the notes of every lab and the pages they only link to.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from ..config import Config, load_config
from ..export import lab_prefixes
from ..history import LoadRecord, load_history
from ..labs import VOID, lab_bases, lab_files, lab_graphs, labs, void_triples
from ..queries import QueryResult, Term, run_query, stream_query
from ..store import Store
from ..vocab import BIBO, DCTERMS, DG, OWL, PREFIXES, PROV, RDF, RDFS, RN
from .markdown import link_names

QUERIES = Path(__file__).parent / "queries"

SEARCH_LIMIT = 200
"""Most search results shown."""
RING_LIMIT = 12
"""Most nodes drawn at each step out from the centre of a diagram; the rest are listed as left out."""


@functools.cache
def query_text(name: str) -> str:
    """The text of the page query ``web/queries/NAME.rq``."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def query(store: Store, name: str, params: Mapping[str, str] | None = None) -> QueryResult:
    """Run the page query ``web/queries/NAME.rq``; IRIs in ``params`` are given as ``<…>``."""
    return run_query(store, f"web/queries/{name}.rq", params, text=query_text(name))


def rows(result: QueryResult) -> list[dict[str, str]]:
    """Each row as variable → value (unbound variables left out)."""
    return [
        {var: _value(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]


def _value(term: Term) -> str:
    return str(term) if isinstance(term, Triple) else term.value


@functools.cache
def default_config() -> Config:
    """The bundled settings: the names of node types and relations (a lab's own are in its data)."""
    return load_config()


@dataclass(frozen=True)
class NodeType:
    key: str
    """A CSS-safe name: ``question``, ``claim``, ``evidence``, ``source``, ``page`` …"""
    name: str
    rank: int
    """Order in lists and diagrams: questions first, plain pages last."""


PAGE_TYPE = NodeType("page", "Page", 99)


def node_type(types: Iterable[str]) -> NodeType:
    """A node's discourse type among its classes (a source's ``bibo:AcademicArticle`` is not one).

    >>> node_type(["http://purl.org/ontology/bibo/Book", "https://discoursegraphs.com/schema/dg_core#SourceDocument"])
    NodeType(key='source', name='Source', rank=3)
    """
    known = _known_types()
    found = sorted(known[t] for t in types if t in known)
    if not found:
        return PAGE_TYPE
    rank, name = found[0]
    return NodeType(name.lower().replace(" ", "-"), name, rank)


@functools.cache
def _known_types() -> dict[str, tuple[int, str]]:
    return {t.class_iri: (i, t.name) for i, t in enumerate(default_config().node_types)}


def type_order() -> list[NodeType]:
    return [node_type([t.class_iri]) for t in default_config().node_types] + [PAGE_TYPE]


@dataclass(frozen=True)
class NodeRef:
    """A node as a link shows it."""

    iri: str
    title: str
    type: NodeType

    def sort_key(self) -> tuple[int, str, str]:
        return (self.type.rank, self.title.casefold(), self.iri)


def _refs(records: Iterable[Mapping[str, str]], key: str = "node") -> list[NodeRef]:
    """Nodes from rows of ``{key} type label title`` (several rows per node: one per type)."""
    types: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    for record in records:
        iri = record[key]
        types.setdefault(iri, set()).add(record["type"])
        title = record.get("title") or record["label"]
        titles[iri] = min(titles.get(iri, title), title)
    return [NodeRef(iri, titles[iri], node_type(types[iri])) for iri in types]


def all_nodes(store: Store) -> list[NodeRef]:
    """Every node, by type then title.

    The ``nodes`` query's rows are taken as they come, without its ``ORDER BY``: they are sorted here by another
    key, and Oxigraph's sort of every row (reading each term's text at each comparison) cost twice the query at
    10,000 notes; nor are they held as a list (a static site of 100,000 notes held ~400 MB of them)."""
    stream = stream_query(store, "web/queries/nodes.rq", text=query_text("nodes"), ordered=False)
    records = (
        {var: _value(term) for var, term in zip(stream.variables, row, strict=True) if term is not None}
        for row in stream.rows
    )
    return sorted(_refs(records), key=NodeRef.sort_key)


def search(store: Store, text: str) -> tuple[list[NodeRef], int]:
    """Nodes whose title or name holds every word of ``text`` (any case), at most :data:`SEARCH_LIMIT`, and how
    many matched in all.

    Case is folded by lower-casing, as SPARQL's ``LCASE`` (which picks the candidates) and the static site's
    script do: ``casefold`` would turn ``ß`` into ``ss``, which no lower-cased title holds.
    """
    words = text.lower().split()
    if not words:
        return [], 0
    records = rows(query(store, "search", {"word": max(words, key=len)}))
    found = _refs(records)
    labels = {r["node"]: r["label"] for r in records}
    matched = [
        node for node in found if all(w in node.title.lower() or w in labels.get(node.iri, "").lower() for w in words)
    ]
    matched.sort(key=NodeRef.sort_key)
    return matched[:SEARCH_LIMIT], len(matched)


# -- the index ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabSummary:
    name: str
    base: str
    files: int
    counts: dict[str, int]
    """Nodes by type key."""


@dataclass(frozen=True)
class OpenQuestion:
    node: NodeRef
    author: str
    created: str
    sources: int


@dataclass(frozen=True)
class ContestedClaim:
    node: NodeRef
    supporting: int
    opposing: int


@dataclass
class Index:
    labs: list[LabSummary]
    types: list[NodeType]
    """The node types present, in order."""
    open_questions: list[OpenQuestion]
    contested_claims: list[ContestedClaim]
    questions: list[NodeRef]
    loads: list[LoadRecord] = field(default_factory=list)
    """Each lab's last loads, from the store's history (the served pages; a static site stays the same bytes)."""


def lab_of(iri: str, bases: Mapping[str, str]) -> str | None:
    """The lab whose IRI space holds ``iri`` (the longest base that is a prefix of it)."""
    owners = [(len(base), lab) for lab, base in bases.items() if iri.startswith(base)]
    return max(owners)[1] if owners else None


def rdf_prefixes(store: Store) -> dict[str, str]:
    """The prefixes the pages' Turtle and JSON-LD use: the vocabularies', the lab's (when one) and VoID's."""
    return {**PREFIXES, **lab_prefixes(store), "void": VOID.iri}


def index(store: Store, nodes: list[NodeRef] | None = None, *, history: bool = False) -> Index:
    """The front page's data; ``nodes``: :func:`all_nodes`, when the caller has them already; with ``history``,
    each lab's last loads (rdfnotes.history)."""
    nodes = all_nodes(store) if nodes is None else nodes
    bases = lab_bases(store)
    counts: dict[str, dict[str, int]] = {}
    for node in nodes:
        lab = lab_of(node.iri, bases) or ""
        per_lab = counts.setdefault(lab, {})
        per_lab[node.type.key] = per_lab.get(node.type.key, 0) + 1
    summaries = [
        LabSummary(name, base, files, counts.get(name, {})) for name, (base, files) in lab_files(store).items()
    ]
    if counts.get(""):
        summaries.append(LabSummary("(other)", "", 0, counts[""]))
    present = {node.type.key for node in nodes}
    by_iri = {node.iri: node for node in nodes}
    open_questions = [
        OpenQuestion(
            by_iri.get(row["question"]) or NodeRef(row["question"], row["question"], PAGE_TYPE),
            row.get("author", ""),
            row.get("created", ""),
            int(row.get("sources", "0")),
        )
        for row in rows(run_query(store, "open-questions"))
    ]
    contested = [
        ContestedClaim(
            by_iri.get(row["claim"]) or NodeRef(row["claim"], row["claim"], PAGE_TYPE),
            int(row["supporting"]),
            int(row["opposing"]),
        )
        for row in rows(run_query(store, "contested-claims"))
    ]
    return Index(
        labs=summaries,
        types=[t for t in type_order() if t.key in present],
        open_questions=open_questions,
        contested_claims=contested,
        questions=[node for node in nodes if node.type.key == "question"],
        loads=_last_loads(store) if history else [],
    )


def _last_loads(store: Store, per_lab: int = 5) -> list[LoadRecord]:
    records = load_history(store, default_config())
    kept: list[LoadRecord] = []
    for lab in sorted({r.lab for r in records}):
        kept += [r for r in records if r.lab == lab][-per_lab:]
    return kept


def index_triples(store: Store) -> list[Triple]:
    """The index as RDF: each lab's VoID description (its size, vocabularies, IRI space and graphs)."""
    return [triple for lab in labs(store) for triple in void_triples(store, lab)]


# -- a node ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """A node in another's context, with the sources it comes from."""

    node: NodeRef
    sources: tuple[NodeRef, ...] = ()
    stated: tuple[str, ...] = ()
    """Where the relation is stated: ``FILE line N``, one per page stating it."""


@dataclass(frozen=True)
class RelationGroup:
    label: str
    key: str
    """``informs``, ``supports``, ``opposes``, ``source``, ``addresses``, ``links`` or ``other``: its colour."""
    items: tuple[Related, ...]


@dataclass(frozen=True)
class Value:
    text: str
    link: str | None = None
    """A web address to link the text to: a DOI's, an arXiv page, an ``owl:sameAs``, a web page the note names."""
    stated: tuple[str, ...] = ()
    """Where the attribute is stated: ``FILE line N``."""


@dataclass
class NodePage:
    ref: NodeRef
    label: str
    types: list[str]
    lab: str | None
    path: str | None
    """The note file, relative to the folder it was loaded from; None for a page that is only linked to."""
    authors: list[str]
    created: str | None
    body: str | None
    abstract: str | None
    identifiers: list[Value]
    properties: list[tuple[str, list[Value]]]
    """Every other property, by name."""
    context: list[RelationGroup] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    """The page names and block uids its text links to (``[[…]]``, ``((…))``) → the nodes they name."""


_RELATION_KEYS = {
    RN.informs: "informs",
    DG.supports: "supports",
    DG.opposes: "opposes",
    DG.sourceDocument: "source",
    DG.addresses: "addresses",
    DCTERMS.references: "links",
}
_WORDS = {
    (DG.sourceDocument, "out"): "source",
    (DG.sourceDocument, "in"): "source for",
    (DCTERMS.references, "out"): "links to",
    (DCTERMS.references, "in"): "linked from",
    ("http://www.w3.org/2004/02/skos/core#exactMatch", "out"): "same as",
    ("http://www.w3.org/2004/02/skos/core#exactMatch", "in"): "same as",
}
_SHOWN_ELSEWHERE = {
    RDF.type,
    RDFS.label,
    DCTERMS.title,
    DCTERMS.created,
    RN.body,
    DCTERMS.abstract,
    PROV.wasAttributedTo,
    BIBO.doi,
    BIBO.identifier,
    OWL.sameAs,
    BIBO.authorList,
}


def relation_words(prop: str, direction: str, minted_label: str | None = None) -> str:
    """How a relation reads from the node a page is about: ``informs`` out, ``informed by`` in …

    >>> relation_words("https://w3id.org/rdfnotes/ns#informs", "in")
    'informed by'
    """
    if (prop, direction) in _WORDS:
        return _WORDS[(prop, direction)]
    for relation in default_config().relations:
        if relation.property_iri == prop:
            if direction == "out" or relation.symmetric:
                return relation.label.lower()
            return (relation.complement or f"{relation.label} (from)").lower()
    name = minted_label or short_name(prop)
    return name if direction == "out" else f"{name} (from)"


def short_name(iri: str) -> str:
    for prefix, space in PREFIXES.items():
        if iri.startswith(space) and len(iri) > len(space):
            return f"{prefix}:{iri[len(space) :]}"
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _group_order(prop: str, direction: str) -> tuple[int, int, str]:
    order = [RN.informs, DG.supports, DG.opposes, DG.sourceDocument, DG.addresses]
    rank = order.index(prop) if prop in order else (len(order) + 1 if prop == DCTERMS.references else len(order))
    return (rank, 0 if direction == "in" else 1, prop)


def node_page(store: Store, iri: str, owners: Callable[[], Mapping[str, str]] | None = None) -> NodePage | None:
    """Everything a node's page shows; ``None`` when the store has no node ``iri``. ``owners``: each note graph's
    lab (by default :func:`~rdfnotes.labs.lab_graphs` of ``store``), asked only for a node outside every lab's IRIs."""
    param = {"node": f"<{iri}>"}
    return page_from_rows(
        iri,
        rows(query(store, "node-properties", param)),
        rows(query(store, "node-files", param)),
        rows(query(store, "node-context", param)),
        lab_bases(store),
        owners or (lambda: lab_graphs(store)),
        functools.partial(link_targets, store),
        statements(store, iri),
    )


def page_from_rows(
    iri: str,
    props: list[dict[str, str]],
    files: list[dict[str, str]],
    context_records: list[dict[str, str]],
    bases: Mapping[str, str],
    owners: Callable[[], Mapping[str, str]],
    links: Callable[[Iterable[str]], dict[str, str]],
    stated: Mapping[tuple[str, str, str], tuple[str, ...]],
) -> NodePage | None:
    """A node's page from the rows of ``node-properties``, ``node-files`` and ``node-context`` for it (in their
    queries' order); ``owners`` gives each note graph's lab (asked only for a node outside every lab's IRIs),
    ``links`` the node each name its text links to names (as :func:`link_targets`), ``stated`` where each of its
    relations and attributes is stated (as :func:`statements`)."""
    types = sorted({p["value"] for p in props if p["property"] == RDF.type})
    labels = sorted(p["value"] for p in props if p["property"] == RDFS.label)
    if not types or not labels:
        return None
    titles = sorted(p["value"] for p in props if p["property"] == DCTERMS.title)
    ref = NodeRef(iri, titles[0] if titles else labels[0], node_type(types))

    def values(prop: str) -> list[str]:
        return sorted({p["value"] for p in props if p["property"] == prop})

    path = next((f["path"] for f in files if "path" in f), None)
    lab = lab_of(iri, bases)
    if lab is None:  # a node of another IRI space (loaded from RDF): the lab of the file that describes it
        graph_labs = owners()
        lab = next((graph_labs[f["graph"]] for f in files if f["graph"] in graph_labs), None)
    authors = sorted({p.get("value_name", p["value"]) for p in props if p["property"] == PROV.wasAttributedTo})

    identifiers = [Value(f"doi:{doi}", f"https://doi.org/{doi}") for doi in values(BIBO.doi)]
    for identifier in values(BIBO.identifier):
        arxiv = identifier[len("arXiv:") :] if identifier.startswith("arXiv:") else None
        identifiers.append(Value(identifier, f"https://arxiv.org/abs/{arxiv}" if arxiv else None))
    shown = {v.link for v in identifiers}
    identifiers += [Value(same, same) for same in values(OWL.sameAs) if same not in shown]

    context, minted = context_from_rows(iri, context_records, stated)
    in_context = {(prop, item.node.iri) for (prop, _), items in context.items() for item in items}
    grouped: dict[str, list[Value]] = {}
    property_names: dict[str, str] = {}
    for p in props:
        prop = p["property"]
        if prop in _SHOWN_ELSEWHERE or (prop, p["value"]) in in_context:
            continue
        property_names[prop] = p.get("property_label") or short_name(prop)
        is_web = p["value"].startswith(("http://", "https://"))
        where = stated.get((prop, "out", p["value"]), ())
        if "value_name" in p:
            value = Value(p["value_name"], stated=where)
        elif is_web and lab_of(p["value"], bases) is None:
            value = Value(p["value"], p["value"], where)
        else:
            value = Value(p["value"], stated=where)
        if value not in grouped.setdefault(prop, []):
            grouped[prop].append(value)
    properties = sorted(((property_names[k], v) for k, v in grouped.items()), key=lambda kv: kv[0].casefold())
    created = values(DCTERMS.created)
    bodies = values(RN.body)
    abstracts = values(DCTERMS.abstract)
    return NodePage(
        ref=ref,
        label=labels[0],
        types=types,
        lab=lab,
        path=path,
        authors=authors,
        created=created[0] if created else None,
        body="\n\n".join(bodies) or None,
        abstract="\n\n".join(abstracts) or None,
        identifiers=identifiers,
        properties=properties,
        context=_groups(context, minted),
        links=links(link_names("\n\n".join(bodies))),
    )


MAX_LINKS = 500


def link_targets(store: Store, names: Iterable[str]) -> dict[str, str]:
    """The node each name (a page's label or title, a Roam uid) names, for the names the store has (at most
    ``MAX_LINKS`` looked up)."""
    wanted = sorted(set(names))[:MAX_LINKS]
    if not wanted:
        return {}
    listed = " ".join('"' + name.translate(_STRING_ESCAPES) + '"' for name in wanted)
    results = store.query(
        f"SELECT ?key ?node WHERE {{ VALUES ?key {{ {listed} }} "
        f"{{ ?node <{RDFS.label}> ?key }} UNION {{ ?node <{DCTERMS.title}> ?key }} UNION "
        f"{{ ?node <{RN.roamUid}> ?key }} }}"
    )
    found: dict[str, str] = {}
    for row in results:
        key, node = row[0], row[1]
        if key is not None and isinstance(node, NamedNode):
            found[key.value] = min(found.get(key.value, node.value), node.value)
    return found


_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def statements(store: Store, iri: str) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """Where each relation and attribute of the node is stated, by (property, direction, the other end's value):
    ``FILE line N`` for each file and line (the reified statements the mapping writes, rdfnotes.mapping)."""
    return statements_from_rows(iri, rows(query(store, "node-statements", {"node": f"<{iri}>"})))


def statements_from_rows(iri: str, records: Iterable[dict[str, str]]) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """:func:`statements` from the rows of the ``node-statements`` query for ``iri`` (in its order)."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for record in records:
        out = record["subject"] == iri
        key = (record["property"], "out" if out else "in", record["value"] if out else record["subject"])
        where = f"{record['path']} line {record['line']}"
        if where not in found.setdefault(key, []):
            found[key].append(where)
    return {key: tuple(places) for key, places in found.items()}


def node_context(store: Store, iri: str) -> tuple[dict[tuple[str, str], list[Related]], dict[str, str]]:
    """The nodes ``iri`` is linked with, by (property, direction), each with the sources it comes from; and the
    names the store gives the properties (a lab's own relations)."""
    return context_from_rows(iri, rows(query(store, "node-context", {"node": f"<{iri}>"})), statements(store, iri))


def context_from_rows(
    iri: str, records: list[dict[str, str]], stated: Mapping[tuple[str, str, str], tuple[str, ...]]
) -> tuple[dict[tuple[str, str], list[Related]], dict[str, str]]:
    """:func:`node_context` from the rows of the ``node-context`` query for ``iri`` and where its relations are
    stated (:func:`statements`)."""
    names = {r["property"]: r["property_label"] for r in records if "property_label" in r}
    by_key: dict[tuple[str, str], dict[str, list[dict[str, str]]]] = {}
    for record in records:
        by_key.setdefault((record["property"], record["direction"]), {}).setdefault(record["other"], []).append(record)
    out: dict[tuple[str, str], list[Related]] = {}
    for key, others in by_key.items():
        related = []
        for other_records in others.values():
            node = _refs(other_records, key="other")[0]
            sources = _refs(
                [
                    {"node": r["source"], "type": DG.SourceDocument, "label": r["source_label"], **_opt(r)}
                    for r in other_records
                    if "source" in r and r["source"] != iri and not (key[0] == DG.sourceDocument and key[1] == "out")
                ]
            )
            where = stated.get((key[0], key[1], node.iri), ())
            related.append(Related(node, tuple(sorted(sources, key=NodeRef.sort_key)), where))
        out[key] = sorted(related, key=lambda r: r.node.sort_key())
    return out, names


def _opt(record: Mapping[str, str]) -> dict[str, str]:
    return {"title": record["source_title"]} if "source_title" in record else {}


def _groups(context: Mapping[tuple[str, str], list[Related]], minted: Mapping[str, str]) -> list[RelationGroup]:
    """The context by relation as the page reads it; a symmetric relation stated each way is one group."""
    groups: dict[str, RelationGroup] = {}
    for prop, direction in sorted(context, key=lambda k: _group_order(*k)):
        label = relation_words(prop, direction, minted.get(prop))
        before = groups[label].items if label in groups else ()
        items = before + tuple(r for r in context[(prop, direction)] if r.node not in {b.node for b in before})
        groups[label] = RelationGroup(label, _RELATION_KEYS.get(prop, "other"), items)
    return list(groups.values())


def node_triples(store: Store, iri: str) -> list[Triple]:
    result = query(store, "node-description", {"node": f"<{iri}>"})
    return list(result.triples or [])


def refs_triples(nodes: Iterable[NodeRef]) -> list[Triple]:
    """A list of nodes as RDF: each node's title (``dcterms:title``)."""
    return [Triple(NamedNode(n.iri), NamedNode(DCTERMS.title), Literal(n.title)) for n in nodes]


# -- a neighbourhood ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    subject: str
    predicate: str
    object: str

    @property
    def key(self) -> str:
        return _RELATION_KEYS.get(self.predicate, "other")


@dataclass
class Neighbourhood:
    """A node and the nodes one and two relations away, as drawn: each ring at most :data:`RING_LIMIT` nodes."""

    centre: NodeRef
    rings: list[list[NodeRef]]
    edges: list[Edge]
    """The relations between drawn nodes."""
    left_out: list[list[NodeRef]]
    """Per ring, the nodes not drawn (their own neighbours are not followed)."""
    labels: dict[str, str]
    """A name for each relation property drawn."""


def node_ref(store: Store, iri: str) -> NodeRef | None:
    found = _refs(rows(query(store, "node", {"node": f"<{iri}>"})))
    return found[0] if found else None


def neighbourhood(store: Store, iri: str, *, limit: int = RING_LIMIT, steps: int = 2) -> Neighbourhood | None:
    """The neighbourhood of ``iri`` through discourse relations (``None`` when there is no such node).

    Each ring keeps its first ``limit`` nodes by type (questions, claims, evidence, sources …) and title; the others
    are listed in ``left_out`` and not followed further out.
    """
    centre = node_ref(store, iri)
    if centre is None:
        return None

    def relations_of(nodes: Iterable[str]) -> dict[str, list[dict[str, str]]]:
        return {node: rows(query(store, "relations", {"node": f"<{node}>"})) for node in nodes}

    return neighbourhoods([centre], relations_of, lambda other: node_ref(store, other), limit=limit, steps=steps)[0]


def neighbourhoods(
    centres: list[NodeRef],
    relations_of: Callable[[Iterable[str]], Mapping[str, list[dict[str, str]]]],
    ref_of: Callable[[str], NodeRef | None],
    *,
    limit: int = RING_LIMIT,
    steps: int = 2,
) -> list[Neighbourhood]:
    """The neighbourhoods of several nodes, stepping out from all of them at once: ``relations_of`` gives the rows
    of the ``relations`` query for each of a set of nodes (one query for them all, or one each), ``ref_of`` a
    node's :class:`NodeRef` (``None`` for no node)."""
    states = [_Walk(centre) for centre in centres]
    for _ in range(steps):
        wanted = sorted({node for state in states for node in state.frontier})
        relations = relations_of(wanted)
        for state in states:
            state.step(relations, ref_of, limit)
    return [state.result() for state in states]


class _Walk:
    """One neighbourhood being drawn, a ring at a time."""

    def __init__(self, centre: NodeRef) -> None:
        self.centre = centre
        self.refs: dict[str, NodeRef | None] = {centre.iri: centre}
        self.edges: set[Edge] = set()
        self.placed = {centre.iri}
        self.frontier = [centre.iri]
        self.rings: list[list[NodeRef]] = []
        self.left_out: list[list[NodeRef]] = []

    def step(
        self,
        relations: Mapping[str, list[dict[str, str]]],
        ref_of: Callable[[str], NodeRef | None],
        limit: int,
    ) -> None:
        found: set[str] = set()
        for node in self.frontier:
            for record in relations[node]:
                edge = Edge(record["subject"], record["property"], record["object"])
                self.edges.add(edge)
                other = edge.object if edge.subject == node else edge.subject
                if other not in self.placed:
                    found.add(other)
        ring = []
        for other in sorted(found):
            if other not in self.refs:
                self.refs[other] = ref_of(other)
            ref = self.refs[other]
            if ref is not None:
                ring.append(ref)
        ring.sort(key=NodeRef.sort_key)
        self.rings.append(ring[:limit])
        self.left_out.append(ring[limit:])
        self.placed |= {ref.iri for ref in ring}
        self.frontier = [ref.iri for ref in ring[:limit]]

    def result(self) -> Neighbourhood:
        drawn = {self.centre.iri} | {ref.iri for ring in self.rings for ref in ring}
        kept = sorted(
            (e for e in self.edges if e.subject in drawn and e.object in drawn),
            key=lambda e: (e.subject, e.predicate, e.object),
        )
        labels = {e.predicate: relation_words(e.predicate, "out") for e in kept}
        return Neighbourhood(self.centre, self.rings, kept, self.left_out, labels)


def neighbourhood_triples(hood: Neighbourhood) -> list[Triple]:
    """A diagram as RDF: its relations, and the title of each node drawn."""
    nodes = [hood.centre, *(ref for ring in hood.rings for ref in ring)]
    relations = [Triple(NamedNode(e.subject), NamedNode(e.predicate), NamedNode(e.object)) for e in hood.edges]
    return relations + refs_triples(nodes)
