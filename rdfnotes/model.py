"""The format-neutral model every reader produces and the mapping consumes.

A reader turns one file into one :class:`Note`. Names of other pages stay names here (as the page wrote them):
resolving them to nodes needs every file, which is the loader's job, not the reader's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A reference to another page by name, as written (``[[name]]``, ``name.md``, a Roam URL's uid …)."""

    target: str
    line: int
    uid: str | None = None


@dataclass(frozen=True)
class Relation:
    """A discourse relation as a page states it: its label (or complement) and the page it names."""

    label: str
    target: Link


@dataclass(frozen=True)
class Attribute:
    """A ``Key:: value`` field (or Zotero's ``Key : value``), with the page links inside its value."""

    key: str
    value: str
    line: int
    links: tuple[str, ...] = ()


@dataclass
class Problem:
    """Something a user should hear about: a skipped file, a dropped value, an unknown label."""

    path: str
    message: str
    line: int | None = None
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Note:
    """One page of a discourse graph, read from one file."""

    path: str
    """The file's path relative to the folder it was loaded from, with ``/`` separators."""
    title: str
    """The page title as written (front-matter ``title``, heading, or file name)."""
    name: str
    """The file name without its extension: the name links point at."""
    uid: str | None = None
    graph: str | None = None
    """The Roam graph (or vault) the page belongs to, where the file says."""
    url: str | None = None
    author: str | None = None
    created: str | None = None
    """Creation time as written (JavaScript date string, ISO 8601, ``yyyy-MM-dd`` …)."""
    created_line: int | None = None
    front_matter: dict[str, str] = field(default_factory=dict)
    attributes: list[Attribute] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    body: str = ""
    problems: list[Problem] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.path, message, line))
