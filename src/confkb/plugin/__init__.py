"""The MkDocs plugin: the only part of confkb that imports MkDocs."""

from confkb.plugin.plugin import ConfkbPlugin

__all__ = ["ConfkbPlugin"]
