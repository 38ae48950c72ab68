"""``rdfnotes serve``: the local store behind a read-only `SPARQL 1.1 Protocol`_ endpoint, ``/sparql``.

A WSGI application (:func:`sparql_app`), served by the standard library's ``wsgiref`` with a thread per request
(:func:`serve`). Queries come by ``GET ?query=…``, by ``POST`` of a form or of ``application/sparql-query``; they
run over the store's default graph, the union of every lab's notes. Results are negotiated from ``Accept`` (or a
``format`` parameter): SPARQL JSON (the default), XML, CSV or TSV; Turtle (the default), N-Triples, JSON-LD or
RDF/XML for ``CONSTRUCT`` and ``DESCRIBE``.

Safe by default: updates are refused (403), the server listens on 127.0.0.1 and then answers only requests that
name a local host (a web page cannot reach it through a rebound DNS name), a request body is limited in size, and a
query that runs past its time gets 503 (it cannot be stopped inside Oxigraph: it finishes in the background, and at
most ``max_running`` queries run at a time). Cross-origin requests (a YASGUI page) are allowed only for the origin
given.

Every other path goes to ``rdfnotes.web.pages_app(store)``, the HTML pages.

.. _SPARQL 1.1 Protocol: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as _make_server
from wsgiref.util import request_uri

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, serialize

from .errors import RdfnotesError, ServeError
from .media import FORMAT_NAMES, GRAPH_TYPES, NotAcceptable, negotiate, ranked_media
from .query_workers import PoolError, QueryPool, Request
from .sparql_guard import GuardLimits, QueryRefused, ServiceRefused, check
from .store import DATA_DIR, Store

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 1_000_000
    """The largest request body (or query string) taken; larger gets 413."""
    query_timeout: float = 30.0
    """Seconds a query may run; then its worker is killed and the client gets 503. A query waits as long again,
    at most, for a free worker."""
    max_running: int = 4
    """Queries running at a time: the number of worker processes. More wait, up to ``query_timeout``."""
    max_memory: int = 2 << 30
    """Bytes of memory (heap and private mappings) each worker may take (its query fails beyond; 0: no cap)."""
    guard: GuardLimits = field(default_factory=GuardLimits)
    """What a query may be before it reaches the engine: size, nesting depth, chains of operators."""


class _Reply(Exception):
    """An HTTP answer other than results, raised from deep in a request and answered in one place."""

    def __init__(self, status: str, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


class SparqlApp:
    """The WSGI application: ``/sparql`` here, every other path to the HTML pages (:func:`rdfnotes.web.pages_app`)."""

    def __init__(
        self,
        store: Store,
        limits: Limits = Limits(),
        *,
        allowed_hosts: frozenset[str] | None = LOCAL_HOSTS,
        cors_origin: str | None = None,
        allow_service: Iterable[str] = (),
    ) -> None:
        from .web import pages_app

        self.store = store
        self.limits = limits
        self.allowed_hosts = allowed_hosts
        self.cors_origin = cors_origin
        self.allow_service = frozenset(allow_service)
        """The ``SERVICE`` endpoints a query may call (none by default: the endpoint must not be a proxy)."""
        self.pages: WSGIApplication = pages_app(store)
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()

    @property
    def pool(self) -> QueryPool:
        """The query workers, started with the first query."""
        with self._pool_lock:
            if self._pool is None:
                self._pool = QueryPool(
                    self.store.path / DATA_DIR, size=self.limits.max_running, memory=self.limits.max_memory
                )
            return self._pool

    def close(self) -> None:
        """Stop the query workers."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            self._check_host(environ)
            path = environ.get("PATH_INFO") or "/"
            if path != "/sparql":
                return self.pages(environ, start_response)
            status, media, body = self._sparql(environ)
            headers = [("Content-Type", media), ("Vary", "Accept")]
        except _Reply as reply:
            status, body = reply.status, (reply.message + "\n").encode("utf-8") if reply.message else b""
            headers = [("Content-Type", "text/plain; charset=utf-8"), *reply.headers]
        except Exception as exc:  # a bug or a failing store: one line to the client and the log, no traceback
            message = " ".join(f"the request failed: {type(exc).__name__}: {exc}".split())[:500]
            print(f"rdfnotes serve: {message}", file=sys.stderr)
            status, body = "500 Internal Server Error", (message + "\n").encode("utf-8")
            headers = [("Content-Type", "text/plain; charset=utf-8")]
        if self.cors_origin:
            headers.append(("Access-Control-Allow-Origin", self.cors_origin))
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _check_host(self, environ: WSGIEnvironment) -> None:
        host = environ.get("HTTP_HOST")
        if self.allowed_hosts is None or not host:
            return
        name = host[1 : host.index("]")] if host.startswith("[") and "]" in host else host.rsplit(":", 1)[0]
        if name.lower() not in self.allowed_hosts:
            raise _Reply("403 Forbidden", f"this endpoint answers requests for {', '.join(sorted(self.allowed_hosts))}")

    def _sparql(self, environ: WSGIEnvironment) -> tuple[str, str, bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        query_string = environ.get("QUERY_STRING") or ""
        if len(query_string) > self.limits.max_request_bytes:
            raise _Reply("414 URI Too Long", f"the query string is over {self.limits.max_request_bytes} bytes")
        url_params = parse_qs(query_string, keep_blank_values=True)
        if method == "OPTIONS" and self.cors_origin:
            raise _Reply(
                "204 No Content",
                "",
                [
                    ("Access-Control-Allow-Methods", "GET, POST"),
                    ("Access-Control-Allow-Headers", "Content-Type, Accept"),
                ],
            )
        if method == "GET":
            params = url_params
        elif method == "POST":
            params = self._post_params(environ, url_params)
        else:
            raise _Reply("405 Method Not Allowed", "use GET or POST", [("Allow", "GET, POST")])
        if "update" in params:
            raise _Reply("403 Forbidden", "this endpoint is read-only: updates are refused")
        if method == "GET" and "query" not in params:
            return self._description(environ, _accept(environ, params))
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise _Reply("400 Bad Request", "give one SPARQL query: ?query=… or a POST of application/sparql-query")
        try:
            check(queries[0], self.limits.guard, allowed_services=self.allow_service)
        except ServiceRefused as exc:
            raise _Reply("403 Forbidden", str(exc)) from None
        except QueryRefused as exc:
            raise _Reply("400 Bad Request", str(exc)) from None
        request = Request(
            queries[0],
            _accept(environ, params),
            # SPARQL 1.1 Protocol, 2.1.4: either parameter sets the query's whole dataset.
            default_graphs=params.get("default-graph-uri") if "default-graph-uri" in params else None,
            named_graphs=params.get("named-graph-uri") if "named-graph-uri" in params else None,
        )
        if request.default_graphs is not None and request.named_graphs is None:
            request = Request(request.query, request.accept, request.default_graphs, [])
        elif request.named_graphs is not None and request.default_graphs is None:
            request = Request(request.query, request.accept, [], request.named_graphs)
        try:
            answer = self.pool.run(request, self.limits.query_timeout)
        except PoolError as exc:
            raise _Reply(exc.status, exc.message, exc.headers) from None
        except RdfnotesError as exc:
            raise _Reply("503 Service Unavailable", str(exc)) from None
        if not answer.status.startswith("2"):
            raise _Reply(answer.status, answer.body.decode("utf-8", "replace").strip())
        return answer.status, answer.media, answer.body

    def _description(self, environ: WSGIEnvironment, accept: list[str]) -> tuple[str, str, bytes]:
        """The SPARQL 1.1 Service Description of this endpoint (a plain ``GET /sparql``)."""
        try:
            media = negotiate(accept, GRAPH_TYPES, "text/turtle")
        except NotAcceptable as exc:
            raise _Reply("406 Not Acceptable", str(exc)) from None
        triples = service_description(request_uri(environ, include_query=False), federated=bool(self.allow_service))
        rdf_format = GRAPH_TYPES[media]
        data = serialize(triples, format=rdf_format, prefixes=SD_PREFIXES if rdf_format == RdfFormat.TURTLE else None)
        charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
        return "200 OK", media + charset, data or b""

    def _post_params(self, environ: WSGIEnvironment, url_params: dict[str, list[str]]) -> dict[str, list[str]]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:  # read(-1) would read to the end of the stream, past the size limit
            raise _Reply("400 Bad Request", "the Content-Length is not a number of bytes")
        if length > self.limits.max_request_bytes:
            raise _Reply("413 Content Too Large", f"the request is over {self.limits.max_request_bytes} bytes")
        body = environ["wsgi.input"].read(length) if length else b""
        media = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _Reply("400 Bad Request", "the request body is not UTF-8") from None
        if media == "application/x-www-form-urlencoded":
            return {**url_params, **parse_qs(text, keep_blank_values=True)}
        if media == "application/sparql-query":
            return {**url_params, "query": [text]}
        if media == "application/sparql-update":
            raise _Reply("403 Forbidden", "this endpoint is read-only: updates are refused")
        raise _Reply(
            "415 Unsupported Media Type",
            "POST a form (application/x-www-form-urlencoded) or a query (application/sparql-query)",
        )


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_PREFIXES = {"sd": SD, "formats": FORMATS}
_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
_GRAPH_FORMATS = ("Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(endpoint: str, *, federated: bool = False) -> list[Triple]:
    """The endpoint described in the SPARQL 1.1 Service Description vocabulary: its URL, the query language, the
    result formats, and its default graph (the union of the named graphs, ``sd:UnionDefaultGraph``)."""
    service, dataset, graph = BlankNode("service"), BlankNode("dataset"), BlankNode("default")
    a = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def sd(name: str) -> NamedNode:
        return NamedNode(SD + name)

    triples = [
        Triple(service, a, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, a, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), graph),
        Triple(graph, a, sd("Graph")),
    ]
    if federated:  # SERVICE, to the endpoints --allow-service names
        triples.append(Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    triples += [Triple(service, sd("resultFormat"), NamedNode(FORMATS + name)) for name in _RESULT_FORMATS]
    triples += [Triple(service, sd("resultFormat"), NamedNode(FORMATS + name)) for name in _GRAPH_FORMATS]
    return triples


def _accept(environ: WSGIEnvironment, params: dict[str, list[str]]) -> list[str]:
    """The media types the client takes, best first (``format=json`` and the like before ``Accept``)."""
    chosen = [FORMAT_NAMES.get(name.lower(), name) for name in params.get("format", [])]
    return chosen + ranked_media(environ.get("HTTP_ACCEPT") or "*/*")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_close(self) -> None:
        super().server_close()
        app = self.get_app()
        if isinstance(app, SparqlApp):
            app.close()


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def make_server(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    limits: Limits = Limits(),
    cors_origin: str | None = None,
    allow_service: Iterable[str] = (),
    quiet: bool = False,
) -> WSGIServer:
    """A threading WSGI server for :class:`SparqlApp` on ``host:port`` (port 0: any free port), not yet serving.

    A loopback host answers only requests that name a local host; another host (``0.0.0.0``) answers all.

    :raises ServeError: when the address cannot be listened on.
    """
    loopback = host in LOCAL_HOSTS or host.startswith("127.")
    app = SparqlApp(
        store,
        limits,
        allowed_hosts=LOCAL_HOSTS | {host} if loopback else None,
        cors_origin=cors_origin,
        allow_service=allow_service,
    )
    server_class = _Server6 if ":" in host else _Server
    handler = _QuietHandler if quiet else WSGIRequestHandler
    try:
        return _make_server(host, port, app, server_class=server_class, handler_class=handler)
    except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        raise ServeError(f"cannot listen on {host}:{port} ({getattr(exc, 'strerror', None) or exc})") from exc


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    limits: Limits = Limits(),
    cors_origin: str | None = None,
    allow_service: Iterable[str] = (),
    quiet: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``store`` at ``http://host:port/sparql`` until interrupted (Ctrl-C).

    :param ready: called with the endpoint's URL once the server listens (the port chosen, for port 0).
    :raises ServeError: when the address cannot be listened on.
    """
    server = make_server(
        store, host, port, limits=limits, cors_origin=cors_origin, allow_service=allow_service, quiet=quiet
    )
    shown = f"[{host}]" if ":" in host else host
    app = server.get_app()
    if isinstance(app, SparqlApp):
        try:
            _ = app.pool  # the query workers start now: the first query is answered at once, a failure said here
        except RdfnotesError as exc:
            server.server_close()
            raise ServeError(f"cannot start the query workers: {exc}") from exc
    if ready is not None:
        ready(f"http://{shown}:{server.server_port}/sparql")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
