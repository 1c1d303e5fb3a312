"""Rendering the edge config and adding it to the code package (pure, no AWS)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from edge_config.package import CONFIG_ENTRY, EDGE_PACKAGE_LIMIT_BYTES, PackageError, with_config
from edge_config.render import TrustedPool, config_bytes, issuer_of, render_edge_config
from shared.trust.config import parse_config
from shared.trust.errors import ConfigError
from testkit.tokens import TEST_CLIENT_ID, TEST_ISSUER, SigningKey

POOL_FIELDS = frozenset(TrustedPool._fields)


def rendered(key: SigningKey, **overrides: Any) -> dict[str, Any]:
    pool: dict[str, Any] = {
        "issuer": TEST_ISSUER,
        "client_ids": [TEST_CLIENT_ID],
        "token_use": ["id"],
        "required_groups": ["students"],
        "jwks": key.jwks(),
        **{k: v for k, v in overrides.items() if k in POOL_FIELDS},
    }
    arguments: dict[str, Any] = {
        "cookie_name": "content_token",
        "cors_allowed_origins": ["https://learn.example.com"],
        **{k: v for k, v in overrides.items() if k not in POOL_FIELDS},
    }
    return render_edge_config(pools=[TrustedPool(**pool)], **arguments)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


EDGE_ZIP = zip_of({"edge_auth/app.py": b"# handler", "edge_auth/rs256.py": b"# rs256"})


def test_the_rendered_config_is_one_the_edge_accepts(test_key: SigningKey) -> None:
    settings = parse_config(rendered(test_key))
    assert settings.pools[0].access.all_access_groups == frozenset({"students"})
    assert settings.cors_allowed_origins == frozenset({"https://learn.example.com"})


def test_several_pools_render_into_one_config(
    test_key: SigningKey, rotated_key: SigningKey
) -> None:
    staff = TrustedPool(
        "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staff42",
        ["staffclient"],
        ["access"],
        ["staff"],
        rotated_key.jwks(),
    )
    learners = TrustedPool(TEST_ISSUER, [TEST_CLIENT_ID], ["id"], ["students"], test_key.jwks())
    settings = parse_config(render_edge_config(pools=[learners, staff]))
    assert [pool.user_pool_id for pool in settings.pools] == [
        "us-east-1_TestOnly1",
        "eu-west-1_Staff42",
    ]


ARN = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_TestOnly1"


@pytest.mark.parametrize(
    ("issuer_configuration", "issuer"),
    [
        (None, TEST_ISSUER),
        ({"Type": "ORIGINAL"}, TEST_ISSUER),
        (
            {"Type": "UPDATED"},
            TEST_ISSUER.replace("https://cognito-idp.", "https://issuer-cognito-idp."),
        ),
    ],
)
def test_the_issuer_is_read_from_the_pool_as_described(
    issuer_configuration: dict[str, str] | None, issuer: str
) -> None:
    pool: dict[str, Any] = {"Id": "us-east-1_TestOnly1", "Arn": ARN}
    if issuer_configuration is not None:
        pool["IssuerConfiguration"] = issuer_configuration
    assert issuer_of(pool) == issuer


def test_the_region_comes_from_the_pool_s_arn() -> None:
    arn = ARN.replace("us-east-1:", "eu-west-1:").replace("us-east-1_", "eu-west-1_")
    pool = {"Id": "eu-west-1_TestOnly1", "Arn": arn, "IssuerConfiguration": {"Type": "UPDATED"}}
    assert (
        issuer_of(pool) == "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestOnly1"
    )


@pytest.mark.parametrize(
    "pool",
    [
        {"Id": "us-east-1_TestOnly1"},
        {"Arn": ARN},
        {"Id": "us-east-1_TestOnly1", "Arn": ARN, "IssuerConfiguration": {"Type": "FUTURE"}},
    ],
)
def test_a_pool_description_that_names_no_issuer_is_a_config_error(pool: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        issuer_of(pool)


def test_unset_optional_settings_are_left_out(test_key: SigningKey) -> None:
    config = rendered(test_key, cookie_name=None, cors_allowed_origins=[])
    assert "cookie_name" not in config
    assert "cors_allowed_origins" not in config
    assert "jwks_url" not in config["pools"][0]


@pytest.mark.parametrize(
    "override",
    [
        {"issuer": "https://evil.example/pool"},
        {"client_ids": []},
        {"token_use": ["refresh"]},
        {"jwks": {"keys": []}},
        {"cookie_name": "bad cookie"},
    ],
)
def test_a_config_the_edge_would_reject_fails_the_render(
    test_key: SigningKey, override: dict[str, Any]
) -> None:
    with pytest.raises(ConfigError):
        rendered(test_key, **override)


def test_config_bytes_are_canonical(test_key: SigningKey) -> None:
    config = rendered(test_key)
    assert config_bytes(config) == config_bytes(dict(reversed(list(config.items()))))


def test_with_config_adds_config_json_beside_the_handler(test_key: SigningKey) -> None:
    config = config_bytes(rendered(test_key))
    archive = zipfile.ZipFile(io.BytesIO(with_config(EDGE_ZIP, config)))
    assert archive.read(CONFIG_ENTRY) == config
    assert archive.read("edge_auth/app.py") == b"# handler"


def test_with_config_replaces_an_existing_config(test_key: SigningKey) -> None:
    stale = zip_of({"edge_auth/app.py": b"# handler", CONFIG_ENTRY: b'{"old": true}'})
    archive = zipfile.ZipFile(io.BytesIO(with_config(stale, b"{}")))
    assert [i.filename for i in archive.infolist()].count(CONFIG_ENTRY) == 1
    assert archive.read(CONFIG_ENTRY) == b"{}"


def test_with_config_is_reproducible() -> None:
    reordered = zip_of({"edge_auth/rs256.py": b"# rs256", "edge_auth/app.py": b"# handler"})
    assert with_config(EDGE_ZIP, b"{}") == with_config(reordered, b"{}")
    assert with_config(EDGE_ZIP, b"{}") != with_config(EDGE_ZIP, b"{ }")


def test_a_package_without_the_edge_handler_is_refused() -> None:
    with pytest.raises(PackageError, match=r"edge_auth/app\.py"):
        with_config(zip_of({"other/app.py": b""}), b"{}")


def test_a_package_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(PackageError, match="not a readable zip"):
        with_config(b"not a zip", b"{}")


def test_a_package_over_the_lambda_edge_limit_is_refused() -> None:
    import os

    big = zip_of(
        {"edge_auth/app.py": b"#", "edge_auth/blob.bin": os.urandom(EDGE_PACKAGE_LIMIT_BYTES)}
    )
    with pytest.raises(PackageError, match="limit"):
        with_config(big, b"{}")


def test_config_json_round_trips(test_key: SigningKey) -> None:
    config = rendered(test_key)
    archive = zipfile.ZipFile(io.BytesIO(with_config(EDGE_ZIP, config_bytes(config))))
    assert json.loads(archive.read(CONFIG_ENTRY)) == config
