"""chalicelib.domain.staff and chalicelib.domain.permissions: the staff gate, roles, reach and decisions.

The pure core of staff authorization: :func:`may_call` (the route gate for every audience), the
predefined staff roles, what a grant limited to organizations or to assigned customers holds and admits,
the 403/404 decision matrix, the list filters of ``within``, the escalation check and the API models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.access import (
    ADMINISTRATOR,
    BUYER,
    Assignment,
    CompanyTree,
    CustomerAccess,
    CustomerPermission,
    Decision,
)
from chalicelib.domain.customer_users import Company, CustomerSession, CustomerUser
from chalicelib.domain.permissions import NOT_GRANTABLE, Bound, Permission, bound_of, may_call
from chalicelib.domain.staff import (
    BY_CUSTOMER,
    BY_ORGANIZATION,
    MAX_ORGANIZATIONS_PER_ASSIGNMENT,
    NEW_CUSTOMER,
    NEW_ORGANIZATION,
    PLATFORM_OPERATOR,
    PREDEFINED_STAFF_ROLES,
    TENANT,
    TENANT_ADMINISTRATOR,
    Grant,
    Reach,
    RoleCatalog,
    StaffAccess,
    StaffAssignmentFields,
    StaffGrantView,
    StaffRole,
    StaffRoleFields,
    StaffSession,
    StaffTarget,
    StaffUser,
    escalations,
    grant_views,
    limit_problem,
    staff_access,
)
from chalicelib.platform.principal import ANONYMOUS, Principal, PrincipalKind

P = Permission
A, F, H = Decision.ALLOW, Decision.FORBIDDEN, Decision.HIDDEN


def ulid_id(prefix: str, tail: str) -> str:
    """A well-formed id (``<prefix>_`` and 26 Crockford base-32 characters) ending in ``tail``."""
    return f"{prefix}_{tail.rjust(26, '0')}"


ME = ulid_id("stf", "ME")
ORG_A, ORG_B, ORG_C = ulid_id("org", "A"), ulid_id("org", "B"), ulid_id("org", "C")
CUS_1, CUS_2 = ulid_id("cus", "1"), ulid_id("cus", "2")
TENANT_ID = "acme"

UNLIMITED = Reach()
ASSIGNED_ONLY = Reach(assigned_customers_only=True)


def orgs(*organization_ids: str) -> Reach:
    """A reach limited to these organizations."""
    return Reach(frozenset(organization_ids))


def grants(permissions: Iterable[Permission], reach: Reach = UNLIMITED) -> tuple[Grant, ...]:
    return tuple(Grant(permission, reach) for permission in sorted(permissions))


def access(*grant_groups: tuple[Grant, ...], assigned: Iterable[str] = ()) -> StaffAccess:
    """The staff user ``ME`` with these grants and these customers assigned to them."""
    return StaffAccess(ME, tuple(grant for group in grant_groups for grant in group), frozenset(assigned))


def assignment(
    role_id: str, organization_ids: list[str] | None = None, assigned_customers_only: bool = False
) -> StaffAssignmentFields:
    return StaffAssignmentFields(
        role_id=role_id, organization_ids=organization_ids, assigned_customers_only=assigned_customers_only
    )


def session(access: StaffAccess) -> StaffSession:
    """A signed-in staff user holding ``access`` (their account as the principal would carry it)."""
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    user = StaffUser(
        id=access.staff_id,
        version=1,
        created_at=moment,
        updated_at=moment,
        name="Sam",
        email="sam@example.com",
    )
    return StaffSession(user=user, access=access, roles=RoleCatalog())


def staff_principal(staff: StaffAccess, kind: PrincipalKind = "staff") -> Principal:
    return Principal(kind=kind, tenant_id=TENANT_ID, subject="idp|staff", staff=session(staff))


COMPANY = ulid_id("cus", "7")
HOME_UNIT = ulid_id("unt", "7")


def customer_principal(*assignments: Assignment, staff: StaffAccess | None = None) -> Principal:
    """A signed-in customer user of a one-unit company, holding these customer role assignments."""
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    user = CustomerUser(
        id=ulid_id("cus", "U"),
        version=1,
        created_at=moment,
        updated_at=moment,
        customer_id=COMPANY,
        name="Carla Customer",
        email="carla@example.com",
        unit_id=HOME_UNIT,
    )
    tree = CompanyTree({HOME_UNIT: None})
    company = Company(customer_id=HOME_UNIT, units={}, tree=tree, structure_version=1)
    customer_session = CustomerSession(
        user=user, access=CustomerAccess(user.id, tree, assignments), company_path=(), company=company
    )
    return Principal(
        kind="customer",
        tenant_id=TENANT_ID,
        subject="idp|customer",
        customer=customer_session,
        staff=None if staff is None else session(staff),
    )


# --- may_call -------------------------------------------------------------------------------------

STAFF_ONLY = [p for p in Permission if p not in {P.PUBLIC, P.CUSTOMER_SELF}]
EVERYTHING = access(grants(set(Permission) - {P.CUSTOMER_SELF}))


@pytest.mark.parametrize(
    "principal",
    [
        pytest.param(ANONYMOUS, id="anonymous"),
        pytest.param(staff_principal(access()), id="staff-without-grants"),
        pytest.param(
            staff_principal(access(grants({P.PLATFORM_TENANTS})), "platform_operator"), id="operator"
        ),
        pytest.param(customer_principal(), id="customer-without-roles"),
        pytest.param(Principal(kind="integration", tenant_id=TENANT_ID, subject="int"), id="integration"),
    ],
)
def test_a_public_route_may_be_called_by_anyone(principal: Principal) -> None:
    # given any principal, signed in or not
    # when they call a public route
    allowed = may_call(principal, P.PUBLIC)
    # then they pass the gate
    assert allowed is True


@pytest.mark.parametrize("permission", [P.TENANT_READ, P.STAFF_SELF, P.CUSTOMER_SELF], ids=str)
def test_an_anonymous_caller_passes_no_other_gate(permission: Permission) -> None:
    # given nobody signed in
    # when they call a route that is not public
    allowed = may_call(ANONYMOUS, permission)
    # then they are refused
    assert allowed is False


@pytest.mark.parametrize(
    ("held", "permission", "expected"),
    [
        pytest.param(grants({P.CATALOG_WRITE}), P.CATALOG_WRITE, True, id="held"),
        pytest.param(grants({P.CATALOG_READ}), P.CATALOG_WRITE, False, id="only-the-read-held"),
        pytest.param((), P.TENANT_READ, False, id="nothing-held"),
        pytest.param(
            grants({P.WEBSITES_WRITE}, orgs(ORG_A)), P.WEBSITES_WRITE, True, id="held-for-some-orgs"
        ),
        pytest.param(grants({P.AUDIT_READ}, orgs(ORG_A)), P.AUDIT_READ, False, id="tenant-wide-held-limited"),
        pytest.param(grants({P.AUDIT_READ}), P.AUDIT_READ, True, id="tenant-wide-held-unlimited"),
    ],
)
def test_a_staff_user_passes_the_gate_of_a_permission_they_hold(
    held: tuple[Grant, ...], permission: Permission, expected: bool
) -> None:
    # given a staff user with some grants
    principal = staff_principal(access(held))
    # when they call a route declaring a staff permission
    allowed = may_call(principal, permission)
    # then they pass only if they hold it (a tenant-wide one only without limits)
    assert allowed is expected


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        pytest.param(staff_principal(access()), True, id="staff-without-grants"),
        pytest.param(staff_principal(EVERYTHING, "staff"), True, id="staff-holding-everything"),
        pytest.param(
            staff_principal(access(grants({P.PLATFORM_TENANTS})), "platform_operator"), False, id="operator"
        ),
        pytest.param(
            staff_principal(EVERYTHING, "platform_operator"), False, id="operator-holding-everything"
        ),
    ],
)
def test_staff_self_is_for_staff_users_only(principal: Principal, expected: bool) -> None:
    # given a staff user or a platform operator
    # when they call GET /v1/admin/me
    allowed = may_call(principal, P.STAFF_SELF)
    # then only a principal of kind "staff" passes, whatever their grants
    assert allowed is expected


def test_a_platform_operator_passes_the_tenant_management_gate() -> None:
    # given the platform operator role held without limits
    principal = staff_principal(
        staff_access(ME, [assignment(PLATFORM_OPERATOR.id)], {PLATFORM_OPERATOR.id: PLATFORM_OPERATOR}),
        "platform_operator",
    )
    # when they call a tenant management route
    allowed = may_call(principal, P.PLATFORM_TENANTS)
    # then they pass
    assert allowed is True


@pytest.mark.parametrize("permission", STAFF_ONLY, ids=str)
def test_a_customer_never_passes_a_staff_gate(permission: Permission) -> None:
    # given a customer administrator
    principal = customer_principal(Assignment(ADMINISTRATOR.id, HOME_UNIT, include_subunits=True))
    # when they call a staff route
    allowed = may_call(principal, permission)
    # then they are refused
    assert allowed is False


def test_a_customer_session_decides_even_when_staff_grants_are_attached() -> None:
    # given a customer principal that (somehow) also carries every staff grant
    principal = customer_principal(staff=EVERYTHING)
    # when they call a staff route
    allowed = may_call(principal, P.TENANT_WRITE)
    # then the customer session decides: refused
    assert allowed is False


def test_customer_self_is_for_any_signed_in_customer() -> None:
    # given a customer user without any role
    principal = customer_principal()
    # when they call GET /v1/store/me
    allowed = may_call(principal, P.CUSTOMER_SELF)
    # then they pass
    assert allowed is True


@pytest.mark.parametrize(
    ("permission", "expected"),
    [
        pytest.param(CustomerPermission.CATALOG_VIEW, True, id="held-by-buyer"),
        pytest.param(CustomerPermission.USERS_MANAGE, False, id="not-held-by-buyer"),
    ],
)
def test_a_customer_passes_the_gate_of_a_customer_permission_they_hold(
    permission: CustomerPermission, expected: bool
) -> None:
    # given a buyer
    principal = customer_principal(Assignment(BUYER.id, HOME_UNIT))
    # when they call a storefront route
    allowed = may_call(principal, permission)
    # then they pass only if one of their roles grants the permission
    assert allowed is expected


@pytest.mark.parametrize("permission", list(CustomerPermission), ids=str)
def test_a_staff_user_never_passes_a_customer_gate(permission: CustomerPermission) -> None:
    # given a staff user holding every staff permission
    principal = staff_principal(EVERYTHING)
    # when they call a storefront route
    allowed = may_call(principal, permission)
    # then they are refused
    assert allowed is False


def test_a_tenant_administrator_does_not_pass_customer_self() -> None:
    # given a tenant administrator
    principal = staff_principal(
        staff_access(ME, [assignment(TENANT_ADMINISTRATOR.id)], PREDEFINED_STAFF_ROLES)
    )
    # when they call GET /v1/store/me
    allowed = may_call(principal, P.CUSTOMER_SELF)
    # then they are refused
    assert allowed is False


# --- predefined roles -----------------------------------------------------------------------------

ROLE_PERMISSIONS: dict[str, set[Permission]] = {
    "tenant-administrator": {
        P.TENANT_READ,
        P.TENANT_WRITE,
        P.ORGANIZATIONS_READ,
        P.ORGANIZATIONS_WRITE,
        P.WEBSITES_READ,
        P.WEBSITES_WRITE,
        P.AUDIT_READ,
        P.CUSTOMERS_READ,
        P.CUSTOMERS_WRITE,
        P.CUSTOMER_GROUPS_READ,
        P.CUSTOMER_GROUPS_WRITE,
        P.STAFF_USERS_READ,
        P.STAFF_USERS_WRITE,
        P.STAFF_ROLES_READ,
        P.STAFF_ROLES_WRITE,
        P.CATALOG_READ,
        P.CATALOG_WRITE,
        P.PRICES_READ,
        P.PRICES_WRITE,
        P.CONTENT_READ,
        P.CONTENT_WRITE,
        P.TAXES_READ,
        P.TAXES_WRITE,
        P.ORDERS_READ,
        P.ORDERS_WRITE,
        P.INTEGRATIONS_READ,
        P.INTEGRATIONS_MANAGE,
        P.ORDERS_PLACE_ON_BEHALF,
    },
    "organization-administrator": {
        P.TENANT_READ,
        P.ORGANIZATIONS_READ,
        P.ORGANIZATIONS_WRITE,
        P.WEBSITES_READ,
        P.WEBSITES_WRITE,
        P.CATALOG_READ,
        P.CATALOG_WRITE,
        P.PRICES_READ,
        P.PRICES_WRITE,
        P.CONTENT_READ,
        P.CONTENT_WRITE,
        P.ORDERS_READ,
        P.ORDERS_WRITE,
    },
    "sales-representative": {
        P.TENANT_READ,
        P.CUSTOMERS_READ,
        P.CUSTOMERS_WRITE,
        P.CUSTOMER_GROUPS_READ,
        P.CATALOG_READ,
        P.PRICES_READ,
        P.ORDERS_READ,
        P.ORDERS_WRITE,
        P.ORDERS_PLACE_ON_BEHALF,
    },
    "catalog-manager": {
        P.TENANT_READ,
        P.ORGANIZATIONS_READ,
        P.WEBSITES_READ,
        P.CATALOG_READ,
        P.CATALOG_WRITE,
    },
    "pricing-manager": {
        P.TENANT_READ,
        P.ORGANIZATIONS_READ,
        P.WEBSITES_READ,
        P.CATALOG_READ,
        P.PRICES_READ,
        P.PRICES_WRITE,
        P.CUSTOMERS_READ,
        P.CUSTOMER_GROUPS_READ,
        P.CUSTOMER_GROUPS_WRITE,
        P.TAXES_READ,
        P.TAXES_WRITE,
    },
    "content-editor": {
        P.TENANT_READ,
        P.ORGANIZATIONS_READ,
        P.WEBSITES_READ,
        P.CATALOG_READ,
        P.CONTENT_READ,
        P.CONTENT_WRITE,
    },
}
ROLE_LIMITS = {
    "tenant-administrator": None,
    "organization-administrator": "organizations",
    "sales-representative": "assigned_customers",
    "catalog-manager": None,
    "pricing-manager": None,
    "content-editor": None,
}
ROLES = list(PREDEFINED_STAFF_ROLES.values())


def test_the_predefined_roles_are_exactly_these() -> None:
    # given the predefined staff roles
    # when their ids are listed
    ids = set(PREDEFINED_STAFF_ROLES)
    # then they are the six of the role table (the platform operator is not one of them)
    assert ids == set(ROLE_PERMISSIONS)


@pytest.mark.parametrize(("role_id", "expected"), list(ROLE_PERMISSIONS.items()), ids=list(ROLE_PERMISSIONS))
def test_each_predefined_role_carries_exactly_its_permissions(
    role_id: str, expected: set[Permission]
) -> None:
    # given a predefined role
    role = PREDEFINED_STAFF_ROLES[role_id]
    # when its permissions are read
    permissions = set(role.permissions)
    # then they are exactly the table's
    assert permissions == expected


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.id)
def test_no_predefined_role_carries_a_permission_that_is_not_grantable(role: StaffRole) -> None:
    # given a predefined role
    # when its permissions are compared with the ungrantable ones
    refused = role.permissions & NOT_GRANTABLE
    # then there is none
    assert refused == frozenset()


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.id)
def test_every_predefined_role_is_marked_predefined_and_keyed_by_its_id(role: StaffRole) -> None:
    # given a predefined role
    # when its flags are read
    # then it says it is predefined and the table holds it under its own id
    assert role.predefined is True
    assert PREDEFINED_STAFF_ROLES[role.id] is role


def test_the_platform_operator_carries_only_tenant_management() -> None:
    # given the platform operator role
    # when its permissions are read
    permissions = PLATFORM_OPERATOR.permissions
    # then it is platform.tenants.manage alone, and no tenant can assign the role
    assert permissions == frozenset({P.PLATFORM_TENANTS})
    assert PLATFORM_OPERATOR.id not in PREDEFINED_STAFF_ROLES


@pytest.mark.parametrize(("role_id", "expected"), list(ROLE_LIMITS.items()), ids=list(ROLE_LIMITS))
def test_each_predefined_role_has_its_limit(role_id: str, expected: str | None) -> None:
    # given a predefined role
    # when its limit is read
    limit = PREDEFINED_STAFF_ROLES[role_id].limit
    # then it is the table's
    assert limit == expected


@pytest.mark.parametrize("role", [role for role in ROLES if role.limit], ids=lambda role: role.id)
def test_a_role_that_must_be_limited_carries_no_tenant_wide_permission(role: StaffRole) -> None:
    # given a role every assignment of which carries a limit
    # when the bounds of its permissions are read
    tenant_wide = {p for p in role.permissions if bound_of(p) is Bound.TENANT}
    # then none is tenant-wide (a limited grant could never hold it)
    assert tenant_wide == set()


# --- holds ----------------------------------------------------------------------------------------

LIMITED_REACHES = [
    pytest.param(orgs(ORG_A), id="organizations"),
    pytest.param(ASSIGNED_ONLY, id="assigned-customers"),
    pytest.param(Reach(frozenset({ORG_A}), assigned_customers_only=True), id="both-limits"),
]


@pytest.mark.parametrize("reach", LIMITED_REACHES)
@pytest.mark.parametrize(
    "permission", [P.AUDIT_READ, P.STAFF_USERS_WRITE, P.STAFF_ROLES_READ, P.TENANT_WRITE], ids=str
)
def test_a_tenant_wide_permission_is_not_held_through_a_limited_grant(
    permission: Permission, reach: Reach
) -> None:
    # given a tenant-wide permission granted with a limit
    staff = access(grants({permission}, reach))
    # when asked whether it is held
    held = staff.holds(permission)
    # then it is not
    assert held is False


@pytest.mark.parametrize(
    "permission", [P.AUDIT_READ, P.STAFF_USERS_WRITE, P.STAFF_ROLES_READ, P.TENANT_WRITE], ids=str
)
def test_a_tenant_wide_permission_is_held_through_an_unlimited_grant(permission: Permission) -> None:
    # given a tenant-wide permission granted with a limit and without
    staff = access(grants({permission}, orgs(ORG_A)), grants({permission}))
    # when asked whether it is held
    held = staff.holds(permission)
    # then it is
    assert held is True


@pytest.mark.parametrize("reach", LIMITED_REACHES)
@pytest.mark.parametrize(
    "permission",
    [
        P.ORGANIZATIONS_WRITE,
        P.WEBSITES_READ,
        P.CUSTOMERS_READ,
        P.CUSTOMERS_WRITE,
        P.CUSTOMER_GROUPS_READ,
        P.TENANT_READ,
    ],
    ids=str,
)
def test_a_bounded_permission_is_held_through_a_limited_grant(permission: Permission, reach: Reach) -> None:
    # given an organization-, customer- or un-bound permission granted with a limit
    staff = access(grants({permission}, reach))
    # when asked whether it is held
    held = staff.holds(permission)
    # then it is
    assert held is True


def test_a_permission_never_granted_is_not_held() -> None:
    # given grants of other permissions
    staff = access(grants({P.CATALOG_READ, P.CATALOG_WRITE}))
    # when asked about another one
    held = staff.holds(P.CUSTOMERS_READ)
    # then it is not held
    assert held is False


# --- admits / decide ------------------------------------------------------------------------------

EDITS = {
    P.ORGANIZATIONS_READ,
    P.ORGANIZATIONS_WRITE,
    P.WEBSITES_READ,
    P.WEBSITES_WRITE,
    P.CUSTOMERS_READ,
    P.CUSTOMERS_WRITE,
    P.CUSTOMER_GROUPS_READ,
}
VIEWS = {P.ORGANIZATIONS_READ, P.WEBSITES_READ, P.CUSTOMERS_READ, P.CUSTOMER_GROUPS_READ}
REACHES = {"unlimited": UNLIMITED, "orgs-A": orgs(ORG_A), "assigned-C1": ASSIGNED_ONLY}
HOLDINGS = {"editor": EDITS, "viewer": VIEWS}
TARGETS = {
    "org-A": StaffTarget(organization_id=ORG_A),
    "org-B": StaffTarget(organization_id=ORG_B),
    "any-org": NEW_ORGANIZATION,
    "cus-C1": StaffTarget(customer_id=CUS_1),
    "cus-C2": StaffTarget(customer_id=CUS_2),
    "any-cus": NEW_CUSTOMER,
    "tenant": TENANT,
}

# One staff user whose grants all have one reach; "editor" holds the reads and writes of organizations,
# websites and customers and customer_groups.read, "viewer" only the reads. C1 is assigned to them.
# A: allow, F: forbidden (403, the read admits the record), H: hidden (404).
#
#     reach          holding   permission                org-A org-B any-org cus-C1 cus-C2 any-cus tenant
MATRIX: list[tuple[str, str, Permission, tuple[Decision, ...]]] = [
    ("unlimited",   "editor", P.ORGANIZATIONS_READ,    (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.ORGANIZATIONS_WRITE,   (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.WEBSITES_READ,         (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.WEBSITES_WRITE,        (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.CUSTOMERS_READ,        (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.CUSTOMERS_WRITE,       (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "editor", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "viewer", P.ORGANIZATIONS_READ,    (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "viewer", P.ORGANIZATIONS_WRITE,   (F,    F,    F,      F,     F,     F,      F)),
    ("unlimited",   "viewer", P.WEBSITES_READ,         (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "viewer", P.WEBSITES_WRITE,        (F,    F,    F,      F,     F,     F,      F)),
    ("unlimited",   "viewer", P.CUSTOMERS_READ,        (A,    A,    A,      A,     A,     A,      A)),
    ("unlimited",   "viewer", P.CUSTOMERS_WRITE,       (F,    F,    F,      F,     F,     F,      F)),
    ("unlimited",   "viewer", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
    ("orgs-A",      "editor", P.ORGANIZATIONS_READ,    (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "editor", P.ORGANIZATIONS_WRITE,   (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "editor", P.WEBSITES_READ,         (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "editor", P.WEBSITES_WRITE,        (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "editor", P.CUSTOMERS_READ,        (A,    A,    A,      A,     A,     A,      A)),
    ("orgs-A",      "editor", P.CUSTOMERS_WRITE,       (A,    A,    A,      A,     A,     A,      A)),
    ("orgs-A",      "editor", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
    ("orgs-A",      "viewer", P.ORGANIZATIONS_READ,    (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "viewer", P.ORGANIZATIONS_WRITE,   (F,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "viewer", P.WEBSITES_READ,         (A,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "viewer", P.WEBSITES_WRITE,        (F,    H,    H,      H,     H,     H,      H)),
    ("orgs-A",      "viewer", P.CUSTOMERS_READ,        (A,    A,    A,      A,     A,     A,      A)),
    ("orgs-A",      "viewer", P.CUSTOMERS_WRITE,       (F,    F,    F,      F,     F,     F,      F)),
    ("orgs-A",      "viewer", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "editor", P.ORGANIZATIONS_READ,    (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "editor", P.ORGANIZATIONS_WRITE,   (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "editor", P.WEBSITES_READ,         (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "editor", P.WEBSITES_WRITE,        (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "editor", P.CUSTOMERS_READ,        (H,    H,    H,      A,     H,     H,      H)),
    ("assigned-C1", "editor", P.CUSTOMERS_WRITE,       (H,    H,    H,      A,     H,     H,      H)),
    ("assigned-C1", "editor", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "viewer", P.ORGANIZATIONS_READ,    (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "viewer", P.ORGANIZATIONS_WRITE,   (F,    F,    F,      F,     F,     F,      F)),
    ("assigned-C1", "viewer", P.WEBSITES_READ,         (A,    A,    A,      A,     A,     A,      A)),
    ("assigned-C1", "viewer", P.WEBSITES_WRITE,        (F,    F,    F,      F,     F,     F,      F)),
    ("assigned-C1", "viewer", P.CUSTOMERS_READ,        (H,    H,    H,      A,     H,     H,      H)),
    ("assigned-C1", "viewer", P.CUSTOMERS_WRITE,       (H,    H,    H,      F,     H,     H,      H)),
    ("assigned-C1", "viewer", P.CUSTOMER_GROUPS_READ,  (A,    A,    A,      A,     A,     A,      A)),
]  # fmt: skip
MATRIX_CASES = [
    pytest.param(
        reach, holding, permission, name, expected, id=f"{reach}:{holding}:{permission.value}:{name}"
    )
    for reach, holding, permission, row in MATRIX
    for name, expected in zip(TARGETS, row, strict=True)
]


def matrix_access(reach: str, holding: str) -> StaffAccess:
    return access(grants(HOLDINGS[holding], REACHES[reach]), assigned={CUS_1})


def test_the_matrix_covers_every_reach_holding_and_permission() -> None:
    # given the decision matrix
    # when its rows are listed
    rows = [(reach, holding, permission) for reach, holding, permission, _ in MATRIX]
    # then every combination appears exactly once
    assert sorted(rows) == sorted(
        (reach, holding, permission) for reach in REACHES for holding in HOLDINGS for permission in EDITS
    )


@pytest.mark.parametrize(("reach", "holding", "permission", "target", "expected"), MATRIX_CASES)
def test_decision_matrix(
    reach: str, holding: str, permission: Permission, target: str, expected: Decision
) -> None:
    # given a staff user whose grants share one reach
    staff = matrix_access(reach, holding)
    # when they act on a record
    decision = staff.decide(permission, TARGETS[target])
    # then the decision is the matrix's
    assert decision is expected


@pytest.mark.parametrize(("reach", "holding", "permission", "target", "expected"), MATRIX_CASES)
def test_admits_is_exactly_an_allow_of_the_matrix(
    reach: str, holding: str, permission: Permission, target: str, expected: Decision
) -> None:
    # given a staff user whose grants share one reach
    staff = matrix_access(reach, holding)
    # when asked whether a grant admits the record
    admitted = staff.admits(permission, TARGETS[target])
    # then it does exactly where the matrix allows
    assert admitted is (expected is A)


@pytest.mark.parametrize(
    ("held", "permission", "expected"),
    [
        pytest.param(grants({P.TENANT_READ, P.TENANT_WRITE}), P.TENANT_WRITE, A, id="unlimited:allow"),
        pytest.param(
            grants({P.TENANT_READ, P.TENANT_WRITE}, orgs(ORG_A)),
            P.TENANT_WRITE,
            F,
            id="limited-with-read:403",
        ),
        pytest.param(grants({P.AUDIT_READ}, orgs(ORG_A)), P.AUDIT_READ, H, id="limited-no-read-of:404"),
        pytest.param(grants({P.STAFF_USERS_READ}), P.STAFF_USERS_WRITE, F, id="read-only-unlimited:403"),
        pytest.param(
            grants({P.STAFF_USERS_READ, P.STAFF_USERS_WRITE}, ASSIGNED_ONLY),
            P.STAFF_USERS_WRITE,
            H,
            id="assigned-only-with-read:404",
        ),
    ],
)
def test_a_tenant_wide_permission_is_decided_on_unlimited_grants_only(
    held: tuple[Grant, ...], permission: Permission, expected: Decision
) -> None:
    # given grants of tenant-wide permissions (tenant.read is reference data: any grant reads it)
    staff = access(held)
    # when the staff user acts on the tenant itself
    decision = staff.decide(permission, TENANT)
    # then only an unlimited grant allows; a held read of it makes the refusal a 403
    assert decision is expected


def test_one_grant_admitting_the_record_is_enough() -> None:
    # given websites.write for organization A and, separately, for organization B
    staff = access(grants({P.WEBSITES_WRITE}, orgs(ORG_A)), grants({P.WEBSITES_WRITE}, orgs(ORG_B)))
    # when the user edits a website of organization B
    decision = staff.decide(P.WEBSITES_WRITE, StaffTarget(organization_id=ORG_B))
    # then it is allowed
    assert decision is A


def test_nothing_granted_hides_everything() -> None:
    # given a staff user without grants
    staff = access()
    # when they act on an organization
    decision = staff.decide(P.ORGANIZATIONS_WRITE, StaffTarget(organization_id=ORG_A))
    # then the organization is hidden
    assert decision is H


@pytest.mark.parametrize(
    ("path_target", "params", "expected"),
    [
        pytest.param(
            BY_ORGANIZATION, {"organization_id": ORG_A}, StaffTarget(organization_id=ORG_A), id="organization"
        ),
        pytest.param(BY_CUSTOMER, {"customer_id": CUS_1}, StaffTarget(customer_id=CUS_1), id="customer"),
    ],
)
def test_a_path_target_names_the_record_of_its_path_parameter(
    path_target: Any, params: dict[str, str], expected: StaffTarget
) -> None:
    # given a route's path target and its path parameters
    # when the target is built
    target = path_target.of(params)
    # then it names the organization or customer of the parameter
    assert target == expected


# --- within ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "permission", "expected"),
    [
        pytest.param(grants({P.WEBSITES_READ}), P.WEBSITES_READ, None, id="org-bound:unlimited"),
        pytest.param(
            grants({P.WEBSITES_READ}, orgs(ORG_A)) + grants({P.WEBSITES_READ}, orgs(ORG_B, ORG_C)),
            P.WEBSITES_READ,
            frozenset({ORG_A, ORG_B, ORG_C}),
            id="org-bound:union-of-limited",
        ),
        pytest.param(
            grants({P.WEBSITES_READ}, orgs(ORG_A)) + grants({P.WEBSITES_READ}),
            P.WEBSITES_READ,
            None,
            id="org-bound:one-unlimited-among-limited",
        ),
        pytest.param(
            grants({P.WEBSITES_READ}, orgs(ORG_A)) + grants({P.ORGANIZATIONS_READ}),
            P.WEBSITES_READ,
            frozenset({ORG_A}),
            id="org-bound:unlimited-grant-of-another-permission",
        ),
        pytest.param(
            grants({P.WEBSITES_READ}, ASSIGNED_ONLY), P.WEBSITES_READ, None, id="org-bound:assigned-only"
        ),
        pytest.param(grants({P.CUSTOMERS_READ}), P.CUSTOMERS_READ, None, id="customer-bound:unlimited"),
        pytest.param(
            grants({P.CUSTOMERS_READ}, ASSIGNED_ONLY),
            P.CUSTOMERS_READ,
            frozenset({CUS_1, CUS_2}),
            id="customer-bound:assigned-only",
        ),
        pytest.param(
            grants({P.CUSTOMERS_READ}, ASSIGNED_ONLY) + grants({P.CUSTOMERS_READ}, orgs(ORG_A)),
            P.CUSTOMERS_READ,
            None,
            id="customer-bound:one-not-assigned-only",
        ),
        pytest.param(
            grants({P.CUSTOMERS_READ}, orgs(ORG_A)), P.CUSTOMERS_READ, None, id="customer-bound:orgs"
        ),
        pytest.param(
            grants({P.CUSTOMER_GROUPS_READ}, orgs(ORG_A)), P.CUSTOMER_GROUPS_READ, None, id="unbound:limited"
        ),
    ],
)
def test_within_names_the_records_a_list_may_show(
    held: tuple[Grant, ...], permission: Permission, expected: frozenset[str] | None
) -> None:
    # given grants of a permission and customers C1 and C2 assigned to the user
    staff = access(held, assigned={CUS_1, CUS_2})
    # when the list filter of the permission is asked for
    scope = staff.within(permission)
    # then it names the organizations or customers admitted (None: every one)
    assert scope == expected


# --- needs_assigned_customers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        pytest.param((), False, id="no-grants"),
        pytest.param(grants({P.CUSTOMERS_READ}), False, id="unlimited"),
        pytest.param(grants({P.CUSTOMERS_READ}, orgs(ORG_A)), False, id="organizations"),
        pytest.param(grants({P.CATALOG_READ}, ASSIGNED_ONLY), True, id="assigned-only"),
        pytest.param(
            grants({P.CUSTOMERS_READ}) + grants({P.PRICES_READ}, ASSIGNED_ONLY), True, id="one-assigned-only"
        ),
    ],
)
def test_assigned_customers_are_needed_once_a_grant_is_limited_to_them(
    held: tuple[Grant, ...], expected: bool
) -> None:
    # given a staff user's grants
    staff = access(held)
    # when asked whether their assigned customers must be loaded
    needed = staff.needs_assigned_customers
    # then they are exactly when some grant is limited to assigned customers
    assert needed is expected


# --- Reach.covers and escalations -----------------------------------------------------------------

COVERS_REACHES = {
    "unlimited": UNLIMITED,
    "orgs-A": orgs(ORG_A),
    "orgs-AB": orgs(ORG_A, ORG_B),
    "orgs-AC": orgs(ORG_A, ORG_C),
    "assigned": ASSIGNED_ONLY,
}

# Whether the granter's reach (one grant) covers the reach of an assignment it hands out
# ("assigned" is relative to its holder: only an unlimited grant covers another holder's list).
#
#     granter      other         tenant  none   organization customer
COVERS: list[tuple[str, str, tuple[bool, bool, bool, bool]]] = [
    ("unlimited", "unlimited",   (True,  True,  True,        True)),
    ("unlimited", "orgs-A",      (True,  True,  True,        True)),
    ("unlimited", "orgs-AB",     (True,  True,  True,        True)),
    ("unlimited", "orgs-AC",     (True,  True,  True,        True)),
    ("unlimited", "assigned",    (True,  True,  True,        True)),
    ("orgs-AB",   "unlimited",   (False, True,  False,       True)),
    ("orgs-AB",   "orgs-A",      (False, True,  True,        True)),
    ("orgs-AB",   "orgs-AB",     (False, True,  True,        True)),
    ("orgs-AB",   "orgs-AC",     (False, True,  False,       True)),
    ("orgs-AB",   "assigned",    (False, True,  False,       True)),
    ("assigned",  "unlimited",   (False, True,  True,        False)),
    ("assigned",  "orgs-A",      (False, True,  True,        False)),
    ("assigned",  "orgs-AB",     (False, True,  True,        False)),
    ("assigned",  "orgs-AC",     (False, True,  True,        False)),
    ("assigned",  "assigned",    (False, True,  True,        False)),
]  # fmt: skip
BOUNDS = (Bound.TENANT, Bound.NONE, Bound.ORGANIZATION, Bound.CUSTOMER)


@pytest.mark.parametrize(
    ("granter", "other", "bound", "expected"),
    [
        pytest.param(granter, other, bound, expected, id=f"{granter}-covers-{other}:{bound.value}")
        for granter, other, row in COVERS
        for bound, expected in zip(BOUNDS, row, strict=True)
    ],
)
def test_reach_covers(granter: str, other: str, bound: Bound, expected: bool) -> None:
    # given the reach of a granter's grant and the reach of an assignment
    held = COVERS_REACHES[granter]
    # when asked whether the first includes the second for records of some bound
    covered = held.covers(COVERS_REACHES[other], bound)
    # then the answer is the table's
    assert covered is expected


ORGANIZATION_ADMINISTRATION = [
    "catalog.read",
    "catalog.write",
    "content.read",
    "content.write",
    "orders.read",
    "orders.write",
    "organizations.read",
    "organizations.write",
    "prices.read",
    "prices.write",
    "websites.read",
    "websites.write",
]
"""The organization administrator's organization-bound permissions (all but tenant.read), sorted."""


