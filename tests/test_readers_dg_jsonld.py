"""The Discourse Graphs Roam extension's "JSON-LD (Experimental)" export, read as discourse notes.

lab-d is one small graph exported twice, as Markdown and as JSON-LD (tests/fixtures/lab-d-dg-jsonld/README.md):
both loads must give the same nodes, types, labels and relations.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from support import FIXTURES, load_into, union_graph, without_provenance, writable_copy

from rdfnotes import load_config
from rdfnotes.config import Rule
from rdfnotes.readers import discover_units, read_path
from rdfnotes.validate import validate
from rdfnotes.vocab import DCTERMS, RN

LAB_D = FIXTURES / "lab-d-dg-jsonld"
GOLDEN = Path(__file__).parent / "golden" / "lab-d-jsonld.ttl"
TEXT_ONLY = {rdflib.URIRef(RN.body), rdflib.URIRef(DCTERMS.created)}
"""What the two exports write differently: the body's link form, and the creation time's offset."""


def _meaning(graph: rdflib.Graph) -> set[tuple[rdflib.term.Node, ...]]:
    """The graph without the note files (their paths differ) and the two properties each export writes its way."""
    files = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(RN.NoteFile)))
    return {(s, p, o) for s, p, o in graph if s not in files and p not in TEXT_ONLY}


def _created(graph: rdflib.Graph) -> dict[str, datetime]:
    return {str(s): o.toPython() for s, o in graph.subject_objects(rdflib.URIRef(DCTERMS.created))}


def test_the_json_ld_export_gives_what_the_markdown_export_gives(tmp_path: Path) -> None:
    markdown, md_report = load_into(tmp_path / "md", LAB_D / "md")
    jsonld, ld_report = load_into(tmp_path / "jsonld", LAB_D / "jsonld")
    with markdown, jsonld:
        from_md, from_ld = without_provenance(union_graph(markdown)), without_provenance(union_graph(jsonld))
    assert (md_report.notes, md_report.relations, md_report.problems) == (5, 5, [])
    assert (ld_report.notes, ld_report.relations, ld_report.problems) == (5, 5, [])
    assert _meaning(from_ld) == _meaning(from_md)
    assert _created(from_ld) == _created(from_md)  # the same instants, in UTC and in the exporter's zone


def test_relations_keep_their_direction_and_inverse_definitions_are_flipped(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_D / "jsonld")
    with store:
        graph = union_graph(store)
    node = "https://w3id.org/rdfnotes/id/lab-d/node/"
    relations = sorted(
        (str(s).removeprefix(node), str(p).rsplit("#", 1)[-1], str(o).removeprefix(node))
        for s, p, o in graph
        if str(p).endswith(("#informs", "#supports", "#opposes", "#addresses", "#sourceDocument"))
    )
    assert relations == [
        ("dClm00002", "addresses", "dQue00001"),
        ("dEvd00003", "informs", "dQue00001"),
        ("dEvd00003", "sourceDocument", "dSrc00004"),
        ("dEvd00003", "supports", "dClm00002"),
        ("dEvd00005", "opposes", "dClm00002"),  # stated as the claim's "Opposed By" (an -inverse definition)
    ]


def test_golden_graph(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_D / "jsonld")
    with store:
        graph = without_provenance(union_graph(store))  # where each is stated: tests/test_provenance.py
    expected = rdflib.Graph().parse(GOLDEN, format="turtle")
    assert rdflib.compare.isomorphic(graph, expected)


@pytest.mark.parametrize("name", ["lab-d.json", "lab-d.jsonld"])
def test_the_export_is_recognised_by_what_it_holds(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / name).write_bytes((LAB_D / "jsonld" / "lab-d.json").read_bytes())
    assert [(u.key, u.format) for u in discover_units(folder, load_config())] == [(name, "dg-jsonld")]


def test_the_relation_definitions_are_the_labs_grammar() -> None:
    result = read_path(LAB_D / "jsonld", load_config())
    assert result.grammar == [
        ("lab-d.json", Rule("Claim", "Addresses", "Question")),
        ("lab-d.json", Rule("Evidence", "Informs", "Question")),
        ("lab-d.json", Rule("Evidence", "Opposes", "Claim")),
        ("lab-d.json", Rule("Evidence", "Supports", "Claim")),
    ]


def test_validate_holds_the_export_to_its_own_grammar(tmp_path: Path) -> None:
    """A claim supporting a claim is no relation the export defines (only Evidence Supports Claim): an error."""
    folder = writable_copy(LAB_D / "jsonld", tmp_path)
    export = folder / "lab-d.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    relation = {"@type": "relationInstance", "predicate": "pages:relSup02"}
    data["@graph"].append({**relation, "source": "pages:dClm00002", "destination": "pages:dClm00002"})
    export.write_text(json.dumps(data), encoding="utf-8")
    report = validate([folder], load_config())
    grammar = [(f.severity, f.file, f.message.split(" (")[0]) for f in report.findings if f.rule.startswith("gram")]
    assert grammar == [("error", export.as_posix(), "not in the grammar: Claim Supports Claim")]
    assert (
        report.findings[-1]
        .message.split(": ", 1)[1]
        .startswith(f"Claim Supports Claim (the lab's grammar, declared in {export.as_posix()})")
    )
    # The export as it is: sound by its grammar (one evidence note names no source: a warning).
    assert [f.rule for f in validate([LAB_D / "jsonld"], load_config()).findings] == ["evidence-source"]


def test_what_cannot_be_read_is_said(tmp_path: Path) -> None:
    folder = writable_copy(LAB_D / "jsonld", tmp_path)
    export = folder / "lab-d.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data["@graph"] += [
        {"@type": "relationInstance", "predicate": "pages:nowhere", "source": "pages:a", "destination": "pages:b"},
        {"@id": "pages:dNew00009", "@type": "pages:_CLM-node", "title": "[[CLM]] - Late", "textRefersToNode": ["x"]},
        {"@type": "pages:_CLM-node", "content": "no id, no title"},
    ]
    export.write_text(json.dumps(data), encoding="utf-8")
    result = read_path(folder, load_config())
    assert sorted(str(p) for p in result.problems) == [
        f"lab-d.json: warning: @graph entry {len(data['@graph'])} is no node (no @id and title): left out",
        f"lab-d.json: warning: relation instance {len(data['@graph']) - 2} names no relation definition "
        "('pages:nowhere'): left out",
        "lab-d.json: warning: textRefersToNode names page 'x', which is not in the export: left out",
    ]
