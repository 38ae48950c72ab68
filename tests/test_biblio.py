"""Bibliographic sources in every dialect: golden graphs of hand-made notes, and the pieces (names, DOIs, dates,
pages, ISBN/ISSN) one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from support import FIXTURES, load_into, union_graph, without_provenance, writable_copy
from test_export import describe_difference

from rdfnotes import Store, load, load_config
from rdfnotes.biblio import Person, parse_bib_date, parse_name, parse_names
from rdfnotes.identifiers import find_arxiv, find_doi, find_isbns, find_issns
from rdfnotes.validate import validate

BIBLIO = FIXTURES / "biblio"
GOLDEN = Path(__file__).parent / "golden"
BIBO = rdflib.Namespace("http://purl.org/ontology/bibo/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")


@pytest.mark.parametrize("folder", ["roam-zotero", "roam-zotero-roam", "obsidian-zotero", "dataview-notes", "library"])
def test_golden_graph(folder: str, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", BIBLIO / folder)
    with store:
        actual = without_provenance(union_graph(store))  # where each field is stated: tests/test_provenance.py
    expected = rdflib.Graph().parse(GOLDEN / f"biblio-{folder}.ttl", format="turtle")
    assert isomorphic(expected, actual), describe_difference(expected, actual)


def _works(graph: rdflib.Graph) -> dict[str, rdflib.term.Node]:
    """Each source node by its citekey."""
    return {
        str(citekey): node
        for node, citekey in graph.subject_objects(rdflib.URIRef("https://w3id.org/rdfnotes/ns#citekey"))
    }


def _authors(graph: rdflib.Graph, work: rdflib.term.Node, prop: rdflib.URIRef = BIBO.authorList) -> list[str]:
    head = graph.value(work, prop)
    assert head is not None
    return [str(graph.value(person, FOAF.name)) for person in rdflib.collection.Collection(graph, head)]


def test_zotero_block_dialect(tmp_path: Path) -> None:
    """`- Title: …`, `- Authored by::  A ,  B`, `- Year: [[2008]]`, `- URL: https://doi.org/…` under #references."""
    store, report = load_into(tmp_path / "store", BIBLIO / "roam-zotero")
    with store:
        graph = union_graph(store)
    works = _works(graph)
    anderson = works["andersonSharedCareTeams2008"]
    assert str(graph.value(anderson, DCTERMS.title)) == "Shared Care Teams: Coordinating Work Across Wards"
    assert _authors(graph, anderson) == ["Stuart Anderson", "Gillian Hardstone"]
    assert graph.value(anderson, DCTERMS.issued) == rdflib.Literal("2008", datatype=XSD.gYear)
    assert str(graph.value(anderson, BIBO.doi)) == "10.1007/978-1-84800-123-4_7"
    assert (anderson, rdflib.RDF.type, BIBO.BookSection) in graph  # Tags: #ref/BookChapter
    book = graph.value(anderson, DCTERMS.isPartOf)
    assert (book, rdflib.RDF.type, BIBO.Book) in graph
    assert str(graph.value(book, DCTERMS.title)) == "Handbook of Clinical Coordination"
    assert str(graph.value(anderson, DCTERMS.abstract)).startswith("Hospitals coordinate care")
    # the page's creator stays the page's, not the work's
    assert str(graph.value(graph.value(anderson, PROV.wasAttributedTo), FOAF.name)) == "Priya Natarajan"
    tenopir = works["tenopirDataSharingPractices2011"]
    assert _authors(graph, tenopir) == ["Carol Tenopir", "Suzie Allard", "Arsev Umur Aydinoglu"]
    assert str(graph.value(tenopir, BIBO.doi)) == "10.1371/journal.pone.0021101"  # in a link's query
    lin = works["linDeepCheapLearning2017"]
    assert _authors(graph, lin) == ["Henry W. Lin", "Max Tegmark"]  # "[[[Henry W. Lin]], [[Max Tegmark]], et al."
    assert str(graph.value(lin, BIBO.identifier)) == "arXiv:1608.08225"
    assert graph.value(lin, DCTERMS.isPartOf) is None  # Publication: no_info
    assert report.errors == []


