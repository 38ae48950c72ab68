"""A SPARQL query looked at before it reaches the engine: its size, how deeply it nests, how many terms and
operators it chains, and which ``SERVICE`` endpoints it calls.

Why: Oxigraph's SPARQL parser and evaluator recurse once per level of nesting and once per link of a chain of
operators, on the calling thread's stack. On an 8 MiB stack (pyoxigraph 0.5.13, measured by bisection in a
subprocess, see ``tests/test_reliability_queries.py``) a query of ~4,650 nested parentheses (9 KB), ~2,180 nested
braces, or a flat ``FILTER`` of ~9,300 ``||`` terms kills the process with a segmentation fault: no exception
can be caught. :func:`check` refuses such a query with a one-line reason (:class:`QueryRefused`) well before that
(the limits are a tenth of the thresholds or less), and :func:`run_on_big_stack` runs the engine on a thread whose
stack is eight times the default, for margin.

The check reads the query with a small lexer of SPARQL's tokens (strings, comments, IRIs, names), so that a
bracket or the word ``SERVICE`` inside a string or a comment counts for nothing and one outside counts whatever
spacing or case it is written in. The lexer and the parser could disagree on one point: ``?a<?b`` starts an IRI
for the lexer but is a comparison for the parser, inside a ``FILTER``. Where that makes a difference to
``SERVICE`` (an IRI-looking token holding ``'`` or ``#`` in a query that names ``service`` where the lexer sees
none), the query is refused rather than guessed at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urljoin

from .errors import QueryError

T = TypeVar("T")

BIG_STACK = 64 * 1024 * 1024
"""Bytes of stack for the thread running a query: 8x the usual 8 MiB, so the parser's thresholds are 8x higher."""


@dataclass(frozen=True)
class GuardLimits:
    max_bytes: int = 512_000
    """The longest query, in bytes of UTF-8."""
    max_depth: int = 200
    """The deepest nesting of ``()``, ``{}`` and ``[]`` (on an 8 MiB stack the engine overflows at ~840 nested
    ``FILTER EXISTS {``, ~2,180 braces, ~4,650 parentheses; 8x that on :data:`BIG_STACK`)."""
    max_chain: int = 2_000
    """The most operators (``||``, ``&&``, ``+``, ``/``, ``|``, ``,``, ``UNION``, ``MINUS``, ``.`` …) and groups
    inside one bracket (on an 8 MiB stack the engine overflows at ~2,600 ``MINUS``, ~6,500 ``UNION``, ~8,100
    triple patterns, ~9,300 ``||``; 8x that on :data:`BIG_STACK`)."""
    max_tokens: int = 100_000
    """The most tokens (names, literals, operators, brackets) in the whole query."""


class QueryRefused(QueryError):
    """A query refused before it runs: too big, too deep, or calling a ``SERVICE`` that is not allowed."""


class ServiceRefused(QueryRefused):
    """A query calling a ``SERVICE`` endpoint that is not allowed."""


@dataclass
class Shape:
    """What :func:`inspect` found in a query."""

    tokens: int = 0
    depth: int = 0
    chain: int = 0
    services: list[str | None] = field(default_factory=list)
    """The endpoint of each ``SERVICE``: its IRI, or ``None`` for a variable (``SERVICE ?endpoint``)."""
    ambiguous: bool = False
    """Whether an IRI-looking token could be read by the parser as ``<`` and a string or comment (see above)."""


