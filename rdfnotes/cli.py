"""The ``rdfnotes`` command: options → one library call → output.

Errors the library raises on purpose (:class:`~rdfnotes.errors.RdfnotesError`) become one-line messages here, in
one place (:class:`_Cli`), with exit status 2; a load that finished with warnings exits 1.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

DEFAULT_STORE = ".rdfnotes"
FORMATS = ("markdown", "obsidian", "roam-json", "dg-jsonld", "neo4j-csv", "rdf", "bibtex", "csl-json")
"""The formats ``--format`` names: :data:`rdfnotes.readers.FORMATS`, written here so that ``--help`` does not import
the readers (tests/test_cli.py checks that the two agree)."""


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from .errors import RdfnotesError

        try:
            return super().invoke(ctx)
        except RdfnotesError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
            ctx.exit(2)
        except BrokenPipeError:
            raise  # a reader that stopped reading (rdfnotes export | head): nothing to say
        except OSError as exc:  # one the library did not foresee (a full disk …): a line, not a traceback
            where = f"{exc.filename}: " if exc.filename else ""
            click.secho(f"Error: {where}{' '.join(str(exc.strerror or exc).split())}", fg="red", err=True)
            ctx.exit(2)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rdfnotes")
@click.option(
    "--store",
    "store_path",
    envvar="RDFNOTES_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The store directory (also RDFNOTES_STORE).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Settings file [default: ./rdfnotes.yaml when present, else the bundled defaults].",
)
@click.pass_context
def cli(ctx: click.Context, store_path: Path, config_path: Path | None) -> None:
    """Turn discourse-graph notes (questions, claims, evidence, sources) into linked data.

    Load a Roam Markdown export into the local store, ask the bundled questions, export Turtle:

    \b
        rdfnotes load examples/lab-a
        rdfnotes query open-questions
        rdfnotes export -o lab.ttl
    """
    ctx.obj = {"store": store_path, "config": config_path}


def _config(ctx: click.Context) -> Any:
    from .config import load_config

    return load_config(ctx.obj["config"], search_dir=Path())  # named as the user would: rdfnotes.yaml


def _store(ctx: click.Context, *, write: bool = False, create: bool = False) -> Any:
    """The store the command works on: read-only (the default: it runs beside any writer and waits only for a sync
    that is writing to commit), or for writing (``create``: made when there is none)."""
    from .store import Store

    def waiting(pid: int) -> None:
        click.echo(f"Waiting for the load writing {ctx.obj['store']} (process {pid}) to finish…", err=True)

    # A big lab's manifest (millions of small containers) lives as long as this process: read with the cycle
    # collector off, then out of its sight, no collection rescans it (~0.5-1 s each at 100,000 notes). A library
    # leaves this to its caller.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if write:
            store = Store(ctx.obj["store"], create=create)
        else:
            store = Store(ctx.obj["store"], read_only=True, on_wait=waiting)
        gc.freeze()  # (cheap: the objects move to the permanent generation at once, however many)
    finally:
        if collecting:
            gc.enable()
    if store.recovered:
        click.secho(
            f"Warning: the last load of {ctx.obj['store']} stopped before it finished; what it had written was "
            "undone, the store is as it was before that load.",
            fg="yellow",
            err=True,
        )
    elif store.interrupted:
        click.secho(
            f"Warning: a load of {ctx.obj['store']} by an older rdfnotes stopped before it finished: until a load "
            "completes, the store may hold some notes' new versions beside others' old ones.",
            fg="yellow",
            err=True,
        )
    return store


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lab", help="The lab's name, which names its IRIs [default: the Roam graph the pages name].")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Read PATHS in this format [default: chosen by what each path holds].",
)
@click.option(
    "--add",
    is_flag=True,
    help="Keep the lab's other folders: PATHS add to the lab [default: a lab loaded from another folder before is "
    "replaced by what PATHS hold].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, not the summary.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the whole load report (counts, problems, coverage) to this file as JSON.",
)
@click.pass_context
def load(
    ctx: click.Context,
    paths: tuple[Path, ...],
    lab: str | None,
    fmt: str | None,
    add: bool,
    quiet: bool,
    report_path: Path | None,
) -> None:
    """Read note exports under PATHS and sync the store with them.

    Changed files are read again, removed ones leave the store, unchanged ones are not re-read: the store always
    equals a fresh load. Exit status 0: all loaded cleanly; 1: loaded, with warnings or skipped files.
    """
    from .errors import NothingToLoad
    from .loader import load as load_notes

    config = _config(ctx)
    with _store(ctx, write=True, create=True) as store, _progress(quiet) as progress:
        try:
            report = load_notes(paths, store, config, lab=lab, format=fmt, add=add, progress=progress)
        except NothingToLoad:
            store.discard()  # a load of a wrong path makes no store
            raise
    for problem in report.problems:
        click.echo(str(problem), err=True)
    for gone in report.replaced:
        click.echo(
            f"Replaced lab {gone.lab} as loaded from {gone.folder} ({_count(gone.files, 'file')}): the lab is now what "
            f"{', '.join(report.roots)} {'holds' if len(report.roots) == 1 else 'hold'} (--add keeps both).",
            err=quiet,
        )
    if not quiet:
        changed = f"{report.files_read} read, {report.files_unchanged} unchanged"
        if report.files_relinked:
            changed += f", {report.files_relinked} re-linked"
        if report.files_removed:
            changed += f", {report.files_removed} removed"
        if report.files_skipped:
            changed += f", {report.files_skipped} skipped"
        if report.templates_skipped:
            changed += f"; {_count(report.templates_skipped, 'template')} passed over"
        click.echo(f"Loaded {report.files_seen} files ({changed}) as lab {', '.join(report.labs)}.")
        click.echo(
            f"Store {ctx.obj['store']}: {report.notes} notes, {report.relations} relations, {report.triples} triples; "
            f"{_count(len(report.errors), 'error')}, {_count(len(report.warnings), 'warning')}."
        )
        for line in report.coverage.lines():
            click.echo(line)
    if report_path is not None:
        from .durable import write_atomically
        from .errors import OutputError

        try:
            write_atomically(report_path, report.to_json().encode("utf-8"), sync_dir=False)
        except OSError as exc:
            raise OutputError(f"{report_path}: cannot write the report there ({exc.strerror or exc})") from exc
    ctx.exit(report.exit_status)


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing rdfnotes.yaml.")
def init(path: Path, force: bool) -> None:
    """Write a commented rdfnotes.yaml into PATH, prefilled from what it holds.

    For an Obsidian vault of the Discourse Graphs plugin: its node types and relation types (data.json); for Roam
    exports and other notes: the type markers, relation labels and attributes the notes use.
    """
    import shlex

    from .scaffold import write_config

    written = write_config(path, force=force)
    # The settings are read from ./rdfnotes.yaml or --config: the next step names the file just written, unless it
    # is the one a load here reads anyway.
    here = written.resolve() == (Path.cwd() / "rdfnotes.yaml").resolve()
    settings = "" if here else f"--config {shlex.quote(str(written))} "
    click.echo(f"Wrote {written}: review it, then run: rdfnotes {settings}load {shlex.quote(str(path))}")


class _Bars:
    """Progress bars on standard error, one per stage of the work, each with the stage's true total."""

    def __init__(self) -> None:
        self._stage: tuple[str, int] | None = None
        self._bar: Any = None
        self._done = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._stage != (stage, total):
            self.close()
            if total <= 0:
                return
            self._stage, self._done = (stage, total), 0
            self._bar = click.progressbar(length=total, label=stage.ljust(8), file=sys.stderr, show_pos=True)
            self._bar.__enter__()
        if self._bar is not None and done > self._done:
            self._bar.update(done - self._done)
            self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        self._stage, self._bar = None, None


