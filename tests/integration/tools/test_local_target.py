"""`bin/content --local` and a `make local` that is gone: its stack.json left behind (the process
killed) names an endpoint where nothing answers any more. One line at once, not botocore's
half a minute of retries ending in "Could not connect to the endpoint URL"."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.content import run
from tools.stack import local_stack


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server


def state_file(tmp_path: Path, port: int) -> Path:
    state = tmp_path / "stack.json"
    stack = {
        "bucket": "b",
        "table": "t",
        "cloudfront_url": "http://127.0.0.1:1",
        "aws_endpoint_url": f"http://127.0.0.1:{port}",
        "region": "us-east-1",
    }
    state.write_text(json.dumps(stack))
    return state


def test_a_running_local_stack_is_found(tmp_path: Path, listening: socket.socket) -> None:
    port = listening.getsockname()[1]
    assert local_stack(state_file(tmp_path, port)).endpoint_url == f"http://127.0.0.1:{port}"


def test_a_stopped_local_stack_is_one_line_before_any_aws_call(
    tmp_path: Path, listening: socket.socket
) -> None:
    port = listening.getsockname()[1]
    listening.close()  # the stack stopped; its stack.json stayed
    state = state_file(tmp_path, port)
    out, err = io.StringIO(), io.StringIO()
    code = run(["--local", "--local-state", str(state), "list"], out, err)
    assert (code, out.getvalue()) == (1, "")
    assert err.getvalue() == (
        f"error: the local stack is not running (nothing answers at http://127.0.0.1:{port}; "
        f"{state} is left from a stopped one); start it with `make local`\n"
    )
