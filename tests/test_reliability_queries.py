"""Hostile queries: one cannot crash ``rdfnotes query`` or ``serve``, outlive its timeout, call another server
through ``SERVICE``, or get a traceback printed; ``serve`` speaks the rest of the SPARQL 1.1 Protocol (a service
description, ``default-graph-uri`` and ``named-graph-uri``).

The thresholds the guard stands in front of were found by bisection, each query run in a subprocess on pyoxigraph
0.5.13, 8 MiB of stack (the main thread's): the process dies of a segmentation fault at 4,672 nested parentheses
(4,640 pass), 2,192 nested braces (2,176 pass), 840 nested ``FILTER EXISTS {`` (832 pass), 4,096 nested lists
(4,064 pass), 2,544 nested sub-selects (2,528 pass); a FILTER of 9,344 ``||`` terms (9,280 pass), 9,344 ``!``,
6,592 ``UNION`` or ``OPTIONAL``, 2,624 ``MINUS`` (2,608 pass), 8,192 triple patterns joined or objects listed,
8,192 steps of a path. The guard's limits (200 deep, 2,000 operators or groups in one group) are under those, and
the engine runs on a 64 MiB stack, where each threshold is 8x higher (measured for parentheses: 37,000).
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import rdflib
from click.testing import CliRunner
from support import LAB_A

from rdfnotes import Store, load, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.sparql_guard import GuardLimits, QueryRefused, check, inspect

LIMITS = GuardLimits()
# The queries that killed the process before the guard (see the module's docstring).
CRASHERS = {
    "4,700 nested parentheses": "SELECT * WHERE { FILTER(" + "(" * 4_700 + "1" + ")" * 4_700 + ") }",
    "2,200 nested braces": "SELECT * WHERE " + "{" * 2_200 + "?s ?p ?o" + "}" * 2_200,
    "10,000 || terms": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 10_000) + ") }",
    "10,000 !": "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * 10_000 + "?o) }",
    "7,000 UNION": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 7_000) + " }",
    "9,000 triple patterns": "SELECT * WHERE { " + " . ".join(f"?s <urn:p> ?o{i}" for i in range(9_000)) + " }",
    "900 nested FILTER EXISTS": "SELECT * WHERE { ?s ?p ?o " + "FILTER EXISTS { " * 900 + "?s ?p ?o" + "}" * 900 + " }",
}


def nested(kind: str, n: int) -> str:
    if kind == "paren":
        return "SELECT * WHERE { FILTER(" + "(" * (n - 2) + "1" + ")" * (n - 2) + ") }"
    if kind == "brace":
        return "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n
    if kind == "or":  # n operators in the FILTER's one group
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o"] * (n + 1)) + ") }"
    if kind == "groups":  # n groups joined
        return "SELECT * WHERE { " + " ".join(["{}"] * n) + " }"
    raise ValueError(kind)


def make_store(folder: Path) -> Path:
    path = folder / "store"
    with Store(path) as store:
        load([LAB_A], store, load_config(), lab="lab-a")
    return path


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store for ``rdfnotes query`` (each test's server has its own: it holds its store while it runs)."""
    return make_store(tmp_path_factory.mktemp("queries"))


def rdfnotes(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, check=False)


# -- the guard -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "limit"), [("paren", 200), ("brace", 200), ("or", 2_000), ("groups", 2_000)])
def test_the_limits_hold_at_the_limit_and_refuse_past_it(lab_a_store: Store, kind: str, limit: int) -> None:
    """A query at a limit runs (in this process: a crash would end the tests); one past it is refused."""
    at, past = nested(kind, limit), nested(kind, limit + 1)
    shape = inspect(at)
    assert (shape.depth if kind in ("paren", "brace") else shape.chain) == limit
    check(at)
    with pytest.raises(QueryRefused, match=f"over the limit of {limit:,}$"):
        check(past)
    run_query(lab_a_store, "at the limit", text=at)


def test_brackets_and_operators_inside_strings_comments_and_iris_count_for_nothing() -> None:
    quoted = "(" * 5_000 + "||" * 3_000
    for text in (
        f'SELECT * WHERE {{ ?s ?p "{quoted}" }}',
        f"SELECT * WHERE {{ ?s ?p '''{quoted}\n''' }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} # {quoted}\n",
        'SELECT * WHERE { ?s ?p "a\\"(((" }',
    ):
        shape = inspect(text)
        assert shape.depth <= 1 and shape.chain <= 2, text[:60]
    # Outside a string, escaped or spaced, they count.
    assert inspect('SELECT * WHERE { FILTER("a\\\\" = ((((1)))) }').depth == 6
    assert inspect("SELECT * WHERE {\n{ {\t{ ?s ?p ?o } } } }").depth == 4


def test_a_query_over_the_size_limit_is_refused() -> None:
    with pytest.raises(QueryRefused, match=r"^the query is 512,101 bytes, over the limit of 512,000$"):
        check("ASK {}" + " " * 512_095)


