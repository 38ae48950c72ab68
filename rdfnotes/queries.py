"""Bundled and ad-hoc SPARQL queries, with parameters bound as RDF terms (never pasted into the query text raw).

A bundled query is a ``queries/NAME.rq`` file whose leading comment describes it::

    # title: Open questions
    # description: Questions that no evidence or source informs yet.
    # param: question iri  The question to look at (optional: all questions without it)
    # param: include_linked boolean  true to list questions only linked to as well (optional)

Every bundled query is standard SPARQL 1.1 (tests parse each with Jena's and rdflib's parsers) and gives the same
answers wherever the dataset lives: on the local store, on a server it was pushed to, in another engine over an
export (see :mod:`rdfnotes.store` for the dataset model, and ``tests/test_engines.py``). They never rely on a triple
being seen once: rows are ``DISTINCT`` and counts ``COUNT(DISTINCT …)``, so an engine whose default graph is the
union of the named graphs with a triple once per graph holding it gives the same rows.

A parameter is bound by a ``VALUES ?name { term }`` block that :func:`bind` puts at the start of the query's outer
``WHERE`` group: plain SPARQL 1.1, so the bound text runs unchanged on any engine (:func:`bound_query` gives it).
The term is checked for its declared type (an IRI must be a valid IRI, a string is escaped), so a hostile value
matches nothing but itself. A value parameter (``iri``, ``string``, ``integer``, ``date``) is a variable bound in
every row of the query's main pattern, which the block then narrows to the rows of that value (a variable left
unbound in some rows, say by an ``OPTIONAL``, would keep those rows: VALUES joins, it does not filter). A
``boolean`` parameter is an option the query reads with ``COALESCE(?name, false)``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from .errors import NoSuchQuery, QueryError
from .resources import queries_dir
from .store import Store
from .vocab import PREFIXES, XSD

PARAM_TYPES = ("string", "iri", "integer", "date", "boolean")
RESULT_FORMATS = ("table", "csv", "tsv", "json")

Term = NamedNode | BlankNode | Literal | Triple


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class BundledQuery:
    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


@dataclass
class QueryResult:
    """The answer of a query: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] | None = None

    def serialize(self, fmt: str) -> str:
        """The result as ``table`` (for people), ``csv``, ``tsv`` or ``json`` (the W3C SPARQL results formats)."""
        if self.triples is not None:
            return _triples_text(self.triples)
        if self.boolean is not None:
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": self.boolean}) + "\n"
            return ("true" if self.boolean else "false") + "\n"
        if fmt == "json":
            return _json(self) + "\n"
        if fmt == "csv":
            return _csv(self)
        if fmt == "tsv":
            return _tsv(self)
        return _table(self)


def bundled_queries() -> list[BundledQuery]:
    """The bundled queries, by name."""
    return [_parse_query_file(path) for path in sorted(queries_dir().glob("*.rq"))]


def find_query(name_or_path: str) -> tuple[str, BundledQuery | None]:
    """The text of a bundled query by name, or of a ``.rq`` file, and its description when bundled.

    :raises NoSuchQuery: when it is neither.
    """
    bundled = queries_dir() / f"{name_or_path}.rq"
    if "/" not in name_or_path and bundled.is_file():
        query = _parse_query_file(bundled)
        return query.text, query
    path = Path(name_or_path)
    if path.suffix in (".rq", ".sparql") and path.is_file():
        return path.read_text(encoding="utf-8"), None
    names = ", ".join(q.name for q in bundled_queries())
    raise NoSuchQuery(f"no bundled query or .rq file named {name_or_path!r} (bundled: {names}); see 'rdfnotes queries'")


def run_query(
    store: Store,
    query: str,
    params: Mapping[str, str] | None = None,
    *,
    text: str | None = None,
) -> QueryResult:
    """Run a bundled query (by name), a ``.rq`` file, or ``text`` when given, binding ``params`` to its variables.

    :raises NoSuchQuery: when ``query`` names nothing.
    :raises QueryError: when the query is not valid SPARQL or a parameter does not fit it.
    """
    bound = bound_query(query, params, text=text)
    try:
        results = store.query(bound)
    except SyntaxError as exc:
        raise QueryError(f"{query}: not valid SPARQL: {exc}") from exc
    except RuntimeError as exc:
        raise QueryError(f"{query}: {exc}") from exc
    if isinstance(results, QueryBoolean):
        return QueryResult(boolean=bool(results))
    if isinstance(results, QueryTriples):
        return QueryResult(triples=sorted(results, key=str))
    assert isinstance(results, QuerySolutions)
    variables = [v.value for v in results.variables]
    rows = [list(solution) for solution in results]  # in the order of ``variables``; a third faster than by name
    return QueryResult(variables=variables, rows=rows)


def bound_query(query: str, params: Mapping[str, str] | None = None, *, text: str | None = None) -> str:
    """The text of a bundled query (by name), a ``.rq`` file or ``text`` when given, with ``params`` bound: what
    to run on another engine.

    :raises NoSuchQuery: when ``query`` names nothing.
    :raises QueryError: when a parameter does not fit the query.
    """
    described: BundledQuery | None = None
    if text is None:
        text, described = find_query(query)
    return bind(text, params or {}, described)


def bind(text: str, params: Mapping[str, str], described: BundledQuery | None = None) -> str:
    """``text`` with a ``VALUES`` block per parameter at the start of its outer ``WHERE`` group (at its end, as
    the query's trailing VALUES clause, when it has no ``WHERE {``).

    :raises QueryError: when a parameter is not the query's or its value is not of its type.
    """
    if not params:
        return text
    terms = _terms(params, described, text)
    for name, term in terms:
        if isinstance(term, NamedNode):
            # A SERVICE named by the parameter gets its IRI written in: what every engine asks (a variable SERVICE
            # is an extension; Oxigraph asks one only through its own substitutions).
            text = _service(name).sub(rf"\g<1>{_sparql_term(term)}", text)
    blocks = [f"VALUES ?{name} {{ {_sparql_term(term)} }}" for name, term in terms]
    at = _where_group(text)
    if at is None:
        return text.rstrip() + "\n" + "\n".join(blocks) + "\n"
    return text[:at] + "\n  " + "\n  ".join(blocks) + text[at:]


