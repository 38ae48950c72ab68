"""Measure rdfnotes against the store's own floor and the plain rdflib way, and write the table to RESULTS.md.

One command, every figure of the performance issue side by side in one run (these machines are noisy: compare
the ratios of one run, not figures across runs)::

    .venv/bin/python benchmarks/run.py                 # 1k, 10k and 100k notes: ~15 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick         # 1k notes only (CI: the harness keeps working)
    .venv/bin/python benchmarks/run.py --sizes 1000,5000 --output /tmp/results.md

For each size N it generates a Roam export of N notes (``benchmarks/generate.py``, seeded) under ``--workdir``
and measures, each in a process of its own (wall time, peak memory as the child's ``ru_maxrss``):

- ``rdfnotes load`` of the export into a new store (and ``rdfnotes validate`` of the export and of that store);
- pyoxigraph's ``bulk_load`` of the very quads that load stored (dumped to N-Quads) into a new store: the floor;
- the plain rdflib way: the same reader and mapping, ``Graph.add``, Turtle serialisation (above
  ``--rdflib-max`` notes, extrapolated linearly from the largest size measured, and marked so).

On the largest size it also measures ``load`` after 1 and after 100 notes changed (the whole command), checks
that the store it leaves equals a fresh load of the changed export, times each bundled query (median of
``--query-runs``), ``rdfnotes export --format turtle`` against pyoxigraph's own Turtle dump of the same store, and
the start-up time of ``rdfnotes --help`` and ``rdfnotes queries``. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import Generator, edit_notes  # noqa: E402

PYTHON = sys.executable
_SCRIPT = Path(PYTHON).parent / "rdfnotes"
RDFNOTES = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-c", "from rdfnotes.cli import main; main()"]
SIZES = (1_000, 10_000, 100_000)
LISTINGS = ("source-informs", "dangling-links", "notes-by-author", "evidence-for-question")
"""The bundled queries that answer with a row per note or more: measured by their first page and whole."""
PAGE = 50
MB = 1024 * 1024

_FLOOR_CHILD = """
import sys, time
from pyoxigraph import RdfFormat, Store
store = Store(sys.argv[1])
started = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=RdfFormat.N_QUADS, lenient=True)
store.flush()
print(time.perf_counter() - started)
"""

_DUMP_TURTLE_CHILD = """
import sys
from pyoxigraph import DefaultGraph, RdfFormat, Store
from rdfnotes.vocab import PREFIXES
Store(sys.argv[1]).dump(sys.argv[2], format=RdfFormat.TURTLE, from_graph=DefaultGraph(), prefixes=PREFIXES)
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    status: int
    output: str = ""
    cpu: float = 0.0
    """User and system CPU seconds of the child (both cores count)."""


@dataclass
class Figure:
    name: str
    value: str
    goal: str = ""
    ratio: str = ""
    met: str = ""


@dataclass
class Results:
    sizes: list[int]
    started: datetime
    load_before: str
    rows: dict[int, dict[str, str]] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    queries: list[tuple[str, float, int]] = field(default_factory=list)
    listings: list[tuple[str, float, Run, Run, Run, int]] = field(default_factory=list)
    """Per listing: first page in process (s), first page whole command, whole listing streamed, a later page
    (whole command, from the answer the whole listing kept), rows."""


def timed(command: list[str], *, cwd: Path | None = None) -> Run:
    """Run ``command`` to its end: wall time (process start included) and the child's peak resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, output, usage.ru_utime + usage.ru_stime)


def rdfnotes(*args: str) -> Run:
    run = timed([*RDFNOTES, *args])
    if run.status not in (0, 1):  # 1: loaded, with warnings
        raise SystemExit(f"rdfnotes {' '.join(args)} failed ({run.status}):\n{run.output}")
    return run


def median_run(command: list[str], runs: int) -> float:
    return statistics.median(timed(command).seconds for _ in range(runs))


def dump_nquads(store: Path, path: Path) -> int:
    """The quads the store holds (every named graph and the default graph), as N-Quads; returns how many."""
    from pyoxigraph import RdfFormat
    from pyoxigraph import Store as OxStore

    OxStore(str(store / "oxigraph")).dump(str(path), format=RdfFormat.N_QUADS)
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def sorted_digest(path: Path) -> str:
    """A digest of the file's lines in byte order: two dumps of equal stores give the same one."""
    ordered = path.with_suffix(".sorted")
    subprocess.run(["sort", "-S", "25%", "-o", str(ordered), str(path)], check=True, env={**os.environ, "LC_ALL": "C"})
    digest = hashlib.sha256()
    with ordered.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    ordered.unlink()
    return digest.hexdigest()


