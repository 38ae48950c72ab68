"""The pages (rdfnotes.web) as a WSGI application over the three hand-made labs, and as a static site."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
import rdflib
from click.testing import CliRunner
from lab_pages import context_page, write_lab
from pyoxigraph import RdfFormat
from pyoxigraph import parse as parse_rdf
from support import LAB_A, LAB_B, LAB_C, MATSULAB, SEED, SOCIAL_MEDIA

from rdfnotes import Store, load, load_config
from rdfnotes.cli import cli
from rdfnotes.errors import OutputError
from rdfnotes.labs import lab_bases
from rdfnotes.link import link
from rdfnotes.web import pages_app, write_site
from rdfnotes.web.data import RING_LIMIT, all_nodes, neighbourhood
from rdfnotes.web.diagram import render_svg
from rdfnotes.web.paths import node_path, path_iri

A = "https://w3id.org/rdfnotes/id/lab-a/node/"
RETENTION = A + "QsL33p-01"
REPLAY = A + "QaRt-NN02"
RECALL = A + "CLm-rec-01"
EVIDENCE = {
    A + "EvD-dk-001": "Sleep after learning improved declarative recall relative to wake",
    A + "EvD-wk-002": (
        "Motor sequence speed improved about 20 percent after a night of sleep but not after equivalent wake"
    ),
    A + "EvD-ng-003": "No overnight gain for a finger-tapping task once time of day was controlled for",
}
SOURCES = [
    "The memory function of sleep",
    "Sleep-Dependent Learning and Memory Consolidation",
    "@nguyenNoOvernightGain2021",
]
HOSTILE_QUESTION = "QUE - Is <img src=x onerror=alert(1)> & \"quoted\" 'text' safe?"
HOSTILE_EVIDENCE = "EVD - Ampersands & <script>alert(2)<script> survive"


def load_labs(folder: Path) -> Path:
    """lab-a, lab-b and lab-c (the corpus' hand-made labs) and a lab of hostile titles, in one store."""
    store = Store(folder / "store")
    for path, lab in ((LAB_A, "lab-a"), (LAB_B, "lab-b"), (LAB_C, "lab-c")):
        load([path], store, load_config(), lab=lab)
    hostile = write_lab(
        folder / "hostile",
        {
            HOSTILE_QUESTION: '- <b>not bold</b> & an "ampersand" <!-- comment -->\n',
            HOSTILE_EVIDENCE: context_page(("Informs", HOSTILE_QUESTION)),
        },
    )
    load([hostile], store, load_config(), lab="hostile")
    # a question twenty pieces of evidence inform, each from its own source: more than a diagram draws
    crowded = {"QUE - Crowded question": ""}
    for i in range(RING_LIMIT + 8):
        crowded[f"EVD - Finding number {i:02d} - [[@source{i:02d}]]"] = context_page(
            ("Informs", "QUE - Crowded question")
        )
    load([write_lab(folder / "crowded", crowded)], store, load_config(), lab="crowded")
    link(store)
    store.close()
    return folder / "store"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = Store(load_labs(tmp_path_factory.mktemp("web")))
    yield opened
    opened.close()


class Response:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = int(status.split()[0])
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(store: Store, path: str, query: str = "", *, accept: str | None = None, method: str = "GET") -> Response:
    """One request through the WSGI application, checked by wsgiref's validator (the WSGI rules)."""
    environ: dict[str, object] = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD=method, **{"wsgi.errors": io.StringIO()})
    if accept is not None:
        environ["HTTP_ACCEPT"] = accept
    answer: dict[str, object] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
        answer.update(status=status, headers=headers)
        return lambda data: None

    app = validator(pages_app(store))
    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()  # type: ignore[attr-defined]
    return Response(str(answer["status"]), list(answer["headers"]), body)  # type: ignore[call-overload]