@contextlib.contextmanager
def _progress(quiet: bool = False) -> Iterator[Any]:
    """A progress callback drawing bars on standard error when it is a terminal (``None`` otherwise, or ``quiet``)."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bars = _Bars()
    try:
        yield bars
    finally:
        bars.close()


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


@cli.command("queries")
def list_queries() -> None:
    """List the bundled queries, what each answers, and its parameters."""
    from .queries import bundled_queries

    for query in bundled_queries():
        click.echo(f"{query.name}")
        click.echo(f"    {query.title}: {query.description}" if query.description else f"    {query.title}")
        for param in query.parameters:
            click.echo(f"    --param {param.name}=<{param.type}>  {param.description}")


@cli.command()
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a query variable.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "sparql"]),
    help="json is the W3C SPARQL results JSON; sparql prints the query with its parameters bound, to run elsewhere "
    "[default: from the suffix of -o (.csv .tsv .json .srj .rq .txt), else table].",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout]."
)
@click.option("--full-iris", is_flag=True, help="Tables: IRIs whole, not as prefixed names (lab-a:node/…).")
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many rows [default: all].")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first.  [default: 0]")
@click.option(
    "--unordered",
    is_flag=True,
    help="Leave out the query's final ORDER BY: the same rows as the engine makes them, the first at once.",
)
@click.pass_context
def query(
    ctx: click.Context,
    query: str,
    params: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    full_iris: bool,
    limit: int | None,
    offset: int,
    unordered: bool,
) -> None:
    """Run QUERY: a bundled query's name, a .rq file, or - to read SPARQL from standard input.

    Parameters are bound as RDF terms, never pasted into the query: --param question='<https://…>' binds an IRI
    (a bundled query declares each parameter's type), anything else a string, each by a VALUES block. csv, tsv
    and json rows are written as they come; --limit and --offset show a page of them.
    """
    from .queries import bound_query, stream_query

    bindings = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        bindings[name] = value
    fmt = fmt or _format_of(output, QUERY_SUFFIXES, "table")
    text = sys.stdin.read() if query == "-" else None
    if fmt == "sparql":
        answer = bound_query(query, bindings, text=text)
        if output is None:
            click.echo(answer, nl=False)
            return
        _write_file(output, lambda handle: handle.write(answer.encode("utf-8")))
    else:
        with _store(ctx) as store:
            name = "standard input" if query == "-" else query
            stream = stream_query(
                store, name, bindings, text=text, limit=limit, offset=offset, ordered=not unordered, keep=True
            )
            for note in stream.notes:
                click.secho(f"Note: {note}.", fg="yellow", err=True)
            chunks = stream.chunks(fmt, width=None if output else _terminal_width(), full_iris=full_iris)
            if output is None:
                for chunk in chunks:
                    click.echo(chunk, nl=False)
                return
            _write_file(output, lambda handle: handle.writelines(chunk.encode("utf-8") for chunk in chunks))
    click.echo(f"Wrote {output} ({output.stat().st_size} bytes, {fmt}).", err=True)


QUERY_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".srj": "json", ".rq": "sparql", ".txt": "table"}
EXPORT_SUFFIXES = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".zip": "rocrate",
}


def _format_of(output: Path | None, suffixes: dict[str, str], default: str) -> str:
    """The format an output file's suffix names (``default`` without a file or a suffix)."""
    if output is None or not output.suffix:
        return default
    found = suffixes.get(output.suffix.lower())
    if found is None:
        known = " ".join(suffixes)
        raise click.UsageError(f"cannot tell a format from {output.name!r} ({known}): give it with --format")
    return found


def _terminal_width() -> int | None:
    """The width tables fit in: the terminal's, or $COLUMNS; none when writing to a pipe or file."""
    import shutil

    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else None


def _write_file(output: Path, write: Any) -> None:
    """Write a file as it is made (a big lab's export is GBs), into a file beside the target renamed over it at the
    end: the target is the old file or the new one, never half of it; only a regular file or a new path."""
    from .durable import replacing

    with replacing(output) as handle:
        write(handle)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "trig", "ntriples", "nquads", "jsonld", "html", "rocrate"]),
    help="turtle, ntriples, jsonld: the graph; trig, nquads: one named graph per note file; html: the pages as a "
    "static site (a folder); rocrate: an RO-Crate (a folder, or -o FILE.zip) [default: from the suffix of -o (.ttl "
    ".trig .nt .nq .jsonld .json .zip), else turtle].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write [default: stdout]; for html, the folder of the site.",
)
@click.option("--lab", help="Export this lab alone, with its VoID description [default: the whole store].")
@click.option("--with-notes", is_flag=True, help="rocrate: put the note files themselves in the crate too.")
@click.pass_context
def export(ctx: click.Context, fmt: str | None, output: Path | None, lab: str | None, with_notes: bool) -> None:
    """Write the store as RDF, as a static web site, or as an RO-Crate: the same notes always give the same bytes."""
    from .export import export as export_store

    fmt = fmt or _format_of(output, EXPORT_SUFFIXES, "turtle")
    if fmt == "rocrate":
        from .rocrate import write_crate

        if output is None:
            raise click.UsageError("--format rocrate writes a folder or a .zip: give it with -o DIR or -o FILE.zip")
        config = _config(ctx)
        with _store(ctx) as store:
            crate = write_crate(store, config, output, lab=lab, with_notes=with_notes)
        click.echo(
            f"Wrote the RO-Crate {crate.path} of {', '.join(crate.labs)}: {_count(crate.files, 'file')}, "
            f"{crate.bytes} bytes ({_count(crate.queries, 'query', 'queries')} with their answers, "
            f"{_count(crate.notes, 'note file')})."
        )
        return
    if with_notes:
        raise click.UsageError("--with-notes is for --format rocrate")
    if fmt == "html":
        from .web import write_site

        if output is None or lab is not None:
            raise click.UsageError("--format html writes a folder: give it with -o DIR (the site shows every lab)")
        with _store(ctx) as store, _progress() as progress:
            site = write_site(store, output, progress=progress)
        click.echo(f"Wrote {site.directory}: {site.pages} pages, {site.files} files ({site.removed} stale removed).")
        return
    with _store(ctx) as store:
        if output is None:
            sys.stdout.flush()
            export_store(store, fmt, sys.stdout.buffer, lab=lab)
            sys.stdout.buffer.flush()
            return
        _write_file(output, lambda handle: export_store(store, fmt, handle, lab=lab))
    click.echo(f"Wrote {output} ({output.stat().st_size} bytes, {fmt}).", err=True)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the findings and a summary, sorted, for machines.",
)
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    help="Read PATHS in this format [default: chosen by what each path holds].",
)
@click.option("--lab", help="The lab's name, which names the IRIs findings show.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit status 1).")
@click.pass_context
def validate(
    ctx: click.Context, paths: tuple[Path, ...], fmt: str, input_format: str | None, lab: str | None, strict: bool
) -> None:
    """Check that the notes under PATHS (or, without PATHS, the store) form a sound discourse graph.

    The SHACL shapes of ontology/shapes.ttl (relation grammar, sources of evidence, DOIs, labels, types, dates)
    and checks over the notes (links to missing pages, duplicate titles and identities, unknown node types and
    relation labels); each finding names its file and, where known, its line. Exit status 0: no errors
    (warnings allowed, unless --strict); 1: errors (or warnings with --strict); 2: the command could not run.
    """
    from .validate import validate as validate_notes

    config = _config(ctx)
    if paths:
        with _progress() as progress:
            report = validate_notes(paths, config, format=input_format, lab=lab, progress=progress)
    else:
        with _store(ctx) as store, _progress() as progress:
            report = validate_notes(store, config, progress=progress)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    else:
        for finding in report.findings:
            click.echo(str(finding))
        click.echo(report.summary())
    ctx.exit(report.exit_status(strict=strict))


