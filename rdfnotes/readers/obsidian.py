"""Reader of an Obsidian vault kept by the Discourse Graphs plugin.

A discourse node is a note whose front matter names its type and identity::

    ---
    nodeTypeId: node_EvdE7aa03                   a type of .obsidian/plugins/<plugin>/data.json
    nodeInstanceId: 019b8a10-0005-7000-…        stable across renames: the node's IRI comes from it
    relation_mot005: ["[[QUE - Why.md]]"]       the older way to keep relations (no direction stored)
    ---

Its title is its file name. Since 2026 relations live in ``relations.json`` at the vault's root
(``{"relations": {id: {type, source, destination}}}``, ends named by ``nodeInstanceId``). Each note is read with
``data.json`` and ``relations.json`` (one unit): a relation is given to both of its ends, so the store holds it
once whichever note is read, and one whose other end is not in the vault is reported, not loaded.

Notes without ``nodeTypeId`` are plain notes: pages with their links. The body is read like any Markdown note:
``key:: value`` fields (Dataview), ``[[links]]`` (``[[name|alias]]`` and ``[[name#heading]]`` point at ``name``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import Rule
from ..errors import ReadError
from ..model import Link, Note, Problem, Relation
from .markup import wikilinks, yaml_strings, yaml_value_text
from .roam_markdown import decode, fields_as_relations
from .roam_markdown import read as read_markdown
from .units import NoteFile, ReadContext, Unit, UnitContent, read_bytes, stat_file

RELATIONS_FILE = "relations.json"
_RELATION_KEY = re.compile(r"^relation_(?P<id>.+)$")
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass(frozen=True)
class NodeTypeDef:
    id: str
    name: str
    format: str

    @property
    def marker(self) -> str:
        """``QUE`` for ``QUE - {content}``, ``@`` for ``@{content}``: what a title of this type starts with."""
        return self.format.split("{content}", 1)[0].strip().rstrip("-").strip()

    def matches(self, title: str) -> bool:
        prefix, _, suffix = self.format.partition("{content}")
        return bool(prefix or suffix) and title.startswith(prefix) and title.endswith(suffix)


@dataclass(frozen=True)
class RelationTypeDef:
    id: str
    label: str
    complement: str


@dataclass
class Settings:
    """The plugin's ``data.json``: node types, relation types, and the allowed (source, relation, destination)."""

    node_types: dict[str, NodeTypeDef] = field(default_factory=dict)
    relation_types: dict[str, RelationTypeDef] = field(default_factory=dict)
    allowed: set[tuple[str, str, str]] = field(default_factory=set)

    def rules(self) -> list[Rule]:
        """The allowed triples as a grammar, types and relations by name (ids the file does not define are left out)."""
        found = []
        for source, relation, target in sorted(self.allowed):
            ends = self.node_types.get(source), self.node_types.get(target)
            label = self.relation_types.get(relation)
            if ends[0] is not None and ends[1] is not None and label is not None:
                found.append(Rule(ends[0].name, label.label, ends[1].name))
        return found

    def type_of_title(self, title: str) -> NodeTypeDef | None:
        found = [t for t in self.node_types.values() if t.matches(title)]
        return max(found, key=lambda t: len(t.format)) if found else None


def plugin_settings_files(vault: Path) -> list[Path]:
    found = (vault / ".obsidian" / "plugins").glob("*/data.json")
    return sorted(p for p in found if p.is_file() and '"nodeTypes"' in _text(p))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def vault_files(vault: Path, root: Path) -> tuple[NoteFile, ...]:
    """The vault files every note is read with: the plugin's ``data.json`` and ``relations.json``, when present."""
    found = [*plugin_settings_files(vault)[:1]]
    if (vault / RELATIONS_FILE).is_file():
        found.append(vault / RELATIONS_FILE)
    return tuple(stat_file(path, Path(os.path.relpath(path, root)).as_posix()) for path in found)