def rdflib_way(corpus: Path, output: Path) -> None:
    """The plain rdflib pipeline: the same reader and mapping, each triple ``Graph.add``-ed, Turtle written."""
    from pyoxigraph import BlankNode as OxBlankNode
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode as OxNamedNode
    from pyoxigraph import RdfFormat, parse
    from rdflib import BNode, Graph, Literal, URIRef

    from rdfnotes import iris, loader
    from rdfnotes.config import load_config
    from rdfnotes.mapping import MappingContext, map_note
    from rdfnotes.readers import read_path

    def term(value: object) -> URIRef | Literal | BNode:
        if isinstance(value, OxNamedNode):
            return URIRef(value.value)
        if isinstance(value, OxBlankNode):
            return BNode(value.value)
        assert isinstance(value, OxLiteral)
        if value.language:
            return Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        return Literal(value.value, datatype=None if datatype.endswith("#string") else URIRef(datatype))

    config = load_config()
    notes = read_path(corpus, config).notes
    lab = loader._lab_name(None, notes, corpus)
    base = config.base_for(lab)
    index = loader._NameIndex(base)
    nodes = []
    for note in notes:
        node = iris.node_iri(base, uid=note.uid, key=iris.page_key(note.title))
        index.add(note.path, node, sorted({iris.page_key(note.name), iris.page_key(note.title)} - {""}), note.uid)
        nodes.append(node)
    ctx = MappingContext(config=config, base=base, resolver=index)
    graph = Graph()
    for note, node in zip(notes, nodes, strict=True):
        # The mapping gives N-Triples text (what rdfnotes hands the store): its terms, made again, go to rdflib.
        text = "".join(f"{statement} .\n" for statement in map_note(note, node, loader.note_graph_iri(base, note), ctx))
        for triple in parse(text, format=RdfFormat.N_TRIPLES):
            graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    graph.serialize(destination=str(output), format="turtle")
    print(len(graph))


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / MB:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    import pyoxigraph
    import rdflib

    import rdfnotes

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return [
        f"- machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}){memory}",
        f"- versions: Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
        f"rdflib {rdflib.__version__}, rdfnotes {rdfnotes.__version__} (commit {commit.stdout.strip() or '?'}, "
        "with the working tree's changes)",
    ]


def uptime() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split(" ")[:3])
    except OSError:
        return "?"


