"""Pages of a query's answer (``--limit``/``--offset``, ``run_query(limit=, offset=)``), and answers written as
their rows come: each page is the same rows as the whole answer sliced, in every format."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SOCIAL_MEDIA

from rdfnotes import QueryError, Store, bundled_queries, load, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.queries import stream_query


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("paging") / "store"
    with Store(folder) as store:
        load([SOCIAL_MEDIA], store, load_config())
    return folder


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    with Store(store_dir) as opened:
        yield opened


@pytest.mark.parametrize("name", [q.name for q in bundled_queries()])
def test_each_page_of_a_bundled_query_is_its_whole_answer_sliced(store: Store, name: str) -> None:
    whole = run_query(store, name)
    if whole.boolean is not None:
        return
    rows = whole.rows if whole.triples is None else whole.triples
    for limit, offset in ((0, 0), (1, 0), (7, 3), (50, 20), (None, 5), (10, len(rows)), (10, len(rows) + 3)):
        page = run_query(store, name, limit=limit, offset=offset)
        stop = None if limit is None else offset + limit
        assert (page.rows if whole.triples is None else page.triples) == rows[offset:stop], (limit, offset)
        assert page.variables == whole.variables


def test_a_query_with_its_own_limit_is_paged_within_it(store: Store) -> None:
    # LIMIT cannot be appended to a query that has one: its rows are paged as they come instead.
    text = "SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o } ORDER BY ?o ?s LIMIT 12"
    whole = run_query(store, "own limit", text=text).rows
    assert len(whole) == 12
    assert run_query(store, "own limit", text=text, limit=4, offset=3).rows == whole[3:7]
    assert run_query(store, "own limit", text=text, limit=40, offset=10).rows == whole[10:]
    values = text.replace(" LIMIT 12", "") + "\nVALUES ?s { <https://example.org/none> }"  # a trailing VALUES block
    assert run_query(store, "values", text=values, limit=2).rows == []
    with pytest.raises(QueryError, match="not valid SPARQL"):
        run_query(store, "broken", text="SELECT ?s WHERE { ?s", limit=3)
    with pytest.raises(QueryError, match="0 or more"):
        run_query(store, "source-informs", limit=-1)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "table"])
def test_the_command_writes_a_page_as_the_whole_answer_would_be_written(store_dir: Path, fmt: str) -> None:
    runner = CliRunner()
    args = ["--store", str(store_dir), "query", "source-informs", "--format", fmt]
    paged = runner.invoke(cli, [*args, "--limit", "5", "--offset", "2"])
    assert paged.exit_code == 0, paged.output
    with Store(store_dir) as store:
        whole = run_query(store, "source-informs")
        expected = dataclasses.replace(whole, rows=whole.rows[2:7]).serialize(fmt)
        # streamed a row at a time: byte for byte what the answer read whole is written as
        assert "".join(stream_query(store, "source-informs").chunks(fmt)) == whole.serialize(fmt)
    assert paged.stdout_bytes.decode("utf-8") == expected
    if fmt == "json":
        assert len(json.loads(paged.output)["results"]["bindings"]) == 5
    refused = runner.invoke(cli, [*args, "--limit", "-1"])
    assert refused.exit_code == 2 and "-1 is not in the range x>=0" in refused.output


@pytest.mark.parametrize("name", [q.name for q in bundled_queries()])
def test_unordered_gives_the_same_rows(store: Store, name: str) -> None:
    """Without its ORDER BY a listing has the same rows (the bundled queries are sorted: the text must change)."""
    from rdfnotes.queries import find_query, without_order

    text, _ = find_query(name)
    assert without_order(text) != text and "ORDER BY" not in without_order(text).upper().split("}")[-1]
    whole = run_query(store, name)
    unordered = list(stream_query(store, name, ordered=False).rows)
    assert sorted(map(str, unordered)) == sorted(map(str, whole.rows))


def test_the_command_streams_unordered_rows(store_dir: Path) -> None:
    args = ["--store", str(store_dir), "query", "source-informs", "--format", "csv"]
    whole = CliRunner().invoke(cli, args)
    unordered = CliRunner().invoke(cli, [*args, "--unordered"])
    assert whole.exit_code == unordered.exit_code == 0
    head, *rows = whole.output.splitlines()
    assert unordered.output.splitlines()[0] == head and sorted(unordered.output.splitlines()[1:]) == sorted(rows)
