"""``rdfnotes link``: the same works and people across labs, stated as ``skos:exactMatch`` with what justified each.

Works (sources, and anything typed with a Bibo class) are the same when they share an identifier, compared in one
canonical form: a DOI in any spelling (``doi:``, ``https://dx.doi.org/…``, upper case), an arXiv id with or without
its version, or the same web page (scheme, ``www.`` and a trailing slash aside). People are the same when they share
an ORCID, or when their normalised names match among the creators of two works that are themselves linked
(``Diekelmann, Susanne`` = ``Susanne Diekelmann``; ``M. P. Walker`` = ``Matthew P. Walker``); a name alone is never
enough, so two labs' Robert Stickgold on different papers stay apart.

Each link is a reified statement (an :data:`rn:Link <rdfnotes.vocab.RN>`) carrying its justification in SSSOM
terms, in the graph :data:`~rdfnotes.labs.LINK_GRAPH`, which is rebuilt from the labs as they are now (see
:func:`refresh`). A person reviews the links as an SSSOM table (:func:`write_sssom`) and hands the reviewed table
back (``link(store, accept=path)``): rows kept are accepted, rows marked ``predicate_modifier: Not`` are rejected,
rows added are new links; the decisions live in the link graph and outlast every rebuild.

>>> name_key("Diekelmann, Susanne") == name_key("Susanne Diekelmann")
True
>>> same_person(name_key("M. P. Walker"), name_key("Matthew P. Walker"))
True
>>> same_person(name_key("Robert Stickgold"), name_key("Rebecca Stickgold"))
False
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from . import __version__, iris
from .errors import ReadError
from .identifiers import arxiv_without_version, find_arxiv, find_doi
from .iris import LINK_GRAPH
from .labs import (
    SSSOM_OBJECT_SOURCE,
    SSSOM_SUBJECT_SOURCE,
    dataset_iri,
    lab_bases,
    lab_graphs,
    labs,
    void_graph_iri,
    void_triples,
)
from .manifest import as_units, forget_counts
from .model import Problem
from .progress import Progress
from .store import Store
from .vocab import BIBO, DCTERMS, DG, FOAF, OWL, RDF, RDFS, RN, SKOS

SEMAPV = "https://w3id.org/semapv/vocab/"
SSSOM = "https://w3id.org/sssom/"
LEXICAL_MATCHING = SEMAPV + "LexicalMatching"
COMPOSITE_MATCHING = SEMAPV + "CompositeMatching"
MANUAL_CURATION = SEMAPV + "ManualMappingCuration"
STATUSES = ("unreviewed", "accepted", "rejected")

# The property each kind of identifier is matched on: SSSOM's subject_match_field / object_match_field.
MATCH_FIELDS = {"doi": BIBO.doi, "arxiv": BIBO.identifier, "url": FOAF.page, "orcid": OWL.sameAs, "name": FOAF.name}
_WORK_PROPERTIES = (BIBO.doi, BIBO.identifier, OWL.sameAs, FOAF.page, DCTERMS.identifier)
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\b")
_SSSOM_COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "mapping_justification",
    "match_string",
    "subject_match_field",
    "object_match_field",
    "subject_source",
    "object_source",
    "comment",
)


@dataclass(frozen=True)
class Match:
    """One link: ``subject skos:exactMatch object``, subject the smaller IRI, and why."""

    subject: str
    object: str
    subject_lab: str
    object_lab: str
    category: str
    """``work``, ``person``, or ``other`` (a link a reviewer added between other kinds of node)."""
    matched_on: tuple[str, ...]
    match_strings: tuple[str, ...] = ()
    justification: str = LEXICAL_MATCHING
    status: str = "unreviewed"
    based_on: str | None = None
    subject_label: str = ""
    object_label: str = ""

    @property
    def iri(self) -> str:
        return link_iri(self.subject, self.object)

    @property
    def asserted(self) -> bool:
        return self.status != "rejected"


@dataclass
class LinkReport:
    """What ``link`` found and wrote."""

    labs: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def links(self) -> list[Match]:
        """The links stated (every match but the rejected ones)."""
        return [m for m in self.matches if m.asserted]

    def count(self, category: str) -> int:
        return sum(1 for m in self.links if m.category == category)

    @property
    def reviewed(self) -> int:
        return sum(1 for m in self.matches if m.status != "unreviewed")


def link_iri(subject: str, obj: str) -> str:
    return f"{LINK_GRAPH}#link-{iris.short_hash(subject + ' ' + obj, 16)}"


def link(
    store: Store,
    *,
    accept: str | Path | None = None,
    review: str | Path | None = None,
    progress: Progress | None = None,
) -> LinkReport:
    """Find the same works and people across the store's labs and rebuild the link graph and each lab's VoID.

    :param accept: a reviewed SSSOM file whose decisions to record first (see the module's description).
    :param review: where to write every match, stated or rejected, as an SSSOM table for a person to check.
    :param progress: told of each of the steps done (``"Linking"``: works, people, the graph written).
    :raises ReadError: when ``accept`` is not an SSSOM table; a row that does not fit is reported, the rest used.
    """
    report = LinkReport(labs=sorted(lab_bases(store)))
    decisions = _stored_decisions(store)
    if accept is not None:
        decisions.update(read_sssom(accept, report.problems))
    step = progress or (lambda stage, done, total: None)
    step("Linking", 0, 3)
    nodes = _NodeLabs(store)
    works = _with_decisions(_work_matches(store, nodes), decisions)
    step("Linking", 1, 3)
    people = _with_decisions(_person_matches(store, nodes, [m for m in works if m.asserted]), decisions)
    step("Linking", 2, 3)
    others = _reviewer_links(decisions, {(m.subject, m.object) for m in works + people}, nodes, report)
    report.matches = sorted([*works, *people, *others], key=lambda m: (m.category != "work", m.subject, m.object))
    labels = _labels(store, report.matches)
    report.matches = [
        replace(m, subject_label=labels.get(m.subject, ""), object_label=labels.get(m.object, ""))
        for m in report.matches
    ]
    with store.syncing():  # the links and their record in the manifest: both or neither
        # The link graph changes and the manifest may not: the load summary's counts kept for it are stale.
        forget_counts(store.path)
        _write(store, report.matches)
        store.manifest["links"] = {"labs": _labs_fingerprint(store)}
        store.save_manifest()
    step("Linking", 3, 3)
    if review is not None:
        write_sssom(review, report.matches, store)
    return report


def refresh(store: Store) -> LinkReport | None:
    """Rebuild the links and VoID descriptions when the store has been linked before and a lab changed since (a
    load that read or removed files, a lab removed); ``None`` when there was nothing to do."""
    if not store.has_graph(LINK_GRAPH):
        return None
    if store.manifest.get("links", {}).get("labs") == _labs_fingerprint(store):
        return None
    return link(store)


def _labs_fingerprint(store: Store) -> str:
    """Changes whenever a lab's files, settings or name change (the manifest's record of every folder loaded).

    Made of each folder's settings (its record but the units) and of each unit's key, format, and files with
    their sizes and mtimes, not of the whole record (the notes and their links): a tenth of the time of the
    record as JSON on 100,000 notes."""
    digest = hashlib.sha1()
    for key, root in sorted(store.manifest["roots"].items()):
        settings = {name: value for name, value in root.items() if name != "units"}
        digest.update(json.dumps([key, settings], sort_keys=True).encode("utf-8"))
        names: list[str] = []
        numbers: list[Any] = []
        for unit_key, unit_format, files in as_units(root.get("units", {})).signatures():
            names += (unit_key, str(unit_format))
            for n in range(0, len(files), 3):
                names.append(files[n])
                numbers += files[n + 1 : n + 3]
        digest.update(b"\0units\0" + "\0".join(names).encode("utf-8", "surrogatepass"))
        try:
            digest.update(array("q", numbers).tobytes())
        except (OverflowError, TypeError):  # not [mtime_ns, size] as rdfnotes writes them
            digest.update(repr(numbers).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


# -- finding matches ---------------------------------------------------------------------------------------------


class _NodeLabs:
    """Which lab each node belongs to: the lab of a graph that describes it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.graph_lab = lab_graphs(store)
        self._known: dict[str, str | None] = {}

    def lab(self, graph: str) -> str | None:
        return self.graph_lab.get(graph)

    def of(self, nodes: Iterable[str]) -> dict[str, str | None]:
        wanted = sorted(set(nodes) - set(self._known))
        if wanted:
            for node in wanted:
                self._known[node] = None
            values = " ".join(f"<{n}>" for n in wanted)
            for row in _select(
                self.store, f"SELECT DISTINCT ?n ?g WHERE {{ VALUES ?n {{ {values} }} GRAPH ?g {{ ?n ?p ?o }} }}"
            ):
                lab = self.graph_lab.get(row["g"])
                known = self._known.get(row["n"])
                if lab is not None and (known is None or lab < known):
                    self._known[row["n"]] = lab
        return {n: self._known.get(n) for n in nodes}


