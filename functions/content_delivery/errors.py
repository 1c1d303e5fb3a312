"""What can go wrong in the Content Delivery API, each mapped to one answer in api.py.

The catalog's own errors (``shared.catalog.errors``) are answered there too: an invalid ID is a 400,
a broken catalog item is logged, counted and answered as not found.
"""

from __future__ import annotations


class ContentDeliveryError(Exception):
    """Base of the API's own errors."""


class ContentNotFoundError(ContentDeliveryError):
    """No catalog item (or course) with that ID: 404."""


class UnauthenticatedError(ContentDeliveryError):
    """The request carries no authorizer claims (a route without the authorizer, a test
    invoke): 401, whatever it asks for."""


class ForbiddenError(ContentDeliveryError):
    """The caller's groups do not grant the course asked for: 403."""


class SettingsError(ContentDeliveryError):
    """The function's environment is missing or invalid: every request answers 500."""


class GrantKeyError(ContentDeliveryError):
    """The grant key cannot be read or used: 500, never a URL without its grant."""
