"""Deterministic exports: the same notes give the same bytes, so a lab can keep its export in git and read diffs.

Triples are sorted (subject, then ``rdf:type`` first, then predicate and object, each term in its N-Triples form,
compared as UTF-8 bytes: code point order) before they are written, so the order depends on the data alone, not
on the store's internal layout or version, nor on the order the notes were written in.

- ``turtle``, ``ntriples``, ``jsonld``: the lab's graph (the union of every note's graph, each triple once);
- ``trig``, ``nquads``: the dataset with provenance, as the store holds it (see :mod:`rdfnotes.store`): the default
  graph, the union of the note graphs, then one named graph per note file, graphs in name order.

How, at 100k notes (2.7M triples, where reading the store is most of the work): Oxigraph writes the graph as
N-Triples into a pipe from a thread of its own (Rust, without the GIL); meanwhile each subject's lines, which come
together (Oxigraph's SPO index), are sorted and laid out as a block; at the end the blocks are sorted by subject.
Turtle and TriG blocks are laid out by :class:`_TerseWriter` exactly as Oxigraph's serialiser lays out the same
sorted triples (subject once, ``;`` between predicates, ``,`` between objects, ``a`` for ``rdf:type``, prefixed
names), asking Oxigraph itself how to write any term it cannot shorten plainly. ``tests/test_export.py`` checks
every format byte for byte against Oxigraph serialising the triples sorted in Python, the way exports were made
before (the same bytes as before, at ~1.1-1.5 x the time of Oxigraph's own unsorted Turtle dump).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Triple, parse, serialize
from pyoxigraph import Store as OxStore

from .store import Store
from .vocab import PREFIXES, RDF, XSD

if os.name == "posix":
    import fcntl

FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
}
DATASET_FORMATS = frozenset({"trig", "nquads"})


def export(
    store: Store, fmt: str = "turtle", output: IO[bytes] | None = None, *, lab: str | None = None
) -> bytes | None:
    """Serialise the store in ``fmt``; write to ``output`` when given (as it goes), else return the bytes.

    :param lab: export this lab alone: its note graphs and its VoID description (see :mod:`rdfnotes.labs`).
    :raises NoSuchLab: when ``lab`` names no lab of the store.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    prefixes = {**PREFIXES, **lab_prefixes(store)}
    if lab is None:
        chunks = _store_bytes(store, fmt, prefixes)
    else:
        from .labs import VOID, get_lab, lab_quads

        quads = lab_quads(store, lab)
        prefixes = {**PREFIXES, **_base_prefixes(get_lab(store, lab).base), "void": VOID.iri}
        chunks = _quad_bytes(quads, fmt, prefixes)
    if output is None:
        return b"".join(chunks)
    for chunk in chunks:
        output.write(chunk)
    return None


def serialize_triples(
    triples: Iterable[Triple], fmt: str = "turtle", *, prefixes: dict[str, str] | None = None
) -> bytes:
    """Some triples (a page's description, say) in ``fmt``, sorted as :func:`export` sorts them: stable bytes.

    >>> from pyoxigraph import Literal
    >>> serialize_triples([Triple(NamedNode("http://example.org/a"), NamedNode(RDF.type), Literal("x"))], "ntriples")
    b'<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "x" .\\n'
    """
    return TripleWriter(prefixes or PREFIXES).serialize(triples, fmt)


class TripleWriter:
    """:func:`serialize_triples` for many small graphs with the same prefixes (a static site's pages): the terms'
    Turtle forms are worked out once, not once a page."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self._writer = _TerseWriter(prefixes)

    def serialize(self, triples: Iterable[Triple], fmt: str = "turtle") -> bytes:
        return self.serialize_as(triples, (fmt,))[0]

    def serialize_as(self, triples: Iterable[Triple], formats: Iterable[str]) -> list[bytes]:
        """The same triples in each of ``formats``, written out and sorted once."""
        formats = list(formats)
        for fmt in formats:
            if fmt not in FORMATS or fmt in DATASET_FORMATS:
                raise ValueError(f"unknown graph format {fmt!r} (formats: turtle, ntriples, jsonld)")
        lines = _sorted(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
        return [b"".join(_graph_bytes(lambda: lines, fmt, self.prefixes, self._writer)) for fmt in formats]


def lab_prefixes(store: Store) -> dict[str, str]:
    """Short prefixes for the IRIs of the store's lab, when it holds one lab."""
    bases = sorted({root["base"] for root in store.manifest["roots"].values()})
    if len(bases) != 1:
        return {}
    return _base_prefixes(bases[0])


