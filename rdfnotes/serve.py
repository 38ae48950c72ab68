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

The store is a :class:`~rdfnotes.store.LiveStore` (what ``rdfnotes serve`` gives): read-only, so ``load`` runs
beside the server, and each request is answered from the last committed state (``store.current()``); a plain
:class:`~rdfnotes.store.Store` is served as it is.

.. _SPARQL 1.1 Protocol: https://www.w3.org/TR/sparql11-protocol/
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as _make_server

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, serialize

from .errors import ServeError
from .store import LiveStore, Store
from .vocab import PREFIXES

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

RESULT_TYPES: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 1_000_000
    """The largest request body (or query string) taken; larger gets 413."""
    query_timeout: float = 30.0
    """Seconds a query may run before the client gets 503."""
    max_running: int = 4
    """Queries running at a time (runaway ones included); more wait, up to ``query_timeout``."""


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
        store: Store | LiveStore,
        limits: Limits = Limits(),
        *,
        allowed_hosts: frozenset[str] | None = LOCAL_HOSTS,
        cors_origin: str | None = None,
    ) -> None:
        from .web import pages_app  # here, not above: the pages use this module's content negotiation

        self.store = store
        self.limits = limits
        self.allowed_hosts = allowed_hosts
        self.cors_origin = cors_origin
        self.pages: WSGIApplication = pages_app(store)
        self._running = threading.BoundedSemaphore(limits.max_running)

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
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise _Reply("400 Bad Request", "give one SPARQL query: ?query=… or a POST of application/sparql-query")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise _Reply(
                "400 Bad Request",
                "default-graph-uri and named-graph-uri are not supported: queries run over the union of every lab's "
                "notes; name graphs with FROM or GRAPH in the query",
            )
        accept = _accept(environ, params)
        return self._run(queries[0], accept)

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

    def _run(self, query: str, accept: list[str]) -> tuple[str, str, bytes]:
        timeout = self.limits.query_timeout
        if not self._running.acquire(timeout=timeout):
            raise _Reply("503 Service Unavailable", "too many queries running: try again later", [("Retry-After", "5")])
        outcome: dict[str, Any] = {}

        def evaluate() -> None:
            try:
                outcome["result"] = _evaluate(self.store.current(), query, accept)
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                self._running.release()

        worker = threading.Thread(target=evaluate, name="sparql-query", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise _Reply(
                "503 Service Unavailable", f"the query ran longer than {timeout:g} s: simplify it or add a LIMIT"
            )
        if "error" in outcome:
            raise outcome["error"]
        result: tuple[str, str, bytes] = outcome["result"]
        return result


def _evaluate(store: Store, query: str, accept: list[str]) -> tuple[str, str, bytes]:
    try:
        results = store.query(query)
    except SyntaxError as exc:
        raise _Reply("400 Bad Request", f"not a valid SPARQL query (updates are refused): {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise _Reply("500 Internal Server Error", f"the query failed: {exc}") from None
    if isinstance(results, QuerySolutions | QueryBoolean):
        media = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
        data = results.serialize(format=RESULT_TYPES[media])
    else:
        media = _negotiate(accept, GRAPH_TYPES, "text/turtle")
        rdf_format = GRAPH_TYPES[media]
        triples = list(results)
        data = serialize(triples, format=rdf_format, prefixes=PREFIXES if rdf_format == RdfFormat.TURTLE else None)
    assert data is not None
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    return "200 OK", media + charset, data


def _accept(environ: WSGIEnvironment, params: dict[str, list[str]]) -> list[str]:
    """The media types the client takes, best first (``format=json`` and the like before ``Accept``)."""
    chosen = [FORMAT_NAMES.get(name.lower(), name) for name in params.get("format", [])]
    return chosen + ranked_media(environ.get("HTTP_ACCEPT") or "*/*")


def ranked_media(accept: str) -> list[str]:
    """The media types of an ``Accept`` header, best first (by ``q``, then as listed), those with ``q=0`` left out.

    >>> ranked_media("text/html;q=0.5, text/turtle, application/ld+json;q=0")
    ['text/turtle', 'text/html']
    """
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for parameter in fields[1:]:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if fields[0] and quality > 0:
            ranked.append((-quality, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def _negotiate(accept: list[str], offered: dict[str, Any], default: str) -> str:
    """The first accepted media type offered; a wildcard (``*/*``, ``text/*``) takes the default, else the first
    offered type it covers."""
    for media in accept:
        if media in offered:
            return media
        if media.endswith("/*"):
            for candidate in (default, *offered):
                if media == "*/*" or candidate.startswith(media[:-1]):
                    return candidate
    raise _Reply("406 Not Acceptable", f"results of this query come as {', '.join(offered)}")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def make_server(
    store: Store | LiveStore,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    limits: Limits = Limits(),
    cors_origin: str | None = None,
    quiet: bool = False,
) -> WSGIServer:
    """A threading WSGI server for :class:`SparqlApp` on ``host:port`` (port 0: any free port), not yet serving.

    A loopback host answers only requests that name a local host; another host (``0.0.0.0``) answers all.

    :raises ServeError: when the address cannot be listened on.
    """
    loopback = host in LOCAL_HOSTS or host.startswith("127.")
    app = SparqlApp(store, limits, allowed_hosts=LOCAL_HOSTS | {host} if loopback else None, cors_origin=cors_origin)
    server_class = _Server6 if ":" in host else _Server
    handler = _QuietHandler if quiet else WSGIRequestHandler
    try:
        return _make_server(host, port, app, server_class=server_class, handler_class=handler)
    except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        raise ServeError(f"cannot listen on {host}:{port} ({getattr(exc, 'strerror', None) or exc})") from exc


def serve(
    store: Store | LiveStore,
    host: str = "127.0.0.1",
    port: int = 7878,
    *,
    limits: Limits = Limits(),
    cors_origin: str | None = None,
    quiet: bool = False,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve ``store`` at ``http://host:port/sparql`` until interrupted (Ctrl-C).

    :param ready: called with the endpoint's URL once the server listens (the port chosen, for port 0).
    :raises ServeError: when the address cannot be listened on.
    """
    server = make_server(store, host, port, limits=limits, cors_origin=cors_origin, quiet=quiet)
    shown = f"[{host}]" if ":" in host else host
    if ready is not None:
        ready(f"http://{shown}:{server.server_port}/sparql")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
