"""A note's text as HTML: its Markdown rendered, its links to other pages as links to their nodes.

The renderer is markdown-it-py: a maintained, CommonMark-compliant parser with a plugin API for inline syntax, in
pure Python (no build, no network), whose output is safe by construction when raw HTML is off: a ``<script>`` or an
``onerror=`` in a note is text on the page, and links whose scheme is not http(s), mailto or a relative path
(``javascript:``, ``data:`` …) are not made links (its ``validateLink``). Roam and Obsidian syntax is added as inline
rules, so it is never looked for inside code:

- ``[[Page name]]``, ``[[Page name|shown text]]`` and ``[[Page#heading]]`` (wiki-links, Obsidian's aliases and
  headings), ``#[[tag]]`` and ``![[embed]]``: a link to the node of that name, when the store has one, else the name;
- ``((block uid))`` (a Roam block reference): a link to the node with that uid when there is one, else the uid.

>>> print(render("- **Supports::** [[CLM - Naps]]\\n- ((abc123XYZ))", {"CLM - Naps": "/naps"}.get))
<ul>
<li><strong>Supports::</strong> <a class="wiki-link" href="/naps">CLM - Naps</a></li>
<li><span class="block-ref">((abc123XYZ))</span></li>
</ul>
<BLANKLINE>
>>> print(render("<script>alert(1)</script> [x](javascript:alert(1))", lambda name: None))
<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>
<BLANKLINE>
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

Resolve = Callable[[str], "str | None"]
"""A page name or a block uid → the href of its node's page (``None``: no such node)."""

_BLOCK_UID = re.compile(r"\(\(([\w-]{6,64})\)\)")
_WIKI = re.compile(r"!?\[\[([^\[\]\n]{1,500})\]\]")


def link_names(text: str) -> Iterator[str]:
    """The page names and block uids ``text`` links to, as :func:`render` looks them up.

    >>> sorted(link_names("[[A|shown]] ![[B#part]] ((uid-123456)) `[[not in code]]`"))
    ['A', 'B', 'uid-123456']
    """
    code_free = re.sub(r"`[^`\n]*`", "", text)
    for match in _WIKI.finditer(code_free):
        yield _target(match.group(1))
    for match in _BLOCK_UID.finditer(code_free):
        yield match.group(1)


def _target(inner: str) -> str:
    """The page a wiki-link names: ``Name|alias`` and ``Name#heading`` name ``Name``."""
    return inner.split("|", 1)[0].split("#", 1)[0].strip() or inner.strip()


def render(text: str, resolve: Resolve) -> str:
    """``text`` (Markdown, Roam's or Obsidian's) as HTML, every link to another page through ``resolve``."""
    return str(_parser().render(text, {_RESOLVE: resolve}))


_RESOLVE = "rdfnotes_resolve"
"""The key of ``resolve`` in the render's ``env``: one parser for every page (making one is ~0.5 ms: a static
site of 100,000 pages spent a minute of CPU there), each render with its own links."""


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    def wiki_link(state: StateInline, silent: bool) -> bool:
        start = state.pos
        embed = state.src.startswith("!", start)
        match = _WIKI.match(state.src, start)
        if match is None or (embed and not match.group(0).startswith("!")):
            return False
        if not silent:
            inner = match.group(1)
            name = _target(inner)
            shown = inner.split("|", 1)[1].strip() if "|" in inner else inner.strip()
            _emit(state, state.env[_RESOLVE](name), shown, "wiki-link")
        state.pos = match.end()
        return True

    def block_refs(state: StateCore) -> None:
        # "(" does not stop markdown-it's text rule, so block references are found in the text it made (never in
        # code, which is a token of its own).
        resolve: Resolve = state.env[_RESOLVE]
        for block in state.tokens:
            if block.type != "inline" or not block.children:
                continue
            children: list[Token] = []
            for token in block.children:
                if token.type != "text" or "((" not in token.content:
                    children.append(token)
                    continue
                at = 0
                for match in _BLOCK_UID.finditer(token.content):
                    children.append(_text(token.content[at : match.start()]))
                    children.append(_html(resolve(match.group(1)), match.group(0), "block-ref"))
                    at = match.end()
                children.append(_text(token.content[at:]))
            block.children = [child for child in children if child.type != "text" or child.content]

    md.inline.ruler.before("link", "wiki_link", wiki_link)
    md.core.ruler.push("block_refs", block_refs)
    return md


def _emit(state: StateInline, href: str | None, shown: str, kind: str) -> None:
    token = state.push("html_inline", "", 0)
    token.content = _html(href, shown, kind).content


def _html(href: str | None, shown: str, kind: str) -> Token:
    """A link to ``href`` showing ``shown`` (a span when there is nothing to link to), as a token of HTML."""
    token = Token("html_inline", "", 0)
    if href is None:
        token.content = f'<span class="{kind}">{_escape(shown)}</span>'
    else:
        token.content = f'<a class="{kind}" href="{_escape(href)}">{_escape(shown)}</a>'
    return token


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
