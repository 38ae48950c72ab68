"""Reader of bibliographic libraries kept beside the notes: BibTeX/BibLaTeX (``.bib``) and CSL-JSON files.

Each entry becomes a :class:`~rdfnotes.model.Note` whose ``describes`` names the page it is about, ``@citekey``:
its fields go on that page's node — the note of that name (or the note that declares that citekey) when the export
has one, else a source node of its own (:mod:`rdfnotes.loader` joins them). The fields are attributes named as the
library names them (``journaltitle``, ``container-title`` …), read by :mod:`rdfnotes.biblio` like every other
dialect; fields it does not map stay attributes of the entry, so nothing is dropped silently.

``.bib`` files are parsed with bibtexparser 2 (chosen for being the maintained, pure-Python BibTeX parser that keeps
going past a broken entry and says on which line it failed, and whose name splitting :mod:`rdfnotes.biblio` uses);
LaTeX in field values (``M{\\"u}ller``, ``\\&``) is turned into text with pylatexenc, bibtexparser's own dependency
for it. Names keep BibTeX's structure: each is split by bibtexparser, its parts decoded, and written back as
``von Last, Jr, First`` (a braced body such as ``{World Health Organization}`` stays braced).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock
from pylatexenc.latex2text import LatexNodes2Text  # type: ignore[import-untyped]

from ..errors import ReadError
from ..model import Attribute, Note, Problem
from .roam_markdown import decode
from .units import ReadContext, Unit, UnitContent, read_bytes

_NAME_FIELDS = frozenset({"author", "editor", "translator", "bookauthor", "editora", "editorb", "holder"})
_MAX_LATEX = 20_000
_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
# bibtexparser logs every entry it cannot parse; this reader reports them itself (file and line).
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    text = decode(read_bytes(unit.main), unit.key)
    if unit.format == "csl-json":
        return read_csl_json(text, unit.key)
    return read_bibtex(text, unit.key)


def read_bibtex(text: str, path: str) -> UnitContent:
    """The entries of a ``.bib`` file, each a note that describes ``@{key}``; entries it cannot read are named."""
    try:
        library = parse_string(text)
    except Exception as exc:  # bibtexparser's own errors on input it cannot split into blocks at all
        raise ReadError(path, f"not a BibTeX file this tool reads ({type(exc).__name__})") from exc
    content = UnitContent()
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            message = f"a second entry with the key {block.key!r}: left out (the first one is read)"
        else:
            message = f"this entry is not valid BibTeX and was left out ({_first_line(block.raw or '')!r})"
        content.problems.append(Problem(path, message, line))
    for entry in library.entries:
        key = entry.key.strip()
        start = (entry.start_line or 0) + 1
        if not key:
            content.problems.append(Problem(path, "an entry without a key: left out", start))
            continue
        note = _entry_note(path, key, start)
        note.attributes.append(Attribute("type", entry.entry_type, start))
        for item in entry.fields:
            line = item.start_line + 1 if item.start_line is not None else start
            raw = str(item.value)
            name = item.key.lower()
            value = _names(raw) if name in _NAME_FIELDS else _text(raw, name)
            note.attributes.append(Attribute(item.key, value, line))
        content.notes.append(note)
    return content


def _entry_note(path: str, key: str, line: int) -> Note:
    page = f"@{key}"
    note = Note(path=path, title=page, name=page, part=key, describes=page)
    note.attributes.append(Attribute("citekey", key, line))
    return note


def _first_line(raw: str) -> str:
    return raw.strip().split("\n", 1)[0][:60]


def _text(raw: str, name: str) -> str:
    """A field's value as text: LaTeX decoded (not in URLs, DOIs and file paths, which are verbatim)."""
    if (
        name in ("url", "doi", "file", "eprint", "urldate")
        or len(raw) > _MAX_LATEX  # a huge value is kept as written: decoding it would take long, for little
        or ("\\" not in raw and "{" not in raw and "~" not in raw)
    ):
        return raw.strip()
    try:
        return " ".join(_LATEX.latex_to_text(raw).split())
    except Exception:  # pylatexenc raises its own errors on malformed LaTeX: the value as written is still a value
        return raw.strip()


def _names(raw: str) -> str:
    """A BibTeX name list as the readers write a list (``[[von Last, Jr, First]], …``), LaTeX decoded."""
    items = []
    for name in split_multiple_persons_names(raw):
        stripped = name.strip()
        if stripped.casefold() == "others":
            continue
        if stripped.startswith("{") and stripped.endswith("}") and stripped.count("{") == 1:
            items.append("{" + _text(stripped[1:-1], "") + "}")  # a body, kept whole
            continue
        try:
            parts = parse_single_name_into_parts(stripped, strict=False)
        except Exception:  # unbalanced braces: the name as written
            items.append(_text(stripped, ""))
            continue
        last = " ".join(_text(x, "") for x in [*parts.von, *parts.last])
        first = " ".join(_text(x, "") for x in parts.first)
        jr = " ".join(_text(x, "") for x in parts.jr)
        items.append(", ".join(x for x in (last, jr, first) if x) if (first or jr) else last)
    return ", ".join(f"[[{item}]]" for item in items if item)


def read_csl_json(text: str, path: str) -> UnitContent:
    """The items of a CSL-JSON file (a list of items, as Zotero and Better BibTeX export them)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"not valid JSON ({exc.msg})", exc.lineno) from exc
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ReadError(path, "not a CSL-JSON file: expected a list of items")
    content = UnitContent()
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            content.problems.append(Problem(path, f"item {number} is not an object: left out"))
            continue
        key = str(item.get("citation-key") or item.get("id") or "").strip()
        if not key:
            content.problems.append(Problem(path, f"item {number} has no id: left out"))
            continue
        if key in seen:
            content.problems.append(Problem(path, f"a second item with the id {key!r}: left out (item {number})"))
            continue
        seen.add(key)
        note = _entry_note(path, key, 0)
        for field, value in item.items():
            if field in ("id", "citation-key"):
                continue
            rendered = _csl_value(field, value)
            if rendered:
                # CSL's `number` is a report's or a preprint's number, not BibTeX's (an issue): named apart
                note.attributes.append(Attribute("CSL number" if field == "number" else field, rendered, 0))
        content.notes.append(note)
    return content


def _csl_value(field: str, value: Any) -> str:
    people = ("author", "editor", "translator", "container-author", "collection-editor", "director")
    if field in people and isinstance(value, list) and all(isinstance(x, dict) for x in value):
        return ", ".join(f"[[{name}]]" for name in (_csl_name(x) for x in value) if name)
    if isinstance(value, dict) and ("date-parts" in value or "raw" in value or "literal" in value):
        return _csl_date(value)
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    if isinstance(value, list) and all(isinstance(x, (str, int, float)) for x in value):
        return ", ".join(str(x) for x in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _csl_name(name: dict[str, Any]) -> str:
    """A CSL name as BibTeX writes it: ``von Family, Suffix, Given`` (a literal name braced: a body)."""
    if name.get("literal"):
        return "{" + str(name["literal"]).strip() + "}"
    family = " ".join(
        str(name[k]).strip() for k in ("dropping-particle", "non-dropping-particle", "family") if name.get(k)
    )
    given = str(name.get("given") or "").strip()
    suffix = str(name.get("suffix") or "").strip()
    if not family:
        return given
    return ", ".join(x for x in (family, suffix, given) if x)


def _csl_date(value: dict[str, Any]) -> str:
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            numbers = [int(x) for x in parts[0][:3]]
        except (TypeError, ValueError):
            numbers = []
        if numbers:
            return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
    return str(value.get("raw") or value.get("literal") or "").strip()
