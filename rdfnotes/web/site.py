"""The pages as a static site: ``rdfnotes export --format html -o DIR``, for a lab to publish anywhere.

The same pages as the server's, with relative links between files: ``index.html``, ``search.html`` (every node,
filtered in the browser by ``static/search.js``), one ``{path}.html`` per node with its ``.ttl`` and ``.jsonld``,
and for each question ``{path}/diagram.html`` and ``diagram.svg``. The same store gives the same bytes. The list
of files written is kept in ``.rdfnotes-site``, so exporting again removes the pages of nodes that are gone (and
nothing else).

All or nothing: the site is built in a folder beside the target (the files of the last export that did not change
hard-linked, not written again; the folder's other files carried over), then swapped in with one rename
(``renameat2(RENAME_EXCHANGE)`` on Linux): an export stopped at any point leaves the old site whole, never a mix
of old and new pages or an empty file.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyoxigraph import Triple

from ..errors import OutputError
from ..export import TripleWriter
from ..labs import lab_bases, lab_graphs
from ..progress import Progress
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


def write_site(
    store: Store,
    directory: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    chunk: int = batch.CHUNK,
    jobs: int | None = None,
) -> SiteReport:
    """Write the pages of ``store`` as a static site into ``directory`` (created if need be).

    The nodes are read ``chunk`` at a time (:mod:`rdfnotes.web.batch`) and each file is written into the new site
    as it is made (a file the last export wrote the same is hard-linked instead), so memory holds one chunk's rows,
    not the site. ``chunk=0`` reads each node with the server's own queries, one node at a time: the same bytes,
    far slower (the tests' oracle).

    :param jobs: processes making the node pages, chunk by chunk (each reads the store as a read-only instance);
        by default one per core, up to 4, once the site has more than four chunks. The same bytes however many.
    :raises OutputError: when the folder, or a file in it, cannot be written.
    """
    root = Path(directory)
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        if root.exists() and not root.is_dir():
            raise NotADirectoryError(20, "Not a directory", str(root))
        _remove_leftovers(root)
        build = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.", suffix=".partial"))
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    bases = lab_bases(store)
    builder = _Builder(root, build, bases, data.rdf_prefixes(store))
    try:
        nodes = data.all_nodes(store)
        step = chunk or 1
        parts = [nodes[start : start + step] for start in range(0, len(nodes), step)]
        if jobs is None:
            jobs = min(len(os.sched_getaffinity(0)), _MAX_JOBS) if chunk and len(parts) > 4 else 1
        with contextlib.ExitStack() as workers:
            # The workers start on the node pages first; the front pages are made here meanwhile (their figures
            # are whole-store queries: ~10 s at 100,000 notes that would otherwise keep the workers waiting).
            made = None
            if jobs > 1 and chunk:
                made = workers.enter_context(_in_workers(store, builder, nodes, parts, jobs))
            builder.put("index.html", builder.pages("index.html").index(data.index(store, nodes)).encode("utf-8"))
            builder.rdf("index", data.index_triples(store))
            builder.put("search.html", builder.pages("search.html").search("", nodes, len(nodes)).encode("utf-8"))
            builder.put("404.html", builder.pages("404.html").not_found("There is no page here.").encode("utf-8"))
            for name in ("style.css", "search.js"):
                builder.put(f"static/{name}", (STATIC / name).read_bytes())
            if progress is not None:
                progress("Pages", 0, len(nodes))
            done = 0
            if made is not None:
                for names, count in made:
                    builder.written |= names
                    done += count
                    if progress is not None:
                        progress("Pages", done, len(nodes))
            else:
                site = batch.Site(store, {node.iri: node for node in nodes}, bases)
                for part in parts:
                    builder.nodes(part, site.chunk([node.iri for node in part]) if chunk else _PerNode(store))
                    done += len(part)
                    if progress is not None:
                        progress("Pages", done, len(nodes))
        written = builder.written
        removed = _carry_over(root, build, written) if root.is_dir() else 0
        (build / LISTING).write_text("".join(f"{name}\n" for name in sorted(written)), encoding="utf-8")
        build.chmod(0o777 & ~_umask())  # mkdtemp's is 0700: the site is to be read by a web server
        _swap(build, root)
    except OSError as exc:
        raise _cannot_write(root, exc) from exc
    finally:
        shutil.rmtree(build, ignore_errors=True)  # the new site when it failed, the old one once swapped
    return SiteReport(root, sum(name.endswith(".html") for name in written), len(written), removed)


_MAX_JOBS = 4


class _Builder:
    """Writes the files of the new site into ``build``, hard-linking those the last export (``root``) wrote the
    same; remembers what it wrote."""

    def __init__(self, root: Path, build: Path, bases: dict[str, str], prefixes: dict[str, str]) -> None:
        self.root, self.build, self.bases = root, build, bases
        self.prefixes = prefixes
        self.writer = TripleWriter(prefixes)
        self.written: set[str] = set()
        self._folders: set[Path] = {build}
        self._earlier = root.is_dir()
        """Whether there is a last export to link files from (none: no file of it looked for)."""

    def put(self, name: str, body: bytes) -> None:
        target = self.build / name
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        if not (self._earlier and _link_if_same(self.root / name, target, body)):
            target.write_bytes(body)
        self.written.add(name)

    def pages(self, here: str) -> Pages:
        return Pages(SiteLinks(here), self.bases, static=True)

    def rdf(self, path: str, triples: list[Triple]) -> None:
        turtle, jsonld = self.writer.serialize_as(triples, ("turtle", "jsonld"))
        self.put(f"{path}.ttl", turtle)
        self.put(f"{path}.jsonld", jsonld)

    def nodes(self, part: list[data.NodeRef], source: _Source) -> None:
        """The files of these nodes: each one's page and RDF, and for a question its diagram."""
        questions = [node for node in part if node.type.key == "question"]
        hoods = dict(zip((q.iri for q in questions), source.neighbourhoods(questions), strict=True))
        for node in part:
            path = node_path(node.iri, self.bases)
            page = source.page(node.iri)
            if page is None:  # pragma: no cover - every node listed has a page
                continue
            hood = hoods.get(node.iri)
            self.put(f"{path}.html", self.pages(f"{path}.html").node(page, hood).encode("utf-8"))
            self.rdf(path, source.triples(node.iri))
            if hood is not None:
                here = f"{path}/diagram.html"
                self.put(here, self.pages(here).diagram(hood).encode("utf-8"))
                self.put(f"{path}/diagram.svg", render_svg(hood, self.pages(here).href).encode("utf-8"))
                self.rdf(f"{path}/diagram", data.neighbourhood_triples(hood))


@contextlib.contextmanager
def _in_workers(
    store: Store, builder: _Builder, nodes: list[data.NodeRef], parts: list[list[data.NodeRef]], jobs: int
) -> Iterator[Iterator[tuple[set[str], int]]]:
    """Each chunk's pages made in one of ``jobs`` processes (spawned: no state of this one inherited), each with a
    read-only instance of the store, started on entry; what each chunk wrote, in the order of the chunks."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    # Of the manifest a page needs each lab's base (given here) and, for a node outside every lab's IRIs alone,
    # each note graph's lab: given here when some node is such (else never asked), not read by every worker.
    outside = any(data.lab_of(node.iri, builder.bases) is None for node in nodes)
    owners = lab_graphs(store) if outside else None
    setup = (str(store.path), str(builder.root), str(builder.build), builder.bases, builder.prefixes, nodes, owners)
    with context.Pool(jobs, initializer=_start_worker, initargs=setup) as pool:
        yield pool.imap(_worker_chunk, [[node.iri for node in part] for part in parts])


_WORKER: tuple[Store, batch.Site, _Builder, dict[str, data.NodeRef]] | None = None


def _start_worker(
    store_path: str,
    root: str,
    build: str,
    bases: dict[str, str],
    prefixes: dict[str, str],
    nodes: list[data.NodeRef],
    owners: dict[str, str] | None,
) -> None:
    global _WORKER
    store = Store(Path(store_path), read_only=True)
    refs = {node.iri: node for node in nodes}
    site = batch.Site(store, refs, bases, owners if owners is not None else _NO_OWNERS)
    _WORKER = (store, site, _Builder(Path(root), Path(build), bases, prefixes), refs)


_NO_OWNERS: dict[str, str] = {}
"""A worker's graph owners when every node is inside a lab's IRIs (then never asked)."""


def _worker_chunk(iris: list[str]) -> tuple[set[str], int]:
    assert _WORKER is not None
    _, site, builder, refs = _WORKER
    builder.written = set()
    builder.nodes([refs[iri] for iri in iris], site.chunk(iris))
    return builder.written, len(iris)


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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _link_if_same(old: Path, new: Path, body: bytes) -> bool:
    """Hard-link the last export's file when it holds ``body`` already (its time and inode kept)."""
    try:
        if old.is_symlink() or not old.is_file() or old.stat().st_size != len(body) or old.read_bytes() != body:
            return False
        os.link(old, new)
    except OSError:
        return False
    return True


def _carry_over(root: Path, build: Path, keep: set[str]) -> int:
    """Bring into ``build`` the files of ``root`` that are not the last export's (a person's own, links as
    links); the last export's files that this one does not write are left behind: their number."""
    listing = root / LISTING
    listed = set(listing.read_text(encoding="utf-8").splitlines()) if listing.is_file() else set()
    inside = root.resolve()
    removed = sum(
        1
        for name in listed
        if name
        and name not in keep
        and ".." not in Path(name).parts
        and (root / name).is_file()
        and inside in (root / name).resolve().parents
    )
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        relative = here.relative_to(root)
        (build / relative).mkdir(parents=True, exist_ok=True)
        for name in [*files, *(d for d in subfolders if (here / d).is_symlink())]:
            path = relative / name
            key = path.as_posix()
            if key in listed or key in keep or key == LISTING:
                continue
            source, target = here / name, build / path
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
            else:
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
        subfolders[:] = [d for d in subfolders if not (here / d).is_symlink()]
    return removed


def _swap(build: Path, root: Path) -> None:
    """Put ``build`` at ``root`` in one step; what was at ``root`` is left at ``build`` (to be removed)."""
    if not root.exists():
        os.rename(build, root)
        return
    if _exchange(build, root):
        return
    aside = root.with_name(f".{root.name}.{os.getpid()}.old")  # no atomic exchange here: two renames
    os.rename(root, aside)
    os.rename(build, root)
    os.rename(aside, build)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); false where it is missing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if done != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot; do it in two renames
            return False
        raise OSError(errno, os.strerror(errno), str(second))
    return True


def _remove_leftovers(root: Path) -> None:
    """Remove what an export killed half-way left beside ``root`` (its partial or old site)."""
    for leftover in root.parent.glob(f".{root.name}.*"):
        if leftover.is_dir() and not leftover.is_symlink() and leftover.name.endswith((".partial", ".old")):
            shutil.rmtree(leftover, ignore_errors=True)


def _cannot_write(root: Path, exc: OSError) -> OutputError:
    return OutputError(f"{exc.filename or root}: cannot write the site there ({exc.strerror or exc})")
