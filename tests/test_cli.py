"""The command line, driven through click's CliRunner as a user would type it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from support import EXAMPLES, LAB_A

from rdfnotes.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, store: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["--store", str(store), *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_the_format_choices_are_the_readers_formats() -> None:
    from rdfnotes import cli, readers

    assert cli.FORMATS == readers.FORMATS


def test_the_package_imports_its_api_on_first_use() -> None:
    """``import rdfnotes`` (each command's start, ``--help`` too) loads nothing else; the API names are the same."""
    code = """
import sys, rdfnotes
print(sorted(m for m in sys.modules if m.startswith("rdfnotes.")))
import rdfnotes.export, rdfnotes.labs, rdfnotes.link
from rdfnotes import Store, export, labs, link, load
from rdfnotes.store import Store as S
import rdfnotes.loader
print(Store is S, load is rdfnotes.loader.load, [f.__module__ for f in (export, labs, link, rdfnotes.export)])
print(set(rdfnotes.__all__) <= set(dir(rdfnotes)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [
        "[]",
        "True True ['rdfnotes.export', 'rdfnotes.labs', 'rdfnotes.link', 'rdfnotes.export']",
        "True",
    ]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        import rdfnotes

        _ = rdfnotes.nothing  # type: ignore[attr-defined]
    version = subprocess.run(
        [sys.executable, "-m", "rdfnotes", "--version"], capture_output=True, text=True, check=True
    )
    assert "version" in version.stdout


def test_load_prints_a_summary_and_exits_0(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = invoke(runner, tmp_path / "store", "load", str(EXAMPLES / "lab-a"))
    assert code == 0, err
    evidence = (
        "EVD - No overnight gain for a finger-tapping task once time of day was con...ay of testing - "
        "@nguyenNoOvernightGain2021.md"
    )
    question = "QUE - Does sleep after learning improve retention.md"
    assert out.splitlines() == [
        "Loaded 10 files (10 read, 0 unchanged) as lab lab-a-sleep.",
        f"Store {tmp_path / 'store'}: 10 notes, 12 relations, 535 triples; 0 errors, 0 warnings.",
        "Coverage: 0 fields not mapped, 0 pages without a type, 4 pages linked to with no file.",
        f"  no file for '@nguyenNoOvernightGain2021': linked from 1 file, e.g. {evidence}",
        f"  no file for 'Jan Born': linked from 1 file, e.g. {question}",
        "  no file for 'Notes': linked from 1 file, e.g. @diekelmannMemoryFunctionSleep2010.md",
        f"  no file for 'spaced repetition': linked from 1 file, e.g. {question}",
    ]
    code, out, _ = invoke(runner, tmp_path / "store", "load", str(EXAMPLES / "lab-a"))
    assert out.splitlines()[0] == "Loaded 10 files (0 read, 10 unchanged) as lab lab-a-sleep."


def test_load_with_a_bad_file_names_it_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "CLM - Good.md").write_text("---\ntitle: CLM - Good\n---\n", encoding="utf-8")
    (folder / "CLM - Bad.md").write_bytes(b"---\ntitle: CLM - Bad\n---\n- \xfe\n")
    code, out, err = invoke(runner, tmp_path / "store", "load", str(folder))
    assert code == 1
    assert "CLM - Bad.md:4: error: not valid UTF-8" in err
    assert "1 read, 0 unchanged, 1 skipped" in out


def test_load_of_nothing_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, tmp_path / "store", "load", str(tmp_path / "missing"))
    assert code == 2
    assert err == f"Error: {tmp_path / 'missing'}: no such file or folder\n"
    (tmp_path / "empty").mkdir()
    code, _, err = invoke(runner, tmp_path / "store", "load", str(tmp_path / "empty"))
    assert code == 2 and "no note files (*.md) found in" in err


def test_a_json_or_csv_file_that_is_no_known_export_is_not_taken_for_a_note(runner: CliRunner, tmp_path: Path) -> None:
    for name, text in (("export.json", '{"not": "roam"}'), ("data.csv", "a,b\n1,2\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        code, _, err = invoke(runner, tmp_path / "store", "load", str(tmp_path / name))
        assert code == 2
        assert err == (
            f"Error: {tmp_path / name}: not a note, nor a Roam JSON, Neo4j CSV or RDF export this tool reads "
            "(--format names the format to read it in)\n"
        )
    assert not (tmp_path / "store").exists(), "a load of nothing makes no store"


def test_unknown_relation_label_is_named_once(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name in ("EVD - One", "EVD - Two"):
        (folder / f"{name}.md").write_text(
            f"---\ntitle: {name}\n---\n###### Discourse Context\n- **Refutes::** [[CLM - Target]]\n", encoding="utf-8"
        )
    code, _, err = invoke(runner, tmp_path / "store", "load", str(folder))
    assert code == 1
    assert err.count("relation label 'Refutes' is not in the configuration") == 1
    code, out, _ = invoke(
        runner,
        tmp_path / "store",
        "query",
        "-",
        input="SELECT (COUNT(*) AS ?n) WHERE { ?e <https://w3id.org/rdfnotes/ns#refutes> ?c }",
    )
    assert out.splitlines()[2] == "2"


def test_queries_lists_every_bundled_query(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(runner, tmp_path / "store", "queries")
    assert code == 0
    names = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert len(names) >= 8
    assert {"open-questions", "contested-claims", "dangling-links"} <= set(names)


def test_query_formats(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    code, out, _ = invoke(runner, store, "query", "contested-claims", "--format", "json")
    assert code == 0
    results = json.loads(out)
    assert set(results) == {"head", "results"}
    assert len(results["results"]["bindings"]) == 1
    code, out, _ = invoke(runner, store, "query", "contested-claims", "--format", "csv")
    assert out.splitlines()[0] == ",".join(results["head"]["vars"])
    code, out, _ = invoke(runner, store, "query", "contested-claims", "--format", "tsv")
    assert out.splitlines()[0] == "\t".join(f"?{v}" for v in results["head"]["vars"])
    code, out, _ = invoke(runner, store, "query", "contested-claims")
    assert out.splitlines()[-1] == "(1 row)"


def test_query_from_a_file_with_a_parameter(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    query = tmp_path / "by-name.rq"
    query.write_text(
        "SELECT ?name ?node WHERE { ?node <http://www.w3.org/ns/prov#wasAttributedTo>/<http://xmlns.com/foaf/0.1/name>"
        " ?name } ORDER BY ?node",
        encoding="utf-8",
    )
    code, out, _ = invoke(runner, store, "query", str(query), "--param", "name=Ravi Raman", "--format", "csv")
    assert code == 0
    assert len(out.splitlines()) == 1 + 3


def test_query_errors_are_one_line_messages(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    code, _, err = invoke(runner, store, "query", "no-such-query")
    assert code == 2 and err.startswith("Error: no bundled query or .rq file named 'no-such-query'")
    code, _, err = invoke(runner, store, "query", "-", input="SELEKT nothing")
    assert code == 2 and err.startswith("Error: standard input: not valid SPARQL")
    code, _, err = invoke(runner, store, "query", "open-questions", "--param", "nope=1")
    assert code == 2 and "has no parameter 'nope'" in err
    code, _, err = invoke(runner, store, "query", "open-questions", "--param", "novalue")
    assert code == 2 and "is not NAME=VALUE" in err


def test_export_to_a_file_and_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    code, _, err = invoke(runner, store, "export", "-o", str(tmp_path / "lab.ttl"))
    assert code == 0 and "Wrote" in err
    code, out, _ = invoke(runner, store, "export")
    assert out.encode("utf-8") == (tmp_path / "lab.ttl").read_bytes()
    assert len(rdflib.Graph().parse(tmp_path / "lab.ttl", format="turtle")) == 535
    code, out, _ = invoke(runner, store, "export", "--format", "nquads")
    # the default graph (535 distinct triples, 297 of them the statements of where relations and attributes are
    # stated) then the file graphs (561: 26 stated by two files, such as a relation on both its pages or a shared
    # author)
    assert code == 0 and len(out.splitlines()) == 535 + 561


def test_an_export_that_fails_leaves_the_old_file_whole(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    (tmp_path / "lab.ttl").write_text("the last export\n", encoding="utf-8")
    code, _, err = invoke(runner, store, "export", "--lab", "no-such-lab", "-o", str(tmp_path / "lab.ttl"))
    assert code == 2 and "no-such-lab" in err
    assert (tmp_path / "lab.ttl").read_text(encoding="utf-8") == "the last export\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lab.ttl", "store"], "no partial file left"


def test_store_from_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["load", str(LAB_A)], env={"RDFNOTES_STORE": str(tmp_path / "env-store")})
    assert result.exit_code == 0
    assert (tmp_path / "env-store" / "manifest.json").is_file()


def test_a_busy_store_is_refused_with_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    from rdfnotes import Store

    with Store(tmp_path / "store"):
        code, _, err = invoke(runner, tmp_path / "store", "remove", "--lab", "any")
        assert code == 2
        assert "another rdfnotes process is using this store" in err
        code, out, err = invoke(runner, tmp_path / "store", "export")  # a reader runs beside the writer
        assert (code, out, err) == (0, "", "")


def test_config_file_with_a_typo_gets_a_suggestion(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "rdfnotes.yaml"
    config.write_text("relatons: []\n", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "--config", str(config), "load", str(LAB_A)])
    assert result.exit_code == 2
    assert "unknown setting 'relatons' - did you mean 'relations'?" in result.stderr


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{sorce: Evidence, relation: Informs, target: Claim}",
            "grammar entry 1 has unknown key 'sorce' - did you mean 'source'?",
        ),
        (
            "{source: Evidense, relation: Informs, target: Claim}",
            "grammar entry 1 names node type 'Evidense', which is not one - did you mean 'Evidence'?",
        ),
        (
            "{source: Evidence, relation: Inform, target: Claim}",
            "grammar entry 1 names relation 'Inform', which is not one - did you mean 'Informs'?",
        ),
        ("{source: Evidence, relation: Informs}", "grammar entry 1 needs 'target'"),
    ],
)
def test_a_misspelt_grammar_is_an_error_naming_it(runner: CliRunner, tmp_path: Path, entry: str, message: str) -> None:
    config = tmp_path / "rdfnotes.yaml"
    config.write_text(f"grammar:\n  - {entry}\n", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "--config", str(config), "validate", str(LAB_A)])
    assert (result.exit_code, result.stderr) == (2, f"Error: {config}: {message}\n")


def test_a_lab_type_from_the_config(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "OBS - Cells moved.md").write_text("---\ntitle: '[[OBS]] - Cells moved'\n---\n", encoding="utf-8")
    config = tmp_path / "rdfnotes.yaml"
    config.write_text("node_types:\n  - {marker: OBS, name: Observation, class: 'rn:Result'}\n", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "--config", str(config), "load", str(folder)])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(
        cli,
        ["--store", str(tmp_path / "s"), "query", "-"],
        input="ASK { ?n a <https://w3id.org/rdfnotes/ns#Result> ; <http://purl.org/dc/terms/title> 'Cells moved' }",
    )
    assert result.stdout == "true\n"


@pytest.mark.parametrize("command", ["load", "queries", "query", "export"])
def test_every_command_has_help(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout.split("\n\n")[1].strip()) > 20


def test_an_export_that_cannot_be_written_is_a_message(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    target = tmp_path / "no-such-folder" / "lab.ttl"
    code, out, err = invoke(runner, store, "export", "-o", str(target))
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: {target}: cannot write the export there (")


def test_export_writes_only_a_regular_file_or_a_new_path(runner: CliRunner, tmp_path: Path) -> None:
    """A symbolic link, a pipe, a device or a folder at the path is refused, and left as it was (before, the rename
    replaced a link or a pipe, and as root /dev/full itself)."""
    import os
    import stat
    import subprocess
    import sys

    store = tmp_path / "store"
    invoke(runner, store, "load", str(LAB_A))
    kept = tmp_path / "kept.ttl"
    kept.write_text("mine\n", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(kept)
    pipe = tmp_path / "pipe.ttl"
    os.mkfifo(pipe)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {link: "a symbolic link", pipe: "a pipe", folder: "a folder", Path("/dev/full"): "a device"}
    for target, what in cases.items():
        # In a process of its own: a regression that opened the pipe would wait forever.
        command = [sys.executable, "-c", "from rdfnotes.cli import main; main()", "--store", str(store), "export"]
        done = subprocess.run([*command, "-o", str(target)], capture_output=True, text=True, timeout=60, check=False)
        assert (done.returncode, done.stdout) == (2, ""), (target, done.stderr)
        assert done.stderr == (
            f"Error: {target}: is {what}, not a file: an export writes only a regular file or a new path\n"
        )
    assert link.is_symlink() and kept.read_text(encoding="utf-8") == "mine\n"
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and list(folder.iterdir()) == []
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "kept.ttl", "link.ttl", "pipe.ttl", "store"]