@cli.command("diff")
@click.argument("old", required=False, type=click.Path(exists=True, path_type=Path))
@click.argument("new", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--since",
    metavar="LOAD",
    help="Compare the store (--store) after its load LOAD (a number, see 'rdfnotes labs'; or an ISO date or time: "
    "the last load then) with the store now, instead of OLD and NEW.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "rdf-patch", "sparql"]),
    default="text",
    show_default=True,
    help="text: a summary by lab and kind; json: the summary and the triples; rdf-patch: an RDF Patch; sparql: a "
    "SPARQL Update (both turn OLD's graph into NEW's).",
)
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    help="Read OLD and NEW in this format [default: chosen by what each path holds].",
)
@click.option("--lab", help="Load notes as this lab [default: the lab OLD's notes name]; with --since, this lab only.")
@click.pass_context
def diff_command(
    ctx: click.Context,
    old: Path | None,
    new: Path | None,
    since: str | None,
    fmt: str,
    input_format: str | None,
    lab: str | None,
) -> None:
    """What changed from OLD to NEW: two note folders or exports (any format load reads), or two stores; or, with
    --since, in the store since one of its loads.

    Exit status 0: no change; 1: changes.
    """
    from .diff import diff, read_sides, read_since

    config = _config(ctx)
    if since is not None:
        if old is not None:
            raise click.UsageError("--since compares the store with its own past: give no OLD or NEW")
        with _store(ctx) as store:
            before, after = read_since(store, since, lab=lab)
    else:
        if old is None or new is None:
            raise click.UsageError("give OLD and NEW (folders, exports or stores), or --since LOAD")
        before, after = read_sides(old, new, config, lab=lab, format=input_format)
    _show_diff(diff(before, after, config), fmt)


