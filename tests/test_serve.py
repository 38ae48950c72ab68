"""rdfnotes serve, started as a command on a free loopback port and queried with real SPARQL clients."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.dom import minidom

import pytest
import rdflib
from lab_pages import context_page, source_page, write_lab
from pyoxigraph import RdfFormat, serialize
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from support import LAB_A

from rdfnotes import Store, bundled_queries, load, load_config, run_query
from rdfnotes.link import link

CONTESTED = next(q.text for q in bundled_queries() if q.name == "contested-claims")
VOID_CONSTRUCT = """
PREFIX void: <http://rdfs.org/ns/void#>
CONSTRUCT { ?d ?p ?o } WHERE { ?d a void:Dataset ; ?p ?o }
"""
# Three copies of every triple joined with every other: far longer than any time limit of these tests.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def make_store(folder: Path) -> Path:
    store = Store(folder / "store")
    load([LAB_A], store, load_config(), lab="lab-a")
    claim = "CLM - Naps help"
    lab_x = write_lab(folder / "x", {claim: "", "EVD - Naps helped": context_page(("Supports", claim))})
    load([lab_x], store, load_config(), lab="lab-x")
    link(store)
    store.close()
    return folder / "store"


def start(store: Path, log: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    script = Path(sys.executable).parent / "rdfnotes"
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from rdfnotes.cli import main; main()"]
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "--store", str(store), "serve", "--port", "0", *options], stderr=out)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"at (http://\S+/sparql)", log.read_text(errors="replace"))
        if found:
            return process, found.group(1)
        time.sleep(0.05)
    stop(process)
    pytest.fail(f"rdfnotes serve did not start: {log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="module")
def endpoint(store_dir: Path, expected: dict[str, object]) -> Iterator[str]:
    """The server, started once the local answers are taken (it holds the store open while it runs)."""
    process, url = start(store_dir, store_dir.parent / "serve.log", "--max-request", "20000")
    yield url
    stop(process)
    assert process.returncode == 0, "the server did not stop cleanly on TERM"


@pytest.fixture(scope="module")
def expected(store_dir: Path) -> dict[str, object]:
    """The local store's answers, taken before the server opens it."""
    with Store(store_dir) as store:
        contested = run_query(store, "query", text=CONTESTED)
        void = run_query(store, "query", text=VOID_CONSTRUCT)
    rows = [
        {v: t.value for v, t in zip(contested.variables, row, strict=True) if t is not None} for row in contested.rows
    ]
    assert void.triples is not None
    graph = rdflib.Graph().parse(data=serialize(void.triples, format=RdfFormat.N_TRIPLES), format="nt")
    return {"contested": rows, "void": graph}


def test_sparqlwrapper_select_in_json_xml_and_csv(expected: dict[str, object], endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(CONTESTED)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert isinstance(answer, dict)
    rows = [{var: cell["value"] for var, cell in row.items()} for row in answer["results"]["bindings"]]
    assert rows == expected["contested"] and rows
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert isinstance(document, minidom.Document)
    assert len(document.getElementsByTagName("result")) == len(rows)
    client.setReturnFormat(CSV)
    text = client.query().convert()
    assert isinstance(text, bytes)
    assert text.decode().splitlines()[0] == "claim,claim_title,supporting,opposing"


def test_sparqlwrapper_construct_in_turtle(expected: dict[str, object], endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(VOID_CONSTRUCT)
    client.setReturnFormat(TURTLE)
    data = client.query().convert()
    assert isinstance(data, bytes)
    graph = rdflib.Graph().parse(data=data.decode(), format="turtle")
    assert len(graph) > 0 and isomorphic(graph, expected["void"])  # type: ignore[arg-type]


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = graph.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX void: <http://rdfs.org/ns/void#> "
        "SELECT ?lab WHERE { ?d a void:Dataset ; dcterms:title ?lab } ORDER BY ?lab"
    )
    assert [str(row[0]) for row in rows] == ["lab-a", "lab-x"]  # type: ignore[index]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def request(url: str, data: bytes | None = None, **headers: str) -> tuple[int, str, bytes]:
    method = headers.pop("method", None)
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers, method=method), timeout=30
        ) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def test_content_negotiation(endpoint: str) -> None:
    select = "?query=" + urllib.parse.quote("SELECT ?s WHERE { ?s a <http://rdfs.org/ns/void#Dataset> } ORDER BY ?s")
    status, media, body = request(endpoint + select, Accept="text/tab-separated-values")
    assert (status, media) == (200, "text/tab-separated-values; charset=utf-8")
    assert body.decode().splitlines() == [
        "?s",
        "<https://w3id.org/rdfnotes/id/lab-a/void#dataset>",
        "<https://w3id.org/rdfnotes/id/lab-x/void#dataset>",
    ]
    status, media, _ = request(endpoint + select, Accept="text/csv;q=0.5, application/sparql-results+xml")
    assert media.startswith("application/sparql-results+xml")
    status, media, _ = request(endpoint + select + "&format=csv", Accept="application/json")
    assert media.startswith("text/csv")
    status, _, body = request(endpoint + select, Accept="text/turtle")
    assert status == 406 and b"application/sparql-results+json" in body
    assert request(endpoint + select, Accept="text/*")[1] == "text/csv; charset=utf-8"
    assert request(endpoint + select, Accept="*/*")[1] == "application/sparql-results+json; charset=utf-8"
    construct = "?query=" + urllib.parse.quote(VOID_CONSTRUCT)
    status, media, body = request(endpoint + construct, Accept="application/n-triples")
    assert (status, media) == (200, "application/n-triples")
    assert len(rdflib.Graph().parse(data=body.decode(), format="nt")) > 0
    status, media, body = request(endpoint, VOID_CONSTRUCT.encode(), **{"Content-Type": "application/sparql-query"})
    assert (status, media) == (200, "text/turtle; charset=utf-8")


