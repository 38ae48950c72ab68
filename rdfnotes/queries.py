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
import itertools
import json
import queue
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, Triple

from .errors import NoSuchQuery, QueryError
from .resources import queries_dir
from .sparql_guard import check, start_on_big_stack
from .vocab import PREFIXES, XSD

if TYPE_CHECKING:  # only types here: `rdfnotes queries` need not open a store's modules
    from .answers import Answers
    from .store import Store

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
    notes: list[str] = field(default_factory=list)
    """What a person should know about the answer: a name parameter the store has no such name for."""
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))
    """The prefixes a table writes IRIs with: the standard ones, and each lab's base IRI under the lab's name
    (``lab-a:node/QsL33p-01``)."""

    def serialize(self, fmt: str, *, width: int | None = None, full_iris: bool = False) -> str:
        """The result as ``table`` (for people), ``csv``, ``tsv`` or ``json`` (the W3C SPARQL results formats).

        :param width: (a table) the width to fit in: text columns are cut to fit (``…``), columns of IRIs never.
        :param full_iris: (a table) write IRIs whole, not as prefixed names.
        """
        if self.triples is not None:
            return _triples_text(self.triples)
        if self.boolean is not None:
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": self.boolean}) + "\n"
            return ("true" if self.boolean else "false") + "\n"
        if fmt == "json":
            return _json(self) + "\n"
        if fmt == "csv":
            return "".join(_csv(self.variables, self.rows))
        if fmt == "tsv":
            return "".join(_tsv(self.variables, self.rows))
        return _table(self, width=width, prefixes={} if full_iris else self.prefixes)


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
    limit: int | None = None,
    offset: int = 0,
    keep: bool = False,
) -> QueryResult:
    """Run a bundled query (by name), a ``.rq`` file, or ``text`` when given, binding ``params`` to its variables.

    ``limit`` and ``offset`` page the answer: its rows (or a CONSTRUCT's triples) from ``offset`` on, at most
    ``limit`` of them; ``keep`` answers a sorted query from the answer kept in the store (see :func:`stream_query`).

    :raises NoSuchQuery: when ``query`` names nothing.
    :raises QueryError: when the query is not valid SPARQL, a parameter does not fit it, or it fails as it runs.
    :raises QueryRefused: (a :class:`QueryError`) when it is too big, nested or chained too deep for the engine.
    """
    stream = stream_query(store, query, params, text=text, limit=limit, offset=offset, keep=keep)
    rows = list(stream.rows)
    return QueryResult(stream.variables, rows, stream.boolean, stream.triples, stream.notes, stream.prefixes)


@dataclass
class QueryStream:
    """A query's answer as it comes: SELECT rows as Oxigraph gives them (read them before the store is closed),
    an ASK boolean, or CONSTRUCT/DESCRIBE triples; with the notes and table prefixes of a :class:`QueryResult`."""

    variables: list[str] = field(default_factory=list)
    rows: Iterator[list[Term | None]] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    triples: list[Triple] | None = None
    notes: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=lambda: dict(PREFIXES))

    def chunks(self, fmt: str, *, width: int | None = None, full_iris: bool = False) -> Iterator[str]:
        """The answer in ``fmt`` (as :meth:`QueryResult.serialize`), a row at a time where the format allows:
        csv, tsv and json are written as the rows come; a table needs every row for its widths."""
        if self.boolean is not None or self.triples is not None or fmt == "table":
            whole = QueryResult(self.variables, list(self.rows), self.boolean, self.triples, self.notes, self.prefixes)
            yield whole.serialize(fmt, width=width, full_iris=full_iris)
        elif fmt == "json":
            yield '{"head": ' + json.dumps({"vars": self.variables}, ensure_ascii=False) + ', "results": {"bindings": ['
            for i, row in enumerate(self.rows):
                yield (", " if i else "") + json.dumps(_binding(self.variables, row), ensure_ascii=False)
            yield "]}}\n"
        elif fmt == "csv":
            yield from _csv(self.variables, self.rows)
        else:
            yield from _tsv(self.variables, self.rows)


