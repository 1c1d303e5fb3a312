"""A missing, invalid or unloadable config makes the edge deny every request, and says why once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edge_auth import gate as edge
from testkit.tokens import SigningKey, edge_config
from tests.support.sample_events import ALLOWED, LoadEvent
from tests.support.viewer_requests import status

BAD_CONFIGS: dict[str, object] = {
    "not-an-object": ["issuer"],
    "unknown-key": {**edge_config(SigningKey.test_only()), "required_group": ["x"]},
    "no-client-ids": {**edge_config(SigningKey.test_only()), "client_ids": []},
    "bad-jwks": {**edge_config(SigningKey.test_only()), "jwks": {"keys": []}},
}


@pytest.mark.parametrize("name", ALLOWED)
@pytest.mark.parametrize("bad", BAD_CONFIGS)
def test_an_invalid_config_denies_every_request(
    write_config: Callable[[object], Path], load_event: LoadEvent, bad: str, name: str
) -> None:
    gate = edge.start(str(write_config(BAD_CONFIGS[bad])))
    answer = edge.decide(gate, load_event(name))
    assert status(answer) == 401


def test_a_missing_config_file_denies_every_request(tmp_path: Path, load_event: LoadEvent) -> None:
    gate = edge.start(str(tmp_path / "config.json"))
    assert status(edge.decide(gate, load_event("edge_valid_token"))) == 401


def test_an_invalid_config_is_logged_once_with_a_clear_message(
    write_config: Callable[[object], Path], load_event: LoadEvent, caplog: pytest.LogCaptureFixture
) -> None:
    gate = edge.start(str(write_config(BAD_CONFIGS["unknown-key"])))
    for _ in range(3):
        edge.decide(gate, load_event("edge_valid_token"))
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "required_group" in errors[0].__dict__["detail"]
    assert [r.reason for r in caplog.records if hasattr(r, "reason")] == ["config_error"] * 3


def test_start_survives_an_unexpected_error_while_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, load_event: LoadEvent
) -> None:
    """An exception in Lambda's init phase would make CloudFront answer 5xx; deny instead."""

    def explode(path: str) -> Any:
        raise MemoryError("boom")

    monkeypatch.setattr(edge, "load_config", explode)
    gate = edge.start(str(tmp_path / "config.json"))
    assert status(edge.decide(gate, load_event("edge_valid_token"))) == 401


def test_an_unexpected_start_up_error_is_logged_by_type_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(path: str) -> Any:
        raise ValueError("secret-marker")

    monkeypatch.setattr(edge, "load_config", explode)
    edge.start(str(tmp_path / "config.json"))
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.__dict__["detail"] == "ValueError at start-up"
    assert "secret-marker" not in caplog.text
