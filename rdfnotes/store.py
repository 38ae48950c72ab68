"""The on-disk store: an embedded Oxigraph database plus the manifest that makes ``load`` a sync.

Layout of a store directory (``.rdfnotes/`` by default)::

    oxigraph/        the RocksDB files of the Oxigraph store
    manifest.json    what was loaded from where (the head; see rdfnotes.manifest) ...
    manifest-*.units ... and its shards: per file its size, mtime, graph, node and resolved links
    counts.json      the load summary's counts, kept for the manifest they were counted with
    journal/         only while a sync writes: how to undo it (see _Journal)
    history/         what each sync changed, to rebuild earlier states (see rdfnotes.history)

Every note file has its own named graph (its provenance), and within it each relation and attribute is stated once
more as a reified statement with its line (``rdf:subject``/``rdf:predicate``/``rdf:object``, ``rn:statedIn`` the
file, ``rn:line``; rdfnotes.mapping.stated_where): RDF 1.1 reification rather than RDF 1.2 triple terms, which
pyoxigraph 0.5 stores and queries (``<<( s p o )>>``, tested) but rdflib, pySHACL and Virtuoso cannot read. It
costs five triples per statement (``provenance: {lines: false}`` leaves it out).

The default graph is kept equal to the union of all
named graphs, each triple once, so queries run on the default graph and count every relation once however many
pages state it. (Oxigraph's own union option is no substitute: pyoxigraph 0.5 counts a triple once per graph
holding it, oxigraph issue #1919.)

That is the one dataset model, wherever the data goes: the named graphs and the default graph as their union.
``export --format trig|nquads`` writes both (rdfnotes.export), and ``push`` sends both (rdfnotes.push; to a server
that keeps no default graph of its own, Virtuoso, the named graphs only). The bundled queries read the default
graph and never rely on a triple being seen once (``DISTINCT`` rows, ``COUNT(DISTINCT …)``; rdfnotes.queries), so
they answer the same on an engine whose default graph is this union, the union of the named graphs with a triple
once per graph holding it (Oxigraph server ``--union-default-graph``), or the union of all graphs (Virtuoso without
FROM): tests/test_engines.py.

A sync (:meth:`Store.syncing`: a load, a lab removed, links rebuilt) is all or nothing, however many writes it
takes: before each write, the journal keeps what it replaces; a sync that does not finish is undone at once, or,
when the process died, by the next one to open the store.

One writer at a time (RocksDB's lock: a second is refused, :class:`~rdfnotes.errors.StoreLocked`); readers never
take that lock. ``Store(path, read_only=True)`` opens the database as RocksDB's read-only instance: a fixed view of
the committed data as it was when opened, taken beside a running writer. A reader only ever sees the state before a
sync or after it: it opens while no sync is writing (the journal holds no record yet, or is committed), and checks
that none began writing or committed while it opened (the store's ``generation`` counts committed syncs), else opens
again; while another process's sync is writing, it waits for the commit (``on_wait`` is told once). Opening
read-only while a writer compacts can fail on a file the writer just deleted (measured: 3 of 28 opens during
continuous writes and compactions); such an open is retried. :class:`LiveStore` follows the store for a long-lived
reader (``serve``): a read-only view, opened again once a sync has committed since (checked per request, by one
small file read), so a ``load`` run beside ``serve`` shows at the next request. A reader never creates a store: a
folder without one is :class:`~rdfnotes.errors.NoStore`.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import queue
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, QuerySolutions, RdfFormat, Triple, parse
from pyoxigraph import Store as OxStore

from .durable import fsync_dir, write_atomically, write_synced
from .errors import NoStore, StoreError, StoreLocked
from .history import Recorder, predicate_of
from .manifest import digest as manifest_digest

DATA_DIR = "oxigraph"
MANIFEST = "manifest.json"
JOURNAL = "journal"
WRITING = "WRITING"
GENERATION = "generation"
"""How many syncs have committed in this store (a long-lived reader opens again when it changes)."""
# Left by rdfnotes 0.1 while a load wrote: a store of that version killed half-way is repaired by re-reading every file.
SYNC_MARK = "SYNCING"
MANIFEST_VERSION = 1
# Triples per write: bounded so one write's text stays some tens of MB however large a load is.
_BATCH_TRIPLES = 100_000
# A write touching at most this many distinct triples counts its change to the union (Store.union_delta); bigger
# ones leave the union to be counted whole.
_COUNTED_TRIPLES = 20_000
# A write of new graphs this big (quads, the default graph's included) into a store a sync found empty goes through
# Oxigraph's bulk loader, which writes files of its own (not atomic: undone by emptying the store); others are
# transactions.
_BULK_QUADS = 20_000
# A read-only open that meets a file the writer just compacted away is tried again, this many times.
_READ_ONLY_TRIES = 20


@dataclass(frozen=True)
class FreshGraph:
    """A graph's statements as the N-Quads Oxigraph's loader takes for a graph the store does not hold yet, made
    beforehand (by a worker process of the loader, rdfnotes.mapping_pool): the store's own thread then only joins
    them. ``named``: each statement in the graph; ``union``: each in the default graph (UTF-8); ``size``: how many
    (distinct); ``predicates``: the statements counted by predicate (for the history). Should the store hold the
    graph after all, its statements are taken back from ``union`` and it is compared as any other."""

    named: bytes
    union: bytes
    size: int
    predicates: Counter[str]

    @classmethod
    def of(cls, graph: str, statements: Iterable[str]) -> FreshGraph:
        distinct = list(dict.fromkeys(statements))
        if not distinct:
            return cls(b"", b"", 0, Counter())
        suffix = f" <{graph}> .\n"
        return cls(
            (suffix.join(distinct) + suffix).encode("utf-8"),
            (" .\n".join(distinct) + " .\n").encode("utf-8"),
            len(distinct),
            Counter(map(predicate_of, distinct)),
        )

    def statements(self) -> set[str]:
        return {line[:-2] for line in self.union.decode("utf-8").split("\n") if line}


def _no_store(path: Path) -> NoStore:
    return NoStore(
        f"{path}: no store here; load notes first ('rdfnotes load PATH'), or name the store with --store or "
        "RDFNOTES_STORE"
    )


class Store:
    """An rdfnotes store directory, opened for reading and writing (one writer at a time), or ``read_only``.

    :param create: (a writer) make the store when the folder holds none; else :class:`NoStore`.
    :param read_only: open for reading only, beside any writer, never creating anything (see the module's text).
    :param on_wait: (a reader) called once, with the writer's process id, when the reader waits for a sync that
        is writing to commit.
    :raises NoStore: when there is no store and it is not to be created.
    :raises StoreLocked: (a writer) when another process writes the store.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        read_only: bool = False,
        on_wait: Callable[[int], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.created = False
        """Whether this writer made the store (it was not there before)."""
        self._journal = _Journal(self.path / JOURNAL)
        self.history = Recorder(self.path)
        """What each sync changes, kept so that earlier states can be rebuilt (rdfnotes.history)."""
        self._in_sync = False
        self.union_delta: int | None = None
        """By how many triples the last sync changed the default graph (the union); ``None`` when not counted (a
        big write, whose union is cheaper counted whole afterwards)."""
        self.counted: dict[str, str] = {}
        """Counts of the default graph that the writes of a sync keep up to date, as :attr:`deltas`: each a SPARQL
        pattern on a triple ``?s ?p ?o`` of the union (which triples it counts), by name."""
        self.deltas: dict[str, int] | None = None
        """By how much the last sync changed each count of :attr:`counted`; ``None`` when not counted (as
        :attr:`union_delta`)."""
        self._wrote = False
        """Whether the sync under way has written anything to Oxigraph."""
        self.graphs_written: set[str] | None = None
        """The named graphs the last sync wrote or dropped (``None``: no sync finished since the store was opened),
        for what is kept per graph to be asked again of those alone (rdfnotes.coverage)."""
        self.manifest_before: str | None = None
        """The manifest's digest when the last sync began (:func:`rdfnotes.manifest.digest`)."""
        self.recovered = False
        """Whether opening the store undid a sync another process did not finish (the store is as before it)."""
        if read_only:
            self._ox, self.manifest, self.generation = self._open_reader(on_wait)
            self._closed = False
            return
        exists = (self.path / DATA_DIR).is_dir()
        if not exists and not create:
            raise _no_store(self.path)
        self._made_folder = not self.path.exists()
        found = set() if self._made_folder else set(os.listdir(self.path))
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._ox = OxStore(str(self.path / DATA_DIR))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"{self.path}: another rdfnotes process is using this store; wait for it to finish, then retry"
                ) from exc
            raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        self.created = not exists
        self._found_there = found
        self._closed = False
        self.history.recover(committed=self._journal.exists and self._journal.committed)
        if self._journal.exists:
            self.recovered = not self._journal.committed
            try:
                if self.recovered:
                    if self._journal.empty_start:
                        self._empty_database()
                    self._journal.undo(self._ox, self.path)
                else:
                    self._journal.end()
            except OSError as exc:  # a full disk, most often: nothing is lost, the next open tries again
                with contextlib.suppress(AttributeError):
                    del self._ox
                raise StoreError(
                    f"{self.path}: cannot finish undoing the last load ({_reason(exc)}): free some space, then retry"
                ) from None
        self.manifest = self._read_manifest()
        self.generation = read_generation(self.path)

    def _open_reader(self, on_wait: Callable[[int], None] | None) -> tuple[OxStore, dict[str, Any], str]:
        """A read-only view of the last committed state, its manifest and generation (see the module's text)."""
        data = self.path / DATA_DIR
        if not data.is_dir():
            raise _no_store(self.path)
        told = False
        failures = 0
        while True:
            before = (read_generation(self.path), self._journal.state())
            writer = before[1][1]
            if writer is not None and writer != os.getpid():
                if not _alive(writer):
                    self._recover()
                    continue
                if before[1][2]:  # another process's sync is writing: its commit is the next state
                    if on_wait is not None and not told:
                        on_wait(writer)
                        told = True
                    time.sleep(0.05)
                    continue
            try:
                ox = OxStore.read_only(str(data))
            except (OSError, RuntimeError) as exc:
                failures += 1
                if failures >= _READ_ONLY_TRIES:
                    raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
                time.sleep(0.02 * failures)
                continue
            manifest = self._read_manifest()
            if (read_generation(self.path), self._journal.state()) == before:
                return ox, manifest, before[0]
            del ox

    def _recover(self) -> None:
        """Undo a sync whose process died (a writer's open does it), for a reader that found its journal."""
        try:
            with Store(self.path, create=False) as writer:
                self.recovered = self.recovered or writer.recovered
        except StoreLocked:
            time.sleep(0.05)  # a writer has begun since: the reader waits for it as for any other

    def _empty_database(self) -> None:
        """Empty the database by removing its files, not by ``clear()``, which writes a deletion for every quad: on
        a disk a load filled, that write fails, or fills it again."""
        del self._ox
        shutil.rmtree(self.path / DATA_DIR)
        self._ox = OxStore(str(self.path / DATA_DIR))

    def __enter__(self) -> Store:
        return self

    def current(self) -> Store:
        """This store (as :meth:`LiveStore.current` gives a long-lived reader the last committed state)."""
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
            return
        with contextlib.suppress(StoreError):  # the error on its way out says more than a failed flush
            self.close()

    def close(self) -> None:
        """Flush and release the store (its lock goes with the last reference to the database)."""
        if self._closed:
            return
        self._closed = True
        try:
            if not self.read_only:
                self._ox.flush()
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the store ({_reason(exc)})") from None
        finally:
            del self._ox

    def discard(self) -> None:
        """Close a store this writer made and take it away again, leaving the folder as it found it (a ``load``
        that found nothing to load makes no store)."""
        if not self.created:
            return
        self.close()
        for name in set(os.listdir(self.path)) - self._found_there:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
        if self._made_folder:
            with contextlib.suppress(OSError):
                self.path.rmdir()

    def _read_manifest(self) -> dict[str, Any]:
        from . import manifest as manifest_files  # how it is kept on disk: rdfnotes/manifest.py

        try:
            # A record is read when it is asked for: a re-sync needs only the changed ones, and most readers (query,
            # export, serve) none (reading all of them took ~1 s and ~600 MB of each command at 100,000 notes). A
            # reader asking for one after a writer committed since may find it gone: ShardGone, "run it again".
            data = manifest_files.read(self.path, lazy=True, reader=self.read_only)
        except manifest_files.ManifestUnreadable:
            # The manifest only saves work: without it the next load re-reads every file and converges.
            data = None
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
            return {"version": MANIFEST_VERSION, "roots": {}}
        return data

    def save_manifest(self) -> None:
        """Write the manifest atomically, the parts of it that changed (see rdfnotes/manifest.py)."""
        from . import manifest as manifest_files

        manifest_files.write(self.path, self.manifest)

    @property
    def interrupted(self) -> bool:
        """Whether a load of rdfnotes 0.1 (before the journal) stopped half-way here: the manifest is not to be
        trusted, and the next load reads every file again (and repairs the store)."""
        return (self.path / SYNC_MARK).exists()

    @contextlib.contextmanager
    def syncing(self) -> Iterator[None]:
        """Make the writes of the block (graphs and manifest) one: if the block does not finish they are undone,
        now or, if the process dies, when the store is next opened. Blocks nest: the outermost one counts."""
        if self._in_sync:
            yield
            return
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; a change needs the store opened for writing")
        empty = next(iter(self._ox.quads_for_pattern(None, None, None, None)), None) is None
        self._journal.begin(empty=empty, manifests=_manifest_files(self.path))
        self.history.begin(self._lab_bases())
        self._in_sync = True
        self.union_delta = 0
        self.deltas = dict.fromkeys(self.counted, 0)
        self.graphs_written = set()
        self.manifest_before = manifest_digest(self.path)
        self._wrote = False
        try:
            yield
            self._ox.flush()
            self.history.prepare(self._lab_bases())
            self._journal.commit()
        except BaseException as failure:
            self.union_delta = self.deltas = None
            self.graphs_written = None
            try:
                self.history.abort()
                self._journal.undo(self._ox, self.path)
            except OSError as exc:  # a full disk: the journal stays, and the next open undoes the sync
                raise StoreError(
                    f"{self.path}: {_reason(failure)}; the store could not be put back yet ({_reason(exc)}): "
                    "free some space, then run any command on it"
                ) from None
            self.manifest = self._read_manifest()
            raise
        finally:
            self._in_sync = False
        self.history.commit()
        if self._wrote or manifest_digest(self.path) != self.manifest_before:
            # A new state: readers open it (LiveStore) and what was kept for the last one is not taken for it
            # (rdfnotes.answers). A sync that changed nothing (a re-sync of unchanged notes) leaves the state as it was.
            self.generation = str(int(read_generation(self.path) or 0) + 1)
            write_atomically(self.path / GENERATION, self.generation.encode("ascii"), sync_dir=False)
        self._journal.end()
        (self.path / SYNC_MARK).unlink(missing_ok=True)

    def _lab_bases(self) -> dict[str, str]:
        """Each base IRI → its lab, for the history: the folders loaded, and a lab being removed."""
        bases = {base: name for name, base in self.manifest.get("removing", {}).items()}
        bases.update({root["base"]: root["lab"] for root in self.manifest["roots"].values() if "base" in root})
        return bases

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

    def quads(self) -> Iterator[Quad]:
        """The whole dataset: the default graph's quads (the union) and the named graphs'."""
        yield from self._ox.quads_for_pattern(None, None, None, None)

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[Any, Any] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> Any:
        """Run a SPARQL query over the default graph (the union of every note's graph).

        :param prefixes: prefixes the query may use without declaring them (its own declarations win).
        """
        return self._ox.query(sparql, substitutions=dict(substitutions or {}), prefixes=dict(prefixes or {}))

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
        graphs: Mapping[str, Iterable[Triple | str] | FreshGraph]
        | Iterable[tuple[str, Iterable[Triple | str] | FreshGraph]],
        *,
        remove: Iterable[str] = (),
    ) -> None:
        """Make each named graph in ``graphs`` hold exactly its triples, drop the graphs in ``remove``, and keep
        the default graph the union of all named graphs.

        ``graphs`` is a mapping or an iterable of ``(graph, triples)`` pairs, each graph once: an iterable is
        consumed as the work goes, so a caller can map notes while earlier batches are being written. Triples
        are pyoxigraph ``Triple``\\ s or their N-Triples text (``str(triple)``: ``<s> <p> <o>``, no final dot),
        which is how the store compares and writes them.
        A graph's triples may also come as a :class:`FreshGraph`, their N-Quads made beforehand.

        Work is split into writes of bounded size; each write is atomic on its own and leaves the store
        consistent (every named graph whole, the union right). A batch that only adds new graphs is written as
        N-Quads through Oxigraph's loader (its bulk loader for big batches); one that changes or drops graphs is
        one SPARQL update holding only the triples that differ. Batches are written by a thread of their own
        while the next one is prepared: Oxigraph releases the GIL while it writes.
        """
        pairs = graphs.items() if isinstance(graphs, Mapping) else graphs
        with self.syncing(), _Writer(self.path) as writer:
            batch: dict[str, set[str] | FreshGraph] = {}
            size = 0
            for graph, triples in itertools.chain(pairs, ((g, ()) for g in remove)):
                if self.graphs_written is not None:
                    self.graphs_written.add(graph)
                if isinstance(triples, FreshGraph):
                    batch[graph] = triples
                    size += triples.size + 1
                else:
                    statements = batch[graph] = {t if isinstance(t, str) else str(t) for t in triples}
                    size += len(statements) + 1
                if size >= _BATCH_TRIPLES:
                    self._submit(writer, batch)
                    batch, size = {}, 0
            if batch:
                self._submit(writer, batch)

    def _submit(self, writer: _Writer, batch: Mapping[str, set[str] | FreshGraph]) -> None:
        write = self._prepare(batch)
        if write is not None:
            self._wrote = True
        writer.submit(write)

    def _prepare(self, batch: Mapping[str, set[str] | FreshGraph]) -> Callable[[], None] | None:
        """The write that brings the graphs of ``batch`` to their new triples (``None``: nothing to do)."""
        fresh: list[tuple[str, set[str] | FreshGraph]] = []
        operations: list[str] = []
        added: set[str] = set()
        removed: set[str] = set()
        before: dict[str, set[str] | None] = {}
        after: dict[str, set[str] | Counter[str]] = {}  # for the history: a fresh graph's predicates are enough
        for graph, given in batch.items():
            if not self._ox.contains_named_graph(NamedNode(graph)):
                if len(given) if isinstance(given, set) else given.size:
                    fresh.append((graph, given))
                    before[graph] = None
                    after[graph] = given if isinstance(given, set) else given.predicates
                continue
            new = after[graph] = given if isinstance(given, set) else given.statements()
            old = self._statements(graph)
            if old != new:
                before[graph] = old
            if not new:
                operations.append(f"DROP SILENT GRAPH <{graph}>")
            elif old != new:
                if gone := old - new:
                    operations.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n{_triples_text(gone)}\n}} }}")
                if came := new - old:
                    operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(came)}\n}} }}")
            added |= new - old
            removed |= old - new
        if not operations and not fresh:
            return None
        if self._journal.empty_start:
            self._journal.mark_writing()
        else:
            self._journal.record(before)
        self.history.record(before, after)
        write: Callable[[], None]
        if not operations:
            # Only new graphs: nothing to compare or delete, so no SPARQL to parse.
            data = _nquads(fresh)
            quads = sum(len(triples) if isinstance(triples, set) else triples.size for _, triples in fresh) * 2
            if quads >= _BULK_QUADS and self._journal.empty_start:
                write = functools.partial(self._ox.bulk_load, data, RdfFormat.N_QUADS, lenient=True)
            else:
                write = functools.partial(self._ox.load, data, RdfFormat.N_QUADS, lenient=True)
            if self.union_delta is None or quads > 2 * _COUNTED_TRIPLES:  # not counted (see below)
                self.union_delta = self.deltas = None
                return write
            touched = set().union(*(_statements_of(new) for _, new in fresh))
        else:
            for graph, given in fresh:
                new = _statements_of(given)
                operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(new)}\n}} }}")
                added |= new
            if added:
                operations.append(f"INSERT DATA {{\n{_triples_text(added)}\n}}")
            if removed:
                operations.append(_delete_unless_in_a_graph(removed))
            write = functools.partial(self._ox.update, " ;\n".join(operations))
            touched = added | removed
        if self.union_delta is None or len(touched) > _COUNTED_TRIPLES:
            self.union_delta = self.deltas = None
            return write
        return functools.partial(self._counted_write, write, touched)

    def _counted_write(self, write: Callable[[], None], touched: set[str]) -> None:
        """Run ``write`` (on the writer thread, in write order), adding its change to the union to
        :attr:`union_delta` (and to each count of :attr:`counted`, to :attr:`deltas`): of the triples it touches, how
        many the default graph holds (and the pattern counts) before and after."""
        values = _values(touched)
        patterns = {"": "", **{name: self.counted[name] for name in self.deltas or ()}}
        queries = {name: f"SELECT (COUNT(*) AS ?n) WHERE {{ {values} ?s ?p ?o . {p} }}" for name, p in patterns.items()}
        before = {name: self.count(query) for name, query in queries.items()}
        write()
        if self.union_delta is not None:
            self.union_delta += self.count(queries[""]) - before[""]
        if self.deltas is not None:
            for name in self.deltas:
                self.deltas[name] += self.count(queries[name]) - before[name]

    def _statements(self, graph: str) -> set[str]:
        """The triples of one named graph as N-Triples statements."""
        return {str(q.triple) for q in self._ox.quads_for_pattern(None, None, None, NamedNode(graph))}

    def optimize(self) -> None:
        self._ox.optimize()


