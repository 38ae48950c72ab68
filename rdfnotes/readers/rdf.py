"""Reader of RDF from elsewhere: Turtle, TriG, N-Triples, N-Quads and JSON-LD files, loaded as they are.

Each file's triples go into a named graph of the file's own (the graphs a TriG or N-Quads file names are merged
into it), next to the notes' graphs and queryable with them. Nothing is fetched: a JSON-LD ``@context`` given by
URL is not loaded (its terms are then left out, and the file says so). The Discourse Graphs extension's own JSON-LD
export has known slips in its in-code context, repaired before parsing so its terms land in the published
vocabulary: ``dgb`` and ``dgc`` bound without their ``#`` (``…/dg_base`` for ``…/dg_base#``), ``owl:inverse-of``
for ``owl:inverseOf``, and ``foaf:`` used without being declared.
"""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import RdfFormat, Triple, parse

from ..errors import ReadError
from ..model import Problem
from .bounded import TooLarge, load_json
from .units import RdfDocument, ReadContext, Unit, UnitContent, read_bytes

FORMATS_BY_SUFFIX = {
    ".ttl": RdfFormat.TURTLE,
    ".trig": RdfFormat.TRIG,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
}
_DG_NAMESPACES = {
    "https://discoursegraphs.com/schema/dg_base": "https://discoursegraphs.com/schema/dg_base#",
    "https://discoursegraphs.com/schema/dg_core": "https://discoursegraphs.com/schema/dg_core#",
}
_FOAF = "http://xmlns.com/foaf/0.1/"


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    """Parse one RDF file. :raises ReadError: naming the line of a syntax error (nothing of the file is loaded)."""
    data = read_bytes(unit.main)
    suffix = "." + unit.key.rsplit(".", 1)[-1].lower() if "." in unit.key else ""
    rdf_format = FORMATS_BY_SUFFIX.get(suffix, RdfFormat.TURTLE)
    content = UnitContent()
    if rdf_format == RdfFormat.JSON_LD:
        data = _repair_json_ld(data, unit.key, content)
    try:
        quads = list(parse(data, format=rdf_format, base_iri=None))
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise ReadError(
            unit.key, f"not valid {rdf_format.name} ({exc.msg if hasattr(exc, 'msg') else exc})", line
        ) from exc
    except ValueError as exc:
        raise ReadError(unit.key, f"not valid {rdf_format.name} ({exc})") from exc
    triples = list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in quads))
    content.documents.append(RdfDocument(unit.key, triples))
    return content


def _repair_json_ld(data: bytes, path: str, content: UnitContent) -> bytes:
    try:
        document = load_json(data.decode("utf-8-sig"))
    except TooLarge as exc:
        raise ReadError(path, f"not read: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ReadError(path, f"not valid JSON ({getattr(exc, 'msg', exc)})", line) from exc
    repaired = _repair(document, path, content)
    return json.dumps(repaired, ensure_ascii=False).encode("utf-8")


def _repair(node: Any, path: str, content: UnitContent) -> Any:
    if isinstance(node, list):
        return [_repair(item, path, content) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "@context":
            result[key] = _repair_context(value, path, content, uses_foaf='"foaf:' in json.dumps(node))
        else:
            result[key] = _repair(value, path, content)
    return result


def _repair_context(context: Any, path: str, content: UnitContent, *, uses_foaf: bool) -> Any:
    if isinstance(context, str):
        content.problems.append(
            Problem(
                path,
                f"the remote @context {context!r} is not fetched (rdfnotes reads no network): "
                "the terms it defines are left out",
            )
        )
        return {}
    if isinstance(context, list):
        return [_repair_context(item, path, content, uses_foaf=uses_foaf) for item in context]
    if not isinstance(context, dict):
        return context
    repaired: dict[str, Any] = {}
    for term, definition in context.items():
        if isinstance(definition, str):
            definition = _DG_NAMESPACES.get(definition, definition)
            if definition == "owl:inverse-of":
                definition = "owl:inverseOf"
        repaired[term] = definition
    if uses_foaf and "foaf" not in repaired:
        repaired["foaf"] = _FOAF
    return repaired
