"""Count the AWS calls a block of code makes, by service, in this process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from botocore.client import BaseClient


@contextlib.contextmanager
def calls_to(service: str) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The operations called on ``service`` (its endpoint prefix, e.g. ``cognito-idp``) while
    the block runs, by any client of this process, each with its parameters."""
    made: list[tuple[str, dict[str, Any]]] = []
    client_class: Any = BaseClient  # botocore's stubs leave out the method every call goes through
    original = client_class._make_api_call

    def counted(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.endpoint_prefix == service:
            made.append((operation, params))
        return original(client, operation, params)

    client_class._make_api_call = counted
    try:
        yield made
    finally:
        client_class._make_api_call = original
