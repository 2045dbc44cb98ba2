"""chalicelib.platform.settings: stage rules for the dev issuer and the trusted issuer list."""

from __future__ import annotations

import os
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.platform.settings import (
    DEV_AUDIENCE,
    DEV_ISSUER,
    Settings,
    TrustedIssuer,
    get_settings,
    load_settings,
)

COGNITO = {
    "issuer": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
    "audience": "kontor-api",
    "jwks_uri": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json",
}
DEV_ISSUER_ENTRY = {"issuer": DEV_ISSUER, "audience": DEV_AUDIENCE, "jwks_uri": "file:///keys/jwks.json"}


def settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "stage": "test",
        "table_name": "kontor-test",
        "aws_region": "eu-west-1",
        "queue_prefix": "kontor-test",
        "cursor_secret": "unit-cursor-secret-0123456789",
    }
    return Settings.model_validate(values | changes)


@pytest.mark.parametrize("stage", ["dev", "prod"])
@pytest.mark.parametrize(
    "dev_issuer",
    [
        pytest.param({"dev_issuer_dir": "/keys"}, id="key-folder"),
        pytest.param({"issuers": [DEV_ISSUER_ENTRY]}, id="configured-issuer"),
    ],
)
def test_dev_issuer_is_refused_in_deployed_stages(stage: str, dev_issuer: dict[str, Any]) -> None:
    # given a deployed stage that would trust the dev issuer
    # when / then the settings are refused
    with pytest.raises(ValidationError, match="the dev issuer is trusted only in stages"):
        settings(stage=stage, **dev_issuer)


@pytest.mark.parametrize("stage", ["local", "test"])
def test_dev_issuer_is_accepted_in_dev_stages(stage: str) -> None:
    # given a local or test stage with the dev issuer's key folder
    # when the settings are built
    built = settings(stage=stage, dev_issuer_dir="/keys")
    # then the dev issuer is trusted
    assert DEV_ISSUER in [issuer.issuer for issuer in built.trusted_issuers]


@pytest.mark.parametrize("stage", ["local", "test", "dev", "prod"])
def test_every_stage_accepts_real_issuers(stage: str) -> None:
    # given a stage trusting only a real issuer
    # when the settings are built
    built = settings(stage=stage, issuers=[COGNITO])
    # then that issuer is the only one trusted
    assert built.trusted_issuers == (TrustedIssuer(**COGNITO),)


@pytest.mark.parametrize(
    ("changes", "trusted"),
    [
        pytest.param({}, [], id="nothing-configured"),
        pytest.param({"issuers": [COGNITO]}, [COGNITO["issuer"]], id="configured-only"),
        pytest.param({"dev_issuer_dir": "/keys"}, [DEV_ISSUER], id="dev-only"),
        pytest.param(
            {"issuers": [COGNITO], "dev_issuer_dir": "/keys"}, [COGNITO["issuer"], DEV_ISSUER], id="both"
        ),
    ],
)
def test_trusted_issuers_include_the_dev_issuer_only_with_its_folder(
    changes: dict[str, Any], trusted: list[str]
) -> None:
    # given settings with or without configured issuers and a dev key folder
    built = settings(**changes)
    # when the trusted issuers are listed
    issuers = [issuer.issuer for issuer in built.trusted_issuers]
    # then the dev issuer appears only when its key folder is set
    assert issuers == trusted


def test_dev_issuer_reads_its_jwks_from_the_absolute_key_folder() -> None:
    # given a relative dev key folder
    built = settings(dev_issuer_dir=".local/dev-issuer")
    # when the dev issuer is described
    dev = built.trusted_issuers[-1]
    # then its JWKS is a file under the absolute folder, for the dev audience
    assert (dev.audience, dev.jwks_uri) == (
        DEV_AUDIENCE,
        f"file://{os.path.abspath('.local/dev-issuer')}/jwks.json",
    )


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        pytest.param({"cursor_secret": "short"}, "at least 16 characters", id="short-cursor-secret"),
        pytest.param({"stage": "staging"}, "Input should be", id="unknown-stage"),
        pytest.param({"surprise": 1}, "Extra inputs are not permitted", id="unknown-setting"),
    ],
)
def test_invalid_settings_are_refused(changes: dict[str, Any], error: str) -> None:
    # given settings with an invalid value
    # when / then they are refused
    with pytest.raises(ValidationError, match=error):
        settings(**changes)


