"""The ``rdfnotes`` command: options → one library call → output.

Errors the library raises on purpose (:class:`~rdfnotes.errors.RdfnotesError`) become one-line messages here, in
one place (:class:`_Cli`), with exit status 2; a load that finished with warnings exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

DEFAULT_STORE = ".rdfnotes"


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from .errors import RdfnotesError

        try:
            return super().invoke(ctx)
        except RdfnotesError as exc:
            click.secho(f"Error: {exc}", fg="red", err=True)
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

    return load_config(ctx.obj["config"], search_dir=Path.cwd())


def _store(ctx: click.Context) -> Any:
    from .store import Store

    return Store(ctx.obj["store"])


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lab", help="The lab's name, which names its IRIs [default: the Roam graph the pages name].")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, not the summary.")
@click.pass_context
def load(ctx: click.Context, paths: tuple[Path, ...], lab: str | None, quiet: bool) -> None:
    """Read note exports under PATHS and sync the store with them.

    Changed files are read again, removed ones leave the store, unchanged ones are not re-read: the store always
    equals a fresh load. Exit status 0: all loaded cleanly; 1: loaded, with warnings or skipped files.
    """
    from .loader import load as load_notes

    config = _config(ctx)
    show_bar = sys.stderr.isatty() and not quiet
    with _store(ctx) as store:
        if show_bar:
            with click.progressbar(length=0, label="Reading", file=sys.stderr, show_pos=True) as bar:
                report = load_notes(paths, store, config, lab=lab, progress=lambda _: bar.update(1))
        else:
            report = load_notes(paths, store, config, lab=lab)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if not quiet:
        changed = f"{report.files_read} read, {report.files_unchanged} unchanged"
        if report.files_relinked:
            changed += f", {report.files_relinked} re-linked"
        if report.files_removed:
            changed += f", {report.files_removed} removed"
        if report.files_skipped:
            changed += f", {report.files_skipped} skipped"
        click.echo(f"Loaded {report.files_seen} files ({changed}) as lab {', '.join(report.labs)}.")
        click.echo(
            f"Store {ctx.obj['store']}: {report.notes} notes, {report.relations} relations, {report.triples} triples; "
            f"{_count(len(report.errors), 'error')}, {_count(len(report.warnings), 'warning')}."
        )
    ctx.exit(report.exit_status)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


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
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="json is the W3C SPARQL results JSON.",
)
@click.pass_context
def query(ctx: click.Context, query: str, params: tuple[str, ...], fmt: str) -> None:
    """Run QUERY: a bundled query's name, a .rq file, or - to read SPARQL from standard input.

    Parameters are bound as RDF terms, never pasted into the query: --param question='<https://…>' binds an IRI
    (a bundled query declares each parameter's type), anything else a string.
    """
    from .queries import run_query

    bindings = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{param!r} is not NAME=VALUE", param_hint="--param")
        bindings[name] = value
    text = sys.stdin.read() if query == "-" else None
    with _store(ctx) as store:
        result = run_query(store, "standard input" if query == "-" else query, bindings, text=text)
    click.echo(result.serialize(fmt), nl=False)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "trig", "ntriples", "nquads", "jsonld"]),
    default="turtle",
    show_default=True,
    help="turtle, ntriples, jsonld: the graph; trig, nquads: one named graph per note file.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write [default: stdout]."
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Write the store as RDF: the same notes always give the same bytes."""
    from .export import export as export_store

    with _store(ctx) as store:
        data = export_store(store, fmt)
    assert data is not None
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output} ({len(data)} bytes, {fmt}).", err=True)


def main() -> None:
    cli(prog_name="rdfnotes")
