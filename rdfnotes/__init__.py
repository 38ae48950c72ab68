"""rdfnotes: discourse graphs (questions, claims, evidence, sources) from note exports to linked data.

The library is the API; the ``rdfnotes`` command is a thin layer over it::

    from rdfnotes import Store, load, load_config, run_query, export

    config = load_config()
    with Store(".rdfnotes") as store:
        report = load(["examples/lab-a"], store, config)
        table = run_query(store, "open-questions")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config, load_config
from .errors import (
    ConfigError,
    NoSuchQuery,
    NothingToLoad,
    QueryError,
    RdfnotesError,
    ReadError,
    StoreError,
    StoreLocked,
)
from .export import FORMATS as EXPORT_FORMATS
from .export import export
from .loader import LoadReport, load
from .queries import BundledQuery, QueryResult, bundled_queries, run_query
from .store import Store

__all__ = [
    "EXPORT_FORMATS",
    "BundledQuery",
    "Config",
    "ConfigError",
    "LoadReport",
    "NoSuchQuery",
    "NothingToLoad",
    "QueryError",
    "QueryResult",
    "RdfnotesError",
    "ReadError",
    "Store",
    "StoreError",
    "StoreLocked",
    "__version__",
    "bundled_queries",
    "export",
    "load",
    "load_config",
    "run_query",
]
