"""DOIs and arXiv ids become IRIs Oxigraph accepts, whatever characters the text around them holds."""

from __future__ import annotations

from pyoxigraph import NamedNode

from rdfnotes.identifiers import doi_iri, find_doi


def test_every_code_point_in_a_doi_gives_an_iri_oxigraph_accepts() -> None:
    # found by the fuzz test: "10.1038/NRN2762\ufff0" (a Unicode special) made the mapping raise and the load abort
    refused = []
    for code_point in range(0x110000):
        if 0xD800 <= code_point <= 0xDFFF:
            continue
        iri = doi_iri("10.1000/a" + chr(code_point))
        try:
            NamedNode(iri)
        except ValueError:
            refused.append(hex(code_point))
    assert refused == []


def test_a_doi_found_next_to_a_special_character_loads() -> None:
    doi = find_doi("URL : Sat Nov 0 (10.1038/NRN2762\ufff0)")
    assert doi == "10.1038/nrn2762\ufff0"
    assert NamedNode(doi_iri(doi)).value == "https://doi.org/10.1038/nrn2762%EF%BF%B0"
