"""Customer groups of a tenant: named sets of customer units, for pricing and catalog rules."""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.customers import CustomerGroup, CustomerGroupFields
from chalicelib.platform.errors import Conflict
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository

CUSTOMER_GROUP_TYPE = "customer_group"


def create_customer_group(
    caller: Caller, body: CustomerGroupFields, idempotency: IdempotencyClaim | None = None
) -> CustomerGroup:
    group = CustomerGroup.model_validate(
        {"id": new_id(CUSTOMER_GROUP_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()},
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.customer_group(caller.tenant_id, group.id),
        entity_type=CUSTOMER_GROUP_TYPE,
        entity=group,
        idempotency=idempotency,
    )


def get_customer_group(caller: Caller, group_id: str) -> CustomerGroup:
    return entities.load(keys.customer_group(caller.tenant_id, group_id), CustomerGroup, CUSTOMER_GROUP_TYPE)


def list_customer_groups(caller: Caller, page: PageRequest) -> Listing[CustomerGroup]:
    return entities.listing(keys.customer_group_collection(caller.tenant_id), CustomerGroup, page)


def update_customer_group(
    caller: Caller, group_id: str, patch: Input, expected_version: ExpectedVersion
) -> CustomerGroup:
    current = get_customer_group(caller, group_id)
    entities.check_version(current.version, expected_version)
    return entities.update(
        caller,
        key=keys.customer_group(caller.tenant_id, group_id),
        entity_type=CUSTOMER_GROUP_TYPE,
        before=current,
        after=entities.merge(current, patch, CustomerGroupFields),
    )


def delete_customer_group(caller: Caller, group_id: str, expected_version: ExpectedVersion) -> None:
    """Delete a group no unit belongs to (409 otherwise).

    Units are found through their group index (GSI2), which lags writes by a moment: a unit given
    the group in that same moment can keep a reference to the deleted group.
    """
    current = get_customer_group(caller, group_id)
    entities.check_version(current.version, expected_version)
    members = repository.query(keys.units_of_group(caller.tenant_id, group_id), index="GSI2", limit=1)
    if members.records:
        member = members.records[0].data
        raise Conflict(
            f"units still belong to this group (unit {member['id']} of customer {member['customer_id']}, "
            "maybe more); give them another group first"
        )
    entities.delete(
        caller,
        key=keys.customer_group(caller.tenant_id, group_id),
        entity_type=CUSTOMER_GROUP_TYPE,
        entity=current,
    )
