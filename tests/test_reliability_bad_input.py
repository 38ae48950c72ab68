"""The bad-input corpus (tests/bad_input): each file gives the message EXPECTED.md lists, the good neighbours
load, and the export stays valid Turtle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import Quad, RdfFormat, parse

from rdfnotes import Store, export
from rdfnotes.vocab import DCTERMS, RDFS, RN

Rapper = Callable[[Path, str], set[Quad]]
BAD_INPUT = Path(__file__).parent / "bad_input"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NODE = "https://w3id.org/rdfnotes/id/bad-input/node/"
# One 10 MB line of every opener the link scanners look for, none of them closed.
HUGE_PIECE = "[x](a [[b {{c ((d #e f://g `h !"
HUGE_LINE = "- Abstract:: " + HUGE_PIECE * (10_000_000 // len(HUGE_PIECE))


def expected_rows() -> list[dict[str, str]]:
    """The table of EXPECTED.md, one dict per file."""
    rows = []
    for line in (BAD_INPUT / "EXPECTED.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            file, made_by, number, severity, message = cells
            rows.append(
                {"file": file.strip("`"), "made_by": made_by, "line": number, "severity": severity, "message": message}
            )
    return rows


def rdfnotes_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process: a load that hangs fails the test instead of CI."""
    command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def make_bad_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the committed notes plus the files made here; returns the folder and the outside file."""
    folder = tmp_path / "bad-input"
    shutil.copytree(BAD_INPUT / "notes", folder)
    (folder / "huge-line.md").write_text(f"---\ntitle: '@hugeLine'\n---\n{HUGE_LINE}\n", encoding="utf-8")
    (folder / "loop-a.md").symlink_to("loop-b.md")
    (folder / "loop-b.md").symlink_to("loop-a.md")
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)
    (folder / "dangling.md").symlink_to("no-such-note.md")
    os.mkfifo(folder / "pipe.md")
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: TOP SECRET outside the folder\n---\n- password:: hunter2\n", encoding="utf-8")
    (folder / "outside.md").symlink_to(outside)
    if not AS_ROOT:
        (folder / "no-permission.md").write_text("---\ntitle: Unreadable\n---\n", encoding="utf-8")
        (folder / "no-permission.md").chmod(0)
    return folder, outside


def test_each_bad_file_gives_its_message_and_the_rest_loads(tmp_path: Path, rapper: Rapper) -> None:
    folder, outside = make_bad_folder(tmp_path)
    store_dir = tmp_path / "store"
    try:
        result = rdfnotes_cli("--store", str(store_dir), "load", "--lab", "bad-input", str(folder))
    finally:
        if not AS_ROOT:
            (folder / "no-permission.md").chmod(0o644)
    assert result.returncode == 1, result.stderr  # loaded, with problems

    expected = set()
    for row in expected_rows():
        if row["file"] == "no-permission.md" and AS_ROOT:
            continue  # root reads a file whatever its mode: see EXPECTED.md
        if row["message"]:
            where = f"{row['file']}:{row['line']}" if row["line"] else row["file"]
            message = row["message"].replace("{outside}", str(outside.resolve()))
            expected.add(f"{where}: {row['severity']}: {message}")
    assert set(result.stderr.splitlines()) == expected
    skipped = sum(1 for line in expected if ": error: " in line)
    assert f"{skipped} skipped" in result.stdout

    with Store(store_dir) as store:
        # The good neighbours, and what the odd-but-valid files say, are all there.
        question, evidence = f"<{NODE}GoodQue01>", f"<{NODE}GoodEvd01>"
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ {evidence} <{RN.informs}> {question} }}") == 1
        titles = {row[0].value for row in store.query(f"SELECT ?t WHERE {{ ?n <{RDFS.label}> ?t }}")}
        assert "[[CLM]] - A note saved with a byte order mark" in titles  # no BOM in it
        # Control characters (not tab, LF, CR) are dropped: XML-based tools cannot hold them; the rest is kept.
        assert '[[CLM]] - Quotes " and \\ backslashes, a\nnewline, a  control and a  delete' in titles
        assert not any("TOP SECRET" in title or "Unreadable" in title for title in titles)
        abstracts = [row[0].value for row in store.query(f"SELECT ?a WHERE {{ ?n <{DCTERMS.abstract}> ?a }}")]
        assert (
            'An abstract with """triple quotes""", \\\\ a backslash, a tab\there, a [31m terminal escape, '
            "a  control, a \x85 next-line and a \u2028 line separator"
        ) in abstracts
        assert HUGE_LINE[len("- Abstract:: ") :] in abstracts
        supported = store.count(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {evidence} ?p ?claim . ?claim <{RDFS.label}> "
            '"[[CLM]] - A note with Windows line ends" }'
        )
        assert supported == 1  # the CRLF note's relation was read
        triples = set(store.default_triples())
        turtle = export(store, "turtle")
    assert turtle is not None and b"hunter2" not in turtle
    assert {quad.triple for quad in parse(turtle, format=RdfFormat.TURTLE)} == triples
    path = tmp_path / "export.ttl"
    path.write_bytes(turtle)
    assert {quad.triple for quad in rapper(path, "turtle")} == triples


@pytest.mark.skipif(AS_ROOT, reason="root reads a file whatever its mode (chmod 000 does not stop it)")
def test_a_file_without_read_permission_is_named_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    shutil.copytree(BAD_INPUT / "notes", folder, ignore=shutil.ignore_patterns("[!QE]*"))
    locked = folder / "locked.md"
    locked.write_text("---\ntitle: Locked\n---\n", encoding="utf-8")
    locked.chmod(0)
    try:
        result = rdfnotes_cli("--store", str(tmp_path / "store"), "load", str(folder))
    finally:
        locked.chmod(0o644)
    assert result.stderr.splitlines() == ["locked.md: error: cannot read the file (Permission denied)"]
    assert "2 notes" in result.stdout


def test_every_row_of_expected_md_is_a_file_of_the_corpus(tmp_path: Path) -> None:
    """The table and the corpus agree: no row without its file, no committed file without its row."""
    rows = expected_rows()
    committed = {row["file"] for row in rows if row["made_by"] == "committed"}
    assert committed == {path.name for path in (BAD_INPUT / "notes").iterdir()}
    folder, _ = make_bad_folder(tmp_path)
    found = [Path(top, name) for top, dirs, files in os.walk(folder) for name in [*files, *dirs]]
    made = {path.relative_to(folder).as_posix() for path in found if not path.is_dir() or path.is_symlink()}
    made -= committed
    if not AS_ROOT:
        (folder / "no-permission.md").chmod(0o644)
    assert made | ({"no-permission.md"} if AS_ROOT else set()) == {
        row["file"] for row in rows if row["made_by"] == "made by the test"
    }
