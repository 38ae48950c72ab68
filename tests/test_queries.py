"""The bundled queries (queries/*.rq), each checked against fixtures whose answers are known.

- lab-a: the facts /work/shared/corpus/README.md states for it, and what its ten files say;
- seed: one source page that informs a question nobody wrote a note for;
- roam-2024-dg-social-media: 268 real notes, whose Neo4j CSV export (same graph, same Roam uids) gives the
  relations, node types, authors and creation times independently of our reader.
"""

from __future__ import annotations

import csv
import datetime
import re
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Triple

from rdfnotes import QueryError, QueryResult, Store, bundled_queries, load, load_config, run_query
from rdfnotes.queries import bound_query

FIXTURES = Path(__file__).parent / "fixtures"
LAB_A = FIXTURES / "lab-a"
SEED = FIXTURES / "seed"
SOCIAL_MEDIA = FIXTURES / "roam-2024-dg-social-media"
NEO4J = SOCIAL_MEDIA / "neo4j"

DG = "https://discoursegraphs.com/schema/dg_core#"
RN = "https://w3id.org/rdfnotes/ns#"

REQUIRED = {
    "open-questions",
    "evidence-for-question",
    "contested-claims",
    "claims-by-support",
    "unsourced-evidence",
    "source-informs",
    "notes-by-author",
    "dangling-links",
}

# lab-a, by what the files say
RETENTION = "Does sleep after learning improve retention?"
REPLAY = "Can replay in artificial networks explain sleep benefits?"
RECALL = "Sleep within hours of learning improves later recall"
PROCEDURAL = "Sleep has no effect on procedural memory"
EVD_DECLARATIVE = "Sleep after learning improved declarative recall relative to wake"
EVD_MOTOR = "Motor sequence speed improved about 20 percent after a night of sleep but not after equivalent wake"
EVD_NO_GAIN = (
    "No overnight gain for a finger-tapping task once time of day was controlled for in a counterbalanced design "
    "with a 12-hour delay between training and the first and second day of testing"
)
DIEKELMANN = "The memory function of sleep"
WALKER = "Sleep-Dependent Learning and Memory Consolidation"
VASWANI = "Attention Is All You Need"
NGUYEN = "@nguyenNoOvernightGain2021"  # only named in an evidence title: no Title::, so its name

HOSTILE_STRINGS = [
    "} ; DROP ALL ; #",
    '" } UNION { ?s ?p ?o } #',
    'Maya Okafor" } UNION { ?s ?p ?o . FILTER(true) } #',
    "') ; CLEAR DEFAULT ; #",
]
HOSTILE_IRIS = [
    "<http://x> } UNION { ?s ?p ?o",
    "} ; DROP ALL ; #",
    "http://x/> } ; DROP ALL ; <http://y",
]
# A valid IRI that looks like an injection once percent-decoded: it names nothing
HOSTILE_VALID_IRI = "<http://example.org/%3E%20%7D%20UNION%20%7B%20?s=?p&o=#DROP>"


# -- fixtures and helpers -----------------------------------------------------------------------------------------


def _load(directory: Path, *paths: Path) -> Store:
    store = Store(directory)
    report = load(list(paths), store, load_config())
    assert report.problems == [], report.problems
    return store


@pytest.fixture(scope="module")
def lab_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _load(tmp_path_factory.mktemp("queries-lab-a") / "store", LAB_A)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _load(tmp_path_factory.mktemp("queries-seed") / "store", SEED)
    yield store
    store.close()


@pytest.fixture(scope="module")
def social_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = _load(tmp_path_factory.mktemp("queries-social-media") / "store", SOCIAL_MEDIA / "md")
    yield store
    store.close()


Record = dict[str, Any]
"""A row as variable → plain string (``.value`` of the term), None where the variable is unbound."""


