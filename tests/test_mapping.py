"""Mapping rules a lab relies on that the corpus fixtures do not exercise, on small notes written here."""

from __future__ import annotations

from pathlib import Path

from support import load_into

from rdfnotes import Store
from rdfnotes.vocab import DCTERMS, DG, RDF, RDFS

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
