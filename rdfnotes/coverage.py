"""What a load did not understand: fields it kept as plain text, pages without a type, links to pages with no file.

Asked of the store after a load, for the labs loaded (so unchanged notes count as much as those read now), in
SPARQL over the notes' graphs: each note file's graph names its path, so every gap comes with a file to look at.

- **fields not mapped**: ``Key:: value`` attributes and front-matter fields the configuration does not map, kept
  under a lab-local property (``{base}attribute/…``, a sub-property of ``rn:attribute``): per field, how many notes
  use it and one of their files;
- **pages without a type**: note files whose node has no discourse type (``rn:Page``);
- **links to pages with no file**: pages named by a link or a relation that no loaded file is.

The queries read every note graph of the labs (~3 s at 10,000 notes): what each graph holds of it is kept in the
store's folder, so that a load asks it again of the graphs it wrote alone (see :func:`coverage`).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .durable import write_atomically
from .manifest import digest
from .store import Store
from .vocab import DCTERMS, FOAF, RDF, RDFS, RN

_SHOWN = {"fields": 10, "untyped": 3, "unresolved": 5}
"""How many of each the summary lines name (the JSON report has them all)."""


@dataclass(frozen=True)
class Gap:
    """One thing not understood: its name, how many notes (files) it concerns, and one file to look at."""

    name: str
    count: int
    example: str


@dataclass
class Coverage:
    fields: list[Gap] = field(default_factory=list)
    untyped: list[Gap] = field(default_factory=list)
    unresolved: list[Gap] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields_not_mapped": [asdict(gap) for gap in self.fields],
            "pages_without_type": [asdict(gap) for gap in self.untyped],
            "links_to_pages_with_no_file": [asdict(gap) for gap in self.unresolved],
        }

    def lines(self) -> list[str]:
        """The summary a load ends with: the counts, then the first few of each with a file to look at."""
        head = (
            f"Coverage: {_count(len(self.fields), 'field')} not mapped, {_count(len(self.untyped), 'page')} without "
            f"a type, {_count(len(self.unresolved), 'page')} linked to with no file."
        )
        lines = [head]
        lines += [
            f"  field {gap.name!r} kept as text: {_count(gap.count, 'note')}, e.g. {gap.example}"
            for gap in self.fields[: _SHOWN["fields"]]
        ]
        lines += [f"  no type: {gap.example}" for gap in self.untyped[: _SHOWN["untyped"]]]
        lines += [
            f"  no file for {gap.name!r}: linked from {_count(gap.count, 'file')}, e.g. {gap.example}"
            for gap in self.unresolved[: _SHOWN["unresolved"]]
        ]
        hidden = sum(max(0, len(gaps) - _SHOWN[name]) for name, gaps in self._groups())
        if hidden:
            lines.append(f"  … and {hidden} more: load --report FILE writes them all")
        return lines

    def _groups(self) -> list[tuple[str, list[Gap]]]:
        return [("fields", self.fields), ("untyped", self.untyped), ("unresolved", self.unresolved)]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_CACHE = "coverage.json"
_SUMMARY = "coverage-summary.json"
# Graphs named in one query. Few: Oxigraph answers a VALUES of many graphs by reading every graph (measured at
# 100k notes, the links query: 1 graph 0.00 s, 10 graphs 0.01 s, 150 graphs 13.5 s; 150 queries of one 0.09 s).
_ASKED_AT_ONCE = 8


def coverage(store: Store, bases: list[str], relation_properties: list[str]) -> Coverage:
    """What the notes of the labs with these base IRIs hold that the load did not understand.

    What each note graph holds of it is kept (``coverage.json`` in the store's folder, under the manifest it was
    asked for): a load asks it again of the graphs it wrote alone (:attr:`Store.graphs_written`) and sums it up
    for the labs. A graph's gaps change only when it is written again: a page that appears or goes re-links (so
    writes again) every note that links to it. Kept for another manifest (a load that did not finish keeping it),
    or for other settings, everything is asked again (~3 s at 10,000 notes, ~25 s at 100,000).
    """
    settings = sorted(relation_properties)
    wanted = sorted(set(bases))
    manifest = digest(store.path)
    summary = _read_summary(store.path, [manifest, settings, wanted])
    if summary is not None:
        return summary  # the same manifest: nothing was written since it was summed (a re-sync that found no change)
    kept = _read_kept(store.path)
    graphs: dict[str, dict[str, Any]] = {}
    covered: set[str] = set()
    written = store.graphs_written
    if (
        kept is not None
        and written is not None
        and kept.get("manifest") == store.manifest_before
        and kept.get("settings") == settings
    ):
        graphs = kept["graphs"]
        covered = set(kept["bases"])
        for graph in written:
            graphs.pop(graph, None)
    for base in wanted:
        if base in covered:
            asked = sorted(g for g in written or () if g.startswith(f"{base}file/"))
            for start in range(0, len(asked), _ASKED_AT_ONCE):
                _ask(store, base, relation_properties, graphs, asked[start : start + _ASKED_AT_ONCE])
        else:
            for graph in [g for g in graphs if g.startswith(f"{base}file/")]:
                del graphs[graph]
            _ask(store, base, relation_properties, graphs, None)
            covered.add(base)
    result = _summed(graphs, wanted)
    if manifest is not None:
        body = {"manifest": manifest, "settings": settings, "bases": sorted(covered), "graphs": graphs}
        summed = {"for": [manifest, settings, wanted], "summary": result.to_dict()}
        with contextlib.suppress(OSError):  # only saves time
            write_atomically(store.path / _CACHE, json.dumps(body, sort_keys=True).encode(), sync_dir=False)
            write_atomically(store.path / _SUMMARY, json.dumps(summed, sort_keys=True).encode(), sync_dir=False)
    return result


def _read_summary(directory: Path, made_for: list[Any]) -> Coverage | None:
    """The summary kept for this manifest, settings and labs (``coverage-summary.json``, small: read at every
    load, where ``coverage.json`` holds every graph's gaps), if there is one."""
    if made_for[0] is None:
        return None
    try:
        kept = json.loads((directory / _SUMMARY).read_bytes())
        if kept["for"] != made_for:
            return None
        summary = kept["summary"]
        return Coverage(
            fields=[Gap(**gap) for gap in summary["fields_not_mapped"]],
            untyped=[Gap(**gap) for gap in summary["pages_without_type"]],
            unresolved=[Gap(**gap) for gap in summary["links_to_pages_with_no_file"]],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_kept(directory: Path) -> dict[str, Any] | None:
    try:
        kept = json.loads((directory / _CACHE).read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(kept, dict)
        or not isinstance(kept.get("graphs"), dict)
        or not isinstance(kept.get("bases"), list)
    ):
        return None
    return kept


def _ask(
    store: Store, base: str, relation_properties: list[str], graphs: dict[str, dict[str, Any]], only: list[str] | None
) -> None:
    """What the note graphs of the lab at ``base`` (``only`` these, when given) hold that the load did not
    understand, into ``graphs``: each graph's path, its fields kept as text (name and node), the names of its
    node when it has no type, the names of the pages it links to that no file is."""
    files = f'FILTER(STRSTARTS(STR(?g), "{_escaped(base)}file/"))'
    values = "VALUES ?g { " + " ".join(f"<{g}>" for g in only) + " }" if only is not None else ""
    linking = " ".join(f"<{p}>" for p in sorted({DCTERMS.references, *relation_properties}))
    queries = {
        "fields": f"""SELECT DISTINCT ?g ?path ?name ?node WHERE {{ {values}
            GRAPH ?g {{ ?g <{RN.path}> ?path . ?node ?p ?value }}
            {files}
            ?p <{RDFS.subPropertyOf}> <{RN.attribute}> ; <{RDFS.label}> ?name .
        }}""",
        "untyped": f"""SELECT DISTINCT ?g ?path ?name WHERE {{ {values}
            GRAPH ?g {{ ?g <{FOAF.primaryTopic}> ?node ; <{RN.path}> ?path .
                       ?node <{RDF.type}> <{RN.Page}> ; <{RDFS.label}> ?name }}
            {files}
        }}""",
        "unresolved": f"""SELECT DISTINCT ?g ?path ?name WHERE {{ {values}
            VALUES ?p {{ {linking} }}
            GRAPH ?g {{ ?g <{RN.path}> ?path . ?node ?p ?target . ?target <{RDFS.label}> ?name }}
            {files}
            FILTER NOT EXISTS {{ GRAPH ?h {{ ?h <{FOAF.primaryTopic}> ?target }} }}
        }}""",
    }
    if only is None:
        # Every graph of the lab: the pages no file is are found first, in the default graph (the union of the named
        # graphs: every target linked in one is there), then the graphs linking to them. Oxigraph otherwise joins
        # every link of every graph with its target's label before the filter (100k notes: 23 s, now 11-13 s).
        queries["unresolved"] = f"""SELECT DISTINCT ?g ?path ?name WHERE {{
            {{ SELECT DISTINCT ?target WHERE {{ VALUES ?p {{ {linking} }} ?node ?p ?target }} }}
            MINUS {{ GRAPH ?h {{ ?h <{FOAF.primaryTopic}> ?target }} }}
            GRAPH ?g {{ ?target <{RDFS.label}> ?name . ?node ?p ?target . ?g <{RN.path}> ?path }}
            VALUES ?p {{ {linking} }}
            {files}
        }}"""
    for kind, query in queries.items():
        for row in store.query(query):
            entry = graphs.setdefault(row["g"].value, {"path": str(row["path"].value)})
            item = [str(row["name"].value), row["node"].value] if kind == "fields" else str(row["name"].value)
            entry.setdefault(kind, []).append(item)


def _summed(graphs: dict[str, dict[str, Any]], bases: list[str]) -> Coverage:
    """The gaps of the labs at ``bases``, summed over their graphs: per name, how many notes (fields: distinct
    nodes; the others: files) and the first path."""
    nodes: dict[str, set[str]] = {}
    files: dict[str, dict[str, set[str]]] = {"untyped": {}, "unresolved": {}}
    examples: dict[tuple[str, str], str] = {}
    prefixes = tuple(f"{base}file/" for base in bases)
    for graph, entry in graphs.items():
        if not graph.startswith(prefixes):
            continue
        path = entry["path"]
        for name, node in entry.get("fields", []):
            nodes.setdefault(name, set()).add(node)
            _first(examples, ("fields", name), path)
        for kind in ("untyped", "unresolved"):
            for name in entry.get(kind, []):
                files[kind].setdefault(name, set()).add(graph)
                _first(examples, (kind, name), path)
    result = Coverage(
        fields=[Gap(name, len(found), examples[("fields", name)]) for name, found in nodes.items()],
        untyped=[Gap(name, len(found), examples[("untyped", name)]) for name, found in files["untyped"].items()],
        unresolved=[
            Gap(name, len(found), examples[("unresolved", name)]) for name, found in files["unresolved"].items()
        ],
    )
    for gaps in (result.fields, result.untyped, result.unresolved):
        gaps.sort(key=lambda gap: (-gap.count, gap.name, gap.example))
    return result


def _first(examples: dict[tuple[str, str], str], key: tuple[str, str], path: str) -> None:
    if key not in examples or path < examples[key]:
        examples[key] = path


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


__all__ = ["Coverage", "Gap", "coverage"]
