"""The pages as a WSGI application (``rdfnotes serve`` mounts it beside ``/sparql``).

======================================  ==============================================================
``/``                                   the index: labs, counts by type, open questions, contested claims
``/search?q=words``                     nodes whose title holds every word
``/{lab}/{node|page}/{id}``             a node's page (``/_/{hash}`` for a node outside every lab's space)
``/{node path}/diagram``                the node's neighbourhood as a diagram (``…/diagram.svg``: the SVG alone)
``/node?iri=…``                         redirects to the page of the node with that IRI
======================================  ==============================================================

Every page is also RDF: ``Accept: text/turtle`` or ``application/ld+json`` on the same URL, or the URL with
``.ttl`` / ``.jsonld`` (or ``?format=ttl``, ``?format=jsonld``). A ``.html`` suffix is taken too, so the static
site's links work on the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import parse_qs

from pyoxigraph import NamedNode, Triple

from ..export import serialize_triples
from ..labs import lab_bases
from ..media import ranked_media
from ..store import Store
from . import data
from .diagram import render_svg
from .pages import Pages
from .paths import RDF_SUFFIXES, ServerLinks, hashed_path, node_path, path_iri

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
HTML = "text/html; charset=utf-8"
MEDIA = {"html": HTML, "turtle": "text/turtle; charset=utf-8", "jsonld": "application/ld+json"}
FORMAT_NAMES = {"html": "html", "ttl": "turtle", "turtle": "turtle", "jsonld": "jsonld", "json-ld": "jsonld"}
ACCEPTED = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}


class _Answer(Exception):
    def __init__(self, status: str, media: str, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(status)
        self.status = status
        self.media = media
        self.body = body
        self.headers = list(headers)


class PagesApp:
    """The WSGI application of the pages over ``store`` (read only)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            method = environ.get("REQUEST_METHOD", "GET")
            if method not in ("GET", "HEAD"):
                raise _Answer(
                    "405 Method Not Allowed", "text/plain; charset=utf-8", b"pages take GET\n", [("Allow", "GET, HEAD")]
                )
            self._route(environ)
        except _Answer as answer:
            headers = [("Content-Type", answer.media), ("Content-Length", str(len(answer.body))), *answer.headers]
            start_response(answer.status, headers)
            return [b"" if method == "HEAD" else answer.body]

    # -- routing -------------------------------------------------------------------------------------------------

    def _route(self, environ: WSGIEnvironment) -> NoReturn:
        path = (environ.get("PATH_INFO") or "/").strip("/")
        params = parse_qs(environ.get("QUERY_STRING") or "")
        bases = lab_bases(self.store)
        pages = Pages(ServerLinks(), bases)
        if path.startswith("static/"):
            self._static(path[len("static/") :], pages)
        if path.endswith(".html"):
            path = path[: -len(".html")]
        fmt = None
        for suffix, name in RDF_SUFFIXES.items():
            if path.endswith(suffix):
                path, fmt = path[: -len(suffix)], name
        if path in ("", "index"):
            fmt = fmt or _negotiate(environ, params)
            if fmt == "html":
                self._html(pages.index(data.index(self.store, history=True)))
            self._rdf(data.index_triples(self.store), fmt)
        if path == "search":
            text = (params.get("q") or [""])[0]
            found, total = data.search(self.store, text)
            fmt = fmt or _negotiate(environ, params)
            if fmt == "html":
                self._html(pages.search(text, found, total))
            self._rdf(data.refs_triples(found), fmt)
        if path == "node":
            iri = (params.get("iri") or [""])[0]
            if _is_iri(iri) and data.node_ref(self.store, iri) is not None:
                location = pages.links.page(node_path(iri, bases))
                raise _Answer("303 See Other", HTML, b"", [("Location", location)])
            self._not_found(pages, f"There is no node with the IRI {iri!r} in this store.")
        # a node's path has one slash (``_/hash``) or two (``lab/node/id``): ``…/diagram`` below it is its diagram
        depth = 2 if path.startswith("_/") else 3
        diagram = path.count("/") == depth and (path.endswith("/diagram") or path.endswith("/diagram.svg"))
        node_part = path.rsplit("/diagram", 1)[0] if diagram else path
        iri = self._iri(node_part, bases)
        if iri is None:
            self._not_found(pages, f"There is no page at /{path}.")
        if diagram:
            hood = data.neighbourhood(self.store, iri)
            if hood is None:
                self._not_found(pages, f"There is no node {iri} in this store.")
            if path.endswith(".svg"):
                raise _Answer("200 OK", "image/svg+xml; charset=utf-8", render_svg(hood, pages.href).encode("utf-8"))
            fmt = fmt or _negotiate(environ, params)
            if fmt == "html":
                self._html(pages.diagram(hood))
            self._rdf(data.neighbourhood_triples(hood), fmt)
        page = data.node_page(self.store, iri)
        if page is None:
            self._not_found(pages, f"There is no node {iri} in this store.")
        fmt = fmt or _negotiate(environ, params)
        if fmt == "html":
            hood = data.neighbourhood(self.store, iri) if page.ref.type.key == "question" else None
            self._html(pages.node(page, hood))
        self._rdf(data.node_triples(self.store, iri), fmt)

    def _iri(self, path: str, bases: dict[str, str]) -> str | None:
        if path.startswith("_/"):
            return next((n.iri for n in data.all_nodes(self.store) if hashed_path(n.iri) == path), None)
        return path_iri(path, bases)

    # -- answers -------------------------------------------------------------------------------------------------

    def _html(self, text: str) -> NoReturn:
        raise _Answer("200 OK", HTML, text.encode("utf-8"), [("Vary", "Accept")])

    def _rdf(self, triples: list[Triple], fmt: str) -> NoReturn:
        body = serialize_triples(triples, fmt, prefixes=data.rdf_prefixes(self.store))
        raise _Answer("200 OK", MEDIA[fmt], body, [("Vary", "Accept")])

    def _not_found(self, pages: Pages, message: str) -> NoReturn:
        raise _Answer("404 Not Found", HTML, pages.not_found(message).encode("utf-8"))

    def _static(self, name: str, pages: Pages) -> NoReturn:
        file = STATIC / name
        if "/" in name or file.suffix not in STATIC_TYPES or not file.is_file():
            self._not_found(pages, f"There is no file static/{name}.")
        raise _Answer("200 OK", STATIC_TYPES[file.suffix], file.read_bytes(), [("Cache-Control", "max-age=3600")])


def _is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI (no node of the store has any other name)."""
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True


def _negotiate(environ: WSGIEnvironment, params: dict[str, list[str]]) -> str:
    """``html``, ``turtle`` or ``jsonld``: from ``?format=``, else the best of ``Accept`` (HTML when it says nothing
    we have).

    :raises _Answer: 406 for a ``format`` we do not write.
    """
    for name in params.get("format", []):
        if name.lower() in FORMAT_NAMES:
            return FORMAT_NAMES[name.lower()]
        raise _Answer(
            "406 Not Acceptable", "text/plain; charset=utf-8", b"format: html, ttl or jsonld\n", [("Vary", "Accept")]
        )
    for media in ranked_media(environ.get("HTTP_ACCEPT") or ""):
        if media in ACCEPTED:
            return ACCEPTED[media]
    return "html"


def pages_app(store: Store) -> PagesApp:
    """The WSGI application of the HTML pages (and their RDF) over ``store``."""
    return PagesApp(store)