def _reason(exc: BaseException) -> str:
    """An error's message on one line (RocksDB's name the file, and repeat themselves)."""
    if isinstance(exc, OSError) and exc.errno is not None and exc.strerror:
        return exc.strerror
    text = " ".join(str(exc).split())
    if "No space left on device" in text:
        return "No space left on device"
    return text[:300]


class LiveStore:
    """The last committed state of a store, for a reader that lives long (``serve``): :meth:`current` is a
    read-only :class:`Store`, opened again when a sync has committed since the last one. While a sync writes, the
    state before it is served; nothing ever waits for a writer.

    :raises NoStore: when there is no store at ``path``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._store = Store(self.path, read_only=True)
        self._lock = threading.Lock()

    def current(self) -> Store:
        """The store as of the last committed sync (the same object until another commits)."""
        store = self._store
        if read_generation(self.path) == store.generation:
            return store
        with self._lock:
            if read_generation(self.path) != self._store.generation and not _Journal(self.path / JOURNAL).state()[2]:
                with contextlib.suppress(StoreError):  # gone or unreadable now: the last view stays
                    self._store = Store(self.path, read_only=True)
            # The view it replaces is closed when the last request using it lets it go.
            return self._store

    def close(self) -> None:
        self._store.close()


def read_generation(path: Path) -> str:
    """The store's generation: how many syncs committed in it (``""``: none yet)."""
    try:
        return (path / GENERATION).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return ""


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (on this machine: a store is a local folder)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _triples_text(statements: Iterable[str]) -> str:
    return "\n".join(f"{t} ." for t in statements)