@pytest.mark.parametrize(
    ("granter", "role_id", "reach", "expected"),
    [
        pytest.param(UNLIMITED, "tenant-administrator", UNLIMITED, [], id="unlimited-gives-tenant-admin"),
        pytest.param(
            UNLIMITED, "organization-administrator", orgs(ORG_A), [], id="unlimited-gives-org-admin"
        ),
        pytest.param(UNLIMITED, "sales-representative", ASSIGNED_ONLY, [], id="unlimited-gives-sales-rep"),
        pytest.param(
            orgs(ORG_A, ORG_B),
            "organization-administrator",
            orgs(ORG_B),
            [],
            id="orgs-AB-gives-org-admin-for-B",
        ),
        pytest.param(
            orgs(ORG_A, ORG_B),
            "organization-administrator",
            orgs(ORG_A, ORG_C),
            ORGANIZATION_ADMINISTRATION,
            id="orgs-AB-gives-org-admin-for-AC",
        ),
        pytest.param(
            orgs(ORG_A, ORG_B),
            "organization-administrator",
            UNLIMITED,
            ORGANIZATION_ADMINISTRATION,
            id="orgs-AB-gives-org-admin-unlimited",
        ),
        pytest.param(
            ASSIGNED_ONLY,
            "sales-representative",
            ASSIGNED_ONLY,
            ["customers.read", "customers.write", "orders.place_on_behalf"],
            id="assigned-cannot-give-sales-rep-assigned",
        ),
        pytest.param(
            ASSIGNED_ONLY,
            "sales-representative",
            UNLIMITED,
            ["customers.read", "customers.write", "orders.place_on_behalf"],
            id="assigned-gives-sales-rep-unlimited",
        ),
        pytest.param(
            ASSIGNED_ONLY,
            "sales-representative",
            orgs(ORG_A),
            ["customers.read", "customers.write", "orders.place_on_behalf"],
            id="assigned-gives-sales-rep-for-orgs",
        ),
    ],
)
def test_escalations_of_a_role_held_with_a_reach(
    granter: Reach, role_id: str, reach: Reach, expected: list[str]
) -> None:
    # given a granter holding a predefined role with some reach
    role = PREDEFINED_STAFF_ROLES[role_id]
    staff = access(grants(role.permissions, granter), assigned={CUS_1})
    # when they hand the same role out with another reach
    missing = escalations(staff, role.permissions, reach)
    # then exactly the permissions they do not hold that far are listed, sorted
    assert missing == expected