def _base_prefixes(base: str) -> dict[str, str]:
    return {name: f"{base}{name}/" for name in ("node", "page", "person", "concept", "attribute")}


# -- sorting: subject blocks ----------------------------------------------------------------------------------

_TYPE = b"<" + RDF.type.encode() + b">"
_TYPE_SPACED = _TYPE + b" "
_MARK = b"\x00"  # rdf:type while sorting a subject's lines: it sorts first; no N-Triples term starts with NUL


class _Ungrouped(Exception):
    """A subject's lines came apart: the lines must be sorted first."""


def _blocks(lines: Iterable[bytes], render: Callable[[bytes, list[bytes]], bytes]) -> list[bytes]:
    """Rendered subject blocks in export order, from N-Triples lines (each ending in a newline) grouped by subject.

    A subject's lines (predicate and object; ``rdf:type`` marked to sort first) are sorted and handed to
    ``render`` once the subject changes; the blocks are then sorted by subject, compared as N-Triples bytes
    (code point order; no subject is a prefix of another's line). Oxigraph writes a graph grouped by subject
    (its SPO index); lines from elsewhere are sorted first (:func:`_sorted`).

    :raises _Ungrouped: when a subject comes again after another.
    """
    blocks: list[tuple[bytes, bytes]] = []
    seen: set[bytes] = set()
    subject = b""
    rest: list[bytes] = []
    for line in lines:
        head, tail = line.split(b" ", 1)
        if head != subject:
            if rest:
                rest.sort()
                blocks.append((subject, render(subject, rest)))
            if head in seen:
                raise _Ungrouped(head.decode())
            seen.add(head)
            subject, rest = head, []
        rest.append(_MARK + tail[len(_TYPE) :] if tail.startswith(_TYPE_SPACED) else tail)
    if rest:
        rest.sort()
        blocks.append((subject, render(subject, rest)))
    blocks.sort()
    return [block for _, block in blocks]


def _sorted(ntriples: bytes) -> list[bytes]:
    lines = ntriples.splitlines(keepends=True)
    lines.sort()
    return lines


