"""``python -m rdfnotes``: the ``rdfnotes`` command, for a Python whose scripts folder is not on the PATH."""

from .cli import main

main()