def work_keys(prop: str, value: str) -> set[tuple[str, str]]:
    """The canonical identifiers a work's property value gives: ``(kind, value)``.

    >>> sorted(work_keys("http://purl.org/ontology/bibo/doi", "https://dx.doi.org/10.1038/NRN2762"))
    [('doi', '10.1038/nrn2762')]
    >>> sorted(work_keys("http://xmlns.com/foaf/0.1/page", "https://arxiv.org/abs/1706.03762v7"))
    [('arxiv', '1706.03762')]
    >>> sorted(work_keys("http://xmlns.com/foaf/0.1/page", "http://www.Example.org/paper/"))
    [('url', 'example.org/paper')]
    """
    if arxiv := find_arxiv(value):
        return {("arxiv", arxiv_without_version(arxiv).lower())}
    if doi := find_doi(value):
        return {("doi", doi)}
    if prop in (FOAF.page, OWL.sameAs) and (key := url_key(value)):
        return {("url", key)}
    return set()


def url_key(url: str) -> str | None:
    """A web address as compared: no scheme, host in lower case without ``www.``, no trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    key = host + (f":{parts.port}" if parts.port else "") + parts.path.rstrip("/")
    if parts.query:
        key += "?" + parts.query
    if parts.fragment:
        key += "#" + parts.fragment
    return key


def _work_matches(store: Store, nodes: _NodeLabs) -> list[Match]:
    properties = " ".join(f"<{p}>" for p in _WORK_PROPERTIES)
    rows = _select(
        store,
        f"SELECT DISTINCT ?g ?work ?p ?value WHERE {{ VALUES ?p {{ {properties} }} GRAPH ?g {{ ?work ?p ?value }} "
        f'?work a ?class . FILTER(?class = <{DG.SourceDocument}> || STRSTARTS(STR(?class), "{BIBO.iri}")) }}',
    )
    holders: dict[tuple[str, str], dict[str, set[str]]] = {}
    for row in rows:
        lab = nodes.lab(row["g"])
        if lab is None:
            continue
        for key in work_keys(row["p"], row["value"]):
            holders.setdefault(key, {}).setdefault(lab, set()).add(row["work"])
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for key, by_lab in sorted(holders.items()):
        members = sorted((node, lab) for lab, ns in by_lab.items() for node in ns)
        for i, (a, lab_a) in enumerate(members):
            for b, lab_b in members[i + 1 :]:
                if lab_a == lab_b:
                    continue
                entry = found.setdefault((a, b), {"labs": (lab_a, lab_b), "keys": set()})
                entry["keys"].add(key)
    return [
        Match(
            subject=a,
            object=b,
            subject_lab=entry["labs"][0],
            object_lab=entry["labs"][1],
            category="work",
            matched_on=tuple(sorted({kind for kind, _ in entry["keys"]})),
            match_strings=tuple(sorted(value for _, value in entry["keys"])),
        )
        for (a, b), entry in sorted(found.items())
    ]


def name_key(name: str) -> tuple[str, tuple[str, ...]]:
    """A person's name as compared: ``(family name, given names)``, lower case, accents and punctuation dropped;
    ``Family, Given`` and ``Given Family`` give the same key."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    family, comma, given = text.partition(",")
    if not comma:
        words = re.findall(r"[a-z]+", text)
        return (words[-1], tuple(words[:-1])) if words else ("", ())
    return ("".join(re.findall(r"[a-z]+", family)), tuple(re.findall(r"[a-z]+", given)))


