"""``rdfnotes nanopub``: each discourse note of a lab as a signed nanopublication with a Trusty URI.

A nanopublication (https://nanopub.net) is four named graphs: the head, the **assertion** (here: the node's types,
its title, its relations to other nodes, ``dg:sourceDocument`` among them), its **provenance** (the note file it
came from, its author — their ORCID iD where the notes give one —, the DOIs of its sources, when it was written)
and its **publication info** (creator, licence, creation time, the lab). It is signed with the lab's RSA key and
named by a Trusty URI (``http://purl.org/np/RA…``): the hash of its normalised content, so that anyone can check
that it is the very text that was published, by whom.

Signing: the maintained Python library ``nanopub`` (nanopub-py, pure Python over rdflib and pycryptodome), its
normalisation, hashing and renaming steps (see :func:`_sign`). It was
chosen over ``nanopub-sign`` (Python bindings of the Rust nanopub-rs) because it runs on every Python rdfnotes
supports (nanopub-sign ships wheels for Python < 3.13 only), reads the standard ``~/.nanopub/profile.yml``, builds
the standard ``npx:NanopubIndex``, and writes the classic ``http://purl.org/np/RA…#`` form that nanopub-java,
nanopub-rs and nanopub-py all verify (nanopub-sign's own ``https://w3id.org/np/RA…/`` form did not hash the same
under the reference trustyuri-java rules in our checks). The tests check every nanopublication with the *other*
library, nanopub-sign (a separate implementation in Rust), and with the reference rules (trustyuri-java's RA
normalisation, RSA-SHA256 PKCS#1 v1.5) written out independently in ``tests/nanopub_check.py``; not with
nanopub-py's own ``has_valid_signature``, which cannot fail (pycryptodome's legacy ``PKCS1_v1_5.verify`` returns
``False`` rather than raising, and nanopub-py ignores it).

State across runs lives next to the output (``nanopubs.json``): a note whose nanopublication would come out the
same (its content fingerprint: every triple but the creation time) keeps its URI and nothing is rewritten; a
changed one gets a new nanopublication with ``npx:supersedes`` the old; a note that is gone gets a retraction
(``npx:retracts``). Determinism: RSA PKCS#1 v1.5 signatures are deterministic, so a nanopublication's bytes depend
on its content and its creation time alone; the creation time is the time of the run that first made that
version (``SOURCE_DATE_EPOCH`` when set, as reproducible builds do), recorded in the state, never taken again for
an unchanged note.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import QuerySolutions

from .config import Config
from .durable import write_atomically
from .errors import NanopubError
from .labs import Lab, get_lab, labs
from .store import Store
from .vocab import BIBO, DCTERMS, DG, FOAF, PROV, RDF, RDFS, RN, XSD

if TYPE_CHECKING:
    from rdflib.term import Identifier

NP = "http://www.nanopub.org/nschema#"
NPX = "http://purl.org/nanopub/x/"
STATE_FILE = "nanopubs.json"
INDEX_LISTING = "index.tsv"
STATE_FORMAT = 1
MAX_INDEX_ELEMENTS = 1000
"""Elements per index nanopublication (nanopub-py allows 1,100; servers refuse much bigger ones)."""
MAX_ASSERTION_TRIPLES = 1000
"""A note with more relations than this is left out with a message (servers refuse nanopublications of over
~1,200 triples)."""
MAX_LITERAL = 100_000
"""Characters of a title kept in a nanopublication; a longer one is cut (and said)."""
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])\b")
# Triples of a node that are not the claim itself: where to see it, who wrote it (that is provenance).
_NOT_RELATIONS = frozenset({RDFS.seeAlso, PROV.wasAttributedTo, FOAF.primaryTopic})


@dataclass(frozen=True)
class Written:
    """One nanopublication written by a run."""

    kind: str
    """``new``, ``supersedes``, ``retracts`` or ``index``."""
    node: str
    uri: str
    file: str
    replaces: str | None = None


@dataclass
class NanopubReport:
    lab: str
    folder: Path
    written: list[Written] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    """Notes left out, each with the reason."""
    index: str | None = None
    current: int = 0
    """Nanopublications the index lists (one per note)."""
    seconds: float = 0.0

    def count(self, kind: str) -> int:
        return sum(1 for item in self.written if item.kind == kind)


@dataclass
class PublishReport:
    url: str
    sent: int = 0
    already: int = 0


# -- keys and profiles ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """Who signs: an RSA key pair and the ORCID iD (or other IRI) and name that go with it."""

    orcid: str
    name: str
    private_key: str
    """Base64 of the PKCS#8 DER key, as nanopub profiles keep it (``id_rsa``)."""
    public_key: str


