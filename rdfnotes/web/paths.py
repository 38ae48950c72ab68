"""Where each page lives: node IRIs to local paths and back, and links written for a server or a static site.

A node minted under a lab's base gets the path its IRI has there, under the lab's name:
``https://w3id.org/rdfnotes/id/lab-a/node/QsL33p-01`` → ``lab-a/node/QsL33p-01``. That is stable (the IRI is) and
reads as the IRI does. Any other node (an IRI of another space, an identifier with characters a file name should
not hold) gets ``_/`` and a hash of its IRI. The server serves ``/{path}``; the static site writes
``{path}.html``; ``{path}.ttl`` and ``{path}.jsonld`` are its RDF in both.

>>> node_path("https://w3id.org/rdfnotes/id/lab-a/node/QsL33p-01", {"lab-a": "https://w3id.org/rdfnotes/id/lab-a/"})
'lab-a/node/QsL33p-01'
>>> node_path("https://example.org/x y", {})
'_/816356ea0e6684c30b5a45b2'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import quote

_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,150}")
_KINDS = ("node", "page")
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld"}
RESERVED = frozenset({"_", "static", "search", "node", "sparql"})
# The suffixes of the files a page has: a lab or an identifier ending so would name a file of another page.
_TAKEN = (".html", ".ttl", ".jsonld", ".svg")


def hashed_path(iri: str) -> str:
    return "_/" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:24]


def node_path(iri: str, bases: Mapping[str, str]) -> str:
    """The page path of node ``iri``; ``bases`` maps each lab's name to its base IRI."""
    for lab, base in sorted(bases.items(), key=lambda item: (-len(item[1]), item[0])):
        if not iri.startswith(base) or lab in RESERVED or not _SEGMENT.fullmatch(lab) or lab.endswith(_TAKEN):
            continue
        kind, sep, segment = iri[len(base) :].partition("/")
        if sep and kind in _KINDS and _SEGMENT.fullmatch(segment) and not segment.endswith(_TAKEN):
            return f"{lab}/{kind}/{segment}"
    return hashed_path(iri)


def path_iri(path: str, bases: Mapping[str, str]) -> str | None:
    """The node IRI a ``lab/kind/id`` path stands for (``None`` for a hashed path: look it up among the nodes)."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] not in bases or parts[1] not in _KINDS or not _SEGMENT.fullmatch(parts[2]):
        return None
    iri = f"{bases[parts[0]]}{parts[1]}/{parts[2]}"
    return iri if node_path(iri, bases) == path else None


class Links(Protocol):
    """How one page links to the others: absolute paths on a server, relative file names in a static site."""

    def page(self, path: str) -> str: ...

    def file(self, path: str) -> str: ...


class ServerLinks:
    """Links as ``rdfnotes serve`` answers them: ``/lab-a/node/X``, ``/lab-a/node/X.ttl``."""

    def page(self, path: str) -> str:
        return "/" + quote(path, safe="/-_.~") if path else "/"

    def file(self, path: str) -> str:
        return "/" + quote(path, safe="/-_.~")


class SiteLinks:
    """Links between the files of a static site, relative to the page at ``here`` (``lab-a/node/X.html``)."""

    def __init__(self, here: str) -> None:
        self.up = "../" * here.count("/")

    def page(self, path: str) -> str:
        return self.up + quote(path or "index", safe="/-_.~") + ".html"

    def file(self, path: str) -> str:
        return self.up + quote(path, safe="/-_.~")
