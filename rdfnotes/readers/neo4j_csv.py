"""Reader of the Neo4j CSV export of Roam's Discourse Graphs extension: a nodes file and a relations file.

Nodes ``uid:ID,label:LABEL,title,author,date`` (label ``CLAIM``, ``EVIDENCE``, ``QUESTION``, ``SOURCE`` …; the
title without its ``[[CLM]] - `` marker; dates ``8/14/2023, 9:22:42 PM``, local time); relations
``start:START_ID,end:END_ID,label:TYPE`` (``SUPPORTS``, ``INFORMS`` …). Each node is a note of its own, with the
title Roam shows (the marker put back from the label through the configured node types), so the same page loaded
from the Markdown export gets the same IRI (its uid) and the same relations.
"""

from __future__ import annotations

from ..config import Config
from ..errors import ReadError
from ..model import Note, Problem
from .roam_json import attach_relation, graph_from_file_name
from .roam_markdown import decode
from .units import NoteFile, ReadContext, Unit, UnitContent, read_bytes

NODE_COLUMNS = ("uid:ID", "label:LABEL", "title")
RELATION_COLUMNS = ("start:START_ID", "end:END_ID", "label:TYPE")


def read_unit(unit: Unit, context: ReadContext) -> UnitContent:
    content = UnitContent()
    nodes = _rows(unit.main, NODE_COLUMNS)
    graph = graph_from_file_name(unit.key)
    by_uid: dict[str, Note] = {}
    for line, row in nodes:
        uid = row["uid:ID"].strip()
        if not uid or uid in by_uid:
            content.problems.append(Problem(unit.key, f"node {uid!r} has no uid or is listed twice: skipped", line))
            continue
        title = roam_title(row["title"], row["label:LABEL"], context.config)
        note = Note(path=unit.key, title=title, name=title, uid=uid, graph=graph, part=uid)
        note.node_type = row["label:LABEL"].strip() or None
        author = (row.get("author") or "").strip()
        note.author = author if author and author.lower() != "unknown" else None
        note.created = (row.get("date") or "").strip() or None
        note.created_line = line
        by_uid[uid] = note
        content.notes.append(note)
    for file in unit.files[1:]:
        seen: set[tuple[str, str, str]] = set()
        for line, row in _rows(file, RELATION_COLUMNS):
            start, end, label = row["start:START_ID"].strip(), row["end:END_ID"].strip(), row["label:TYPE"].strip()
            if (start, end, label) in seen:
                continue
            seen.add((start, end, label))
            label = label.replace("_", " ").title()
            if problem := attach_relation(by_uid, label, start, end, file.relpath, line):
                content.problems.append(problem)
    return content


def roam_title(title: str, label: str, config: Config) -> str:
    """The page title Roam shows: ``[[CLM]] - {title}`` for a ``CLAIM``; a source's ``@citekey`` as it is.

    >>> from rdfnotes.config import load_config
    >>> roam_title("Sleep helps", "CLAIM", load_config())
    '[[CLM]] - Sleep helps'
    """
    if title.startswith(config.source_prefix) and config.source_prefix:
        return title
    wanted = label.strip().casefold()
    for node_type in config.node_types:
        if wanted in (node_type.name.casefold(), node_type.marker.casefold()):
            return f"[[{node_type.marker}]] - {title}"
    return title


def _rows(file: NoteFile, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    records = split_records(decode(read_bytes(file), file.relpath))
    if not records:
        raise ReadError(file.relpath, "empty: not a Neo4j export file", 1)
    header = records[0][1]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ReadError(file.relpath, f"not a Neo4j export file: no column {', '.join(missing)}", 1)
    return [
        (line, dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=False)))
        for line, fields in records[1:]
    ]


def split_records(text: str) -> list[tuple[int, list[str]]]:
    r"""CSV records as the exporter writes them, each with the line it starts on.

    The exporter does not escape a title that starts with a quotation mark and holds no comma: such a field is
    read as written, quotation marks kept (where a strict CSV reader would drop them and change the title).

    >>> split_records('a,b\n1,"x, y"\n2,"Quoted." - [[@c]]\n')
    [(1, ['a', 'b']), (2, ['1', 'x, y']), (3, ['2', '"Quoted." - [[@c]]'])]
    """
    records: list[tuple[int, list[str]]] = []
    fields: list[str] = []
    line = start = 1
    i, n = 0, len(text)
    while i < n:
        if text[i] == '"':
            j, buf = i + 1, []
            while j < n:  # to the closing quote, a doubled one read as one (found, not walked: fields may be MBs)
                k = text.find('"', j)
                if k == -1:
                    buf.append(text[j:])
                    j = n
                    break
                buf.append(text[j:k])
                if text[k + 1 : k + 2] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                j = k
                break
            if j + 1 >= n or text[j + 1] in ",\n":
                field = "".join(buf)
                line += field.count("\n")
                i = j + 1
            else:
                end = _next_delimiter(text, i)
                field, i = text[i:end], end
        else:
            end = _next_delimiter(text, i)
            field, i = text[i:end], end
        fields.append(field)
        if i < n and text[i] == ",":
            i += 1
            if i == n or text[i] == "\n":
                fields.append("")
            continue
        if fields != [""]:
            records.append((start, fields))
        fields = []
        i += 1
        line += 1
        start = line
    if fields and fields != [""]:
        records.append((start, fields))
    return records


def _next_delimiter(text: str, i: int) -> int:
    ends = [k for k in (text.find(",", i), text.find("\n", i)) if k != -1]
    return min(ends) if ends else len(text)
