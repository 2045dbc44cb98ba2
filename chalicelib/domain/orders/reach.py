"""Who sees which orders and in which role they stand to one: pure decisions, no I/O.

- A **customer user** sees an order of their company as ``domain.access.decide`` says for
  ``orders.view`` on *(the order's unit, its buyer)*: their own (``own``), their unit's (``unit``), or
  those of their unit and below (``subtree``). Another company's order is hidden (404).
- A **staff user** sees an order their ``orders.read`` grant reaches: its website's organization for a
  grant limited to organizations, its customer for a sales representative (``StaffAccess.admits``).
- The roles a caller holds relative to one order (``ActorRole``) are what the workflow asks:
  the order's ``buyer``; a ``unit_manager`` whose ``orders.manage`` reaches the order's unit; ``staff``
  whose ``orders.write`` reaches the order.

Lists are Queries of the order indexes (``services.orders.records.indexes``), newest first: their sort
key is the order id, a ULID, so a time window is a key range (:func:`id_bounds`) and pages continue
below the last id shown (:data:`BEFORE`), however many partitions a staff list merges
(:func:`staff_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from chalicelib.domain.access import CustomerAccess, Decision, Target, decide
from chalicelib.domain.access import CustomerPermission as CP
from chalicelib.domain.base import Input, View
from chalicelib.domain.orders.checkout import CheckoutView
from chalicelib.domain.orders.orders import Order, OrderDetail, OrderNotes
from chalicelib.domain.orders.workflow import ActorRole, TransitionName
from chalicelib.domain.permissions import Permission
from chalicelib.domain.shopping_lists import ShoppingListDetail
from chalicelib.domain.staff import StaffAccess, StaffTarget

ORDER_ID_PREFIX = "ord_"
AFTER_EVERY_ID = "~"  # sorts after every Crockford base32 character: the end of a key range
BEFORE = "before"  # a list cursor's field: the last order id shown (the next page lies below it)


@dataclass(frozen=True)
class OrderFilters:
    """What an order list keeps: the time placed is a key range, the rest is matched on each order."""

    status: str | None = None
    website_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    number: str | None = None
    customer_id: str | None = None

    def fields(self) -> dict[str, str]:
        """The stored fields an order must hold exactly."""
        named = {"status": self.status, "website_id": self.website_id, "number": self.number}
        return {name: value for name, value in named.items() if value is not None}


class TransitionFields(Input):
    transition: TransitionName
    note: OrderNotes | None = None
    version: int | None = Field(default=None, ge=1, description="the version read (or send If-Match)")


class CancelFields(Input):
    note: OrderNotes | None = None
    version: int | None = Field(default=None, ge=1, description="the version read (or send If-Match)")


class OrderAnswer(OrderDetail):
    """An order with its lines and history, and what the caller may do with it now."""

    available_transitions: list[str] = Field(description="the transitions the caller may take now")


def _time_prefix(moment: datetime) -> str:
    """The first 10 characters of every ULID made in ``moment``'s millisecond."""
    from ulid import ULID  # python-ulid: its encoding, not a copy of it

    return str(ULID.from_timestamp(moment.timestamp()))[:10]


def id_bounds(
    placed_from: datetime | None, placed_to: datetime | None, before: str | None
) -> tuple[str, str]:
    """The order-id key range of a list page: placed within the window, and below the page's cursor."""
    low = ORDER_ID_PREFIX + (_time_prefix(placed_from) if placed_from else "")
    high = ORDER_ID_PREFIX + (_time_prefix(placed_to) if placed_to else "") + AFTER_EVERY_ID
    return low, min(high, before) if before else high


# --- customer users -------------------------------------------------------------------------------


def customer_target(order: Order) -> Target:
    return Target(order.unit_id, order.buyer_id)


def customer_decision(access: CustomerAccess, order: Order) -> Decision:
    """May the customer user see the order (404 for another company's, whatever its unit id says)."""
    return customer_decision_of(access, order.customer_id, order.unit_id, order.buyer_id)


def customer_decision_of(access: CustomerAccess, customer_id: str, unit_id: str, buyer_id: str) -> Decision:
    """:func:`customer_decision` from an order's stored fields (a list decides on each order it reads)."""
    if customer_id != access.tree.root:
        return Decision.HIDDEN
    return decide(access, CP.ORDERS_VIEW, Target(unit_id, buyer_id))


def customer_sees_invoices(access: CustomerAccess, order: Order) -> bool:
    """Whether the customer user's ``invoices.view`` reaches the order (its unit, or theirs alone)."""
    return decide(access, CP.INVOICES_VIEW, Target(order.unit_id, order.buyer_id)) is Decision.ALLOW


def customer_roles(access: CustomerAccess, order: Order) -> frozenset[ActorRole]:
    roles = set()
    if order.buyer_id == access.user_id and order.customer_id == access.tree.root:
        roles.add(ActorRole.BUYER)
    if order.customer_id == access.tree.root and access.allows(CP.ORDERS_MANAGE, customer_target(order)):
        roles.add(ActorRole.UNIT_MANAGER)
    return frozenset(roles)


# --- staff ----------------------------------------------------------------------------------------


def staff_target(order: Order) -> StaffTarget:
    return StaffTarget(organization_id=order.organization_id, customer_id=order.customer_id)


def staff_roles(access: StaffAccess, order: Order) -> frozenset[ActorRole]:
    return (
        frozenset({ActorRole.STAFF})
        if access.admits(Permission.ORDERS_WRITE, staff_target(order))
        else frozenset()
    )


@dataclass(frozen=True)
class Sources:
    """The order partitions a staff list reads: the tenant's (GSI3), organizations' (GSI2) or customers'
    (GSI1). Each order read is still kept only if the grant admits it."""

    tenant: bool = False
    organizations: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()


def staff_sources(access: StaffAccess, customer: str | None = None) -> Sources:
    """Where a staff user's orders lie: one customer's when the list names one; every order of the
    tenant for a grant without limits; else their organizations' and their assigned customers'."""
    if customer is not None:
        return Sources(customers=frozenset({customer}))
    reaches = list(access.reaches(Permission.ORDERS_READ))
    if any(reach.unlimited for reach in reaches):
        return Sources(tenant=True)
    organizations = frozenset[str]().union(
        *(reach.organizations or frozenset() for reach in reaches if not reach.assigned_customers_only)
    )
    assigned = any(reach.assigned_customers_only for reach in reaches)
    return Sources(
        organizations=organizations, customers=access.assigned_customers if assigned else frozenset()
    )


def staff_sees(access: StaffAccess, organization_id: str, customer_id: str) -> bool:
    return access.admits(
        Permission.ORDERS_READ, StaffTarget(organization_id=organization_id, customer_id=customer_id)
    )


class ReorderSkip(View):
    """An order line that could not go into the list or the checkout, and why."""

    position: int
    product_id: str
    sku: str
    unit: str
    quantity: str
    reason: str = Field(
        description="unknown_product (hidden or gone), discontinued, wrong_unit, the quantity's problem, "
        "or (into a checkout) not_priced"
    )


class ReorderResult(View):
    """The list the order's lines went into (with its first page of lines), and the lines left out."""

    shopping_list: ShoppingListDetail
    skipped: list[ReorderSkip]


class ReorderCheckout(CheckoutView):
    """The checkout the order's lines went into (as ``GET /v1/store/checkouts/{id}`` answers it), and
    the lines left out."""

    skipped: list[ReorderSkip]
