"""RDF from elsewhere goes into graphs of its own, untouched but queryable; nothing is fetched."""

from __future__ import annotations

import json
from pathlib import Path

from support import LAB_A, load_into

from rdfnotes import export, load_config
from rdfnotes.readers import discover_units

TURTLE = """@prefix ex: <https://example.org/> .
ex:claim1 a ex:Claim ; ex:label "Sleep helps" ; ex:by [ ex:name "Ana" ] .
"""
TRIG = """@prefix ex: <https://example.org/> .
ex:g1 { ex:e1 ex:supports ex:claim1 . }
"""
NTRIPLES = '<https://example.org/q1> <https://example.org/label> "Why?" .\n'
# The Discourse Graphs extension's JSON-LD export: `dgb` bound without its '#', and foaf: used undeclared.
DG_JSON_LD = {
    "@context": {
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "dgb": "https://discoursegraphs.com/schema/dg_base",
        "source": {"@id": "dgb:source", "@type": "@id"},
        "destination": {"@id": "dgb:destination", "@type": "@id"},
        "label": "rdfs:label",
    },
    "@graph": [
        {
            "@id": "https://roamresearch.com/#/app/g/page/r1",
            "@type": "dgb:RelationInstance",
            "source": "https://roamresearch.com/#/app/g/page/e1",
            "destination": "https://roamresearch.com/#/app/g/page/c1",
            "foaf:maker": "Ana",
        },
    ],
}
DGB = "https://discoursegraphs.com/schema/dg_base#"


def lab(tmp_path: Path) -> Path:
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "claims.ttl").write_text(TURTLE, encoding="utf-8")
    (folder / "support.trig").write_text(TRIG, encoding="utf-8")
    (folder / "questions.nt").write_text(NTRIPLES, encoding="utf-8")
    (folder / "export.jsonld").write_text(json.dumps(DG_JSON_LD), encoding="utf-8")
    return folder


def test_each_rdf_file_is_a_graph_of_its_own_next_to_the_notes(tmp_path: Path) -> None:
    folder = lab(tmp_path)
    assert [u.format for u in discover_units(folder, load_config())] == ["rdf"] * 4
    store, report = load_into(tmp_path / "store", folder, LAB_A)
    assert report.problems == []
    base = "https://w3id.org/rdfnotes/id/lab/file/"
    with store:
        assert {base + name for name in ("claims.ttl", "support.trig", "questions.nt", "export.jsonld")} <= set(
            store.named_graphs()
        )
        graph = store.graph_triples(base + "claims.ttl")
        assert len(graph) == 4
        # The blank node is a Skolem IRI, the same at every load.
        (author,) = [t.object for t in graph if t.predicate.value == "https://example.org/by"]
        assert author.value.startswith("https://w3id.org/rdfnotes/id/lab/.well-known/genid/")
        assert (
            store.count(
                "SELECT (COUNT(*) AS ?n) WHERE { <https://example.org/e1> <https://example.org/supports> ?c . "
                '?c <https://example.org/label> "Sleep helps" }'
            )
            == 1
        )
        # The JSON-LD context's slips are repaired: its terms land in the published dg_base vocabulary.
        assert (
            store.count(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{DGB}RelationInstance> ; <{DGB}source> ?s ; "
                f"<{DGB}destination> ?d ; <http://xmlns.com/foaf/0.1/maker> ?m }}"
            )
            == 1
        )
        first = export(store, "nquads")
    again, _ = load_into(tmp_path / "again", folder, LAB_A)
    with again:
        assert export(again, "nquads") == first


def test_a_remote_context_is_not_fetched_and_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "remote.jsonld").write_text(
        json.dumps({"@context": "https://example.org/context.jsonld", "@id": "https://example.org/x", "name": "x"}),
        encoding="utf-8",
    )
    (folder / "broken.ttl").write_text('@prefix ex: <https://example.org/> .\nex:a ex:b "open .\n', encoding="utf-8")
    store, report = load_into(tmp_path / "store", folder)
    store.close()
    assert [(p.path, p.line, p.severity) for p in report.problems] == [
        ("broken.ttl", 2, "error"),
        ("remote.jsonld", None, "warning"),
    ]
    assert "not fetched" in report.problems[1].message
