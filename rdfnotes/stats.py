"""``rdfnotes stats``: what the store holds, in numbers — its labs, nodes by type, relations by kind, its size on
disk, and when each lab was last loaded (from the store's history, rdfnotes.history).

>>> human_size(1536), human_size(12_345_678), human_size(512)
('1.5 KB', '11.8 MB', '512 B')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, QuerySolutions

from .config import Config
from .history import load_history
from .labs import VOID, Lab, labs
from .store import Store
from .vocab import PREFIXES, RDFS, RN


@dataclass(frozen=True)
class StoreStats:
    """The numbers ``rdfnotes stats`` shows."""

    labs: list[Lab]
    last_loads: dict[str, str]
    """Each lab's last load (ISO 8601 UTC), for the labs the history knows."""
    types: list[tuple[str, int]]
    """Each class and how many distinct nodes have it, most first."""
    relations: list[tuple[str, int]]
    """Each relation property and how many distinct statements of it the store holds (the union), most first."""
    triples: int
    size: int
    """Bytes the store's folder takes on disk."""


def store_stats(store: Store, config: Config) -> StoreStats:
    """Count what ``store`` holds."""
    found = labs(store)
    last: dict[str, str] = {}
    for record in load_history(store, config):
        last[record.lab] = record.time
    types = _pairs(store, "SELECT ?key (COUNT(DISTINCT ?node) AS ?n) WHERE { ?node a ?key } GROUP BY ?key")
    properties = " ".join(f"<{relation.property_iri}>" for relation in config.relations)
    relations = _pairs(
        store,
        f"SELECT ?key (COUNT(*) AS ?n) WHERE {{ {{ VALUES ?key {{ {properties} }} }} UNION "
        f"{{ ?key <{RDFS.subPropertyOf}> <{RN.relation}> }} ?s ?key ?o }} GROUP BY ?key",
    )
    triples = store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return StoreStats(found, last, types, relations, triples, folder_size(store.path))


def _pairs(store: Store, sparql: str) -> list[tuple[str, int]]:
    results = store.query(sparql)
    assert isinstance(results, QuerySolutions)
    pairs = []
    for row in results:
        key, count = row[0], row[1]
        if isinstance(key, NamedNode) and count is not None and int(count.value):
            pairs.append((prefixed(key.value), int(count.value)))
    return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def prefixed(iri: str) -> str:
    """An IRI as a prefixed name when a standard prefix covers it.

    >>> prefixed("https://discoursegraphs.com/schema/dg_core#Claim"), prefixed("urn:x")
    ('dg:Claim', '<urn:x>')
    """
    known = {**PREFIXES, "void": VOID.iri}
    for prefix, namespace in sorted(known.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and iri[len(namespace) :].replace("_", "a").replace("-", "a").isalnum():
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def folder_size(path: Path) -> int:
    """Bytes the files under ``path`` take."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue  # a file the writer just compacted away
    return total


def human_size(size: int) -> str:
    """A size in bytes as people read it (1024 a step)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"
