"""Output people read: tables with prefixed names fitted to the terminal, ad-hoc queries with the standard prefixes,
the format taken from the output file's suffix, and name parameters that match however a name is typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse
from support import LAB_A

from rdfnotes.cli import cli


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("output") / "store"
    result = CliRunner().invoke(cli, ["--store", str(folder), "load", str(LAB_A), "--lab", "lab-a"])
    assert result.exit_code == 0, result.stderr
    return folder


def run(store: Path, *args: str, input: str | None = None, columns: int | None = None) -> tuple[int, str, str]:
    env = {"COLUMNS": str(columns) if columns else ""}
    result = CliRunner().invoke(cli, ["--store", str(store), *args], input=input, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_tables_write_iris_as_prefixed_names_and_whole_on_request(store: Path) -> None:
    assert run(store, "query", "contested-claims")[1].splitlines() == [
        "claim                  claim_title                                           supporting  opposing",
        "---------------------  ----------------------------------------------------  ----------  --------",
        "lab-a:node/CLm-rec-01  Sleep within hours of learning improves later recall  2           1",
        "(1 row)",
    ]
    assert run(store, "query", "contested-claims", "--full-iris")[1].splitlines()[2] == (
        "<https://w3id.org/rdfnotes/id/lab-a/node/CLm-rec-01>  Sleep within hours of learning improves later recall  "
        "2           1"
    )


def test_tables_fit_the_terminal_without_cutting_the_identifying_column(store: Path) -> None:
    code, out, _ = run(store, "query", "contested-claims", columns=60)
    assert code == 0
    assert out.splitlines() == [
        "claim                  claim_title      supporting  opposing",
        "---------------------  ---------------  ----------  --------",
        "lab-a:node/CLm-rec-01  Sleep within h…  2           1",
        "(1 row)",
    ]
    assert all(len(line) <= 60 for line in out.splitlines())
    # too narrow for anything but the IRIs: the text columns stop at a floor, the IRIs stay whole
    out = run(store, "query", "contested-claims", columns=20)[1]
    assert out.splitlines()[2].startswith("lab-a:node/CLm-rec-01  Sleep withi…  ")


def test_an_ad_hoc_query_may_use_the_standard_prefixes_without_declaring_them(store: Path) -> None:
    query = "SELECT ?question ?title WHERE { ?question a dg:Question ; dcterms:title ?title } ORDER BY ?question"
    code, out, err = run(store, "query", "-", input=query)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "question              title",
        "--------------------  ---------------------------------------------------------",
        "lab-a:node/QaRt-NN02  Can replay in artificial networks explain sleep benefits?",
        "lab-a:node/QsL33p-01  Does sleep after learning improve retention?",
        "(2 rows)",
    ]
    # a prefix the query declares itself is its own
    code, out, _ = run(store, "query", "-", input="PREFIX dg: <http://example.org/other#>\n" + query)
    assert (code, out.splitlines()[-1]) == (0, "(0 rows)")


def test_the_format_follows_the_suffix_of_the_output_file(store: Path, tmp_path: Path) -> None:
    code, _, err = run(store, "export", "-o", str(tmp_path / "lab.jsonld"))
    assert code == 0 and err.startswith(f"Wrote {tmp_path / 'lab.jsonld'} (") and err.endswith(" bytes, jsonld).\n")
    assert len(set(parse(path=str(tmp_path / "lab.jsonld"), format=RdfFormat.JSON_LD))) == 535
    code, _, _ = run(store, "export", "-o", str(tmp_path / "lab.nt"))
    assert code == 0 and len(rdflib.Graph().parse(tmp_path / "lab.nt", format="nt")) == 535
    code, _, err = run(store, "query", "contested-claims", "-o", str(tmp_path / "claims.csv"))
    assert (code, err) == (0, f"Wrote {tmp_path / 'claims.csv'} (148 bytes, csv).\n")
    assert (tmp_path / "claims.csv").read_text(encoding="utf-8").splitlines()[0] == (
        "claim,claim_title,supporting,opposing"
    )
    code, _, _ = run(store, "query", "contested-claims", "-o", str(tmp_path / "claims.json"))
    assert json.loads((tmp_path / "claims.json").read_text(encoding="utf-8"))["head"]["vars"][0] == "claim"
    # --format wins over the suffix; a suffix that names no format is a usage error
    code, _, _ = run(store, "export", "--format", "turtle", "-o", str(tmp_path / "lab.json"))
    assert code == 0 and (tmp_path / "lab.json").read_text(encoding="utf-8").startswith("@prefix")
    code, _, err = run(store, "export", "-o", str(tmp_path / "lab.rdf"))
    assert code == 2 and err.endswith(
        "Error: cannot tell a format from 'lab.rdf' (.ttl .trig .nt .nq .jsonld .json .zip): give it with --format\n"
    )


def test_a_name_parameter_matches_however_the_name_is_typed_or_says_there_is_none(store: Path) -> None:
    exact = run(store, "query", "notes-by-author", "--param", "author=Maya Okafor", "--format", "csv")[1]
    assert len(exact.splitlines()) > 3
    for typed in ("maya okafor", "  MAYA   Okafor ", "Mayá Okafor"):
        assert run(store, "query", "notes-by-author", "--param", f"author={typed}", "--format", "csv")[1] == exact
    code, out, err = run(store, "query", "notes-by-author", "--param", "author=Maya Okafur")
    assert (code, out.splitlines()[-1]) == (0, "(0 rows)")
    assert err == (
        "Note: no author named 'Maya Okafur' in the store (authors: Ashish Vaswani, Jakob Uszkoreit, Jan Born, "
        "Matthew P. Walker, Maya Okafor, Niki Parmar, Noam Shazeer, Ravi Raman … (10 in all)).\n"
    )
    code, out, _ = run(store, "query", "source-informs", "--param", "citekey=@WalkerSleepDependentLearning2004")
    assert code == 0 and out.splitlines()[2].startswith("lab-a:node/w4lk3r-04  walkerSleepDependentLearning2004")
