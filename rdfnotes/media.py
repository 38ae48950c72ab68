"""Media types of SPARQL results and RDF, and content negotiation from an ``Accept`` header (``serve``'s
``/sparql``, its query workers, and the pages)."""

from __future__ import annotations

from typing import Any

from pyoxigraph import QueryResultsFormat, RdfFormat

RESULT_TYPES: dict[str, QueryResultsFormat] = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


class NotAcceptable(Exception):
    """No media type the client accepts is offered."""


def ranked_media(accept: str) -> list[str]:
    """The media types of an ``Accept`` header, best first (by ``q``, then as listed), those with ``q=0`` left out.

    >>> ranked_media("text/html;q=0.5, text/turtle, application/ld+json;q=0")
    ['text/turtle', 'text/html']
    """
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for parameter in fields[1:]:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if fields[0] and quality > 0:
            ranked.append((-quality, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: list[str], offered: dict[str, Any], default: str) -> str:
    """The first accepted media type offered; a wildcard (``*/*``, ``text/*``) takes the default, else the first
    offered type it covers.

    :raises NotAcceptable: when none is.
    """
    for media in accept:
        if media in offered:
            return media
        if media.endswith("/*"):
            for candidate in (default, *offered):
                if media == "*/*" or candidate.startswith(media[:-1]):
                    return candidate
    raise NotAcceptable(f"results of this query come as {', '.join(offered)}")
