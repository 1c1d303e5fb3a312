"""Custom resource handler: CloudFront origin access controls and response headers policies."""

from __future__ import annotations

from shared.custom_resource.handler import handler_for

from . import resources

handler = handler_for("cloudfront", resources.apply)
