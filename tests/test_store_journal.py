"""A sync is all or nothing: the store's undo journal (``Store.syncing``).

Whatever stops a sync — an exception, or the process killed between two of its writes, or between its last write
and the end — the store opens next with the state before the sync (graphs, union and manifest) or the state after
it, never a mix. Kills here land at chosen points (a write patched to kill its own process); the random-moment
kills of a real ``load`` are in test_reliability_crash.py.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_A, load_into

from rdfnotes import Store, export, load, load_config
from rdfnotes.cli import cli
from rdfnotes.store import JOURNAL, MANIFEST

CHANGE = """
graphs = sorted(g for g in store.named_graphs() if g.endswith(".md"))
extra = Triple(NamedNode("urn:x:s"), NamedNode("urn:x:p"), Literal("new"))
changes = {graphs[0]: set(), graphs[1]: store.graph_triples(graphs[1]) | {extra}, "urn:x:new-graph": {extra}}
"""


def state(store_dir: Path) -> tuple[bytes | None, bytes | None, bytes]:
    """What a user sees of a store: every named graph, the default graph (their union), and the manifest file."""
    with Store(store_dir) as store:
        assert not (store_dir / JOURNAL).exists()
        return export(store, "nquads"), export(store, "ntriples"), (store_dir / MANIFEST).read_bytes()


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A store holding lab-a, closed."""
    store, _ = load_into(tmp_path / "store", LAB_A)
    store.close()
    return tmp_path / "store"


def run_killed(store_dir: Path, *scripts: str) -> None:
    """Run the ``scripts`` on the opened store (as ``store``) in a process of its own, which they must kill."""
    code = textwrap.dedent("""
        import os, signal, sys
        from pyoxigraph import Literal, NamedNode, Triple
        import rdfnotes.store
        from rdfnotes.store import Store

        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)

        store = Store(sys.argv[1])
    """) + "".join(textwrap.dedent(script) for script in scripts)
    finished = subprocess.run([sys.executable, "-c", code, str(store_dir)], capture_output=True, timeout=60)
    assert finished.returncode == -signal.SIGKILL, finished.stderr.decode()


def test_a_sync_that_raises_is_undone_at_once(loaded: Path) -> None:
    before = state(loaded)
    with Store(loaded) as store:
        graphs = sorted(g for g in store.named_graphs() if g.endswith(".md"))
        manifest = store.manifest
        try:
            with store.syncing():
                store.replace_graphs({graphs[0]: set(), graphs[1]: set()})
                store.manifest = {**manifest, "roots": {}}
                store.save_manifest()
                store.replace_graphs({graphs[2]: set()})
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        assert store.manifest == manifest, "the manifest in memory is the one on disk again"
        assert not store.recovered
    assert state(loaded) == before


def test_a_process_killed_between_two_writes_is_undone_by_the_next_to_open_the_store(loaded: Path) -> None:
    before = state(loaded)
    run_killed(
        loaded,
        CHANGE,
        """
        rdfnotes.store._BATCH_TRIPLES = 10  # a write per graph
        with store.syncing():
            store.replace_graphs(changes)
            store.manifest["roots"] = {}
            store.save_manifest()
            store.replace_graphs({graphs[2]: set()})
            die()
        """,
    )
    assert (loaded / JOURNAL).exists()
    with Store(loaded) as store:
        assert store.recovered
    assert state(loaded) == before


def test_a_kill_after_the_sync_committed_keeps_the_new_state(loaded: Path) -> None:
    run_killed(
        loaded,
        CHANGE,
        """
        rdfnotes.store._Journal.end = die  # committed, the journal not yet deleted
        with store.syncing():
            store.replace_graphs(changes)
        """,
    )
    with Store(loaded) as store:
        assert not store.recovered
        assert store.has_graph("urn:x:new-graph")
        assert store.count("SELECT (COUNT(*) AS ?n) WHERE { <urn:x:s> <urn:x:p> 'new' }") == 1
    assert not (loaded / JOURNAL).exists()


