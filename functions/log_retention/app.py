"""Custom resource handler: a log group's retention, without the stack owning the group."""

from __future__ import annotations

from shared.custom_resource.handler import handler_for

from . import retention

handler = handler_for("logs", retention.apply)
