"""What an AWS error says, read one way everywhere: its code, and a one-line description.

A description names the service's code and message only, never the request, which may hold a
secret (a private key, a token).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError


def error_code(exc: ClientError) -> str:
    """The error's code (``"NoSuchKey"``, ``"404"``, ...), or ``""`` when the answer had none."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def describe(exc: BaseException, service: str | None = None) -> str:
    """``exc`` in one line: an AWS error as ``[<service> said ]<code>: <message>``, a failure
    before any answer as such, anything else as its message (or its type when it has none)."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        said = f"{error.get('Code')}: {error.get('Message')}"
        return f"{service} said {said}" if service else said
    if isinstance(exc, BotoCoreError) and service:
        return f"the call failed before {service} answered ({type(exc).__name__})"
    return str(exc) or type(exc).__name__
