"""Roam's inline markup: page links in every form the exporters write, front matter, attribute lines.

Shared by the readers of Markdown-like formats (Roam's Markdown export and, later, Obsidian and Logseq notes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote

ROAM_PAGE_URL = re.compile(r"roamresearch\.com/[^#\s)]*#/app/(?P<graph>[^/\s)]+)/page/(?P<uid>[\w-]+)")
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+(?:\s[^)]*)?)\)")
_MACRO = re.compile(r"\{\{.*?\}\}")
_CODE = re.compile(r"`[^`\n]*`")
_BLOCK_REF = re.compile(r"\(\([\w-]{6,}\)\)")
_TAG = re.compile(r"(?<![\w/#&])#(?P<tag>[\w][\w\-/.]*[\w]|[\w])")


@dataclass(frozen=True)
class FoundLink:
    target: str
    uid: str | None = None


def wikilinks(text: str) -> list[str]:
    """The outermost ``[[…]]`` links of ``text``, nested links kept inside their target.

    >>> wikilinks("see [[[[EVD]] - A - [[@c]]]] and [[B]]")
    ['[[EVD]] - A - [[@c]]', 'B']
    """
    found: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text) - 1:
        pair = text[i : i + 2]
        if pair == "[[":
            if depth == 0:
                start = i + 2
            depth += 1
            i += 2
            continue
        if pair == "]]" and depth > 0:
            depth -= 1
            if depth == 0:
                target = text[start:i].strip()
                if target:
                    found.append(target)
            i += 2
            continue
        i += 1
    return found


def find_links(text: str, *, tags: bool = True) -> list[FoundLink]:
    """Every page link in a line: wikilinks, ``#tags``, Markdown links to ``.md`` files and Roam page URLs."""
    text = _CODE.sub(" ", _MACRO.sub(" ", text))
    text = _BLOCK_REF.sub(" ", text)
    links = [FoundLink(target) for target in wikilinks(text)]
    for match in _MD_LINK.finditer(text):
        target = match["target"].strip()
        if target.startswith("[["):
            continue  # an alias of a wikilink, already found
        if roam := ROAM_PAGE_URL.search(target):
            links.append(FoundLink(_link_text(match["text"]), uid=roam["uid"]))
        elif target.lower().endswith(".md") and "://" not in target:
            links.append(FoundLink(unquote(target)[: -len(".md")].rsplit("/", 1)[-1]))
    if tags:
        without_wikilinks = re.sub(r"\[\[.*?\]\]", " ", text)
        without_urls = re.sub(r"\S+://\S+", " ", without_wikilinks)
        for match in _TAG.finditer(without_urls):
            links.append(FoundLink(match["tag"]))
    return links


def _link_text(text: str) -> str:
    inner = wikilinks(text)
    return inner[0] if len(inner) == 1 and text.strip().startswith("[[") else text.strip()


def web_links(text: str) -> list[str]:
    """Absolute URLs in a value: Markdown link targets and bare URLs."""
    urls = [m["target"].strip() for m in _MD_LINK.finditer(text) if "://" in m["target"]]
    rest = _MD_LINK.sub(" ", text)
    urls += re.findall(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s,)\]>]+", rest)
    return urls


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
    return re.sub(r"\[\[([^\[\]]*)\]\]", r"\1", value).strip()


def split_names(value: str) -> list[str]:
    """Names in a people attribute: ``[[A]], [[B]]`` or ``A, B and C``, in order."""
    linked = wikilinks(value)
    if linked:
        return [plain_text(name) for name in linked if plain_text(name)]
    parts = re.split(r"\s*;\s*|\s*,\s*|\s+and\s+|\s*&\s*", value)
    return [part.strip() for part in parts if part.strip()]
