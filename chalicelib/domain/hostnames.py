"""Which host names a tenant may give its websites, and how it proves it controls one.

A website names hostnames freely (each stays *pending*); one serves the website only once the tenant
published the DNS TXT record of its challenge, ``_kontor-challenge.<hostname>`` holding
``kontor-verification=<the tenant's token>``, and a verification found it. Names no tenant can own are
refused outright: ``localhost``, IP addresses (in any form a resolver would take for one), names of a
single label, and the platform's own domains.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Literal

from chalicelib.domain.base import View

CHALLENGE_LABEL = "_kontor-challenge"
CHALLENGE_VALUE_PREFIX = "kontor-verification="

HostnameState = Literal["pending", "verified"]


class HostnameChallenge(View):
    """The DNS record a tenant publishes to prove it controls a hostname."""

    type: Literal["TXT"] = "TXT"
    name: str
    value: str


class HostnameStatus(View):
    hostname: str
    status: HostnameState
    challenge: HostnameChallenge


class WebsiteHostnames(View):
    website_id: str
    items: list[HostnameStatus]


def challenge(hostname: str, token: str) -> HostnameChallenge:
    return HostnameChallenge(name=f"{CHALLENGE_LABEL}.{hostname}", value=f"{CHALLENGE_VALUE_PREFIX}{token}")


def proven(expected: HostnameChallenge, published: Iterable[str]) -> bool:
    """Whether the TXT values published at the challenge's name include its value."""
    return any(value.strip() == expected.value for value in published)


def statuses(hostnames: Iterable[str], verified: Iterable[str], token: str) -> list[HostnameStatus]:
    done = set(verified)
    return [
        HostnameStatus(
            hostname=hostname,
            status="verified" if hostname in done else "pending",
            challenge=challenge(hostname, token),
        )
        for hostname in hostnames
    ]


def refusal(hostname: str, platform_domains: Iterable[str]) -> str | None:
    """Why no tenant may claim ``hostname`` (a syntactically valid host name), or None if one may."""
    name = hostname.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "localhost is reserved"
    if _ip_literal(name):
        return "an IP address is not a host name a website can claim"
    labels = name.split(".")
    if len(labels) < 2:
        return "a host name needs a registered domain (at least two labels)"
    if labels[-1].isdigit():
        # "127.1" or "10.0.1" are IPv4 addresses to inet_aton and most resolvers
        return "a host name's last label is never all digits (that is an IP address)"
    for domain in platform_domains:
        domain = domain.lower().rstrip(".")
        if name == domain or name.endswith("." + domain):
            return f"{domain} and its subdomains are the platform's own"
    return None


def _ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True
