"""Configuration: the bundled defaults (``defaults.yaml``) merged with a lab's ``rdfnotes.yaml``.

The mapping is driven by this data, not by code: node types, relation labels and attributes are all entries here.
Loading normalises the YAML in small named steps into frozen dataclasses the mapping can use directly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .vocab import RN, expand

DEFAULTS_PATH = Path(__file__).with_name("defaults.yaml")
CONFIG_FILE_NAME = "rdfnotes.yaml"

TOP_LEVEL_KEYS = frozenset(
    {
        "base",
        "lab",
        "ignore",
        "node_types",
        "source",
        "relations",
        "grammar",
        "attributes",
        "other_attributes",
        "item_types",
        "licence",
        "authors",
        "history",
        "provenance",
    }
)
GRAMMAR_KEYS = ("source", "relation", "target")
ANY_TYPE = "*"
"""A grammar rule's source or target that stands for any discourse node type."""
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
ATTRIBUTE_KINDS = frozenset(
    {"text", "people", "concepts", "date", "year", "url", "links", "type", "doi", "arxiv", "ignore"}
)


_NOT_NAME = re.compile(r"[^0-9a-z]")


def name_key(name: str) -> str:
    """The form in which labels and attribute names are compared: lower case, letters and digits only.

    >>> name_key("Supported By") == name_key("SupportedBy") == name_key("supported-by")
    True
    """
    return _NOT_NAME.sub("", name.casefold())


@dataclass(frozen=True)
class NodeType:
    marker: str
    name: str
    class_iri: str


@dataclass(frozen=True)
class RelationType:
    label: str
    complement: str | None
    property_iri: str
    symmetric: bool = False


@dataclass(frozen=True, order=True)
class Rule:
    """One (source type, relation, target type) of a lab's grammar, named as the lab names them (see ``grammar``)."""

    source: str
    relation: str
    target: str

    def __str__(self) -> str:
        return f"{self.source} {self.relation} {self.target}"


@dataclass(frozen=True)
class AttributeType:
    name: str
    kind: str
    property_iri: str | None
    identifiers: bool = False


@dataclass(frozen=True)
class Author:
    """A person credited with a lab's published work (``authors:`` in rdfnotes.yaml)."""

    name: str
    orcid: str | None = None
    """Their ORCID iD as an IRI (``https://orcid.org/…``), when given."""


@dataclass(frozen=True)
class Config:
    base: str
    lab: str | None
    node_types: tuple[NodeType, ...]
    source_prefix: str
    source_class: str
    relations: tuple[RelationType, ...]
    attributes: tuple[AttributeType, ...]
    keep_other_attributes: bool
    item_types: dict[str, str] = field(hash=False)
    ignore: tuple[str, ...] = ()
    grammar: tuple[Rule, ...] = ()
    """The allowed (source type, relation, target type): the lab's, or the bundled defaults'."""
    grammar_declared_in: str | None = None
    """The settings file that declared ``grammar`` (``None``: the bundled defaults, which no lab declared)."""
    licence: str | None = None
    """The licence of what the lab publishes (nanopublications, RO-Crates), as an IRI."""
    authors: tuple[Author, ...] = ()
    history_keep: int = 100
    line_provenance: bool = True
    """Whether each relation and attribute keeps the file and line that state it (``provenance: {lines: …}``)."""
    """How many loads the store's history keeps (``history: {keep: N}``; 0: none, and nothing is recorded)."""

    def node_type(self, marker: str) -> NodeType | None:
        for node_type in self.node_types:
            if node_type.marker == marker:
                return node_type
        return None

    def type_class(self, name: str) -> str | None:
        """The class of a node type named by its name or marker (``Evidence``, ``EVD``, ``Source``, ``@``); ``*``
        (any type, in a grammar) is ``rn:DiscourseNode``."""
        if name == ANY_TYPE:
            return RN.DiscourseNode
        node_type = self.node_type(name) or next(
            (t for t in self.node_types if name_key(t.name) == name_key(name)), None
        )
        if node_type is not None:
            return node_type.class_iri
        if name == self.source_prefix or name_key(name) in ("source", "sourcedocument"):
            return self.source_class
        return None

    def relation(self, label: str) -> tuple[RelationType, bool] | None:
        """The relation a label names and whether the label is its complement (pointing back at the page)."""
        key = name_key(label)
        for relation in self.relations:
            if name_key(relation.label) == key:
                return relation, False
            if relation.complement and name_key(relation.complement) == key:
                return relation, True
        return None

    def attribute(self, name: str) -> AttributeType | None:
        key = name_key(name)
        for attribute in self.attributes:
            if name_key(attribute.name) == key:
                return attribute
        return None

    def item_type(self, zotero_type: str) -> str | None:
        key = name_key(zotero_type)
        for name, iri in self.item_types.items():
            if name_key(name) == key:
                return iri
        return None

    def base_for(self, lab: str) -> str:
        return self.base.replace("{lab}", lab)


