"""Custom resource handler: the stack's grant key (its secret in Secrets Manager)."""

from __future__ import annotations

from shared.custom_resource.handler import handler_for

from . import resource

handler = handler_for("secretsmanager", resource.apply)
