"""rdfnotes link: the same works and people across labs, the link graph, SSSOM review, and the cross-lab queries."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from lab_pages import context_page, source_page, write_lab
from support import FIXTURES, LAB_A, load_into

from rdfnotes import Store, bundled_queries, export, load, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.errors import ReadError
from rdfnotes.labs import LINK_GRAPH
from rdfnotes.link import link, refresh

LAB_B = FIXTURES / "lab-b-obsidian"
LAB_C = FIXTURES / "lab-c-roam-json"
A = "https://w3id.org/rdfnotes/id/lab-a/"
B = "https://w3id.org/rdfnotes/id/lab-b/"
C = "https://w3id.org/rdfnotes/id/lab-c/"
# The Diekelmann & Born review and "Attention Is All You Need" in each lab: lab-a by Roam uid, lab-b by the
# plugin's nodeInstanceId, lab-c by the Roam JSON uid.
DIEKELMANN = {
    "lab-a": A + "node/Xq3dK0p1z",
    "lab-b": B + "node/019b8a10-0001-7000-8000-00000000b001",
    "lab-c": C + "node/c-SRC-0005",
}
VASWANI = {"lab-a": A + "node/9vT-ab_Q2", "lab-b": B + "node/019b8a10-0002-7000-8000-00000000b002"}


def three_labs(store_dir: Path, lab_a: Path = LAB_A) -> Store:
    store, _ = load_into(store_dir, lab_a, lab="lab-a")
    for path, name in ((LAB_B, "lab-b"), (LAB_C, "lab-c")):
        load([path], store, load_config(), lab=name)
    return store


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = three_labs(tmp_path_factory.mktemp("three") / "store")
    link(store)
    yield store
    store.close()


def pairs(store: Store, category: str) -> set[tuple[str, str, str]]:
    report = link(store)
    return {(m.subject, m.object, ",".join(m.matched_on)) for m in report.links if m.category == category}


def test_the_corpus_works_are_found_in_every_lab_that_has_them_and_nothing_else(linked: Store) -> None:
    d, v = DIEKELMANN, VASWANI
    assert pairs(linked, "work") == {
        (d["lab-a"], d["lab-b"], "doi"),
        (d["lab-a"], d["lab-c"], "doi"),
        (d["lab-b"], d["lab-c"], "doi"),
        (v["lab-a"], v["lab-b"], "arxiv"),
    }


def test_people_are_linked_by_name_only_on_a_shared_work(linked: Store) -> None:
    report = link(linked)
    people = {(m.subject_label, m.object_label) for m in report.links if m.category == "person"}
    # lab-b writes "Family, Given" (read by BibTeX's name rules: the same name); Robert Stickgold is in lab-a
    # (Walker 2004) and lab-c (Mednick 2003), different works: not linked.
    assert people == {
        ("Susanne Diekelmann", "Susanne Diekelmann"),
        ("Jan Born", "Jan Born"),
        ("Ashish Vaswani", "Ashish Vaswani"),
        ("Noam Shazeer", "Noam Shazeer"),
    }
    assert all(m.based_on for m in report.links if m.category == "person")


def test_links_are_stated_both_ways_with_their_justification(linked: Store) -> None:
    rows = run_query(
        linked,
        "justification",
        text=f"""
        PREFIX rn: <https://w3id.org/rdfnotes/ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?on ?text ?why WHERE {{ GRAPH <{LINK_GRAPH}> {{
            <{DIEKELMANN["lab-c"]}> skos:exactMatch <{DIEKELMANN["lab-a"]}> .
            ?link rdf:subject <{DIEKELMANN["lab-a"]}> ; rdf:object <{DIEKELMANN["lab-c"]}> ;
                  rn:matchedOn ?on ; <https://w3id.org/sssom/match_string> ?text ;
                  <https://w3id.org/sssom/mapping_justification> ?why }} }}""",
    ).rows
    assert [[term.value for term in row if term is not None] for row in rows] == [
        ["doi", "10.1038/nrn2762", "https://w3id.org/semapv/vocab/LexicalMatching"]
    ]


def test_linking_again_changes_nothing(linked: Store) -> None:
    before = export(linked, "nquads")
    link(linked)
    assert export(linked, "nquads") == before


