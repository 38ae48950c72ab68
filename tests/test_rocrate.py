"""rdfnotes export --format rocrate: every crate is validated by roc-validator (the RO-Crate community's validator)
and read back with ro-crate-py; its graph is the export's.

roc-validator resolves the crate's JSON-LD ``@context`` (https://w3id.org/ro/crate/1.3/context) over HTTP. Tests
have no network: the validator runs in its own offline mode, from its HTTP cache, into which the fixture puts the
context document ro-crate-py ships (``rocrate/data/ro-crate.jsonld``, the 1.3 context the crate names)."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
import requests
import rocrate
import urllib3
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse, serialize
from rdflib.compare import isomorphic
from requests_cache import CachedSession
from rocrate.rocrate import ROCrate
from rocrate_validator import services
from support import LAB_A, load_into

from rdfnotes import Store, export, load_config, run_query
from rdfnotes.cli import cli
from rdfnotes.errors import OutputError
from rdfnotes.rocrate import write_crate
from rdfnotes.validate import validate

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SETTINGS = f"""licence: {LICENCE}
authors:
  - {{name: Maya Okafor, orcid: 0000-0002-1825-0097}}
  - {{name: Jonas Berg}}
"""
CONTEXT = "https://w3id.org/ro/crate/1.3/context"
# What roc-validator recommends that the settings cannot say (affiliations, ROR ids, contact points; an ORCID for
# an author rdfnotes.yaml gives none).
UNSAID = (
    "affiliation",
    "ROR identifier",
    "contactPoint",
    "A Person entity SHOULD have an ORCID identifier",
)


@pytest.fixture(scope="module")
def validator_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("roc-validator") / "http")
    body = (Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld").read_bytes()
    assert json.loads(body)["@id"] == CONTEXT
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.url = CONTEXT
    response.encoding = "utf-8"
    response.headers["Content-Type"] = "application/ld+json"
    response.request = requests.Request("GET", CONTEXT).prepare()
    response.raw = urllib3.HTTPResponse(
        body=io.BytesIO(body), status=200, headers={"Content-Type": "application/ld+json"}, preload_content=False
    )
    session = CachedSession(cache_name=path, backend="sqlite", expire_after=-1)
    session.cache.save_response(response)
    session.close()
    return path


def roc_validate(target: Path, cache: str, severity: str = "REQUIRED") -> Any:
    with warnings.catch_warnings():
        # roc-validator builds on rdflib's ConjunctiveGraph, deprecated (with a warning) since rdflib 7.
        warnings.simplefilter("ignore", DeprecationWarning)
        return services.validate(
            {"rocrate_uri": str(target), "requirement_severity": severity, "offline": True, "cache_path": cache}
        )


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[Store, Any]]:
    (tmp_path / "rdfnotes.yaml").write_text(SETTINGS)
    config = load_config(tmp_path / "rdfnotes.yaml")
    store, report = load_into(tmp_path / "store", LAB_A)
    assert report.problems == []
    yield store, config
    store.close()


def turtle(data: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data.decode(), format="turtle")


def test_a_crate_validates_and_loads_back(lab: tuple[Store, Any], tmp_path: Path, validator_cache: str) -> None:
    store, config = lab
    report = write_crate(store, config, tmp_path / "crate", with_notes=True)
    assert (report.labs, report.queries, report.notes) == (["lab-a-sleep"], 10, 10)
    # At the RECOMMENDED level (which checks the REQUIRED too): nothing but what the settings cannot say.
    result = roc_validate(tmp_path / "crate", validator_cache, "RECOMMENDED")
    issues = [(issue.severity.name, issue.message) for issue in result.get_issues()]
    assert issues and all(severity == "RECOMMENDED" for severity, _ in issues)
    assert [m for _, m in issues if not any(unsaid in m for unsaid in UNSAID)] == []

    crate = ROCrate(tmp_path / "crate")
    assert crate.root_dataset["license"].id == LICENCE
    assert [(a.id, a["name"]) for a in crate.root_dataset["author"]] == [
        ("https://orcid.org/0000-0002-1825-0097", "Maya Okafor"),
        ("#jonas-berg", "Jonas Berg"),
    ]
    assert crate.root_dataset["datePublished"] == "2023-03-19"  # the newest note's date
    files = {entity.id: entity for entity in crate.get_entities() if "File" in entity.type}
    assert set(files) >= {"graph.ttl", "graph.jsonld", "void.ttl", "validation.json", "queries/open-questions.rq"}
    for name, entity in files.items():
        data = (tmp_path / "crate" / name.replace("%40", "@").replace("%20", " ")).read_bytes()
        assert entity["contentSize"] == str(len(data))
    # The graph, read back from the crate, is the export's, in both syntaxes.
    exported = turtle(export(store, "turtle") or b"")
    assert isomorphic(turtle((tmp_path / "crate" / "graph.ttl").read_bytes()), exported)
    # JSON-LD read by pyoxigraph (rdflib's reader warns of its own deprecations), compared as N-Triples.
    triples = [q.triple for q in parse((tmp_path / "crate" / "graph.jsonld").read_bytes(), format=RdfFormat.JSON_LD)]
    jsonld = rdflib.Graph().parse(data=(serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode(), format="nt")
    assert isomorphic(jsonld, exported)
    void = turtle((tmp_path / "crate" / "void.ttl").read_bytes())
    assert (None, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in void
    assert (tmp_path / "crate" / "validation.json").read_text() == validate(store, config).to_json()
    answer = run_query(store, "contested-claims").serialize("csv")
    assert (tmp_path / "crate" / "answers" / "contested-claims.csv").read_bytes().decode() == answer
    for note in LAB_A.iterdir():
        assert (tmp_path / "crate" / "notes" / "lab-a" / note.name).read_bytes() == note.read_bytes()


def test_a_zip_crate_is_the_same_bytes_each_time_and_validates(
    lab: tuple[Store, Any], tmp_path: Path, validator_cache: str
) -> None:
    store, config = lab
    write_crate(store, config, tmp_path / "a.zip")
    write_crate(store, config, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert roc_validate(tmp_path / "a.zip", validator_cache).passed()
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and "ro-crate-metadata.json" in names
        graph = turtle(archive.read("graph.ttl"))
    assert isomorphic(graph, turtle(export(store, "turtle") or b""))
    crate = ROCrate(tmp_path / "a.zip")
    assert crate.root_dataset["name"] == "Discourse graph of lab-a-sleep"


def test_cli_writes_a_crate_and_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    load_into(store_dir, LAB_A)[0].close()
    runner = CliRunner()
    args = ["--store", str(store_dir), "export", "--format", "rocrate"]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "lab.zip"), "--lab", "lab-a-sleep"])
    assert result.exit_code == 0, result.output
    size = (tmp_path / "lab.zip").stat().st_size
    assert result.output == (
        f"Wrote the RO-Crate {tmp_path / 'lab.zip'} of lab-a-sleep: 25 files, {size} bytes (10 queries with their "
        "answers, 0 note files).\n"
    )
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "thesis.tex").write_text("\\chapter{}")
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "taken")])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path / 'taken'}: a folder that holds other files than an RO-Crate; not overwritten\n"
    )
    assert (tmp_path / "taken" / "thesis.tex").read_text() == "\\chapter{}"
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and "give it with -o DIR or -o FILE.zip" in result.output
    # An earlier crate is replaced whole.
    assert runner.invoke(cli, [*args, "-o", str(tmp_path / "crate"), "--with-notes"]).exit_code == 0
    assert (tmp_path / "crate" / "notes").is_dir()
    assert runner.invoke(cli, [*args, "-o", str(tmp_path / "crate")]).exit_code == 0
    assert not (tmp_path / "crate" / "notes").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_such_lab_and_unwritable_place(lab: tuple[Store, Any], tmp_path: Path) -> None:
    store, config = lab
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="not a folder"):
        write_crate(store, config, tmp_path / "file")
