"""Real SPARQL servers and engines for the tests, started on loopback on free ports and stopped after.

- Oxigraph server (the ``oxigraph`` command of the test extra);
- Virtuoso Open Source 7 (Debian's ``virtuoso-opensource``: ``virtuoso-t``), with a throwaway database of its own;
- Apache Jena ARQ (Debian's ``libapache-jena-java``, run by Java 17's single-file launcher: ``tests/engines``).

CI installs them (``.ci/run``); a test that needs one fails without it, saying what to install.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import missing_tool

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")
JAVA = shutil.which("java")
JAVA_LIBRARIES = Path("/usr/share/java")
RUN_ARQ = Path(__file__).parent / "engines" / "RunArq.java"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    return False


@contextlib.contextmanager
def _running(command: list[str], folder: Path, probe: str, seconds: float, name: str) -> Iterator[tuple[int, int]]:
    """Start ``command`` (its ``{port}`` and ``{port2}`` filled with free ports) until ``probe`` answers; the ports."""
    for attempt in range(3):
        port, port2 = free_port(), free_port()
        run = folder / f"{name}-{attempt}"
        run.mkdir(parents=True)
        log = (run / "log").open("wb")
        argv = [part.format(port=port, port2=port2, run=run) for part in command]
        process = subprocess.Popen(argv, cwd=run, stdout=log, stderr=subprocess.STDOUT)
        try:
            if _wait_until_up(probe.format(port=port), process, seconds):
                yield port, port2
                return
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
    pytest.fail(f"{name} did not start: {(folder / f'{name}-2' / 'log').read_text(errors='replace')[-2000:]}")


@contextlib.contextmanager
def oxigraph_server(folder: Path, *, union_default_graph: bool = False) -> Iterator[str]:
    """A fresh Oxigraph server: its base URL (``/store``, ``/query``, ``/update``)."""
    if OXIGRAPH is None:
        pytest.fail("the oxigraph command is missing: install the test extra (pip install -e '.[test]')")
    command = [OXIGRAPH, "serve", "--location", "{run}/data", "--bind", "127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    with _running(command, folder, "http://127.0.0.1:{port}/query?query=ASK%7B%7D", 20, "oxigraph") as (port, _):
        yield f"http://127.0.0.1:{port}"


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{port2}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerThreads = 8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """A fresh Virtuoso 7 with a throwaway database in ``folder`` (its own virtuoso.ini, free ports, user ``dba``,
    password ``dba``): its base URL (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth``)."""
    if VIRTUOSO is None:
        missing_tool(
            "virtuoso-t is not installed (a server push is tested against): apt-get install virtuoso-opensource"
        )
    # The ini is written per attempt, with that attempt's ports: virtuoso-t reads it from the folder it runs in.
    script = f"cat > virtuoso.ini <<'EOF'\n{VIRTUOSO_INI}EOF\nexec {VIRTUOSO} -f -c virtuoso.ini"
    probe = "http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"
    with _running(["sh", "-c", script], folder, probe, 90, "virtuoso") as (port, sql):
        # SPARQL users may ask other endpoints (SERVICE), as a lab's server that federates is set up
        grants = (
            'GRANT SELECT ON DB.DBA.SPARQL_SINV_2 TO "SPARQL"; GRANT EXECUTE ON DB.DBA.SPARQL_SINV_IMP TO "SPARQL";'
        )
        isql = [shutil.which("isql-vt") or "isql-vt", f"127.0.0.1:{sql}", "dba", "dba", f"exec={grants}"]
        done = subprocess.run(isql, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
        yield f"http://127.0.0.1:{port}"


def select(endpoint: str, query: str) -> dict[str, Any]:
    """The SPARQL JSON results of a SELECT query sent to ``endpoint`` (the SPARQL 1.1 Protocol, POST of a form)."""
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(endpoint, data=data, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


def jena_classpath(folder: Path) -> str:
    """Debian's Jena and what it needs, as a class path; ``folder`` receives the resources Debian's build leaves
    where its relocated Xerces does not look (without them Jena fails to start: "internal error" in XSSimpleTypeDecl).
    """
    if JAVA is None or not (JAVA_LIBRARIES / "jena-arq.jar").is_file():
        missing_tool(
            "Jena or Java is missing (an independent engine): apt-get install libapache-jena-java default-jdk-headless"
        )
    resources = folder / "jena-resources"
    with zipfile.ZipFile(JAVA_LIBRARIES / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    # Every library but the logging bridges that loop into each other (slf4j allows one binding: slf4j-nop).
    clash = (
        "log4j-over-slf4j",
        "slf4j-log4j12",
        "slf4j-jdk14",
        "slf4j-simple",
        "slf4j-jcl",
        "jcl-over-slf4j",
        "maven3-slf4j",
    )
    jars = [str(p) for p in sorted(JAVA_LIBRARIES.glob("*.jar")) if not p.name.startswith(clash)]
    return ":".join([*jars, str(resources)])


def run_arq(classpath: str, data: Path | None, queries: dict[str, str], folder: Path) -> dict[str, str]:
    """Each query's answer from Jena ARQ over the dataset file ``data`` (``None``: parse only), by name: the SPARQL
    JSON results, ``ok`` (parsed), or ``error: …``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in queries.items():
        paths[name] = folder / f"{name}.rq"
        paths[name].write_text(text, encoding="utf-8")
    argv = [JAVA or "java", "-cp", classpath, str(RUN_ARQ), str(data) if data else "--parse", *map(str, paths.values())]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return {name: Path(f"{path}.out").read_text(encoding="utf-8") for name, path in paths.items()}