def _show_diff(result: Any, fmt: str) -> None:
    for problem in result.problems:
        click.echo(problem, err=True)
    if fmt == "json":
        click.echo(result.to_json(), nl=False)
    elif fmt == "rdf-patch":
        click.echo(result.rdf_patch(), nl=False)
    elif fmt == "sparql":
        click.echo(result.sparql_update(), nl=False)
    else:
        click.echo(result.text(), nl=False)
    click.get_current_context().exit(0 if result.empty else 1)


@cli.command("labs")
@click.option("--history", "all_loads", is_flag=True, help="Every load the history keeps, not the last three.")
@click.pass_context
def list_labs(ctx: click.Context, all_loads: bool) -> None:
    """List the labs in the store: files, notes, distinct triples, base IRI, the folders each came from, and its
    last loads (what each changed)."""
    from .history import load_history
    from .labs import labs

    config = _config(ctx)
    with _store(ctx) as store:
        found = labs(store)
        loads = load_history(store, config)
    if not found:
        click.echo("No labs yet: load one with 'rdfnotes load PATH --lab NAME'.")
        return
    rows = [("lab", "files", "notes", "triples", "base")]
    rows += [(lab.name, str(lab.files), str(lab.notes), str(lab.triples), lab.base) for lab in found]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(row[1:4], widths[1:], strict=True))]
        click.echo("  ".join([*cells, row[4]]))
    for lab in found:
        for root in lab.roots:
            click.echo(f"{lab.name} from {root}")
    for lab in found:
        own = [record for record in loads if record.lab == lab.name]
        shown = own if all_loads else own[-3:]
        if len(shown) < len(own):
            click.echo(f"{lab.name}: {_count(len(own) - len(shown), 'earlier load')} (rdfnotes labs --history)")
        for record in shown:
            click.echo(f"{lab.name} {record}")


