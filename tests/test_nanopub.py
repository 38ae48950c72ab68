"""rdfnotes nanopub: every nanopublication written is checked by two verifiers that are not the signer (nanopub-py):
nanopub-sign (the Rust nanopub-rs) and the reference rules written out in ``nanopub_check.py``; its assertion is
compared with the node's triples in the store; runs after edits supersede and retract; publication goes to a real
Oxigraph server on a loopback port."""

from __future__ import annotations

import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from nanopub_check import CheckFailed, check_nanopub
from pyoxigraph import NamedNode, RdfFormat, serialize
from rdflib.compare import isomorphic
from support import LAB_A, load_into, writable_copy
from test_push import server  # noqa: F401  (the loopback Oxigraph server fixture)

from rdfnotes import Store, load, load_config
from rdfnotes.cli import cli
from rdfnotes.errors import NanopubError
from rdfnotes.nanopub import (
    NP,
    NPX,
    Signer,
    discourse_classes,
    generate_keys,
    load_signer,
    make_nanopubs,
    publish,
    read_state,
    written_files,
)
from rdfnotes.vocab import DCTERMS, FOAF, PROV, RDF, RDFS

try:  # the second checker: nanopub-sign has wheels for Python < 3.13 only (CI runs 3.11)
    import nanopub_sign
except ImportError:  # pragma: no cover
    nanopub_sign = None

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ORCID = "https://orcid.org/0000-0002-1825-0097"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_keys(tmp_path_factory.mktemp("keys") / "np", orcid="0000-0002-1825-0097", name="Maya Okafor")


@pytest.fixture(scope="module")
def signer(keys: Path) -> Signer:
    return load_signer(keys)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store, report = load_into(tmp_path / "store", LAB_A)
    assert report.problems == []
    yield store
    store.close()


Graphs = dict[str, rdflib.Graph]


def verify(path: Path) -> Graphs:
    """Both independent checks; the nanopublication's graphs (by name) as rdflib graphs."""
    data = path.read_bytes()
    checked = check_nanopub(data)
    assert path.name == checked.artifact_code + ".trig"
    if nanopub_sign is not None:
        assert nanopub_sign.Nanopub(data.decode()).check().info()["uri"]["value"] == checked.uri
    graphs: Graphs = {}
    for quad in checked.quads:
        text = serialize([quad.triple], format=RdfFormat.N_TRIPLES) or b""
        graphs.setdefault(quad.graph_name.value, rdflib.Graph()).parse(data=text.decode(), format="nt")
    return graphs


def graph(graphs: Graphs, uri: str, name: str) -> rdflib.Graph:
    return graphs.get(f"{uri}#{name}", rdflib.Graph())


def store_graph(store: Store, query: str) -> rdflib.Graph:
    result = rdflib.Graph()
    data = serialize(store.query(query), format=RdfFormat.N_TRIPLES) or b""
    result.parse(data=data.decode(), format="nt")
    return result


def test_every_nanopub_verifies_and_states_the_notes_triples(store: Store, signer: Signer, tmp_path: Path) -> None:
    config = load_config()
    report = make_nanopubs(store, config, tmp_path / "np", signer, licence=LICENCE)
    state = read_state(tmp_path / "np")
    # lab-a: 2 questions, 2 claims, 3 pieces of evidence (the 3 sources are not claims).
    assert report.count("new") == len(state["nodes"]) == 7
    assert report.count("index") == 1
    classes = " ".join(f"<{c}>" for c in discourse_classes(config))
    targets = f"VALUES ?c {{ {classes} <{config.source_class}> }}"
    for path in written_files(tmp_path / "np"):
        dataset = verify(path)
        uri = "http://purl.org/np/" + path.stem
        pubinfo = graph(dataset, uri, "pubinfo")
        assert (rdflib.URIRef(uri), rdflib.URIRef(DCTERMS.creator), rdflib.URIRef(ORCID)) in pubinfo
        assert (rdflib.URIRef(uri), rdflib.URIRef(DCTERMS.license), rdflib.URIRef(LICENCE)) in pubinfo
    for node, entry in state["nodes"].items():
        dataset = verify(tmp_path / "np" / entry["file"])
        expected = store_graph(
            store,
            f"CONSTRUCT {{ <{node}> ?p ?o }} WHERE {{ <{node}> ?p ?o "
            f"FILTER(?p IN (<{RDF.type}>, <{DCTERMS.title}>) || (?p NOT IN (<{RDFS.seeAlso}>, <{PROV.wasAttributedTo}>)"
            f" && EXISTS {{ {targets} ?o a ?c }})) }}",
        )
        assert len(expected) >= 2
        assert isomorphic(graph(dataset, entry["uri"], "assertion"), expected), node
        provenance = graph(dataset, entry["uri"], "provenance")
        topic = f"?f <{FOAF.primaryTopic}> <{node}>"
        files = store_graph(store, f"CONSTRUCT {{ {topic} }} WHERE {{ {topic} }}")
        (file_iri,) = {s for s, _, _ in files}
        assertion = rdflib.URIRef(entry["uri"] + "#assertion")
        assert (assertion, rdflib.URIRef(PROV.wasDerivedFrom), file_iri) in provenance
    # The evidence taken from the Diekelmann & Born review names the review's DOI as its primary source.
    evidence = state["nodes"]["https://w3id.org/rdfnotes/id/lab-a-sleep/node/EvD-dk-001"]
    provenance = graph(verify(tmp_path / "np" / evidence["file"]), evidence["uri"], "provenance")
    assert set(provenance.objects(None, rdflib.URIRef(PROV.hadPrimarySource))) == {
        rdflib.URIRef("https://doi.org/10.1038/nrn2762")
    }


