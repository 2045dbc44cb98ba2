"""Customer access control: the permission catalog, scopes, roles, company trees and the one decision.

A customer user holds role *assignments*, each tied to a unit of their company, optionally applying
to every unit below it. A role *grants* permissions, each with a *scope*:

- ``own``: records the user owns, in the units the assignment reaches;
- ``unit``: every record of the units the assignment reaches;
- ``subtree``: every record of the assignment's unit and everything below it.

:func:`decide` answers one question — may this principal do this to that record — from data that is
already in memory (the principal, the company tree): it does no I/O. A record the principal may not
even see is *hidden* (the API answers 404, as for a record that does not exist); one it may see but
not change is *forbidden* (403).

No escalation: :func:`escalations` lists what a grant or an assignment would give beyond what the
granting user holds themselves; anything listed refuses the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, IntEnum, StrEnum

from chalicelib.domain.trees import Forest


class Scope(IntEnum):
    """How far a grant reaches, narrowest first (a wider scope includes the narrower ones)."""

    OWN = 1
    UNIT = 2
    SUBTREE = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class CustomerPermission(StrEnum):
    """What customer users may be granted, by resource (``<resource>.<action>``)."""

    UNITS_VIEW = "units.view"
    UNITS_MANAGE = "units.manage"
    USERS_VIEW = "users.view"
    USERS_MANAGE = "users.manage"
    ROLES_VIEW = "roles.view"
    ROLES_MANAGE = "roles.manage"
    ADDRESSES_VIEW = "addresses.view"
    ADDRESSES_MANAGE = "addresses.manage"
    CATALOG_VIEW = "catalog.view"
    PRICES_VIEW = "prices.view"
    SHOPPING_LISTS_VIEW = "shopping_lists.view"
    SHOPPING_LISTS_MANAGE = "shopping_lists.manage"
    CHECKOUT = "checkout.place_order"
    ORDERS_VIEW = "orders.view"
    ORDERS_MANAGE = "orders.manage"
    INVOICES_VIEW = "invoices.view"
    TAX_INFO_VIEW = "tax_info.view"
    TAX_INFO_MANAGE = "tax_info.manage"
    RFQS_VIEW = "rfqs.view"
    RFQS_MANAGE = "rfqs.manage"
    QUOTES_VIEW = "quotes.view"
    QUOTES_ACCEPT = "quotes.accept"
    APPROVALS_DECIDE = "approvals.decide"
    BUDGETS_VIEW = "budgets.view"
    BUDGETS_MANAGE = "budgets.manage"
    REPORTS_VIEW = "reports.view"


P = CustomerPermission

# The permission whose holder may at least see a record that another permission changes: holding it
# turns a refusal into 403 (the record is known) instead of 404 (it is not).
VIEW_OF: Mapping[CustomerPermission, CustomerPermission] = {
    P.UNITS_MANAGE: P.UNITS_VIEW,
    P.USERS_MANAGE: P.USERS_VIEW,
    P.ROLES_MANAGE: P.ROLES_VIEW,
    P.ADDRESSES_MANAGE: P.ADDRESSES_VIEW,
    P.SHOPPING_LISTS_MANAGE: P.SHOPPING_LISTS_VIEW,
    P.ORDERS_MANAGE: P.ORDERS_VIEW,
    P.CHECKOUT: P.SHOPPING_LISTS_VIEW,
    P.TAX_INFO_MANAGE: P.TAX_INFO_VIEW,
    P.RFQS_MANAGE: P.RFQS_VIEW,
    P.QUOTES_ACCEPT: P.QUOTES_VIEW,
    P.APPROVALS_DECIDE: P.ORDERS_VIEW,
    P.BUDGETS_MANAGE: P.BUDGETS_VIEW,
}


@dataclass(frozen=True)
class Role:
    """A named set of grants. Predefined roles are copyable but never editable."""

    id: str
    name: str
    grants: Mapping[CustomerPermission, Scope]
    predefined: bool = False


def _all(scope: Scope, permissions: Iterable[CustomerPermission]) -> dict[CustomerPermission, Scope]:
    return dict.fromkeys(permissions, scope)


ADMINISTRATOR = Role(
    id="administrator",
    name="Administrator",
    grants=_all(Scope.SUBTREE, CustomerPermission),
    predefined=True,
)
PURCHASING_MANAGER = Role(
    id="purchasing-manager",
    name="Purchasing Manager",
    grants=_all(
        Scope.SUBTREE,
        (
            P.UNITS_VIEW,
            P.USERS_VIEW,
            P.ADDRESSES_VIEW,
            P.CATALOG_VIEW,
            P.PRICES_VIEW,
            P.SHOPPING_LISTS_VIEW,
            P.SHOPPING_LISTS_MANAGE,
            P.CHECKOUT,
            P.ORDERS_VIEW,
            P.ORDERS_MANAGE,
            P.INVOICES_VIEW,
            P.TAX_INFO_VIEW,
            P.TAX_INFO_MANAGE,
            P.APPROVALS_DECIDE,
            P.RFQS_VIEW,
            P.RFQS_MANAGE,
            P.QUOTES_VIEW,
            P.QUOTES_ACCEPT,
        ),
    ),
    predefined=True,
)
# A buyer checks out and follows the orders they placed themselves (as Oro's Buyer does). No
# orders.manage: cancelling their own order needs none (the workflow lets an order's buyer cancel it;
# the storefront's cancel route asks orders.view), and orders.manage is what makes a unit manager, who
# cancels other people's orders.
BUYER = Role(
    id="buyer",
    name="Buyer",
    grants={
        **_all(Scope.UNIT, (P.UNITS_VIEW, P.ADDRESSES_VIEW, P.CATALOG_VIEW, P.PRICES_VIEW)),
        **_all(
            Scope.OWN,
            (
                P.SHOPPING_LISTS_VIEW,
                P.SHOPPING_LISTS_MANAGE,
                P.CHECKOUT,
                P.ORDERS_VIEW,
                P.RFQS_VIEW,
                P.RFQS_MANAGE,
                P.QUOTES_VIEW,
            ),
        ),
    },
    predefined=True,
)
PREDEFINED_ROLES: Mapping[str, Role] = {role.id: role for role in (ADMINISTRATOR, PURCHASING_MANAGER, BUYER)}


class CompanyTree(Forest):
    """A company's units as a tree: a forest with exactly one root, the company."""

    noun = "unit"

    def __init__(self, parents: Mapping[str, str | None]) -> None:
        roots = [unit for unit, parent in parents.items() if parent is None]
        if len(roots) != 1:
            raise ValueError(f"a company tree has exactly one root, not {len(roots)}")
        self.root = roots[0]
        super().__init__(parents)

    def move_problem(self, unit: str, new_parent: str) -> str | None:
        """Why ``unit`` cannot move under ``new_parent`` (None if it can)."""
        if unit not in self:
            return "the unit is not a unit of this company"
        if unit == self.root:
            return "the company itself cannot move"
        if new_parent not in self:
            return "the new parent is not a unit of this company"
        if self.closes_cycle(unit, new_parent):
            return "a unit cannot move under itself or one of its descendants"
        return None


