"""Mapping rules a lab relies on that the corpus fixtures do not exercise, on small notes written here."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode
from support import load_into

from rdfnotes import Store
from rdfnotes.mapping import literal_text
from rdfnotes.vocab import DCTERMS, DG, RDF, RDFS, XSD

BASE = "https://w3id.org/rdfnotes/id/mini/"


def objects(store: Store, subject: str, predicate: str) -> set[str]:
    return {row["o"].value for row in store.query(f"SELECT ?o WHERE {{ <{subject}> <{predicate}> ?o }}")}


def test_a_source_typed_by_marker_takes_its_title_from_the_title(tmp_path: Path) -> None:
    notes = tmp_path / "mini"
    notes.mkdir()
    (notes / "[[SRC]] - Sleep and memory review.md").write_text("- Author:: Ann Lee\n", encoding="utf-8")
    store, _ = load_into(tmp_path / "store", notes)
    [subject] = [row["s"].value for row in store.query(f"SELECT ?s WHERE {{ ?s a <{DG.SourceDocument}> }}")]
    assert objects(store, subject, DCTERMS.title) == {"Sleep and memory review"}
    assert objects(store, subject, RDFS.label) == {"[[SRC]] - Sleep and memory review"}
    assert subject.startswith(BASE + "page/")


def test_a_dangling_evidence_page_still_comes_from_the_source_its_name_cites(tmp_path: Path) -> None:
    notes = tmp_path / "mini"
    notes.mkdir()
    (notes / "@lee2020.md").write_text(
        "- Title:: A study\n- [[[[EVD]] - Naps help recall - [[@lee2020]]]]\n", encoding="utf-8"
    )
    store, _ = load_into(tmp_path / "store", notes)
    [(evidence, source)] = [
        (row["e"].value, row["s"].value)
        for row in store.query(f"SELECT ?e ?s WHERE {{ ?e a <{DG.Evidence}> ; <{DG.sourceDocument}> ?s }}")
    ]
    assert objects(store, source, DCTERMS.title) == {"A study"}
    assert objects(store, evidence, DCTERMS.title) == {"Naps help recall"}
    assert objects(store, evidence, RDF.type) == {DG.Evidence}


@given(st.text(), st.sampled_from([None, XSD.string, XSD.date, "http://example.org/type"]))
def test_a_literal_is_written_as_the_store_writes_it(value: str, datatype: str | None) -> None:
    """The store compares a graph's triples by their N-Triples text: the mapping's must be the store's own spelling,
    or a reload would rewrite unchanged triples."""
    term = Literal(value, datatype=NamedNode(datatype) if datatype else None)
    assert literal_text(value, datatype) == str(term)


def test_a_reload_of_unchanged_notes_with_odd_characters_writes_nothing(tmp_path: Path) -> None:
    notes = tmp_path / "mini"
    notes.mkdir()
    (notes / "CLM - Quotes and slashes.md").write_text(
        '- Note:: a "quoted" \\ back\\slash\ttab, ÿ and 😀\n- Caveat:: line\rreturn\n', encoding="utf-8"
    )
    store, _ = load_into(tmp_path / "store", notes)
    graph = next(g for g in store.named_graphs() if g.endswith(".md"))
    triples = store.graph_triples(graph)
    assert any('"quoted"' in str(t.object.value) for t in triples if isinstance(t.object, Literal))
    (notes / "CLM - Quotes and slashes.md").touch()
    os.utime(notes / "CLM - Quotes and slashes.md", ns=(0, 2_000_000_000))
    store.close()
    store, report = load_into(tmp_path / "store", notes)
    with store:
        assert report.files_read == 1
        assert store._prepare({graph: {str(t) for t in triples}}) is None, "nothing differs, nothing to write"
