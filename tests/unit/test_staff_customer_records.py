"""An organization's record about one customer (a unit's catalog rule, the explanation for a unit):
a grant limited to assigned customers reaches it only for theirs."""

from __future__ import annotations

import pytest

from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import ANY, Grant, Reach, StaffAccess, StaffTarget

ME = "stf_" + "ME".rjust(26, "0")
ORG = "org_" + "A".rjust(26, "0")
MINE, THEIRS = "cus_" + "1".rjust(26, "0"), "cus_" + "2".rjust(26, "0")


def access(reach: Reach) -> StaffAccess:
    return StaffAccess(ME, (Grant(Permission.CATALOG_READ, reach),), frozenset({MINE}))


@pytest.mark.parametrize(
    ("reach", "customer_id", "expected"),
    [
        pytest.param(Reach(assigned_customers_only=True), MINE, True, id="assigned-only: theirs"),
        pytest.param(Reach(assigned_customers_only=True), THEIRS, False, id="assigned-only: another"),
        pytest.param(Reach(assigned_customers_only=True), None, True, id="assigned-only: no customer"),
        pytest.param(Reach(assigned_customers_only=True), ANY, True, id="assigned-only: any customer"),
        pytest.param(Reach(), THEIRS, True, id="unlimited: another"),
        pytest.param(Reach(frozenset({ORG})), THEIRS, True, id="organization: another"),
    ],
)
def test_an_organization_record_about_a_customer_needs_the_customer_in_an_assigned_only_reach(
    reach: Reach, customer_id: str | None, expected: bool
) -> None:
    # given a catalog.read grant with the reach, and customer MINE assigned
    staff = access(reach)

    # when it is asked about the organization's record about the customer
    admitted = staff.admits(
        Permission.CATALOG_READ, StaffTarget(organization_id=ORG, customer_id=customer_id)
    )

    # then
    assert admitted is expected
