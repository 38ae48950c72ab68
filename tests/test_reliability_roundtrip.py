"""Round trips: every export format reads back as the same graph (or dataset) with pyoxigraph; Turtle and N-Triples
also with rdflib, and Turtle, N-Triples, TriG and N-Quads with an independent parser, raptor's ``rapper``; and an
export loaded by ``rdfnotes load`` (the RDF reader) gives the same triples again. (rdflib 7.6 is not asked to read
JSON-LD, TriG or N-Quads: it warns that its own ConjunctiveGraph is deprecated, and warnings are errors here.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Quad, Triple, parse
from rdflib.compare import isomorphic
from support import LAB_A, LAB_B, LAB_C, MATSULAB, SEED, SOCIAL_MEDIA

from rdfnotes import EXPORT_FORMATS, Store, export, load, load_config
from rdfnotes.export import DATASET_FORMATS

Rapper = Callable[[Path, str], set[Quad]]
CONFIG = load_config()
BAD_INPUT = Path(__file__).parent / "bad_input" / "notes"
SOURCES = {
    "lab-a": [LAB_A],
    "lab-b-obsidian": [LAB_B],
    "lab-c-roam-json": [LAB_C],
    "social-media-md": [SOCIAL_MEDIA / "md"],
    "social-media-neo4j": [SOCIAL_MEDIA / "neo4j"],
    "matsulab+seed": [MATSULAB, SEED],
    "bad-input": [BAD_INPUT],
}
RAPPER_SYNTAX = {"turtle": "turtle", "ntriples": "ntriples", "trig": "trig", "nquads": "nquads"}
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt"}
SUFFIX = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "trig": "trig", "nquads": "nq"}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp(request.param) / "store") as store:
        load(SOURCES[request.param], store, CONFIG)
        yield store


def as_rdflib(data: bytes | str, fmt: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=data, format=fmt)
    return graph


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_every_export_reads_back_as_the_same_graph(loaded: Store, fmt: str, tmp_path: Path, rapper: Rapper) -> None:
    data = export(loaded, fmt)
    assert data is not None
    if fmt in DATASET_FORMATS:
        expected: set[Quad] | set[Triple] = set(loaded.quads())  # the default graph (the union) and the named ones
        assert set(parse(data, format=EXPORT_FORMATS[fmt])) == expected  # (rdflib 7.6 warns on any Dataset.parse)
    else:
        expected = set(loaded.default_triples())
        assert {quad.triple for quad in parse(data, format=EXPORT_FORMATS[fmt])} == expected
        source = "\n".join(str(triple) + " ." for triple in expected)
        if fmt in RDFLIB_FORMAT:
            assert isomorphic(as_rdflib(data, RDFLIB_FORMAT[fmt]), as_rdflib(source, "nt"))
    assert export(loaded, fmt) == data  # deterministic
    if fmt in RAPPER_SYNTAX:
        path = tmp_path / f"export.{SUFFIX[fmt]}"
        path.write_bytes(data)
        read = rapper(path, RAPPER_SYNTAX[fmt])
        if fmt in DATASET_FORMATS:
            assert read == expected
        else:
            assert {quad.triple for quad in read} == expected


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_an_export_loaded_again_gives_the_same_triples(loaded: Store, fmt: str, tmp_path: Path) -> None:
    data = export(loaded, fmt)
    assert data is not None
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / f"lab.{SUFFIX[fmt]}").write_bytes(data)
    with Store(tmp_path / "again") as store:
        report = load([folder], store, CONFIG, format="rdf")
        assert report.errors == []
        graphs = store.named_graphs()
        assert len(graphs) == 1
        assert store.graph_triples(graphs[0]) == set(loaded.default_triples())


def test_rapper_is_a_real_check(tmp_path: Path, rapper: Rapper) -> None:
    """The independent parser rejects what is not Turtle (so the checks above can fail)."""
    path = tmp_path / "bad.ttl"
    path.write_text('<http://example.org/a> <http://example.org/b> "unclosed .\n', encoding="utf-8")
    with pytest.raises(AssertionError):
        rapper(path, "turtle")
