"""Customer access control (``chalicelib.domain.access``), timed in process. Prints figures; never asserts.

What it does:

1. Builds three company trees, as a request would from the company's unit items:
   - ``globex``: the demo company, 4 units (Globex -> EMEA -> Berlin, Globex -> US);
   - ``chain-50``: a company 50 levels deep (the deepest tree issue 4 asks for);
   - ``wide-1111``: a root, 10 regions, 10 sites per region, 10 departments per site (1,111 units).
2. Builds principals holding 1 to 3 role assignments in each (predefined roles and a custom
   "order desk" role), chosen so that each outcome walks the expensive way: allows matched by an
   assignment deep in the path, refusals that try every assignment for the permission and then for
   the permission that reveals the record (``VIEW_OF``).
3. Times with ``timeit`` (each run as many calls as fill about 0.2 s, ``--repeat`` runs; the median
   and the minimum per call):
   - ``decide()`` for allowed, forbidden (403) and hidden (404) outcomes, and another company's record;
   - ``CompanyTree(...)`` construction per tree (once per request that loads the company's units);
   - ``reach()`` (what a list may show) and ``escalations()`` (a role assignment being written);
   - ``StaffAccess.decide()`` for staff grants limited to organizations or assigned customers.

The outcome column is what ``decide()`` answered; a case whose answer is not the one it was built
for is flagged. Goal (issue 4): a policy decision at most 20 us.

    .venv/bin/python benchmarks/policy.py [--repeat 7]      # about 1.5 minutes
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.domain.access import (  # noqa: E402
    ADMINISTRATOR,
    BUYER,
    PREDEFINED_ROLES,
    Assignment,
    CompanyTree,
    CustomerAccess,
    CustomerPermission,
    Decision,
    Role,
    Scope,
    Target,
    decide,
    escalations,
    reach,
)
from chalicelib.domain.permissions import Permission  # noqa: E402
from chalicelib.domain.staff import (  # noqa: E402
    PREDEFINED_STAFF_ROLES,
    TENANT,
    StaffAccess,
    StaffAssignmentFields,
    StaffTarget,
    staff_access,
)

P = CustomerPermission
GOAL_US = 20.0
LABEL = 92  # width of a row's label in the printed tables
USER = "usr_bench"
OTHER = "usr_other"
FOREIGN = "other-company-unit"

ORDER_DESK = Role(id="order-desk", name="Order desk", grants={P.ORDERS_VIEW: Scope.UNIT})
ROLES: Mapping[str, Role] = {**PREDEFINED_ROLES, ORDER_DESK.id: ORDER_DESK}


def globex() -> dict[str, str | None]:
    return {"globex": None, "globex-emea": "globex", "globex-berlin": "globex-emea", "globex-us": "globex"}


def chain(depth: int = 50) -> dict[str, str | None]:
    return {f"u{level:02}": (f"u{level - 1:02}" if level else None) for level in range(depth)}


def wide(fan_out: int = 10) -> dict[str, str | None]:
    parents: dict[str, str | None] = {"w": None}
    for region in range(fan_out):
        parents[f"r{region}"] = "w"
        for site in range(fan_out):
            parents[f"r{region}s{site}"] = f"r{region}"
            for department in range(fan_out):
                parents[f"r{region}s{site}d{department}"] = f"r{region}s{site}"
    return parents


@dataclass(frozen=True)
class Case:
    """One timed decision: who asks, for what, on which record, and the outcome it was built for."""

    tree: str
    principal: str
    access: CustomerAccess
    permission: CustomerPermission
    target: Target
    expected: Decision


@dataclass(frozen=True)
class Timing:
    median_us: float
    min_us: float


def timed(call: Callable[[], object], repeat: int) -> Timing:
    """Per-call figures of ``call``: ``repeat`` runs of as many calls as fill about 0.2 s.

    Calls go through ``functools.partial`` (no Python frame of its own): the figure is the function's.
    """
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    runs = [total / number * 1e6 for total in timer.repeat(repeat=repeat, number=number)]
    return Timing(statistics.median(runs), min(runs))


def principal(tree: CompanyTree, *assignments: Assignment) -> CustomerAccess:
    return CustomerAccess(user_id=USER, tree=tree, assignments=assignments, roles=ROLES)


def decision_cases(trees: Mapping[str, CompanyTree]) -> list[Case]:
    g, c, w = trees["globex"], trees["chain-50"], trees["wide-1111"]

    g_admin = principal(g, Assignment("administrator", "globex"))
    g_manager = principal(
        g, Assignment("purchasing-manager", "globex-emea"), Assignment("buyer", "globex-us")
    )
    g_buyer = principal(
        g,
        Assignment("buyer", "globex-berlin", include_subunits=True),
        Assignment("buyer", "globex-us"),
        Assignment("order-desk", "globex-emea"),
    )
    c_admin_deep = principal(c, Assignment("administrator", "u48"))
    c_managers = principal(
        c,
        Assignment("purchasing-manager", "u40"),
        Assignment("purchasing-manager", "u45"),
        Assignment("buyer", "u49"),
    )
    c_buyer = principal(c, Assignment("buyer", "u47"), Assignment("buyer", "u48"), Assignment("buyer", "u49"))
    w_admin = principal(w, Assignment("administrator", "w"))
    w_mixed = principal(
        w,
        Assignment("purchasing-manager", "r3"),
        Assignment("buyer", "r7s7d7", include_subunits=True),
        Assignment("order-desk", "r5s5"),
    )
    allow, forbidden, hidden = Decision.ALLOW, Decision.FORBIDDEN, Decision.HIDDEN
    return [
        Case("globex", "admin (1)", g_admin, P.ORDERS_MANAGE, Target("globex-berlin", OTHER), allow),
        Case("globex", "manager+buyer (2)", g_manager, P.CHECKOUT, Target("globex-berlin", OTHER), allow),
        Case(
            "globex", "buyer x2+desk (3)", g_buyer, P.SHOPPING_LISTS_MANAGE, Target("globex-us", USER), allow
        ),
        Case("globex", "manager+buyer (2)", g_manager, P.USERS_MANAGE, Target("globex-berlin"), forbidden),
        Case("globex", "buyer x2+desk (3)", g_buyer, P.CHECKOUT, Target("globex-us", USER), forbidden),
        Case(
            "globex", "buyer x2+desk (3)", g_buyer, P.ORDERS_MANAGE, Target("globex-emea", OTHER), forbidden
        ),
        Case("globex", "manager+buyer (2)", g_manager, P.ORDERS_VIEW, Target("globex-us", OTHER), hidden),
        Case("globex", "buyer x2+desk (3)", g_buyer, P.ORDERS_MANAGE, Target("globex-berlin", OTHER), hidden),
        Case("globex", "buyer x2+desk (3)", g_buyer, P.CATALOG_VIEW, Target(FOREIGN, USER), hidden),
        Case("chain-50", "admin @u48 (1)", c_admin_deep, P.ORDERS_MANAGE, Target("u49", OTHER), allow),
        Case("chain-50", "managers+buyer (3)", c_managers, P.CHECKOUT, Target("u49", OTHER), allow),
        Case("chain-50", "managers+buyer (3)", c_managers, P.USERS_MANAGE, Target("u49"), forbidden),
        Case("chain-50", "buyer x3 (3)", c_buyer, P.CHECKOUT, Target("u49", USER), forbidden),
        Case("chain-50", "managers+buyer (3)", c_managers, P.ORDERS_MANAGE, Target("u39", OTHER), hidden),
        Case("chain-50", "buyer x3 (3)", c_buyer, P.SHOPPING_LISTS_MANAGE, Target("u49", OTHER), hidden),
        Case("wide-1111", "admin (1)", w_admin, P.ORDERS_MANAGE, Target("r9s9d9", OTHER), allow),
        Case("wide-1111", "manager+buyer+desk (3)", w_mixed, P.CHECKOUT, Target("r3s9d9", OTHER), allow),
        Case("wide-1111", "manager+buyer+desk (3)", w_mixed, P.USERS_MANAGE, Target("r3s9d9"), forbidden),
        Case("wide-1111", "manager+buyer+desk (3)", w_mixed, P.CHECKOUT, Target("r7s7d7", USER), forbidden),
        Case(
            "wide-1111", "manager+buyer+desk (3)", w_mixed, P.ORDERS_MANAGE, Target("r5s5", OTHER), forbidden
        ),
        Case(
            "wide-1111", "manager+buyer+desk (3)", w_mixed, P.ORDERS_MANAGE, Target("r9s9d9", OTHER), hidden
        ),
        Case("wide-1111", "manager+buyer+desk (3)", w_mixed, P.CATALOG_VIEW, Target(FOREIGN, USER), hidden),
    ]


def staff_cases() -> list[tuple[str, StaffAccess, Permission, StaffTarget]]:
    """Staff decisions: a tenant administrator, an organization administrator of 50 organizations
    among three assignments, and a sales rep with 500 assigned customers; allowed, 403 and 404."""
    roles = PREDEFINED_STAFF_ROLES

    def assignment(role_id: str, **limits: object) -> StaffAssignmentFields:
        return StaffAssignmentFields.model_validate({"role_id": role_id, **limits}, strict=False)

    organizations = [f"org_01JD{number:022d}" for number in range(50)]
    customers = frozenset(f"cus_01JD{number:022d}" for number in range(500))
    admin = staff_access("stf_admin", [assignment("tenant-administrator")], roles)
    org_admin = staff_access(
        "stf_org",
        [
            assignment("content-editor", organization_ids=organizations[:1]),
            assignment("catalog-manager"),
            assignment("organization-administrator", organization_ids=organizations),
        ],
        roles,
    )
    rep = staff_access(
        "stf_rep", [assignment("sales-representative", assigned_customers_only=True)], roles, customers
    )
    last_org, last_customer = (
        StaffTarget(organization_id=organizations[-1]),
        StaffTarget(customer_id=max(customers)),
    )
    return [
        ("tenant administrator (1)", admin, Permission.AUDIT_READ, TENANT),
        ("org admin of 50 + editor + catalog (3), last org", org_admin, Permission.WEBSITES_WRITE, last_org),
        (
            "org admin of 50 + editor + catalog (3), another",
            org_admin,
            Permission.WEBSITES_WRITE,
            StaffTarget("org_x"),
        ),
        ("catalog manager (via org admin), tenant-wide", org_admin, Permission.ORGANIZATIONS_WRITE, TENANT),
        ("sales rep of 500 customers (1), assigned", rep, Permission.CUSTOMERS_WRITE, last_customer),
        (
            "sales rep of 500 customers (1), another",
            rep,
            Permission.CUSTOMERS_WRITE,
            StaffTarget(customer_id="cus_x"),
        ),
    ]


def row(label: str, timing: Timing, note: str = "") -> str:
    return f"  {label:<{LABEL}} {timing.median_us:10.2f} {timing.min_us:10.2f}  {note}".rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure (at least 5)")
    args = parser.parse_args()
    repeat = max(args.repeat, 5)

    parents = {"globex": globex(), "chain-50": chain(), "wide-1111": wide()}
    trees = {name: CompanyTree(units) for name, units in parents.items()}
    print(
        f"python {platform.python_version()} ({sys.executable}), {os.cpu_count()} cores, "
        f"{repeat} runs per figure; figures in us per call"
    )
    header = f"  {'':<{LABEL}} {'median':>10} {'min':>10}"

    print("\ndecide()   tree, principal (assignments), permission, record -> outcome")
    print(header)
    decide_medians: list[float] = []
    for case in decision_cases(trees):
        outcome = decide(case.access, case.permission, case.target)
        where = f"{case.target.unit_id}{' (own)' if case.target.owner_id == USER else ''}"
        label = f"{case.tree:<9} {case.principal:<23} {case.permission.value:<22} {where:<24}"
        timing = timed(partial(decide, case.access, case.permission, case.target), repeat)
        decide_medians.append(timing.median_us)
        flag = "" if outcome is case.expected else f"  (built for {case.expected.value}!)"
        print(row(f"{label} {outcome.value}", timing, flag))

    print("\nCompanyTree(...)   construction from (unit, parent) pairs")
    print(header)
    for name, units in parents.items():
        depth = max(len(tree_path) for tree_path in (trees[name].path(unit) for unit in units))
        timing = timed(partial(CompanyTree, units), repeat)
        print(row(f"{name:<9} {len(units):5} units, {depth:2} levels", timing))

    print("\nreach()   units a list shows whole / only the principal's own records in")
    print(header)
    for name, tree in trees.items():
        admin = principal(tree, Assignment("administrator", tree.root))
        every, own = reach(admin, P.ORDERS_VIEW)
        timing = timed(partial(reach, admin, P.ORDERS_VIEW), repeat)
        print(
            row(
                f"{name:<9} administrator at root (1), orders.view -> {len(every)} / {len(own)} units", timing
            )
        )
    buyer_w = principal(
        trees["wide-1111"],
        Assignment("buyer", "r1", include_subunits=True),
        Assignment("buyer", "r2s2"),
        Assignment("purchasing-manager", "r1s1"),
    )
    every, own = reach(buyer_w, P.SHOPPING_LISTS_VIEW)
    timing = timed(partial(reach, buyer_w, P.SHOPPING_LISTS_VIEW), repeat)
    print(
        row(
            f"wide-1111 buyer@r1+sub, buyer, manager (3), shopping_lists.view -> {len(every)} / {len(own)}",
            timing,
        )
    )

    print("\nescalations()   an administrator at the root assigns a role -> problems listed")
    print(header)
    for name, tree in trees.items():
        admin = principal(tree, Assignment("administrator", tree.root))
        leaf = max(tree.subtree(tree.root), key=lambda unit: len(tree.path(unit)))
        grants_at: list[tuple[str, Mapping[CustomerPermission, Scope], str, bool]] = [
            ("buyer at a leaf", BUYER.grants, leaf, False),
            ("buyer at the root, with sub-units", BUYER.grants, tree.root, True),
            ("administrator at the root", ADMINISTRATOR.grants, tree.root, False),
        ]
        for what, grants, unit, include_subunits in grants_at:
            problems = escalations(admin, grants, unit, include_subunits)
            timing = timed(partial(escalations, admin, grants, unit, include_subunits), repeat)
            print(row(f"{name:<9} {what} ({len(grants)} permissions) -> {len(problems)}", timing))

    print("\nStaffAccess.decide()   staff principal (assignments), permission, record -> outcome")
    print(header)
    for label, access, permission, target in staff_cases():
        outcome = access.decide(permission, target)
        timing = timed(partial(access.decide, permission, target), repeat)
        decide_medians.append(timing.median_us)
        print(row(f"{label:<48} {permission.value:<20} {outcome.value}", timing))

    worst = max(decide_medians)
    verdict = "meets" if worst <= GOAL_US else "MISSES"
    print(
        f"\ndecide(): worst median {worst:.2f} us, best median {min(decide_medians):.2f} us over "
        f"{len(decide_medians)} cases -> {verdict} the goal of at most {GOAL_US:.0f} us per decision"
    )


if __name__ == "__main__":
    main()
