"""Security: query parameters cannot change a query; loading reaches no network and reads nothing outside the paths
it is given; ``serve`` stays read-only and bounded under hostile requests; ``push`` shows no credentials, even when
the server echoes them."""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import shutil
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode
from support import LAB_A

from rdfnotes import QueryError, Store, export, load, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.vocab import RDFS, XSD

CONFIG = load_config()
HOSTILE = [
    '" } ; DROP ALL ; #',
    'Maya Okafor" || true || "',
    "x' } UNION { ?s ?p ?o } #",
    "}\nINSERT DATA { <urn:x> <urn:y> <urn:z> }\n#",
    '\\" ) } #',
    "#",
    "?author",
    "$author",
    "<http://example.org/a> } ; CLEAR DEFAULT ; #",
]
HOSTILE_IRIS = [
    "http://example.org/a> } ; DROP ALL ; #",
    "<http://example.org/a>> ?p ?o } #>",
    "http://example.org/a\nb",
    'http://example.org/"quoted"',
    "not an iri at all",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store(tmp_path_factory.mktemp("security") / "store") as store:
        load([LAB_A], store, CONFIG)
        yield store


# -- query parameters ----------------------------------------------------------------------------------------------


def test_a_string_parameter_matches_only_itself(lab: Store) -> None:
    """Any value for a string parameter gives exactly the rows whose value equals it, and changes nothing."""
    before = export(lab, "nquads")
    everything = run_query(lab, "notes-by-author").rows
    authors = sorted({row[0].value for row in everything if row[0] is not None})
    labels = sorted(row[0].value for row in lab.query(f"SELECT ?l WHERE {{ ?n <{RDFS.label}> ?l }}"))
    cases = 0

    @settings(max_examples=150, database=None)
    @given(
        st.sampled_from(HOSTILE + authors + labels)
        | st.text(max_size=40)
        | st.builds("{}{}{}".format, st.sampled_from(authors), st.sampled_from(HOSTILE), st.text(max_size=5))
    )
    def check(value: str) -> None:
        nonlocal cases
        cases += 1
        rows = run_query(lab, "notes-by-author", {"author": value}).rows
        assert rows == [row for row in everything if row[0] is not None and row[0].value == value]
        if value.startswith("<") and value.endswith(">"):
            return  # an undeclared parameter written <…> is an IRI (see the next test), not a string
        text = f"SELECT ?n ?label WHERE {{ ?n <{RDFS.label}> ?label }}"
        found = run_query(lab, "ad-hoc", {"label": value}, text=text).rows
        assert len(found) == labels.count(value)

    check()
    assert cases > 0
    assert export(lab, "nquads") == before


def test_a_query_file_s_own_parameter_types_hold(lab: Store, tmp_path: Path) -> None:
    """A query that is not bundled declares its parameters' types with ``# param:`` lines as the bundled ones do:
    a string stays a string whatever it looks like; undeclared, ``<…>`` is taken for an IRI."""
    declared = "# param: word string  A word\n# param: day date  A day\nSELECT ?word ?day WHERE {}\n"
    path = tmp_path / "declared.rq"
    path.write_text(declared, encoding="utf-8")
    for result in (
        run_query(lab, str(path), {"word": "<http://example.org/a>", "day": "2024-01-02"}),
        run_query(lab, "ad-hoc", {"word": "<http://example.org/a>", "day": "2024-01-02"}, text=declared),
    ):
        [[word, day]] = result.rows
        assert isinstance(word, Literal) and word.value == "<http://example.org/a>"
        assert isinstance(day, Literal) and day.datatype == NamedNode(XSD.date)
    [[word]] = run_query(lab, "ad-hoc", {"word": "<http://example.org/a>"}, text="SELECT ?word WHERE {}").rows
    assert word == NamedNode("http://example.org/a")


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_an_iri_parameter_that_is_not_an_iri_is_refused(lab: Store, value: str) -> None:
    before = export(lab, "nquads")
    with pytest.raises(QueryError, match="is not a valid iri"):
        run_query(lab, "question-overview", {"question": value})
    assert export(lab, "nquads") == before


@pytest.fixture(scope="module")
def closed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded and closed, for the command line to open."""
    path = tmp_path_factory.mktemp("cli") / "store"
    with Store(path) as store:
        load([LAB_A], store, CONFIG)
    return path


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_through_the_command_line(closed_store: Path, value: str) -> None:
    with Store(closed_store) as store:
        before = export(store, "nquads")
    result = CliRunner().invoke(
        cli,
        ["--store", str(closed_store), "query", "notes-by-author", "--param", f"author={value}"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert result.output.endswith("(0 rows)\n")
    with Store(closed_store) as store:
        assert export(store, "nquads") == before


# -- loading: no network, nothing outside the given paths -------------------------------------------------------


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = json.dumps({"@context": {"name": "http://evil.example/name"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def watcher() -> Iterator[tuple[str, list[str]]]:
    """A server on loopback that records every request: every URL in the files below points at it."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Counting.hits
    server.shutdown()
    server.server_close()


def test_loading_fetches_nothing(tmp_path: Path, watcher: tuple[str, list[str]]) -> None:
    url, hits = watcher
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "remote-context.jsonld").write_text(
        json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://example.org/a", "name": "A"}), encoding="utf-8"
    )
    (folder / "context-list.jsonld").write_text(
        json.dumps({"@context": [f"{url}/one.jsonld", {"ex": "http://example.org/"}], "@id": "ex:b", "ex:p": "B"}),
        encoding="utf-8",
    )
    (folder / "scoped-and-imported.jsonld").write_text(
        json.dumps(
            {
                "@context": {
                    "@version": 1.1,
                    "@import": f"{url}/imported.jsonld",
                    "ex": {"@id": "http://example.org/p", "@context": f"{url}/scoped.jsonld"},
                },
                "@id": "http://example.org/c",
                "ex": {"name": "C"},
            }
        ),
        encoding="utf-8",
    )
    (folder / "imports.ttl").write_text(
        f"@base <{url}/base/> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<> owl:imports <{url}/onto.ttl> .\n",
        encoding="utf-8",
    )
    (folder / "@remote.md").write_text(
        f"---\ntitle: '@remote'\nurl: {url}/page\n---\n- URL:: {url}/paper.pdf\n- ![figure]({url}/figure.png)\n"
        f"- [[{url}/wikilink]] {{{{embed: {url}/embed}}}}\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "store") as store:
        report = load([folder], store, CONFIG)
        export(store, "turtle")
    assert hits == []
    messages = [str(problem) for problem in report.problems]
    assert any("remote-context.jsonld" in m and "is not fetched" in m for m in messages), messages
    assert any("context-list.jsonld" in m and "is not fetched" in m for m in messages), messages


def test_nothing_outside_the_given_folder_is_read(tmp_path: Path) -> None:
    """Links to folders are not followed; links to files outside the folder are named and not read."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: TOP SECRET\n---\n- password:: hunter2\n", encoding="utf-8")
    folder = tmp_path / "notes"
    shutil.copytree(LAB_A, folder)
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
    (folder / "linked-file.md").symlink_to(outside / "secret.md")
    (folder / "inside-link.md").symlink_to(folder / "QUE - Does sleep after learning improve retention.md")
    with Store(tmp_path / "store") as store:
        report = load([folder], store, CONFIG)
        data = export(store, "nquads")
    assert data is not None and b"hunter2" not in data and b"TOP SECRET" not in data
    assert [(p.path, p.severity) for p in report.errors] == [("linked-file.md", "error")]
    assert "outside the folder being loaded: not read" in report.errors[0].message
    assert report.notes == 11  # lab-a's 10, and the link inside the folder, read like any note


# -- serve -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def endpoint(lab: Store) -> Iterator[str]:
    from rdfnotes.serve import Limits, make_server

    server = make_server(lab, "127.0.0.1", 0, limits=Limits(max_request_bytes=10_000, query_timeout=2), quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def raw_request(address: str, request: bytes, timeout: float = 10) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_serve_answers_hostile_requests_without_writing_or_waiting(lab: Store, endpoint: str) -> None:
    before = export(lab, "nquads")
    update = urllib.parse.quote("DROP ALL")
    host = f"Host: {endpoint}\r\n"
    answers = {
        "update by GET": raw_request(endpoint, f"GET /sparql?update={update} HTTP/1.1\r\n{host}\r\n".encode()),
        "update by form": raw_request(
            endpoint,
            (
                f"POST /sparql HTTP/1.1\r\n{host}Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len('update=' + update)}\r\n\r\nupdate={update}"
            ).encode(),
        ),
        "update as a query": raw_request(
            endpoint,
            (
                f"GET /sparql?query={urllib.parse.quote('INSERT DATA { <urn:a> <urn:b> <urn:c> }')} HTTP/1.1\r\n"
                f"{host}\r\n"
            ).encode(),
        ),
        # A body announced as huge and never sent: refused at once, not waited for.
        "huge body": raw_request(
            endpoint,
            (
                f"POST /sparql HTTP/1.1\r\n{host}Content-Type: application/sparql-query\r\n"
                "Content-Length: 10000000000\r\n\r\nSELECT"
            ).encode(),
            timeout=5,
        ),
        "huge query string": raw_request(
            endpoint, (f"GET /sparql?query={'x' * 20_000} HTTP/1.1\r\n{host}\r\n").encode()
        ),
        "rebound host name": raw_request(
            endpoint, (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
        ),
    }
    statuses = {what: answer.split(b" ", 2)[1] for what, answer in answers.items()}
    assert statuses == {
        "update by GET": b"403",
        "update by form": b"403",
        "update as a query": b"400",
        "huge body": b"413",
        "huge query string": statuses["huge query string"],
        "rebound host name": b"403",
    }
    assert statuses["huge query string"] in (b"413", b"414")
    assert export(lab, "nquads") == before


def test_serve_listens_on_loopback_by_default() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "[default: 127.0.0.1]" in " ".join(result.output.split())


# -- push --------------------------------------------------------------------------------------------------------


class _Echo(http.server.BaseHTTPRequestHandler):
    """A server that takes the lab's VoID graph, then fails and echoes the request's headers in its error message
    (a careless proxy): the first line of an error body is shown to the user."""

    def _fail(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.command == "PUT" and urllib.parse.unquote(self.path).endswith("/void"):
            self.send_response(204)
            self.end_headers()
            return
        body = "".join(f"{name}: {value} | " for name, value in self.headers.items()).encode()
        self.send_response(404 if self.command == "GET" else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _fail

    def log_message(self, format: str, *args: object) -> None:
        return


def with_credentials(how: str, port: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of a push to ``port``, with lab-bot's credentials given ``how``: a token, a user and password in the
    environment, or in the URL."""
    if how == "token":
        monkeypatch.setenv("RDFNOTES_PUSH_TOKEN", "s3cret-value")
    elif how == "environment":
        monkeypatch.setenv("RDFNOTES_PUSH_USER", "lab-bot")
        monkeypatch.setenv("RDFNOTES_PUSH_PASSWORD", "s3cret-value")
    else:
        return f"http://lab-bot:s3cret-value@127.0.0.1:{port}/store"
    return f"http://127.0.0.1:{port}/store"


@pytest.mark.parametrize("how", ["token", "password in the URL", "environment"])
def test_push_never_shows_credentials_even_when_the_server_echoes_them(
    lab: Store, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rdfnotes.errors import PushError
    from rdfnotes.push import push

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = with_credentials(how, server.server_port, monkeypatch)
    try:
        with pytest.raises(PushError) as caught:
            push(lab, url)
    finally:
        server.shutdown()
        server.server_close()
    message = str(caught.value)
    assert "HTTP 500" in message and "***" in message
    encoded = base64.b64encode(b"lab-bot:s3cret-value").decode()
    assert "s3cret-value" not in message and encoded not in message, message


# -- push: credentials stay with their origin, passwords are never shown ----------------------------------------


class _Redirect(http.server.BaseHTTPRequestHandler):
    """Every request is answered by a redirect to the same path on ``target``."""

    target: ClassVar[str] = ""
    code: ClassVar[int] = 302

    def _redirect(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.code)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = do_DELETE = _redirect

    def log_message(self, format: str, *args: object) -> None:
        return


class _Collector(http.server.BaseHTTPRequestHandler):
    """Records each request's method and Authorization header; answers 404 to GET (no graph yet), 204 else."""

    seen: ClassVar[list[tuple[str, str | None]]] = []

    def _record(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.command, self.headers.get("Authorization")))
        self.send_response(404 if self.command == "GET" else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = do_DELETE = _record

    def log_message(self, format: str, *args: object) -> None:
        return


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("how", ["token", "environment", "password in the URL"])
@pytest.mark.parametrize("code", [302, 307])
def test_push_sends_no_credentials_to_another_origin_after_a_redirect(
    lab: Store, how: str, code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server (one port) redirects every request to another (another port: another origin); the second must
    never see the credentials. urllib's own redirect handler forwarded the Authorization header."""
    from rdfnotes.errors import PushError
    from rdfnotes.push import push

    collector, redirector = _serve(_Collector), _serve(_Redirect)
    _Collector.seen = []
    _Redirect.target, _Redirect.code = f"http://127.0.0.1:{collector.server_port}", code
    url = with_credentials(how, redirector.server_port, monkeypatch)
    try:
        with contextlib.suppress(PushError):  # a PUT is not redirected by urllib: the push fails, saying so
            push(lab, url)
    finally:
        for server in (collector, redirector):
            server.shutdown()
            server.server_close()
    assert _Collector.seen, "the redirect was not followed at all"
    assert [auth for _, auth in _Collector.seen] == [None] * len(_Collector.seen)


class _MovedHere(_Collector):
    """``/old/…`` redirects to ``/new/…`` on the same server (the same origin); the rest is recorded."""

    def _either(self) -> None:
        if not self.path.startswith("/old"):
            self._record()
            return
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(302)
        self.send_header("Location", "/new" + self.path.removeprefix("/old"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_POST = do_DELETE = _either


def test_push_keeps_credentials_on_a_redirect_within_the_origin(lab: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from rdfnotes.errors import PushError
    from rdfnotes.push import push

    server = _serve(_MovedHere)
    _Collector.seen = []
    monkeypatch.setenv("RDFNOTES_PUSH_TOKEN", "s3cret-value")
    try:
        with contextlib.suppress(PushError):  # the PUT gets a 302, which urllib does not follow
            push(lab, f"http://127.0.0.1:{server.server_port}/old/store", protocol="graph-store")
    finally:
        server.shutdown()
        server.server_close()
    assert ("GET", "Bearer s3cret-value") in _Collector.seen


@pytest.mark.parametrize("password", ["pa/ss", "pa#ss", "pa?ss", "pa@ss", "p@/#?:ss", "pa%2Fss", "pa:ss", "a/b@c#d?e"])
@pytest.mark.parametrize("encoded", [False, True])
def test_push_never_shows_a_password_however_the_url_is_written(lab: Store, password: str, encoded: bool) -> None:
    """Against a closed port and an echoing server: the password appears in no message, as written or decoded."""
    from rdfnotes.errors import PushError
    from rdfnotes.push import push, redact

    written = urllib.parse.quote(password, safe="") if encoded else password
    echo = _serve(_Echo)
    try:
        for port in (echo.server_port, 9):
            url = f"http://lab-bot:{written}@127.0.0.1:{port}/store"
            assert password not in redact(url) and written not in redact(url)
            with pytest.raises(PushError) as caught:
                push(lab, url)
            message = str(caught.value)
            for secret in {password, written, urllib.parse.unquote(written)}:
                assert secret not in message, message
            encoded_basic = base64.b64encode(f"lab-bot:{urllib.parse.unquote(written)}".encode()).decode()
            assert encoded_basic not in message
            assert "\n" not in message
    finally:
        echo.shutdown()
        echo.server_close()
