"""What a load did not understand: fields it kept as plain text, pages without a type, links to pages with no file.

Asked of the store after a load, for the labs loaded (so unchanged notes count as much as those read now), in
SPARQL over the notes' graphs: each note file's graph names its path, so every gap comes with a file to look at.

- **fields not mapped**: ``Key:: value`` attributes and front-matter fields the configuration does not map, kept
  under a lab-local property (``{base}attribute/…``, a sub-property of ``rn:attribute``): per field, how many notes
  use it and one of their files;
- **pages without a type**: note files whose node has no discourse type (``rn:Page``);
- **links to pages with no file**: pages named by a link or a relation that no loaded file is.

The queries read every note graph of the labs (~3 s at 10,000 notes): their answer is kept in the store's folder
(``coverage.json``) under the manifest it was asked for, so a load that changed nothing answers from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass, field
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


def coverage(store: Store, bases: list[str], relation_properties: list[str]) -> Coverage:
    """What the notes of the labs with these base IRIs hold that the load did not understand (as kept for the
    store's manifest when it is the same)."""
    manifest = digest(store.path)
    key = hashlib.sha1(json.dumps([manifest, sorted(set(bases)), sorted(relation_properties)]).encode()).hexdigest()
    try:
        kept = json.loads((store.path / _CACHE).read_bytes())
        if manifest is not None and kept["key"] == key:
            return Coverage(**{name: [Gap(**gap) for gap in gaps] for name, gaps in kept["coverage"].items()})
    except (OSError, ValueError, KeyError, TypeError):
        pass  # none kept, or for another manifest: asked again
    result = _coverage(store, bases, relation_properties)
    if manifest is not None:
        body = {"key": key, "coverage": asdict(result)}
        with contextlib.suppress(OSError):  # only saves time
            write_atomically(store.path / _CACHE, json.dumps(body, sort_keys=True).encode(), sync_dir=False)
    return result


def _coverage(store: Store, bases: list[str], relation_properties: list[str]) -> Coverage:
    result = Coverage()
    for base in sorted(set(bases)):
        files = f'FILTER(STRSTARTS(STR(?g), "{_escaped(base)}file/"))'
        result.fields += _gaps(
            store,
            f"""SELECT ?name (COUNT(DISTINCT ?node) AS ?n) (MIN(?path) AS ?example) WHERE {{
                GRAPH ?g {{ ?g <{RN.path}> ?path . ?node ?p ?value }}
                {files}
                ?p <{RDFS.subPropertyOf}> <{RN.attribute}> ; <{RDFS.label}> ?name .
            }} GROUP BY ?name""",
        )
        result.untyped += _gaps(
            store,
            f"""SELECT ?name (COUNT(DISTINCT ?g) AS ?n) (MIN(?path) AS ?example) WHERE {{
                GRAPH ?g {{ ?g <{FOAF.primaryTopic}> ?node ; <{RN.path}> ?path .
                           ?node <{RDF.type}> <{RN.Page}> ; <{RDFS.label}> ?name }}
                {files}
            }} GROUP BY ?name""",
        )
        linking = " ".join(f"<{p}>" for p in sorted({DCTERMS.references, *relation_properties}))
        result.unresolved += _gaps(
            store,
            f"""SELECT ?name (COUNT(DISTINCT ?g) AS ?n) (MIN(?path) AS ?example) WHERE {{
                VALUES ?p {{ {linking} }}
                GRAPH ?g {{ ?g <{RN.path}> ?path . ?node ?p ?target . ?target <{RDFS.label}> ?name }}
                {files}
                FILTER NOT EXISTS {{ GRAPH ?h {{ ?h <{FOAF.primaryTopic}> ?target }} }}
            }} GROUP BY ?name""",
        )
    for gaps in (result.fields, result.untyped, result.unresolved):
        gaps.sort(key=lambda gap: (-gap.count, gap.name, gap.example))
    return result


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _gaps(store: Store, query: str) -> list[Gap]:
    return [Gap(str(row["name"].value), int(row["n"].value), str(row["example"].value)) for row in store.query(query)]


__all__ = ["Coverage", "Gap", "coverage"]
