"""A load mapping its notes in worker processes (rdfnotes.mapping_pool) gives what a load mapping them in its own
process gives: the same quads, the same exports byte for byte, the same report (problems in the same order, each
unknown relation label told once), on every fixture and after edits. The pool is forced on these small inputs
(``workers=2``), with chunks of a few units so that every worker maps several and labels recur across them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES, LAB_A

from rdfnotes import Store, load, mapping_pool
from rdfnotes import store as store_module
from rdfnotes.config import load_config
from rdfnotes.export import export
from rdfnotes.loader import LoadReport
from rdfnotes.store import FreshGraph

BAD_INPUT = Path(__file__).parent / "bad_input" / "notes"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapping_pool, "CHUNK_UNITS", 2)


def _load(store_dir: Path, source: Path, workers: int) -> tuple[LoadReport, set[str], bytes, bytes]:
    with Store(store_dir) as store:
        report = load([source], store, load_config(), workers=workers)
        quads = {str(quad) for quad in store.quads()}
        turtle, nquads = export(store, "turtle"), export(store, "nquads")
    assert turtle is not None and nquads is not None
    return report, quads, turtle, nquads


@pytest.mark.parametrize(
    "fixture",
    [
        FIXTURES / "lab-a",
        FIXTURES / "lab-b-obsidian",
        FIXTURES / "lab-c-roam-json",
        FIXTURES / "lab-d-dg-jsonld",
        FIXTURES / "roam-2024-dg-social-media",
        FIXTURES / "roam-mixed-matsulab",
        BAD_INPUT,  # files that cannot be read, warnings with lines
    ],
    ids=lambda path: path.name,
)
def test_a_pooled_load_gives_what_an_in_process_load_gives(tmp_path: Path, fixture: Path) -> None:
    here = _load(tmp_path / "here", fixture, workers=0)
    pooled = _load(tmp_path / "pooled", fixture, workers=2)
    assert pooled[1] == here[1]
    assert pooled[2] == here[2]
    assert pooled[3] == here[3]
    assert pooled[0].to_json() == here[0].to_json()


def _history(store_dir: Path) -> list[dict[str, Any]]:
    """Each load's history entry (rdfnotes.history), less its time."""
    entries = []
    for path in sorted((store_dir / "history").glob("*/entry.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry.pop("time")
        entries.append(entry)
    return entries


def test_a_pooled_load_keeps_the_history_an_in_process_load_keeps(tmp_path: Path) -> None:
    _load(tmp_path / "here", LAB_A, workers=0)
    _load(tmp_path / "pooled", LAB_A, workers=2)
    assert _history(tmp_path / "pooled") == _history(tmp_path / "here") != []


def test_a_pooled_load_of_a_lab_from_another_folder_replaces_the_graphs_it_had(tmp_path: Path) -> None:
    # The new folder's units are new to the manifest, but their graphs are in the store (the lab's, loaded from
    # the first folder): the workers' N-Quads of them are compared with the store's graphs like any others.
    first, second = tmp_path / "one" / "lab-a", tmp_path / "two" / "lab-a"
    shutil.copytree(LAB_A, first)
    shutil.copytree(LAB_A, second)
    note = sorted(second.rglob("*.md"))[0]
    note.write_text(note.read_text(encoding="utf-8") + "\nAdded:: a line\n", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        load([first], store, load_config(), workers=0)
        report = load([second], store, load_config(), workers=2)
        quads = {str(quad) for quad in store.quads()}
        turtle = export(store, "turtle")
    assert [replaced.folder for replaced in report.replaced] == [str(first)]
    fresh = _load(tmp_path / "fresh", second, workers=0)
    assert quads == fresh[1]
    assert turtle == fresh[2]


def test_a_pooled_load_of_rdf_files_names_their_blank_nodes_as_an_in_process_load(tmp_path: Path) -> None:
    lab = tmp_path / "lab-a"
    shutil.copytree(LAB_A, lab)
    for i in range(3):  # RDF files read in the workers, their blank nodes sent back and skolemized here
        (lab / f"extra-{i}.ttl").write_text(
            f'@prefix ex: <http://example.org/> .\nex:s{i} ex:p [ ex:q "one" ; ex:r [ ex:q "two" ] ] .\n',
            encoding="utf-8",
        )
    here = _load(tmp_path / "here", lab, workers=0)
    pooled = _load(tmp_path / "pooled", lab, workers=2)
    assert any("/.well-known/genid/" in quad for quad in here[1])
    assert pooled[1:] == here[1:]


def test_an_unknown_relation_label_is_told_once_by_its_first_note(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    names = [f"EVD - Note {i:02}" for i in range(12)]  # six chunks of two: each worker meets the label
    for name in names:
        (folder / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n###### Discourse Context\n- **Refutes::** [[CLM - Target]]\n", encoding="utf-8"
        )
    report, quads, _, _ = _load(tmp_path / "pooled", folder, workers=2)
    told = [p for p in report.problems if "relation label 'Refutes' is not in the configuration" in p.message]
    assert [(p.path, p.line) for p in told] == [(f"{names[0]}.md", 5)]
    refuting = [quad for quad in quads if quad.split(" ")[1] == "<https://w3id.org/rdfnotes/ns#refutes>"]
    assert len(refuting) == 2 * 12  # each note's relation, in its graph and in the union
    assert report.to_json() == _load(tmp_path / "here", folder, workers=0)[0].to_json()


def test_a_pooled_reload_after_edits_equals_a_fresh_load(tmp_path: Path) -> None:
    lab = tmp_path / "lab-a"
    shutil.copytree(LAB_A, lab)
    with Store(tmp_path / "store") as store:
        load([lab], store, load_config(), workers=2)
    notes = sorted(lab.rglob("*.md"))
    notes[0].write_text(notes[0].read_text(encoding="utf-8") + "\nAdded:: a line\n", encoding="utf-8")
    notes[1].unlink()
    (lab / "A new page.md").write_text("- links [[" + notes[2].stem + "]]\n", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        again = load([lab], store, load_config(), workers=2)
        reloaded = {str(quad) for quad in store.quads()}
        turtle = export(store, "turtle")
    fresh = _load(tmp_path / "fresh", lab, workers=0)
    assert again.files_read < fresh[0].files_read
    assert reloaded == fresh[1]
    assert turtle == fresh[2]


def test_a_pooled_reload_tells_what_an_in_process_reload_tells(tmp_path: Path) -> None:
    outcomes = []
    for workers in (0, 2):
        lab = tmp_path / str(workers) / "lab-a"
        shutil.copytree(LAB_A, lab)
        with Store(tmp_path / str(workers) / "store") as store:
            load([lab], store, load_config(), workers=workers)
            notes = sorted(lab.rglob("*.md"))
            notes[0].write_bytes(notes[0].read_bytes() + b"\nbroken \xff\n")  # its last good version stays
            notes[1].write_text("---\ntitle: unclosed\n", encoding="utf-8")
            (lab / "A new page.md").write_text("- links [[" + notes[2].stem + "]]\n", encoding="utf-8")
            report = load([lab], store, load_config(), workers=workers)
            told = report.to_json().replace(str(lab), "LAB")  # the folders loaded differ
            outcomes.append((told, {str(quad) for quad in store.quads()}, export(store, "turtle")))
    assert "not valid UTF-8" in outcomes[0][0] and "its last good version stays" in outcomes[0][0]
    assert outcomes[1] == outcomes[0]


def test_workers_are_chosen_by_the_size_of_the_load() -> None:
    assert mapping_pool.workers_for(10, None) == 0
    assert mapping_pool.workers_for(10, 3) == 3
    assert mapping_pool.workers_for(10**6, 0) == 0
    cores = len(mapping_pool.os.sched_getaffinity(0))
    expected = min(cores, mapping_pool.MAX_WORKERS) if cores > 1 else 0
    assert mapping_pool.workers_for(mapping_pool.POOL_UNITS, None) == expected


def test_an_error_in_a_worker_is_raised_and_the_store_stays_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(tmp_path / "store") as store:
        load([LAB_A], store, load_config(), workers=0)
        before = {str(quad) for quad in store.quads()}
    lab = tmp_path / "lab-a"
    shutil.copytree(LAB_A, lab)
    for note in sorted(lab.rglob("*.md")):
        note.write_text(note.read_text(encoding="utf-8") + "\nEdited:: yes\n", encoding="utf-8")

    def broken(*args: object) -> list[str]:
        raise RuntimeError("a mapping bug")

    monkeypatch.setattr("rdfnotes.loader.map_note", broken)  # the workers are forked with it
    with Store(tmp_path / "store") as store, pytest.raises(RuntimeError, match="a mapping bug"):
        load([lab], store, load_config(), workers=2)
    with Store(tmp_path / "store") as store:
        assert {str(quad) for quad in store.quads()} == before


def test_graphs_given_as_n_quads_are_written_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graphs = {
        f"http://example.org/g{i}": [f'<http://example.org/s{i}> <http://example.org/p> "{j}"' for j in range(5)]
        for i in range(10)
    }
    writes: list[int] = []
    prepare = Store._prepare

    def counting(self: Store, batch: Any) -> Any:
        writes.append(len(batch))
        return prepare(self, batch)

    monkeypatch.setattr(store_module, "_BATCH_TRIPLES", 12)
    monkeypatch.setattr(Store, "_prepare", counting)
    with Store(tmp_path / "made") as store:
        store.replace_graphs([(graph, FreshGraph.of(graph, statements)) for graph, statements in graphs.items()])
        made = {str(quad) for quad in store.quads()}
    assert writes == [2, 2, 2, 2, 2]
    with Store(tmp_path / "plain") as store:
        store.replace_graphs(graphs)
        assert {str(quad) for quad in store.quads()} == made
    assert len(made) == 2 * 5 * 10