def orcid_iri(value: str) -> str:
    """An ORCID iD as its IRI; any other http(s) IRI as it is.

    >>> orcid_iri("0000-0002-1825-0097")
    'https://orcid.org/0000-0002-1825-0097'
    """
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text):
        return f"https://orcid.org/{text}"
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
        raise NanopubError(f"not an ORCID iD nor an http(s) IRI: {value!r}")
    return text


def git_work_tree(folder: Path) -> Path | None:
    """The git work tree ``folder`` is in (the nearest parent holding ``.git``), if any."""
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def generate_keys(folder: Path, *, orcid: str, name: str) -> Path:
    """Make a new RSA key pair and a nanopub profile in ``folder`` (``id_rsa``, ``id_rsa.pub``, ``profile.yml``).

    Refuses a folder inside a git work tree (a private key must not be committed by accident) and a folder that
    already holds a key. Returns the profile's path.
    """
    from Crypto.PublicKey import RSA  # pycryptodome, which nanopub-py signs with

    folder = folder.expanduser().resolve()
    tree = git_work_tree(folder)
    if tree is not None:
        raise NanopubError(
            f"{folder}: inside the git work tree {tree}: keep private keys out of repositories (name a folder "
            "elsewhere, such as ~/.nanopub)"
        )
    if (folder / "id_rsa").exists():
        raise NanopubError(f"{folder / 'id_rsa'}: a key is already there; not overwritten")
    iri = orcid_iri(orcid)
    key = RSA.generate(2048)
    private = key.export_key(format="DER", pkcs=8)
    public = _public_der(key)
    import base64

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        private_path = folder / "id_rsa"
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(base64.b64encode(private).decode() + "\n")
        (folder / "id_rsa.pub").write_text(base64.b64encode(public).decode() + "\n")
        profile = folder / "profile.yml"
        profile.write_text(
            f"orcid_id: {iri}\nname: {json.dumps(name)}\npublic_key: {folder / 'id_rsa.pub'}\n"
            f"private_key: {private_path}\nintroduction_nanopub_uri:\n"
        )
    except OSError as exc:
        raise NanopubError(f"{folder}: cannot write the keys ({exc.strerror})") from None
    return profile


def load_signer(path: Path | None = None) -> Signer:
    """The signer of a nanopub profile: ``path`` is its ``profile.yml`` or the folder holding it; by default the
    user's own, ``~/.nanopub/profile.yml`` (as nanopub-py and nanopub-java keep it)."""
    import yaml
    from Crypto.PublicKey import RSA

    profile = (path or Path.home() / ".nanopub").expanduser()
    if profile.is_dir():
        profile = profile / "profile.yml"
    try:
        data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NanopubError(
            f"{profile}: no nanopub profile ({exc.strerror}); make keys with --new-keys DIR --orcid ID, or name a "
            "profile with --keys"
        ) from None
    except yaml.YAMLError as exc:
        raise NanopubError(f"{profile}: not a nanopub profile (not YAML: {exc})") from None
    if not isinstance(data, dict) or not data.get("private_key"):
        raise NanopubError(f"{profile}: not a nanopub profile (no private_key)")
    key_path = Path(str(data["private_key"])).expanduser()
    if not key_path.is_absolute():
        key_path = profile.parent / key_path
    try:
        text = key_path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise NanopubError(f"{key_path}: cannot read the private key ({getattr(exc, 'strerror', exc)})") from None
    try:
        key = RSA.import_key(text if text.startswith("-----") else _b64decode(text))
    except (ValueError, IndexError, TypeError):
        raise NanopubError(f"{key_path}: not an RSA private key") from None
    if not key.has_private():
        raise NanopubError(f"{key_path}: a public key, not the private one")
    import base64

    return Signer(
        orcid=orcid_iri(str(data.get("orcid_id") or "")),
        name=str(data.get("name") or ""),
        private_key=base64.b64encode(key.export_key(format="DER", pkcs=8)).decode(),
        public_key=base64.b64encode(_public_der(key)).decode(),
    )


