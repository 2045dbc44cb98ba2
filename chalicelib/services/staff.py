"""Staff users and staff roles of a tenant, managed without ever handing out more than one holds.

A staff user item is keyed by email (the principal is one read) with an id item beside it; the
tenant's own roles live together in one item that the principal's BatchGetItem reads as well. Every
assignment given or taken away, every role created or changed, is checked with ``staff.escalations``
against the caller's own grants; nobody changes their own access, and the tenant always keeps an
active Tenant Administrator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import (
    MAX_CUSTOM_STAFF_ROLES,
    TENANT_ADMINISTRATOR,
    CustomStaffRole,
    Reach,
    RoleCatalog,
    StaffAssignmentFields,
    StaffMe,
    StaffRole,
    StaffRoleCopy,
    StaffRoleFields,
    StaffRoleView,
    StaffSession,
    StaffUser,
    StaffUserChanges,
    StaffUserFields,
    escalations,
    grant_views,
    limit_problem,
    role_view,
)
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

STAFF_USER_TYPE = "staff_user"
STAFF_USER_ID_TYPE = "staff_user_id"
STAFF_ROLE_TYPE = "staff_role"
ROLE_CATALOG_TYPE = "staff_role_catalog"
STAFF_PAGE = 500


# --- roles --------------------------------------------------------------------------------------------


def session_of(caller: Caller) -> StaffSession:
    """The signed-in staff user's account, grants and the tenant's roles, as read with the principal."""
    session = caller.principal.staff
    if session is None:
        raise Forbidden("this is for staff users")
    return session


def list_roles(caller: Caller) -> list[StaffRoleView]:
    catalog = session_of(caller).roles
    return [catalog.view(role) for role in catalog.roles.values()]


def _role(catalog: RoleCatalog, role_id: str) -> StaffRole:
    role = catalog.roles.get(role_id)
    if role is None:
        raise NotFound("staff role not found")
    return role


def get_role(caller: Caller, role_id: str) -> StaffRoleView:
    catalog = session_of(caller).roles
    return catalog.view(_role(catalog, role_id))


def _require_held(caller: Caller, permissions: Iterable[str]) -> None:
    """A role may only carry permissions the caller holds without limits (no escalation)."""
    missing = escalations(session_of(caller).access, (Permission(value) for value in permissions), Reach())
    if missing:
        raise Forbidden("you cannot hand out what you do not hold: " + ", ".join(missing))


def _save_roles(
    caller: Caller,
    catalog: RoleCatalog,
    custom: Mapping[str, CustomStaffRole],
    *,
    before: CustomStaffRole | None,
    after: CustomStaffRole | None,
    idempotency: IdempotencyClaim | None = None,
) -> None:
    """Write the catalog with one role changed, and that role's event, if nobody changed it meanwhile."""
    transaction = Transaction()
    data = {"roles": {role_id: role.model_dump(mode="json") for role_id, role in custom.items()}}
    key = keys.staff_roles(caller.tenant_id)
    meanwhile = Conflict("the staff roles changed meanwhile; retry", headers={"Retry-After": "1"})
    if catalog.version is None:
        transaction.create(key, ROLE_CATALOG_TYPE, data, on_exists=meanwhile)
    else:
        transaction.replace(
            key, ROLE_CATALOG_TYPE, data, expected_version=catalog.version, on_failure=meanwhile
        )
    if idempotency is not None and after is not None:
        idempotency.record(
            transaction, 201, role_view(after.as_role(), after.version).model_dump(mode="json")
        )
    entities.commit_change(
        transaction,
        caller,
        "created" if before is None else "deleted" if after is None else "updated",
        STAFF_ROLE_TYPE,
        None if before is None else before.model_dump(mode="json"),
        None if after is None else after.model_dump(mode="json"),
    )


