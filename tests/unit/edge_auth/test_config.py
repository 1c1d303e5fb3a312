"""config: the edge's settings are validated once, and anything doubtful is an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edge_auth import config
from edge_auth.errors import ConfigError
from tests.support.tokens import TEST_ISSUER, SigningKey


def test_a_valid_config_is_parsed_into_settings(
    config_dict: dict[str, Any], test_key: SigningKey
) -> None:
    settings = config.parse_config(config_dict)
    assert settings.issuer == TEST_ISSUER
    assert settings.client_ids == frozenset({"testonlyappclient"})
    assert settings.token_uses == frozenset({"id", "access"})
    assert settings.required_groups == frozenset({"students"})
    assert settings.cookie_name == "content_token"
    assert set(settings.keys) == {test_key.kid}
    assert settings.jwks_url == f"{TEST_ISSUER}/.well-known/jwks.json"


def test_optional_keys_have_safe_defaults(config_dict: dict[str, Any]) -> None:
    for key in ("jwks", "cookie_name"):
        del config_dict[key]
    settings = config.parse_config(config_dict)
    assert settings.keys == {}
    assert settings.cookie_name is None
    assert settings.cors_allowed_origins == frozenset()
    assert (settings.service, settings.log_level) == ("edge-auth", "INFO")


@pytest.mark.parametrize("missing", ["issuer", "client_ids", "token_use", "required_groups"])
def test_every_required_key_must_be_present(config_dict: dict[str, Any], missing: str) -> None:
    del config_dict[missing]
    with pytest.raises(ConfigError, match=missing):
        config.parse_config(config_dict)


@pytest.mark.parametrize("typo", ["required_group", "client_id", "tokenUse", "cookie"])
def test_an_unknown_key_is_an_error_not_silently_ignored(
    config_dict: dict[str, Any], typo: str
) -> None:
    config_dict[typo] = "anything"
    with pytest.raises(ConfigError, match="unknown"):
        config.parse_config(config_dict)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("issuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/"),
        ("issuer", "http://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"),
        ("issuer", "https://evil.example/us-east-1_Pool"),
        ("issuer", "https://cognito-idp.us-east-1.amazonaws.com.evil.example/us-east-1_Pool"),
        ("issuer", None),
        ("client_ids", []),
        ("client_ids", "testonlyappclient"),
        ("client_ids", [""]),
        ("client_ids", [7]),
        ("token_use", []),
        ("token_use", ["refresh"]),
        ("token_use", "id"),
        ("required_groups", "students"),
        ("required_groups", [None]),
        ("cookie_name", "bad name"),
        ("cookie_name", "a;b"),
        ("cookie_name", ""),
        ("cors_allowed_origins", ["https://app.example.com/"]),
        ("cors_allowed_origins", ["*"]),
        ("cors_allowed_origins", "https://app.example.com"),
        ("log_level", "LOUD"),
        ("service", "has space"),
        ("jwks_url", "http://evil.example/jwks.json"),
        ("jwks_url", "file:///etc/passwd"),
        ("jwks_url", 7),
    ],
)
def test_an_invalid_value_is_an_error(config_dict: dict[str, Any], key: str, value: Any) -> None:
    config_dict[key] = value
    with pytest.raises(ConfigError):
        config.parse_config(config_dict)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000/pool/.well-known/jwks.json", "https://jwks.example/keys"]
)
def test_a_jwks_url_override_may_be_https_or_loopback_http(
    config_dict: dict[str, Any], url: str
) -> None:
    config_dict["jwks_url"] = url
    assert config.parse_config(config_dict).jwks_url == url


@pytest.mark.parametrize("raw", [None, [], "config", 7])
def test_a_config_that_is_not_an_object_is_an_error(raw: Any) -> None:
    with pytest.raises(ConfigError, match="object"):
        config.parse_config(raw)


def test_an_empty_required_groups_list_is_allowed(config_dict: dict[str, Any]) -> None:
    config_dict["required_groups"] = []
    assert config.parse_config(config_dict).required_groups == frozenset()


def test_jwks_keeps_only_rs256_signing_keys(test_key: SigningKey) -> None:
    other = SigningKey.generate("other").public_jwk()
    jwks = {
        "keys": [
            test_key.public_jwk(),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {**other, "kid": "enc", "use": "enc"},
            {**other, "kid": "rs512", "alg": "RS512"},
        ]
    }
    assert set(config.parse_jwks(jwks)) == {test_key.kid}


@pytest.mark.parametrize(
    "jwks",
    [
        None,
        {},
        {"keys": {}},
        {"keys": []},
        {"keys": ["not-an-object"]},
        {"keys": [7, SigningKey.test_only().public_jwk()]},
        {"keys": [{"kty": "EC"}]},
    ],
)
def test_a_jwks_without_a_usable_key_is_an_error(jwks: Any) -> None:
    with pytest.raises(ConfigError):
        config.parse_jwks(jwks)


def test_a_jwks_with_a_kid_used_twice_is_an_error(
    test_key: SigningKey, attacker_key: SigningKey
) -> None:
    with pytest.raises(ConfigError, match="twice"):
        config.parse_jwks({"keys": [test_key.public_jwk(), attacker_key.public_jwk()]})


def test_a_signing_key_without_a_kid_is_an_error(test_key: SigningKey) -> None:
    jwk = test_key.public_jwk()
    del jwk["kid"]
    with pytest.raises(ConfigError, match="kid"):
        config.parse_jwks({"keys": [jwk]})


def test_load_config_reads_a_file(
    config_dict: dict[str, Any], write_config: Callable[[object], Path]
) -> None:
    assert config.load_config(str(write_config(config_dict))).issuer == TEST_ISSUER


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no configuration file"):
        config.load_config(str(tmp_path / "absent.json"))


@pytest.mark.parametrize("text", ["", "{", "{'issuer': 1}", "\udcff"])
def test_a_file_that_is_not_json_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConfigError, match="cannot read"):
        config.load_config(str(path))


def test_the_environment_variable_overrides_the_packaged_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config.CONFIG_ENV_VAR, "/tmp/elsewhere.json")
    assert config.config_path() == "/tmp/elsewhere.json"


def test_without_the_environment_variable_the_file_beside_the_code_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(config.CONFIG_ENV_VAR, raising=False)
    assert config.config_path() == str(Path(config.__file__).with_name("config.json"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1@evil.example/jwks.json",
        "https://user@cognito-idp.us-east-1.amazonaws.com/p/.well-known/jwks.json",
        "https://jwks.example/keys?redirect=http://evil",
        "https:///jwks.json",
        "ftp://127.0.0.1/jwks.json",
    ],
)
def test_a_jwks_url_with_userinfo_a_query_or_no_host_is_refused(
    config_dict: dict[str, Any], url: str
) -> None:
    config_dict["jwks_url"] = url
    with pytest.raises(ConfigError, match="jwks_url"):
        config.parse_config(config_dict)