class _Html(HTMLParser):
    """Elements of a page: every tag with its attributes, the text of each section, the hrefs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self._open.append(dict(attrs).get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for section in self._open:
            self.sections.setdefault(section, []).append(data)

    def section(self, name: str) -> str:
        return " ".join(" ".join(self.sections.get(name, [])).split())

    def hrefs(self) -> list[str]:
        return [str(attrs["href"]) for tag, attrs in self.tags if tag in ("a", "link") and attrs.get("href")]


def parse(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    return parser


def page_of(store: Store, iri: str) -> str:
    return "/" + node_path(iri, lab_bases(store))


def test_index_lists_labs_open_questions_and_contested_claims(store: Store) -> None:
    response = get(store, "/")
    assert response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = parse(response.text)
    labs = page.section("labs")
    for lab in ("lab-a", "lab-b", "lab-c"):
        assert lab in labs
    # lab-a: 2 questions, 2 claims, 3 evidence, 4 sources (one only named in an evidence title)
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", response.text) if ">lab-a<" in r)
    assert re.findall(r'class="num">(\d+)<', row)[:5] == ["10", "2", "2", "3", "4"]
    assert "Can replay in artificial networks explain sleep benefits?" in page.section("open-questions")
    assert "Does sleep after learning improve retention?" not in page.section("open-questions")
    contested = page.section("contested-claims")
    assert "Sleep within hours of learning improves later recall 2 supporting · 1 opposing" in contested
    assert "Sleep benefits declarative more than procedural memory 1 supporting · 1 opposing" in contested
    assert "Sleep has no effect on procedural memory" not in contested


def test_question_page_shows_its_evidence_their_sources_and_provenance(store: Store) -> None:
    response = get(store, page_of(store, RETENTION))
    assert response.status == 200
    page = parse(response.text)
    assert "<h1>Does sleep after learning improve retention?</h1>" in response.text
    context = page.section("context")
    assert context.startswith("Discourse context informed by")
    for title in EVIDENCE.values():
        assert title in context
    for source in SOURCES:
        assert f"from Source {source}" in context
    text = " ".join(" ".join(page.text).split())
    assert "Lab lab-a" in text
    assert "File QUE - Does sleep after learning improve retention.md" in text
    assert "Author Maya Okafor" in text
    assert "Created 2023-03-13T08:00:00-04:00" in text
    for iri in EVIDENCE:
        assert page_of(store, iri) in page.hrefs()
    assert page.section("neighbourhood")  # a question's page draws its neighbourhood


def test_claim_page_groups_support_and_opposition(store: Store) -> None:
    page = parse(get(store, page_of(store, RECALL)).text)
    groups = re.findall(
        r'<div class="relation relation-(\w+)"><h3>([^<]+)</h3>', get(store, page_of(store, RECALL)).text
    )
    assert groups == [("supports", "supported by"), ("opposes", "opposed by")]
    assert EVIDENCE[A + "EvD-ng-003"] in page.section("context")


def test_source_page_links_its_identifiers(store: Store) -> None:
    response = get(store, page_of(store, A + "9vT-ab_Q2"))
    assert 'href="https://arxiv.org/abs/1706.03762"' in response.text
    diekelmann = get(store, page_of(store, A + "Xq3dK0p1z"))
    assert 'href="https://doi.org/10.1038/nrn2762"' in diekelmann.text


def test_a_source_page_links_the_same_work_in_other_labs(store: Store) -> None:
    response = get(store, page_of(store, A + "Xq3dK0p1z"))
    groups = re.findall(r'<div class="relation relation-(\w+)"><h3>([^<]+)</h3>(.*?)</div>', response.text)
    same = [body for _, label, body in groups if label == "same as"]
    assert len(same) == 1
    hrefs = re.findall(r'href="([^"]+)"', same[0])
    assert sorted(hrefs) == ["/lab-b/node/019b8a10-0001-7000-8000-00000000b001", "/lab-c/node/c-SRC-0005"]
    assert get(store, "/lab-a/node/Xq3dK0p1z.html").body == response.body  # the static site's links work here too


def test_every_node_has_a_page_and_its_path_maps_back(store: Store) -> None:
    bases = lab_bases(store)
    nodes = all_nodes(store)
    assert len(nodes) > 30
    paths = set()
    for node in nodes:
        path = node_path(node.iri, bases)
        assert path_iri(path, bases) in (node.iri, None)
        paths.add(path)
        assert get(store, "/" + path).status == 200, node
    assert len(paths) == len(nodes)


def test_unknown_pages_give_a_404_page(store: Store) -> None:
    for path in ("/lab-a/node/no-such-node", "/lab-z/node/QsL33p-01", "/nothing/here", "/_/0123456789abcdef01234567"):
        response = get(store, path)
        assert response.status == 404, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "404: not found" in response.text
    assert get(store, "/node", "iri=https%3A%2F%2Fexample.org%2Fnone").status == 404
    found = get(store, "/node", "iri=" + RETENTION)
    assert found.status == 303
    assert found.headers["location"] == "/lab-a/node/QsL33p-01"
    assert get(store, "/static/nothing.css").status == 404


def test_titles_and_text_are_escaped(store: Store) -> None:
    node = next(n for n in all_nodes(store) if n.title.startswith("Is <img"))
    for path in (page_of(store, node.iri), page_of(store, node.iri) + "/diagram", "/", "/search"):
        response = get(store, path, "q=onerror")
        assert response.status == 200
        page = parse(response.text)
        assert not [tag for tag, _ in page.tags if tag in ("img", "script", "b")], path
        assert "onerror" not in {name for _, attrs in page.tags for name in attrs}
    response = get(store, page_of(store, node.iri))
    assert "Is &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot; &#x27;text&#x27; safe?" in response.text
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; an &quot;ampersand&quot; &lt;!-- comment --&gt;" in response.text
    assert "Ampersands &amp; &lt;script&gt;alert(2)&lt;script&gt; survive" in response.text
    svg = get(store, page_of(store, node.iri) + "/diagram.svg")
    assert svg.headers["content-type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(svg.body)  # well-formed XML whatever the titles hold
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Ampersands & <script>alert(2)<script>" in texts


def test_content_negotiation_gives_turtle_and_json_ld(store: Store) -> None:
    path = page_of(store, RETENTION)
    html = get(store, path, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["vary"] == "Accept"
    turtle = get(store, path, accept="text/turtle")
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    question = rdflib.URIRef(RETENTION)
    informs = rdflib.URIRef("https://w3id.org/rdfnotes/ns#informs")
    assert set(graph.subjects(informs, question)) == {rdflib.URIRef(iri) for iri in EVIDENCE}
    assert get(store, path, "format=ttl").body == turtle.body
    assert get(store, path + ".ttl").body == turtle.body
    jsonld = get(store, path, accept="application/ld+json;q=0.9, text/html;q=0.5")
    assert jsonld.headers["content-type"] == "application/ld+json"
    # (rdflib's JSON-LD parser warns of its own deprecations: Oxigraph reads it, and compares it with the Turtle)
    assert set(parse_rdf(jsonld.body, format=RdfFormat.JSON_LD)) == set(parse_rdf(turtle.body, format=RdfFormat.TURTLE))
    assert json.loads(get(store, path + ".jsonld").body) == json.loads(jsonld.body)
    assert get(store, path, "format=pdf").status == 406
    index = rdflib.Graph().parse(data=get(store, "/", accept="text/turtle").text, format="turtle")
    titles = {str(o) for o in index.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert {"lab-a", "lab-b", "lab-c"} <= titles
    diagram = rdflib.Graph().parse(data=get(store, path + "/diagram.ttl").text, format="turtle")
    assert (rdflib.URIRef(A + "EvD-dk-001"), informs, question) in diagram


def test_head_and_other_methods(store: Store) -> None:
    head = get(store, "/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert get(store, "/", method="POST").status == 405


def test_search_finds_a_node_by_a_word_of_its_title(store: Store) -> None:
    page = parse(get(store, "/search", "q=replay").text)
    found = [h for h in page.hrefs() if "/node/" in h]
    assert page_of(store, REPLAY) in found
    assert page_of(store, RETENTION) not in found
    both = parse(get(store, "/search", "q=RETENTION+Sleep").text)
    assert page_of(store, RETENTION) in both.hrefs()
    assert "No node has" in get(store, "/search", "q=zzzzqqq").text


def test_diagram_colours_types_and_tells_supports_from_opposes(store: Store) -> None:
    response = get(store, page_of(store, RECALL) + "/diagram.svg")
    root = ET.fromstring(response.body)
    ns = "{http://www.w3.org/2000/svg}"
    nodes = {a.get("data-iri"): a.get("class") for a in root.iter(f"{ns}a")}
    assert nodes[RECALL] == "node node-claim node-centre"
    assert {iri for iri, cls in nodes.items() if cls == "node node-evidence"} == set(EVIDENCE)
    assert "node node-source" in nodes.values()  # two steps out: the evidence's sources
    edges = [p for p in root.iter(f"{ns}path") if "edge" in (p.get("class") or "")]
    supports = [e for e in edges if e.get("class") == "edge edge-supports"]
    opposes = [e for e in edges if e.get("class") == "edge edge-opposes"]
    assert len(supports) == 2 and len(opposes) == 2  # EvD-wk-002 also opposes the other claim, one step further
    assert all(e.get("stroke-dasharray") for e in opposes) and not any(e.get("stroke-dasharray") for e in supports)
    assert {e.get("stroke") for e in supports}.isdisjoint({e.get("stroke") for e in opposes})
    legend = " ".join(
        t.text or "" for g in root.iter(f"{ns}g") if g.get("class") == "legend" for t in g.iter(f"{ns}text")
    )
    assert "supports" in legend and "opposes" in legend


def test_a_large_neighbourhood_is_limited_with_a_note(store: Store) -> None:
    question = next(n for n in all_nodes(store) if n.title == "Crowded question")
    response = get(store, page_of(store, question.iri) + "/diagram")
    drawn = re.findall(r'<a class="node node-evidence" href="[^"]*" data-iri="([^"]+)"', response.text)
    assert len(drawn) == RING_LIMIT
    assert "8 more nodes 1 step out not drawn (8 Evidence) and their own neighbours" in response.text
    # the sources of the drawn evidence are drawn two steps out; those of the evidence left out are not
    assert len(re.findall(r'<a class="node node-source"', response.text)) == RING_LIMIT
    assert "Finding number 19" in response.text  # listed among those left out, with a link


def test_static_site_has_every_page_relative_links_and_stable_bytes(store: Store, tmp_path: Path) -> None:
    report = write_site(store, tmp_path / "one")
    again = write_site(store, tmp_path / "two")
    assert report.files == again.files
    files = sorted(p.relative_to(report.directory) for p in report.directory.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again.directory) for p in again.directory.rglob("*") if p.is_file())
    for name in files:
        assert (report.directory / name).read_bytes() == (again.directory / name).read_bytes(), name
    site = report.directory
    for name in ("index.html", "search.html", "404.html", "index.ttl", "static/style.css", "static/search.js"):
        assert (site / name).is_file()
    question = site / "lab-a/node/QsL33p-01.html"
    assert "Does sleep after learning improve retention?" in question.read_text(encoding="utf-8")
    assert (site / "lab-a/node/QsL33p-01/diagram.svg").is_file()
    assert (site / "lab-a/node/QsL33p-01.ttl").read_bytes() == get(store, "/lab-a/node/QsL33p-01.ttl").body
    # every link between the site's files resolves to a file of the site
    for page in site.rglob("*.html"):
        for href in parse(page.read_text(encoding="utf-8")).hrefs():
            if urlsplit(href).scheme:
                continue
            assert not href.startswith("/"), (page, href)
            target = (page.parent / unquote(urlsplit(href).path)).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page, href)
    assert report.pages == len(all_nodes(store)) + 3 + len([n for n in all_nodes(store) if n.type.key == "question"])


def test_export_command_writes_the_site_and_removes_stale_pages(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "lab"
    write_lab(folder, {"QUE - First": "", "QUE - Second": ""})
    store_dir = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store_dir), "load", str(folder), "--lab", "mine"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(store_dir), "export", "--format", "html", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {tmp_path / 'site'}: 7 pages, ")
    second = next((tmp_path / "site/mine/page").glob("que-second-*.html"))
    (folder / "QUE - Second.md").unlink()
    assert runner.invoke(cli, ["--store", str(store_dir), "load", str(folder), "--lab", "mine"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(store_dir), "export", "--format", "html", "-o", str(tmp_path / "site")])
    assert "(7 stale removed)" in result.output
    assert not second.exists()
    missing = runner.invoke(cli, ["--store", str(store_dir), "export", "--format", "html"])
    assert missing.exit_code == 2 and "give it with -o DIR" in missing.output


def test_hostile_node_and_search_parameters_get_pages_not_errors(store: Store) -> None:
    # /node?iri= takes any text: one that is no IRI names no node (before: the query's QueryError became a 500)
    for iri in ("foo", "http://example.org/a>b", "<https://example.org/x>"):
        response = get(store, "/node", "iri=" + quote(iri))
        assert response.status == 404, iri
        assert "There is no node with the IRI" in response.text
    # a word written <…> is searched as text, not bound as an IRI
    for words in ("<b>", "<https://example.org/x>"):
        response = get(store, "/search", "q=" + quote(words))
        assert response.status == 200, words
        assert "No node has" in response.text
    assert "Is &lt;img src=x" in get(store, "/search", "q=" + quote("< <img")).text


def test_search_folds_case_as_the_store_and_the_static_script_do(tmp_path: Path) -> None:
    title = "Sleep on the Straße is <b>"
    with Store(tmp_path / "store") as words:
        load([write_lab(tmp_path / "words", {f"CLM - {title}": ""})], words, load_config(), lab="words")
        for query in ("straße", "STRAßE sleep", "<b>", "sleep <B>"):
            found = parse(get(words, "/search", "q=" + quote(query)).text)
            assert [t for t in found.text if title in t], query


def test_static_site_removes_only_its_own_stale_files(store: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    write_site(store, site)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("not the site's", encoding="utf-8")
    (site / "linked").symlink_to(outside)
    listing = site / ".rdfnotes-site"
    # the listing is a file in the folder: whoever could write there could name any file in it
    extra = [str(outside / "keep.html"), "linked/keep.html", "../outside/keep.html", "lab-a/node/gone.html"]
    (site / "lab-a/node/gone.html").write_text("an old page", encoding="utf-8")
    listing.write_text(listing.read_text(encoding="utf-8") + "\n".join(extra) + "\n", encoding="utf-8")
    report = write_site(store, site)
    assert report.removed == 1
    assert not (site / "lab-a/node/gone.html").exists()
    assert (outside / "keep.html").read_text(encoding="utf-8") == "not the site's"


def test_a_lab_named_like_a_file_of_the_site_gets_hashed_paths(tmp_path: Path) -> None:
    with Store(tmp_path / "store") as named:
        load([write_lab(tmp_path / "lab", {"QUE - First": ""})], named, load_config(), lab="index.ttl")
        report = write_site(named, tmp_path / "site")
        assert (report.directory / "index.ttl").is_file()
        question = next(n for n in all_nodes(named) if n.title == "First")
        path = node_path(question.iri, lab_bases(named))
        assert path.startswith("_/") and (report.directory / f"{path}.html").is_file()
        assert get(named, "/" + path).status == 200


def test_a_site_that_cannot_be_written_is_a_message(store: Store, tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write the site there"):
        write_site(store, taken)
    store_dir = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store_dir), "load", str(LAB_A)]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(store_dir), "export", "--format", "html", "-o", str(taken / "site")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {taken}") and "cannot write the site there" in result.stderr


def test_a_diagram_of_more_steps_than_two_is_drawn(store: Store) -> None:
    hood = neighbourhood(store, RECALL, steps=3)
    assert hood is not None and len(hood.rings) == 3
    root = ET.fromstring(render_svg(hood, str))
    headings = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("font-weight") == "600"]
    assert headings == ["this node", "one step out", "two steps out", "3 steps out"]


OTHER_RDF = """@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dg: <https://discoursegraphs.com/schema/dg_core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:claim a dg:Claim ; rdfs:label "A claim from elsewhere", "Une affirmation"@fr ;
  ex:score 10, 9, "9.5"^^xsd:decimal, "nine"@en, "ten" ; ex:seeAlso ex:b, ex:a ;
  ex:author [ rdfs:label "Someone without an IRI" ] ; dcterms:references ex:claim .
