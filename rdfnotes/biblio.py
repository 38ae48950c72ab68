"""Bibliographic sources, one model for every dialect: fields as labs write them -> one :class:`Record` -> Bibo.

A source's metadata reaches the model in many spellings, all as attributes (``Key:: value`` lines, single-colon
Zotero lines, front-matter fields, entries of a ``.bib`` or CSL-JSON library):

- Roam, Zotero block dialect (2020-2022): ``- Title: …``, ``- Authored by::  A B ,  C D``, ``- Year: [[2008]]``,
  ``- Publication: …``, ``- URL: https://doi.org/…``, ``- Citekey: …``, ``- Tags: #ref/BookChapter``;
- Roam, zotero-roam (2021 on): ``Title::``, ``Author(s)::``, ``Type::``, ``Publication::``, ``URL :`` …;
- BibLaTeX / CSL field names, as Zotero and Better BibTeX write them into front matter, ``.bib`` and CSL-JSON:
  ``type``, ``citekey``, ``author: "Family, Given and Family, Given"``, ``date: 2025-11``, ``journaltitle``,
  ``volume``, ``number``, ``pages: 285--296``, ``issn``, ``doi``, ``langid``, ``abstract`` …

:func:`read_record` picks the fields it knows by their normalised name (:data:`FIELDS`), whatever the dialect, into
a :class:`Record`; the fields it does not know stay attributes of the note (the mapping keeps them under the lab's
``attribute/…`` properties, and they count as unmapped), so nothing is dropped silently. :func:`emit` writes a record
as Bibo/Dublin Core/FOAF triples on the source's node.

Names follow BibTeX's rules ("Last, First and …", "First von Last", "von Last, Jr, First", ``{Braced Org}``,
``and others``) through bibtexparser 2's name splitting (``bibtexparser.middlewares.names``): the maintained,
pure-Python BibTeX parser whose name functions implement BibTeX's own ``format.name$`` rules; rdfnotes reads
``.bib`` files with the same library (:mod:`rdfnotes.readers.bibfiles`).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Protocol

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from . import iris
from .config import Config, name_key
from .dates import MONTHS, parse_date
from .identifiers import find_arxiv, find_doi, find_isbns, find_issns
from .model import Attribute, Note
from .readers.markup import find_links, looks_bibliographic, plain_text, web_links, wikilinks
from .vocab import BIBO, DCTERMS, FOAF, RDF, XSD

__all__ = [
    "FIELDS",
    "Person",
    "Record",
    "declared_citekey",
    "emit",
    "looks_bibliographic",
    "parse_bib_date",
    "parse_names",
    "rdf_list",
    "read_record",
]

# What each field name means, by its normalised name (config.name_key: lower case, letters and digits only).
FIELDS: dict[str, str] = {
    **dict.fromkeys(("title",), "title"),
    **dict.fromkeys(("author", "authors", "authoredby", "creator", "creators"), "author"),
    **dict.fromkeys(("editor", "editors", "editedby"), "editor"),
    **dict.fromkeys(("date", "issued", "year", "publicationdate", "pubdate", "datepublished", "published"), "date"),
    **dict.fromkeys(("journaltitle", "journal", "publicationtitle", "containertitle"), "journal"),
    **dict.fromkeys(("booktitle", "booktitleaddon"), "book"),
    **dict.fromkeys(("proceedingstitle", "eventtitle", "conferencename"), "proceedings"),
    **dict.fromkeys(("publication", "venue"), "venue"),
    **dict.fromkeys(("shortjournal", "journalabbreviation", "containertitleshort", "journalabbr"), "short_container"),
    **dict.fromkeys(("month",), "month"),
    **dict.fromkeys(("volume",), "volume"),
    **dict.fromkeys(("issue",), "issue"),
    **dict.fromkeys(("number",), "number"),
    **dict.fromkeys(("pages", "page", "pagerange"), "pages"),
    **dict.fromkeys(("doi",), "doi"),
    **dict.fromkeys(("url", "link"), "url"),
    **dict.fromkeys(("isbn",), "isbn"),
    **dict.fromkeys(("issn", "eissn"), "issn"),
    **dict.fromkeys(("eprint", "arxiv", "arxivid"), "eprint"),
    **dict.fromkeys(("eprinttype", "archiveprefix"), "eprint_type"),
    **dict.fromkeys(("langid", "language", "lang"), "language"),
    **dict.fromkeys(("abstract", "abstractnote"), "abstract"),
    **dict.fromkeys(("type", "itemtype", "entrytype", "bibtype", "zoterotype", "reftype"), "type"),
    **dict.fromkeys(("citekey", "citationkey", "bibtexkey"), "citekey"),
    **dict.fromkeys(("publisher", "institution", "school", "organization"), "publisher"),
    **dict.fromkeys(("meta",), "heading"),
}
"""Field name (normalised) -> its role in a :class:`Record`. ``heading``: a ``- Meta:`` line that only opens the
block of metadata (kept when it holds a value)."""

# Values that say "nothing here" (Zotero-Roam writes `no_info`).
_EMPTY = re.compile(r"^(?:no_?info|n/?a|none|null|unknown|-+)?$", re.IGNORECASE)
_ET_AL = re.compile(r"^(?:others|et\.?\s*al\.?|and others|u\.\s*a\.)$", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?[\s-]*){1,4}$")
_REF_TAG = re.compile(r"^ref/(?P<type>.+)$", re.IGNORECASE)
# "285--296", "285-96", "e1234", "S12-S20" (hyphens and dashes of every kind between)
_PAGES = re.compile(
    r"^\s*(?P<start>[A-Za-z]*\d+[A-Za-z]*)\s*(?:(?:-{1,3}|[\u2010-\u2015]|to)\s*(?P<end>[A-Za-z]*\d+[A-Za-z]*))?\s*$"
)
_YEAR = re.compile(r"(?<!\d)(?P<year>1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_YEAR_MONTH = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$|^(?P<m2>\d{1,2})[-/.](?P<y2>\d{4})$")
_MONTH_YEAR = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})$")
_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})$")
_MONTH_DAY = re.compile(r"^(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})$")
_CSL_DATE = re.compile(
    r"^(?:year: (?P<y>\d{4})(?:, month: \d{1,2}(?:, day: \d{1,2})?)?|date-parts: (?:\d{4})(?:, \d{1,2}){0,2})$"
)
_SLASHED = re.compile(r"^(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})$")
_ISO_PREFIX = re.compile(r"^(?P<d>\d{4}-\d{2}-\d{2})(?:[T ]\S*)?$")
_LANGUAGES = {
    "english": "en",
    "american": "en-US",
    "british": "en-GB",
    "german": "de",
    "ngerman": "de",
    "french": "fr",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "brazilian": "pt-BR",
    "dutch": "nl",
    "swedish": "sv",
    "danish": "da",
    "norwegian": "no",
    "finnish": "fi",
    "polish": "pl",
    "russian": "ru",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "arabic": "ar",
    "turkish": "tr",
    "greek": "el",
    "czech": "cs",
    "hungarian": "hu",
    "hebrew": "he",
    "catalan": "ca",
    "indonesian": "id",
    "malay": "ms",
    "urdu": "ur",
    "hindi": "hi",
    "persian": "fa",
}
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_WORDS_OF_PROCEEDINGS = re.compile(r"\b(?:proceedings|proc\.|conference|symposium|workshop|congress)\b", re.IGNORECASE)

# Item types (BibTeX, BibLaTeX, CSL, Zotero, Zotero-Roam's #ref/ tags) whose container is not a journal.
_BOOK_PARTS = frozenset(
    name_key(t)
    for t in (
        "inbook",
        "incollection",
        "bookinbook",
        "suppbook",
        "chapter",
        "book section",
        "booksection",
        "book chapter",
        "entry-encyclopedia",
        "entry-dictionary",
        "inreference",
        "encyclopedia article",
        "dictionary entry",
    )
)
_PROCEEDINGS_PARTS = frozenset(
    name_key(t) for t in ("inproceedings", "conference", "paper-conference", "conference paper", "conferencepaper")
)
_MAGAZINE_PARTS = frozenset(name_key(t) for t in ("article-magazine", "magazine article"))
_NEWSPAPER_PARTS = frozenset(name_key(t) for t in ("article-newspaper", "newspaper article"))
_ISSUED_TYPES = frozenset(
    name_key(t)
    for t in (
        "article",
        "journal article",
        "article-journal",
        "magazine article",
        "article-magazine",
        "newspaper article",
        "article-newspaper",
        "periodical",
        "paper",
        "review",
    )
)
_NO_CONTAINER = frozenset(name_key(t) for t in ("book", "mvbook", "thesis", "phdthesis", "mastersthesis", "patent"))


@dataclass(frozen=True)
class Person:
    """A person (or a body: ``{World Health Organization}``) as a bibliography names them."""

    name: str
    """The name as it reads: ``Given von Family, Jr`` -> ``Given von Family Jr``."""
    given: str | None = None
    family: str | None = None


@dataclass
class Record:
    """A bibliographic record, whatever dialect it was read from."""

    citekey: str | None = None
    title: str | None = None
    item_type: str | None = None
    """As written (``article``, ``Journal Article``, ``paper-conference``, ``BookChapter`` …)."""
    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    date: tuple[str, str] | None = None
    """Lexical form and XSD datatype: ``("2025-11", xsd:gYearMonth)``."""
    month: int | None = None
    """BibTeX's ``month`` (``sep``, ``9``), which makes a ``year`` a year and month."""
    container: str | None = None
    container_kind: str | None = None
    """``journal``, ``book``, ``proceedings`` or ``venue`` (a Zotero-Roam ``Publication``: decided by the type)."""
    container_short: str | None = None
    volume: str | None = None
    issue: str | None = None
    number: str | None = None
    """A report's, a standard's or a series' number (BibTeX's ``number`` of an article is its issue)."""
    page_start: str | None = None
    page_end: str | None = None
    pages: str | None = None
    """The pages as written, when they are not a range this reads (``iii-xii, 1-20``)."""
    dois: list[str] = field(default_factory=list)
    arxiv: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)
    language: str | None = None
    abstract: str | None = None
    urls: list[str] = field(default_factory=list)
    publisher: str | None = None
    used: set[int] = field(default_factory=set)
    """Indexes of the attributes the record took: the others stay attributes of the note."""
    lines: dict[str, int] = field(default_factory=dict)
    """The line each field was read from, by its role (``title``, ``author`` …; 0: a line the export does not give),
    for the statements of where each is stated (:mod:`rdfnotes.mapping`)."""

    @property
    def empty(self) -> bool:
        return not (self.title or self.authors or self.dois or self.arxiv or self.date or self.container)


