"""Fixtures shared by every test layer: real RSA keys, Cognito-shaped tokens, sample events."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from testkit.tokens import TEST_CONFIG_PATH, SigningKey, edge_config
from tests.support.config_files import write_config_file
from tests.support.ffmpeg_corpus import build_corpus
from tests.support.sample_events import LoadEvent, sample_event

# edge_auth.app loads its configuration at import; in tests it is the test-only one.
os.environ.setdefault("EDGE_AUTH_CONFIG", str(TEST_CONFIG_PATH))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="session")
def test_key() -> SigningKey:
    """The committed TEST-ONLY key that signs the sample events."""
    return SigningKey.test_only()


@pytest.fixture(scope="session")
def attacker_key() -> SigningKey:
    """A key nobody trusts, published under the trusted key's ``kid``."""
    return SigningKey.generate(kid=SigningKey.test_only().kid)


@pytest.fixture(scope="session")
def rotated_key() -> SigningKey:
    """A second pool key under a new ``kid``, as after a Cognito key rotation."""
    return SigningKey.generate(kid="rotated-key-2")


@pytest.fixture
def config_dict(test_key: SigningKey) -> dict[str, Any]:
    """A valid edge config.json trusting the test key (a fresh copy per test)."""
    return edge_config(test_key)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[object], Path]:
    """Write any JSON value as a config file and return its path."""
    return functools.partial(write_config_file, tmp_path)


@pytest.fixture
def load_event() -> LoadEvent:
    """A fresh copy of a sample event from events/, by scenario name."""
    return sample_event


@pytest.fixture(scope="session")
def ffmpeg_corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """FFmpeg's HLS sets, one per shape (tests/support/ffmpeg_corpus.py), made once a session."""
    return build_corpus(tmp_path_factory.mktemp("ffmpeg-corpus"))