def create_role(
    caller: Caller, body: StaffRoleFields, idempotency: IdempotencyClaim | None = None
) -> StaffRoleView:
    """A tenant role carrying only permissions the caller holds without limits."""
    _require_held(caller, body.permissions)
    catalog = session_of(caller).roles
    if len(catalog.custom) >= MAX_CUSTOM_STAFF_ROLES:
        raise Conflict(f"a tenant has at most {MAX_CUSTOM_STAFF_ROLES} roles of its own")
    role = CustomStaffRole.model_validate(
        {"id": new_id(STAFF_ROLE_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()},
        strict=False,
    )
    _save_roles(
        caller, catalog, {**catalog.custom, role.id: role}, before=None, after=role, idempotency=idempotency
    )
    return catalog.view(role.as_role()).model_copy(update={"version": 1})


def copy_role(caller: Caller, role_id: str, body: StaffRoleCopy) -> StaffRoleView:
    """A new tenant role with the permissions of ``role_id`` (predefined or the tenant's own)."""
    source = _role(session_of(caller).roles, role_id)
    fields = StaffRoleFields.model_validate(
        {"name": body.name, "description": source.description, "permissions": sorted(source.permissions)},
        strict=False,
    )
    return create_role(caller, fields)


def _custom_role(catalog: RoleCatalog, role_id: str) -> CustomStaffRole:
    role = _role(catalog, role_id)
    if role.predefined:
        raise Conflict(f"{role.name} is predefined: copy it to make a role you can change")
    return catalog.custom[role_id]


def update_role(
    caller: Caller, role_id: str, patch: Input, expected_version: ExpectedVersion
) -> StaffRoleView:
    catalog = session_of(caller).roles
    current = _custom_role(catalog, role_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, StaffRoleFields)
    # Both what it gave and what it gives: changing a role changes every holder's access.
    _require_held(caller, {*current.permissions, *updated.permissions})
    _save_roles(caller, catalog, {**catalog.custom, role_id: updated}, before=current, after=updated)
    return role_view(updated.as_role(), updated.version)


def delete_role(caller: Caller, role_id: str, expected_version: ExpectedVersion) -> None:
    """Delete a tenant role nobody holds (409 otherwise)."""
    catalog = session_of(caller).roles
    current = _custom_role(catalog, role_id)
    entities.check_version(current.version, expected_version)
    _require_held(caller, current.permissions)
    holders = [
        user for user in _all_staff(caller.tenant_id) if role_id in {a.role_id for a in user.assignments}
    ]
    if holders:
        raise Conflict(f"{len(holders)} staff user(s) hold this role; take it from them first")
    remaining = {other: role for other, role in catalog.custom.items() if other != role_id}
    _save_roles(caller, catalog, remaining, before=current, after=None)


# --- users --------------------------------------------------------------------------------------------


def _all_staff(tenant_id: str) -> list[StaffUser]:
    records = repository.query_all(keys.staff_collection(tenant_id), page_size=STAFF_PAGE)
    return [entities.to_model(record, StaffUser) for record in records if record.type == STAFF_USER_TYPE]


def new_staff_user(fields: dict[str, Any]) -> StaffUser:
    return StaffUser.model_validate(
        {"id": new_id(STAFF_USER_TYPE), "version": 1, **entities.timestamps(), **fields}, strict=False
    )


def add_staff_user(transaction: Transaction, tenant_id: str, user: StaffUser) -> None:
    """The writes of a new staff user: the user by email, its id item, and the email claimed tenant-wide."""
    taken = Conflict(f"{user.email} already has an account in this tenant")
    transaction.create(
        keys.staff_user(tenant_id, user.email),
        STAFF_USER_TYPE,
        entities.stored(user),
        on_exists=taken,
    )
    transaction.create(
        keys.staff_user_id(tenant_id, user.id), STAFF_USER_ID_TYPE, {"id": user.id, "email": user.email}
    )
    transaction.require_absent(keys.customer_user(tenant_id, user.email), on_failure=taken)


def _check_assignments(
    caller: Caller, assignments: list[StaffAssignmentFields], roles: dict[str, StaffRole]
) -> None:
    """Every role exists and carries its limit; every organization named exists (422 otherwise)."""
    problems = []
    named = {organization for a in assignments for organization in a.organization_ids or ()}
    known = _organization_ids(caller.tenant_id, named) if named else set()
    for index, assignment in enumerate(assignments):
        role = roles.get(assignment.role_id)
        where = f"body.assignments[{index}]"
        if role is None:
            problems.append({"loc": f"{where}.role_id", "msg": "no such staff role", "type": "not_found"})
        elif (problem := limit_problem(role, assignment)) is not None:
            problems.append({"loc": where, "msg": problem, "type": "value_error"})
        for position, organization in enumerate(assignment.organization_ids or ()):
            if organization not in known:
                problems.append(
                    {
                        "loc": f"{where}.organization_ids[{position}]",
                        "msg": "no such organization",
                        "type": "not_found",
                    }
                )
    if problems:
        raise Unprocessable(problems)


def _organization_ids(tenant_id: str, named: set[str]) -> set[str]:
    """Those of the named organizations that exist (read by key, in one BatchGetItem)."""
    found = repository.get_many(
        [keys.organization(tenant_id, organization) for organization in sorted(named)]
    )
    return {key.sk for key in found}


def _refuse_escalation(
    caller: Caller, assignments: Iterable[StaffAssignmentFields], roles: dict[str, StaffRole]
) -> None:
    """The caller must hold every permission of these assignments as far as each reaches."""
    access = session_of(caller).access
    missing = sorted(
        {
            problem
            for assignment in assignments
            if (role := roles.get(assignment.role_id)) is not None
            for problem in escalations(access, role.permissions, assignment.reach)
        }
    )
    if missing:
        raise Forbidden("you cannot hand out or take away what you do not hold: " + ", ".join(missing))


def _administers(user: StaffUser) -> bool:
    return user.status == "active" and any(
        a.role_id == TENANT_ADMINISTRATOR.id and a.reach.unlimited for a in user.assignments
    )


def _keep_an_administrator(tenant_id: str, before: StaffUser, after: StaffUser | None) -> None:
    """Refuse the change that leaves the tenant without an active, unlimited Tenant Administrator."""
    if not _administers(before) or (after is not None and _administers(after)):
        return
    others = [user for user in _all_staff(tenant_id) if user.id != before.id and _administers(user)]
    if not others:
        raise Conflict("the tenant would have no active Tenant Administrator left")


def create_staff_user(
    caller: Caller, body: StaffUserFields, idempotency: IdempotencyClaim | None = None
) -> StaffUser:
    """A staff user with roles the caller could give: existing roles, their limits, no escalation."""
    roles = session_of(caller).roles.roles
    _check_assignments(caller, body.assignments, roles)
    _refuse_escalation(caller, body.assignments, roles)
    user = new_staff_user(body.model_dump())
    transaction = Transaction()
    add_staff_user(transaction, caller.tenant_id, user)
    if idempotency is not None:
        idempotency.record(transaction, 201, user.model_dump(mode="json"))
    entities.commit_change(transaction, caller, "created", STAFF_USER_TYPE, None, entities.stored(user))
    return user


def get_staff_user(caller: Caller, staff_id: str) -> StaffUser:
    pointer = repository.get(keys.staff_user_id(caller.tenant_id, staff_id))
    if pointer is None:
        raise NotFound("staff user not found")
    return entities.load(keys.staff_user(caller.tenant_id, pointer.data["email"]), StaffUser, STAFF_USER_TYPE)


def list_staff_users(caller: Caller, page: PageRequest) -> Listing[StaffUser]:
    """The tenant's staff users by email."""
    return entities.listing(keys.staff_collection(caller.tenant_id), StaffUser, page)


def _not_yourself(caller: Caller, user: StaffUser, what: str) -> None:
    if user.id == session_of(caller).access.staff_id:
        raise Forbidden(f"you cannot {what} yourself; another administrator can")


def update_staff_user(
    caller: Caller, staff_id: str, patch: Input, expected_version: ExpectedVersion
) -> StaffUser:
    """Change a name, status or assignments; access changes need the caller to cover before and after."""
    current = get_staff_user(caller, staff_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, StaffUserChanges)
    if updated.assignments != current.assignments or updated.status != current.status:
        _not_yourself(caller, current, "change the access of")
        roles = session_of(caller).roles.roles
        _check_assignments(caller, updated.assignments, roles)
        _refuse_escalation(caller, [*current.assignments, *updated.assignments], roles)
        _keep_an_administrator(caller.tenant_id, current, updated)
    return entities.update(
        caller,
        key=keys.staff_user(caller.tenant_id, current.email),
        entity_type=STAFF_USER_TYPE,
        before=current,
        after=updated,
    )


def delete_staff_user(caller: Caller, staff_id: str, expected_version: ExpectedVersion) -> None:
    """Delete a staff user the caller covers, who is nobody's sales representative any more."""
    current = get_staff_user(caller, staff_id)
    entities.check_version(current.version, expected_version)
    _not_yourself(caller, current, "delete")
    _refuse_escalation(caller, current.assignments, session_of(caller).roles.roles)
    _keep_an_administrator(caller.tenant_id, current, None)
    if assigned_customers(caller.tenant_id, staff_id, limit=1):
        raise Conflict("units still name this user as their sales representative; reassign them first")
    entities.delete(
        caller,
        key=keys.staff_user(caller.tenant_id, current.email),
        entity_type=STAFF_USER_TYPE,
        entity=current,
        extra_writes=entities.releasing(keys.staff_user_id(caller.tenant_id, staff_id)),
    )


def assigned_customers(tenant_id: str, staff_id: str, *, limit: int | None = None) -> frozenset[str]:
    """The customers with a unit naming ``staff_id`` as sales representative (eventually consistent)."""
    partition = keys.customers_of_sales_rep(tenant_id, staff_id)
    if limit is not None:
        records = repository.query(partition, index="GSI1", limit=limit).records
    else:
        records = repository.query_all(partition, index="GSI1", page_size=STAFF_PAGE)
    return frozenset(record.data["customer_id"] for record in records)


def bind_on_first_sign_in(user: StaffUser, token: VerifiedToken, caller: Caller) -> StaffUser:
    """Record the identity-provider account a staff user first signed in with (once, conditionally)."""
    return entities.bind_sign_in(
        caller,
        key=keys.staff_user(token.tenant_id, user.email),
        entity_type=STAFF_USER_TYPE,
        user=user,
        token=token,
    )


def me(caller: Caller) -> StaffMe:
    """The signed-in staff user and what they hold, with the customers assigned to them."""
    session = session_of(caller)
    access = session.access
    return StaffMe(
        user=session.user,
        grants=grant_views(access),
        assigned_customer_ids=sorted(access.assigned_customers),
    )


def ensure_staff_user(tenant_id: str, email: str, name: str, role: StaffRole) -> None:
    """Bootstrap a staff user holding ``role`` without limits, unless the email already has one."""
    user = new_staff_user({"email": email, "name": name, "assignments": [{"role_id": role.id}]})
    transaction = Transaction()
    add_staff_user(transaction, tenant_id, user)
    try:
        transaction.commit()
    except Conflict:
        return
