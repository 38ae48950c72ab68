"""``rdfnotes validate``: the shapes and the checks over the notes, on the real fixtures and on seeded faults.

Each seeded-fault test writes a small folder of notes and checks the exact findings: rule, file, line, severity.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
import rdflib
from click.testing import CliRunner
from support import LAB_A, LAB_B, LAB_C, MATSULAB, SOCIAL_MEDIA, load_into, writable_copy

from rdfnotes.cli import cli
from rdfnotes.config import load_config
from rdfnotes.validate import NOTE_RULES, Finding, ValidationReport, rules, shapes_path, validate
from rdfnotes.vocab import RN

Row = tuple[str, str, str, int | None]
"""(severity, rule, file relative to the folder validated, line)"""


def rows(report: ValidationReport, root: Path) -> list[Row]:
    return [(f.severity, f.rule, _relative(f, root), f.line) for f in report.findings]


def _relative(finding: Finding, root: Path) -> str:
    assert finding.file is not None, finding
    return PurePosixPath(finding.file).relative_to(root.as_posix()).as_posix()


def notes(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def page(title: str, *lines: str, uid: str | None = None) -> str:
    """A Roam discourse-graph Markdown page (front matter on lines 1-4, then the lines given from line 6)."""
    url = f"https://roamresearch.com/#/app/lab-t/page/{uid}" if uid else "https://roamresearch.com/#/app/lab-t"
    return f"---\ntitle: {title}\nurl: {url}\n---\n\n" + "".join(line + "\n" for line in lines)


# A sound little graph the fault tests add one fault to; alone it validates clean.
SOUND = {
    "QUE - Does sleep help.md": page("[[QUE]] - Does sleep help"),
    "CLM - Sleep helps.md": page("[[CLM]] - Sleep helps"),
    "EVD - Recall improved - @smith2020.md": page(
        "[[EVD]] - Recall improved - [[@smith2020]]",
        "###### Discourse Context",
        "",
        "- **Supports::** [[CLM - Sleep helps]]",
        "- **Informs::** [[QUE - Does sleep help]]",
    ),
}


def check(tmp_path: Path, extra: dict[str, str]) -> list[Row]:
    root = notes(tmp_path / "lab-t", {**SOUND, **extra})
    return rows(validate([root], load_config()), root)


# -- the real fixtures ------------------------------------------------------------------------------------------------


def test_lab_a_is_sound() -> None:
    report = validate([LAB_A], load_config())
    assert report.findings == []
    assert (report.files, report.exit_status(), report.exit_status(strict=True)) == (10, 0, 0)
    assert report.summary() == "Validated 10 files (515 triples): 0 errors, 0 warnings; sound."


def test_one_path_given_alone_is_validated_as_that_path(tmp_path: Path) -> None:
    root = notes(tmp_path / "lab-t", {**SOUND, "CLM - Lonely": "- **Supports::** [[QUE - Nowhere]]\n"})
    expected = validate([root], load_config()).to_json()
    assert validate(root, load_config()).to_json() == expected
    assert validate(str(root), load_config()).to_json() == expected


def test_the_seeded_sound_graph_is_sound(tmp_path: Path) -> None:
    assert check(tmp_path, {}) == []


def test_social_media_export_reports_its_missing_pages_and_the_template() -> None:
    """What is really wrong in the 2024 export: nine evidence pages are linked to from their source pages but were
    never exported (no file has their title in the Markdown export nor in the Neo4j export of the same graph; most
    are reworded versions of pages that do exist), and the node template "[[EVD]] - This is a Evidence page. -
    {Source}" is an evidence node with no source. Everything else fits the shapes: all 65 supports and 8 opposes go
    from evidence to a claim, both informs reach a question, every DOI is normalised, every node has one label."""
    root = SOCIAL_MEDIA / "md"
    report = validate([root], load_config())
    assert rows(report, root) == [
        ("warning", "missing-page", "@arugueteNewsSharingGatekeeping2020.md", 42),
        ("warning", "missing-page", "@leeDoesSocialMedia2018.md", 150),
        ("warning", "missing-page", "@sainudiinCharacterizingTwitterNetwork2019.md", 325),
        ("warning", "missing-page", "@sainudiinCharacterizingTwitterNetwork2019.md", 326),
        ("warning", "missing-page", "@sainudiinCharacterizingTwitterNetwork2019.md", 329),
        ("warning", "missing-page", "@stoicaAlgorithmicGlassCeiling2018.md", 91),
        ("warning", "missing-page", "@stoicaAlgorithmicGlassCeiling2018.md", 95),
        ("warning", "missing-page", "@stoicaAlgorithmicGlassCeiling2018.md", 96),
        ("warning", "missing-page", "@worknehSocialMediaProtest2020.md", 53),
        ("warning", "evidence-source", "[[EVD]] - This is a Evidence page. - {Source}.md", None),
    ]
    assert report.exit_status() == 0 and report.exit_status(strict=True) == 1
    worknehs = [f for f in report.findings if f.file and f.file.endswith("@worknehSocialMediaProtest2020.md")]
    assert "According to interviews of educated Ethiopians" in worknehs[0].message


def test_social_media_neo4j_export_reports_the_template_only() -> None:
    """The Neo4j CSV export holds only nodes and relations, not the source pages' outlines, so the links to the nine
    missing evidence pages are not in it; the template's missing source is."""
    root = SOCIAL_MEDIA / "neo4j"
    report = validate([root], load_config())
    assert [(f.severity, f.rule, f.node is not None) for f in report.findings] == [("warning", "evidence-source", True)]
    assert (
        report.findings[0].file
        == (root / "dg-social-media-polarization_query-results_202409111250_nodes.csv").as_posix()
    )


