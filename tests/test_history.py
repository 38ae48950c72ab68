"""The store's history: every load that changes a lab logs what it changed; earlier states are rebuilt from it and
compared with ``diff --since``; retention; a sync undone leaves no entry; ``labs`` and the served pages show it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_A, LAB_B, load_into, writable_copy
from test_diff import edited_lab_a
from test_web import get

from rdfnotes import Store, load
from rdfnotes.cli import cli
from rdfnotes.config import load_config
from rdfnotes.diff import diff, read_side, read_since, store_statements
from rdfnotes.errors import ConfigError, DiffError
from rdfnotes.history import HISTORY, entries, load_history, resolve_since


def test_since_an_earlier_load_is_the_diff_of_the_two_versions(tmp_path: Path) -> None:
    old_dir, new_dir = edited_lab_a(tmp_path)
    config = load_config()
    live = writable_copy(old_dir, tmp_path / "live")  # one folder, loaded before and after the edits
    store, _ = load_into(tmp_path / "store", live)
    with store:
        load_history_before = load_history(store, config)
        assert [(r.load, r.lab, r.notes_added, r.notes_removed, r.notes_changed) for r in load_history_before] == [
            (1, "lab-a-sleep", 10, 0, 0)
        ]
        for path in live.iterdir():
            path.unlink()
        for path in new_dir.iterdir():
            (live / path.name).write_bytes(path.read_bytes())
        load([live], store, config)
        then, now = read_since(store, "1")
        assert then.statements == read_side(old_dir, config).statements
        assert now.statements == read_side(new_dir, config).statements
        result = diff(then, now, config)
        expected = diff(read_side(old_dir, config), read_side(new_dir, config), config)
        assert (result.removed, result.added, result.summary) == (expected.removed, expected.added, expected.summary)
        assert diff(*read_since(store, "2"), config).empty
        assert read_since(store, "0")[0].statements == set()  # before the first load: nothing
        records = load_history(store, config)
        # The second load: the claim added and the renamed page's file created, the removed claim's file and the
        # renamed page's old file dropped; the four pages edited changed.
        assert [(r.load, r.notes_added, r.notes_removed, r.notes_changed) for r in records] == [
            (1, 10, 0, 0),
            (2, 2, 2, 4),
        ]
        # Removed: the two statements of supports (the flipped pages), the dropped claim's and the one naming it,
        # the renamed page's old file's; added: the two of opposes, the renamed page's new file's.
        assert (records[1].relations_added, records[1].relations_removed) == (3, 5)
        assert records[0].relations_added == 22  # relation statements: one stated by two pages counts twice


def test_since_by_date_and_out_of_reach(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A)
    with store:
        kept = entries(store.path)
        assert [e["load"] for e in kept] == [1]
        assert resolve_since(store.path, "2999-01-01") == 1
        assert resolve_since(store.path, "2000-01-01") == 0
        assert resolve_since(store.path, kept[0]["time"]) == 1
        with pytest.raises(DiffError, match=r"^load 5 is not in the history: it keeps loads 1 to 1"):
            resolve_since(store.path, "5")
        with pytest.raises(DiffError, match=r"neither a load number nor an ISO 8601 date"):
            resolve_since(store.path, "last tuesday")
        with pytest.raises(DiffError, match=r"no lab named 'nope'"):
            read_since(store, "0", lab="nope")
        assert read_since(store, "0", lab="lab-a-sleep")[1].statements == store_statements(store)


def test_retention_keeps_the_last_loads(tmp_path: Path) -> None:
    folder = writable_copy(LAB_A, tmp_path)
    settings = tmp_path / "rdfnotes.yaml"
    # Without line provenance: the lines the edits shift would be changes too.
    settings.write_text("history:\n  keep: 2\nprovenance:\n  lines: false\n", encoding="utf-8")
    config = load_config(settings)
    assert (config.history_keep, config.line_provenance) == (2, False)
    page = folder / "CLM - Sleep has no effect on procedural memory.md"
    with Store(tmp_path / "store") as store:
        for i in range(4):
            text = page.read_text(encoding="utf-8").replace("###### Discourse", f"- note {i}\n\n###### Discourse")
            page.write_text(text, encoding="utf-8")
            load([folder], store, config)
        assert [e["load"] for e in entries(store.path)] == [3, 4]
        assert sorted(p.name for p in (store.path / HISTORY).iterdir()) == ["000003", "000004"]
        with pytest.raises(
            DiffError,
            match=r"^load 1 is not in the history: it keeps loads 3 to 4 \(the state after "
            r"load 2 is the oldest it can rebuild\)$",
        ):
            resolve_since(store.path, "1")
        before, after = read_since(store, "2")
        changed = diff(before, after, config)
        assert (
            [p for _, p, _ in changed.removed]
            == [p for _, p, _ in changed.added]
            == ["<https://w3id.org/rdfnotes/ns#body>"]
        )
    settings.write_text("history:\n  keep: 0\n", encoding="utf-8")
    with Store(tmp_path / "store0") as store:
        load([folder], store, load_config(settings))
        assert entries(store.path) == []
    for text, message in (
        ("history:\n  kep: 3\n", "unknown setting 'history.kep' - did you mean 'keep'?"),
        ("history:\n  keep: -1\n", "'history.keep' is how many loads to keep, a whole number >= 0, not -1"),
        ("history: 5\n", "'history' is a mapping of settings (keep: N), not 5"),
    ):
        settings.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            load_config(settings)
        assert str(raised.value) == f"{settings}: {message}"


def test_a_sync_undone_leaves_no_entry(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A)
    with store:
        graph = store.named_graphs()[0]
        with pytest.raises(RuntimeError), store.syncing():
            store.replace_graphs({graph: ['<https://example.org/a> <https://example.org/b> "c"']})
            raise RuntimeError("stop")
        assert [e["load"] for e in entries(store.path)] == [1]
        assert not (store.path / HISTORY / ".pending").exists()
    # A process that died after its journal committed but before the entry took its number: the next puts it there.
    pending = tmp_path / "store" / HISTORY / ".pending"
    (tmp_path / "store" / HISTORY / "000001").rename(pending)
    journal = tmp_path / "store" / "journal"
    journal.mkdir()
    (journal / "sync.json").write_text(json.dumps({"empty": False, "pid": 0}), encoding="utf-8")
    (journal / "COMMITTED").write_text("", encoding="utf-8")
    with Store(tmp_path / "store") as store:
        assert [e["load"] for e in entries(store.path)] == [1]
        assert not pending.exists()


def test_labs_and_pages_show_the_loads(tmp_path: Path) -> None:
    runner = CliRunner()
    store_dir = tmp_path / "store"
    for _ in range(2):
        assert runner.invoke(cli, ["--store", str(store_dir), "load", str(LAB_A)]).exit_code == 0
    assert runner.invoke(cli, ["--store", str(store_dir), "load", str(LAB_B)]).exit_code in (0, 1)
    result = runner.invoke(cli, ["--store", str(store_dir), "labs"])
    with Store(store_dir) as store:
        kept = {e["load"]: e["time"] for e in entries(store.path)}
        page = get(store, "/").text
    lines = result.output.splitlines()
    assert (
        f"lab-a-sleep load 1 at {kept[1]}: notes 10 added, 0 removed, 0 changed; relation statements 22 added, "
        "0 removed" in lines
    )
    assert any(line.startswith("lab-b-obsidian load 2 at ") for line in lines), (
        lines
    )  # the same lab-a loaded again: no entry
    assert f"load 1 at {kept[1]}: notes 10 added, 0 removed, 0 changed" in page
    since = runner.invoke(cli, ["--store", str(store_dir), "diff", "--since", "1", "--lab", "lab-a-sleep"])
    assert (since.exit_code, since.output) == (0, f"No changes from {store_dir} after load 1 to {store_dir} now.\n")
    usage = runner.invoke(cli, ["--store", str(store_dir), "diff", "--since", "1", str(LAB_A)])
    assert usage.exit_code == 2 and "--since compares the store with its own past" in usage.output
