"""Bibliographic identifiers (DOI, arXiv) found in the text of attributes and URLs, in one canonical form.

>>> find_doi("URL : https://doi.org/10.1038/NRN2762")
'10.1038/nrn2762'
>>> find_doi("https://doi/org/10.1257/aer.20190658")
'10.1257/aer.20190658'
>>> find_doi("https://www.degruyter.com/document/doi/10.1515/commun-2017-0045/html")
'10.1515/commun-2017-0045'
>>> find_doi("https://onlinelibrary.wiley.com/doi/full/10.1111/jcc4.12059?af=R")
'10.1111/jcc4.12059'
>>> find_arxiv("arXiv:2108.07258 [cs]")
'2108.07258'
>>> find_arxiv("http://arxiv.org/abs/1706.03762v7")
'1706.03762v7'
>>> arxiv_without_version("1706.03762v7")
'1706.03762'
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>\]\[|{}^`]+)", re.IGNORECASE)
_PAGE_KIND = re.compile(r"/(?:html|full|abstract|epdf|pdf|epub|fulltext|meta|references)/?$", re.IGNORECASE)
_ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
_ARXIV_OLD = r"[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html)/|\barxiv:\s*|10\.48550/arxiv\.)(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})",
    re.IGNORECASE,
)


def find_doi(text: str) -> str | None:
    """The first DOI in ``text`` (a URL, ``doi:…``, or bare), lower-cased as DOIs compare case-insensitively."""
    match = _DOI.search(unquote(text))
    if match is None:
        return None
    doi = match.group(1)
    if "://" in text:
        # in a publisher's URL the DOI is followed by its query, fragment, or a page-kind segment ("/html", "/full")
        doi = re.split(r"[?#]", doi)[0]
        doi = _PAGE_KIND.sub("", doi)
    doi = doi.rstrip(".,;:)")
    if doi.lower().endswith(".pdf"):
        doi = doi[: -len(".pdf")]
    return doi.lower()


def find_arxiv(text: str) -> str | None:
    """The first arXiv identifier in ``text``, as written (with its version, if any)."""
    match = _ARXIV.search(text)
    if match is None:
        return None
    identifier = match.group("id").rstrip(".")
    if identifier.lower().endswith(".pdf"):
        identifier = identifier[: -len(".pdf")]
    return identifier


def arxiv_without_version(identifier: str) -> str:
    return re.sub(r"v\d+$", "", identifier)


def doi_iri(doi: str) -> str:
    return "https://doi.org/" + _iri_path(doi)


def arxiv_iri(identifier: str) -> str:
    return "https://arxiv.org/abs/" + arxiv_without_version(identifier)


def _iri_path(text: str) -> str:
    """Percent-encode what may not stand in an IRI path (DOIs may hold ``<``, ``#``, spaces, noncharacters …).

    >>> _iri_path("10.1038/x y\\ufff0")
    '10.1038/x%20y%EF%BF%B0'
    """
    return _NOT_IN_IRI_PATH.sub(lambda m: _pct(m.group(0)), text)


# RFC 3987's ipchar: unreserved ASCII, sub-delims, ':', '@', and ucschar, which leaves out surrogates, U+FDD0-FDEF,
# the U+FFF0-FFFF specials, the last two code points of every plane and the private-use planes: Oxigraph refuses an
# IRI holding any of those, so they are percent-encoded like any other character that may not stand there.
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_NOT_IN_IRI_PATH = re.compile(f"[^A-Za-z0-9\\-._~!$&'()*+,;=:@/{_UCSCHAR}]")


def _pct(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))