def records(result: QueryResult) -> list[Record]:
    """The rows as records, in the query's order."""
    return [
        {
            var: None if term is None else str(term) if isinstance(term, Triple) else term.value
            for var, term in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


def ask(
    store: Store, name: str, params: Mapping[str, str] | None = None, *columns: str
) -> list[tuple[str | None, ...]]:
    """The given columns of a bundled query's rows, in the query's order."""
    rows = records(run_query(store, name, params))
    return [tuple(row[c] for c in columns) for row in rows]


def uids(store: Store) -> dict[str, str]:
    """Node IRI → Roam uid, to compare our nodes with an export that names them by uid."""
    result = run_query(store, "uids", text=f"SELECT ?node ?uid WHERE {{ ?node <{RN}roamUid> ?uid }}")
    return {row["node"]: row["uid"] for row in records(result)}


def iri_of(store: Store, title: str) -> str:
    """The IRI of the node whose dcterms:title is ``title`` (bound as a parameter, like a user would)."""
    result = run_query(
        store,
        "by title",
        {"title": title},
        text="SELECT ?node ?title WHERE { ?node <http://purl.org/dc/terms/title> ?title }",
    )
    nodes = {row["node"] for row in records(result)}
    assert len(nodes) == 1, (title, nodes)
    return f"<{nodes.pop()}>"


def size(store: Store) -> tuple[int, int]:
    """Triples in the default graph and quads in the named graphs."""
    return sum(1 for _ in store.default_triples()), sum(1 for _ in store.named_quads())


# -- every bundled query --------------------------------------------------------------------------------------------

QUERIES = {query.name: query for query in bundled_queries()}


def test_the_required_queries_are_bundled() -> None:
    in_checkout = {path.stem for path in (Path(__file__).parents[1] / "queries").glob("*.rq")}
    assert set(QUERIES) == in_checkout
    assert set(QUERIES) >= REQUIRED
    cross_lab = {
        "cross-contested-claims",
        "cross-evidence-via-shared-source",
        "cross-open-questions",
        "cross-partner-works",
        "cross-shared-works",
    }
    assert set(QUERIES) - REQUIRED == {"consistent-evidence", "question-overview", *cross_lab}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_parses_runs_and_is_described(lab_a: Store, name: str) -> None:
    query = QUERIES[name]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)
    assert query.title and query.title != name
    assert query.description.endswith(".")
    assert all(p.description for p in query.parameters)
    text = query.text
    assert re.search(r"^SELECT\s+(DISTINCT\s+)?\?", text, re.MULTILINE), "a SELECT that lists its variables"
    assert not re.search(r"SELECT\s+(DISTINCT\s+)?\*", text)
    assert "ORDER BY" in text
    # duplicate-insensitive (see test_engines.py): rows DISTINCT or grouped, every count and concatenation DISTINCT
    code = "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())
    assert re.search(r"^SELECT\s+DISTINCT\s", code, re.MULTILINE) or re.search(r"^GROUP BY\s", code, re.MULTILINE)
    assert not re.search(r"\b(COUNT|GROUP_CONCAT)\((?!DISTINCT\s)", code)
    assert not re.search(r"\b(SUM|AVG|SAMPLE)\(", code)
    # every prefix used is declared in the file itself
    declared = set(re.findall(r"^PREFIX (\w+):", text, re.MULTILINE))
    lines = [re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines() if not line.startswith("PREFIX")]
    body = re.sub(r'"[^"]*"|<[^>]*>', "", "\n".join(lines))
    used = set(re.findall(r"(?<![\w?$])([a-z]+):[A-Za-z)]", body))
    assert used <= declared, used - declared
    result = run_query(lab_a, name)
    assert result.variables and result.boolean is None and result.triples is None
    # every piece of lab-a's evidence names its source: the one query that answers nothing there, but for the
    # cross-lab queries, which need several labs linked (tests/test_link.py)
    assert bool(result.rows) == (name != "unsourced-evidence" and not name.startswith("cross-"))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_parameter_is_a_projected_variable_or_an_option(lab_a: Store, name: str) -> None:
    variables = run_query(lab_a, name).variables
    for parameter in QUERIES[name].parameters:
        if parameter.type == "boolean":
            # an option: read once, as false when not given
            assert parameter.name not in variables
            assert QUERIES[name].text.count(f"?{parameter.name}") == 1
            assert f"COALESCE(?{parameter.name}, false)" in QUERIES[name].text
        else:
            assert parameter.name in variables
            assert parameter.type in ("string", "iri", "integer", "date")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_is_standard_sparql_for_rdflib_bound_or_not(name: str) -> None:
    """rdflib's SPARQL 1.1 parser (pyparsing, its own grammar) takes every query, and each with its parameters bound
    (Jena's parser takes them too: test_engines.py)."""
    from rdflib.plugins.sparql import prepareQuery

    query = QUERIES[name]
    prepareQuery(query.text)
    values = {"iri": "<https://example.org/x>", "string": 'a "b" \\ c', "integer": "3", "date": "2024-01-02"}
    params = {p.name: values.get(p.type, "true") for p in query.parameters}
    bound = bound_query(name, params)
    assert bound.count("VALUES ?") == query.text.count("VALUES ?") + len(params)
    prepareQuery(bound)


# The cross-lab queries answer nothing on one lab: tests/test_link.py checks their parameters on three.
PARAMETERS = [
    (name, p.name)
    for name, query in sorted(QUERIES.items())
    for p in query.parameters
    if not name.startswith("cross-") and p.type != "boolean"
]
OPTIONS = [(name, p.name) for name, query in sorted(QUERIES.items()) for p in query.parameters if p.type == "boolean"]


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_a_parameter_narrows_to_exactly_the_rows_of_its_value(lab_a: Store, name: str, parameter: str) -> None:
    """Bound to a value, a query gives exactly the unbound query's rows that have that value, in the same order."""
    kind = {p.name: p.type for p in QUERIES[name].parameters}[parameter]
    everything = records(run_query(lab_a, name))
    values = sorted({row[parameter] for row in everything if row[parameter] is not None})
    assert values, f"no {parameter} in {name}'s answer on lab-a"
    for v in values:
        bound = records(run_query(lab_a, name, {parameter: f"<{v}>" if kind == "iri" else v}))
        assert bound == [row for row in everything if row[parameter] == v]
    if len(values) > 1:
        assert len(bound) < len(everything)


@pytest.mark.parametrize(("name", "parameter"), PARAMETERS)
def test_a_hostile_parameter_matches_nothing_and_changes_nothing(lab_a: Store, name: str, parameter: str) -> None:
    kind = {p.name: p.type for p in QUERIES[name].parameters}[parameter]
    before = size(lab_a)
    if kind == "iri":
        for hostile in HOSTILE_IRIS:
            with pytest.raises(QueryError, match=f"parameter {parameter}"):
                run_query(lab_a, name, {parameter: hostile})
        assert run_query(lab_a, name, {parameter: HOSTILE_VALID_IRI}).rows == []
    else:
        for hostile in HOSTILE_STRINGS:
            assert run_query(lab_a, name, {parameter: hostile}).rows == []
    assert size(lab_a) == before
    assert run_query(lab_a, name).rows, "the store still answers"


@pytest.mark.parametrize(("name", "option"), OPTIONS)
def test_an_option_is_true_or_false_and_nothing_else(lab_a: Store, name: str, option: str) -> None:
    default = run_query(lab_a, name).rows
    assert run_query(lab_a, name, {option: "false"}).rows == default
    assert run_query(lab_a, name, {option: "no"}).rows == default
    for hostile in ["maybe", *HOSTILE_STRINGS]:
        with pytest.raises(QueryError, match=f"parameter {option}: .* is not a valid boolean"):
            run_query(lab_a, name, {option: hostile})


def test_a_parameter_of_the_wrong_type_matches_nothing(lab_a: Store) -> None:
    # an IRI parameter given a title is refused (not an IRI), or names nothing; a string parameter matches exactly
    with pytest.raises(QueryError, match="is not a valid iri"):
        run_query(lab_a, "evidence-for-question", {"question": RETENTION})
    assert run_query(lab_a, "evidence-for-question", {"question": "urn:retention"}).rows == []
    # a name is a name however it is typed (case, accents, spaces), but never an IRI
    assert run_query(lab_a, "notes-by-author", {"author": "maya okafor"}).rows == (
        run_query(lab_a, "notes-by-author", {"author": "Maya Okafor"}).rows
    )
    unknown = run_query(lab_a, "notes-by-author", {"author": "<Maya Okafor>"})
    assert unknown.rows == [] and unknown.notes[0].startswith("no author named '<Maya Okafor>' in the store (")


# -- lab-a ----------------------------------------------------------------------------------------------------------


def test_lab_a_open_questions(lab_a: Store) -> None:
    # The replay question is informed only by a source (Vaswani): reading to start from, not an answer, so it is
    # open. The retention question is informed by three pieces of evidence. No claim addresses either.
    rows = ask(lab_a, "open-questions", None, "question_title", "author", "created", "sources", "source_titles")
    assert rows == [(REPLAY, "Ravi Raman", "2023-03-17T17:45:10+05:30", "1", VASWANI)]
    assert ask(lab_a, "open-questions", {"question": iri_of(lab_a, RETENTION)}, "question_title") == []
    assert ask(lab_a, "open-questions", {"question": iri_of(lab_a, REPLAY)}, "question_title") == [(REPLAY,)]


def test_lab_a_evidence_for_question(lab_a: Store) -> None:
    expected = [
        (RETENTION, EVD_MOTOR, WALKER),
        (RETENTION, EVD_NO_GAIN, NGUYEN),
        (RETENTION, EVD_DECLARATIVE, DIEKELMANN),
    ]
    columns = ("question_title", "evidence_title", "source_title")
    assert ask(lab_a, "evidence-for-question", None, *columns) == expected
    assert ask(lab_a, "evidence-for-question", {"question": iri_of(lab_a, RETENTION)}, *columns) == expected
    assert ask(lab_a, "evidence-for-question", {"question": iri_of(lab_a, REPLAY)}, *columns) == []


def test_lab_a_contested_claims(lab_a: Store) -> None:
    rows = ask(lab_a, "contested-claims", None, "claim_title", "supporting", "opposing")
    assert rows == [(RECALL, "2", "1")]


def test_lab_a_claims_by_support(lab_a: Store) -> None:
    rows = ask(lab_a, "claims-by-support", None, "claim_title", "supporting", "opposing", "net_support")
    assert rows == [(RECALL, "2", "1", "1"), (PROCEDURAL, "0", "1", "-1")]


def test_lab_a_unsourced_evidence(lab_a: Store) -> None:
    # all three evidence notes name a source: two by FromSource::/SourceFor::, one by its title's [[@citekey]] only
    assert run_query(lab_a, "unsourced-evidence").rows == []


def test_lab_a_source_informs(lab_a: Store) -> None:
    columns = ("citekey", "source_title", "relation", "target_title", "evidence_title")
    assert ask(lab_a, "source-informs", None, *columns) == [
        ("diekelmannMemoryFunctionSleep2010", DIEKELMANN, "informs", RETENTION, EVD_DECLARATIVE),
        ("diekelmannMemoryFunctionSleep2010", DIEKELMANN, "supports", RECALL, EVD_DECLARATIVE),
        ("nguyenNoOvernightGain2021", NGUYEN, "informs", RETENTION, EVD_NO_GAIN),
        ("nguyenNoOvernightGain2021", NGUYEN, "opposes", RECALL, EVD_NO_GAIN),
        ("vaswaniAttentionAllYou2017", VASWANI, "informs", REPLAY, None),
        ("walkerSleepDependentLearning2004", WALKER, "informs", RETENTION, EVD_MOTOR),
        ("walkerSleepDependentLearning2004", WALKER, "opposes", PROCEDURAL, EVD_MOTOR),
        ("walkerSleepDependentLearning2004", WALKER, "supports", RECALL, EVD_MOTOR),
    ]
    walker = [("informs", RETENTION), ("opposes", PROCEDURAL), ("supports", RECALL)]
    by_key = ask(lab_a, "source-informs", {"citekey": "walkerSleepDependentLearning2004"}, "relation", "target_title")
    assert by_key == walker
    by_iri = ask(lab_a, "source-informs", {"source": iri_of(lab_a, WALKER)}, "relation", "target_title")
    assert by_iri == walker
    # the source that has no note of its own is found by its citekey too
    nguyen = ask(lab_a, "source-informs", {"citekey": "nguyenNoOvernightGain2021"}, "relation", "target_title")
    assert nguyen == [("informs", RETENTION), ("opposes", RECALL)]
    # a citekey written with its @ names the same source
    walker = ask(lab_a, "source-informs", {"citekey": "walkerSleepDependentLearning2004"}, "relation")
    assert (
        walker and ask(lab_a, "source-informs", {"citekey": "@walkerSleepDependentLearning2004"}, "relation") == walker
    )


def test_lab_a_notes_by_author(lab_a: Store) -> None:
    rows = ask(lab_a, "notes-by-author", None, "author", "type", "title", "created")
    assert rows == [
        ("Maya Okafor", DG + "Question", RETENTION, "2023-03-13T08:00:00-04:00"),
        ("Maya Okafor", DG + "SourceDocument", DIEKELMANN, "2023-03-14T09:12:44-04:00"),
        ("Maya Okafor", DG + "Evidence", EVD_DECLARATIVE, "2023-03-14T09:30:00-04:00"),
        ("Maya Okafor", DG + "SourceDocument", VASWANI, "2023-03-15T22:01:05+01:00"),
        ("Maya Okafor", DG + "SourceDocument", WALKER, "2023-03-16T10:30:00-04:00"),
        ("Maya Okafor", DG + "Evidence", EVD_MOTOR, "2023-03-16T10:45:00-04:00"),
        ("Maya Okafor", DG + "Claim", RECALL, "2023-03-18T11:11:11-04:00"),
        ("Ravi Raman", DG + "Question", REPLAY, "2023-03-17T17:45:10+05:30"),
        ("Ravi Raman", DG + "Claim", PROCEDURAL, "2023-03-18T12:00:00-04:00"),
        ("Ravi Raman", DG + "Evidence", EVD_NO_GAIN, "2023-03-19T20:02:02+08:00"),
    ]
    ravi = ask(lab_a, "notes-by-author", {"author": "Ravi Raman"}, "title")
    assert ravi == [(REPLAY,), (PROCEDURAL,), (EVD_NO_GAIN,)]
    # a source's authors (dcterms:creator) are not its page's author
    assert ask(lab_a, "notes-by-author", {"author": "Jan Born"}, "title") == []


def test_lab_a_dangling_links(lab_a: Store) -> None:
    rows = ask(lab_a, "dangling-links", None, "target_name", "target_type", "link", "page_name", "path")
    assert rows == [
        (
            "@nguyenNoOvernightGain2021",
            DG + "SourceDocument",
            DG + "sourceDocument",
            f"[[EVD]] - {EVD_NO_GAIN} - [[@nguyenNoOvernightGain2021]]",
            "EVD - No overnight gain for a finger-tapping task once time of day was con...ay of testing"
            " - @nguyenNoOvernightGain2021.md",
        ),
        (
            "Jan Born",
            RN + "Page",
            "http://purl.org/dc/terms/references",
            f"[[QUE]] - {RETENTION}",
            "QUE - Does sleep after learning improve retention.md",
        ),
        (
            "Notes",
            RN + "Page",
            "http://purl.org/dc/terms/references",
            "@diekelmannMemoryFunctionSleep2010",
            "@diekelmannMemoryFunctionSleep2010.md",
        ),
        (
            "spaced repetition",
            RN + "Page",
            "http://purl.org/dc/terms/references",
            f"[[QUE]] - {RETENTION}",
            "QUE - Does sleep after learning improve retention.md",
        ),
    ]


def test_lab_a_consistent_evidence_matches_both_directions(lab_a: Store) -> None:
    # stated once (Consistent With:: on one page), stored once with the smaller IRI first
    rows = ask(lab_a, "consistent-evidence", None, "node_title", "consistent_with_title")
    assert rows == [(EVD_MOTOR, EVD_DECLARATIVE), (EVD_DECLARATIVE, EVD_MOTOR)]
    for this, other in ((EVD_MOTOR, EVD_DECLARATIVE), (EVD_DECLARATIVE, EVD_MOTOR)):
        only = ask(lab_a, "consistent-evidence", {"node": iri_of(lab_a, this)}, "node_title", "consistent_with_title")
        assert only == [(this, other)]
    assert ask(lab_a, "consistent-evidence", {"node": iri_of(lab_a, RECALL)}, "node_title") == []


def test_lab_a_question_overview(lab_a: Store) -> None:
    rows = ask(lab_a, "question-overview", None, "question_title", "evidence", "claims", "others", "sources")
    assert rows == [(REPLAY, "0", "0", "0", "1"), (RETENTION, "3", "0", "0", "3")]
    assert ask(lab_a, "question-overview", {"question": iri_of(lab_a, RETENTION)}, "question_title") == [(RETENTION,)]


NAP_NOTE = """---
title: [[EVD]] - A nap before the test helped recall
url: https://roamresearch.com/#/app/lab-a-sleep/page/EvD-nap-04
author: Ravi Raman
date: Mon Mar 20 2023 10:00:00 GMT-0400 (Eastern Daylight Time)
---

- Pilot, n = 6; no source yet

###### Discourse Context

- **Informs::** [[QUE - Can replay in artificial networks explain sleep benefits]]
"""


def test_evidence_without_a_source_closes_a_question_and_is_unsourced(tmp_path: Path) -> None:
    """lab-a plus one evidence note that names no source and informs the replay question."""
    notes = tmp_path / "lab-a"
    shutil.copytree(LAB_A, notes)
    (notes / "EVD - A nap before the test helped recall.md").write_text(NAP_NOTE, encoding="utf-8")
    with Store(tmp_path / "store") as store:
        assert load([notes], store, load_config()).problems == []
        assert run_query(store, "open-questions").rows == []
        unsourced = ask(store, "unsourced-evidence", None, "evidence_title", "author", "created", "path")
        assert unsourced == [
            (
                "A nap before the test helped recall",
                "Ravi Raman",
                "2023-03-20T10:00:00-04:00",
                "EVD - A nap before the test helped recall.md",
            )
        ]
        replay = ask(store, "evidence-for-question", {"question": iri_of(store, REPLAY)}, "evidence_title", "source")
        assert replay == [("A nap before the test helped recall", None)]
        overview = ask(store, "question-overview", None, "question_title", "evidence", "sources")
        assert overview == [(REPLAY, "1", "1"), (RETENTION, "3", "3")]


# -- seed -----------------------------------------------------------------------------------------------------------

SEED_QUESTION = "What do we know about transformer language models' natural language generation capabilities"
FOUNDATION_MODELS = "On the Opportunities and Risks of Foundation Models"


def test_seed_a_question_only_linked_to_is_open_when_asked(seed: Store) -> None:
    # The seed's question has no note of its own (only the source page links to it): left out unless asked for.
    columns = ("question_title", "author", "created", "sources", "source_titles")
    assert ask(seed, "open-questions", None, *columns) == []
    rows = ask(seed, "open-questions", {"include_linked": "true"}, *columns)
    assert rows == [(SEED_QUESTION, None, None, "1", FOUNDATION_MODELS)]
    informs = ask(
        seed,
        "source-informs",
        {"citekey": "bommasaniOpportunitiesRisksFoundation2021"},
        "relation",
        "target_title",
        "evidence",
    )
    assert informs == [("informs", SEED_QUESTION, None)]
    assert ask(seed, "question-overview", None, "question_title") == []
    overview = ask(seed, "question-overview", {"include_linked": "yes"}, "question_title", "evidence", "sources")
    assert overview == [(SEED_QUESTION, "0", "1")]


def test_seed_dangling_links(seed: Store) -> None:
    rows = ask(seed, "dangling-links", None, "target_name", "target_type", "link", "page_name")
    source = "@bommasaniOpportunitiesRisksFoundation2021"
    assert rows == [
        ("QUE - " + SEED_QUESTION, DG + "Question", RN + "informs", source),
        ("Notes", RN + "Page", "http://purl.org/dc/terms/references", source),
    ]


# -- roam-2024-dg-social-media, against its Neo4j CSV export --------------------------------------------------------

NEO4J_CLASS = {
    "QUESTION": DG + "Question",
    "CLAIM": DG + "Claim",
    "EVIDENCE": DG + "Evidence",
    "SOURCE": DG + "SourceDocument",
}
NEO4J_RELATION = {"SUPPORTS": DG + "supports", "OPPOSES": DG + "opposes", "INFORMS": RN + "informs"}


def _neo4j(kind: str) -> list[dict[str, str]]:
    (path,) = NEO4J.glob(f"*_{kind}.csv")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


TEMPLATE = "28piBtyCP"
"""The node template "[[EVD]] - This is a Evidence page. - {Source}" (it supports one claim): a template, not a note,
so the load leaves it out with its relation; the Neo4j export's rows are compared without it."""


@pytest.fixture(scope="module")
def neo4j_nodes() -> dict[str, dict[str, str]]:
    return {row["uid:ID"]: row for row in _neo4j("nodes") if row["uid:ID"] != TEMPLATE}


@pytest.fixture(scope="module")
def neo4j_relations() -> list[tuple[str, str, str]]:
    rows = [(row["start:START_ID"], row["label:TYPE"], row["end:END_ID"]) for row in _neo4j("relations")]
    return [row for row in rows if TEMPLATE not in row]


def test_social_media_relation_counts_are_the_neo4j_ones(social_media: Store) -> None:
    text = (
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ <{DG}supports> <{DG}opposes> <{RN}informs> }} ?a ?p ?b }} "
        "GROUP BY ?p ORDER BY ?p"
    )
    counts = {row["p"]: row["n"] for row in records(run_query(social_media, "counts", text=text))}
    assert counts == {DG + "supports": "64", DG + "opposes": "8", RN + "informs": "1"}


