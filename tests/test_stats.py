"""``rdfnotes stats``: labs, nodes by type, relations by kind, size on disk, last load of each lab."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from support import LAB_A

from rdfnotes import Store, load_config
from rdfnotes.cli import cli
from rdfnotes.stats import folder_size, human_size, store_stats


def test_stats_counts_what_the_store_holds(tmp_path: Path) -> None:
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "load", str(LAB_A), "--lab", "lab-a"]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(store), "stats"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    with Store(store, read_only=True) as opened:
        found = store_stats(opened, load_config())
    assert found.size == folder_size(store) > 0
    assert lines[0] == f"Store {store}: 1 lab, 535 triples, {human_size(found.size)} on disk."
    assert lines[2] == "lab    files  notes  triples  last load"
    assert re.fullmatch(r"lab-a     10     10      535  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lines[3]), lines[3]
    assert lines[4:] == [
        "",
        "type                  nodes",
        "foaf:Person              10",
        "rn:NoteFile              10",
        "dg:SourceDocument         4",
        "skos:Concept              4",
        "dg:Evidence               3",
        "rn:Page                   3",
        "bibo:AcademicArticle      2",
        "bibo:Journal              2",
        "dg:Claim                  2",
        "dg:Question               2",
        "bibo:Manuscript           1",
        "",
        "relation           statements",
        "rn:informs                  4",
        "dg:sourceDocument           3",
        "dg:opposes                  2",
        "dg:supports                 2",
        "rn:consistentWith           1",
    ]


def test_stats_of_no_store_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "stats"])
    assert result.exit_code == 2 and "no store here" in result.stderr
    assert not (tmp_path / "none").exists()
