"""The format-neutral model every reader produces and the mapping consumes.

A reader turns one file (or a group of files read together: an Obsidian note with its vault's ``relations.json``,
the two files of a Neo4j CSV export) into zero or more :class:`Note` objects. Names of other pages stay names here
(as the page wrote them): resolving them to nodes needs every file, which is the loader's job, not the reader's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    """A reference to another page by name, as written (``[[name]]``, ``name.md``, a Roam URL's uid …)."""

    target: str
    line: int
    uid: str | None = None
    required: bool = False
    """The link must reach a page that was loaded: when it does not, it is reported and left out (a relation of
    an Obsidian vault or a Roam JSON export, named by identity only), not turned into a node of its own."""


@dataclass(frozen=True)
class Relation:
    """A discourse relation as a page states it: its label (or complement) and the page it names."""

    label: str
    target: Link
    incoming: bool = False
    """The relation reaches this page from ``target`` (``target label page``), as ``relations.json`` lists it on
    its destination; by default it leaves this page (``page label target``)."""


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
    part: str | None = None
    """In a file holding many notes (a Roam JSON or Neo4j CSV export), which one this is: it names the note's
    graph (``{base}file/{path}#{part}``). ``None`` for a file that is one note."""
    node_type: str | None = None
    """The node type the source declares (an Obsidian ``nodeTypeId`` through ``data.json``, a Neo4j label), as a
    marker or type name; used where the title carries no marker."""
    describes: str | None = None
    """For an entry of a bibliographic library (a ``.bib`` or CSL-JSON file): the page it describes, ``@citekey``.
    Its fields go on that page's node: the note of that name, or the note declaring that citekey, when there is
    one; else the entry is a source node of its own."""
    uid: str | None = None
    """The page's stable identity in its tool: a Roam uid, or an Obsidian plugin's ``nodeInstanceId``."""
    uid_scheme: str = "roam"
    """Whose identity ``uid`` is: ``roam`` (stored as ``rn:roamUid``) or ``obsidian`` (``rn:nodeInstanceId``)."""
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
