"""SHACL run in the store: each shape compiled to SPARQL ``SELECT`` queries that Oxigraph executes, read-only.

Why not pySHACL, the maintained SHACL engine: it validates an rdflib copy of the graph and runs a shape's SPARQL
constraint once per focus node, parsing the query again each time (three quarters of ``validate``'s time on 1,000
notes went to pyparsing; 48-91 s on a 1,092-note export against a 2.6 s load). Here a shape is a handful of queries
over all its focus nodes at once, in the store, with nothing copied out. pySHACL stays the test oracle: the tests
(``tests/test_shacl_sparql.py``) run both on every fixture lab and on graphs broken to trigger each rule, and assert
the same results.

What is compiled (what ``ontology/shapes.ttl`` and the grammar's shapes, :mod:`rdfnotes.grammar`, use):

- targets: ``sh:targetClass`` (subclasses counting), ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
  ``sh:targetNode``, and a shape that is itself an ``rdfs:Class`` (its implicit class target);
- on a node or property shape whose ``sh:path`` is one IRI: ``sh:class``, ``sh:datatype`` (the literal well formed
  too, for the datatypes rdflib checks), ``sh:nodeKind``, ``sh:pattern`` (``sh:flags``), ``sh:in``,
  ``sh:or``, ``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` /
  ``sh:qualifiedMaxCount``, and ``sh:sparql`` (a ``sh:SPARQLConstraint``'s ``sh:select``, ``$this`` bound by the
  targets, with the prefixes its ``sh:prefixes`` declare);
- inside ``sh:or`` and ``sh:qualifiedValueShape`` (a condition on one node): the same, counts limited to 0 and 1.

Anything else in the ``sh:`` namespace on a shape raises :class:`~rdfnotes.errors.UnsupportedShape`: a shape added
later is never silently passed over.

Like pySHACL given the ontology graph, the shapes see the data with the ontology's class and property hierarchy:
a ``sh:targetClass`` or ``sh:class`` counts the subclasses (``rdfs:subClassOf`` of the ontology and of the data),
a shape whose targets would select a node of the ontology itself (``sh:targetSubjectsOf rdfs:label`` …) is refused,
and a ``sh:select`` may follow ``rdf:type/rdfs:subClassOf*`` to a class or ``rdfs:subPropertyOf+`` (or ``*``) to a
property, which are replaced by the closure, computed once (the ontology is not in the store). A ``sh:select`` that
reads the hierarchy another way is refused. ``$this`` is bound by joining the targets into the query's top-level
group (the queries of these shapes bind it in a triple pattern there, where a join and SHACL's pre-binding agree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

from .errors import UnsupportedShape
from .vocab import RDF, RDFS

if TYPE_CHECKING:
    import rdflib

    from .store import Store

SH = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VIOLATION = SH + "Violation"

Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, as pySHACL's report states it (``sh:focusNode``, ``sh:resultPath`` …)."""

    focus: Term
    path: NamedNode | None
    value: Term | None
    severity: str
    """The IRI of ``sh:Violation``, ``sh:Warning`` or ``sh:Info``."""
    message: str
    shape: str
    """The IRI (or ``_:label``, a blank node) of the shape whose constraint the result is of (``sh:sourceShape``)."""


@dataclass(frozen=True)
class Check:
    """One compiled query of one shape: its rows ``?this`` (``?path``, ``?value``) are results."""

    shape: str
    severity: str
    message: str
    sparql: str
    path: NamedNode | None
    """The shape's path: a row without ``?path`` has this one."""
    value_is_focus: bool = False
    """A node shape's value node is its focus node."""