def stream_query(
    store: Store,
    query: str,
    params: Mapping[str, str] | None = None,
    *,
    text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    ordered: bool = True,
    keep: bool = False,
) -> QueryStream:
    """:func:`run_query`, its SELECT rows handed over as Oxigraph gives them, not read whole first: memory holds a
    few batches of rows, not the whole answer.

    A sorted listing (every bundled one is) gives its first row only once the engine has made and sorted every
    row. ``ordered=False`` drops the query's final ``ORDER BY``: the same rows, in the order the engine makes them
    (the same for the same store, not from one store to another), the first of them at once (~30 ms instead of
    1.2 s for ``source-informs`` at 10,000 notes), for a reader that sorts them itself or wants a first look.

    A page (``limit``, ``offset``) of a SELECT query is asked of Oxigraph itself, ``LIMIT``/``OFFSET`` appended to
    the query, so it stops once the page is made (a query sorted by ``ORDER BY`` must still be sorted whole first).
    A query the clauses cannot be appended to (one with a ``LIMIT`` of its own, or a trailing ``VALUES`` block)
    is paged as its rows come instead: the same rows. Errors of the query itself are raised here; one the engine
    meets only as it makes later rows is raised (as a :class:`QueryError`) by the iteration of ``rows``.

    ``keep`` keeps a sorted answer in the store's folder (:mod:`rdfnotes.answers`) once it is made, and answers
    from it while the store stays as it is: the next pages of a listing, or the listing again, without the query.

    :raises QueryError: as :func:`run_query`, and for a negative ``limit`` or ``offset``.
    """
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError(f"{query}: --limit and --offset take a number of rows, 0 or more")
    described: BundledQuery | None = None
    if text is None:
        text, described = find_query(query)
    params, notes = _match_names(store, described, params or {})
    bound = bind(text, params, described)
    check(bound)  # before the engine: a query nested or chained too deep would overflow its stack
    unordered = without_order(bound)
    kept = None
    if keep and ordered and unordered != bound:
        from .answers import Answers

        answers = Answers(store)
        key = answers.key(bound, PREFIXES)
        kept = None if key is None else (answers, key)
    if not ordered:
        bound = unordered
    producer = _Producer(store, bound, limit, offset, kept)
    head = producer.head()
    if isinstance(head, BaseException):
        raise _query_error(query, head) from None
    if isinstance(head, bool):
        return QueryStream(boolean=head, notes=notes)
    if isinstance(head, tuple):
        return QueryStream(triples=list(head), notes=notes)
    assert isinstance(head, list)
    return QueryStream(variables=head, rows=producer.rows(query), notes=notes, prefixes=table_prefixes(store))


def _query_error(query: str, exc: BaseException) -> BaseException:
    if isinstance(exc, SyntaxError):
        return QueryError(f"{query}: not valid SPARQL: {_line(exc)}")
    if isinstance(exc, (RuntimeError, OSError, ValueError)):  # a runtime error: a SERVICE that failed, a bad regex …
        return QueryError(f"{query}: the query failed: {_line(exc)}")
    return exc