@pytest.mark.parametrize(
    "reach", [UNLIMITED, orgs(ORG_A), ASSIGNED_ONLY], ids=["unlimited", "orgs-A", "assigned"]
)
@pytest.mark.parametrize("held_reach", LIMITED_REACHES)
def test_a_tenant_wide_permission_is_handed_out_only_from_an_unlimited_grant(
    held_reach: Reach, reach: Reach
) -> None:
    # given a granter holding tenant-wide permissions through a limited grant only
    staff = access(grants({P.AUDIT_READ, P.TENANT_WRITE}, held_reach))
    # when they hand them out, with whatever reach
    missing = escalations(staff, [P.TENANT_WRITE, P.AUDIT_READ], reach)
    # then both are escalations
    assert missing == ["audit.read", "tenant.write"]


def test_missing_permissions_are_listed_once_sorted_by_value() -> None:
    # given a granter holding the catalog manager's permissions
    staff = access(grants(PREDEFINED_STAFF_ROLES["catalog-manager"].permissions))
    # when they hand out permissions they lack, unsorted and repeated, with one they hold
    missing = escalations(
        staff, [P.WEBSITES_WRITE, P.AUDIT_READ, P.CATALOG_WRITE, P.CUSTOMERS_WRITE, P.AUDIT_READ], UNLIMITED
    )
    # then the missing ones are listed once each, sorted by value
    assert missing == ["audit.read", "customers.write", "websites.write"]


