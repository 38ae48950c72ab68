"""HTML pages from the dataclasses of :mod:`rdfnotes.web.data`: every text escaped, no script needed.

A :class:`Pages` writes links through a :class:`~rdfnotes.web.paths.Links`, so one renderer serves both the server
(absolute paths) and the static site (relative file names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from .. import __version__
from .data import Index, Neighbourhood, NodePage, NodeRef, Related, Value
from .diagram import EDGE_STYLES, render_svg
from .markdown import render as render_markdown
from .paths import Links, node_path


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _stated(places: tuple[str, ...]) -> str:
    """Where a relation or attribute is stated: ``stated in FILE line 12; OTHER line 4``."""
    if not places:
        return ""
    return f' <span class="stated">stated in {_e("; ".join(places))}</span>'


def _sources(count: int) -> str:
    return "" if not count else f"{count} source to read" if count == 1 else f"{count} sources to read"


class Pages:
    def __init__(self, links: Links, bases: Mapping[str, str], *, static: bool = False) -> None:
        self.links = links
        self.bases = bases
        self.static = static

    def path(self, iri: str) -> str:
        return node_path(iri, self.bases)

    def href(self, iri: str) -> str:
        return self.links.page(self.path(iri))

    def node_link(self, node: NodeRef) -> str:
        return (
            f'<a class="node-link type-{_e(node.type.key)}" href="{_e(self.href(node.iri))}">'
            f'<span class="badge type-{_e(node.type.key)}">{_e(node.type.name)}</span> {_e(node.title)}</a>'
        )

    def _link(self, page: NodePage, name: str) -> str | None:
        """The href of the node a link in ``page``'s text names (``None``: the store has no such node)."""
        iri = page.links.get(name)
        return None if iri is None else self.href(iri)

    # -- the frame -----------------------------------------------------------------------------------------------

    def layout(self, title: str, body: str, *, rdf: str | None = None, query: str = "") -> str:
        """A whole page; ``rdf`` is the path of its Turtle/JSON-LD (without suffix), shown as links."""
        alternates = ""
        formats = ""
        if rdf is not None:
            turtle, jsonld = self.links.file(rdf + ".ttl"), self.links.file(rdf + ".jsonld")
            alternates = (
                f'<link rel="alternate" type="text/turtle" href="{_e(turtle)}">\n'
                f'<link rel="alternate" type="application/ld+json" href="{_e(jsonld)}">\n'
            )
            formats = (
                f'<p class="formats">This page as data: <a href="{_e(turtle)}" type="text/turtle">Turtle</a> · '
                f'<a href="{_e(jsonld)}" type="application/ld+json">JSON-LD</a></p>'
            )
        sparql = "" if self.static else ' · <a href="/sparql">SPARQL endpoint</a>'
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)} · rdfnotes</title>\n"
            f'<link rel="stylesheet" href="{_e(self.links.file("static/style.css"))}">\n'
            f"{alternates}"
            "</head>\n<body>\n"
            '<header class="top">'
            f'<a class="home" href="{_e(self.links.page(""))}">rdfnotes</a>'
            f'<form class="search" role="search" action="{_e(self.links.page("search"))}" method="get">'
            f'<input type="search" name="q" value="{_e(query)}" placeholder="Search titles" aria-label="Search titles">'
            '<button type="submit">Search</button></form>'
            "</header>\n"
            f"<main>\n{body}\n</main>\n"
            f"<footer>{formats}<p>rdfnotes {_e(__version__)}{sparql}</p></footer>\n"
            "</body>\n</html>\n"
        )

    # -- pages ---------------------------------------------------------------------------------------------------

    def index(self, index: Index) -> str:
        types = index.types
        head = "".join(f'<th scope="col">{_e(t.name)}</th>' for t in types)
        lab_rows = []
        for lab in index.labs:
            cells = "".join(f'<td class="num">{lab.counts.get(t.key, 0)}</td>' for t in types)
            lab_rows.append(
                f'<tr><th scope="row">{_e(lab.name)}</th><td class="num">{lab.files}</td>{cells}'
                f'<td class="iri">{_e(lab.base)}</td></tr>'
            )
        totals = "".join(f'<td class="num">{sum(lab.counts.get(t.key, 0) for lab in index.labs)}</td>' for t in types)
        labs = (
            '<section id="labs"><h2>Labs</h2>'
            f'<table class="counts"><thead><tr><th scope="col">lab</th><th scope="col">files</th>{head}'
            '<th scope="col">base IRI</th></tr></thead>'
            f"<tbody>{''.join(lab_rows)}</tbody>"
            f'<tfoot><tr><th scope="row">all</th><td class="num">{sum(lab.files for lab in index.labs)}</td>'
            f"{totals}<td></td></tr></tfoot></table></section>"
        )
        if index.open_questions:
            items = "".join(
                f"<li>{self.node_link(q.node)} "
                f'<span class="meta">{_e(", ".join(filter(None, [q.author, q.created[:10], _sources(q.sources)])))}'
                f'</span> <a class="diagram-link" href="{_e(self.links.page(self.path(q.node.iri) + "/diagram"))}">'
                "diagram</a></li>"
                for q in index.open_questions
            )
            open_questions = f'<ul class="nodes">{items}</ul>'
        else:
            open_questions = '<p class="empty">None: every question has evidence or a claim.</p>'
        if index.contested_claims:
            items = "".join(
                f"<li>{self.node_link(c.node)} "
                f'<span class="tally"><span class="for">{c.supporting} supporting</span> · '
                f'<span class="against">{c.opposing} opposing</span></span></li>'
                for c in index.contested_claims
            )
            contested = f'<ul class="nodes">{items}</ul>'
        else:
            contested = '<p class="empty">None: no claim has evidence both for and against.</p>'
        questions = "".join(
            f"<li>{self.node_link(q)} "
            f'<a class="diagram-link" href="{_e(self.links.page(self.path(q.iri) + "/diagram"))}">diagram</a></li>'
            for q in index.questions
        )
        loads = ""
        if index.loads:
            items = "".join(
                f"<li><strong>{_e(r.lab)}</strong> load {r.load} at {_e(r.time)}: notes {r.notes_added} added, "
                f"{r.notes_removed} removed, {r.notes_changed} changed; relation statements {r.relations_added} "
                f"added, {r.relations_removed} removed</li>"
                for r in index.loads
            )
            loads = f'<section id="loads"><h2>Last loads</h2><ul class="loads">{items}</ul></section>\n'
        body = (
            "<h1>Discourse graph</h1>\n"
            f"{labs}\n{loads}"
            f'<section id="open-questions"><h2>Open questions</h2>'
            '<p class="hint">No evidence informs them and no claim addresses them.</p>'
            f"{open_questions}</section>\n"
            f'<section id="contested-claims"><h2>Contested claims</h2>'
            '<p class="hint">Evidence supports them and evidence opposes them.</p>'
            f"{contested}</section>\n"
            f'<section id="questions"><h2>All questions</h2><ul class="nodes">{questions}</ul></section>'
        )
        return self.layout("Discourse graph", body, rdf="index")

    def node(self, page: NodePage, diagram: Neighbourhood | None = None) -> str:
        ref = page.ref
        path = self.path(ref.iri)
        facts = [("Type", _e(ref.type.name))]
        if page.lab:
            facts.append(("Lab", _e(page.lab)))
        facts.append(("File", f"<code>{_e(page.path)}</code>" if page.path else "none: only linked to"))
        if page.authors:
            facts.append(("Author", _e(", ".join(page.authors))))
        if page.created:
            facts.append(("Created", f'<time datetime="{_e(page.created)}">{_e(page.created)}</time>'))
        if page.identifiers:
            facts.append(("Identifiers", ", ".join(self.value(v) for v in page.identifiers)))
        facts.append(("IRI", f'<code class="iri">{_e(ref.iri)}</code>'))
        if page.label != ref.title:
            facts.append(("Name", _e(page.label)))
        provenance = "".join(f'<tr><th scope="row">{name}</th><td>{value}</td></tr>' for name, value in facts)
        sections = [
            f'<p class="kicker"><span class="badge type-{_e(ref.type.key)}">{_e(ref.type.name)}</span></p>'
            f"<h1>{_e(ref.title)}</h1>",
            f'<table class="facts">{provenance}</table>',
        ]
        if page.context:
            groups = []
            for group in page.context:
                items = "".join(self.related(item) for item in group.items)
                groups.append(
                    f'<div class="relation relation-{_e(group.key)}"><h3>{_e(group.label)}</h3>'
                    f'<ul class="nodes">{items}</ul></div>'
                )
            sections.append(f'<section id="context"><h2>Discourse context</h2>{"".join(groups)}</section>')
        else:
            sections.append(
                '<section id="context"><h2>Discourse context</h2><p class="empty">No relations.</p></section>'
            )
        # The discourse context first, then the note's text rendered, its Markdown as written folded below it.
        if page.body:
            text = render_markdown(page.body, lambda name: self._link(page, name))
            sections.append(
                f'<section id="text"><h2>Text</h2><div class="body">{text}</div>'
                f'<details class="raw"><summary>The text as written</summary><pre>{_e(page.body)}</pre></details>'
                "</section>"
            )
        if page.abstract:
            sections.append(f'<section id="abstract"><h2>Abstract</h2><p>{_e(page.abstract)}</p></section>')
        if diagram is not None:
            sections.append(
                '<section id="neighbourhood"><h2>Neighbourhood</h2>'
                f'<p><a href="{_e(self.links.page(path + "/diagram"))}">Open the diagram on its own page</a>'
                f"{self._left_out_note(diagram)}</p>"
                f'<div class="diagram-frame">{render_svg(diagram, self.href)}</div></section>'
            )
        if page.properties:
            rows = "".join(
                f'<tr><th scope="row">{_e(name)}</th><td>{", ".join(self.value(v) for v in values)}</td></tr>'
                for name, values in page.properties
            )
            sections.append(
                f'<section id="properties"><h2>More about it</h2><table class="facts">{rows}</table></section>'
            )
        return self.layout(ref.title, "\n".join(sections), rdf=path)

    def related(self, item: Related) -> str:
        sources = ""
        if item.sources:
            sources = (
                '<ul class="sources">'
                + "".join(f'<li><span class="from">from</span> {self.node_link(s)}</li>' for s in item.sources)
                + "</ul>"
            )
        return f"<li>{self.node_link(item.node)}{_stated(item.stated)}{sources}</li>"

    def value(self, value: Value) -> str:
        if value.link and value.link.startswith(("http://", "https://")):
            return f'<a href="{_e(value.link)}" rel="nofollow">{_e(value.text)}</a>{_stated(value.stated)}'
        return _e(value.text) + _stated(value.stated)

    def _left_out_note(self, hood: Neighbourhood) -> str:
        counts = [len(ring) for ring in hood.left_out]
        if not any(counts):
            return ""
        return f" ({sum(counts)} more nodes left out of the drawing: see the diagram's page)"

    def diagram(self, hood: Neighbourhood) -> str:
        path = self.path(hood.centre.iri)
        left_out = []
        for step, ring in enumerate(hood.left_out, start=1):
            if not ring:
                continue
            by_type: dict[str, int] = {}
            for node in ring:
                by_type[node.type.name] = by_type.get(node.type.name, 0) + 1
            summary = ", ".join(f"{n} {name}" for name, n in by_type.items())
            items = "".join(f"<li>{self.node_link(node)}</li>" for node in ring)
            left_out.append(
                f'<details class="left-out"><summary>{len(ring)} more {"node" if len(ring) == 1 else "nodes"} '
                f"{step} step{'s' if step > 1 else ''} out not drawn ({_e(summary)})"
                f"{' and their own neighbours' if step < len(hood.rings) else ''}</summary>"
                f'<ul class="nodes">{items}</ul></details>'
            )
        drawn = 1 + sum(len(ring) for ring in hood.rings)
        body = (
            f'<p class="kicker">Neighbourhood of</p><h1>{self.node_link(hood.centre)}</h1>'
            f'<p class="hint">{drawn} nodes and {len(hood.edges)} relations, up to two steps out; '
            "arrows go from a relation's subject to its object.</p>"
            + "".join(left_out)
            + f'<div class="diagram-frame">{render_svg(hood, self.href)}</div>'
            + self._legend_text()
        )
        return self.layout(f"Neighbourhood of {hood.centre.title}", body, rdf=path + "/diagram")

    def _legend_text(self) -> str:
        items = "".join(
            f'<li class="legend-{key}"><span class="swatch edge-{key}"></span>{_e(style.label)}</li>'
            for key, style in EDGE_STYLES.items()
        )
        return f'<ul class="legend">{items}</ul>'

    def search(self, query: str, results: Iterable[NodeRef], total: int) -> str:
        found = list(results)
        items = "".join(f'<li data-title="{_e(n.title)}">{self.node_link(n)}</li>' for n in found)
        if self.static:
            summary = f"{total} nodes. Type words above to find a node by its title."
        elif not query.strip():
            summary = "Type a word of a title above."
        elif total == 0:
            summary = f"No node has “{_e(query)}” in its title."
        else:
            shown = f" (the first {len(found)} shown)" if total > len(found) else ""
            summary = f"{total} node{'s' if total != 1 else ''} match “{_e(query)}”{shown}."
        script = f'<script src="{_e(self.links.file("static/search.js"))}" defer></script>' if self.static else ""
        body = (
            "<h1>Search</h1>"
            f'<p id="summary" class="hint">{summary}</p>'
            f'<ul id="results" class="nodes">{items}</ul>{script}'
        )
        return self.layout(f"Search: {query}" if query else "Search", body, query=query)

    def not_found(self, what: str) -> str:
        body = (
            '<h1 class="not-found">404: not found</h1>'
            f"<p>{_e(what)}</p>"
            f'<p>Start from the <a href="{_e(self.links.page(""))}">index</a> or search for a title above.</p>'
        )
        return self.layout("Not found", body)