def test_load_settings_refuses_dev_issuer_in_prod_env(fresh_settings: pytest.MonkeyPatch) -> None:
    # given a prod environment that also points at a dev key folder
    fresh_settings.setenv("KONTOR_STAGE", "prod")
    fresh_settings.setenv("KONTOR_DEV_ISSUER_DIR", "/keys")
    # when / then loading the settings fails
    with pytest.raises(ValidationError, match="the dev issuer is trusted only in stages"):
        load_settings()


def test_load_settings_reads_the_test_environment(fresh_settings: pytest.MonkeyPatch) -> None:
    # given the test stage's environment without a dev key folder
    fresh_settings.delenv("KONTOR_DEV_ISSUER_DIR", raising=False)
    # when the settings are read
    built = get_settings()
    # then they are the test stage's and trust no issuer
    assert (built.stage, built.table_name, built.trusted_issuers) == ("test", "kontor-test", ())


def test_get_settings_is_cached_until_reset(fresh_settings: pytest.MonkeyPatch) -> None:
    # given settings read once
    first = get_settings()
    # when the environment changes without a reset
    fresh_settings.setenv("KONTOR_TABLE", "kontor-other")
    # then the cached settings are still served
    assert get_settings() is first


@pytest.mark.parametrize(
    ("config", "signs_in"),
    [
        pytest.param({}, {"staff", "customer"}, id="platform-issuer-signs-in-both"),
        pytest.param({"tenant_id": "globex"}, {"customer"}, id="tenant-issuer-signs-in-customer-users"),
        pytest.param({"tenant_id": "globex", "signs_in": ["staff"]}, {"staff"}, id="tenant-issuer-for-staff"),
        pytest.param({"signs_in": ["customer"]}, {"customer"}, id="platform-issuer-for-customer-users"),
    ],
)
def test_an_issuer_signs_in_the_kinds_of_user_its_configuration_says(
    config: dict[str, Any], signs_in: set[str]
) -> None:
    # given an issuer's configuration
    # when it is read
    issuer = TrustedIssuer.model_validate(COGNITO | config)
    # then it signs in what it says, or by default what its reach suggests
    assert issuer.signs_in == signs_in


@pytest.mark.parametrize(
    "signs_in",
    [pytest.param([], id="nobody"), pytest.param(["operator"], id="unknown-kind")],
)
def test_an_issuer_signing_in_nobody_or_an_unknown_kind_is_refused(signs_in: list[str]) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match="signs_in"):
        TrustedIssuer.model_validate(COGNITO | {"signs_in": signs_in})


def test_the_dev_issuer_signs_in_everyone_and_vouches_for_its_emails() -> None:
    # given settings with the dev key folder
    built = settings(dev_issuer_dir="/keys")
    # when the dev issuer is described
    dev = built.trusted_issuers[-1]
    # then it signs in staff and customer users, and a token without email_verified is accepted
    assert (dev.signs_in, dev.emails_verified) == ({"staff", "customer"}, True)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_dns_records_file_is_refused_in_deployed_stages(stage: str) -> None:
    # given a deployed stage told to take TXT records from a file
    # when / then the settings are refused (whoever writes the file would own every hostname)
    with pytest.raises(ValidationError, match="a DNS records file stands in for DNS only"):
        settings(stage=stage, dns_records_file="/tmp/records.json")


def test_load_settings_reads_the_platform_domains_as_a_list(fresh_settings: pytest.MonkeyPatch) -> None:
    # given two platform domains in the environment
    fresh_settings.setenv("KONTOR_PLATFORM_DOMAINS", "Kontor.dev, kontor-cdn.net ,")
    # when the settings are read
    built = get_settings()
    # then both are reserved, lowercase
    assert built.platform_domains == ("kontor.dev", "kontor-cdn.net")
