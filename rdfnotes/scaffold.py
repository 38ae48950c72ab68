"""``init``: a commented ``rdfnotes.yaml`` for a lab, prefilled from what its folder holds.

For an Obsidian vault of the Discourse Graphs plugin the node types and relation types come from the plugin's
``data.json``; elsewhere from the notes themselves: the title markers (``[[CLM]] - …``), relation labels and
attribute names they use, and the Roam graph their URLs name. Types and labels the bundled defaults already know
keep their classes and properties; new ones get IRIs in the lab's own namespace, to be replaced at will.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .config import CONFIG_FILE_NAME, Config, Rule, load_config, name_key
from .errors import ConfigError, ConfigExists
from .model import Note
from .readers import obsidian_vault, read_path, stat_file
from .readers.obsidian import parse_settings, plugin_settings_files
from .readers.roam_json import graph_from_file_name
from .vocab import NAMESPACES

_MARKER = re.compile(r"^\s*(?:\[\[(?P<linked>[A-Za-z][A-Za-z0-9]{0,9})\]\]|(?P<plain>[A-Z][A-Z0-9]{1,9}))\s+-\s")


def write_config(folder: Path, *, force: bool = False) -> Path:
    """Write ``folder/rdfnotes.yaml`` (or, for a file, beside it), prefilled from what the folder holds.

    :param force: overwrite an existing file.
    :returns: the path written.
    :raises ConfigExists: when the file exists and ``force`` is false.
    :raises ConfigError: when the file cannot be written.
    """
    folder = folder if folder.is_dir() else folder.parent
    target = folder / CONFIG_FILE_NAME
    if target.exists() and not force:
        raise ConfigExists(f"{target} already exists - use --force to overwrite it")
    text = config_text(folder)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write the settings there ({exc.strerror or exc})") from exc
    return target


def config_text(folder: Path) -> str:
    """The text of a commented ``rdfnotes.yaml`` for ``folder``: valid YAML that :func:`load_config` accepts."""
    defaults = load_config()
    vault = obsidian_vault(folder)
    if vault is not None:
        return _vault_config(folder, vault, defaults)
    return _notes_config(folder, defaults)


def _lab_name(folder: Path, graphs: Counter[str]) -> str:
    if graphs:
        return sorted(graphs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folder.resolve().name).strip("-") or "lab"


def _header(folder: Path, found: str, lab: str, base: str) -> list[str]:
    name, found, base = (" ".join(text.split()) for text in (folder.resolve().name, found, base))  # comments: one line
    return [
        f"# rdfnotes settings for {name}/, written by `rdfnotes init` from what it found there:",
        f"# {found}.",
        "# Anything not set here comes from the bundled defaults (rdfnotes/defaults.yaml): entries below replace the",
        "# defaults' entries with the same marker, label or name, and add the others.",
        "",
        f"# The lab's name: it names the IRIs of the lab's nodes, people and files ({base}…).",
        f"lab: {_quote(lab)}",
        "",
    ]


def _vault_config(folder: Path, vault: Path, defaults: Config) -> str:
    (data_path,) = plugin_settings_files(vault)[:1]
    settings = parse_settings(stat_file(data_path, data_path.relative_to(vault).as_posix()))
    lab = _lab_name(vault, Counter())
    base = defaults.base_for(lab)
    found = f"an Obsidian vault of the Discourse Graphs plugin ({data_path.relative_to(vault)})"
    lines = _header(folder, found, lab, base)
    lines += [
        '# Node types, from the plugin\'s nodeTypes: a note whose file name starts with the marker ("QUE - …")',
        "# is of the class.",
        "node_types:",
    ]
    source_lines: list[str] = []
    for node_type in settings.node_types.values():
        marker = node_type.marker
        if not marker.isalnum():
            source_lines = [
                f'# Notes named "{node_type.format}" are sources ({node_type.name}).',
                "source:",
                f"  prefix: {_quote(marker)}",
                f"  class: {_quote(_known_class(defaults, marker, node_type.name) or 'dg:SourceDocument')}",
                "",
            ]
            continue
        cls = _known_class(defaults, marker, node_type.name) or f"{base}vocab/{_camel(node_type.name, upper=True)}"
        lines.append(f"  - {{marker: {_quote(marker)}, name: {_quote(node_type.name)}, class: {_quote(cls)}}}")
    lines.append("")
    lines += source_lines
    lines += [
        "# Relation types, from the plugin's relationTypes: the label as it leaves a note, the complement as it",
        "# reaches one, and the property the relation is stored as.",
        "relations:",
    ]
    for relation_type in settings.relation_types.values():
        prop = _known_property(defaults, relation_type.label) or f"{base}vocab/{_camel(relation_type.label)}"
        complement = f", complement: {_quote(relation_type.complement)}" if relation_type.complement else ""
        lines.append(f"  - {{label: {_quote(relation_type.label)}{complement}, property: {_quote(prop)}}}")
    lines.append("")
    lines += _grammar_lines(settings.rules(), f"the plugin's discourseRelations ({data_path.relative_to(vault)})")
    return "\n".join(lines + _attributes_hint(folder, defaults)) + "\n"


def _notes_config(folder: Path, defaults: Config) -> str:
    result = read_path(folder, defaults)
    graphs = Counter(note.graph for note in result.notes if note.graph)
    graphs.update(g for u in result.units if (g := graph_from_file_name(u.key)))
    lab = _lab_name(folder, graphs)
    base = defaults.base_for(lab)
    formats = sorted({unit.format for unit in result.units})
    found = f"{len(result.notes)} notes ({', '.join(formats) or 'no known format'})"
    lines = _header(folder, found, lab, base)
    markers = Counter(m["linked"] or m["plain"] for note in result.notes if (m := _MARKER.match(note.title)))
    lines += ['# Node types: a page titled "[[QUE]] - …" (or "QUE - …") is of the class.', "node_types:"]
    for marker, _ in sorted(markers.items()):
        known = defaults.node_type(marker)
        if known is not None:
            cls = _curie(known.class_iri)
            lines.append(f"  - {{marker: {_quote(marker)}, name: {_quote(known.name)}, class: {_quote(cls)}}}")
        else:
            lines.append(
                f"  - {{marker: {_quote(marker)}, name: {_quote(marker)}, class: {_quote(f'{base}vocab/{marker}')}}}"
            )
    if not markers:
        lines[-1] = "node_types: []  # none found: the defaults' QUE, CLM, EVD, SRC … apply"
    lines.append("")
    labels = Counter(relation.label for note in result.notes for relation in note.relations)
    lines += [
        "# Relation labels the notes use: the label as it leaves a page, the complement as it reaches one, and the",
        "# property the relation is stored as.",
        "relations:",
    ]
    listed: set[str] = set()
    for label, _ in sorted(labels.items()):
        found_relation = defaults.relation(label)
        if found_relation is not None:
            relation = found_relation[0]
            if name_key(relation.label) in listed:
                continue
            listed.add(name_key(relation.label))
            complement = f", complement: {_quote(relation.complement)}" if relation.complement else ""
            symmetric = ", symmetric: true" if relation.symmetric else ""
            lines.append(
                f"  - {{label: {_quote(relation.label)}{complement}, property: {_quote(_curie(relation.property_iri))}"
                f"{symmetric}}}"
            )
        else:
            lines.append(f"  - {{label: {_quote(label)}, property: {_quote(f'{base}vocab/{_camel(label)}')}}}")
    if not labels:
        lines[-1] = "relations: []  # none found: the defaults' Informs, Supports, Opposes … apply"
    lines.append("")
    stated = sorted({rule for _, rule in result.grammar})
    lines += _grammar_lines(stated, "the export's grammar") if stated else _default_grammar_lines(defaults)
    return "\n".join(lines + _attributes_hint(folder, defaults, result.notes)) + "\n"


_GRAMMAR_HELP = [
    "# `rdfnotes validate` reports a relation whose ends are no (source type, relation, target type) listed here;",
    '# types by name or marker, "*" for any type. Relations listed nowhere are not checked.',
]


def _grammar_lines(rules: list[Rule], found: str) -> list[str]:
    lines = [f"# The lab's grammar, from {found}.", *_GRAMMAR_HELP, "grammar:"]
    lines += [_rule_line(rule) for rule in rules]
    return [*lines, ""]


def _default_grammar_lines(defaults: Config) -> list[str]:
    """The bundled grammar, commented out: until a lab declares its own, what it does not allow is a warning."""
    lines = [
        "# The lab's grammar: none found in the notes. Until one is declared the bundled grammar below applies and",
        "# what it does not allow is a warning; uncomment it and make it the lab's, and that becomes an error.",
        *_GRAMMAR_HELP,
        "# grammar:",
    ]
    lines += ["# " + _rule_line(rule) for rule in defaults.grammar]
    return [*lines, ""]


def _rule_line(rule: Rule) -> str:
    return f"  - {{source: {_quote(rule.source)}, relation: {_quote(rule.relation)}, target: {_quote(rule.target)}}}"


def _attributes_hint(folder: Path, defaults: Config, notes: list[Note] | None = None) -> list[str]:
    if notes is None:
        notes = read_path(folder, defaults).notes
    names = Counter(a.key for note in notes for a in note.attributes if defaults.attribute(a.key) is None)
    names.update(key for note in notes for key in note.front_matter if defaults.attribute(key) is None)
    if not names:
        return []
    return [
        "# Attributes the notes use that the defaults do not name (kept under {base}attribute/… as text; give one",
        '# a property and kind here to map it, e.g.  Status: {property: "dcterms:description", kind: text}):',
        "#   " + ", ".join(sorted(names)),
        "attributes: {}",
    ]


def _known_class(defaults: Config, marker: str, name: str) -> str | None:
    if marker == defaults.source_prefix:
        return _curie(defaults.source_class)
    found = defaults.node_type(marker) or next(
        (t for t in defaults.node_types if t.name.casefold() == name.casefold()), None
    )
    return _curie(found.class_iri) if found else None


def _known_property(defaults: Config, label: str) -> str | None:
    found = defaults.relation(label)
    if found is None or found[1]:
        return None
    return _curie(found[0].property_iri)


def _curie(iri: str) -> str:
    for prefix, namespace in sorted(NAMESPACES.items()):
        base = namespace.iri
        if iri.startswith(base) and re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(base) :]):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def _camel(text: str, *, upper: bool = False) -> str:
    words: list[str] = re.findall(r"[A-Za-z0-9]+", text) or ["relation"]
    first = words[0].capitalize() if upper else words[0].lower()
    return first + "".join(w.capitalize() for w in words[1:])


def _quote(value: str) -> str:
    quoted: str = json.dumps(value, ensure_ascii=False)
    return quoted