@pytest.mark.parametrize("what", CRASHERS)
def test_rdfnotes_query_refuses_what_crashed_it(store_dir: Path, what: str) -> None:
    """Each of these queries ended ``rdfnotes query`` with a segmentation fault (exit status 139)."""
    done = rdfnotes("--store", str(store_dir), "query", "-", stdin=CRASHERS[what])
    assert done.returncode == 2, (done.returncode, done.stderr[-300:])
    assert done.stdout == ""
    assert done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "over the limit of" in done.stderr


def test_rdfnotes_query_gives_one_line_for_a_runtime_error(store_dir: Path) -> None:
    """A SERVICE nobody answers: was a 37-line traceback."""
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    done = rdfnotes("--store", str(store_dir), "query", "-", stdin=query)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: standard input: the query failed: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


# -- serve -----------------------------------------------------------------------------------------------------------


def start(store: Path, log: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    from test_serve import start as start_serve

    return start_serve(store, log, *options)


def stop(process: subprocess.Popen[bytes]) -> None:
    from test_serve import stop as stop_serve

    stop_serve(process)


def ask(url: str, query: str | None = None, timeout: float = 60, **headers: str) -> tuple[int, str, bytes]:
    full = url if query is None else url + "?" + urllib.parse.urlencode({"query": query})
    data = None
    if len(full) > 6_000 and query is not None:  # a long query goes in a POST, as clients send it
        full, data = url, urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(full, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint on loopback that records every request and answers one empty result."""

    hits: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.hits.append(self.path)
        body = json.dumps(
            {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:x"}}]}}
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql", _Recorder.hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    folder = tmp_path_factory.mktemp("serve")
    log = folder / "serve.log"
    process, url = start(make_store(folder), log, "--timeout", "5")
    yield url, process
    stop(process)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text and "unsendable" not in text, text[-2_000:]


@pytest.mark.parametrize("what", CRASHERS)
def test_serve_refuses_what_crashed_it_and_keeps_answering(served: tuple[str, object], what: str) -> None:
    url, _ = served
    status, media, body = ask(url, CRASHERS[what])
    assert (status, media) == (400, "text/plain; charset=utf-8")
    assert body.count(b"\n") == 1 and b"over the limit of" in body
    assert ask(url, "ASK { ?s ?p ?o }")[::2] == (200, b'{"head":{},"boolean":true}')


def test_a_timed_out_query_is_stopped_and_the_next_is_answered_at_once(served: tuple[str, object]) -> None:
    """Four runaway queries at once (one per worker): each gets 503 at its timeout, and its worker is killed, not
    left running: the next query is answered while the workers are replaced, and no process runs on."""
    url, process = served
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
    pid = process.pid  # type: ignore[attr-defined]
    workers = set(children(pid))
    assert len(workers) == 4
    answers: list[tuple[int, bytes]] = []

    def run() -> None:
        status, _, body = ask(url, slow)
        answers.append((status, body))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == [(503, b"the query ran longer than 5 s: simplify it or add a LIMIT\n")] * 4
    # Answered, not "too many queries running" (for minutes, before).
    assert ask(url, "ASK { ?s ?p ?o }")[::2] == (200, b'{"head":{},"boolean":true}')
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(set(children(pid)) - workers) < 4:
        time.sleep(0.1)
    now = set(children(pid))
    assert len(now) == 4 and not now & workers, "the killed workers run on, or were not replaced"


def test_a_query_past_the_memory_cap_stops_its_worker_not_the_server(tmp_path: Path) -> None:
    """Each BIND doubles a string: 24 of them ask for 16 GB; the cap is 400 MiB."""
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(24))
    query = f'SELECT (STRLEN(?s24) AS ?n) WHERE {{ BIND("{"x" * 1_000}" AS ?s0) {binds} }}'
    log = tmp_path / "serve.log"
    process, url = start(make_store(tmp_path), log, "--max-memory", "400", "-q")
    try:
        status, _, body = ask(url, query)
        assert status == 503 and body.startswith(b"the query ") and body.count(b"\n") == 1, body
        assert ask(url, "ASK { ?s ?p ?o }")[::2] == (200, b'{"head":{},"boolean":true}')
        assert rss_kib(process.pid) < 400 * 1024
    finally:
        stop(process)
    assert "Traceback" not in log.read_text(errors="replace")


def test_serve_answers_406_and_runtime_errors_in_one_line_and_leaks_nothing(served: tuple[str, object]) -> None:
    url, process = served
    select = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    status, _, body = ask(url, select, Accept="image/png")
    assert status == 406 and body.count(b"\n") == 1
    pid = process.pid  # type: ignore[attr-defined]
    for _ in range(50):  # warm up the server's own buffers
        ask(url, select, Accept="image/png")
    before = rss_kib(pid)
    for _ in range(300):
        assert ask(url, select, Accept="image/png")[0] == 406
    grown = rss_kib(pid) - before
    assert grown < 1_024, f"300 requests answered 406 took {grown} KiB"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
        "select * where { service silent <{url}> { ?s ?p ?o } }",
        "SELECT * WHERE { # a comment\n  SeRvIcE\n<{url}> { ?s ?p ?o } }",
        "PREFIX ep: <{base}> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
        "BASE <{base}> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?ep { <{url}> } SERVICE ?ep { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?x ?y 'a' . FILTER(?x<'x>') SERVICE <{url}> { ?s ?p ?o } #' }",
        "SELECT * WHERE { FILTER(?x<?y#>'''\n) SERVICE <{url}> { ?s ?p ?o } #''' }",
    ],
)
def test_serve_refuses_service_by_default(
    served: tuple[str, object], recorder: tuple[str, list[str]], query: str
) -> None:
    url, _ = served
    endpoint, hits = recorder
    text = query.replace("{url}", endpoint).replace("{base}", endpoint.removesuffix("sparql"))
    status, _, body = ask(url, text)
    assert status == 403 and body.count(b"\n") == 1, body
    assert hits == []


def test_service_in_strings_and_comments_is_no_service(served: tuple[str, object]) -> None:
    url, _ = served
    for query in (
        'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "SERVICE <http://x/> {")) } LIMIT 1',
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # SERVICE <http://x/> {}\n",
        "PREFIX service: <http://example.org/> SELECT ?service WHERE { ?service service:p ?o }",
    ):
        assert ask(url, query)[0] == 200, query


def test_allow_service_allows_only_the_endpoints_named(tmp_path: Path, recorder: tuple[str, list[str]]) -> None:
    endpoint, hits = recorder
    closed = "http://127.0.0.1:9/sparql"
    log = tmp_path / "serve.log"
    process, url = start(make_store(tmp_path), log, "--allow-service", endpoint, "--allow-service", closed)
    try:
        status, _, body = ask(url, f"SELECT ?s WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}", Accept="text/csv")
        assert (status, body) == (200, b"s\r\nurn:x\r\n")
        assert len(hits) == 1
        other = endpoint.replace("/sparql", "/other")
        status, _, body = ask(url, f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}")
        assert status == 403 and body.startswith(f"SERVICE <{other}> is not allowed here".encode())
        status, _, body = ask(url, f"SELECT * WHERE {{ VALUES ?e {{ <{endpoint}> }} SERVICE ?e {{ ?s ?p ?o }} }}")
        assert (status, body) == (403, b"SERVICE with a variable endpoint is refused: name the endpoint\n")
        assert len(hits) == 1
        # An allowed endpoint that does not answer: a runtime error, in one line.
        status, _, body = ask(url, f"SELECT * WHERE {{ SERVICE <{closed}> {{ ?s ?p ?o }} }}")
        assert status == 500 and body.startswith(b"the query failed: ") and body.count(b"\n") == 1
    finally:
        stop(process)
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_plain_get_is_the_service_description(served: tuple[str, object]) -> None:
    url, _ = served
    status, media, body = ask(url)
    assert (status, media) == (200, "text/turtle; charset=utf-8")
    graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    [service] = graph.subjects(rdflib.RDF.type, sd.Service)
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(url)
    assert graph.value(service, sd.supportedLanguage) == sd.SPARQL11Query
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.feature, sd.BasicFederatedQuery) not in graph  # SERVICE is off
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(service, sd.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "Turtle"} <= formats
    status, media, body = ask(url, Accept="application/n-triples")
    assert (status, media) == (200, "application/n-triples")
    assert len(rdflib.Graph().parse(data=body.decode(), format="nt")) == len(graph)


def test_default_and_named_graph_uris_are_honoured(served: tuple[str, object]) -> None:
    url, _ = served
    graphs_query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    status, _, body = ask(url, graphs_query, Accept="text/csv")
    assert status == 200
    graphs = body.decode().split("\r\n")[1:-1]
    first, second = graphs[0], graphs[1]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def number(params: list[tuple[str, str]], query: str = count) -> list[str]:
        query_string = urllib.parse.urlencode([("query", query), *params])
        status, _, body = ask(f"{url}?{query_string}", Accept="text/csv")
        assert status == 200, body
        return body.decode().split("\r\n")[1:-1]

    in_first = number(
        [("named-graph-uri", first)], f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}"
    )
    assert number([("default-graph-uri", first)]) == in_first
    both = int(number([("default-graph-uri", first), ("default-graph-uri", second)])[0])
    assert both > int(in_first[0])
    assert number([("named-graph-uri", second)], graphs_query) == [second]
    assert number([("named-graph-uri", second), ("named-graph-uri", first)], graphs_query) == [first, second]
    # Either parameter sets the whole dataset: with named graphs only, the default graph is empty.
    assert number([("named-graph-uri", second)]) == ["0"]


def test_serve_command_help_names_allow_service() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--allow-service URL" in result.output