def cross(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    result = run_query(store, name, params)
    return [
        {v: term.value for v, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]


def test_works_labs_share(linked: Store) -> None:
    rows = cross(linked, "cross-shared-works")
    assert {(r["lab"], r["other_lab"], r["title"]) for r in rows} == {
        ("lab-a", "lab-b", "The memory function of sleep"),
        ("lab-a", "lab-c", "The memory function of sleep"),
        ("lab-b", "lab-a", "The Memory Function of Sleep"),
        ("lab-b", "lab-c", "The Memory Function of Sleep"),
        ("lab-c", "lab-a", "The memory function of sleep"),
        ("lab-c", "lab-b", "The memory function of sleep"),
        ("lab-a", "lab-b", "Attention Is All You Need"),
        ("lab-b", "lab-a", "Attention is all you need"),
    }
    assert len(rows) == 8
    assert {r["other_lab"] for r in cross(linked, "cross-shared-works", lab="lab-c")} == {"lab-a", "lab-b"}


def test_evidence_in_other_labs_through_a_shared_source(linked: Store) -> None:
    rows = cross(linked, "cross-evidence-via-shared-source")
    found = {(r["lab"], r["target_title"], r["relation"], r["other_lab"], r["evidence_title"][:30]) for r in rows}
    lab_a_evidence = "Sleep after learning improved "
    lab_b_evidence = "Declarative word-pair retentio"
    lab_c_evidence = "Reviews report larger sleep ef"
    assert found == {
        ("lab-a", "Does sleep after learning improve retention?", "informs", "lab-b", lab_b_evidence),
        ("lab-a", "Does sleep after learning improve retention?", "informs", "lab-c", lab_c_evidence),
        ("lab-a", "Sleep within hours of learning improves later recall", "supports", "lab-b", lab_b_evidence),
        ("lab-a", "Sleep within hours of learning improves later recall", "supports", "lab-c", lab_c_evidence),
        ("lab-b", "Is the sleep benefit for memory specific to declarative tasks?", "informs", "lab-a", lab_a_evidence),
        ("lab-b", "Is the sleep benefit for memory specific to declarative tasks?", "informs", "lab-c", lab_c_evidence),
        ("lab-b", "Sleep benefits declarative more than procedural memory", "supports", "lab-a", lab_a_evidence),
        ("lab-b", "Sleep benefits declarative more than procedural memory", "supports", "lab-c", lab_c_evidence),
        ("lab-c", "Short naps consolidate memory", "supports", "lab-a", lab_a_evidence),
        ("lab-c", "Short naps consolidate memory", "supports", "lab-b", lab_b_evidence),
    }
    assert len(rows) == 10
    # The walker and nguyen evidence of lab-a comes from works no other lab has: they bear on nothing elsewhere.
    assert not any("Motor" in r["evidence_title"] or "finger" in r["evidence_title"] for r in rows)


def test_questions_nobody_has_evidence_for(linked: Store) -> None:
    rows = cross(linked, "cross-open-questions")
    assert [(r["lab"], r["question_title"], r["sources"]) for r in rows] == [
        ("lab-a", "Can replay in artificial networks explain sleep benefits?", "1")
    ]
    assert cross(linked, "cross-open-questions", lab="lab-b") == []


def test_no_claim_of_the_corpus_is_disputed_across_labs(linked: Store) -> None:
    # Every claim the labs share a source on is supported, never opposed, by the other labs' evidence.
    assert cross(linked, "cross-contested-claims") == []


# -- identifiers in their spellings, with small labs of our own --------------------------------------------------


@pytest.fixture
def spelling_labs(tmp_path: Path) -> Iterator[Store]:
    x = write_lab(
        tmp_path / "x",
        {
            "@walkerShared": source_page(
                "Shared paper", authors=["Matthew P. Walker", "Robert Stickgold"], url="https://doi.org/10.1000/ABC.123"
            ),
            "@arxivPaper": source_page("An arXiv paper", url="https://arxiv.org/abs/2101.00001v2"),
            "@report": source_page("A report", url="http://www.example.org/report/"),
            "@nearby": source_page("Another paper", authors=["Jane Roe"], url="https://doi.org/10.1000/abc.1234"),
        },
    )
    y = write_lab(
        tmp_path / "y",
        {
            "@walker": source_page(
                "Shared paper, again", authors=["M. P. Walker", "Rebecca Stickgold"], DOI="doi:10.1000/abc.123"
            ),
            "@arxiv": source_page("The arXiv paper", Publication="arXiv:2101.00001 [cs]"),
            "@report": source_page("The report", url="https://example.org/report"),
            "@unrelated": source_page("Unrelated", authors=["Jane Roe"], DOI="10.1000/zzz.999"),
        },
    )
    z = write_lab(tmp_path / "z", {"@dk": source_page("Shared paper, third", DOI="https://dx.doi.org/10.1000/Abc.123")})
    store = Store(tmp_path / "store")
    for folder in (x, y, z):
        load([folder], store, load_config(), lab=folder.name)
    yield store
    store.close()


def test_each_identifier_is_compared_in_its_canonical_form(spelling_labs: Store) -> None:
    report = link(spelling_labs)
    works = {(m.subject_label, m.object_label, ",".join(m.matched_on)) for m in report.links if m.category == "work"}
    assert works == {
        ("Shared paper", "Shared paper, again", "doi"),
        ("Shared paper", "Shared paper, third", "doi"),
        ("Shared paper, again", "Shared paper, third", "doi"),
        ("An arXiv paper", "The arXiv paper", "arxiv"),
        ("A report", "The report", "url"),
    }
    people = {(m.subject_label, m.object_label) for m in report.links if m.category == "person"}
    # An initial agrees with a name; a different given name or a name on unlinked works does not.
    assert people == {("Matthew P. Walker", "M. P. Walker")}


# -- review through SSSOM ----------------------------------------------------------------------------------------


def read_table(path: Path) -> tuple[dict[str, object], list[dict[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[2:] for line in lines if line.startswith("# ")]
    rows = [line for line in lines if not line.startswith("#")]
    return yaml.safe_load("\n".join(header)), list(csv.DictReader(rows, delimiter="\t"))


def write_table(path: Path, meta: dict[str, object], rows: list[dict[str, str]]) -> None:
    header = "".join(f"# {line}\n" for line in yaml.safe_dump(meta, sort_keys=False).splitlines())
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_review_rejects_and_the_rejection_outlasts_a_rebuild(tmp_path: Path, lab_a_copy: Path) -> None:
    store = three_labs(tmp_path / "store", lab_a_copy)
    review = tmp_path / "review.sssom.tsv"
    link(store, review=review)
    meta, rows = read_table(review)
    assert meta["mapping_set_id"] == LINK_GRAPH
    assert meta["curie_map"]["lab-a"] == A  # type: ignore[index]
    assert len(rows) == 8
    assert {r["predicate_id"] for r in rows} == {"skos:exactMatch"}
    for row in rows:
        if row["subject_id"] == "lab-a:node/9vT-ab_Q2":
            row["predicate_modifier"] = "Not"
    # A row deleted is no decision: the people of the rejected work are then not found again.
    kept = [row for row in rows if row["subject_label"] not in ("Ashish Vaswani", "Noam Shazeer")]
    write_table(tmp_path / "reviewed.tsv", meta, kept)

    report = link(store, accept=tmp_path / "reviewed.tsv")
    assert report.problems == []
    # The rejected work link goes, and with it the people linked on the strength of it.
    assert {m.subject_label for m in report.links} == {
        "The memory function of sleep",
        "The Memory Function of Sleep",
        "Susanne Diekelmann",
        "Jan Born",
    }
    assert report.reviewed == 6
    assert {r["title"] for r in cross(store, "cross-shared-works")} == {
        "The memory function of sleep",
        "The Memory Function of Sleep",
    }

    assert refresh(store) is None, "nothing changed: nothing to rebuild"
    question = lab_a_copy / "QUE - Does sleep after learning improve retention.md"
    question.write_text(question.read_text(encoding="utf-8") + "\n- Asked again.\n", encoding="utf-8")
    load([lab_a_copy], store, load_config(), lab="lab-a")  # a load that changed a lab rebuilds the links itself
    assert refresh(store) is None, "already rebuilt by the load"
    again = link(store)
    assert VASWANI["lab-a"] not in {m.subject for m in again.links}
    link(store, review=review)
    _, rows = read_table(review)
    assert [r["predicate_modifier"] for r in rows if r["subject_id"] == "lab-a:node/9vT-ab_Q2"] == ["Not"]
    store.close()


def test_a_reviewer_adds_a_link_and_a_disagreement_shows(tmp_path: Path) -> None:
    claim = "CLM - Naps help memory"
    p = write_lab(tmp_path / "p", {claim: "", "EVD - Nap group recalled more": context_page(("Supports", claim))})
    q = write_lab(tmp_path / "q", {claim: "", "EVD - No nap effect in adults": context_page(("Opposes", claim))})
    store = Store(tmp_path / "store")
    for folder in (p, q):
        load([folder], store, load_config(), lab=folder.name)
    review = tmp_path / "review.tsv"
    assert link(store, review=review).matches == []
    assert cross(store, "cross-contested-claims") == []

    claims = sorted(
        term.value
        for row in run_query(
            store, "claims", text="SELECT ?c WHERE { ?c a <https://discoursegraphs.com/schema/dg_core#Claim> }"
        ).rows
        for term in row
        if term is not None
    )
    meta, _ = read_table(review)
    curie = {v: k for k, v in meta["curie_map"].items()}  # type: ignore[attr-defined]
    ids = [f"{curie[c.split('page/')[0]]}:page/{c.split('page/')[1]}" for c in claims]
    write_table(
        tmp_path / "reviewed.tsv",
        meta,
        [
            {
                "subject_id": ids[0],
                "predicate_id": "skos:exactMatch",
                "object_id": ids[1],
                "mapping_justification": "semapv:ManualMappingCuration",
            }
        ],
    )
    report = link(store, accept=tmp_path / "reviewed.tsv")
    assert [(m.category, m.status, m.matched_on) for m in report.links] == [("other", "accepted", ("review",))]
    rows = cross(store, "cross-contested-claims")
    assert {(r["lab"], r["supporting_lab"], r["supporting"], r["opposing_lab"], r["opposing"]) for r in rows} == {
        ("p", "p", "1", "q", "1"),
        ("q", "p", "1", "q", "1"),
    }
    store.close()


def test_rows_that_do_not_fit_are_named_with_their_line(tmp_path: Path, linked: Store) -> None:
    table = tmp_path / "bad.tsv"
    table.write_text(
        "# curie_map:\n#   lab-a: https://w3id.org/rdfnotes/id/lab-a/\n"
        "subject_id\tpredicate_id\tobject_id\n"
        "lab-a:node/Xq3dK0p1z\towl:sameAs\tlab-a:node/9vT-ab_Q2\n"
        "nope:x\tskos:exactMatch\tlab-a:node/9vT-ab_Q2\n",
        encoding="utf-8",
    )
    report = link(linked, accept=table)
    assert [(p.path, p.line) for p in report.problems] == [(str(table), 4), (str(table), 5)]
    assert "skos:exactMatch" in report.problems[0].message and "'nope:x'" in report.problems[1].message
    assert len(report.links) == 8

    (tmp_path / "not-sssom.tsv").write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"not-sssom.tsv:1: no object_id, predicate_id, subject_id column"):
        link(linked, accept=tmp_path / "not-sssom.tsv")


# -- the command --------------------------------------------------------------------------------------------------


def test_link_command_and_relinking_when_labs_change(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--store", store, *args], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        return result.stdout

    run("load", str(LAB_A), "--lab", "lab-a")
    run("load", str(LAB_C), "--lab", "lab-c")
    out = run("link", "--review", str(tmp_path / "r.tsv"))
    assert out.splitlines()[0] == "Linked 2 labs: 1 work, 0 people in common (1 link; 0 reviewed, 0 rejected)."
    assert "Wrote " in out and "rdfnotes link --accept" in out
    # Loading another lab re-links without being asked; removing one drops its links.
    run("load", str(LAB_B), "--lab", "lab-b")
    assert len(cross_store(store, "cross-shared-works")) == 8
    run("remove", "--lab", "lab-b")
    assert len(cross_store(store, "cross-shared-works")) == 2

    # A reviewed table: a row that does not fit is named with its line (exit 1); a file that is no table, exit 2.
    table = tmp_path / "reviewed.tsv"
    reviewed = (tmp_path / "r.tsv").read_text(encoding="utf-8")
    table.write_text(reviewed + "lab-a:x\t\tskos:closeMatch\t\tlab-c:y" + "\t" * 8 + "\n")
    result = runner.invoke(cli, ["--store", store, "link", "--accept", str(table)])
    assert result.exit_code == 1
    line = len(reviewed.splitlines()) + 1
    assert (
        result.stderr == f"{table}:{line}: warning: predicate 'skos:closeMatch' is not skos:exactMatch: row left out\n"
    )
    assert "(1 link; 1 reviewed, 0 rejected)" in result.stdout
    (tmp_path / "empty.tsv").write_text("")
    result = runner.invoke(cli, ["--store", store, "link", "--accept", str(tmp_path / "empty.tsv")])
    assert result.exit_code == 2 and "empty.tsv:1: no object_id, predicate_id, subject_id column" in result.stderr


def cross_store(path: str, name: str) -> list[dict[str, str]]:
    with Store(path) as store:
        return cross(store, name)


# The cross-lab queries over this store (cross-partner-works asks another endpoint: tests/test_serve.py).
CROSS = [q.name for q in bundled_queries() if q.name.startswith("cross-") and q.name != "cross-partner-works"]


@pytest.mark.parametrize("name", CROSS)
def test_the_lab_parameter_narrows_to_the_rows_of_that_lab(linked: Store, name: str) -> None:
    assert [p.name for p in next(q for q in bundled_queries() if q.name == name).parameters] == ["lab"]
    everything = cross(linked, name)
    for lab in ("lab-a", "lab-b", "lab-c"):
        assert cross(linked, name, lab=lab) == [row for row in everything if row["lab"] == lab]
    assert cross(linked, name, lab='lab-a" } DROP ALL #') == []
    assert cross(linked, name) == everything


def test_people_with_the_same_orcid_are_linked_whatever_their_names(tmp_path: Path) -> None:
    p = write_lab(tmp_path / "p", {"Jane Roe": "- ORCID:: https://orcid.org/0000-0002-1825-0097\n"})
    q = write_lab(
        tmp_path / "q",
        {"J. Roe-Smith": "- ORCID:: 0000-0002-1825-0097\n", "Jane Roe": "- ORCID:: 0000-0001-5109-3700\n"},
    )
    store = Store(tmp_path / "store")
    for folder in (p, q):
        load([folder], store, load_config(), lab=folder.name)
    report = link(store)
    assert [(m.category, m.subject_label, m.object_label, m.matched_on, m.match_strings) for m in report.links] == [
        ("person", "Jane Roe", "J. Roe-Smith", ("orcid",), ("0000-0002-1825-0097",))
    ]
    store.close()


def test_a_partner_lab_shared_as_turtle_links_as_well(tmp_path: Path) -> None:
    with Store(tmp_path / "theirs") as theirs:
        load([LAB_B], theirs, load_config(), lab="lab-b")
        (tmp_path / "lab-b.ttl").write_bytes(export(theirs, "turtle") or b"")
    store, _ = load_into(tmp_path / "ours", LAB_A, lab="lab-a")
    load([tmp_path / "lab-b.ttl"], store, load_config(), lab="partner")
    report = link(store)
    # The Turtle keeps lab-b's own IRIs; the lab they belong to here is the one they were loaded as.
    assert {(m.subject, m.object, m.object_lab) for m in report.links if m.category == "work"} == {
        (DIEKELMANN["lab-a"], DIEKELMANN["lab-b"], "partner"),
        (VASWANI["lab-a"], VASWANI["lab-b"], "partner"),
    }
    assert report.count("person") == 4
    assert {r["other_lab"] for r in cross(store, "cross-evidence-via-shared-source", lab="lab-a")} == {"partner"}
    store.close()
