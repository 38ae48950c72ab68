"""The manifest on disk (rdfnotes/manifest.py): shards written where they changed, read back exactly, the manifest of
earlier versions still read; the load summary's kept counts; the walk that finds the files."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from lab_pages import context_page, source_page, write_lab
from support import LAB_A, load_into, writable_copy

from rdfnotes import Store, StoreError, export, labs, load, load_config
from rdfnotes import manifest as manifest_files
from rdfnotes.link import link
from rdfnotes.loader import _count_queries
from rdfnotes.readers import discover
from rdfnotes.store import MANIFEST

TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def shard_files(folder: Path) -> set[str]:
    return {name for name in os.listdir(folder) if name.endswith(manifest_files.SHARD_SUFFIX)}


def big_manifest(units: int) -> dict[str, object]:
    return {
        "version": 1,
        "sync": {"state": "done", "nested": [1, 2.5, None, True, "é ✓"]},
        "roots": {
            "/data/lab": {
                "lab": "lab",
                "base": "https://example.org/lab/",
                "fingerprint": "abc",
                "units": {
                    f"page {n:05d}.md": {
                        "files": {f"page {n:05d}.md": [1_700_000_000_000_000_000 + n, 100 + n]},
                        "format": "markdown",
                        "graphs": [f"https://example.org/lab/file/{n}"],
                        "notes": [
                            {"node": f"n{n}", "keys": [f"k{n}"], "uid": None, "links": [["x", None, "i", n % 2]]}
                        ],
                    }
                    for n in range(units)
                },
            },
            "/data/empty": {"lab": "other", "base": "https://example.org/other/", "units": {}},
        },
    }


def test_a_manifest_reads_back_exactly_and_only_changed_shards_are_written(tmp_path: Path) -> None:
    manifest = big_manifest(3000)
    manifest_files.write(tmp_path, manifest)
    first = shard_files(tmp_path)
    assert len(first) > 5, "a big folder is kept in several shards"
    read = manifest_files.read(tmp_path)
    assert read == manifest
    units = manifest["roots"]["/data/lab"]["units"]  # type: ignore[index]
    assert json.dumps(dict(read["roots"]["/data/lab"]["units"])) == json.dumps(units), "the units in their order"

    units["page 01234.md"] = {**units["page 01234.md"], "format": "changed"}
    manifest_files.write(tmp_path, manifest)
    now = shard_files(tmp_path)
    assert len(now - first) == 1 and len(first - now) == 1, "one unit changed: one shard written, its old one gone"
    assert manifest_files.read(tmp_path) == manifest

    del units["page 00007.md"]
    units["page 99999.md"] = {"files": {}}
    manifest_files.write(tmp_path, manifest)
    assert len(shard_files(tmp_path) - now) <= 2
    assert manifest_files.read(tmp_path) == manifest
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_a_damaged_shard_makes_the_manifest_absent_not_wrong(tmp_path: Path) -> None:
    manifest_files.write(tmp_path, big_manifest(500))
    shard = sorted(shard_files(tmp_path))[0]
    (tmp_path / shard).write_bytes(b"rdfnotes units 1\n\x00garbage")
    with pytest.raises(manifest_files.ManifestUnreadable):
        manifest_files.read(tmp_path)
    (tmp_path / shard).unlink()
    with pytest.raises(manifest_files.ManifestUnreadable):
        manifest_files.read(tmp_path)
    assert Store(tmp_path / "store").manifest == {"version": 1, "roots": {}}


def test_a_store_of_the_manifest_as_one_json_document_loads_without_reading_again(tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", LAB_A)
    manifest = store.manifest
    store.close()
    del store
    folder = tmp_path / "store"
    for name in shard_files(folder):
        (folder / name).unlink()
    # As rdfnotes wrote it before shards.
    (folder / MANIFEST).write_text(
        json.dumps(manifest_files.plain(manifest), sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    store = Store(folder)
    assert store.manifest == manifest
    report = load([LAB_A], store, load_config())
    assert (report.files_read, report.files_unchanged) == (0, 10)
    assert shard_files(folder), "saved in shards from then on"
    assert json.loads((folder / MANIFEST).read_bytes())["format"] == manifest_files.FORMAT


def test_counts_are_kept_while_nothing_changes_and_right_after_every_change(tmp_path: Path) -> None:
    lab = writable_copy(LAB_A, tmp_path)
    store, first = load_into(tmp_path / "store", lab)
    assert first.triples == store.count(TRIPLES)
    kept = json.loads((tmp_path / "store" / manifest_files.COUNTS).read_bytes())
    assert kept["counts"] == {"notes": first.notes, "relations": first.relations, "triples": first.triples}
    # A load that changes nothing takes the kept counts: shown by counts kept with a mark of our own.
    kept["counts"]["triples"] = -1
    (tmp_path / "store" / manifest_files.COUNTS).write_text(json.dumps(kept), encoding="utf-8")
    assert load([lab], store, load_config()).triples == -1
    kept["counts"]["triples"] = first.triples
    (tmp_path / "store" / manifest_files.COUNTS).write_text(json.dumps(kept), encoding="utf-8")
    # A change: counted again (the kept count plus the change: the next test).
    page = sorted(lab.glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8") + "\n- Tags:: [[A brand new page]]\n", encoding="utf-8")
    changed = load([lab], store, load_config())
    assert changed.files_read == 1 and changed.triples == store.count(TRIPLES) != first.triples


def test_after_a_change_the_counts_are_the_kept_ones_plus_what_the_writes_changed(tmp_path: Path) -> None:
    """A few notes changed: the union is not counted again (0.8 s at 100k notes), the store counts what its writes
    added to and took from it (triples, notes, relations). Right through edits, additions, removals, and a relation
    two pages state losing one."""
    lab = writable_copy(LAB_A, tmp_path)
    store, _ = load_into(tmp_path / "store", lab)
    queries = _count_queries(load_config())
    pages = sorted(lab.glob("*.md"))
    steps = [
        lambda: pages[0].write_text(pages[0].read_text(encoding="utf-8") + "\n- Tags:: [[New page]]\n", "utf-8"),
        lambda: (lab / "CLM - A new claim.md").write_text("- Supported By:: [[New page]]\n", encoding="utf-8"),
        lambda: pages[1].unlink(),  # its relations stay in the union where the other page states them too
        lambda: (lab / "CLM - A new claim.md").unlink(),
    ]
    for step in steps:
        step()
        counts = tmp_path / "store" / manifest_files.COUNTS
        kept = json.loads(counts.read_bytes())
        marks = {"triples": 1000, "notes": 100, "relations": 10}  # the counts below must be these plus the change
        kept["counts"] = {name: count + marks[name] for name, count in kept["counts"].items()}
        counts.write_text(json.dumps(kept), encoding="utf-8")
        report = load([lab], store, load_config())
        assert store.union_delta is not None and store.deltas is not None
        assert report.triples == store.count(TRIPLES) + 1000
        assert report.notes == store.count(queries["notes"]) + 100
        # The first step makes a property a relation (Tags): the relations are then counted again.
        assert report.relations == store.count(queries["relations"]) + (0 if step is steps[0] else 10)
        kept = json.loads(counts.read_bytes())
        kept["counts"] = {
            "triples": store.count(TRIPLES),
            **{name: store.count(queries[name]) for name in ("notes", "relations")},
        }
        counts.write_text(json.dumps(kept), encoding="utf-8")
    store.close()


def test_links_written_drop_the_kept_counts(tmp_path: Path) -> None:
    x = write_lab(
        tmp_path / "lab-x",
        {
            "@diekelmann2010": source_page("The Memory Function of Sleep", url="https://doi.org/10.1038/nrn2762"),
            "EVD - Naps helped": context_page(("FromSource", "@diekelmann2010")),
        },
    )
    store, _ = load_into(tmp_path / "store", LAB_A, lab="lab-a")
    load([x], store, load_config(), lab="lab-x")
    review = tmp_path / "review.sssom.tsv"
    assert link(store, review=review).links
    linked = load([x], store, load_config(), lab="lab-x")
    assert linked.triples == store.count(TRIPLES)
    # Every link rejected: the link graph changes, the manifest (the labs as loaded) does not.
    lines = review.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    columns = lines[header].split("\t")
    rows = [line.split("\t") for line in lines[header + 1 :]]
    for row in rows:
        row[columns.index("predicate_modifier")] = "Not"
    review.write_text("\n".join([*lines[: header + 1], *("\t".join(row) for row in rows)]) + "\n", encoding="utf-8")
    assert not link(store, accept=review).links
    after = load([x], store, load_config(), lab="lab-x")
    assert after.files_read == 0
    assert after.triples == store.count(TRIPLES) != linked.triples


def test_the_walk_skips_hidden_ignored_and_linked_folders_and_refuses_what_it_must(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.md").write_text("far", encoding="utf-8")
    for relpath in ["a.md", "b/c.md", "b/d/e.md", "b/README.md", "README.md", ".hidden/x.md", "b/.y.md", "z.txt"]:
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(relpath, encoding="utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "inside.md").symlink_to(root / "a.md")
    (root / "far.md").symlink_to(outside / "far.md")
    os.mkfifo(root / "pipe.md")
    found = {f.relpath: f for f in discover(root, ("README.md", "b/d/*"))}
    assert list(found) == sorted(found) == ["a.md", "b/README.md", "b/c.md", "far.md", "inside.md", "pipe.md"]
    assert found["inside.md"].refused is None and found["inside.md"].size == len("a.md")
    assert found["far.md"].refused and "outside the folder" in found["far.md"].refused
    assert found["pipe.md"].refused and "not a regular file" in found["pipe.md"].refused
    assert found["b/c.md"].path == root / "b" / "c.md" and found["b/c.md"].size == len("b/c.md")


def many_pages(folder: Path, count: int) -> Path:
    """A lab of ``count`` pages, each linking the next: enough units for several shards."""
    pages = {
        f"CLM - Claim {n:04d}": context_page(("Supported By", f"CLM - Claim {(n + 1) % count:04d}"))
        for n in range(count)
    }
    return write_lab(folder, pages)


def fresh_export(tmp_path: Path, lab: Path) -> bytes | None:
    store, _ = load_into(tmp_path / "fresh", lab)
    try:
        return export(store, "nquads")
    finally:
        store.close()
        shutil.rmtree(tmp_path / "fresh")


def loaded_then_edited(tmp_path: Path, count: int) -> tuple[Path, str]:
    """A lab of ``count`` pages loaded, then its middle page edited: the lab and the edited page's shard."""
    lab = many_pages(tmp_path / "lab", count)
    store, _ = load_into(tmp_path / "store", lab)
    store.close()
    edited = lab / f"CLM - Claim {count // 2:04d}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "- An added line\n", encoding="utf-8")
    units = manifest_files.read(tmp_path / "store", lazy=True)["roots"][str(lab.resolve())]["units"]  # type: ignore[index]
    return lab, units._shards[units._hot[edited.name][2]]


