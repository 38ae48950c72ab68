"""The shapes run in the store (``rdfnotes.shacl_sparql``) against pySHACL, the oracle: the same results, always.

Each test loads a graph into a real store, runs the shapes both ways (pySHACL over an rdflib copy with the ontology,
as ``validate`` used to; the compiled SPARQL in Oxigraph) and compares every result: focus node, path, value,
severity, message and source shape. The graphs: every fixture lab, and graphs broken on purpose so that every shape
of ``ontology/shapes.ttl`` and of the grammar finds something (checked too, so a shape that stops finding fails).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse
from pyshacl import validate as shacl_validate
from support import FIXTURES, load_into, union_graph

from rdfnotes import grammar
from rdfnotes.config import Rule, load_config
from rdfnotes.errors import UnsupportedShape
from rdfnotes.resources import ontology_path
from rdfnotes.shacl_sparql import Hierarchy, compile_shapes, validate_store
from rdfnotes.store import Store
from rdfnotes.validate import SHAPES_NS, shapes_path

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Row = tuple[str, str | None, str | None, str, str, str]

PREFIXES = """
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dg: <https://discoursegraphs.com/schema/dg_core#> .
@prefix ex: <https://example.org/lab/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rn: <https://w3id.org/rdfnotes/ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

# One fault (or more) for every shape, and nodes that just pass, next to them.
BROKEN = """
ex:page1 a rn:Page ; rdfs:label "A plain page" .
ex:clm1 a dg:Claim ; rdfs:label "Claim one" ; dg:supports ex:page1 .
ex:evd1 a dg:Evidence ; rdfs:label "Evidence with no source" .
ex:evd2 a dg:Evidence ; rdfs:label "Evidence derived from a source" ; rn:derivedFrom ex:src1 .
ex:evd3 a dg:Evidence ; rdfs:label "Evidence derived from a claim" ; rn:derivedFrom ex:clm1 .
ex:evd4 a dg:Evidence ; rdfs:label "Evidence with a source" ; dg:sourceDocument ex:src1 ; dg:supports ex:clm2 .
ex:MyEvidence rdfs:subClassOf dg:Evidence .
ex:evd5 a ex:MyEvidence ; rdfs:label "Evidence of a subclass the data declares" .
ex:src1 a dg:SourceDocument ; rdfs:label "Source one" ; bibo:doi "https://doi.org/10.1038/NRN2762" .
ex:src2 a dg:SourceDocument ; rdfs:label "Source two" ; bibo:doi "10.1038/nrn2762"@en .
ex:src3 a dg:SourceDocument ; rdfs:label "Source three" ; bibo:doi 42 , "10.1000/fine" .
ex:nolabel a dg:Question .
ex:twolabels a dg:Claim ; rdfs:label "one" , "two" .
ex:twotypes a dg:Claim , dg:Evidence ; rdfs:label "two types" ; dg:sourceDocument ex:src1 .
ex:hyp a rn:Hypothesis , rn:Result ; rdfs:label "A hypothesis and a result" .
ex:untyped rdfs:label "untyped" .
ex:clm1 rn:informs ex:untyped .
ex:clm2 a dg:Claim ; rdfs:label "Claim two" ;
    dcterms:created "last tuesday" , "2023-03-14T09:12:44-04:00"^^xsd:dateTime ;
    rn:dateAdded "2023-13-45"^^xsd:date , "2023-01-02"^^xsd:date ;
    dcterms:issued "2020"^^xsd:gYear , "2020-05"^^xsd:gYearMonth , "May 2020" , "2020-05-01T00:00:00Z"^^xsd:dateTime ;
    dg:supports ex:clm3 .
ex:clm3 a dg:Claim ; rdfs:label "Claim three" .
ex:que1 a dg:Question ; rdfs:label "Question one" ; rn:informs ex:clm3 ; dg:addresses ex:clm3 .
ex:que1 dg:supports ex:evd1 ; dg:opposes ex:hyp .
ex:clm3 dg:sourceDocument ex:clm1 .
ex:evd5 dg:supports ex:clm3 .
ex:rel-motivates rdfs:subPropertyOf rn:relation ; rdfs:label "motivates" .
ex:hyp ex:rel-motivates ex:page1 .
ex:g1 a rn:NoteFile ; rn:path "a.md" , "b.md" ; foaf:primaryTopic "not an IRI" .
ex:g2 a rn:NoteFile ; rn:path 5 .
ex:g3 a rn:NoteFile ; rn:path "c.md" ; foaf:primaryTopic ex:clm1 , ex:clm2 .
ex:g4 a rn:NoteFile ; rn:path "d.md"@en ; foaf:primaryTopic ex:clm3 .
"""