def test_a_changed_byte_fails_both_checks(store: Store, signer: Signer, tmp_path: Path) -> None:
    make_nanopubs(store, load_config(), tmp_path / "np", signer)
    entry = read_state(tmp_path / "np")["nodes"]["https://w3id.org/rdfnotes/id/lab-a-sleep/node/CLm-rec-01"]
    data = (tmp_path / "np" / entry["file"]).read_text()
    forged = data.replace('improves later recall"', 'does not improve later recall"')
    assert forged != data
    with pytest.raises(CheckFailed, match="the content hashes to"):
        check_nanopub(forged.encode())
    if nanopub_sign is not None:
        with pytest.raises(Exception, match=r"hash of the nanopublication is different than the expected hash"):
            nanopub_sign.Nanopub(forged).check()


def test_a_second_run_writes_nothing_and_a_fresh_folder_gives_the_same_bytes(
    store: Store, signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    make_nanopubs(store, load_config(), tmp_path / "a", signer)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "a").iterdir()}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # a later run: unchanged notes keep their time
    again = make_nanopubs(store, load_config(), tmp_path / "a", signer)
    assert again.written == [] and again.unchanged == 7
    after = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert {name: data for name, (data, _) in before.items()} == after
    trig = {name: m for name, (_, m) in before.items() if name.endswith(".trig")}
    assert trig == {p.name: p.stat().st_mtime_ns for p in (tmp_path / "a").glob("*.trig")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    make_nanopubs(store, load_config(), tmp_path / "b", signer)
    assert {p.name: p.read_bytes() for p in (tmp_path / "b").glob("*.trig")} == {
        name: data for name, (data, _) in before.items() if name.endswith(".trig")
    }


def test_an_edited_note_supersedes_and_a_removed_one_retracts(signer: Signer, tmp_path: Path) -> None:
    lab = writable_copy(LAB_A, tmp_path)
    store, _ = load_into(tmp_path / "store", lab)
    config = load_config()
    out = tmp_path / "np"
    make_nanopubs(store, config, out, signer)
    first = read_state(out)
    claim = "https://w3id.org/rdfnotes/id/lab-a-sleep/node/CLm-pro-02"
    question = "https://w3id.org/rdfnotes/id/lab-a-sleep/node/QaRt-NN02"
    note = lab / "CLM - Sleep has no effect on procedural memory.md"
    informs = "\n- **Informs::** [[QUE - Does sleep after learning improve retention]]\n"
    note.write_text(note.read_text() + informs)
    (lab / "QUE - Can replay in artificial networks explain sleep benefits.md").unlink()
    load([lab], store, config)
    report = make_nanopubs(store, config, out, signer)
    kinds = sorted((w.kind, w.node) for w in report.written)
    assert ("supersedes", claim) in kinds and ("retracts", question) in kinds and ("index", "") in kinds
    second = read_state(out)
    new = second["nodes"][claim]
    assert new["uri"] != first["nodes"][claim]["uri"]
    dataset = verify(out / new["file"])
    assert (
        rdflib.URIRef(new["uri"]),
        rdflib.URIRef(NPX + "supersedes"),
        rdflib.URIRef(first["nodes"][claim]["uri"]),
    ) in graph(dataset, new["uri"], "pubinfo")
    retraction = second["retracted"][question]
    dataset = verify(out / retraction["file"])
    assert list(graph(dataset, retraction["uri"], "assertion")) == [
        (rdflib.URIRef(ORCID), rdflib.URIRef(NPX + "retracts"), rdflib.URIRef(first["nodes"][question]["uri"]))
    ]
    index_uri = second["index"]["uri"]
    index = verify(out / second["index"]["file"])
    listed = set(graph(index, index_uri, "assertion").objects(None, rdflib.URIRef(NPX + "includesElement")))
    assert listed == {rdflib.URIRef(e["uri"]) for e in second["nodes"].values()}
    index_info = graph(index, index_uri, "pubinfo")
    assert (None, rdflib.URIRef(NPX + "supersedes"), rdflib.URIRef(first["index"]["uri"])) in index_info
    assert (None, rdflib.URIRef(RDF.type), rdflib.URIRef(NPX + "NanopubIndex")) in index_info
    # The others are untouched; the old files stay (a published nanopublication does not go away).
    untouched = set(first["nodes"]) - {claim, question}
    assert all(second["nodes"][n]["uri"] == first["nodes"][n]["uri"] for n in untouched)
    assert (out / first["nodes"][claim]["file"]).exists()
    store.close()


def test_cli_writes_keys_outside_git_and_reports(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    load_into(store_dir, LAB_A)[0].close()
    runner = CliRunner()
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    args = ["--store", str(store_dir), "nanopub", "-o", str(tmp_path / "np")]
    result = runner.invoke(cli, [*args, "--new-keys", str(repo / "keys"), "--orcid", "0000-0002-1825-0097"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {repo / 'keys'}: inside the git work tree {repo}: keep private keys out of repositories (name a "
        "folder elsewhere, such as ~/.nanopub)\n"
    )
    assert not (repo / "keys").exists()
    args = ["--store", str(store_dir), "nanopub", "-o", str(tmp_path / "np"), "--licence", LICENCE]
    result = runner.invoke(cli, [*args, "--new-keys", str(tmp_path / "keys"), "--orcid", "0000-0002-1825-0097"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Made a key pair and nanopub profile in {tmp_path / 'keys'} (keep id_rsa private)."
    assert lines[1] == (
        f"Wrote 8 nanopublications of lab lab-a-sleep to {tmp_path / 'np'} (7 new, 0 superseding, 0 retractions, "
        "1 index); 0 unchanged."
    )
    assert lines[2].startswith("Index of 7 notes: http://purl.org/np/RA")
    assert oct((tmp_path / "keys" / "id_rsa").stat().st_mode & 0o777) == "0o600"
    result = runner.invoke(cli, [*args, "--keys", str(tmp_path / "keys")])
    assert result.exit_code == 0 and "Wrote 0 nanopublications" in result.output and "7 unchanged" in result.output
    result = runner.invoke(cli, [*args, "--keys", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path / 'nowhere'}: no nanopub profile (No such file or directory); make keys with --new-keys "
        "DIR --orcid ID, or name a profile with --keys\n"
    )


def test_a_folder_of_another_lab_or_of_other_files_is_refused(store: Store, signer: Signer, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.trig").write_text("")
    with pytest.raises(NanopubError, match=r"holds \.trig files but no nanopubs\.json"):
        make_nanopubs(store, load_config(), tmp_path / "other", signer)


def test_publish_to_a_sparql_store_sends_each_once(
    store: Store,
    signer: Signer,
    tmp_path: Path,
    server: str,  # noqa: F811
) -> None:
    out = tmp_path / "np"
    make_nanopubs(store, load_config(), out, signer)
    files = written_files(out)
    report = publish(out, f"{server}/store")
    assert (report.sent, report.already) == (len(files), 0)
    query = f"SELECT (COUNT(DISTINCT ?np) AS ?n) WHERE {{ GRAPH ?h {{ ?np a <{NP}Nanopublication> }} }}"
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"{server}/query", data=data, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read().decode().split()[-1] == str(len(files))
    # The server holds each nanopublication's graphs as written: the assertion of one, quad for quad.
    entry = next(iter(read_state(out)["nodes"].values()))
    with urllib.request.urlopen(
        f"{server}/store?graph={urllib.parse.quote(entry['uri'] + '#assertion')}", timeout=10
    ) as response:
        served = rdflib.Graph().parse(data=response.read().decode(), format="turtle")
    assert isomorphic(served, graph(verify(out / entry["file"]), entry["uri"], "assertion"))
    again = publish(out, f"{server}/store")
    assert (again.sent, again.already) == (0, len(files))
    assert NamedNode(entry["uri"])  # a valid IRI
    shutil.rmtree(out)
