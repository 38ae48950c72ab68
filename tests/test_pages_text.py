"""Pages people read: a note's text rendered from its Markdown (markdown-it-py), its wiki-links, Obsidian aliases
and Roam block references as links to their nodes, nothing in it ever run; the discourse context first, the text as
written folded below the rendered one."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from rdfnotes.cli import cli

CLAIM = """---
title: CLM - Naps help
url: https://roamresearch.com/#/app/lab-m/page/nApS-0001
---

- A claim with **bold** text, a link to [[EVD - Naps helped]] and one shown as [[EVD - Naps helped|the nap study]].
- A block reference: ((nApS-0002)) and one to nothing: ((zzzzzzzz))
- `[[not a link]]` and <script>alert(1)</script> <img src=x onerror=alert(2)> [bad](javascript:alert(3))
"""
EVIDENCE = """---
title: EVD - Naps helped
url: https://roamresearch.com/#/app/lab-m/page/nApS-0002
---

- Observed in 12 people.

###### Discourse Context

- **Supports::** [[CLM - Naps help]]
"""
TEXT = (
    '<section id="text"><h2>Text</h2><div class="body"><ul>\n'
    "<li>A claim with <strong>bold</strong> text, a link to "
    '<a class="wiki-link" href="../../lab-m/node/nApS-0002.html">EVD - Naps helped</a> and one shown as '
    '<a class="wiki-link" href="../../lab-m/node/nApS-0002.html">the nap study</a>.</li>\n'
    '<li>A block reference: <a class="block-ref" href="../../lab-m/node/nApS-0002.html">((nApS-0002))</a> and one to '
    'nothing: <span class="block-ref">((zzzzzzzz))</span></li>\n'
    "<li><code>[[not a link]]</code> and &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
    "[bad](javascript:alert(3))</li>\n"
    "</ul>\n"
    '</div><details class="raw"><summary>The text as written</summary><pre>- A claim with **bold** text, a link to '
    "[[EVD - Naps helped]] and one shown as [[EVD - Naps helped|the nap study]].\n"
    "- A block reference: ((nApS-0002)) and one to nothing: ((zzzzzzzz))\n"
    "- `[[not a link]]` and &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
    "[bad](javascript:alert(3))</pre></details></section>"
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_a_notes_text_is_rendered_with_its_links_after_its_context(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    (lab / "CLM - Naps help.md").write_text(CLAIM, encoding="utf-8")
    (lab / "EVD - Naps helped.md").write_text(EVIDENCE, encoding="utf-8")
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(cli, ["--store", store, "load", str(lab), "--lab", "lab-m"]).exit_code == 0
    result = runner.invoke(cli, ["--store", store, "export", "--format", "html", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "site" / "lab-m" / "node" / "nApS-0001.html").read_text(encoding="utf-8")
    assert TEXT in page
    assert page.index('<section id="context">') < page.index('<section id="text">'), "the context comes first"
    tags = _Tags()
    tags.feed(page)
    assert not [tag for tag, _ in tags.tags if tag in ("script", "img", "iframe")]
    assert not [attrs for _, attrs in tags.tags if any(k.startswith("on") for k in attrs)]
    assert not [attrs for _, attrs in tags.tags if (attrs.get("href") or "").startswith("javascript:")]


def test_each_render_links_through_its_own_lookup() -> None:
    # One parser renders every page (rdfnotes.web.markdown): each render's links are its own page's, not those of
    # the page rendered before it.
    from rdfnotes.web.markdown import render

    text = "[[A]] and ((uid-123456))"
    first = render(text, {"A": "/a-1", "uid-123456": "/u-1"}.get)
    second = render(text, {"A": "/a-2"}.get)
    assert first == (
        '<p><a class="wiki-link" href="/a-1">A</a> and <a class="block-ref" href="/u-1">((uid-123456))</a></p>\n'
    )
    assert second == '<p><a class="wiki-link" href="/a-2">A</a> and <span class="block-ref">((uid-123456))</span></p>\n'
    assert render(text, {}.get) == (
        '<p><span class="wiki-link">A</span> and <span class="block-ref">((uid-123456))</span></p>\n'
    )
