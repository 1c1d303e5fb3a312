"""`make demo`: serve the demo page on the app origin of a deployed stack, configured from the
stack's outputs (stack and Region as `bin/content` finds them), until Ctrl-C.

The page is the one `make local` serves (``tools.demo_site.DemoSite``); only its config.json
differs. It must be served on an app origin: managed login redirects only to the callback URLs
the template derives from the ``AppOrigins`` parameter, and CORS answers only those origins.
So the page is served on the one that is a loopback ``http`` origin, bound on 127.0.0.1.

Exit status 2, with one line, for what the user must fix first (bad arguments, a stack without
the outputs, no loopback app origin); 1 when the stack cannot be read or the port bound.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn, TextIO
from urllib.parse import urlsplit

import boto3

from .demo_site import DemoSite
from .http import BackgroundServer
from .stack import StackError, default_target, stack_outputs

#: The interface `make demo` listens on; the app origin's host must resolve to it.
HOST = "127.0.0.1"
#: Hosts of a loopback app origin that a server bound on ``HOST`` answers.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
#: The template's default app origin: what to add when no app origin is loopback.
SUGGESTED_ORIGIN = "http://localhost:8000"
#: The scopes the web client is allowed (template.yaml's UserPoolClient).
SCOPE = "openid email profile"
#: config.json key <- stack output.
PAGE_OUTPUTS = {
    "apiUrl": "ApiUrl",
    "authUrl": "ManagedLoginUrl",
    "clientId": "UserPoolClientId",
    "contentUrl": "ContentBaseUrl",
}
#: The app origins, comma-separated: the parameter AppOrigins as an output (an output may not
#: be named like a list parameter: sam build's resolver fails on it).
ORIGINS_OUTPUT = "AppOriginList"


class DemoConfigError(Exception):
    """The stack's outputs cannot configure the demo page (the user must change the stack)."""


@dataclass(frozen=True)
class DemoConfig:
    #: The loopback app origin the page is served on, e.g. http://localhost:8000.
    origin: str
    port: int
    #: The page's config.json.
    page: dict[str, str]


def loopback_port(origin: str) -> int | None:
    """The port of ``origin`` when it is a loopback ``http`` origin a server on ``HOST``
    answers; ``None`` for any other origin."""
    parts = urlsplit(origin)
    try:
        port = parts.port
    except ValueError:
        return None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    return 80 if port is None else port


def demo_config(outputs: Mapping[str, str], stack_name: str) -> DemoConfig:
    """The page's configuration and where to serve it, from the stack's outputs."""
    needed = [*PAGE_OUTPUTS.values(), ORIGINS_OUTPUT]
    missing = [name for name in needed if not outputs.get(name)]
    if missing:
        raise DemoConfigError(
            f"stack {stack_name!r} has no output {', '.join(missing)}; "
            "deploy this version (`sam build && sam deploy`)"
        )
    origins = [o.strip().rstrip("/") for o in outputs[ORIGINS_OUTPUT].split(",") if o.strip()]
    for origin in origins:
        port = loopback_port(origin)
        if port is not None:
            page = {key: outputs[name] for key, name in PAGE_OUTPUTS.items()}
            return DemoConfig(origin, port, {**page, "scope": SCOPE})
    raise DemoConfigError(
        f"no app origin of stack {stack_name!r} is a loopback http origin "
        f"({', '.join(origins) or 'none'}); add {SUGGESTED_ORIGIN} to AppOrigins and deploy"
    )


class _Parser(argparse.ArgumentParser):
    """argparse, with its complaints as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise DemoConfigError(message)


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = _Parser(prog="make demo", description="Serve the demo page for a deployed stack.")
    parser.add_argument("--stack", help="stack name (default: samconfig.toml's)")
    parser.add_argument("--region", help="AWS Region (default: samconfig.toml's, us-east-1)")
    parser.add_argument(
        "--port",
        type=int,
        help="listen here instead of the app origin's port (0: a free one; for tests: "
        "managed login will not redirect to it)",
    )
    args = parser.parse_args(argv)
    if args.port is not None and not 0 <= args.port <= 65535:
        raise DemoConfigError(f"--port {args.port}: not a port (0 to 65535)")
    return args


def _read_outputs(args: argparse.Namespace) -> tuple[str, dict[str, str]]:
    """The stack's name and outputs (the only AWS call)."""
    target = None if args.stack and args.region else default_target()
    stack_name = args.stack or (target.stack_name if target else "")
    session = boto3.Session(region_name=args.region or (target.region if target else None))
    return stack_name, stack_outputs(session.client("cloudformation"), stack_name)


def run(
    argv: Sequence[str],
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> int:
    """Serve until ``stop`` is set (SIGTERM or Ctrl-C from ``main``)."""
    stop = stop or threading.Event()
    try:
        args = _arguments(argv)
        stack_name, outputs = _read_outputs(args)
        config = demo_config(outputs, stack_name)
    except DemoConfigError as exc:
        err.write(f"error: {exc}\n")
        return 2
    except StackError as exc:
        err.write(f"error: {exc}\n")
        return 1
    port = config.port if args.port is None else args.port
    try:
        server = BackgroundServer(HOST, port)
    except OSError as exc:
        err.write(f"error: cannot listen on {HOST}:{port}: {exc.strerror or exc}\n")
        return 1
    server.serve(DemoSite(config.page))
    bound = server.url.rsplit(":", 1)[1]
    host = urlsplit(config.origin).hostname
    out.write(f"Demo page for stack {stack_name!r}: http://{host}:{bound}/  (Ctrl-C stops it)\n")
    out.flush()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def main() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sys.exit(run(sys.argv[1:], stop=stop))


if __name__ == "__main__":
    main()
