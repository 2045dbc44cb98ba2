"""Staff users, staff roles and the one decision for every staff request.

A staff user holds roles through assignments. An assignment may be limited to some organizations
(their websites, catalogs, prices and content) or to the customers the user is a sales representative
of; each permission says which limit applies to its records (``permissions.Bound``), so a grant
limited to organizations reads every customer group but only its organizations' websites, and only a
grant without limits holds a tenant-wide permission (audit, staff, tenant settings).
:meth:`StaffAccess.decide` answers allow, forbidden (403: visible, not allowed) or hidden (404), and
:func:`escalations` keeps anyone from handing out a permission or a reach they do not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from chalicelib.domain.access import Decision
from chalicelib.domain.base import Email, Input, Name, SignInBinding, Stamped, View, patch_model
from chalicelib.domain.permissions import NOT_GRANTABLE, READ_OF, Bound, Permission, bound_of

ANY = "*"
"""A target naming every organization or every customer: creating one, or listing them all."""

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
StaffUserId = Annotated[str, StringConstraints(pattern=rf"^stf_{_ULID}$")]
StaffRoleId = Annotated[str, StringConstraints(pattern=rf"^([a-z][a-z-]{{2,39}}|srl_{_ULID})$")]
OrganizationId = Annotated[str, StringConstraints(pattern=rf"^org_{_ULID}$")]
StaffStatus = Literal["active", "disabled"]
RoleLimit = Literal["organizations", "assigned_customers"]
MAX_STAFF_ASSIGNMENTS = 20
MAX_ORGANIZATIONS_PER_ASSIGNMENT = 50
MAX_CUSTOM_STAFF_ROLES = 100


@dataclass(frozen=True)
class Reach:
    """How far one assignment reaches: some organizations (None: all), and all or only assigned customers."""

    organizations: frozenset[str] | None = None
    assigned_customers_only: bool = False

    @property
    def unlimited(self) -> bool:
        return self.organizations is None and not self.assigned_customers_only

    def covers(self, other: Reach, bound: Bound) -> bool:
        """Whether this reach includes ``other`` for records of a permission with ``bound``."""
        if bound is Bound.TENANT:
            return self.unlimited
        if bound is Bound.ORGANIZATION:
            return self.organizations is None or (
                other.organizations is not None and other.organizations <= self.organizations
            )
        if bound is Bound.CUSTOMER:
            # "Assigned" is relative to the holder: only an unlimited grant covers someone else's list.
            return not self.assigned_customers_only
        return True


@dataclass(frozen=True)
class StaffTarget:
    """The record a staff request is about: its organization and customer (None: not bound to one)."""

    organization_id: str | None = None
    customer_id: str | None = None


TENANT = StaffTarget(organization_id=ANY, customer_id=ANY)
NEW_ORGANIZATION = StaffTarget(organization_id=ANY)
NEW_CUSTOMER = StaffTarget(customer_id=ANY)


@dataclass(frozen=True)
class PathTarget:
    """A route whose record belongs to the organization or customer named by a path parameter."""

    param: str
    noun: str
    dimension: Literal["organization", "customer"]

    def of(self, params: Mapping[str, str]) -> StaffTarget:
        value = params[self.param]
        if self.dimension == "organization":
            return StaffTarget(organization_id=value)
        return StaffTarget(customer_id=value)


BY_ORGANIZATION = PathTarget("organization_id", "organization", "organization")
BY_CUSTOMER = PathTarget("customer_id", "customer", "customer")


@dataclass(frozen=True)
class StaffRole:
    """A named set of permissions; a predefined role with a ``limit`` must be assigned with that limit."""

    id: str
    name: str
    permissions: frozenset[Permission]
    description: str = ""
    limit: RoleLimit | None = None
    predefined: bool = True


P = Permission
_READ_ONLY_SETUP = frozenset({P.TENANT_READ, P.ORGANIZATIONS_READ, P.WEBSITES_READ})
TENANT_ADMINISTRATOR = StaffRole(
    "tenant-administrator",
    "Tenant Administrator",
    frozenset(Permission) - NOT_GRANTABLE,
    "everything in the tenant, its staff and roles included",
)
ORGANIZATION_ADMINISTRATOR = StaffRole(
    "organization-administrator",
    "Organization Administrator",
    _READ_ONLY_SETUP
    | {
        P.ORGANIZATIONS_WRITE,
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
    "the chosen organizations, their websites, catalogs, prices, content and orders",
    limit="organizations",
)
SALES_REPRESENTATIVE = StaffRole(
    "sales-representative",
    "Sales Representative",
    frozenset(
        {
            P.TENANT_READ,
            P.CUSTOMERS_READ,
            P.CUSTOMERS_WRITE,
            P.CUSTOMER_GROUPS_READ,
            P.CATALOG_READ,
            P.PRICES_READ,
            P.ORDERS_READ,
            P.ORDERS_WRITE,
            P.ORDERS_PLACE_ON_BEHALF,
        }
    ),
    "the customers whose units name them as sales representative: their units, users, addresses and "
    "orders, and orders placed on their buyers' behalf",
    limit="assigned_customers",
)
CATALOG_MANAGER = StaffRole(
    "catalog-manager",
    "Catalog Manager",
    _READ_ONLY_SETUP | {P.CATALOG_READ, P.CATALOG_WRITE},
    "products, categories and catalogs",
)
PRICING_MANAGER = StaffRole(
    "pricing-manager",
    "Pricing Manager",
    _READ_ONLY_SETUP
    | {
        P.PRICES_READ,
        P.PRICES_WRITE,
        P.CATALOG_READ,
        P.CUSTOMERS_READ,
        P.CUSTOMER_GROUPS_READ,
        P.CUSTOMER_GROUPS_WRITE,
        P.TAXES_READ,
        P.TAXES_WRITE,
    },
    "price lists, the customer groups prices are given to, and the tenant's taxes",
)
CONTENT_EDITOR = StaffRole(
    "content-editor",
    "Content Editor",
    _READ_ONLY_SETUP | {P.CONTENT_READ, P.CONTENT_WRITE, P.CATALOG_READ},
    "pages, blocks and menus of the websites",
)
PREDEFINED_STAFF_ROLES: dict[str, StaffRole] = {
    role.id: role
    for role in (
        TENANT_ADMINISTRATOR,
        ORGANIZATION_ADMINISTRATOR,
        SALES_REPRESENTATIVE,
        CATALOG_MANAGER,
        PRICING_MANAGER,
        CONTENT_EDITOR,
    )
}
PLATFORM_OPERATOR = StaffRole(
    "platform-operator", "Platform Operator", frozenset({P.PLATFORM_TENANTS}), "the platform's tenants"
)
"""Held only in the reserved ``platform`` tenant; a customer tenant's records can never grant it."""


