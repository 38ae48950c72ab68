from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from pyoxigraph import Quad, RdfFormat, parse
from support import LAB_A, load_into

from rdfnotes import Store

# Property tests write files and open stores: disk speed varies too much for a per-example deadline. Their example
# budgets are set per test (see tests/test_reliability_*.py and README, "Reliability"). In CI (CI=true) the examples
# are derandomised, so a run's verdict depends on the code and not on the draw; everywhere else each run draws anew,
# which is how new failures are found (the full setting, RDFNOTES_FUZZ_EXAMPLES, is run by hand).
settings.register_profile(
    "rdfnotes",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
settings.load_profile("rdfnotes")


@pytest.fixture(scope="session")
def rapper() -> Callable[[Path, str], set[Quad]]:
    """Parse a file with raptor's ``rapper``, the independent RDF parser exports are checked with: its quads.

    CI installs it (Debian: raptor2-utils, in .ci/run) and a test that needs it fails without it;
    ``RDFNOTES_NO_RAPPER=1`` skips those tests instead, on a machine where it cannot be installed.
    """
    found = shutil.which("rapper")
    if found is None:
        if os.environ.get("RDFNOTES_NO_RAPPER") == "1":
            pytest.skip("rapper is not installed and RDFNOTES_NO_RAPPER=1")
        pytest.fail("rapper is not installed: apt-get install raptor2-utils (.ci/run does), or RDFNOTES_NO_RAPPER=1")

    def parse_with_rapper(path: Path, syntax: str) -> set[Quad]:
        command = [found, "-q", "-i", syntax, "-o", "nquads", str(path), "http://example.invalid/"]
        result = subprocess.run(command, capture_output=True, check=False)
        assert result.returncode == 0 and not result.stderr, result.stderr.decode("utf-8", "replace")
        return set(parse(result.stdout, format=RdfFormat.N_QUADS))

    return parse_with_rapper


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
