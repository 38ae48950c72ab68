"""Reader of the Discourse Graphs Roam extension's "JSON-LD (Experimental)" export, read as discourse notes.

One JSON-LD document (the extension's ``getJsonLdData``): an ``@context`` of short terms, ``@id`` the graph's Roam
URL, and an ``@graph`` holding, in this order::

    {"@id": "pages:<type uid>", "@type": "nodeSchema", "label": "Claim", …}                       node types
    {"@id": "pages:<rel uid>", "@type": "relationDef", "domain": "pages:<type uid>",
     "range": "pages:<type uid>", "label": "Supports"}                                           relation types
    {"@id": "pages:<rel uid>-inverse", "@type": "relationDef", "label": "Supported By",
     "inverseOf": "pages:<rel uid>", …}                                                           their inverses
    {"@id": "pages:<page uid>", "@type": "pages:<type uid>", "title": "[[CLM]] - …",
     "content": <the page as Markdown>, "created", "modified", "creator",
     "textRefersToNode": ["page:<uid>", …]}                                                       nodes
    {"@type": "relationInstance", "predicate": "pages:<rel uid>", "source": "pages:<uid>",
     "destination": "pages:<uid>"}                                                               relations

Read as a JSON-LD processor would, it is a few dozen raw triples: the context gives ``source``, ``destination`` and
``predicate`` no ``@type: @id``, so they are strings, and nodes are typed by schema pages. Read here as what it
means, it gives the notes the Markdown export of the same graph gives: each node a note named by its page uid (so
the same IRI), typed by its schema's label, its ``content`` read as the Markdown page it is (attributes, links),
``textRefersToNode`` as links, and each relation instance as the relation its definition's label names, in the
definition's direction (an ``-inverse`` definition, with ``inverseOf``, is its relation the other way). The
definitions' domains and ranges are the lab's grammar.

Plain JSON is enough to read it (no JSON-LD expansion: the terms are fixed by the exporter, and the ``pages:``
prefix and full page URLs are both accepted for every reference).
"""

from __future__ import annotations

import re
from typing import Any

from ..config import Rule
from ..errors import ReadError
from ..model import Link, Note, Problem
from .markup import ROAM_PAGE_URL
from .roam_json import attach_relation, read_json
from .roam_markdown import read as read_markdown
from .units import ReadContext, Unit, UnitContent

MARKERS = ('"relationInstance"', '"nodeSchema"', '"relationDef"')
"""What the head of a ``.json``/``.jsonld`` file holds when it is this export (any one of them)."""

_GRAPH_URL = re.compile(r"roamresearch\.com/[^#\s]*#/app/(?P<graph>[^/\s]+)")


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    return read(read_json(unit), unit.key, spaced_keys=context.spaced_keys)


def _uid(reference: Any) -> str:
    """The page uid a reference names: ``pages:abc``, ``page:abc`` or ``https://roamresearch.com/#/app/g/page/abc``."""
    text = str(reference or "").strip()
    if found := ROAM_PAGE_URL.search(text):
        return str(found["uid"])
    return text.split(":", 1)[1] if re.match(r"^pages?:", text) else text


def read(data: Any, path: str, *, spaced_keys: frozenset[str]) -> UnitContent:
    """The notes of a parsed export. :raises ReadError: when it has no ``@graph`` list."""
    if not isinstance(data, dict) or not isinstance(data.get("@graph"), list):
        raise ReadError(path, "not a Discourse Graphs JSON-LD export: expected an object with an '@graph' list")
    content = UnitContent()
    found = _GRAPH_URL.search(str(data.get("@id") or ""))
    graph = found["graph"] if found else None
    entries = [e for e in data["@graph"] if isinstance(e, dict)]
    schemas = {_uid(e.get("@id")): str(e.get("label") or "").strip() for e in entries if e.get("@type") == "nodeSchema"}
    definitions = {_uid(e.get("@id")): e for e in entries if e.get("@type") == "relationDef"}
    for definition in definitions.values():
        if definition.get("inverseOf"):
            continue
        ends = schemas.get(_uid(definition.get("domain"))), schemas.get(_uid(definition.get("range")))
        label = str(definition.get("label") or "").strip()
        if ends[0] and ends[1] and label:
            content.grammar.append((path, Rule(ends[0], label, ends[1])))
    by_uid: dict[str, Note] = {}
    for number, entry in enumerate(entries, start=1):
        kind = entry.get("@type")
        if kind in ("nodeSchema", "relationDef", "relationInstance"):
            continue
        note = _node(entry, path, graph, schemas, spaced_keys)
        if note is None:
            content.problems.append(Problem(path, f"@graph entry {number} is no node (no @id and title): left out"))
        elif note.uid in by_uid:
            content.problems.append(Problem(path, f"node uid {note.uid!r} is listed twice: the second is skipped"))
        else:
            by_uid[str(note.uid)] = note
            content.notes.append(note)
    for entry in entries:
        note = by_uid.get(_uid(entry.get("@id")))
        refers = entry.get("textRefersToNode")
        if note is not None and isinstance(refers, list):
            _refers(note, [_uid(r) for r in refers], by_uid)
    seen: set[tuple[str, str, str]] = set()
    for number, entry in enumerate(entries, start=1):
        if entry.get("@type") != "relationInstance":
            continue
        relation = _relation(entry, definitions)
        if relation is None:
            predicate = entry.get("predicate")
            message = f"relation instance {number} names no relation definition ({predicate!r}): left out"
            content.problems.append(Problem(path, message))
            continue
        if relation in seen:
            continue
        seen.add(relation)
        if problem := attach_relation(by_uid, *relation, path):
            content.problems.append(problem)
    return content


def _node(
    entry: dict[str, Any], path: str, graph: str | None, schemas: dict[str, str], spaced_keys: frozenset[str]
) -> Note | None:
    uid, title = _uid(entry.get("@id")), str(entry.get("title") or "").strip()
    if not uid or not title:
        return None
    body = entry.get("content")
    note = read_markdown(str(body or "").encode("utf-8"), path, spaced_keys=spaced_keys)
    note.title = note.name = title
    note.uid, note.part, note.graph = uid, uid, graph
    if graph:
        note.url = f"https://roamresearch.com/#/app/{graph}/page/{uid}"
    note.node_type = schemas.get(_uid(entry.get("@type"))) or None
    creator = entry.get("creator")
    if isinstance(creator, str) and creator.strip() and creator.strip().lower() != "unknown":
        note.author = creator.strip()
    if isinstance(entry.get("created"), str) and entry["created"].strip():
        note.created = entry["created"].strip()
    return note


def _refers(note: Note, targets: list[str], by_uid: dict[str, Note]) -> None:
    """``textRefersToNode``: links to pages of the export (by uid, named by their titles)."""
    for target in targets:
        if target in by_uid:
            note.links.append(Link(by_uid[target].title, 0, uid=target))
        elif target:
            note.warn(f"textRefersToNode names page {target!r}, which is not in the export: left out")


def _relation(entry: dict[str, Any], definitions: dict[str, dict[str, Any]]) -> tuple[str, str, str] | None:
    """``(label, source uid, target uid)`` in the relation's own direction, or ``None`` when its definition is
    not in the export."""
    definition = definitions.get(_uid(entry.get("predicate")))
    source, target = _uid(entry.get("source")), _uid(entry.get("destination"))
    if definition is None or not source or not target:
        return None
    if definition.get("inverseOf"):
        base = definitions.get(_uid(definition["inverseOf"]))
        if base is None:
            return None
        definition, source, target = base, target, source
    label = str(definition.get("label") or "").strip()
    return (label, source, target) if label else None
