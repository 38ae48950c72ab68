"""Reader of Roam Research's Markdown export of a discourse graph (the 2021, 2022 and 2024+ exporters).

One file is one page::

    ---                                   front matter: `key: rest of line`, not always valid YAML
    title: [[EVD]] - … - [[@cite]]
    url: https://roamresearch.com/#/app/<graph>/page/<uid>
    author: Maya Okafor
    date: Tue Mar 14 2023 09:12:44 GMT-0400 (Eastern Daylight Time)
    ---
    - Title:: …                           the outline: attributes, text, links
    ###### Discourse Context              relations as this page shows them
    - **Informs::** [[QUE - …]]
    ###### References                     other pages' text: ignored

Pages with no front matter take their title from a ``# [[EVD]] - …`` heading (or a Logseq page's leading
``title::`` property), or else from the file name. Other Markdown notes read the same way: front matter that only
YAML reads (lists, indented values: Obsidian, Dataview) is read as YAML, ``key:: value`` fields anywhere are
attributes, and ``[[links]]`` are links.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from ..config import Config
from ..errors import ReadError
from ..model import Attribute, Link, Note, Relation
from .bounded import TooLarge, load_yaml
from .markup import (
    ROAM_PAGE_URL,
    find_links,
    lenient_front_matter,
    looks_bibliographic,
    unquote_yaml_scalar,
    wikilinks,
    yaml_strings,
    yaml_value_text,
)

# The key ends in a non-space, so the key and the blanks before the colon can be split one way only: linear time.
_FRONT_KEY = re.compile(r"^(?P<key>[A-Za-z_](?:[\w .-]*[\w.-])?)\s*:(?:\s+(?P<value>.*)|\s*)$")
_SECTION = re.compile(r"^#{1,6}\s+(?P<name>discourse context|references)\s*:?\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s")
_BOLD_RELATION = re.compile(r"^\s*[-*]\s+\*\*(?P<label>[^*]+?)\s*:{1,2}\s*\*\*\s*(?P<rest>.*)$")
_PLAIN_RELATION = re.compile(r"^\s*[-*]\s+(?P<label>[^:*\[\]]+?)\s*::\s*(?P<rest>.*)$")
_ATTRIBUTE = re.compile(  # keys may hold a typographic apostrophe (U+2019)
    r"^\s*(?:[-*]\s+)?(?:\*\*)?(?P<key>[A-Za-z][\w ()'’&/.-]{0,60}?)(?:\*\*)?::(?:\*\*)?(?:\s+(?P<value>.*)|\s*)$"  # noqa: RUF001
)
# Zotero's Roam import of 2020-2022 writes single-colon lines under a `#references` block: `- Title: …`,
# `- Year: [[2008]]`, `- Citekey: …`. They are attributes on a source page (titled `@…`) or after such a block.
_ZOTERO_LINE = re.compile(r"^\s*[-*]\s+(?P<key>[A-Za-z][A-Za-z ()]{0,20}?)\s?:(?:\s+(?P<value>.*)|\s*)$")
ZOTERO_KEYS = frozenset(
    {
        *("title", "meta", "tags", "authoredby", "authors", "author", "editors", "editor", "year", "date"),
        *("publication", "journal", "booktitle", "volume", "issue", "pages", "publisher", "type", "itemtype"),
        *("url", "doi", "isbn", "issn", "citekey", "zoterolink", "abstract"),
    }
)
_REFERENCES_BLOCK = re.compile(r"^\s*[-*]\s+#(?:\[\[)?references(?:\]\])?\s*$", re.IGNORECASE)
_ABSTRACT_BLOCK = re.compile(r"^(?P<indent>\s*)[-*]\s+(?:\*\*)?Abstract(?:\*\*)?:?\s*$", re.IGNORECASE)
_SPACED_ATTRIBUTE = re.compile(r"^\s*[-*]\s+(?P<key>[A-Za-z][\w ]{0,30}?) : (?P<value>.*)$")
_TITLE_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$")
_PAGE_TITLE_PROPERTY = re.compile(r"^title::\s*(?P<title>\S.*?)\s*$", re.IGNORECASE)

SPACED_KEYS = frozenset({"url", "pdflinks"})


def read(data: bytes, path: str, *, spaced_keys: frozenset[str] = SPACED_KEYS) -> Note:
    """Read one exported page. ``path`` names the file in messages and in the model.

    :param spaced_keys: attribute names (as :func:`rdfnotes.config.name_key` gives them) also accepted in Zotero's
        ``Key : value`` form.
    :raises ReadError: when the bytes are not UTF-8 text or the front matter is never closed.
    """
    text = decode(data, path)
    lines = text.split("\n")
    name = path.rsplit("/", 1)[-1]
    name = name[: -len(".md")] if name.lower().endswith(".md") else name.rsplit(".", 1)[0]
    note = Note(path=path, title=name, name=name)

    body_start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise ReadError(path, "the front matter opened here is never closed by a '---' line", 1)
        block = lines[1:end]
        bibliographic = looks_bibliographic(
            m["key"] for line in block if (m := _FRONT_KEY.match(line.split(":", 1)[0] + ":"))
        )
        structured = None
        if any(_is_yaml_continuation(line) for line in block):
            structured = _yaml_front_matter(block, path)
            if structured is None:  # YAML with a field YAML cannot read (Zotero's `file: "C\:\Users…"`)
                problems: list[tuple[int, str]] = []
                structured = lenient_front_matter(block, problems)
                for line_number, message in problems:
                    note.warn(message, line_number)
        if structured is None:
            _read_front_matter(note, block, first_line=2, bibliographic=bibliographic)
        else:
            _read_yaml_front_matter(note, structured, block, first_line=2, bibliographic=bibliographic)
        body_start = end + 1
    else:
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            if match := _TITLE_HEADING.match(line):
                note.title = match["title"]
                body_start = i + 1
            elif match := _PAGE_TITLE_PROPERTY.match(line):
                note.title = match["title"]  # a Logseq page's `title::` property, before any block
                body_start = i + 1
            break

    body: list[str] = []
    section = "body"
    zotero = note.title.lstrip().startswith("@")  # a source page: Zotero's single-colon lines are attributes
    abstract: tuple[int, int, list[str]] | None = None  # a `- Abstract` block: its indent, line and text
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        if abstract is not None and line.strip():
            if len(line) - len(line.lstrip()) > abstract[0]:
                abstract[2].append(line.strip().lstrip("-* ").strip())
            else:
                _end_abstract(note, abstract)
                abstract = None
        if match := _SECTION.match(line.strip()):
            section = match["name"].lower()
            continue
        if section == "references":
            if _HEADING.match(line.strip()):
                section = "after"
            continue
        if section == "discourse context":
            if _HEADING.match(line.strip()):
                section = "body"
                body.append(line)
            else:
                _read_relation(note, line, number)
            continue
        if _REFERENCES_BLOCK.match(line):
            zotero = True
        elif zotero and (match := _ABSTRACT_BLOCK.match(line)):
            abstract = (len(match["indent"]), number, [])
        if not _read_attribute(note, line, number, spaced_keys, zotero=zotero):
            body.append(line)
            note.links.extend(Link(found.target, number, found.uid) for found in find_links(line))
    if abstract is not None:
        _end_abstract(note, abstract)
    note.body = "\n".join(line.rstrip() for line in body).strip("\n")
    if "\n\n\n" in note.body:  # blank lines left where attribute blocks were (the 2022 exporter's blank lines)
        note.body = re.sub(r"\n{3,}", "\n\n", note.body)
    return note


def decode(data: bytes, path: str) -> str:
    """Bytes to text: UTF-8 (a BOM is dropped), line ends made ``\\n``.

    :raises ReadError: naming the line of the first byte that is not UTF-8, or when the file is binary.
    """
    if b"\x00" in data[:8192]:
        raise ReadError(path, "this is a binary file, not a text note")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReadError(path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _end_abstract(note: Note, abstract: tuple[int, int, list[str]]) -> None:
    """A Zotero-Roam ``- Abstract`` block's text (its children) is the source's abstract."""
    if abstract[2] and not any(a.key.casefold() == "abstract" for a in note.attributes):
        note.attributes.append(Attribute("Abstract", " ".join(abstract[2]), abstract[1]))


def _read_front_matter(note: Note, lines: list[str], *, first_line: int, bibliographic: bool = False) -> None:
    """``key: value`` lines. In a bibliographic record's front matter (:func:`looks_bibliographic`) ``title``,
    ``author``, ``date`` and ``url`` are the work's, not the note's: they stay fields."""
    for number, line in enumerate(lines, start=first_line):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FRONT_KEY.match(line)
        if match is None:
            note.warn(f"front-matter line is not 'key: value' and was skipped: {line.strip()[:80]!r}", number)
            continue
        key = match["key"].strip()
        value = unquote_yaml_scalar(match["value"] or "")
        lowered = key.lower()
        if bibliographic and lowered in ("author", "date", "url", "title"):
            note.front_matter[key] = value  # the work's title: the page's name stays its file's, as links have it
            continue
        if lowered == "title":
            if value:
                note.title = value
        elif lowered == "url":
            note.url = value or None
            if roam := ROAM_PAGE_URL.search(value):
                note.graph, note.uid = roam["graph"], roam["uid"]
        elif lowered == "author":
            note.author = value if value and value.lower() != "unknown" else None
        elif lowered in ("date", "created"):
            note.created = value or None
            note.created_line = number
        elif lowered == "uid":
            note.uid = value or None
        else:
            note.front_matter[key] = value


_FLOW_LIST = re.compile(r"^[A-Za-z_][\w .-]*:\s*\[(?!\[)")


def _is_yaml_continuation(line: str) -> bool:
    """A front-matter line that only YAML reads: a list item, an indented value, or a flow list
    (``tags: [a, b]``, not a Roam title ``title: [[EVD]] - …``) (Obsidian, Dataview, Logseq)."""
    return bool(line.strip()) and (line[0] in " \t" or line.startswith("- ") or bool(_FLOW_LIST.match(line)))


def _yaml_front_matter(lines: list[str], path: str) -> dict[str, Any] | None:
    """The front matter as YAML (values kept as written: strings, lists, mappings), or ``None`` if it is not.

    :raises ReadError: when its YAML nests too deep or its aliases expand too far (an alias bomb).
    """
    try:
        data = load_yaml("\n".join(lines))  # only str/list/dict, aliases bounded
    except TooLarge as exc:
        raise ReadError(path, f"the front matter is not read: {exc}", 2) from None
    except yaml.YAMLError:
        return None
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else None


def _read_yaml_front_matter(
    note: Note, data: dict[str, Any], lines: list[str], *, first_line: int, bibliographic: bool = False
) -> None:
    numbers: dict[str, int] = {}
    for number, line in enumerate(lines, start=first_line):
        if match := _FRONT_KEY.match(line.split(":", 1)[0] + ":"):
            numbers.setdefault(match["key"].strip(), number)
    rendered = []
    for key, value in data.items():
        text = yaml_value_text(value) if not isinstance(value, str) else value
        rendered.append(f"{key}: {json.dumps(text, ensure_ascii=False)}")
        for string in yaml_strings(value) if not isinstance(value, str) else ():
            note.links.extend(Link(target, numbers.get(key, first_line)) for target in wikilinks(string))
    for line, (key, _) in zip(rendered, data.items(), strict=True):
        _read_front_matter(note, [line], first_line=numbers.get(key, first_line), bibliographic=bibliographic)


def _read_relation(note: Note, line: str, number: int) -> None:
    if not line.strip():
        return
    match = _BOLD_RELATION.match(line) or _PLAIN_RELATION.match(line)
    if match is None:
        note.warn(f"line in the Discourse Context is not a relation and was skipped: {line.strip()[:80]!r}", number)
        return
    label, rest = match["label"].strip(), match["rest"].strip()
    targets = [Link(found.target, number, found.uid) for found in find_links(rest, tags=False)]
    if not targets and rest:
        bare = rest[: -len(".md")] if rest.lower().endswith(".md") else rest
        targets = [Link(bare.strip(), number)]
    for target in targets:
        note.relations.append(Relation(label, target))


def _read_attribute(note: Note, line: str, number: int, spaced_keys: frozenset[str], *, zotero: bool = False) -> bool:
    match = _ATTRIBUTE.match(line)
    if match is None:
        spaced = _SPACED_ATTRIBUTE.match(line)
        if spaced is not None and re.sub(r"[^0-9a-z]", "", spaced["key"].casefold()) in spaced_keys:
            match = spaced
        elif zotero and (single := _ZOTERO_LINE.match(line)) and _key(single["key"]) in ZOTERO_KEYS:
            match = single
        else:
            return False
    key, value = match["key"].strip(), (match["value"] or "").strip()
    note.attributes.append(Attribute(key, value, number, tuple(wikilinks(value))))
    return True


def _key(key: str) -> str:
    return re.sub(r"[^0-9a-z]", "", key.casefold())


def read_block(note: Note, text: str, number: int, spaced_keys: frozenset[str] = SPACED_KEYS) -> bool:
    """Read one outline block (a Roam JSON block's text) into ``note``: an attribute, or its page links.

    :returns: whether the block was an attribute (and so is not body text).
    """
    line = text if text.lstrip().startswith(("- ", "* ")) else f"- {text}"
    # a source page's (`@citekey`) Zotero lines `Title: …` are attributes, as in the Markdown export
    if _read_attribute(note, line, number, spaced_keys, zotero=note.title.lstrip().startswith("@")):
        return True
    note.links.extend(Link(found.target, number, found.uid) for found in find_links(text))
    return False


def fields_as_relations(note: Note, config: Config) -> None:
    """``supported by:: [[EVD - …]]`` (a Dataview or Logseq field named by a relation label or its complement,
    whose value links pages) is a relation, as a Roam page's Discourse Context line is; and a link's
    ``|alias`` is not part of the page it names."""
    kept = []
    for attribute in note.attributes:
        if attribute.links and config.relation(attribute.key) is not None:
            for target in attribute.links:
                note.relations.append(Relation(attribute.key, Link(_unalias(target), attribute.line)))
        else:
            kept.append(attribute)
    note.attributes = kept
    note.links = [Link(_unalias(link.target), link.line, link.uid, link.required) for link in note.links]


def _unalias(target: str) -> str:
    return target.split("|", 1)[0].strip() or target