def test_a_resync_reads_the_records_of_the_changed_units_only(tmp_path: Path) -> None:
    lab, keep = loaded_then_edited(tmp_path, 1200)
    # Every shard but the edited unit's damaged: the load must not need them.
    damaged = shard_files(tmp_path / "store") - {keep}
    assert len(damaged) >= 3
    for name in damaged:
        (tmp_path / "store" / name).write_bytes(b"rdfnotes units 1\n\x00garbage")
    with Store(tmp_path / "store") as store:
        report = load([lab], store, load_config())
        assert (report.files_read, report.files_unchanged) == (1, 1199)
        assert export(store, "nquads") == fresh_export(tmp_path, lab)


def test_a_damaged_shard_found_by_a_load_makes_it_read_every_file_again(tmp_path: Path) -> None:
    lab, shard = loaded_then_edited(tmp_path, 600)
    (tmp_path / "store" / shard).write_bytes(b"rdfnotes units 1\n\x00garbage")
    with Store(tmp_path / "store") as store:
        report = load([lab], store, load_config())
        assert (report.files_read, report.files_unchanged) == (600, 0)
        assert export(store, "nquads") == fresh_export(tmp_path, lab)
    with Store(tmp_path / "store") as store:
        assert load([lab], store, load_config()).files_read == 0


