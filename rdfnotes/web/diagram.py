"""A node's neighbourhood as an SVG diagram, laid out here (no JavaScript): the same data, the same bytes.

The node sits in the first column, the nodes one relation away in the second, two away in the third; each column
is sorted by type and title. Boxes are coloured by node type; an arrow goes from a relation's subject to its
object, coloured and dashed by relation (supports: solid green, opposes: dashed red), with a legend below. Each box
links to its node's page.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .data import Neighbourhood, NodeRef

BOX_WIDTH = 230
COLUMN_GAP = 120
MARGIN = 20
LINE_HEIGHT = 15
ROW_GAP = 14
CHARS_PER_LINE = 34
MAX_LINES = 3

NODE_COLOURS: dict[str, tuple[str, str]] = {
    "question": ("#e8f1fb", "#2b6cb0"),
    "claim": ("#fdf1e4", "#c05621"),
    "evidence": ("#e9f7ee", "#2f855a"),
    "source": ("#f1f1f4", "#4a5568"),
    "hypothesis": ("#f3eefc", "#6b46c1"),
    "result": ("#e6f7f7", "#2c7a7b"),
}
OTHER_NODE = ("#ffffff", "#8a94a6")


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    colour: str
    dash: str
    width: float


EDGE_STYLES: dict[str, EdgeStyle] = {
    "informs": EdgeStyle("informs", "#2b6cb0", "", 1.6),
    "supports": EdgeStyle("supports", "#2f855a", "", 2.6),
    "opposes": EdgeStyle("opposes", "#c53030", "7 4", 2.6),
    "source": EdgeStyle("source (evidence from)", "#4a5568", "2 3", 1.4),
    "addresses": EdgeStyle("addresses", "#6b46c1", "", 1.6),
    "other": EdgeStyle("other relation", "#8a94a6", "10 3 2 3", 1.4),
}


@dataclass(frozen=True)
class _Box:
    node: NodeRef
    column: int
    x: int
    y: int
    height: int
    lines: tuple[str, ...]


@functools.lru_cache(maxsize=1 << 16)  # a static site draws the same titles in many diagrams
def _lines(title: str) -> tuple[str, ...]:
    lines = textwrap.wrap(title, CHARS_PER_LINE, break_long_words=True) or [title]
    if len(lines) > MAX_LINES:
        lines = [
            *lines[: MAX_LINES - 1],
            textwrap.shorten(" ".join(lines[MAX_LINES - 1 :]), CHARS_PER_LINE, placeholder=" …"),
        ]
    return tuple(lines)


def render_svg(hood: Neighbourhood, href: Callable[[str], str]) -> str:
    """The diagram of ``hood`` as an SVG document; ``href(iri)`` gives the link of a node's page."""
    columns = [[hood.centre], *hood.rings]
    boxes: dict[str, _Box] = {}
    heights = []
    for column, nodes in enumerate(columns):
        y = 0
        for node in nodes:
            lines = _lines(node.title)
            height = 26 + LINE_HEIGHT * len(lines)
            x = MARGIN + column * (BOX_WIDTH + COLUMN_GAP)
            boxes[node.iri] = _Box(node, column, x, y, height, lines)
            y += height + ROW_GAP
        heights.append(y - ROW_GAP if nodes else 0)
    tallest = max(heights)
    top = MARGIN + 24
    # centre each column vertically against the tallest
    for column, nodes in enumerate(columns):
        shift = top + (tallest - heights[column]) // 2
        for node in nodes:
            box = boxes[node.iri]
            boxes[node.iri] = _Box(box.node, box.column, box.x, box.y + shift, box.height, box.lines)
    width = MARGIN * 2 + len(columns) * BOX_WIDTH + (len(columns) - 1) * COLUMN_GAP + 60
    legend_top = top + tallest + 30
    types = sorted({box.node.type for box in boxes.values()}, key=lambda t: t.rank)
    height = legend_top + 60

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="diagram-title" '
        'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">',
        f'<title id="diagram-title">Neighbourhood of {escape(hood.centre.title)}</title>',
        "<defs>",
    ]
    for key, style in EDGE_STYLES.items():
        out.append(
            f'<marker id="arrow-{key}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
            'markerUnits="userSpaceOnUse" '
            f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{style.colour}"/></marker>'
        )
    out.append("</defs>")
    headings = ("this node", "one step out", "two steps out")
    for column in range(len(columns)):
        x = MARGIN + column * (BOX_WIDTH + COLUMN_GAP)
        heading = headings[column] if column < len(headings) else f"{column} steps out"
        out.append(f'<text x="{x}" y="{MARGIN + 8}" fill="#4a5568" font-weight="600">{heading}</text>')

    out.append('<g class="edges">')
    for edge in hood.edges:
        start, end = boxes[edge.subject], boxes[edge.object]
        style = EDGE_STYLES[edge.key]
        out.append(
            f'<path class="edge edge-{edge.key}" data-relation="{escape(hood.labels[edge.predicate])}" '
            f'd="{_edge_path(start, end)}" fill="none" stroke="{style.colour}" stroke-width="{style.width}"'
            + (f' stroke-dasharray="{style.dash}"' if style.dash else "")
            + f' marker-end="url(#arrow-{edge.key})"><title>{escape(start.node.title)} — '
            f"{escape(hood.labels[edge.predicate])} → {escape(end.node.title)}</title></path>"
        )
    out.append("</g>")

    out.append('<g class="nodes">')
    for box in boxes.values():
        fill, stroke = NODE_COLOURS.get(box.node.type.key, OTHER_NODE)
        centre = " node-centre" if box.node.iri == hood.centre.iri else ""
        out.append(
            f'<a class="node node-{box.node.type.key}{centre}" href="{escape(href(box.node.iri))}" '
            f'data-iri="{escape(box.node.iri)}"><title>{escape(box.node.type.name)}: {escape(box.node.title)}</title>'
            f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{box.height}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2.5 if centre else 1.2}"/>'
            f'<text x="{box.x + 10}" y="{box.y + 16}" fill="{stroke}" font-size="10" font-weight="700" '
            f'letter-spacing="0.06em">{escape(box.node.type.name.upper())}</text>'
        )
        for i, line in enumerate(box.lines):
            out.append(
                f'<text x="{box.x + 10}" y="{box.y + 32 + i * LINE_HEIGHT}" fill="#1a202c">{escape(line)}</text>'
            )
        out.append("</a>")
    out.append("</g>")

    out.append(f'<g class="legend" transform="translate({MARGIN},{legend_top})">')
    x = 0
    for key in ("informs", "supports", "opposes", "source", "addresses", "other"):
        style = EDGE_STYLES[key]
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        out.append(
            f'<g class="legend-{key}"><line x1="{x}" y1="0" x2="{x + 34}" y2="0" stroke="{style.colour}" '
            f'stroke-width="{style.width}"{dash} marker-end="url(#arrow-{key})"/>'
            f'<text x="{x + 40}" y="4" fill="#1a202c">{escape(style.label)}</text></g>'
        )
        x += 48 + 7 * len(style.label)
    x = 0
    for node_type in types:
        fill, stroke = NODE_COLOURS.get(node_type.key, OTHER_NODE)
        out.append(
            f'<rect x="{x}" y="22" width="16" height="12" rx="3" fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{x + 22}" y="32" fill="#1a202c">{escape(node_type.name)}</text>'
        )
        x += 40 + 7 * len(node_type.name)
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _edge_path(start: _Box, end: _Box) -> str:
    """A curve from the side of ``start`` that faces ``end`` to the side of ``end`` facing back; an arc beside
    the column when both are in one column."""
    y1 = start.y + start.height // 2
    y2 = end.y + end.height // 2
    if start.column == end.column:
        x = start.x + BOX_WIDTH
        bulge = 40 + abs(y2 - y1) // 8
        return f"M {x} {y1} C {x + bulge} {y1}, {x + bulge} {y2}, {x + 2} {y2}"
    if start.column < end.column:
        x1, x2 = start.x + BOX_WIDTH, end.x - 2
    else:
        x1, x2 = start.x, end.x + BOX_WIDTH + 2
    middle = (x1 + x2) // 2
    return f"M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2} {y2}"