def test_social_media_relations_are_the_neo4j_ones(
    social_media: Store, neo4j_relations: list[tuple[str, str, str]]
) -> None:
    uid = uids(social_media)
    relations = f"<{DG}supports> <{DG}opposes> <{RN}informs> <{DG}addresses>"
    text = f"SELECT ?a ?p ?b WHERE {{ VALUES ?p {{ {relations} }} ?a ?p ?b }}"
    ours = [(uid[r["a"]], r["p"], uid[r["b"]]) for r in records(run_query(social_media, "relations", text=text))]
    theirs = [(a, NEO4J_RELATION[kind], b) for a, kind, b in neo4j_relations]
    assert len(theirs) == 73
    assert sorted(ours) == sorted(theirs)


def test_social_media_claims_by_support(
    social_media: Store, neo4j_nodes: dict[str, dict[str, str]], neo4j_relations: list[tuple[str, str, str]]
) -> None:
    uid = uids(social_media)
    rows = records(run_query(social_media, "claims-by-support"))
    claims = {uid[r["claim"]]: (int(r["supporting"]), int(r["opposing"]), int(r["net_support"])) for r in rows}
    assert set(claims) == {u for u, n in neo4j_nodes.items() if n["label:LABEL"] == "CLAIM"}
    assert len(rows) == 123
    supports = Counter(b for _, kind, b in neo4j_relations if kind == "SUPPORTS")
    opposes = Counter(b for _, kind, b in neo4j_relations if kind == "OPPOSES")
    assert claims == {c: (supports[c], opposes[c], supports[c] - opposes[c]) for c in claims}
    assert sum(s for s, _, _ in claims.values()) == 64 and sum(o for _, o, _ in claims.values()) == 8
    nets = [int(r["net_support"]) for r in rows]
    assert nets == sorted(nets, reverse=True) and nets[0] == 2


