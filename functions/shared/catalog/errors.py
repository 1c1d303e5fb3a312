"""What can be wrong with catalog data, by where it came from."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of the catalog's own errors."""


class InvalidValueError(CatalogError):
    """A value given to the catalog (an ID, title, file, content type, position) breaks the
    model's rules: the API answers 400, `bin/content` exits 2."""


class CatalogItemError(CatalogError):
    """A stored catalog item breaks the model (written by hand, say): it is never served."""
