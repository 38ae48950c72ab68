"""Several labs in one store: listing, VoID, export of one lab, removal of one lab."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from lab_pages import context_page, source_page, write_lab
from support import LAB_A, load_into

from rdfnotes import Store, export, load, load_config
from rdfnotes.cli import cli
from rdfnotes.errors import NoSuchLab
from rdfnotes.labs import LINK_GRAPH, get_lab, labs
from rdfnotes.link import link
from rdfnotes.loader import remove_lab

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
A = "https://w3id.org/rdfnotes/id/lab-a/"
X = "https://w3id.org/rdfnotes/id/lab-x/"


def lab_x(folder: Path) -> Path:
    """A second lab that cites the Diekelmann & Born review (as a lowercase DOI) and asks its own question."""
    return write_lab(
        folder,
        {
            "@diekelmann2010": source_page("The Memory Function of Sleep", url="https://doi.org/10.1038/nrn2762"),
            "EVD - Naps helped word-pair recall": context_page(
                ("FromSource", "@diekelmann2010"), ("Informs", "QUE - Do naps count")
            ),
            "QUE - Do naps count": "",
        },
    )


@pytest.fixture
def two_labs(tmp_path: Path) -> Store:
    store, _ = load_into(tmp_path / "store", LAB_A, lab="lab-a")
    load([lab_x(tmp_path / "x")], store, load_config(), lab="lab-x")
    return store


def test_labs_are_listed_with_what_each_holds(two_labs: Store) -> None:
    found = {lab.name: lab for lab in labs(two_labs)}
    assert set(found) == {"lab-a", "lab-x"}
    a, x = found["lab-a"], found["lab-x"]
    assert (a.base, a.files, a.notes, a.triples) == (A, 10, 10, 535)
    assert (x.base, x.files, x.notes) == (X, 3, 3)
    assert all(g.startswith(A + "file/") for g in a.graphs) and len(a.graphs) == 10
    # Every triple of the store is in exactly one lab's graphs (bases differ), so the counts add up.
    assert two_labs.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == a.triples + x.triples
    two_labs.close()


def graph_of(data: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")


def test_export_of_one_lab_has_its_triples_and_its_void_description(two_labs: Store) -> None:
    link(two_labs)
    data = export(two_labs, "turtle", lab="lab-x")
    assert data == export(two_labs, "turtle", lab="lab-x")
    graph = graph_of(data)
    dataset = rdflib.URIRef(X + "void#dataset")
    lab = get_lab(two_labs, "lab-x")
    assert graph.value(dataset, VOID.triples).toPython() == lab.triples
    assert str(graph.value(dataset, VOID.uriSpace)) == X
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert {"https://discoursegraphs.com/schema/dg_core#", "http://purl.org/dc/terms/"} <= vocabularies
    assert {str(g) for g in graph.subjects(VOID.inDataset, dataset)} == set(lab.graphs)
    # One link to lab-a (the review; no authors to match): a linkset with one triple.
    linkset = graph.value(predicate=VOID.objectsTarget, object=rdflib.URIRef(A + "void#dataset"))
    assert graph.value(linkset, VOID.subjectsTarget) == dataset and graph.value(linkset, VOID.triples).toPython() == 1
    # Nothing of lab-a's notes: every subject is lab-x's.
    assert {str(s) for s in graph.subjects() if not str(s).startswith(X)} == set()
    void_part = rdflib.Graph().parse(data=export_void(two_labs, "lab-x"), format="nt")
    assert len(graph) == lab.triples + len(void_part)
    two_labs.close()


def test_the_void_graph_is_stored_after_link_and_follows_the_lab(two_labs: Store) -> None:
    link(two_labs)
    stored = two_labs.graph_triples(X + "void")
    assert stored
    nquads = export(two_labs, "nquads", lab="lab-x").decode("utf-8")
    assert len([line for line in nquads.splitlines() if line.endswith(f"<{X}void> .")]) == len(stored)
    two_labs.close()


def test_remove_a_lab_leaves_the_other_as_it_was(two_labs: Store, tmp_path: Path) -> None:
    link(two_labs)
    before = export(two_labs, "trig", lab="lab-a")
    removed = remove_lab(two_labs, "lab-x")
    assert removed.name == "lab-x"
    assert [lab.name for lab in labs(two_labs)] == ["lab-a"]
    assert not [g for g in two_labs.named_graphs() if g.startswith(X)]
    assert two_labs.count(f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{X}")) }}') == 0
    # lab-a's notes are unchanged; its VoID no longer has a linkset to the removed lab, and the links went.
    after = export(two_labs, "trig", lab="lab-a")
    assert after != before
    assert b"links-lab-x" in before and b"links-lab-x" not in after
    assert two_labs.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{LINK_GRAPH}> {{ ?s a ?t }} }}") == 0
    strip = [line for line in after.decode().splitlines() if "void" not in line]
    assert strip == [line for line in before.decode().splitlines() if "void" not in line]
    # Loading the folder again brings the lab back whole.
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    assert get_lab(two_labs, "lab-x").triples == removed.triples
    two_labs.close()


def test_an_unknown_lab_is_named_with_the_known_ones(two_labs: Store) -> None:
    with pytest.raises(NoSuchLab, match=r"no lab named 'lab-b' in the store \(labs: lab-a, lab-x\)"):
        remove_lab(two_labs, "lab-b")
    with pytest.raises(NoSuchLab):
        export(two_labs, "turtle", lab="lab-b")
    two_labs.close()


def test_labs_remove_and_export_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, ["--store", store, *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("labs") == (
        2,
        "",
        f"Error: {store}: no store here; load notes first ('rdfnotes load PATH'), or name the store with --store or "
        "RDFNOTES_STORE\n",
    )
    run("load", str(LAB_A), "--lab", "lab-a")
    run("load", str(lab_x(tmp_path / "x")), "--lab", "lab-x")
    code, out, _ = run("labs")
    assert code == 0
    assert out.splitlines()[:3] == [
        "lab    files  notes  triples  base",
        f"lab-a     10     10      535  {A}",
        f"lab-x      3      3       {get_triples(store, 'lab-x'):>2}  {X}",
    ]
    code, out, _ = run("export", "--lab", "lab-x", "--format", "ntriples")
    assert code == 0 and A + "node/" not in out and "void#dataset" in out
    triples = get_triples(store, "lab-x")
    code, out, _ = run("remove", "--lab", "lab-x")
    assert (code, out) == (0, f"Removed lab lab-x: 3 files, {triples} triples.\n")
    code, _, err = run("remove", "--lab", "lab-x")
    assert code == 2 and "no lab named 'lab-x'" in err


def export_void(store: Store, name: str) -> str:
    """The lines of a lab's N-Quads export that are in its VoID graph, as N-Triples."""
    lines = export(store, "nquads", lab=name).decode("utf-8").splitlines()
    void = f"<{get_lab(store, name).void_graph}> ."
    return "\n".join(line[: -len(void)] + "." for line in lines if line.endswith(void))