def test_social_media_contested_claims(social_media: Store, neo4j_relations: list[tuple[str, str, str]]) -> None:
    uid = uids(social_media)
    supports = Counter(b for _, kind, b in neo4j_relations if kind == "SUPPORTS")
    opposes = Counter(b for _, kind, b in neo4j_relations if kind == "OPPOSES")
    expected = {c: (supports[c], opposes[c]) for c in supports if c in opposes}
    rows = records(run_query(social_media, "contested-claims"))
    assert {uid[r["claim"]]: (int(r["supporting"]), int(r["opposing"])) for r in rows} == expected
    assert sorted(r["claim_title"] for r in rows) == [
        "Emotions toward the opposing candidate affects disagreement expression on social media.",
        "Twitter users are generally aggregated in homogeneous communities.",
    ]


def test_social_media_source_informs(social_media: Store, neo4j_relations: list[tuple[str, str, str]]) -> None:
    # Every Neo4j relation once, through the source of its evidence (each names one): the template page, which
    # names none, is not loaded.
    uid = uids(social_media)
    assert records(run_query(social_media, "unsourced-evidence")) == []
    rows = records(run_query(social_media, "source-informs"))
    assert Counter((r["relation"], r["evidence"] is None) for r in rows) == {
        ("supports", False): 64,
        ("opposes", False): 8,
        ("informs", True): 1,
    }
    through_evidence = sorted((uid[r["evidence"]], r["relation"], uid[r["target"]]) for r in rows if r["evidence"])
    assert through_evidence == sorted((a, kind.lower(), b) for a, kind, b in neo4j_relations if kind != "INFORMS")
    direct = [(r["citekey"], r["target_title"]) for r in rows if r["evidence"] is None]
    assert direct == [
        (
            "lorenz-spreenSystematicReviewWorldwide2023",
            "What is the relationship between social media and political polarization?",
        )
    ]


