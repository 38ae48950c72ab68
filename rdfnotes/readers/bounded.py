"""JSON and YAML read with bounds: a hostile file is refused with a message, not a crash or a hang.

- JSON nested deeper than Python's recursion allows made ``json.loads`` (and the readers walking what it gave)
  raise ``RecursionError``, which aborted the whole load: :func:`load_json` refuses documents nested deeper than
  :data:`MAX_DEPTH` with a ``ValueError`` the readers turn into a one-line error for the file.
- YAML aliases are references: a 656-byte front matter of nine levels of nine aliases (an "alias bomb") stands for
  387 million strings, and rendering it ran for minutes and took GBs. :func:`load_yaml` counts what the document
  expands to, stopping at :data:`MAX_YAML_VALUES`, and refuses it past that (a ``yaml.YAMLError``: the readers
  report it as YAML they cannot read).
"""

from __future__ import annotations

import json
from typing import Any

import yaml

MAX_DEPTH = 200
"""Deepest nesting of lists and mappings taken (a Roam export's blocks nest a few levels, a note's front matter 2)."""
MAX_YAML_VALUES = 100_000
"""Most values (strings, lists, mappings, aliases expanded) a front matter may stand for."""

# The base loader builds only str, list and dict (no tags, no objects); the C one when PyYAML has it.
_YAML_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class TooLarge(yaml.YAMLError, ValueError):
    """A document nested too deep, or whose YAML aliases expand too far."""


def load_json(text: str | bytes) -> Any:
    """``json.loads(text)``, refused past :data:`MAX_DEPTH`.

    :raises json.JSONDecodeError: when it is not JSON.
    :raises TooLarge: (a ``ValueError``) when it nests too deep.
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooLarge(f"the JSON nests deeper than {MAX_DEPTH} levels") from None
    _check(data, "the JSON", limit=None)
    return data


def load_yaml(text: str) -> Any:
    """YAML as str, list and dict (the base loader), refused when it nests past :data:`MAX_DEPTH` or its aliases
    expand past :data:`MAX_YAML_VALUES` values.

    :raises yaml.YAMLError: when it is not YAML, or is too large (:class:`TooLarge`).
    """
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except RecursionError:
        raise TooLarge(f"the YAML nests deeper than {MAX_DEPTH} levels") from None
    _check(data, "the YAML", limit=MAX_YAML_VALUES)
    return data


def _check(data: Any, what: str, *, limit: int | None) -> None:
    """Walk ``data`` (aliases expanded, without recursion): refuse it past ``MAX_DEPTH`` or ``limit`` values."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if limit is not None and count > limit:
            raise TooLarge(f"{what}'s aliases expand to more than {limit:,} values")
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                raise TooLarge(f"{what} nests deeper than {MAX_DEPTH} levels")
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                raise TooLarge(f"{what} nests deeper than {MAX_DEPTH} levels")
            stack.extend((item, depth + 1) for item in value)