def test_a_manifest_of_shards_without_key_lists_is_read_once_then_kept_with_them(tmp_path: Path) -> None:
    """The shards as rdfnotes wrote them before key lists (format version 1): read whole, once."""
    store, _ = load_into(tmp_path / "store", LAB_A)
    manifest = manifest_files.plain(store.manifest)
    store.close()
    folder = tmp_path / "store"
    for name in os.listdir(folder):
        if name.startswith(manifest_files.SHARD_PREFIX):
            (folder / name).unlink()
    body = {
        **manifest,
        "roots": {key: {k: v for k, v in root.items() if k != "units"} for key, root in manifest["roots"].items()},
    }
    shards = {}
    for key, root in manifest["roots"].items():
        data = manifest_files._shard_bytes(root["units"])
        name = f"manifest-{hashlib.sha1(data).hexdigest()}.units"
        (folder / name).write_bytes(data)
        shards[key] = [name]
    head = {"format": manifest_files.FORMAT, "format_version": 1, "manifest": body, "shards": shards}
    (folder / MANIFEST).write_text(json.dumps(head), encoding="utf-8")
    with Store(folder) as store:
        assert manifest_files.plain(store.manifest) == manifest
        report = load([LAB_A], store, load_config())
        assert (report.files_read, report.files_unchanged) == (0, 10)
    assert json.loads((folder / MANIFEST).read_bytes())["format_version"] == manifest_files.FORMAT_VERSION
    assert [name for name in os.listdir(folder) if name.endswith(manifest_files.KEYS_SUFFIX)]
    with Store(folder) as store:
        assert manifest_files.plain(store.manifest) == manifest


