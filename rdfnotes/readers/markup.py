"""Roam's inline markup: page links in every form the exporters write, front matter, attribute lines.

Shared by the readers of Markdown-like formats (Roam's Markdown export and, later, Obsidian and Logseq notes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import yaml

from .bounded import load_yaml

ROAM_PAGE_URL = re.compile(r"roamresearch\.com/[^#\s)]*#/app/(?P<graph>[^/\s)]+)/page/(?P<uid>[\w-]+)")
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\[\]\n]*)\]\((?P<target>[^)\s]+(?:\s[^)]*)?)\)")
# A Markdown link to a Roam page whose text is a title holding links ("[[[CLM]] - A claim](https://roamresearch…)",
# as the Discourse Graphs exporter writes links in its "roam url" mode): text brackets only as whole [[…]] pairs.
_ROAM_URL_LINK = re.compile(
    r"(?<!!)\[(?P<text>(?:[^\[\]\n]|\[\[[^\[\]\n]*\]\])*)\]\((?P<target>[^)\s]*roamresearch\.com/[^)\s]*)\)"
)
_MACRO = re.compile(r"\{\{.*?\}\}")
_WIKILINK = re.compile(r"\[\[.*?\]\]")
_BRACKETS = re.compile(r"\[\[|\]\]")
_CODE = re.compile(r"`[^`\n]*`")
_BLOCK_REF = re.compile(r"\(\([\w-]{6,}\)\)")
_URL = re.compile(r"(?<!\S)\S+://\S+")
_INNER_LINK = re.compile(r"\[\[([^\[\]]*)\]\]")
# A URL starts where a run of scheme characters starts: a search from inside a run would scan it again and again.
_BARE_URL = re.compile(r"(?<![a-zA-Z0-9+.-])[0-9+.-]*(?P<url>[a-zA-Z][a-zA-Z0-9+.-]*://[^\s,)\]>]+)")
_TAG = re.compile(r"(?<![\w/#&])#(?P<tag>[\w][\w\-/.]*[\w]|[\w])")


# A front matter is a bibliographic record (its `author` the work's, its `date` the publication's) when it has one of
# these fields (compared as config.name_key compares names): no ordinary note has them. See rdfnotes.biblio.
BIBLIOGRAPHIC_SIGNS = frozenset(
    {
        "citekey",
        "citationkey",
        "doi",
        "journaltitle",
        "journal",
        "booktitle",
        "issn",
        "isbn",
        "publicationtitle",
        "containertitle",
        "bibtype",
        "entrytype",
        "itemtype",
        "shortjournal",
        "langid",
        "urldate",
        "eprint",
    }
)
_NOT_NAME = re.compile(r"[^0-9a-z]")


def looks_bibliographic(keys: Iterable[str]) -> bool:
    """Whether front-matter keys are a bibliographic record's (Zotero, Better BibTeX, a literature note).

    >>> looks_bibliographic(["title", "author", "citekey"]), looks_bibliographic(["title", "author", "date"])
    (True, False)
    """
    return any(_NOT_NAME.sub("", key.casefold()) in BIBLIOGRAPHIC_SIGNS for key in keys)


@dataclass(frozen=True)
class FoundLink:
    target: str
    uid: str | None = None


def wikilinks(text: str) -> list[str]:
    """The outermost ``[[…]]`` links of ``text``, nested links kept inside their target.

    >>> wikilinks("see [[[[EVD]] - A - [[@c]]]] and [[B]]")
    ['[[EVD]] - A - [[@c]]', 'B']
    """
    if "[[" not in text:
        return []
    found: list[str] = []
    depth = 0
    start = 0
    for bracket in _BRACKETS.finditer(text):
        if text[bracket.start()] == "[":
            if depth == 0:
                start = bracket.end()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                target = text[start : bracket.start()].strip()
                if target:
                    found.append(target)
    return found


def find_links(text: str, *, tags: bool = True) -> list[FoundLink]:
    """Every page link in a line: wikilinks, ``#tags``, Markdown links to ``.md`` files and Roam page URLs."""
    # Each pattern only where its marker is in the line: most lines have none, and a load reads millions.
    if "{{" in text:
        text = _sub_closed(_MACRO, "}}", text)
    if "`" in text:
        text = _CODE.sub(" ", text)
    if "((" in text:
        text = _BLOCK_REF.sub(" ", text)
    links = []
    if "roamresearch.com" in text and "[[" in text:
        for match in _ROAM_URL_LINK.finditer(text):
            if roam := ROAM_PAGE_URL.search(match["target"]):
                links.append(FoundLink(match["text"].strip(), uid=roam["uid"]))
        text = _ROAM_URL_LINK.sub(" ", text)
    links += [FoundLink(target) for target in wikilinks(text)]
    for match in _MD_LINK.finditer(_closed(text, ")")[0]) if "](" in text else ():
        target = match["target"].strip()
        if target.startswith("[["):
            continue  # an alias of a wikilink, already found
        if roam := ROAM_PAGE_URL.search(target):
            links.append(FoundLink(_link_text(match["text"]), uid=roam["uid"]))
        elif target.lower().endswith(".md") and "://" not in target:
            links.append(FoundLink(unquote(target)[: -len(".md")].rsplit("/", 1)[-1]))
    if tags and "#" in text:
        without_wikilinks = _sub_closed(_WIKILINK, "]]", text)
        without_urls = _URL.sub(" ", without_wikilinks) if "://" in without_wikilinks else without_wikilinks
        for match in _TAG.finditer(without_urls):
            links.append(FoundLink(match["tag"]))
    return links


