"""How much of each source note's bibliographic metadata a load keeps: title, DOI, authors, dates.

For every source note of the exports given (a page typed ``dg:SourceDocument`` that has a file, a library entry
included), what the note's own text states is found by plain patterns, independently of rdfnotes's readers (a
``Title`` field, a ``10.…/…`` DOI in its metadata lines, an author field and its first name), and compared with what
the store holds for the note: ``dcterms:title``, ``bibo:doi``, ``bibo:authorList`` (its first person's name, which
must appear before every other listed name in the author field), and ``dcterms:issued`` with its datatype::

    python benchmarks/sources.py ../shared/corpus/roam-2024-dg-social-media/md tests/fixtures/lab-a

prints, per export, "title 48 of 48" and so on, and every miss with its file.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from rdfnotes import Store, load, load_config

_TITLE = re.compile(r"(?im)^\s*(?:[-*]\s+)?title\s*::?\s*\"?(?P<value>\S[^\n]*?)\"?\s*$")
_AUTHORS = re.compile(
    r"(?im)^\s*(?:[-*]\s+)?(?:author\(s\)|authors?|authored by|creators?)\s*::?\s*(?P<value>\S[^\n]*)$"
)
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>\]\[|{}^`)]+", re.IGNORECASE)
_END_OF_METADATA = re.compile(r"(?im)^#{1,6}\s+discourse context|^\s*-\s+(?:content|context|#\[\[lit-notes|\[\[notes)")

QUERY = """
PREFIX dg: <https://discoursegraphs.com/schema/dg_core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rn: <https://w3id.org/rdfnotes/ns#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?node ?path ?part ?title ?doi ?first ?issued WHERE {
  ?file foaf:primaryTopic ?node ; rn:path ?path .
  BIND(STRAFTER(STR(?file), "#") AS ?part)
  ?node a dg:SourceDocument .
  OPTIONAL { ?node dcterms:title ?title }
  OPTIONAL { ?node bibo:doi ?doi }
  OPTIONAL { ?node bibo:authorList/rdf:first/foaf:name ?first }
  OPTIONAL { ?node dcterms:issued ?issued }
}
"""


_FRONT_MATTER = re.compile(r"\A---\n(?P<block>.*?)\n---\n", re.DOTALL)
_BIBLIOGRAPHIC = re.compile(r"(?im)^(?:citekey|doi|journaltitle|journal|booktitle|isbn|issn|itemtype):")


def _metadata(text: str) -> str:
    """The part of a note that states its work's metadata: the first blocks, before its notes, and its front matter
    when that is a bibliographic record (a Roam page's front matter names the page's creator, not the work's)."""
    front = _FRONT_MATTER.match(text)
    if front and not _BIBLIOGRAPHIC.search(front["block"]):
        text = text[front.end() :]
    match = _END_OF_METADATA.search(text)
    return text[: match.start()] if match else text


def measure(root: Path) -> list[str]:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder, Store(Path(folder) / "store") as store:
        load([root], store, load_config())
        rows = store.query(QUERY)
        found: dict[str, dict[str, set[str]]] = {}
        for row in rows:
            key = f"{row['path'].value}#{row['part'].value}" if row["part"].value else row["path"].value
            entry = found.setdefault(key, {"title": set(), "doi": set(), "first": set(), "issued": set()})
            for name in ("title", "doi", "first"):
                if row[name] is not None:
                    entry[name].add(row[name].value)
            if row["issued"] is not None:
                entry["issued"].add(row["issued"].datatype.value.rsplit("#", 1)[-1])
    counts: Counter[str] = Counter()
    misses: list[str] = []
    for key, entry in sorted(found.items()):
        path, _, part = key.partition("#")
        file = root / path if root.is_dir() else root
        text = file.read_text(encoding="utf-8", errors="replace") if file.is_file() else ""
        if part:  # an entry of a library: what it states is its own fields
            text = _library_entry(text, part)
        head = _metadata(text)
        counts["sources"] += 1
        titles = [m["value"] for m in _TITLE.finditer(head)]
        if titles:
            counts["with a title"] += 1
            if entry["title"]:
                counts["title"] += 1
            else:
                misses.append(f"{key}: no title (the note has {titles[0][:60]!r})")
        dois = {d.rstrip(".,;").lower() for d in _DOI.findall(head)}
        if dois:
            counts["with a DOI"] += 1
            if dois & {d.lower() for d in entry["doi"]} or any(
                d.startswith(s) or s.startswith(d) for d in dois for s in entry["doi"]
            ):
                counts["DOI"] += 1
            else:
                misses.append(f"{key}: DOI {sorted(dois)[0]} not found (got {sorted(entry['doi'])})")
        authors = [m["value"] for m in _AUTHORS.finditer(head) if m["value"].strip() not in ("", '""')]
        if part:  # a library's names are LaTeX or JSON: their order is checked by tests/test_biblio.py
            authors = []
        if authors:
            counts["with authors"] += 1
            if entry["first"]:
                counts["authors"] += 1
                first = next(iter(entry["first"]))
                family = first.split()[-1]
                line = authors[0]
                position = line.find(family)
                others = [n for n in re.split(r"[,;\[\]]|\band\b", line) if n.strip() and family not in n]
                if position >= 0 and all(line.find(o.strip()) > position for o in others if o.strip() in line):
                    counts["first author first"] += 1
                else:
                    misses.append(f"{key}: first author {first!r} is not the first of {line[:80]!r}")
            else:
                misses.append(f"{key}: no authors (the note has {authors[0][:60]!r})")
        for datatype in entry["issued"]:
            counts[f"date {datatype}"] += 1
    lines = [
        f"{root}: {counts['sources']} source notes",
        f"  title {counts['title']} of {counts['with a title']} that state one",
        f"  DOI {counts['DOI']} of {counts['with a DOI']} that hold one",
        f"  authors {counts['authors']} of {counts['with authors']} that name them; first author first "
        f"{counts['first author first']} of {counts['authors']}",
        "  dates: " + (", ".join(f"{k[5:]} {v}" for k, v in sorted(counts.items()) if k.startswith("date ")) or "none"),
    ]
    return lines + [f"  miss: {m}" for m in misses]


def _library_entry(text: str, key: str) -> str:
    """The text of one entry of a ``.bib`` or CSL-JSON file, as ``field: value`` lines."""
    start = text.find(key)
    if start < 0:
        return ""
    end = text.find("\n@", start)
    chunk = text[start : end if end > 0 else len(text)]
    lines = []
    for match in re.finditer(r'(?m)^\s*"?(?P<k>[\w-]+)"?\s*[=:]\s*(?P<v>.+?),?\s*$', chunk):
        value = match["v"].strip().strip('{}"').strip()
        lines.append(f"{match['k']}: {value}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.paths:
        print("\n".join(measure(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
