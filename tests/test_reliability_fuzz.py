"""Any input, no crash: every reader either gives notes or its own ReadError naming the file (and line).

Property tests over generated and mutated inputs of every format: Roam Markdown (front matter, relation lines,
attributes, dates, headings), Obsidian vaults (front matter, ``relations.json``, the plugin's ``data.json``), Roam
JSON, Neo4j CSV and RDF files. Each example is written to disk and read through the readers' own entry points
(:func:`discover_units` / :func:`read_unit`), so file-type sniffing is fuzzed too; a second property loads
generated folders into a real store and checks the export is Turtle that parses back to the same graph.

The example budget: ``RDFNOTES_FUZZ_EXAMPLES`` examples per reader property (CI: the default below); the load
property runs a tenth of it. ``RDFNOTES_RELIABILITY_REPORT=<file>`` appends each test's figures (cases run) there:
that is where the README's "Reliability" figures come from. A crash fails the test, with the input that caused it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import RdfFormat, parse
from support import report_figure

from rdfnotes import NothingToLoad, ReadError, Store, export, load, load_config
from rdfnotes.readers import FORMATS, ReadContext, discover_units, read_path, read_unit, roam_markdown

CI_EXAMPLES = 120
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")
EXAMPLES = int(os.environ.get("RDFNOTES_FUZZ_EXAMPLES", CI_EXAMPLES))
CONFIG = load_config()


def record(name: str, cases: int, crashes: int = 0) -> None:
    report_figure(f"{name}: {cases} cases, {crashes} crashes")


def fuzz(examples: int = EXAMPLES) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# -- strategies: the pieces real exports are made of, and the characters that break naive code ------------------

FRAGMENTS = [
    "[[",
    "]]",
    "[[QUE]] - ",
    "[[EVD]] - ",
    "[[CLM]] - ",
    "[[@cite]]",
    "@cite",
    "::",
    ":: ",
    "**",
    "- ",
    "* ",
    "#",
    "# ",
    "###### ",
    "---",
    "...",
    '"',
    "'",
    "\\",
    '\\"',
    "`",
    "{{",
    "}}",
    "((abcdefghi))",
    "<",
    ">",
    "|",
    "^",
    "{",
    "}",
    "&",
    "%",
    "%zz",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u200f",
    "é",
    "…",
    "\u2019",
    "😀",
    " ",
    "  ",
    "    ",
    "https://",
    "http://a b/<x>",
    "https://doi.org/10.1/x y",
    "roamresearch.com/#/app/g/page/uid123456",
    "[x](https://roamresearch.com/#/app/lab/page/AbC-123_x)",
    "[n.md](n.md)",
    "n.md",
    "arXiv:2108.07258 [cs]",
    "10.1038/NRN2762",
    "zotero://select/x",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "title",
    "url",
    "date",
    "nodeTypeId",
    "relation_x",
    "@context",
    "uid:ID",
    "&amp;",
]
ALPHABET = st.characters(codec="utf-8", exclude_categories=["Cs"])
tricky = st.lists(st.sampled_from(FRAGMENTS) | st.text(ALPHABET, max_size=6), max_size=8).map("".join)
one_line = tricky.map(lambda s: s.replace("\n", " ").replace("\r", " "))
numbers = st.integers(-5, 99999).map(str) | st.sampled_from(["0", "00", "1", "12", "13", "24", "31", "32", "60", "99"])
dates = st.one_of(
    st.builds(
        "{} {} {} {}:{}:{} GMT{}{} ({})".format,
        st.sampled_from(["Sat Nov", "Mon Feb", "Xyz Abc", "Nov"]),
        numbers,
        numbers,
        numbers,
        numbers,
        numbers,
        st.sampled_from(["+", "-", ""]),
        numbers,
        one_line,
    ),
    st.builds(
        "{} {}{}, {}".format,
        st.sampled_from(["November", "Feb", "Sept", "Smarch"]),
        numbers,
        st.sampled_from(["st", "nd", "th", ""]),
        numbers,
    ),
    st.builds(
        "{}/{}/{}, {}:{}:{} {}".format,
        numbers,
        numbers,
        numbers,
        numbers,
        numbers,
        numbers,
        st.sampled_from(["AM", "PM", "pm", ""]),
    ),
    st.builds("{}-{}-{}".format, numbers, numbers, numbers),
    st.builds(
        "{}-{}-{}T{}:{}:{}{}".format,
        numbers,
        numbers,
        numbers,
        numbers,
        numbers,
        numbers,
        st.sampled_from(["Z", "+08:00", "-0400", "+99:99", ""]),
    ),
    st.sampled_from(["2021-11-06", "[[November 5th, 2021]]", "Sat Nov 06 2021 01:18:08 GMT+0800 (Malaysia Time)"]),
    one_line,
)
value = st.one_of(
    one_line,
    dates,
    one_line.map(lambda s: json.dumps(s, ensure_ascii=False)),
    one_line.map(lambda s: f"'{s}'"),
    one_line.map(lambda s: f"[[{s}]]"),
)
KEYS = [
    "title",
    "url",
    "author",
    "date",
    "created",
    "uid",
    "Location",
    "tags",
    "aliases",
    "nodeTypeId",
    "nodeInstanceId",
    "relation_mot005",
    "relation_x",
    "citekey",
]
front_line = st.one_of(
    st.builds("{}: {}".format, st.sampled_from(KEYS) | one_line, value),
    st.builds("  - {}".format, value),
    st.builds("- {}".format, value),
    st.builds("\t{}: {}".format, one_line, value),
    one_line,
)
LABELS = [
    "Informs",
    "Informed By",
    "Supports",
    "Supported By",
    "Opposed By",
    "Consistent With",
    "FromSource",
    "SourceFor",
    "informs",
    "is supported by",
    "Unknown Label",
]
target = st.one_of(
    one_line.map(lambda s: f"[[{s}]]"),
    one_line.map(lambda s: f"[[[[EVD]] - {s} - [[@{s}]]]]"),
    one_line.map(lambda s: f"[{s}]({s}.md)"),
    one_line.map(lambda s: f"[{s}](https://roamresearch.com/#/app/g/page/{s})"),
    one_line.map(lambda s: f"{s}.md"),
    one_line,
)
relation_line = st.one_of(
    st.builds("- **{}::** {}".format, st.sampled_from(LABELS) | one_line, target),
    st.builds("- **{}:** {}".format, st.sampled_from(LABELS), target),
    st.builds("- {}:: {}".format, st.sampled_from(LABELS) | one_line, target),
    one_line,
)
ATTRIBUTES = [
    "Title",
    "Author(s)",
    "Abstract",
    "Type",
    "Publication",
    "URL",
    "Date Added",
    "Zotero links",
    "Tags",
    "PDF links",
    "Citekey",
    "Effect size",
]
body_line = st.one_of(
    st.builds("- {}:: {}".format, st.sampled_from(ATTRIBUTES) | one_line, value | target),
    st.builds("    - **{}::** {}".format, st.sampled_from(ATTRIBUTES), value),
    st.builds("- {} : {}".format, st.sampled_from(["URL", "PDF links"]), value),
    st.builds("# {}".format, value),
    st.builds("title:: {}".format, value),
    st.sampled_from(["###### Discourse Context", "###### Discourse context", "###### References", "## Notes"]),
    st.builds("- {}".format, tricky),
    tricky,
)


@st.composite
def markdown_text(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("---")
        lines += draw(st.lists(front_line, max_size=6))
        if draw(st.integers(0, 9)):  # mostly closed
            lines.append(draw(st.sampled_from(["---", "...", " --- "])))
    lines += draw(st.lists(body_line, max_size=8))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["###### Discourse Context", "###### Discourse context"])))
        lines += draw(st.lists(relation_line, max_size=5))
        if draw(st.booleans()):
            lines += ["###### References", *draw(st.lists(body_line, max_size=3))]
    return "\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn, text: str | bytes) -> bytes:
    """Text as bytes, sometimes damaged the ways files get damaged: BOM, CRLF, stray bytes, cut short."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        data = data.replace(b"\n", b"\r\n")
    for _ in range(draw(st.integers(0, 3)) if draw(st.integers(0, 4)) == 0 else 0):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if data and draw(st.integers(0, 14)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), tricky, dates)


