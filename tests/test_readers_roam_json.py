"""lab-c, a Roam JSON export of the Discourse Graphs extension: every fact corpus/README.md states for it, and the
same pages in Roam's Markdown export give the same nodes, IRIs and relations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import LAB_C, load_into, writable_copy

from rdfnotes import Store, export, load_config
from rdfnotes.readers import read_path
from rdfnotes.vocab import BIBO, DCTERMS, DG, FOAF, OWL, RDF, RDFS, RN

EXPORT = "lab-c_query-results_202502050900.json"
NODE = "https://w3id.org/rdfnotes/id/lab-c/node/"
PROPERTIES = f"<{DG.supports}> <{DG.opposes}> <{RN.informs}> <{DG.addresses}>"


@pytest.fixture(scope="module")
def lab_c(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store, report = load_into(tmp_path_factory.mktemp("lab-c") / "store", LAB_C)
    assert report.problems == [] and report.labs == ["lab-c"]
    return store


def rows(store: Store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value for term in row) for row in store.query(sparql))


def relations(store: Store) -> list[tuple[str, ...]]:
    return rows(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {PROPERTIES} }} ?s ?p ?o }}")


def test_six_nodes_each_with_its_own_graph(lab_c: Store) -> None:
    nodes = rows(
        lab_c, f"SELECT ?f ?n ?path WHERE {{ ?f a <{RN.NoteFile}> ; <{FOAF.primaryTopic}> ?n ; <{RN.path}> ?path }}"
    )
    assert len(nodes) == 6
    assert {n for _, n, _ in nodes} == {
        NODE + uid for uid in ("c-QUE-0001", "c-EVD-0002", "c-CLM-0003", "c-SRC-0004", "c-SRC-0005", "c-EVD-0006")
    }
    assert all(f.endswith(EXPORT + "#" + n.rsplit("/", 1)[-1]) and path == EXPORT for f, n, path in nodes)
    assert len([g for g in lab_c.named_graphs() if EXPORT in g]) == 6


def test_four_distinct_relations_one_listed_twice_stored_once(lab_c: Store) -> None:
    assert relations(lab_c) == [
        (NODE + "c-CLM-0003", DG.addresses, NODE + "c-QUE-0001"),
        (NODE + "c-EVD-0002", DG.supports, NODE + "c-CLM-0003"),
        (NODE + "c-EVD-0002", RN.informs, NODE + "c-QUE-0001"),
        (NODE + "c-EVD-0006", DG.supports, NODE + "c-CLM-0003"),
    ]
    data = json.loads((LAB_C / EXPORT).read_text(encoding="utf-8"))
    assert len(data["relations"]) == 5


def test_block_attributes_map_like_markdown_ones(lab_c: Store) -> None:
    source = f"<{NODE}c-SRC-0004>"
    assert rows(
        lab_c,
        f"SELECT ?t ?doi ?same WHERE {{ {source} <{DCTERMS.title}> ?t ; <{BIBO.doi}> ?doi ; <{OWL.sameAs}> ?same }}",
    ) == [("Sleep-dependent learning: a nap is as good as a night", "10.1038/nn1078", "https://doi.org/10.1038/nn1078")]
    assert rows(lab_c, f"SELECT ?t WHERE {{ {source} a ?t }}") == [(BIBO.AcademicArticle,), (DG.SourceDocument,)]
    names = rows(
        lab_c,
        f"SELECT ?name WHERE {{ {source} <{BIBO.authorList}>/<{RDF.rest}>*/<{RDF.first}> ?p . "
        f"?p <{FOAF.name}> ?name }}",
    )
    assert names == [("Ken Nakayama",), ("Robert Stickgold",), ("Sara Mednick",)]
    # "https://dx.doi.org/10.1038/nrn2762" is the DOI of the Diekelmann & Born review.
    assert rows(lab_c, f"SELECT ?doi WHERE {{ <{NODE}c-SRC-0005> <{BIBO.doi}> ?doi }}") == [("10.1038/nrn2762",)]


def test_evidence_titles_name_their_sources_and_links_in_blocks_are_kept(lab_c: Store) -> None:
    assert rows(lab_c, f"SELECT ?e ?s WHERE {{ ?e <{DG.sourceDocument}> ?s }}") == [
        (NODE + "c-EVD-0002", NODE + "c-SRC-0004"),
        (NODE + "c-EVD-0006", NODE + "c-SRC-0005"),
    ]
    assert (NODE + "c-EVD-0002",) in rows(lab_c, f"SELECT ?o WHERE {{ <{NODE}c-QUE-0001> <{DCTERMS.references}> ?o }}")
    created = rows(
        lab_c,
        f"SELECT ?d ?who WHERE {{ <{NODE}c-CLM-0003> <{DCTERMS.created}> ?d ; "
        f"<http://www.w3.org/ns/prov#wasAttributedTo>/<{FOAF.name}> ?who }}",
    )
    assert created == [("2025-02-02T11:00:00Z", "Tomás Ortega")]


# The same three pages as Roam's Markdown export (2024 exporter) writes them.
MARKDOWN = {
    "QUE - Does napping help students learn.md": (
        '---\ntitle: "[[QUE]] - Does napping help students learn?"\n'
        "url: https://roamresearch.com/#/app/lab-c/page/c-QUE-0001\nauthor: Lena Fischer\n"
        "date: Sat Feb 01 2025 09:15:00 GMT+0000 (Coordinated Universal Time)\n---\n\n"
        "- ## Summary\n    - Seen in [[@mednickSleepDependentLearning2003]] and "
        "[[[[EVD]] - A 90-minute nap restored perceptual learning - [[@mednickSleepDependentLearning2003]]]]\n"
        "###### Discourse context\n"
        "- **Informed By::** "
        "[[EVD - A 90-minute nap restored perceptual learning - @mednickSleepDependentLearning2003]]\n"
        "- **Addressed By::** [[CLM - Short naps consolidate memory]]\n"
    ),
    "EVD - A 90-minute nap restored perceptual learning - @mednickSleepDependentLearning2003.md": (
        '---\ntitle: "[[EVD]] - A 90-minute nap restored perceptual learning - '
        '[[@mednickSleepDependentLearning2003]]"\n'
        "url: https://roamresearch.com/#/app/lab-c/page/c-EVD-0002\nauthor: Lena Fischer\n"
        "date: Sat Feb 01 2025 09:40:00 GMT+0000 (Coordinated Universal Time)\n---\n\n"
        "- ## Evidence Statement\n    - Texture discrimination thresholds improved after naps with REM sleep\n"
        "###### Discourse context\n"
        "- **Informs::** [[QUE - Does napping help students learn]]\n"
        "- **Supports::** [[CLM - Short naps consolidate memory]]\n"
    ),
    "CLM - Short naps consolidate memory.md": (
        '---\ntitle: "[[CLM]] - Short naps consolidate memory"\n'
        "url: https://roamresearch.com/#/app/lab-c/page/c-CLM-0003\nauthor: Tomás Ortega\n"
        "date: Sun Feb 02 2025 11:00:00 GMT+0000 (Coordinated Universal Time)\n---\n\n"
        "###### Discourse context\n"
        "- **Supported By::** "
        "[[EVD - A 90-minute nap restored perceptual learning - @mednickSleepDependentLearning2003]]\n"
        "- **Addresses::** [[QUE - Does napping help students learn]]\n"
    ),
}


def test_markdown_and_json_of_one_graph_give_the_same_nodes_iris_and_relations(tmp_path: Path) -> None:
    folder = tmp_path / "md"
    folder.mkdir()
    for name, text in MARKDOWN.items():
        (folder / name).write_text(text, encoding="utf-8")
    md_store, report = load_into(tmp_path / "md-store", folder)
    assert report.problems == [] and report.labs == ["lab-c"]
    json_store, _ = load_into(tmp_path / "json-store", LAB_C)
    uids = {"c-QUE-0001", "c-EVD-0002", "c-CLM-0003"}
    with md_store, json_store:
        query = f"SELECT ?n ?label ?type WHERE {{ ?f <{FOAF.primaryTopic}> ?n . ?n <{RDFS.label}> ?label ; a ?type }}"
        from_md = rows(md_store, query)
        from_json = [row for row in rows(json_store, query) if row[0].rsplit("/", 1)[-1] in uids]
        assert from_md == from_json and len(from_md) == 3
        among = [r for r in relations(json_store) if {r[0], r[2]} <= {NODE + uid for uid in uids}]
        assert relations(md_store) == among and len(among) == 3


def test_removing_a_node_from_the_export_removes_it_from_the_store(tmp_path: Path) -> None:
    folder = writable_copy(LAB_C, tmp_path)
    store, _ = load_into(tmp_path / "store", folder)
    store.close()
    path = folder / EXPORT
    data = json.loads(path.read_text(encoding="utf-8"))
    data["nodes"] = [n for n in data["nodes"] if n["uid"] != "c-EVD-0006"]
    path.write_text(json.dumps(data), encoding="utf-8")
    store, report = load_into(tmp_path / "store", folder)
    assert (report.files_read, report.files_unchanged) == (1, 0)
    # Its relation now names a node that is not in the export: reported, not loaded.
    assert [p.message for p in report.problems] == [
        "relation 'Supports' from uid c-EVD-0006, which is not among the loaded notes: left out"
    ]
    with store:
        assert not [g for g in store.named_graphs() if g.endswith("#c-EVD-0006")]
        assert rows(store, f"SELECT ?p ?o WHERE {{ <{NODE}c-EVD-0006> ?p ?o }}") == []
        assert len(relations(store)) == 3
        fresh, _ = load_into(tmp_path / "fresh", folder)
        with fresh:
            assert export(store, "nquads") == export(fresh, "nquads")


def test_read_path_reads_a_single_export_file() -> None:
    result = read_path(LAB_C / EXPORT, load_config())
    assert [u.format for u in result.units] == ["roam-json"]
    assert len(result.notes) == 6 and result.problems == []
