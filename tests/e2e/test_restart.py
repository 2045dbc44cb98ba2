"""Data survives a restart of ``make run``, and so do a user's changes to the demo data: the seed finds
what it made by the id it recorded, never by name, keeps it as the user left it, and says what it
left out.

One stack gets a website of the user's own and has every kind of demo entity renamed, re-pointed or
deleted, and is restarted once (Ctrl-C, then a new runner on the same data folder); each test reads
one outcome from the restarted stack (a failed restart fails them all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .stack import SMALL_CATALOG, Stack
from .support import organization_body, website_body

pytestmark = pytest.mark.e2e

ACME_ADMIN = "admin@acme.example"


@dataclass
class Restarted:
    """The stack started again on the changed data, the ids of what was changed, and what the
    first stack answered for the website created on it."""

    stack: Stack
    token: str
    ids: dict[str, str]
    output: str
    own_website: dict[str, Any]

    def get(self, path: str) -> dict[str, Any]:
        response = self.stack.call("GET", path, token=self.token)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def status(self, path: str) -> int:
        return self.stack.call("GET", path, token=self.token).status_code

    def names(self, path: str) -> list[str]:
        return [item.get("name") for item in self.get(path)["items"]]


def _items(stack: Stack, token: str, path: str) -> list[dict[str, Any]]:
    response = stack.call("GET", path, token=token, params={"limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _by_name(stack: Stack, token: str, path: str, name: str, key: str = "name") -> dict[str, Any]:
    return next(item for item in _items(stack, token, path) if item[key] == name)


def _change(stack: Stack, token: str, path: str, **fields: Any) -> None:
    current = stack.call("GET", path, token=token).json()
    response = stack.call(
        "PATCH", path, token=token, json=fields, headers={"If-Match": f'"{current["version"]}"'}
    )
    assert response.status_code == 200, response.text


def _delete(stack: Stack, token: str, path: str) -> None:
    current = stack.call("GET", path, token=token).json()
    response = stack.call("DELETE", path, token=token, headers={"If-Match": f'"{current["version"]}"'})
    assert response.status_code == 204, response.text


def _change_every_kind(stack: Stack, token: str) -> dict[str, str]:
    """Create a website, and rename, re-point or delete a demo entity of each kind; returns their ids."""
    europe = _by_name(stack, token, "/v1/admin/organizations", "Acme Europe")["id"]
    websites = "/v1/admin/websites"
    germany = _by_name(stack, token, websites, "Acme Germany")["id"]
    switzerland = _by_name(stack, token, websites, "Acme Switzerland")["id"]
    france = _by_name(stack, token, websites, "Acme France")["id"]
    key_accounts = _by_name(stack, token, "/v1/admin/customer-groups", "Key accounts")["id"]
    globex = _by_name(stack, token, "/v1/admin/customers", "Globex")["id"]
    units = f"/v1/admin/customers/{globex}/units"
    lyon = _by_name(stack, token, units, "Plant Lyon")["id"]
    ohio = _by_name(stack, token, units, "Plant Ohio")["id"]
    users = f"/v1/admin/customers/{globex}/users"
    bob = _by_name(stack, token, users, "bob.buyer@globex.example", key="email")["id"]
    olga = _by_name(stack, token, users, "olga.buyer@globex.example", key="email")["id"]
    staff = "/v1/admin/staff-users"
    sam = _by_name(stack, token, staff, "sam.sales@acme.example", key="email")["id"]
    cleo = _by_name(stack, token, staff, "cleo.catalog@acme.example", key="email")["id"]

    organization = stack.call("POST", "/v1/admin/organizations", token=token, json=organization_body())
    own_website = stack.call("POST", websites, token=token, json=website_body(organization.json()["id"]))
    assert own_website.status_code == 201, own_website.text

    _change(stack, token, "/v1/admin/tenant", name="Acme Renamed")
    _change(stack, token, f"/v1/admin/organizations/{europe}", name="Acme Europa")
    _change(stack, token, f"{websites}/{germany}", name="Acme Deutschland")  # keeps shop.acme.de
    _change(stack, token, f"{websites}/{switzerland}", hostnames=["shop.acme-renamed.ch"])
    _delete(stack, token, f"{websites}/{france}")
    _change(stack, token, f"/v1/admin/customer-groups/{key_accounts}", name="Platinum")
    _change(stack, token, f"/v1/admin/customers/{globex}", name="Globex Corp")
    _change(stack, token, f"{units}/{lyon}", name="Plant Lyon-Est")
    _change(stack, token, f"{users}/{bob}", name="Robert Buyer")
    _delete(stack, token, f"{users}/{olga}")
    _delete(stack, token, f"{units}/{ohio}")
    _change(stack, token, f"{staff}/{sam}", name="Samuel Sales")
    _delete(stack, token, f"{staff}/{cleo}")
    return {
        "own_website": own_website.json()["id"],
        "europe": europe,
        "germany": germany,
        "switzerland": switzerland,
        "france": france,
        "key_accounts": key_accounts,
        "globex": globex,
        "lyon": lyon,
        "ohio": ohio,
        "bob": bob,
        "olga": olga,
        "sam": sam,
        "cleo": cleo,
    }


@pytest.fixture(scope="module")
def restarted(seeded_data: Callable[[str], Path]) -> Iterator[Restarted]:
    data = seeded_data("restart")
    first = Stack(data, SMALL_CATALOG)
    try:
        token = first.token("acme", ACME_ADMIN)
        ids = _change_every_kind(first, token)
        own_website = first.call("GET", f"/v1/admin/websites/{ids['own_website']}", token=token).json()
    finally:
        assert first.stop() == 0, first.output()
    second = Stack(data, SMALL_CATALOG)  # raises with the runner's output if it does not start
    try:
        yield Restarted(second, token, ids, second.output_path.read_text(errors="replace"), own_website)
    finally:
        assert second.stop() == 0, second.output()


def test_a_website_survives_a_restart_unchanged(restarted: Restarted) -> None:
    assert restarted.get(f"/v1/admin/websites/{restarted.ids['own_website']}") == restarted.own_website


def test_a_renamed_tenant_keeps_its_name(restarted: Restarted) -> None:
    assert restarted.get("/v1/admin/tenant")["name"] == "Acme Renamed"


def test_a_renamed_organization_is_not_made_again(restarted: Restarted) -> None:
    names = restarted.names("/v1/admin/organizations")
    assert "Acme Europa" in names
    assert "Acme Europe" not in names


def test_a_renamed_website_keeps_its_hostname_and_is_not_made_again(restarted: Restarted) -> None:
    germany = restarted.get(f"/v1/admin/websites/{restarted.ids['germany']}")
    assert (germany["name"], germany["hostnames"]) == ("Acme Deutschland", ["shop.acme.de"])
    assert "Acme Germany" not in restarted.names("/v1/admin/websites")


def test_a_re_pointed_website_keeps_its_new_hostname(restarted: Restarted) -> None:
    switzerland = restarted.get(f"/v1/admin/websites/{restarted.ids['switzerland']}")
    assert switzerland["hostnames"] == ["shop.acme-renamed.ch"]
    assert restarted.names("/v1/admin/websites").count("Acme Switzerland") == 1


def test_a_deleted_website_stays_deleted(restarted: Restarted) -> None:
    assert restarted.status(f"/v1/admin/websites/{restarted.ids['france']}") == 404
    assert "Acme France" not in restarted.names("/v1/admin/websites")


def test_a_renamed_customer_group_is_not_made_again(restarted: Restarted) -> None:
    names = restarted.names("/v1/admin/customer-groups")
    assert "Platinum" in names
    assert "Key accounts" not in names


def test_a_renamed_customer_is_not_made_again(restarted: Restarted) -> None:
    names = restarted.names("/v1/admin/customers")
    assert "Globex Corp" in names
    assert "Globex" not in names


def test_renamed_and_deleted_units_are_not_made_again(restarted: Restarted) -> None:
    names = restarted.names(f"/v1/admin/customers/{restarted.ids['globex']}/units")
    assert "Plant Lyon-Est" in names
    assert {"Plant Lyon", "Plant Ohio"}.isdisjoint(names)


def test_a_renamed_customer_user_keeps_the_name_and_a_deleted_one_stays_deleted(restarted: Restarted) -> None:
    users = restarted.get(f"/v1/admin/customers/{restarted.ids['globex']}/users")["items"]
    by_email = {user["email"]: user["name"] for user in users}
    assert by_email["bob.buyer@globex.example"] == "Robert Buyer"
    assert "olga.buyer@globex.example" not in by_email


def test_a_renamed_staff_user_keeps_the_name_and_a_deleted_one_stays_deleted(restarted: Restarted) -> None:
    staff = {user["email"]: user["name"] for user in restarted.get("/v1/admin/staff-users")["items"]}
    assert staff["sam.sales@acme.example"] == "Samuel Sales"
    assert "cleo.catalog@acme.example" not in staff


def test_the_restart_says_what_it_left_out(restarted: Restarted) -> None:
    left_out = [line for line in restarted.output.splitlines() if "demo data left out" in line]
    assert any("website 'Acme France': deleted since it was seeded" in line for line in left_out), left_out
    assert any("staff user cleo.catalog@acme.example" in line for line in left_out), left_out
    assert any("olga.buyer@globex.example's shopping list" in line for line in left_out), left_out
    assert any("olga.buyer@globex.example's order" in line for line in left_out), left_out
    assert len(left_out) == 6, left_out  # Acme France, Plant Ohio, olga, her shopping list and order, cleo
