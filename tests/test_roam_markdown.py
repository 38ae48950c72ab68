"""The Roam Markdown reader, one era and one quirk at a time."""

from __future__ import annotations

import pytest

from rdfnotes.errors import ReadError
from rdfnotes.model import Note
from rdfnotes.readers import roam_markdown


def read(data: bytes, path: str = "page.md") -> Note:
    return roam_markdown.read(data, path)


def test_2021_export_one_colon_relations_and_plain_date() -> None:
    note = read(
        b"---\ntitle: EVD - Naps help\nurl: https://roamresearch.com/#/app/lab/page/abcDEF123\n"
        b"author: Joel Chan\ndate: 2021-11-05\n---\n\n- a finding\n\n###### Discourse Context\n\n"
        b"- **Informs:** [[QUE - Do naps help]]\n- **Supports:** [[CLM - Naps help]]\n",
        "EVD - Naps help.md",
    )
    assert note.title == "EVD - Naps help"
    assert (note.graph, note.uid, note.author, note.created) == ("lab", "abcDEF123", "Joel Chan", "2021-11-05")
    assert [(r.label, r.target.target) for r in note.relations] == [
        ("Informs", "QUE - Do naps help"),
        ("Supports", "CLM - Naps help"),
    ]
    assert note.body == "- a finding"


def test_2022_export_title_that_is_not_valid_yaml() -> None:
    note = read(
        b"---\ntitle: [[EVD]] - Recall rose - [[@smith2020]]\ndate: Sat Nov 06 2021 01:18:08 GMT+0800 (Malaysia Time)\n"
        b"---\n\n###### Discourse Context\n\n- **Informed By::** [[@smith2020]]\n",
        "EVD - Recall rose - @smith2020.md",
    )
    assert note.title == "[[EVD]] - Recall rose - [[@smith2020]]"
    assert note.created == "Sat Nov 06 2021 01:18:08 GMT+0800 (Malaysia Time)"
    assert [(r.label, r.target.target) for r in note.relations] == [("Informed By", "@smith2020")]


def test_2024_export_quoted_title_with_escapes_and_lower_case_heading() -> None:
    note = read(
        b'---\ntitle: "[[EVD]] - \\"Quoted\\" result - [[@a2020]]"\n---\n\n- body\n\n'
        b"###### Discourse context\n\n- **Supports::** [[[[CLM]] - A claim: with colon]]\n",
    )
    assert note.title == '[[EVD]] - "Quoted" result - [[@a2020]]'
    assert [(r.label, r.target.target) for r in note.relations] == [("Supports", "[[CLM]] - A claim: with colon")]


@pytest.mark.parametrize(
    ("line", "target", "uid"),
    [
        ("- **Informs::** [[QUE - Plain]]", "QUE - Plain", None),
        ("- **Informs::** [QUE - Md link.md](QUE%20-%20Md%20link.md)", "QUE - Md link", None),
        ("- **Informs::** QUE - Bare name.md", "QUE - Bare name", None),
        ("- **Informs::** [QUE - Roam](https://roamresearch.com/#/app/g/page/Xy7_-abc1)", "QUE - Roam", "Xy7_-abc1"),
        ("- **Informs::** [[[[QUE]] - Nested - [[@c2021]]]]", "[[QUE]] - Nested - [[@c2021]]", None),
        ("- **Informs::** [[QUE - Cut to left...right end]]", "QUE - Cut to left...right end", None),
    ],
)
def test_every_link_form_in_a_relation_line(line: str, target: str, uid: str | None) -> None:
    note = read(f"---\ntitle: EVD - x\n---\n###### Discourse Context\n{line}\n".encode())
    assert [(r.target.target, r.target.uid) for r in note.relations] == [(target, uid)]


def test_references_section_is_ignored() -> None:
    note = read(
        b"---\ntitle: EVD - x\n---\n###### Discourse Context\n- **Informs::** [[QUE - a]]\n\n"
        b"###### References\n\n[[QUE - b]]\n\n- Informed By:: [[EVD - y]]\n"
    )
    assert [r.target.target for r in note.relations] == ["QUE - a"]
    assert note.links == [] and note.attributes == []


def test_attributes_roam_and_zotero_forms_with_nesting() -> None:
    note = read(
        b"---\ntitle: '@src'\n---\n- metadata::\n    - Title:: A paper\n    - Author(s):: [[Ann Lee]], [[Bo Chen]]\n"
        b"- URL : https://doi.org/10.1/X\n- PDF links : [f.pdf](zotero://open-pdf/1)\n- Comment: not an attribute\n"
    )
    assert note.title == "@src"
    assert [(a.key, a.value) for a in note.attributes] == [
        ("metadata", ""),
        ("Title", "A paper"),
        ("Author(s)", "[[Ann Lee]], [[Bo Chen]]"),
        ("URL", "https://doi.org/10.1/X"),
        ("PDF links", "[f.pdf](zotero://open-pdf/1)"),
    ]
    assert [a.line for a in note.attributes] == [4, 5, 6, 7, 8]
    assert note.body == "- Comment: not an attribute"


def test_body_links_tags_and_leftovers() -> None:
    note = read(
        b"---\ntitle: x\n---\n- see [[Jan Born]] and #[[spaced repetition]] and #sleep\n"
        b"- {{[[TODO]]}} ((abcdefghi)) `[[not a link]]` https://example.org/#anchor\n"
    )
    assert [(link.target, link.line) for link in note.links] == [
        ("Jan Born", 4),
        ("spaced repetition", 4),
        ("sleep", 4),
    ]


def test_page_without_front_matter_takes_its_heading_as_title() -> None:
    note = read(b"# [[EVD]] - Actin grew - [[@x2020]]\n## Summary\n  - text\n", "-EVD-Actin-grew.md")
    assert note.title == "[[EVD]] - Actin grew - [[@x2020]]"
    assert note.name == "-EVD-Actin-grew"
    assert note.body.startswith("## Summary")


def test_crlf_and_bom_are_read_as_text() -> None:
    note = read(b"\xef\xbb\xbf---\r\ntitle: CLM - x\r\n---\r\n- body\r\n")
    assert note.title == "CLM - x"
    assert note.body == "- body"


def test_unclosed_front_matter_names_the_line() -> None:
    with pytest.raises(ReadError) as caught:
        read(b"---\ntitle: x\n- body\n", "bad.md")
    assert (caught.value.path, caught.value.line) == ("bad.md", 1)
    assert "never closed" in str(caught.value)


def test_invalid_utf8_names_the_line() -> None:
    with pytest.raises(ReadError) as caught:
        read(b"---\ntitle: x\n---\n- ok\n- bad \xff here\n", "bad.md")
    assert caught.value.line == 5
    assert str(caught.value).startswith("bad.md:5: not valid UTF-8")


def test_binary_file_is_refused() -> None:
    with pytest.raises(ReadError, match="binary"):
        read(b"\x89PNG\r\n\x1a\n\x00\x00", "image.md")


def test_front_matter_line_that_is_not_key_value_is_reported() -> None:
    note = read(b"---\ntitle: x\njust words\n---\n")
    assert [(p.line, p.severity) for p in note.problems] == [(3, "warning")]
