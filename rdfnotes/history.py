"""The store's history: what each sync (a load, a lab removed, links rebuilt) changed, so that the state of a lab
after an earlier load can be rebuilt and compared with now (``rdfnotes diff --since LOAD``).

A change log, not copies: for each sync that changed graphs, the graphs it created (their names only: undoing
them is dropping them), and for the graphs it changed or dropped, the triples it removed and the triples it added.
The store's own writes (:meth:`rdfnotes.store.Store.replace_graphs`) already compute these, for the undo journal;
the :class:`Recorder` keeps them. A state is rebuilt backwards from the store as it is now, undoing the logged
syncs newest first, so the oldest entries can be pruned (``history: {keep: N}`` in rdfnotes.yaml, the last N loads;
0 keeps none and records none) without losing the later states.

Layout (``history/`` in the store directory)::

    000001/            one sync, numbered in order
        entry.json     {"load": 1, "time": ISO 8601 UTC, "labs": {lab: {"base", "notes": {added, removed,
                        changed}, "predicates": {"added": {p: n}, "removed": {p: n}}}}, "graphs": {created, changed,
                        dropped}}
        removed.nq.gz  the triples the sync removed, each in its graph (N-Quads, gzip)
        added.nq.gz    the triples it added to graphs that existed before
    .pending/          the sync being written: renamed to its number once the sync commits, deleted if undone

A sync's entry is written whole in ``.pending/`` before the store's journal commits, and renamed into place after;
a process that dies between the two leaves a committed journal and a pending entry, which the next one to open the
store puts into place (:meth:`Recorder.recover`).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .durable import fsync_dir, write_synced
from .errors import DiffError
from .iris import LINK_GRAPH

if TYPE_CHECKING:
    from .config import Config
    from .store import Store

HISTORY = "history"
PENDING = ".pending"
DEFAULT_KEEP = 100
_ENTRY = re.compile(r"^\d{6,}$")
_NOTE_GRAPH = "file/"


def _base_of(graph: str) -> str:
    """The base IRI a graph lives under: ``{base}file/…`` (a note's) or ``{base}void``; else the graph itself."""
    index = graph.find("/" + _NOTE_GRAPH)
    if index >= 0:
        return graph[: index + 1]
    if graph.endswith("/void"):
        return graph[:-4]
    return graph


def predicate_of(statement: str) -> str:
    """The predicate IRI of an N-Triples statement (``<s> <p> <o>``)."""
    return statement.split(" ", 2)[1][1:-1]


class Recorder:
    """Keeps what the syncs of one store change (see the module docstring). The store calls :meth:`begin`,
    :meth:`record` before each write, :meth:`prepare` before its journal commits, :meth:`commit` after, and
    :meth:`abort` when a sync is undone."""

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / HISTORY
        self.keep = DEFAULT_KEEP
        """How many syncs to keep (0: record none); set by the loader from ``history: {keep: N}``."""
        self._open = False
        self._graphs: dict[str, list[str]] = {}
        self._notes: dict[str, Counter[str]] = {}
        self._predicates: dict[str, dict[str, Counter[str]]] = {}
        self._files: dict[str, Any] = {}
        self._labs: dict[str, str] = {}

    @property
    def _pending(self) -> Path:
        return self.path / PENDING

    def recover(self, *, committed: bool) -> None:
        """After a process died in a sync: put its entry into place if the sync committed, else drop it."""
        if not self._pending.exists():
            return
        if committed and (self._pending / "entry.json").exists():
            self._place()
        else:
            shutil.rmtree(self._pending, ignore_errors=True)

    def begin(self, labs: Mapping[str, str]) -> None:
        """A sync starts (``labs``: each base IRI's lab, as the manifest says before it)."""
        shutil.rmtree(self._pending, ignore_errors=True)
        self._labs = dict(labs)
        self._graphs = {"created": [], "changed": [], "dropped": []}
        self._notes = {}
        self._predicates = {}
        self._files = {}
        self._open = self.keep > 0

    def record(self, before: Mapping[str, set[str] | None], after: Mapping[str, set[str] | Counter[str]]) -> None:
        """A write is about to give each graph of ``before`` (its old triples; ``None``: it did not exist) its new
        triples, ``after[graph]`` (for a graph created: its triples, or only their predicates counted)."""
        if not self._open:
            return
        for graph, old in before.items():
            given = after.get(graph, set())
            base = _base_of(graph)
            notes = self._notes.setdefault(base, Counter())
            predicates = self._predicates.setdefault(base, {"added": Counter(), "removed": Counter()})
            is_note = graph.startswith(base + _NOTE_GRAPH)
            if old is None:
                self._graphs["created"].append(graph)
                notes["added"] += is_note
                predicates["added"].update(given if isinstance(given, Counter) else map(predicate_of, given))
                continue
            new = given if isinstance(given, set) else set()  # (counted predicates only for a graph created)
            gone, came = old - new, new - old
            self._graphs["dropped" if not new else "changed"].append(graph)
            notes["removed" if not new else "changed"] += is_note
            predicates["removed"].update(predicate_of(t) for t in gone)
            predicates["added"].update(predicate_of(t) for t in came)
            self._write("removed", graph, gone)
            self._write("added", graph, came)

    def _write(self, name: str, graph: str, statements: Iterable[str]) -> None:
        handle = self._files.get(name)
        lines = "".join(f"{t} <{graph}> .\n" for t in statements)
        if not lines:
            return
        if handle is None:
            self._pending.mkdir(parents=True, exist_ok=True)
            path = self._pending / f"{name}.nq.gz"
            # open across the sync's writes, closed by prepare() or abort()
            handle = self._files[name] = gzip.open(path, "wt", encoding="utf-8", compresslevel=1)  # noqa: SIM115
        handle.write(lines)

    def prepare(self, labs: Mapping[str, str]) -> None:
        """Write the entry of the sync whole (``labs``: each base IRI's lab, as the manifest now says)."""
        labs = {**self._labs, **labs}
        if not self._open:
            return
        for handle in self._files.values():
            handle.close()
        self._files = {}
        if not any(self._graphs.values()):
            self._open = False
            shutil.rmtree(self._pending, ignore_errors=True)
            return
        self._pending.mkdir(parents=True, exist_ok=True)
        per_lab: dict[str, Any] = {}
        for base in sorted({*self._notes, *self._predicates}):
            lab = labs.get(base)
            if lab is None:
                continue
            predicates = self._predicates.get(base, {"added": Counter(), "removed": Counter()})
            per_lab[lab] = {
                "base": base,
                "notes": {k: self._notes.get(base, Counter()).get(k, 0) for k in ("added", "removed", "changed")},
                "predicates": {k: dict(sorted(v.items())) for k, v in predicates.items()},
            }
        number = max((entry for entry in _entries(self.path)), default=0) + 1
        entry = {
            "load": number,
            "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "labs": per_lab,
            "graphs": {k: sorted(v) for k, v in self._graphs.items()},
        }
        for name in ("removed.nq.gz", "added.nq.gz"):
            if (self._pending / name).exists():
                with open(self._pending / name, "rb") as handle:
                    os.fsync(handle.fileno())
        write_synced(self._pending / "entry.json", json.dumps(entry, sort_keys=True).encode("utf-8"))
        fsync_dir(self._pending)

    def commit(self) -> None:
        """The sync committed: its entry takes its number; the oldest beyond :attr:`keep` go."""
        if self._open:
            self._place()
        self._open = False
        self.prune(self.keep)

    def abort(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files = {}
        self._open = False
        shutil.rmtree(self._pending, ignore_errors=True)

    def _place(self) -> None:
        entry = json.loads((self._pending / "entry.json").read_text(encoding="utf-8"))
        target = self.path / f"{int(entry['load']):06d}"
        shutil.rmtree(target, ignore_errors=True)
        os.replace(self._pending, target)
        fsync_dir(self.path)

    def prune(self, keep: int) -> None:
        """Keep the last ``keep`` entries."""
        numbers = sorted(_entries(self.path))
        for number in numbers[: max(0, len(numbers) - keep)]:
            shutil.rmtree(self.path / f"{number:06d}", ignore_errors=True)


def _entries(path: Path) -> Iterator[int]:
    if not path.is_dir():
        return
    for child in path.iterdir():
        if _ENTRY.match(child.name) and (child / "entry.json").exists():
            yield int(child.name)


# -- reading the history ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadRecord:
    """One sync of the store as the history keeps it, for one lab."""

    load: int
    time: str
    lab: str
    notes_added: int
    notes_removed: int
    notes_changed: int
    relations_added: int
    relations_removed: int
    """Relations as the notes state them: one stated by two pages counts twice."""

    def __str__(self) -> str:
        return (
            f"load {self.load} at {self.time}: notes {self.notes_added} added, {self.notes_removed} removed, "
            f"{self.notes_changed} changed; relation statements {self.relations_added} added, "
            f"{self.relations_removed} removed"
        )


def entries(store_dir: Path) -> list[dict[str, Any]]:
    """The kept entries, oldest first."""
    path = store_dir / HISTORY
    found = []
    for number in sorted(_entries(path)):
        try:
            found.append(json.loads((path / f"{number:06d}" / "entry.json").read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return found


def load_history(store: Store, config: Config, lab: str | None = None) -> list[LoadRecord]:
    """Each lab's kept loads (oldest first): when, and how many notes and relations they changed."""
    relations = {r.property_iri for r in config.relations}
    records = []
    for entry in entries(store.path):
        for name, change in sorted(entry.get("labs", {}).items()):
            if lab is not None and name != lab:
                continue
            predicates = change.get("predicates", {})

            def count(way: str, predicates: dict[str, Any] = predicates) -> int:
                return sum(n for p, n in predicates.get(way, {}).items() if p in relations or _minted_relation(p))

            notes = change.get("notes", {})
            records.append(
                LoadRecord(
                    int(entry["load"]),
                    str(entry["time"]),
                    name,
                    int(notes.get("added", 0)),
                    int(notes.get("removed", 0)),
                    int(notes.get("changed", 0)),
                    count("added"),
                    count("removed"),
                )
            )
    return records


def _minted_relation(predicate: str) -> bool:
    """A relation property the mapping minted for a label the configuration does not name (``rn:…``)."""
    from .vocab import RN

    return predicate.startswith(RN.iri) and predicate[len(RN.iri) :] not in RN.names


def _read_log(path: Path) -> Iterator[tuple[str, str]]:
    """(statement, graph) for each line of a log file."""
    if not path.exists():
        return
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = line.rstrip("\n")
            if not text.endswith(" ."):
                continue
            text = text[:-2]
            cut = text.rfind(" <")
            yield text[:cut], text[cut + 2 : -1]


def resolve_since(store_dir: Path, since: str) -> int:
    """The load a ``--since`` value names: a load number, or a date / time (ISO 8601: the last load then).

    :raises DiffError: when the history does not reach back to it.
    """
    kept = entries(store_dir)
    if not kept:
        raise DiffError(f"{store_dir}: the store keeps no history of its loads yet (it starts with the next load)")
    first = int(kept[0]["load"])
    if since.isdigit():
        number = int(since)
        if number < first - 1 or number > int(kept[-1]["load"]):
            raise DiffError(
                f"load {number} is not in the history: it keeps loads {first} to {kept[-1]['load']} "
                f"(the state after load {first - 1} is the oldest it can rebuild)"
            )
        return number
    try:
        moment = datetime.fromisoformat(since)
    except ValueError as exc:
        raise DiffError(f"--since {since!r}: neither a load number nor an ISO 8601 date or time") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if len(since) == 10:  # a day: the state at its end
        moment = moment.replace(hour=23, minute=59, second=59)
    before = [int(e["load"]) for e in kept if datetime.fromisoformat(e["time"]) <= moment]
    if before:
        return before[-1]
    if first == 1:
        return 0
    raise DiffError(f"--since {since}: the history starts at load {first}, on {kept[0]['time']}")


def state_after(store: Store, load: int) -> dict[str, set[str]]:
    """Every named graph of the store as it was right after ``load`` (0: before the first), as statements."""
    graphs: dict[str, set[str]] = {}
    for quad in store.named_quads():
        graphs.setdefault(str(getattr(quad.graph_name, "value", "")), set()).add(str(quad.triple))
    for entry in reversed(entries(store.path)):
        number = int(entry["load"])
        if number <= load:
            break
        folder = store.path / HISTORY / f"{number:06d}"
        for graph in entry["graphs"]["created"]:
            graphs.pop(graph, None)
        for statement, graph in _read_log(folder / "added.nq.gz"):
            graphs.get(graph, set()).discard(statement)
        for statement, graph in _read_log(folder / "removed.nq.gz"):
            graphs.setdefault(graph, set()).add(statement)
    return {graph: statements for graph, statements in graphs.items() if statements}


def note_graphs_after(store: Store, load: int, lab: str | None = None) -> set[str]:
    """The union of the labs' note graphs (not the links' or VoID graphs) right after ``load``; of one lab's with
    ``lab``."""
    bases = {change["base"] for entry in entries(store.path) for change in entry.get("labs", {}).values()}
    bases |= {root["base"] for root in store.manifest["roots"].values()}
    wanted = None
    if lab is not None:
        wanted = {change["base"] for e in entries(store.path) for n, change in e.get("labs", {}).items() if n == lab}
        wanted |= {root["base"] for root in store.manifest["roots"].values() if root["lab"] == lab}
        if not wanted:
            raise DiffError(f"no lab named {lab!r} in the store or its history")
    union: set[str] = set()
    for graph, statements in state_after(store, load).items():
        if graph == LINK_GRAPH or (graph.endswith("void") and graph[:-4] in bases):
            continue
        if wanted is not None and not any(graph.startswith(base) for base in wanted):
            continue
        union |= statements
    return union
