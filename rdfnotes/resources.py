"""Where the bundled ontology and queries are: inside the installed wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def queries_dir() -> Path:
    """The folder of bundled ``.rq`` queries."""
    return _bundled("queries")


def ontology_dir() -> Path:
    return _bundled("ontology")


def ontology_path() -> Path:
    """The rdfnotes ontology, in Turtle."""
    return ontology_dir() / "rdfnotes.ttl"
