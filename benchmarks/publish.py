"""Measure ``rdfnotes nanopub`` and ``rdfnotes export --format rocrate`` on a generated lab.

    .venv/bin/python benchmarks/publish.py --notes 1000
    .venv/bin/python benchmarks/publish.py --notes 10000 --workdir /tmp/bench

Generates a Roam export of N notes (``benchmarks/generate.py``, seeded), loads it, then times, each as the whole
command in a process of its own: the first ``nanopub`` run (every discourse note signed), a second run with
nothing changed, a run after 10 notes changed, and the RO-Crate as a folder and as a zip; with the sizes written.
Nothing here asserts a timing: it prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import edit_notes, generate  # noqa: E402


def run_rdfnotes(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[float, str]:
    """``rdfnotes ARGS`` in a process of its own: its wall time and its standard output (also for history_cost)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from rdfnotes.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"rdfnotes {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return seconds, done.stdout


def run(*args: str, cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """:func:`run_rdfnotes`, the first line of its output."""
    seconds, out = run_rdfnotes(*args, cwd=cwd, env=env)
    return seconds, out.strip().splitlines()[0] if out.strip() else ""


def size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--workdir", type=Path)
    options = parser.parse_args()
    work = options.workdir or Path(tempfile.mkdtemp(prefix="rdfnotes-publish-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "SOURCE_DATE_EPOCH": "1700000000"}
    export = work / "export"
    shutil.rmtree(export, ignore_errors=True)
    generator = generate(export, options.notes)
    (work / "rdfnotes.yaml").write_text(
        "licence: https://creativecommons.org/licenses/by/4.0/\n"
        "authors:\n  - {name: Bench Lab, orcid: 0000-0002-1825-0097}\n"
    )
    for old in ("store", "nanopubs", "keys", "crate", "crate.zip"):
        target = work / old
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    run("--store", "store", "load", str(export), "-q", cwd=work, env=env)
    keys = Path(tempfile.mkdtemp(prefix="rdfnotes-keys-")) / "keys"
    rows = []
    seconds, line = run(
        "--store",
        "store",
        "nanopub",
        "-o",
        "nanopubs",
        "--new-keys",
        str(keys),
        "--orcid",
        "0000-0002-1825-0097",
        cwd=work,
        env=env,
    )
    state = json.loads((work / "nanopubs" / "nanopubs.json").read_text())
    signed = len(state["nodes"])
    rows.append(
        (
            "nanopub, first run",
            seconds,
            f"{signed} nanopublications ({signed / seconds:.1f}/s), {size(work / 'nanopubs') / 1e6:.1f} MB",
        )
    )
    seconds, line = run("--store", "store", "nanopub", "-o", "nanopubs", "--keys", str(keys), cwd=work, env=env)
    rows.append(("nanopub, nothing changed", seconds, line))
    edit_notes(export, generator, 10)
    run("--store", "store", "load", str(export), "-q", cwd=work, env=env)
    seconds, line = run("--store", "store", "nanopub", "-o", "nanopubs", "--keys", str(keys), cwd=work, env=env)
    rows.append(("nanopub, after 10 notes edited", seconds, line))
    seconds, line = run("--store", "store", "export", "--format", "rocrate", "-o", "crate", cwd=work, env=env)
    rows.append(("export --format rocrate (folder)", seconds, f"{size(work / 'crate') / 1e6:.1f} MB"))
    seconds, line = run("--store", "store", "export", "--format", "rocrate", "-o", "crate.zip", cwd=work, env=env)
    rows.append(("export --format rocrate -o crate.zip", seconds, f"{size(work / 'crate.zip') / 1e6:.1f} MB"))
    shutil.rmtree(keys.parent, ignore_errors=True)
    print(f"{options.notes:,} notes ({signed} discourse notes), {os.cpu_count()} cores\n")
    print("| command | seconds | what |\n|---|---|---|")
    for name, secs, what in rows:
        print(f"| {name} | {secs:.1f} | {what} |")


if __name__ == "__main__":
    main()
