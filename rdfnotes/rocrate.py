"""``rdfnotes export --format rocrate``: a lab's discourse graph as an RO-Crate, ready for a Zenodo-style deposit.

The crate (https://w3id.org/ro/crate, written by ro-crate-py, the ``rocrate`` package: the maintained library of
the RO-Crate community, which writes RO-Crate 1.3) holds:

- ``graph.ttl`` and ``graph.jsonld``: the graph (the lab's, with ``--lab``; else the store's), as ``export`` writes
  it (sorted, the same bytes for the same notes);
- ``void.ttl``: the VoID description of each lab in it (:mod:`rdfnotes.labs`);
- ``queries/NAME.rq`` and ``answers/NAME.csv``: each bundled query that runs without parameters, and its answer
  over the store (the cross-lab ones only for a crate of several labs; ``cross-partner-works``, which asks a remote
  endpoint, never);
- ``validation.json``: the validation report of the graph (the SHACL shapes, as ``rdfnotes validate`` gives it);
- ``notes/…``: the note files themselves, when asked (``with_notes``), under the name of the folder they came from;
- ``ro-crate-metadata.json``: what each file is (name, description, format, size), the authors (``authors:`` of
  rdfnotes.yaml: ``Person``\\ s, by ORCID iD where given), the licence (``licence:``), the lab as publisher.

Determinism: the files are laid out the same way each time, and ``datePublished`` is the date of the newest note
(``dcterms:created``), else ``SOURCE_DATE_EPOCH``, else today; a ``.zip`` holds the entries in name order with a
fixed timestamp. The same store gives the same bytes.

The tests validate every crate with roc-validator (the RO-Crate community's validator) and read it back with
ro-crate-py: its graph is the export's (isomorphic).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pyoxigraph import RdfFormat, serialize

from .config import Config
from .errors import OutputError
from .export import export
from .labs import Lab, get_lab, labs, void_triples
from .queries import bundled_queries, run_query
from .store import Store
from .validate import validate
from .vocab import DCTERMS, PREFIXES

METADATA = "ro-crate-metadata.json"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_REMOTE_QUERIES = frozenset({"cross-partner-works"})
"""Bundled queries that ask another endpoint (``SERVICE``): never run for a crate."""


@dataclass
class CrateReport:
    path: Path
    files: int
    bytes: int
    labs: list[str]
    queries: int
    notes: int


def write_crate(
    store: Store,
    config: Config,
    output: Path,
    *,
    lab: str | None = None,
    with_notes: bool = False,
) -> CrateReport:
    """Write the RO-Crate of ``lab`` (else of the whole store) to ``output``: a folder, or a ``.zip`` file.

    A folder that exists must be empty or an earlier crate (it is replaced whole); a zip is replaced whole.

    :raises NoSuchLab: when ``lab`` names no lab of the store.
    :raises OutputError: when the crate cannot be written there.
    """
    chosen = [get_lab(store, lab)] if lab is not None else labs(store)
    as_zip = output.suffix.lower() == ".zip"
    if not as_zip and output.exists():
        if not output.is_dir():
            raise OutputError(f"{output}: not a folder (give a folder, or a name ending in .zip)")
        if any(output.iterdir()) and not (output / METADATA).is_file():
            raise OutputError(f"{output}: a folder that holds other files than an RO-Crate; not overwritten")
    parent = output.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the crate there ({exc.strerror})") from None
    try:
        payload = staging / "payload"
        payload.mkdir()
        entries, queries, notes = _payload(store, config, payload, chosen, lab, with_notes)
        crate_dir = staging / "crate"
        _metadata(store, config, payload, crate_dir, entries, chosen)
        files = sorted(p for p in crate_dir.rglob("*") if p.is_file())
        if as_zip:
            _zip(crate_dir, files, staging / "crate.zip")
            os.replace(staging / "crate.zip", output)
            size = output.stat().st_size
        else:
            size = sum(p.stat().st_size for p in files)
            if output.exists():
                old = staging / "old"
                os.replace(output, old)
            os.replace(crate_dir, output)
        return CrateReport(
            path=output,
            files=len(files),
            bytes=size,
            labs=[found.name for found in chosen],
            queries=queries,
            notes=notes,
        )
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the crate there ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class _Entry:
    path: str
    name: str
    description: str
    encoding: str


def _payload(
    store: Store, config: Config, folder: Path, chosen: list[Lab], lab: str | None, with_notes: bool
) -> tuple[list[_Entry], int, int]:
    entries: list[_Entry] = []
    which = f"the lab {lab}" if lab else f"the labs {', '.join(found.name for found in chosen)}"

    def add(path: str, data: bytes, name: str, description: str, encoding: str) -> None:
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        entries.append(_Entry(path, name, description, encoding))

    with open(folder / "graph.ttl", "wb") as handle:
        export(store, "turtle", handle, lab=lab)
    entries.append(
        _Entry(
            "graph.ttl",
            "Discourse graph (Turtle)",
            f"The discourse graph of {which}: questions, "
            "claims, evidence, sources and their relations, each triple once.",
            "text/turtle",
        )
    )
    with open(folder / "graph.jsonld", "wb") as handle:
        export(store, "jsonld", handle, lab=lab)
    entries.append(
        _Entry(
            "graph.jsonld",
            "Discourse graph (JSON-LD)",
            f"The discourse graph of {which}, as JSON-LD.",
            "application/ld+json",
        )
    )
    void = sorted({t for found in chosen for t in void_triples(store, found)}, key=str)
    prefixes = {**PREFIXES, "void": "http://rdfs.org/ns/void#"}
    add(
        "void.ttl",
        serialize(void, format=RdfFormat.TURTLE, prefixes=prefixes) or b"",
        "VoID description",
        f"The VoID description of {which}: triples, vocabularies, IRI space, the graphs it is made of.",
        "text/turtle",
    )
    queries = 0
    several = len(labs(store)) > 1 and lab is None
    for query in bundled_queries():
        if query.name in _REMOTE_QUERIES or (query.name.startswith("cross-") and not several):
            continue
        answer = run_query(store, query.name).serialize("csv").encode()
        add(
            f"queries/{query.name}.rq",
            query.text.encode(),
            f"Query: {query.title}",
            query.description,
            "application/sparql-query",
        )
        add(
            f"answers/{query.name}.csv",
            answer,
            f"Answer: {query.title}",
            f"The answer of queries/{query.name}.rq over the graph, as SPARQL results CSV.",
            "text/csv",
        )
        queries += 1
    report = validate(store, config)
    add(
        "validation.json",
        report.to_json().encode(),
        "Validation report",
        f"{report.summary()} The SHACL shapes "
        "of rdfnotes (ontology/shapes.ttl) over the graph, each finding with its rule.",
        "application/json",
    )
    notes = 0
    if with_notes:
        for found in chosen:
            for key in found.roots:
                root = store.manifest["roots"][key]
                source = Path(key)
                for relpath in sorted(root.get("units", {})):
                    file = source / relpath if source.is_dir() else source
                    if not file.is_file():
                        continue
                    target = f"notes/{_safe(source.name)}/{relpath}" if source.is_dir() else f"notes/{_safe(file.name)}"
                    add(
                        target,
                        file.read_bytes(),
                        relpath,
                        f"A note file of the lab {found.name}, as exported.",
                        _media_type(file),
                    )
                    notes += 1
    return entries, queries, notes


def _safe(name: str) -> str:
    return re.sub(r"[^\w.@ -]", "_", name) or "notes"


def _media_type(path: Path) -> str:
    return {
        ".md": "text/markdown",
        ".json": "application/json",
        ".csv": "text/csv",
        ".ttl": "text/turtle",
        ".trig": "application/trig",
        ".nt": "application/n-triples",
        ".nq": "application/n-quads",
        ".jsonld": "application/ld+json",
    }.get(path.suffix.lower(), "application/octet-stream")


def _published(store: Store, chosen: list[Lab]) -> str:
    graphs = " ".join(f"<{g}>" for found in chosen for g in found.graphs)
    newest = None
    if graphs:
        rows = store.query(
            f"SELECT (MAX(SUBSTR(STR(?d), 1, 10)) AS ?day) WHERE {{ VALUES ?g {{ {graphs} }} "
            f"GRAPH ?g {{ ?n <{DCTERMS.created}> ?d }} FILTER(REGEX(STR(?d), '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')) }}"
        )
        for row in rows:
            if row["day"] is not None:
                newest = row["day"].value
    if newest:
        return str(newest)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else None
    return (moment or datetime.now(timezone.utc)).strftime("%Y-%m-%d")


def _metadata(
    store: Store, config: Config, payload: Path, crate_dir: Path, entries: Iterable[_Entry], chosen: list[Lab]
) -> None:
    """Describe the payload with ro-crate-py and write the crate (files and ``ro-crate-metadata.json``)."""
    from rocrate.model.contextentity import ContextEntity  # type: ignore[import-untyped]
    from rocrate.model.person import Person  # type: ignore[import-untyped]
    from rocrate.rocrate import ROCrate  # type: ignore[import-untyped]

    names = ", ".join(found.name for found in chosen)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        crate = ROCrate(gen_preview=False)
        crate.name = f"Discourse graph of {names}" if chosen else "Discourse graph"
        crate.description = (
            f"Questions, claims, evidence and sources of {names} and the relations between them, as linked data "
            "made by rdfnotes from the lab's notes, with the queries it answers and its validation report."
        )
        crate.datePublished = _published(store, chosen)
        publishers = [
            crate.add(
                ContextEntity(
                    crate, found.base, properties={"@type": "Organization", "name": found.name, "url": found.base}
                )
            )
            for found in chosen
        ]
        if publishers:
            crate.root_dataset["publisher"] = publishers[0] if len(publishers) == 1 else publishers
        people = []
        for author in config.authors:
            identifier = author.orcid or "#" + re.sub(r"[^a-z0-9]+", "-", author.name.lower()).strip("-")
            people.append(crate.add(Person(crate, identifier, properties={"name": author.name})))
        if people:
            crate.root_dataset["author"] = people[0] if len(people) == 1 else people
        if config.licence:
            licence = crate.add(
                ContextEntity(
                    crate,
                    config.licence,
                    properties={
                        "@type": "CreativeWork",
                        "name": _licence_name(config.licence),
                        "description": f"The licence of this crate's content: {config.licence}",
                    },
                )
            )
            crate.root_dataset["license"] = licence
        for entry in sorted(entries, key=lambda e: e.path):
            source = payload / entry.path
            crate.add_file(
                source,
                dest_path=entry.path,
                properties={
                    "name": entry.name,
                    "description": entry.description,
                    "encodingFormat": entry.encoding,
                    "contentSize": str(source.stat().st_size),
                    "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                },
            )
        crate.write(crate_dir)


def _licence_name(iri: str) -> str:
    known = {
        "creativecommons.org/licenses/by/4.0": "Creative Commons Attribution 4.0 International",
        "creativecommons.org/licenses/by-sa/4.0": "Creative Commons Attribution-ShareAlike 4.0 International",
        "creativecommons.org/publicdomain/zero/1.0": "CC0 1.0 Universal",
        "opensource.org/licenses/MIT": "MIT License",
        "spdx.org/licenses/MIT": "MIT License",
    }
    key = re.sub(r"^https?://", "", iri).rstrip("/")
    return known.get(key, iri)


def _zip(folder: Path, files: list[Path], target: Path) -> None:
    """A zip whose bytes depend on the files alone: entries in name order, one fixed timestamp, fixed modes."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
