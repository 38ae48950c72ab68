"""``rdfnotes diff``: a fixture against itself, a scripted set of edits in every output form, patches applied back,
and blank nodes (lists, reified statements) compared by what they hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse
from pyoxigraph import Store as OxStore
from rdflib.compare import isomorphic
from support import LAB_A, LAB_B, LAB_C, load_into, writable_copy

from rdfnotes.cli import cli
from rdfnotes.config import load_config
from rdfnotes.diff import GENID, Side, Statement, apply_rdf_patch, diff, read_side, read_sides, split_statement
from rdfnotes.errors import DiffError

BASE = "https://w3id.org/rdfnotes/id/lab-a-sleep/"
EVD_DK = (
    "EVD - Sleep after learning improved declarative recall relative to wake - @diekelmannMemoryFunctionSleep2010.md"
)
EVD_WK = (
    "EVD - Motor sequence speed improved about 20 percent after a night of sleep but not after equivalent wake - "
    "@walkerSleepDependentLearning2004.md"
)
CLM_REC = "CLM - Sleep within hours of learning improves later recall.md"
CLM_PRO = "CLM - Sleep has no effect on procedural memory.md"
QUE_OLD = "QUE - Can replay in artificial networks explain sleep benefits"
QUE_NEW = "QUE - Can replay in neural networks explain sleep benefits"
SOURCE = "@diekelmannMemoryFunctionSleep2010.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def edited_lab_a(tmp_path: Path) -> tuple[Path, Path]:
    """lab-a and a copy with five edits: a claim added, one removed (and the line linking it), a relation flipped
    from supports to opposes (on both pages stating it), a source's DOI fixed, a page renamed (links follow)."""
    old = writable_copy(LAB_A, tmp_path / "old")
    new = writable_copy(LAB_A, tmp_path / "new")
    (new / "CLM - Naps help too.md").write_text(
        "---\ntitle: [[CLM]] - Naps help too\nurl: https://roamresearch.com/#/app/lab-a-sleep/page/CLm-nap-03\n---\n",
        encoding="utf-8",
    )
    (new / CLM_PRO).unlink()
    edit(new / EVD_WK, "- **Opposes::** [[CLM - Sleep has no effect on procedural memory]]\n", "")
    edit(new / EVD_DK, "**Supports::** [[CLM - Sleep within", "**Opposes::** [[CLM - Sleep within")
    edit(new / CLM_REC, "**Supported By::** [[EVD - Sleep after", "**Opposed By::** [[EVD - Sleep after")
    edit(new / SOURCE, "https://doi.org/10.1038/NRN2762", "https://doi.org/10.1038/nrn2763")
    (new / f"{QUE_OLD}.md").rename(new / f"{QUE_NEW}.md")
    edit(new / f"{QUE_NEW}.md", "artificial networks", "neural networks")
    edit(new / "@vaswaniAttentionAllYou2017.md", QUE_OLD, QUE_NEW)
    return old, new


def as_rdflib(statements: set[Statement]) -> rdflib.Graph:
    """The triples as an rdflib graph, Skolem IRIs as the blank nodes they stand for (isomorphism ignores labels)."""
    lines = []
    for s, p, o in statements:
        terms = [f"_:b{t.split(GENID)[1].strip('>').replace('-', '')}" if GENID in t else t for t in (s, p, o)]
        lines.append(" ".join(terms) + " .")
    graph = rdflib.Graph()
    graph.parse(data="\n".join(lines), format="nt")
    return graph


def test_a_fixture_against_itself_is_no_change(tmp_path: Path) -> None:
    config = load_config()
    for fixture in (LAB_A, LAB_B, LAB_C):
        side = read_side(fixture, config)
        again = read_side(fixture, config, lab=side.lab)
        result = diff(side, again, config)
        assert result.empty, fixture
        assert result.rdf_patch() == "TX .\nTC .\n"
        assert result.sparql_update() == ""
        assert result.text() == f"No changes from {fixture} to {fixture}.\n"
        assert json.loads(result.to_json())["summary"] == {
            "labs": {},
            "triples": {"removed": 0, "added": 0},
            "provenance_triples": {"removed": 0, "added": 0},
            "other_triples": {"removed": 0, "added": 0},
        }