def test_a_tenant_administrator_escalates_nothing() -> None:
    # given an unlimited tenant administrator
    staff = staff_access(ME, [assignment(TENANT_ADMINISTRATOR.id)], PREDEFINED_STAFF_ROLES)
    # when they hand out every grantable permission without limits
    missing = escalations(staff, set(Permission) - NOT_GRANTABLE, UNLIMITED)
    # then nothing is an escalation
    assert missing == []


def test_the_platform_permission_is_an_escalation_for_a_tenant_administrator() -> None:
    # given an unlimited tenant administrator
    staff = staff_access(ME, [assignment(TENANT_ADMINISTRATOR.id)], PREDEFINED_STAFF_ROLES)
    # when they hand out platform.tenants.manage
    missing = escalations(staff, [P.PLATFORM_TENANTS], UNLIMITED)
    # then it is refused as not held
    assert missing == ["platform.tenants.manage"]


# --- limit_problem and staff_access ---------------------------------------------------------------

NEEDS_ORGANIZATIONS = "Organization Administrator is limited to chosen organizations: give organization_ids"
NEEDS_ASSIGNED = "Sales Representative is limited to assigned customers: set assigned_customers_only"
LIMITS: dict[str, dict[str, Any]] = {
    "plain": {},
    "orgs": {"organization_ids": [ORG_A]},
    "assigned": {"assigned_customers_only": True},
    "both": {"organization_ids": [ORG_A], "assigned_customers_only": True},
}