def measure_size(
    n: int, work: Path, results: Results, *, rdflib_max: int, largest: bool, args: argparse.Namespace
) -> None:
    folder = work / f"n{n}"
    corpus = folder / "corpus"
    started = time.perf_counter()
    generator = Generator(n, seed=args.seed)
    generator.write(corpus)
    generated = time.perf_counter() - started
    corpus_mb = sum(p.stat().st_size for p in corpus.iterdir()) / MB
    print(f"[{n}] generated in {generated:.1f} s ({corpus_mb:.0f} MB)", flush=True)

    store = folder / "store"
    load = rdfnotes("--store", str(store), "load", "-q", str(corpus))
    print(f"[{n}] rdfnotes load: {load.seconds:.2f} s, {load.peak_mb:.0f} MB", flush=True)
    nquads = folder / "store.nq"
    quads = dump_nquads(store, nquads)
    floor_run = timed([PYTHON, "-c", _FLOOR_CHILD, str(folder / "floor"), str(nquads)])
    if floor_run.status != 0:
        raise SystemExit(f"bulk_load failed:\n{floor_run.output}")
    floor_inner = float(floor_run.output.split()[-1])
    print(f"[{n}] bulk_load floor: {floor_run.seconds:.2f} s ({floor_inner:.2f} s in bulk_load)", flush=True)
    shutil.rmtree(folder / "floor")

    row = {
        "notes": f"{n:,}",
        "quads": f"{quads:,}",
        "corpus": f"{corpus_mb:.0f} MB",
        "load": f"{load.seconds:.2f} s ({n / load.seconds:,.0f} notes/s)",
        "load_mb": f"{load.peak_mb:,.0f} MB",
        "floor": f"{floor_run.seconds:.2f} s ({quads / floor_run.seconds / 1000:,.0f}k quads/s; "
        f"{floor_inner:.2f} s in bulk_load), {floor_run.peak_mb:,.0f} MB",
        "load_vs_floor": f"{load.seconds / floor_run.seconds:.2f}",
        "cpu": f"{load.cpu:.2f} s / {floor_run.cpu:.2f} s = {load.cpu / floor_run.cpu:.2f}",
    }
    results.rows[n] = row
    row["_load"] = str(load.seconds)
    row["_floor"] = str(floor_run.seconds)
    row["_load_mb"] = str(load.peak_mb)

    if n <= rdflib_max:
        ttl = folder / "rdflib.ttl"
        rdflib_run = timed([PYTHON, str(Path(__file__)), "--rdflib-child", str(corpus), str(ttl)])
        if rdflib_run.status != 0:
            raise SystemExit(f"the rdflib way failed:\n{rdflib_run.output}")
        row["rdflib"] = (
            f"{rdflib_run.seconds:.2f} s ({n / rdflib_run.seconds:,.0f} notes/s), {rdflib_run.peak_mb:,.0f} MB"
        )
        row["_rdflib"] = str(rdflib_run.seconds)
        row["_rdflib_n"] = str(n)
        print(f"[{n}] rdflib way: {rdflib_run.seconds:.2f} s, {rdflib_run.peak_mb:.0f} MB", flush=True)
        ttl.unlink()
    else:
        measured = max((m for m in results.rows if m <= rdflib_max and "_rdflib" in results.rows[m]), default=None)
        if measured is not None:
            seconds = float(results.rows[measured]["_rdflib"]) * n / measured
            row["rdflib"] = f"~{seconds:.0f} s (extrapolated from {measured:,} notes, linearly)"
            row["_rdflib"] = str(seconds)
    if "_rdflib" in row:
        row["rdflib_vs_load"] = f"{float(row['_rdflib']) / load.seconds:.1f}"

    # The static site (export --format html): pages a second, against the goal of 500.
    site = folder / "site"
    html = rdfnotes("--store", str(store), "export", "--format", "html", "-o", str(site))
    pages = int(html.output.split(": ", 1)[1].split(" pages", 1)[0].replace(",", "")) if ": " in html.output else 0
    row["html"] = (
        f"{html.seconds:.2f} s, CPU {html.cpu:.2f} s, {pages:,} pages ({pages / html.seconds:,.0f} pages/s; "
        f"{pages / html.cpu:,.0f} a CPU second), {html.peak_mb:,.0f} MB"
    )
    print(f"[{n}] export --format html: {row['html']}", flush=True)
    shutil.rmtree(site, ignore_errors=True)
    # validate, against its load: the export (a load of its own, the notes read again, the shapes) and the store
    # load wrote (the shapes only)
    if n <= args.validate_max:
        check = timed([*RDFNOTES, "validate", str(corpus)])
        of_store = timed([*RDFNOTES, "--store", str(store), "validate"])
        row["validate"] = (
            f"export {check.seconds:.2f} s, CPU {check.cpu:.2f} s ({check.seconds / load.seconds:.2f} x load; CPU "
            f"{check.cpu / load.cpu:.2f} x); store {of_store.seconds:.2f} s, CPU {of_store.cpu:.2f} s "
            f"({of_store.seconds / load.seconds:.2f} x load; CPU {of_store.cpu / load.cpu:.2f} x)"
        )
        row["_validate"], row["_validate_store"] = str(check.seconds), str(of_store.seconds)
        print(f"[{n}] validate: {row['validate']}", flush=True)

    if largest:
        measure_largest(n, folder, corpus, store, nquads, generator, results, args)
    nquads.unlink(missing_ok=True)
    if not args.keep:
        shutil.rmtree(folder)


