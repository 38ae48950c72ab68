"""``rdfnotes push``: publish each lab's graphs to a SPARQL 1.1 server, replacing what an earlier push put there.

By the `Graph Store HTTP Protocol <https://www.w3.org/TR/sparql11-http-rdf-update/>`_ (the default): one ``PUT``
per named graph, which replaces it. A server without it (or ``protocol="update"``) gets the same through
`SPARQL 1.1 Update <https://www.w3.org/TR/sparql11-update/>`_, one lab per request where its size allows.

A push of every lab of the store also makes the server's default graph the union of the graphs it sent, as in the
local store (see :mod:`rdfnotes.store`), so the bundled queries answer the same on a server that queries its
default graph as it is (Oxigraph, Fuseki) as on one whose default graph is the union of its graphs (Oxigraph's
``--union-default-graph``, Virtuoso, which keeps no default graph of its own and refuses one: then none is sent).
A push of some labs leaves the default graph as it was.

The record of what was pushed is on the server itself: each lab's VoID graph (``{base}void``, pushed with the lab)
lists the lab's graphs (``void:inDataset``). A push reads the record, replaces the graphs the store has, and deletes
those the record lists that the store no longer has, so a second push leaves no stale triples, whichever machine
made the first. Before replacing any graph, the record is widened to the old graphs and the new, so an interrupted
push is finished by the next one.

Credentials: ``RDFNOTES_PUSH_TOKEN`` (a bearer token), else ``RDFNOTES_PUSH_USER`` and ``RDFNOTES_PUSH_PASSWORD``,
else a ``user:password@`` in the URL, else the server's entry in ``~/.netrc``; Basic or Digest, as the server
asks. They are never printed: messages name the URL without them.

>>> redact("https://me:secret@example.org/ds/data?graph=x")
'https://example.org/ds/data?graph=x'
"""

from __future__ import annotations

import base64
import http.client
import netrc
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from pyoxigraph import NamedNode, RdfFormat, Triple, parse, serialize

from .errors import NoSuchLab, PushError
from .iris import LINK_GRAPH
from .labs import VOID, Lab, get_lab, labs, void_triples
from .progress import Progress, counted
from .store import Store

PROTOCOLS = ("auto", "graph-store", "update")
# Triples per SPARQL Update request. Virtuoso 7 refuses an INSERT DATA of 20,000 ("the length of generated SQL text
# has exceeded 10000 lines"); 5,000 suit it and Oxigraph alike (1k notes, 35k triples: Oxigraph 4.7 s, 3.7 s in
# 20,000s; Virtuoso ~5 s, where 1,001 Graph Store PUTs take ~68 s).
_UPDATE_BATCH = 5_000
# Graphs dropped per SPARQL Update request (each DROP is a statement of its own for the server to compile).
_DROPS = 100
# Graph Store requests in flight at once.
_PARALLEL_PUTS = 8
# Triples per request that adds to the default graph: a few tens of MB of N-Triples.
_UNION_BATCH = 100_000
# What a server answers when it does not do the Graph Store Protocol at that URL.
_NO_GRAPH_STORE = frozenset({400, 404, 405, 406, 415, 501})


_DEADLOCKED = b"40001"
"""The SQL state a server (Virtuoso) answers a transaction it rolled back for a deadlock with: sent again."""
_DEADLOCK_PAUSES = (0.2, 0.5, 1.0)


@dataclass
class PushReport:
    url: str
    """The URL pushed to, without credentials."""
    protocol: str = ""
    labs: list[str] = field(default_factory=list)
    graphs: int = 0
    triples: int = 0
    deleted: int = 0
    """Graphs an earlier push left that the store no longer has, deleted from the server (counted by the Graph
    Store Protocol; SPARQL Update drops them without saying how many)."""
    default_graph: bool | None = None
    """True when the server's default graph was made the union of the graphs pushed; False when the server keeps
    none of its own (Virtuoso: its queries read the union of its graphs); None when it was left as it was (a push
    of some labs only)."""