def test_matsulab_reports_the_page_exported_twice() -> None:
    """The RES page is in the folder twice, once per Markdown dialect ('[[RES]] - ….md' with front matter and
    '-RES-…-2024-05-06T05-33-23-775Z.md' with a heading): two files claim one title. Nothing else is wrong: each
    evidence and result names its source in its title."""
    report = validate([MATSULAB], load_config())
    later = "[[RES]] - Simulated pit internalization increased with decreasing values of branch periodicity and "
    assert [(s, r, f[: len(later)], line) for s, r, f, line in rows(report, MATSULAB)] == [
        ("error", "duplicate-title", later, None)
    ]
    assert "-RES-Simulated-pit-internalization" in report.findings[0].message
    assert report.exit_status() == 1


def test_lab_c_roam_json_is_sound() -> None:
    assert validate([LAB_C], load_config()).findings == []


# -- seeded faults: the shapes ------------------------------------------------------------------------------------


def test_supports_from_a_question_breaks_the_grammar_on_its_line(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        {
            "QUE - Other.md": page(
                "[[QUE]] - Other", "###### Discourse Context", "", "- **Supports::** [[CLM - Sleep helps]]"
            )
        },
    )
    assert found == [("error", "supports-source", "QUE - Other.md", 8)]


def test_a_relation_stated_on_both_pages_is_reported_on_both_lines(tmp_path: Path) -> None:
    """Evidence informs a claim: wrong (informs reaches a question), and both pages say it."""
    found = check(
        tmp_path,
        {
            "CLM - Sleep helps.md": page(
                "[[CLM]] - Sleep helps",
                "###### Discourse Context",
                "",
                "- **Informed By::** [[EVD - Bad - @smith2020]]",
            ),
            "EVD - Bad - @smith2020.md": page(
                "[[EVD]] - Bad - [[@smith2020]]",
                "###### Discourse Context",
                "",
                "- **Informs::** [[CLM - Sleep helps]]",
            ),
        },
    )
    assert found == [
        ("error", "informs-target", "CLM - Sleep helps.md", 8),
        ("error", "informs-target", "EVD - Bad - @smith2020.md", 8),
    ]


def test_a_relation_joining_a_plain_page_breaks_the_grammar(tmp_path: Path) -> None:
    """Any configured relation (here the symmetric Consistent With) joins discourse nodes, not a plain page."""
    found = check(
        tmp_path,
        {
            "CLM - Sleep helps.md": page(
                "[[CLM]] - Sleep helps", "###### Discourse Context", "", "- **Consistent With::** [[Some topic]]"
            )
        },
    )
    assert found == [("warning", "relation-plain-page", "CLM - Sleep helps.md", 8)]


def test_evidence_without_a_source_is_a_warning(tmp_path: Path) -> None:
    root = notes(tmp_path / "lab-t", {**SOUND, "EVD - Unsourced.md": page("[[EVD]] - Unsourced")})
    report = validate([root], load_config())
    assert rows(report, root) == [("warning", "evidence-source", "EVD - Unsourced.md", None)]
    assert report.exit_status() == 0 and report.exit_status(strict=True) == 1


def test_a_date_that_is_not_read_is_reported_on_its_line(tmp_path: Path) -> None:
    found = check(tmp_path, {"@smith2020.md": page("@smith2020", "- Title:: A study", "- Date Added:: someday soon")})
    assert found == [("warning", "date-added-typed", "@smith2020.md", 7)]


