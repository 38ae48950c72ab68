"""Sorted answers kept in the store (``rdfnotes.answers``): every page read from a kept answer is the engine's own
answer sliced, for every bundled query and for terms of every kind; a new state of the store is never answered from
an old one; a kept answer that is broken, tampered with or cannot be written is passed over, never trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_A, SOCIAL_MEDIA

from rdfnotes import Store, bundled_queries, load, load_config, run_query
from rdfnotes import answers as answers_module
from rdfnotes.answers import FOLDER
from rdfnotes.cli import cli


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("answers") / "store"
    with Store(folder) as store:
        load([SOCIAL_MEDIA], store, load_config())
    return folder


@pytest.fixture
def store_dir(loaded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(loaded, copy)
    return copy


def kept_files(store_dir: Path) -> list[str]:
    folder = store_dir / FOLDER
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# Terms of every kind the TSV results format must carry back as they were: line breaks, tabs, quotes and
# backslashes in literals, languages, datatypes, non-ASCII text, IRIs, and unbound values.
ODD_TERMS = r"""
SELECT ?n ?x ?y WHERE {
  VALUES (?n ?x) {
    (1 "two\nlines\tand a tab")
    (2 "quote \" and backslash \\ é 漢字 🙂")
    (3 "hello"@en-GB)
    (4 "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>)
    (5 <https://example.org/a%20b?c=d#e>)
    (6 UNDEF)
    (7 "")
    (8 "  spaces  ")
    (9 "x"^^<https://example.org/type>)
    (10 -3.5e2)
  }
  OPTIONAL { FILTER(?n = 3) BIND("only three" AS ?y) }
} ORDER BY DESC(?n)
"""


def test_pages_of_a_kept_answer_are_the_engine_answer_sliced(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers_module, "_EVERY", 3)  # small index blocks: pages cross them
    with Store(store_dir, read_only=True) as store:
        whole = run_query(store, "odd", text=ODD_TERMS)
        assert len(whole.rows) == 10
        for limit in (None, 0, 1, 2, 3, 4, 7, 50):
            for offset in range(12):
                page = run_query(store, "odd", text=ODD_TERMS, limit=limit, offset=offset, keep=True)
                stop = None if limit is None else offset + limit
                assert page.rows == whole.rows[offset:stop], (limit, offset)
                assert page.variables == whole.variables
        assert len([n for n in kept_files(store_dir) if n.endswith(".json")]) == 1  # made once, then read


def test_a_first_page_alone_is_the_engines_and_paging_on_keeps_the_answer(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        whole = run_query(store, "odd", text=ODD_TERMS)
        assert run_query(store, "odd", text=ODD_TERMS, limit=3, keep=True).rows == whole.rows[:3]
        assert kept_files(store_dir) == []  # a first page: LIMIT asked of the engine, nothing written
        assert run_query(store, "odd", text=ODD_TERMS, limit=3, offset=3, keep=True).rows == whole.rows[3:6]
        assert len(kept_files(store_dir)) == 2  # the reader pages on: the answer is kept (index and rows)
        assert run_query(store, "odd", text=ODD_TERMS, limit=3, keep=True).rows == whole.rows[:3]


@pytest.mark.parametrize("name", [q.name for q in bundled_queries()])
def test_every_bundled_query_kept_gives_the_same_answer(store_dir: Path, name: str) -> None:
    with Store(store_dir, read_only=True) as store:
        whole = run_query(store, name)
        first = run_query(store, name, keep=True)  # made (when sorted and kept)
        again = run_query(store, name, keep=True)  # read back
        page = run_query(store, name, keep=True, limit=5, offset=3)
    for answer in (first, again):
        assert (answer.variables, answer.rows, answer.boolean, answer.triples) == (
            whole.variables,
            whole.rows,
            whole.boolean,
            whole.triples,
        )
    if whole.triples is None and whole.boolean is None:
        assert page.rows == whole.rows[3:8]


def test_a_new_state_of_the_store_is_never_answered_from_an_old_one(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    shutil.copytree(LAB_A, notes)
    store_dir = tmp_path / "store"
    config = load_config()
    text = "SELECT ?label WHERE { ?n <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    with Store(store_dir) as store:
        load([notes], store, config)
        before = run_query(store, "labels", text=text, keep=True).rows
        generation = store.generation
        kept = kept_files(store_dir)
        load([notes], store, config)  # nothing changed: the same state, and its answers stay
        assert store.generation == generation
        assert run_query(store, "labels", text=text, keep=True).rows == before
        assert kept_files(store_dir) == kept
    (notes / "Zzz a page added last.md").write_text("- a new page\n", encoding="utf-8")
    with Store(store_dir) as store:
        load([notes], store, config)
        after = run_query(store, "labels", text=text, keep=True).rows
        assert after == run_query(store, "labels", text=text).rows
    assert after != before
    assert len(kept_files(store_dir)) == 2  # the new state's answer (index and rows): the old one let go
    assert "Zzz a page added last" in {getattr(row[0], "value", None) for row in after}


def test_queries_whose_answer_changes_are_not_kept(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        for text in (
            "SELECT ?x WHERE { BIND(RAND() AS ?x) } ORDER BY ?x",
            "SELECT ?x WHERE { BIND(NOW() AS ?x) } ORDER BY ?x",
            "SELECT ?x WHERE { BIND(STRUUID() AS ?x) } ORDER BY ?x",
            "SELECT ?x WHERE { BIND(BNODE() AS ?x) } ORDER BY ?x",
        ):
            assert len(run_query(store, "changing", text=text, keep=True).rows) == 1
        # unsorted: its first rows come at once from the engine, nothing to keep
        run_query(store, "unsorted", text="SELECT ?s WHERE { ?s ?p ?o }", keep=True, limit=3)
    assert kept_files(store_dir) == []


def test_a_broken_or_tampered_kept_answer_is_passed_over(store_dir: Path) -> None:
    with Store(store_dir, read_only=True) as store:
        whole = run_query(store, "odd", text=ODD_TERMS)
        run_query(store, "odd", text=ODD_TERMS, keep=True)
        folder = store_dir / FOLDER
        (index,) = folder.glob("*.json")
        (data,) = folder.glob("*.tsv")
        original = index.read_bytes()

        data.write_bytes(data.read_bytes()[:-20])  # cut short: its size no longer the index's
        assert run_query(store, "odd", text=ODD_TERMS, keep=True).rows == whole.rows
        outside = store_dir.parent / "outside.tsv"
        outside.write_bytes(b"?n\t?x\t?y\n1\t2\t3\n")
        for tampered in (
            b"{not json",
            b"[]",
            json.dumps({**json.loads(original), "file": "../../outside.tsv"}).encode(),
            json.dumps({**json.loads(original), "rows": "many"}).encode(),
            json.dumps({**json.loads(original), "starts": []}).encode(),
            json.dumps({**json.loads(original), "starts": [50, 10]}).encode(),
            json.dumps({**json.loads(original), "every": 0}).encode(),
            json.dumps({**json.loads(original), "every": 1}).encode(),
        ):
            index.write_bytes(tampered)
            assert run_query(store, "odd", text=ODD_TERMS, keep=True, limit=3, offset=2).rows == whole.rows[2:5]
            assert run_query(store, "odd", text=ODD_TERMS, keep=True).rows == whole.rows
        # rows that are no TSV, of the size the index says: the engine answers
        index.write_bytes(original)
        size = json.loads(original)["size"]
        data.write_bytes((b"\x00not tsv\t<\n" * size)[:size])
        assert data.stat().st_size == json.loads(original)["size"]
        assert run_query(store, "odd", text=ODD_TERMS, keep=True, limit=3, offset=2).rows == whole.rows[2:5]


def test_a_folder_that_cannot_be_written_leaves_the_answer_to_the_engine(store_dir: Path) -> None:
    (store_dir / FOLDER).write_bytes(b"a file where the folder would be")
    with Store(store_dir, read_only=True) as store:
        assert (
            run_query(store, "odd", text=ODD_TERMS, keep=True, limit=2).rows
            == run_query(store, "odd", text=ODD_TERMS, limit=2).rows
        )


def test_the_folder_keeps_a_bounded_number_of_answers(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers_module, "_MAX_ANSWERS", 2)
    with Store(store_dir, read_only=True) as store:
        for n in range(5):
            run_query(store, f"q{n}", text=ODD_TERMS.replace("DESC(?n)", f"DESC(?n) ?x # {n}"), keep=True)
    files = kept_files(store_dir)
    assert len([f for f in files if f.endswith(".json")]) == 2
    assert len([f for f in files if f.endswith(".tsv")]) == 2


def test_an_answer_too_big_to_keep_is_still_answered(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(answers_module, "_MAX_BYTES", 200)
    with Store(store_dir, read_only=True) as store:
        whole = run_query(store, "source-informs")
        assert run_query(store, "source-informs", keep=True, limit=4, offset=2).rows == whole.rows[2:6]
    assert [f for f in kept_files(store_dir) if f.endswith(".json")] == []


def test_query_pages_through_the_command_are_kept_and_the_same(store_dir: Path) -> None:
    runner = CliRunner()
    base = ["--store", str(store_dir), "query", "source-informs", "--format", "csv"]
    whole = runner.invoke(cli, base)
    assert whole.exit_code == 0, whole.output
    lines = whole.output.splitlines()
    (store_dir / FOLDER / next(f for f in kept_files(store_dir) if f.endswith(".json"))).unlink()
    first = runner.invoke(cli, [*base, "--limit", "3"])
    second = runner.invoke(cli, [*base, "--limit", "3", "--offset", "3"])
    third = runner.invoke(cli, [*base, "--limit", "3", "--offset", "6"])
    assert first.output.splitlines() == lines[:4]
    assert second.output.splitlines() == [lines[0], *lines[4:7]]
    assert third.output.splitlines() == [lines[0], *lines[7:10]]
    assert len([f for f in kept_files(store_dir) if f.endswith(".json")]) == 1
    unordered = runner.invoke(cli, [*base, "--unordered"])
    assert sorted(unordered.output.splitlines()[1:]) == sorted(lines[1:])
