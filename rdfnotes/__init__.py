"""rdfnotes: discourse graphs (questions, claims, evidence, sources) from note exports to linked data.

The library is the API; the ``rdfnotes`` command is a thin layer over it::

    from rdfnotes import Store, export, link, load, load_config, run_query

    config = load_config()
    with Store(".rdfnotes") as store:
        report = load(["examples/lab-a"], store, config)
        table = run_query(store, "open-questions")
        link(store)  # with several labs loaded: the works and people they share
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config, load_config
from .errors import (
    ConfigError,
    NoSuchLab,
    NoSuchQuery,
    NothingToLoad,
    OutputError,
    PushError,
    QueryError,
    RdfnotesError,
    ReadError,
    ServeError,
    StoreError,
    StoreLocked,
)
from .export import FORMATS as EXPORT_FORMATS
from .export import export
from .labs import Lab, labs
from .link import LinkReport, link
from .loader import LoadReport, load, remove_lab
from .queries import BundledQuery, QueryResult, bound_query, bundled_queries, run_query
from .store import Store

__all__ = [
    "EXPORT_FORMATS",
    "BundledQuery",
    "Config",
    "ConfigError",
    "Lab",
    "LinkReport",
    "LoadReport",
    "NoSuchLab",
    "NoSuchQuery",
    "NothingToLoad",
    "OutputError",
    "PushError",
    "QueryError",
    "QueryResult",
    "RdfnotesError",
    "ReadError",
    "ServeError",
    "Store",
    "StoreError",
    "StoreLocked",
    "__version__",
    "bound_query",
    "bundled_queries",
    "export",
    "labs",
    "link",
    "load",
    "load_config",
    "remove_lab",
    "run_query",
]
