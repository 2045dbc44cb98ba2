"""Rule-based price lists on the API: their rules on create, PUT and PATCH, checked when saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.services.pricing import rule_lists

from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs, ulid_of

pytestmark = pytest.mark.shared_account

PRICE_LISTS = "/v1/admin/price-lists"
Make = Callable[..., dict[str, Any]]
DISCOUNT = {"formula": "base.value * 0.9"}


@dataclass
class Acme:
    token: str
    organization: str
    other_organization: str
    base: str  # a manual list of the organization

    def create(self, api: Api, **overrides: Any) -> dict[str, Any]:
        body = {
            "name": "Rules",
            "organization_id": self.organization,
            "currencies": ["EUR"],
            "kind": "rule_based",
            **overrides,
        }
        reply = api.call("POST", PRICE_LISTS, token=self.token, body=body)
        assert reply.status == 201, reply.body
        return dict(reply.body)


@pytest.fixture
def acme(make_tenant: Callable[..., str], make_organization: Make, api: Api, worlds: Worlds) -> Acme:
    def build() -> Acme:
        token = make_tenant("acme")
        organization = make_organization(token)["id"]
        other = make_organization(token, name="Acme Nordics")["id"]
        body = {"name": "Base", "organization_id": organization, "currencies": ["EUR", "USD"]}
        base = api.call("POST", PRICE_LISTS, token=token, body=body).body["id"]
        return Acme(token, organization, other, base)

    return worlds.world("acme with a base list", build)


def based_on(list_id: str, **fields: Any) -> dict[str, Any]:
    return {**DISCOUNT, "based_on": list_id, **fields}


def test_a_rule_based_list_keeps_its_rules_with_ids_given_by_the_server(
    api: Api, acme: Acme, table: Table
) -> None:
    # when
    made = acme.create(
        api,
        product_assignment_rule="product.brand == 'ACME'",
        rules=[based_on(acme.base), {"formula": "12", "currency": "EUR", "unit": "each", "quantity": "1"}],
    )

    # then
    assert all(ulid_of("prr").match(rule["id"]) for rule in made["rules"])
    assert made["product_assignment_rule"] == "product.brand == 'ACME'"
    assert api.call("GET", f"{PRICE_LISTS}/{made['id']}", token=acme.token).body == made
    item = table.get("T#acme#PRICELIST", made["id"])
    assert item is not None
    stored = item["data"]
    assert stored["rules"]["product_assignment_rule"] == "product.brand == 'ACME'"
    assert [rule["id"] for rule in stored["rules"]["rules"]] == [rule["id"] for rule in made["rules"]]


def test_resent_rules_keep_their_ids_and_a_new_rule_gets_one(api: Api, acme: Acme) -> None:
    # given
    made = acme.create(api, rules=[based_on(acme.base)])
    [first] = made["rules"]

    # when
    resent = [{**based_on(acme.base)}, based_on(acme.base, priority=1, formula="base.value * 0.8")]
    reply = api.call(
        "PATCH", f"{PRICE_LISTS}/{made['id']}", token=acme.token, body={"rules": resent, "version": 1}
    )

    # then
    assert reply.status == 200, reply.body
    kept, new = reply.body["rules"]
    assert kept["id"] == first["id"]
    assert ulid_of("prr").match(new["id"])
    assert new["id"] != first["id"]


def test_put_replaces_the_fields_and_rules_of_a_list(api: Api, acme: Acme) -> None:
    # given
    made = acme.create(api, product_assignment_rule="product.brand == 'ACME'", rules=[based_on(acme.base)])

    # when
    body = {"name": "Rules 2", "currencies": ["EUR"], "rules": made["rules"]}
    reply = api.call(
        "PUT", f"{PRICE_LISTS}/{made['id']}", token=acme.token, body=body, headers={"If-Match": '"1"'}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Rules 2"
    assert reply.body["product_assignment_rule"] is None
    assert reply.body["rules"] == made["rules"]
    assert reply.body["version"] == 2


def test_a_manual_list_with_rules_is_422_and_writes_nothing(api: Api, acme: Acme) -> None:
    # when
    body = {
        "name": "Manual",
        "organization_id": acme.organization,
        "currencies": ["EUR"],
        "rules": [based_on(acme.base)],
    }
    reply = api.call("POST", PRICE_LISTS, token=acme.token, body=body)

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.rules"]
    assert len(api.call("GET", PRICE_LISTS, token=acme.token).body["items"]) == 1


def test_a_formula_that_does_not_compile_is_422_at_its_path_with_the_compiler_s_message(
    api: Api, acme: Acme
) -> None:
    # when
    rules = [
        based_on(acme.base),
        based_on(acme.base, priority=1),
        based_on(acme.base, formula="base.value *"),
    ]
    reply = api.call(
        "POST",
        PRICE_LISTS,
        token=acme.token,
        body={"name": "R", "organization_id": acme.organization, "currencies": ["EUR"], "kind": "rule_based"}
        | {"rules": rules},
    )

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.rules[2].formula"]
    assert "column" in reply.body["errors"][0]["msg"]


@pytest.mark.parametrize("base", ["unknown", "other organization", "itself"])
def test_a_rule_based_on_a_list_out_of_reach_is_422(api: Api, acme: Acme, base: str) -> None:
    # given
    made = acme.create(api)
    other = acme.create(api, organization_id=acme.other_organization)["id"]
    target = {
        "unknown": "prl_01J00000000000000000000000",
        "other organization": other,
        "itself": made["id"],
    }[base]

    # when
    reply = api.call(
        "PATCH",
        f"{PRICE_LISTS}/{made['id']}",
        token=acme.token,
        body={"rules": [based_on(target)], "version": 1},
    )

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.rules[0].based_on"]


def test_rules_closing_a_cycle_are_refused_naming_it(api: Api, acme: Acme) -> None:
    # given
    first = acme.create(api)["id"]
    second = acme.create(api, rules=[based_on(first)])["id"]

    # when
    reply = api.call(
        "PATCH", f"{PRICE_LISTS}/{first}", token=acme.token, body={"rules": [based_on(second)], "version": 1}
    )

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.rules"]
    assert reply.body["errors"][0]["type"] == "rule_cycle"
    assert f"{first} -> {second} -> {first}" in reply.body["errors"][0]["msg"] or (
        f"{second} -> {first} -> {second}" in reply.body["errors"][0]["msg"]
    )


def test_of_two_saves_that_together_close_a_cycle_the_second_is_told_to_retry(
    api: Api, acme: Acme, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: what the second save read, before the first one committed
    first = acme.create(api)["id"]
    second = acme.create(api)["id"]
    generation_read = rule_lists._pricing_generation("acme")
    lists_read = rule_lists.tenant_price_lists("acme")
    reply = api.call(
        "PATCH", f"{PRICE_LISTS}/{first}", token=acme.token, body={"rules": [based_on(second)], "version": 1}
    )
    assert reply.status == 200, reply.body
    monkeypatch.setattr(rule_lists, "_pricing_generation", lambda tenant_id: generation_read)
    monkeypatch.setattr(rule_lists, "tenant_price_lists", lambda tenant_id: lists_read)

    # when
    raced = api.call(
        "PATCH", f"{PRICE_LISTS}/{second}", token=acme.token, body={"rules": [based_on(first)], "version": 1}
    )

    # then
    assert_problem(raced, 409)
    assert raced.headers["Retry-After"] == "1"
    monkeypatch.undo()
    retried = api.call(
        "PATCH", f"{PRICE_LISTS}/{second}", token=acme.token, body={"rules": [based_on(first)], "version": 1}
    )
    assert_problem(retried, 422)


def test_manual_rows_may_be_written_into_a_rule_based_list(api: Api, acme: Acme, make_product: Make) -> None:
    # given
    made = acme.create(api, rules=[based_on(acme.base)])
    product = make_product(acme.token, acme.organization)
    row = {"product_id": product["id"], "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "5"}

    # when
    reply = api.call("PUT", f"{PRICE_LISTS}/{made['id']}/prices", token=acme.token, body={"rows": [row]})

    # then
    assert reply.status == 200, reply.body
    assert reply.body["changed_product_ids"] == [product["id"]]


def test_a_list_a_rule_is_based_on_is_not_deleted(api: Api, acme: Acme) -> None:
    # given
    contract = acme.create(api, rules=[based_on(acme.base)])["id"]

    # when
    reply = api.call("DELETE", f"{PRICE_LISTS}/{acme.base}", token=acme.token, headers={"If-Match": '"1"'})

    # then
    problem = assert_problem(reply, 409)
    assert contract in problem["detail"]
    assert api.call("GET", f"{PRICE_LISTS}/{acme.base}", token=acme.token).status == 200


def test_a_retried_create_answers_the_rule_list_as_first_answered(api: Api, acme: Acme) -> None:
    # given
    body = {
        "name": "Rules",
        "organization_id": acme.organization,
        "currencies": ["EUR"],
        "kind": "rule_based",
        "rules": [based_on(acme.base)],
    }
    first = api.call("POST", PRICE_LISTS, token=acme.token, body=body, headers={"Idempotency-Key": "r-1"})

    # when
    retried = api.call("POST", PRICE_LISTS, token=acme.token, body=body, headers={"Idempotency-Key": "r-1"})

    # then
    assert first.status == retried.status == 201
    assert retried.body == first.body
    assert retried.body["rules"][0]["id"].startswith("prr_")


@pytest.mark.parametrize(
    ("case", "formula", "loc"),
    [
        ("a rule cycle", DISCOUNT["formula"], "body.rules"),
        ("a formula that does not compile", "base.value *", "body.rules[0].formula"),
        ("an escape attempt", "f'{product.__class__}'", "body.rules[0].formula"),
    ],
)
def test_a_refused_save_of_rules_changes_nothing(
    api: Api, acme: Acme, table: Table, case: str, formula: str, loc: str
) -> None:
    # given: a list whose rules the second one reads, so that reading the second would close a cycle
    first = acme.create(api)["id"]
    second = acme.create(api, rules=[based_on(first)])["id"]
    before = table.items()

    # when
    rules = (
        [based_on(second, formula=formula)]
        if case == "a rule cycle"
        else [based_on(acme.base, formula=formula)]
    )
    reply = api.call("PATCH", f"{PRICE_LISTS}/{first}", token=acme.token, body={"rules": rules, "version": 1})

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == [loc], case
    assert table.items() == before, case
