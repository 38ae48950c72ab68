"""The pages as a static site: ``rdfnotes export --format html -o DIR``, for a lab to publish anywhere.

The same pages as the server's, with relative links between files: ``index.html``, ``search.html`` (every node,
filtered in the browser by ``static/search.js``), one ``{path}.html`` per node with its ``.ttl`` and ``.jsonld``,
and for each question ``{path}/diagram.html`` and ``diagram.svg``. The same store gives the same bytes. The list
of files written is kept in ``.rdfnotes-site``, so exporting again removes the pages of nodes that are gone (and
nothing else).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyoxigraph import Triple

from ..errors import OutputError
from ..export import TripleWriter
from ..labs import lab_bases
from ..store import Store
from . import batch, data
from .app import STATIC
from .diagram import render_svg
from .pages import Pages
from .paths import SiteLinks, node_path

LISTING = ".rdfnotes-site"


@dataclass(frozen=True)
class SiteReport:
    directory: Path
    pages: int
    """HTML pages written."""
    files: int
    """Files written in all (pages, RDF, diagrams, style sheet and script)."""
    removed: int
    """Files of an earlier export removed (their nodes are gone)."""


def write_site(store: Store, directory: str | os.PathLike[str], *, chunk: int = batch.CHUNK) -> SiteReport:
    """Write the pages of ``store`` as a static site into ``directory`` (created if need be).

    The nodes are read ``chunk`` at a time (:mod:`rdfnotes.web.batch`) and each file is written as it is made
    (only when its bytes changed), so memory holds one chunk's rows, not the site. ``chunk=0`` reads each node
    with the server's own queries, one node at a time: the same bytes, far slower (the tests' oracle).

    :raises OutputError: when the folder, or a file in it, cannot be written.
    """
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    bases = lab_bases(store)
    writer = TripleWriter(data.rdf_prefixes(store))
    written: set[str] = set()
    folders: set[Path] = {root}

    def put(name: str, body: bytes) -> None:
        target = root / name
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        try:
            same = target.stat().st_size == len(body) and target.read_bytes() == body
        except FileNotFoundError:
            same = False
        if not same:
            target.write_bytes(body)
        written.add(name)

    def pages(here: str) -> Pages:
        return Pages(SiteLinks(here), bases, static=True)

    def rdf(path: str, triples: list[Triple]) -> None:
        put(f"{path}.ttl", writer.serialize(triples, "turtle"))
        put(f"{path}.jsonld", writer.serialize(triples, "jsonld"))

    try:
        nodes = data.all_nodes(store)
        put("index.html", pages("index.html").index(data.index(store, nodes)).encode("utf-8"))
        rdf("index", data.index_triples(store))
        put("search.html", pages("search.html").search("", nodes, len(nodes)).encode("utf-8"))
        put("404.html", pages("404.html").not_found("There is no page here.").encode("utf-8"))
        for name in ("style.css", "search.js"):
            put(f"static/{name}", (STATIC / name).read_bytes())
        site = batch.Site(store, {node.iri: node for node in nodes}, bases)
        step = chunk or 1
        for start in range(0, len(nodes), step):
            part = nodes[start : start + step]
            source: _Source = site.chunk([node.iri for node in part]) if chunk else _PerNode(store)
            questions = [node for node in part if node.type.key == "question"]
            hoods = dict(zip((q.iri for q in questions), source.neighbourhoods(questions), strict=True))
            for node in part:
                path = node_path(node.iri, bases)
                page = source.page(node.iri)
                if page is None:  # pragma: no cover - every node listed has a page
                    continue
                hood = hoods.get(node.iri)
                put(f"{path}.html", pages(f"{path}.html").node(page, hood).encode("utf-8"))
                rdf(path, source.triples(node.iri))
                if hood is not None:
                    here = f"{path}/diagram.html"
                    put(here, pages(here).diagram(hood).encode("utf-8"))
                    put(f"{path}/diagram.svg", render_svg(hood, pages(here).href).encode("utf-8"))
                    rdf(f"{path}/diagram", data.neighbourhood_triples(hood))
        removed = _remove_stale(root, written)
        (root / LISTING).write_text("".join(f"{name}\n" for name in sorted(written)), encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    return SiteReport(root, sum(name.endswith(".html") for name in written), len(written), removed)


class _Source(Protocol):
    def page(self, iri: str) -> data.NodePage | None: ...

    def triples(self, iri: str) -> list[Triple]: ...

    def neighbourhoods(self, centres: list[data.NodeRef]) -> list[data.Neighbourhood]: ...


class _PerNode:
    """A node at a time, with the server's queries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def page(self, iri: str) -> data.NodePage | None:
        return data.node_page(self.store, iri)

    def triples(self, iri: str) -> list[Triple]:
        return data.node_triples(self.store, iri)

    def neighbourhoods(self, centres: list[data.NodeRef]) -> list[data.Neighbourhood]:
        found = [data.neighbourhood(self.store, centre.iri) for centre in centres]
        return [hood for hood in found if hood is not None]


def _cannot_write(root: Path, exc: OSError) -> OutputError:
    return OutputError(f"{exc.filename or root}: cannot write the site there ({exc.strerror or exc})")


def _remove_stale(root: Path, keep: set[str]) -> int:
    """Remove the files the last export listed that this one does not write; only files inside ``root`` (the
    listing is a file in the folder, which anyone who could write there may have changed)."""
    listing = root / LISTING
    if not listing.is_file():
        return 0
    inside = root.resolve()
    removed = 0
    for name in listing.read_text(encoding="utf-8").splitlines():
        target = root / name
        outside = ".." in Path(name).parts or inside not in target.resolve().parents
        if not name or name in keep or outside or not target.is_file():
            continue
        target.unlink()
        removed += 1
        parent = target.parent
        while parent != root and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed
