"""How a publish ends when it does not succeed, for the operator (exit 1 and 2 of `bin/content`)."""

from __future__ import annotations

from shared.catalog.errors import CatalogError


class PublishError(CatalogError):
    """A publish that did not finish, described for the operator (what state it left)."""


class NothingToDoError(CatalogError):
    """The request cannot apply to the catalog as it is (a duplicate without ``--force``,
    removing what is not there): nothing was touched."""
