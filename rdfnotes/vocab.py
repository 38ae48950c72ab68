"""The vocabularies rdfnotes writes, as IRI strings.

Every term the mapping emits is named here, so a typo is an ``AttributeError`` at import time rather than a silent
new IRI in a lab's data. Our own terms (``rn:``) are defined in ``ontology/rdfnotes.ttl``; a test checks that every
``RN`` term below is declared there with a label and a comment.
"""

from __future__ import annotations


class Namespace:
    """A closed namespace: only the listed local names exist."""

    def __init__(self, iri: str, names: str) -> None:
        self.iri = iri
        self._names = frozenset(names.split())
        # Terms as plain attributes: read millions of times in a load, they skip __getattr__.
        self.__dict__.update({name: iri + name for name in self._names if name not in ("iri", "names")})

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"{name!r} is not a term of <{self.iri}>")
        return self.iri + name

    def __getitem__(self, name: str) -> str:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._names

    @property
    def names(self) -> frozenset[str]:
        return self._names


RDF = Namespace(
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "type first rest nil List Property Statement subject predicate object",
)
RDFS = Namespace(
    "http://www.w3.org/2000/01/rdf-schema#",
    "label comment seeAlso subClassOf subPropertyOf domain range Class isDefinedBy",
)
OWL = Namespace(
    "http://www.w3.org/2002/07/owl#",
    "sameAs inverseOf SymmetricProperty ObjectProperty DatatypeProperty Class Ontology equivalentProperty "
    "equivalentClass versionInfo imports",
)
XSD = Namespace(
    "http://www.w3.org/2001/XMLSchema#",
    "string date dateTime gYear gYearMonth integer decimal boolean anyURI",
)
DCTERMS = Namespace(
    "http://purl.org/dc/terms/",
    "title created creator abstract subject references description issued date identifier modified source license "
    "isPartOf language publisher",
)
FOAF = Namespace("http://xmlns.com/foaf/0.1/", "Person name givenName familyName page primaryTopic Document")
PROV = Namespace("http://www.w3.org/ns/prov#", "wasAttributedTo wasDerivedFrom generatedAtTime hadPrimarySource")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#", "Concept prefLabel exactMatch")
BIBO = Namespace(
    "http://purl.org/ontology/bibo/",
    "doi identifier authorList Document AcademicArticle Article Book BookSection Chapter Thesis Report "
    "Manuscript Webpage Patent Letter Proceedings Standard Slideshow AudioVisualDocument Film Map Image "
    "Periodical Journal Magazine Newspaper Interview PersonalCommunication Note Quote LegalDocument "
    "Legislation LegalCaseDocument Code Specification Collection editor editorList volume issue pageStart pageEnd "
    "pages number isbn10 isbn13 issn shortTitle Website Manual",
)
DG = Namespace(
    "https://discoursegraphs.com/schema/dg_core#",
    "Question Claim Evidence SourceDocument Argument supports supportedBy opposes opposedBy addresses "
    "addressedBy sourceDocument",
)
CITO = Namespace("http://purl.org/spar/cito/", "givesBackgroundTo obtainsBackgroundFrom supports citesAsEvidence")
RN = Namespace(
    "https://w3id.org/rdfnotes/ns#",
    # classes
    "DiscourseNode Page Hypothesis Result Issue Conclusion Experiment Theory Pattern Artifact NoteFile "
    # discourse relations
    "informs informedBy consistentWith uses usedIn reproduces reproducedBy produces producedBy motivates "
    "motivatedBy derivedFrom hasDerivation relation "
    # note content and provenance
    "body path roamUid nodeInstanceId citekey publicationName dateAdded attribute nodeType statedIn line "
    # links between labs (rdfnotes link)
    "Link matchedOn basedOn reviewStatus",
)

PREFIXES: dict[str, str] = {
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "xsd": XSD.iri,
    "dcterms": DCTERMS.iri,
    "foaf": FOAF.iri,
    "prov": PROV.iri,
    "skos": SKOS.iri,
    "bibo": BIBO.iri,
    "dg": DG.iri,
    "cito": CITO.iri,
    "rn": RN.iri,
}

NAMESPACES: dict[str, Namespace] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "prov": PROV,
    "skos": SKOS,
    "bibo": BIBO,
    "dg": DG,
    "cito": CITO,
    "rn": RN,
}


def expand(curie: str) -> str:
    """Expand ``prefix:name`` with the prefixes above; a full IRI in ``<…>`` or with ``://`` passes through.

    >>> expand("dg:Question")
    'https://discoursegraphs.com/schema/dg_core#Question'
    """
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    if "://" in curie or curie.startswith("urn:"):
        return curie
    prefix, sep, name = curie.partition(":")
    if not sep or prefix not in NAMESPACES:
        raise ValueError(f"unknown prefix in {curie!r} (known: {', '.join(sorted(NAMESPACES))})")
    return NAMESPACES[prefix][name]
