"""Product attributes of a tenant: defined once, changed only additively (see domain.catalog.attributes)."""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.attributes import Attribute, AttributeFields, removed_options
from chalicelib.platform.errors import Conflict
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository

ATTRIBUTE_TYPE = "attribute"


def create_attribute(
    caller: Caller, body: AttributeFields, idempotency: IdempotencyClaim | None = None
) -> Attribute:
    attribute = Attribute.model_validate(
        {"id": body.code, "version": 1, **entities.timestamps(), **body.model_dump()}, strict=False
    )
    return entities.create(
        caller,
        key=keys.attribute(caller.tenant_id, body.code),
        entity_type=ATTRIBUTE_TYPE,
        entity=attribute,
        idempotency=idempotency,
        on_exists=Conflict(f"an attribute with the code {body.code!r} exists already"),
    )


def get_attribute(caller: Caller, code: str) -> Attribute:
    return entities.load(keys.attribute(caller.tenant_id, code), Attribute, ATTRIBUTE_TYPE)


def list_attributes(caller: Caller, page: PageRequest) -> Listing[Attribute]:
    return entities.listing(keys.attribute_collection(caller.tenant_id), Attribute, page)


def update_attribute(caller: Caller, code: str, patch: Input, expected_version: ExpectedVersion) -> Attribute:
    """Change labels, a number's unit, or add options; removing an option is 409 (products may hold it)."""
    current = get_attribute(caller, code)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, AttributeFields)  # the kind's rules hold for the result
    if removed := removed_options(current, updated):
        raise Conflict(
            f"options are never removed, products may hold them ({', '.join(removed)}); "
            "send every current option, relabelled if you wish"
        )
    return entities.update(
        caller,
        key=keys.attribute(caller.tenant_id, code),
        entity_type=ATTRIBUTE_TYPE,
        before=current,
        after=updated,
    )


def delete_attribute(caller: Caller, code: str, expected_version: ExpectedVersion) -> None:
    """Delete an attribute no product uses (409 otherwise)."""
    current = get_attribute(caller, code)
    entities.check_version(current.version, expected_version)
    users = repository.query(keys.attribute_users(caller.tenant_id, code), limit=1)
    if users.records:
        raise Conflict(
            f"products still use this attribute (product {users.records[0].key.sk}, maybe more); "
            "remove their values first"
        )
    entities.delete(
        caller, key=keys.attribute(caller.tenant_id, code), entity_type=ATTRIBUTE_TYPE, entity=current
    )