def test_biblatex_front_matter(tmp_path: Path) -> None:
    """Better BibTeX field names in an Obsidian vault, one note's front matter not valid YAML (Zotero's `file:`)."""
    store, report = load_into(tmp_path / "store", BIBLIO / "obsidian-zotero")
    with store:
        graph = union_graph(store)
    works = _works(graph)
    abbas = works["abbasDeepLearningCrop2025"]
    assert _authors(graph, abbas) == ["Aumber Abbas", "Mujahid Mustaqeem", "Juan de la Cruz Jr."]
    first = rdflib.collection.Collection(graph, graph.value(abbas, BIBO.authorList))[0]
    assert (str(graph.value(first, FOAF.givenName)), str(graph.value(first, FOAF.familyName))) == ("Aumber", "Abbas")
    assert graph.value(abbas, PROV.wasAttributedTo) is None  # `author` is the work's
    assert graph.value(abbas, DCTERMS.issued) == rdflib.Literal("2025-11", datatype=XSD.gYearMonth)
    journal = graph.value(abbas, DCTERMS.isPartOf)
    assert (journal, rdflib.RDF.type, BIBO.Journal) in graph
    assert str(graph.value(journal, BIBO.issn)) == "0168-1699"
    assert [str(graph.value(abbas, p)) for p in (BIBO.volume, BIBO.issue, BIBO.pageStart, BIBO.pageEnd)] == [
        "238",
        "4",
        "285",
        "296",
    ]
    assert str(graph.value(abbas, DCTERMS.language)) == "en"
    chapter = works["mustaqeemSoilMoistureRadar2024"]
    assert _authors(graph, chapter, BIBO.editorList) == ["World Meteorological Organization", "Ludwig van Beethoven"]
    assert graph.value(chapter, DCTERMS.issued) == rdflib.Literal("2024", datatype=XSD.gYear)
    assert str(graph.value(chapter, BIBO.isbn13)) == "9783161484100"
    file_field = rdflib.URIRef("https://w3id.org/rdfnotes/id/obsidian-zotero/attribute/file")
    assert str(graph.value(chapter, file_field)).startswith("C\\:\\\\Users")  # kept, as written
    assert [str(p) for p in report.problems] == [
        "Literature/Mustaqeem and Abbas - 2024 - Soil moisture from radar.md:14: warning: front-matter field "
        "'file' is not valid YAML: kept as its text"
    ]
    trial = works["ngOnlineTrial2023"]
    assert graph.value(trial, DCTERMS.issued) == rdflib.Literal("2023-03-07", datatype=XSD.date)
    assert str(graph.value(trial, BIBO.identifier)) == "arXiv:2303.04567"  # eprint + eprinttype


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Abbas, Aumber and Mustaqeem, Mujahid and others", ["Aumber Abbas", "Mujahid Mustaqeem"]),
        ("Ludwig van Beethoven and {Barnes and Noble}", ["Ludwig van Beethoven", "Barnes and Noble"]),
        ("  Stuart Anderson ,  Gillian Hardstone", ["Stuart Anderson", "Gillian Hardstone"]),
        ("[[Frank Shipman]] ,  [[Catherine C. Marshall]]", ["Frank Shipman", "Catherine C. Marshall"]),
        (
            "[[Tudor Groza]] ,  Knud Möller ,  Siegfried Handschuh",
            ["Tudor Groza", "Knud Möller", "Siegfried Handschuh"],
        ),
        ("[[Carol Tenopir]] [[Suzie Allard]]", ["Carol Tenopir", "Suzie Allard"]),
        ("Hunt Allcott, Luca Braghieri, Sarah Eichmeyer", ["Hunt Allcott", "Luca Braghieri", "Sarah Eichmeyer"]),
        ("[[Diekelmann, Susanne]], [[Born, Jan]]", ["Susanne Diekelmann", "Jan Born"]),
        ("Okafor, Maya; Raman, Ravi", ["Maya Okafor", "Ravi Raman"]),
        ("Diekelmann, Susanne", ["Susanne Diekelmann"]),
        ("Abbas, A., Mustaqeem, M. J.", ["A. Abbas", "M. J. Mustaqeem"]),
        (
            "[[family: Berg, given: Anna, non-dropping-particle: van der]], [[literal: WHO]]",
            ["Anna van der Berg", "WHO"],
        ),
        ("[[[Tom B. Brown]], et al.", ["Tom B. Brown"]),
    ],
)
def test_names_in_order(text: str, names: list[str]) -> None:
    assert [person.name for person in parse_names(text)[0]] == names


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Family, Given", Person("Given Family", "Given", "Family")),
        ("von Last, Jr, First", Person("First von Last Jr", "First", "von Last")),
        ("Jean de La Fontaine", Person("Jean de La Fontaine", "Jean", "de La Fontaine")),
        ("{World Health Organization}", Person("World Health Organization")),
        ("Plato", Person("Plato", None, "Plato")),
    ],
)
def test_bibtex_name_rules(text: str, person: Person) -> None:
    assert parse_name(text) == person


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        ("10.1038/NRN2762", "10.1038/nrn2762"),
        ("doi:10.1038/nrn2762", "10.1038/nrn2762"),
        ("https://doi.org/10.1038/nrn2762", "10.1038/nrn2762"),
        ("http://dx.doi.org/10.1038/nrn2762", "10.1038/nrn2762"),
        ("https://www.pnas.org/doi/full/10.1073/pnas.2024292118", "10.1073/pnas.2024292118"),
        ("https://onlinelibrary.wiley.com/doi/abs/10.1111/jcc4.12059?af=R", "10.1111/jcc4.12059"),
        (
            "[Paper](https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0021101)",
            "10.1371/journal.pone.0021101",
        ),
        ("http://dl.acm.org/citation.cfm?doid=3173574.3174156", "10.1145/3173574.3174156"),
        ("https://www.nature.com/articles/s41597-020-0524-5", "10.1038/s41597-020-0524-5"),
        ("https://www.sciencedirect.com/science/article/pii/S0747563221000819", None),
    ],
)
def test_doi_in_every_spelling(text: str, doi: str | None) -> None:
    assert find_doi(text) == doi


