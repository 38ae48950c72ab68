"""What the store's history (rdfnotes.history) and line provenance (rdfnotes.mapping.stated_where) cost: load time
and store size, each setting in a process of its own, on the generated corpus of ``benchmarks/generate.py``.

For each size and each setting — neither (``history: {keep: 0}``, ``provenance: {lines: false}``), the history
alone, both (the defaults) — it measures a first ``rdfnotes load`` into a new store, a reload after 100 notes
changed, the store's size on disk (the Oxigraph files; the history folder apart) and its triples, then appends a
section to ``--output`` (benchmarks/RESULTS.md). Nothing here asserts a timing::

    python benchmarks/history_cost.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import edit_notes, generate  # noqa: E402
from publish import run_rdfnotes as rdfnotes  # noqa: E402

SETTINGS = {
    "neither": "history:\n  keep: 0\nprovenance:\n  lines: false\n",
    "history": "history:\n  keep: 100\nprovenance:\n  lines: false\n",
    "history + provenance (defaults)": "",
}


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def measure(n: int, work: Path) -> list[tuple[str, float, float, int, int, int, str]]:
    rows = []
    for name, text in SETTINGS.items():
        corpus = work / f"corpus-{n}"
        shutil.rmtree(corpus, ignore_errors=True)
        generator = generate(corpus, n)
        config = work / "rdfnotes.yaml"
        config.write_text(text or "# the defaults\n", encoding="utf-8")
        store = work / f"store-{n}-{len(rows)}"
        shutil.rmtree(store, ignore_errors=True)
        first, out = rdfnotes("--store", str(store), "--config", str(config), "load", str(corpus))
        summary = next(line for line in out.splitlines() if line.startswith("Store "))
        edit_notes(corpus, generator, 100)
        again, _ = rdfnotes("--store", str(store), "--config", str(config), "load", "-q", str(corpus))
        rows.append(
            (name, first, again, size(store / "oxigraph"), size(store / "history"), n, summary.split(": ", 1)[1])
        )
        print(f"[{n}] {name}: load {first:.2f} s, reload {again:.2f} s, {rows[-1][3] / 1e6:.1f} MB", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    started = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="rdfnotes-history-cost-") as tmp:
        os.chdir(tmp)
        rows = [row for n in args.sizes.split(",") for row in measure(int(n), Path(tmp))]
    lines = [
        "",
        "## The cost of the history and of line provenance (issue 17)",
        "",
        f"Written by `benchmarks/history_cost.py` on {started:%Y-%m-%d %H:%M} UTC, on the machine above (2 cores "
        "shared with other work: compare the rows of one size, not runs). Each setting: a first `rdfnotes load` of "
        "the generated export into a new store, then `load` again after 100 notes changed; the store's Oxigraph "
        "files (RocksDB, after the reload) and its history folder apart.",
        "",
        "| notes | setting | first load | reload (100 changed) | store (Oxigraph) | history | after the first load |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, first, again, store_bytes, history_bytes, n, summary in rows:
        lines.append(
            f"| {n:,} | {name} | {first:.2f} s | {again:.2f} s | {store_bytes / 1e6:.1f} MB | "
            f"{history_bytes / 1e3:.0f} KB | {summary} |"
        )
    with open(args.output, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"appended to {args.output}")


if __name__ == "__main__":
    main()