def test_social_media_notes_by_author(social_media: Store, neo4j_nodes: dict[str, dict[str, str]]) -> None:
    uid = uids(social_media)
    rows = records(run_query(social_media, "notes-by-author"))
    assert len(rows) == len(neo4j_nodes) == 267
    ours = {uid[r["node"]]: (r["author"], r["type"]) for r in rows}
    assert ours == {u: (n["author"], NEO4J_CLASS[n["label:LABEL"]]) for u, n in neo4j_nodes.items()}
    # created: the CSV gives the local wall-clock time the page's date has before its offset
    for r in rows:
        created = datetime.datetime.fromisoformat(r["created"])
        wall = datetime.datetime.strptime(neo4j_nodes[uid[r["node"]]]["date"], "%m/%d/%Y, %I:%M:%S %p")
        assert created.replace(tzinfo=None) == wall
    per_author = Counter(n["author"] for n in neo4j_nodes.values())
    assert per_author == {
        "Jay Patel": 93,
        "Carolina Franca Tristao Batista": 70,
        "Joel Chan": 46,
        "Flavia Batista": 41,
        "Michael Gartner": 17,
    }
    assert Counter(r["author"] for r in rows) == per_author
    gartner = records(run_query(social_media, "notes-by-author", {"author": "Michael Gartner"}))
    assert len(gartner) == 17 and {r["author"] for r in gartner} == {"Michael Gartner"}


