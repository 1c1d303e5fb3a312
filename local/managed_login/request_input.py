"""What the stand-in reads from a request: query strings and forms, bounded and unambiguous."""

from __future__ import annotations

from urllib.parse import parse_qs

from tools.http import QuietHandler

from .errors import invalid_request

#: Request bodies (forms) larger than this are refused.
MAX_BODY_BYTES = 16 * 1024
#: Query strings and forms with more fields than this are refused.
MAX_FIELDS = 32
FORM_TYPE = "application/x-www-form-urlencoded"


def fields(encoded: str) -> dict[str, str]:
    """A query string or form as one value per name; a repeated name is ``invalid_request``."""
    try:
        parsed = parse_qs(encoded, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise invalid_request("too many parameters") from exc
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise invalid_request(f"parameter given more than once: {repeated[0]}")
    return {name: values[0] for name, values in parsed.items()}


def form_fields(request: QuietHandler) -> dict[str, str]:
    """The fields of the request's form body (see ``_form_body``)."""
    return fields(_form_body(request))


def _form_body(request: QuietHandler) -> str:
    """The form body: ``application/x-www-form-urlencoded``, at most MAX_BODY_BYTES."""
    content_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if request.headers.get("Transfer-Encoding"):
        raise invalid_request("send the body with a Content-Length")
    try:
        length = int(request.headers.get("Content-Length", "0"))
    except ValueError as exc:
        raise invalid_request("bad Content-Length") from exc
    if length < 0 or length > MAX_BODY_BYTES:
        request.close_connection = True  # the body is not read
        raise invalid_request("request body too large")
    body = request.rfile.read(length)
    if content_type != FORM_TYPE:
        raise invalid_request(f"Content-Type must be {FORM_TYPE}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid_request("the body is not UTF-8") from exc
