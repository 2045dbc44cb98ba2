"""Which price lists apply where: a website's, a customer group's and a customer unit's, each level one
resource replaced whole (its fallback and its lists with priority and ``merge_allowed``).

Website and group assignments are items of the tenant's pricing partition, which warm functions will
cache: each change counts the tenant's ``pricing_generation`` in its own transaction. A unit's is an
item of its company's partition, which a customer user's principal reads anyway. Each change checks,
in its transaction, that every list it names still exists (at most 20), and carries its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import PriceList, PriceListAssignment, PriceListAssignmentView
from chalicelib.domain.staff import TENANT, StaffTarget
from chalicelib.domain.tenancy import Website
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.services import entities
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.customer_groups import get_customer_group
from chalicelib.services.customers import UNIT_TYPE
from chalicelib.services.outbox import record_change
from chalicelib.services.pricing.price_lists import PRICE_LIST_TYPE
from chalicelib.services.tenants import count_pricing_change
from chalicelib.services.websites import WEBSITE_TYPE, get_website
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

ASSIGNMENT_TYPE = "price_assignment"
UNIT_ASSIGNMENT_TYPE = "unit_price_assignment"
LevelName = Literal["website", "customer_group", "unit"]


def _view(
    level: LevelName, owner_id: str, record: Record | None, customer_id: str | None = None
) -> PriceListAssignmentView:
    data = record.data if record is not None else {"fallback": "next", "lists": []}
    return PriceListAssignmentView(
        level=level,
        owner_id=owner_id,
        customer_id=customer_id,
        fallback=data["fallback"],
        lists=data["lists"],
    )


def _lists(caller: Caller, body: PriceListAssignment, reach: StaffTarget | None) -> dict[str, PriceList]:
    """The lists the body names, each existing and within the caller's prices.write (``reach`` adds
    the customer the assignment is about), else 422 on it."""
    named = [assigned.price_list_id for assigned in body.lists]
    found = repository.get_many([keys.price_list(caller.tenant_id, list_id) for list_id in named])
    lists: dict[str, PriceList] = {}
    for index, list_id in enumerate(named):
        record = found.get(keys.price_list(caller.tenant_id, list_id))
        missing = Unprocessable.field(f"body.lists[{index}].price_list_id", "no such price list", "not_found")
        if record is None or record.type != PRICE_LIST_TYPE:
            raise missing
        price_list = entities.to_model(record, PriceList)
        customer_id = reach.customer_id if reach is not None else None
        target = StaffTarget(organization_id=price_list.organization_id, customer_id=customer_id)
        require_reach(caller.principal, Permission.PRICES_WRITE, target, missing)
        lists[list_id] = price_list
    return lists


def _refuse(index: int, message: str) -> Unprocessable:
    return Unprocessable.field(f"body.lists[{index}].price_list_id", message)


def _offered_somewhere(tenant_id: str, body: PriceListAssignment, lists: dict[str, PriceList]) -> None:
    """Each list has a currency that a website of its organization offers (pattern 5: one Query)."""
    if not lists:
        return
    websites = repository.query_all(keys.website_collection(tenant_id), page_size=100)
    offered: dict[str, set[str]] = {}
    for record in websites:
        if record.type == WEBSITE_TYPE:
            offered.setdefault(record.data["organization_id"], set()).update(record.data["currencies"])
    for index, assigned in enumerate(body.lists):
        price_list = lists[assigned.price_list_id]
        if not set(price_list.currencies) & offered.get(price_list.organization_id, set()):
            raise _refuse(index, "no website of the list's organization offers one of its currencies")


def _stored(body: PriceListAssignment, owner: dict[str, str]) -> dict[str, Any]:
    return {**owner, "fallback": body.fallback, "lists": [assigned.model_dump() for assigned in body.lists]}


@dataclass(frozen=True)
class Level:
    """Where an assignment is stored, who owns it, and how its transaction checks the owner."""

    level: LevelName
    key: Key
    entity_type: str
    owner: dict[str, str]  # the stored owner fields: the first is the event's entity id
    owner_key: Key  # the owner's item, condition-checked with ``owner_fields``
    owner_fields: dict[str, str]
    missing: str  # the owner's noun, for its 404
    counted: bool  # cached per process: the change counts the tenant's pricing generation
    indexes: dict[str, str] | None = None


def _replace(
    caller: Caller, level: Level, body: PriceListAssignment, current: Record | None
) -> PriceListAssignmentView:
    """Write the level's assignment whole (or delete it when it says nothing: no list, fallback next),
    while its owner and each list it names exist, with its event."""
    after = _stored(body, level.owner) if body.lists or body.fallback != "next" else None
    before = {**current.data} if current is not None else None
    owner_id = next(iter(level.owner.values()))
    customer_id = level.owner.get("customer_id")
    if after is None and before is None:
        return _view(level.level, owner_id, None, customer_id)
    transaction = Transaction()
    if after is not None:
        transaction.put(level.key, level.entity_type, after, indexes=level.indexes)
    else:
        transaction.discard(level.key)
    for index, assigned in enumerate(body.lists):
        transaction.require(
            keys.price_list(caller.tenant_id, assigned.price_list_id),
            data_equals={"id": assigned.price_list_id},
            type=PRICE_LIST_TYPE,
            on_failure=Unprocessable.field(
                f"body.lists[{index}].price_list_id", "no such price list", "not_found"
            ),
        )
    transaction.require(
        level.owner_key, data_equals=level.owner_fields, on_failure=NotFound(f"{level.missing} not found")
    )
    if level.counted:
        count_pricing_change(transaction, caller.tenant_id)
    record_change(
        transaction,
        caller,
        action="updated" if before and after else "created" if after else "deleted",
        entity_type=level.entity_type,
        entity_id=owner_id,
        before={"id": owner_id, **before} if before else None,
        after={"id": owner_id, **after} if after else None,
    )
    transaction.commit()
    stored = Record(level.key, level.entity_type, after, 1) if after is not None else None
    return _view(level.level, owner_id, stored, customer_id)


# --- a website's lists --------------------------------------------------------------------------------


def get_website_price_lists(caller: Caller, website_id: str) -> PriceListAssignmentView:
    get_website(caller, website_id, Permission.PRICES_READ)
    record = repository.get(keys.website_price_lists(caller.tenant_id, website_id))
    return _view("website", website_id, record)


def _website_currencies(website: Website, body: PriceListAssignment, lists: dict[str, PriceList]) -> None:
    """Each list is of the website's organization and has a currency the website offers."""
    for index, assigned in enumerate(body.lists):
        price_list = lists[assigned.price_list_id]
        if price_list.organization_id != website.organization_id:
            raise _refuse(index, "a price list of another organization than the website's")
        if not set(price_list.currencies) & set(website.currencies):
            raise _refuse(index, "none of the list's currencies is one the website offers")


