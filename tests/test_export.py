"""Exports: the golden graphs, byte-identical output for the same notes, and every format read back."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support import LAB_A, SEED, load_into, union_graph, without_provenance

from rdfnotes import EXPORT_FORMATS, Store, export
from rdfnotes.export import _base_prefixes, _graph_bytes, lab_prefixes, serialize_triples
from rdfnotes.labs import VOID, get_lab, lab_quads
from rdfnotes.vocab import PREFIXES

GOLDEN = Path(__file__).parent / "golden"


def describe_difference(expected: rdflib.Graph, actual: rdflib.Graph) -> str:
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    return f"missing:\n{only_expected.serialize(format='nt')}\nunexpected:\n{only_actual.serialize(format='nt')}"


@pytest.mark.parametrize(("folder", "golden"), [(SEED, "seed.ttl"), (LAB_A, "lab-a.ttl")])
def test_golden_graph(folder: Path, golden: str, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        actual = without_provenance(union_graph(store))
    expected = rdflib.Graph().parse(GOLDEN / golden, format="turtle")
    assert isomorphic(expected, actual), describe_difference(expected, actual)


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_same_notes_give_the_same_bytes(fmt: str, tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        store, _ = load_into(tmp_path / name, LAB_A)
        with store:
            outputs.append(export(store, fmt))
    assert outputs[0] == outputs[1]
    assert outputs[0]


def test_turtle_reads_back_as_the_same_graph(lab_a_store: Store) -> None:
    data = export(lab_a_store, "turtle")
    assert data is not None
    parsed = rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")
    assert isomorphic(parsed, union_graph(lab_a_store))

    fresh = pyoxigraph.Store()
    fresh.load(data, format=pyoxigraph.RdfFormat.TURTLE)
    assert {q.triple for q in fresh} == set(lab_a_store.default_triples())


def test_ntriples_reads_back(lab_a_store: Store) -> None:
    data = export(lab_a_store, "ntriples")
    assert data is not None
    parsed = rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")
    assert isomorphic(parsed, union_graph(lab_a_store))


def test_jsonld_reads_back(lab_a_store: Store) -> None:
    # rdflib's JSON-LD parser warns of its own deprecations; Oxigraph's reads the same standard.
    data = export(lab_a_store, "jsonld")
    assert data is not None
    parsed = {quad.triple for quad in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.JSON_LD)}
    assert parsed == set(lab_a_store.default_triples())


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dataset_formats_keep_one_graph_per_file_and_the_union(fmt: str, lab_a_store: Store) -> None:
    data = export(lab_a_store, fmt)
    assert data is not None
    fresh = pyoxigraph.Store()
    fresh.load(data, format=EXPORT_FORMATS[fmt])
    assert set(fresh) == set(lab_a_store.quads())
    assert len({q.graph_name for q in fresh if not isinstance(q.graph_name, pyoxigraph.DefaultGraph)}) == 10
    # the default graph is the union of the note graphs, each triple once: what another engine's queries read
    union = {q.triple for q in fresh.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    assert union == {q.triple for q in lab_a_store.named_quads()}


def test_turtle_export_declares_prefixes_in_name_order(lab_a_store: Store) -> None:
    data = export(lab_a_store, "turtle")
    assert data is not None
    prefix_lines = [line for line in data.decode().splitlines() if line.startswith("@prefix")]
    assert prefix_lines == sorted(prefix_lines)
    assert "@prefix dg: <https://discoursegraphs.com/schema/dg_core#> ." in prefix_lines


# -- the fast writer against Oxigraph's own serialiser ----------------------------------------------------------
# export() sorts N-Triples lines and lays Turtle/TriG out itself; these check it gives, byte for byte, what
# Oxigraph writes for the same triples sorted in Python (subject, rdf:type first, predicate, object; terms in their
# N-Triples form), then prefix lines sorted: the way exports were made before, kept as the reference.


def _key(triple: pyoxigraph.Triple) -> tuple[str, int, str, str]:
    rank = 0 if triple.predicate.value == RDF_TYPE else 1
    return (str(triple.subject), rank, str(triple.predicate), str(triple.object))


def _prefix_lines_sorted(data: bytes) -> bytes:
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def reference(
    triples_or_quads: list[pyoxigraph.Quad] | set[pyoxigraph.Triple], fmt: str, prefixes: dict[str, str]
) -> bytes:
    if fmt in ("trig", "nquads"):
        # the default graph (the union) first, then the named graphs in name order
        data: list[object] = sorted(
            triples_or_quads,
            key=lambda q: (not isinstance(q.graph_name, pyoxigraph.DefaultGraph), str(q.graph_name), *_key(q.triple)),  # type: ignore[union-attr]
        )
    else:
        data = sorted(triples_or_quads, key=_key)  # type: ignore[arg-type]
    return _prefix_lines_sorted(pyoxigraph.serialize(data, format=EXPORT_FORMATS[fmt], prefixes=prefixes) or b"")


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
@pytest.mark.parametrize("folder", [SEED, LAB_A])
def test_export_is_oxigraph_serialising_the_sorted_triples(fmt: str, folder: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        prefixes = {**PREFIXES, **lab_prefixes(store)}
        data = set(store.default_triples()) if fmt not in ("trig", "nquads") else list(store.quads())
        expected = reference(data, fmt, prefixes)
        assert export(store, fmt) == expected
        streamed = io.BytesIO()
        assert export(store, fmt, streamed) is None
        assert streamed.getvalue() == expected


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_lab_export_is_oxigraph_serialising_the_sorted_triples(fmt: str, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A, lab="lab-a")
    with store:
        quads = lab_quads(store, "lab-a")
        prefixes = {**PREFIXES, **_base_prefixes(get_lab(store, "lab-a").base), "void": VOID.iri}
        union = [pyoxigraph.Quad(*triple, pyoxigraph.DefaultGraph()) for triple in {q.triple for q in quads}]
        data = {q.triple for q in quads} if fmt not in ("trig", "nquads") else quads + union
        assert export(store, fmt, lab="lab-a") == reference(data, fmt, prefixes)


def test_same_bytes_whatever_order_the_quads_were_written_in(tmp_path: Path) -> None:
    stores = []
    for name in ("in-order", "shuffled"):
        store, _ = load_into(tmp_path / name, LAB_A)
        stores.append(store)
    quads = list(stores[1]._ox)
    stores[1]._ox.clear()
    random.Random(5).shuffle(quads)
    for quad in quads:
        stores[1]._ox.add(quad)
    with stores[0], stores[1]:
        for fmt in sorted(EXPORT_FORMATS):
            assert export(stores[0], fmt) == export(stores[1], fmt), fmt


EX = "http://example.org/"
ODD_IRIS = [
    f"{EX}{local}" for local in ("a", "a.b", "ab.", "-ab", "1ab", "a%20b", "a~b", "a:b", "a/b", "a/b/c", "", "é")
]
ODD_IRIS += [f"{EX}a#b", "http://other.example/x", "urn:isbn:123", RDF_TYPE]


def odd_triples() -> set[pyoxigraph.Triple]:
    """Terms at the edges of the writer: local names Oxigraph escapes, nested namespaces, bare numbers, blank
    nodes, a literal holding the rdf:type IRI, control characters, subjects that are prefixes of others."""
    N, L, B = pyoxigraph.NamedNode, pyoxigraph.Literal, pyoxigraph.BlankNode
    xsd = "http://www.w3.org/2001/XMLSchema#"
    objects: list[pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode] = [N(iri) for iri in ODD_IRIS]
    objects += [
        L(v, datatype=N(xsd + t))
        for v, t in [
            ("12", "integer"),
            ("-1.5", "decimal"),
            ("true", "boolean"),
            ("1e3", "double"),
            ("2020-01-02", "date"),
            ("x", "integer"),
        ]
    ]
    objects += [
        L("plain"),
        L('with "quotes"\nand\ttabs \\ \x00 \x7f \u2028'),
        L("chat", language="fr"),
        L(f"text <{RDF_TYPE}> text"),
        L("x", datatype=N(f"{EX}dt")),
        L("y", datatype=N(f"{EX}a/dt")),
        B("b1"),
    ]
    subjects = [N(f"{EX}s"), N(f"{EX}s/t"), N(f"{EX}st"), B("b"), B("bb"), N("http://other.example/s")]
    predicates = [N(RDF_TYPE), N(f"{EX}p"), N(f"{EX}a/p"), N(f"{EX}p.q")]
    return {
        pyoxigraph.Triple(s, p, o)
        for i, s in enumerate(subjects)
        for j, p in enumerate(predicates)
        for k, o in enumerate(objects)
        if (i + j + k) % 3 == 0 or p.value == RDF_TYPE
    }


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_odd_terms_are_written_as_oxigraph_writes_them(fmt: str) -> None:
    prefixes = {**PREFIXES, "ex": EX, "exa": f"{EX}a/", "other": "http://other.example/"}
    triples = odd_triples()
    assert serialize_triples(triples, fmt, prefixes=prefixes) == reference(triples, fmt, prefixes)
    if fmt == "turtle":
        parsed = {
            q.triple
            for q in pyoxigraph.parse(
                serialize_triples(triples, fmt, prefixes=prefixes), format=pyoxigraph.RdfFormat.TURTLE
            )
        }
        assert parsed == triples


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_odd_terms_in_a_store(fmt: str, tmp_path: Path) -> None:
    triples = odd_triples()
    graphs = [pyoxigraph.NamedNode(f"{EX}g"), pyoxigraph.NamedNode(f"{EX}g/h"), pyoxigraph.NamedNode(f"{EX}g%20")]
    quads = [
        pyoxigraph.Quad(t.subject, t.predicate, t.object, graphs[i % 3]) for i, t in enumerate(sorted(triples, key=str))
    ]
    with Store(tmp_path / "store") as store:
        for quad in quads:
            store._ox.add(quad)
            store._ox.add(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, pyoxigraph.DefaultGraph()))
        # The store gives literals back in its canonical form (1e3 as 1.0E3): the reference reads them from it.
        data = set(store.default_triples()) if fmt not in ("trig", "nquads") else list(store.quads())
        assert len(data) == len(triples if fmt not in ("trig", "nquads") else quads + list(triples))
        assert export(store, fmt) == reference(data, fmt, {**PREFIXES, **lab_prefixes(store)})


def test_an_empty_store_exports_nothing_but_what_oxigraph_writes(tmp_path: Path) -> None:
    with Store(tmp_path / "store") as store:
        for fmt in sorted(EXPORT_FORMATS):
            assert export(store, fmt) == reference(set(), fmt, PREFIXES), fmt


def test_lines_not_grouped_by_subject_are_sorted_first() -> None:
    triples = odd_triples()
    lines = (pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES) or b"").splitlines(keepends=True)
    random.Random(3).shuffle(lines)
    for fmt in ("turtle", "ntriples"):
        assert b"".join(_graph_bytes(lambda: iter(lines), fmt, PREFIXES)) == reference(triples, fmt, PREFIXES)