def _public_der(key: Any) -> bytes:
    der: bytes = key.publickey().export_key(format="DER")
    return der


def _b64decode(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=False)
    except binascii.Error:
        raise ValueError("not base64") from None


# -- what a note says ----------------------------------------------------------------------------------------


@dataclass
class _Note:
    node: str
    file: str
    path: str
    types: set[str] = field(default_factory=set)
    title: list[Any] = field(default_factory=list)
    relations: set[tuple[str, str]] = field(default_factory=set)
    authors: set[str] = field(default_factory=set)
    created: list[Any] = field(default_factory=list)


def discourse_classes(config: Config) -> set[str]:
    """The classes of the lab's discourse nodes: every configured node type but sources."""
    return {node_type.class_iri for node_type in config.node_types} - {config.source_class}


def _rows(store: Store, query: str) -> Iterator[dict[str, Any]]:
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    for row in results:
        yield {name: row[name] for name in names if row[name] is not None}


People = dict[str, tuple[str | None, str]]
"""Each person's IRI -> their ORCID iD (an IRI), if the notes give one, and their name."""


def _notes(store: Store, lab: Lab, config: Config) -> tuple[dict[str, _Note], People, dict[str, list[str]]]:
    """The lab's discourse notes (by node IRI), its people (IRI -> ORCID IRI, name) and sources' DOIs."""
    classes = discourse_classes(config)
    graphs = set(lab.graphs)
    values = " ".join(f"<{c}>" for c in sorted(classes))
    notes: dict[str, _Note] = {}
    for row in _rows(
        store,
        f"SELECT ?node ?class ?file ?path WHERE {{ VALUES ?class {{ {values} }} "
        f"?file <{FOAF.primaryTopic}> ?node ; <{RN.path}> ?path . ?node a ?class }}",
    ):
        file = row["file"].value
        if file not in graphs:
            continue
        node = row["node"].value
        note = notes.get(node)
        # Two files claiming one node (validate reports it): the first file by IRI, every run the same.
        if note is None or file < note.file:
            notes[node] = note = _Note(node=node, file=file, path=row["path"].value, types=set())
        note.types.add(row["class"].value)
    node_classes = " ".join(f"<{c}>" for c in sorted(classes | {config.source_class}))
    targets = {
        row["n"].value for row in _rows(store, f"SELECT DISTINCT ?n WHERE {{ VALUES ?c {{ {node_classes} }} ?n a ?c }}")
    }
    for row in _rows(
        store,
        f"SELECT ?node ?p ?o WHERE {{ VALUES ?c {{ {values} }} ?f <{FOAF.primaryTopic}> ?node . ?node a ?c ; ?p ?o }}",
    ):
        note = notes.get(row["node"].value)
        if note is None:
            continue
        p, o = row["p"].value, row["o"]
        if p == RDF.type:
            note.types.add(o.value)
        elif p == DCTERMS.title:
            note.title.append(o)
        elif p == PROV.wasAttributedTo:
            note.authors.add(o.value)
        elif p == DCTERMS.created:
            note.created.append(o)
        elif p not in _NOT_RELATIONS and o.value in targets and type(o).__name__ == "NamedNode":
            note.relations.add((p, o.value))
    people: dict[str, tuple[str | None, str]] = {}
    for row in _rows(
        store,
        f"SELECT ?person ?p ?v WHERE {{ ?node <{PROV.wasAttributedTo}> ?person . ?person ?p ?v }}",
    ):
        person = row["person"].value
        orcid, name = people.get(person, (None, ""))
        value, p = row["v"].value, row["p"].value
        if p == FOAF.name and not name:
            name = value
        if orcid is None and ("orcid" in value.lower() or "orcid" in p.lower()) and (m := _ORCID.search(value)):
            orcid = f"https://orcid.org/{m.group(1)}"
        people[person] = (orcid, name)
    dois: dict[str, list[str]] = {}
    for row in _rows(store, f"SELECT ?s ?doi WHERE {{ ?s <{BIBO.doi}> ?doi }}"):
        dois.setdefault(row["s"].value, []).append(row["doi"].value)
    return notes, people, dois


