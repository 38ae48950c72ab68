"""Every fact corpus/README.md states for lab-a (Roam 2022 Markdown), checked against the loaded store."""

from __future__ import annotations

from pyoxigraph import NamedNode

from rdfnotes import Store
from rdfnotes.vocab import BIBO, DCTERMS, DG, FOAF, OWL, RDF, RDFS, RN, XSD

BASE = "https://w3id.org/rdfnotes/id/lab-a-sleep/"


def values(store: Store, sparql: str) -> list[tuple[str, ...]]:
    prefixes = (
        f"PREFIX dg: <{DG.iri}> PREFIX rn: <{RN.iri}> PREFIX rdfs: <{RDFS.iri}> PREFIX dcterms: <{DCTERMS.iri}> "
        f"PREFIX foaf: <{FOAF.iri}> PREFIX bibo: <{BIBO.iri}> PREFIX owl: <{OWL.iri}> PREFIX rdf: <{RDF.iri}> "
    )
    return sorted(tuple(term.value for term in row) for row in store.query(prefixes + sparql))


def count(store: Store, pattern: str) -> int:
    return int(values(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0][0])


def test_ten_files_and_their_node_types(lab_a_store: Store) -> None:
    assert count(lab_a_store, "?f a rn:NoteFile") == 10
    typed_with_file = values(
        lab_a_store,
        "SELECT ?type (COUNT(?n) AS ?count) WHERE { ?f foaf:primaryTopic ?n . ?n a ?type "
        "FILTER(STRSTARTS(STR(?type), STR(dg:))) } GROUP BY ?type",
    )
    assert typed_with_file == [
        (DG.Claim, "2"),
        (DG.Evidence, "3"),
        (DG.Question, "2"),
        (DG.SourceDocument, "3"),
    ]


def test_a_source_named_only_in_an_evidence_title_is_a_node(lab_a_store: Store) -> None:
    rows = values(
        lab_a_store,
        "SELECT ?citekey ?evidence WHERE { ?evidence dg:sourceDocument ?s . ?s a dg:SourceDocument ; "
        "rn:citekey ?citekey FILTER NOT EXISTS { ?f foaf:primaryTopic ?s } }",
    )
    assert rows == [("nguyenNoOvernightGain2021", BASE + "node/EvD-ng-003")]


def test_relations_are_stored_once_each_in_the_label_direction(lab_a_store: Store) -> None:
    assert count(lab_a_store, "?e rn:informs ?q") == 4
    assert count(lab_a_store, "?e rn:informs ?q . ?q a dg:Question") == 4
    assert count(lab_a_store, "?e dg:supports ?c . ?e a dg:Evidence . ?c a dg:Claim") == 2
    assert count(lab_a_store, "?e dg:opposes ?c . ?e a dg:Evidence . ?c a dg:Claim") == 2
    assert count(lab_a_store, "?a rn:consistentWith ?b") == 1
    assert count(lab_a_store, "?e dg:sourceDocument ?s . ?e a dg:Evidence . ?s a dg:SourceDocument") == 3
    assert count(lab_a_store, "?q rn:informedBy ?e") == 0


def test_each_informs_relation_is_stated_on_both_pages_and_stored_once(lab_a_store: Store) -> None:
    stated = values(
        lab_a_store, "SELECT ?e ?q (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?e rn:informs ?q } } GROUP BY ?e ?q"
    )
    assert [n for _, _, n in stated] == ["2", "2", "2", "2"]
    assert count(lab_a_store, "?e rn:informs ?q") == 4


def test_the_references_section_adds_nothing(lab_a_store: Store) -> None:
    motor = BASE + "node/EvD-wk-002"
    assert count(lab_a_store, f"<{motor}> dcterms:references ?x") == 0
    graph_of_motor = values(lab_a_store, f"SELECT ?g WHERE {{ ?g foaf:primaryTopic <{motor}> }}")[0][0]
    stated = values(lab_a_store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph_of_motor}> {{ ?s ?p ?o }} }}")
    relations = [(s, p, o) for s, p, o in stated if p in (RN.informs, DG.supports, DG.opposes, RN.consistentWith)]
    assert len(relations) == 4


