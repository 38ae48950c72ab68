"""lab-b, an Obsidian vault of the Discourse Graphs plugin: every fact corpus/README.md states for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import FIXTURES, LAB_A, LAB_B, load_into, writable_copy

from rdfnotes import Store, load_config
from rdfnotes.readers import discover_units, read_path
from rdfnotes.vocab import DG, FOAF, RDF, RDFS, RN

NODE = "https://w3id.org/rdfnotes/id/lab-b-obsidian/node/"
HYP = "Discourse/HYP - Hippocampal replay acts like attention over stored episodes.md"
MOTOR = "Discourse/EVD - Motor gains after sleep vanished when time of day was controlled.md"


@pytest.fixture(scope="module")
def lab_b(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store, report = load_into(tmp_path_factory.mktemp("lab-b") / "store", LAB_B)
    assert [(p.path, p.severity) for p in report.problems] == [(MOTOR, "warning")]
    assert "019b8a10-9999-7000-8000-0000000deaad" in report.problems[0].message
    assert "not among the loaded notes" in report.problems[0].message
    return store


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value for term in row) for row in store.query(sparql))


def test_the_vault_is_found_and_each_note_is_read_with_data_json_and_relations_json() -> None:
    units = discover_units(LAB_B, load_config())
    assert len(units) == 8
    assert {u.format for u in units} == {"obsidian"}
    assert all(
        [f.relpath for f in u.files[1:]] == [".obsidian/plugins/discourse-graphs/data.json", "relations.json"]
        for u in units
    )


def test_seven_discourse_nodes_typed_through_data_json_and_one_plain_note(lab_b: Store) -> None:
    types = rows(
        lab_b,
        f"SELECT ?type (COUNT(?n) AS ?c) WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n a ?type }} GROUP BY ?type",
    )
    assert types == [
        (DG.Claim, "1"),
        (DG.Evidence, "2"),
        (DG.Question, "1"),
        (DG.SourceDocument, "2"),
        (RN.Hypothesis, "1"),
        (RN.Page, "1"),
    ]
    (plain,) = rows(lab_b, f"SELECT ?label WHERE {{ ?n a <{RN.Page}> ; <{RDFS.label}> ?label }}")
    assert plain == ("Reading group 2026-01",)


def test_titles_come_from_file_names_and_iris_from_node_instance_ids(lab_b: Store) -> None:
    labels = rows(
        lab_b,
        f"SELECT ?n ?label WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n <{RDFS.label}> ?label . "
        f"FILTER(STRSTARTS(STR(?n), '{NODE}')) }}",
    )
    assert len(labels) == 7
    assert (NODE + "019b8a10-0007-7000-8000-00000000b007", HYP[len("Discourse/") : -len(".md")]) in labels
    assert (NODE + "019b8a10-0001-7000-8000-00000000b001", "@Diekelmann and Born 2010") in labels
    # the identity is the plugin's, not Roam's
    ids = rows(lab_b, f"SELECT ?n ?id WHERE {{ ?n <{RN.nodeInstanceId}> ?id }}")
    assert len(ids) == 7 and all(node == NODE + id_ for node, id_ in ids)
    assert rows(lab_b, f"SELECT ?n WHERE {{ ?n <{RN.roamUid}> ?id }}") == []


def test_relations_json_gives_five_relations_and_the_sixth_is_reported(lab_b: Store) -> None:
    found = rows(
        lab_b,
        f"SELECT ?p (COUNT(*) AS ?c) WHERE {{ VALUES ?p {{ <{DG.supports}> <{DG.opposes}> <{RN.informs}> "
        f"<{RN.derivedFrom}> }} ?s ?p ?o }} GROUP BY ?p",
    )
    assert found == [(DG.opposes, "1"), (DG.supports, "1"), (RN.derivedFrom, "1"), (RN.informs, "2")]
    # The relation to 019b8a10-9999-… is not loaded: no node stands for that identity.
    assert rows(lab_b, f"SELECT ?s WHERE {{ ?s ?p <{NODE}019b8a10-9999-7000-8000-0000000deaad> }}") == []
    # Directions are those of relations.json: evidence supports the claim, derived from the source.
    assert rows(lab_b, f"SELECT ?e ?c WHERE {{ ?e <{DG.supports}> ?c }}") == [
        (NODE + "019b8a10-0005-7000-8000-00000000b005", NODE + "019b8a10-0004-7000-8000-00000000b004")
    ]
    assert rows(lab_b, f"SELECT ?s ?e WHERE {{ ?e <{RN.derivedFrom}> ?s }}") == [
        (NODE + "019b8a10-0001-7000-8000-00000000b001", NODE + "019b8a10-0005-7000-8000-00000000b005")
    ]


def test_the_older_front_matter_relation_takes_its_direction_from_data_json(lab_b: Store) -> None:
    assert rows(lab_b, f"SELECT ?h ?q WHERE {{ ?h <{RN.motivates}> ?q }}") == [
        (NODE + "019b8a10-0007-7000-8000-00000000b007", NODE + "019b8a10-0003-7000-8000-00000000b003")
    ]
    assert rows(lab_b, f"SELECT ?t WHERE {{ <{NODE}019b8a10-0003-7000-8000-00000000b003> <{RDF.type}> ?t }}") == [
        (DG.Question,)
    ]


def test_front_matter_fields_map_like_attributes(lab_b: Store) -> None:
    source = f"<{NODE}019b8a10-0001-7000-8000-00000000b001>"
    query = (
        "PREFIX bibo: <http://purl.org/ontology/bibo/> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        f"SELECT ?doi ?same ?title ?citekey WHERE {{ {source} bibo:doi ?doi ; owl:sameAs ?same ; "
        f"dcterms:title ?title ; <{RN.citekey}> ?citekey }}"
    )
    assert rows(lab_b, query) == [
        ("10.1038/nrn2762", "https://doi.org/10.1038/nrn2762", "The Memory Function of Sleep", "diekelmann2010memory")
    ]
    vaswani = f"<{NODE}019b8a10-0002-7000-8000-00000000b002>"
    assert rows(lab_b, f"SELECT ?same WHERE {{ {vaswani} <http://www.w3.org/2002/07/owl#sameAs> ?same }}") == [
        ("https://arxiv.org/abs/1706.03762",)
    ]


def hypothesis_with(relation_lines: str, data_edit: dict[str, object] | None, tmp_path: Path) -> list[str]:
    vault = writable_copy(LAB_B, tmp_path)
    (vault / "relations.json").unlink()
    if data_edit is not None:
        data_path = vault / ".obsidian/plugins/discourse-graphs/data.json"
        data = json.loads(data_path.read_text(encoding="utf-8"))
        data.update(data_edit)
        data_path.write_text(json.dumps(data), encoding="utf-8")
    hyp = vault / HYP
    text = hyp.read_text(encoding="utf-8")
    start, end = text.index("relation_mot005:"), text.index("---\n", 4)
    hyp.write_text(text[:start] + relation_lines + text[end:], encoding="utf-8")
    result = read_path(vault, load_config())
    (note,) = [n for n in result.notes if n.path == HYP]
    return [f"{p.line}: {p.message}" for p in note.problems] + [
        f"{r.label} {'<-' if r.incoming else '->'} {r.target.target}" for r in note.relations
    ]


def test_a_front_matter_relation_allowed_only_the_other_way_is_read_as_arriving(tmp_path: Path) -> None:
    # The claim note names the hypothesis: data.json allows Hypothesis motivates Question only, so on a question
    # note the same list means "the hypothesis motivates me".
    data = {
        "discourseRelations": [
            {"sourceId": "node_QueQ7aa01", "destinationId": "node_HypH7aa05", "relationshipTypeId": "relation_mot005"}
        ]
    }
    found = hypothesis_with('relation_mot005:\n  - "[[QUE - Why sleep]]"\n', data, tmp_path)
    assert found == ["motivates <- QUE - Why sleep"]


def test_an_ambiguous_front_matter_relation_is_warned_about(tmp_path: Path) -> None:
    data = {
        "discourseRelations": [
            {"sourceId": "node_QueQ7aa01", "destinationId": "node_HypH7aa05", "relationshipTypeId": "relation_mot005"},
            {"sourceId": "node_HypH7aa05", "destinationId": "node_QueQ7aa01", "relationshipTypeId": "relation_mot005"},
        ]
    }
    found = hypothesis_with('relation_mot005:\n  - "[[QUE - Why sleep]]"\n', data, tmp_path)
    assert found == [
        "4: relation 'motivates' between Hypothesis and Question ('QUE - Why sleep'): both directions are allowed; "
        "read as leaving this note",
        "motivates -> QUE - Why sleep",
    ]


def test_a_subfolder_of_the_vault_is_read_as_the_vault(tmp_path: Path) -> None:
    units = discover_units(LAB_B / "Discourse", load_config())
    assert {u.format for u in units} == {"obsidian"} and len(units) == 8
    assert units[0].files[2].relpath == "../relations.json"


def test_the_type_comes_from_node_type_id_not_the_file_name(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    claim = folder / "Discourse" / "CLM - Sleep benefits declarative more than procedural memory.md"
    claim.rename(claim.with_name("Sleep benefits declarative more than procedural memory.md"))
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        assert rows(store, f"SELECT ?t WHERE {{ <{NODE}019b8a10-0004-7000-8000-00000000b004> a ?t }}") == [(DG.Claim,)]
        # Same identity, so the relations that name it still reach it.
        claim = f"<{NODE}019b8a10-0004-7000-8000-00000000b004>"
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{DG.supports}>|<{DG.opposes}> {claim} }}") == 2


def test_a_cross_lab_load_tells_the_same_works_apart_from_their_spellings(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A, LAB_B, FIXTURES / "lab-c-roam-json")
    same = "http://www.w3.org/2002/07/owl#sameAs"
    with store:
        review = rows(store, f"SELECT ?n WHERE {{ ?n <{same}> <https://doi.org/10.1038/nrn2762> }}")
        attention = rows(store, f"SELECT ?n WHERE {{ ?n <{same}> <https://arxiv.org/abs/1706.03762> }}")
    assert [n.split("/id/")[1].split("/")[0] for (n,) in review] == ["lab-a-sleep", "lab-b-obsidian", "lab-c"]
    assert [n.split("/id/")[1].split("/")[0] for (n,) in attention] == ["lab-a-sleep", "lab-b-obsidian"]


@pytest.mark.parametrize("node_types", ["1.0", "true", '"Claim"', "{}"])
def test_a_plugin_data_json_whose_node_types_are_not_a_list_is_passed_over(tmp_path: Path, node_types: str) -> None:
    """Found by the fuzz test: ``"nodeTypes": 1.0`` stopped the walk of the vault (the templates' folders are
    looked up there) with a TypeError; now it names no template and the notes are read."""
    plugin = tmp_path / ".obsidian" / "plugins" / "discourse-graphs"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text(f'{{"nodeTypes": {node_types}}}', encoding="utf-8")
    (tmp_path / "QUE - a.md").write_text("---\n\n---\n", encoding="utf-8")
    assert [unit.key for unit in discover_units(tmp_path, load_config(), format="obsidian")] == ["QUE - a.md"]
    assert [note.title for note in read_path(tmp_path, load_config(), format="obsidian").notes] == ["QUE - a"]
