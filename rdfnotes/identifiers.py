"""Bibliographic identifiers (DOI, arXiv) found in the text of attributes and URLs, in one canonical form.

>>> find_doi("URL : https://doi.org/10.1038/NRN2762")
'10.1038/nrn2762'
>>> find_doi("https://doi/org/10.1257/aer.20190658")
'10.1257/aer.20190658'
>>> find_doi("https://www.degruyter.com/document/doi/10.1515/commun-2017-0045/html")
'10.1515/commun-2017-0045'
>>> find_doi("https://onlinelibrary.wiley.com/doi/full/10.1111/jcc4.12059?af=R")
'10.1111/jcc4.12059'
>>> find_doi("http://dl.acm.org/citation.cfm?doid=3173574.3174156")
'10.1145/3173574.3174156'
>>> find_doi("https://www.nature.com/articles/s41562-022-01460-1")
'10.1038/s41562-022-01460-1'
>>> find_isbns("ISBN 978-0-262-03384-8, 0-262-03384-4")
['9780262033848', '0262033844']
>>> find_issns("1471-003X (print), 1471-0048")
['1471-003X', '1471-0048']
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


# Publishers' links that hold a DOI without writing "10.": an ACM "citation.cfm?doid=" link (prefix 10.1145) and a
# Nature article page (10.1038/ followed by the article's id, which is the DOI's suffix).
_PUBLISHER_DOI = (
    (re.compile(r"dl\.acm\.org/citation\.cfm\?(?:[^\s#]*&)?doid=(?P<suffix>[\d.]+\d)", re.IGNORECASE), "10.1145/"),
    (re.compile(r"\bnature\.com/articles/(?P<suffix>s\d{5}-\d{3}-\d{4,5}-[\dxX])\b", re.IGNORECASE), "10.1038/"),
)
_ISBN = re.compile(r"(?<![\dXx-])(?:97[89][- ]?)?\d[\d -]{7,15}[\dXx](?![\dXx])")
_ISSN = re.compile(r"(?<![\dXx-])(\d{4})-?(\d{3}[\dXx])(?![\dXx])")


def find_doi(text: str) -> str | None:
    """The first DOI in ``text`` (a URL, ``doi:…``, or bare), lower-cased as DOIs compare case-insensitively."""
    match = _DOI.search(unquote(text))
    if match is None:
        for pattern, prefix in _PUBLISHER_DOI:
            if found := pattern.search(text):
                return (prefix + found["suffix"]).lower()
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


def find_isbns(text: str) -> list[str]:
    """The ISBNs in ``text``, digits only (an ISBN-10 may end in ``X``), each checked by its check digit."""
    found = []
    for match in _ISBN.finditer(text):
        digits = re.sub(r"[ -]", "", match.group(0)).upper()
        if _isbn_valid(digits) and digits not in found:
            found.append(digits)
    return found


def _isbn_valid(digits: str) -> bool:
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        return sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits)) % 10 == 0
    return False


def find_issns(text: str) -> list[str]:
    """The ISSNs in ``text`` as ``NNNN-NNNC`` (check digit verified)."""
    found = []
    for match in _ISSN.finditer(text):
        digits = (match.group(1) + match.group(2)).upper()
        total = sum((8 - i) * int(c) for i, c in enumerate(digits[:7]))
        check = (11 - total % 11) % 11
        if digits[7] == ("X" if check == 10 else str(check)):
            issn = f"{digits[:4]}-{digits[4:]}"
            if issn not in found:
                found.append(issn)
    return found


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