# Parameters a shape may carry that are not constraints (or belong to a constraint named elsewhere).
_NOT_CONSTRAINTS = {
    RDF.type,
    *(
        SH + name
        for name in [
            "targetClass",
            "targetSubjectsOf",
            "targetObjectsOf",
            "targetNode",
            "severity",
            "message",
            "path",
            "name",
            "description",
            "order",
            "group",
            "deactivated",
            "flags",
            "qualifiedMinCount",
            "qualifiedMaxCount",
            "qualifiedValueShapesDisjoint",
            "defaultValue",
        ]
    ),
}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
# Datatypes whose literals must be well formed, their lexical form cast by Oxigraph: those rdflib (and so pySHACL)
# checks. rdflib takes any gYear and gYearMonth, and a date alone as a dateTime, where Oxigraph would not: those
# are left as rdflib reads them (the loader writes neither).
_WELL_FORMED = {XSD + name for name in ("boolean", "float", "double", "decimal", "integer", "date", "time", "duration")}
_SUBCLASS_PATH = re.compile(
    rf"(?P<s>[?$]\w+|<[^<>\s]*>)\s+<{re.escape(RDF.type)}>\s*/\s*<{re.escape(RDFS.subClassOf)}>\*\s+(?P<o><[^<>\s]*>)"
)
_SUBPROPERTY_PATH = re.compile(rf"(?P<s>[?$]\w+)\s+<{re.escape(RDFS.subPropertyOf)}>(?P<op>[+*])\s+(?P<o><[^<>\s]*>)")
_ROW = "?this ?path ?value"
"""What every compiled query selects (``?path`` and ``?value`` unbound where the result has none)."""
_HIERARCHY = re.compile(r"subClassOf|subPropertyOf", re.IGNORECASE)


