"""chalicelib.domain.orders.checks and .reach: which configured check holds which order, who sees which
order and in which role, and which partitions a staff list reads — each as a table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.access import (
    PREDEFINED_ROLES,
    Assignment,
    CompanyTree,
    CustomerAccess,
    Decision,
    Role,
    Scope,
)
from chalicelib.domain.access import CustomerPermission as P
from chalicelib.domain.customers import Address
from chalicelib.domain.money import MoneyView
from chalicelib.domain.orders.checks import OrderChecks, hold_note, stops
from chalicelib.domain.orders.orders import Order, OrderPaymentTerm, OrderTotals
from chalicelib.domain.orders.reach import (
    Sources,
    customer_decision,
    customer_roles,
    id_bounds,
    staff_roles,
    staff_sees,
    staff_sources,
)
from chalicelib.domain.orders.workflow import ActorRole
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import Grant, Reach, StaffAccess

PLACED = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
COMPANY, MANUFACTURING = "cus_01JD0000000000000000000001", "unt_01JD0000000000000000000002"
LYON, SALES = "unt_01JD0000000000000000000003", "unt_01JD0000000000000000000004"
MANAGER = "purchasing-manager"
TREE = CompanyTree({COMPANY: None, MANUFACTURING: COMPANY, LYON: MANUFACTURING, SALES: COMPANY})
A, H = Decision.ALLOW, Decision.HIDDEN
UM = {ActorRole.UNIT_MANAGER}


def _money(amount: str) -> MoneyView:
    return MoneyView(amount=amount, currency="EUR")


def _order(**changes: Any) -> Order:
    address = Address(
        kind="billing", label="HQ", line1="1 Main St", city="Lyon", postal_code="69001", country="FR"
    )
    fields: dict[str, Any] = {
        "id": "ord_01JD0000000000000000000000",
        "version": 1,
        "created_at": PLACED,
        "updated_at": PLACED,
        "number": "SO-000001",
        "sequence": 1,
        "status": "pending",
        "history": [],
        "customer_id": COMPANY,
        "unit_id": LYON,
        "buyer_id": "usr_bob",
        "placed_by": "usr_bob",
        "website_id": "web_de",
        "organization_id": "org_europe",
        "currency": "EUR",
        "prices_include_tax": False,
        "billing_address": address,
        "shipping_address": address,
        "payment_term": OrderPaymentTerm(code="net30", kind="net", net_days=30),
        "totals": OrderTotals(
            subtotal=_money("120.00"),
            discounts=_money("0.00"),
            shipping=_money("0.00"),
            net_total=_money("120.00"),
            tax_by_rate=[],
            tax_total=_money("0.00"),
            grand_total=_money("120.00"),
        ),
        "line_count": 1,
    }
    return Order(**{**fields, **changes})


# --- checks ---------------------------------------------------------------------------------------

PREPAID = OrderPaymentTerm(code="prepay", kind="prepayment")
# checks configured, the order's changes -> the checks that stop it
CHECK_TABLE: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = [
    ({}, {}, []),
    ({"review_above": {"EUR": "100.00"}}, {}, ["review_above"]),
    ({"review_above": {"EUR": "120.00"}}, {}, []),  # at the threshold: not above it
    ({"review_above": {"USD": "100.00"}}, {}, []),  # another currency's threshold
    ({"accounts_on_hold": [COMPANY]}, {}, ["account_on_hold"]),
    ({"accounts_on_hold": [LYON]}, {}, ["account_on_hold"]),
    ({"accounts_on_hold": [SALES]}, {}, []),
    ({"hold_prepayment": True}, {"payment_term": PREPAID}, ["prepayment"]),
    ({"hold_prepayment": True}, {}, []),
    ({"hold_prepayment": False}, {"payment_term": PREPAID}, []),
    ({"min_lead_days": 5}, {"requested_delivery_date": date(2026, 12, 8)}, ["lead_time"]),
    ({"min_lead_days": 5}, {"requested_delivery_date": date(2026, 12, 10)}, []),
    ({"min_lead_days": 5}, {}, []),  # no date asked for
    (
        {"review_above": {"EUR": "50.00"}, "accounts_on_hold": [COMPANY]},
        {},
        ["review_above", "account_on_hold"],
    ),
]


@pytest.mark.parametrize(("configured", "changes", "expected"), CHECK_TABLE)
def test_which_checks_stop_which_order(
    configured: dict[str, Any], changes: dict[str, Any], expected: list[str]
) -> None:
    # given the tenant's checks and an order
    config = OrderChecks.model_validate(configured, strict=False)

    # when the checks run
    found = stops(config, _order(**changes))

    # then exactly the expected ones stop it, in the checks' order
    assert [stop.check for stop in found] == expected


def test_a_hold_note_gives_every_reason() -> None:
    # given an order two checks stop
    config = OrderChecks.model_validate(
        {"review_above": {"EUR": "50.00"}, "accounts_on_hold": [COMPANY]}, strict=False
    )

    # when
    note = hold_note(stops(config, _order()))

    # then
    assert note == (
        "the grand total 120.00 EUR is above the review threshold 50.00; the customer's account is on hold"
    )


@pytest.mark.parametrize(
    "configured",
    [
        pytest.param({"review_above": {"EUR": "10.001"}}, id="more decimals than the currency"),
        pytest.param({"accounts_on_hold": [COMPANY, COMPANY]}, id="an account twice"),
        pytest.param({"min_lead_days": -1}, id="a negative lead time"),
        pytest.param({"block_everything": True}, id="an unknown check"),
    ],
)
def test_checks_that_cannot_be_configured_are_refused(configured: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        OrderChecks.model_validate(configured, strict=False)


# --- customer users -------------------------------------------------------------------------------

ORDERER = Role("orderer", "Orderer", {P.ORDERS_VIEW: Scope.OWN})


def _customer(role_id: str, unit: str, user: str = "usr_max") -> CustomerAccess:
    roles = {**PREDEFINED_ROLES, ORDERER.id: ORDERER}
    return CustomerAccess(user, TREE, (Assignment(role_id, unit),), roles)


# caller -> the decision on an order of (unit, buyer), and their roles on it
REACH_TABLE = [
    ("orderer, own", _customer("orderer", LYON, "usr_bob"), LYON, "usr_bob", A, {ActorRole.BUYER}),
    ("orderer, a colleague's", _customer("orderer", LYON, "usr_lena"), LYON, "usr_bob", H, set()),
    ("manager above", _customer(MANAGER, MANUFACTURING), LYON, "usr_bob", A, UM),
    ("manager of a sibling", _customer(MANAGER, SALES), LYON, "usr_bob", H, set()),
    ("manager's own unit", _customer(MANAGER, SALES), SALES, "usr_sue", A, UM),
    ("administrator", _customer("administrator", COMPANY), SALES, "usr_sue", A, UM),
    ("buyer role, own", _customer("buyer", LYON, "usr_bob"), LYON, "usr_bob", A, {ActorRole.BUYER}),
    ("buyer role, a colleague's", _customer("buyer", LYON, "usr_lena"), LYON, "usr_bob", H, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("access", "unit", "buyer", "decision", "roles"),
    [pytest.param(*row[1:], id=row[0]) for row in REACH_TABLE],
)
def test_who_sees_an_order_and_in_which_role(
    access: CustomerAccess, unit: str, buyer: str, decision: Decision, roles: set[ActorRole]
) -> None:
    # given an order of the unit, placed by the buyer
    order = _order(unit_id=unit, buyer_id=buyer)

    # then
    assert customer_decision(access, order) is decision
    assert customer_roles(access, order) == roles


def test_another_company_s_order_is_hidden_whatever_its_unit_says() -> None:
    # given an order of another company naming a unit id of ours
    order = _order(customer_id="cus_initech", unit_id=LYON)
    administrator = _customer("administrator", COMPANY)

    # then it is hidden, and the administrator holds no role on it
    assert customer_decision(administrator, order) is H
    assert customer_roles(administrator, order) == frozenset()


# --- staff ----------------------------------------------------------------------------------------

TENANT_WIDE = Reach()
EUROPE_ONLY = Reach(organizations=frozenset({"org_europe"}))
ASSIGNED = Reach(assigned_customers_only=True)


def _staff(*reaches: Reach, write: bool = True) -> StaffAccess:
    permissions = [Permission.ORDERS_READ, *([Permission.ORDERS_WRITE] if write else [])]
    grants = tuple(Grant(permission, reach) for reach in reaches for permission in permissions)
    return StaffAccess("stf_sam", grants, frozenset({COMPANY}))


# staff -> the partitions their list reads
SOURCES_TABLE = [
    ("without limits", _staff(TENANT_WIDE), Sources(tenant=True)),
    ("one organization", _staff(EUROPE_ONLY), Sources(organizations=frozenset({"org_europe"}))),
    ("a sales rep", _staff(ASSIGNED), Sources(customers=frozenset({COMPANY}))),
    (
        "an organization and assigned customers",
        _staff(EUROPE_ONLY, ASSIGNED),
        Sources(organizations=frozenset({"org_europe"}), customers=frozenset({COMPANY})),
    ),
]


@pytest.mark.parametrize(("access", "expected"), [pytest.param(*row[1:], id=row[0]) for row in SOURCES_TABLE])
def test_which_partitions_a_staff_list_reads(access: StaffAccess, expected: Sources) -> None:
    assert staff_sources(access) == expected


def test_a_staff_list_of_one_customer_reads_that_customer_s_orders() -> None:
    assert staff_sources(_staff(TENANT_WIDE), "cus_initech") == Sources(customers=frozenset({"cus_initech"}))


# staff -> whether they see an order of (organization, customer), and may move it
STAFF_TABLE = [
    ("without limits", _staff(TENANT_WIDE), "org_nordics", "cus_initech", True, True),
    ("its organization", _staff(EUROPE_ONLY), "org_europe", "cus_initech", True, True),
    ("another organization", _staff(EUROPE_ONLY), "org_nordics", COMPANY, False, False),
    ("a sales rep, his customer", _staff(ASSIGNED), "org_nordics", COMPANY, True, True),
    ("a sales rep, another customer", _staff(ASSIGNED), "org_europe", "cus_initech", False, False),
    ("reading only", _staff(TENANT_WIDE, write=False), "org_europe", COMPANY, True, False),
]


@pytest.mark.parametrize(
    ("access", "organization", "customer", "sees", "moves"),
    [pytest.param(*row[1:], id=row[0]) for row in STAFF_TABLE],
)
def test_which_orders_staff_see_and_move(
    access: StaffAccess, organization: str, customer: str, sees: bool, moves: bool
) -> None:
    order = _order(organization_id=organization, customer_id=customer)
    assert staff_sees(access, organization, customer) is sees
    assert (ActorRole.STAFF in staff_roles(access, order)) is moves


# --- key ranges -----------------------------------------------------------------------------------


def test_a_time_window_is_a_key_range_of_order_ids_below_the_cursor() -> None:
    # given a window of one day
    start, end = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 2, tzinfo=UTC)

    # when its bounds are made, with and without a cursor inside it
    low, high = id_bounds(start, end, None)
    _, below = id_bounds(start, end, "ord_01KB0000000000000000000000")

    # then an id made inside the window lies within, one made after it above, and the cursor caps it
    from ulid import ULID

    inside = f"ord_{ULID.from_timestamp(datetime(2026, 12, 1, 12, tzinfo=UTC).timestamp())}"
    after = f"ord_{ULID.from_timestamp(datetime(2026, 12, 3, tzinfo=UTC).timestamp())}"
    assert low <= inside <= high < after
    assert below == min(high, "ord_01KB0000000000000000000000")
    assert id_bounds(None, None, None) == ("ord_", "ord_~")
