"""chalicelib.domain.access: company trees, the customer decision matrix, reach and escalations.

The matrix here is the pure core of the authorization matrix of issue 4: each predefined role, held
at one unit with and without "applies to sub-units", against a representative set of permissions and
every position of the record relative to that unit. The API-level matrix (routes, 403/404 bodies,
other tenants) builds on it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pytest

from chalicelib.domain.access import (
    ADMINISTRATOR,
    BUYER,
    PREDEFINED_ROLES,
    PURCHASING_MANAGER,
    VIEW_OF,
    Assignment,
    CompanyTree,
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

P = CustomerPermission
A, F, H = Decision.ALLOW, Decision.FORBIDDEN, Decision.HIDDEN
OWN, UNIT, SUBTREE = Scope.OWN, Scope.UNIT, Scope.SUBTREE

ME = "usr_alice"
OTHER = "usr_bob"

# The company every test runs in, unless it builds its own tree:
#
#   acme
#   ├── emea
#   │   ├── berlin                 HOME: where the principal's assignments are held
#   │   │   └── berlin-south       child
#   │   │       └── berlin-lab     grandchild
#   │   └── paris                  sibling
#   └── us
PARENTS: dict[str, str | None] = {
    "acme": None,
    "emea": "acme",
    "berlin": "emea",
    "berlin-south": "berlin",
    "berlin-lab": "berlin-south",
    "paris": "emea",
    "us": "acme",
}
TREE = CompanyTree(PARENTS)
HOME = "berlin"
HOME_SUBTREE = ["berlin", "berlin-lab", "berlin-south"]
FOREIGN = "globex-hq"  # a unit of another company (or another tenant): never in this tree

ALL_PERMISSIONS = list(CustomerPermission)


def access(*assignments: Assignment, roles: Mapping[str, Role] = PREDEFINED_ROLES) -> CustomerAccess:
    """The principal ``ME`` in ``TREE`` with these assignments."""
    return CustomerAccess(user_id=ME, tree=TREE, assignments=assignments, roles=roles)


def custom(role_id: str, grants: Mapping[CustomerPermission, Scope]) -> dict[str, Role]:
    """The role table with one custom role added (custom roles live beside the predefined ones)."""
    return {**PREDEFINED_ROLES, role_id: Role(id=role_id, name=role_id.title(), grants=dict(grants))}


def holding(
    grants: Mapping[CustomerPermission, Scope], unit_id: str = HOME, include_subunits: bool = False
) -> CustomerAccess:
    """A principal holding one custom role with ``grants`` at ``unit_id``."""
    return access(Assignment("custom", unit_id, include_subunits), roles=custom("custom", grants))


def chain(depth: int) -> dict[str, str | None]:
    """A company ``depth`` levels deep: u00 (root) -> u01 -> ... -> u<depth-1>."""
    return {f"u{level:02}": (f"u{level - 1:02}" if level else None) for level in range(depth)}


# --- CompanyTree ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param("acme", ("acme",), id="root"),
        pytest.param("emea", ("acme", "emea"), id="first-level"),
        pytest.param("berlin-lab", ("acme", "emea", "berlin", "berlin-south", "berlin-lab"), id="deepest"),
        pytest.param("us", ("acme", "us"), id="other-branch"),
    ],
)
def test_path_runs_from_the_root_down_to_the_unit(unit: str, expected: tuple[str, ...]) -> None:
    # given the company tree
    # when a unit's path is asked for
    path = TREE.path(unit)
    # then it lists the units from the root down to it, both included
    assert path == expected


def test_path_of_an_unknown_unit_raises_key_error() -> None:
    # given the company tree
    # when the path of another company's unit is asked for
    # then it is refused
    with pytest.raises(KeyError):
        TREE.path(FOREIGN)


@pytest.mark.parametrize(
    ("unit", "ancestor", "expected"),
    [
        pytest.param("berlin", "berlin", True, id="itself"),
        pytest.param("berlin-south", "berlin", True, id="child"),
        pytest.param("berlin-lab", "berlin", True, id="grandchild"),
        pytest.param("berlin-lab", "acme", True, id="anything-under-the-root"),
        pytest.param("emea", "berlin", False, id="parent"),
        pytest.param("paris", "berlin", False, id="sibling"),
        pytest.param("us", "emea", False, id="other-branch"),
        pytest.param(FOREIGN, "acme", False, id="unknown-unit"),
        pytest.param("berlin", FOREIGN, False, id="unknown-ancestor"),
    ],
)
def test_is_within(unit: str, ancestor: str, expected: bool) -> None:
    # given the company tree
    # when asked whether a unit lies within another
    within = TREE.is_within(unit, ancestor)
    # then only the unit itself and the units below it are within
    assert within is expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param("acme", ["emea", "us"], id="root"),
        pytest.param("emea", ["berlin", "paris"], id="sorted-direct-children-only"),
        pytest.param("berlin-lab", [], id="leaf"),
        pytest.param(FOREIGN, [], id="unknown-unit"),
    ],
)
def test_children(unit: str, expected: list[str]) -> None:
    # given the company tree
    # when a unit's children are asked for
    children = TREE.children(unit)
    # then only its direct children are listed, sorted
    assert children == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param("acme", sorted(PARENTS), id="root-is-everything"),
        pytest.param("berlin", HOME_SUBTREE, id="unit-and-everything-below"),
        pytest.param("paris", ["paris"], id="leaf-is-itself"),
        pytest.param(FOREIGN, [], id="unknown-unit"),
    ],
)
def test_subtree(unit: str, expected: list[str]) -> None:
    # given the company tree
    # when a unit's subtree is asked for
    subtree = TREE.subtree(unit)
    # then it holds the unit and every unit below it, sorted
    assert subtree == expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        pytest.param("berlin-lab", True, id="unit-of-the-company"),
        pytest.param(FOREIGN, False, id="unit-of-another-company"),
    ],
)
def test_membership(unit: str, expected: bool) -> None:
    # given the company tree
    # when asked whether a unit belongs to it
    # then only its own units do
    assert (unit in TREE) is expected


def test_root_is_the_unit_without_a_parent() -> None:
    # given the company's units
    # when the tree is built
    tree = CompanyTree(PARENTS)
    # then its root is the one unit without a parent
    assert tree.root == "acme"


@pytest.mark.parametrize(
    "parents",
    [
        pytest.param({}, id="no-units"),
        pytest.param({"acme": None, "globex": None}, id="two-roots"),
        pytest.param({"a": "b", "b": "a"}, id="only-a-cycle"),
    ],
)
def test_a_tree_needs_exactly_one_root(parents: dict[str, str | None]) -> None:
    # given units with zero or several roots
    # when the tree is built
    # then it is refused
    with pytest.raises(ValueError, match="exactly one root"):
        CompanyTree(parents)


@pytest.mark.parametrize(
    "parents",
    [
        pytest.param({"acme": None, "a": "a"}, id="own-parent"),
        pytest.param({"acme": None, "a": "b", "b": "a"}, id="two-unit-cycle"),
        pytest.param({"acme": None, "a": "acme", "b": "d", "c": "b", "d": "c"}, id="three-unit-cycle"),
    ],
)
def test_cycles_are_refused(parents: dict[str, str | None]) -> None:
    # given a root and units that are their own ancestors
    # when the tree is built
    # then it is refused
    with pytest.raises(ValueError, match="its own ancestor"):
        CompanyTree(parents)


def test_an_unknown_parent_is_refused() -> None:
    # given a unit whose parent is not a unit of the company
    parents = {"acme": None, "berlin": FOREIGN}
    # when the tree is built
    # then it is refused
    with pytest.raises(ValueError, match="unknown parent"):
        CompanyTree(parents)


@pytest.mark.parametrize(
    ("unit", "new_parent", "expected"),
    [
        pytest.param("acme", "emea", "the company itself cannot move", id="root"),
        pytest.param(
            "berlin", "berlin", "a unit cannot move under itself or one of its descendants", id="under-itself"
        ),
        pytest.param(
            "berlin", "berlin-south", "a unit cannot move under itself or one of its descendants", id="child"
        ),
        pytest.param(
            "emea", "berlin-lab", "a unit cannot move under itself or one of its descendants", id="descendant"
        ),
        pytest.param("berlin", FOREIGN, "the new parent is not a unit of this company", id="unknown-parent"),
        pytest.param("berlin", "paris", None, id="under-a-sibling"),
        pytest.param("berlin-south", "us", None, id="to-another-branch"),
        pytest.param("berlin-lab", "acme", None, id="up-to-the-root"),
        pytest.param("berlin-south", "berlin", None, id="under-its-current-parent"),
        pytest.param(
            FOREIGN,
            "acme",
            "the unit is not a unit of this company",
            id="unknown-unit",
        ),
    ],
)
def test_move_problem(unit: str, new_parent: str, expected: str | None) -> None:
    # given the company tree
    # when a move is checked
    problem = TREE.move_problem(unit, new_parent)
    # then it is refused with the reason, or allowed (None)
    assert problem == expected


def test_a_chain_50_levels_deep_has_full_paths() -> None:
    # given a company 50 levels deep
    tree = CompanyTree(chain(50))
    # when the deepest unit's path is asked for
    path = tree.path("u49")
    # then it runs through all 50 levels
    assert path == tuple(f"u{level:02}" for level in range(50))


def test_a_chain_50_levels_deep_answers_containment_at_every_level() -> None:
    # given a company 50 levels deep
    tree = CompanyTree(chain(50))
    # when asked whether the deepest unit lies within each level, and each level within the deepest
    below = [tree.is_within("u49", f"u{level:02}") for level in range(50)]
    above = [tree.is_within(f"u{level:02}", "u49") for level in range(49)]
    # then it lies within every level, and no level above it lies within it
    assert all(below)
    assert not any(above)


def test_a_chain_50_levels_deep_has_a_subtree_per_level() -> None:
    # given a company 50 levels deep
    tree = CompanyTree(chain(50))
    # when each level's subtree is asked for
    sizes = [len(tree.subtree(f"u{level:02}")) for level in range(50)]
    # then each holds its level and every level below it
    assert sizes == list(range(50, 0, -1))


@pytest.mark.parametrize(
    ("role", "unit", "target", "expected"),
    [
        pytest.param("administrator", "u00", "u49", A, id="administrator-at-root-deepest-unit"),
        pytest.param("purchasing-manager", "u25", "u49", A, id="manager-midway-below"),
        pytest.param("purchasing-manager", "u25", "u24", H, id="manager-midway-just-above"),
        pytest.param("buyer", "u49", "u49", F, id="buyer-at-the-bottom-own-unit"),
    ],
)
def test_decide_in_a_chain_50_levels_deep(role: str, unit: str, target: str, expected: Decision) -> None:
    # given a principal holding a role somewhere in a company 50 levels deep
    principal = CustomerAccess(ME, CompanyTree(chain(50)), (Assignment(role, unit),))
    # when they manage an order of some unit
    decision = decide(principal, P.ORDERS_MANAGE if role != "buyer" else P.UNITS_MANAGE, Target(target))
    # then the decision follows the unit's position, whatever the depth
    assert decision is expected


def test_a_unit_with_1000_users_lets_a_buyer_reach_only_their_own_record() -> None:
    # given a buyer in a unit where 1,000 users each own a shopping list
    principal = access(Assignment("buyer", HOME))
    owners = [ME] + [f"usr_{number:04}" for number in range(999)]
    # when the buyer manages each list
    decisions = [decide(principal, P.SHOPPING_LISTS_MANAGE, Target(HOME, owner)) for owner in owners]
    # then only their own is allowed; the other 999 are hidden
    assert decisions == [A] + [H] * 999


# --- The decision matrix -------------------------------------------------------------------------

# Where the record lies relative to the unit of the principal's assignment (berlin), and who owns it.
POSITIONS: dict[str, Target] = {
    "own": Target(HOME, ME),
    "same-unit": Target(HOME, OTHER),
    "child": Target("berlin-south", OTHER),
    "grandchild": Target("berlin-lab", OTHER),
    "own-in-child": Target("berlin-south", ME),
    "parent": Target("emea", OTHER),
    "sibling": Target("paris", OTHER),
    "other-company": Target(FOREIGN, OTHER),
}
OUTSIDE = ("parent", "sibling", "other-company")

# One predefined role held at berlin, "+sub" when the assignment applies to sub-units.
# A: allow, F: forbidden (403, the record is visible), H: hidden (404); x-co: another company's unit.
#
#     role                 +sub   permission                own same child grand own@child parent sibling x-co
MATRIX: list[tuple[str, bool, CustomerPermission, tuple[Decision, ...]]] = [
    ("administrator",      False, P.CATALOG_VIEW,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.UNITS_MANAGE,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.USERS_MANAGE,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.SHOPPING_LISTS_MANAGE, (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.CHECKOUT,              (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.ORDERS_VIEW,           (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.APPROVALS_DECIDE,      (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      False, P.QUOTES_ACCEPT,         (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.CATALOG_VIEW,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.UNITS_MANAGE,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.USERS_MANAGE,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.SHOPPING_LISTS_MANAGE, (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.CHECKOUT,              (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.ORDERS_VIEW,           (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.APPROVALS_DECIDE,      (A,  A,   A,    A,    A,        H,     H,      H)),
    ("administrator",      True,  P.QUOTES_ACCEPT,         (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.CATALOG_VIEW,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.UNITS_MANAGE,          (F,  F,   F,    F,    F,        H,     H,      H)),
    ("purchasing-manager", False, P.USERS_MANAGE,          (F,  F,   F,    F,    F,        H,     H,      H)),
    ("purchasing-manager", False, P.SHOPPING_LISTS_MANAGE, (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.CHECKOUT,              (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.ORDERS_VIEW,           (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.APPROVALS_DECIDE,      (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", False, P.QUOTES_ACCEPT,         (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.CATALOG_VIEW,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.UNITS_MANAGE,          (F,  F,   F,    F,    F,        H,     H,      H)),
    ("purchasing-manager", True,  P.USERS_MANAGE,          (F,  F,   F,    F,    F,        H,     H,      H)),
    ("purchasing-manager", True,  P.SHOPPING_LISTS_MANAGE, (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.CHECKOUT,              (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.ORDERS_VIEW,           (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.APPROVALS_DECIDE,      (A,  A,   A,    A,    A,        H,     H,      H)),
    ("purchasing-manager", True,  P.QUOTES_ACCEPT,         (A,  A,   A,    A,    A,        H,     H,      H)),
    ("buyer",              False, P.CATALOG_VIEW,          (A,  A,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.UNITS_MANAGE,          (F,  F,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.USERS_MANAGE,          (H,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.SHOPPING_LISTS_MANAGE, (A,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.CHECKOUT,              (A,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.ORDERS_VIEW,           (A,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.APPROVALS_DECIDE,      (F,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              False, P.QUOTES_ACCEPT,         (F,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              True,  P.CATALOG_VIEW,          (A,  A,   A,    A,    A,        H,     H,      H)),
    ("buyer",              True,  P.UNITS_MANAGE,          (F,  F,   F,    F,    F,        H,     H,      H)),
    ("buyer",              True,  P.USERS_MANAGE,          (H,  H,   H,    H,    H,        H,     H,      H)),
    ("buyer",              True,  P.SHOPPING_LISTS_MANAGE, (A,  H,   H,    H,    A,        H,     H,      H)),
    ("buyer",              True,  P.CHECKOUT,              (A,  H,   H,    H,    A,        H,     H,      H)),
    ("buyer",              True,  P.ORDERS_VIEW,           (A,  H,   H,    H,    A,        H,     H,      H)),
    ("buyer",              True,  P.APPROVALS_DECIDE,      (F,  H,   H,    H,    F,        H,     H,      H)),
    ("buyer",              True,  P.QUOTES_ACCEPT,         (F,  H,   H,    H,    F,        H,     H,      H)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "include_subunits", "permission", "target", "expected"),
    [
        pytest.param(
            role,
            include_subunits,
            permission,
            POSITIONS[position],
            expected,
            id=f"{role}{'+sub' if include_subunits else ''}:{permission.value}:{position}",
        )
        for role, include_subunits, permission, row in MATRIX
        for position, expected in zip(POSITIONS, row, strict=True)
    ],
)
def test_decision_matrix(
    role: str, include_subunits: bool, permission: CustomerPermission, target: Target, expected: Decision
) -> None:
    # given a principal holding one predefined role at berlin
    principal = access(Assignment(role, HOME, include_subunits))
    # when they act on a record in some position relative to berlin
    decision = decide(principal, permission, target)
    # then the decision is the matrix's
    assert decision is expected


# --- Invariants over every permission ------------------------------------------------------------


@pytest.mark.parametrize("permission", ALL_PERMISSIONS, ids=str)
@pytest.mark.parametrize(
    ("unit", "units"),
    [pytest.param("acme", sorted(PARENTS), id="at-root"), pytest.param(HOME, HOME_SUBTREE, id="at-berlin")],
)
def test_administrator_allows_everything_in_its_subtree(
    permission: CustomerPermission, unit: str, units: list[str]
) -> None:
    # given an administrator at a unit (without "applies to sub-units": their scope is the subtree)
    principal = access(Assignment("administrator", unit))
    # when they act on any user's record anywhere below that unit
    decisions = {where: decide(principal, permission, Target(where, OTHER)) for where in units}
    # then everything is allowed
    assert decisions == dict.fromkeys(units, A)


@pytest.mark.parametrize("permission", [P.ORDERS_VIEW, P.CHECKOUT], ids=str)
@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_buyer_checks_out_and_sees_only_their_own_orders(
    permission: CustomerPermission, include_subunits: bool
) -> None:
    # given a buyer
    principal = access(Assignment("buyer", HOME, include_subunits))
    # when they act on a record in any position
    decisions = {position: decide(principal, permission, target) for position, target in POSITIONS.items()}
    # then only their own records are allowed
    allowed = {position for position, decision in decisions.items() if decision is A}
    assert allowed == ({"own", "own-in-child"} if include_subunits else {"own"})


@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_buyer_manages_no_orders_not_even_their_own(include_subunits: bool) -> None:
    # given a buyer (their own order's cancel is the workflow's buyer role, not orders.manage)
    principal = access(Assignment("buyer", HOME, include_subunits))
    # when they manage an order in any position, their own included
    decisions = {decide(principal, P.ORDERS_MANAGE, target) for target in POSITIONS.values()}
    # then nothing is allowed
    assert A not in decisions


@pytest.mark.parametrize("permission", [P.ORDERS_VIEW, P.CHECKOUT], ids=str)
def test_a_custom_role_without_the_permission_is_refused_orders_and_checkout(
    permission: CustomerPermission,
) -> None:
    # given a company's own role granting the catalog and prices only
    principal = holding({P.CATALOG_VIEW: UNIT, P.PRICES_VIEW: UNIT})
    # when they view their own order or check out their own list
    decision = decide(principal, permission, Target(HOME, ME))
    # then it is refused, and the route's gate does not pass
    assert decision is not A
    assert not principal.holds(permission)


@pytest.mark.parametrize("permission", ALL_PERMISSIONS, ids=str)
@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_purchasing_manager_reaches_nothing_outside_its_subtree(
    permission: CustomerPermission, include_subunits: bool
) -> None:
    # given a purchasing manager at berlin
    principal = access(Assignment("purchasing-manager", HOME, include_subunits))
    outside = {**{position: POSITIONS[position] for position in OUTSIDE}, "root": Target("acme", OTHER)}
    # when they act on a record above, beside or outside berlin, even one they own
    decisions = {
        **{position: decide(principal, permission, target) for position, target in outside.items()},
        "own-at-parent": decide(principal, permission, Target("emea", ME)),
    }
    # then nothing is allowed, nor even visible
    assert decisions == dict.fromkeys(decisions, H)


@pytest.mark.parametrize("role", sorted(PREDEFINED_ROLES))
@pytest.mark.parametrize("permission", ALL_PERMISSIONS, ids=str)
def test_another_companys_record_is_always_hidden(role: str, permission: CustomerPermission) -> None:
    # given any predefined role held at the company's root, with sub-units
    principal = access(Assignment(role, "acme", include_subunits=True))
    # when they act on a record of another company, even one carrying their own user id
    decision = decide(principal, permission, Target(FOREIGN, ME))
    # then it does not exist for them
    assert decision is H


# --- VIEW_OF: 403 or 404 -------------------------------------------------------------------------


def test_every_action_beyond_viewing_names_the_view_that_reveals_its_record() -> None:
    # given the permission catalog
    # when the permissions that are not views are collected
    actions = {permission for permission in CustomerPermission if not permission.value.endswith(".view")}
    # then each has a view permission in VIEW_OF, and only they do
    assert set(VIEW_OF) == actions
    assert all(view.value.endswith(".view") for view in VIEW_OF.values())


@pytest.mark.parametrize(
    ("grants", "permission", "target", "expected"),
    [
        pytest.param({P.ORDERS_VIEW: UNIT}, P.ORDERS_MANAGE, Target(HOME), F, id="view-held:403"),
        pytest.param({P.INVOICES_VIEW: UNIT}, P.ORDERS_MANAGE, Target(HOME), H, id="view-not-held:404"),
        pytest.param(
            {P.ORDERS_VIEW: UNIT}, P.APPROVALS_DECIDE, Target(HOME), F, id="approval-seen-as-order:403"
        ),
        pytest.param(
            {P.SHOPPING_LISTS_VIEW: UNIT}, P.CHECKOUT, Target(HOME), F, id="checkout-of-a-visible-list:403"
        ),
        pytest.param({P.INVOICES_VIEW: UNIT}, P.ORDERS_VIEW, Target(HOME), H, id="refused-view:404"),
        pytest.param(
            {P.ORDERS_VIEW: UNIT}, P.ORDERS_MANAGE, Target("paris"), H, id="view-held-elsewhere:404"
        ),
        pytest.param(
            {P.ORDERS_VIEW: UNIT},
            P.ORDERS_MANAGE,
            Target("berlin-south"),
            H,
            id="view-not-reaching-child:404",
        ),
        pytest.param(
            {P.ORDERS_VIEW: OWN}, P.ORDERS_MANAGE, Target(HOME, ME), F, id="own-view-own-record:403"
        ),
        pytest.param(
            {P.ORDERS_VIEW: OWN}, P.ORDERS_MANAGE, Target(HOME, OTHER), H, id="own-view-others-record:404"
        ),
        pytest.param(
            {P.ORDERS_VIEW: OWN}, P.ORDERS_MANAGE, Target(HOME), H, id="own-view-unowned-record:404"
        ),
        pytest.param(
            {P.ORDERS_VIEW: SUBTREE, P.ORDERS_MANAGE: SUBTREE},
            P.ORDERS_MANAGE,
            Target(FOREIGN),
            H,
            id="other-company:404",
        ),
    ],
)
def test_refusals_are_forbidden_only_where_the_record_is_visible(
    grants: dict[CustomerPermission, Scope],
    permission: CustomerPermission,
    target: Target,
    expected: Decision,
) -> None:
    # given a principal holding a custom role at berlin
    principal = holding(grants)
    # when they are refused an action
    decision = decide(principal, permission, target)
    # then it is 403 if they may see the record, 404 if they may not
    assert decision is expected


# --- Custom roles, unknown roles, assignments outside the tree -----------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param(Target(HOME, OTHER), A, id="same-unit"),
        pytest.param(Target("berlin-south", OTHER), H, id="child"),
        pytest.param(Target("paris", OTHER), H, id="sibling"),
    ],
)
def test_a_custom_role_grants_its_permissions_with_their_scope(target: Target, expected: Decision) -> None:
    # given a custom "order desk" role granting orders.view for the unit, held at berlin
    principal = holding({P.ORDERS_VIEW: UNIT})
    # when the principal views an order
    decision = decide(principal, P.ORDERS_VIEW, target)
    # then its scope decides
    assert decision is expected


@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        pytest.param(BUYER.grants, H, id="buyer"),
        pytest.param({**BUYER.grants, P.ORDERS_VIEW: UNIT}, A, id="copy-of-buyer-with-unit-orders"),
    ],
)
def test_a_copy_of_a_predefined_role_can_add_what_it_lacks(
    grants: Mapping[CustomerPermission, Scope], expected: Decision
) -> None:
    # given a copy of the Buyer role, as is or with its unit's orders added
    copied = dataclasses.replace(BUYER, id="buyer-copy", name="Buyer (copy)", grants=grants, predefined=False)
    principal = access(Assignment("buyer-copy", HOME), roles={**PREDEFINED_ROLES, "buyer-copy": copied})
    # when they view a colleague's order in their unit
    decision = decide(principal, P.ORDERS_VIEW, Target(HOME, OTHER))
    # then only the copy that grants the unit's orders allows it
    assert decision is expected


def test_a_custom_role_missing_from_the_role_table_grants_nothing() -> None:
    # given an assignment of a custom role the role table does not hold (only the predefined ones)
    principal = access(Assignment("order-desk", HOME))
    # when the principal's permissions are checked
    held = [permission for permission in ALL_PERMISSIONS if principal.holds(permission)]
    # then none is held
    assert held == []


@pytest.mark.parametrize("role_id", ["no-such-role", "Administrator", "ADMINISTRATOR", ""])
def test_an_unknown_role_id_grants_nothing(role_id: str) -> None:
    # given an assignment naming a role that does not exist (role ids are exact)
    principal = access(Assignment(role_id, "acme", include_subunits=True))
    # when the principal acts on any record of the company
    decisions = {decide(principal, permission, Target(HOME, ME)) for permission in ALL_PERMISSIONS}
    # then everything is hidden
    assert decisions == {H}


@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_an_assignment_at_a_unit_outside_the_tree_grants_nothing(include_subunits: bool) -> None:
    # given an administrator assignment at another company's unit
    principal = access(Assignment("administrator", FOREIGN, include_subunits))
    # when the principal acts on records of this company and of the other one
    decisions = {
        decide(principal, permission, Target(unit, ME))
        for permission in ALL_PERMISSIONS
        for unit in (HOME, FOREIGN)
    }
    # then everything is hidden
    assert decisions == {H}


def test_an_assignment_at_a_unit_outside_the_tree_holds_no_permission() -> None:
    # given an administrator assignment at another company's unit
    principal = access(Assignment("administrator", FOREIGN))
    # when the route's coarse gate checks each permission
    held = [permission for permission in ALL_PERMISSIONS if principal.holds(permission)]
    # then none is held
    assert held == []


@pytest.mark.parametrize(
    ("role", "permission", "expected"),
    [
        pytest.param(BUYER, P.CATALOG_VIEW, True, id="buyer-catalog"),
        pytest.param(BUYER, P.CHECKOUT, True, id="buyer-checkout"),
        pytest.param(BUYER, P.ORDERS_MANAGE, False, id="buyer-orders-manage"),
        pytest.param(PURCHASING_MANAGER, P.CHECKOUT, True, id="manager-checkout"),
        pytest.param(PURCHASING_MANAGER, P.USERS_MANAGE, False, id="manager-users"),
        pytest.param(ADMINISTRATOR, P.ROLES_MANAGE, True, id="administrator-roles"),
    ],
)
def test_holds_tells_whether_any_assignment_grants_a_permission(
    role: Role, permission: CustomerPermission, expected: bool
) -> None:
    # given a principal holding one predefined role
    principal = access(Assignment(role.id, HOME))
    # when a route's coarse gate checks a permission
    held = principal.holds(permission)
    # then it is held exactly when the role grants it
    assert held is expected


# --- reach() ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assignments", "permission", "every", "own"),
    [
        pytest.param((), P.CATALOG_VIEW, set(), set(), id="no-assignment"),
        pytest.param((Assignment("buyer", HOME),), P.CATALOG_VIEW, {HOME}, set(), id="buyer-catalog-at-unit"),
        pytest.param(
            (Assignment("buyer", HOME, True),),
            P.CATALOG_VIEW,
            set(HOME_SUBTREE),
            set(),
            id="buyer-catalog-with-subunits",
        ),
        pytest.param(
            (Assignment("buyer", HOME),), P.SHOPPING_LISTS_VIEW, set(), {HOME}, id="buyer-lists-own-at-unit"
        ),
        pytest.param(
            (Assignment("buyer", HOME, True),),
            P.SHOPPING_LISTS_VIEW,
            set(),
            set(HOME_SUBTREE),
            id="buyer-lists-own-with-subunits",
        ),
        pytest.param(
            (Assignment("buyer", HOME),), P.ORDERS_VIEW, set(), {HOME}, id="buyer-orders-own-at-unit"
        ),
        pytest.param((Assignment("buyer", HOME),), P.ORDERS_MANAGE, set(), set(), id="buyer-manages-nowhere"),
        pytest.param(
            (Assignment("purchasing-manager", HOME),),
            P.ORDERS_VIEW,
            set(HOME_SUBTREE),
            set(),
            id="manager-subtree",
        ),
        pytest.param(
            (Assignment("administrator", "acme"),),
            P.USERS_MANAGE,
            set(PARENTS),
            set(),
            id="administrator-at-root",
        ),
        pytest.param(
            (Assignment("buyer", HOME, True), Assignment("purchasing-manager", "berlin-south")),
            P.SHOPPING_LISTS_VIEW,
            {"berlin-south", "berlin-lab"},
            {HOME},
            id="own-only-where-nothing-wider",
        ),
        pytest.param(
            (Assignment("buyer", HOME), Assignment("buyer", "paris")),
            P.CATALOG_VIEW,
            {HOME, "paris"},
            set(),
            id="assignments-add-up",
        ),
        pytest.param((Assignment("no-such-role", HOME),), P.CATALOG_VIEW, set(), set(), id="unknown-role"),
        pytest.param(
            (Assignment("administrator", FOREIGN, True),),
            P.CATALOG_VIEW,
            set(),
            set(),
            id="assignment-outside-tree",
        ),
    ],
)
def test_reach(
    assignments: tuple[Assignment, ...], permission: CustomerPermission, every: set[str], own: set[str]
) -> None:
    # given a principal's assignments
    principal = access(*assignments)
    # when the units a list may show are computed
    found = reach(principal, permission)
    # then they split into units shown whole and units where only the principal's own records show
    assert found == (every, own)


# --- escalations() -------------------------------------------------------------------------------


@pytest.mark.parametrize("scope", [OWN, UNIT, SUBTREE], ids=lambda scope: scope.label)
@pytest.mark.parametrize("unit", HOME_SUBTREE)
@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_holding_a_subtree_covers_any_grant_at_or_below_it(
    scope: Scope, unit: str, include_subunits: bool
) -> None:
    # given a granter holding orders.view for berlin's subtree
    granter = holding({P.ORDERS_VIEW: SUBTREE})
    # when they grant orders.view with any scope at berlin or below
    problems = escalations(granter, {P.ORDERS_VIEW: scope}, unit, include_subunits)
    # then nothing escalates
    assert problems == []


@pytest.mark.parametrize(
    ("held", "held_with_subunits", "scope", "unit", "include_subunits", "expected"),
    [
        pytest.param(UNIT, False, UNIT, HOME, False, [], id="unit-covers-unit-there"),
        pytest.param(UNIT, False, OWN, HOME, False, [], id="unit-covers-own-there"),
        pytest.param(
            UNIT, False, SUBTREE, HOME, False, ["orders.view (subtree)"], id="unit-not-subtree-there"
        ),
        pytest.param(
            UNIT, False, UNIT, "berlin-south", False, ["orders.view (unit)"], id="unit-not-unit-at-child"
        ),
        pytest.param(
            UNIT, False, OWN, "berlin-south", False, ["orders.view (own)"], id="unit-not-own-at-child"
        ),
        pytest.param(UNIT, False, UNIT, "emea", False, ["orders.view (unit)"], id="unit-not-unit-at-parent"),
        pytest.param(UNIT, False, UNIT, HOME, True, ["orders.view (unit)"], id="unit-not-unit-with-subunits"),
        pytest.param(OWN, False, OWN, HOME, False, [], id="own-covers-own"),
        pytest.param(OWN, False, UNIT, HOME, False, ["orders.view (unit)"], id="own-not-unit"),
        pytest.param(OWN, True, OWN, "berlin-lab", False, [], id="own-with-subunits-covers-own-below"),
        pytest.param(UNIT, True, UNIT, HOME, True, [], id="unit-with-subunits-covers-unit-with-subunits"),
        pytest.param(UNIT, True, UNIT, "berlin-lab", False, [], id="unit-with-subunits-covers-unit-below"),
        pytest.param(
            UNIT, True, SUBTREE, HOME, False, ["orders.view (subtree)"], id="unit-with-subunits-not-subtree"
        ),
        pytest.param(
            UNIT,
            True,
            UNIT,
            "emea",
            True,
            ["orders.view (unit)"],
            id="unit-with-subunits-not-parent-with-subunits",
        ),
        pytest.param(SUBTREE, False, UNIT, "emea", False, ["orders.view (unit)"], id="subtree-not-parent"),
        pytest.param(SUBTREE, False, UNIT, "paris", False, ["orders.view (unit)"], id="subtree-not-sibling"),
    ],
)
def test_a_grant_escalates_unless_the_granter_covers_it(
    held: Scope,
    held_with_subunits: bool,
    scope: Scope,
    unit: str,
    include_subunits: bool,
    expected: list[str],
) -> None:
    # given a granter holding orders.view with some scope at berlin
    granter = holding({P.ORDERS_VIEW: held}, include_subunits=held_with_subunits)
    # when they grant orders.view with some scope somewhere
    problems = escalations(granter, {P.ORDERS_VIEW: scope}, unit, include_subunits)
    # then it escalates unless their own grant reaches every record it would, with a scope as wide
    assert problems == expected


def test_a_grant_with_subunits_needs_every_unit_below_covered() -> None:
    # given a granter holding orders.view for berlin-south's subtree only
    granter = holding({P.ORDERS_VIEW: SUBTREE}, unit_id="berlin-south")
    # when they grant orders.view at berlin applying to sub-units
    problems = escalations(granter, {P.ORDERS_VIEW: UNIT}, HOME, include_subunits=True)
    # then it escalates: berlin itself is not covered
    assert problems == ["orders.view (unit)"]


def test_piecewise_unit_grants_do_not_cover_a_grant_with_subunits() -> None:
    # given a granter holding orders.view for the unit at berlin, berlin-south and berlin-lab separately
    roles = custom("custom", {P.ORDERS_VIEW: UNIT})
    granter = access(*(Assignment("custom", unit) for unit in HOME_SUBTREE), roles=roles)
    # when they grant orders.view at berlin applying to sub-units (including any created later)
    problems = escalations(granter, {P.ORDERS_VIEW: UNIT}, HOME, include_subunits=True)
    # then it escalates: the granter's reach stops at today's units
    assert problems == ["orders.view (unit)"]


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        pytest.param(("buyer",), ["orders.view (unit)"], id="buyer-alone"),
        pytest.param(("custom",), ["catalog.view (unit)"], id="order-desk-alone"),
        pytest.param(("buyer", "custom"), [], id="both"),
    ],
)
def test_assignments_combine_to_cover_a_grant(assignments: tuple[str, ...], expected: list[str]) -> None:
    # given a granter holding the Buyer role, a custom "order desk" role (orders.view), or both, at berlin
    roles = custom("custom", {P.ORDERS_VIEW: UNIT})
    granter = access(*(Assignment(role, HOME) for role in assignments), roles=roles)
    # when they grant catalog.view and orders.view for the unit at berlin
    problems = escalations(granter, {P.CATALOG_VIEW: UNIT, P.ORDERS_VIEW: UNIT}, HOME, include_subunits=False)
    # then only what none of their assignments covers escalates
    assert problems == expected


def test_escalations_list_every_uncovered_grant_by_permission() -> None:
    # given a buyer at berlin
    granter = access(Assignment("buyer", HOME))
    # when they grant themselves more than they hold
    grants = {P.ORDERS_VIEW: UNIT, P.CATALOG_VIEW: UNIT, P.CHECKOUT: UNIT, P.SHOPPING_LISTS_VIEW: UNIT}
    problems = escalations(granter, grants, HOME, include_subunits=False)
    # then each uncovered grant is listed, with its scope, sorted by permission
    assert problems == ["checkout.place_order (unit)", "orders.view (unit)", "shopping_lists.view (unit)"]


def test_granting_nothing_never_escalates() -> None:
    # given a principal without any assignment
    granter = access()
    # when they grant nothing
    problems = escalations(granter, {}, HOME, include_subunits=True)
    # then nothing escalates
    assert problems == []


@pytest.mark.parametrize("role", [ADMINISTRATOR, PURCHASING_MANAGER, BUYER], ids=lambda role: role.id)
@pytest.mark.parametrize("unit", sorted(PARENTS))
@pytest.mark.parametrize("include_subunits", [False, True], ids=["at-unit", "with-subunits"])
def test_an_administrator_at_the_root_can_grant_any_role_anywhere_in_its_tree(
    role: Role, unit: str, include_subunits: bool
) -> None:
    # given an administrator at the company's root
    granter = access(Assignment("administrator", "acme"))
    # when they assign a predefined role anywhere in the company
    problems = escalations(granter, role.grants, unit, include_subunits)
    # then nothing escalates
    assert problems == []


@pytest.mark.parametrize("unit", ["acme", "emea", "paris", "us"])
def test_an_administrator_cannot_grant_above_or_beside_its_unit(unit: str) -> None:
    # given an administrator at berlin
    granter = access(Assignment("administrator", HOME))
    # when they grant for the unit at a unit above or beside berlin
    problems = escalations(granter, ADMINISTRATOR.grants, unit, include_subunits=False)
    # then every permission escalates
    assert len(problems) == len(CustomerPermission)


@pytest.mark.parametrize(
    ("role", "scope", "include_subunits"),
    [
        pytest.param("administrator", UNIT, False, id="administrator-unit"),
        pytest.param("administrator", OWN, False, id="administrator-own"),
        pytest.param("buyer", UNIT, False, id="buyer-unit"),
        pytest.param("administrator", SUBTREE, False, id="administrator-subtree"),
        pytest.param("administrator", UNIT, True, id="administrator-unit-with-subunits"),
        pytest.param("buyer", SUBTREE, False, id="buyer-subtree"),
        pytest.param("buyer", OWN, True, id="buyer-own-with-subunits"),
    ],
)
def test_nothing_can_be_granted_at_a_unit_outside_the_tree(
    role: str, scope: Scope, include_subunits: bool
) -> None:
    # given a granter at the company's root
    granter = access(Assignment(role, "acme", include_subunits=True))
    # when they grant orders.manage at another company's unit
    problems = escalations(granter, {P.ORDERS_MANAGE: scope}, FOREIGN, include_subunits)
    # then it escalates (and no KeyError is raised)
    assert problems == [f"orders.manage ({scope.label})"]


# --- assignment_escalations() and role_escalations() ------------------------------------------------


def test_assignments_the_granter_could_give_escalate_nothing() -> None:
    # given an administrator at berlin
    granter = access(Assignment("administrator", HOME))
    # when someone holds a buyer role below berlin and an administrator role at berlin
    held = [Assignment("buyer", "berlin-lab"), Assignment("administrator", HOME)]
    problems = assignment_escalations(granter, held, PREDEFINED_ROLES)
    # then
    assert problems == []


def test_assignments_beyond_the_granter_list_each_problem_once() -> None:
    # given a buyer at berlin
    granter = access(Assignment("buyer", HOME))
    # when someone holds a purchasing manager role at berlin and at paris
    held = [Assignment("purchasing-manager", HOME), Assignment("purchasing-manager", "paris")]
    problems = assignment_escalations(granter, held, PREDEFINED_ROLES)
    # then each missing grant is named once
    assert len(problems) == len(set(problems))
    assert "orders.view (subtree)" in problems


def test_an_assignment_of_an_unknown_role_escalates_nothing() -> None:
    # given a principal holding nothing
    granter = access()
    # when someone holds a role that no longer exists
    problems = assignment_escalations(granter, [Assignment("gone", HOME)], PREDEFINED_ROLES)
    # then
    assert problems == []


def test_a_role_is_defined_with_grants_held_where_roles_are_managed() -> None:
    # given an administrator at berlin (who manages roles there)
    granter = access(Assignment("administrator", HOME))
    # when they define a role granting orders.view for the subtree
    problems = role_escalations(granter, {P.ORDERS_VIEW: SUBTREE})
    # then
    assert problems == []


def test_a_role_grant_held_only_where_roles_are_not_managed_escalates() -> None:
    # given a principal managing roles at paris and holding orders.view only at berlin
    roles = {
        **custom("keeper", {P.ROLES_MANAGE: UNIT}),
        "reader": Role(id="reader", name="Reader", grants={P.ORDERS_VIEW: UNIT}),
    }
    granter = access(Assignment("keeper", "paris"), Assignment("reader", HOME), roles=roles)
    # when they define a role granting orders.view
    problems = role_escalations(granter, {P.ORDERS_VIEW: UNIT})
    # then it escalates: at paris, where they manage roles, they do not hold it
    assert problems == ["orders.view (unit)"]


def test_defining_a_role_without_managing_roles_anywhere_names_roles_manage() -> None:
    # given a buyer
    granter = access(Assignment("buyer", HOME))
    # when they define a role
    problems = role_escalations(granter, {P.CATALOG_VIEW: UNIT})
    # then
    assert problems == ["roles.manage (unit)"]
