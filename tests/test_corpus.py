"""Real exports load whole, and agree with what the same export says in another format."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support import MATSULAB, SEED, SOCIAL_MEDIA, load_into

from rdfnotes import Store
from rdfnotes.vocab import DG, FOAF, RDFS, RN

NEO4J_PROPERTIES = {"SUPPORTS": DG.supports, "OPPOSES": DG.opposes, "INFORMS": RN.informs}
TEMPLATE = "28piBtyCP"
"""The node template "[[EVD]] - This is a Evidence page. - {Source}" (which supports one claim): not loaded."""


@pytest.fixture(scope="module")
def social_media(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store, report = load_into(tmp_path_factory.mktemp("social") / "store", SOCIAL_MEDIA / "md")
    assert (report.files_seen, report.files_read, report.files_skipped, report.templates_skipped) == (268, 268, 0, 1)
    assert report.problems == []
    return store


def neo4j_file(kind: str) -> Path:
    (path,) = (SOCIAL_MEDIA / "neo4j").glob(f"*_{kind}.csv")
    return path


def test_the_267_notes_are_the_neo4j_nodes_but_the_template(social_media: Store) -> None:
    with neo4j_file("nodes").open(encoding="utf-8") as handle:
        uids = {row["uid:ID"] for row in csv.DictReader(handle)}
    loaded = {
        row[0].value
        for row in social_media.query(f"SELECT ?uid WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n <{RN.roamUid}> ?uid }}")
    }
    assert len(uids) == 268
    assert loaded == uids - {TEMPLATE}


def test_relations_equal_those_of_the_neo4j_export(social_media: Store) -> None:
    with neo4j_file("relations").open(encoding="utf-8") as handle:
        expected = {
            (row["start:START_ID"], NEO4J_PROPERTIES[row["label:TYPE"]], row["end:END_ID"])
            for row in csv.DictReader(handle)
        }
    values = " ".join(f"<{p}>" for p in NEO4J_PROPERTIES.values())
    rows = social_media.query(
        f"SELECT ?a ?p ?b WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o . ?s <{RN.roamUid}> ?a . ?o <{RN.roamUid}> ?b }}"
    )
    loaded = {(row[0].value, row[1].value, row[2].value) for row in rows}
    assert len(expected) == 74
    assert loaded == {relation for relation in expected if TEMPLATE not in relation}
    counts = {p: sum(1 for _, q, _ in loaded if q == p) for p in NEO4J_PROPERTIES.values()}
    assert counts == {DG.supports: 64, DG.opposes: 8, RN.informs: 1}
    # Every relation of those kinds in the store joins two pages of the export: none is stored twice or dangling.
    total = social_media.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    assert total == 73


def test_cut_file_names_resolve_to_their_pages(social_media: Store) -> None:
    # 22 relation lines link to names the exporter cut to "left...right"; all reach files of the export.
    dangling = social_media.count(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{DG.supports}>|<{DG.opposes}> ?o "
        f"FILTER NOT EXISTS {{ ?f <{FOAF.primaryTopic}> ?o }} }}"
    )
    assert dangling == 0


def test_matsulab_pages_load_with_and_without_front_matter(tmp_path: Path) -> None:
    store, report = load_into(tmp_path / "store", MATSULAB)
    assert (report.files_seen, report.files_read, report.files_skipped) == (6, 6, 0)
    with store:
        rows = store.query(
            f"SELECT ?type ?label WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n a ?type ; <{RDFS.label}> ?label }}"
        )
        types = sorted(row[0].value.rsplit("#", 1)[-1] for row in rows)
        assert types == ["Evidence", "Evidence", "Evidence", "Evidence", "Result", "Result"]
        # Each evidence names its source at the end of its title.
        assert (
            store.count(
                f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a <{DG.Evidence}> ; <{DG.sourceDocument}> ?s }}"
            )
            == 4
        )


def test_seed_note(tmp_path: Path) -> None:
    store, report = load_into(tmp_path / "store", SEED)
    assert report.problems == [] and report.exit_status == 0
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{RN.informs}> ?q . ?q a <{DG.Question}> }}") == 1