class Hierarchy:
    """The ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` links of the ontology and of the data, and their closure."""

    def __init__(self, links: Iterable[tuple[str, str, str]], ontology: rdflib.Graph | None = None) -> None:
        self.ontology = ontology
        """The ontology graph (pySHACL's ``ont_graph``): no target may select a node of it (see the module)."""
        self._down: dict[tuple[str, str], set[str]] = {}
        for child, predicate, parent in links:
            self._down.setdefault((predicate, parent), set()).add(child)

    @classmethod
    def of(cls, store: Store, ontology: rdflib.Graph | None) -> Hierarchy:
        links: list[tuple[str, str, str]] = []
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
            rows = store.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}")
            assert isinstance(rows, QuerySolutions)
            links += [(_iri(row[0]), predicate, _iri(row[1])) for row in rows]
            if ontology is not None:
                import rdflib

                links += [(str(s), predicate, str(o)) for s, o in ontology.subject_objects(rdflib.URIRef(predicate))]
        return cls(links, ontology)

    def below(self, predicate: str, top: str, *, reflexive: bool = True) -> set[str]:
        """Every term reaching ``top`` by one or more ``predicate`` links (and ``top`` itself when reflexive)."""
        found: set[str] = set()
        todo = [top]
        while todo:
            for child in self._down.get((predicate, todo.pop()), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found | {top} if reflexive else found

    def subclasses(self, classes: Iterable[str]) -> set[str]:
        return set().union(*(self.below(RDFS.subClassOf, c) for c in classes))


def _iri(term: Any) -> str:
    return str(getattr(term, "value", term))


class Compiler:
    """Compiles the shapes of a shapes graph into :class:`Check` queries."""

    def __init__(self, shapes: rdflib.Graph, hierarchy: Hierarchy) -> None:
        import rdflib

        self.g = shapes
        self.hierarchy = hierarchy
        self._rdflib = rdflib
        self._counter = 0

    # -- reading the shapes graph ------------------------------------------------------------------------------

    def _sh(self, name: str) -> rdflib.URIRef:
        return self._rdflib.URIRef(SH + name)

    def _objects(self, shape: Any, name: str) -> list[Any]:
        return sorted(self.g.objects(shape, self._sh(name)), key=str)

    def _one(self, shape: Any, name: str) -> Any:
        found = self._objects(shape, name)
        if len(found) > 1:
            raise UnsupportedShape(f"shape {_name(shape)} has {len(found)} values of sh:{name}; one is supported")
        return found[0] if found else None

    def _int(self, shape: Any, name: str) -> int | None:
        value = self._one(shape, name)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise UnsupportedShape(f"shape {_name(shape)}: sh:{name} {value} is not an integer") from None

    def _list(self, head: Any, shape: Any, name: str) -> list[Any]:
        from rdflib.collection import Collection

        try:
            return list(Collection(self.g, head))
        except Exception as exc:  # a broken RDF list
            raise UnsupportedShape(f"shape {_name(shape)}: sh:{name} is not a well-formed RDF list") from exc

    def _var(self, stem: str) -> str:
        self._counter += 1
        return f"?_{stem}{self._counter}"

    def _path(self, shape: Any) -> NamedNode | None:
        path = self._one(shape, "path")
        if path is None:
            return None
        if not isinstance(path, self._rdflib.URIRef):
            raise UnsupportedShape(f"shape {_name(shape)}: only an IRI is supported as sh:path, not a path expression")
        return NamedNode(str(path))

    def _constraints(self, shape: Any, path: NamedNode | None) -> list[str]:
        """The constraint parameters of a shape (``sh:`` ones that are no target, annotation or count), by name."""
        params = {str(p) for p in self.g.predicates(shape, None)}
        counts = {SH + name for name in ("minCount", "maxCount", "qualifiedValueShape")}
        if path is None and params & counts:
            raise UnsupportedShape(
                f"shape {_name(shape)}: sh:minCount, sh:maxCount and sh:qualifiedValueShape need a sh:path"
            )
        others = params - _NOT_CONSTRAINTS - {SH + "minCount", SH + "maxCount"}
        return sorted(p.removeprefix(SH) for p in others if p.startswith(SH))

    def shapes(self) -> list[Any]:
        """The shapes with targets (the others are only run where a shape names them), in a stable order."""
        rdflib = self._rdflib
        targeted: set[Any] = set()
        for name in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"):
            targeted.update(self.g.subjects(self._sh(name), None))
        for kind in (rdflib.RDFS.Class, rdflib.OWL.Class):
            targeted.update(s for s in self.g.subjects(rdflib.RDF.type, kind) if self._is_shape(s))
        active = [s for s in targeted if str(self._one(s, "deactivated") or "").lower() != "true"]
        return sorted(active, key=str)

    def _is_shape(self, node: Any) -> bool:
        rdflib = self._rdflib
        return bool(
            (node, rdflib.RDF.type, self._sh("NodeShape")) in self.g
            or (node, rdflib.RDF.type, self._sh("PropertyShape")) in self.g
            or (node, self._sh("path"), None) in self.g
        )

    # -- targets -----------------------------------------------------------------------------------------------

    def _targets(self, shape: Any) -> str:
        """A group binding ``?this`` to each focus node of the shape, once."""
        rdflib = self._rdflib
        ontology = self.hierarchy.ontology if self.hierarchy.ontology is not None else rdflib.Graph()
        branches: list[str] = []
        classes = {str(c) for c in self._objects(shape, "targetClass")}
        if any((shape, rdflib.RDF.type, kind) in self.g for kind in (rdflib.RDFS.Class, rdflib.OWL.Class)):
            classes.add(str(shape))
        selects_ontology = False
        if classes:
            cls = self._var("class")
            every = self.hierarchy.subclasses(classes)
            branches.append(f"?this <{RDF.type}> {cls} . VALUES {cls} {{ {_iris(every)} }}")
            selects_ontology |= any((None, rdflib.RDF.type, rdflib.URIRef(c)) in ontology for c in every)
        for prop in self._objects(shape, "targetSubjectsOf"):
            branches.append(f"?this <{prop}> {self._var('o')} .")
            selects_ontology |= (None, prop, None) in ontology
        for prop in self._objects(shape, "targetObjectsOf"):
            branches.append(f"{self._var('s')} <{prop}> ?this .")
            selects_ontology |= (None, prop, None) in ontology
        nodes = self._objects(shape, "targetNode")
        if nodes:
            branches.append(f"VALUES ?this {{ {' '.join(_sparql_term(n) for n in nodes)} }}")
            selects_ontology |= any((n, None, None) in ontology for n in nodes)
        if selects_ontology:
            raise UnsupportedShape(
                f"shape {_name(shape)}: its targets select nodes of the ontology, which the store does not hold"
            )
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    # -- compiling ---------------------------------------------------------------------------------------------

    def compile(self) -> list[Check]:
        checks: list[Check] = []
        for shape in self.shapes():
            checks += self.compile_shape(shape)
        return checks

    def compile_shape(self, shape: Any) -> list[Check]:
        severity = str(self._one(shape, "severity") or VIOLATION)
        message = self._message(shape)
        targets = self._targets(shape)
        path = self._path(shape)
        checks: list[Check] = []

        def check(sparql: str, *, value_is_focus: bool = False, text: str = message) -> None:
            checks.append(Check(_name(shape), severity, text, sparql, path, value_is_focus))

        value_conditions: list[str] = []
        for name in self._constraints(shape, path):
            if name == "qualifiedValueShape" and path is not None:
                check(self._qualified(shape, targets, path))
            elif name != "sparql":
                value_conditions.append(name)
        if path is not None:
            low, high = self._int(shape, "minCount"), self._int(shape, "maxCount")
            if low is not None and low > 0:
                check(self._count_below(targets, path, low))
            if high is not None:
                check(self._count_above(targets, path, high))
        for name in value_conditions:
            if path is None:
                condition = self._condition(shape, name, "?this")
                check(f"SELECT {_ROW} WHERE {{ {targets} FILTER(!({condition})) }}", value_is_focus=True)
            else:
                condition = self._condition(shape, name, "?value")
                check(f"SELECT {_ROW} WHERE {{ {targets} ?this <{path.value}> ?value FILTER(!({condition})) }}")
        for constraint in self._objects(shape, "sparql"):
            if path is not None:
                raise UnsupportedShape(f"shape {_name(shape)}: sh:sparql on a property shape is not supported")
            text = self._message(constraint, fallback=message)
            check(self._sparql(shape, constraint, targets), text=text)
        return checks

    def _message(self, node: Any, fallback: str | None = None) -> str:
        messages = self._objects(node, "message")
        if not messages:
            if fallback is not None:
                return fallback
            raise UnsupportedShape(f"shape {_name(node)} has no sh:message: say what it finds")
        if len(messages) > 1:
            raise UnsupportedShape(f"shape {_name(node)} has {len(messages)} sh:message values; one is supported")
        text = str(messages[0])
        if re.search(r"\{[?$]\w+\}", text):
            raise UnsupportedShape(f"shape {_name(node)}: message templates ({{?var}}) are not supported")
        return text

    def _count_below(self, targets: str, path: NamedNode, low: int) -> str:
        if low == 1:
            return f"SELECT {_ROW} WHERE {{ {targets} FILTER NOT EXISTS {{ ?this <{path.value}> ?_any }} }}"
        return (
            f"SELECT {_ROW} WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {targets} "
            f"OPTIONAL {{ ?this <{path.value}> ?_v }} }} GROUP BY ?this }} FILTER(?_n < {low}) }}"
        )

    def _count_above(self, targets: str, path: NamedNode, high: int) -> str:
        return (
            f"SELECT {_ROW} WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {targets} "
            f"?this <{path.value}> ?_v }} GROUP BY ?this }} FILTER(?_n > {high}) }}"
        )

    def _qualified(self, shape: Any, targets: str, path: NamedNode) -> str:
        inner = self._one(shape, "qualifiedValueShape")
        if str(self._one(shape, "qualifiedValueShapesDisjoint") or "").lower() == "true":
            raise UnsupportedShape(f"shape {_name(shape)}: sh:qualifiedValueShapesDisjoint is not supported")
        low, high = self._int(shape, "qualifiedMinCount"), self._int(shape, "qualifiedMaxCount")
        if low is None and high is None:
            raise UnsupportedShape(f"shape {_name(shape)}: sh:qualifiedValueShape without a qualified count")
        condition = self._conforms(inner, "?_v")
        tests = []
        if low is not None:
            tests.append(f"?_n < {low}")
        if high is not None:
            tests.append(f"?_n > {high}")
        return (
            f"SELECT {_ROW} WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {targets} "
            f"OPTIONAL {{ ?this <{path.value}> ?_v FILTER({condition}) }} }} GROUP BY ?this }} "
            f"FILTER({' || '.join(tests)}) }}"
        )

    def _condition(self, shape: Any, name: str, v: str) -> str:
        """A SPARQL expression true when the value node ``v`` satisfies the shape's constraint ``sh:name``."""
        if name == "datatype":
            datatype = str(self._one(shape, name))
            test = f"(isLiteral({v}) && datatype({v}) = <{datatype}>"
            if datatype in _WELL_FORMED:
                test += f" && COALESCE(isLiteral(<{datatype}>(STR({v}))), false)"
            return test + ")"
        if name == "nodeKind":
            kind = str(self._one(shape, name)).removeprefix(SH)
            if kind not in _NODE_KINDS:
                raise UnsupportedShape(f"shape {_name(shape)}: sh:nodeKind {kind} is not a node kind")
            return _NODE_KINDS[kind].format(v=v)
        if name == "pattern":
            flags = self._one(shape, "flags")
            pattern = _sparql_string(str(self._one(shape, name)))
            flag_arg = f", {_sparql_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {pattern}{flag_arg}))"
        if name == "in":
            members = self._list(self._one(shape, name), shape, name)
            return "(" + (" || ".join(f"sameTerm({v}, {_sparql_term(m)})" for m in members) or "false") + ")"
        if name == "class":
            classes = self.hierarchy.subclasses(str(c) for c in self._objects(shape, name))
            t = self._var("t")
            return f"EXISTS {{ {v} <{RDF.type}> {t} . VALUES {t} {{ {_iris(classes)} }} }}"
        if name == "or":
            members = []
            for head in self._objects(shape, name):
                members.append(
                    "(" + (" || ".join(self._conforms(m, v) for m in self._list(head, shape, name)) or "false") + ")"
                )
            return " && ".join(members)
        raise UnsupportedShape(
            f"shape {_name(shape)}: the constraint sh:{name} is not supported by the in-store validator"
        )

    def _conforms(self, shape: Any, v: str) -> str:
        """A SPARQL expression true when the node ``v`` conforms to the shape (targets ignored)."""
        path = self._path(shape)
        parts: list[str] = []
        if path is not None:
            low, high = self._int(shape, "minCount"), self._int(shape, "maxCount")
            for bound, test in ((low, "min"), (high, "max")):
                if bound is None or (test == "min" and bound == 0):
                    continue
                if (test, bound) == ("min", 1):
                    parts.append(f"EXISTS {{ {v} <{path.value}> {self._var('any')} }}")
                elif (test, bound) == ("max", 0):
                    parts.append(f"NOT EXISTS {{ {v} <{path.value}> {self._var('any')} }}")
                else:
                    raise UnsupportedShape(
                        f"shape {_name(shape)}: inside sh:or or sh:qualifiedValueShape only counts of 0 and 1 are "
                        "supported"
                    )
        for name in self._constraints(shape, path):
            if name == "qualifiedValueShape" and path is not None:
                low, high = self._int(shape, "qualifiedMinCount"), self._int(shape, "qualifiedMaxCount")
                inner = self._var("q")
                condition = self._conforms(self._one(shape, name), inner)
                if low not in (None, 0, 1) or high not in (None, 0) or (low, high) == (None, None):
                    raise UnsupportedShape(
                        f"shape {_name(shape)}: inside sh:or or sh:qualifiedValueShape only qualified counts of 0 and "
                        "1 are supported"
                    )
                if low == 1:
                    parts.append(f"EXISTS {{ {v} <{path.value}> {inner} FILTER({condition}) }}")
                if high == 0:
                    parts.append(f"NOT EXISTS {{ {v} <{path.value}> {inner} FILTER({condition}) }}")
                continue
            if name == "sparql":
                raise UnsupportedShape(f"shape {_name(shape)}: sh:sparql inside another shape is not supported")
            if path is None:
                parts.append(self._condition(shape, name, v))
            else:
                each = self._var("v")
                parts.append(
                    f"NOT EXISTS {{ {v} <{path.value}> {each} FILTER(!({self._condition(shape, name, each)})) }}"
                )
        return "(" + (" && ".join(parts) or "true") + ")"

    def _sparql(self, shape: Any, constraint: Any, targets: str) -> str:
        """The constraint's ``sh:select`` over all the focus nodes at once."""
        prefixes: dict[str, str] = {}
        for holder in self._objects(constraint, "prefixes"):  # sh:declare [ sh:prefix "dg" ; sh:namespace "…" ]
            for declared in self._objects(holder, "declare"):
                prefix, namespace = self._one(declared, "prefix"), self._one(declared, "namespace")
                if prefix is None or namespace is None:
                    raise UnsupportedShape(f"shape {_name(shape)}: a sh:declare without sh:prefix and sh:namespace")
                prefixes[str(prefix)] = str(namespace)
        for unsupported in ("ask",):
            if self._objects(constraint, unsupported):
                raise UnsupportedShape(
                    f"shape {_name(shape)}: sh:{unsupported} in a SPARQL constraint is not supported"
                )
        select = self._one(constraint, "select")
        if select is None:
            raise UnsupportedShape(f"shape {_name(shape)}: a SPARQL constraint without sh:select")
        query = str(select)
        if re.search(r"\$(currentShape|shapesGraph|PATH)\b", query):
            raise UnsupportedShape(f"shape {_name(shape)}: $currentShape, $shapesGraph and $PATH are not supported")
        query = self._hierarchy_paths(shape, query)
        query = re.sub(r"\$this\b", "?this", query)
        found = re.match(r"\s*SELECT\b[^{]*?\bWHERE\s*\{", query, re.IGNORECASE | re.DOTALL) or re.match(
            r"\s*SELECT\b[^{]*?\{", query, re.IGNORECASE | re.DOTALL
        )
        body_end = query.rstrip().rfind("}")
        if found is None or body_end < found.end() or query.rstrip()[body_end + 1 :].strip():
            raise UnsupportedShape(
                f"shape {_name(shape)}: a sh:select is supported as SELECT … WHERE {{ … }}, no PREFIX, no modifiers"
            )
        body = query[found.end() : body_end]
        declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))
        return f"{declared}SELECT {_ROW} WHERE {{ {targets} {body} }}"

    def _hierarchy_paths(self, shape: Any, query: str) -> str:
        """The class and property hierarchy (in the ontology, not the store) read by a query, as its closure."""

        def subclass(match: re.Match[str]) -> str:
            t = self._var("t")
            classes = self.hierarchy.below(RDFS.subClassOf, match["o"][1:-1])
            return f"{match['s']} <{RDF.type}> {t} . VALUES {t} {{ {_iris(classes)} }}"

        def subproperty(match: re.Match[str]) -> str:
            props = self.hierarchy.below(RDFS.subPropertyOf, match["o"][1:-1], reflexive=match["op"] == "*")
            return f"VALUES {match['s']} {{ {_iris(props)} }}"

        query = _SUBPROPERTY_PATH.sub(subproperty, _SUBCLASS_PATH.sub(subclass, query))
        if _HIERARCHY.search(query):
            raise UnsupportedShape(
                f"shape {_name(shape)}: its sh:select reads the class or property hierarchy other than as "
                "rdf:type/rdfs:subClassOf* <class> or ?var rdfs:subPropertyOf+ <property>"
            )
        return query