def set_website_price_lists(
    caller: Caller, website_id: str, body: PriceListAssignment
) -> PriceListAssignmentView:
    website = get_website(caller, website_id, Permission.PRICES_WRITE)
    lists = _lists(caller, body, None)
    _website_currencies(website, body, lists)
    key = keys.website_price_lists(caller.tenant_id, website_id)
    level = Level(
        "website",
        key,
        ASSIGNMENT_TYPE,
        {"website_id": website_id},
        keys.website(caller.tenant_id, website_id),
        {"id": website_id, "organization_id": website.organization_id},
        "website",
        counted=True,
    )
    return _replace(caller, level, body, repository.get(key))


# --- a customer group's lists -------------------------------------------------------------------------


def get_group_price_lists(caller: Caller, group_id: str) -> PriceListAssignmentView:
    """A group's lists: tenant-wide (they may be of any organization), for grants reaching every one."""
    caller.require(Permission.PRICES_READ, TENANT, "customer group")
    get_customer_group(caller, group_id)
    record = repository.get(keys.group_price_lists(caller.tenant_id, group_id))
    return _view("customer_group", group_id, record)


def set_group_price_lists(
    caller: Caller, group_id: str, body: PriceListAssignment
) -> PriceListAssignmentView:
    caller.require(Permission.PRICES_WRITE, TENANT, "customer group")
    get_customer_group(caller, group_id)
    lists = _lists(caller, body, None)
    _offered_somewhere(caller.tenant_id, body, lists)
    key = keys.group_price_lists(caller.tenant_id, group_id)
    level = Level(
        "customer_group",
        key,
        ASSIGNMENT_TYPE,
        {"customer_group_id": group_id},
        keys.customer_group(caller.tenant_id, group_id),
        {"id": group_id},
        "customer group",
        counted=True,
    )
    return _replace(caller, level, body, repository.get(key))


# --- a customer unit's lists --------------------------------------------------------------------------


def _unit_reach(caller: Caller, customer_id: str) -> None:
    """The caller's grant reaches the customer (a sales representative: theirs only), else 404; the
    lists a change names must be of organizations their prices.write reaches (:func:`_lists`)."""
    require_reach(
        caller.principal,
        Permission.CUSTOMERS_READ,
        StaffTarget(customer_id=customer_id),
        NotFound("customer not found"),
    )


def _unit_assignment(caller: Caller, customer_id: str, unit_id: str) -> Record | None:
    """A unit's assignment, read with the unit in one BatchGetItem (404 for a unit not there)."""
    _unit_reach(caller, customer_id)
    unit_key = keys.customer_unit(caller.tenant_id, customer_id, unit_id)
    key = keys.unit_price_lists(caller.tenant_id, customer_id, unit_id)
    found = repository.get_many([unit_key, key])
    if unit_key not in found or found[unit_key].type != UNIT_TYPE:
        raise NotFound("unit not found")
    return found.get(key)


def get_unit_price_lists(caller: Caller, customer_id: str, unit_id: str) -> PriceListAssignmentView:
    return _view("unit", unit_id, _unit_assignment(caller, customer_id, unit_id), customer_id)


def set_unit_price_lists(
    caller: Caller, customer_id: str, unit_id: str, body: PriceListAssignment
) -> PriceListAssignmentView:
    current = _unit_assignment(caller, customer_id, unit_id)
    lists = _lists(caller, body, StaffTarget(customer_id=customer_id))
    _offered_somewhere(caller.tenant_id, body, lists)
    level = Level(
        "unit",
        keys.unit_price_lists(caller.tenant_id, customer_id, unit_id),
        UNIT_ASSIGNMENT_TYPE,
        {"unit_id": unit_id, "customer_id": customer_id},
        keys.customer_unit(caller.tenant_id, customer_id, unit_id),
        {"id": unit_id},
        "unit",
        counted=False,
        indexes={
            "GSI1PK": keys.unit_price_lists_index(caller.tenant_id),
            "GSI1SK": f"{customer_id}#{unit_id}",
        },
    )
    return _replace(caller, level, body, current)