class Output(Protocol):
    """Where triples go (the mapping's emitter)."""

    def iri(self, subject: str, predicate: str, obj: str) -> None: ...

    def text(self, subject: str, predicate: str, value: str) -> None: ...

    def typed(self, subject: str, predicate: str, value: str, datatype: str) -> None: ...

    line: int | None
    """The line the triples written now are stated on (set here field by field from :attr:`Record.lines`)."""


def declared_citekey(note: Note) -> str | None:
    """The citekey a note states as a field (``citekey:``, ``Citekey: …``), by which a library entry joins it."""
    for key, value in [*((a.key, a.value) for a in note.attributes), *note.front_matter.items()]:
        if FIELDS.get(name_key(key)) == "citekey" and (citekey := plain_text(value).strip().lstrip("@")):
            return citekey
    return None


def read_record(note: Note, attributes: list[Attribute], config: Config) -> Record:
    """The record the attributes of a source note state; ``record.used`` names the attributes it took."""
    record = Record()
    eprint: tuple[int, str] | None = None
    eprint_type = ""
    ref_type: str | None = None  # Zotero-Roam's `Tags: #ref/Paper`, when no field names the type
    dated: list[tuple[int, str, int]] = []  # (index, value, line): the most precise date wins
    for index, attribute in enumerate(attributes):
        role = FIELDS.get(name_key(attribute.key))
        value = attribute.value.strip()
        line = attribute.line or None
        if role is None:
            if name_key(attribute.key) in ("tags", "keywords") and ref_type is None:
                ref_type = _ref_tag_type(value)
            continue
        if role == "heading":
            if not value:
                record.used.add(index)
            continue
        record.used.add(index)
        record.lines.setdefault(role, attribute.line)
        if _EMPTY.match(plain_text(value)):
            continue
        if role == "title":
            record.title = record.title or _clean(value)
        elif role == "author":
            people, rest = parse_names(value)
            record.authors = record.authors or people
            if rest:
                note.warn(f"{attribute.key}: {rest!r} is not a name this tool reads; left out", line)
        elif role == "editor":
            people, rest = parse_names(value)
            record.editors = record.editors or people
            if rest:
                note.warn(f"{attribute.key}: {rest!r} is not a name this tool reads; left out", line)
        elif role == "date":
            dated.append((index, value, attribute.line))
        elif role == "month":
            month = MONTHS.get(plain_text(value).strip().strip(".").casefold()[:3]) or (
                int(value) if value.strip().isdigit() and 1 <= int(value) <= 12 else None
            )
            if month is None:
                record.used.discard(index)
            else:
                record.month = month
        elif role in ("journal", "book", "proceedings", "venue"):
            text = _clean(value)
            if role == "venue" and (find_arxiv(text) or find_doi(text)) and len(text) < 60:
                _identifiers(record, text)  # "arXiv:2108.07258 [cs]": a repository and an id, not a journal
                record.used.discard(index)  # still stated as written (rn:publicationName)
                continue
            if record.container is None or role != "venue":
                record.container, record.container_kind = text, role
        elif role == "short_container":
            record.container_short = _clean(value)
        elif role == "volume":
            record.volume = _clean(value)
        elif role == "issue":
            record.issue = _clean(value)
        elif role == "number":
            record.number = _clean(value)
        elif role == "pages":
            _pages(record, _clean(value))
        elif role == "doi":
            if doi := find_doi(value):
                _add(record.dois, doi)
            else:
                note.warn(f"{attribute.key}: {value!r} holds no DOI; kept as written", line)
                record.used.discard(index)
        elif role == "url":
            _identifiers(record, value)
            bare = re.fullmatch(r"<?(https?://\S+?)>?", value.strip())
            urls = [u for u in ([bare.group(1)] if bare else web_links(value)) if u.lower().startswith("http")]
            for url in urls:
                _add(record.urls, url)
            if not urls:
                record.used.discard(index)  # no web link (a zotero:// one, text): kept as written
        elif role in ("isbn", "issn"):
            numbers = find_isbns(value) if role == "isbn" else find_issns(value)
            for number in numbers:
                _add(record.isbns if role == "isbn" else record.issns, number)
            if not numbers:
                note.warn(f"{attribute.key}: {value!r} holds no valid {role.upper()}; kept as written", line)
                record.used.discard(index)
        elif role == "eprint":
            eprint = (index, plain_text(value))
        elif role == "eprint_type":
            eprint_type = value.casefold()
        elif role == "language":
            record.language = _language(plain_text(value))
        elif role == "abstract":
            record.abstract = record.abstract or _clean(value, braces=False)
        elif role == "type":
            if record.item_type is None:
                record.item_type = plain_text(value).strip().lstrip("#")
            else:
                record.used.discard(index)  # BibLaTeX's `type` field after the entry type: a subtype, kept as is
        elif role == "citekey":
            record.citekey = record.citekey or plain_text(value).lstrip("@")
        elif role == "publisher":
            record.publisher = record.publisher or _clean(value)
    if eprint is not None:
        index, value = eprint
        if "arxiv" in eprint_type or re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", value):
            found = find_arxiv(value) or find_arxiv(f"arXiv:{value}")
            if found:
                _add(record.arxiv, found)
        elif "doi" in eprint_type and (doi := find_doi(value)):
            _add(record.dois, doi)
        else:
            record.used.discard(index)
    for attribute in attributes:  # identifiers wherever the note states them (Extra::, note, a Zotero link …)
        if name_key(attribute.key) in ("extra", "note", "notes", "howpublished", "publication"):
            _identifiers(record, attribute.value)
    _date(record, note, dated)
    record.item_type = record.item_type or ref_type
    if (
        record.number
        and not record.issue
        and (name_key(record.item_type or "") in _ISSUED_TYPES or record.container_kind == "journal")
    ):
        record.issue, record.number = record.number, None  # BibTeX's `number` of an article is its issue
    return record