@pytest.mark.parametrize(
    ("role_id", "limit", "expected"),
    [
        pytest.param(
            "organization-administrator", "plain", NEEDS_ORGANIZATIONS, id="org-admin-without-limit"
        ),
        pytest.param(
            "organization-administrator", "assigned", NEEDS_ORGANIZATIONS, id="org-admin-wrong-limit"
        ),
        pytest.param("organization-administrator", "orgs", None, id="org-admin-with-limit"),
        pytest.param("organization-administrator", "both", None, id="org-admin-with-both"),
        pytest.param("sales-representative", "plain", NEEDS_ASSIGNED, id="sales-rep-without-limit"),
        pytest.param("sales-representative", "orgs", NEEDS_ASSIGNED, id="sales-rep-wrong-limit"),
        pytest.param("sales-representative", "assigned", None, id="sales-rep-with-limit"),
        pytest.param("sales-representative", "both", None, id="sales-rep-with-both"),
        *(
            pytest.param(role_id, limit, None, id=f"{role_id}-{limit}")
            for role_id in ("tenant-administrator", "catalog-manager", "pricing-manager", "content-editor")
            for limit in ("plain", "orgs", "assigned")
        ),
    ],
)
def test_limit_problem(role_id: str, limit: str, expected: str | None) -> None:
    # given a predefined role and an assignment with or without a limit
    role = PREDEFINED_STAFF_ROLES[role_id]
    fields = assignment(role_id, **LIMITS[limit])
    # when the assignment is checked against the role's limit
    problem = limit_problem(role, fields)
    # then a role with a limit must be given that limit; other roles take any
    assert problem == expected


