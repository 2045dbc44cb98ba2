"""Price lists of an organization: create, read, list, change, delete.

A list belongs to one organization; a grant limited to organizations reaches only theirs. Each write
checks, in its own transaction, that the organization exists, and counts the tenant's
``pricing_generation``: warm functions cache every list's metadata (``services.pricing.chains``). A
list is deleted only once it prices nothing (409 before): its prices are the source of truth of the
products' price sheets; nor while rules of a rule-based list are based on it (409). A rule-based
list's rules are checked against the tenant's other lists when saved (``rule_lists``: its save counts
the generation on condition that it is still the one read); its item keeps them under ``rules``
(:class:`StoredPriceList`).
"""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import (
    PriceList,
    PriceListChanges,
    PriceListFields,
    PriceListReplacement,
    StoredPriceList,
)
from chalicelib.domain.staff import StaffTarget
from chalicelib.platform.errors import Conflict
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.entities import ExtraWrites
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import require_organization, require_organization_reach
from chalicelib.services.pricing.rule_lists import checked_rules, unread_by_rules, with_rule_ids
from chalicelib.services.tenants import count_pricing_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

PRICE_LIST_TYPE = "price_list"


def _indexes(tenant_id: str, price_list: PriceList) -> dict[str, str]:
    """The list's entry in its organization's list (pattern 92)."""
    return {
        "GSI1PK": keys.price_lists_of_organization(tenant_id, price_list.organization_id),
        "GSI1SK": price_list.id,
    }


def _counted(tenant_id: str, rules_guard: ExtraWrites | None) -> ExtraWrites:
    """The save's count of the tenant's ``pricing_generation``: the rules' guard (a conditional count)
    when the list has rules to check, else a plain one."""
    if rules_guard is not None:
        return rules_guard

    def count(transaction: Transaction) -> None:
        count_pricing_change(transaction, tenant_id)

    return count


def create_price_list(
    caller: Caller,
    body: PriceListFields,
    idempotency: IdempotencyClaim | None = None,
    guard: ExtraWrites | None = None,
    price_list_id: str | None = None,
) -> PriceList:
    """A new list (``guard``: writes of the caller's that must commit with it, an ERP message's
    ordering guard say; ``price_list_id``: the id, when the caller's writes name it)."""
    require_organization_reach(caller, Permission.PRICES_WRITE, body.organization_id)
    price_list = PriceList.model_validate(
        {
            "id": price_list_id or new_id(PRICE_LIST_TYPE),
            "version": 1,
            **entities.timestamps(),
            **body.model_dump(),
            "rules": with_rule_ids(body.rules, []),
        },
        strict=False,
    )
    rules_guard = checked_rules(caller.tenant_id, price_list)
    entities.create(
        caller,
        key=keys.price_list(caller.tenant_id, price_list.id),
        entity_type=PRICE_LIST_TYPE,
        entity=StoredPriceList.of(price_list),
        indexes=_indexes(caller.tenant_id, price_list),
        extra_writes=entities.together(
            lambda transaction: require_organization(
                transaction, caller.tenant_id, price_list.organization_id
            ),
            _counted(caller.tenant_id, rules_guard),
            guard,
        ),
        idempotency=idempotency,
        answer=price_list,
    )
    return price_list


def get_price_list(
    caller: Caller, price_list_id: str, permission: Permission = Permission.PRICES_READ
) -> PriceList:
    """A list of an organization the caller's ``permission`` reaches (404 if they may not see it)."""
    price_list = entities.load(keys.price_list(caller.tenant_id, price_list_id), PriceList, PRICE_LIST_TYPE)
    caller.require(permission, StaffTarget(organization_id=price_list.organization_id), "price list")
    return price_list


def list_price_lists(
    caller: Caller, page: PageRequest, organization_id: str | None = None
) -> Listing[PriceList]:
    """The lists of the organizations the caller reaches, of one of them if given (its own index)."""
    keep = caller.reachable(Permission.PRICES_READ, "organization_id")
    if organization_id is not None:
        return entities.listing(
            keys.price_lists_of_organization(caller.tenant_id, organization_id),
            PriceList,
            page,
            index="GSI1",
            keep=keep,
        )
    return entities.listing(keys.price_list_collection(caller.tenant_id), PriceList, page, keep=keep)


def update_price_list(
    caller: Caller,
    price_list_id: str,
    patch: Input,
    expected_version: ExpectedVersion,
    guard: ExtraWrites | None = None,
) -> PriceList:
    """Change the fields sent (``rules`` sent: the rules, replaced whole; ids kept, see ``with_rule_ids``)."""
    current = get_price_list(caller, price_list_id, Permission.PRICES_WRITE)
    entities.check_version(current.version, expected_version)
    merged = entities.merge(current, patch, PriceListChanges)
    updated = merged.model_copy(update={"rules": with_rule_ids(merged.rules, current.rules)})
    rules_guard = checked_rules(caller.tenant_id, updated)
    entities.update(
        caller,
        key=keys.price_list(caller.tenant_id, price_list_id),
        entity_type=PRICE_LIST_TYPE,
        before=StoredPriceList.of(current),
        after=StoredPriceList.of(updated),
        indexes=_indexes(caller.tenant_id, updated),
        extra_writes=entities.together(_counted(caller.tenant_id, rules_guard), guard),
    )
    return updated


def replace_price_list(
    caller: Caller, price_list_id: str, body: PriceListReplacement, expected_version: ExpectedVersion
) -> PriceList:
    """Replace every field that may change (one not sent takes its default: no rules, say)."""
    fields = {name: getattr(body, name) for name in PriceListChanges.model_fields}
    every_field = PriceListChanges.model_construct(set(fields), **fields)
    return update_price_list(caller, price_list_id, every_field, expected_version)


def delete_price_list(caller: Caller, price_list_id: str, expected_version: ExpectedVersion) -> None:
    current = get_price_list(caller, price_list_id, Permission.PRICES_WRITE)
    entities.check_version(current.version, expected_version)
    if repository.query(keys.price_list_prices(caller.tenant_id, price_list_id), limit=1).records:
        raise Conflict("the price list still has prices: delete them first")
    entities.delete(
        caller,
        key=keys.price_list(caller.tenant_id, price_list_id),
        entity_type=PRICE_LIST_TYPE,
        entity=StoredPriceList.of(current),
        extra_writes=unread_by_rules(caller.tenant_id, price_list_id),
    )
