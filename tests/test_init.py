"""`rdfnotes init`: a commented rdfnotes.yaml, prefilled from what a folder holds, that load then uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import LAB_A, LAB_B, load_into, writable_copy

from rdfnotes import ConfigError, Store, load, load_config
from rdfnotes.cli import cli
from rdfnotes.scaffold import write_config
from rdfnotes.vocab import DG, RN


def test_an_obsidian_vault_gets_its_types_and_relations_from_data_json(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path)
    written = write_config(vault)
    assert written == vault / "rdfnotes.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# rdfnotes settings for lab-b-obsidian/")
    config = load_config(written)
    assert config.lab == "lab-b-obsidian"
    assert [(t.marker, t.name) for t in config.node_types if t.marker in ("QUE", "CLM", "EVD", "HYP")] == [
        ("QUE", "Question"),
        ("CLM", "Claim"),
        ("EVD", "Evidence"),
        ("HYP", "Hypothesis"),
    ]
    motivates = config.relation("is motivated by")
    assert motivates is not None and motivates[1] is True and motivates[0].property_iri == RN.motivates
    assert config.source_prefix == "@"
    assert (config.grammar_declared_in, [str(rule) for rule in config.grammar]) == (
        str(written),
        [
            "Evidence derived from Source",
            "Evidence informs Question",
            "Evidence opposes Claim",
            "Evidence supports Claim",
            "Hypothesis motivates Question",
        ],
    )


def test_load_with_the_written_settings_gives_the_same_graph(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path)
    config = load_config(write_config(vault))
    with Store(tmp_path / "store") as store:
        report = load([vault], store, config)
        assert report.labs == ["lab-b-obsidian"]
        counts = {
            prop: store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{prop}> ?o }}")
            for prop in (DG.supports, DG.opposes, RN.informs, RN.derivedFrom, RN.motivates)
        }
    assert counts == {DG.supports: 1, DG.opposes: 1, RN.informs: 2, RN.derivedFrom: 1, RN.motivates: 1}


def test_a_roam_export_gets_its_graph_name_markers_and_labels(tmp_path: Path) -> None:
    folder = writable_copy(LAB_A, tmp_path)
    config = load_config(write_config(folder))
    assert config.lab == "lab-a-sleep"
    text = (folder / "rdfnotes.yaml").read_text(encoding="utf-8")
    for line in ('{marker: "QUE", name: "Question", class: "dg:Question"}', '{label: "Consistent With"'):
        assert line in text
    store, report = load_into(tmp_path / "store", folder)  # rdfnotes.yaml itself is not a note
    store.close()
    assert report.files_seen == 10
    # Markdown states no grammar: the defaults' is written commented out, and no grammar is declared.
    assert '# grammar:\n#   - {source: "Evidence", relation: "Supports", target: "Claim"}\n' in text
    assert config.grammar_declared_in is None and config.grammar == load_config().grammar


def test_an_unknown_relation_label_gets_a_property_in_the_labs_namespace(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "CLM - A.md").write_text("###### Discourse Context\n- **Refutes::** [[CLM - B]]\n", encoding="utf-8")
    (folder / "CLM - B.md").write_text("Plain.\n", encoding="utf-8")
    config = load_config(write_config(folder))
    found = config.relation("Refutes")
    assert found is not None and found[0].property_iri == "https://w3id.org/rdfnotes/id/notes/vocab/refutes"


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path)
    (vault / "rdfnotes.yaml").write_text("lab: mine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists - use --force"):
        write_config(vault)
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(vault)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {vault / 'rdfnotes.yaml'} already exists - use --force to overwrite it\n"
    assert (vault / "rdfnotes.yaml").read_text(encoding="utf-8") == "lab: mine\n"
    result = runner.invoke(cli, ["init", "--force", str(vault)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {vault / 'rdfnotes.yaml'}: review it, then run: rdfnotes load {vault}\n"
    assert load_config(vault / "rdfnotes.yaml").lab == "lab-b-obsidian"


def test_load_format_option_overrides_what_the_path_holds(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "export.txt").write_text('{"nodes": [{"uid": "u1", "title": "[[QUE]] - Why?"}]}', encoding="utf-8")
    runner = CliRunner()
    store = str(tmp_path / "store")
    result = runner.invoke(cli, ["--store", store, "load", str(folder / "export.txt")], catch_exceptions=False)
    assert result.exit_code == 0  # read as Markdown: a page titled "export"
    result = runner.invoke(
        cli, ["--store", store, "load", "--format", "roam-json", str(folder / "export.txt")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    with Store(store) as opened:
        assert opened.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?q a <{DG.Question}> }}") == 1
        assert opened.count('SELECT (COUNT(*) AS ?n) WHERE { ?p ?l "export" }') == 0


def test_settings_that_cannot_be_written_are_a_message(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path)
    (vault / "rdfnotes.yaml").mkdir()  # a folder where the file should go: no write succeeds, even as root
    with pytest.raises(ConfigError, match="cannot write the settings there"):
        write_config(vault, force=True)
    result = CliRunner().invoke(cli, ["init", "--force", str(vault)], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {vault / 'rdfnotes.yaml'}: cannot write the settings there (")


def test_a_folder_name_with_a_line_break_stays_in_its_comment(tmp_path: Path) -> None:
    folder = tmp_path / "notes\nlab: injected"
    folder.mkdir()
    (folder / "CLM - A claim.md").write_text("---\ntitle: CLM - A claim\n---\n", encoding="utf-8")
    assert load_config(write_config(folder)).lab == "notes-lab-injected"
