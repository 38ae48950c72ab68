"""Concurrency: one writer at a time, readers beside it. A second ``load`` (or ``remove``, ``link``) while a
process holds the store for writing is refused with a clear message and writes nothing, while readers (``query``,
``export``) run beside it; loads started together end in the fresh-load graph; queries made while a load runs in the
same process see the old state or the new one, never a half-written one."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support import LAB_A, SOCIAL_MEDIA

from rdfnotes import Store, StoreLocked, export, load, load_config, run_query

CONFIG = load_config()
LOCKED = "another rdfnotes process is using this store; wait for it to finish, then retry"


def rdfnotes_cli(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_writer_is_refused_with_a_clear_message_and_writes_nothing(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    with Store(store_dir) as store:  # this process is the writer now
        load([LAB_A], store, CONFIG)
        before = export(store, "nquads")
        for args in (["load", str(SOCIAL_MEDIA / "md")], ["remove", "--lab", "lab-a-sleep"], ["link"]):
            out, err = rdfnotes_cli("--store", str(store_dir), *args).communicate(timeout=60)
            assert err == f"Error: {store_dir}: {LOCKED}\n", args
            assert out == ""
        # readers do not need the writer's lock: they answer beside it
        out, err = rdfnotes_cli("--store", str(store_dir), "export", "--format", "nquads").communicate(timeout=60)
        assert (out.encode("utf-8"), err) == (before, "")
        out, err = rdfnotes_cli("--store", str(store_dir), "query", "contested-claims").communicate(timeout=60)
        assert err == "" and "1 row" in out
        assert export(store, "nquads") == before
    with pytest.raises(StoreLocked, match="another rdfnotes process"), Store(store_dir), Store(store_dir):
        pass


def test_loads_started_together_never_both_write(tmp_path: Path) -> None:
    """Pairs of loads of two different folders into one store, started at once: each either finishes or is refused
    with the message; the store then holds exactly what the finished loads give when run one after the other."""
    lab_b = tmp_path / "other"
    shutil.copytree(LAB_A, lab_b)
    for path in lab_b.glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n- Copied:: yes\n", encoding="utf-8")
    refused = 0
    for trial in range(3):
        store_dir = tmp_path / f"store-{trial}"
        first = rdfnotes_cli("--store", str(store_dir), "load", "--lab", "one", str(SOCIAL_MEDIA / "md"))
        second = rdfnotes_cli("--store", str(store_dir), "load", "--lab", "two", str(lab_b))
        results = []
        for process in (first, second):
            err = process.communicate(timeout=120)[1]
            results.append((process.returncode, err))
        done = []
        for (code, err), folder, lab in zip(results, (SOCIAL_MEDIA / "md", lab_b), ("one", "two"), strict=True):
            if code == 2:
                assert LOCKED in err
                refused += 1
            else:
                assert code in (0, 1), err
                done.append((folder, lab))
        assert done, "at least one load finishes"
        with Store(tmp_path / f"expected-{trial}") as store:
            for folder, lab in done:
                load([folder], store, CONFIG, lab=lab)
            expected = export(store, "nquads")
        with Store(store_dir) as store:
            assert export(store, "nquads") == expected
    assert refused >= 1  # started together, they did meet at least once


def test_queries_during_a_load_see_the_old_or_the_new_state(tmp_path: Path) -> None:
    """One process: a thread syncs the store back and forth between two versions of a folder while another asks
    a bundled query again and again; every answer is one of the two states' answers."""
    folder = tmp_path / "notes"
    shutil.copytree(SOCIAL_MEDIA / "md", folder)
    versions = {}
    for version in ("a", "b"):
        if version == "b":
            for path in sorted(folder.glob("*.md"))[::3]:
                path.write_text(path.read_text(encoding="utf-8").replace("Supports", "Opposes"), encoding="utf-8")
        with Store(tmp_path / f"fresh-{version}") as store:
            load([folder], store, CONFIG, lab="lab")
            versions[version] = run_query(store, "claims-by-support").rows
        shutil.copytree(folder, tmp_path / version)
    assert versions["a"] != versions["b"]

    answers: list[list[object]] = []
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "a", folder)
    with Store(tmp_path / "store") as store:
        load([folder], store, CONFIG, lab="lab")
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                answers.append(run_query(store, "claims-by-support").rows)

        asker = threading.Thread(target=ask)
        asker.start()
        try:
            for round_ in range(6):
                shutil.rmtree(folder)
                shutil.copytree(tmp_path / ("b" if round_ % 2 == 0 else "a"), folder)
                load([folder], store, CONFIG, lab="lab")
        finally:
            stop.set()
            asker.join()
    assert len(answers) > 10
    assert all(rows in (versions["a"], versions["b"]) for rows in answers)