# -- building and signing -------------------------------------------------------------------------------------


@dataclass
class _Parts:
    """A nanopublication before signing: triples of rdflib terms, the nanopub's own IRIs as nanopub-py's dummies."""

    label: str
    assertion: list[tuple[Identifier, Identifier, Identifier]] = field(default_factory=list)
    provenance: list[tuple[Identifier, Identifier, Identifier]] = field(default_factory=list)
    pubinfo: list[tuple[Identifier, Identifier, Identifier]] = field(default_factory=list)

    def fingerprint(self) -> str:
        """What makes this version this version: every triple (the creation time and supersedes are added later)."""
        digest = hashlib.sha256()
        for name, triples in (("a", self.assertion), ("p", self.provenance), ("i", self.pubinfo)):
            for line in sorted(" ".join(term.n3() for term in triple) for triple in triples):
                digest.update(f"{name} {line}\n".encode())
        return digest.hexdigest()


def _literal(term: Any) -> Any:
    """A pyoxigraph literal as an rdflib one, its lexical form exactly as stored (no normalising)."""
    from rdflib import Literal, URIRef

    value = term.value
    if len(value) > MAX_LITERAL:
        value = value[:MAX_LITERAL]
    if term.language:
        return Literal(value, lang=term.language, normalize=False)
    datatype = term.datatype.value
    return Literal(value, datatype=None if datatype == XSD.string else URIRef(datatype), normalize=False)


def _note_parts(
    note: _Note,
    people: People,
    dois: dict[str, list[str]],
    *,
    signer: Signer,
    licence: str | None,
    dataset: str,
    lab: str,
) -> _Parts:
    from nanopub.definitions import DUMMY_NAMESPACE
    from rdflib import Literal, URIRef

    this, assertion = DUMMY_NAMESPACE[""], DUMMY_NAMESPACE["assertion"]
    node = URIRef(note.node)
    title = _literal(note.title[0]) if note.title else None
    parts = _Parts(label=str(title) if title is not None else note.node)
    for type_iri in sorted(note.types):
        parts.assertion.append((node, URIRef(RDF.type), URIRef(type_iri)))
    for t in sorted(note.title, key=lambda t: t.value):
        parts.assertion.append((node, URIRef(DCTERMS.title), _literal(t)))
    for p, o in sorted(note.relations):
        parts.assertion.append((node, URIRef(p), URIRef(o)))
    prov = parts.provenance
    prov.append((assertion, URIRef(PROV.wasDerivedFrom), URIRef(note.file)))
    prov.append((URIRef(note.file), URIRef(RN.path), Literal(note.path)))
    for person in sorted(note.authors):
        orcid, name = people.get(person, (None, ""))
        who = URIRef(orcid or person)
        prov.append((assertion, URIRef(PROV.wasAttributedTo), who))
        if name:
            prov.append((who, URIRef(FOAF.name), Literal(name)))
    for _, source in sorted(r for r in note.relations if r[0] == DG.sourceDocument):
        for doi in sorted(dois.get(source, ())):
            prov.append((assertion, URIRef(PROV.hadPrimarySource), URIRef(f"https://doi.org/{doi}")))
    for created in sorted(note.created, key=lambda t: t.value):
        prov.append((assertion, URIRef(PROV.generatedAtTime), _literal(created)))
    info = parts.pubinfo
    info.append((this, URIRef(DCTERMS.creator), URIRef(signer.orcid)))
    if licence:
        info.append((this, URIRef(DCTERMS.license), URIRef(licence)))
    info.append((this, URIRef(DCTERMS.source), URIRef(dataset)))
    info.append((this, URIRef(RDFS.label), Literal(f"{lab}: {parts.label}")))
    return parts


