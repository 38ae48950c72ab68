"""Distinct notes stay distinct nodes (copied Obsidian files that share a nodeInstanceId, whatever was loaded
when), and templates are not notes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import rdflib
import rdflib.compare
from click.testing import CliRunner
from support import LAB_B, load_into, union_graph, writable_copy

from rdfnotes import Store, load, load_config
from rdfnotes.cli import cli
from rdfnotes.vocab import DG, RDFS

CLAIM = "Discourse/CLM - Sleep benefits declarative more than procedural memory.md"
COPY = "Discourse/CLM - Sleep benefits declarative memory most.md"
CLAIM_ID = "019b8a10-0004-7000-8000-00000000b004"
NODE = "https://w3id.org/rdfnotes/id/lab-b-obsidian/node/"


def _copy_claim(vault: Path, name: str = COPY) -> None:
    shutil.copyfile(vault / CLAIM, vault / name)


def _labels(graph: rdflib.Graph) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node, label in graph.subject_objects(rdflib.URIRef(RDFS.label)):
        if "Sleep benefits declarative" in str(label):
            found.setdefault(str(label), []).append(str(node))
    return found


def test_copied_files_are_reported_and_each_stays_its_own_node(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path / "v")
    _copy_claim(vault)
    store, report = load_into(tmp_path / "store", vault)
    with store:
        graph = union_graph(store)
    duplicate = [str(p) for p in report.problems if "nodeInstanceId" in p.message and "files" in p.message]
    assert duplicate == [
        f"{COPY}: warning: nodeInstanceId {CLAIM_ID} is in 2 files, {COPY}, {CLAIM} (copied?): each file is a node "
        f"of its own, and the relations by this id go to {COPY}"
    ]
    labels = _labels(graph)
    # The first path owns the identity (and the relations.json relations naming it); the other is named by its title.
    assert labels["CLM - Sleep benefits declarative memory most"] == [NODE + CLAIM_ID]
    (other,) = labels["CLM - Sleep benefits declarative more than procedural memory"]
    assert other.startswith("https://w3id.org/rdfnotes/id/lab-b-obsidian/page/clm-sleep-benefits-declarative-more")
    supported = {str(s) for s in graph.subjects(rdflib.URIRef(DG.supports), rdflib.URIRef(NODE + CLAIM_ID))}
    assert len(supported) == 1
    assert not list(graph.subjects(rdflib.URIRef(DG.supports), rdflib.URIRef(other)))
    assert report.notes == 9  # 8 files of the vault, and the copy


def test_a_copy_appearing_later_gives_what_a_fresh_load_gives(tmp_path: Path) -> None:
    """The copy sorts before the original: on the next load the original loses the identity, and the store must
    equal a fresh load of the vault as it is now; removing the copy gives the identity back."""
    vault = writable_copy(LAB_B, tmp_path / "v")
    config = load_config()
    with Store(tmp_path / "store") as store:
        load([vault], store, config)
        before = union_graph(store)
        _copy_claim(vault)
        load([vault], store, config)
        synced = union_graph(store)
        (vault / COPY).unlink()
        load([vault], store, config)
        restored = union_graph(store)
    with Store(tmp_path / "fresh") as fresh:
        _copy_claim(vault)
        load([vault], fresh, config)
        expected = union_graph(fresh)
    assert rdflib.compare.isomorphic(synced, expected)
    assert rdflib.compare.isomorphic(restored, before)


# -- templates -------------------------------------------------------------------------------------------------------


def _roam_page(title: str, *lines: str) -> str:
    return f'---\ntitle: "{title}"\n---\n' + "".join(f"{line}\n" for line in lines)


def test_templates_are_passed_over_and_counted(tmp_path: Path) -> None:
    """A Roam export's Meta/Templates/ pages and pages whose title has {placeholders} are templates, not notes."""
    folder = tmp_path / "lab-t"
    pages = {
        "QUE - Does sleep help.md": _roam_page("[[QUE]] - Does sleep help"),
        "Meta/Templates/Question template.md": _roam_page("Question template", "- Informed By:: "),
        "QUE - {your question}.md": _roam_page("[[QUE]] - {your question}"),
        "CLM - Sets {a, b} differ.md": _roam_page("[[CLM]] - Macro {{[[TODO]]}} only"),
    }
    for name, text in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    runner = CliRunner()
    args = ["--store", str(tmp_path / "store"), "load", str(folder)]
    first = runner.invoke(cli, args, catch_exceptions=False)
    again = runner.invoke(cli, args, catch_exceptions=False)
    assert first.stdout == (
        "Loaded 3 files (3 read, 0 unchanged; 2 templates passed over) as lab lab-t.\n"
        f"Store {tmp_path / 'store'}: 2 notes, 0 relations, 14 triples; 0 errors, 0 warnings.\n"
        "Coverage: 0 fields not mapped, 0 pages without a type, 0 pages linked to with no file.\n"
    )
    assert again.stdout.startswith("Loaded 3 files (0 read, 3 unchanged; 2 templates passed over) as lab lab-t.\n")
    with Store(tmp_path / "store") as store:
        labels = sorted(str(o) for o in union_graph(store).objects(None, rdflib.URIRef(RDFS.label)))
    assert labels == ["[[CLM]] - Macro {{[[TODO]]}} only", "[[QUE]] - Does sleep help"]


