"""How a long piece of work tells how far it has come: a :data:`Progress` callback, given by the caller (the command
line draws it as a bar on a terminal; a library user may log it or leave it out).

>>> seen = []
>>> for item in counted("abc", "Reading", lambda *step: seen.append(step)):
...     pass
>>> seen
[('Reading', 0, 3), ('Reading', 1, 3), ('Reading', 2, 3), ('Reading', 3, 3)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Progress = Callable[[str, int, int], None]
"""Called with the stage of the work (``"Reading"``), how many of its steps are done, and how many there are."""

T = TypeVar("T")


def counted(items: Sequence[T], stage: str, progress: Progress | None) -> Iterator[T]:
    """The items, telling ``progress`` of each one done (and of none, first: the total is known at once)."""
    if progress is None:
        yield from items
        return
    total = len(items)
    progress(stage, 0, total)
    for done, item in enumerate(items, 1):
        yield item
        progress(stage, done, total)
