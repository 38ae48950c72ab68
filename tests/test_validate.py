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
    assert report.summary() == "Validated 10 files (535 triples): 0 errors, 0 warnings; sound."


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
    are reworded versions of pages that do exist). The node template "[[EVD]] - This is a Evidence page. - {Source}"
    is a template, not a note: not loaded, so not checked. Everything else fits the shapes: all 64 supports and 8
    opposes go from evidence to a claim, both informs reach a question, every DOI is normalised, every node has one
    label."""
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
    ]
    assert report.exit_status() == 0 and report.exit_status(strict=True) == 1
    worknehs = [f for f in report.findings if f.file and f.file.endswith("@worknehSocialMediaProtest2020.md")]
    assert "According to interviews of educated Ethiopians" in worknehs[0].message


def test_social_media_neo4j_export_is_sound() -> None:
    """The Neo4j CSV export holds only nodes and relations, not the source pages' outlines, so the links to the nine
    missing evidence pages are not in it; its one unsourced evidence node is the template, which is not loaded."""
    report = validate([SOCIAL_MEDIA / "neo4j"], load_config())
    assert report.findings == []
    assert report.summary() == "Validated 1 file (3519 triples): 0 errors, 0 warnings; sound."


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


QUESTION_SUPPORTS = {
    "QUE - Other.md": page("[[QUE]] - Other", "###### Discourse Context", "", "- **Supports::** [[CLM - Sleep helps]]")
}


def test_a_relation_the_default_grammar_does_not_allow_is_a_warning_on_its_line(tmp_path: Path) -> None:
    """No grammar declared: the bundled one applies, and what it does not allow is worth a look, not an error."""
    root = notes(tmp_path / "lab-t", {**SOUND, **QUESTION_SUPPORTS})
    report = validate([root], load_config())
    assert rows(report, root) == [("warning", "grammar-supports", "QUE - Other.md", 8)]
    assert report.findings[0].message == (
        "not in the grammar: Question Supports Claim (the default grammar: the lab declared none): "
        "'[[QUE]] - Other' dg:supports '[[CLM]] - Sleep helps'"
    )
    assert report.exit_status() == 0


def test_a_relation_the_declared_grammar_does_not_allow_is_an_error(tmp_path: Path) -> None:
    settings = tmp_path / "rdfnotes.yaml"
    settings.write_text(
        "grammar:\n"
        "  - {source: Evidence, relation: Supports, target: Claim}\n"
        "  - {source: Evidence, relation: Informs, target: Question}\n",
        encoding="utf-8",
    )
    root = notes(tmp_path / "lab-t", {**SOUND, **QUESTION_SUPPORTS})
    report = validate([root], load_config(settings))
    assert rows(report, root) == [("error", "grammar-supports", "QUE - Other.md", 8)]
    assert report.findings[0].message == (
        f"not in the grammar: Question Supports Claim (the lab's grammar, declared in {settings}): "
        "'[[QUE]] - Other' dg:supports '[[CLM]] - Sleep helps'"
    )


def test_a_declared_grammar_allows_what_the_defaults_do_not(tmp_path: Path) -> None:
    """A lab whose evidence informs claims says so, and its graph is sound."""
    settings = tmp_path / "rdfnotes.yaml"
    settings.write_text(
        "grammar:\n"
        "  - {source: EVD, relation: Informs, target: Claim}\n"
        "  - {source: '*', relation: Supports, target: CLM}\n",
        encoding="utf-8",
    )
    extra = {
        "EVD - Recall improved - @smith2020.md": page(
            "[[EVD]] - Recall improved - [[@smith2020]]",
            "###### Discourse Context",
            "",
            "- **Informs::** [[CLM - Sleep helps]]",
        ),
        **QUESTION_SUPPORTS,
    }
    root = notes(tmp_path / "lab-t", {**SOUND, **extra})
    assert rows(validate([root], load_config(settings)), root) == []
    assert [r for _, r, *_ in rows(validate([root], load_config()), root)] == ["grammar-informs", "grammar-supports"]


def test_a_relation_stated_on_both_pages_is_one_finding_naming_both_files(tmp_path: Path) -> None:
    """Evidence informs a claim (the default grammar has informs reach a question), and both pages say it."""
    root = notes(
        tmp_path / "lab-t",
        {
            **SOUND,
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
    report = validate([root], load_config())
    assert rows(report, root) == [("warning", "grammar-informs", "CLM - Sleep helps.md", 8)]
    assert report.findings[0].also == (f"{root.as_posix()}/EVD - Bad - @smith2020.md:8",)
    assert str(report.findings[0]) == (
        f"{root.as_posix()}/CLM - Sleep helps.md:8: warning: not in the grammar: Evidence Informs Claim (the default "
        "grammar: the lab declared none): '[[EVD]] - Bad - [[@smith2020]]' rn:informs '[[CLM]] - Sleep helps' "
        f"(also stated in {root.as_posix()}/EVD - Bad - @smith2020.md:8) [grammar-informs]"
    )


def test_the_vaults_data_json_is_its_grammar(tmp_path: Path) -> None:
    """lab-b's data.json allows Evidence informs Question; without that triple the vault's two informs break it."""
    vault = writable_copy(LAB_B, tmp_path / "vault")
    settings = vault / ".obsidian/plugins/discourse-graphs/data.json"
    data = json.loads(settings.read_text(encoding="utf-8"))
    data["discourseRelations"] = [r for r in data["discourseRelations"] if r["id"] != "rel3_a3"]
    data["discourseRelations"].append(
        {
            **data["discourseRelations"][0],
            "id": "x",
            "relationshipTypeId": "relation_inf003",
            "sourceId": "node_SrcS7aa04",
            "destinationId": "node_QueQ7aa01",
        }
    )
    settings.write_text(json.dumps(data), encoding="utf-8")
    report = validate([vault], load_config())
    grammar = [(f.severity, f.rule, _relative(f, vault)) for f in report.findings if f.rule.startswith("grammar-")]
    assert grammar == [
        (
            "error",
            "grammar-informs",
            "Discourse/EVD - Declarative word-pair retention was higher after sleep than after wake.md",
        ),
        (
            "error",
            "grammar-informs",
            "Discourse/EVD - Motor gains after sleep vanished when time of day was controlled.md",
        ),
    ]
    assert report.findings[0].message.startswith(
        f"not in the grammar: Evidence Informs Question (the lab's grammar, declared in {settings.as_posix()}): "
    )


def test_the_roam_json_exports_grammar_is_its_grammar(tmp_path: Path) -> None:
    folder = writable_copy(LAB_C, tmp_path / "lab-c")
    (export,) = folder.glob("*.json")
    data = json.loads(export.read_text(encoding="utf-8"))
    data["grammar"] = [g for g in data["grammar"] if g["label"] != "Addresses"] + [
        {"label": "Addresses", "source": "Evidence", "destination": "Question"}
    ]
    export.write_text(json.dumps(data), encoding="utf-8")
    report = validate([folder], load_config())
    assert [(f.severity, f.rule, f.message.split(" (")[0]) for f in report.findings] == [
        ("error", "grammar-addresses", "not in the grammar: Claim Addresses Question")
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
    """Two files with one Roam uid are one node: it gets both titles and both types (one finding each, naming both
    files)."""
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
        ("grammar-supports", (folder / "QUE - Other.md").resolve().as_posix(), 7)
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
    assert len(ids) == len(set(ids)) and set(NOTE_RULES) <= set(ids) and "grammar-supports" in ids


# -- the command line ------------------------------------------------------------------------------------------------


def invoke(tmp_path: Path, *args: str, config: Path | None = None) -> tuple[int, str]:
    settings = ["--config", str(config)] if config else []
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "store"), *settings, "validate", *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout


def test_cli_clean_folder_exits_0(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, str(LAB_A))
    assert (code, out) == (0, "Validated 10 files (535 triples): 0 errors, 0 warnings; sound.\n")


def test_cli_errors_exit_1_and_name_file_and_line(tmp_path: Path) -> None:
    folder = notes(
        tmp_path / "lab-t",
        {**SOUND, "QUE - Other.md": page("[[QUE]] - Other", "", "- **Supports::** [[CLM - Sleep helps]]")},
    )
    settings = tmp_path / "rdfnotes.yaml"
    settings.write_text("grammar:\n  - {source: Evidence, relation: Supports, target: Claim}\n", encoding="utf-8")
    code, out = invoke(tmp_path, str(folder), config=settings)
    assert code == 1
    assert out == (
        f"{folder.as_posix()}/QUE - Other.md:7: error: not in the grammar: Question Supports Claim (the lab's grammar, "
        f"declared in {settings}): '[[QUE]] - Other' dg:supports '[[CLM]] - Sleep helps' [grammar-supports]\n"
        "Validated 4 files (58 triples): 1 error, 0 warnings; not sound.\n"
    )
    code, out = invoke(tmp_path, str(folder))
    assert code == 0 and out.endswith("Validated 4 files (58 triples): 0 errors, 1 warning; sound.\n")


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
    assert set(data["findings"][0]) == {"severity", "rule", "file", "line", "node", "message", "also"}
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
    """A note copied inside the vault keeps its nodeInstanceId: two files claim one identity. The load keeps them
    two nodes (so no node has two labels); validate names the pair. (The vault's own findings stay as they are.)"""
    vault = writable_copy(LAB_B, tmp_path)
    claim = vault / "Discourse" / "CLM - Sleep benefits declarative more than procedural memory.md"
    (vault / "Discourse" / "CLM - Sleep benefits declarative memory most.md").write_text(claim.read_text())
    report = validate([vault], load_config())
    evidence = "Discourse/EVD - Motor gains after sleep vanished when time of day was controlled.md"
    assert rows(report, vault) == [
        ("error", "duplicate-identity", "Discourse/" + claim.name, None),
        ("warning", "evidence-source", evidence, None),
        ("error", "missing-node", evidence, None),
    ]
    assert "019b8a10-0004-7000-8000-00000000b004" in report.findings[0].message
