"""Notes to RDF: one :class:`~rdfnotes.model.Note` becomes the triples of its file's named graph.

The mapping knows nothing about files or formats: it reads the model, asks a :class:`Resolver` which node a page
name stands for, and follows the configuration for types, relation labels and attributes.

A relation is written in its label's direction whichever page states it (``Informed By:: X`` on P gives
``X rn:informs P``), and a symmetric one with the smaller IRI first, so two pages stating one relation state the
same triple: the store's union graph holds it once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import NamedNode

from . import biblio, iris
from .config import AttributeType, Config, RelationType
from .dates import is_daily_page, parse_date
from .identifiers import arxiv_iri, arxiv_without_version, doi_iri, find_arxiv, find_doi
from .model import Attribute, Link, Note, Problem
from .readers.markup import find_links, plain_text, split_names, web_links, wikilinks
from .vocab import BIBO, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, RN, SKOS, XSD

MAPPING_VERSION = "2026-12-06"
"""The mapping's own version, part of what a store's manifest records of how it mapped each file: a store made by
an earlier mapping maps every file again at its next load (the package's version alone changes too rarely)."""

_MARKED_TITLE = re.compile(
    r"^\s*(?:\[\[(?P<linked>[^\[\]]+)\]\]|(?P<plain>[A-Za-z][A-Za-z0-9]{0,9}))\s*-\s*(?P<rest>.*)$"
)
# "… - [[@citekey]]" (also without the dash, as people type it) or, once the exporter dropped brackets, "… - @citekey"
_CITATION_SUFFIX = re.compile(r"(?:\s*-\s*|\s*)\[\[(?P<linked>@[^\[\]]+)\]\]\s*$|\s+-\s+(?P<plain>@\S+)\s*$")


@dataclass(frozen=True)
class TitleParts:
    """What a page title says about its node: type marker, content, and the source it cites."""

    marker: str | None
    class_iri: str | None
    content: str
    citekey: str | None = None
    cites: str | None = None
    """For ``… - [[@citekey]]`` titles: the source page's name (``@citekey``)."""


def parse_title(title: str, config: Config) -> TitleParts:
    """Split a title into type marker, content and cited source.

    >>> from rdfnotes.config import load_config
    >>> parts = parse_title("[[EVD]] - Sleep helps - [[@walker2004]]", load_config())
    >>> parts.marker, parts.class_iri.rsplit("#")[-1], parts.content, parts.cites
    ('EVD', 'Evidence', 'Sleep helps', '@walker2004')
    """
    text = title.strip()
    if config.source_prefix and text.startswith(config.source_prefix):
        citekey = text[len(config.source_prefix) :].strip()
        return TitleParts(None, config.source_class, citekey, citekey=citekey)
    match = _MARKED_TITLE.match(text)
    if match:
        marker = (match["linked"] or match["plain"]).strip()
        node_type = config.node_type(marker)
        if node_type is not None:
            content = match["rest"].strip()
            cites = None
            if node_type.class_iri != config.source_class and (suffix := _CITATION_SUFFIX.search(content)):
                cites = (suffix["linked"] or suffix["plain"]).strip()
                content = content[: suffix.start()].strip()
            return TitleParts(marker, node_type.class_iri, content, cites=cites)
    return TitleParts(None, None, text)


def _declared_type(parts: TitleParts, declared: str, config: Config) -> TitleParts:
    """A type the source declares (a marker such as ``HYP``, or a type name such as ``Hypothesis``)."""
    node_type = config.node_type(declared) or next(
        (t for t in config.node_types if t.name.casefold() == declared.casefold()), None
    )
    if node_type is None:
        return parts
    return TitleParts(node_type.marker, node_type.class_iri, parts.content, parts.citekey, parts.cites)


class Resolver(Protocol):
    def resolve(self, link: Link) -> Target: ...


@dataclass(frozen=True)
class Target:
    """The node a page name stands for; ``has_file`` is false for a page only linked to."""

    iri: str
    name: str
    has_file: bool


@dataclass
class MappingContext:
    config: Config
    base: str
    resolver: Resolver
    unknown_labels: dict[str, str] = field(default_factory=dict)
    """Relation labels met that the configuration does not know, and the property minted for each."""
    problems: list[Problem] = field(default_factory=list)
    labels_told: dict[int, str] = field(default_factory=dict)
    """Which of :attr:`problems` (by index) tells of an unknown relation label, and the label: a load mapping in
    several processes tells each label once (rdfnotes.mapping_pool)."""
    _attributes: dict[str, AttributeType | None] = field(default_factory=dict, repr=False)
    _relations: dict[str, tuple[RelationType, bool] | None] = field(default_factory=dict, repr=False)

    def attribute(self, name: str) -> AttributeType | None:
        """``config.attribute(name)``, remembered: a load asks it for every field of every note."""
        if name not in self._attributes:
            self._attributes[name] = self.config.attribute(name)
        return self._attributes[name]

    def relation(self, label: str) -> tuple[RelationType, bool] | None:
        """``config.relation(label)``, remembered."""
        if label not in self._relations:
            self._relations[label] = self.config.relation(label)
        return self._relations[label]


# A literal's characters that N-Triples escapes, escaped as Oxigraph writes them (``str(Literal(...))``): the store
# compares a graph's triples by their N-Triples text, so each triple must have one spelling.
_ESCAPES = {
    **{code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
# Backslashes, quotes and line ends are escaped with str.replace (fast); the other characters are rare.
_RARE_ESCAPES = {code: text for code, text in _ESCAPES.items() if code not in (0x0A, 0x22, 0x5C)}
_RARE = re.compile("[\x00-\x09\x0b-\x1f\x7f\ufffe\uffff]")


def literal_text(value: str, datatype: str | None = None) -> str:
    """A literal as N-Triples writes it (as pyoxigraph's ``str(Literal(value, datatype=...))``).

    >>> literal_text('say "hi"\\n'), literal_text("2024-01-02", XSD.date)
    ('"say \\\\"hi\\\\"\\\\n"', '"2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>')
    """
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if '"' in value:
        value = value.replace('"', '\\"')
    if "\n" in value:
        value = value.replace("\n", "\\n")
    if _RARE.search(value):  # one character at a time: str.translate is slow on long text
        value = value.translate(_RARE_ESCAPES)
    text = f'"{value}"'
    return text if datatype is None or datatype == XSD.string else f"{text}^^<{datatype}>"


# Predicates and classes are few and met in every note: each IRI is checked once (checking has a cost).
_COMMON_TERMS: dict[str, str] = {}


def _common_term(iri: str) -> str:
    term = _COMMON_TERMS.get(iri)
    if term is None:
        NamedNode(iri)  # raises ValueError for an IRI that is not one
        term = _COMMON_TERMS[iri] = f"<{iri}>"
    return term


class _Emitter:
    """Collects the triples of one note as N-Triples statements (``<s> <p> <o>``, no final dot), deduplicated, in a
    stable order. Text, not pyoxigraph terms: the store takes the notes as N-Quads text, and making millions of
    term objects only to write them out again was a quarter of a big load."""

    def __init__(self, node: str = "") -> None:
        self.statements: dict[str, None] = {}
        self._nodes: dict[str, str] = {}
        self.line: int | None = None
        """The line of the note the triples added now are stated on (0: a line the export does not give; ``None``:
        not a relation or attribute, nothing recorded)."""
        self._node = f"<{node}>"
        self.stated: dict[tuple[str, int], None] = {}
        """Each triple about the note's node (as subject or object) added while :attr:`line` was set, with it."""

    def _term(self, iri: str) -> str:
        term = self._nodes.get(iri)
        if term is None:
            NamedNode(iri)  # raises ValueError for an IRI that is not one, here rather than in the store
            term = self._nodes[iri] = f"<{iri}>"
        return term

    def add(self, subject: str, predicate: str, obj: str) -> None:
        statement = f"{self._term(subject)} {_common_term(predicate)} {obj}"
        self.statements[statement] = None
        if self.line is not None and (obj == self._node or statement.startswith(self._node + " ")):
            self.stated[(statement, self.line)] = None

    def iri(self, subject: str, predicate: str, obj: str) -> None:
        self.add(subject, predicate, self._term(obj))

    def text(self, subject: str, predicate: str, value: str) -> None:
        value = _clean_text(value)
        if value:
            self.add(subject, predicate, literal_text(value))

    def typed(self, subject: str, predicate: str, value: str, datatype: str) -> None:
        self.add(subject, predicate, literal_text(value, datatype))


def map_note(note: Note, node: str, graph: str, ctx: MappingContext) -> list[str]:
    """The triples of ``note``'s graph, as N-Triples statements (``<s> <p> <o>``, no final dot, as
    ``str(pyoxigraph.Triple)`` writes them); ``node`` is the note's own IRI, ``graph`` its file's graph IRI."""
    out = _Emitter(node)
    config = ctx.config
    if note.describes is not None:
        target = ctx.resolver.resolve(Link(note.describes, 0))
        if target.iri != node:  # a library entry joining the note of its work: the record goes on that note's node
            out.iri(graph, RDF.type, RN.NoteFile)
            out.text(graph, RN.path, note.path)
            out.iri(graph, FOAF.primaryTopic, target.iri)
            entry = biblio.read_record(note, note.attributes, config)
            _map_fields(out, note, target.iri, list(note.attributes), entry, ctx, is_source=True)
            return list(out.statements)
    parts = parse_title(note.title, config)
    if parts.class_iri is None and note.node_type:
        parts = _declared_type(parts, note.node_type, config)
    attributes = list(note.attributes) + [
        Attribute(key, value, 0, tuple(wikilinks(value))) for key, value in note.front_matter.items()
    ]
    # (a `Journal::` field alone is a diary's as often as a paper's: it makes no literature note of a page)
    literature_note = parts.class_iri is None and biblio.looks_bibliographic(
        [*note.front_matter, *(a.key for a in note.attributes if a.key.casefold() != "journal")]
    )
    if literature_note:
        # a literature note (Zotero / Better BibTeX front matter) is a source, whatever its name
        parts = TitleParts(None, config.source_class, parts.content, parts.citekey, parts.cites)
    is_source = parts.class_iri == config.source_class
    record = biblio.read_record(note, attributes, config) if is_source else None

    out.iri(graph, RDF.type, RN.NoteFile)
    out.text(graph, RN.path, note.path)
    out.iri(graph, FOAF.primaryTopic, node)

    out.iri(node, RDF.type, parts.class_iri or RN.Page)
    out.text(node, RDFS.label, note.title)
    if parts.marker:
        out.text(node, RN.nodeType, parts.marker)
    if parts.citekey is None and not literature_note and not (record and record.title):
        # an "@citekey" source takes its title from its record (Title::, title:), as does a literature note (whose
        # name, "Walker and Stickgold 2004 - Sleep", is no title)
        out.text(node, DCTERMS.title, plain_text(parts.content))
    if parts.citekey and not (record and record.citekey):
        out.text(node, RN.citekey, parts.citekey)
    if parts.cites:
        source = ctx.resolver.resolve(Link(parts.cites, 0))
        _describe_target(out, source, ctx)
        out.line = 0  # stated by the title: the file, no line
        out.iri(node, _source_property(out, ctx, note), source.iri)
        out.line = None
    if note.uid:
        out.text(node, RN.nodeInstanceId if note.uid_scheme == "obsidian" else RN.roamUid, note.uid)
    if note.url and (url := iris.web_iri(note.url)):
        out.iri(node, RDFS.seeAlso, url)
    if note.author:
        _person(out, ctx.base, note.author)
        out.iri(node, PROV.wasAttributedTo, iris.person_iri(ctx.base, note.author))
    if note.created:
        parsed = parse_date(note.created)
        if parsed is None:
            note.warn(
                f"date {note.created!r} is not a date this tool reads; dcterms:created left out", note.created_line
            )
        else:
            out.typed(node, DCTERMS.created, parsed[0], XSD.dateTime if parsed[1] == "dateTime" else XSD.date)
    if note.body:
        out.text(node, RN.body, note.body)

    _map_fields(out, note, node, attributes, record, ctx, is_source=is_source)

    for relation in note.relations:
        target = ctx.resolver.resolve(relation.target)
        if relation.target.required and not target.has_file:
            ctx.problems.append(
                Problem(
                    note.path,
                    f"relation {relation.label!r} {'from' if relation.incoming else 'to'} {relation.target.target}, "
                    "which is not among the loaded notes: left out",
                    relation.target.line or None,
                )
            )
            continue
        out.line = None
        _describe_target(out, target, ctx)
        out.line = relation.target.line
        _map_relation(out, note, node, relation.label, relation.target.line, target, ctx, incoming=relation.incoming)
    out.line = None

    markers = {node_type.marker for node_type in config.node_types}
    for link in note.links:
        if link.target in markers or is_daily_page(link.target):
            continue
        target = ctx.resolver.resolve(link)
        if target.iri == node:
            continue
        _describe_target(out, target, ctx)
        out.iri(node, DCTERMS.references, target.iri)
    if config.line_provenance:
        stated_where(out, ctx.base, graph)
    return list(out.statements)


def _map_fields(
    out: _Emitter,
    note: Note,
    node: str,
    attributes: list[Attribute],
    record: biblio.Record | None,
    ctx: MappingContext,
    *,
    is_source: bool,
) -> None:
    """A note's fields: its bibliographic record (a source's), then the attributes the record did not take, then
    the DOIs and arXiv ids found in either; each stated on its attribute's line (a record's fields on the first line
    of the attributes it took)."""
    config = ctx.config
    identifiers: dict[tuple[str, str], int] = {}
    if record is not None:
        out.line = record.lines.get("citekey", 0)
        if record.citekey:
            out.text(node, RN.citekey, record.citekey)
        item_class = biblio.emit(record, out, node, ctx.base, config)  # each field on its line; then the type's
        if record.item_type and item_class is None:
            note.warn(f"item type {record.item_type!r} is not a known item type: typed bibo:Document")
            item_class = BIBO.Document
        if item_class:
            out.iri(node, RDF.type, item_class)
        for kind, found in [*(("doi", doi) for doi in record.dois), *(("arxiv", arxiv) for arxiv in record.arxiv)]:
            # stated on the line of the first field that holds it (a DOI field, a URL, Extra …)
            line = next((a.line for a in attributes if found.casefold() in a.value.casefold()), 0)
            identifiers.setdefault((kind, found), line)
        attributes = [attribute for i, attribute in enumerate(attributes) if i not in record.used]
    has_item_type = any((a := ctx.attribute(attr.key)) is not None and a.kind == "type" for attr in attributes)
    for attribute in attributes:
        out.line = attribute.line
        if record is not None and (spec := ctx.attribute(attribute.key)) is not None and spec.kind == "type":
            _keep_attribute(out, node, attribute, ctx)  # a second type (BibLaTeX's subtype): kept as written
        else:
            _map_attribute(out, note, node, attribute, ctx, identifiers, is_source)
    if is_source or has_item_type:
        # an arXiv id written with and without its version is one identifier (the one without)
        versionless = {
            value for kind, value in identifiers if kind == "arxiv" and arxiv_without_version(value) == value
        }
        for (kind, value), out.line in sorted(identifiers.items()):
            if kind == "arxiv" and value not in versionless and arxiv_without_version(value) in versionless:
                continue
            if kind == "doi":
                out.text(node, BIBO.doi, value)
                out.iri(node, OWL.sameAs, doi_iri(value))
            else:
                out.text(node, BIBO.identifier, f"arXiv:{value}")
                out.iri(node, OWL.sameAs, arxiv_iri(value))
    out.line = None


def _map_relation(
    out: _Emitter,
    note: Note,
    node: str,
    label: str,
    line: int,
    target: Target,
    ctx: MappingContext,
    *,
    incoming: bool = False,
) -> None:
    found = ctx.relation(label)
    if found is None:
        prop = _mint_relation(out, label, ctx, note, line)
        subject, obj = (target.iri, node) if incoming else (node, target.iri)
        out.iri(subject, prop, obj)
        return
    relation, is_complement = found
    subject, obj = (target.iri, node) if is_complement != incoming else (node, target.iri)
    if relation.symmetric and obj < subject:
        subject, obj = obj, subject
    out.iri(subject, relation.property_iri, obj)


def _source_property(out: _Emitter, ctx: MappingContext, note: Note) -> str:
    """The property a title's ``- [[@citekey]]`` stands for: the one configured for ``FromSource``."""
    found = ctx.relation("FromSource")
    return found[0].property_iri if found else _mint_relation(out, "FromSource", ctx, note, 0)


def _mint_relation(out: _Emitter, label: str, ctx: MappingContext, note: Note, line: int) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    local = (words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])) if words else "relation"
    if local in RN.names or not local[0].isalpha():
        local = "rel" + local[:1].upper() + local[1:]
    prop = RN.iri + local
    out.iri(prop, RDF.type, OWL.ObjectProperty)
    out.text(prop, RDFS.label, label)
    out.iri(prop, RDFS.subPropertyOf, RN.relation)
    if label not in ctx.unknown_labels:
        ctx.unknown_labels[label] = prop
        ctx.labels_told[len(ctx.problems)] = label
        ctx.problems.append(
            Problem(
                note.path,
                f"relation label {label!r} is not in the configuration: stored as <{prop}> in the label's "
                f"direction; name it (and its complement) under 'relations' in rdfnotes.yaml",
                line or None,
            )
        )
    return prop


def _describe_target(out: _Emitter, target: Target, ctx: MappingContext) -> None:
    """A page that has no file still becomes a node, typed from its name where the name says."""
    if target.has_file:
        return
    parts = parse_title(target.name, ctx.config)
    out.iri(target.iri, RDF.type, parts.class_iri or RN.Page)
    out.text(target.iri, RDFS.label, target.name)
    if parts.marker:
        out.text(target.iri, RN.nodeType, parts.marker)
    if parts.citekey:
        out.text(target.iri, RN.citekey, parts.citekey)
    elif parts.class_iri:
        out.text(target.iri, DCTERMS.title, plain_text(parts.content))
    if parts.cites and (found := ctx.relation("FromSource")) is not None:
        source = ctx.resolver.resolve(Link(parts.cites, 0))
        _describe_target(out, source, ctx)
        out.iri(target.iri, found[0].property_iri, source.iri)


def _person(out: _Emitter, base: str, name: str) -> str:
    iri = iris.person_iri(base, name)
    out.iri(iri, RDF.type, FOAF.Person)
    out.text(iri, FOAF.name, re.sub(r"\s+", " ", name).strip())
    return iri


def _map_attribute(
    out: _Emitter,
    note: Note,
    node: str,
    attribute: Attribute,
    ctx: MappingContext,
    identifiers: dict[tuple[str, str], int],
    is_source: bool,
) -> None:
    config = ctx.config
    spec = ctx.attribute(attribute.key)
    value = attribute.value.strip()
    line = attribute.line or None
    if spec is None:
        _keep_attribute(out, node, attribute, ctx)
        return
    if spec.identifiers or spec.kind in ("url", "links", "doi", "arxiv"):
        if doi := find_doi(value):
            identifiers.setdefault(("doi", doi), attribute.line)
        if arxiv := find_arxiv(value):
            identifiers.setdefault(("arxiv", arxiv), attribute.line)
    if not value or spec.kind == "ignore":
        return
    prop = spec.property_iri or ""
    kind = spec.kind
    if kind == "text":
        out.text(node, prop, plain_text(value))
    elif kind == "people":
        names = split_names(value)
        people = [_person(out, ctx.base, name) for name in names]
        for person in people:
            out.iri(node, prop, person)
        if people and prop == DCTERMS.creator:
            out.iri(node, BIBO.authorList, biblio.rdf_list(out, ctx.base, node, "authorList", people))
    elif kind == "concepts":
        # [[a]], [[b]] / #tag #[[multi word]] / a, b
        labels = [plain_text(x.target) for x in find_links(value)] or [x.strip() for x in value.split(",")]
        for label in filter(None, labels):
            concept = iris.concept_iri(ctx.base, label)
            out.iri(concept, RDF.type, SKOS.Concept)
            out.text(concept, SKOS.prefLabel, label)
            out.iri(node, prop, concept)
    elif kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            note.warn(f"{attribute.key}:: {value!r} is not a date this tool reads; kept as text", line)
            out.text(node, prop, plain_text(value))
        else:
            out.typed(node, prop, parsed[0], XSD.dateTime if parsed[1] == "dateTime" else XSD.date)
    elif kind == "year":
        match = re.search(r"\b(\d{4})\b", value)
        if match:
            out.typed(node, prop, match.group(1), XSD.gYear)
        else:
            note.warn(f"{attribute.key}:: {value!r} holds no year", line)
    elif kind == "url":
        for url in web_links(value) or [value]:
            iri = iris.web_iri(url)
            if iri is None:
                note.warn(f"{attribute.key}:: {url!r} is not an absolute URL; left out", line)
            else:
                _add_web_iri(out, note, node, prop, iri, line)
    elif kind == "links":
        for url in web_links(value):
            iri = iris.web_iri(url)
            if iri and iri.lower().startswith(("http://", "https://")):
                _add_web_iri(out, note, node, prop, iri, line)
    elif kind == "type":
        item_type = plain_text(value)
        class_iri = config.item_type(item_type)
        if class_iri is None:
            note.warn(f"{attribute.key}:: {item_type!r} is not a known item type: typed bibo:Document", line)
            class_iri = BIBO.Document
        out.iri(node, RDF.type, class_iri)
    elif kind == "doi":
        if doi := find_doi(value):
            identifiers.setdefault(("doi", doi), attribute.line)
        else:
            note.warn(f"{attribute.key}:: {value!r} holds no DOI", line)
    elif kind == "arxiv":
        # A bare "1706.03762" in an arXiv attribute; prefixed forms were found above.
        bare = re.search(r"\b\d{4}\.\d{4,5}(?:v\d+)?\b", value)
        if bare and not find_arxiv(value):
            identifiers.setdefault(("arxiv", bare.group(0)), attribute.line)


def _keep_attribute(out: _Emitter, node: str, attribute: Attribute, ctx: MappingContext) -> None:
    """An attribute no setting maps: kept (unless ``other_attributes: ignore``) under a property of the lab's."""
    value = plain_text(attribute.value.strip())
    if ctx.config.keep_other_attributes and value:
        prop = iris.attribute_iri(ctx.base, attribute.key)
        out.iri(prop, RDF.type, OWL.DatatypeProperty)
        out.text(prop, RDFS.label, attribute.key)
        out.iri(prop, RDFS.subPropertyOf, RN.attribute)
        out.text(node, prop, value)


def _add_web_iri(out: _Emitter, note: Note, node: str, prop: str, iri: str, line: int | None) -> None:
    try:
        out.iri(node, prop, iri)
    except ValueError:
        note.warn(f"{iri!r} is not a valid IRI; left out", line)


def stated_where(out: _Emitter, base: str, graph: str) -> None:
    """Where each relation and attribute of the note is stated: for each triple :attr:`_Emitter.stated` holds, a
    reified statement (``rdf:subject``, ``rdf:predicate``, ``rdf:object``) with the note's file (``rn:statedIn``,
    its graph: an ``rn:NoteFile`` with its ``rn:path``) and line (``rn:line``, where the export gives one). Its IRI
    is a Skolem IRI named by the file, the triple and the line: two pages stating one relation give two statements.
    (RDF 1.2 triple terms, which pyoxigraph 0.5 stores and queries, would take three triples instead of five, but
    rdflib and pySHACL, which validate and the tests read the graph with, do not read them; see the README.)"""
    graph_term = f"<{graph}>"
    line_type = f"^^<{XSD.integer}>"
    for statement, line in list(out.stated):
        subject, predicate, obj = statement.split(" ", 2)
        node = iris.genid(base, graph, "stated", statement, str(line))
        out.statements[f"<{node}> <{RDF.subject}> {subject}"] = None
        out.statements[f"<{node}> <{RDF.predicate}> {predicate}"] = None
        out.statements[f"<{node}> <{RDF.object}> {obj}"] = None
        out.statements[f"<{node}> <{RN.statedIn}> {graph_term}"] = None
        if line:  # 0: the export gives no line (an Obsidian relations.json's relation, a front-matter field)
            out.statements[f'<{node}> <{RN.line}> "{line}"{line_type}'] = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    """Text as a literal: control characters (which some RDF parsers reject) dropped, outer space trimmed."""
    return _CONTROL.sub("", value).strip()


def relation_properties(config: Config) -> list[str]:
    """Every property a configured relation maps to, sorted."""
    return sorted({relation.property_iri for relation in config.relations})