def test_the_contested_claim(lab_a_store: Store) -> None:
    claim = values(
        lab_a_store, 'SELECT ?c WHERE { ?c dcterms:title "Sleep within hours of learning improves later recall" }'
    )
    (iri,) = claim[0]
    assert count(lab_a_store, f"?e dg:supports <{iri}>") == 2
    assert count(lab_a_store, f"?e dg:opposes <{iri}>") == 1


def test_the_replay_question_has_only_a_source(lab_a_store: Store) -> None:
    rows = values(
        lab_a_store,
        'SELECT ?x ?type WHERE { ?q dcterms:title "Can replay in artificial networks explain sleep benefits?" . '
        "?x rn:informs ?q . ?x a ?type }",
    )
    assert rows == [(BASE + "node/9vT-ab_Q2", BIBO.Manuscript), (BASE + "node/9vT-ab_Q2", DG.SourceDocument)]


def test_created_times_keep_their_offsets(lab_a_store: Store) -> None:
    rows = values(lab_a_store, f"SELECT ?created WHERE {{ <{BASE}node/Xq3dK0p1z> dcterms:created ?created }}")
    assert rows == [("2023-03-14T09:12:44-04:00",)]
    query = f"SELECT ?c WHERE {{ <{BASE}node/QaRt-NN02> <{DCTERMS.created}> ?c }}"
    created = next(iter(lab_a_store.query(query)))[0]
    assert (created.value, created.datatype) == ("2023-03-17T17:45:10+05:30", NamedNode(XSD.dateTime))


def test_doi_is_normalised_and_arxiv_is_an_identifier(lab_a_store: Store) -> None:
    assert values(
        lab_a_store, f"SELECT ?doi ?same WHERE {{ <{BASE}node/Xq3dK0p1z> bibo:doi ?doi ; owl:sameAs ?same }}"
    ) == [("10.1038/nrn2762", "https://doi.org/10.1038/nrn2762")]
    assert values(
        lab_a_store, f"SELECT ?id ?same WHERE {{ <{BASE}node/9vT-ab_Q2> bibo:identifier ?id ; owl:sameAs ?same }}"
    ) == [("arXiv:1706.03762", "https://arxiv.org/abs/1706.03762")]


def test_authors_keep_their_order(lab_a_store: Store) -> None:
    rows = values(
        lab_a_store,
        f"SELECT (COUNT(?mid) AS ?position) ?name WHERE {{ <{BASE}node/9vT-ab_Q2> bibo:authorList ?list . "
        "?list rdf:rest* ?mid . ?mid rdf:rest* ?cell . ?cell rdf:first ?person . ?person foaf:name ?name } "
        "GROUP BY ?cell ?name",
    )
    assert [name for _, name in sorted(rows, key=lambda r: int(r[0]))] == [
        "Ashish Vaswani",
        "Noam Shazeer",
        "Niki Parmar",
        "Jakob Uszkoreit",
    ]


def test_page_author_is_attribution_not_creator(lab_a_store: Store) -> None:
    assert values(
        lab_a_store,
        f"SELECT ?name WHERE {{ <{BASE}node/CLm-pro-02> <http://www.w3.org/ns/prov#wasAttributedTo>/foaf:name ?name }}",
    ) == [("Ravi Raman",)]
    assert count(lab_a_store, f"<{BASE}node/CLm-pro-02> dcterms:creator ?x") == 0


def test_titles_labels_and_zotero_types(lab_a_store: Store) -> None:
    assert values(
        lab_a_store, f"SELECT ?label ?title WHERE {{ <{BASE}node/QsL33p-01> rdfs:label ?label ; dcterms:title ?title }}"
    ) == [("[[QUE]] - Does sleep after learning improve retention?", "Does sleep after learning improve retention?")]
    assert values(lab_a_store, f"SELECT ?title WHERE {{ <{BASE}node/Xq3dK0p1z> dcterms:title ?title }}") == [
        ("The memory function of sleep",)
    ]
    assert count(lab_a_store, f"<{BASE}node/Xq3dK0p1z> a bibo:AcademicArticle") == 1


def test_union_default_graph_equals_the_union_of_the_file_graphs(lab_a_store: Store) -> None:
    named = {q.triple for q in lab_a_store.named_quads()}
    default = set(lab_a_store.default_triples())
    assert default == named
