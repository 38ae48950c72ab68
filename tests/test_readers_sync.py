"""Sync with units of several files: an Obsidian note is read with relations.json and data.json; a change to any of
them re-reads it, and the store always equals a fresh load."""

from __future__ import annotations

import json
import os
from pathlib import Path

from support import LAB_B, load_into, writable_copy

from rdfnotes import export
from rdfnotes.vocab import DG, RN

NODE = "https://w3id.org/rdfnotes/id/lab-b-obsidian/node/"
MISSING = "019b8a10-9999-7000-8000-0000000deaad"


def later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def fresh(folder: Path, tmp_path: Path) -> bytes:
    store, _ = load_into(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}", folder)
    with store:
        data = export(store, "nquads")
    assert data is not None
    return data


def edit_relations(folder: Path, change: dict[str, dict[str, str] | None]) -> None:
    path = folder / "relations.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for key, value in change.items():
        if value is None:
            del data["relations"][key]
        else:
            data["relations"][key] = value
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    later(path)


def test_nothing_changed_reads_nothing(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    store, first = load_into(tmp_path / "store", folder)
    store.close()
    store, second = load_into(tmp_path / "store", folder)
    store.close()
    assert (first.files_read, second.files_read, second.files_unchanged) == (8, 0, 8)


def test_an_edit_of_relations_json_updates_the_relations(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    store, _ = load_into(tmp_path / "store", folder)
    store.close()
    edit_relations(
        folder,
        {
            "019b8a11-0004-7000-8000-0000000000r4": None,  # motor evidence opposes the claim: gone
            "019b8a11-0007-7000-8000-0000000000r7": {
                "id": "019b8a11-0007-7000-8000-0000000000r7",
                "type": "relation_sup001",
                "source": "019b8a10-0006-7000-8000-00000000b006",
                "destination": "019b8a10-0004-7000-8000-00000000b004",
            },
        },
    )
    store, report = load_into(tmp_path / "store", folder)
    assert report.files_read == 8  # every note is read with relations.json
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{DG.opposes}> ?o }}") == 0
        assert (
            store.count(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ <{NODE}019b8a10-0006-7000-8000-00000000b006> <{DG.supports}> "
                f"<{NODE}019b8a10-0004-7000-8000-00000000b004> }}"
            )
            == 1
        )
        assert export(store, "nquads") == fresh(folder, tmp_path)


def test_a_note_that_appears_brings_in_the_relation_that_pointed_at_it(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    store, report = load_into(tmp_path / "store", folder)
    store.close()
    assert any(MISSING in p.message for p in report.problems)
    (folder / "Discourse" / "CLM - Replication claim.md").write_text(
        f"---\nnodeTypeId: node_ClmC7aa02\nnodeInstanceId: {MISSING}\n---\n\nA claim that was elsewhere.\n",
        encoding="utf-8",
    )
    store, report = load_into(tmp_path / "store", folder)
    assert (report.files_read, report.files_relinked) == (1, 1)
    assert not any(MISSING in p.message for p in report.problems)
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{DG.supports}> <{NODE}{MISSING}> }}") == 1
        assert export(store, "nquads") == fresh(folder, tmp_path)
    # And when it goes again, so does the relation.
    (folder / "Discourse" / "CLM - Replication claim.md").unlink()
    store, report = load_into(tmp_path / "store", folder)
    assert (report.files_removed, report.files_relinked) == (1, 1)
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e ?p <{NODE}{MISSING}> }}") == 0
        assert export(store, "nquads") == fresh(folder, tmp_path)


def test_a_changed_node_type_in_data_json_retypes_the_notes(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    store, _ = load_into(tmp_path / "store", folder)
    store.close()
    data_path = folder / ".obsidian/plugins/discourse-graphs/data.json"
    data = json.loads(data_path.read_text(encoding="utf-8"))
    for relation_type in data["relationTypes"]:
        if relation_type["id"] == "relation_inf003":
            relation_type["label"] = "addresses"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    later(data_path)
    store, _ = load_into(tmp_path / "store", folder)
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{RN.informs}> ?o }}") == 0
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{DG.addresses}> ?o }}") == 2
        assert export(store, "nquads") == fresh(folder, tmp_path)


def test_a_broken_relations_json_keeps_the_last_good_graphs_and_says_so_once(tmp_path: Path) -> None:
    folder = writable_copy(LAB_B, tmp_path)
    store, _ = load_into(tmp_path / "store", folder)
    before = export(store, "nquads")
    store.close()
    (folder / "relations.json").write_text('{"version": 1, "relations": {', encoding="utf-8")
    later(folder / "relations.json")
    store, report = load_into(tmp_path / "store", folder)
    assert [(p.path, p.line, p.severity) for p in report.problems] == [("relations.json", 1, "warning")]
    assert "last good version" in report.problems[0].message
    with store:
        assert export(store, "nquads") == before