def measure_largest(
    n: int,
    folder: Path,
    corpus: Path,
    store: Path,
    nquads: Path,
    generator: Generator,
    results: Results,
    args: argparse.Namespace,
) -> None:
    figures = results.figures
    row = results.rows[n]
    load_s, floor_s = float(row["_load"]), float(row["_floor"])
    ratio = load_s / floor_s
    figures.append(
        Figure(
            f"`rdfnotes load`, {n:,} notes (vs `bulk_load` of its {row['quads']} quads)",
            f"{load_s:.2f} s = {n / load_s:,.0f} notes/s (floor {floor_s:.2f} s)",
            "≤ 2.0 x floor",
            f"{ratio:.2f} x",
            _met(ratio <= 2.0),
        )
    )
    if "_rdflib" in row:
        speedup = float(row["_rdflib"]) / load_s
        extrapolated = "extrapolated" in row["rdflib"]
        figures.append(
            Figure(
                f"same, vs the plain rdflib way{' (extrapolated)' if extrapolated else ''}",
                f"rdflib {float(row['_rdflib']):.0f} s",
                "≥ 10 x faster",
                f"{speedup:.1f} x faster",
                _met(speedup >= 10),
            )
        )

    if "_validate_store" in row:
        validate_s, export_s = float(row["_validate_store"]), float(row["_validate"])
        figures.append(
            Figure(
                f"`rdfnotes validate` of the store, {n:,} notes (vs its `load`)",
                f"{validate_s:.2f} s (load {load_s:.2f} s; `validate` of the export, its own load included: "
                f"{export_s:.2f} s)",
                "≤ load" + (", ≤ 60 s" if n >= 100_000 else ""),
                f"{validate_s / load_s:.2f} x load",
                _met(validate_s <= load_s and (n < 100_000 or validate_s <= 60)),
            )
        )

    # Reloads after edits: the whole command, process start included.
    for count, goal in ((1, 1.0), (100, 2.0)):
        edit_notes(corpus, generator, count, seed=args.seed, round=count)
        run = rdfnotes("--store", str(store), "load", "-q", str(corpus))
        print(f"[{n}] reload after {count} changed: {run.seconds:.2f} s", flush=True)
        figures.append(
            Figure(
                f"`rdfnotes load` again after changing {count} note{'s' if count > 1 else ''} of {n:,}",
                f"{run.seconds:.2f} s",
                f"≤ {goal:.0f} s",
                f"{run.seconds / goal:.2f} x goal",
                _met(run.seconds <= goal),
            )
        )
    unchanged = rdfnotes("--store", str(store), "load", "-q", str(corpus))
    figures.append(Figure(f"`rdfnotes load` again, nothing changed ({n:,} notes)", f"{unchanged.seconds:.2f} s"))

    # Incremental equals fresh: the store after the edits against a fresh load of the edited export.
    fresh = folder / "fresh"
    fresh_run = rdfnotes("--store", str(fresh), "load", "-q", str(corpus))
    incremental_nq, fresh_nq = folder / "incremental.nq", folder / "fresh.nq"
    count_incremental = dump_nquads(store, incremental_nq)
    count_fresh = dump_nquads(fresh, fresh_nq)
    same = count_incremental == count_fresh and sorted_digest(incremental_nq) == sorted_digest(fresh_nq)
    figures.append(
        Figure(
            "incremental load (after the edits) equals a fresh load of the edited export",
            f"{'identical' if same else 'DIFFERENT'}: {count_incremental:,} / {count_fresh:,} quads "
            f"(fresh load {fresh_run.seconds:.2f} s)",
            "identical quads",
            "",
            _met(same),
        )
    )
    print(f"[{n}] incremental == fresh: {same}", flush=True)
    for path in (incremental_nq, fresh_nq):
        path.unlink()
    shutil.rmtree(fresh)

    # Bundled queries on the store, in this process: median of repeated runs of the whole query (rows included).
    from rdfnotes import Store, bundled_queries, run_query

    with Store(store) as opened:
        for query in bundled_queries():
            run_query(opened, query.name)  # warm-up: the first query after heavy disk activity is slower
            times = []
            rows = 0
            for _ in range(args.query_runs):
                started = time.perf_counter()
                rows = len(run_query(opened, query.name).rows)
                times.append(time.perf_counter() - started)
            results.queries.append((query.name, statistics.median(times), rows))
    # The whole-listing queries: their first page (in this process, and as a whole command), and the whole
    # listing written as its rows come (csv to a file).
    from rdfnotes.queries import stream_query

    for name in LISTINGS:
        with Store(store) as opened:
            started = time.perf_counter()
            first = list(stream_query(opened, name, limit=PAGE).rows)
            in_process = time.perf_counter() - started
        command = timed([*RDFNOTES, "--store", str(store), "query", name, "--format", "csv", "--limit", str(PAGE)])
        whole = timed([*RDFNOTES, "--store", str(store), "query", name, "--format", "csv"])
        later = [*RDFNOTES, "--store", str(store), "query", name, "--format", "csv", "--limit", str(PAGE)]
        page = timed([*later, "--offset", str(PAGE)])  # read from the answer the whole listing kept
        rows = max(whole.output.count("\n") - 1, 0)
        results.listings.append((name, in_process, command, whole, page, rows))
        print(
            f"[{n}] {name}: first {len(first)} rows {in_process * 1000:.0f} ms, whole {whole.seconds:.2f} s", flush=True
        )
    slowest = max(results.queries, key=lambda q: q[1])
    figures.append(
        Figure(
            f"slowest bundled query on {n:,} notes: `{slowest[0]}` (each below)",
            f"{slowest[1] * 1000:.0f} ms",
            "≤ 200 ms",
            f"{slowest[1] / 0.2:.2f} x goal",
            _met(slowest[1] <= 0.2),
        )
    )

    # Export against pyoxigraph's own Turtle dump of the same (default) graph.
    ttl = folder / "export.ttl"
    export_run = rdfnotes("--store", str(store), "export", "--format", "turtle", "-o", str(ttl))
    dump_run = timed([PYTHON, "-c", _DUMP_TURTLE_CHILD, str(store / "oxigraph"), str(folder / "dump.ttl")])
    if dump_run.status != 0:
        raise SystemExit(f"pyoxigraph's dump failed:\n{dump_run.output}")
    ratio = export_run.seconds / dump_run.seconds
    figures.append(
        Figure(
            f"`rdfnotes export --format turtle`, {n:,} notes",
            f"{export_run.seconds:.2f} s, peak memory {export_run.peak_mb:,.0f} MB (pyoxigraph dump "
            f"{dump_run.seconds:.2f} s, {dump_run.peak_mb:,.0f} MB)",
            "≤ 1.3 x dump",
            f"{ratio:.2f} x",
            _met(ratio <= 1.3),
        )
    )
    print(f"[{n}] export {export_run.seconds:.2f} s vs dump {dump_run.seconds:.2f} s", flush=True)
    ttl.unlink()
    (folder / "dump.ttl").unlink()

    peak = float(row["_load_mb"])
    by_size = ", ".join(f"{m:,}: {results.rows[m]['load_mb']}" for m in sorted(results.rows))
    figures.append(
        Figure(
            f"peak memory of `rdfnotes load`, {n:,} notes",
            f"{peak:,.0f} MB (by size: {by_size})",
            "≤ 1.5 GB",
            f"{peak / 1536:.2f} x goal",
            _met(peak <= 1536),
        )
    )

    for label, args_ in (("--help", ["--help"]), ("queries", ["queries"])):
        seconds = median_run([*RDFNOTES, *args_], 7)
        figures.append(
            Figure(
                f"`rdfnotes {label}` (median of 7)", f"{seconds * 1000:.0f} ms", "≤ 300 ms", "", _met(seconds <= 0.3)
            )
        )


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def write(results: Results, path: Path, finished: datetime, load_after: str) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `benchmarks/run.py` (sizes: {', '.join(f'{n:,}' for n in results.sizes)} notes) on "
        f"{results.started:%Y-%m-%d %H:%M} UTC, finished {finished:%H:%M} UTC.",
        "",
        *machine(),
        f"- load average (1, 5, 15 min) before: {results.load_before}; after: {load_after} "
        "(a 2-core machine shared with other work: figures vary ±30 % between runs, ratios less)",
        "- corpus: `benchmarks/generate.py` (seed 0), the mix of the real Roam exports: 42 % sources with Zotero "
        "attributes and ~1.5 KB abstracts, 30 % evidence, 21 % claims, 7 % questions; 3 relation lines per page "
        "(each relation on both pages); 8 % of evidence titles cut to `left...right` in links",
        "",
        "## Goals",
        "",
        "| figure | measured | goal | ratio | |",
        "|---|---|---|---|---|",
    ]
    for figure in results.figures:
        lines.append(f"| {figure.name} | {figure.value} | {figure.goal} | {figure.ratio} | {figure.met} |")
    lines += [
        "",
        "## Loading, by size",
        "",
        "Each in a new process, wall time from process start. *floor*: pyoxigraph `bulk_load` (lenient) of the quads "
        "`rdfnotes load` stored (every note's named graph and the default graph, their union), from an N-Quads file, "
        "into a new store. *rdflib*: the same reader and mapping, `Graph.add` of each triple, Turtle written.",
        "",
        "| notes | quads | export size | `rdfnotes load` | peak memory | floor (`bulk_load`) | load / floor "
        "| CPU: load / floor | rdflib way | rdflib / load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in results.sizes:
        row = results.rows.get(n)
        if row is None:
            continue
        lines.append(
            f"| {row['notes']} | {row['quads']} | {row['corpus']} | {row['load']} | {row['load_mb']} | {row['floor']} "
            f"| {row['load_vs_floor']} | {row['cpu']} | {row.get('rdflib', '-')} | {row.get('rdflib_vs_load', '-')} |"
        )
    lines += [
        "",
        "## Pages and validation, by size",
        "",
        "Whole commands, wall time and CPU time (user + system: on a busy machine the steadier figure). *site*: "
        "`rdfnotes export --format html -o DIR` into a new folder (goal: 500 pages/s). "
        "*validate*: `rdfnotes validate` of the export (its own load into a throw-away store included, the notes read "
        "again, the shapes) and of the store `load` wrote (the shapes, compiled to SPARQL and run by Oxigraph; goal: "
        "no longer than its load, ≤ 60 s at 100,000 notes).",
        "",
        "| notes | site | validate |",
        "|---|---|---|",
    ]
    for n in results.sizes:
        row = results.rows.get(n)
        if row is not None:
            lines.append(f"| {row['notes']} | {row.get('html', '-')} | {row.get('validate', '-')} |")
    if results.listings:
        lines += [
            "",
            f"## Listings on {max(results.sizes):,} notes",
            "",
            f"The first page ({PAGE} rows, `--limit {PAGE}`): in one process (the query and its rows), and the whole "
            "command (process start included); the whole listing written as CSV (it keeps the sorted answer in "
            f"the store, `rdfnotes/answers.py`); then the next page (`--offset {PAGE}`), read from that answer "
            "(goal: first page ≤ 200 ms).",
            "",
            "| query | first page, in process | first page, command | whole listing, command | next page, command "
            "| rows |",
            "|---|---|---|---|---|---|",
        ]
        for name, first, command, whole, page, rows in results.listings:
            lines.append(
                f"| `{name}` | {first * 1000:.0f} ms | {command.seconds * 1000:.0f} ms "
                f"(CPU {command.cpu * 1000:.0f} ms) | {whole.seconds:.2f} s (CPU {whole.cpu:.2f} s) "
                f"| {page.seconds * 1000:.0f} ms (CPU {page.cpu * 1000:.0f} ms) | {rows:,} |"
            )
    if results.queries:
        lines += [
            "",
            f"## Bundled queries on {max(results.sizes):,} notes",
            "",
            "Median of repeated runs after one warm-up, the whole query (rows materialised), in one process.",
            "",
            "| query | median | rows |",
            "|---|---|---|",
        ]
        for name, seconds, rows in sorted(results.queries, key=lambda q: -q[1]):
            lines.append(f"| `{name}` | {seconds * 1000:.1f} ms | {rows:,} |")
    lines += [
        "",
        "Where the time goes, and why a goal is missed where one is: `benchmarks/PROFILE.md` (py-spy profiles).",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 notes only (CI).")
    parser.add_argument("--sizes", help="Comma-separated note counts [default: 1000,10000,100000].")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md", help="[default: benchmarks/RESULTS.md]")
    parser.add_argument("--workdir", type=Path, help="Where corpora and stores go [default: a new folder in /tmp].")
    parser.add_argument("--rdflib-max", type=int, default=10_000, help="Largest size the rdflib way is run at.")
    parser.add_argument("--query-runs", type=int, default=5)
    parser.add_argument("--validate-max", type=int, default=100_000, help="Largest size validate is run at.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the corpora and stores.")
    parser.add_argument("--rdflib-child", nargs=2, metavar=("CORPUS", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rdflib_child:
        rdflib_way(Path(args.rdflib_child[0]), Path(args.rdflib_child[1]))
        return
    sizes = [1_000] if args.quick else [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
    sizes.sort()
    work = Path(tempfile.mkdtemp(prefix="rdfnotes-bench-", dir=args.workdir))
    output = args.output.resolve()
    os.chdir(work)  # no rdfnotes.yaml of the caller's folder changes what is measured
    results = Results(sizes, datetime.now(timezone.utc), uptime())
    try:
        for n in sizes:
            measure_size(n, work, results, rdflib_max=args.rdflib_max, largest=n == sizes[-1], args=args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    write(results, output, datetime.now(timezone.utc), uptime())
    print(f"Wrote {output}")


if __name__ == "__main__":
    main()