def test_arxiv_isbn_issn() -> None:
    assert find_arxiv("https://arxiv.org/pdf/2005.14165v4.pdf") == "2005.14165v4"
    assert find_isbns("978-3-16-148410-0") == ["9783161484100"]
    assert find_isbns("978-3-16-148410-1") == []  # wrong check digit: not an ISBN
    assert find_issns("ISSN 0168-1699; eISSN 1872-7107") == ["0168-1699", "1872-7107"]


@pytest.mark.parametrize(
    ("text", "value", "datatype"),
    [
        ("2025", "2025", "gYear"),
        ('"2025-11"', "2025-11", "gYearMonth"),
        ("2025-11-03", "2025-11-03", "date"),
        ("[[2008]]", "2008", "gYear"),
        ("2021-03-04T10:00:00Z", "2021-03-04", "date"),
        ("2020/05/01", "2020-05-01", "date"),
        ("May 2020", "2020-05", "gYearMonth"),
        ("05/2020", "2020-05", "gYearMonth"),
        ("[[year: 2025, month: 11]]", "2025-11", "gYearMonth"),
        ("date-parts: [[2025]], [[11]], [[3]]", "2025-11-03", "date"),
        ("3 March 2021", "2021-03-03", "date"),
        ("[[March 3rd, 2021]]", "2021-03-03", "date"),
        ("2025-13", None, None),
    ],
)
def test_dates_keep_their_precision(text: str, value: str | None, datatype: str | None) -> None:
    found = parse_bib_date(text)
    if value is None:
        assert found is None
    else:
        assert found == (value, str(XSD[datatype]))


@pytest.mark.parametrize(
    ("pages", "start", "end"),
    [("285--296", "285", "296"), ("285-96", "285", "296"), ("101–109", "101", "109"), ("e1234", "e1234", None)],  # noqa: RUF001
)
def test_page_ranges(pages: str, start: str, end: str | None, tmp_path: Path) -> None:
    note = tmp_path / "notes" / "@x.md"
    note.parent.mkdir()
    note.write_text(f"- Title:: X\n- Pages:: {pages}\n", encoding="utf-8")
    store, _ = load_into(tmp_path / "store", note.parent)
    with store:
        graph = union_graph(store)
    work = next(graph.subjects(DCTERMS.title, rdflib.Literal("X")))
    assert graph.value(work, BIBO.pageStart) == rdflib.Literal(start)
    assert graph.value(work, BIBO.pageEnd) == (rdflib.Literal(end) if end else None)


