"""`make demo` configures the demo page from a deployed stack's outputs."""

from __future__ import annotations

import io

import pytest

from tools.demo import DemoConfigError, demo_config, run

OUTPUTS = {
    "ApiUrl": "https://abc123.execute-api.us-east-1.amazonaws.com/v1",
    "ContentBaseUrl": "https://d111.cloudfront.net",
    "UserPoolClientId": "client123",
    "ManagedLoginUrl": "https://courses-1a2b.auth.us-east-1.amazoncognito.com",
    "AppOriginList": "http://localhost:8000",
}


def test_the_page_config_is_read_from_the_stack_outputs() -> None:
    config = demo_config(OUTPUTS, "s")
    assert config.page == {
        "apiUrl": OUTPUTS["ApiUrl"],
        "authUrl": OUTPUTS["ManagedLoginUrl"],
        "clientId": "client123",
        "contentUrl": OUTPUTS["ContentBaseUrl"],
        "scope": "openid email profile",
    }
    assert (config.origin, config.port) == ("http://localhost:8000", 8000)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_a_stack_without_an_output_the_page_needs_is_refused_by_name(name: str) -> None:
    outputs = {k: v for k, v in OUTPUTS.items() if k != name}
    with pytest.raises(DemoConfigError, match=name):
        demo_config(outputs, "old-stack")


def test_the_loopback_origin_is_chosen_among_several() -> None:
    outputs = {
        **OUTPUTS,
        "AppOriginList": "https://app.example.com, http://127.0.0.1:9000,http://localhost:8000",
    }
    config = demo_config(outputs, "s")
    assert (config.origin, config.port) == ("http://127.0.0.1:9000", 9000)


def test_a_loopback_origin_without_a_port_is_served_on_port_80() -> None:
    assert demo_config({**OUTPUTS, "AppOriginList": "http://localhost"}, "s").port == 80


@pytest.mark.parametrize(
    "origins",
    [
        "https://app.example.com",
        "https://localhost:8000",  # the page would be served over http, not this origin
        "http://app.localhost.example.com:8000",
        "http://[::1]:8000",  # not answered by a server on 127.0.0.1
        "http://localhost:8000/app",
        " , ",
    ],
)
def test_a_stack_with_no_loopback_app_origin_says_which_origin_to_add(origins: str) -> None:
    with pytest.raises(DemoConfigError, match="add http://localhost:8000 to AppOrigins"):
        demo_config({**OUTPUTS, "AppOriginList": origins}, "s")


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--port", "x"], ["--bogus"]])
def test_bad_arguments_are_one_line_and_exit_2_before_any_aws_call(argv: list[str]) -> None:
    err = io.StringIO()
    assert run(argv, err=err) == 2
    assert err.getvalue().count("\n") == 1
    assert err.getvalue().startswith("error: ")