@dataclass(frozen=True)
class Grant:
    permission: Permission
    reach: Reach


@dataclass(frozen=True)
class StaffAccess:
    """What one staff user may do: their grants and, for limited ones, the customers assigned to them."""

    staff_id: str
    grants: tuple[Grant, ...]
    assigned_customers: frozenset[str] = frozenset()

    def reaches(self, permission: Permission) -> Iterable[Reach]:
        return (grant.reach for grant in self.grants if grant.permission is permission)

    def holds(self, permission: Permission) -> bool:
        """Whether some grant gives ``permission`` (a tenant-wide one only without limits)."""
        bound = bound_of(permission)
        return any(bound is not Bound.TENANT or reach.unlimited for reach in self.reaches(permission))

    def admits(self, permission: Permission, target: StaffTarget) -> bool:
        bound = bound_of(permission)
        return any(self._admitted(reach, bound, target) for reach in self.reaches(permission))

    def _admitted(self, reach: Reach, bound: Bound, target: StaffTarget) -> bool:
        if bound is Bound.TENANT:
            return reach.unlimited
        if bound is Bound.ORGANIZATION:
            in_organization = reach.organizations is None or (
                target.organization_id != ANY and target.organization_id in reach.organizations
            )
            # An organization's record about one customer (a unit's catalog rule, say): a grant limited
            # to assigned customers reaches it only for theirs.
            about_customer = target.organization_id not in (None, ANY) and target.customer_id not in (
                None,
                ANY,
            )
            return in_organization and not (
                about_customer
                and reach.assigned_customers_only
                and target.customer_id not in self.assigned_customers
            )
        if bound is Bound.CUSTOMER:
            return not reach.assigned_customers_only or (
                target.customer_id != ANY and target.customer_id in self.assigned_customers
            )
        return True

    def decide(self, permission: Permission, target: StaffTarget) -> Decision:
        """Allowed; or forbidden (403) when the record is visible to the caller; else hidden (404)."""
        if self.admits(permission, target):
            return Decision.ALLOW
        read = READ_OF.get(permission)
        if read is not None and self.admits(read, target):
            return Decision.FORBIDDEN
        return Decision.HIDDEN

    def within(self, permission: Permission) -> frozenset[str] | None:
        """The organizations or customers (by the permission's bound) whose records it admits; None: all."""
        reaches = list(self.reaches(permission))
        bound = bound_of(permission)
        if bound is Bound.ORGANIZATION:
            return _organizations_of(reaches)
        if bound is Bound.CUSTOMER and all(reach.assigned_customers_only for reach in reaches):
            return self.assigned_customers
        return None

    @property
    def needs_assigned_customers(self) -> bool:
        return any(grant.reach.assigned_customers_only for grant in self.grants)


