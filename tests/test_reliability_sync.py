"""Sync equals load: any sequence of adds, edits, renames and deletes, synced step by step, gives the same store as
a fresh load of the end state (compared as N-Quads exports: the same bytes, named graphs included).

A hypothesis state machine edits a folder of Roam Markdown notes that link to each other by title, by Roam uid and
by file name, syncs the one store after every step, and after every step compares it with a fresh load into a new
store. CI runs a short budget; ``RDFNOTES_FUZZ_EXAMPLES`` raises it (a tenth of it is the number of runs).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule
from support import report_figure

from rdfnotes import Store, export, load, load_config

CONFIG = load_config()
RUNS = max(12, int(os.environ.get("RDFNOTES_FUZZ_EXAMPLES", "0")) // 10)
STEPS = 8 if RUNS <= 12 else 20
FIGURES = {"runs": 0, "steps": 0, "failures": 0}

TITLES = [
    "[[QUE]] - Does sleep help",
    "[[CLM]] - Sleep helps",
    "[[CLM]] - Sleep does not help",
    "[[EVD]] - Recall was better after sleep - [[@walker2004]]",
    "[[EVD]] - No gain after a nap - [[@nguyen2021]]",
    "@walker2004",
    "@nguyen2021",
    "Plain page",
]
LABELS = ["Informs", "Informed By", "Supports", "Supported By", "Opposes", "Opposed By", "Consistent With"]
FILE_NAMES = [
    "a.md",
    "b.md",
    "c.md",
    "QUE - Does sleep help.md",
    "CLM - Sleep helps.md",
    "@walker2004.md",
    "sub/d.md",
    "sub/deeper/e.md",
]
UIDS = [None, "uidAAAA01", "uidBBBB02", "uidCCCC03"]


@st.composite
def note_text(draw: st.DrawFn) -> str:
    title = draw(st.sampled_from(TITLES))
    uid = draw(st.sampled_from(UIDS))
    lines = ["---", f'title: "{title.replace(chr(34), chr(92) + chr(34))}"']
    if uid:
        lines.append(f"url: https://roamresearch.com/#/app/prop/page/{uid}")
    lines += [
        "author: " + draw(st.sampled_from(["Ada", "Unknown", ""])),
        "date: " + draw(st.sampled_from(["2024-01-02", "Sat Nov 06 2021 01:18:08 GMT+0800 (X)", "soon"])),
        "---",
        "",
    ]
    lines += [
        f"- {key}:: {value}"
        for key, value in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["Abstract", "Type", "Tags", "Date Added", "Effect size"]),
                    st.sampled_from(
                        ["[[Journal Article]]", "some text", "[[November 5th, 2021]]", "#tag [[Plain page]]"]
                    ),
                ),
                max_size=3,
            )
        )
    ]
    relations = draw(st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(TITLES)), max_size=4))
    if relations:
        lines += ["", "###### Discourse Context", ""]
        for label, target in relations:
            form = draw(
                st.sampled_from(["[[{}]]", "{}.md", "[{}](https://roamresearch.com/#/app/prop/page/uidAAAA01)"])
            )
            shown = target if form != "{}.md" else target.replace("[[", "").replace("]]", "")
            lines.append(f"- **{label}::** {form.format(shown)}")
    return "\n".join(lines) + "\n"


class SyncEqualsLoad(RuleBasedStateMachine):
    files = Bundle("files")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="rdfnotes-sync-"))
        self.folder = self.tmp / "notes"
        self.folder.mkdir()
        self.store = self.tmp / "store"
        self.fresh = 0
        FIGURES["runs"] += 1

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _path(self, name: str) -> Path:
        return self.folder / name

    @rule(target=files, name=st.sampled_from(FILE_NAMES), text=note_text())
    def add(self, name: str, text: str) -> str:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return name

    @rule(name=files, text=note_text())
    def edit(self, name: str, text: str) -> None:
        path = self._path(name)
        if path.exists():
            path.write_text(text, encoding="utf-8")

    @rule(target=files, name=consumes(files), new_name=st.sampled_from(FILE_NAMES))
    def rename(self, name: str, new_name: str) -> str:
        old, new = self._path(name), self._path(new_name)
        if old.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            os.replace(old, new)
        return new_name

    @rule(name=consumes(files))
    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    @invariant()
    def synced_store_equals_a_fresh_load(self) -> None:
        FIGURES["steps"] += 1
        if not any(self.folder.rglob("*.md")):
            return  # nothing to load: a load would refuse (NothingToLoad), the last sync stands
        with Store(self.store) as store:
            load([self.folder], store, CONFIG, lab="prop")
            synced = export(store, "nquads")
        self.fresh += 1
        with Store(self.tmp / f"fresh-{self.fresh}") as store:
            load([self.folder], store, CONFIG, lab="prop")
            fresh = export(store, "nquads")
        if synced != fresh:
            FIGURES["failures"] += 1
        assert synced == fresh


SyncEqualsLoad.TestCase.settings = settings(
    max_examples=RUNS,
    stateful_step_count=STEPS,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class TestSyncEqualsLoad(SyncEqualsLoad.TestCase):  # type: ignore[misc,valid-type]
    @classmethod
    def tearDownClass(cls) -> None:
        report_figure(
            f"sync equals load: {FIGURES['runs']} runs, {FIGURES['steps']} synced steps, {FIGURES['failures']} failures"
        )
