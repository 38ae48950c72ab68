"""A full disk: a load that fills it is one line of error, and once space is freed the next command puts the store
back (the undo) without filling the disk again.

Before: a 79-line traceback; then every command retried the undo of a first load with Oxigraph's ``clear()``,
which writes a deletion for every quad, failed, and filled the disk again. The test mounts a small tmpfs, which
needs root (CI runs as root); elsewhere it is skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_A, SOCIAL_MEDIA

from rdfnotes.cli import cli

SIZE = 4 * 2**20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root (CI runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def used(disk: Path) -> int:
    return shutil.disk_usage(disk).used


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, shutil.disk_usage(disk).free - leave))
    return filler


@pytest.mark.parametrize("first", [True, False], ids=["first load", "later load"])
def test_a_full_disk_is_one_line_and_the_store_comes_back_once_space_is_freed(small_disk: Path, first: bool) -> None:
    store = str(small_disk / "store")
    if not first:
        assert run("--store", store, "load", str(LAB_A))[0] == 0
    filler = fill(small_disk, leave=1_500_000 if first else 1_200_000)
    status, _, errors = run("--store", store, "load", str(SOCIAL_MEDIA / "md"))
    assert status == 2 and errors.count("\n") == 1 and errors.startswith("Error: "), errors
    assert "No space left on device" in errors
    # Still full: whatever the command does, it says it in a line.
    status, _, errors = run("--store", store, "labs")
    assert status in (0, 2) and "Traceback" not in errors and errors.count("\n") <= 1, errors
    filler.unlink()
    before = used(small_disk)
    result = CliRunner().invoke(cli, ["--store", store, "query", "-", "--format", "csv"], input=COUNT)
    assert result.exit_code == 0 and result.stdout.split() == ["n", "0" if first else "218"]
    if result.stderr:  # the command that put the store back says so
        assert result.stderr.startswith("Warning: the last load of ") and result.stderr.count("\n") == 1
    assert used(small_disk) <= before + 2**20, "the undo filled the disk again"
    assert run("--store", store, "load", str(LAB_A))[0] == 0


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_a_site_export_that_runs_out_of_space_leaves_the_old_site_whole(small_disk: Path, tmp_path: Path) -> None:
    """Before, the pages written until the disk was full were new, the one being written empty, the rest old."""
    store = str(tmp_path / "store")
    folder = tmp_path / "notes"
    shutil.copytree(LAB_A, folder)
    assert run("--store", store, "load", str(folder))[0] == 0
    site = small_disk / "site"
    assert run("--store", store, "export", "--format", "html", "-o", str(site))[0] == 0
    old = site_files(site)
    for path in sorted(folder.glob("*.md")):
        path.write_text("- edited\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert run("--store", store, "load", str(folder))[0] in (0, 1)
    filler = fill(small_disk, leave=64 * 1024)
    status, _, errors = run("--store", store, "export", "--format", "html", "-o", str(site))
    assert status == 2 and errors.count("\n") == 1 and "No space left on device" in errors, errors
    assert site_files(site) == old
    filler.unlink()
    assert [p.name for p in small_disk.iterdir()] == ["site"], "a partial site left beside it"
    assert run("--store", store, "export", "--format", "html", "-o", str(site))[0] == 0
    assert site_files(site) != old
