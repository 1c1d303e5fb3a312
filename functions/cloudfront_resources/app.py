"""Custom resource handler: CloudFront origin access controls, response headers policies, key
value stores and functions."""

from __future__ import annotations

from shared.custom_resource.handler import handler_for

from . import resources

handler = handler_for("cloudfront", resources.apply)
