"""Customer users: the people of a customer company, their sign-in binding and their role assignments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field, computed_field, field_validator

from chalicelib.domain.access import (
    PREDEFINED_ROLES,
    Assignment,
    CompanyTree,
    CustomerAccess,
    CustomerPermission,
    Role,
    Scope,
)
from chalicelib.domain.base import Email, Input, Name, SignInBinding, Stamped, View, patch_model
from chalicelib.domain.catalog.visibility import CompanyRules
from chalicelib.domain.customers import Unit
from chalicelib.domain.pricing.price_lists import PriceListAssignment

UserStatus = Literal["invited", "active", "disabled"]
MAX_ASSIGNMENTS = 20
ID_PATTERN = r"^[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$"
ROLE_ID_PATTERN = r"^([a-z-]{3,40}|rol_[0-9A-HJKMNP-TV-Z]{26})$"


class AssignmentFields(Input):
    """A role held at a unit of the user's company; ``include_subunits`` extends it to the units below."""

    role_id: str = Field(pattern=ROLE_ID_PATTERN)
    unit_id: str = Field(pattern=ID_PATTERN)
    include_subunits: bool = False

    def as_assignment(self) -> Assignment:
        return Assignment(self.role_id, self.unit_id, self.include_subunits)


class CustomerUserChanges(Input):
    """What an administrator may change about a user (the email is the sign-in identity: it stays)."""

    name: Name
    unit_id: str = Field(pattern=ID_PATTERN, description="The user's home unit.")
    assignments: list[AssignmentFields] = Field(default_factory=list, max_length=MAX_ASSIGNMENTS)
    disabled: bool = Field(default=False, description="A disabled user is refused at once on every request.")

    @field_validator("assignments")
    @classmethod
    def _distinct(cls, assignments: list[AssignmentFields]) -> list[AssignmentFields]:
        seen = {(a.role_id, a.unit_id) for a in assignments}
        if len(seen) != len(assignments):
            raise ValueError("a role is assigned at most once per unit")
        return assignments


class CustomerUserFields(CustomerUserChanges):
    email: Email


CustomerUserPatch = patch_model(CustomerUserChanges, "CustomerUserPatch")


class CustomerUser(CustomerUserFields, Stamped):
    customer_id: str
    binding: SignInBinding | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> UserStatus:
        """Invited until the first sign-in binds an account; disabled wins over both."""
        if self.disabled:
            return "disabled"
        return "invited" if self.binding is None else "active"


@dataclass(frozen=True)
class Company:
    """A customer's whole tree of units and its own roles, as read together (one Query), and the
    structure version the tree was read at."""

    customer_id: str
    units: dict[str, Unit]
    tree: CompanyTree
    structure_version: int
    role_records: dict[str, CustomerRole] = field(default_factory=dict)  # the company's own roles
    catalog_rules: CompanyRules = field(default_factory=CompanyRules)  # its units' rules, selections
    # its units' own price lists (``PRC#`` items), by unit id: the first levels of the pricing chain
    price_lists: Mapping[str, PriceListAssignment] = field(default_factory=dict)

    @property
    def roles(self) -> dict[str, Role]:
        """The company's own roles as access control sees them (the predefined ones are not here)."""
        return {role_id: record.as_role() for role_id, record in self.role_records.items()}

    def find(self, unit_id: str) -> Unit | None:
        return self.units.get(unit_id)

    def path(self, unit_id: str) -> list[Unit]:
        """The units from the company down to ``unit_id`` (KeyError if it is not one of them)."""
        return [self.units[above] for above in self.tree.path(unit_id)]


@dataclass(frozen=True)
class CustomerSession:
    """A signed-in customer user: their account, where they sit in their company, what they may do.

    ``company`` is the tree and roles read with the principal: storefront requests decide and answer
    from it instead of reading the company again.
    """

    user: CustomerUser
    access: CustomerAccess
    company_path: tuple[UnitSummary, ...]
    company: Company
    catalog_generation: int = 0  # the tenant's, as the principal read it: what storefront caches check
    pricing_generation: int = 0  # the tenant's, as the principal read it: what price caches check
    tax_generation: int = 0  # the tenant's, as the principal read it: what the tax rules' cache checks


class UnitSummary(View):
    id: str
    name: str
    kind: str


class EffectiveGrant(View):
    permission: str
    scope: str
    unit_id: str
    include_subunits: bool
    role_id: str


class Me(View):
    """What a storefront needs to shape its screens for the signed-in customer user."""

    user: CustomerUser
    company_path: list[UnitSummary] = Field(description="From the company down to the user's home unit.")
    permissions: list[EffectiveGrant]


def customer_access(user: CustomerUser, tree: CompanyTree, custom_roles: dict[str, Role]) -> CustomerAccess:
    """The user's access: predefined roles plus their company's custom roles, over the company tree."""
    return CustomerAccess(
        user_id=user.id,
        tree=tree,
        assignments=tuple(assignment.as_assignment() for assignment in user.assignments),
        roles={**custom_roles, **PREDEFINED_ROLES},
    )


def effective_grants(access: CustomerAccess) -> list[EffectiveGrant]:
    """Every grant the user holds, one line per (assignment, permission), strongest first per permission."""
    lines = [
        EffectiveGrant(
            permission=permission.value,
            scope=scope.label,
            unit_id=assignment.unit_id,
            include_subunits=assignment.include_subunits,
            role_id=assignment.role_id,
        )
        for assignment in access.assignments
        if (role := access.roles.get(assignment.role_id)) is not None and assignment.unit_id in access.tree
        for permission, scope in role.grants.items()
    ]
    order = {scope.label: scope for scope in Scope}
    return sorted(lines, key=lambda line: (line.permission, -order[line.scope], line.unit_id))


ScopeName = Literal["own", "unit", "subtree"]


class CustomerRoleFields(Input):
    """A company's own role: a name and the grants it carries, each with its scope."""

    name: Name
    grants: dict[CustomerPermission, ScopeName] = Field(min_length=1)


CustomerRolePatch = patch_model(CustomerRoleFields, "CustomerRolePatch")


class RoleCopyFields(Input):
    """The name of a new company role that starts with another role's grants."""

    name: Name


class CustomerRole(CustomerRoleFields, Stamped):
    customer_id: str

    def as_role(self) -> Role:
        return Role(
            self.id,
            self.name,
            {permission: Scope[scope.upper()] for permission, scope in self.grants.items()},
        )


class RoleView(View):
    """A role a company may assign: predefined (not editable) or the company's own."""

    id: str
    name: str
    predefined: bool
    grants: dict[str, str]
    version: int | None = Field(
        default=None, description="a company role's version (send it to change or delete the role)"
    )


def role_view(role: Role, version: int | None = None) -> RoleView:
    return RoleView(
        id=role.id,
        name=role.name,
        predefined=role.predefined,
        version=version,
        grants={permission.value: scope.label for permission, scope in sorted(role.grants.items())},
    )
