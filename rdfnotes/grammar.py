"""The lab's grammar as data: which relations may join which node types, and the SHACL shapes it makes.

A grammar is a set of :class:`Rule` (source type, relation label, target type) as a lab names them: ``Evidence
Informs Question``. It comes, first found first, from

1. the lab's ``rdfnotes.yaml`` (``grammar:``, a list of ``{source, relation, target}``; ``*`` stands for any
   discourse node type): the lab declared it;
2. the export itself where it states one: an Obsidian vault's plugin ``data.json`` (``discourseRelations``), a
   Roam JSON export's ``grammar``, the Discourse Graphs JSON-LD export's ``relationDef`` domains and ranges: the lab
   declared it there;
3. the bundled defaults (``defaults.yaml``): the common discourse-graph grammar, which no lab declared.

:func:`grammar_shapes` turns a grammar into SHACL shapes, one per relation the grammar names (rule id
``grammar-<relation>``): a relation whose two typed ends are no allowed pair is a ``sh:Violation`` where the lab
declared its grammar, a ``sh:Warning`` under the defaults. Relations the grammar names nowhere are not checked, and
a relation reaching a page with no type is left to the ``relation-plain-page`` shape. This module is the one place
where the grammar becomes shapes; ``validate`` runs them with the fixed shapes of ``ontology/shapes.ttl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import ANY_TYPE as ANY
from .config import Config, Rule
from .vocab import RDF, RDFS, RN

if TYPE_CHECKING:
    import rdflib

SHAPES_NS = "https://w3id.org/rdfnotes/shapes#"
_SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Grammar:
    """The rules a lab's relations follow, and where they were declared (``None``: the bundled defaults)."""

    rules: tuple[Rule, ...]
    declared_in: str | None = None

    @property
    def declared(self) -> bool:
        return self.declared_in is not None


def choose(config: Config, stated: Iterable[tuple[str, Rule]] = ()) -> Grammar:
    """The grammar that holds: the configuration's when the lab declared one, else the export's, else the defaults.

    :param stated: ``(file, rule)`` for each rule an export states (:attr:`~rdfnotes.readers.ReadResult.grammar`).
    """
    if config.grammar_declared_in is not None:
        return Grammar(config.grammar, config.grammar_declared_in)
    found = sorted(set(stated), key=lambda pair: (pair[0], pair[1]))
    if found:
        files = sorted({file for file, _ in found})
        return Grammar(tuple(sorted({rule for _, rule in found})), ", ".join(files))
    return Grammar(config.grammar)


def allowed(grammar: Grammar, config: Config) -> dict[str, set[tuple[str, str]]]:
    """Per relation property, the (source class, target class) pairs the grammar allows.

    A rule naming the complement (``Question Informed By Evidence``) allows the relation the other way; a symmetric
    relation is allowed both ways. Rules naming a type or a relation the configuration does not know allow nothing
    (no node can have that type).
    """
    pairs: dict[str, set[tuple[str, str]]] = {}
    for rule in grammar.rules:
        found = config.relation(rule.relation)
        source, target = config.type_class(rule.source), config.type_class(rule.target)
        if found is None or source is None or target is None:
            continue
        relation, complement = found
        if complement:
            source, target = target, source
        pairs.setdefault(relation.property_iri, set()).add((source, target))
        if relation.symmetric:
            pairs[relation.property_iri].add((target, source))
    return pairs


def rule_id(config: Config, property_iri: str) -> str:
    """The rule id of the shape checking one relation: ``grammar-informs``."""
    label = next((r.label for r in config.relations if r.property_iri == property_iri), property_iri)
    return "grammar-" + (re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-") or "relation")


def grammar_shapes(grammar: Grammar, config: Config) -> rdflib.Graph:
    """The SHACL shapes of a grammar: one per relation it names, a SPARQL constraint over the relation's uses."""
    import rdflib

    sh = rdflib.Namespace(_SH)
    shapes = rdflib.Graph()
    severity = sh.Violation if grammar.declared else sh.Warning
    where = f"declared in {grammar.declared_in}" if grammar.declared else "the defaults: no grammar declared"
    for prop, pairs in sorted(allowed(grammar, config).items()):
        shape = rdflib.URIRef(SHAPES_NS + rule_id(config, prop))
        # (SHACL forbids VALUES in a SPARQL constraint: one UNION branch per allowed pair.)
        branches = " UNION ".join(f"{{ {_is('$this', s)} {_is('?value', t)} }}" for s, t in sorted(pairs))
        message = f"the lab's grammar ({where}) does not allow this relation between these types"
        constraint = rdflib.BNode()
        shapes.add((shape, rdflib.RDF.type, sh.NodeShape))
        shapes.add((shape, sh.targetSubjectsOf, rdflib.URIRef(prop)))
        shapes.add((shape, sh.severity, severity))
        shapes.add((shape, sh.message, rdflib.Literal(message, lang="en")))
        shapes.add((shape, sh.sparql, constraint))
        shapes.add((constraint, rdflib.RDF.type, sh.SPARQLConstraint))
        shapes.add((constraint, sh.message, rdflib.Literal(message, lang="en")))
        # Both ends typed, neither a plain page (that is the relation-plain-page shape's), and no allowed pair of
        # their types, subclasses counting (the ontology is mixed into the data graph).
        query = f"""
            SELECT $this ?path ?value WHERE {{
                BIND(<{prop}> AS ?path)
                $this <{prop}> ?value .
                FILTER EXISTS {{ $this a ?any }}
                FILTER EXISTS {{ ?value a ?other }}
                FILTER NOT EXISTS {{ $this a <{RN.Page}> }}
                FILTER NOT EXISTS {{ ?value a <{RN.Page}> }}
                FILTER NOT EXISTS {{ {branches} }}
            }}"""
        shapes.add((constraint, sh.select, rdflib.Literal(query)))
    return shapes


def _is(variable: str, cls: str) -> str:
    """A pattern: the node is of the class or of one of its subclasses (any type for ``rn:DiscourseNode``)."""
    if cls == RN.DiscourseNode:
        return ""
    return f"{variable} <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> ."


def type_names(config: Config, classes: Iterable[str]) -> list[str]:
    """The node type names of some classes, as the lab names them (``Evidence``), for a finding's message."""
    names = {t.class_iri: t.name for t in reversed(config.node_types)}
    names.setdefault(config.source_class, "Source")
    return sorted({names[c] for c in classes if c in names})


__all__ = ["ANY", "Grammar", "Rule", "allowed", "choose", "grammar_shapes", "rule_id", "type_names"]
