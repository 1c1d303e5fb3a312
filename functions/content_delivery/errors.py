"""What can go wrong in the Content Delivery API, each mapped to one answer in api.py."""

from __future__ import annotations


class ContentDeliveryError(Exception):
    """Base of the API's own errors."""


class InvalidIdError(ContentDeliveryError):
    """A content or course ID outside the documented format: 400."""


class ContentNotFoundError(ContentDeliveryError):
    """No catalog item (or course) with that ID: 404."""


class UnauthenticatedError(ContentDeliveryError):
    """The request carries no authorizer claims (a route without the authorizer, a test
    invoke): 401, whatever it asks for."""


class CatalogItemError(ContentDeliveryError):
    """A catalog item that breaks the model (written by hand, say): never served, logged and
    counted; a lookup answers 404, a listing leaves it out."""


class SettingsError(ContentDeliveryError):
    """The function's environment is missing or invalid: every request answers 500."""
