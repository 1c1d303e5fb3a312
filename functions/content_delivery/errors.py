"""What can go wrong in the Content Delivery API, each mapped to one answer in app.py."""

from __future__ import annotations


class ContentDeliveryError(Exception):
    """Base of the API's own errors."""


class InvalidIdError(ContentDeliveryError):
    """A content or course ID outside the documented format: 400."""


class ContentNotFoundError(ContentDeliveryError):
    """No catalog item (or course) with that ID: 404."""


class CatalogItemError(ContentDeliveryError):
    """A catalog item that breaks the model (written by hand, say): 500, details logged."""


class SettingsError(ContentDeliveryError):
    """The function's environment is missing or invalid: every request answers 500."""
