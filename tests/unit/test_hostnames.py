"""chalicelib.domain.hostnames: reserved names, and the DNS challenge that proves control of a host."""

from __future__ import annotations

import pytest

from chalicelib.domain.hostnames import challenge, proven, refusal, statuses

PLATFORM_DOMAINS = ("kontor.dev", "kontor-cdn.net")

# a host name -> whether a tenant may claim it
CLAIMABLE: list[tuple[str, bool]] = [
    ("shop.acme.de", True),
    ("www.nordic.se", True),
    ("acme.co.uk", True),
    ("shop.acme.example", True),
    ("xn--bcher-kva.example", True),
    ("1password.com", True),
    ("shop.1.example", True),
    ("kontor.dev.acme.de", True),
    ("mykontor.dev", True),
    ("localhost", False),
    ("LOCALHOST", False),
    ("shop.localhost", False),
    ("127.0.0.1", False),
    ("10.0.0.8", False),
    ("192.168.1.1", False),
    ("::1", False),
    ("[::1]", False),
    ("2001:db8::1", False),
    ("127.1", False),
    ("10.0.1", False),
    ("shop.acme.123", False),
    ("intranet", False),
    ("kontor.dev", False),
    ("api.kontor.dev", False),
    ("acme.KONTOR.dev", False),
    ("a.b.kontor-cdn.net", False),
    ("kontor.dev.", False),
]


@pytest.mark.parametrize(("hostname", "claimable"), CLAIMABLE)
def test_reserved_host_names_are_refused_with_a_reason(hostname: str, claimable: bool) -> None:
    # when
    reason = refusal(hostname, PLATFORM_DOMAINS)

    # then
    assert (reason is None) == claimable, reason


def test_a_platform_domain_is_named_in_its_refusal() -> None:
    # when
    reason = refusal("shop.kontor.dev", PLATFORM_DOMAINS)

    # then
    assert reason is not None
    assert "kontor.dev" in reason


def test_without_platform_domains_only_the_universal_reservations_apply() -> None:
    # then
    assert refusal("api.kontor.dev", ()) is None
    assert refusal("localhost", ()) is not None


def test_the_challenge_names_the_txt_record_under_the_host_with_the_tenants_token() -> None:
    # when
    record = challenge("shop.acme.de", "0123abcd")

    # then
    assert record.model_dump() == {
        "type": "TXT",
        "name": "_kontor-challenge.shop.acme.de",
        "value": "kontor-verification=0123abcd",
    }


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (["kontor-verification=0123abcd"], True),
        (["v=spf1 -all", "kontor-verification=0123abcd"], True),
        ([" kontor-verification=0123abcd "], True),
        (["kontor-verification=ffff"], False),
        (["kontor-verification=0123abcdX"], False),
        ([], False),
    ],
)
def test_a_challenge_is_proven_only_by_its_exact_value(published: list[str], expected: bool) -> None:
    # when
    result = proven(challenge("shop.acme.de", "0123abcd"), published)

    # then
    assert result is expected


def test_statuses_say_which_hostnames_are_verified_and_what_to_publish_for_each() -> None:
    # when
    items = statuses(["a.acme.de", "b.acme.de"], ["b.acme.de"], "tok")

    # then
    assert [(item.hostname, item.status) for item in items] == [
        ("a.acme.de", "pending"),
        ("b.acme.de", "verified"),
    ]
    assert items[0].challenge.name == "_kontor-challenge.a.acme.de"
