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

from pyoxigraph import Triple

from ..errors import OutputError
from ..export import serialize_triples
from ..labs import lab_bases
from ..progress import Progress, counted
from ..store import Store
from . import data
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


def write_site(store: Store, directory: str | os.PathLike[str], *, progress: Progress | None = None) -> SiteReport:
    """Write the pages of ``store`` as a static site into ``directory`` (created if need be).

    :param progress: told of each node's page made (``"Pages"``).

    :raises OutputError: when the folder, or a file in it, cannot be written.
    """
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    bases = lab_bases(store)
    prefixes = data.rdf_prefixes(store)
    written: dict[str, bytes] = {}

    def pages(here: str) -> Pages:
        return Pages(SiteLinks(here), bases, static=True)

    def rdf(path: str, triples: list[Triple]) -> None:
        written[f"{path}.ttl"] = serialize_triples(triples, "turtle", prefixes=prefixes)
        written[f"{path}.jsonld"] = serialize_triples(triples, "jsonld", prefixes=prefixes)

    written["index.html"] = pages("index.html").index(data.index(store)).encode("utf-8")
    rdf("index", data.index_triples(store))
    nodes = data.all_nodes(store)
    written["search.html"] = pages("search.html").search("", nodes, len(nodes)).encode("utf-8")
    written["404.html"] = pages("404.html").not_found("There is no page here.").encode("utf-8")
    for name in ("style.css", "search.js"):
        written[f"static/{name}"] = (STATIC / name).read_bytes()
    for node in counted(nodes, "Pages", progress):
        path = node_path(node.iri, bases)
        page = data.node_page(store, node.iri)
        if page is None:  # pragma: no cover - every node listed has a page
            continue
        hood = data.neighbourhood(store, node.iri) if node.type.key == "question" else None
        written[f"{path}.html"] = pages(f"{path}.html").node(page, hood).encode("utf-8")
        rdf(path, data.node_triples(store, node.iri))
        if hood is not None:
            here = f"{path}/diagram.html"
            written[here] = pages(here).diagram(hood).encode("utf-8")
            written[f"{path}/diagram.svg"] = render_svg(hood, pages(here).href).encode("utf-8")
            rdf(f"{path}/diagram", data.neighbourhood_triples(hood))

    try:
        removed = _remove_stale(root, set(written))
        for name, body in sorted(written.items()):
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != body:
                target.write_bytes(body)
        (root / LISTING).write_text("".join(f"{name}\n" for name in sorted(written)), encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    return SiteReport(root, sum(name.endswith(".html") for name in written), len(written), removed)


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
