"""The 2024 social-media graph, loaded from its Markdown export and from its Neo4j CSV export: the same node IRIs,
types, titles and relations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import SOCIAL_MEDIA, load_into

from rdfnotes import Store, export, load_config
from rdfnotes.readers import discover_units
from rdfnotes.vocab import DG, FOAF, RDFS, RN

RELATIONS = f"<{DG.supports}> <{DG.opposes}> <{RN.informs}>"
# Types from the discourse grammar (the Markdown pages also say which Zotero item type a source is: the CSV does not).
NODES_QUERY = (
    f"SELECT ?n ?type ?label WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n a ?type ; <{RDFS.label}> ?label "
    f"FILTER(STRSTARTS(STR(?type), STR(<{DG.iri}>))) }}"
)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Store]:
    folder = tmp_path_factory.mktemp("social")
    md, md_report = load_into(folder / "md", SOCIAL_MEDIA / "md")
    csv, csv_report = load_into(folder / "csv", SOCIAL_MEDIA / "neo4j")
    assert csv_report.problems == [] and (csv_report.files_seen, csv_report.files_read) == (1, 1)
    assert md_report.labs == csv_report.labs == ["dg-social-media-polarization"]
    return md, csv


def rows(store: Store, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(term.value for term in row) for row in store.query(sparql)}


def test_the_csv_pair_is_one_unit() -> None:
    (unit,) = discover_units(SOCIAL_MEDIA / "neo4j", load_config())
    assert unit.format == "neo4j-csv"
    assert [f.relpath.rsplit("_", 1)[-1] for f in unit.files] == ["nodes.csv", "relations.csv"]


def test_the_same_nodes_with_the_same_iris_types_and_titles(stores: tuple[Store, Store]) -> None:
    md, csv = stores
    from_md, from_csv = rows(md, NODES_QUERY), rows(csv, NODES_QUERY)
    assert len(from_csv) == 267  # 268 nodes but the template "This is a Evidence page. - {Source}", in both
    assert from_csv == from_md


def test_the_same_relations(stores: tuple[Store, Store]) -> None:
    md, csv = stores
    query = f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {RELATIONS} }} ?s ?p ?o }}"
    from_md, from_csv = rows(md, query), rows(csv, query)
    assert len(from_csv) == 73  # 74 but the template's Supports, in both
    assert from_csv == from_md


def test_an_edited_relations_file_is_synced(tmp_path: Path) -> None:
    folder = tmp_path / "neo4j"
    shutil.copytree(SOCIAL_MEDIA / "neo4j", folder)
    store, _ = load_into(tmp_path / "store", folder)
    store.close()
    (relations,) = folder.glob("*_relations.csv")
    lines = relations.read_text(encoding="utf-8").splitlines(keepends=True)
    relations.write_text("".join(line for line in lines if not line.endswith(",OPPOSES\n")), encoding="utf-8")
    store, report = load_into(tmp_path / "store", folder)
    assert report.files_read == 1
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{DG.opposes}> ?o }}") == 0
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{DG.supports}> ?o }}") == 64
        fresh, _ = load_into(tmp_path / "fresh", folder)
        with fresh:
            assert export(store, "nquads") == export(fresh, "nquads")
