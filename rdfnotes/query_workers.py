"""Queries run in worker processes, one query each at a time, so that a runaway one can really be stopped.

Oxigraph offers no way to cancel a query, and a thread cannot be killed: ``serve`` used to answer 503 at the
timeout while the query went on in the background, holding a slot and memory for minutes. A worker process can be
killed. :class:`QueryPool` keeps ``size`` workers; a query goes to an idle one; at its timeout the worker is killed
(SIGKILL) and a new one started in the background, so the next query is answered at once by another. Each worker
caps its own memory (``RLIMIT_DATA``: its heap and private mappings): a query that needs more fails there (the
worker dies and is replaced; the client gets 503), not in the server.

Workers are started, not forked (a fresh ``python`` running :func:`main`): RocksDB's background threads do not survive
a fork, and a fork of a process holding them can deadlock. Each opens the store read-only
(:meth:`pyoxigraph.Store.read_only`); the server itself, which holds the store, never writes while it serves.
Requests and answers go through the workers' standard input and output as length-prefixed frames (JSON for the
request and the answer's head, bytes for its body).

A worker evaluates the query on a thread with a big stack (:func:`rdfnotes.sparql_guard.run_on_big_stack`) and
serializes the results in the same thread (pyoxigraph's results may not be dropped on another thread: doing so
printed ``PyQuerySolutions is unsendable`` and leaked them). Every error becomes an answer with a status and a
one-line message; a worker that dies (a crash, the memory cap) is replaced.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import RdfnotesError


@dataclass(frozen=True)
class Request:
    query: str
    accept: list[str]
    default_graphs: list[str] | None = None
    """``default-graph-uri``: the graphs merged into the query's default graph (``None``: the store's own)."""
    named_graphs: list[str] | None = None
    """``named-graph-uri``: the graphs ``GRAPH`` may name (``None``: every one; ignored unless either is given)."""


@dataclass(frozen=True)
class Answer:
    status: str
    media: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


class PoolError(RdfnotesError):
    """A query could not be answered by a worker: the status says how (busy, timed out, crashed)."""

    def __init__(self, status: str, message: str, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


# The worker's start: this module and the few it needs, without the package's __init__ (the loader, rdflib …:
# seconds on a busy machine, where a replacement worker should be ready at once).
_BOOTSTRAP = """
import sys, types
package = types.ModuleType("rdfnotes")
package.__path__ = [sys.argv[1]]
sys.modules["rdfnotes"] = package
from rdfnotes.query_workers import main
sys.exit(main(sys.argv[2:]))
"""
_HEAD = struct.Struct(">I")
_BODY = struct.Struct(">Q")


class _Died(Exception):
    pass


class _Worker:
    def __init__(self, oxigraph_dir: Path, memory: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(Path(__file__).resolve().parent), str(oxigraph_dir), str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in = self.process.stdin
        self._out = self.process.stdout.fileno()

    def ready(self, deadline: float) -> None:
        head = json.loads(self._read(_HEAD, deadline))
        if head.get("status") != "ready":
            raise RdfnotesError(head.get("message") or "the query worker did not start")

    def ask(self, request: Request, deadline: float) -> Answer:
        payload = json.dumps(request.__dict__).encode("utf-8")
        try:
            self._in.write(_HEAD.pack(len(payload)) + payload)
            self._in.flush()
        except OSError as exc:
            raise _Died from exc
        head = json.loads(self._read(_HEAD, deadline))
        body = self._read(_BODY, deadline)
        return Answer(head["status"], head["media"], body)

    def _read(self, prefix: struct.Struct, deadline: float) -> bytes:
        (length,) = struct.unpack(prefix.format, self._read_exact(prefix.size, deadline))
        return self._read_exact(length, deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._out], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self._out, min(size, 1 << 20))
            if not chunk:
                raise _Died
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


class QueryPool:
    """``size`` worker processes answering queries over the store at ``oxigraph_dir``, each capped at ``memory``
    bytes of data memory (0: no cap)."""

    def __init__(self, oxigraph_dir: Path, *, size: int = 4, memory: int = 0, start_timeout: float = 60.0) -> None:
        self.oxigraph_dir = oxigraph_dir
        self.memory = memory
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        # Workers of a pool nobody closed (an application dropped) are stopped when it is collected.
        self._finalizer = weakref.finalize(self, _stop_all, self._workers, self._lock)
        self._closed = False
        self.replaced = 0
        """How many workers were killed or died and were replaced."""
        started = [self._start() for _ in range(size)]
        deadline = time.monotonic() + start_timeout
        try:
            for worker in started:
                self._wait_ready(worker, deadline)
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        worker = _Worker(self.oxigraph_dir, self.memory)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _wait_ready(self, worker: _Worker, deadline: float) -> None:
        try:
            worker.ready(deadline)
        except (TimeoutError, _Died, ValueError, KeyError) as exc:
            self._discard(worker)
            raise RdfnotesError(f"the query worker did not start ({type(exc).__name__})") from exc
        except RdfnotesError:
            self._discard(worker)
            raise

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background."""
        self._discard(worker)
        self.replaced += 1

        def start() -> None:
            while not self._closed:
                try:
                    fresh = self._start()
                    self._wait_ready(fresh, time.monotonic() + self.start_timeout)
                except (RdfnotesError, OSError):
                    time.sleep(1.0)  # the store may be busy a moment; keep the pool at its size
                    continue
                if self._closed:
                    self._discard(fresh)
                else:
                    self._idle.put(fresh)
                return

        threading.Thread(target=start, name="query-worker-start", daemon=True).start()

    def run(self, request: Request, timeout: float) -> Answer:
        """The answer of one query, run for at most ``timeout`` seconds once a worker takes it (a query waits up to
        ``timeout`` seconds more for a free worker: the time a killed one's replacement takes to start).

        :raises PoolError: 503 when every worker stays busy or the query runs past ``timeout`` (its worker is then
            killed), 503 when the worker dies on it (a crash, or more memory than the cap).
        """
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolError(
                "503 Service Unavailable", "too many queries running: try again later", [("Retry-After", "5")]
            ) from None
        deadline = time.monotonic() + timeout
        try:
            answer = worker.ask(request, deadline)
        except TimeoutError:
            self._replace(worker)
            raise PoolError(
                "503 Service Unavailable", f"the query ran longer than {timeout:g} s: simplify it or add a LIMIT"
            ) from None
        except (_Died, ValueError, KeyError, struct.error):
            code = worker.process.poll()
            self._replace(worker)
            how = f"signal {-code}" if code is not None and code < 0 else f"status {code}"
            raise PoolError(
                "503 Service Unavailable",
                f"the query stopped its worker ({how}): it may need more memory than the server allows",
            ) from None
        self._idle.put(worker)
        return answer

    def close(self) -> None:
        self._closed = True
        self._finalizer()