def test_a_vaults_templates_folder_and_the_plugins_templates_are_passed_over(tmp_path: Path) -> None:
    vault = writable_copy(LAB_B, tmp_path / "v")
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Kit/Forms"}', encoding="utf-8")
    settings = vault / ".obsidian" / "plugins" / "discourse-graphs" / "data.json"
    data = json.loads(settings.read_text(encoding="utf-8"))
    data["nodeTypes"][1]["template"] = "Claim skeleton"
    settings.write_text(json.dumps(data), encoding="utf-8")
    (vault / "Kit" / "Forms").mkdir(parents=True)
    (vault / "Kit" / "Forms" / "Evidence form.md").write_text("---\nnodeTypeId: node_EvdE7aa03\n---\n", "utf-8")
    (vault / "Claim skeleton.md").write_text("---\nnodeTypeId: node_ClmC7aa02\n---\n- Supported by:\n", "utf-8")
    store, report = load_into(tmp_path / "store", vault)
    store.close()
    assert (report.files_seen, report.templates_skipped, report.notes) == (8, 2, 8)


def _titled_pages(folder: Path, *titles: str) -> None:
    """Markdown notes whose front matter titles differ only in characters page names are compared without, and a
    claim linking each as written."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, title in enumerate(titles):
        (folder / f"page-{i}.md").write_text(f"---\ntitle: {title}\n---\nA method page.\n", encoding="utf-8")
    links = " and ".join(f"[[{title}]]" for title in titles)
    (folder / "CLM - Interviews beat surveys.md").write_text(f"We used {links}.\n", encoding="utf-8")


def _references(graph: rdflib.Graph) -> dict[str, str]:
    """Each page the claim references, by its label."""
    claim = next(s for s, label in graph.subject_objects(rdflib.RDFS.label) if str(label).startswith("CLM"))
    return {
        str(graph.value(target, rdflib.RDFS.label)): str(target)
        for target in graph.objects(claim, rdflib.URIRef("http://purl.org/dc/terms/references"))
    }


def test_distinct_titles_of_one_page_name_stay_distinct_nodes(tmp_path: Path) -> None:
    """`m/Qualitative` and `mQualitative` fold to one page name (`mQualitative`): two pages, two nodes, each link to
    the page it writes, and a warning naming both files."""
    folder = tmp_path / "notes"
    _titled_pages(folder, "m/Qualitative", "mQualitative", "D/KNEXT")
    store, report = load_into(tmp_path / "store", folder)
    with store:
        graph = union_graph(store)
    refs = _references(graph)
    assert set(refs) == {"m/Qualitative", "mQualitative", "D/KNEXT"}
    assert len(set(refs.values())) == 3
    base = "https://w3id.org/rdfnotes/id/notes/page/"
    # the title without the telling characters keeps the page name's IRI, as before; the other is named as written
    assert refs["mQualitative"] == base + "mqualitative-" + _hash("mQualitative")
    assert refs["m/Qualitative"] == base + "m-qualitative-" + _hash("m/Qualitative")
    assert refs["D/KNEXT"] == base + "dknext-" + _hash("DKNEXT")  # alone of its name: the name's IRI
    warnings = [str(p) for p in report.problems if "distinct pages" in p.message]
    assert warnings == [
        "page-0.md: warning: page 'm/Qualitative' and 'mQualitative' (page-1.md) are distinct pages of one page "
        "name: each stays a node of its own, and links written without the characters that tell them apart go to "
        "'mQualitative'"
    ]


def _hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def test_a_page_of_the_same_name_appearing_later_gives_what_a_fresh_load_gives(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    _titled_pages(folder, "m/Qualitative")
    synced = tmp_path / "synced"
    load_into(synced, folder)[0].close()
    (folder / "page-1.md").write_text("---\ntitle: mQualitative\n---\nAnother page.\n", encoding="utf-8")
    claim = folder / "CLM - Interviews beat surveys.md"
    claim.write_text("We used [[m/Qualitative]] and [[mQualitative]].\n", encoding="utf-8")
    for step in ("added", "removed"):
        if step == "removed":
            (folder / "page-1.md").unlink()
            claim.write_text("We used [[m/Qualitative]].\n", encoding="utf-8")
        store, _ = load_into(synced, folder)
        with store:
            incremental = union_graph(store)
        store, _ = load_into(tmp_path / f"fresh-{step}", folder)
        with store:
            fresh = union_graph(store)
        assert rdflib.compare.isomorphic(incremental, fresh), step
        # m/Qualitative is named as written while mQualitative is there, by the page name again once it is gone
        written = (
            "m-qualitative-" + _hash("m/Qualitative") if step == "added" else "mqualitative-" + _hash("mQualitative")
        )
        assert _references(incremental)["m/Qualitative"].endswith("/page/" + written)


def test_titles_in_two_export_dialects_stay_one_page_on_every_load(tmp_path: Path) -> None:
    """`[[RES]] - …` and `RES - …` (the matsulab page in two dialects) are one page name and one title: no warning,
    and a load after an edit gives what a fresh load gives."""
    from support import MATSULAB

    folder = writable_copy(MATSULAB, tmp_path / "m")
    store, report = load_into(tmp_path / "synced", folder)
    store.close()
    assert not [p for p in report.problems if "distinct pages" in p.message]
    edited = sorted(folder.glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    store, report = load_into(tmp_path / "synced", folder)
    with store:
        incremental = union_graph(store)
    assert report.files_read == 1 and not [p for p in report.problems if "distinct pages" in p.message]
    store, _ = load_into(tmp_path / "fresh", folder)
    with store:
        assert rdflib.compare.isomorphic(incremental, union_graph(store))
