"""rdfnotes push against a real Oxigraph server (the ``oxigraph`` command of the test extra) on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from lab_pages import context_page, source_page, write_lab
from servers import free_port, oxigraph_server, select, virtuoso_server
from support import LAB_A

from rdfnotes import Store, bundled_queries, load, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.errors import PushError
from rdfnotes.labs import labs
from rdfnotes.link import link
from rdfnotes.push import push, redact


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh Oxigraph server (union default graph, as a shared server of several labs is run), stopped after."""
    with oxigraph_server(tmp_path, union_default_graph=True) as url:
        yield url


def server_rows(url: str, query: str, endpoint: str = "/query") -> list[dict[str, str]]:
    answer = select(url + endpoint, query)
    return [{var: cell["value"] for var, cell in row.items()} for row in answer["results"]["bindings"]]


def local_rows(store: Store, query: str) -> list[dict[str, str]]:
    result = run_query(store, "query", text=query)
    return [{v: t.value for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows]


ALL_TRIPLES = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"


def as_set(rows: list[dict[str, str]]) -> set[tuple[tuple[str, str], ...]]:
    return {tuple(sorted(row.items())) for row in rows}


def server_graphs(url: str) -> set[str]:
    return {row["g"] for row in server_rows(url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


def lab_x(folder: Path) -> Path:
    return write_lab(
        folder,
        {
            "@diekelmann2010": source_page("The Memory Function of Sleep", url="https://doi.org/10.1038/nrn2762"),
            "EVD - Naps helped word-pair recall": context_page(
                ("FromSource", "@diekelmann2010"), ("Informs", "QUE - Do naps count"), ("Supports", "CLM - Naps help")
            ),
            "EVD - Naps did nothing for motor tasks": context_page(("Opposes", "CLM - Naps help")),
            "QUE - Do naps count": "",
            "CLM - Naps help": "",
        },
    )


@pytest.fixture
def two_labs(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "store")
    load([LAB_A], store, load_config(), lab="lab-a")
    load([lab_x(tmp_path / "x")], store, load_config(), lab="lab-x")
    link(store)
    yield store
    store.close()


def test_the_server_answers_as_the_local_store(server: str, two_labs: Store) -> None:
    report = push(two_labs, f"{server}/store")
    assert (report.protocol, report.labs, report.deleted) == ("graph-store", ["lab-a", "lab-x"], 0)
    # 10 + 5 note graphs, a VoID graph per lab, and the link graph.
    assert report.graphs == 18
    assert server_graphs(server) == set(two_labs.named_graphs())
    assert as_set(server_rows(server, ALL_TRIPLES)) == as_set(local_rows(two_labs, ALL_TRIPLES))
    for query in bundled_queries():
        assert as_set(server_rows(server, query.text)) == as_set(local_rows(two_labs, query.text)), query.name
    shared = server_rows(server, next(q.text for q in bundled_queries() if q.name == "cross-shared-works"))
    assert {(r["lab"], r["other_lab"]) for r in shared} == {("lab-a", "lab-x"), ("lab-x", "lab-a")}


def test_a_second_push_after_a_change_leaves_no_stale_triples(server: str, two_labs: Store, tmp_path: Path) -> None:
    push(two_labs, f"{server}/store")
    removed = next(g for g in labs(two_labs)[1].graphs if "nothing" in g)
    (tmp_path / "x" / "EVD - Naps did nothing for motor tasks.md").unlink()
    (tmp_path / "x" / "CLM - Naps help.md").write_text("---\ntitle: CLM - Naps help\n---\n\n- Only short naps.\n")
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    link(two_labs)

    report = push(two_labs, f"{server}/store")
    assert report.deleted == 1
    assert removed not in server_graphs(server)
    assert server_graphs(server) == set(two_labs.named_graphs())
    assert as_set(server_rows(server, ALL_TRIPLES)) == as_set(local_rows(two_labs, ALL_TRIPLES))
    assert push(two_labs, f"{server}/store").deleted == 0


def test_one_lab_at_a_time(server: str, two_labs: Store) -> None:
    report = push(two_labs, f"{server}/store", lab_names=["lab-x"])
    assert report.labs == ["lab-x"]
    assert server_graphs(server) == {*labs(two_labs)[1].graphs, "https://w3id.org/rdfnotes/id/lab-x/void"}
    push(two_labs, f"{server}/store", lab_names=["lab-a"])
    assert len(server_graphs(server)) == len(two_labs.named_graphs()) - 1  # all but the link graph


def test_sparql_update_when_there_is_no_graph_store(server: str, two_labs: Store, tmp_path: Path) -> None:
    report = push(two_labs, f"{server}/update")
    assert report.protocol == "update"
    assert as_set(server_rows(server, ALL_TRIPLES)) == as_set(local_rows(two_labs, ALL_TRIPLES))
    (tmp_path / "x" / "EVD - Naps did nothing for motor tasks.md").unlink()
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    link(two_labs)
    push(two_labs, f"{server}/update", protocol="update")
    assert server_graphs(server) == set(two_labs.named_graphs())
    assert as_set(server_rows(server, ALL_TRIPLES)) == as_set(local_rows(two_labs, ALL_TRIPLES))
    # The record the update left is read by the Graph Store Protocol too: nothing stale after switching.
    (tmp_path / "x" / "EVD - Naps helped word-pair recall.md").unlink()
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    link(two_labs)
    assert push(two_labs, f"{server}/store", protocol="graph-store").deleted == 1
    assert as_set(server_rows(server, ALL_TRIPLES)) == as_set(local_rows(two_labs, ALL_TRIPLES))


def test_credentials_are_used_and_never_shown(
    server: str, two_labs: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDFNOTES_PUSH_USER", "lab-bot")
    monkeypatch.setenv("RDFNOTES_PUSH_PASSWORD", "s3cret-from-env")
    # Oxigraph takes no credentials and ignores them: the push goes through with the Authorization header sent.
    assert push(two_labs, f"{server}/store").graphs == 18
    closed = f"http://lab-bot:s3cret-in-url@127.0.0.1:{free_port()}/store"
    with pytest.raises(PushError) as caught:
        push(two_labs, closed)
    message = str(caught.value)
    assert message.startswith("http://127.0.0.1:") and "cannot reach the server" in message
    assert "s3cret" not in message and "lab-bot" not in message
    two_labs.close()
    result = CliRunner().invoke(cli, ["--store", str(two_labs.path), "push", closed])
    assert result.exit_code == 2 and "s3cret" not in result.output + result.stderr


def test_credentials_from_netrc(server: str, two_labs: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login lab-bot password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert push(two_labs, f"{server}/store").graphs == 18
    netrc.write_text("machine 127.0.0.1 login lab-bot secret-typed-without-keyword\n")
    with pytest.raises(PushError, match=r"netrc:\d+: cannot read the credentials file") as caught:
        push(two_labs, f"{server}/store")
    assert "secret" not in str(caught.value)


def test_push_command(server: str, two_labs: Store) -> None:
    two_labs.close()
    result = CliRunner().invoke(cli, ["--store", str(two_labs.path), "push", f"{server}/store"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Pushed 2 labs (lab-a, lab-x) to {server}/store by graph-store: 18 graphs, "
        f"{sum(1 for _ in server_rows(server, 'SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }'))} triples; "
        "0 stale graphs deleted. The server's default graph is their union.\n"
    )
    result = CliRunner().invoke(cli, ["--store", str(two_labs.path), "push", f"{server}/store", "--lab", "lab-x"])
    assert result.stdout.endswith(
        "0 stale graphs deleted. The server's default graph is as it was: push every lab to make it their union.\n"
    )


def test_credentials_in_the_url_are_percent_decoded_and_never_shown(two_labs: Store) -> None:
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Refusing(BaseHTTPRequestHandler):
        def _refuse(self) -> None:
            seen.append(self.headers.get("Authorization", ""))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST = _refuse

        def log_message(self, format: str, *args: object) -> None:
            return

    with ThreadingHTTPServer(("127.0.0.1", 0), Refusing) as refusing:
        threading.Thread(target=refusing.serve_forever, daemon=True).start()
        url = f"http://lab-bot:p%40ss%3Aword@127.0.0.1:{refusing.server_port}/store"
        try:
            with pytest.raises(PushError, match="refused") as caught:
                push(two_labs, url, protocol="graph-store")
        finally:
            refusing.shutdown()
    # Basic first; after a 401 that asks for nothing, credentials only go in answer to a Digest challenge
    assert seen and {base64.b64decode(h.removeprefix("Basic ")) for h in seen if h} == {b"lab-bot:p@ss:word"}
    assert seen[0].startswith("Basic ") and set(seen[1:]) <= {""}
    assert "p%40ss" not in str(caught.value) and "lab-bot" not in str(caught.value)


def test_a_url_with_credentials_and_a_bad_port_is_a_message(two_labs: Store) -> None:
    assert redact("http://lab-bot:s3cret@127.0.0.1:abc/store") == "http://127.0.0.1:abc/store"
    with pytest.raises(PushError) as caught:
        push(two_labs, "http://lab-bot:s3cret@127.0.0.1:abc/store")
    assert str(caught.value).startswith("http://127.0.0.1:abc/store: ") and "s3cret" not in str(caught.value)


# -- Virtuoso 7: Digest authentication, no default graph of its own ------------------------------------------------

PUSHED = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/rdfnotes/')) }"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


def pushed_quads(url: str) -> set[tuple[str, ...]]:
    return {(r["g"], r["s"], r["p"], r["o"]) for r in server_rows(url, PUSHED, "/sparql")}


def stored_quads(store: Store) -> set[tuple[str, ...]]:
    return {(q.graph_name.value, q.subject.value, q.predicate.value, q.object.value) for q in store.named_quads()}  # type: ignore[union-attr]


def test_virtuoso_takes_pushes_by_both_protocols_and_keeps_no_stale_triples(
    virtuoso: str, two_labs: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDFNOTES_PUSH_USER", "dba")
    monkeypatch.setenv("RDFNOTES_PUSH_PASSWORD", "dba")
    # The Graph Store Protocol, authenticated by Digest (Virtuoso answers Basic with a bare 401)
    report = push(two_labs, f"{virtuoso}/sparql-graph-crud-auth")
    assert (report.protocol, report.graphs, report.deleted, report.default_graph) == ("graph-store", 18, 0, False)
    assert pushed_quads(virtuoso) == stored_quads(two_labs)
    (tmp_path / "x" / "EVD - Naps did nothing for motor tasks.md").unlink()
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    link(two_labs)
    assert push(two_labs, f"{virtuoso}/sparql-graph-crud-auth").deleted == 1
    assert pushed_quads(virtuoso) == stored_quads(two_labs)
    # SPARQL Update at its authenticated endpoint: the record the Graph Store push left is followed
    (tmp_path / "x" / "EVD - Naps helped word-pair recall.md").unlink()
    load([tmp_path / "x"], two_labs, load_config(), lab="lab-x")
    link(two_labs)
    report = push(two_labs, f"{virtuoso}/sparql-auth", protocol="update")
    assert (report.protocol, report.default_graph) == ("update", False)
    assert pushed_quads(virtuoso) == stored_quads(two_labs)


def test_virtuoso_refuses_a_wrong_password_and_the_message_does_not_show_it(
    virtuoso: str, two_labs: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RDFNOTES_PUSH_USER", "dba")
    monkeypatch.setenv("RDFNOTES_PUSH_PASSWORD", "not-the-dba-password")
    with pytest.raises(PushError) as caught:
        push(two_labs, f"{virtuoso}/sparql-graph-crud-auth", protocol="graph-store")
    assert str(caught.value) == (
        f"{virtuoso}/sparql-graph-crud-auth: the server refused the PUT of graph "
        "<https://w3id.org/rdfnotes/id/lab-a/void> (HTTP 401): give credentials in RDFNOTES_PUSH_USER and "
        "RDFNOTES_PUSH_PASSWORD, RDFNOTES_PUSH_TOKEN, or ~/.netrc"
    )