def _name(node: Any) -> str:
    """A shape as results and messages name it: its IRI, or ``_:label`` for a blank node."""
    import rdflib

    return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)


def _iris(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _sparql_term(term: Any) -> str:
    """An rdflib term as SPARQL (an IRI, or a literal with its datatype or language)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        text = _sparql_string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype or XSD + 'string'}>"
    raise UnsupportedShape(f"a blank node ({term}) cannot be a value in a shape's list or target")


def compile_shapes(shapes: rdflib.Graph, hierarchy: Hierarchy) -> list[Check]:
    """The queries that find every result of the shapes (raises :class:`UnsupportedShape` on one not supported)."""
    return Compiler(shapes, hierarchy).compile()


def run(store: Store, checks: list[Check], progress: Callable[[int, int], None] | None = None) -> Iterator[Result]:
    """Run the compiled checks on the store's default graph, yielding their results; ``progress(done, total)``."""
    total = len(checks)
    if progress is not None:
        progress(0, total)
    for done, check in enumerate(checks, 1):
        rows = store.query(check.sparql)
        assert isinstance(rows, QuerySolutions)
        for row in rows:
            focus = row["this"]
            if focus is None:
                continue
            path, value = row["path"], row["value"]
            if check.value_is_focus:
                value = focus
            if not isinstance(path, NamedNode):
                path = check.path
            yield Result(focus, path, value, check.severity, check.message, check.shape)
        if progress is not None:
            progress(done, total)


def validate_store(
    store: Store,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Result]:
    """Every SHACL result of the shapes over the store's default graph, with the ontology's hierarchy."""
    checks = compile_shapes(shapes, Hierarchy.of(store, ontology))
    return list(run(store, checks, progress))


__all__ = ["Check", "Hierarchy", "Result", "compile_shapes", "run", "validate_store"]