def test_library_entries_join_their_notes(tmp_path: Path) -> None:
    """A .bib entry joins the note named by its citekey, or the note that declares it; one with no note is a source
    of its own, which links reach; a CSL-JSON file is read the same way; what cannot be read is named by line."""
    store, report = load_into(tmp_path / "store", BIBLIO / "library")
    with store:
        graph = union_graph(store)
    works = _works(graph)
    titles = {key: [str(t) for t in graph.objects(node, DCTERMS.title)] for key, node in works.items()}
    assert titles == {
        "diekelmannMemoryFunction2010": ["The Memory Function of Sleep"],
        "walkerSleepDependentLearning2004": ["Sleep-Dependent Learning and Memory Consolidation"],
        "nguyenNoOvernightGain2021": ["No Overnight Gain for Finger Tapping Once Time of Day Is Controlled"],
        "vaswaniAttentionAllYou2017": ["Attention Is All You Need"],
        "meyerVanDerBergSpindles2019": ["Spindles and Slow Oscillations"],
    }
    base = "https://w3id.org/rdfnotes/id/library/"
    # joined by name: the note's own node; by a declared `citekey:`: the note named otherwise
    assert str(works["diekelmannMemoryFunction2010"]) == base + "page/diekelmannmemoryfunction2010-34a308e6"
    walker = works["walkerSleepDependentLearning2004"]
    assert str(graph.value(walker, rdflib.RDFS.label)) == "Walker and Stickgold 2004 - Sleep-dependent learning"
    assert graph.value(walker, DCTERMS.issued) == rdflib.Literal("2004-09", datatype=XSD.gYearMonth)  # month = sep
    # no note: a source of its own, which the evidence's link reaches
    nguyen = works["nguyenNoOvernightGain2021"]
    evidence = next(
        graph.subjects(rdflib.RDFS.label, rdflib.Literal("EVD - No overnight gain once time of day was controlled"))
    )
    assert (evidence, DCTERMS.references, nguyen) in graph
    assert _authors(graph, nguyen) == ["Thì Nguyễn", "Hans Müller", "Sleep Replication Consortium"]
    assert _authors(graph, nguyen, BIBO.editorList) == ["Jean de la Fontaine"]
    assert (graph.value(nguyen, DCTERMS.isPartOf), rdflib.RDF.type, BIBO.Proceedings) in graph
    spindles = works["meyerVanDerBergSpindles2019"]
    assert _authors(graph, spindles) == ["Anna van der Berg", "Sleep Research Society"]
    assert graph.value(spindles, DCTERMS.issued) == rdflib.Literal("2019-10", datatype=XSD.gYearMonth)
    assert str(graph.value(works["vaswaniAttentionAllYou2017"], BIBO.identifier)) == "arXiv:1706.03762"
    assert [str(p) for p in report.problems] == [
        "library.bib:44: warning: this entry is not valid BibTeX and was left out ('@book{broken2020,')",
        "library.bib:48: warning: a second entry with the key 'diekelmannMemoryFunction2010': left out (the first "
        "one is read)",
    ]


def test_a_note_appearing_takes_over_its_library_entry(tmp_path: Path) -> None:
    """Sync: the entry joins a note added later, and leaves it again when the note goes; each time the store
    equals a fresh load."""
    folder = writable_copy(BIBLIO / "library", tmp_path)
    note = folder / "@nguyenNoOvernightGain2021.md"

    def synced_equals_fresh(name: str) -> rdflib.Graph:
        with Store(tmp_path / "synced") as store:
            load([folder], store, load_config())
            synced = union_graph(store)
        with Store(tmp_path / name) as store:
            load([folder], store, load_config())
            fresh = union_graph(store)
        assert isomorphic(synced, fresh), describe_difference(fresh, synced)
        return synced

    synced_equals_fresh("fresh-1")
    note.write_text("---\nurl: https://roamresearch.com/#/app/library/page/nGuY3n2021\n---\n\n- Our notes\n")
    graph = synced_equals_fresh("fresh-2")
    node = rdflib.URIRef("https://w3id.org/rdfnotes/id/library/node/nGuY3n2021")
    assert str(graph.value(node, DCTERMS.title)).startswith("No Overnight Gain")
    note.unlink()
    graph = synced_equals_fresh("fresh-3")
    assert (node, None, None) not in graph