def same_person(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> bool:
    """Same family name, and given names that agree as far as both go (an initial agrees with a name)."""
    if not a[0] or a[0] != b[0]:
        return False
    if not a[1] or not b[1]:
        return a[1] == b[1]
    return all(x == y or ((len(x) == 1 or len(y) == 1) and x[0] == y[0]) for x, y in zip(a[1], b[1], strict=False))


def _person_matches(store: Store, nodes: _NodeLabs, work_links: list[Match]) -> list[Match]:
    found: dict[tuple[str, str], Match] = {}
    if work_links:
        works = " ".join(f"<{w}>" for m in work_links for w in (m.subject, m.object))
        creators: dict[str, list[tuple[str, str]]] = {}
        for row in _select(
            store,
            f"SELECT DISTINCT ?work ?person ?name WHERE {{ VALUES ?work {{ {works} }} "
            f"?work <{DCTERMS.creator}> ?person . ?person <{FOAF.name}> ?name }}",
        ):
            creators.setdefault(row["work"], []).append((row["person"], row["name"]))
        for work_link in work_links:
            for a, name_a in sorted(creators.get(work_link.subject, [])):
                for b, name_b in sorted(creators.get(work_link.object, [])):
                    if a == b or not same_person(name_key(name_a), name_key(name_b)):
                        continue
                    pair = (min(a, b), max(a, b))
                    if pair not in found:
                        found[pair] = Match(
                            subject=pair[0],
                            object=pair[1],
                            subject_lab="",
                            object_lab="",
                            category="person",
                            matched_on=("name",),
                            match_strings=(" ".join([name_key(name_a)[0], *name_key(name_a)[1]]),),
                            justification=COMPOSITE_MATCHING,
                            based_on=work_link.iri,
                        )
    orcids: dict[str, set[str]] = {}
    for row in _select(
        store,
        # A person node, or a person's own page (a Roam page "Jane Roe" with "ORCID:: …"), with an ORCID iD in a
        # value, where the value or its property says ORCID.
        f"SELECT DISTINCT ?person ?value WHERE {{ VALUES ?class {{ <{FOAF.Person}> <{RN.Page}> }} "
        "?person a ?class ; ?p ?value . "
        'FILTER(REGEX(STR(?value), "\\\\d{4}-\\\\d{4}-\\\\d{4}-\\\\d{3}[0-9X]") '
        '&& (CONTAINS(LCASE(STR(?value)), "orcid") || CONTAINS(LCASE(STR(?p)), "orcid"))) }',
    ):
        if orcid_match := _ORCID.search(row["value"]):
            orcids.setdefault(orcid_match.group(1), set()).add(row["person"])
    for orcid, people in sorted(orcids.items()):
        members = sorted(people)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                old = found.get((a, b))
                found[(a, b)] = Match(
                    subject=a,
                    object=b,
                    subject_lab="",
                    object_lab="",
                    category="person",
                    matched_on=tuple(sorted({"orcid", *(old.matched_on if old else ())})),
                    match_strings=tuple(sorted({orcid, *(old.match_strings if old else ())})),
                    justification=LEXICAL_MATCHING,
                    based_on=old.based_on if old else None,
                )
    matches = []
    labs_of = nodes.of([n for pair in found for n in pair])
    for (a, b), match in sorted(found.items()):
        lab_a, lab_b = labs_of[a], labs_of[b]
        if lab_a is None or lab_b is None or lab_a == lab_b:
            continue
        matches.append(replace(match, subject_lab=lab_a, object_lab=lab_b))
    return matches


def _with_decisions(matches: list[Match], decisions: Mapping[tuple[str, str], Match]) -> list[Match]:
    """The found matches, each with the status a reviewer gave it."""
    result = []
    for match in matches:
        decision = decisions.get((match.subject, match.object))
        result.append(replace(match, status=decision.status) if decision else match)
    return result


def _reviewer_links(
    decisions: Mapping[tuple[str, str], Match], found: set[tuple[str, str]], nodes: _NodeLabs, report: LinkReport
) -> list[Match]:
    """The decided pairs matching did not find (links a reviewer added, or rejections kept for later), while both
    nodes are in a lab; categorised as works or people when both nodes are."""
    pending = {pair: d for pair, d in decisions.items() if pair not in found}
    labs_of = nodes.of([n for pair in pending for n in pair])
    kinds = _kinds(nodes.store, [n for pair in pending for n in pair])
    result = []
    for (a, b), decision in sorted(pending.items()):
        lab_a, lab_b = labs_of[a], labs_of[b]
        if lab_a is None or lab_b is None:
            if decision.status == "accepted":
                missing = a if lab_a is None else b
                report.problems.append(Problem(LINK_GRAPH, f"accepted link to {missing}, which no lab holds: left out"))
            continue
        same_kind = kinds.get(a) if kinds.get(a) == kinds.get(b) else None
        result.append(replace(decision, subject_lab=lab_a, object_lab=lab_b, category=same_kind or "other"))
    return result


def _kinds(store: Store, nodes: list[str]) -> dict[str, str]:
    """``person`` or ``work`` for the nodes that are one, as matching tells them."""
    if not nodes:
        return {}
    values = " ".join(f"<{n}>" for n in sorted(set(nodes)))
    rows = _select(
        store,
        f"SELECT DISTINCT ?n ?class WHERE {{ VALUES ?n {{ {values} }} ?n a ?class . "
        f'FILTER(?class IN (<{FOAF.Person}>, <{DG.SourceDocument}>) || STRSTARTS(STR(?class), "{BIBO.iri}")) }}',
    )
    return {row["n"]: "person" if row["class"] == FOAF.Person else "work" for row in rows}


def _labels(store: Store, matches: list[Match]) -> dict[str, str]:
    """A label for each linked node: a person's name, a work's title, else its rdfs:label."""
    nodes = sorted({n for m in matches for n in (m.subject, m.object)})
    if not nodes:
        return {}
    values = " ".join(f"<{n}>" for n in nodes)
    rows = _select(
        store,
        f"SELECT ?n (MIN(COALESCE(?name, ?title, ?label)) AS ?text) WHERE {{ VALUES ?n {{ {values} }} "
        f"OPTIONAL {{ ?n <{FOAF.name}> ?name }} OPTIONAL {{ ?n <{DCTERMS.title}> ?title }} "
        f"OPTIONAL {{ ?n <{RDFS.label}> ?label }} }} GROUP BY ?n",
    )
    return {row["n"]: row.get("text", "") for row in rows}


# -- the link graph ----------------------------------------------------------------------------------------------


def _write(store: Store, matches: list[Match]) -> None:
    """Replace the link graph and every lab's VoID graph in one call."""
    every_lab = labs(store)
    bases = {lab.name: lab.base for lab in every_lab}
    out: list[Triple] = [
        Triple(NamedNode(LINK_GRAPH), NamedNode(DCTERMS.title), Literal("Links between labs, found by rdfnotes link"))
    ]
    counts: dict[str, dict[str, int]] = {}
    for m in matches:
        link = NamedNode(m.iri)
        subject, obj = NamedNode(m.subject), NamedNode(m.object)
        if m.asserted:
            out += [Triple(subject, NamedNode(SKOS.exactMatch), obj), Triple(obj, NamedNode(SKOS.exactMatch), subject)]
            for x, y in ((m.subject_lab, m.object_lab), (m.object_lab, m.subject_lab)):
                counts.setdefault(x, {})[y] = counts.get(x, {}).get(y, 0) + 1
        out += [
            Triple(link, NamedNode(RDF.type), NamedNode(RDF.iri + "Statement")),
            Triple(link, NamedNode(RDF.type), NamedNode(RN.Link)),
            Triple(link, NamedNode(RDF.iri + "subject"), subject),
            Triple(link, NamedNode(RDF.iri + "predicate"), NamedNode(SKOS.exactMatch)),
            Triple(link, NamedNode(RDF.iri + "object"), obj),
            Triple(link, NamedNode(SSSOM + "mapping_justification"), NamedNode(m.justification)),
            Triple(link, NamedNode(SSSOM_SUBJECT_SOURCE), NamedNode(dataset_iri(bases[m.subject_lab]))),
            Triple(link, NamedNode(SSSOM_OBJECT_SOURCE), NamedNode(dataset_iri(bases[m.object_lab]))),
            Triple(link, NamedNode(RN.reviewStatus), Literal(m.status)),
        ]
        out += [Triple(link, NamedNode(RN.matchedOn), Literal(kind)) for kind in m.matched_on]
        out += [Triple(link, NamedNode(SSSOM + "match_string"), Literal(text)) for text in m.match_strings]
        if m.based_on:
            out.append(Triple(link, NamedNode(RN.basedOn), NamedNode(m.based_on)))
    graphs = {LINK_GRAPH: out}
    for lab in every_lab:
        graphs[void_graph_iri(lab.base)] = void_triples(store, lab, counts.get(lab.name, {}))
    store.replace_graphs(graphs)


def _stored_decisions(store: Store) -> dict[tuple[str, str], Match]:
    """The review decisions the link graph holds (accepted or rejected), to carry over a rebuild."""
    decisions = {}
    for row in _select(
        store,
        f"SELECT ?s ?o ?status ?why (GROUP_CONCAT(DISTINCT ?on; SEPARATOR=' ') AS ?ons) "
        f"(GROUP_CONCAT(DISTINCT ?text; SEPARATOR='\\u001f') AS ?texts) WHERE {{ GRAPH <{LINK_GRAPH}> {{ "
        f"?link a <{RN.Link}> ; <{RDF.iri}subject> ?s ; <{RDF.iri}object> ?o ; <{RN.reviewStatus}> ?status ; "
        f"<{SSSOM}mapping_justification> ?why . FILTER(?status != 'unreviewed') "
        f"OPTIONAL {{ ?link <{RN.matchedOn}> ?on }} OPTIONAL {{ ?link <{SSSOM}match_string> ?text }} }} }} "
        "GROUP BY ?s ?o ?status ?why",
    ):
        decisions[(row["s"], row["o"])] = Match(
            subject=row["s"],
            object=row["o"],
            subject_lab="",
            object_lab="",
            category="other",
            matched_on=tuple(row.get("ons", "review").split()) or ("review",),
            match_strings=tuple(t for t in row.get("texts", "").split("\x1f") if t),
            justification=row["why"],
            status=row["status"],
        )
    return decisions


# -- SSSOM -------------------------------------------------------------------------------------------------------


def write_sssom(path: str | Path, matches: Iterable[Match], store: Store) -> None:
    """Write ``matches`` as an SSSOM table (TSV with its YAML header), for a person to check.

    Node IRIs are written as CURIEs, one prefix per lab (its name, for its base IRI).
    """
    rows = list(matches)
    prefixes = _curie_map(store, [n for m in rows for n in (m.subject, m.object)])
    meta = {
        "curie_map": {
            **dict(sorted(prefixes.items())),
            "foaf": FOAF.iri,
            "bibo": BIBO.iri,
            "owl": OWL.iri,
            "semapv": SEMAPV,
            "skos": SKOS.iri,
        },
        "mapping_set_id": LINK_GRAPH,
        "mapping_set_description": (
            "The same works and people across labs, found by rdfnotes link. To review: keep a row to accept it, set "
            "predicate_modifier to Not to reject it, add a row to add a link; then run rdfnotes link --accept FILE."
        ),
        "license": "https://w3id.org/sssom/license/unspecified",
        "mapping_tool": "rdfnotes",
        "mapping_tool_version": __version__,
    }
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    buffer = io.StringIO()
    buffer.write("".join(f"# {line}\n" for line in header.splitlines()))
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(_SSSOM_COLUMNS)
    bases = lab_bases(store)
    for m in rows:
        fields = [MATCH_FIELDS.get(kind, "") for kind in m.matched_on]
        field_curies = "|".join(_curie(f, {"bibo": BIBO.iri, "foaf": FOAF.iri, "owl": OWL.iri}) for f in fields if f)
        writer.writerow(
            [
                _curie(m.subject, prefixes),
                _tsv_text(m.subject_label),
                "skos:exactMatch",
                "Not" if m.status == "rejected" else "",
                _curie(m.object, prefixes),
                _tsv_text(m.object_label),
                _curie(m.justification, {"semapv": SEMAPV}),
                "|".join(m.match_strings),
                field_curies,
                field_curies,
                _curie(dataset_iri(bases[m.subject_lab]), prefixes) if m.subject_lab in bases else "",
                _curie(dataset_iri(bases[m.object_lab]), prefixes) if m.object_lab in bases else "",
                f"{m.category} matched on {', '.join(m.matched_on)}; {m.status}",
            ]
        )
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def read_sssom(path: str | Path, problems: list[Problem]) -> dict[tuple[str, str], Match]:
    """The decisions of a reviewed SSSOM table: each row accepted, or rejected when its predicate_modifier is Not.

    :raises ReadError: when the file cannot be read, its YAML header is broken, or a needed column is missing.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReadError(name, f"cannot read the file ({exc.strerror or exc})") from exc
    lines = text.splitlines()
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    try:
        meta = yaml.safe_load("\n".join(line[1:] for line in lines[:count])) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ReadError(name, f"the YAML header is not valid ({exc})", line + 1 if line is not None else None) from exc
    given = meta.get("curie_map") if isinstance(meta, dict) else None
    curie_map = {"skos": SKOS.iri, "owl": OWL.iri, "semapv": SEMAPV}
    curie_map.update({str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {})
    reader = csv.DictReader(io.StringIO("\n".join(lines[count:])), delimiter="\t")
    missing = {"subject_id", "predicate_id", "object_id"} - set(reader.fieldnames or ())
    if missing:
        raise ReadError(name, f"no {', '.join(sorted(missing))} column: not an SSSOM table", count + 1)
    decisions: dict[tuple[str, str], Match] = {}
    for number, row in enumerate(reader, start=count + 2):
        empty = [
            column for column in ("subject_id", "predicate_id", "object_id") if not (row.get(column) or "").strip()
        ]
        if empty:
            problems.append(Problem(name, f"no {' or '.join(empty)} in this row: row left out", number))
            continue
        try:
            subject = _expand(row.get("subject_id") or "", curie_map)
            obj = _expand(row.get("object_id") or "", curie_map)
            predicate = _expand(row.get("predicate_id") or "", curie_map)
        except ValueError as exc:
            problems.append(Problem(name, str(exc), number))
            continue
        if predicate != SKOS.exactMatch:
            problems.append(
                Problem(name, f"predicate {row.get('predicate_id')!r} is not skos:exactMatch: row left out", number)
            )
            continue
        if subject == obj:
            problems.append(Problem(name, "a node linked to itself: row left out", number))
            continue
        justification = row.get("mapping_justification") or "semapv:ManualMappingCuration"
        try:
            why = _expand(justification, curie_map)
        except ValueError:
            why = MANUAL_CURATION
        strings = tuple(s for s in (row.get("match_string") or "").split("|") if s)
        a, b = sorted((subject, obj))
        decisions[(a, b)] = Match(
            subject=a,
            object=b,
            subject_lab="",
            object_lab="",
            category="other",
            matched_on=("review",),
            match_strings=strings,
            justification=why if why.startswith(SEMAPV) else MANUAL_CURATION,
            status="rejected" if (row.get("predicate_modifier") or "").strip().lower() == "not" else "accepted",
        )
    return decisions


def _curie_map(store: Store, nodes: list[str]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for name, base in sorted(lab_bases(store).items()):
        prefix = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name) else f"lab_{iris.slug(name) or 'x'}"
        prefixes[prefix.replace(".", "_")] = base
    others = sorted(
        {n[: max(n.rfind("/"), n.rfind("#")) + 1] for n in nodes if not any(n.startswith(b) for b in prefixes.values())}
    )
    for i, namespace in enumerate(others, start=1):
        prefixes[f"ns{i}"] = namespace
    return prefixes


def _curie(iri: str, prefixes: Mapping[str, str]) -> str:
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _expand(curie: str, prefixes: Mapping[str, str]) -> str:
    text = curie.strip().strip("<>")
    if "://" in text:
        return text
    prefix, sep, local = text.partition(":")
    if not sep or prefix not in prefixes:
        raise ValueError(f"{curie!r}: no prefix of the curie_map expands it")
    return prefixes[prefix] + local


def _tsv_text(text: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def _select(store: Store, query: str) -> list[dict[str, str]]:
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{name: row[name].value for name in names if row[name] is not None} for row in results]