def test_pages_of_one_name_are_told_at_every_load_not_only_when_read(tmp_path: Path) -> None:
    """The name index a load keeps (a load that changes no name takes it) keeps what it found wrong, too."""
    lab = write_lab(
        tmp_path / "lab", {"QUE - Does sleep help": "- a\n", "QUE - Does sleep help?": "- b\n", "X": "- c\n"}
    )
    (lab / "copy.md").write_text("---\ntitle: X\n---\n\n- a copy of X\n", encoding="utf-8")  # X's title
    store, first = load_into(tmp_path / "store", lab)
    told = [str(p) for p in first.problems]
    assert any("same page name" in line for line in told) and any("one page name" in line for line in told)
    (lab / "X.md").write_text("- c, edited\n", encoding="utf-8")
    assert [str(p) for p in load([lab], store, load_config()).problems] == told
    assert [str(p) for p in load([lab], store, load_config()).problems] == told
    store.close()


def test_a_reader_reads_a_folders_key_list_and_records_only_when_asked(tmp_path: Path) -> None:
    lab = writable_copy(LAB_A, tmp_path)
    with Store(tmp_path / "store") as store:
        load([lab], store, load_config())
        written = {key: dict(root["units"].items()) for key, root in store.manifest["roots"].items()}
    with Store(tmp_path / "store", read_only=True) as reader:
        units = next(iter(reader.manifest["roots"].values()))["units"]
        assert "_keys" not in units.__dict__  # nothing read yet: a query never asks
        assert {key: dict(root["units"].items()) for key, root in reader.manifest["roots"].items()} == written


def test_a_reader_asking_for_units_a_writer_has_let_go_is_told_to_run_again(tmp_path: Path) -> None:
    lab = writable_copy(LAB_A, tmp_path)
    with Store(tmp_path / "store") as store:
        load([lab], store, load_config())
    reader = Store(tmp_path / "store", read_only=True)
    try:
        page = next(lab.rglob("*.md"))
        page.write_text(page.read_text(encoding="utf-8") + "\n- one more line\n", encoding="utf-8")
        with Store(tmp_path / "store") as store:
            load([lab], store, load_config())  # a new key list and shard; the reader's are deleted
        units = next(iter(reader.manifest["roots"].values()))["units"]
        with pytest.raises(manifest_files.ShardGone, match="changed the store while this command read it; run it"):
            len(units)
        assert isinstance(manifest_files.ShardGone("x"), StoreError)  # a one-line message from the command line
    finally:
        reader.close()


def test_a_reader_keeps_the_lab_counts_only_for_the_state_it_read(tmp_path: Path) -> None:
    lab = writable_copy(LAB_A, tmp_path)
    with Store(tmp_path / "store") as store:
        load([lab], store, load_config())
        expected = labs(store)
    kept = tmp_path / "store" / "labs.json"
    kept.unlink(missing_ok=True)
    with Store(tmp_path / "store", read_only=True) as reader:
        assert labs(reader) == expected
    assert kept.is_file()  # counted once, for every later reader
    before = kept.read_bytes()
    with Store(tmp_path / "store", read_only=True) as reader:
        assert labs(reader) == expected
        assert kept.read_bytes() == before
        (lab / "a new page.md").write_text("- new\n", encoding="utf-8")
        with Store(tmp_path / "store") as store:
            load([lab], store, load_config())
            after = labs(store)
        kept.unlink()
        assert labs(reader) == expected  # the reader's own state, counted again, not kept under the new one
        assert not kept.exists()
    with Store(tmp_path / "store", read_only=True) as reader:
        assert labs(reader) == after