def _retraction_parts(
    old_uri: str, node: str, *, signer: Signer, licence: str | None, dataset: str, lab: str
) -> _Parts:
    from nanopub.definitions import DUMMY_NAMESPACE
    from rdflib import Literal, URIRef

    this, assertion = DUMMY_NAMESPACE[""], DUMMY_NAMESPACE["assertion"]
    parts = _Parts(label=f"retraction of {old_uri}")
    parts.assertion.append((URIRef(signer.orcid), URIRef(NPX + "retracts"), URIRef(old_uri)))
    parts.provenance.append((assertion, URIRef(PROV.wasAttributedTo), URIRef(signer.orcid)))
    parts.provenance.append((assertion, URIRef(PROV.wasDerivedFrom), URIRef(node)))
    parts.pubinfo.append((this, URIRef(DCTERMS.creator), URIRef(signer.orcid)))
    if licence:
        parts.pubinfo.append((this, URIRef(DCTERMS.license), URIRef(licence)))
    parts.pubinfo.append((this, URIRef(DCTERMS.source), URIRef(dataset)))
    parts.pubinfo.append((this, URIRef(RDFS.label), Literal(f"{lab}: the note {node} was removed")))
    return parts


def _profile(signer: Signer) -> Any:
    from nanopub.profile import Profile

    return Profile(
        orcid_id=signer.orcid, name=signer.name, private_key=signer.private_key, public_key=signer.public_key
    )


def _sign(parts: _Parts, signer: Signer, created: str, supersedes: str | None = None) -> tuple[str, bytes]:
    """Sign with nanopub-py: the nanopublication's Trusty URI and its TriG.

    nanopub-py's own steps (its RDF normalisation ``RdfHasher.normalize_quads``, its hash ``RdfHasher.make_hash``
    and its renaming ``replace_trusty_in_graph``), in the order of its ``sign_utils.add_signature``, with one
    difference: the private key is read once per run, not once per nanopublication (pycryptodome checks the
    primes of a key it imports: 60 ms each). Not through its ``Nanopub`` class either, which parses two SPARQL
    queries per nanopublication with rdflib (0.3 s each); the four graphs built here are those its class builds.
    """
    from base64 import b64encode

    from Crypto.Hash import SHA256
    from Crypto.Signature import pkcs1_15
    from nanopub.definitions import DUMMY_NAMESPACE
    from nanopub.sign_utils import replace_trusty_in_graph
    from nanopub.trustyuri.rdf import RdfHasher, RdfUtils
    from rdflib import ConjunctiveGraph, Graph, Literal, URIRef

    this = DUMMY_NAMESPACE[""]
    base = str(DUMMY_NAMESPACE)
    get_quads: Any = RdfUtils.get_quads  # untyped in nanopub-py
    normalize_quads: Any = RdfHasher.normalize_quads
    with warnings.catch_warnings():
        # nanopub-py 2.0 builds on rdflib's ConjunctiveGraph, deprecated (with a warning) since rdflib 7.
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = ConjunctiveGraph()
        names = ("Head", "assertion", "provenance", "pubinfo")
        graphs = {name: Graph(dataset.store, DUMMY_NAMESPACE[name]) for name in names}
        head = graphs["Head"]
        head.add((this, URIRef(RDF.type), URIRef(NP + "Nanopublication")))
        head.add((this, URIRef(NP + "hasAssertion"), DUMMY_NAMESPACE["assertion"]))
        head.add((this, URIRef(NP + "hasProvenance"), DUMMY_NAMESPACE["provenance"]))
        head.add((this, URIRef(NP + "hasPublicationInfo"), DUMMY_NAMESPACE["pubinfo"]))
        for name, triples in (
            ("assertion", parts.assertion),
            ("provenance", parts.provenance),
            ("pubinfo", parts.pubinfo),
        ):
            for triple in triples:
                graphs[name].add(triple)
        info = graphs["pubinfo"]
        info.add((this, URIRef(DCTERMS.created), Literal(created, datatype=URIRef(XSD.dateTime))))
        if supersedes:
            info.add((this, URIRef(NPX + "supersedes"), URIRef(supersedes)))
        signature = DUMMY_NAMESPACE["sig"]
        info.add((signature, URIRef(NPX + "hasPublicKey"), Literal(signer.public_key)))
        info.add((signature, URIRef(NPX + "hasAlgorithm"), Literal("RSA")))
        info.add((signature, URIRef(NPX + "hasSignatureTarget"), this))
        normalised = normalize_quads(get_quads(dataset), baseuri=base, hashstr=" ")
        signed = pkcs1_15.new(_private_key(signer.private_key)).sign(SHA256.new(normalised.encode()))
        info.add((signature, URIRef(NPX + "hasSignature"), Literal(b64encode(signed).decode())))
        code = RdfHasher.make_hash(get_quads(dataset), baseuri=base, hashstr=" ")
        final = replace_trusty_in_graph(code, base, dataset)
        uris = {str(s) for s in final.subjects(URIRef(RDF.type), URIRef(NP + "Nanopublication"))}
        if len(uris) != 1 or not uris.pop().endswith(code):  # pragma: no cover - nanopub-py names it so
            raise NanopubError("signing did not name the nanopublication by its Trusty URI")
        uri = f"http://purl.org/np/{code}"
        return uri, _trig(final, uri)