def _values(statements: Iterable[str]) -> str:
    """The triples as a ``VALUES (?s ?p ?o)`` block of a query."""
    rows = "\n".join(f"({t})" for t in statements)
    return f"VALUES (?s ?p ?o) {{\n{rows}\n}}"


def _delete_unless_in_a_graph(statements: Iterable[str]) -> str:
    """The SPARQL update taking these triples out of the default graph, each unless a named graph still holds it."""
    return f"DELETE {{ ?s ?p ?o }} WHERE {{ {_values(statements)} FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"


def _statements_of(given: set[str] | FreshGraph) -> set[str]:
    return given if isinstance(given, set) else given.statements()


def _nquads(graphs: Iterable[tuple[str, Iterable[str] | FreshGraph]], *, union: bool = True) -> bytes:
    """Graphs as N-Quads: each triple in its named graph and (``union``) in the default graph."""
    parts: list[bytes] = []
    for graph, given in graphs:
        if isinstance(given, FreshGraph):
            parts.append(given.named)
            if union:
                parts.append(given.union)
            continue
        statements = list(given)
        if statements:
            suffix = f" <{graph}> .\n"
            parts.append((suffix.join(statements) + suffix).encode("utf-8"))
            if union:
                parts.append((" .\n".join(statements) + " .\n").encode("utf-8"))
    return b"".join(parts)


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