def test_scripted_edits_are_exactly_the_changes(tmp_path: Path) -> None:
    config = load_config()
    old_dir, new_dir = edited_lab_a(tmp_path)
    old, new = read_sides(old_dir, new_dir, config)
    assert (old.lab, new.lab) == ("lab-a-sleep", "lab-a-sleep")
    result = diff(old, new, config)
    summary = json.loads(result.to_json())["summary"]
    node = BASE + "node/"
    evd_dk = "[[EVD]] - Sleep after learning improved declarative recall relative to wake - " + (
        "[[@diekelmannMemoryFunctionSleep2010]]"
    )
    clm_rec = "[[CLM]] - Sleep within hours of learning improves later recall"
    assert summary["labs"] == {
        "lab-a-sleep": {
            "nodes": {
                "claims": {
                    "added": [{"node": node + "CLm-nap-03", "title": "[[CLM]] - Naps help too"}],
                    "removed": [
                        {"node": node + "CLm-pro-02", "title": "[[CLM]] - Sleep has no effect on procedural memory"}
                    ],
                    "retitled": [],
                    "changed": [],
                },
                "files": {
                    "added": [
                        {"node": BASE + "file/CLM%20-%20Naps%20help%20too.md", "title": "CLM - Naps help too.md"},
                        {
                            "node": BASE + "file/QUE%20-%20Can%20replay%20in%20neural%20networks%20explain%20sleep"
                            "%20benefits.md",
                            "title": QUE_NEW + ".md",
                        },
                    ],
                    "removed": [
                        {
                            "node": BASE + "file/CLM%20-%20Sleep%20has%20no%20effect%20on%20procedural%20memory.md",
                            "title": CLM_PRO,
                        },
                        {
                            "node": BASE + "file/QUE%20-%20Can%20replay%20in%20artificial%20networks%20explain%20sleep"
                            "%20benefits.md",
                            "title": QUE_OLD + ".md",
                        },
                    ],
                    "retitled": [],
                    "changed": [],
                },
                "questions": {
                    "added": [],
                    "removed": [],
                    "retitled": [
                        {
                            "node": node + "QaRt-NN02",
                            "old": "[[QUE]] - Can replay in artificial networks explain sleep benefits?",
                            "new": "[[QUE]] - Can replay in neural networks explain sleep benefits?",
                        }
                    ],
                    "changed": [],
                },
                "sources": {
                    "added": [],
                    "removed": [],
                    "retitled": [],
                    "changed": [
                        {
                            "node": node + "Xq3dK0p1z",
                            "title": "@diekelmannMemoryFunctionSleep2010",
                            "property": prop,
                            "old": [old_value],
                            "new": [new_value],
                        }
                        for prop, old_value, new_value in [
                            ("http://purl.org/ontology/bibo/doi", "10.1038/nrn2762", "10.1038/nrn2763"),
                            (
                                "http://www.w3.org/2002/07/owl#sameAs",
                                "<https://doi.org/10.1038/nrn2762>",
                                "<https://doi.org/10.1038/nrn2763>",
                            ),
                            (
                                "http://xmlns.com/foaf/0.1/page",
                                "<https://doi.org/10.1038/NRN2762>",
                                "<https://doi.org/10.1038/nrn2763>",
                            ),
                        ]
                    ],
                },
            },
            "relations": {
                "added": [],
                "removed": [
                    {
                        "subject": node + "EvD-wk-002",
                        "relation": "https://discoursegraphs.com/schema/dg_core#opposes",
                        "object": node + "CLm-pro-02",
                        "subject_title": "[[EVD]] - Motor sequence speed improved about 20 percent after a night of "
                        "sleep but not after equivalent wake - [[@walkerSleepDependentLearning2004]]",
                        "object_title": "[[CLM]] - Sleep has no effect on procedural memory",
                    }
                ],
                "changed": [
                    {
                        "subject": node + "EvD-dk-001",
                        "relation": "https://discoursegraphs.com/schema/dg_core#opposes",
                        "object": node + "CLm-rec-01",
                        "subject_title": evd_dk,
                        "object_title": clm_rec,
                        "old_relation": "https://discoursegraphs.com/schema/dg_core#supports",
                        "old_subject": node + "EvD-dk-001",
                        "old_object": node + "CLm-rec-01",
                    }
                ],
            },
        }
    }
    assert summary["other_triples"] == {"removed": 0, "added": 0}
    stated = summary["provenance_triples"]
    assert stated["removed"] > 0 and stated["added"] > 0  # the renamed file's statements, the lines that moved
    assert summary["triples"] == {"removed": len(result.removed), "added": len(result.added)}
    assert result.text() == (
        f"From {old_dir} to {new_dir}:\n"
        "lab lab-a-sleep\n"
        "  claims: 1 added, 1 removed\n"
        "    + [[CLM]] - Naps help too\n"
        "    - [[CLM]] - Sleep has no effect on procedural memory\n"
        "  files: 2 added, 2 removed\n"
        "    + CLM - Naps help too.md\n"
        f"    + {QUE_NEW}.md\n"
        f"    - {CLM_PRO}\n"
        f"    - {QUE_OLD}.md\n"
        "  questions: 1 retitled\n"
        "    ~ '[[QUE]] - Can replay in artificial networks explain sleep benefits?' -> "
        "'[[QUE]] - Can replay in neural networks explain sleep benefits?'\n"
        "  sources: 3 changed\n"
        "    ~ @diekelmannMemoryFunctionSleep2010: bibo:doi 10.1038/nrn2762 -> 10.1038/nrn2763\n"
        "    ~ @diekelmannMemoryFunctionSleep2010: owl:sameAs <https://doi.org/10.1038/nrn2762> -> "
        "<https://doi.org/10.1038/nrn2763>\n"
        "    ~ @diekelmannMemoryFunctionSleep2010: foaf:page <https://doi.org/10.1038/NRN2762> -> "
        "<https://doi.org/10.1038/nrn2763>\n"
        "  relations: 1 removed, 1 changed in kind\n"
        "    - [[EVD]] - Motor sequence speed improved about 20 percent after a night of sleep but not after "
        "equivalent wake - [[@walkerSleepDependentLearning2004]] dg:opposes [[CLM]] - Sleep has no effect on "
        "procedural memory\n"
        f"    ~ {evd_dk} dg:supports -> dg:opposes {clm_rec}\n"
        f"{len(result.removed)} triples removed, {len(result.added)} added ({stated['removed']} and "
        f"{stated['added']} of them where statements are made (file and line)).\n"
    )
    # The patch in both forms: every row is a triple of the summary's changes, and applied it gives the new graph.
    patch = result.rdf_patch()
    assert patch.startswith("TX .\n") and patch.endswith("TC .\n")
    rows = patch.splitlines()[1:-1]
    assert sorted(r[0] for r in rows) == ["A"] * len(result.added) + ["D"] * len(result.removed)
    assert f'D <{node}Xq3dK0p1z> <http://purl.org/ontology/bibo/doi> "10.1038/nrn2762" .' in rows
    assert f"A <{node}EvD-dk-001> <https://discoursegraphs.com/schema/dg_core#opposes> <{node}CLm-rec-01> ." in rows
    assert isomorphic(as_rdflib(apply_rdf_patch(old.statements, patch)), as_rdflib(new.statements))
    assert apply_rdf_patch(old.statements, patch) == new.statements
    store = OxStore()
    store.load("".join(" ".join(t) + " .\n" for t in old.statements).encode(), RdfFormat.N_TRIPLES)
    store.update(result.sparql_update())
    assert {split_statement(str(q.triple)) for q in store} == new.statements
    # and back: the reverse diff's patch undoes it
    back = diff(new, old, config)
    assert apply_rdf_patch(new.statements, back.rdf_patch()) == old.statements