def _terms(params: Mapping[str, str], described: BundledQuery | None, text: str) -> list[tuple[str, Term]]:
    bound: list[tuple[str, Term]] = []
    # A query not bundled may declare its parameters too (``# param:`` lines): their types hold for it as well.
    declared = {p.name: p for p in (described.parameters if described else _header(text)[1])}
    for name, value in params.items():
        name = name.lstrip("?$")
        if described is not None and name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"query {described.name!r} has no parameter {name!r} (its parameters: {known})")
        if not re.fullmatch(r"\w+", name) or (described is None and not re.search(rf"[?$]{name}\b", text)):
            raise QueryError(f"the query has no variable ?{name} to bind")
        kind = declared[name].type if name in declared else _guess_type(value)
        bound.append((name, _term(name, value, kind)))
    return bound


def _guess_type(value: str) -> str:
    return "iri" if value.startswith("<") and value.endswith(">") else "string"


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
# What SPARQL's IRIREF allows between < and > (an IRI pyoxigraph accepts may still hold none of the others).
_IRIREF = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')


def _term(name: str, value: str, kind: str) -> Term:
    try:
        if kind == "iri":
            iri = NamedNode(value[1:-1] if value.startswith("<") and value.endswith(">") else value)
            if not _IRIREF.fullmatch(iri.value):
                raise ValueError("not an IRI SPARQL can write")
            return iri
        if kind == "integer":
            return Literal(str(int(value)), datatype=NamedNode(XSD.integer))
        if kind == "date":
            return Literal(value, datatype=NamedNode(XSD.date))
        if kind == "boolean":
            if value.strip().lower() not in _BOOLEANS:
                raise ValueError("true or false")
            return Literal(str(_BOOLEANS[value.strip().lower()]).lower(), datatype=NamedNode(XSD.boolean))
    except ValueError as exc:
        raise QueryError(f"parameter {name}: {value!r} is not a valid {kind} ({exc})") from exc
    return Literal(value)


def _sparql_term(term: Term) -> str:
    """A term in SPARQL syntax: an IRI as ``<…>``, a literal quoted with every character that could end or escape
    its quotes escaped."""
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    assert isinstance(term, Literal)
    escaped = term.value.translate(_ESCAPES)
    if term.datatype.value == XSD.string:
        return f'"{escaped}"'
    return f'"{escaped}"^^<{term.datatype.value}>'


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
# The pieces of a query that may hold a "WHERE" or a brace that is not one: comments, strings, IRIs.
_SKIP = re.compile(
    r"#[^\n]*|\"\"\"(?:[^\\]|\\.)*?\"\"\"|\'\'\'(?:[^\\]|\\.)*?\'\'\'|\"(?:[^\"\\\n]|\\.)*\""
    r"|'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\x00-\x20]*>|[?$]\w+",
    re.DOTALL,
)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)


def _service(name: str) -> re.Pattern[str]:
    return re.compile(rf"(\bSERVICE\s+(?:SILENT\s+)?)[?$]{name}\b", re.IGNORECASE)


def _where_group(text: str) -> int | None:
    """The offset just after the ``{`` opening the query's outer ``WHERE`` group, or None when it has none."""
    code = _SKIP.sub(lambda m: " " * len(m.group()), text)  # the same offsets, with nothing to mistake
    where = _WHERE.search(code)
    if where is None:
        return None
    brace = re.compile(r"\s*\{").match(code, where.end())
    return brace.end() if brace else None


def _parse_query_file(path: Path) -> BundledQuery:
    text = path.read_text(encoding="utf-8")
    meta, parameters = _header(text)
    return BundledQuery(
        name=path.stem,
        title=meta.get("title", path.stem),
        description=meta.get("description", ""),
        parameters=tuple(parameters),
        text=text,
        path=path,
    )


def _header(text: str) -> tuple[dict[str, str], list[Parameter]]:
    """The ``# key: value`` lines opening a query: its title, description and ``param`` declarations."""
    meta: dict[str, str] = {}
    parameters: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = re.match(r"#\s*(\w+):\s*(.*)$", line)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key == "param":
            pmatch = re.match(r"\??(\w+)\s+(\w+)\s*(.*)$", value)
            if pmatch and pmatch.group(2) in PARAM_TYPES:
                parameters.append(Parameter(pmatch.group(1), pmatch.group(2), pmatch.group(3).strip()))
        else:
            meta[key] = value
    return meta, parameters


# -- result formats ----------------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD.string:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _json(result: QueryResult) -> str:
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if term is None else term.value if not isinstance(term, Triple) else str(term) for term in row]
        )
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else str(term) for term in row))
    return "\n".join(lines) + "\n"


def _short(term: Term | None) -> str:
    """A term as a person reads it: IRIs with known prefixes shortened, literals by their value."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and re.fullmatch(r"[A-Za-z_][\w.-]*", term.value[len(iri) :]):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    if isinstance(term, Literal):
        return term.value.replace("\n", " ")
    return str(term)


def _table(result: QueryResult, *, width: int = 60) -> str:
    cells = [[_clip(_short(term), width) for term in row] for row in result.rows]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _triples_text(triples: Sequence[Triple]) -> str:
    from pyoxigraph import RdfFormat, serialize

    return (serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode("utf-8")
