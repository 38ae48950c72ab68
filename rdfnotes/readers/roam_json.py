"""Reader of Roam Research's JSON exports: the Discourse Graphs extension's, and Roam's own.

The Discourse Graphs extension writes one file for a graph (or a query's results)::

    {"grammar":   [{"label": "Supports", "source": "Evidence", "destination": "Claim"}, …],
     "nodes":     [{"uid", "title", "children": [block tree], "date": ISO 8601, "createdBy"}, …],
     "relations": [{"label": "Supports", "source": <uid>, "target": <uid>}, …]}

Roam's own export is a list of pages (``[{"title", "uid", "children", "create-time", …}]``) with no relations.
Blocks are ``{text (or string), uid, heading, children}``; a block ``Key:: value`` is an attribute, as a Markdown
line is. Each node is a note of its own (``part`` = its uid). A relation listed twice is one relation; one whose
ends are not among the nodes is reported and left out.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from ..config import Rule
from ..errors import ReadError
from ..model import Link, Note, Problem, Relation
from .bounded import TooLarge, load_json
from .roam_markdown import decode, read_block
from .units import ReadContext, Unit, UnitContent, read_bytes

_GRAMMAR = ("source", "label", "destination")
_EXPORT_NAME = re.compile(r"^(?P<graph>.+?)_query-results_\d+")


def graph_from_file_name(relpath: str) -> str | None:
    """The Roam graph a Discourse Graphs export names in its file name (``{graph}_query-results_{time}.json``).

    >>> graph_from_file_name("exports/lab-c_query-results_202502050900.json")
    'lab-c'
    """
    match = _EXPORT_NAME.match(relpath.rsplit("/", 1)[-1])
    return match["graph"] if match else None


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    return read(read_json(unit), unit.key, spaced_keys=context.spaced_keys)


def read_json(unit: Unit) -> Any:
    """The parsed JSON of a unit's file. :raises ReadError: when it is not UTF-8 JSON."""
    text = decode(read_bytes(unit.main), unit.key)
    try:
        return load_json(text)
    except json.JSONDecodeError as exc:
        raise ReadError(unit.key, f"not valid JSON ({exc.msg})", exc.lineno) from exc
    except TooLarge as exc:
        raise ReadError(unit.key, f"not read: {exc}") from None


def read(data: Any, path: str, *, spaced_keys: frozenset[str]) -> UnitContent:
    """The notes of a parsed export. :raises ReadError: when it is neither export's shape."""
    relations: list[Any] = []
    if isinstance(data, list):
        pages = data
    elif isinstance(data, dict) and isinstance(data.get("nodes"), list):
        pages = data["nodes"]
        if isinstance(data.get("relations"), list):
            relations = data["relations"]
    else:
        raise ReadError(path, "not a Roam JSON export: expected a list of pages or an object with 'nodes'")
    content = UnitContent()
    if isinstance(data, dict) and isinstance(data.get("grammar"), list):
        for entry in data["grammar"]:
            if isinstance(entry, dict) and all(str(entry.get(k) or "").strip() for k in _GRAMMAR):
                rule = Rule(*(str(entry[k]).strip() for k in _GRAMMAR))
                content.grammar.append((path, rule))
    graph = graph_from_file_name(path)
    by_uid: dict[str, Note] = {}
    for number, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or not str(page.get("title") or "").strip():
            content.problems.append(Problem(path, f"node {number} has no title and was skipped"))
            continue
        note = _page(page, path, graph, spaced_keys)
        if note.uid and note.uid in by_uid:
            content.problems.append(Problem(path, f"node uid {note.uid!r} is listed twice: the second is skipped"))
            continue
        if note.uid:
            by_uid[note.uid] = note
        content.notes.append(note)
    seen: set[tuple[str, str, str]] = set()
    for relation in relations:
        if not isinstance(relation, dict):
            continue
        label = str(relation.get("label") or "").strip()
        source = str(relation.get("source") or "")
        target = str(relation.get("target") or relation.get("destination") or "")
        if not (label and source and target) or (label, source, target) in seen:
            continue
        seen.add((label, source, target))
        if problem := attach_relation(by_uid, label, source, target, path):
            content.problems.append(problem)
    return content


def _page(page: dict[str, Any], path: str, graph: str | None, spaced_keys: frozenset[str]) -> Note:
    title = str(page["title"]).strip()
    uid = str(page["uid"]) if page.get("uid") else None
    note = Note(path=path, title=title, name=title, uid=uid, graph=graph, part=uid or title)
    user = page.get("create-user")
    author = page.get("createdBy") or (user.get(":user/uid") if isinstance(user, dict) else None)
    if isinstance(author, str) and author.strip() and author.strip().lower() != "unknown":
        note.author = author.strip()
    created = page.get("date") or page.get("created")
    if isinstance(created, str) and created.strip():
        note.created = created.strip()
    elif isinstance(page.get("create-time"), int):
        try:
            stamp = datetime.fromtimestamp(page["create-time"] / 1000, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            note.warn(f"create-time {page['create-time']} is not a time: left out")
        else:
            note.created = stamp.isoformat(timespec="seconds").replace("+00:00", "Z")
    body: list[str] = []
    _blocks(note, page.get("children"), 0, body, spaced_keys)
    note.body = "\n".join(body)
    return note


def _blocks(note: Note, blocks: Any, depth: int, body: list[str], spaced_keys: frozenset[str]) -> None:
    if not isinstance(blocks, list):
        return  # no children, or not a list of blocks: nothing to read
    ordered = sorted(
        (b for b in blocks if isinstance(b, dict)),
        key=lambda b: b["order"] if isinstance(b.get("order"), (int, float)) else 0,
    )
    for block in ordered:
        text = str(block.get("text", block.get("string", "")) or "")
        if text.strip() and not read_block(note, text.strip(), 0, spaced_keys):
            heading = block.get("heading")
            marks = "#" * heading + " " if isinstance(heading, int) and 0 < heading <= 6 else ""
            for i, line in enumerate(text.rstrip().split("\n")):
                body.append(("    " * depth + ("- " + marks if i == 0 else "  ")) + line)
        _blocks(note, block.get("children"), depth + 1, body, spaced_keys)


def attach_relation(
    by_uid: dict[str, Note], label: str, source: str, target: str, path: str, line: int | None = None
) -> Problem | None:
    """Give a relation an export lists by uids to the note it leaves (or, when that one is not in the export, the
    note it reaches), naming its other end by uid so that a missing end is reported, not loaded.

    :returns: a problem when neither end is a note of the export.
    """
    if source in by_uid:
        holder, other, incoming = by_uid[source], target, False
    elif target in by_uid:
        holder, other, incoming = by_uid[target], source, True
    else:
        return Problem(path, f"relation {label!r} joins {source!r} and {target!r}, neither a node here: left out", line)
    name = by_uid[other].title if other in by_uid else f"uid {other}"
    holder.relations.append(Relation(label, Link(name, line or 0, uid=other, required=True), incoming))
    return None
