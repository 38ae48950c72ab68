"""A lab is its graph, not a folder: a newer export of a lab loaded from another folder replaces the lab's earlier
content (the store then equals a fresh load of the new export), and says so; ``--add`` keeps several folders in
one lab."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, Triple, serialize
from rdflib.compare import isomorphic
from support import LAB_A, LAB_B

from rdfnotes import Store, loader
from rdfnotes.cli import cli

CLAIM = "CLM - Sleep has no effect on procedural memory.md"


def invoke(store: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def dataset(store_dir: Path) -> dict[str, rdflib.Graph]:
    """The store's dataset: each named graph, and the default graph (their union, as ``""``), as rdflib graphs."""
    with Store(store_dir, read_only=True) as store:
        graphs: dict[str, list[Triple]] = {"": list(store.default_triples())}
        for quad in store.named_quads():
            graphs.setdefault(str(quad.graph_name.value), []).append(quad.triple)
    data = {name: serialize(triples, format=RdfFormat.N_TRIPLES).decode("utf-8") for name, triples in graphs.items()}
    return {name: rdflib.Graph().parse(data=text, format="nt") for name, text in data.items()}


def assert_same_dataset(a: dict[str, rdflib.Graph], b: dict[str, rdflib.Graph]) -> None:
    assert sorted(a) == sorted(b), "the same named graphs"
    for name, graph in a.items():
        assert isomorphic(graph, b[name]), name


def exports(tmp_path: Path) -> tuple[Path, Path]:
    """Two exports of one lab in dated folders: the newer one has one claim deleted and one evidence page edited."""
    older = tmp_path / "export-2026-11-28"
    newer = tmp_path / "export-2026-12-05"
    shutil.copytree(LAB_A, older)
    shutil.copytree(LAB_A, newer)
    assert (newer / CLAIM).exists()
    (newer / CLAIM).unlink()
    edited = next(newer.glob("EVD - Sleep after learning*"))
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("(see Fig. 1 of the review)", "(see Fig. 2 of the review)"), encoding="utf-8")
    return older, newer


def test_a_newer_export_of_a_lab_from_another_folder_replaces_the_lab(tmp_path: Path) -> None:
    older, newer = exports(tmp_path)
    store = tmp_path / "store"
    assert invoke(store, "load", str(older))[0] == 0
    code, out, err = invoke(store, "load", str(newer))
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [  # then the coverage summary
        f"Replaced lab lab-a-sleep as loaded from {older} (10 files): the lab is now what {newer} holds (--add keeps "
        "both).",
        "Loaded 9 files (9 read, 0 unchanged) as lab lab-a-sleep.",
        f"Store {store}: 9 notes, 12 relations, 523 triples; 0 errors, 0 warnings.",
    ]
    code, out, _ = invoke(tmp_path / "fresh", "load", str(newer))
    assert (
        out.splitlines()[1] == f"Store {tmp_path / 'fresh'}: 9 notes, 12 relations, 523 triples; 0 errors, 0 warnings."
    )
    assert_same_dataset(dataset(store), dataset(tmp_path / "fresh"))
    code, out, _ = invoke(store, "labs")
    assert f"lab-a-sleep from {newer}" in out.splitlines() and str(older) not in out


def test_add_keeps_several_folders_in_one_lab(tmp_path: Path) -> None:
    older, newer = exports(tmp_path)
    other = tmp_path / "other-notes"
    shutil.copytree(LAB_B, other)
    store = tmp_path / "store"
    assert invoke(store, "load", str(older), "--lab", "lab")[0] == 0
    code, out, err = invoke(store, "load", str(other), "--lab", "lab", "--add")
    assert code in (0, 1) and "Replaced" not in out + err
    code, out, _ = invoke(store, "labs")
    assert [line for line in out.splitlines() if " from " in line] == [f"lab from {older}", f"lab from {other}"]
    # a lab of another name is left alone by a replacement
    assert invoke(store, "load", str(newer), "--lab", "another")[0] == 0
    code, out, _ = invoke(store, "labs")
    assert [line for line in out.splitlines() if " from " in line] == [
        f"another from {newer}",
        f"lab from {older}",
        f"lab from {other}",
    ]


def test_a_replacement_cut_short_leaves_the_lab_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replacement is part of the load's sync: interrupted after the old folder's graphs were dropped, the whole
    load is undone."""
    older, newer = exports(tmp_path)
    store = tmp_path / "store"
    assert invoke(store, "load", str(older))[0] == 0
    before = dataset(store)
    replace = loader._replace_earlier_folders

    def interrupted(*args: Any) -> None:
        replace(*args)
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "_replace_earlier_folders", interrupted)
    code, _, err = invoke(store, "load", str(newer))  # Ctrl-C, as click reports it
    assert (code, err) == (1, "\nAborted!\n")
    assert_same_dataset(dataset(store), before)
    code, out, _ = invoke(store, "labs")
    assert f"lab-a-sleep from {older}" in out.splitlines()
