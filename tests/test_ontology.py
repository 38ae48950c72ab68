"""The ontology declares exactly the ``rn:`` terms the code emits, and avoids the Discourse Graphs draft's slips."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from rdfnotes.vocab import RN

ONTOLOGY_PATH = Path(__file__).parents[1] / "ontology" / "rdfnotes.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/rdfnotes/ns")
ROOT_CLASSES = {URIRef(RN.DiscourseNode), URIRef(RN.Page), URIRef(RN.NoteFile)}
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.SymmetricProperty}
INVERSE_PAIRS = {
    ("informs", "informedBy"),
    ("uses", "usedIn"),
    ("reproduces", "reproducedBy"),
    ("produces", "producedBy"),
    ("motivates", "motivatedBy"),
    ("derivedFrom", "hasDerivation"),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def test_parses_with_rdflib_and_declares_the_ontology(graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")


def test_parses_with_pyoxigraph(graph: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=ONTOLOGY_PATH, format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)


@pytest.mark.parametrize("name", sorted(RN.names))
def test_every_code_term_is_declared(graph: Graph, name: str) -> None:
    term = URIRef(RN[name])
    assert set(graph.objects(term, RDF.type)) & DECLARATION_TYPES, f"rn:{name} has no OWL type"
    labels = list(graph.objects(term, RDFS.label))
    assert len(labels) == 1, f"rn:{name} has {len(labels)} labels"
    assert (term, RDFS.comment, None) in graph, f"rn:{name} has no comment"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph, f"rn:{name} is not defined by {ONTOLOGY_IRI}"


def test_declares_no_term_the_code_does_not_know(graph: Graph) -> None:
    unknown = {
        str(s).removeprefix(RN.iri)
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and str(s).startswith(RN.iri) and str(s).removeprefix(RN.iri) not in RN.names
    }
    assert not unknown, f"not in rdfnotes.vocab.RN: {sorted(unknown)}"


def test_no_owl_subclassof(graph: Graph) -> None:
    # The Discourse Graphs draft writes owl:subClassOf, which OWL does not define; only rdfs:subClassOf means anything.
    slip = URIRef(str(OWL) + "subClassOf")
    assert not any(slip in triple for triple in graph)


def test_inverse_pairs_are_declared_once(graph: Graph) -> None:
    declared = {
        (str(s).removeprefix(RN.iri), str(o).removeprefix(RN.iri)) for s, o in graph.subject_objects(OWL.inverseOf)
    }
    assert declared == INVERSE_PAIRS


def test_consistent_with_is_symmetric(graph: Graph) -> None:
    assert (URIRef(RN.consistentWith), RDF.type, OWL.SymmetricProperty) in graph


def test_every_class_below_the_roots_has_a_superclass(graph: Graph) -> None:
    classes = set(graph.subjects(RDF.type, OWL.Class)) - ROOT_CLASSES
    orphans = {c for c in classes if (c, RDFS.subClassOf, None) not in graph}
    assert not orphans, f"classes with no rdfs:subClassOf: {sorted(map(str, orphans))}"