def test_read_only_and_limits(endpoint: str) -> None:
    status, _, body = request(endpoint, form(update="DROP ALL"))
    assert status == 403 and b"read-only" in body
    status, _, _ = request(endpoint, b"DROP ALL", **{"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, body = request(endpoint, form(query="DROP ALL"))
    assert status == 400 and b"not a valid SPARQL query" in body
    status, _, _ = request(endpoint, form(query="SELECT * WHERE { ?s ?p ?o } # " + "x" * 30_000))
    assert status == 413
    status, _, _ = request(endpoint, b"x", method="PUT")
    assert status == 405
    status, _, _ = request(endpoint + "?query=ASK%7B%7D", Host="attacker.example")
    assert status == 403
    # Nothing was dropped.
    status, _, body = request(endpoint + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"), Accept="application/json")
    assert (status, body) == (200, b'{"head":{},"boolean":true}')


def test_other_paths(endpoint: str) -> None:
    root = endpoint.removesuffix("/sparql")
    # The HTML pages answer every path but /sparql.
    status, media, _ = request(root + "/")
    assert (status, media) == (200, "text/html; charset=utf-8")
    assert request(root + "/nothing")[:2] == (404, "text/html; charset=utf-8")


def test_a_query_past_its_time_gets_503(tmp_path: Path) -> None:
    process, url = start(make_store(tmp_path), tmp_path / "slow.log", "--timeout", "1", "-q")
    try:
        started = time.monotonic()
        status, _, body = request(url, form(query=SLOW))
        waited = time.monotonic() - started
        assert status == 503 and b"longer than 1 s" in body
        assert waited < 5
        # The server still answers while that query runs on.
        status, _, _ = request(url + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"))
        assert status == 200
    finally:
        stop(process)


def test_a_bundled_query_asks_a_partner_endpoint_with_service(endpoint: str, tmp_path: Path) -> None:
    ours = write_lab(
        tmp_path / "ours",
        {
            "@review": source_page("Memory and sleep", DOI="https://doi.org/10.1038/NRN2762"),
            "@transformer": source_page("Transformers", url="https://arxiv.org/abs/1706.03762v7"),
            "@unshared": source_page("Only ours", DOI="10.1000/only.ours"),
        },
    )
    with Store(tmp_path / "store") as store:
        load([ours], store, load_config(), lab="ours")
        result = run_query(store, "cross-partner-works", {"endpoint": f"<{endpoint}>"})
        rows = {(row[1].value, row[4].value) for row in result.rows if row[1] is not None and row[4] is not None}
        assert run_query(store, "cross-partner-works", {"endpoint": "<http://127.0.0.1:9/sparql>"}).rows == []
    partner = "https://w3id.org/rdfnotes/id/"
    # Ours by their pages' names, the partner's by their Roam uids; "Only ours" is not there.
    assert {(work.rsplit("/", 1)[1].split("-")[0], theirs.removeprefix(partner)) for work, theirs in rows} == {
        ("review", "lab-a/node/Xq3dK0p1z"),
        ("transformer", "lab-a/node/9vT-ab_Q2"),
    }


def wsgi_get(app: object, path: str, query: str = "", method: str = "GET") -> tuple[str, dict[str, str], bytes]:
    """Call a WSGI application in-process, as wsgiref's test defaults describe a request."""
    from wsgiref.util import setup_testing_defaults

    environ: dict[str, object] = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(app(environ, lambda status, headers: seen.append((status, headers))))  # type: ignore[operator]
    return seen[0][0], dict(seen[0][1]), body


def test_every_other_path_goes_to_the_pages_app(tmp_path: Path) -> None:
    from rdfnotes.serve import SparqlApp

    def pages(environ: dict[str, object], start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])  # type: ignore[operator]
        return [f"page {environ['PATH_INFO']}".encode()]

    with Store(make_store(tmp_path)) as store:
        app = SparqlApp(store)
        app.pages = pages  # what rdfnotes.web.pages_app(store) gives when the module is there
        assert wsgi_get(app, "/")[::2] == ("200 OK", b"page /")
        assert wsgi_get(app, "/lab/lab-a")[::2] == ("200 OK", b"page /lab/lab-a")
        ask = "query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
        assert wsgi_get(app, "/sparql", ask)[::2] == ("200 OK", b'{"head":{},"boolean":true}')


def test_cross_origin_requests_only_for_the_origin_given(tmp_path: Path, endpoint: str) -> None:
    from rdfnotes.serve import SparqlApp

    with urllib.request.urlopen(endpoint + "?query=" + urllib.parse.quote("ASK {}"), timeout=10) as response:
        assert response.headers.get("Access-Control-Allow-Origin") is None
    with Store(make_store(tmp_path)) as store:
        app = SparqlApp(store, cors_origin="https://yasgui.example")
        status, headers, body = wsgi_get(app, "/sparql", "query=ASK%7B%7D", method="OPTIONS")
        assert (status, body) == ("204 No Content", b"")
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert headers["Access-Control-Allow-Methods"] == "GET, POST"
        status, headers, _ = wsgi_get(app, "/sparql", "query=ASK%7B%7D")
        assert (status, headers["Access-Control-Allow-Origin"]) == ("200 OK", "https://yasgui.example")


def post(app: object, body: bytes, length: str) -> tuple[str, bytes]:
    """A form POST to ``/sparql`` in-process, with the Content-Length given."""
    import io
    from wsgiref.util import setup_testing_defaults

    environ: dict[str, object] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/sparql",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": length,
        "wsgi.input": io.BytesIO(body),
    }
    setup_testing_defaults(environ)
    seen: list[str] = []
    answer = b"".join(app(environ, lambda status, headers: seen.append(status)))  # type: ignore[operator]
    return seen[0], answer


def test_a_negative_content_length_is_refused_not_read_to_the_end(tmp_path: Path) -> None:
    from rdfnotes.serve import Limits, SparqlApp

    body = b"query=" + urllib.parse.quote("ASK { ?s ?p ?o }").encode() + b"#" * 2_000
    with Store(make_store(tmp_path)) as store:
        app = SparqlApp(store, Limits(max_request_bytes=1_000))
        for length in ("-1", "x"):
            status, answer = post(app, body, length)
            assert status == "400 Bad Request" and b"Content-Length" in answer, length
        assert post(app, body, str(len(body)))[0] == "413 Content Too Large"


def test_a_port_out_of_range_is_a_message(tmp_path: Path) -> None:
    from rdfnotes.errors import ServeError
    from rdfnotes.serve import make_server

    store_dir = make_store(tmp_path)
    with Store(store_dir) as store, pytest.raises(ServeError, match=r"cannot listen on 127\.0\.0\.1:70000 \("):
        make_server(store, port=70_000)
    script = Path(sys.executable).parent / "rdfnotes"
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from rdfnotes.cli import main; main()"]
    done = subprocess.run([*command, "--store", str(store_dir), "serve", "--port", "70000"], capture_output=True)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("Error: cannot listen on 127.0.0.1:70000 (")