def test_blank_nodes_compare_by_content(tmp_path: Path) -> None:
    """An export with an rdf:List and a reified statement, its blank nodes written in another order: no change;
    then one list member changed: only that cell's triple and the new person."""
    prefixes = (
        "@prefix ex: <https://example.org/> .\n@prefix bibo: <http://purl.org/ontology/bibo/> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    )
    first = prefixes + (
        "ex:paper bibo:authorList ( ex:ann ex:bob ex:cy ) .\n"
        "[] a rdf:Statement ; rdf:subject ex:e1 ; rdf:predicate ex:supports ; rdf:object ex:c1 ; ex:line 12 .\n"
        "[] a rdf:Statement ; rdf:subject ex:e2 ; rdf:predicate ex:supports ; rdf:object ex:c1 ; ex:line 14 .\n"
    )
    second = prefixes + (
        "[] a rdf:Statement ; rdf:subject ex:e2 ; rdf:predicate ex:supports ; rdf:object ex:c1 ; ex:line 14 .\n"
        'ex:extra ex:note "one more triple, first in the file" .\n'
        "[] a rdf:Statement ; rdf:subject ex:e1 ; rdf:predicate ex:supports ; rdf:object ex:c1 ; ex:line 12 .\n"
        "ex:paper bibo:authorList ( ex:ann ex:bob ex:cy ) .\n"
    )
    third = second.replace("ex:bob", "ex:bea")
    for name, text in (("first", first), ("second", second), ("third", third)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "export.ttl").write_text(text, encoding="utf-8")
    config = load_config()
    old, new = read_sides(tmp_path / "first", tmp_path / "second", config)
    assert any(GENID in s for s, _, _ in old.statements)
    result = diff(old, new, config)
    assert result.removed == []
    assert result.added == [
        ("<https://example.org/extra>", "<https://example.org/note>", '"one more triple, first in the file"')
    ]
    changed = diff(new, read_side(tmp_path / "third", config, lab=new.lab), config)
    assert [(p, o) for _, p, o in changed.removed] == [
        ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>", "<https://example.org/bob>")
    ]
    assert [(p, o) for _, p, o in changed.added] == [
        ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#first>", "<https://example.org/bea>")
    ]
    assert changed.removed[0][0] == changed.added[0][0]  # the same cell of the old list


def test_two_stores(tmp_path: Path) -> None:
    old_dir, new_dir = edited_lab_a(tmp_path)
    load_into(tmp_path / "old-store", old_dir)[0].close()
    load_into(tmp_path / "new-store", new_dir)[0].close()
    config = load_config()
    from_stores = diff(*read_sides(tmp_path / "old-store", tmp_path / "new-store", config), config)
    from_notes = diff(*read_sides(old_dir, new_dir, config), config)
    assert (from_stores.removed, from_stores.added) == (from_notes.removed, from_notes.added)
    assert from_stores.summary == from_notes.summary


def test_cli(tmp_path: Path) -> None:
    old_dir, new_dir = edited_lab_a(tmp_path)
    runner = CliRunner()
    same = runner.invoke(cli, ["diff", str(old_dir), str(old_dir)])
    assert (same.exit_code, same.output) == (0, f"No changes from {old_dir} to {old_dir}.\n")
    patch = runner.invoke(cli, ["diff", "--format", "rdf-patch", str(old_dir), str(new_dir)])
    assert patch.exit_code == 1, patch.output
    config = load_config()
    old, new = read_sides(old_dir, new_dir, config)
    assert apply_rdf_patch(old.statements, patch.output) == new.statements
    update = runner.invoke(cli, ["diff", "--format", "sparql", str(old_dir), str(new_dir)])
    assert update.output.startswith("DELETE DATA {\n")
    as_json = runner.invoke(cli, ["diff", "--format", "json", str(old_dir), str(new_dir)])
    assert json.loads(as_json.output)["summary"] == diff(old, new, config).summary


def test_a_bad_patch_row_names_its_line() -> None:
    with pytest.raises(DiffError, match=r"^patch line 2: 'X' is not an RDF Patch row"):
        apply_rdf_patch(set(), "TX .\nX <a:b> <a:c> <a:d> .\n")
    with pytest.raises(DiffError, match=r"^patch line 1: not a triple"):
        apply_rdf_patch(set(), "A <a:b> <a:c> .\n")
    aborted = apply_rdf_patch({("<a:s>", "<a:p>", "<a:o>")}, "TX .\nD <a:s> <a:p> <a:o> .\nTA .\n")
    assert aborted == {("<a:s>", "<a:p>", "<a:o>")}
    assert Side("x", set()).statements == set()
    assert list(parse(b"<a:s> <a:p> <a:o> .", format=RdfFormat.N_TRIPLES))
