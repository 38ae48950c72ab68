"""An independent check of a nanopublication's Trusty URI and signature, from the reference rules.

Written from trustyuri-java (``RdfHasher``, ``RdfPreprocessor``, ``StatementComparator``: module ``RA``) and
nanopub-java's signature rules, not from the library rdfnotes signs with (nanopub-py): each IRI with the artifact
code replaced by a space; the statements sorted (graph, subject, predicate as strings; then IRIs before literals;
literals by lexical form, then no datatype before a datatype, then datatype, then language); each distinct one
written as four lines (``@lang text`` / ``^datatype text`` for a literal, backslashes and newlines escaped); SHA-256;
``RA`` + URL-safe base64 without padding. The signature is RSA PKCS#1 v1.5 over SHA-256 of the same text without
the ``npx:hasSignature`` statement. The TriG is parsed by pyoxigraph (not rdflib), the RSA check is pycryptodome's
``pkcs1_15`` (which raises on a bad signature).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass

from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

NP = "http://www.nanopub.org/nschema#"
NPX = "http://purl.org/nanopub/x/"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class CheckFailed(AssertionError):
    pass


@dataclass(frozen=True)
class Checked:
    uri: str
    artifact_code: str
    public_key: str
    quads: list[Quad]


def _java_key(text: str) -> bytes:
    # Java's String.compareTo: UTF-16 code units.
    return text.encode("utf-16-be")


def _compare(a: tuple[str, str, str, object], b: tuple[str, str, str, object]) -> int:
    for x, y in zip(a[:3], b[:3], strict=True):
        if x != y:
            return -1 if _java_key(x) < _java_key(y) else 1
    oa, ob = a[3], b[3]
    la, lb = isinstance(oa, tuple), isinstance(ob, tuple)
    if la != lb:
        return 1 if la else -1
    if not la:
        assert isinstance(oa, str) and isinstance(ob, str)
        return 0 if oa == ob else (-1 if _java_key(oa) < _java_key(ob) else 1)
    assert isinstance(oa, tuple) and isinstance(ob, tuple)
    (va, da, ga), (vb, db, gb) = oa, ob
    if va != vb:
        return -1 if _java_key(va) < _java_key(vb) else 1
    if (da is None) != (db is None):
        return -1 if da is None else 1
    if da is not None and da != db:
        return -1 if _java_key(da) < _java_key(db) else 1
    if (ga is None) != (gb is None):
        return -1 if ga is None else 1
    if ga is not None and ga.lower() != gb.lower():
        return -1 if ga.lower() < gb.lower() else 1
    return 0


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def digest_text(quads: list[Quad], code: str) -> str:
    def iri(term: object) -> str:
        assert isinstance(term, NamedNode), f"not an IRI (a blank node?): {term}"
        if "\n" in term.value or "\t" in term.value:
            raise CheckFailed(f"newline or tab in an IRI: {term.value!r}")
        return term.value.replace(code, " ")

    rows = []
    for quad in quads:
        obj = quad.object
        if isinstance(obj, Literal):
            language = obj.language
            datatype = None if language else obj.datatype.value
            value: object = (obj.value, datatype, language)
        else:
            value = iri(obj)
        rows.append((iri(quad.graph_name), iri(quad.subject), iri(quad.predicate), value))
    rows.sort(key=functools.cmp_to_key(_compare))
    out = []
    previous = None
    for row in rows:
        if row == previous:
            continue
        previous = row
        value = row[3]
        if isinstance(value, tuple):
            text, datatype, language = value
            line = f"@{language.lower()} {_escape(text)}" if language else f"^{datatype or XSD_STRING} {_escape(text)}"
        else:
            line = value
        out.append(f"{row[0]}\n{row[1]}\n{row[2]}\n{line}\n")
    return "".join(out)


def check_nanopub(data: bytes) -> Checked:
    """Check one nanopublication (TriG): its Trusty URI and its signature. Raises :class:`CheckFailed`."""
    quads = list(parse(data, format=RdfFormat.TRIG))
    heads = [q for q in quads if q.predicate.value == RDF_TYPE and q.object == NamedNode(NP + "Nanopublication")]
    if len(heads) != 1:
        raise CheckFailed(f"{len(heads)} np:Nanopublication statements, not one")
    uri = heads[0].subject.value
    graphs = {q.graph_name.value for q in quads}
    if len(graphs) != 4:
        raise CheckFailed(f"{len(graphs)} graphs, not four")
    code = uri[-45:]
    if not (code.startswith("RA") and len(code) == 45):
        raise CheckFailed(f"no RA artifact code at the end of {uri}")
    expected = "RA" + base64.urlsafe_b64encode(hashlib.sha256(digest_text(quads, code).encode()).digest()).decode()
    expected = expected.rstrip("=")
    if expected != code:
        raise CheckFailed(f"Trusty URI {uri}: the content hashes to {expected}")
    signatures = [q for q in quads if q.predicate.value == NPX + "hasSignature"]
    keys = [q for q in quads if q.predicate.value == NPX + "hasPublicKey"]
    targets = [q for q in quads if q.predicate.value == NPX + "hasSignatureTarget"]
    if len(signatures) != 1 or len(keys) != 1 or len(targets) != 1 or targets[0].object.value != uri:
        raise CheckFailed("not one signature, one public key and one signature target (the nanopub itself)")
    unsigned = [q for q in quads if q != signatures[0]]
    key = RSA.import_key(base64.b64decode(keys[0].object.value))
    try:
        pkcs1_15.new(key).verify(
            SHA256.new(digest_text(unsigned, code).encode()), base64.b64decode(signatures[0].object.value)
        )
    except ValueError:
        raise CheckFailed(f"{uri}: the signature does not verify") from None
    return Checked(uri=uri, artifact_code=code, public_key=keys[0].object.value, quads=quads)
