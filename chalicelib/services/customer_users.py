"""Customer users: invited by email, bound to their identity-provider account at first sign-in.

A user item is keyed by email, the one thing a token names, so loading the principal is a single
read; a small id item (written in the same transaction) lets routes address users by id. Email
addresses are unique in a tenant across staff and customer users.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.access import (
    PREDEFINED_ROLES,
    Assignment,
    CompanyTree,
    CustomerAccess,
    CustomerPermission,
    Role,
    reach,
)
from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.customer_users import (
    CustomerSession,
    CustomerUser,
    CustomerUserChanges,
    CustomerUserFields,
    Me,
    effective_grants,
)
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.customers import load_company
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

USER_TYPE = "customer_user"
USER_ID_TYPE = "customer_user_id"
# Users per Query page of a company's user index (DynamoDB also ends a page at 1 MB).
USER_PAGE = 1000


def _check_placement(tree: CompanyTree, roles: Mapping[str, Role], fields: CustomerUserChanges) -> None:
    """The home unit and every assignment's unit belong to the company; every role exists."""
    problems = []
    if fields.unit_id not in tree:
        problems.append({"loc": "body.unit_id", "msg": "not a unit of this customer", "type": "not_found"})
    for index, assignment in enumerate(fields.assignments):
        if assignment.unit_id not in tree:
            problems.append(
                {
                    "loc": f"body.assignments[{index}].unit_id",
                    "msg": "not a unit of this customer",
                    "type": "not_found",
                }
            )
        if assignment.role_id not in PREDEFINED_ROLES and assignment.role_id not in roles:
            problems.append(
                {"loc": f"body.assignments[{index}].role_id", "msg": "no such role", "type": "not_found"}
            )
    if problems:
        raise Unprocessable(problems)


def _check_placement_in(
    tenant_id: str, customer_id: str, fields: CustomerUserChanges, known: CustomerAccess | None
) -> None:
    """:func:`_check_placement` against ``known`` (a customer user's access), or the company as stored."""
    if known is None:
        company = load_company(tenant_id, customer_id)
        _check_placement(company.tree, company.roles, fields)
    else:
        _check_placement(known.tree, known.roles, fields)


def _indexes(tenant_id: str, user: CustomerUser) -> dict[str, str]:
    entry = keys.customer_user_in_company(tenant_id, user.customer_id, user.unit_id, user.email)
    return {"GSI1PK": entry.pk, "GSI1SK": entry.sk}


def invite_user(
    caller: Caller,
    customer_id: str,
    body: CustomerUserFields,
    idempotency: IdempotencyClaim | None = None,
    *,
    known: CustomerAccess | None = None,
    guard: entities.ExtraWrites | None = None,
) -> CustomerUser:
    """Create an invited user; they become active when they first sign in with that email.

    ``known`` is the inviting customer user's access, whose tree and roles were read with their
    principal: the company is then not read again. ``guard``: writes of the caller's that must commit
    with it (an ERP message's ordering guard).
    """
    tenant_id = caller.tenant_id
    _check_placement_in(tenant_id, customer_id, body, known)
    user = CustomerUser.model_validate(
        {
            "id": new_id(USER_TYPE),
            "version": 1,
            "customer_id": customer_id,
            **entities.timestamps(),
            **body.model_dump(),
        },
        strict=False,
    )
    taken = Conflict(f"{body.email} already has an account in this tenant")

    def claim_email_and_id(transaction: Transaction) -> None:
        transaction.require_absent(keys.staff_user(tenant_id, body.email), on_failure=taken)
        transaction.create(
            keys.customer_user_id(tenant_id, user.id),
            USER_ID_TYPE,
            {"email": user.email, "customer_id": customer_id},
        )

    return entities.create(
        caller,
        key=keys.customer_user(tenant_id, user.email),
        entity_type=USER_TYPE,
        entity=user,
        indexes=_indexes(tenant_id, user),
        extra_writes=entities.together(claim_email_and_id, guard),
        idempotency=idempotency,
        on_exists=taken,
    )


def find_by_email(caller: Caller, email: str) -> CustomerUser | None:
    """The tenant's customer user with this email, whichever customer's (None: no such user)."""
    record = repository.get(keys.customer_user(caller.tenant_id, email))
    return None if record is None else entities.to_model(record, CustomerUser)