def test_staff_access_grants_each_permission_of_a_role_with_the_assignment_reach() -> None:
    # given a content editor limited to organizations A and B
    fields = assignment("content-editor", organization_ids=[ORG_B, ORG_A])
    # when their access is built
    staff = staff_access(ME, [fields], PREDEFINED_STAFF_ROLES, frozenset({CUS_1}))
    # then every permission of the role is granted with that reach, and the assigned customers are kept
    assert set(staff.grants) == {
        Grant(permission, orgs(ORG_A, ORG_B)) for permission in ROLE_PERMISSIONS["content-editor"]
    }
    assert staff.staff_id == ME
    assert staff.assigned_customers == frozenset({CUS_1})


def test_staff_access_ignores_an_assignment_naming_an_unknown_role() -> None:
    # given an assignment of a role that is gone and one of the catalog manager
    assignments = [assignment(ulid_id("srl", "DEAD")), assignment("catalog-manager")]
    # when the access is built
    staff = staff_access(ME, assignments, PREDEFINED_STAFF_ROLES)
    # then only the catalog manager's permissions are granted
    assert {grant.permission for grant in staff.grants} == ROLE_PERMISSIONS["catalog-manager"]


def test_staff_access_of_a_custom_role() -> None:
    # given a tenant's own role beside the predefined ones
    custom = StaffRole(ulid_id("srl", "1"), "Auditor", frozenset({P.AUDIT_READ}), predefined=False)
    roles = {**PREDEFINED_STAFF_ROLES, custom.id: custom}
    # when a user holding it has their access built
    staff = staff_access(ME, [assignment(custom.id)], roles)
    # then they hold the custom role's permission
    assert staff.grants == (Grant(P.AUDIT_READ, UNLIMITED),)


