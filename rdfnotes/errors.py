"""Typed errors. The library raises these; the CLI turns them into messages in one place (``cli._Cli``)."""

from __future__ import annotations


class RdfnotesError(Exception):
    """Base class of every error rdfnotes raises on purpose."""


class ConfigError(RdfnotesError):
    """The configuration (rdfnotes.yaml) is not valid."""


class ConfigExists(ConfigError):
    """``init`` would overwrite an existing settings file."""


class ReadError(RdfnotesError):
    """A note file could not be read; carries the file and, where there is one, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class StoreError(RdfnotesError):
    """The store could not be opened or written."""


class StoreLocked(StoreError):
    """Another process has the store open for writing."""


class NoStore(StoreError):
    """There is no store where one is needed (a reader never creates one)."""


class NoSuchQuery(RdfnotesError):
    """The named query is neither bundled nor a readable .rq file."""


class QueryError(RdfnotesError):
    """A SPARQL query is invalid or its parameters do not fit it."""


class NothingToLoad(RdfnotesError):
    """The paths given to load hold no note files."""


class NoSuchLab(RdfnotesError):
    """The store holds no lab of that name."""


class PushError(RdfnotesError):
    """Publishing to a SPARQL server failed (its URL is named without credentials)."""


class ServeError(RdfnotesError):
    """The SPARQL endpoint could not start (the port is taken, the address is not local …)."""


class OutputError(RdfnotesError):
    """An export (a file, or the static site's folder) could not be written where it was asked for."""


class NanopubError(RdfnotesError):
    """Nanopublications could not be made, signed, kept or published (keys, profile, output folder, server)."""


class DiffError(RdfnotesError):
    """A diff could not be made: a side is unreadable, an earlier state is not in the history, a patch is bad."""


class UnsupportedShape(RdfnotesError):
    """A SHACL shape uses what the in-store validator (``rdfnotes.shacl_sparql``) does not compile: refused, never
    passed over."""
