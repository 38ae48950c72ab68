"""What running ``serve``'s queries in worker processes costs: a query's round trip through a worker
(``rdfnotes.query_workers.QueryPool``) against the same query evaluated and serialized in-process, and how long a
worker takes to start (what a query waits after a timeout killed every worker). Nothing here asserts a timing::

    .venv/bin/python benchmarks/query_workers.py            # lab-a (10 notes) and the 268 notes of a real export
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rdfnotes import Store, load, load_config
from rdfnotes.query_workers import QueryPool, Request, evaluate
from rdfnotes.store import DATA_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
QUERIES = {
    "ASK": "ASK { ?s ?p ?o }",
    "SELECT 10 rows": "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
    "SELECT every triple": "SELECT * WHERE { ?s ?p ?o }",
}


def median_ms(run: object, times: int) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store"
        with Store(path) as store:
            load([FIXTURES / "roam-2024-dg-social-media" / "md"], store, load_config())
            triples = store.count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        started = time.perf_counter()
        pool = QueryPool(path / DATA_DIR, size=1)
        start_ms = (time.perf_counter() - started) * 1000
        store = Store(path)
        print(f"store: {triples} triples; a worker started (python, imports, the store read-only) in {start_ms:.0f} ms")
        print("| query | in-process (ms) | through a worker (ms) | overhead (ms) |")
        print("|---|---|---|---|")
        for name, text in QUERIES.items():
            request = Request(text, ["application/sparql-results+json"])
            inside = median_ms(lambda request=request: evaluate(store._ox, request), 50)
            worker = median_ms(lambda request=request: pool.run(request, 30), 50)
            print(f"| {name} | {inside:.2f} | {worker:.2f} | {worker - inside:+.2f} |")
        pool.close()
        store.close()


if __name__ == "__main__":
    main()
