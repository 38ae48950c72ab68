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

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below are, for type checkers; at run time they are imported on first use
    from .config import Config, load_config
    from .errors import (
        ConfigError,
        NoStore,
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
    from .store import LiveStore, Store

# Names imported on first use (PEP 562): ``import rdfnotes`` (and so every ``rdfnotes`` command, ``--help`` too)
# loads no reader, store or rdflib until one is asked for. The eager imports took ~300 ms of the CLI's start.
_LAZY = {
    "BundledQuery": ("queries", "BundledQuery"),
    "Config": ("config", "Config"),
    "ConfigError": ("errors", "ConfigError"),
    "EXPORT_FORMATS": ("export", "FORMATS"),
    "Lab": ("labs", "Lab"),
    "LinkReport": ("link", "LinkReport"),
    "LiveStore": ("store", "LiveStore"),
    "LoadReport": ("loader", "LoadReport"),
    "NoStore": ("errors", "NoStore"),
    "NoSuchLab": ("errors", "NoSuchLab"),
    "NoSuchQuery": ("errors", "NoSuchQuery"),
    "NothingToLoad": ("errors", "NothingToLoad"),
    "OutputError": ("errors", "OutputError"),
    "PushError": ("errors", "PushError"),
    "QueryError": ("errors", "QueryError"),
    "QueryResult": ("queries", "QueryResult"),
    "RdfnotesError": ("errors", "RdfnotesError"),
    "ReadError": ("errors", "ReadError"),
    "ServeError": ("errors", "ServeError"),
    "Store": ("store", "Store"),
    "StoreError": ("errors", "StoreError"),
    "StoreLocked": ("errors", "StoreLocked"),
    "bound_query": ("queries", "bound_query"),
    "bundled_queries": ("queries", "bundled_queries"),
    "export": ("export", "export"),
    "labs": ("labs", "labs"),
    "link": ("link", "link"),
    "load": ("loader", "load"),
    "load_config": ("config", "load_config"),
    "remove_lab": ("loader", "remove_lab"),
    "run_query": ("queries", "run_query"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'rdfnotes' has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value  # once found, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """This package, keeping ``rdfnotes.export``, ``.labs`` and ``.link`` the functions of those names.

    Importing a submodule sets it as an attribute of its package; the eager imports used to overwrite the
    submodules ``export``, ``labs`` and ``link`` with their functions right after. Lazily, the submodule would
    stay: so the package does not take a submodule in place of a function of the same name (the submodule is
    still ``sys.modules["rdfnotes.export"]``, which ``from rdfnotes.export import …`` reads).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name, ("", ""))[1] == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "EXPORT_FORMATS",
    "BundledQuery",
    "Config",
    "ConfigError",
    "Lab",
    "LinkReport",
    "LiveStore",
    "LoadReport",
    "NoStore",
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
