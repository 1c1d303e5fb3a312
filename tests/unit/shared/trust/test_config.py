"""config: the edge's settings are validated once, and anything doubtful is an error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edge_auth import config as config_file
from shared.trust import config
from shared.trust.errors import ConfigError
from testkit.tokens import TEST_CONFIG_PATH, TEST_ISSUER, SigningKey

UPDATED_ISSUER = TEST_ISSUER.replace("https://cognito-idp.", "https://issuer-cognito-idp.")


def test_a_config_in_the_first_format_is_one_pool_with_today_s_meaning(
    config_dict: dict[str, Any], test_key: SigningKey
) -> None:
    settings = config.parse_config(config_dict)
    [pool] = settings.pools
    assert pool.user_pool_id == "us-east-1_TestOnly1"
    assert pool.client_ids == frozenset({"testonlyappclient"})
    assert pool.token_uses == frozenset({"id", "access"})
    assert pool.access.all_access_groups == frozenset({"students"})
    assert set(pool.keys) == {test_key.kid}
    assert pool.jwks_url == f"{TEST_ISSUER}/.well-known/jwks.json"
    assert settings.cookie_name == "content_token"


def test_the_committed_test_config_still_loads(test_key: SigningKey) -> None:
    """tests/keys/test-only-edge-config.json is written in the first format."""
    settings = config_file.load_config(str(TEST_CONFIG_PATH))
    assert [pool.user_pool_id for pool in settings.pools] == ["us-east-1_TestOnly1"]
    assert set(settings.pools[0].keys) == {test_key.kid}


@pytest.mark.parametrize("issuer", [TEST_ISSUER, UPDATED_ISSUER])
def test_either_issuer_format_names_the_pool_and_both_are_accepted(
    config_dict: dict[str, Any], issuer: str
) -> None:
    [pool] = config.parse_config({**config_dict, "issuer": issuer}).pools
    assert pool.issuers == frozenset({TEST_ISSUER, UPDATED_ISSUER})
    assert pool.jwks_url == f"{issuer}/.well-known/jwks.json"


def pool_entry(config_dict: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    keys = ("issuer", "client_ids", "token_use", "required_groups", "jwks")
    return {**{key: config_dict[key] for key in keys}, **overrides}


STAFF_ISSUER = "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Staff42"


def test_several_pools_each_keep_their_own_settings(
    config_dict: dict[str, Any], rotated_key: SigningKey
) -> None:
    staff = pool_entry(
        config_dict,
        issuer=STAFF_ISSUER,
        client_ids=["staffclient"],
        token_use=["access"],
        required_groups=["staff"],
        jwks=rotated_key.jwks(),
    )
    settings = config.parse_config(
        {"pools": [pool_entry(config_dict), staff], "cookie_name": "content_token"}
    )
    learners, staff_pool = settings.pools
    assert learners.client_ids == frozenset({"testonlyappclient"})
    assert staff_pool.user_pool_id == "eu-west-1_Staff42"
    assert staff_pool.client_ids == frozenset({"staffclient"})
    assert staff_pool.token_uses == frozenset({"access"})
    assert staff_pool.access.all_access_groups == frozenset({"staff"})
    assert set(staff_pool.keys) == {rotated_key.kid}
    assert STAFF_ISSUER.replace("issuer-cognito-idp", "cognito-idp") in staff_pool.issuers


@pytest.mark.parametrize(
    "pools",
    [
        pytest.param([], id="empty"),
        pytest.param("pool", id="not-a-list"),
        pytest.param(["pool"], id="entry-not-an-object"),
        pytest.param("duplicate", id="same-pool-twice"),
        pytest.param("too-many", id="too-many"),
        pytest.param("unknown-key", id="unknown-key-in-a-pool"),
        pytest.param("edge-key-in-pool", id="cookie-name-in-a-pool"),
    ],
)
def test_an_invalid_pools_list_is_an_error(config_dict: dict[str, Any], pools: Any) -> None:
    one = pool_entry(config_dict)
    value = (
        {
            "duplicate": [one, {**one, "issuer": UPDATED_ISSUER}],
            "too-many": [
                {**one, "issuer": f"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_P{i}"}
                for i in range(config.MAX_POOLS + 1)
            ],
            "unknown-key": [{**one, "required_group": ["x"]}],
            "edge-key-in-pool": [{**one, "cookie_name": "c"}],
        }.get(pools, pools)
        if isinstance(pools, str)
        else pools
    )
    with pytest.raises(ConfigError):
        config.parse_config({"pools": value})


def test_pools_and_top_level_pool_keys_do_not_mix(config_dict: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="unknown"):
        config.parse_config({**config_dict, "pools": [pool_entry(config_dict)]})


def test_optional_keys_have_safe_defaults(config_dict: dict[str, Any]) -> None:
    for key in ("jwks", "cookie_name"):
        del config_dict[key]
    settings = config.parse_config(config_dict)
    assert settings.pools[0].keys == {}
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
        ("issuer", "https://issuer-cognito-idp.us-east-1.amazonaws.com.evil.example/us-east-1_P"),
        ("issuer", "https://evil-issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool"),
        ("issuer", "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/"),
        ("issuer", "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_Pool"),
        ("issuer", "https://cognito-idp.us-east-1.evil.com/us-east-1_Pool"),
        ("issuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool?x"),
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
    assert config.parse_config(config_dict).pools[0].jwks_url == url


@pytest.mark.parametrize("raw", [None, [], "config", 7])
def test_a_config_that_is_not_an_object_is_an_error(raw: Any) -> None:
    with pytest.raises(ConfigError, match="object"):
        config.parse_config(raw)


def test_an_empty_required_groups_list_is_allowed(config_dict: dict[str, Any]) -> None:
    config_dict["required_groups"] = []
    assert config.parse_config(config_dict).pools[0].access.all_access_groups == frozenset()


def test_a_jwks_that_breaks_a_key_rule_is_a_config_error(config_dict: dict[str, Any]) -> None:
    config_dict["jwks"] = {"keys": []}
    with pytest.raises(ConfigError, match="jwks"):
        config.parse_config(config_dict)


def test_load_config_reads_a_file(
    config_dict: dict[str, Any], write_config: Callable[[object], Path]
) -> None:
    assert config_file.load_config(str(write_config(config_dict))).pools[0].user_pool_id == (
        "us-east-1_TestOnly1"
    )


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no configuration file"):
        config_file.load_config(str(tmp_path / "absent.json"))


@pytest.mark.parametrize("text", ["", "{", "{'issuer': 1}", "\udcff"])
def test_a_file_that_is_not_json_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ConfigError, match="cannot read"):
        config_file.load_config(str(path))


def test_the_environment_variable_overrides_the_packaged_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config_file.CONFIG_ENV_VAR, "/tmp/elsewhere.json")
    assert config_file.config_path() == "/tmp/elsewhere.json"


def test_without_the_environment_variable_the_file_beside_the_code_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(config_file.CONFIG_ENV_VAR, raising=False)
    assert config_file.config_path() == str(Path(config_file.__file__).with_name("config.json"))


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


def test_a_pool_s_access_rule_is_its_required_groups(config_dict: dict[str, Any]) -> None:
    [pool] = config.parse_config(config_dict).pools
    assert pool.access.all_access_groups == frozenset({"students"})


@pytest.mark.parametrize("prefix", ["course-", "", None])
def test_a_course_group_prefix_is_an_unknown_key_now(
    config_dict: dict[str, Any], prefix: Any
) -> None:
    """Course groups open nothing at the edge: no configuration may say otherwise."""
    with pytest.raises(ConfigError, match="course_group_prefix"):
        config.parse_config({**config_dict, "course_group_prefix": prefix})


#: The ``grants`` entry this function accepted until grants moved to the CloudFront Function.
RS256_GRANTS = {
    "issuer": "urn:private-content:test-stack:grants",
    "jwks": {"keys": [SigningKey.generate(kid="grant-test-1").public_jwk()]},
}


@pytest.mark.parametrize("grants", [RS256_GRANTS, {}, None], ids=["rs256-keys", "empty", "null"])
def test_grants_are_an_unknown_key_now_in_either_format(
    config_dict: dict[str, Any], grants: Any
) -> None:
    """Grants are checked by the CloudFront Function: no configuration may give this function
    a grant key, nor even say that it has none."""
    with pytest.raises(ConfigError, match=r"unknown: \['grants'\]"):
        config.parse_config({**config_dict, "grants": grants})
    with pytest.raises(ConfigError, match=r"unknown: \['grants'\]"):
        config.parse_config({"pools": [pool_entry(config_dict)], "grants": grants})