def get_triples(path: str, name: str) -> int:
    with Store(path) as store:
        return get_lab(store, name).triples


def test_a_removal_that_fails_half_way_leaves_the_lab_whole(two_labs: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    link(two_labs)
    before = export(two_labs, "trig"), export(two_labs, "ntriples"), copy.deepcopy(two_labs.manifest)

    def fail(store: Store) -> None:
        raise OSError("disk full")  # the links being rebuilt, after the lab's graphs were dropped

    monkeypatch.setattr(sys.modules["rdfnotes.link"], "refresh", fail)  # (rdfnotes.link is also a function)
    with pytest.raises(OSError, match="disk full"):
        remove_lab(two_labs, "lab-x")
    assert (export(two_labs, "trig"), export(two_labs, "ntriples"), two_labs.manifest) == before
    assert [lab.name for lab in labs(two_labs)] == ["lab-a", "lab-x"]


def test_a_removal_cut_short_is_finished_by_removing_again(two_labs: Store) -> None:
    # The state a crash between forgetting the folders and dropping the graphs left (rdfnotes before the journal).
    lab = get_lab(two_labs, "lab-x")
    two_labs.manifest["removing"] = {"lab-x": lab.base}
    for key in lab.roots:
        del two_labs.manifest["roots"][key]
    two_labs.save_manifest()
    assert [found.name for found in labs(two_labs)] == ["lab-a"]
    assert any(g.startswith(X) for g in two_labs.named_graphs())

    remove_lab(two_labs, "lab-x")
    assert not any(g.startswith(X) for g in two_labs.named_graphs())
    assert "removing" not in two_labs.manifest
    assert two_labs.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == get_lab(two_labs, "lab-a").triples
    two_labs.close()


def test_a_labs_vocabularies_are_the_namespaces_its_own_graphs_use(two_labs: Store, tmp_path: Path) -> None:
    # The VoID vocabularies come from the properties and classes of the default graph, each kept if one of the
    # lab's graphs uses it; the oracle is one pass over every quad of the lab's graphs. A third lab loaded from RDF
    # uses a vocabulary of its own (a property, a class), and the link and VoID graphs use others no lab does.
    rdf = tmp_path / "rdf"
    rdf.mkdir()
    (rdf / "things.ttl").write_text(
        "@prefix ex: <https://example.org/own/> .\n@prefix cls: <https://example.org/classes#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'ex:thing a cls:Thing ; rdfs:label "A thing" ; ex:score 3 .\n',
        encoding="utf-8",
    )
    load([rdf], two_labs, load_config(), lab="lab-r")
    link(two_labs)
    from rdfnotes.labs import void_triples

    for lab in labs(two_labs):
        inside = f'FILTER(STRSTARTS(STR(?g), "{lab.base}file/"))'
        terms = {
            row[0].value
            for row in two_labs.query(
                f"SELECT DISTINCT ?term WHERE {{ {{ GRAPH ?g {{ ?s ?term ?o }} {inside} }} UNION "
                f"{{ GRAPH ?g {{ ?s a ?term }} {inside} }} FILTER(isIRI(?term)) }}"
            )
        }
        expected = {t[: max(t.rfind("#"), t.rfind("/")) + 1] for t in terms}
        found = {t.object.value for t in void_triples(two_labs, lab) if t.predicate.value == str(VOID.vocabulary)}
        assert found == expected, lab.name
        own = {"https://example.org/own/", "https://example.org/classes#"}
        assert (own <= found) == (lab.name == "lab-r") and (own & found == set()) == (lab.name != "lab-r")
        assert "http://rdfs.org/ns/void#" not in found
    two_labs.close()