def parse_settings(file: NoteFile) -> Settings:
    """Read the plugin's ``data.json``. :raises ReadError: when it is not JSON."""
    data = _json(file)
    settings = Settings()
    for entry in _list(data.get("nodeTypes")):
        if isinstance(entry, dict) and entry.get("id"):
            fmt = str(entry.get("format") or "{content}")
            settings.node_types[str(entry["id"])] = NodeTypeDef(str(entry["id"]), str(entry.get("name", "")), fmt)
    for entry in _list(data.get("relationTypes")):
        if isinstance(entry, dict) and entry.get("id"):
            settings.relation_types[str(entry["id"])] = RelationTypeDef(
                str(entry["id"]), str(entry.get("label", "")), str(entry.get("complement", ""))
            )
    for entry in _list(data.get("discourseRelations")):
        if isinstance(entry, dict):
            settings.allowed.add(
                (str(entry.get("sourceId")), str(entry.get("relationshipTypeId")), str(entry.get("destinationId")))
            )
    return settings


def _list(value: Any) -> list[Any]:
    """A list from data.json, or none when the key is missing or holds something else."""
    return value if isinstance(value, list) else []


def parse_relations(file: NoteFile) -> list[dict[str, str]]:
    """The relations of ``relations.json``, each ``{id, type, source, destination}``, in id order."""
    data = _json(file)
    relations = data.get("relations") or {}
    if not isinstance(relations, dict):
        raise ReadError(file.relpath, "'relations' is not an object of relations by id")
    found = []
    for key, entry in sorted(relations.items()):
        if isinstance(entry, dict) and entry.get("source") and entry.get("destination") and entry.get("type"):
            found.append(
                {
                    "id": str(entry.get("id") or key),
                    "type": str(entry["type"]),
                    "source": str(entry["source"]),
                    "destination": str(entry["destination"]),
                }
            )
    return found


def _json(file: NoteFile) -> dict[str, Any]:
    text = decode(read_bytes(file), file.relpath)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(file.relpath, f"not valid JSON ({exc.msg})", exc.lineno) from exc
    if not isinstance(data, dict):
        raise ReadError(file.relpath, "expected a JSON object")
    return data


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    """Read one note of the vault with the vault's ``data.json`` and ``relations.json``."""
    settings = Settings()
    relations: list[dict[str, str]] = []
    content = UnitContent()
    for file in unit.files[1:]:
        if file.relpath.endswith("data.json"):
            settings = context.cached("obsidian-settings", file, parse_settings)
            content.grammar.extend((file.relpath, rule) for rule in settings.rules())
        elif file.relpath.endswith(RELATIONS_FILE):
            relations = context.cached("obsidian-relations", file, parse_relations)
    note = read_note(read_bytes(unit.main), unit.key, settings, relations, spaced_keys=context.spaced_keys)
    fields_as_relations(note, context.config)
    _cleaned(note)
    content.notes.append(note)
    return content


def read_note(
    data: bytes,
    path: str,
    settings: Settings,
    relations: list[dict[str, str]],
    *,
    spaced_keys: frozenset[str],
) -> Note:
    """Read one note's bytes. :raises ReadError: when its front matter is never closed or is not YAML."""
    text = decode(data, path)
    lines = text.split("\n")
    front: dict[str, Any] = {}
    front_lines: dict[str, int] = {}
    end = 0
    if lines and lines[0].strip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if close is None:
            raise ReadError(path, "the front matter opened here is never closed by a '---' line", 1)
        front = _yaml(lines[1:close], path)
        for number, line in enumerate(lines[1:close], start=2):
            if match := re.match(r"^([^\s:#](?:[^:]*[^\s:])?)\s*:", line):
                front_lines.setdefault(match.group(1).strip(), number)
        end = close + 1
    # The body is read as Markdown; the front matter's lines stay (blank) so line numbers hold.
    body = "\n" * end + "\n".join(lines[end:])
    note = read_markdown(body.encode("utf-8"), path, spaced_keys=spaced_keys)
    name = note.name
    note.title = name
    note.links = [_clean_link(link) for link in note.links]
    note.relations = [Relation(r.label, _clean_link(r.target), r.incoming) for r in note.relations]

    node_type: NodeTypeDef | None = None
    type_id = front.pop("nodeTypeId", None)
    if type_id is not None:
        node_type = settings.node_types.get(str(type_id))
        if node_type is None:
            note.warn(
                f"nodeTypeId {type_id!r} is not a node type of the plugin's data.json", front_lines.get("nodeTypeId")
            )
        else:
            note.node_type = node_type.marker if node_type.marker.isalnum() else node_type.name
    instance = front.pop("nodeInstanceId", None)
    if instance:
        note.uid = str(instance)
        note.uid_scheme = "obsidian"
    for key in ("created", "date"):
        if isinstance(front.get(key), str):
            note.created = front.pop(key)
            note.created_line = front_lines.get(key)
            break
    author = front.pop("author", None)
    if isinstance(author, str) and author.strip():
        note.author = author.strip()

    for key, value in front.items():
        key_line = front_lines.get(key, 0)
        if match := _RELATION_KEY.match(key):
            _front_matter_relation(note, match["id"], value, key_line, node_type, settings)
            continue
        note.front_matter[key] = yaml_value_text(value)
        for text in yaml_strings(value):
            note.links.extend(_clean_link(Link(target, key_line)) for target in wikilinks(text))

    if note.uid:
        _relations_json(note, relations, settings)
    return note


