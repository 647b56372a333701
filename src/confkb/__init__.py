"""confkb: a conference knowledge base as a static site, with tested snippets."""

__version__ = "0.1.0"