def load_config(path: Path | None = None, *, search_dir: Path | None = None) -> Config:
    """Load the defaults merged with ``path`` (or ``rdfnotes.yaml`` in ``search_dir``, when it exists).

    :raises ConfigError: when the file is not valid YAML or names unknown keys, kinds or prefixes.
    """
    defaults = _read_yaml(DEFAULTS_PATH)
    if path is None and search_dir is not None and (search_dir / CONFIG_FILE_NAME).is_file():
        path = search_dir / CONFIG_FILE_NAME
    user = _read_yaml(path) if path is not None else {}
    where = str(path) if path is not None else "the bundled defaults"
    _check_keys(user, where)
    return _build(_merge(defaults, user), where, grammar_declared="grammar" in user)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of settings")
    return data


def _check_keys(user: dict[str, Any], where: str) -> None:
    for key in user:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(str(key), sorted(TOP_LEVEL_KEYS), n=1)
            hint = f" - did you mean {close[0]!r}?" if close else f" (known: {', '.join(sorted(TOP_LEVEL_KEYS))})"
            raise ConfigError(f"{where}: unknown setting {key!r}{hint}")


def _merge(defaults: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """User entries replace default entries with the same marker, label or name; new ones are added."""
    merged = dict(defaults)
    for key, value in user.items():
        if key == "node_types":
            merged[key] = _merge_list(defaults.get(key, []), value, "marker")
        elif key == "relations":
            merged[key] = _merge_list(defaults.get(key, []), value, "label")
        elif key in ("attributes", "item_types") or key == "source":
            merged[key] = {**defaults.get(key, {}), **(value or {})}
        else:
            merged[key] = value
    return merged


def _merge_list(defaults: list[dict[str, Any]], user: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(user, list):
        raise ConfigError(f"'{key}'-keyed settings must be a list of entries")
    result = {name_key(str(entry.get(key, ""))): entry for entry in defaults}
    for entry in user:
        if not isinstance(entry, dict) or key not in entry:
            raise ConfigError(f"each entry needs a {key!r}: {entry!r}")
        result[name_key(str(entry[key]))] = entry
    return list(result.values())


def _iri(value: Any, where: str) -> str:
    try:
        return expand(str(value))
    except (ValueError, AttributeError) as exc:  # an unknown prefix, or a name its vocabulary does not define
        raise ConfigError(f"{where}: {exc}") from exc


def _build(data: dict[str, Any], where: str, *, grammar_declared: bool = False) -> Config:
    base = str(data.get("base") or "")
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", base) or not base.endswith(("/", "#")):
        raise ConfigError(f"{where}: 'base' must be an absolute IRI ending in '/' or '#', not {base!r}")
    node_types = tuple(
        NodeType(
            marker=str(entry["marker"]),
            name=str(entry.get("name") or entry["marker"]),
            class_iri=_iri(entry.get("class", ""), f"{where}: node type {entry['marker']}"),
        )
        for entry in data.get("node_types", [])
    )
    relations = tuple(
        RelationType(
            label=str(entry["label"]),
            complement=str(entry["complement"]) if entry.get("complement") else None,
            property_iri=_iri(entry.get("property", ""), f"{where}: relation {entry['label']}"),
            symmetric=bool(entry.get("symmetric", False)),
        )
        for entry in data.get("relations", [])
    )
    attributes = []
    for name, entry in (data.get("attributes") or {}).items():
        entry = entry or {}
        kind = str(entry.get("kind", "text"))
        if kind not in ATTRIBUTE_KINDS:
            close = difflib.get_close_matches(kind, sorted(ATTRIBUTE_KINDS), n=1)
            hint = f" - did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where}: attribute {name!r} has unknown kind {kind!r}{hint}")
        prop = entry.get("property")
        if prop is None and kind not in ("type", "ignore"):
            raise ConfigError(f"{where}: attribute {name!r} of kind {kind!r} needs a 'property'")
        attributes.append(
            AttributeType(
                name=str(name),
                kind=kind,
                property_iri=_iri(prop, f"{where}: attribute {name}") if prop else None,
                identifiers=bool(entry.get("identifiers", False)),
            )
        )
    source = data.get("source") or {}
    other = str(data.get("other_attributes", "keep"))
    if other not in ("keep", "ignore"):
        raise ConfigError(f"{where}: 'other_attributes' is 'keep' or 'ignore', not {other!r}")
    config = Config(
        base=base,
        lab=str(data["lab"]) if data.get("lab") else None,
        node_types=node_types,
        source_prefix=str(source.get("prefix", "@")),
        source_class=_iri(source.get("class", "dg:SourceDocument"), f"{where}: source"),
        relations=relations,
        attributes=tuple(attributes),
        keep_other_attributes=other == "keep",
        item_types={str(k): _iri(v, f"{where}: item type {k}") for k, v in (data.get("item_types") or {}).items()},
        ignore=tuple(str(pattern) for pattern in data.get("ignore") or ()),
        licence=_licence(data.get("licence"), where),
        authors=_authors(data.get("authors"), where),
        history_keep=_history_keep(data.get("history"), where),
        line_provenance=_line_provenance(data.get("provenance"), where),
    )
    grammar = _grammar(data.get("grammar"), config, where)
    return replace(config, grammar=grammar, grammar_declared_in=where if grammar_declared else None)


def _grammar(entries: Any, config: Config, where: str) -> tuple[Rule, ...]:
    """The ``grammar`` entries, each ``{source, relation, target}`` naming known node types and relation labels."""
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: 'grammar' must be a list of {{source, relation, target}} entries")
    rules = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: grammar entry {number} must be {{source, relation, target}}, not {entry!r}")
        for key in entry:
            if key not in GRAMMAR_KEYS:
                close = difflib.get_close_matches(str(key), GRAMMAR_KEYS, n=1)
                hint = f" - did you mean {close[0]!r}?" if close else f" (known: {', '.join(GRAMMAR_KEYS)})"
                raise ConfigError(f"{where}: grammar entry {number} has unknown key {key!r}{hint}")
        missing = [key for key in GRAMMAR_KEYS if not str(entry.get(key) or "").strip()]
        if missing:
            raise ConfigError(f"{where}: grammar entry {number} needs {', '.join(repr(k) for k in missing)}")
        rule = Rule(*(str(entry[key]).strip() for key in GRAMMAR_KEYS))
        for name in (rule.source, rule.target):
            if config.type_class(name) is None:
                known = sorted({t.name for t in config.node_types} | {ANY_TYPE})
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" - did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
                raise ConfigError(f"{where}: grammar entry {number} names node type {name!r}, which is not one{hint}")
        if config.relation(rule.relation) is None:
            known = sorted(r.label for r in config.relations)
            close = difflib.get_close_matches(rule.relation, known, n=1)
            hint = f" - did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
            raise ConfigError(
                f"{where}: grammar entry {number} names relation {rule.relation!r}, which is not one{hint}"
            )
        rules.append(rule)
    return tuple(rules)


def _licence(value: Any, where: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", text):
        raise ConfigError(f"{where}: 'licence' must be the licence's http(s) IRI, not {text!r}")
    return text


def _authors(value: Any, where: str) -> tuple[Author, ...]:
    """``authors:`` as a list of ``{name: …, orcid: …}`` (the ORCID optional, bare or as its IRI)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where}: 'authors' must be a list of entries with a 'name' (and an 'orcid')")
    authors = []
    for entry in value:
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise ConfigError(f"{where}: each author needs a 'name': {entry!r}")
        unknown = sorted(set(map(str, entry)) - {"name", "orcid"})
        if unknown:
            raise ConfigError(f"{where}: unknown author setting {unknown[0]!r} (known: name, orcid)")
        orcid = None
        if entry.get("orcid"):
            match = _ORCID.match(str(entry["orcid"]).strip())
            if not match:
                raise ConfigError(f"{where}: author {entry['name']!r}: not an ORCID iD: {entry['orcid']!r}")
            orcid = f"https://orcid.org/{match.group(1)}"
        authors.append(Author(name=str(entry["name"]).strip(), orcid=orcid))
    return tuple(authors)


HISTORY_KEYS = frozenset({"keep"})


def _line_provenance(value: Any, where: str) -> bool:
    """``provenance: {lines: true}``: each relation and attribute keeps the file and line that state it."""
    if value is None:
        return True
    if not isinstance(value, dict) or set(value) - {"lines"}:
        raise ConfigError(f"{where}: 'provenance' is a mapping with one setting, lines: true or false, not {value!r}")
    lines = value.get("lines", True)
    if not isinstance(lines, bool):
        raise ConfigError(f"{where}: 'provenance.lines' is true or false, not {lines!r}")
    return lines


def _history_keep(value: Any, where: str) -> int:
    """``history: {keep: N}``: how many loads the store's history keeps."""
    if value is None:
        return 100
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'history' is a mapping of settings (keep: N), not {value!r}")
    for key in value:
        if key not in HISTORY_KEYS:
            close = difflib.get_close_matches(str(key), sorted(HISTORY_KEYS), n=1)
            hint = f" - did you mean {close[0]!r}?" if close else " (known: keep)"
            raise ConfigError(f"{where}: unknown setting 'history.{key}'{hint}")
    keep = value.get("keep", 100)
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise ConfigError(f"{where}: 'history.keep' is how many loads to keep, a whole number >= 0, not {keep!r}")
    return keep