# SPARQL 1.1 grammar, section 19.8: IRIREF, the four string forms, comments; names with PN_LOCAL_ESC escapes.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*+\"\"\"
              | '''(?:(?:'|'')?(?:[^'\\]|\\.))*+'''
              | \"(?:[^\"\\\r\n]|\\.)*+\"
              | '(?:[^'\\\r\n]|\\.)*+')
  | (?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
  | (?P<name>(?:[\w:.\-%?$@\u00B7-\U0010FFFF]|\\[_~.\-!$&'()*+,;=/?\#@%])++)
  | (?P<operator>\|\||&&|!=|<=|>=|\^\^|[|&!=<>+*/^,;])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CHAIN_NAMES = frozenset({"union", "minus", "optional", "filter", "bind", "values", "service", "graph", "lateral"})
_OPERAND_END = frozenset({"name", "string", "iri", "close"})
_SCHEME_SLASHES = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*://")


def inspect(text: str) -> Shape:
    """The shape of ``text`` (no limit applied; see :func:`check`)."""
    shape = Shape()
    chains = [0]
    prefixes: dict[str, str] = {}
    base = ""
    previous: tuple[str, str] = ("", "")
    before_previous: tuple[str, str] = ("", "")
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        value = match.group()
        shape.tokens += 1
        if kind == "iri":
            # Inside a FILTER, ``?a<?b#…`` is a comparison whose '#' opens a comment: count its brackets anyway
            # (too many is safe), and note when a quote or a comment could start inside it.
            if previous[0] in _OPERAND_END and ("'" in value or ("#" in value and not _SCHEME_SLASHES.match(value))):
                shape.ambiguous = True
            for char in value:
                if char in "({[":
                    chains.append(0)
                    shape.depth = max(shape.depth, len(chains) - 1)
                elif char in ")}]" and len(chains) > 1:
                    chains.pop()
        elif kind == "open":
            chains.append(0)
            shape.depth = max(shape.depth, len(chains) - 1)
        elif kind == "close":
            if len(chains) > 1:
                chains.pop()
                if value == "}":  # a group is one more element of the group around it: {…} {…} joins them
                    chains[-1] += 1
                    shape.chain = max(shape.chain, chains[-1])
        elif kind == "operator" or (kind == "name" and (value[0] in "-." or value.lower() in _CHAIN_NAMES)):
            chains[-1] += 1  # a minus sign and the '.' between triple patterns read as names
            shape.chain = max(shape.chain, chains[-1])
        if previous[0] == "name" and previous[1].lower() == "service":
            endpoint = match
            if kind == "name" and value.lower() == "silent":
                before_previous, previous = previous, (kind, value)
                continue
            shape.services.append(_endpoint(kind, endpoint.group(), prefixes, base))
        elif previous[0] == "name" and previous[1].lower() == "silent" and before_previous[1].lower() == "service":
            shape.services.append(_endpoint(kind, value, prefixes, base))
        if before_previous[0] == "name" and before_previous[1].lower() == "prefix" and kind == "iri":
            prefixes[previous[1]] = _resolve(value, base)
        elif previous[0] == "name" and previous[1].lower() == "base" and kind == "iri":
            base = _resolve(value, base)
        before_previous, previous = previous, (kind, value)
    return shape


def _endpoint(kind: str, value: str, prefixes: dict[str, str], base: str) -> str | None:
    if kind == "iri":
        return _resolve(value, base)
    if kind == "name" and ":" in value and value[0] not in "?$":
        prefix, _, local = value.partition(":")
        if prefix + ":" in prefixes:
            return prefixes[prefix + ":"] + re.sub(r"\\(.)", r"\1", local)
        return value  # an unknown prefix: the parser refuses it; never an allowed endpoint
    return None


def _resolve(iri_token: str, base: str) -> str:
    iri = re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: chr(int(m.group(1) or m.group(2), 16)),
        iri_token[1:-1],
    )
    return urljoin(base, iri) if base else iri


def check(text: str, limits: GuardLimits = GuardLimits(), *, allowed_services: frozenset[str] | None = None) -> Shape:
    """Refuse ``text`` unless it is within ``limits``; with ``allowed_services`` given, refuse too any ``SERVICE``
    not among them (an empty set: every ``SERVICE``). ``None``: ``SERVICE`` is not looked at.

    :raises QueryRefused: with a one-line reason.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(f"the query is {size:,} bytes, over the limit of {limits.max_bytes:,}")
    shape = inspect(text)
    if shape.tokens > limits.max_tokens:
        raise QueryRefused(
            f"the query has {shape.tokens:,} terms and operators, over the limit of {limits.max_tokens:,}"
        )
    if shape.depth > limits.max_depth:
        raise QueryRefused(
            f"the query nests brackets (), {{}} or [] {shape.depth:,} deep, over the limit of {limits.max_depth:,}"
        )
    if shape.chain > limits.max_chain:
        raise QueryRefused(
            f"the query chains {shape.chain:,} operators in one group, over the limit of {limits.max_chain:,}"
        )
    if allowed_services is not None:
        _check_services(text, shape, allowed_services)
    return shape


def _check_services(text: str, shape: Shape, allowed: frozenset[str]) -> None:
    for endpoint in shape.services:
        if not allowed:
            raise ServiceRefused("SERVICE is off in this endpoint: it queries its own store only")
        if endpoint is None:
            raise ServiceRefused("SERVICE with a variable endpoint is refused: name the endpoint")
        if endpoint not in allowed:
            raise ServiceRefused(f"SERVICE <{endpoint}> is not allowed here (allowed: {', '.join(sorted(allowed))})")
    if shape.ambiguous and len(re.findall("service", text, re.IGNORECASE)) > len(shape.services):
        raise ServiceRefused(
            "cannot tell whether the query calls SERVICE: write '<' comparisons with a space after them"
        )


def run_on_big_stack(function: Callable[[], T], stack: int = BIG_STACK) -> T:
    """``function()`` on a thread with ``stack`` bytes of stack (the engine recurses on it), its result or its
    exception."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["result"] = function()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = start_on_big_stack(target, stack)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def start_on_big_stack(target: Callable[[], None], stack: int = BIG_STACK) -> threading.Thread:
    """``target()`` started on a daemon thread with ``stack`` bytes of stack; the thread."""
    with _STACK_LOCK:
        previous = threading.stack_size(stack)
        try:
            thread = threading.Thread(target=target, name="sparql-big-stack", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    return thread


_STACK_LOCK = threading.Lock()