def test_social_media_open_questions(social_media: Store, neo4j_nodes: dict[str, dict[str, str]]) -> None:
    # no claim addresses a question and no evidence informs one; one question is informed by a source only
    rows = ask(social_media, "open-questions", None, "question_title", "author", "sources", "source_titles")
    questions = sorted(
        (n for n in neo4j_nodes.values() if n["label:LABEL"] == "QUESTION"),
        key=lambda n: datetime.datetime.strptime(n["date"], "%m/%d/%Y, %I:%M:%S %p"),
    )
    review = "A systematic review of worldwide causal and correlational evidence on digital media and democracy"
    polarization = "What is the relationship between social media and political polarization?"
    assert rows == [
        (
            n["title"],
            n["author"],
            "1" if n["title"] == polarization else "0",
            review if n["title"] == polarization else "",  # "" for none, as on every engine (test_engines.py)
        )
        for n in questions
    ]
    assert [r[0] for r in rows] == [
        "What speed do immune cells crawl?",
        "TemplateQuestion",
        polarization,
        "Do Pineapples belong on pizza?",
        "What is the relationship between social media and political echo chambers?",
    ]


def test_social_media_unsourced_evidence(social_media: Store) -> None:
    # of the 91 evidence files, only the template page has no [[@citekey]] in its name: it is not loaded
    evidence_files = [p.name for p in (SOCIAL_MEDIA / "md").iterdir() if p.name.startswith("[[EVD]]")]
    assert len(evidence_files) == 91
    assert [name for name in evidence_files if "@" not in name] == ["[[EVD]] - This is a Evidence page. - {Source}.md"]
    assert ask(social_media, "unsourced-evidence", None, "evidence_title", "author", "path") == []