# --- staff users and roles as the API takes and gives them ------------------------------------------


class StaffAssignmentFields(Input):
    """A role held by a staff user, tenant-wide unless limited to organizations or assigned customers."""

    role_id: StaffRoleId
    organization_ids: list[OrganizationId] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ORGANIZATIONS_PER_ASSIGNMENT,
        description="only these organizations and their websites (null: every organization)",
    )
    assigned_customers_only: bool = Field(
        default=False, description="only customers whose units name this user as sales representative"
    )

    @model_validator(mode="after")
    def _distinct_organizations(self) -> StaffAssignmentFields:
        if self.organization_ids is not None and len(set(self.organization_ids)) != len(
            self.organization_ids
        ):
            raise ValueError("organization_ids must not repeat a value")
        return self

    @property
    def reach(self) -> Reach:
        organizations = None if self.organization_ids is None else frozenset(self.organization_ids)
        return Reach(organizations, self.assigned_customers_only)


class StaffUserChanges(Input):
    """What may change about a staff user (the email is their sign-in identity: it stays)."""

    name: Name
    status: StaffStatus = Field(default="active", description="a disabled user is refused at once")
    assignments: list[StaffAssignmentFields] = Field(default_factory=list, max_length=MAX_STAFF_ASSIGNMENTS)


class StaffUserFields(StaffUserChanges):
    email: Email


StaffUserPatch = patch_model(StaffUserChanges, "StaffUserPatch")


class StaffUser(StaffUserFields, Stamped):
    binding: SignInBinding | None = Field(
        default=None, description="the sign-in this user is bound to (none until their first sign-in)"
    )


class StaffRoleFields(Input):
    """A tenant's own staff role: a name and the permissions it carries."""

    name: Name
    description: Annotated[str, StringConstraints(max_length=500)] = ""
    permissions: list[Permission] = Field(min_length=1, max_length=len(Permission))

    @model_validator(mode="after")
    def _grantable_once(self) -> StaffRoleFields:
        if len(set(self.permissions)) != len(self.permissions):
            raise ValueError("permissions must not repeat a value")
        if refused := sorted(set(self.permissions) & NOT_GRANTABLE):
            raise ValueError(f"no staff role carries {', '.join(refused)}")
        return self


StaffRolePatch = patch_model(StaffRoleFields, "StaffRolePatch")


class StaffRoleCopy(Input):
    """The name of the new role a copy becomes."""

    name: Name


class CustomStaffRole(StaffRoleFields, Stamped):
    def as_role(self) -> StaffRole:
        return StaffRole(self.id, self.name, frozenset(self.permissions), self.description, predefined=False)


class StaffRoleView(View):
    """A staff role: predefined (copyable, not editable) or the tenant's own (with its version)."""

    id: str
    name: str
    description: str
    permissions: list[str]
    predefined: bool
    limit: RoleLimit | None = Field(description="the limit every assignment of this role must carry")
    version: int | None = None


class StaffGrantView(View):
    permission: str
    organization_ids: list[str] | None
    assigned_customers_only: bool


class StaffMe(View):
    """The signed-in staff user and every grant they hold, so an admin console can shape its screens."""

    user: StaffUser
    grants: list[StaffGrantView]
    assigned_customer_ids: list[str]


def role_view(role: StaffRole, version: int | None = None) -> StaffRoleView:
    return StaffRoleView(
        id=role.id,
        name=role.name,
        description=role.description,
        permissions=sorted(role.permissions),
        predefined=role.predefined,
        limit=role.limit,
        version=version,
    )