class _Journal:
    """The undo journal of one sync: what the store and its manifest were before it, so that a sync that does not
    finish (an error, Ctrl-C, the process killed) is undone, by the sync itself or by the next process to open the
    store.

    Layout (``journal/`` in the store directory; it exists only while a sync runs or after one was cut short)::

        sync.json          {"empty": the store held no quad when the sync began, "pid": the writer's process}
        manifest/          hard links to the manifest files as they were (their later versions are new files)
        000001.nq          the old triples of the graphs batch 1 touches, as N-Quads ...
        000001.json        ... and those graphs, each with whether it existed: the record counts once this is there
        WRITING            a sync begun on an empty store (which keeps no records) is about to write
        COMMITTED          the sync finished: nothing is undone, the journal only waits to be deleted

    A record is on disk (fsynced) before its batch is written. Undoing a batch is one SPARQL update (atomic)
    that gives its graphs their old triples back and puts the union right for every triple they held before or
    hold now; records are undone last first, each deleted once undone, so an undo cut short is finished by the
    next. A sync that began on an empty store is undone by emptying it (its writes may use the bulk loader,
    which is not atomic).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._records = 0
        self._empty_start: bool | None = None

    @property
    def exists(self) -> bool:
        return (self.path / "sync.json").exists()

    @property
    def committed(self) -> bool:
        return (self.path / "COMMITTED").exists()

    def state(self) -> tuple[bool, int | None, bool]:
        """For readers: whether a sync is open and not committed, its writer's process id, and whether it has begun
        writing (a record is kept, or it began on an empty store: its first write may be under way)."""
        try:
            header = json.loads((self.path / "sync.json").read_text(encoding="utf-8"))
            names = os.listdir(self.path)
        except (OSError, ValueError):
            return (False, None, False)
        if "COMMITTED" in names:
            return (False, None, False)
        pid = header.get("pid") if isinstance(header, dict) else None
        writing = any(n == WRITING or (n.endswith(".json") and n != "sync.json") for n in names)
        return (True, pid if isinstance(pid, int) else None, writing)

    @property
    def empty_start(self) -> bool:
        """Whether the store held no quad when the sync began."""
        if self._empty_start is None:
            try:
                header = json.loads((self.path / "sync.json").read_text(encoding="utf-8"))
                self._empty_start = bool(header.get("empty"))
            except (OSError, ValueError):
                return False
        return self._empty_start

    def begin(self, *, empty: bool, manifests: Iterable[Path]) -> None:
        """Start the journal: the sync's header and the manifest files as they are, made whole in a folder of
        their own, then renamed into place."""
        staging = self.path.with_name(self.path.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(self.path, ignore_errors=True)  # a committed journal whose deletion was cut short
        (staging / "manifest").mkdir(parents=True)
        for manifest in manifests:
            os.link(manifest, staging / "manifest" / manifest.name)
        write_synced(staging / "sync.json", json.dumps({"empty": empty, "pid": os.getpid()}).encode("utf-8"))
        os.replace(staging, self.path)
        fsync_dir(self.path.parent)
        self._records = 0
        self._empty_start = empty

    def record(self, graphs: Mapping[str, set[str] | None]) -> None:
        """Keep the old triples of the graphs a batch is about to write (``None``: the graph did not exist)."""
        self._records += 1
        name = f"{self._records:06d}"
        write_synced(self.path / f"{name}.nq", _nquads(((g, t) for g, t in graphs.items() if t), union=False))
        listing = json.dumps([[graph, triples is not None] for graph, triples in graphs.items()])
        write_synced(self.path / f"{name}.json", listing.encode("utf-8"))

    def mark_writing(self) -> None:
        """Say that a sync begun on an empty store writes (it keeps no records: it is undone by emptying the store)."""
        marker = self.path / WRITING
        if not marker.exists():
            write_synced(marker, b"")
            fsync_dir(self.path)

    def commit(self) -> None:
        write_synced(self.path / "COMMITTED", b"")

    def undo(self, ox: OxStore, store_dir: Path) -> None:
        """Bring the store and its manifest back to where they were before the sync."""
        if self.empty_start:
            ox.clear()
        else:
            for listing in sorted(self.path.glob("*.json"), reverse=True):
                if listing.name == "sync.json":
                    continue
                ox.update(self._undo_update(ox, listing))
                ox.flush()
                listing.unlink()
                listing.with_suffix(".nq").unlink(missing_ok=True)
        ox.flush()
        saved = {path.name: path for path in (self.path / "manifest").iterdir()}
        for current in _manifest_files(store_dir):
            if current.name not in saved:
                current.unlink()
        for name, path in saved.items():
            os.replace(path, store_dir / name)
        self.end()

    def _undo_update(self, ox: OxStore, listing: Path) -> str:
        graphs = [graph for graph, _ in json.loads(listing.read_text(encoding="utf-8"))]
        old: dict[str, set[str]] = {}
        nq = listing.with_suffix(".nq")
        if nq.exists() and nq.stat().st_size:
            for quad in parse(path=str(nq), format=RdfFormat.N_QUADS):
                old.setdefault(str(quad.graph_name.value), set()).add(str(quad.triple))
        now = {str(q.triple) for g in graphs for q in ox.quads_for_pattern(None, None, None, NamedNode(g))}
        operations = [f"DROP SILENT GRAPH <{graph}>" for graph in graphs]
        for graph, triples in old.items():
            operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(triples)}\n}} }}")
        if old:
            operations.append(f"INSERT DATA {{\n{_triples_text(set().union(*old.values()))}\n}}")
        if now:
            operations.append(_delete_unless_in_a_graph(now))
        return " ;\n".join(operations)

    def end(self) -> None:
        """Delete the journal: the sync is committed or undone."""
        self._empty_start = None
        doomed = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(doomed, ignore_errors=True)
        if self.path.exists():
            os.replace(self.path, doomed)  # one rename: a journal is whole or gone
            fsync_dir(self.path.parent)
        shutil.rmtree(doomed, ignore_errors=True)


def _manifest_files(store_dir: Path) -> list[Path]:
    """The files of the store directory besides the database and the journal: the manifest, in whatever files it is
    kept."""
    return sorted(
        path
        for path in store_dir.iterdir()
        if path.is_file() and not path.name.startswith(JOURNAL) and path.name not in (SYNC_MARK, GENERATION)
    )
