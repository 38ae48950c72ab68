"""Browse the discourse graph: HTML pages over the store, served beside ``/sparql`` or written as a static site.

- :func:`pages_app`: the WSGI application ``rdfnotes serve`` mounts for every path but ``/sparql``;
- :func:`write_site`: the same pages as files (``rdfnotes export --format html -o DIR``).

Pages are rendered from the store by the SPARQL queries in ``web/queries`` (and the bundled ``open-questions`` and
``contested-claims``), with a hand-written style sheet and diagrams laid out in Python as SVG: no build step, no
network, no JavaScript needed (the static site's search page filters its list with a small script of its own).
"""

from __future__ import annotations

from .app import PagesApp, pages_app
from .site import SiteReport, write_site

__all__ = ["PagesApp", "SiteReport", "pages_app", "write_site"]
