from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, serialize

from rdfnotes import Store, load, load_config
from rdfnotes.config import Config
from rdfnotes.loader import LoadReport

FIXTURES = Path(__file__).parent / "fixtures"
LAB_A = FIXTURES / "lab-a"
SEED = FIXTURES / "seed"
SOCIAL_MEDIA = FIXTURES / "roam-2024-dg-social-media"
MATSULAB = FIXTURES / "roam-mixed-matsulab"
EXAMPLES = Path(__file__).parents[1] / "examples"


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


def load_into(store_dir: Path, *paths: Path, **options: str) -> tuple[Store, LoadReport]:
    store = Store(store_dir)
    report = load(list(paths), store, load_config(), **options)  # type: ignore[arg-type]
    return store, report


def union_graph(store: Store) -> rdflib.Graph:
    """The store's default graph (the union of the notes) as an rdflib graph."""
    data = serialize(list(store.default_triples()), format=RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


@pytest.fixture
def lab_a_copy(tmp_path: Path) -> Path:
    """A writable copy of lab-a, for tests that edit, add or remove notes."""
    target = tmp_path / "lab-a"
    shutil.copytree(LAB_A, target)
    return target


@pytest.fixture(scope="module")
def lab_a_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store, report = load_into(tmp_path_factory.mktemp("lab-a") / "store", LAB_A)
    assert report.problems == []
    yield store
    store.close()