def test_an_undo_cut_short_is_finished_by_the_next(loaded: Path) -> None:
    before = state(loaded)
    run_killed(
        loaded,
        CHANGE,
        """
        rdfnotes.store._BATCH_TRIPLES = 10
        with store.syncing():
            store.replace_graphs(changes)
            die()
        """,
    )
    records = sorted(p.name for p in (loaded / JOURNAL).glob("0*.json"))
    assert len(records) == 2, records  # the drop and the change in one write, the new graph in another
    # The next process undoes the last record, then dies before the others.
    code = textwrap.dedent("""
        import os, signal, sys
        import rdfnotes.store
        undo = rdfnotes.store._Journal._undo_update
        calls = []
        def undo_once(self, ox, listing):
            if calls:
                os.kill(os.getpid(), signal.SIGKILL)
            calls.append(listing)
            return undo(self, ox, listing)
        rdfnotes.store._Journal._undo_update = undo_once
        rdfnotes.store.Store(sys.argv[1])
    """)
    finished = subprocess.run([sys.executable, "-c", code, str(loaded)], capture_output=True, timeout=60)
    assert finished.returncode == -signal.SIGKILL, finished.stderr.decode()
    assert len(list((loaded / JOURNAL).glob("0*.json"))) == 1, "one record undone and deleted"
    with Store(loaded) as store:
        assert store.recovered
    assert state(loaded) == before


def test_a_first_load_killed_leaves_an_empty_store(tmp_path: Path) -> None:
    """A first load (here through the bulk loader, as in a big lab) killed half-way: the store is empty again."""
    run_killed(
        tmp_path / "store",
        f"""
        from rdfnotes import load, load_config
        rdfnotes.store._BATCH_TRIPLES = 50
        rdfnotes.store._BULK_QUADS = 10
        writes = []
        original = rdfnotes.store._Writer.submit
        def submit(self, write):
            writes.append(write)
            if len(writes) == 3:
                die()
            original(self, write)
        rdfnotes.store._Writer.submit = submit
        load([{str(LAB_A)!r}], store, load_config())
        """,
    )
    with Store(tmp_path / "store") as store:
        assert store.recovered
        assert store.named_graphs() == [] and export(store, "nquads") == b""
        assert store.manifest["roots"] == {}
        load([LAB_A], store, load_config())
    fresh, _ = load_into(tmp_path / "fresh", LAB_A)
    with fresh:
        assert state(tmp_path / "store")[0] == export(fresh, "nquads")


def test_the_cli_says_when_the_last_load_was_undone(loaded: Path) -> None:
    run_killed(
        loaded,
        CHANGE,
        """
        with store.syncing():
            store.replace_graphs(changes)
            die()
        """,
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(loaded), "query", "contested-claims"])
    assert result.exit_code == 0
    assert "stopped before it finished; what it had written was undone" in result.stderr
    result = runner.invoke(cli, ["--store", str(loaded), "query", "contested-claims"])
    assert result.exit_code == 0 and result.stderr == ""


def test_a_store_an_older_version_left_half_synced_is_repaired_by_the_next_load(
    lab_a_copy: Path, tmp_path: Path
) -> None:
    """rdfnotes 0.1 marked a load in progress with a SYNCING file and no journal: the next load re-reads every
    file, so whatever mix the old version left is replaced."""
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    graph = next(g for g in store.named_graphs() if g.endswith(".md"))
    before = store.graph_triples(graph)
    store._ox.update(f"DROP GRAPH <{graph}>")  # the old version's half-done write
    (store.path / "SYNCING").write_text("a load (process 1) is writing this store\n", encoding="utf-8")
    store.close()
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(tmp_path / "store"), "query", "contested-claims"])
    assert result.exit_code == 0 and "by an older rdfnotes stopped before it finished" in result.stderr
    result = runner.invoke(cli, ["--store", str(tmp_path / "store"), "load", "-q", str(lab_a_copy)])
    assert result.exit_code == 0
    with Store(tmp_path / "store") as reopened:
        assert not reopened.interrupted and reopened.graph_triples(graph) == before
    result = runner.invoke(cli, ["--store", str(tmp_path / "store"), "query", "contested-claims"])
    assert result.exit_code == 0 and result.stderr == ""