def _default_graph_lines(ox: OxStore) -> Iterator[bytes]:
    """The default graph as N-Triples lines, read while Oxigraph writes them in a thread of its own (it lets go of
    the GIL): on two cores, the Python work of the export hides behind the store's."""
    if not os.path.isdir("/dev/fd"):
        yield from _sorted(ox.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()) or b"")
        return
    read_end, write_end = os.pipe()
    with contextlib.suppress(OSError, AttributeError):  # Linux: a 1 MB pipe, fewer switches between the threads
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined,unused-ignore]
    failures: list[BaseException] = []

    def dump() -> None:
        try:
            ox.dump(f"/dev/fd/{write_end}", format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
        except OSError as error:
            # Oxigraph syncs a file once written, which a pipe refuses (EINVAL, in the message only): all was written.
            if error.errno != errno.EINVAL and not str(error).endswith(f"(os error {errno.EINVAL})"):
                failures.append(error)
        except BaseException as error:  # raised again in the reading thread
            failures.append(error)
        finally:
            os.close(write_end)

    thread = threading.Thread(target=dump, name="rdfnotes-export-dump", daemon=True)
    thread.start()
    try:
        with os.fdopen(read_end, "rb", buffering=1 << 20) as stream:
            yield from stream
    finally:
        thread.join()
    if failures:
        raise failures[0]


# -- the formats ------------------------------------------------------------------------------------------------


def _ntriples_block(subject: bytes, rest: list[bytes]) -> bytes:
    start = subject + b" "
    return b"".join(start + (_TYPE + tail[1:] if tail[:1] == _MARK else tail) for tail in rest)


def _graph_bytes(
    lines: Callable[[], Iterable[bytes]], fmt: str, prefixes: dict[str, str], writer: _TerseWriter | None = None
) -> Iterator[bytes]:
    """The graph of ``lines()`` (N-Triples lines grouped by subject, or else read again and sorted) in ``fmt``."""
    writer = writer or _TerseWriter(prefixes)
    render = writer.block if fmt == "turtle" else _ntriples_block
    source = iter(lines())
    try:
        blocks = _blocks(source, render)
    except _Ungrouped:
        if isinstance(source, Generator):
            source.close()  # lets Oxigraph's thread end before the graph is read again
        blocks = _blocks(sorted(lines()), render)
    if fmt == "turtle":
        if blocks:
            yield writer.header()
        yield from blocks
    elif fmt == "ntriples":
        yield from blocks
    else:  # JSON-LD: Oxigraph writes it from the sorted triples, in their order.
        triples = [quad.triple for quad in parse(b"".join(blocks), format=RdfFormat.N_TRIPLES)]
        yield _sorted_prefix_lines(serialize(triples, format=FORMATS[fmt], prefixes=prefixes) or b"")


def _dataset_bytes(
    graphs: Iterable[tuple[bytes, Callable[[], Iterable[bytes]]]], fmt: str, prefixes: dict[str, str]
) -> Iterator[bytes]:
    """Graphs (name, lines of its triples) in ``fmt``, in the order given; the name ``b""`` is the default graph."""
    writer = _TerseWriter(prefixes)
    started = False
    for graph, lines in graphs:
        if not graph:
            render: Callable[[bytes, list[bytes]], bytes] = _ntriples_block if fmt == "nquads" else writer.block
        elif fmt == "nquads":
            end = b" " + graph + b" .\n"
            render = lambda s, r: _ntriples_block(s, r).replace(b" .\n", end)  # noqa: E731, B023
        else:
            render = lambda s, r: writer.block(s, r, b"\t")  # noqa: E731
        source = iter(lines())
        try:
            blocks = _blocks(source, render)
        except _Ungrouped:
            if isinstance(source, Generator):
                source.close()  # lets Oxigraph's thread end before the graph is read again
            blocks = _blocks(sorted(lines()), render)
        if not blocks:
            continue
        if fmt == "trig":
            if not started:
                yield writer.header()
                started = True
            if not graph:
                yield from blocks
                continue
            yield writer.term(graph) + b" {\n"
            yield from blocks
            yield b"}\n"
        else:
            yield from blocks


def _store_bytes(store: Store, fmt: str, prefixes: dict[str, str]) -> Iterator[bytes]:
    ox = store._ox
    if fmt not in DATASET_FORMATS:
        return _graph_bytes(lambda: _default_graph_lines(ox), fmt, prefixes)
    graphs = sorted(ox.named_graphs(), key=str)

    def lines(graph: NamedNode | BlankNode) -> Callable[[], Iterable[bytes]]:
        return lambda: (ox.dump(format=RdfFormat.N_TRIPLES, from_graph=graph) or b"").splitlines(keepends=True)

    named = ((str(graph).encode(), lines(graph)) for graph in graphs)
    return _dataset_bytes(itertools.chain([(b"", lambda: _default_graph_lines(ox))], named), fmt, prefixes)


def _quad_bytes(quads: Iterable[Quad], fmt: str, prefixes: dict[str, str]) -> Iterator[bytes]:
    if fmt not in DATASET_FORMATS:
        data = serialize({quad.triple for quad in quads}, format=RdfFormat.N_TRIPLES) or b""
        return _graph_bytes(lambda: _sorted(data), fmt, prefixes)
    by_graph: defaultdict[str, set[Triple]] = defaultdict(set)
    union: set[Triple] = set()
    for quad in quads:
        by_graph[str(quad.graph_name)].add(quad.triple)
        union.add(quad.triple)

    def lines(triples: set[Triple]) -> Callable[[], Iterable[bytes]]:
        return lambda: _sorted(serialize(triples, format=RdfFormat.N_TRIPLES) or b"")

    # The default graph is the union of the graphs, as in the store: what queries of any engine read.
    graphs = [(b"", lines(union)), *((graph.encode(), lines(by_graph[graph])) for graph in sorted(by_graph))]
    return _dataset_bytes(graphs, fmt, prefixes)


def _sorted_prefix_lines(data: bytes) -> bytes:
    """Put the ``@prefix`` lines Oxigraph writes in name order, so the header is as stable as the body."""
    lines = data.split(b"\n")
    count = 0
    while count < len(lines) and lines[count].startswith(b"@prefix "):
        count += 1
    return b"\n".join(sorted(lines[:count]) + lines[count:])


# -- Turtle and TriG from sorted lines -------------------------------------------------------------------------

# A local name Oxigraph writes as it is (checked against Oxigraph in the tests); anything else asks Oxigraph.
_PLAIN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
# Literals of these types Oxigraph may write bare (``12``, ``true``): asked of Oxigraph, once per literal.
_INLINE_TYPES = frozenset(f"<{XSD.iri}{name}>".encode() for name in ("integer", "decimal", "double", "boolean"))


class _TerseWriter:
    """Turtle (and TriG graph bodies) from sorted N-Triples lines, laid out as Oxigraph's serialiser does."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self._namespaces = [(name.encode(), iri) for name, iri in prefixes.items()]
        self._terms: dict[bytes, bytes] = {b"\x00": b"a"}
        # Does an IRI start with a namespace? One regex says no at once for most IRIs of a lab.
        self._any = re.compile("|".join(re.escape(f"<{iri}") for iri in sorted(prefixes.values(), key=len)[::-1]))
        # Namespaces ending in / or # that no other namespace starts or ends within: for an IRI whose last / or #
        # ends one of them, that namespace is the only match.
        self._alone = {
            iri.encode(): name.encode()
            for name, iri in prefixes.items()
            if iri[-1:] in "/#"
            and not any(o != iri and (o.startswith(iri) or iri.startswith(o)) for o in prefixes.values())
        }

    def header(self) -> bytes:
        return b"".join(sorted(f"@prefix {name}: <{iri}> .\n".encode() for name, iri in self.prefixes.items()))

    def term(self, text: bytes) -> bytes:
        """One term's Turtle form, from its N-Triples form (a predicate's mark gives ``a``)."""
        known = self._terms.get(text)
        if known is None:
            known = self._terms[text] = self._shorten(text)
        return known

    def _shorten(self, text: bytes) -> bytes:
        if text.startswith(b"_:"):
            return text
        if text.startswith(b'"'):
            end = text.rfind(b'"')
            suffix = text[end + 1 :]
            if not suffix or suffix.startswith(b"@"):
                return text
            if suffix.startswith(b"^^<") and suffix[2:] not in _INLINE_TYPES:
                return text[: end + 1] + b"^^" + self.term(suffix[2:])
            return self._oxigraph(text)
        if not (text.startswith(b"<") and text.endswith(b">")) or text.startswith(b"<<"):
            return self._oxigraph(text)
        if not self._any.match(text.decode()):
            return text
        cut = max(text.rfind(b"/"), text.rfind(b"#")) + 1
        name = self._alone.get(text[1:cut])
        if name is not None and _PLAIN_LOCAL.fullmatch(text[cut:-1].decode()):
            return name + b":" + text[cut:-1]
        iri = text[1:-1].decode()
        matches = [(name, iri[len(namespace) :]) for name, namespace in self._namespaces if iri.startswith(namespace)]
        if not matches:
            return text
        if len(matches) == 1 and _PLAIN_LOCAL.fullmatch(matches[0][1]):
            return matches[0][0] + b":" + matches[0][1].encode()
        return self._oxigraph(text)

    def _oxigraph(self, text: bytes) -> bytes:
        """Ask Oxigraph how it writes ``text`` as an object (an unusual local name, a bare number)."""
        line = b"<urn:x:s> <urn:x:p> " + text + b" .\n"
        data = serialize(parse(line, format=RdfFormat.N_TRIPLES), format=RdfFormat.TURTLE, prefixes=self.prefixes)
        body = [row for row in (data or b"").split(b"\n") if row and not row.startswith(b"@prefix ")]
        return body[0].split(b" ", 2)[2].removesuffix(b" .")

    def block(self, subject: bytes, rest: list[bytes], indent: bytes = b"") -> bytes:
        """A subject's sorted lines (without the subject): the subject once, ``;`` between its predicates, ``,``
        between a predicate's objects, `` .`` at the end."""
        terms = self._terms
        term = self.term
        out = [indent + (terms.get(subject) or term(subject))]
        append = out.append
        between = b" ;\n\t" + indent
        start = b" "
        last = None
        for tail in rest:
            predicate, obj = tail.split(b" ", 1)
            obj = obj[:-3]  # " .\n"
            written = obj if obj[-1] == 34 else (terms.get(obj) or term(obj))  # ends in ": a string, as it is
            if predicate == last:
                append(b" , " + written)
            else:
                append(start + (terms.get(predicate) or term(predicate)) + b" " + written)
                start = between
                last = predicate
        append(b" .\n")
        return b"".join(out)