def push(
    store: Store,
    url: str,
    *,
    lab_names: Iterable[str] = (),
    protocol: str = "auto",
    update_url: str | None = None,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> PushReport:
    """Publish the store's labs (or those named) to the SPARQL server at ``url``.

    :param url: the server's Graph Store Protocol endpoint (Oxigraph: ``…/store``, Fuseki: ``…/DATASET/data``,
        Virtuoso: ``…/sparql-graph-crud-auth``); with ``protocol="update"``, its SPARQL Update endpoint.
    :param protocol: ``graph-store``, ``update``, or ``auto``: the Graph Store Protocol, else SPARQL Update at
        ``update_url`` (default: ``url``) when the server does not offer it.
    :param progress: told of each lab pushed (``"Pushing"``).
    :raises NoSuchLab: when a name is not a lab of the store, or the store holds none.
    :raises PushError: when the server cannot be reached or refuses a request.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r} (protocols: {', '.join(PROTOCOLS)})")
    names = list(lab_names)
    chosen = [get_lab(store, name) for name in names] if names else labs(store)
    if not chosen:
        raise NoSuchLab("the store holds no lab to push: load one with 'rdfnotes load PATH --lab NAME'")
    client = _Client(url, timeout)
    updates = _Client(update_url, timeout) if update_url else client
    report = PushReport(url=client.display, protocol=protocol, labs=[lab.name for lab in chosen])
    voids = {lab.name: void_triples(store, lab) for lab in chosen}
    for lab in counted(chosen, "Pushing", progress):
        void = voids[lab.name]
        if report.protocol in ("auto", "graph-store"):
            if _push_graph_store(client, store, lab, void, report):
                report.protocol = "graph-store"
                continue
            if report.protocol == "graph-store":
                raise PushError(
                    client.mask(f"{client.display}: the server does not take graphs by the Graph Store Protocol here")
                )
            report.protocol = "update"
        _push_update(updates, store, lab, void, report)
    links: set[Triple] = set()
    if not names and LINK_GRAPH in store.named_graphs():
        links = store.graph_triples(LINK_GRAPH)
        if report.protocol == "graph-store":
            client.put(LINK_GRAPH, links)
        else:
            updates.update([f"DROP SILENT GRAPH <{LINK_GRAPH}>", *_insert_data({LINK_GRAPH: links})])
        report.graphs += 1
        report.triples += len(links)
    if not names:
        union = _batches(_pushed_triples(store, chosen, voids, links), _UNION_BATCH)
        if report.protocol == "graph-store":
            report.default_graph = _push_union_graph_store(client, union)
        else:
            report.default_graph = _push_union_update(updates, union)
    return report


def _pushed_triples(
    store: Store, chosen: list[Lab], voids: Mapping[str, list[Triple]], links: set[Triple]
) -> Iterator[Triple]:
    """Every triple of the graphs a push sends, graph by graph (a triple in several graphs comes once each)."""
    for lab in chosen:
        for graph in lab.graphs:
            yield from store.graph_triples(graph)
        yield from voids[lab.name]
    yield from links


def _batches(triples: Iterable[Triple], size: int) -> Iterator[set[Triple]]:
    """The triples in sets of about ``size`` (always at least one set, maybe empty)."""
    batch: set[Triple] = set()
    for triple in triples:
        batch.add(triple)
        if len(batch) >= size:
            yield batch
            batch = set()
    yield batch


def _push_union_graph_store(client: _Client, batches: Iterator[set[Triple]]) -> bool:
    """Empty the server's default graph, then add the batches to it; false when the server refuses a default graph
    (it keeps none of its own). The first request is empty: Virtuoso refuses before reading a body, and closes."""
    status = client.put(None, [], check=False)
    if status not in (401, 403) and not 200 <= status < 300:
        return False
    client.check(status, "PUT", None)
    for batch in batches:
        if batch:
            client.post(None, batch)
    return True


def _push_union_update(client: _Client, batches: Iterator[set[Triple]]) -> bool:
    """The same by SPARQL Update."""
    status, body = client.update(["DROP SILENT DEFAULT"], check=False)
    if status not in (401, 403) and not 200 <= status < 300:
        return False
    client.check(status, "SPARQL update", None, body)
    for batch in batches:
        if batch:
            client.update(list(_insert_data({None: batch})))
    return True


def _push_graph_store(client: _Client, store: Store, lab: Lab, void: list[Triple], report: PushReport) -> bool:
    """Push one lab graph by graph; false when the server does not do the Graph Store Protocol (nothing written)."""
    void_graph = lab.void_graph
    old = client.recorded_graphs(void_graph, lab.dataset)
    new = set(lab.graphs)
    stale = sorted(old - new)
    widened = void + [Triple(NamedNode(g), NamedNode(VOID.inDataset), NamedNode(lab.dataset)) for g in stale]
    status = client.put(void_graph, widened, check=False)
    if status in _NO_GRAPH_STORE:
        return False
    client.check(status, "PUT", void_graph)
    # Each PUT waits mostly on the server's commit: a few at a time keep it busy.
    with ThreadPoolExecutor(max_workers=_PARALLEL_PUTS) as pool:
        for count in pool.map(lambda graph: _put_graph(client, store, graph), lab.graphs):
            report.graphs += 1
            report.triples += count
    for graph in stale:
        client.delete(graph)
        report.deleted += 1
    client.put(void_graph, void)
    report.graphs += 1
    report.triples += len(void)
    return True


def _put_graph(client: _Client, store: Store, graph: str) -> int:
    triples = store.graph_triples(graph)
    client.put(graph, triples)
    return len(triples)


def _push_update(client: _Client, store: Store, lab: Lab, void: list[Triple], report: PushReport) -> None:
    """Push one lab by SPARQL Update: drop every graph the server's record lists, then insert the lab's graphs.

    The first request clears and inserts the first batch (with the record), so a lab that fits in one batch (and
    has at most :data:`_DROPS` graphs) is replaced atomically on servers whose updates are transactions.
    """
    clear = [
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{lab.void_graph}> {{ ?g <{VOID.inDataset}> "
        f"<{lab.dataset}> }} GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DROP SILENT GRAPH <{lab.void_graph}>",
    ]
    drops = [f"DROP SILENT GRAPH <{graph}>" for graph in lab.graphs]
    graphs: dict[str, set[Triple]] = {lab.void_graph: set(void)}
    graphs.update((graph, store.graph_triples(graph)) for graph in lab.graphs)
    batches = list(_insert_data(graphs))
    if len(drops) <= _DROPS:
        client.update([*clear, *drops, *batches[:1]])
    else:
        client.update(clear)
        for start in range(0, len(drops), _DROPS):
            client.update(drops[start : start + _DROPS])
        client.update(batches[:1])
    for batch in batches[1:]:
        client.update([batch])
    report.graphs += len(graphs)
    report.triples += sum(len(triples) for triples in graphs.values())


def _insert_data(graphs: Mapping[str, Iterable[Triple]] | Mapping[None, Iterable[Triple]]) -> Iterator[str]:
    """``INSERT DATA`` operations of at most about :data:`_UPDATE_BATCH` triples each (``None``: the default graph)."""
    parts: list[str] = []
    size = 0
    for graph, triples in graphs.items():
        lines = [f"{t.subject} {t.predicate} {t.object} ." for t in sorted(triples, key=str)]
        for start in range(0, max(len(lines), 1), _UPDATE_BATCH):
            chunk = lines[start : start + _UPDATE_BATCH]
            if not chunk:
                continue
            parts.append("\n".join(chunk) if graph is None else f"GRAPH <{graph}> {{\n" + "\n".join(chunk) + "\n}")
            size += len(chunk)
            if size >= _UPDATE_BATCH:
                yield "INSERT DATA {\n" + "\n".join(parts) + "\n}"
                parts, size = [], 0
    if parts:
        yield "INSERT DATA {\n" + "\n".join(parts) + "\n}"


def redact(url: str) -> str:
    """``url`` without the ``user:password@`` it may carry, however it is written.

    >>> redact("http://me:pa/ss#w?rd@example.org/store")
    'http://example.org/store'
    """
    unencoded = _unencoded_userinfo(url)
    if unencoded is not None:
        return url[: url.index("://") + 3] + url[url.index("://") + 3 + len(unencoded) + 1 :]
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    # The host and port as written, not parsed: a port that is not a number is the request's error to report.
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# user:password@host written with '/', '?' or '#' left unencoded in the password: a URL parser ends the host at the
# first of them (and would send the password as the host's name), a person meant the last '@' before a host name.
_WRITTEN_USERINFO = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.\-]*://(?P<userinfo>[^@]*:[^@]*(?:@[^@]*)*?)@(?=[^@/?#]*(?:[/?#]|$))"
)


def _unencoded_userinfo(url: str) -> str | None:
    """The ``user:password`` of ``url`` as a person wrote it, when it holds a '/', '?' or '#' a parser would cut the
    host at; else ``None``."""
    found = _WRITTEN_USERINFO.match(url)
    if found is None or not re.search(r"[/?#]", found.group("userinfo")):
        return None
    return found.group("userinfo")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _SameOriginCredentials(urllib.request.HTTPRedirectHandler):
    """Redirects followed as urllib does, but credentials (``Authorization``, ``Cookie``) go only to the origin they
    were given for: urllib's own handler copies every header to wherever a server redirects."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        redirected = super().redirect_request(req, fp, code, msg, headers, newurl)
        if redirected is not None and _origin(newurl) != _origin(req.full_url):
            for name in list(redirected.headers):
                if name.lower() in ("authorization", "proxy-authorization", "cookie"):
                    redirected.remove_header(name)
        return redirected


class _Client:
    """HTTP requests to one endpoint, with the credentials the environment gives, never shown."""

    def __init__(self, url: str, timeout: float) -> None:
        self.display = redact(url)
        # Whatever a message shows, these never: the password as written and decoded, however the URL is written.
        written = _unencoded_userinfo(url)
        parts = urlsplit(url)
        candidates = [parts.password, written.partition(":")[2] if written else None]
        self._secrets = sorted({s for c in candidates if c for s in (c, unquote(c))}, key=len, reverse=True)
        if written is not None:
            raise PushError(
                f"{self.display}: the password in the URL holds '/', '?' or '#' as written: percent-encode it "
                "(%2F, %3F, %23, %40 for '@'), or give it in RDFNOTES_PUSH_PASSWORD"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PushError(f"{self.display}: not an http(s) URL of a SPARQL server")
        self.url = self.display
        self.timeout = timeout
        self.headers: dict[str, str] = {}
        self._passwords: urllib.request.HTTPPasswordMgrWithDefaultRealm | None = None
        token = os.environ.get("RDFNOTES_PUSH_TOKEN")
        # user:password@ in a URL is percent-encoded (a password holding "@" or ":" must be): decoded, it is sent.
        url_user = unquote(parts.username) if parts.username is not None else None
        url_password = unquote(parts.password) if parts.password is not None else None
        user, password = _credentials(url_user, url_password, parts.hostname)
        # What a server's error text must not bring to the screen (a proxy may echo the request's headers).
        basic = base64.b64encode(f"{user}:{password or ''}".encode()).decode() if user is not None else None
        self._secrets = sorted({*self._secrets, *(s for s in (token, password, basic) if s)}, key=len, reverse=True)
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        elif user is not None:
            # Basic on every request, set here rather than through urllib's prior-auth manager, which stops sending
            # it to a URL after any answer that is not 2xx (a 404 for a graph not there yet, say); a server that
            # answers it with a bare 401 (Virtuoso, which wants Digest) gets Digest from then on (see request).
            self.headers["Authorization"] = f"Basic {basic}"
            self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            self._passwords.add_password(None, self.url, user, password or "")
        self._local = threading.local()
        self._challenge = _Challenge()
        self._digest = False
        """Whether the server asked for Digest: then no Basic header is sent ahead of its challenge."""

    def graph_url(self, graph: str | None) -> str:
        """The Graph Store URL of ``graph`` (``None``: the default graph)."""
        parts = urlsplit(self.url)
        query = urlencode([*parse_qsl(parts.query), ("graph", graph) if graph else ("default", "")])
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    def request(
        self, method: str, url: str, body: bytes | None = None, content_type: str | None = None, accept: str = "*/*"
    ) -> tuple[int, bytes]:
        headers = {**self.headers, "Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        if self._digest:
            headers.pop("Authorization", None)
        status, answer = self._open(urllib.request.Request(url, data=body, method=method, headers=headers))
        if status == 401 and headers.get("Authorization", "").startswith("Basic ") and not self._digest:
            # A server that wants Digest may answer Basic with a bare 401 (Virtuoso does): from now on the
            # credentials go only in answer to its challenge, which the Digest handler meets.
            self._digest = True
            del headers["Authorization"]
            status, answer = self._open(urllib.request.Request(url, data=body, method=method, headers=headers))
        for pause in _DEADLOCK_PAUSES:
            if status != 500 or _DEADLOCKED not in answer:
                break
            # Virtuoso rolled the request's transaction back (SQL state 40001, "Transaction deadlocked", seen with
            # its own checkpoints and other writers): nothing of it was applied, so it is sent again.
            time.sleep(pause)
            status, answer = self._open(urllib.request.Request(url, data=body, method=method, headers=headers))
        return status, answer

    def _opener(self) -> urllib.request.OpenerDirector:
        """This thread's opener: a Digest handler counts the challenges it meets, so threads share none."""
        opener: urllib.request.OpenerDirector | None = getattr(self._local, "opener", None)
        if opener is None:
            handlers: list[urllib.request.BaseHandler] = [_SameOriginCredentials()]
            if self._passwords:
                handlers.append(_Digest(self._passwords, self._challenge))
            opener = self._local.opener = urllib.request.build_opener(*handlers)
        return opener

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                return int(response.status), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read()
        # HTTPException: a URL http.client refuses (a port that is not a number), or an answer that is not HTTP.
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(self.mask(f"{self.display}: cannot reach the server ({reason})")) from None

    def check(self, status: int, method: str, graph: str | None, body: bytes = b"") -> None:
        if 200 <= status < 300:
            return
        what = f"{method} of graph <{graph}>" if graph else method
        if graph is None and method in ("PUT", "POST"):
            what = f"{method} of the default graph"
        if status in (401, 403):
            raise PushError(
                self.mask(
                    f"{self.display}: the server refused the {what} (HTTP {status}): give credentials in "
                    "RDFNOTES_PUSH_USER and RDFNOTES_PUSH_PASSWORD, RDFNOTES_PUSH_TOKEN, or ~/.netrc"
                )
            )
        detail = self.mask(body.decode("utf-8", "replace")).strip().splitlines()
        message = f"{self.display}: the {what} failed (HTTP {status}{': ' + detail[0][:200] if detail else ''})"
        raise PushError(self.mask(message))

    def mask(self, text: str) -> str:
        """``text`` with every secret of this client (password, token, Basic credentials) as ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def put(self, graph: str | None, triples: Iterable[Triple], *, check: bool = True, method: str = "PUT") -> int:
        """Replace ``graph`` (``None``: the default graph) by ``triples``; with ``method="POST"``, add them to it."""
        data = serialize(sorted(triples, key=str), format=RdfFormat.N_TRIPLES) or b""
        # N-Triples is Turtle too, and every Graph Store server takes Turtle.
        status, body = self.request(method, self.graph_url(graph), data, "text/turtle; charset=utf-8")
        if check:
            self.check(status, method, graph, body)
        return status

    def post(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self.put(graph, triples, method="POST")

    def delete(self, graph: str) -> None:
        status, body = self.request("DELETE", self.graph_url(graph))
        if status != 404:
            self.check(status, "DELETE", graph, body)

    def recorded_graphs(self, void_graph: str, dataset: str) -> set[str]:
        """The graphs the server's copy of a lab's VoID graph lists as the lab's: what an earlier push put there."""
        status, body = self.request("GET", self.graph_url(void_graph), accept="application/n-triples, text/turtle")
        if status != 200:
            return set()
        try:
            triples = list(parse(body, format=RdfFormat.TURTLE))
        except SyntaxError:
            return set()
        return {
            t.subject.value
            for t in triples
            if t.predicate.value == VOID.inDataset and t.object.value == dataset and isinstance(t.subject, NamedNode)
        }

    def update(self, operations: list[str], *, check: bool = True) -> tuple[int, bytes]:
        text = " ;\n".join(operations)
        status, body = self.request("POST", self.url, text.encode("utf-8"), "application/sparql-update; charset=utf-8")
        if check:
            self.check(status, "SPARQL update", None, body)
        return status, body


@dataclass
class _Challenge:
    """A server's last Digest challenge and the count of answers to it, shared by the threads of a push."""

    fields: dict[str, str] | None = None
    nonce: str | None = None
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest authentication, answering the server's last challenge ahead of each request.

    Without that, every request is sent twice, the first refused with a challenge; and Virtuoso answers a request
    with a 401 before reading its body and closes the connection, so a large body meets a broken pipe.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr | None, challenge: _Challenge) -> None:
        super().__init__(passwords)
        self._last = challenge

    def get_authorization(self, req: urllib.request.Request, chal: Mapping[str, str]) -> str | None:
        # The answer counts the nonce's uses (nc): counted across threads, so no two answers share a count.
        with self._last.lock:
            self._last.fields = dict(chal)
            self.last_nonce, self.nonce_count = self._last.nonce, self._last.count
            answer: str | None = super().get_authorization(req, chal)
            self._last.nonce, self._last.count = self.last_nonce, self.nonce_count
        return answer

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self._last.fields is not None:
            answer = self.get_authorization(req, self._last.fields)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


def _credentials(user: str | None, password: str | None, host: str | None) -> tuple[str | None, str | None]:
    env_user = os.environ.get("RDFNOTES_PUSH_USER")
    if env_user:
        return env_user, os.environ.get("RDFNOTES_PUSH_PASSWORD", "")
    if user is not None:
        return user, password
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if host and path.is_file():
        try:
            entry = netrc.netrc(str(path)).authenticators(host)
        except netrc.NetrcParseError as exc:
            # Its message may quote a token of the file: only the line is shown.
            raise PushError(f"{path}:{exc.lineno}: cannot read the credentials file (not netrc syntax)") from None
        except OSError as exc:
            raise PushError(f"{path}: cannot read the credentials file ({exc.strerror})") from None
        if entry:
            return entry[0], entry[2]
    return None, None