@dataclass(frozen=True)
class RoleCatalog:
    """A tenant's own roles as stored together (``version`` None: none were ever created), and the
    predefined ones beside them (in the reserved platform tenant, the operator role too)."""

    version: int | None = None
    custom: Mapping[str, CustomStaffRole] = field(default_factory=dict)
    platform: bool = False

    @classmethod
    def of(cls, version: int | None, stored: Mapping[str, object], *, platform: bool) -> RoleCatalog:
        custom = {
            role_id: CustomStaffRole.model_validate(role, strict=False)
            for role_id, role in dict(stored).items()
        }
        return cls(version, custom, platform)

    @property
    def roles(self) -> dict[str, StaffRole]:
        """Every role a user of the tenant may hold: the predefined ones, then the tenant's own."""
        predefined = dict(PREDEFINED_STAFF_ROLES)
        if self.platform:
            predefined[PLATFORM_OPERATOR.id] = PLATFORM_OPERATOR
        return predefined | {role_id: role.as_role() for role_id, role in self.custom.items()}

    def view(self, role: StaffRole) -> StaffRoleView:
        custom = self.custom.get(role.id)
        return role_view(role, None if custom is None else custom.version)


@dataclass(frozen=True)
class StaffSession:
    """A signed-in staff user: their account, what they may do, and the tenant's roles as read with
    them (staff requests answer and write from these instead of reading them again)."""

    user: StaffUser
    access: StaffAccess
    roles: RoleCatalog


def staff_access(
    staff_id: str,
    assignments: Iterable[StaffAssignmentFields],
    roles: Mapping[str, StaffRole],
    assigned_customers: frozenset[str] = frozenset(),
) -> StaffAccess:
    """The grants of a user's assignments; an assignment naming a role that is gone grants nothing."""
    grants = tuple(
        Grant(permission, assignment.reach)
        for assignment in assignments
        if (role := roles.get(assignment.role_id)) is not None
        for permission in sorted(role.permissions)
    )
    return StaffAccess(staff_id, grants, assigned_customers)


def _grant_order(grant: Grant) -> tuple[str, tuple[str, ...], bool]:
    organizations = grant.reach.organizations
    return (
        grant.permission.value,
        tuple(sorted(organizations)) if organizations is not None else (),
        grant.reach.assigned_customers_only,
    )


def grant_views(access: StaffAccess) -> list[StaffGrantView]:
    return [
        StaffGrantView(
            permission=grant.permission.value,
            organization_ids=None if grant.reach.organizations is None else sorted(grant.reach.organizations),
            assigned_customers_only=grant.reach.assigned_customers_only,
        )
        for grant in sorted(set(access.grants), key=_grant_order)
    ]


def limit_problem(role: StaffRole, assignment: StaffAssignmentFields) -> str | None:
    """Why ``assignment`` cannot carry ``role`` (a role's limit must be set), or None."""
    if role.limit == "organizations" and assignment.organization_ids is None:
        return f"{role.name} is limited to chosen organizations: give organization_ids"
    if role.limit == "assigned_customers" and not assignment.assigned_customers_only:
        return f"{role.name} is limited to assigned customers: set assigned_customers_only"
    return None


def escalations(access: StaffAccess, permissions: Iterable[Permission], reach: Reach) -> list[str]:
    """The permissions the granter does not hold as far as ``reach`` (empty: nothing is escalated).

    A permission held through several assignments reaches as far as all of them together: the union
    of their organizations, every customer if one of them is not limited to assigned ones; only a
    tenant-wide permission needs one grant without limits.
    """
    return sorted(
        permission.value for permission in set(permissions) if not _held_as_far(access, permission, reach)
    )


def _organizations_of(reaches: list[Reach]) -> frozenset[str] | None:
    """The organizations several reaches cover together (None: every one)."""
    if any(reach.organizations is None for reach in reaches):
        return None
    return frozenset().union(*(reach.organizations or frozenset() for reach in reaches))


def _held_as_far(access: StaffAccess, permission: Permission, reach: Reach) -> bool:
    held = list(access.reaches(permission))
    if not held:
        return False
    bound = bound_of(permission)
    if bound is Bound.TENANT:
        return any(granted.unlimited for granted in held)
    together = Reach(_organizations_of(held), all(granted.assigned_customers_only for granted in held))
    return together.covers(reach, bound)
