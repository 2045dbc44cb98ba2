"""Buyer self-administration: a customer user manages their own company, within what they hold.

Every change is decided by ``domain.access`` against the caller's grants (a unit outside their reach is
refused), and nothing can be handed out beyond what the caller holds themselves: a role's grants and a
user's assignments are checked with ``access.escalations``. The company (its tree, units and roles) is
the one read with the caller's principal: these functions decide and answer from it, and only the
writes (and what the tree does not hold: users) go to the table. The changes themselves are the ones
tenant staff make (``services.customers``, ``services.customer_users``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.domain.access import (
    PREDEFINED_ROLES,
    Assignment,
    CustomerAccess,
    CustomerPermission,
    Decision,
    Role,
    Scope,
    Target,
    assignment_escalations,
    decide,
    escalations,
    reach,
    role_escalations,
)
from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.customer_users import (
    AssignmentFields,
    CustomerRole,
    CustomerRoleFields,
    CustomerSession,
    CustomerUser,
    CustomerUserFields,
    RoleCopyFields,
    RoleView,
    role_view,
)
from chalicelib.domain.customers import (
    CompanyUnitFields,
    Unit,
    UnitAddresses,
    UnitAddressesFields,
    UnitFields,
    UnitTree,
    tree_listing,
    unit_addresses,
)
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.services import customer_users, customers, entities
from chalicelib.services.context import Caller
from chalicelib.store import keys

ROLE_TYPE = customers.ROLE_TYPE
P = CustomerPermission


def _require(access: CustomerAccess, permission: CustomerPermission, unit_id: str, field: str) -> None:
    """The caller's ``permission`` must reach ``unit_id`` (named in the body at ``field``)."""
    decision = decide(access, permission, Target(unit_id))
    if decision is Decision.HIDDEN:
        raise Unprocessable.field(f"body.{field}", "no such unit of your company", "not_found")
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"this needs {permission.value} at that unit")


def _refuse_escalation(problems: list[str]) -> None:
    if problems:
        raise Forbidden("you cannot hand out what you do not hold: " + ", ".join(problems))


def _unit_for(session: CustomerSession, permission: CustomerPermission, unit_id: str) -> Unit:
    """The unit, if ``permission`` reaches it: 404 if the caller may not know it, 403 if they only see it.

    A unit the caller sees (``units.view``) is known to them whatever else they hold there.
    """
    access, target = session.access, Target(unit_id)
    decision = decide(access, permission, target)
    if decision is Decision.HIDDEN and access.allows(P.UNITS_VIEW, target):
        decision = Decision.FORBIDDEN
    if decision is Decision.HIDDEN:
        raise NotFound("unit not found")
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"this needs {permission.value} at that unit")
    return customers.unit_of(session.company, unit_id)


# --- units -------------------------------------------------------------------------------------------


def list_units(caller: Caller) -> UnitTree:
    """The units the caller's ``units.view`` reaches, depth-first from the top as the admin tree is."""
    session = customer_users.session_of(caller)
    company = session.company
    visible, _ = reach(session.access, P.UNITS_VIEW)  # a unit has no owner: "own" shows none
    units = {unit_id: company.units[unit_id] for unit_id in visible}
    return UnitTree(customer_id=company.customer_id, items=tree_listing(company.tree, units))


def get_unit(caller: Caller, unit_id: str) -> Unit:
    return _unit_for(customer_users.session_of(caller), P.UNITS_VIEW, unit_id)


def create_unit(caller: Caller, body: CompanyUnitFields) -> Unit:
    """A sub-unit under a unit the caller manages."""
    session = customer_users.session_of(caller)
    _require(session.access, P.UNITS_MANAGE, body.parent_id, "parent_id")
    fields = UnitFields.model_validate(body.model_dump(), strict=False)
    return customers.create_unit(caller, session.user.customer_id, fields, known=session.company)


def _refuse_root(session: CustomerSession, unit_id: str, action: str) -> None:
    if unit_id == session.company.tree.root:
        raise Forbidden(f"the company itself cannot be {action} from the store")


def update_unit(caller: Caller, unit_id: str, patch: Input, expected_version: ExpectedVersion) -> Unit:
    """Rename a unit or change its kind, or move it under another unit: both within ``units.manage``."""
    session = customer_users.session_of(caller)
    _unit_for(session, P.UNITS_MANAGE, unit_id)
    new_parent = getattr(patch, "parent_id", None)
    if new_parent is not None:
        _refuse_root(session, unit_id, "moved")
        _require(session.access, P.UNITS_MANAGE, new_parent, "parent_id")
    return customers.update_unit(
        caller, session.company.customer_id, unit_id, patch, expected_version, known=session.company
    )


