"""Markdown beyond Roam's export: YAML front matter, Dataview and Logseq `key:: value` fields, `[[links]]`, and
pages with no front matter titled by a `# [[EVD]] - …` heading (the Matsulab pages)."""

from __future__ import annotations

from pathlib import Path

from support import MATSULAB, load_into

from rdfnotes import load_config
from rdfnotes.readers import discover_units, read_path
from rdfnotes.vocab import DCTERMS, DG, FOAF, RDFS

DATAVIEW = """---
aliases:
  - nap claim
tags: [sleep, naps]
author: Lena Fischer
created: 2025-02-01
---
# CLM - Naps help

supported by:: [[EVD - Nap study]]
Status:: draft
See [[QUE - Do naps help|the question]].
"""
LOGSEQ = """title:: EVD - Nap study
source:: [[@mednick2003]]

- Supports:: [[CLM - Naps help]]
- DOI:: 10.1038/nn1078
"""
NODE = "https://w3id.org/rdfnotes/id/notes/page/"


def notes_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "CLM - Naps help.md").write_text(DATAVIEW, encoding="utf-8")
    (folder / "pages").mkdir()
    (folder / "pages" / "nap-study.md").write_text(LOGSEQ, encoding="utf-8")
    return folder


def test_yaml_front_matter_and_inline_fields_are_read(tmp_path: Path) -> None:
    result = read_path(notes_folder(tmp_path), load_config())
    assert result.problems == []
    claim, evidence = result.notes
    assert (claim.title, claim.author, claim.created) == ("CLM - Naps help", "Lena Fischer", "2025-02-01")
    assert claim.front_matter == {"aliases": "[[nap claim]]", "tags": "[[sleep]], [[naps]]"}
    assert [(a.key, a.value, a.line) for a in claim.attributes] == [("Status", "draft", 11)]
    assert [(r.label, r.target.target, r.target.line) for r in claim.relations] == [
        ("supported by", "EVD - Nap study", 10)
    ]
    assert [link.target for link in claim.links] == ["QUE - Do naps help"]
    assert evidence.title == "EVD - Nap study"  # the Logseq page's title:: property
    assert [(r.label, r.target.target) for r in evidence.relations] == [("Supports", "CLM - Naps help")]


def test_a_relation_stated_on_both_pages_as_fields_is_stored_once(tmp_path: Path) -> None:
    store, report = load_into(tmp_path / "store", notes_folder(tmp_path))
    assert report.problems == []
    with store:
        rows = list(
            store.query(f"SELECT ?e ?c WHERE {{ ?e <{DG.supports}> ?c . ?e a <{DG.Evidence}> . ?c a <{DG.Claim}> }}")
        )
        assert len(rows) == 1
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{DCTERMS.subject}> ?t }}") == 2
        # The evidence's DOI is kept as its identifier only where it is a source; here it is an attribute.
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f <{FOAF.primaryTopic}> ?n }}") == 2


def test_matsulab_pages_without_front_matter_take_their_heading_as_title() -> None:
    units = discover_units(MATSULAB, load_config())
    assert [u.format for u in units] == ["markdown"] * 6
    result = read_path(MATSULAB, load_config())
    assert result.problems == []
    titles = sorted(note.title for note in result.notes)
    assert len(titles) == 6
    assert all(t.startswith(("[[EVD]] - ", "[[RES]] - ")) for t in titles)
    assert sum(1 for note in result.notes if note.uid is None) == 5  # no front matter, so no Roam url


def test_format_option_overrides_what_the_path_holds(tmp_path: Path) -> None:
    folder = notes_folder(tmp_path)
    (folder / "export.json").write_text('{"nodes": [{"uid": "u1", "title": "[[QUE]] - Why?"}]}', encoding="utf-8")
    assert [u.format for u in discover_units(folder, load_config())] == ["markdown", "roam-json", "markdown"]
    assert [u.key for u in discover_units(folder, load_config(), format="roam-json")] == ["export.json"]
    only_json = read_path(folder / "export.json", load_config(), format="roam-json")
    assert [n.title for n in only_json.notes] == ["[[QUE]] - Why?"]
    as_markdown = read_path(folder / "export.json", load_config(), format="markdown")
    assert [n.title for n in as_markdown.notes] == ["export"]
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        labels = {row[0].value for row in store.query(f"SELECT ?l WHERE {{ ?n <{RDFS.label}> ?l }}")}
    assert "[[QUE]] - Why?" in labels
