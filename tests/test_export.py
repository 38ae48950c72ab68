"""Exports: the golden graphs, byte-identical output for the same notes, and every format read back."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from support import LAB_A, SEED, load_into, union_graph

from rdfnotes import EXPORT_FORMATS, Store, export

GOLDEN = Path(__file__).parent / "golden"


def describe_difference(expected: rdflib.Graph, actual: rdflib.Graph) -> str:
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    return f"missing:\n{only_expected.serialize(format='nt')}\nunexpected:\n{only_actual.serialize(format='nt')}"


@pytest.mark.parametrize(("folder", "golden"), [(SEED, "seed.ttl"), (LAB_A, "lab-a.ttl")])
def test_golden_graph(folder: Path, golden: str, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        actual = union_graph(store)
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
def test_dataset_formats_keep_one_graph_per_file(fmt: str, lab_a_store: Store) -> None:
    data = export(lab_a_store, fmt)
    assert data is not None
    fresh = pyoxigraph.Store()
    fresh.load(data, format=EXPORT_FORMATS[fmt])
    assert set(fresh) == set(lab_a_store.named_quads())
    assert len({q.graph_name for q in fresh}) == 10


def test_turtle_export_declares_prefixes_in_name_order(lab_a_store: Store) -> None:
    data = export(lab_a_store, "turtle")
    assert data is not None
    prefix_lines = [line for line in data.decode().splitlines() if line.startswith("@prefix")]
    assert prefix_lines == sorted(prefix_lines)
    assert "@prefix dg: <https://discoursegraphs.com/schema/dg_core#> ." in prefix_lines
