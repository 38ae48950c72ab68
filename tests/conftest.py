from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import LAB_A, load_into

from rdfnotes import Store


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