def _link_text(text: str) -> str:
    inner = wikilinks(text)
    return inner[0] if len(inner) == 1 and text.strip().startswith("[[") else text.strip()


def web_links(text: str) -> list[str]:
    """Absolute URLs in a value: Markdown link targets and bare URLs."""
    urls = [m["target"].strip() for m in _MD_LINK.finditer(_closed(text, ")")[0]) if "://" in m["target"]]
    rest = _sub_closed(_MD_LINK, ")", text)
    urls += [m["url"] for m in _BARE_URL.finditer(rest)]
    return urls


def _closed(text: str, closer: str) -> tuple[str, str]:
    """``text`` split after its last ``closer``. A pattern ending in ``closer`` matches only in the first part;
    searching the rest would scan to the end of the text from every opener there: quadratic time on a long line.
    """
    end = text.rfind(closer)
    end = end + len(closer) if end >= 0 else 0
    return text[:end], text[end:]


def _sub_closed(pattern: re.Pattern[str], closer: str, text: str) -> str:
    """``pattern.sub(" ", text)`` for a pattern ending in ``closer``, in time linear in the text's length."""
    head, tail = _closed(text, closer)
    return pattern.sub(" ", head) + tail


_TOP_KEY = re.compile(r"^(?P<key>[^\s:#\-][^:]*?)\s*:(?:\s+(?P<value>.*)|\s*)$")


def lenient_front_matter(lines: list[str], problems: list[tuple[int, str]]) -> dict[str, Any]:
    """Front matter that is not valid YAML as a whole, read one top-level field at a time (lines 2 on).

    A field YAML reads is kept as YAML gives it; one it cannot read (Zotero's ``file: "C\\:\\Users\\…"``, whose
    ``\\:`` is no YAML escape) is kept as its text, unquoted, and ``problems`` gets ``(line, message)``.

    >>> problems = []
    >>> lenient_front_matter(['title: "A"', 'file: "C\\\\:\\\\Users\\\\x.pdf"', "tags:", "  - a"], problems)
    {'title': 'A', 'file': 'C\\\\:\\\\Users\\\\x.pdf', 'tags': ['a']}
    >>> problems
    [(3, "front-matter field 'file' is not valid YAML: kept as its text")]
    """
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=2):
        if _TOP_KEY.match(line) and not line[:1].isspace():
            blocks.append((number, [line]))
        elif blocks:
            blocks[-1][1].append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            problems.append((number, f"front-matter line is not 'key: value' and was skipped: {line.strip()[:80]!r}"))
    data: dict[str, Any] = {}
    for number, block in blocks:
        try:
            parsed = load_yaml("\n".join(block))  # aliases bounded: a field may hold a bomb of its own
        except yaml.YAMLError:
            parsed = None
        if isinstance(parsed, dict) and len(parsed) == 1:
            data.update({str(k): v for k, v in parsed.items()})
            continue
        match = _TOP_KEY.match(block[0])
        assert match is not None  # a block starts with a key line
        key = match["key"].strip()
        value = (match["value"] or "").strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        data[key] = " ".join([value, *(x.strip() for x in block[1:] if x.strip())]).strip()
        problems.append((number, f"front-matter field {key!r} is not valid YAML: kept as its text"))
    return data


def unquote_yaml_scalar(value: str) -> str:
    """A front-matter value as the exporter meant it: quotes removed, ``\\"`` unescaped."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
            return decoded if isinstance(decoded, str) else value[1:-1]
        except json.JSONDecodeError:
            return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def plain_text(value: str) -> str:
    """An attribute value without link brackets: ``[[Journal Article]]`` → ``Journal Article``."""
    return _INNER_LINK.sub(r"\1", value).strip() if "[[" in value else value.strip()


def split_names(value: str) -> list[str]:
    """Names in a people attribute: ``[[A]], [[B]]`` or ``A, B and C``, in order."""
    linked = wikilinks(value)
    if linked:
        return [plain_text(name) for name in linked if plain_text(name)]
    parts = re.split(r"\s*;\s*|\s*,\s*|\s+and\s+|\s*&\s*", value)
    return [part.strip() for part in parts if part.strip()]


def yaml_strings(value: Any) -> list[str]:
    """Every string inside a parsed YAML value (lists and mappings walked), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in yaml_strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in yaml_strings(item)]
    return []


def yaml_value_text(value: Any) -> str:
    """A parsed YAML value as an attribute value: a list becomes ``[[a]], [[b]]``, so names keep their commas.

    >>> yaml_value_text(["Diekelmann, Susanne", "[[Born, Jan]]"])
    '[[Diekelmann, Susanne]], [[Born, Jan]]'
    """
    if isinstance(value, list):
        items = [yaml_value_text(item) for item in value]
        return ", ".join(item if item.startswith("[[") else f"[[{item}]]" for item in items if item)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {yaml_value_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)
