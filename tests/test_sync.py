"""``load`` is a sync: after any change on disk, the store equals a fresh load of what is there now."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from support import LAB_A, load_into

from rdfnotes import export
from rdfnotes.vocab import DG, RN

MOTOR = (
    "EVD - Motor sequence speed improved about 20 percent after a night of sleep but not after equivalent wake"
    " - @walkerSleepDependentLearning2004.md"
)
NODE = "https://w3id.org/rdfnotes/id/lab-a-sleep/node/"
RETENTION = "QUE - Does sleep after learning improve retention.md"


def fresh_export(folder: Path, tmp_path: Path, fmt: str = "nquads") -> bytes:
    store, _ = load_into(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}", folder)
    with store:
        data = export(store, fmt)
    assert data is not None
    return data


def touch_later(path: Path) -> None:
    """Change the mtime for sure, whatever the file system's clock resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_unchanged_files_are_not_read_again(lab_a_copy: Path, tmp_path: Path) -> None:
    store, first = load_into(tmp_path / "store", lab_a_copy)
    assert (first.files_read, first.files_unchanged) == (10, 0)
    store.close()
    store, second = load_into(tmp_path / "store", lab_a_copy)
    assert (second.files_read, second.files_unchanged, second.files_relinked) == (0, 10, 0)
    assert (second.notes, second.relations) == (first.notes, first.relations)


def test_an_edit_is_synced_and_equals_a_fresh_load(lab_a_copy: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    store.close()
    claim = lab_a_copy / "CLM - Sleep has no effect on procedural memory.md"
    claim.write_text(claim.read_text().replace("- **Opposed By::**", "- **Supported By::**"), encoding="utf-8")
    touch_later(claim)
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert report.files_read == 1
    # The motor evidence still says it opposes the claim; now the claim says it is supported: both are stated.
    with store:
        assert export(store, "nquads") == fresh_export(lab_a_copy, tmp_path)


def test_a_removed_file_leaves_the_store(lab_a_copy: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    store.close()
    (lab_a_copy / MOTOR).unlink()
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert report.files_removed == 1
    with store:
        # Stated on both pages: the retention question still says the motor evidence informs it.
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{RN.informs}> ?q }}") == 4
        # Stated only by the removed page.
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{RN.consistentWith}> ?b }}") == 0
        assert export(store, "nquads") == fresh_export(lab_a_copy, tmp_path)


def test_a_page_that_appears_relinks_the_pages_that_named_it(lab_a_copy: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    store.close()
    (lab_a_copy / "@nguyenNoOvernightGain2021.md").write_text(
        "---\ntitle: @nguyenNoOvernightGain2021\nurl: https://roamresearch.com/#/app/lab-a-sleep/page/NgUy3n-21\n"
        "author: Ravi Raman\ndate: Mon Mar 20 2023 09:00:00 GMT-0400 (Eastern Daylight Time)\n---\n\n"
        "- Title:: No overnight gain\n",
        encoding="utf-8",
    )
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert (report.files_read, report.files_relinked) == (1, 1)
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{DG.sourceDocument}> <{NODE}NgUy3n-21> }}") == 1
        assert export(store, "nquads") == fresh_export(lab_a_copy, tmp_path)


def test_a_renamed_page_keeps_its_iri_through_its_roam_uid(lab_a_copy: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    before = export(store, "turtle")
    store.close()
    old = lab_a_copy / "CLM - Sleep has no effect on procedural memory.md"
    new = lab_a_copy / "CLM - Sleep does not affect procedural memory.md"
    new.write_text(old.read_text().replace("has no effect on", "does not affect"), encoding="utf-8")
    old.unlink()
    for path in lab_a_copy.iterdir():
        if path != new and "has no effect on procedural memory" in path.read_text():
            path.write_text(path.read_text().replace("has no effect on", "does not affect"), encoding="utf-8")
            touch_later(path)
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert report.files_removed == 1
    with store:
        after = export(store, "turtle")
        assert after == fresh_export(lab_a_copy, tmp_path, "turtle")
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{DG.opposes}> <{NODE}CLm-pro-02> }}") == 1
    assert before is not None and after is not None
    assert b"Sleep does not affect procedural memory" in after and b"has no effect" not in after


def test_a_file_that_turns_unreadable_keeps_its_last_good_graph(lab_a_copy: Path, tmp_path: Path) -> None:
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    before = export(store, "nquads")
    store.close()
    motor = lab_a_copy / MOTOR
    motor.write_bytes(motor.read_bytes().replace(b"Effect size", b"Effect \xff size"))
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert report.exit_status == 1
    assert [(p.path, p.line, p.severity) for p in report.problems] == [(MOTOR, 8, "warning")]
    assert "last good version" in report.problems[0].message
    with store:
        assert export(store, "nquads") == before


def test_a_bad_new_file_is_skipped_and_the_rest_loads(lab_a_copy: Path, tmp_path: Path) -> None:
    (lab_a_copy / "CLM - Broken.md").write_text("---\ntitle: [[CLM]] - Broken\n- no closing line\n", encoding="utf-8")
    store, report = load_into(tmp_path / "store", lab_a_copy)
    assert report.files_skipped == 1
    assert [str(p) for p in report.errors] == [
        "CLM - Broken.md:1: error: the front matter opened here is never closed by a '---' line"
    ]
    assert report.notes == 10 and report.relations == 12
    store.close()


def test_two_roots_are_synced_apart(lab_a_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(LAB_A, other)
    store, _ = load_into(tmp_path / "store", lab_a_copy)
    store.close()
    store, report = load_into(tmp_path / "store", other, lab="other-lab")
    assert report.labs == ["other-lab"]
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f a <{RN.NoteFile}> }}") == 20
    (other / RETENTION).unlink()
    store, report = load_into(tmp_path / "store", other, lab="other-lab")
    with store:
        assert store.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f a <{RN.NoteFile}> }}") == 19


def test_load_takes_one_path_as_one_path(tmp_path: Path) -> None:
    from rdfnotes import Store, load, load_config

    with Store(tmp_path / "store") as store:
        report = load(str(LAB_A), store, load_config())
    assert report.files_read == 10 and report.roots == [str(LAB_A.resolve())]
