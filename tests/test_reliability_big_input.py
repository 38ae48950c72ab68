"""No one file aborts a load: a value too big for the store, JSON nested past Python's recursion, a YAML alias bomb,
a file name that is not UTF-8. Each is left out with a one-line error naming it, and its neighbours load.

Each of these aborted the whole load with a traceback before (the store unchanged, nothing loaded): a note over
16 MiB (``MemoryError: Reached the buffer maximal size of 16777216`` from the store's parser), JSON 1,500 deep
(``RecursionError``), a file name with the byte 0xe9 (``UnicodeEncodeError``); a 342-byte alias bomb in front
matter ran for minutes. The big files are made here, in tmp_path, as small as still shows the point (17 MB).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_B, LAB_C

from rdfnotes import Store, load, load_config
from rdfnotes.cli import cli

GOOD = "QUE - Does the good neighbour load.md"
BIG = 17 * 2**20  # over the store parser's 16 MiB


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def folder_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir(parents=True)
    (folder / GOOD).write_text("- it does\n", encoding="utf-8")
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def load_and_check(tmp_path: Path, folder: Path, problems: list[str], *options: str) -> None:
    """``rdfnotes load`` exits 1, prints exactly ``problems``, and the good neighbour is in the store."""
    store = tmp_path / "store"
    status, _, errors = run("--store", str(store), "load", str(folder), "--lab", "big", *options)
    assert (status, errors.splitlines()) == (1, problems)
    with Store(store) as opened:
        titles = {row[0].value for row in opened.query("SELECT ?t WHERE { ?n <http://purl.org/dc/terms/title> ?t }")}
    assert any("good neighbour" in title for title in titles) or options, titles


def test_a_value_over_16_mib_leaves_its_note_out(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"one-line.md": "- " + "word " * (BIG // 5)})
    load_and_check(
        tmp_path, folder, ["one-line.md: error: a value of 17.0 MiB is more than the store takes (16 MiB); not loaded"]
    )


def test_a_changed_note_over_16_mib_keeps_its_last_good_version(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"grows.md": "- small at first\n"})
    store = tmp_path / "store"
    assert run("--store", str(store), "load", str(folder))[0] == 0
    (folder / "grows.md").write_text("- " + "x" * BIG + "\n", encoding="utf-8")
    status, _, errors = run("--store", str(store), "load", str(folder))
    assert (status, errors) == (
        1,
        "grows.md: warning: a value of 17.0 MiB is more than the store takes (16 MiB); its last good version stays "
        "in the store\n",
    )
    with Store(store) as opened:
        found = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), "small at first")) }'
        assert opened.count(found) >= 1


def test_a_csv_field_over_16_mib_leaves_its_file_out(tmp_path: Path) -> None:
    source = next((LAB_C.parent / "roam-2024-dg-social-media" / "neo4j").glob("*nodes.csv"))
    folder = tmp_path / "neo4j"
    shutil.copytree(source.parent, folder)
    relations = next(folder.glob("*relations.csv"))
    big = folder / "big_query-results_202409111250_nodes.csv"
    big.write_text(f'uid:ID,label:LABEL,title,author,date\nbig01,CLAIM,"{"x" * BIG}",Me,"1/1/2024, 1:00:00 PM"\n')
    shutil.copy(relations, folder / "big_query-results_202409111250_relations.csv")
    store = tmp_path / "store"
    status, _, errors = run("--store", str(store), "load", str(folder), "--format", "neo4j-csv")
    assert status == 1
    assert errors.splitlines() == [
        "big_query-results_202409111250_nodes.csv: error: a value of 17.0 MiB is more than the store takes (16 MiB); "
        "not loaded"
    ]
    with Store(store) as opened:
        assert opened.count("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }") > 0


def deep_children(depth: int) -> str:
    return '{"string": "x", "children": [' * depth + '{"string": "y"}' + "]}" * depth


def test_json_nested_deep_is_an_error_for_its_file_in_every_json_reader(tmp_path: Path) -> None:
    roam = tmp_path / "roam"
    roam.mkdir()
    shutil.copy(next(LAB_C.glob("*.json")), roam / "good_query-results_202502050900.json")
    (roam / "deep_query-results_202502050900.json").write_text(
        '{"nodes": [{"uid": "d1", "title": "Deep", "children": [' + deep_children(1_500) + "]}]}"
    )
    status, _, errors = run("--store", str(tmp_path / "s1"), "load", str(roam), "--format", "roam-json")
    assert (status, errors) == (
        1,
        "deep_query-results_202502050900.json: error: not read: the JSON nests deeper than 200 levels\n",
    )

    rdf = folder_with(tmp_path / "rdf", {})
    (rdf / "deep.jsonld").write_text(
        '{"@id": "http://example.org/a", "http://example.org/p": ' + "[" * 1_500 + "1" + "]" * 1_500 + "}"
    )
    status, _, errors = run("--store", str(tmp_path / "s2"), "load", str(rdf))
    assert (status, errors) == (1, "deep.jsonld: error: not read: the JSON nests deeper than 200 levels\n")
    status, out, _ = run("validate", str(rdf))
    assert status == 1 and "deep.jsonld: error: not read: the JSON nests deeper than 200 levels" in out


@pytest.fixture
def deep_vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(LAB_B, vault)
    settings = vault / ".obsidian" / "plugins" / "discourse-graphs" / "data.json"
    settings.write_text('{"nodeTypes": ' + "[" * 1_500 + "]" * 1_500 + "}")
    return vault


def test_an_obsidian_data_json_nested_deep_is_a_message_for_load_validate_and_init(deep_vault: Path) -> None:
    message = ".obsidian/plugins/discourse-graphs/data.json: error: not read: the JSON nests deeper than 200 levels"
    status, _, errors = run("--store", str(deep_vault.parent / "store"), "load", str(deep_vault))
    assert (status, errors) == (1, message + "\n")
    status, out, _ = run("validate", str(deep_vault))
    assert status == 1 and f"{deep_vault}/{message} [read]" in out.splitlines()
    status, out, errors = run("init", str(deep_vault))
    assert status == 2 and errors.count("\n") == 1 and "nests deeper than 200 levels" in errors


BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["tags:", "  - x"]
)


@pytest.mark.parametrize("where", ["roam", "obsidian"])
def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path: Path, where: str) -> None:
    """Nine levels of nine aliases: 387 million strings from 356 bytes. Took minutes and GBs before."""
    if where == "roam":
        folder = folder_with(tmp_path, {"bomb.md": f"---\n{BOMB}\n---\n- text\n"})
        expected = (
            "bomb.md:2: error: the front matter is not read: the YAML's aliases expand to more than 100,000 values"
        )
    else:
        folder = tmp_path / "vault"
        shutil.copytree(LAB_B, folder)
        (folder / "Discourse" / "bomb.md").write_text(f"---\n{BOMB}\n---\ntext\n", encoding="utf-8")
        expected = (
            "Discourse/bomb.md:2: error: the front matter is not read: the YAML's aliases expand to more than "
            "100,000 values"
        )
    started = time.monotonic()
    with Store(tmp_path / "store") as store:
        report = load([folder], store, load_config())
    assert time.monotonic() - started < 30, "the bomb was expanded"
    assert [str(p) for p in report.errors] == [expected]
    assert report.notes > 0


def test_a_file_name_that_is_not_utf8_is_skipped_with_its_bytes_shown(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {})
    (folder / "caf\udce9.md").write_bytes(b"- hello\n")
    load_and_check(
        tmp_path, folder, ["caf\\xe9.md: error: the file name is not valid UTF-8: not read (rename the file)"]
    )
