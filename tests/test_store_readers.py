"""Readers never wait for a writer they do not need, and never make a store.

``query``, ``export``, ``labs``, ``validate`` of the store, ``push`` and ``serve`` open the store read-only: they run
beside a writer (a ``load``, ``serve``'s own store never blocks one), wait only while another process's sync is
writing (and say so), and a ``serve`` that runs shows a ``load`` made meanwhile at its next request. Commands that
need a store and find none say so (exit 2) and create nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from lab_pages import context_page, write_lab
from support import LAB_A
from test_serve import start, stop

from rdfnotes import Store, export, load, load_config
from rdfnotes.cli import cli

NO_STORE = "no store here; load notes first ('rdfnotes load PATH'), or name the store with --store or RDFNOTES_STORE"
NOTES = "SELECT (COUNT(*) AS ?n) WHERE { ?f a <https://w3id.org/rdfnotes/ns#NoteFile> }"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def rdfnotes_cli(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize(
    "command",
    [
        ["query", "contested-claims"],
        ["query", "-"],
        ["export"],
        ["export", "--format", "html", "-o", "site"],
        ["labs"],
        ["validate"],
        ["remove", "--lab", "lab-a"],
        ["link"],
        ["push", "http://127.0.0.1:9/store"],
        ["serve", "--port", "0"],
    ],
)
def test_a_command_that_needs_a_store_and_finds_none_says_so_and_makes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(*command, input="ASK {}")
    assert (code, out, err) == (2, "", f"Error: .rdfnotes: {NO_STORE}\n")
    assert list(tmp_path.iterdir()) == [], "nothing was made"


def test_a_load_of_a_wrong_path_leaves_nothing_behind(tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, _, err = invoke("--store", str(store), "load", str(tmp_path / "no-such-export"))
    assert (code, err) == (2, f"Error: {tmp_path / 'no-such-export'}: no such file or folder\n")
    (tmp_path / "empty").mkdir()
    code, _, err = invoke("--store", str(store), "load", str(tmp_path / "empty"))
    assert (code, err) == (
        2,
        f"Error: no note files (*.md) found in {tmp_path / 'empty'}, nor a Roam JSON, Neo4j CSV or RDF export\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
    # a store folder that was there stays, and holds no store
    store.mkdir()
    (store / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, _ = invoke("--store", str(store), "load", str(tmp_path / "empty"))
    assert code == 2 and sorted(p.name for p in store.iterdir()) == ["notes.txt"]


def test_readers_wait_for_a_sync_that_is_writing_then_see_its_result(tmp_path: Path) -> None:
    """A sync of this process has written part of its change: a reader in another process waits for the commit
    (saying once for whom), then answers from the new state; it never sees the half-written one."""
    store_dir = tmp_path / "store"
    with Store(store_dir) as store:
        load([LAB_A], store, load_config(), lab="lab-a")
    with Store(store_dir) as store:
        graphs = sorted(g for g in store.named_graphs() if g.endswith(".md"))
        with store.syncing():
            store.replace_graphs({graphs[0]: set()})  # written, not committed
            reader = rdfnotes_cli("--store", str(store_dir), "export", "--format", "nquads")
            time.sleep(3)
            assert reader.poll() is None, "the reader waits while the sync writes"
            store.replace_graphs({graphs[1]: set()})
        after = export(store, "nquads")
    out, err = reader.communicate(timeout=60)
    assert err == f"Waiting for the load writing {store_dir} (process {os.getpid()}) to finish…\n"
    assert out.encode("utf-8") == after


def test_serve_answers_beside_a_load_and_shows_it_at_the_next_request(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    code, _, err = invoke("--store", str(store_dir), "load", str(LAB_A), "--lab", "lab-a")
    assert code == 0, err
    process, url = start(store_dir, tmp_path / "serve.log", "-q")
    try:

        def notes() -> int:
            request = urllib.request.Request(
                url + "?" + urllib.parse.urlencode({"query": NOTES}), headers={"Accept": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])

        assert notes() == 10
        lab_x = write_lab(
            tmp_path / "x", {"CLM - Naps help": "", "EVD - Naps helped": context_page(("Supports", "CLM - Naps help"))}
        )
        code, out, err = invoke("--store", str(store_dir), "load", str(lab_x), "--lab", "lab-x")
        assert (code, err) == (0, ""), "a load runs while serve runs"
        assert out.splitlines()[0] == "Loaded 2 files (2 read, 0 unchanged) as lab lab-x."
        assert notes() == 12, "serve answers from the store as the load left it"
        page = url.removesuffix("sparql") + "lab-x/page/clm-naps-help-d37ea8de"
        with urllib.request.urlopen(page, timeout=30) as answer:
            assert answer.status == 200 and b"Naps help" in answer.read()
        code, out, _ = invoke("--store", str(store_dir), "labs")
        assert code == 0 and out.splitlines()[1].startswith("lab-a")
    finally:
        stop(process)
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    pages = url.removesuffix("sparql")
    assert log.splitlines()[0] == (
        f"Serving {store_dir}: the pages at {pages}, SPARQL at {url} (read-only: loads show at the next request; "
        "Ctrl-C to stop)."
    )