@cli.command()
@click.pass_context
def stats(ctx: click.Context) -> None:
    """What the store holds: its labs (files, notes, triples, last load), nodes by type, relations by kind, and its
    size on disk."""
    from .stats import human_size, store_stats

    config = _config(ctx)
    with _store(ctx) as store:
        found = store_stats(store, config)
    click.echo(
        f"Store {ctx.obj['store']}: {_count(len(found.labs), 'lab')}, {_count(found.triples, 'triple')}, "
        f"{human_size(found.size)} on disk."
    )
    rows = [("lab", "files", "notes", "triples", "last load")]
    rows += [
        (lab.name, str(lab.files), str(lab.notes), str(lab.triples), found.last_loads.get(lab.name, "-"))
        for lab in found.labs
    ]
    _columns(rows)
    _columns([("type", "nodes"), *((name, str(n)) for name, n in found.types)])
    _columns([("relation", "statements"), *((name, str(n)) for name, n in found.relations)])


def _columns(rows: Sequence[tuple[str, ...]]) -> None:
    """A blank line, then rows as columns: the first left-aligned, numbers right-aligned, the last as it is."""
    click.echo()
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.ljust(w) if i == 0 else cell if i == len(row) - 1 and not cell.isdigit() else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())


@cli.command()
@click.option("--lab", "name", required=True, help="The lab to remove (see 'rdfnotes labs').")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove a lab from the store: its graphs, its VoID description and its folders' records; links are rebuilt."""
    from .loader import remove_lab

    with _store(ctx, write=True) as store:
        lab = remove_lab(store, name)
    click.echo(f"Removed lab {lab.name}: {_count(lab.files, 'file')}, {_count(lab.triples, 'triple')}.")


@cli.command()
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every link, stated or rejected, as an SSSOM table for a person to check.",
)
@click.option(
    "--accept",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Record a reviewed SSSOM table first: rows kept are accepted, predicate_modifier Not rejects, new rows add.",
)
@click.pass_context
def link(ctx: click.Context, review: Path | None, accept: Path | None) -> None:
    """Find the same works (DOI, arXiv id, URL) and people (ORCID, name on a shared work) across the labs.

    Writes skos:exactMatch links, each with what justified it, into a graph of their own, and each lab's VoID
    description; both are rebuilt whenever a lab is loaded or removed. Exit status 1 when a reviewed row was left
    out.
    """
    from .link import link as link_labs

    with _store(ctx, write=True) as store, _progress() as progress:
        report = link_labs(store, accept=accept, review=review, progress=progress)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    rejected = len(report.matches) - len(report.links)
    click.echo(
        f"Linked {_count(len(report.labs), 'lab')}: {_count(report.count('work'), 'work')}, "
        f"{report.count('person')} {'person' if report.count('person') == 1 else 'people'}"
        + (f", {_count(report.count('other'), 'other node')}" if report.count("other") else "")
        + f" in common ({_count(len(report.links), 'link')}; {report.reviewed} reviewed, {rejected} rejected)."
    )
    if review is not None:
        click.echo(
            f"Wrote {review} ({_count(len(report.matches), 'row')}): keep a row to accept it, set predicate_modifier "
            f"to Not to reject it, then run: rdfnotes link --accept {review}"
        )
    ctx.exit(1 if report.problems else 0)