ex:evidence a dg:Evidence ; rdfs:label "Evidence from elsewhere" ; dg:supports ex:claim ;
  dg:sourceDocument ex:source ; ex:when "2024-01-02"^^xsd:date, "2023-05-06"^^xsd:date .
ex:source a dg:SourceDocument ; rdfs:label "A source" ; dcterms:title "Its title", "Another title" .
ex:score rdfs:label "score", "points" .
"""


@pytest.mark.parametrize(("chunk", "jobs"), [(3, 1), (400, 1), (7, 2)])
def test_static_site_read_in_chunks_is_byte_identical_to_one_node_at_a_time(
    store: Store, tmp_path: Path, chunk: int, jobs: int
) -> None:
    # The site is read a chunk of nodes at a time (rdfnotes.web.batch), in this process or in worker processes;
    # the server's queries, one node at a time, are the oracle: every file the same bytes, on every fixture, a lab
    # loaded from RDF with blank nodes and mixed literals, and the hand-made labs with hostile titles.
    other = tmp_path / "other"
    other.mkdir()
    (other / "claims.ttl").write_text(OTHER_RDF, encoding="utf-8")
    stores: list[Store] = [store]
    for i, folder in enumerate((SOCIAL_MEDIA, MATSULAB, SEED, other)):
        extra = Store(tmp_path / f"store-{i}")
        load([folder], extra, load_config(), lab=f"lab{i}")
        stores.append(extra)
    try:
        for i, opened in enumerate(stores):
            fast = write_site(opened, tmp_path / f"fast-{i}", chunk=chunk, jobs=jobs)
            slow = write_site(opened, tmp_path / f"slow-{i}", chunk=0)
            assert (fast.pages, fast.files) == (slow.pages, slow.files)
            names = sorted(p.relative_to(slow.directory) for p in slow.directory.rglob("*") if p.is_file())
            assert names == sorted(p.relative_to(fast.directory) for p in fast.directory.rglob("*") if p.is_file())
            for name in names:
                assert (fast.directory / name).read_bytes() == (slow.directory / name).read_bytes(), (i, name)
    finally:
        for opened in stores[1:]:
            opened.close()


def test_names_and_linked_nodes_kept_between_chunks_give_the_same_site(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a chunk asked of the nodes its notes link to is kept for the chunks after it, up to batch.CACHED IRIs,
    # then let go: a cache of a few IRIs (let go at most chunks) and one of all give the per-node site's bytes.
    from rdfnotes.web import batch

    slow = write_site(store, tmp_path / "slow", chunk=0)
    for cached in (5, 100_000):
        monkeypatch.setattr(batch, "CACHED", cached)
        fast = write_site(store, tmp_path / f"fast-{cached}", chunk=4, jobs=1)
        names = sorted(p.relative_to(slow.directory) for p in slow.directory.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(fast.directory) for p in fast.directory.rglob("*") if p.is_file())
        for name in names:
            assert (fast.directory / name).read_bytes() == (slow.directory / name).read_bytes(), (cached, name)