@functools.lru_cache(maxsize=4)
def _private_key(text: str) -> Any:
    from Crypto.PublicKey import RSA

    return RSA.import_key(_b64decode(text))


def _trig(dataset: Any, uri: str) -> bytes:
    """The signed nanopublication as TriG, laid out the same way every time: graphs head, assertion, provenance,
    publication info; triples sorted; fixed prefixes."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode, Quad, RdfFormat, serialize
    from rdflib import Literal, URIRef

    def term(value: Any) -> Any:
        if isinstance(value, URIRef):
            return NamedNode(str(value))
        assert isinstance(value, Literal), value
        if value.language:
            return OxLiteral(str(value), language=value.language)
        return OxLiteral(str(value), datatype=NamedNode(str(value.datatype)) if value.datatype else None)

    order = {f"{uri}#{name}": i for i, name in enumerate(("Head", "assertion", "provenance", "pubinfo"))}
    quads = [
        Quad(term(s), term(p), term(o), NamedNode(str(getattr(g, "identifier", g))))
        for s, p, o, g in dataset.quads((None, None, None, None))
    ]
    quads.sort(key=lambda q: (order.get(str(q.graph_name)[1:-1], 9), str(q.graph_name), str(q.triple)))
    prefixes = {
        "this": uri,
        "sub": uri + "#",
        "np": NP,
        "npx": NPX,
        "rdf": RDF.iri,
        "rdfs": RDFS.iri,
        "xsd": XSD.iri,
        "dcterms": DCTERMS.iri,
        "prov": PROV.iri,
        "foaf": FOAF.iri,
        "dg": DG.iri,
        "rn": RN.iri,
        "orcid": "https://orcid.org/",
    }
    return serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes) or b""


def _index(
    elements: list[str],
    signer: Signer,
    created: str,
    lab: str,
    dataset: str,
    supersedes: str | None,
    licence: str | None,
) -> list[tuple[str, bytes]]:
    """The standard ``npx:NanopubIndex`` (nanopub-py's template): one of up to MAX_INDEX_ELEMENTS nanopubs, and
    above that one per chunk plus a top index appending them. The top one comes last."""
    from nanopub.templates.nanopub_index import NanopubIndex
    from rdflib import URIRef

    def make(items: list[str], top: bool, previous: str | None) -> tuple[str, bytes]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from nanopub.nanopub_conf import NanopubConf

            index = NanopubIndex(
                conf=NanopubConf(profile=_profile(signer)),
                np_list=items,
                title=f"Nanopublications of the lab {lab}",
                description=f"The current nanopublication of each discourse note of the lab {lab}, by rdfnotes.",
                creation_time=created,
                creators=[signer.orcid],
                see_also=dataset,
                top_level=top,
            )
            # The template stamps the wall clock (prov:generatedAtTime); the index's time is dcterms:created.
            index.pubinfo.remove((None, URIRef(PROV.generatedAtTime), None))
            this = index.metadata.namespace[""]
            index.pubinfo.add((this, URIRef(DCTERMS.creator), URIRef(signer.orcid)))
            if licence:
                index.pubinfo.add((this, URIRef(DCTERMS.license), URIRef(licence)))
            if previous:
                index.pubinfo.add((this, URIRef(NPX + "supersedes"), URIRef(previous)))
            index.sign()
            return str(index.source_uri), _trig(index.rdf, str(index.source_uri))

    if len(elements) <= MAX_INDEX_ELEMENTS:
        return [make(elements, False, supersedes)]
    chunks = [
        make(elements[i : i + MAX_INDEX_ELEMENTS], False, None) for i in range(0, len(elements), MAX_INDEX_ELEMENTS)
    ]
    return [*chunks, make([uri for uri, _ in chunks], True, supersedes)]


# -- the run ---------------------------------------------------------------------------------------------------


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else None
    moment = moment or datetime.now(timezone.utc)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file_name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] + ".trig"


def read_state(folder: Path) -> dict[str, Any]:
    """The record of what earlier runs wrote into ``folder`` (empty when none did)."""
    path = folder / STATE_FILE
    if not path.exists():
        if folder.is_dir() and any(p.suffix == ".trig" for p in folder.iterdir()):
            raise NanopubError(f"{folder}: holds .trig files but no {STATE_FILE}: not a folder rdfnotes wrote")
        return {"format": STATE_FORMAT, "lab": None, "nodes": {}, "retracted": {}, "index": None, "published": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NanopubError(f"{path}: cannot read the record of earlier runs ({exc})") from None
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT or not isinstance(state.get("nodes"), dict):
        raise NanopubError(f"{path}: not a record this rdfnotes writes (format {STATE_FORMAT})")
    return state


def _write(folder: Path, name: str, data: bytes) -> None:
    try:
        write_atomically(folder / name, data, sync_dir=False)
    except OSError as exc:
        raise NanopubError(f"{folder / name}: cannot write ({exc.strerror})") from None


def make_nanopubs(
    store: Store,
    config: Config,
    folder: Path,
    signer: Signer,
    *,
    lab: str | None = None,
    licence: str | None = None,
) -> NanopubReport:
    """Write (or bring up to date) the nanopublications of ``lab``'s discourse notes in ``folder``.

    :param licence: the licence IRI [default: ``licence:`` of rdfnotes.yaml]
    :raises NoSuchLab: no such lab, or no lab named when the store holds several.
    :raises NanopubError: the folder cannot be written, or holds another lab's nanopublications.
    """
    started = time.perf_counter()
    if lab is None:
        names = [found.name for found in labs(store)]
        if len(names) != 1:
            from .errors import NoSuchLab

            raise NoSuchLab(f"name the lab with --lab (the store holds {', '.join(names) or 'none'})")
        lab = names[0]
    found = get_lab(store, lab)
    licence = licence or config.licence
    state = read_state(folder)
    if state.get("lab") not in (None, lab):
        raise NanopubError(f"{folder}: holds the nanopublications of the lab {state['lab']!r}, not {lab!r}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NanopubError(f"{folder}: cannot make the folder ({exc.strerror})") from None
    state["lab"] = lab
    report = NanopubReport(lab=lab, folder=folder)
    notes, people, dois = _notes(store, found, config)
    now = _now()
    current: dict[str, Any] = state["nodes"]
    for node in sorted(notes):
        note = notes[node]
        if len(note.relations) > MAX_ASSERTION_TRIPLES:
            report.skipped.append(f"{note.path}: {len(note.relations)} relations, more than a nanopublication holds")
            continue
        parts = _note_parts(note, people, dois, signer=signer, licence=licence, dataset=found.dataset, lab=lab)
        fingerprint = parts.fingerprint()
        old = current.get(node)
        if old and old["fingerprint"] == fingerprint and (folder / old["file"]).exists():
            report.unchanged += 1
            continue
        supersedes = old["uri"] if old else None
        uri, data = _sign(parts, signer, now, supersedes)
        name = _file_name(uri)
        _write(folder, name, data)
        current[node] = {"uri": uri, "file": name, "fingerprint": fingerprint, "created": now, "path": note.path}
        state["retracted"].pop(node, None)
        report.written.append(Written("supersedes" if supersedes else "new", node, uri, name, supersedes))
    for node in sorted(set(current) - set(notes)):
        old = current.pop(node)
        parts = _retraction_parts(old["uri"], node, signer=signer, licence=licence, dataset=found.dataset, lab=lab)
        uri, data = _sign(parts, signer, now)
        name = _file_name(uri)
        _write(folder, name, data)
        state["retracted"][node] = {"uri": uri, "file": name, "retracts": old["uri"], "created": now}
        report.written.append(Written("retracts", node, uri, name, old["uri"]))
    elements = sorted(entry["uri"] for entry in current.values())
    report.current = len(elements)
    index = state.get("index")
    key = hashlib.sha256("\n".join(elements).encode()).hexdigest()
    if elements and (not index or index.get("elements") != key or not (folder / index["file"]).exists()):
        created = max(entry["created"] for entry in current.values())
        made = _index(elements, signer, created, lab, found.dataset, index["uri"] if index else None, licence)
        for uri, data in made:
            _write(folder, _file_name(uri), data)
            report.written.append(Written("index", "", uri, _file_name(uri)))
        top = made[-1][0]
        state["index"] = {"uri": top, "file": _file_name(top), "elements": key, "parts": [u for u, _ in made]}
    report.index = state["index"]["uri"] if state.get("index") else None
    _write(folder, INDEX_LISTING, _listing(state))
    _write(folder, STATE_FILE, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode())
    report.seconds = time.perf_counter() - started
    return report


def _listing(state: dict[str, Any]) -> bytes:
    """``index.tsv``: one line per note (node, its current nanopublication, the file, the note's path)."""
    lines = ["node\tnanopub\tfile\tnote"]
    for node, entry in sorted(state["nodes"].items()):
        lines.append(f"{node}\t{entry['uri']}\t{entry['file']}\t{_tsv(entry.get('path', ''))}")
    for node, entry in sorted(state["retracted"].items()):
        lines.append(f"{node}\t{entry['uri']}\t{entry['file']}\tretracts {entry['retracts']}")
    return ("\n".join(lines) + "\n").encode()


def _tsv(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def written_files(folder: Path) -> list[Path]:
    """Every nanopublication file of the folder's record: current, superseded ones still there, retractions, index."""
    state = read_state(folder)
    names: set[str] = {entry["file"] for entry in state["nodes"].values()}
    names |= {entry["file"] for entry in state["retracted"].values()}
    if state.get("index"):
        names |= {_file_name(uri) for uri in state["index"].get("parts", [state["index"]["uri"]])}
    return sorted(folder / name for name in names if (folder / name).exists())


# -- publishing -------------------------------------------------------------------------------------------------

PUBLISH_PROTOCOLS = ("nanopub-server", "graph-store", "update")


def publish(folder: Path, url: str, *, protocol: str = "graph-store", timeout: float = 60.0) -> PublishReport:
    """Send the folder's nanopublications that ``url`` has not had from this folder yet.

    ``nanopub-server``: each as TriG in a ``POST`` (as nanopub servers take them); ``graph-store``: each as TriG
    in a ``POST`` to a SPARQL Graph Store endpoint, which adds its four graphs (Oxigraph's ``/store``, Fuseki's
    ``/ds/data``); ``update``: each as a SPARQL ``INSERT DATA``. Credentials as for ``rdfnotes push``.
    """
    from pyoxigraph import RdfFormat, parse

    from .errors import PushError
    from .push import _Client, _insert_data, redact

    if protocol not in PUBLISH_PROTOCOLS:
        raise NanopubError(f"unknown protocol {protocol!r} (protocols: {', '.join(PUBLISH_PROTOCOLS)})")
    state = read_state(folder)
    key = redact(url)
    done: set[str] = set(state.setdefault("published", {}).get(key, []))
    report = PublishReport(url=key)
    try:
        client = _Client(url, timeout)
        for path in written_files(folder):
            uri_code = path.stem
            if uri_code in done:
                report.already += 1
                continue
            data = path.read_bytes()
            if protocol == "update":
                graphs: dict[str, list[Any]] = {}
                for quad in parse(data, format=RdfFormat.TRIG):
                    graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
                for text in _insert_data(graphs):
                    client.update([text])
            else:
                status, body = client.request("POST", client.url, data, "application/trig")
                client.check(status, "POST", None, body)
            done.add(uri_code)
            report.sent += 1
    except PushError as exc:
        raise NanopubError(str(exc)) from None
    finally:
        state["published"][key] = sorted(done)
        _write(folder, STATE_FILE, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode())
    return report


def iter_kinds(report: NanopubReport) -> Iterable[tuple[str, int]]:
    for kind in ("new", "supersedes", "retracts", "index"):
        yield kind, report.count(kind)