# --- StaffAssignmentFields ------------------------------------------------------------------------


def parse_assignment(body: dict[str, Any]) -> StaffAssignmentFields:
    """Parse as the API does: a JSON body through ``model_validate_json``."""
    return StaffAssignmentFields.model_validate_json(json.dumps(body))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"role_id": "catalog-manager"}, UNLIMITED, id="no-limit"),
        pytest.param(
            {"role_id": "organization-administrator", "organization_ids": [ORG_B, ORG_A]},
            orgs(ORG_A, ORG_B),
            id="organizations",
        ),
        pytest.param(
            {"role_id": "sales-representative", "assigned_customers_only": True}, ASSIGNED_ONLY, id="assigned"
        ),
        pytest.param(
            {"role_id": ulid_id("srl", "1"), "organization_ids": None}, UNLIMITED, id="custom-role-null-orgs"
        ),
        pytest.param(
            {
                "role_id": "organization-administrator",
                "organization_ids": [
                    ulid_id("org", f"{n:02}") for n in range(MAX_ORGANIZATIONS_PER_ASSIGNMENT)
                ],
            },
            orgs(*(ulid_id("org", f"{n:02}") for n in range(MAX_ORGANIZATIONS_PER_ASSIGNMENT))),
            id="as-many-organizations-as-allowed",
        ),
    ],
)
def test_an_assignment_is_accepted_and_gives_its_reach(body: dict[str, Any], expected: Reach) -> None:
    # given a well-formed assignment body
    # when it is parsed
    fields = parse_assignment(body)
    # then its reach is the one it describes
    assert fields.reach == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"role_id": "organization-administrator", "organization_ids": [ORG_A, ORG_B, ORG_A]},
            "organization_ids must not repeat a value",
            id="repeated-organization",
        ),
        pytest.param(
            {"role_id": "organization-administrator", "organization_ids": []},
            "at least 1 item",
            id="empty-organization-list",
        ),
        pytest.param(
            {
                "role_id": "organization-administrator",
                "organization_ids": [
                    ulid_id("org", f"{n:02}") for n in range(MAX_ORGANIZATIONS_PER_ASSIGNMENT + 1)
                ],
            },
            "at most 50 items",
            id="too-many-organizations",
        ),
        pytest.param({"role_id": "catalog-manager", "extra": 1}, "Extra inputs", id="unknown-field"),
        pytest.param({"organization_ids": [ORG_A]}, "Field required", id="no-role"),
        pytest.param(
            {"role_id": "catalog-manager", "assigned_customers_only": "yes"},
            "valid boolean",
            id="flag-not-a-boolean",
        ),
    ],
)
def test_a_malformed_assignment_is_refused(body: dict[str, Any], message: str) -> None:
    # given a malformed assignment body
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_assignment(body)
    # then it is refused, saying why
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "organization_id",
    [
        pytest.param("org_123", id="too-short"),
        pytest.param(ulid_id("org", "A").lower(), id="lower-case"),
        pytest.param(ulid_id("cus", "A"), id="customer-id"),
        pytest.param(ulid_id("org", "I"), id="letter-I-not-in-crockford"),
        pytest.param(ulid_id("org", "U"), id="letter-U-not-in-crockford"),
        pytest.param(ulid_id("org", "A") + "0", id="too-long"),
        pytest.param("*", id="any"),
    ],
)
def test_an_organization_id_of_the_wrong_shape_is_refused(organization_id: str) -> None:
    # given an assignment naming an organization id of the wrong shape
    body = {"role_id": "organization-administrator", "organization_ids": [ORG_A, organization_id]}
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_assignment(body)
    # then the id is refused for its pattern
    assert [(error["loc"], error["type"]) for error in refused.value.errors()] == [
        (("organization_ids", 1), "string_pattern_mismatch")
    ]