@cli.command()
@click.argument("url")
@click.option("--lab", "labs", multiple=True, help="Push this lab (repeatable) [default: every lab, and the links].")
@click.option(
    "--protocol",
    type=click.Choice(["auto", "graph-store", "update"]),
    default="auto",
    show_default=True,
    help="graph-store: PUT per graph; update: SPARQL Update; auto: the first, else the second.",
)
@click.option("--update-url", help="The server's SPARQL Update endpoint, for the update protocol [default: URL].")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for each request.")
@click.pass_context
def push(
    ctx: click.Context, url: str, labs: tuple[str, ...], protocol: str, update_url: str | None, timeout: float
) -> None:
    """Publish the labs' graphs to the SPARQL server at URL (its Graph Store Protocol endpoint).

    Each graph replaces the server's copy; graphs an earlier push left there that the store no longer has are
    deleted. Credentials: RDFNOTES_PUSH_TOKEN, or RDFNOTES_PUSH_USER and RDFNOTES_PUSH_PASSWORD, or ~/.netrc.

    \b
        rdfnotes push http://localhost:7878/store                  # Oxigraph
        rdfnotes push http://localhost:3030/lab/data               # Apache Jena Fuseki
        rdfnotes push http://localhost:8890/sparql-graph-crud-auth # Virtuoso
    """
    from .push import push as push_labs

    with _store(ctx) as store, _progress() as progress:
        report = push_labs(
            store,
            url,
            lab_names=labs,
            protocol=protocol,
            update_url=update_url,
            timeout=timeout,
            progress=progress,
        )
    stale = f"; {_count(report.deleted, 'stale graph')} deleted" if report.protocol == "graph-store" else ""
    default = {
        True: "The server's default graph is their union.",
        False: "The server keeps no default graph of its own: its queries read the union of its graphs.",
        None: "The server's default graph is as it was: push every lab to make it their union.",
    }[report.default_graph]
    click.echo(
        f"Pushed {_count(len(report.labs), 'lab')} ({', '.join(report.labs)}) to {report.url} by "
        f"{report.protocol}: {_count(report.graphs, 'graph')}, {_count(report.triples, 'triple')}{stale}. {default}"
    )