_CONSTRUCTS = re.compile(r"\b(?:CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FINAL_ORDER = re.compile(r"\bORDER\s+BY\b[^{}]*?(?=\b(?:LIMIT|OFFSET)\b|\Z)", re.IGNORECASE | re.DOTALL)


def without_order(text: str) -> str:
    r"""``text`` without the ``ORDER BY`` clause of its outer query (what follows its last ``}``; a query whose
    last group is a trailing ``VALUES`` block is left as it is).

    >>> without_order("SELECT ?s WHERE { ?s ?p ?o }\n# by subject\nORDER BY ?s DESC(?o) LIMIT 5")
    'SELECT ?s WHERE { ?s ?p ?o }\n\nLIMIT 5'
    """
    end = text.rfind("}")
    if end < 0:
        return text
    tail = re.sub(r"(?m)^[ \t]*#.*$", "", text[end + 1 :])  # comments: no clause of them
    return text[: end + 1] + _FINAL_ORDER.sub("", tail, count=1)


_BATCH = 512  # rows handed over at a time
_BATCHES = 8  # batches waiting at most: the memory a slow reader of a long listing costs
_DONE = object()


class _Producer:
    """Runs a query on a thread with a big stack (the engine recurses on it, see :mod:`rdfnotes.sparql_guard`) and
    hands its answer over: first its head (the SELECT variables, an ASK boolean, CONSTRUCT triples or the error),
    then the rows in batches through a bounded queue. pyoxigraph's results cannot leave the thread that made them,
    so the thread iterates them; a reader that stops early (``rdfnotes query … | head``) stops the thread."""

    def __init__(
        self, store: Store, text: str, limit: int | None, offset: int, kept: tuple[Answers, str] | None = None
    ) -> None:
        self._queue: queue.Queue[object] = queue.Queue(maxsize=_BATCHES)
        self._stopped = threading.Event()
        self._store, self._text, self._limit, self._offset = store, text, limit, offset
        self._kept = kept
        start_on_big_stack(self._run)

    def head(self) -> object:
        return self._queue.get()

    def rows(self, query: str) -> Iterator[list[Term | None]]:
        try:
            while (batch := self._queue.get()) is not _DONE:
                if isinstance(batch, BaseException):
                    raise _query_error(query, batch) from None
                assert isinstance(batch, list)
                yield from batch
        finally:
            self._stopped.set()
            while True:  # unblock the thread if it waits to hand over a batch
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break

    def _put(self, item: object) -> bool:
        while not self._stopped.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            self._produce()
        except BaseException as exc:  # handed to the reader, without the frames that hold the engine's results:
            exc.__traceback__ = exc.__context__ = exc.__cause__ = None  # they must be dropped on this thread
            self._put(exc)

    def _produce(self) -> None:
        if self._kept is not None and self._from_kept(*self._kept):
            return
        results, paged = self._results()
        stop = None if self._limit is None else self._offset + self._limit
        if isinstance(results, QueryBoolean):
            self._put(bool(results))
            return
        if isinstance(results, QueryTriples):
            triples = sorted(results, key=str)
            self._put(tuple(triples[self._offset : stop] if paged else triples))
            return
        assert isinstance(results, QuerySolutions)
        if not self._put([v.value for v in results.variables]):
            return
        # each row as a list in the order of the variables: a third faster than by name
        rows: Iterator[list[Term | None]] = (list(solution) for solution in results)
        if paged:
            rows = itertools.islice(rows, self._offset, stop)
        while batch := list(itertools.islice(rows, _BATCH)):
            if not self._put(batch):
                return
        self._put(_DONE)

    def _from_kept(self, answers: Answers, key: str) -> bool:
        """Hand over the page from the answer kept under ``key``, made and kept first when there is none; ``False``
        when it is not a SELECT's or cannot be kept (then it is asked of the engine as any other).

        A first page with no answer kept is asked of the engine, not kept: writing every row costs 1.3-3x the page
        alone (100,000 notes: the values' text read for every row), worth it only to a reader who pages on (a page
        after the first, or the whole listing, is kept)."""
        kept = answers.find(key)
        if kept is None and self._offset == 0 and self._limit is not None:
            return False
        if kept is None:
            results = self._store.query(self._text, prefixes=PREFIXES)
            if not isinstance(results, QuerySolutions):
                return False
            kept = answers.keep(key, results)
            if kept is None:
                return False
        rows = kept.rows(self._offset, self._limit)
        try:
            batch = list(itertools.islice(rows, _BATCH))
        except (OSError, SyntaxError, ValueError):
            # let go by another process since it was found (once open, its file stays readable), or damaged
            return False
        if not self._put(kept.variables):
            return True
        while batch:
            if not self._put(batch):
                return True
            batch = list(itertools.islice(rows, _BATCH))
        self._put(_DONE)
        return True

    def _results(self) -> tuple[QueryBoolean | QueryTriples | QuerySolutions, bool]:
        """The engine's answer, and whether it still needs paging here."""
        paged = self._limit is not None or self._offset > 0
        if paged and not _CONSTRUCTS.search(self._text):
            modifiers = (f"\nLIMIT {self._limit}" if self._limit is not None else "") + (
                f"\nOFFSET {self._offset}" if self._offset else ""
            )
            try:
                return self._store.query(self._text.rstrip() + modifiers, prefixes=PREFIXES), False
            except (SyntaxError, RuntimeError):
                pass  # paged here (an error of the query itself is raised below)
        # Ad-hoc queries may use the standard prefixes without declaring them (a query's own declarations win).
        return self._store.query(self._text, prefixes=PREFIXES), paged


def table_prefixes(store: Store) -> dict[str, str]:
    """The standard prefixes and, for each lab, its name as the prefix of its base IRI."""
    from .labs import lab_bases

    prefixes = dict(PREFIXES)
    for lab, base in lab_bases(store).items():
        if re.fullmatch(r"[A-Za-z][\w.-]*", lab) and lab not in prefixes:
            prefixes[lab] = base
    return prefixes


# Parameters that name something (a person, a source, a lab): a value matches the store's names whatever its case,
# accents and spacing; a name the store does not have matches nothing, and the result's notes say so.
_NAMES = {
    "author": ("author", "SELECT DISTINCT ?name WHERE { ?person <http://xmlns.com/foaf/0.1/name> ?name }"),
    "citekey": (
        "source with the citekey",
        "SELECT DISTINCT ?name WHERE { ?s <https://w3id.org/rdfnotes/ns#citekey> ?name }",
    ),
    "lab": ("lab", ""),
}


def normalised(name: str) -> str:
    """A name as it is compared: case, accents and runs of spaces do not count.

    >>> normalised("  Maya   OKAFOR ") == normalised("maya okafor") == normalised("Mayá Okafor")
    True
    """
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _match_names(
    store: Store, described: BundledQuery | None, params: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """``params`` with each name parameter of a bundled query given as the store spells the name, and a note for
    each name the store does not have (with the names it has)."""
    matched = dict(params)
    notes: list[str] = []
    if described is None:
        return matched, notes
    declared = {p.name for p in described.parameters if p.type == "string"}
    for key, value in params.items():
        name = key.lstrip("?$")
        if name not in declared or name not in _NAMES:
            continue
        what, sparql = _NAMES[name]
        if name == "lab":
            from .labs import lab_bases

            known = sorted(lab_bases(store))
        else:
            answers = store.query(sparql)
            assert isinstance(answers, QuerySolutions)
            known = sorted({row[0].value for row in answers if row[0] is not None})
        if value in known:
            continue
        wanted = normalised(value.removeprefix("@") if name == "citekey" else value)
        found = [candidate for candidate in known if normalised(candidate) == wanted]
        if found:
            matched[key] = found[0]
        else:
            shown = ", ".join(known[:8]) + (f" … ({len(known)} in all)" if len(known) > 8 else "")
            notes.append(f"no {what} named {value!r} in the store ({what}s: {shown or 'none'})")
    return matched, notes


def _line(exc: BaseException) -> str:
    """An engine's message on one line."""
    return " ".join(str(exc).split())


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


def _binding(variables: Sequence[str], row: Sequence[Term | None]) -> dict[str, dict[str, str]]:
    return {var: _json_term(term) for var, term in zip(variables, row, strict=True) if term is not None}


def _json(result: QueryResult) -> str:
    bindings = [_binding(result.variables, row) for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _csv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(
            ["" if term is None else term.value if not isinstance(term, Triple) else str(term) for term in row]
        )
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _tsv(variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> Iterator[str]:
    yield "\t".join(f"?{v}" for v in variables) + "\n"
    for row in rows:
        yield "\t".join("" if term is None else str(term) for term in row) + "\n"


def _short(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it: an IRI as a prefixed name where a prefix covers it, literals by their value."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, iri in sorted(prefixes.items(), key=lambda item: -len(item[1])):
            if term.value.startswith(iri) and _LOCAL.fullmatch(term.value[len(iri) :]):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    if isinstance(term, Literal):
        return _CONTROL.sub(" ", term.value)
    return str(term)


_LOCAL = re.compile(r"[\w][\w.~%/-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MIN_WIDTH = 12


def _table(result: QueryResult, *, width: int | None = None, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Rows as aligned columns, fitted to ``width``: the text columns are cut (``…``), widest first, down to
    ``_MIN_WIDTH``; the columns that identify a row (IRIs; else the first column) are never cut."""
    cells = [[_short(term, prefixes) for term in row] for row in result.rows]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(result.variables)]
    if width is not None and widths:
        identifying = [any(isinstance(row[i], NamedNode) for row in result.rows) for i in range(len(widths))]
        if not any(identifying):
            identifying[0] = True
        floor = [
            w if keep else min(w, max(_MIN_WIDTH, len(v)))
            for w, keep, v in zip(widths, identifying, result.variables, strict=True)
        ]
        excess = sum(widths) + 2 * (len(widths) - 1) - width
        while excess > 0:
            cuttable = [i for i, w in enumerate(widths) if w > floor[i]]
            if not cuttable:
                break
            widest = max(cuttable, key=lambda i: widths[i])
            widths[widest] -= 1
            excess -= 1
        cells = [[_clip(cell, w) for cell, w in zip(row, widths, strict=True)] for row in cells]
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