@pytest.mark.parametrize(
    "role_id",
    [
        pytest.param("ab", id="too-short"),
        pytest.param("Catalog-Manager", id="upper-case"),
        pytest.param("catalog_manager", id="underscore"),
        pytest.param("-catalog", id="leading-dash"),
        pytest.param("srl_123", id="short-custom-id"),
        pytest.param("r" * 41, id="too-long"),
    ],
)
def test_a_role_id_of_the_wrong_shape_is_refused(role_id: str) -> None:
    # given an assignment naming a role id of the wrong shape
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_assignment({"role_id": role_id})
    # then the role id is refused for its pattern
    assert [(error["loc"], error["type"]) for error in refused.value.errors()] == [
        (("role_id",), "string_pattern_mismatch")
    ]


# --- StaffRoleFields ------------------------------------------------------------------------------


def parse_role(body: dict[str, Any]) -> StaffRoleFields:
    """Parse as the API does: a JSON body through ``model_validate_json``."""
    return StaffRoleFields.model_validate_json(json.dumps(body))


def test_a_custom_role_is_accepted_with_its_permissions() -> None:
    # given a well-formed role body
    body = {"name": "Auditor", "permissions": ["audit.read", "tenant.read"]}
    # when it is parsed
    fields = parse_role(body)
    # then the permissions are the enum's, in the order given
    assert fields.permissions == [P.AUDIT_READ, P.TENANT_READ]
    assert fields.description == ""


@pytest.mark.parametrize(
    ("permissions", "message"),
    [
        pytest.param(["catalog.read", "catalog.read"], "permissions must not repeat a value", id="repeated"),
        pytest.param(["public"], "no staff role carries public", id="public"),
        pytest.param(["staff.self"], "no staff role carries staff.self", id="staff-self"),
        pytest.param(["customer.self"], "no staff role carries customer.self", id="customer-self"),
        pytest.param(
            ["platform.tenants.manage"],
            "no staff role carries platform.tenants.manage",
            id="platform-tenants",
        ),
        pytest.param(
            ["staff.self", "catalog.read", "platform.tenants.manage"],
            "no staff role carries platform.tenants.manage, staff.self",
            id="several-ungrantable-sorted",
        ),
        pytest.param([], "at least 1 item", id="empty"),
    ],
)
def test_a_role_with_unacceptable_permissions_is_refused(permissions: list[str], message: str) -> None:
    # given a role body with repeated, ungrantable or no permissions
    body = {"name": "Mixed", "permissions": permissions}
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_role(body)
    # then it is refused, saying why
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "permission",
    [
        pytest.param("invoices.write", id="unknown"),
        pytest.param("CATALOG_READ", id="enum-member-name"),
        pytest.param("Catalog.Read", id="wrong-case"),
        pytest.param("units.view", id="customer-permission"),
    ],
)
def test_a_role_naming_an_unknown_permission_is_refused(permission: str) -> None:
    # given a role body naming something that is not a staff permission
    body = {"name": "Odd", "permissions": ["catalog.read", permission]}
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_role(body)
    # then that permission is refused as not one of the enum's values
    assert [(error["loc"], error["type"]) for error in refused.value.errors()] == [
        (("permissions", 1), "enum")
    ]


def test_a_custom_role_cannot_set_a_limit() -> None:
    # given a role body that tries to carry a limit
    body = {"name": "Limited", "permissions": ["catalog.read"], "limit": "organizations"}
    # when it is parsed
    with pytest.raises(ValidationError) as refused:
        parse_role(body)
    # then the field is refused
    assert [(error["loc"], error["type"]) for error in refused.value.errors()] == [
        (("limit",), "extra_forbidden")
    ]


# --- grant_views ----------------------------------------------------------------------------------


def test_grant_views_are_sorted_and_de_duplicated() -> None:
    # given a role held twice without limits and once for organizations B and A
    role = StaffRole("viewer", "Viewer", frozenset({P.WEBSITES_READ, P.CATALOG_READ}), predefined=False)
    assignments = [
        assignment(role.id, organization_ids=[ORG_B, ORG_A]),
        assignment(role.id),
        assignment(role.id),
    ]
    staff = staff_access(ME, assignments, {role.id: role})
    # when the grants are shown
    views = grant_views(staff)
    # then each grant appears once, by permission, organizations sorted
    assert views == [
        StaffGrantView(permission="catalog.read", organization_ids=None, assigned_customers_only=False),
        StaffGrantView(
            permission="catalog.read", organization_ids=[ORG_A, ORG_B], assigned_customers_only=False
        ),
        StaffGrantView(permission="websites.read", organization_ids=None, assigned_customers_only=False),
        StaffGrantView(
            permission="websites.read", organization_ids=[ORG_A, ORG_B], assigned_customers_only=False
        ),
    ]


def test_grant_views_show_an_assigned_only_grant() -> None:
    # given a sales representative
    staff = staff_access(
        ME, [assignment("sales-representative", assigned_customers_only=True)], PREDEFINED_STAFF_ROLES
    )
    # when the grants are shown
    views = grant_views(staff)
    # then every permission of the role is shown once, sorted, limited to assigned customers
    assert [(view.permission, view.organization_ids, view.assigned_customers_only) for view in views] == [
        (permission, None, True)
        for permission in sorted(p.value for p in ROLE_PERMISSIONS["sales-representative"])
    ]