def _stop_all(workers: set[_Worker], lock: threading.Lock) -> None:
    with lock:
        stopping = list(workers)
        workers.clear()
    for worker in stopping:
        worker.kill()


# -- the worker process -------------------------------------------------------------------------------------------


def evaluate(ox: Any, request: Request) -> Answer:
    """One query over the pyoxigraph store ``ox``, its results serialized as the client accepts them."""
    from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, RdfFormat, serialize

    from .media import GRAPH_TYPES, RESULT_TYPES, NotAcceptable, negotiate
    from .vocab import PREFIXES

    options: dict[str, Any] = {}
    if request.default_graphs is not None or request.named_graphs is not None:
        try:
            options["default_graph"] = [NamedNode(g) for g in request.default_graphs or []]
            options["named_graphs"] = [NamedNode(g) for g in request.named_graphs or []]
        except ValueError as exc:
            return _text("400 Bad Request", f"default-graph-uri or named-graph-uri is not an IRI: {exc}")
    try:
        results = ox.query(request.query, **options)
        if isinstance(results, QuerySolutions | QueryBoolean):
            media = negotiate(request.accept, RESULT_TYPES, "application/sparql-results+json")
            data = results.serialize(format=RESULT_TYPES[media])
        else:
            media = negotiate(request.accept, GRAPH_TYPES, "text/turtle")
            rdf_format = GRAPH_TYPES[media]
            triples = list(results)
            prefixes = PREFIXES if rdf_format == RdfFormat.TURTLE else None
            data = serialize(triples, format=rdf_format, prefixes=prefixes)
        del results
    except SyntaxError as exc:
        return _text("400 Bad Request", f"not a valid SPARQL query (updates are refused): {_line(exc)}")
    except NotAcceptable as exc:
        return _text("406 Not Acceptable", str(exc))
    except MemoryError:
        return _text("503 Service Unavailable", "the query needs more memory than the server allows")
    except Exception as exc:  # OSError, RuntimeError …: a runtime error of the query (a SERVICE that failed …)
        return _text("500 Internal Server Error", f"the query failed: {_line(exc)}")
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    return Answer("200 OK", media + charset, data or b"")


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] + ("…" if len(text) > 500 else "")


def _text(status: str, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _send(out: Any, head: dict[str, Any], body: bytes | None = None) -> None:
    data = json.dumps(head).encode("utf-8")
    out.write(_HEAD.pack(len(data)) + data)
    if body is not None:
        out.write(_BODY.pack(len(body)) + body)
    out.flush()


def _read_frame(stream: Any) -> bytes | None:
    prefix = stream.read(_HEAD.size)
    if len(prefix) < _HEAD.size:
        return None
    (length,) = _HEAD.unpack(prefix)
    data: bytes = stream.read(length)
    return data if len(data) == length else None


def main(argv: list[str]) -> int:
    """The worker: open the store read-only, then answer requests from standard input until it closes."""
    from pyoxigraph import Store as OxStore

    from .sparql_guard import run_on_big_stack

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then stops its workers
    inbox, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed may break the frames
    oxigraph_dir, memory = argv[0], int(argv[1])
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    try:
        ox = OxStore.read_only(oxigraph_dir)
    except (OSError, ValueError) as exc:
        _send(out, {"status": "error", "message": f"cannot open the store read-only ({_line(exc)})"})
        return 1
    _send(out, {"status": "ready"})
    while (frame := _read_frame(inbox)) is not None:
        request = Request(**json.loads(frame))
        try:
            answer = run_on_big_stack(functools.partial(evaluate, ox, request))
        except MemoryError:
            answer = _text("503 Service Unavailable", "the query needs more memory than the server allows")
        _send(out, {"status": answer.status, "media": answer.media}, answer.body)
    return 0