def delete_unit(caller: Caller, unit_id: str, expected_version: ExpectedVersion) -> None:
    session = customer_users.session_of(caller)
    _unit_for(session, P.UNITS_MANAGE, unit_id)
    _refuse_root(session, unit_id, "deleted")
    customers.delete_unit(
        caller, session.company.customer_id, unit_id, expected_version, known=session.company
    )


# --- addresses ---------------------------------------------------------------------------------------


def get_unit_addresses(caller: Caller, unit_id: str) -> UnitAddresses:
    """A unit's own addresses and those that apply to it, each kind with the unit it comes from."""
    session = customer_users.session_of(caller)
    _unit_for(session, P.ADDRESSES_VIEW, unit_id)
    return unit_addresses(session.company.path(unit_id))


def replace_unit_addresses(
    caller: Caller, unit_id: str, body: UnitAddressesFields, expected_version: ExpectedVersion
) -> UnitAddresses:
    """Replace a unit's own addresses (``addresses.manage``): the rest of the unit stays as it is."""
    session = customer_users.session_of(caller)
    _unit_for(session, P.ADDRESSES_MANAGE, unit_id)
    company = session.company
    updated = customers.update_unit(
        caller, company.customer_id, unit_id, body, expected_version, known=company
    )
    return unit_addresses([*company.path(unit_id)[:-1], updated])


# --- users -------------------------------------------------------------------------------------------


def _check_assignments(access: CustomerAccess, assignments: Iterable[AssignmentFields]) -> None:
    """Each role exists, at a unit where the caller manages users, and holds nothing the caller does not."""
    for index, assignment in enumerate(assignments):
        role = access.roles.get(assignment.role_id)
        if role is None:
            raise Unprocessable.field(f"body.assignments[{index}].role_id", "no such role", "not_found")
        _require(access, P.USERS_MANAGE, assignment.unit_id, f"assignments[{index}].unit_id")
        _refuse_escalation(escalations(access, role.grants, assignment.unit_id, assignment.include_subunits))


def invite_user(caller: Caller, body: CustomerUserFields) -> CustomerUser:
    """Invite a user at a unit the caller manages users of, with roles the caller could hold there."""
    session = customer_users.session_of(caller)
    access = session.access
    _require(access, P.USERS_MANAGE, body.unit_id, "unit_id")
    _check_assignments(access, body.assignments)
    return customer_users.invite_user(caller, session.user.customer_id, body, known=access)


def _user_for(
    caller: Caller, session: CustomerSession, user_id: str, permission: CustomerPermission
) -> CustomerUser:
    """A user of the caller's company that ``permission`` reaches (by home unit): 404 or 403 otherwise."""
    user = customer_users.get_user(caller, session.company.customer_id, user_id)
    decision = decide(session.access, permission, Target(user.unit_id, owner_id=user.id))
    if decision is Decision.HIDDEN:
        raise NotFound("user not found")
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"this needs {permission.value} at the user's home unit")
    return user


def _manageable(caller: Caller, session: CustomerSession, user_id: str) -> CustomerUser:
    """A user the caller may change: within ``users.manage``, holding nothing the caller does not."""
    user = _user_for(caller, session, user_id, P.USERS_MANAGE)
    held = [assignment.as_assignment() for assignment in user.assignments]
    beyond = assignment_escalations(session.access, held, session.access.roles)
    if beyond:
        raise Forbidden("this user holds more than you do: " + ", ".join(beyond))
    return user


def get_user(caller: Caller, user_id: str) -> CustomerUser:
    session = customer_users.session_of(caller)
    return _user_for(caller, session, user_id, P.USERS_VIEW)


def update_user(
    caller: Caller, user_id: str, patch: Input, expected_version: ExpectedVersion
) -> CustomerUser:
    """Rename, move (home unit), disable or enable a user, or change their assignments.

    Nobody disables themselves or changes their own assignments.
    """
    session = customer_users.session_of(caller)
    access = session.access
    current = _manageable(caller, session, user_id)
    sent = patch.model_fields_set
    new_unit = getattr(patch, "unit_id", None)
    new_assignments: list[AssignmentFields] | None = getattr(patch, "assignments", None)
    if current.id == session.user.id:
        if getattr(patch, "disabled", None):
            raise Forbidden("you cannot disable yourself; ask another administrator")
        if "assignments" in sent and new_assignments != current.assignments:
            raise Forbidden("you cannot change your own role assignments; ask another administrator")
    if new_unit is not None:
        _require(access, P.USERS_MANAGE, new_unit, "unit_id")
    if new_assignments is not None:
        _check_assignments(access, new_assignments)
    return customer_users.update_user(
        caller,
        session.company.customer_id,
        user_id,
        patch,
        expected_version,
        current=current,
        known=access,
    )