def json_containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(inner, max_size=3) | st.dictionaries(tricky, inner, max_size=3)


json_any = st.recursive(json_leaf, json_containers, max_leaves=8)


def maybe(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Mostly the expected shape; sometimes any JSON value in its place."""
    return st.one_of(strategy, strategy, strategy, json_any)


def parent_blocks(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.fixed_dictionaries({"text": maybe(tricky), "children": maybe(st.lists(inner, max_size=3))})


block = st.recursive(
    st.fixed_dictionaries(
        {"text": maybe(body_line | tricky), "uid": maybe(tricky)},
        optional={"order": maybe(st.integers(0, 5)), "heading": maybe(st.integers(-1, 7)), "string": maybe(tricky)},
    ),
    parent_blocks,
    max_leaves=6,
)
roam_page = st.fixed_dictionaries(
    {"title": maybe(one_line | target)},
    optional={
        "uid": maybe(st.sampled_from(["u1", "u2", "u3", ""]) | tricky),
        "children": maybe(st.lists(block, max_size=3)),
        "date": maybe(dates),
        "createdBy": maybe(tricky),
        "create-time": maybe(st.integers(-(2**63), 2**63)),
        "create-user": maybe(st.fixed_dictionaries({":user/uid": maybe(tricky)})),
        "created": maybe(dates),
    },
)
roam_relation = st.fixed_dictionaries(
    {
        "label": maybe(st.sampled_from(LABELS)),
        "source": maybe(st.sampled_from(["u1", "u2", "u9"])),
        "target": maybe(st.sampled_from(["u1", "u2", "u3", "u9"])),
    }
)
roam_json = st.one_of(
    st.fixed_dictionaries(
        {"nodes": maybe(st.lists(maybe(roam_page), max_size=4))},
        optional={"relations": maybe(st.lists(maybe(roam_relation), max_size=4)), "grammar": json_any},
    ),
    st.lists(maybe(roam_page), max_size=4),
    json_any,
)


def csv_field(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return strategy.map(lambda s: '"' + s.replace('"', '""') + '"') | strategy


NODE_HEADERS = [
    "uid:ID,label:LABEL,title,author,date",
    "uid:ID,label:LABEL,title",
    "uid:ID,title",
    "\ufeffuid:ID,label:LABEL,title,author,date",
]
csv_nodes = st.builds(
    lambda header, rows: "\n".join([header, *rows]),
    st.sampled_from(NODE_HEADERS),
    st.lists(
        st.lists(
            csv_field(
                st.sampled_from(["u1", "u2", "u3", "CLAIM", "EVIDENCE", "QUESTION", "SOURCE"]) | one_line | dates
            ),
            min_size=0,
            max_size=6,
        ).map(",".join),
        max_size=5,
    ),
)
csv_relations = st.builds(
    lambda header, rows: "\n".join([header, *rows]),
    st.sampled_from(["start:START_ID,end:END_ID,label:TYPE", "start:START_ID,end:END_ID", "x"]),
    st.lists(
        st.lists(
            csv_field(st.sampled_from(["u1", "u2", "u9", "SUPPORTS", "INFORMS", "OPPOSES"]) | one_line), max_size=4
        ).map(",".join),
        max_size=5,
    ),
)

data_json = st.fixed_dictionaries(
    {
        "nodeTypes": maybe(
            st.lists(
                maybe(
                    st.fixed_dictionaries(
                        {
                            "id": maybe(st.sampled_from(["node_q", "node_e", "node_s"])),
                            "name": maybe(st.sampled_from(["Question", "Evidence", "Source"]) | tricky),
                            "format": maybe(
                                st.sampled_from(["QUE - {content}", "EVD - {content}", "@{content}", "{content}", ""])
                                | tricky
                            ),
                        }
                    )
                ),
                max_size=3,
            )
        )
    },
    optional={
        "relationTypes": maybe(
            st.lists(
                maybe(
                    st.fixed_dictionaries(
                        {
                            "id": maybe(st.sampled_from(["relation_a", "relation_b"])),
                            "label": maybe(tricky),
                            "complement": maybe(tricky),
                        }
                    )
                ),
                max_size=3,
            )
        ),
        "discourseRelations": maybe(
            st.lists(
                maybe(
                    st.fixed_dictionaries(
                        {
                            "sourceId": maybe(st.sampled_from(["node_q", "node_e"])),
                            "destinationId": maybe(st.sampled_from(["node_q", "node_e"])),
                            "relationshipTypeId": maybe(st.sampled_from(["relation_a", "relation_b"])),
                        }
                    )
                ),
                max_size=3,
            )
        ),
    },
)
relations_json = st.fixed_dictionaries(
    {
        "version": maybe(st.just(1)),
        "relations": maybe(
            st.dictionaries(
                tricky,
                maybe(
                    st.fixed_dictionaries(
                        {
                            "type": maybe(st.sampled_from(["relation_a", "relation_b", "relation_z"])),
                            "source": maybe(st.sampled_from(["i1", "i2", "i9"])),
                            "destination": maybe(st.sampled_from(["i1", "i2", "i9"])),
                        }
                    )
                ),
                max_size=4,
            )
        ),
    },
)
obsidian_front = st.lists(
    st.one_of(
        st.builds("nodeTypeId: {}".format, st.sampled_from(["node_q", "node_e", "node_s", "node_x"]) | value),
        st.builds("nodeInstanceId: {}".format, st.sampled_from(["i1", "i2", "i9"]) | value),
        st.builds("relation_a: [{}]".format, target.map(json.dumps)),
        st.builds("relation_{}:\n  - {}".format, st.sampled_from(["a", "b", "zz"]), target.map(json.dumps) | value),
        front_line,
    ),
    max_size=6,
).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n")
obsidian_note = st.builds(lambda front, body: front + body, obsidian_front, markdown_text())

RDF_TEXT = {
    ".ttl": '@prefix ex: <http://example.org/> .\nex:a ex:b "c" ; ex:d [ ex:e ( 1 2 ) ] .\n<x> <y> """z\n""" .\n',
    ".nt": '<http://example.org/a> <http://example.org/b> "c\\n\\u00e9"@en .\n_:b1 <http://example.org/b> _:b2 .\n',
    ".nq": '<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n',
    ".trig": "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . }\n{ ex:x ex:y 1.5e3 }\n",
    ".jsonld": json.dumps(
        {
            "@context": {"ex": "http://example.org/", "name": "ex:name"},
            "@id": "ex:a",
            "name": "n",
            "ex:list": {"@list": [1, 2]},
            "@graph": [{"@id": "_:b", "ex:p": {"@id": "ex:a"}}],
        }
    ),
}
rdf_file = st.sampled_from(sorted(RDF_TEXT)).flatmap(
    lambda suffix: st.tuples(st.just(suffix), mutated(RDF_TEXT[suffix]) | st.binary(max_size=200))
)
jsonld_doc = st.builds(
    lambda context, body: json.dumps({"@context": context, **body}, ensure_ascii=False),
    maybe(st.dictionaries(tricky, maybe(tricky | st.fixed_dictionaries({"@id": tricky})), max_size=3)),
    st.dictionaries(st.sampled_from(["@id", "@type", "ex:p", "name", "@graph", "@reverse"]), json_any, max_size=3),
)


# -- the property: notes, or a ReadError naming one of the unit's files ----------------------------------------


def read_folder(folder: Path, *, format: str | None = None) -> tuple[int, int]:
    """Read every unit under ``folder``; every exception must be a ReadError naming a file of its unit."""
    units = discover_units(folder, CONFIG, format=format)
    context = ReadContext(CONFIG)
    notes = errors = 0
    for unit in units:
        try:
            content = read_unit(unit, context)
        except ReadError as exc:
            assert exc.path in {f.relpath for f in unit.files}, exc
            assert exc.line is None or exc.line >= 1, exc
            errors += 1
            continue
        for note in content.notes:
            assert isinstance(note.title, str)
            assert note.path == unit.key or note.path in {f.relpath for f in unit.files}
        notes += len(content.notes)
    # read_path (what `rdfnotes` uses to preview a folder) must agree: it never raises either.
    result = read_path(folder, CONFIG, format=format)
    assert len(result.units) == len(units)
    return notes, errors


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    for relpath, data in files.items():
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def run_reader_property(name: str, files: st.SearchStrategy[dict[str, bytes]], format: str | None = None) -> None:
    if format is not None and format not in FORMATS:
        pytest.skip(f"no {format} reader yet")
    cases = 0

    @fuzz()
    @given(files)
    def check(generated: dict[str, bytes]) -> None:
        nonlocal cases
        cases += 1
        with tempfile.TemporaryDirectory() as tmp:
            write_files(Path(tmp), generated)
            read_folder(Path(tmp), format=format)

    check()
    record(name, cases)


def test_markdown_reader_gives_notes_or_a_read_error() -> None:
    cases = 0

    @fuzz(EXAMPLES * 3)
    @given(markdown_text().flatmap(mutated) | st.binary(max_size=300))
    def check(data: bytes) -> None:
        nonlocal cases
        cases += 1
        try:
            note = roam_markdown.read(data, "dir/a note.md")
        except ReadError as exc:
            assert exc.path == "dir/a note.md"
            assert exc.line is None or 1 <= exc.line <= data.count(b"\n") + data.count(b"\r") + 1
            return
        for found in [*note.attributes, *note.links, *(r.target for r in note.relations)]:
            assert 1 <= found.line <= data.count(b"\n") + data.count(b"\r") + 1, found

    check()
    record("Roam Markdown reader (bytes)", cases)


def test_markdown_files_read_through_discovery() -> None:
    files = st.dictionaries(
        st.sampled_from(["a.md", "b.md", "sub/c.markdown", "[[QUE]] - d.md"]),
        markdown_text().flatmap(mutated),
        min_size=1,
        max_size=3,
    )
    run_reader_property("Markdown files (discovery + reader)", files)


def test_obsidian_vault_reader() -> None:
    settings_file = ".obsidian/plugins/discourse-graphs/data.json"
    vault = st.fixed_dictionaries(
        {
            settings_file: st.one_of(data_json.map(json.dumps), data_json.map(json.dumps).flatmap(mutated))
            .map(lambda d: d if isinstance(d, bytes) else d.encode())
            .filter(lambda d: b'"nodeTypes"' in d),
            "QUE - a.md": obsidian_note.flatmap(mutated),
        },
        optional={
            "relations.json": relations_json.map(lambda d: json.dumps(d).encode()).flatmap(mutated),
            "Discourse/EVD - b.md": obsidian_note.flatmap(mutated),
            "plain.md": markdown_text().flatmap(mutated),
        },
    )
    run_reader_property("Obsidian vault reader", vault, format="obsidian")


def test_roam_json_reader() -> None:
    files = st.fixed_dictionaries(
        {
            "lab_query-results_202502050900.json": roam_json.map(lambda d: json.dumps(d, ensure_ascii=False)).flatmap(
                mutated
            )
        }
    )
    run_reader_property("Roam JSON reader", files, format="roam-json")


def test_neo4j_csv_reader() -> None:
    files = st.fixed_dictionaries(
        {"g_query-results_1_nodes.csv": csv_nodes.flatmap(mutated)},
        optional={"g_query-results_1_relations.csv": csv_relations.flatmap(mutated)},
    )
    run_reader_property("Neo4j CSV reader", files, format="neo4j-csv")


BIB_FRAGMENTS = [
    "@article{",
    "@book{key2020,",
    "@string{j = {J}}",
    "}",
    "{",
    ",\n",
    "author = {",
    "Family, Given and ",
    "{Body and Co} and others",
    "title = {{A} Title}",
    "date = {2025-11}",
    "year = 2020,",
    "month = sep,",
    "pages = {285--296}",
    "doi = {10.1038/NRN2762}",
    "isbn = {978-3-16-148410-0}",
    '"quoted {x}"',
    "\\&",
    '{\\"u}',
    "%",
    "#",
    "=",
    "\n",
]
bib_text = st.lists(st.sampled_from(BIB_FRAGMENTS) | tricky, max_size=40).map("".join)
csl_name = st.fixed_dictionaries(
    {}, optional={"family": tricky, "given": tricky, "literal": tricky, "non-dropping-particle": tricky}
)
csl_item = st.fixed_dictionaries(
    {"id": tricky | json_any, "type": st.sampled_from(["article-journal", "book", "chapter"]) | tricky},
    optional={
        "author": st.lists(csl_name | json_any, max_size=3),
        "issued": st.fixed_dictionaries({"date-parts": json_any}) | json_any,
        "title": tricky | json_any,
        "container-title": tricky,
        "page": tricky,
        "DOI": tricky,
    },
)


def test_bibliography_readers() -> None:
    files = st.one_of(
        bib_text.flatmap(mutated).map(lambda data: {"library.bib": data}),
        st.lists(csl_item | json_any, max_size=4)
        .map(lambda items: json.dumps(items, ensure_ascii=False, default=str))
        .flatmap(mutated)
        .map(lambda data: {"library.json": data}),
    )
    run_reader_property("BibTeX and CSL-JSON readers", files)


def test_rdf_reader() -> None:
    files = st.one_of(
        rdf_file.map(lambda pair: {f"data{pair[0]}": pair[1]}),
        jsonld_doc.flatmap(mutated).map(lambda data: {"doc.jsonld": data}),
    )
    run_reader_property("RDF reader", files, format="rdf")


MIXED_FILES = st.dictionaries(
    st.sampled_from(["a.md", "b.json", "c_nodes.csv", "c_relations.csv", "d.ttl", "e.jsonld", "f.csv", "g.txt"]),
    st.one_of(
        markdown_text().flatmap(mutated),
        roam_json.map(json.dumps).flatmap(mutated),
        csv_nodes.flatmap(mutated),
        csv_relations.flatmap(mutated),
        rdf_file.map(lambda pair: pair[1]),
        st.binary(max_size=100),
    ),
    min_size=1,
    max_size=4,
)
MARKDOWN_FILES = st.dictionaries(
    st.sampled_from(["a.md", "b.md", "[[CLM]] - c.md", "@cite.md", "QUE - d.md"]),
    markdown_text().flatmap(mutated),
    min_size=1,
    max_size=4,
)


def test_sniffing_mixed_folders() -> None:
    """Without ``format=``: whatever a folder holds, discovery picks readers and none of them crashes."""
    run_reader_property("mixed folders (format sniffing)", MIXED_FILES)


# -- end to end: load into a real store, export valid Turtle ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "files"),
    [("Markdown folders", MARKDOWN_FILES), ("mixed folders (every format)", MIXED_FILES)],
    ids=["markdown", "mixed"],
)
def test_load_of_generated_folders_never_crashes_and_exports_turtle(
    tmp_path: Path, name: str, files: st.SearchStrategy[dict[str, bytes]]
) -> None:
    cases = 0
    store_dir = tmp_path / "store"
    folder = tmp_path / "notes"

    @fuzz(max(20, EXAMPLES // 10))
    @given(files)
    def check(generated: dict[str, bytes]) -> None:
        nonlocal cases
        cases += 1
        if folder.exists():
            shutil.rmtree(folder)
        write_files(folder, generated)
        with Store(store_dir) as store:  # one store, synced again and again: every sync must keep it whole
            try:
                report = load([folder], store, CONFIG)
            except NothingToLoad:
                return
            for problem in report.problems:
                assert problem.path in generated, problem
            turtle = export(store, "turtle")
            nquads = export(store, "nquads")
            triples = set(store.default_triples())
        assert turtle is not None and nquads is not None
        assert {quad.triple for quad in parse(turtle, format=RdfFormat.TURTLE)} == triples

    check()
    record(f"load of generated {name} (store + Turtle export)", cases)