def test_social_media_dangling_discourse_links(social_media: Store) -> None:
    # evidence drafted in a source page's summary tree that never got a page of its own
    rows = records(run_query(social_media, "dangling-links"))
    discourse = [
        (r["target_name"], r["target_type"], r["link"], r["path"]) for r in rows if r["target_type"] != RN + "Page"
    ]
    refs, cited = "http://purl.org/dc/terms/references", DG + "sourceDocument"
    stoica, sainudiin = "@stoicaAlgorithmicGlassCeiling2018.md", "@sainudiinCharacterizingTwitterNetwork2019.md"
    drafts = [  # (name, the source page that links to it, whether the name ends in that source's [[@citekey]])
        ("[[EVD]] - According Poisson regression, recommendations greatl", stoica, True),
        ("[[EVD]] - According to SEM modeling, social media use did not ", "@leeDoesSocialMedia2018.md", True),
        ("[[EVD]] - According to a geometric retweet network model, hate", sainudiin, True),
        ("[[EVD]] - According to degrees of separation analysis, people ", sainudiin, True),
        ("[[EVD]] - According to frequencies, a significant number of us", sainudiin, True),
        ("[[EVD]] - According to graph analysis, recommendations drastic", stoica, True),
        # "[[[[EVD]] - … cohesiveness.]] - [[@worknehSocialMediaProtest2020]]": the citekey is outside the link
        ("[[EVD]] - According to interviews of educated Ethiopians, soci", "@worknehSocialMediaProtest2020.md", False),
        ("[[EVD]] - According to random walk analysis, organic Instagram", stoica, True),
        (
            "[[EVD]] - Significant variation on activation. Larger news org",
            "@arugueteNewsSharingGatekeeping2020.md",
            True,
        ),
    ]
    # the page links to the draft (dcterms:references) and the draft, by its name, comes from that source
    assert [(name[:62], kind, link, path) for name, kind, link, path in discourse] == [
        row
        for name, path, has_citekey in drafts
        for row in [(name, DG + "Evidence", refs, path)]
        + ([(name, DG + "Evidence", cited, path)] if has_citekey else [])
    ]
    # each draft is really named in the page that links to it, and really has no file
    md = SOCIAL_MEDIA / "md"
    names = {p.stem for p in md.iterdir()}
    for name, _, _, path in discourse:
        assert f"[[{name}]]" in (md / path).read_text(encoding="utf-8")
        assert name not in names
    # discourse nodes come before plain pages; no target has a note, every linking page has one
    kinds = [r["target_type"] == RN + "Page" for r in rows]
    assert kinds == sorted(kinds)
    text = "SELECT ?node WHERE { ?file <http://xmlns.com/foaf/0.1/primaryTopic> ?node }"
    with_note = {r["node"] for r in records(run_query(social_media, "notes", text=text))}
    assert len(with_note) == 267  # 268 files, but the template
    assert {r["target"] for r in rows}.isdisjoint(with_note)
    assert {r["page"] for r in rows} <= with_note


