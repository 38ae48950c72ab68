"""Minting IRIs: stable, readable, and valid whatever a title holds.

Node IRIs come from a Roam uid where a page has one (so renames keep them), else from the page's name. Names go
through :func:`page_key` first, so ``[[QUE]] - Why?`` (a title), ``QUE - Why`` (its file name once the exporter
dropped special characters) and a link written either way all give one key, and so one IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

LINK_GRAPH = "https://w3id.org/rdfnotes/graph/links"
"""The graph ``rdfnotes link`` writes: the links between labs and what justified each."""

# The characters Roam's exporter drops from file names when "remove special characters" is on.
_SPECIAL = re.compile(r'[<>:"/\\|?*\[\]]')
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_IRI_UNSAFE = re.compile(r"[\x00-\x20<>\"{}|^`\\\x7f-\x9f]")


def page_key(name: str) -> str:
    """The key under which a page name is looked up: special characters dropped, white space folded.

    >>> page_key("[[QUE]] - Does sleep help?") == page_key("QUE - Does sleep help")
    True
    """
    return _SPACES.sub(" ", _SPECIAL.sub("", unicodedata.normalize("NFC", name))).strip()


def title_key(name: str) -> str:
    """A page's name as written but for Roam's link brackets and spacing: two names of one :func:`page_key` are two
    pages when this tells them apart (``D/KNEXT`` and ``DKNEXT``), one page when it does not (``[[EVD]] - X`` and
    ``EVD - X``, one page in two export dialects).

    >>> title_key("[[EVD]]  - Why?"), page_key("[[EVD]]  - Why?")
    ('EVD - Why?', 'EVD - Why')
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name).replace("[[", "").replace("]]", "")).strip()


def slug(text: str, *, limit: int = 60) -> str:
    """A readable ASCII slug for an IRI path segment.

    >>> slug("Matthew P. Walker")
    'matthew-p-walker'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")


def short_hash(text: str, length: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def keyed_segment(text: str) -> str:
    """A slug made unique by a short hash of the exact text, so two names never share an IRI.

    >>> keyed_segment("QUE - Does sleep help")
    'que-does-sleep-help-df7a4bc3'
    """
    readable = slug(text)
    digest = short_hash(text)
    return f"{readable}-{digest}" if readable else digest


def node_iri(base: str, *, uid: str | None, key: str) -> str:
    if uid:
        return f"{base}node/{quote(uid, safe='-_.~')}"
    return f"{base}page/{keyed_segment(key)}"


def person_iri(base: str, name: str) -> str:
    return f"{base}person/{keyed_segment(_SPACES.sub(' ', name).strip())}"


def concept_iri(base: str, label: str) -> str:
    return f"{base}concept/{keyed_segment(_SPACES.sub(' ', label).strip())}"


def container_iri(base: str, title: str) -> str:
    """The journal, book or proceedings a work is part of, by its title (case and spacing aside)."""
    return f"{base}container/{keyed_segment(_SPACES.sub(' ', title).strip().casefold())}"


def file_graph_iri(base: str, relpath: str) -> str:
    return f"{base}file/{quote(relpath, safe='/-_.~@')}"


def attribute_iri(base: str, name: str) -> str:
    return f"{base}attribute/{slug(name) or short_hash(name)}"


def genid(base: str, *parts: str) -> str:
    """A Skolem IRI for a structural node (an rdf:List cell), in place of a blank node: stable across loads."""
    return f"{base}.well-known/genid/{short_hash(chr(0).join(parts), 16)}"


def web_iri(url: str) -> str | None:
    """A URL from a note as an IRI: unsafe characters percent-encoded; ``None`` if it is not an absolute URL.

    >>> web_iri("https://example.org/a b")
    'https://example.org/a%20b'
    >>> web_iri("not a url") is None
    True
    """
    url = url.strip().strip("<>")
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+", url):
        return None
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url)