def delete_user(caller: Caller, user_id: str, expected_version: ExpectedVersion) -> None:
    session = customer_users.session_of(caller)
    if user_id == session.user.id:
        raise Forbidden("you cannot delete yourself; ask another administrator")
    current = _manageable(caller, session, user_id)
    customer_users.delete_user(
        caller, session.company.customer_id, user_id, expected_version, current=current
    )


# --- roles -------------------------------------------------------------------------------------------


def _scopes(grants: Mapping[CustomerPermission, str]) -> dict[CustomerPermission, Scope]:
    return {permission: Scope[scope.upper()] for permission, scope in grants.items()}


def list_roles(caller: Caller) -> list[RoleView]:
    """The roles the caller's company may assign: the predefined ones and its own (with their versions)."""
    session = customer_users.session_of(caller)
    own = session.company.role_records.values()
    return [role_view(role) for role in PREDEFINED_ROLES.values()] + [
        role_view(record.as_role(), record.version) for record in own
    ]


def _role(session: CustomerSession, role_id: str) -> Role:
    """A role the company may assign (404 if it has none of that id)."""
    record = session.company.role_records.get(role_id)
    role = PREDEFINED_ROLES.get(role_id) or (record.as_role() if record else None)
    if role is None:
        raise NotFound("role not found")
    return role


def get_role(caller: Caller, role_id: str) -> RoleView:
    session = customer_users.session_of(caller)
    record = session.company.role_records.get(role_id)
    return role_view(_role(session, role_id), record.version if record else None)


def _custom_role(session: CustomerSession, role_id: str) -> CustomerRole:
    """One of the company's own roles, to change: a predefined role is 409, an unknown one 404."""
    if role_id in PREDEFINED_ROLES:
        raise Conflict("a predefined role cannot be changed or deleted; copy it to make a role of your own")
    record = session.company.role_records.get(role_id)
    if record is None:
        raise NotFound("role not found")
    return record


def create_role(caller: Caller, body: CustomerRoleFields) -> CustomerRole:
    """A company role; its grants must be held by the caller at a unit where they manage roles."""
    session = customer_users.session_of(caller)
    _refuse_escalation(role_escalations(session.access, _scopes(body.grants)))
    customer_id = session.user.customer_id
    role = CustomerRole.model_validate(
        {
            "id": new_id(ROLE_TYPE),
            "version": 1,
            "customer_id": customer_id,
            **entities.timestamps(),
            **body.model_dump(),
        },
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.customer_role(caller.tenant_id, customer_id, role.id),
        entity_type=ROLE_TYPE,
        entity=role,
    )


def copy_role(caller: Caller, role_id: str, body: RoleCopyFields) -> CustomerRole:
    """A new company role with another role's grants (predefined or the company's own), named anew."""
    source = _role(customer_users.session_of(caller), role_id)
    grants = {permission: scope.label for permission, scope in source.grants.items()}
    return create_role(caller, CustomerRoleFields.model_validate({"name": body.name, "grants": grants}))


def update_role(
    caller: Caller, role_id: str, patch: Input, expected_version: ExpectedVersion
) -> CustomerRole:
    """Rename a company role or change its grants.

    New grants pass the creation check, and every user holding the role must hold it where the caller
    could assign it: a change reaches every holder, whoever assigned the role to them.
    """
    session = customer_users.session_of(caller)
    current = _custom_role(session, role_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, CustomerRoleFields)
    if "grants" in patch.model_fields_set:
        access = session.access
        role = updated.as_role()
        _refuse_escalation(role_escalations(access, role.grants))
        holders = customer_users.holders_of_role(caller.tenant_id, current.customer_id, role_id)
        places: list[Assignment] = [place for held in holders.values() for place in held]
        _refuse_escalation(assignment_escalations(access, places, {role_id: role}))
    return entities.update(
        caller,
        key=keys.customer_role(caller.tenant_id, current.customer_id, role_id),
        entity_type=ROLE_TYPE,
        before=current,
        after=updated,
    )


def delete_role(caller: Caller, role_id: str, expected_version: ExpectedVersion) -> None:
    """Delete a company role nobody holds (409 naming how many users do)."""
    session = customer_users.session_of(caller)
    current = _custom_role(session, role_id)
    entities.check_version(current.version, expected_version)
    holders = customer_users.holders_of_role(caller.tenant_id, current.customer_id, role_id)
    if holders:
        raise Conflict(f"{len(holders)} user(s) hold this role; change their assignments first")
    entities.delete(
        caller,
        key=keys.customer_role(caller.tenant_id, current.customer_id, role_id),
        entity_type=ROLE_TYPE,
        entity=current,
    )