# -- what researchers ask (issue 14), through the command line as they type it -------------------------------------


def _cli_csv(store: Path, *args: str) -> str:
    from click.testing import CliRunner

    from rdfnotes.cli import cli

    result = CliRunner().invoke(cli, ["--store", str(store), "query", *args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.stdout.replace("\r\n", "\n")


def test_a_claim_that_informs_a_question_is_counted_and_link_only_questions_wait_to_be_asked(tmp_path: Path) -> None:
    """A question a claim informs counts that claim (before: 0 claims), is not open; a question only linked to (no
    note) is not listed as open nor in the overview (before: both listed it) unless include_linked is given."""
    from lab_pages import context_page, write_lab

    notes = write_lab(
        tmp_path / "lab",
        {
            "QUE - Do naps help": "",
            "QUE - Does caffeine matter": "",
            "CLM - Naps help recall": context_page(("Informs", "QUE - Do naps help")),
            "HYP - Naps replay the day": context_page(("Informs", "QUE - Do naps help")),
            "EVD - A nap study": context_page(("Informs", "QUE - Do naps help"), ("Informs", "QUE - Is it the dark")),
        },
    )
    _load(tmp_path / "store", notes).close()
    base = "https://w3id.org/rdfnotes/id/lab/page/"
    assert _cli_csv(tmp_path / "store", "question-overview") == (
        "question,question_title,evidence,claims,others,sources\n"
        f"{base}que-does-caffeine-matter-f694a144,Does caffeine matter,0,0,0,0\n"
        f"{base}que-do-naps-help-02f6d6cc,Do naps help,1,1,1,0\n"
    )
    assert _cli_csv(tmp_path / "store", "question-overview", "--param", "include_linked=true") == (
        "question,question_title,evidence,claims,others,sources\n"
        f"{base}que-does-caffeine-matter-f694a144,Does caffeine matter,0,0,0,0\n"
        f"{base}que-is-it-the-dark-928783d6,Is it the dark,1,0,0,0\n"
        f"{base}que-do-naps-help-02f6d6cc,Do naps help,1,1,1,0\n"
    )
    assert _cli_csv(tmp_path / "store", "open-questions") == (
        "question,question_title,author,created,sources,source_titles\n"
        f"{base}que-does-caffeine-matter-f694a144,Does caffeine matter,,,0,\n"
    )


def test_the_bound_query_text_is_printed_to_run_elsewhere(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rdfnotes.cli import cli

    args = ["--store", str(tmp_path / "none"), "query", "notes-by-author", "-p", 'author=Maya "M" Okafor']
    result = CliRunner().invoke(cli, [*args, "--format", "sparql"])
    assert result.exit_code == 0, result.output
    text = QUERIES["notes-by-author"].text
    at = text.index("WHERE {\n") + len("WHERE {")
    assert result.stdout == text[:at] + '\n  VALUES ?author { "Maya \\"M\\" Okafor" }' + text[at:]
    assert not (tmp_path / "none").exists()
    endpoint = ["query", "cross-partner-works", "-p", "endpoint=<http://127.0.0.1:7878/sparql>", "--format", "sparql"]
    text = CliRunner().invoke(cli, endpoint).stdout
    assert "SERVICE SILENT <http://127.0.0.1:7878/sparql> {" in text and "SERVICE SILENT ?" not in text
    assert "VALUES ?endpoint { <http://127.0.0.1:7878/sparql> }" in text