def _term(term: Any) -> str | None:
    """A result's term, as both sides can write it (blank nodes are relabelled by the copy into rdflib)."""
    if term is None:
        return None
    if isinstance(term, rdflib.BNode | BlankNode):
        return "_:b"
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    if isinstance(term, rdflib.Literal):
        return f'"{term}"@{term.language}' if term.language else f'"{term}"^^<{term.datatype or XSD_STRING}>'
    assert isinstance(term, Literal)
    return f'"{term.value}"@{term.language}' if term.language else f'"{term.value}"^^<{term.datatype.value}>'


def oracle(store: Store, shapes: rdflib.Graph) -> set[Row]:
    """pySHACL's results, run as ``validate`` ran it: an rdflib copy of the store, the ontology given."""
    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    _, results, _ = shacl_validate(
        union_graph(store), shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    assert isinstance(results, rdflib.Graph)
    rows = set()
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        value = results.value
        shape = value(result, SH.sourceShape)
        rows.add(
            (
                str(_term(value(result, SH.focusNode))),
                _term(value(result, SH.resultPath)),
                _term(value(result, SH.value)),
                str(value(result, SH.resultSeverity)),
                str(value(result, SH.resultMessage)),
                str(shape) if isinstance(shape, rdflib.URIRef) else "_:shape",
            )
        )
    return rows


def in_store(store: Store, shapes: rdflib.Graph) -> set[Row]:
    ontology = rdflib.Graph().parse(ontology_path(), format="turtle")
    return {
        (str(_term(r.focus)), _term(r.path), _term(r.value), r.severity, r.message, r.shape)
        for r in validate_store(store, shapes, ontology)
    }


def bundled_shapes(lab_grammar: grammar.Grammar | None = None) -> rdflib.Graph:
    config = load_config()
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    shapes += grammar.grammar_shapes(lab_grammar or grammar.choose(config), config)
    return shapes


def store_of(tmp_path: Path, turtle: str) -> Store:
    """A store holding the graph in one note graph (and so in the default graph, their union)."""
    store = Store(tmp_path / "store")
    triples = [str(t) for t in parse(PREFIXES + turtle, format=RdfFormat.TURTLE)]
    store.replace_graphs({"https://example.org/lab/graph/broken": triples})
    return store


def same(store: Store, shapes: rdflib.Graph) -> set[Row]:
    expected = oracle(store, shapes)
    found = in_store(store, shapes)
    assert found == expected, (sorted(found - expected), sorted(expected - found))
    return found


# -- every fixture lab ------------------------------------------------------------------------------------------------

LABS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


@pytest.mark.parametrize("lab", LABS, ids=[p.name for p in LABS])
def test_every_fixture_lab_gives_pyshacls_results(tmp_path: Path, lab: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab)
    with store:
        same(store, bundled_shapes())


def test_the_social_media_export_and_lab_b_have_results(tmp_path: Path) -> None:
    for lab in (FIXTURES / "roam-2024-dg-social-media", FIXTURES / "lab-b-obsidian"):
        store, _ = load_into(tmp_path / lab.name, lab)
        with store:
            assert same(store, bundled_shapes()), lab


# -- graphs broken on purpose -----------------------------------------------------------------------------------------


def _rules(rows: set[Row]) -> set[str]:
    return {shape.removeprefix(SHAPES_NS) for *_, shape in rows}


def test_every_bundled_shape_finds_its_fault_as_pyshacl_does(tmp_path: Path) -> None:
    with store_of(tmp_path, BROKEN) as store:
        found = same(store, bundled_shapes())
    shapes = bundled_shapes()
    every = {str(s).removeprefix(SHAPES_NS) for s in shapes.subjects(SH.severity, None)}
    assert _rules(found) == every, every - _rules(found)
    # the faults seeded, each one (a few of the rows, spelled out)
    ex = "https://example.org/lab/"
    assert (f"<{ex}evd3>", None, f"<{ex}evd3>") in {row[:3] for row in found}  # derived from a claim
    assert f"<{ex}evd2>" not in {row[0] for row in found}  # derived from a source
    assert (f"<{ex}evd5>", None, f"<{ex}evd5>") in {row[:3] for row in found}  # a subclass the data declares
    values = {row[2] for row in found if row[5].endswith("#issued-typed")}
    assert values == {f'"May 2020"^^<{XSD_STRING}>'}
    values = {row[2] for row in found if row[5].endswith("#date-added-typed")}
    assert values == {f'"2023-13-45"^^<{XSD_STRING[:-6]}date>'}  # not a date: not well formed


def test_a_declared_grammar_is_compiled_as_pyshacl_runs_it(tmp_path: Path) -> None:
    config = load_config()
    declared = grammar.Grammar(
        (Rule("Evidence", "Supports", "Claim"), Rule("Question", "Informs", "Claim"), Rule("*", "Addresses", "*")),
        "rdfnotes.yaml",
    )
    assert grammar.allowed(declared, config)
    with store_of(tmp_path, BROKEN) as store:
        found = same(store, bundled_shapes(declared))
    grammar_rows = {row for row in found if "#grammar-" in row[5]}
    assert grammar_rows and all(row[3].endswith("#Violation") for row in grammar_rows)
    # Claim and Question supporting are not declared; Question informs Claim and anything addresses anything are,
    # and evidence of a subclass the data declares supports a claim
    assert {(row[0], row[5].rsplit("#", 1)[1]) for row in grammar_rows} == {
        ("<https://example.org/lab/clm2>", "grammar-supports"),
        ("<https://example.org/lab/que1>", "grammar-supports"),
    }


# -- components the bundled shapes use otherwise, or not yet -----------------------------------------------------------

EXTRA_SHAPES = """
ex:min-two a sh:PropertyShape ; sh:targetClass dg:Claim ; sh:path rdfs:label ; sh:minCount 2 ;
    sh:severity sh:Info ; sh:message "two labels at least" .
ex:max-zero a sh:PropertyShape ; sh:targetObjectsOf dg:supports ; sh:path dg:supports ; sh:maxCount 0 ;
    sh:message "nothing supported supports" .
ex:in-list a sh:PropertyShape ; sh:targetNode ex:clm2 , ex:src3 ; sh:path rdf:type ;
    sh:in ( dg:Claim rn:Page ) ; sh:message "a claim or a page" .
ex:class-of a sh:PropertyShape ; sh:targetSubjectsOf dg:supports ; sh:path dg:supports ;
    sh:class rn:DiscourseNode ; sh:severity sh:Warning ; sh:message "supports a discourse node" .
ex:kinds a sh:PropertyShape ; sh:targetClass rn:NoteFile ; sh:path rn:path ; sh:nodeKind sh:Literal ;
    sh:message "a path is a literal" .
ex:blank-or-iri a sh:PropertyShape ; sh:targetClass rn:NoteFile ; sh:path foaf:primaryTopic ;
    sh:nodeKind sh:BlankNodeOrIRI ; sh:message "a topic is a node" .
ex:flags a sh:PropertyShape ; sh:targetClass dg:Claim ; sh:path rdfs:label ; sh:pattern "^CLAIM" ;
    sh:flags "i" ; sh:severity sh:Info ; sh:message "labels start with claim" .
ex:qualified-min a sh:PropertyShape ; sh:targetClass dg:Evidence ; sh:path dg:sourceDocument ;
    sh:qualifiedValueShape [ sh:class dg:SourceDocument ] ; sh:qualifiedMinCount 1 ;
    sh:message "evidence from one source document" .
ex:node-or a sh:NodeShape ; sh:targetClass dg:Claim ;
    sh:or ( [ sh:path dg:supports ; sh:minCount 1 ] [ sh:path rn:informs ; sh:maxCount 0 ] ) ;
    sh:message "a claim supports something or informs nothing" .
ex:sparql-no-message a sh:NodeShape ; sh:targetClass dg:Question ; sh:message "a question addresses nothing" ;
    sh:sparql [ sh:select "SELECT $this ?value WHERE { $this dg:addresses ?value }" ; sh:prefixes ex:prefixes ] .
ex:prefixes sh:declare [ sh:prefix "dg" ; sh:namespace "https://discoursegraphs.com/schema/dg_core#"^^xsd:anyURI ] .
ex:ClassShape a sh:PropertyShape , rdfs:Class ; sh:path rdfs:label ; sh:maxCount 0 ;
    sh:message "an implicit class target" .
"""


def test_the_components_in_other_combinations_give_pyshacls_results(tmp_path: Path) -> None:
    shapes = rdflib.Graph().parse(data=PREFIXES + EXTRA_SHAPES, format="turtle")
    more = """
        ex:iri-node a ex:ClassShape ; rdfs:label "claim-like" .
        ex:clm4 a dg:Claim ; rdfs:label "Claim four" ; rn:informs ex:que1 .
        ex:g5 a rn:NoteFile ; rn:path <https://example.org/a.md> ; foaf:primaryTopic ex:clm4 .
    """
    with store_of(tmp_path, BROKEN + more) as store:
        found = same(store, shapes)
    shown = {row[5].rsplit("/", 1)[1] for row in found}
    assert shown == {
        "min-two",
        "max-zero",
        "in-list",
        "class-of",
        "kinds",
        "blank-or-iri",
        "flags",
        "qualified-min",
        "ClassShape",
        "sparql-no-message",
        "node-or",
    }, shown


@pytest.mark.parametrize(
    ("shape", "why"),
    [
        ("ex:s a sh:NodeShape ; sh:targetClass dg:Claim ; sh:closed true ; sh:message 'm' .", "sh:closed"),
        ("ex:s sh:targetClass dg:Claim ; sh:path rdfs:label ; sh:hasValue 'x' ; sh:message 'm' .", "sh:hasValue"),
        (
            "ex:s sh:targetClass dg:Claim ; sh:path ( dg:supports rdfs:label ) ; sh:minCount 1 ; sh:message 'm' .",
            "path expression",
        ),
        ("ex:s sh:targetClass dg:Claim ; sh:path rdfs:label ; sh:minCount 1 .", "no sh:message"),
        ("ex:s sh:targetSubjectsOf rdfs:label ; sh:path rdfs:label ; sh:minCount 1 ; sh:message 'm' .", "ontology"),
        ("ex:s sh:targetClass owl:Class ; sh:path rdfs:label ; sh:minCount 1 ; sh:message 'm' .", "ontology"),
        (
            "ex:s sh:targetClass dg:Claim ; sh:message 'm' ; sh:sparql [ sh:select "
            "'SELECT $this WHERE { $this a ?t . ?t rdfs:subClassOf ?u }' ] .",
            "hierarchy",
        ),
        (
            "ex:s sh:targetClass dg:Claim ; sh:message 'm' ; sh:sparql [ sh:select "
            "'SELECT $this WHERE { $this a $currentShape }' ] .",
            "$currentShape",
        ),
        ("ex:s sh:targetClass dg:Claim ; sh:message 'm {?value}' ; sh:path rdfs:label ; sh:minCount 1 .", "templates"),
        (
            "ex:s sh:targetClass dg:Claim ; sh:message 'm' ; sh:or ( [ sh:path rdfs:label ; sh:minCount 2 ] ) .",
            "counts of 0 and 1",
        ),
    ],
)
def test_a_shape_the_compiler_does_not_support_is_refused_not_passed_over(shape: str, why: str) -> None:
    shapes = rdflib.Graph().parse(data=PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape, match=f".*{why.replace('$', '.').replace('(', '.')}.*"):
        compile_shapes(shapes, Hierarchy([], rdflib.Graph().parse(ontology_path(), format="turtle")))


def test_the_hierarchy_counts_the_ontology_and_the_data() -> None:
    hierarchy = Hierarchy([("a", "sub", "b"), ("b", "sub", "c"), ("d", "sub", "c")])
    assert hierarchy.below("sub", "c") == {"a", "b", "c", "d"}
    assert hierarchy.below("sub", "c", reflexive=False) == {"a", "b", "d"}