def get_user(caller: Caller, customer_id: str, user_id: str) -> CustomerUser:
    """A user of ``customer_id`` by id (404 for another customer's or tenant's user)."""
    pointer = repository.get(keys.customer_user_id(caller.tenant_id, user_id))
    if pointer is None or pointer.data["customer_id"] != customer_id:
        raise NotFound("user not found")
    return entities.load(keys.customer_user(caller.tenant_id, pointer.data["email"]), CustomerUser, USER_TYPE)


def list_users(caller: Caller, customer_id: str, page: PageRequest) -> Listing[CustomerUser]:
    """A customer's users, grouped by home unit."""
    load_company(caller.tenant_id, customer_id)
    return entities.listing(
        keys.customer_users_index(caller.tenant_id, customer_id), CustomerUser, page, index="GSI1"
    )


def update_user(
    caller: Caller,
    customer_id: str,
    user_id: str,
    patch: Input,
    expected_version: ExpectedVersion,
    *,
    current: CustomerUser | None = None,
    known: CustomerAccess | None = None,
    guard: entities.ExtraWrites | None = None,
) -> CustomerUser:
    """Change a user; ``current`` is the user if already read, ``known`` and ``guard`` as for
    :func:`invite_user`."""
    current = current or get_user(caller, customer_id, user_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, CustomerUserChanges)
    _check_placement_in(caller.tenant_id, customer_id, updated, known)
    return entities.update(
        caller,
        key=keys.customer_user(caller.tenant_id, current.email),
        entity_type=USER_TYPE,
        before=current,
        after=updated,
        indexes=_indexes(caller.tenant_id, updated),
        extra_writes=guard,
    )


def delete_user(
    caller: Caller,
    customer_id: str,
    user_id: str,
    expected_version: ExpectedVersion,
    *,
    current: CustomerUser | None = None,
) -> None:
    current = current or get_user(caller, customer_id, user_id)
    entities.check_version(current.version, expected_version)
    entities.delete(
        caller,
        key=keys.customer_user(caller.tenant_id, current.email),
        entity_type=USER_TYPE,
        entity=current,
        extra_writes=entities.releasing(keys.customer_user_id(caller.tenant_id, user_id)),
    )


def holders_of_role(tenant_id: str, customer_id: str, role_id: str) -> dict[str, list[Assignment]]:
    """The company's users holding ``role_id``, each with the assignments that give it to them.

    Reads the company's user index page after page (eventually consistent, like every index).
    """
    records = repository.query_all(
        keys.customer_users_index(tenant_id, customer_id), index="GSI1", page_size=USER_PAGE
    )
    holders: dict[str, list[Assignment]] = {}
    for record in records:
        held = [
            Assignment(item["role_id"], item["unit_id"], item.get("include_subunits", False))
            for item in record.data.get("assignments", [])
            if item["role_id"] == role_id
        ]
        if held:
            holders[record.data["id"]] = held
    return holders


def session_of(caller: Caller) -> CustomerSession:
    session = caller.principal.customer
    if session is None:
        raise Forbidden("this is for customer users")
    return session


def me(caller: Caller) -> Me:
    """The signed-in user, their place in the company and every grant they hold."""
    session = session_of(caller)
    return Me(
        user=session.user,
        company_path=list(session.company_path),
        permissions=effective_grants(session.access),
    )


def list_company_users(caller: Caller, page: PageRequest) -> Listing[CustomerUser]:
    """The users of the caller's company that their ``users.view`` grants reach, by home unit."""
    session = session_of(caller)
    everyone_in, own_in = reach(session.access, CustomerPermission.USERS_VIEW)

    def visible(record: Record) -> bool:
        unit_id = record.data["unit_id"]
        return unit_id in everyone_in or (unit_id in own_in and record.data["id"] == session.user.id)

    return entities.listing(
        keys.customer_users_index(caller.tenant_id, session.user.customer_id),
        CustomerUser,
        page,
        index="GSI1",
        keep=visible,
    )


def bind_on_first_sign_in(user: CustomerUser, token: VerifiedToken, caller: Caller) -> CustomerUser:
    """Record the identity-provider account an invited user signed in with (once, conditionally).

    Only a token whose email is verified reaches here (verify_bearer refuses unverified ones).
    """
    return entities.bind_sign_in(
        caller,
        key=keys.customer_user(token.tenant_id, user.email),
        entity_type=USER_TYPE,
        user=user,
        token=token,
        indexes=_indexes(token.tenant_id, user),
    )
