"""The on-disk store: an embedded Oxigraph database plus the manifest that makes ``load`` a sync.

Layout of a store directory (``.rdfnotes/`` by default)::

    oxigraph/        the RocksDB files of the Oxigraph store
    manifest.json    what was loaded from where: per file its size, mtime, graph, node and resolved links

Every note file has its own named graph (its provenance). The default graph is kept equal to the union of all
named graphs, each triple once, so queries run on the default graph and count every relation once however many
pages state it. Replacing files and keeping the union right happen in one SPARQL update: a crash leaves the old
state or the new one, never half of each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, QuerySolutions, Triple
from pyoxigraph import Store as OxStore

from .errors import StoreError, StoreLocked

DATA_DIR = "oxigraph"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
# Graphs per update: bounded so one update's text stays a few MB however large a load is.
_BATCH_TRIPLES = 50_000


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

    # -- reading ---------------------------------------------------------------------------------------------

    def graph_triples(self, graph: str) -> set[Triple]:
        """The triples of one named graph."""
        return {
            Triple(q.subject, q.predicate, q.object)
            for q in self._ox.quads_for_pattern(None, None, None, NamedNode(graph))
        }

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

    def replace_graphs(self, graphs: Mapping[str, Iterable[Triple]], *, remove: Iterable[str] = ()) -> None:
        """Make each named graph in ``graphs`` hold exactly its triples, drop the graphs in ``remove``, and keep
        the default graph the union of all named graphs.

        Work is split into updates of bounded size; each update is atomic on its own and leaves the store
        consistent (every named graph whole, the union right).
        """
        batch: dict[str, set[Triple]] = {}
        size = 0
        for graph, triples in [*graphs.items(), *((g, ()) for g in remove)]:
            batch[graph] = set(triples)
            size += len(batch[graph]) + 1
            if size >= _BATCH_TRIPLES:
                self._replace_batch(batch)
                batch, size = {}, 0
        if batch:
            self._replace_batch(batch)

    def _replace_batch(self, batch: Mapping[str, set[Triple]]) -> None:
        added: set[Triple] = set()
        removed: set[Triple] = set()
        operations: list[str] = []
        for graph, new in batch.items():
            old = self.graph_triples(graph)
            added |= new - old
            removed |= old - new
            if old == new and (new or not self._ox.contains_named_graph(NamedNode(graph))):
                continue
            operations.append(f"DROP SILENT GRAPH <{graph}>")
            if new:
                operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples_text(new)}\n}} }}")
        if not operations:
            return
        if added:
            operations.append(f"INSERT DATA {{\n{_triples_text(added)}\n}}")
        if removed:
            rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in removed)
            operations.append(
                "DELETE { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) {\n"
                + rows
                + "\n} FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
            )
        try:
            self._ox.update(" ;\n".join(operations))
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"{self.path}: the update failed and nothing of it was written ({exc})") from exc

    def optimize(self) -> None:
        self._ox.optimize()


def _triples_text(triples: Iterable[Triple]) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
