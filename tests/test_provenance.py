"""Provenance to the line: every relation (and attribute) keeps the file and line that state it, as reified
statements queried with SPARQL, checked against the fixture files' own lines; shown on node pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import LAB_A, LAB_B, LAB_C, SOCIAL_MEDIA, load_into

from rdfnotes import iris
from rdfnotes.config import load_config, name_key
from rdfnotes.store import Store
from rdfnotes.web import data

QUERY = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rn: <https://w3id.org/rdfnotes/ns#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?graph ?path ?node ?s ?p ?o ?line WHERE {
  ?statement rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; rn:statedIn ?graph .
  OPTIONAL { ?statement rn:line ?line }
  ?graph rn:path ?path ; foaf:primaryTopic ?node .
}
"""
# A relation field as the fixtures write it: "- **Supported By::** [[A]] [[B]]" or "- Informed By:: [[A]]"
_FIELD = re.compile(r"^\s*-?\s*\*{0,2}(?P<label>[A-Za-z][A-Za-z ]*?)\s*::\*{0,2}\s*(?P<rest>.*)$")


def _value(term: object) -> str:
    return str(getattr(term, "value", ""))


def stated(store: Store) -> list[tuple[str, str, str, str, str, int | None]]:
    """(file, node of the file, subject, predicate, object, line) of every reified statement."""
    rows = []
    for row in store.query(QUERY):
        line = row["line"]
        rows.append(
            (
                _value(row["path"]),
                _value(row["node"]),
                _value(row["s"]),
                _value(row["p"]),
                _value(row["o"]),
                int(line.value) if line is not None else None,
            )
        )
    return rows


def relation_triples(store: Store) -> set[tuple[str, str, str, str]]:
    """(file, subject, predicate, object) of every relation each note graph states between two notes (a page only
    linked to, without a file, is described from its name, not stated)."""
    properties = {r.property_iri for r in load_config().relations}
    values = " ".join(f"<{p}>" for p in properties)
    found = set()
    for row in store.query(
        "SELECT ?path ?s ?p ?o WHERE { GRAPH ?g { ?g <https://w3id.org/rdfnotes/ns#path> ?path . "
        f"VALUES ?p {{ {values} }} ?s ?p ?o }} }}"
    ):
        found.add((_value(row["path"]), _value(row["s"]), _value(row["p"]), _value(row["o"])))
    notes = {
        _value(row["n"]) for row in store.query("SELECT ?n WHERE { ?f <http://xmlns.com/foaf/0.1/primaryTopic> ?n }")
    }
    return {found_row for found_row in found if found_row[1] in notes and found_row[3] in notes}


def labels_of(prop: str, page_is_subject: bool, page_is_object: bool) -> set[str]:
    """The labels a page writes a relation with: its label where the page is the subject, its complement where it
    is the object (a symmetric relation: its label either way)."""
    for relation in load_config().relations:
        if relation.property_iri == prop:
            names = set()
            if page_is_subject or relation.symmetric:
                names.add(name_key(relation.label))
            if page_is_object and not relation.symmetric:
                names.add(name_key(relation.complement or relation.label))
            return names
    raise AssertionError(prop)