def test_a_doi_not_normalised_in_rdf_from_elsewhere(tmp_path: Path) -> None:
    turtle = (
        "@prefix bibo: <http://purl.org/ontology/bibo/> .\n"
        '<https://example.org/work/1> bibo:doi "https://doi.org/10.1038/NRN2762" .\n'
        '<https://example.org/work/2> bibo:doi "10.1038/nn1078" .\n'
    )
    found = check(tmp_path, {"other/works.ttl": turtle})
    assert found == [("error", "doi-normalised", "other/works.ttl", None)]


def test_two_types_and_two_labels_on_one_node(tmp_path: Path) -> None:
    """Two files with one Roam uid are one node: it gets both titles and both types."""
    found = check(
        tmp_path,
        {
            "CLM - Twin.md": page("[[CLM]] - Twin", uid="TWIN00001"),
            "EVD - Twin - @smith2020.md": page("[[EVD]] - Twin - [[@smith2020]]", uid="TWIN00001"),
        },
    )
    assert found == [
        ("error", "node-label", "CLM - Twin.md", None),
        ("error", "node-type", "CLM - Twin.md", None),
        ("error", "duplicate-identity", "EVD - Twin - @smith2020.md", None),
        ("error", "node-label", "EVD - Twin - @smith2020.md", None),
        ("error", "node-type", "EVD - Twin - @smith2020.md", None),
    ]


# -- seeded faults: the notes ---------------------------------------------------------------------------------------


def test_link_to_a_discourse_page_that_has_no_file(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        {
            "CLM - Sleep helps.md": page(
                "[[CLM]] - Sleep helps",
                "- see [[CLM - Nowhere]] and [[Some topic]] and [[@jones2019]] on [[March 14th, 2023]]",
                "- again [[CLM - Nowhere]]",
            )
        },
    )
    # Plain pages, sources and daily pages are only linked to in an export: not reported. One finding per page.
    assert found == [("warning", "missing-page", "CLM - Sleep helps.md", 6)]


def test_two_files_claiming_one_title(tmp_path: Path) -> None:
    found = check(tmp_path, {"CLM - Sleep helps (copy).md": page("[[CLM]] - Sleep helps")})
    assert found == [("error", "duplicate-title", "CLM - Sleep helps.md", None)]


def test_unknown_marker_and_relation_label(tmp_path: Path) -> None:
    found = check(
        tmp_path,
        {
            "XYZ - Odd.md": page("[[XYZ]] - Odd"),
            "CLM - Other.md": page(
                "[[CLM]] - Other", "###### Discourse Context", "", "- **Refutes::** [[CLM - Sleep helps]]"
            ),
        },
    )
    assert found == [
        ("warning", "unknown-relation", "CLM - Other.md", 8),
        ("warning", "unknown-node-type", "XYZ - Odd.md", None),
    ]


def test_a_front_matter_line_the_reader_skips(tmp_path: Path) -> None:
    found = check(tmp_path, {"CLM - Broken.md": "---\ntitle: [[CLM]] - Broken\nthis is not a pair\n---\n"})
    assert found == [("warning", "read", "CLM - Broken.md", 3)]


def test_a_missing_path_is_an_error_and_the_rest_is_validated(tmp_path: Path) -> None:
    report = validate([LAB_A, tmp_path / "nowhere"], load_config())
    assert [(f.severity, f.rule, f.file) for f in report.findings] == [("error", "read", str(tmp_path / "nowhere"))]


def test_the_store_is_validated_without_paths(tmp_path: Path) -> None:
    folder = notes(
        tmp_path / "lab-t",
        {**SOUND, "QUE - Other.md": page("[[QUE]] - Other", "", "- **Supports::** [[CLM - Sleep helps]]")},
    )
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        report = validate(store, load_config())
    # The shapes run on the store; files come from its note graphs, lines from where the store says each relation
    # is stated (line 7: the page's first line after the front matter and a blank line).
    assert [(f.rule, f.file, f.line) for f in report.findings] == [
        ("supports-source", (folder / "QUE - Other.md").resolve().as_posix(), 7)
    ]


# -- the shapes file -------------------------------------------------------------------------------------------------


