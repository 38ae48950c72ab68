"""rdfnotes serve, started as a command on a free loopback port and queried with real SPARQL clients."""

from __future__ import annotations

import importlib.util
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
from lab_pages import context_page, write_lab
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
    if importlib.util.find_spec("rdfnotes.web") is None:
        status, _, body = request(root + "/")
        assert status == 200 and b"/sparql" in body
        assert request(root + "/nothing")[0] == 404
    else:
        # The HTML pages answer every path but /sparql.
        status, media, _ = request(root + "/")
        assert status != 404 and not media.startswith("text/plain")


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
