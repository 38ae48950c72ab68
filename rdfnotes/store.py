"""The on-disk store: an embedded Oxigraph database plus the manifest that makes ``load`` a sync.

Layout of a store directory (``.rdfnotes/`` by default)::

    oxigraph/        the RocksDB files of the Oxigraph store
    manifest.json    what was loaded from where: per file its size, mtime, graph, node and resolved links

Every note file has its own named graph (its provenance). The default graph is kept equal to the union of all
named graphs, each triple once, so queries run on the default graph and count every relation once however many
pages state it. Replacing files and keeping the union right happen in one atomic write (an N-Quads load for new
graphs, a SPARQL update for changed ones): a crash leaves the old state or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, QuerySolutions, RdfFormat, Triple
from pyoxigraph import Store as OxStore

from .errors import StoreError, StoreLocked

DATA_DIR = "oxigraph"
MANIFEST = "manifest.json"
# Present while a load writes: a load killed half-way leaves it (see Store.interrupted).
SYNC_MARK = "SYNCING"
MANIFEST_VERSION = 1
# Triples per write: bounded so one write's text stays some tens of MB however large a load is.
_BATCH_TRIPLES = 100_000
# A write of new graphs this big (quads, the default graph's included) goes through Oxigraph's bulk loader, which
# writes files of its own: smaller ones are transactions.
_BULK_QUADS = 20_000


class Store:
    """An rdfnotes store directory, opened for reading and writing (one writer at a time)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._ox = OxStore(str(self.path / DATA_DIR))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"{self.path}: another rdfnotes process is using this store; wait for it to finish, then retry"
                ) from exc
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        self._closed = False
        self.manifest = self._read_manifest()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store (its lock goes with the last reference to the database)."""
        if self._closed:
            return
        self._ox.flush()
        self._closed = True
        del self._ox

    def _read_manifest(self) -> dict[str, Any]:
        path = self.path / MANIFEST
        if not path.exists():
            return {"version": MANIFEST_VERSION, "roots": {}}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            # The manifest only saves work: without it the next load re-reads every file and converges.
            return {"version": MANIFEST_VERSION, "roots": {}}
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return {"version": MANIFEST_VERSION, "roots": {}}
        manifest: dict[str, Any] = data
        return manifest

    def save_manifest(self) -> None:
        """Write the manifest atomically (a temporary file renamed over the old one)."""
        path = self.path / MANIFEST
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)

    @property
    def interrupted(self) -> bool:
        """Whether a load of this store stopped before it finished (killed, out of power, failed while writing).

        A load's writes are atomic one batch at a time; a big load is several batches, so until the next load
        repairs it (it reads again every file the interrupted one did not record) the store may hold some files'
        new graphs beside others' old ones.
        """
        return (self.path / SYNC_MARK).exists()

    @contextlib.contextmanager
    def syncing(self) -> Iterator[None]:
        """Mark the store as being synced while the block runs; the mark stays when the block does not finish."""
        mark = self.path / SYNC_MARK
        with open(mark, "w", encoding="utf-8") as handle:
            handle.write(f"a load (process {os.getpid()}) is writing this store\n")
            handle.flush()
            os.fsync(handle.fileno())
        yield
        self._ox.flush()
        mark.unlink(missing_ok=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def graph_triples(self, graph: str) -> set[Triple]:
        """The triples of one named graph."""
        return {
            Triple(q.subject, q.predicate, q.object)
            for q in self._ox.quads_for_pattern(None, None, None, NamedNode(graph))
        }

    def has_graph(self, graph: str) -> bool:
        return bool(self._ox.contains_named_graph(NamedNode(graph)))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, NamedNode))

    def default_triples(self) -> Iterator[Triple]:
        for quad in self._ox.quads_for_pattern(None, None, None, DefaultGraph()):
            yield quad.triple

    def named_quads(self) -> Iterator[Quad]:
        for quad in self._ox.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, DefaultGraph):
                yield quad

    def query(self, sparql: str, *, substitutions: Mapping[Any, Any] | None = None) -> Any:
        """Run a SPARQL query over the default graph (the union of every note's graph)."""
        return self._ox.query(sparql, substitutions=dict(substitutions or {}))

    def count(self, sparql: str) -> int:
        results = self._ox.query(sparql)
        assert isinstance(results, QuerySolutions)
        for solution in results:
            value = solution[0]
            return int(value.value) if value is not None else 0
        return 0

    # -- writing ---------------------------------------------------------------------------------------------

    def replace_graphs(
        self,
        graphs: Mapping[str, Iterable[Triple]] | Iterable[tuple[str, Iterable[Triple]]],
        *,
        remove: Iterable[str] = (),
    ) -> None:
        """Make each named graph in ``graphs`` hold exactly its triples, drop the graphs in ``remove``, and keep
        the default graph the union of all named graphs.

        ``graphs`` is a mapping or an iterable of ``(graph, triples)`` pairs, each graph once: an iterable is
        consumed as the work goes, so a caller can map notes while earlier batches are being written.

        Work is split into writes of bounded size; each write is atomic on its own and leaves the store
        consistent (every named graph whole, the union right). A batch that only adds new graphs is written as
        N-Quads through Oxigraph's loader (its bulk loader for big batches); one that changes or drops graphs is
        one SPARQL update holding only the triples that differ. Batches are written by a thread of their own
        while the next one is prepared: Oxigraph releases the GIL while it writes.
        """
        pairs = graphs.items() if isinstance(graphs, Mapping) else graphs
        with _Writer(self.path) as writer:
            batch: dict[str, set[Triple]] = {}
            size = 0
            for graph, triples in itertools.chain(pairs, ((g, ()) for g in remove)):
                batch[graph] = set(triples)
                size += len(batch[graph]) + 1
                if size >= _BATCH_TRIPLES:
                    writer.submit(self._prepare(batch))
                    batch, size = {}, 0
            if batch:
                writer.submit(self._prepare(batch))

    def _prepare(self, batch: Mapping[str, set[Triple]]) -> Callable[[], None] | None:
        """The write that brings the graphs of ``batch`` to their new triples (``None``: nothing to do)."""
        fresh: list[tuple[str, set[Triple]]] = []
        operations: list[str] = []
        added: set[Triple] = set()
        removed: set[Triple] = set()
        for graph, new in batch.items():
            if not self._ox.contains_named_graph(NamedNode(graph)):
                if new:
                    fresh.append((graph, new))
                continue
            old = self.graph_triples(graph)
            if not new:
                operations.append(f"DROP SILENT GRAPH <{graph}>")
            elif old != new:
                if gone := old - new:
                    operations.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n{_triples_text(gone)}\n}} }}")
                if came := new - old:
                    operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(came)}\n}} }}")
            added |= new - old
            removed |= old - new
        if not operations:
            if not fresh:
                return None
            # Only new graphs: nothing to compare or delete, so no SPARQL to parse.
            data = _nquads(fresh)
            quads = sum(len(triples) for _, triples in fresh) * 2
            if quads >= _BULK_QUADS:
                return functools.partial(self._ox.bulk_load, data, RdfFormat.N_QUADS, lenient=True)
            return functools.partial(self._ox.load, data, RdfFormat.N_QUADS, lenient=True)
        for graph, new in fresh:
            operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(new)}\n}} }}")
            added |= new
        if added:
            operations.append(f"INSERT DATA {{\n{_triples_text(added)}\n}}")
        if removed:
            rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in removed)
            operations.append(
                "DELETE { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) {\n"
                + rows
                + "\n} FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            )
        return functools.partial(self._ox.update, " ;\n".join(operations))

    def optimize(self) -> None:
        self._ox.optimize()


def _triples_text(triples: Iterable[Triple]) -> str:
    return "\n".join(f"{t} ." for t in triples)


def _nquads(graphs: Iterable[tuple[str, Iterable[Triple]]]) -> bytes:
    """New graphs as N-Quads: each triple in its named graph and in the default graph (the union)."""
    lines: list[str] = []
    append = lines.append
    for graph, triples in graphs:
        suffix = f" <{graph}> .\n"
        for t in triples:
            triple = str(t)  # "<s> <p> <o>", as N-Triples writes it
            append(triple + suffix)
            append(triple + " .\n")
    return "".join(lines).encode("utf-8")


class _Writer:
    """Runs the writes of one :meth:`Store.replace_graphs` in order, on a thread of its own, one batch ahead of
    the caller; the first failure stops it and is raised (as :class:`StoreError`) to the caller."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._queue: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _Writer:
        return self

    def submit(self, write: Callable[[], None] | None) -> None:
        if write is None:
            return
        self._raise_error()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rdfnotes-store-writer")
            self._thread.start()
        self._queue.put(write)

    def _run(self) -> None:
        while (write := self._queue.get()) is not None:
            if self._error is None:
                try:
                    write()
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        self._raise_error()

    def _raise_error(self) -> None:
        error = self._error
        if error is None:
            return
        self._error = None
        if isinstance(error, (OSError, SyntaxError, ValueError)):
            raise StoreError(f"{self.path}: a write failed and nothing of it was written ({error})") from error
        raise error
