"""``load`` ends with what it did not understand; ``load --report FILE`` writes it all as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from support import LAB_B, writable_copy

from rdfnotes import Store, load, load_config
from rdfnotes.cli import cli
from rdfnotes.coverage import Coverage

NOTES = {
    "CLM - Naps help.md": "---\ntitle: '[[CLM]] - Naps help'\nStatus: draft\n---\n- Owner:: Ana\n- see [[Nap lab]]\n",
    "CLM - Naps hurt.md": "---\ntitle: '[[CLM]] - Naps hurt'\nStatus: open\n---\n- **Opposes::** [[CLM - Naps help]]\n",
    "Meeting 3.md": "---\ntitle: Meeting 3\n---\n- Owner:: Bo\n- on [[Nap lab]] and [[Dreams]]\n",
}


def test_the_summary_and_the_report_name_every_gap_with_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "lab-t"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    args = ["--store", str(tmp_path / "store"), "load", str(folder), "--report", str(report)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.stdout.splitlines()[2:] == [
        "Coverage: 2 fields not mapped, 1 page without a type, 2 pages linked to with no file.",
        "  field 'Owner' kept as text: 2 notes, e.g. CLM - Naps help.md",
        "  field 'Status' kept as text: 2 notes, e.g. CLM - Naps help.md",
        "  no type: Meeting 3.md",
        "  no file for 'Nap lab': linked from 2 files, e.g. CLM - Naps help.md",
        "  no file for 'Dreams': linked from 1 file, e.g. Meeting 3.md",
    ]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["coverage"] == {
        "fields_not_mapped": [
            {"name": "Owner", "count": 2, "example": "CLM - Naps help.md"},
            {"name": "Status", "count": 2, "example": "CLM - Naps help.md"},
        ],
        "pages_without_type": [{"name": "Meeting 3", "count": 1, "example": "Meeting 3.md"}],
        "links_to_pages_with_no_file": [
            {"name": "Nap lab", "count": 2, "example": "CLM - Naps help.md"},
            {"name": "Dreams", "count": 1, "example": "Meeting 3.md"},
        ],
    }
    assert (data["files"]["seen"], data["store"]["notes"], data["labs"], data["problems"]) == (3, 3, ["lab-t"], [])


CLAIM = "Discourse/CLM - Sleep benefits declarative more than procedural memory.md"
EVIDENCE = "Discourse/EVD - Declarative word-pair retention was higher after sleep than after wake.md"


def test_the_coverage_counts_unchanged_notes_too_and_the_summary_is_cut_short(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path)
    args = ["--store", str(tmp_path / "store"), "load", str(vault)]
    first = CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:]
    again = CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:]
    assert (
        first
        == again
        == [
            "Coverage: 2 fields not mapped, 1 page without a type, 0 pages linked to with no file.",
            f"  field 'aliases' kept as text: 1 note, e.g. {CLAIM}",
            f"  field 'source' kept as text: 1 note, e.g. {EVIDENCE}",
            "  no type: Discourse/Reading group 2026-01.md",
        ]
    )
    many = tmp_path / "many"
    many.mkdir()
    for i in range(12):
        (many / f"Note {i:02}.md").write_text(f"- Field{i:02}:: x\n", encoding="utf-8")
    lines = CliRunner().invoke(cli, ["--store", str(tmp_path / "s2"), "load", str(many)]).stdout.splitlines()
    assert lines[2] == "Coverage: 12 fields not mapped, 12 pages without a type, 0 pages linked to with no file."
    assert lines[3] == "  field 'Field00' kept as text: 1 note, e.g. Note 00.md"
    assert lines[-1] == "  … and 11 more: load --report FILE writes them all"
    assert len(lines) == 3 + 10 + 3 + 1


def test_a_report_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "lab-t"
    folder.mkdir()
    (folder / "CLM - A.md").write_text("---\ntitle: '[[CLM]] - A'\n---\n", encoding="utf-8")
    target = tmp_path / "no such folder" / "report.json"
    args = ["--store", str(tmp_path / "store"), "load", str(folder), "--report", str(target)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {target}: cannot write the report there (")


def test_a_load_that_changed_nothing_gives_the_same_coverage_and_a_change_is_seen(tmp_path: Path) -> None:
    folder = tmp_path / "lab-t"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    args = ["--store", str(tmp_path / "store"), "load", str(folder)]
    first = CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:]
    again = CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()
    assert again[0].startswith("Loaded 3 files (0 read, 3 unchanged)") and again[2:] == first
    # Nothing changed: the summary kept for this manifest is the answer; the per-graph file is not even read.
    (tmp_path / "store" / "coverage.json").write_bytes(b"{damaged")
    assert CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:] == first
    # Without a summary that can be read, the gaps are asked again: the same.
    (tmp_path / "store" / "coverage-summary.json").write_bytes(b'{"for": 1}')
    assert CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:] == first
    (folder / "Meeting 3.md").write_text("---\ntitle: Meeting 3\n---\n- Room:: 4\n", encoding="utf-8")
    changed = CliRunner().invoke(cli, args, catch_exceptions=False).stdout.splitlines()[2:]
    assert changed[0] == "Coverage: 3 fields not mapped, 1 page without a type, 1 page linked to with no file."
    assert "  field 'Room' kept as text: 1 note, e.g. Meeting 3.md" in changed


def test_the_coverage_of_a_sync_equals_the_coverage_of_a_fresh_load(tmp_path: Path) -> None:
    """Asked again of the graphs a load wrote alone, the summary is what a fresh load's is: a page appearing
    resolves the links to it, a removed file's gaps go, an edited file's change."""
    folder = tmp_path / "lab-t"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")

    def summary(store: Path) -> list[str]:
        out = CliRunner().invoke(cli, ["--store", str(store), "load", str(folder)], catch_exceptions=False).stdout
        return [line for line in out.splitlines() if line.startswith(("Coverage", "  "))]

    summary(tmp_path / "synced")
    edits = [
        lambda: (folder / "Nap lab.md").write_text("---\ntitle: Nap lab\n---\n- Room:: 4\n", encoding="utf-8"),
        lambda: (folder / "Meeting 3.md").unlink(),
        lambda: (folder / "CLM - Naps hurt.md").write_text("---\ntitle: '[[CLM]] - Naps hurt'\n---\nSee [[Sleep]]\n"),
    ]
    for i, edit in enumerate(edits):
        edit()
        assert summary(tmp_path / "synced") == summary(tmp_path / f"fresh-{i}"), i


def test_a_load_without_a_summary_asks_no_coverage(tmp_path: Path) -> None:
    folder = tmp_path / "lab-t"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text, encoding="utf-8")
    with Store(tmp_path / "store") as store:
        report = load([folder], store, load_config(), summary=False)
        assert report.notes == 3 and report.coverage == Coverage()
        assert not (tmp_path / "store" / "coverage.json").exists()
        assert load([folder], store, load_config()).coverage.fields  # asked when wanted
