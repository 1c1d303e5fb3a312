"""CloudFront URLs for content objects."""

from __future__ import annotations

from urllib.parse import quote


def content_url(base_url: str, key: str) -> str:
    """``<base_url>/<key>`` with every key segment percent-encoded (UTF-8).

    Only "/" stays literal. "+" in particular is encoded: S3 would read a literal "+" in a
    path as a space. So are "%", "?", "#" and spaces, which would otherwise change the URL.
    """
    return f"{base_url}/{quote(key, safe='/')}"