@dataclass(frozen=True)
class Assignment:
    """A role held at a unit; ``include_subunits`` makes it apply in every unit below as well."""

    role_id: str
    unit_id: str
    include_subunits: bool = False


@dataclass(frozen=True)
class Target:
    """The record a request is about: where it lives and who owns it (None: nobody in particular)."""

    unit_id: str
    owner_id: str | None = None


class Decision(Enum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"  # the record is visible to the principal, the action is not allowed: 403
    HIDDEN = "hidden"  # the principal may not know the record exists: 404


@dataclass(frozen=True)
class CustomerAccess:
    """What one customer user may do: their id, their company tree, assignments and the roles they name."""

    user_id: str
    tree: CompanyTree
    assignments: tuple[Assignment, ...]
    roles: Mapping[str, Role] = field(default_factory=lambda: PREDEFINED_ROLES)

    def grants(self, permission: CustomerPermission) -> Iterable[tuple[Assignment, Scope]]:
        for assignment in self.assignments:
            role = self.roles.get(assignment.role_id)
            if role is not None and assignment.unit_id in self.tree and permission in role.grants:
                yield assignment, role.grants[permission]

    def holds(self, permission: CustomerPermission) -> bool:
        """Whether any assignment grants ``permission`` at all (a route's coarse gate)."""
        return any(True for _ in self.grants(permission))

    def allows(self, permission: CustomerPermission, target: Target) -> bool:
        return any(_reaches(self, assignment, scope, target) for assignment, scope in self.grants(permission))


def _reaches(access: CustomerAccess, assignment: Assignment, scope: Scope, target: Target) -> bool:
    """Whether one grant covers the target record.

    ``subtree`` covers the assignment's unit and everything below; ``unit`` and ``own`` cover the units
    the assignment applies in (its unit, and those below when it includes sub-units); ``own`` also
    needs the record to be the user's.
    """
    if scope is Scope.OWN and target.owner_id != access.user_id:
        return False
    if scope is Scope.SUBTREE or assignment.include_subunits:
        return access.tree.is_within(target.unit_id, assignment.unit_id)
    return target.unit_id == assignment.unit_id


def decide(access: CustomerAccess, permission: CustomerPermission, target: Target) -> Decision:
    """The one decision for customer users: allowed, or refused as forbidden (403) or hidden (404)."""
    if target.unit_id not in access.tree:
        return Decision.HIDDEN  # another company's record
    if access.allows(permission, target):
        return Decision.ALLOW
    view = VIEW_OF.get(permission)
    if view is not None and access.allows(view, target):
        return Decision.FORBIDDEN
    return Decision.HIDDEN


def reach(access: CustomerAccess, permission: CustomerPermission) -> tuple[set[str], set[str]]:
    """Units where ``permission`` covers every record, and units where it covers only the user's own.

    Lists use it to query or filter: a record is listed if its unit is in the first set, or in the
    second and owned by the user.
    """
    every: set[str] = set()
    own: set[str] = set()
    for assignment, scope in access.grants(permission):
        units = (
            access.tree.subtree(assignment.unit_id)
            if scope is Scope.SUBTREE or assignment.include_subunits
            else [assignment.unit_id]
        )
        (own if scope is Scope.OWN else every).update(units)
    return every, own - every


def escalations(
    access: CustomerAccess, grants: Mapping[CustomerPermission, Scope], unit_id: str, include_subunits: bool
) -> list[str]:
    """What giving ``grants`` at ``unit_id`` would hand out beyond what ``access`` holds there.

    The granting user must hold each permission through one grant with a scope at least as wide that
    covers ``unit_id``; a grant reaching the units below (``subtree``, or ``include_subunits``) must be
    covered by one that reaches them too, so units created or moved there later stay covered.
    """
    problems = []
    for permission, scope in sorted(grants.items()):
        reaches_below = include_subunits or scope is Scope.SUBTREE
        covered = unit_id in access.tree and any(
            held_scope >= scope
            and _covers_unit(access, assignment, held_scope, unit_id)
            and (not reaches_below or held_scope is Scope.SUBTREE or assignment.include_subunits)
            for assignment, held_scope in access.grants(permission)
        )
        if not covered:
            problems.append(f"{permission.value} ({scope.label})")
    return problems


def _covers_unit(access: CustomerAccess, assignment: Assignment, scope: Scope, unit_id: str) -> bool:
    if scope is Scope.SUBTREE or assignment.include_subunits:
        return access.tree.is_within(unit_id, assignment.unit_id)
    return unit_id == assignment.unit_id


def assignment_escalations(
    access: CustomerAccess, assignments: Iterable[Assignment], roles: Mapping[str, Role]
) -> list[str]:
    """What holding ``assignments`` (their roles looked up in ``roles``) gives beyond what ``access`` holds.

    A role missing from ``roles`` grants nothing, so it escalates nothing. Each problem is listed once.
    """
    problems: list[str] = []
    for assignment in assignments:
        role = roles.get(assignment.role_id)
        if role is None:
            continue
        found = escalations(access, role.grants, assignment.unit_id, assignment.include_subunits)
        problems += [problem for problem in found if problem not in problems]
    return problems


def role_escalations(access: CustomerAccess, grants: Mapping[CustomerPermission, Scope]) -> list[str]:
    """What defining a role with ``grants`` gives beyond what ``access`` holds ([] if nothing).

    Fine if at one unit where the principal manages roles they hold every grant; otherwise the
    shortest list of what is missing at such a unit (``roles.manage`` itself if they manage none).
    """
    managed, _ = reach(access, CustomerPermission.ROLES_MANAGE)
    attempts = [escalations(access, grants, unit_id, include_subunits=False) for unit_id in sorted(managed)]
    if any(problems == [] for problems in attempts):
        return []
    return min(attempts, key=len, default=[f"{CustomerPermission.ROLES_MANAGE.value} (unit)"])
