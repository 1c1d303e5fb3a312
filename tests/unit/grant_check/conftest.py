"""The grant check, run in Node: one runtime process for a whole test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.cloudfront_function import FunctionRuntime


@pytest.fixture(scope="module")
def grant_check() -> Iterator[FunctionRuntime]:
    with FunctionRuntime() as runtime:
        yield runtime
