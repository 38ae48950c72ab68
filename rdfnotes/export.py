"""Deterministic exports: the same notes give the same bytes, so a lab can keep its export in git and read diffs.

Triples are sorted (subject, then ``rdf:type`` first, then predicate and object) before Oxigraph serialises them,
so the order depends on the data alone, not on the store's internal layout or version.

- ``turtle``, ``ntriples``, ``jsonld``: the lab's graph (the union of every note's graph, each triple once);
- ``trig``, ``nquads``: the dataset with provenance, one named graph per note file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from .store import Store
from .vocab import PREFIXES, RDF

FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
}
DATASET_FORMATS = frozenset({"trig", "nquads"})


def export(
    store: Store, fmt: str = "turtle", output: IO[bytes] | None = None, *, lab: str | None = None
) -> bytes | None:
    """Serialise the store in ``fmt``; write to ``output`` when given, else return the bytes.

    :param lab: export this lab alone: its note graphs and its VoID description (see :mod:`rdfnotes.labs`).
    :raises NoSuchLab: when ``lab`` names no lab of the store.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    prefixes = {**PREFIXES, **lab_prefixes(store)}
    quads: Iterable[Quad] = store.named_quads()
    triples: Iterable[Triple] = store.default_triples()
    if lab is not None:
        from .labs import VOID, get_lab, lab_quads

        quads = lab_quads(store, lab)
        triples = {quad.triple for quad in quads}
        prefixes = {**PREFIXES, **_base_prefixes(get_lab(store, lab).base), "void": VOID.iri}
    data: list[Triple] | list[Quad] = (
        sorted(quads, key=_quad_key) if fmt in DATASET_FORMATS else sorted(triples, key=_triple_key)
    )
    result = _sorted_prefix_lines(serialize(data, format=FORMATS[fmt], prefixes=prefixes) or b"")
    if output is None:
        return result
    output.write(result)
    return None


def serialize_triples(
    triples: Iterable[Triple], fmt: str = "turtle", *, prefixes: dict[str, str] | None = None
) -> bytes:
    """Some triples (a page's description, say) in ``fmt``, sorted as :func:`export` sorts them: stable bytes.

    >>> from pyoxigraph import Literal
    >>> serialize_triples([Triple(NamedNode("http://example.org/a"), NamedNode(RDF.type), Literal("x"))], "ntriples")
    b'<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "x" .\\n'
    """
    if fmt not in FORMATS or fmt in DATASET_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r} (formats: turtle, ntriples, jsonld)")
    data = serialize(sorted(triples, key=_triple_key), format=FORMATS[fmt], prefixes=prefixes or PREFIXES)
    return _sorted_prefix_lines(data or b"")


def lab_prefixes(store: Store) -> dict[str, str]:
    """Short prefixes for the IRIs of the store's lab, when it holds one lab."""
    bases = sorted({root["base"] for root in store.manifest["roots"].values()})
    if len(bases) != 1:
        return {}
    return _base_prefixes(bases[0])


def _base_prefixes(base: str) -> dict[str, str]:
    return {name: f"{base}{name}/" for name in ("node", "page", "person", "concept", "attribute")}


_TYPE = RDF.type


def _sorted_prefix_lines(data: bytes) -> bytes:
    """Put the ``@prefix`` lines Oxigraph writes in name order, so the header is as stable as the body."""
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def _term_key(term: object) -> str:
    return str(term)


def _triple_key(triple: Triple) -> tuple[str, int, str, str]:
    predicate = triple.predicate
    rank = 0 if isinstance(predicate, NamedNode) and predicate.value == _TYPE else 1
    return (_term_key(triple.subject), rank, _term_key(predicate), _term_key(triple.object))


def _quad_key(quad: Quad) -> tuple[str, str, int, str, str]:
    return (_term_key(quad.graph_name), *_triple_key(quad.triple))