def test_two_author_lists_of_one_work_stay_lists(tmp_path: Path) -> None:
    """A note and its library entry naming different authors give two whole lists, not one broken one."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "@okafor2020.md").write_text("- Title:: Spindles\n- Author(s):: Maya Okafor, Ravi Raman\n")
    (folder / "library.bib").write_text(
        "@article{okafor2020, title = {Spindles}, author = {Okafor, Maya and Lee, Jo}}\n"
    )
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        graph = union_graph(store)
    work = next(iter(_works(graph).values()))
    lists = sorted(
        [str(graph.value(p, FOAF.name)) for p in rdflib.collection.Collection(graph, head)]
        for head in graph.objects(work, BIBO.authorList)
    )
    assert lists == [["Maya Okafor", "Jo Lee"], ["Maya Okafor", "Ravi Raman"]]
    assert all(len(list(graph.objects(cell, rdflib.RDF.first))) == 1 for cell in graph.subjects(rdflib.RDF.rest))


def test_zotero_blocks_in_a_roam_json_export(tmp_path: Path) -> None:
    page = {
        "title": "@shipmanFormality1999",
        "uid": "sh1pm4n99",
        "children": [
            {
                "string": "#references",
                "uid": "b1",
                "children": [
                    {"string": "Title: Formality Considered Harmful", "uid": "b2"},
                    {"string": "Authored by::  [[Frank Shipman]] ,  Catherine C. Marshall", "uid": "b3"},
                    {"string": "Year: [[1999]]", "uid": "b4"},
                    {"string": "URL: https://doi.org/10.1023/A:1008716330212", "uid": "b5"},
                ],
            }
        ],
    }
    export = tmp_path / "graph.json"
    export.write_text(json.dumps([page]), encoding="utf-8")
    store, _ = load_into(tmp_path / "store", export)
    with store:
        graph = union_graph(store)
    work = rdflib.URIRef("https://w3id.org/rdfnotes/id/graph/node/sh1pm4n99")
    assert str(graph.value(work, DCTERMS.title)) == "Formality Considered Harmful"
    assert _authors(graph, work) == ["Frank Shipman", "Catherine C. Marshall"]
    assert graph.value(work, DCTERMS.issued) == rdflib.Literal("1999", datatype=XSD.gYear)
    assert str(graph.value(work, BIBO.doi)) == "10.1023/a:1008716330212"


def test_validate_accepts_library_entries_and_dates_by_precision() -> None:
    """A .bib entry joining its note is no second claim on its title; a year-and-month date is a typed date."""
    report = validate([str(BIBLIO / "library"), str(BIBLIO / "obsidian-zotero")], load_config())
    rules = sorted({(finding.rule, finding.severity) for finding in report.findings})
    assert ("duplicate-title", "error") not in rules
    assert not [f for f in report.findings if "publication date" in f.message]


def test_two_literature_notes_of_one_title_stay_two_pages(tmp_path: Path) -> None:
    """A literature note's `title:` is its work's: the page keeps its file's name, so two copies stay two nodes."""
    folder = tmp_path / "vault"
    folder.mkdir()
    for name in ("Abbas 2025.md", "Abbas 2025 (reread).md"):
        (folder / name).write_text('---\ncitekey: "abbas2025"\ntitle: "Deep Learning for Yield"\n---\n')
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        graph = union_graph(store)
    nodes = set(graph.subjects(DCTERMS.title, rdflib.Literal("Deep Learning for Yield")))
    assert sorted(str(graph.value(n, rdflib.RDFS.label)) for n in nodes) == ["Abbas 2025", "Abbas 2025 (reread)"]