@pytest.mark.parametrize("fixture", [LAB_A, SOCIAL_MEDIA / "md"], ids=lambda p: p.parent.name + "/" + p.name)
def test_every_relation_is_stated_on_its_line(fixture: Path, tmp_path: Path) -> None:
    """Markdown exports: each relation of each note graph has a statement whose line, in the file itself, is a
    field of that relation's label (or complement) naming the other end; and every relation field line of the
    files is such a statement's line."""
    store, _ = load_into(tmp_path / "store", fixture)
    with store:
        statements = stated(store)
        relations = relation_triples(store)
        names = {
            _value(row["n"]): _value(row["l"])
            for row in store.query("SELECT ?n ?l WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?l }")
        }
    assert relations, fixture
    by_triple: dict[tuple[str, str, str, str], list[int | None]] = {}
    for path, _node, s, p, o, line in statements:
        by_triple.setdefault((path, s, p, o), []).append(line)
    relation_keys = {name_key(r.label) for r in load_config().relations} | {
        name_key(r.complement) for r in load_config().relations if r.complement
    }
    actual = set()
    for path, s, p, o in sorted(relations):
        lines = by_triple.get((path, s, p, o))
        assert lines, f"{path}: no statement of {s} {p} {o}"
        text = (fixture / path).read_text(encoding="utf-8").split("\n")
        node = next(n for f, n, *_ in statements if f == path)
        if None in lines:  # the page's title cites its source ("EVD - … - [[@source]]"): the file, no line
            assert p == "https://discoursegraphs.com/schema/dg_core#sourceDocument" and "@" in path, (path, s, p, o)
        for line in filter(None, lines):
            match = _FIELD.match(text[line - 1])
            assert match, f"{path}:{line}: {text[line - 1]!r} is not a relation field"
            written = name_key(match["label"])
            assert written in labels_of(p, s == node, o == node), f"{path}:{line}: {written} for {p}"
            other = o if s == node else s
            link_names = {iris.page_key(t) for t in re.findall(r"\[\[([^\[\]]+)\]\]", match["rest"])}
            link_names |= {iris.page_key(match["rest"].strip())}
            other_names = {iris.page_key(names.get(other, "")), iris.page_key(other.rsplit("/", 1)[-1])}
            assert link_names & other_names or any(
                "..." in n and n.split("...")[0] in o_n for n in link_names for o_n in other_names
            ), f"{path}:{line}: {match['rest']!r} does not name {other}"
            actual.add((path, line))
    # Conversely: every relation field of a note file with a link is a statement's line.
    expected = set()
    for path in {r[0] for r in relations}:
        for number, line in enumerate((fixture / path).read_text(encoding="utf-8").split("\n"), start=1):
            match = _FIELD.match(line)
            targets = {iris.page_key(t) for t in re.findall(r"\[\[([^\[\]]+)\]\]", match["rest"])} if match else set()
            if match and name_key(match["label"]) in relation_keys and targets - {iris.page_key(Path(path).stem)}:
                expected.add((path, number))  # (a page naming itself is no relation)
    assert expected - actual == set(), sorted(expected - actual)


def test_lab_a_lines_and_a_relation_stated_by_two_pages(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A)
    node = "https://w3id.org/rdfnotes/id/lab-a-sleep/node/"
    with store:
        rows = stated(store)
        page = data.node_page(store, node + "CLm-rec-01")
        source = data.node_page(store, node + "Xq3dK0p1z")
    supports = sorted(
        (path, line)
        for path, _, s, p, o, line in rows
        if (s, p, o)
        == (node + "EvD-dk-001", "https://discoursegraphs.com/schema/dg_core#supports", node + "CLm-rec-01")
    )
    assert supports == [
        ("CLM - Sleep within hours of learning improves later recall.md", 12),
        (
            "EVD - Sleep after learning improved declarative recall relative to wake - "
            "@diekelmannMemoryFunctionSleep2010.md",
            13,
        ),
    ]
    doi = [(path, line) for path, _, s, p, o, line in rows if p == "http://purl.org/ontology/bibo/doi"]
    assert doi == [("@diekelmannMemoryFunctionSleep2010.md", 14)]  # the URL field holding the DOI
    assert page is not None and source is not None
    shown = {item.node.iri: item.stated for group in page.context for item in group.items}
    assert shown[node + "EvD-dk-001"] == (
        "CLM - Sleep within hours of learning improves later recall.md line 12",
        "EVD - Sleep after learning improved declarative recall relative to wake - "
        "@diekelmannMemoryFunctionSleep2010.md line 13",
    )
    publication = dict(source.properties)["dcterms:isPartOf"]  # the journal
    assert [v.stated for v in publication] == [("@diekelmannMemoryFunctionSleep2010.md line 13",)]


@pytest.mark.parametrize("fixture", [LAB_B, LAB_C], ids=lambda p: p.name)
def test_relations_of_json_exports_name_their_file(fixture: Path, tmp_path: Path) -> None:
    """Obsidian's relations.json and Roam JSON give no line for a relation: the statement names the file alone."""
    store, _ = load_into(tmp_path / "store", fixture)
    with store:
        statements = stated(store)
        relations = relation_triples(store)
    by_triple = {(path, s, p, o) for path, _, s, p, o, _ in statements}
    assert relations and relations <= by_triple


def test_provenance_can_be_turned_off(tmp_path: Path) -> None:
    settings = tmp_path / "rdfnotes.yaml"
    settings.write_text("provenance:\n  lines: false\n", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        from rdfnotes import load

        report = load([LAB_A], store, load_config(settings))
        assert stated(store) == [] and report.triples == 238