def _cleaned(note: Note) -> None:
    note.links = [_clean_link(link) for link in note.links]
    note.relations = [Relation(r.label, _clean_link(r.target), r.incoming) for r in note.relations]


def _yaml(lines: list[str], path: str) -> dict[str, Any]:
    try:
        data = yaml.load("\n".join(lines), Loader=_LOADER)  # the base loader builds only str/list/dict
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ReadError(path, f"the front matter is not valid YAML ({getattr(exc, 'problem', exc)})", line) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError(path, "the front matter is not a mapping of 'key: value' lines", 2)
    return {str(k): v for k, v in data.items()}


def _clean_link(link: Link) -> Link:
    """``[[name|alias]]``, ``[[name#heading]]`` and ``[[name.md]]`` all point at ``name``."""
    target = link.target.split("|", 1)[0].split("#", 1)[0].strip() or link.target
    if target.lower().endswith(".md"):
        target = target[: -len(".md")]
    target = target.rsplit("/", 1)[-1]
    if target == link.target:
        return link
    return Link(target, link.line, link.uid, link.required)


def _front_matter_relation(
    note: Note, relation_id: str, value: Any, line: int, own_type: NodeTypeDef | None, settings: Settings
) -> None:
    """``relation_<id>: ["[[Other]]"]``: written on both notes, the direction comes from the allowed triples."""
    rid = relation_id if relation_id.startswith("relation_") else f"relation_{relation_id}"
    relation_type = settings.relation_types.get(rid) or settings.relation_types.get(relation_id)
    if relation_type is None:
        note.warn(f"relation_{relation_id} is not a relation type of the plugin's data.json; left out", line)
        return
    for text in yaml_strings(value):
        targets = wikilinks(text) or [text]
        for raw in targets:
            target = _clean_link(Link(raw, line, required=True))
            other = settings.type_of_title(target.target)
            incoming = False
            if own_type is None or other is None:
                note.warn(
                    f"relation '{relation_type.label}' with {target.target!r}: the type of "
                    f"{'this note' if own_type is None else 'that note'} is unknown, so its direction is too; "
                    "read as leaving this note",
                    line,
                )
            else:
                forward = (own_type.id, relation_type.id, other.id) in settings.allowed
                backward = (other.id, relation_type.id, own_type.id) in settings.allowed
                if backward and not forward:
                    incoming = True
                elif forward == backward:
                    why = "both directions are allowed" if forward else "data.json allows it in neither direction"
                    note.warn(
                        f"relation '{relation_type.label}' between {own_type.name} and {other.name} "
                        f"({target.target!r}): {why}; read as leaving this note",
                        line,
                    )
            note.relations.append(Relation(relation_type.label, target, incoming))


def _relations_json(note: Note, relations: list[dict[str, str]], settings: Settings) -> None:
    for relation in relations:
        if note.uid not in (relation["source"], relation["destination"]):
            continue
        relation_type = settings.relation_types.get(relation["type"])
        if relation_type is None:
            note.problems.append(
                Problem(note.path, f"relation {relation['id']} of relations.json has unknown type {relation['type']!r}")
            )
            continue
        if relation["source"] == note.uid:
            other, incoming = relation["destination"], False
        else:
            other, incoming = relation["source"], True
        if other == note.uid and incoming:
            continue  # a relation from a note to itself, already given as leaving it
        link = Link(f"nodeInstanceId {other}", 0, uid=other, required=True)
        note.relations.append(Relation(relation_type.label, link, incoming))
