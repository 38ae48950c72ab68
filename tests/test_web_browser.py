"""The pages in a real headless Chromium (Debian's ``chromium``), served by ``rdfnotes serve`` on loopback.

Chromium is driven by its command line: ``--dump-dom`` gives the DOM once the page has loaded and its scripts ran,
``--screenshot`` a PNG. That is enough here: every page is reached by a URL (the search form is a GET form), so no
browser-automation package (and no browser download) is needed. Without Chromium these tests are skipped, saying
so; CI installs it (.ci/run) and sets ``RDFNOTES_REQUIRE_TOOLS=1``, which makes them fail instead.
Set ``RDFNOTES_SCREENSHOTS=DIR`` to keep the screenshots (the README's is docs/question-page.png).
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import external_tool
from test_serve import start, stop
from test_web import EVIDENCE, RETENTION, SOURCES, load_labs, parse

from rdfnotes import Store
from rdfnotes.web import write_site

CLAIMS = [
    "Sleep within hours of learning improves later recall",
    "Sleep benefits declarative more than procedural memory",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    return external_tool(("chromium", "chromium-browser"), "chromium", "the headless browser the pages are tried in")


class Browser:
    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile

    def _run(self, *arguments: str) -> subprocess.CompletedProcess[bytes]:
        command = [
            self.executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={self.profile}",
            *arguments,
        ]
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
        return result

    def dom(self, url: str) -> str:
        """The page's DOM after it loaded and its scripts ran, serialised."""
        return self._run("--dump-dom", url).stdout.decode("utf-8")

    def screenshot(self, url: str, target: Path, size: str = "1280,1600") -> Path:
        self._run(f"--screenshot={target}", f"--window-size={size}", url)
        return target


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Browser:
    return Browser(chromium, tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return load_labs(tmp_path_factory.mktemp("browsed"))


@pytest.fixture(scope="module")
def site(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site, written before the server takes the store."""
    with Store(store_dir) as store:
        return write_site(store, tmp_path_factory.mktemp("site") / "site").directory


@pytest.fixture(scope="module")
def server(store_dir: Path, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``rdfnotes serve`` on a free loopback port: the base URL of its pages."""
    process, endpoint = start(store_dir, tmp_path_factory.mktemp("log") / "serve.log", "--quiet")
    yield endpoint.removesuffix("/sparql")
    stop(process)


def png_pixels(path: Path) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct RGB(A) pixels of a PNG (8-bit RGB or RGBA, as Chromium writes them)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    idat = b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IDAT":
            idat += body
        else:
            chunks[kind] = body
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    pixels: set[bytes] = set()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels)
        pixels.update(bytes(line[i : i + channels]) for i in range(0, stride, channels * 7))
        previous = line
    return width, height, pixels


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> bytearray:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
    return line


def _links(dom: str, text: str) -> list[str]:
    """The hrefs of the links whose text holds ``text``."""
    return [href for href, inner in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', dom) if text in inner]


def test_index_lists_open_questions_and_contested_claims(browser: Browser, server: str) -> None:
    page = parse(browser.dom(server + "/"))
    assert "Can replay in artificial networks explain sleep benefits?" in page.section("open-questions")
    contested = page.section("contested-claims")
    for claim in CLAIMS:
        assert claim in contested
    assert "Sleep has no effect on procedural memory" not in contested


def test_question_page_shows_evidence_and_sources(browser: Browser, server: str) -> None:
    index = browser.dom(server + "/")
    # follow the index's link, as a reader would
    (href,) = set(_links(index, "Does sleep after learning improve retention?"))
    assert href == "/lab-a/node/QsL33p-01"
    dom = browser.dom(server + href)
    page = parse(dom)
    context = page.section("context")
    for title in EVIDENCE.values():
        assert title in context
    for source in SOURCES:
        assert f"from Source {source}" in context
    drawn = set(re.findall(r'data-iri="([^"]+)"', dom))
    assert {RETENTION, *EVIDENCE} <= drawn
    if os.environ.get("RDFNOTES_SCREENSHOTS"):
        folder = Path(os.environ["RDFNOTES_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        browser.screenshot(server + href, folder / "question-page.png", "1100,1500")


def test_diagram_renders(browser: Browser, server: str, tmp_path: Path) -> None:
    url = server + "/lab-a/node/QsL33p-01/diagram"
    dom = browser.dom(url)
    svg = re.search(r"<svg .*?</svg>", dom, re.S)
    assert svg is not None
    nodes = dict(re.findall(r'<a class="node (node-\w+)[^"]*" href="[^"]*" data-iri="([^"]+)"', svg.group(0)))
    kinds = re.findall(r'<a class="node (node-\w+)', svg.group(0))
    assert kinds.count("node-evidence") == 3 and kinds.count("node-source") == 3 and kinds.count("node-claim") == 2
    assert nodes  # each box links to its node
    shot = browser.screenshot(url, tmp_path / "diagram.png", "1200,900")
    width, height, pixels = png_pixels(shot)
    assert (width, height) == (1200, 900)
    # not blank: the page's background, the boxes' fills by type, the arrows' colours
    assert len(pixels) > 50
    evidence_fill = bytes.fromhex("e9f7ee")
    assert any(p[:3] == evidence_fill for p in pixels)


def test_search_form_finds_a_node_by_a_word_of_its_title(browser: Browser, server: str) -> None:
    index = browser.dom(server + "/")
    form = re.search(r'<form class="search"[^>]*action="([^"]+)" method="get"><input type="search" name="q"', index)
    assert form is not None
    dom = browser.dom(f"{server}{form.group(1)}?q=replay")  # what submitting the form with "replay" asks for
    assert "/lab-a/node/QaRt-NN02" in _links(dom, "Can replay in artificial networks explain sleep benefits?")
    assert _links(dom, "Does sleep after learning improve retention?") == []
    assert '<input type="search" name="q" value="replay"' in dom


def test_a_missing_node_gives_a_404_page(browser: Browser, server: str) -> None:
    url = server + "/lab-a/node/no-such-node"
    dom = browser.dom(url)
    assert "404: not found" in dom
    assert "There is no node https://w3id.org/rdfnotes/id/lab-a/node/no-such-node in this store." in dom
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(url, timeout=10)
    with raised.value:
        assert raised.value.code == 404


def test_static_site_search_filters_in_the_browser(browser: Browser, site: Path) -> None:
    dom = browser.dom((site / "search.html").as_uri() + "?q=Replay%20sleep")
    shown = re.findall(r'<li data-title="([^"]*)">', dom)  # the others are hidden by static/search.js
    assert shown == ["Can replay in artificial networks explain sleep benefits?"]
    assert "1 node matches “Replay sleep”." in dom
    question = browser.dom((site / "lab-a/node/QsL33p-01.html").as_uri())
    assert all(title in question for title in EVIDENCE.values())
