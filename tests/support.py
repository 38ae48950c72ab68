"""Helpers shared by the tests: paths of the fixtures, loading into a fresh store, the union as rdflib."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import rdflib
from pyoxigraph import RdfFormat, serialize

from rdfnotes import Store, load, load_config
from rdfnotes.loader import LoadReport

FIXTURES = Path(__file__).parent / "fixtures"
LAB_A = FIXTURES / "lab-a"
SEED = FIXTURES / "seed"
SOCIAL_MEDIA = FIXTURES / "roam-2024-dg-social-media"
MATSULAB = FIXTURES / "roam-mixed-matsulab"
LAB_B = FIXTURES / "lab-b-obsidian"
LAB_C = FIXTURES / "lab-c-roam-json"
EXAMPLES = Path(__file__).parents[1] / "examples"


def load_into(store_dir: Path, *paths: Path, lab: str | None = None) -> tuple[Store, LoadReport]:
    store = Store(store_dir)
    report = load(list(paths), store, load_config(), lab=lab)
    return store, report


def union_graph(store: Store) -> rdflib.Graph:
    """The store's default graph (the union of the notes) as an rdflib graph."""
    data = serialize(list(store.default_triples()), format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def without_provenance(graph: rdflib.Graph) -> rdflib.Graph:
    """The graph without the reified statements that say where each relation and attribute is stated (their
    exactness is tested in test_provenance.py): the notes' content."""
    stated_in = rdflib.URIRef("https://w3id.org/rdfnotes/ns#statedIn")
    statements = set(graph.subjects(stated_in, None))
    content = rdflib.Graph()
    for triple in graph:
        if triple[0] not in statements:
            content.add(triple)
    return content


def report_figure(line: str) -> None:
    """Append a figure line to ``RDFNOTES_RELIABILITY_REPORT`` when set (the README's reliability figures come
    from it)."""
    report = os.environ.get("RDFNOTES_RELIABILITY_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def writable_copy(source: Path, folder: Path) -> Path:
    """A copy of a fixture under ``folder`` (same name, so the same lab), every file writable, for tests that edit."""
    target = folder / source.name
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    return target


def external_tool(names: tuple[str, ...], package: str, purpose: str) -> str:
    """The path of a program the tests run (the first of ``names`` found). Missing, the test is skipped with the
    reason, unless ``RDFNOTES_REQUIRE_TOOLS=1`` (CI, which installs them: .ci/run), where it fails."""

    for name in names:
        found = shutil.which(name)
        if found is not None:
            return found
    missing_tool(f"{names[0]} is not installed ({purpose}): apt-get install {package} (.ci/run does)")


def missing_tool(reason: str) -> NoReturn:
    """Skip the test for a program the machine lacks, saying what to install (``RDFNOTES_REQUIRE_TOOLS=1``: fail)."""
    import pytest

    if os.environ.get("RDFNOTES_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason}; RDFNOTES_REQUIRE_TOOLS=1")
    pytest.skip(reason)