def _identifiers(record: Record, text: str) -> None:
    if doi := find_doi(text):
        _add(record.dois, doi)
    if arxiv := find_arxiv(text):
        _add(record.arxiv, arxiv)


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


def _ref_tag_type(value: str) -> str | None:
    """Zotero-Roam's ``Tags: #ref/BookChapter #[[D/Topic]]``: the item type is the ``ref/`` tag's."""
    for link in find_links(value):
        if match := _REF_TAG.match(link.target.strip()):
            return match["type"]
    return None


def _clean(value: str, *, braces: bool = True) -> str:
    """A field's text: link brackets and BibTeX's protecting braces gone, white space folded."""
    text = plain_text(value)
    if braces and ("{" in text or "}" in text):
        text = re.sub(r"(?<!\\)[{}]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_names(value: str) -> tuple[list[Person], str]:
    """The people a name field lists, in order, and what of it is no name (empty when all was read).

    BibTeX lists (``Family, Given and Family, Given``), YAML lists (``[[Family, Given]], [[Given Family]]``,
    as the readers write them), Roam links (``[[A B]] [[C D]]``, ``[[A B]] ,  C D``), and plain comma or
    semicolon lists of ``Given Family`` names.

    >>> [p.name for p in parse_names("Abbas, Aumber and Mustaqeem, Mujahid and others")[0]]
    ['Aumber Abbas', 'Mujahid Mustaqeem']
    >>> [(p.given, p.family) for p in parse_names(" [[Stuart Anderson]] ,  Gillian Hardstone")[0]]
    [('Stuart', 'Anderson'), ('Gillian', 'Hardstone')]
    >>> [p.name for p in parse_names("{World Health Organization} and Ludwig van Beethoven")[0]]
    ['World Health Organization', 'Ludwig van Beethoven']
    """
    text = value.strip()
    if not text:
        return [], ""
    items: list[str]
    bibtex_items = False
    if re.search(r"\s+and\s+", text) and not text.lstrip().startswith("[["):
        items = split_multiple_persons_names(text)
        bibtex_items = True
    elif "[[" in text:
        items = []
        rest = text
        for link in wikilinks(text):
            before, _, rest = rest.partition(f"[[{link}]]")
            items.extend(_plain_names(before))
            items.append(link)
        items.extend(_plain_names(rest))
        bibtex_items = True  # one name a link: a comma in it is "Family, Given"
    elif ";" in text:
        items = [part for part in text.split(";") if part.strip()]
        bibtex_items = True
    else:
        items = _plain_names(text)
        if len(items) == 2 and all(" " not in item.strip() for item in items):
            items, bibtex_items = [text], True  # "Diekelmann, Susanne": one person, family name first
        elif len(items) % 2 == 0 and all(_INITIALS.match(item.strip()) for item in items[1::2]):
            # "Abbas, A., Mustaqeem, M. J.": family names, each followed by its initials
            items = [f"{items[i]}, {items[i + 1]}" for i in range(0, len(items), 2)]
            bibtex_items = True
    people: list[Person] = []
    leftover: list[str] = []
    for item in items:
        item = item.strip().strip("[]").strip()
        if not item or _ET_AL.match(item):
            continue
        if csl := _CSL_NAME.match(item):  # CSL YAML front matter: `- family: Abbas` / `given: Aumber`
            people.append(_csl_person(csl))
            continue
        person = parse_name(item if bibtex_items else item.replace(",", " "))
        if person is None:
            leftover.append(item)
        else:
            people.append(person)
    return people, ", ".join(leftover)


_CSL_NAME = re.compile(
    r"^(?:(?:family: (?P<family>[^,]+)|given: (?P<given>[^,]+)|literal: (?P<literal>.+)|"
    r"(?:non-)?dropping-particle: (?P<particle>[^,]+)|suffix: (?P<suffix>[^,]+)|[\w-]+: [^,]*)(?:, |$))+$"
)


def _csl_person(match: re.Match[str]) -> Person:
    if match["literal"]:
        return Person(match["literal"].strip())
    family = " ".join(x.strip() for x in (match["particle"], match["family"]) if x) or None
    given = match["given"].strip() if match["given"] else None
    name = " ".join(x for x in (given, family, match["suffix"] and match["suffix"].strip()) if x)
    return Person(name, given, family)


def _plain_names(text: str) -> list[str]:
    return [part for part in re.split(r"\s*[,;]\s*|\s+&\s+", text) if part.strip()]


def parse_name(text: str) -> Person | None:
    """One name by BibTeX's rules (bibtexparser's splitting): ``von Last, Jr, First`` or ``First von Last``.

    >>> parse_name("de la Fontaine, Jr., Jean")
    Person(name='Jean de la Fontaine Jr.', given='Jean', family='de la Fontaine')
    >>> parse_name("Homero Gil de Zúñiga")
    Person(name='Homero Gil de Zúñiga', given='Homero Gil', family='de Zúñiga')
    """
    text = re.sub(r"\s+", " ", text).strip().strip(",").strip()
    if not text or not re.search(r"\w", text):
        return None
    if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
        return Person(text[1:-1].strip())  # a body: "{World Health Organization}"
    try:
        parts = parse_single_name_into_parts(text, strict=False)
    except Exception:  # bibtexparser raises its own errors on unbalanced braces: keep the name whole
        return Person(_unbrace(text))
    given = _unbrace(" ".join(parts.first)) or None
    family = _unbrace(" ".join([*parts.von, *parts.last])) or None
    jr = _unbrace(" ".join(parts.jr))
    if given is None and family is not None and " " in family and not parts.von:
        return Person(family)  # one braced unit with spaces: a body
    name = " ".join(x for x in (given, family, jr) if x)
    return Person(name, given, family) if name else None


def _unbrace(text: str) -> str:
    return re.sub(r"(?<!\\)[{}]", "", text).strip()


def _pages(record: Record, text: str) -> None:
    match = _PAGES.match(text)
    if match is None:
        record.pages = text
        return
    start, end = match["start"], match["end"]
    if end and start.isdigit() and end.isdigit() and len(end) < len(start) and int(end) < int(start):
        end = start[: len(start) - len(end)] + end  # "285-96" is 285-296
    record.page_start, record.page_end = start, end


def parse_bib_date(text: str) -> tuple[str, str] | None:
    """A publication date at the precision it is written: ``(lexical form, XSD datatype)``.

    >>> [parse_bib_date(t)[1].rsplit("#")[-1] for t in ("2025", "2025-11", "2025-11-03", "[[2008]]", "May 2020")]
    ['gYear', 'gYearMonth', 'date', 'gYear', 'gYearMonth']
    >>> parse_bib_date("[[November 5th, 2021]]")[0]
    '2021-11-05'
    """
    text = plain_text(text).strip().strip('"').strip()
    if not text:
        return None
    if parts := _CSL_DATE.match(text):  # CSL YAML: `issued: [{year: 2025, month: 11}]` or `date-parts: [[2025, 11]]`
        numbers = [int(n) for n in re.findall(r"\d+", parts.group(0))][:3]
        text = "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
    if re.fullmatch(r"\d{4}", text):
        return text, XSD.gYear
    if match := _YEAR_MONTH.match(text):
        year, number = match["y"] or match["y2"], int(match["m"] or match["m2"])
        return (f"{year}-{number:02d}", XSD.gYearMonth) if 1 <= number <= 12 else None
    if (match := _ISO_PREFIX.match(text)) and (parsed := parse_date(match["d"])):
        return parsed[0], XSD.date
    if match := _SLASHED.match(text):
        parsed = parse_date(f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}")
        return (parsed[0], XSD.date) if parsed else None
    if match := _MONTH_YEAR.match(text):
        month = MONTHS.get(match["mon"].lower())
        if month:
            return f"{match['y']}-{month:02d}", XSD.gYearMonth
    if (match := _DAY_FIRST.match(text) or _MONTH_DAY.match(text)) and (month := MONTHS.get(match["mon"].lower())):
        parsed = parse_date(f"{match['y']}-{month:02d}-{int(match['d']):02d}")
        return (parsed[0], XSD.date) if parsed else None
    parsed = parse_date(text)
    if parsed is not None:
        return parsed[0][:10], XSD.date
    return None


_PRECISION = {XSD.gYear: 1, XSD.gYearMonth: 2, XSD.date: 3}


def _date(record: Record, note: Note, dated: list[tuple[int, str, int]]) -> None:
    """The most precise of the dates given (``year`` and ``date`` both, often); a year inside other text counts."""
    best: tuple[str, str] | None = None
    for _, value, line in dated:
        found = parse_bib_date(value)
        if found is None:
            year = _YEAR.search(plain_text(value))
            if year is None:
                note.warn(f"date {value!r} holds no year this tool reads; left out", line or None)
                continue
            found = (year["year"], XSD.gYear)
        if best is None or _PRECISION[found[1]] > _PRECISION[best[1]]:
            best = found
    if best is not None and best[1] == XSD.gYear and record.month:
        best = (f"{best[0]}-{record.month:02d}", XSD.gYearMonth)
    record.date = best


def _language(text: str) -> str:
    lowered = text.strip().casefold()
    if lowered in _LANGUAGES:
        return _LANGUAGES[lowered]
    if _LANGUAGE_TAG.match(text.strip()):
        return text.strip().replace("_", "-")
    return text.strip()


def container_class(record: Record, item_class: str | None) -> str:
    """The Bibo class of the journal, book or proceedings a work is part of."""
    kind = name_key(record.item_type or "")
    if kind in _PROCEEDINGS_PARTS or record.container_kind == "proceedings":
        return BIBO.Proceedings
    if kind in _BOOK_PARTS or item_class in (BIBO.BookSection, BIBO.Chapter):
        return BIBO.Book
    if kind in _MAGAZINE_PARTS or item_class == BIBO.Magazine:
        return BIBO.Magazine
    if kind in _NEWSPAPER_PARTS:
        return BIBO.Newspaper
    if record.container_kind == "book":
        return BIBO.Proceedings if _WORDS_OF_PROCEEDINGS.search(record.container or "") else BIBO.Book
    if record.container_kind == "venue" and _WORDS_OF_PROCEEDINGS.search(record.container or ""):
        return BIBO.Proceedings
    if item_class == BIBO.Webpage:
        return BIBO.Website
    return BIBO.Journal


def item_class(record: Record, config: Config) -> str | None:
    """The Bibo class of the work, from its type in any dialect (``item_types`` in the configuration)."""
    if not record.item_type:
        return None
    return config.item_type(record.item_type)


def emit(record: Record, out: Output, node: str, base: str, config: Config) -> str | None:
    """Write ``record`` on ``node``; return the Bibo class its type names (``None`` when it names none)."""
    cls = item_class(record, config)
    start = out.line

    def at(*roles: str) -> None:
        out.line = next((record.lines[role] for role in roles if role in record.lines), start)

    at("title")
    if record.title:
        out.text(node, DCTERMS.title, record.title)
    for prop, people, list_prop, list_name in (
        (DCTERMS.creator, record.authors, BIBO.authorList, "authorList"),
        (BIBO.editor, record.editors, BIBO.editorList, "editorList"),
    ):
        if not people:
            continue
        at("author" if prop == DCTERMS.creator else "editor")
        iris_of_people = [_person(out, base, person) for person in people]
        for person_iri in iris_of_people:
            out.iri(node, prop, person_iri)
        out.iri(node, list_prop, rdf_list(out, base, node, list_name, iris_of_people))
    at("date")
    if record.date:
        out.typed(node, DCTERMS.issued, record.date[0], record.date[1])
    if record.container and name_key(record.item_type or "") not in _NO_CONTAINER:
        at(record.container_kind or "journal", "journal", "book", "proceedings", "venue")
        container = iris.container_iri(base, record.container)
        out.iri(container, RDF.type, container_class(record, cls))
        out.text(container, DCTERMS.title, record.container)
        if record.container_short:
            out.text(container, BIBO.shortTitle, record.container_short)
        for issn in record.issns:
            out.text(container, BIBO.issn, issn)
        out.iri(node, DCTERMS.isPartOf, container)
    else:
        at("issn")
        for issn in record.issns:
            out.text(node, BIBO.issn, issn)
    for role, prop, value in (
        ("volume", BIBO.volume, record.volume),
        ("issue", BIBO.issue, record.issue),
        ("number", BIBO.number, record.number),
        ("pages", BIBO.pageStart, record.page_start),
        ("pages", BIBO.pageEnd, record.page_end),
        ("pages", BIBO.pages, record.pages),
        ("language", DCTERMS.language, record.language),
        ("abstract", DCTERMS.abstract, record.abstract),
        ("publisher", DCTERMS.publisher, record.publisher),
    ):
        if value:
            at(role)
            out.text(node, prop, value)
    at("isbn")
    for isbn in record.isbns:
        out.text(node, BIBO.isbn13 if len(isbn) == 13 else BIBO.isbn10, isbn)
    at("url")
    for url in record.urls:
        if (iri := iris.web_iri(url)) is not None:
            with contextlib.suppress(ValueError):  # not an IRI even once escaped: it stays in the note's text
                out.iri(node, FOAF.page, iri)
    at("type")
    return cls


def rdf_list(out: Output, base: str, node: str, name: str, items: list[str]) -> str:
    """An ``rdf:List`` of IRIs; returns its head. Each cell is named by the node, the list's name and the items
    from it to the end: a note and a library entry stating one list state the same cells, and two different lists
    of one node (the note's authors and a ``.bib`` entry's) never share a cell, so neither is broken."""
    rest = RDF.nil
    for i in range(len(items) - 1, -1, -1):
        cell = iris.genid(base, node, name, *items[i:])
        out.iri(cell, RDF.first, items[i])
        out.iri(cell, RDF.rest, rest)
        rest = cell
    return rest


def _person(out: Output, base: str, person: Person) -> str:
    iri = iris.person_iri(base, person.name)
    out.iri(iri, RDF.type, FOAF.Person)
    out.text(iri, FOAF.name, person.name)
    if person.given:
        out.text(iri, FOAF.givenName, person.given)
    if person.family:
        out.text(iri, FOAF.familyName, person.family)
    return iri