def test_shapes_use_only_declared_rn_terms_and_every_shape_has_severity_and_message() -> None:
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    used = {str(t) for triple in shapes for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(RN.iri)}
    assert used and all(t.removeprefix(RN.iri) in RN.names for t in used), used
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    named = {
        s
        for s in shapes.subjects(rdflib.RDF.type, None)
        if (s, sh.path, None) in shapes
        or (s, sh.targetClass, None) in shapes
        or (s, sh.targetSubjectsOf, None) in shapes
    }
    assert named
    for shape in named:
        assert shapes.value(shape, sh.severity) in (sh.Violation, sh.Warning), shape
        assert shapes.value(shape, sh.message) is not None, shape
    ids = [rule for rule, _ in rules()]
    assert len(ids) == len(set(ids)) and set(NOTE_RULES) <= set(ids) and "supports-source" in ids


# -- the command line ------------------------------------------------------------------------------------------------


def invoke(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "validate", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_cli_clean_folder_exits_0(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, str(LAB_A))
    assert (code, out) == (0, "Validated 10 files (515 triples): 0 errors, 0 warnings; sound.\n")


def test_cli_errors_exit_1_and_name_file_and_line(tmp_path: Path) -> None:
    folder = notes(
        tmp_path / "lab-t",
        {**SOUND, "QUE - Other.md": page("[[QUE]] - Other", "", "- **Supports::** [[CLM - Sleep helps]]")},
    )
    code, out = invoke(tmp_path, str(folder))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{folder.as_posix()}/QUE - Other.md:7: error: only evidence or a claim supports")
    assert lines[0].endswith("[supports-source]")
    assert lines[-1] == "Validated 4 files (58 triples): 1 error, 0 warnings; not sound."


def test_cli_warnings_exit_0_unless_strict(tmp_path: Path) -> None:
    folder = notes(tmp_path / "lab-t", {**SOUND, "EVD - Unsourced.md": page("[[EVD]] - Unsourced")})
    assert invoke(tmp_path, str(folder))[0] == 0
    assert invoke(tmp_path, str(folder), "--strict")[0] == 1


def test_cli_json_is_sorted_and_stable(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, str(MATSULAB), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {"errors": 1, "files": 6, "triples": 119, "warnings": 0}
    assert [(f["rule"], f["severity"], f["line"]) for f in data["findings"]] == [("duplicate-title", "error", None)]
    assert set(data["findings"][0]) == {"severity", "rule", "file", "line", "node", "message"}
    assert invoke(tmp_path, str(MATSULAB), "--format", "json")[1] == out


def test_cli_missing_paths_only_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


# -- lab-b (Obsidian vault) ------------------------------------------------------------------------------------------


def test_lab_b_reports_the_relation_pointing_outside_the_vault() -> None:
    """relations.json's sixth relation ('supports' from the motor-gains evidence) names a nodeInstanceId no note of
    the vault has: an error. The same evidence note also has no source at all (its text says the paper is "not yet
    in our library"): a warning. The other evidence note's source comes through the vault's 'derived from'
    relation, which the shape accepts."""
    report = validate([LAB_B], load_config())
    evidence = "Discourse/EVD - Motor gains after sleep vanished when time of day was controlled.md"
    assert rows(report, LAB_B) == [
        ("warning", "evidence-source", evidence, None),
        ("error", "missing-node", evidence, None),
    ]
    assert "019b8a10-9999-7000-8000-0000000deaad" in report.errors[0].message


@pytest.mark.parametrize("name", sorted(NOTE_RULES))
def test_every_note_rule_is_described(name: str) -> None:
    assert NOTE_RULES[name]


def test_two_vault_notes_with_one_node_instance_id(tmp_path: Path) -> None:
    """A note copied inside the vault keeps its nodeInstanceId: two files, one identity, so one node with two
    labels. (The vault's own findings stay as they are.)"""
    vault = writable_copy(LAB_B, tmp_path)
    claim = vault / "Discourse" / "CLM - Sleep benefits declarative more than procedural memory.md"
    (vault / "Discourse" / "CLM - Sleep benefits declarative memory most.md").write_text(claim.read_text())
    report = validate([vault], load_config())
    evidence = "Discourse/EVD - Motor gains after sleep vanished when time of day was controlled.md"
    assert rows(report, vault) == [
        ("error", "node-label", "Discourse/CLM - Sleep benefits declarative memory most.md", None),
        ("error", "duplicate-identity", "Discourse/" + claim.name, None),
        ("error", "node-label", "Discourse/" + claim.name, None),
        ("warning", "evidence-source", evidence, None),
        ("error", "missing-node", evidence, None),
    ]
    assert "019b8a10-0004-7000-8000-00000000b004" in report.findings[1].message
