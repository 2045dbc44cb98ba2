"""Buyer self-administration: a customer user manages their own company, within what they hold.

Every change is decided by ``domain.access`` against the caller's grants (a unit outside their reach is
refused), and nothing can be handed out beyond what the caller holds themselves: a role's grants and a
user's assignments are checked with ``access.escalations``.
"""

from __future__ import annotations

from chalicelib.domain.access import (
    PREDEFINED_ROLES,
    CustomerAccess,
    CustomerPermission,
    Decision,
    Scope,
    Target,
    decide,
    escalations,
    reach,
)
from chalicelib.domain.customer_users import (
    CustomerRole,
    CustomerRoleFields,
    CustomerUser,
    CustomerUserFields,
    RoleView,
    role_view,
)
from chalicelib.domain.customers import Unit, UnitFields
from chalicelib.platform.errors import Forbidden, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.services import customer_users, customers, entities
from chalicelib.services.context import Caller
from chalicelib.store import keys

ROLE_TYPE = customers.ROLE_TYPE


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


def list_roles(caller: Caller) -> list[RoleView]:
    """The roles the caller's company may assign: the predefined ones and its own."""
    session = customer_users.session_of(caller)
    return [role_view(role) for role in {**PREDEFINED_ROLES, **session.access.roles}.values()]


def create_role(caller: Caller, body: CustomerRoleFields) -> CustomerRole:
    """A company role; its grants must be held by the caller at a unit where they manage roles."""
    session = customer_users.session_of(caller)
    access = session.access
    grants = {permission: Scope[scope.upper()] for permission, scope in body.grants.items()}
    managed, _ = reach(access, CustomerPermission.ROLES_MANAGE)
    # Fine if at one unit where the caller manages roles they hold every grant; else say what is missing.
    attempts = [escalations(access, grants, unit_id, include_subunits=False) for unit_id in sorted(managed)]
    if not any(problems == [] for problems in attempts):
        _refuse_escalation(min(attempts, key=len, default=["roles.manage (unit)"]))
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


def create_unit(caller: Caller, body: UnitFields) -> Unit:
    """A sub-unit under a unit the caller manages."""
    session = customer_users.session_of(caller)
    _require(session.access, CustomerPermission.UNITS_MANAGE, body.parent_id, "parent_id")
    return customers.create_unit(caller, session.user.customer_id, body)


def invite_user(caller: Caller, body: CustomerUserFields) -> CustomerUser:
    """Invite a user at a unit the caller manages users of, with roles the caller could hold there."""
    session = customer_users.session_of(caller)
    access = session.access
    _require(access, CustomerPermission.USERS_MANAGE, body.unit_id, "unit_id")
    for index, assignment in enumerate(body.assignments):
        role = access.roles.get(assignment.role_id)
        if role is None:
            raise Unprocessable.field(f"body.assignments[{index}].role_id", "no such role", "not_found")
        _require(access, CustomerPermission.USERS_MANAGE, assignment.unit_id, f"assignments[{index}].unit_id")
        _refuse_escalation(escalations(access, role.grants, assignment.unit_id, assignment.include_subunits))
    return customer_users.invite_user(caller, session.user.customer_id, body, known=access)