@cli.command()
@click.option(
    "-o",
    "--output",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder of the nanopublications (TriG files, index, and the record of earlier runs).",
)
@click.option("--lab", help="The lab whose notes to publish [default: the store's only lab].")
@click.option(
    "--keys",
    type=click.Path(path_type=Path),
    help="A nanopub profile (profile.yml, or its folder) [default: ~/.nanopub/profile.yml].",
)
@click.option(
    "--new-keys",
    type=click.Path(file_okay=False, path_type=Path),
    help="Make a new RSA key pair and profile in this folder (not in a git work tree), and sign with it.",
)
@click.option("--orcid", help="The signer's ORCID iD, for --new-keys.")
@click.option("--name", "signer_name", default="", help="The signer's name, for --new-keys.")
@click.option("--licence", help="The licence's IRI [default: licence: in rdfnotes.yaml].")
@click.option("--publish", "publish_url", help="Then send what is new to this nanopub server or SPARQL store.")
@click.option(
    "--protocol",
    type=click.Choice(["nanopub-server", "graph-store", "update"]),
    default="graph-store",
    show_default=True,
    help="How --publish sends: POST of TriG to a nanopub server or a Graph Store endpoint, or SPARQL Update.",
)
@click.pass_context
def nanopub(
    ctx: click.Context,
    folder: Path,
    lab: str | None,
    keys: Path | None,
    new_keys: Path | None,
    orcid: str | None,
    signer_name: str,
    licence: str | None,
    publish_url: str | None,
    protocol: str,
) -> None:
    """Write each discourse note of a lab as a signed nanopublication with a Trusty URI.

    A note unchanged since the last run keeps its nanopublication; a changed one gets a new one that supersedes
    it; a removed one's is retracted. Check one with any nanopub library (see the README).

    \b
        rdfnotes nanopub -o nanopubs --new-keys ~/.rdfnotes-keys --orcid 0000-0002-1825-0097 --name "Maya Okafor"
        rdfnotes nanopub -o nanopubs --keys ~/.rdfnotes-keys --publish http://localhost:7878/store
    """
    from .errors import NanopubError
    from .nanopub import generate_keys, load_signer, make_nanopubs, publish

    if new_keys is not None:
        if keys is not None:
            raise NanopubError("give --keys or --new-keys, not both")
        if not orcid:
            raise NanopubError("--new-keys needs the signer's --orcid")
        keys = generate_keys(new_keys, orcid=orcid, name=signer_name)
        click.echo(f"Made a key pair and nanopub profile in {keys.parent} (keep id_rsa private).")
    signer = load_signer(keys)
    config = _config(ctx)
    with _store(ctx) as store:
        report = make_nanopubs(store, config, folder, signer, lab=lab, licence=licence)
    for reason in report.skipped:
        click.secho(f"warning: {reason}: left out", fg="yellow", err=True)
    for warning in report.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    written = len(report.written)
    click.echo(
        f"Wrote {_count(written, 'nanopublication')} of lab {report.lab} to {folder} "
        f"({report.count('new')} new, {report.count('supersedes')} superseding, "
        f"{_count(report.count('retracts'), 'retraction')}, {_count(report.count('index'), 'index', 'indexes')}); "
        f"{report.unchanged} unchanged."
    )
    if report.index:
        click.echo(f"Index of {_count(report.current, 'note')}: {report.index}")
    if publish_url:
        sent = publish(folder, publish_url, protocol=protocol)
        click.echo(f"Published {_count(sent.sent, 'nanopublication')} to {sent.url} ({sent.already} sent before).")
    if report.skipped or report.warnings:
        ctx.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every one).")
@click.option("--port", type=int, default=7878, show_default=True, help="Port to listen on (0: any free one).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-request", type=int, default=1_000_000, show_default=True, help="Largest request, in bytes.")
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    help="MiB of memory a query may take (its worker process's cap; 0: no cap).",
)
@click.option("--cors", "cors_origin", help="Let web pages from this origin (or *) query, e.g. a YASGUI page.")
@click.option(
    "--allow-service",
    multiple=True,
    metavar="URL",
    help="Let queries call this SPARQL endpoint with SERVICE (repeatable) [default: SERVICE is refused].",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not log each request.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    timeout: float,
    max_request: int,
    max_memory: int,
    cors_origin: str | None,
    allow_service: tuple[str, ...],
    quiet: bool,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint at /sparql, until Ctrl-C."""
    import signal

    from .serve import Limits
    from .serve import serve as serve_store

    def ready(url: str) -> None:
        pages = url.removesuffix("sparql")
        click.echo(
            f"Serving {ctx.obj['store']}: the pages at {pages}, SPARQL at {url} (read-only: loads show at the next "
            "request; Ctrl-C to stop).",
            err=True,
        )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a service manager's TERM stops the server as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)

    from .store import LiveStore

    limits = Limits(max_request_bytes=max_request, query_timeout=timeout, max_memory=max_memory << 20)
    # Read-only, and opened again after each load: serve never holds the store from a writer.
    store = LiveStore(ctx.obj["store"])
    try:
        serve_store(
            store,
            host,
            port,
            limits=limits,
            cors_origin=cors_origin,
            allow_service=allow_service,
            quiet=quiet,
            ready=ready,
        )
    finally:
        store.close()


def main() -> None:
    """The ``rdfnotes`` command. When it is done, the process ends at once: a big lab's manifest and notes are
    millions of objects the interpreter would otherwise free one by one on the way out (~4.5 s after a load of
    100,000 notes, ~0.5 s after a reload); every store and file was closed by the command itself."""
    try:
        cli(prog_name="rdfnotes")
    except SystemExit as done:
        status = done.code
        if isinstance(status, str):  # sys.exit("message")
            print(status, file=sys.stderr)
            status = 1
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe (rdfnotes export | head): nothing to say
                stream.flush()
        os._exit(status or 0)
