"""Staff users and staff roles: grants limited to organizations or assigned customers, no escalation,
nobody changing their own access, the last Tenant Administrator, predefined and custom roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Outbox, Table, Worlds
from .support import assert_problem, error_locs, organization_body, ulid_of, website_body

Make = Callable[..., dict[str, Any]]
STAFF = "/v1/admin/staff-users"
ROLES = "/v1/admin/roles"
CUSTOMERS = "/v1/admin/customers"
ORGANIZATIONS = "/v1/admin/organizations"
WEBSITES = "/v1/admin/websites"
GROUPS = "/v1/admin/customer-groups"
ADMIN = "staff:admin@acme.example"
UNKNOWN_ORGANIZATION = "org_01J00000000000000000000000"
UNKNOWN_STAFF = "stf_01J00000000000000000000000"
TENANT_ADMINISTRATOR = {"role_id": "tenant-administrator"}
SALES_REPRESENTATIVE = {"role_id": "sales-representative", "assigned_customers_only": True}
SALES_PERMISSIONS = {
    "tenant.read",
    "customers.read",
    "customers.write",
    "customer_groups.read",
    "catalog.read",
    "prices.read",
    "orders.read",
    "orders.write",
    "orders.place_on_behalf",
}
PREDEFINED_LIMITS = {
    "tenant-administrator": None,
    "organization-administrator": "organizations",
    "sales-representative": "assigned_customers",
    "catalog-manager": None,
    "pricing-manager": None,
    "content-editor": None,
}
KEEPER_PERMISSIONS = ["staff_users.write", "staff_users.read", "staff_roles.read"]

# Every test here starts from the empty table or a world this module builds once (acme; each
# fixture's staff on it).
pytestmark = pytest.mark.shared_account


def signed_in(api: Api, email: str) -> str:
    """A token of acme's staff user ``email``, signed in once: the first sign-in binds the account with
    a write, so a test of a refusal then sees only what the refused request does."""
    token = api.token("acme", email)
    assert api.call("GET", "/v1/admin/me", token=token).status == 200
    return token


def staff_path(staff_id: str) -> str:
    return f"{STAFF}/{staff_id}"


def role_path(role_id: str) -> str:
    return f"{ROLES}/{role_id}"


def organization_administrator(*organization_ids: str) -> dict[str, Any]:
    return {"role_id": "organization-administrator", "organization_ids": list(organization_ids)}


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


def me(api: Api, token: str) -> dict[str, Any]:
    reply = api.call("GET", "/v1/admin/me", token=token)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


@dataclass(frozen=True)
class Attempt:
    """A request some caller is refused: its method, path and body, the status and the 422's loc."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    status: int = 404
    loc: str | None = None


@pytest.fixture
def admin(make_tenant: Callable[..., str], worlds: Worlds) -> str:
    """The token of acme's tenant administrator (admin@acme.example)."""
    return worlds.world("acme", lambda: make_tenant("acme"))


# --- adding a staff user ------------------------------------------------------------------------------------


def test_an_administrator_adds_a_sales_representative_who_can_sign_in(
    api: Api, admin: str, make_staff_user: Make
) -> None:
    # when
    sam = make_staff_user(admin, "sam.sales@acme.example")

    # then sam signs in holding the Sales Representative's permissions, for assigned customers only
    assert ulid_of("stf").match(sam["id"])
    mine = me(api, api.token("acme", "sam.sales@acme.example"))
    assert mine["user"]["id"] == sam["id"]
    assert {grant["permission"] for grant in mine["grants"]} == SALES_PERMISSIONS
    assert all(grant["assigned_customers_only"] is True for grant in mine["grants"])
    assert all(grant["organization_ids"] is None for grant in mine["grants"])
    assert mine["assigned_customer_ids"] == []


def test_adding_a_staff_user_is_audited_with_its_actor(
    api: Api, admin: str, make_staff_user: Make, outbox: Outbox
) -> None:
    # given
    sam = make_staff_user(admin, "sam.sales@acme.example")

    # when
    outbox.drain()
    reply = api.call("GET", "/v1/admin/audit?entity_type=staff_user", token=admin)

    # then
    assert reply.status == 200, reply.body
    [entry] = [entry for entry in reply.body["items"] if entry["entity_id"] == sam["id"]]
    assert (entry["action"], entry["entity_id"], entry["actor"]) == ("created", sam["id"], ADMIN)
    assert entry["changes"]["email"] == {"before": None, "after": "sam.sales@acme.example"}


@pytest.mark.parametrize(
    "email",
    ["admin@acme.example", "Admin@ACME.example", "sam.sales@acme.example", "bob.buyer@globex.example"],
    ids=["a staff user", "a staff user, in other case", "a staff user added by API", "a customer user"],
)
def test_an_email_is_one_account_per_tenant_across_staff_and_customer_users(
    api: Api,
    admin: str,
    make_staff_user: Make,
    make_customer: Make,
    make_customer_user: Make,
    table: Table,
    email: str,
) -> None:
    # given a staff user sam and a customer user bob
    make_staff_user(admin, "sam.sales@acme.example")
    globex = make_customer(admin)["id"]
    make_customer_user(admin, globex, globex, email="bob.buyer@globex.example")
    before = table.writes()

    # when the email is added as a staff user
    reply = api.call(
        "POST",
        STAFF,
        token=admin,
        body={"email": email, "name": "Twin", "assignments": [SALES_REPRESENTATIVE]},
    )

    # then
    assert_problem(reply, 409)
    assert table.writes() == before


@pytest.mark.parametrize(
    ("assignment", "loc"),
    [
        ({"role_id": "overlord"}, "body.assignments[0].role_id"),
        ({"role_id": "srl_01J00000000000000000000000"}, "body.assignments[0].role_id"),
        ({"role_id": "platform-operator"}, "body.assignments[0].role_id"),
        ({"role_id": "organization-administrator"}, "body.assignments[0]"),
        ({"role_id": "sales-representative"}, "body.assignments[0]"),
        (organization_administrator(UNKNOWN_ORGANIZATION), "body.assignments[0].organization_ids[0]"),
        ({"role_id": "catalog-manager", "organization_ids": []}, "body.assignments[0].organization_ids"),
        (
            organization_administrator(UNKNOWN_ORGANIZATION, UNKNOWN_ORGANIZATION),
            "body.assignments[0]",
        ),
    ],
    ids=[
        "unknown role",
        "unknown custom role",
        "platform operator outside the platform",
        "organization administrator without organizations",
        "sales representative without assigned customers only",
        "unknown organization",
        "empty organization list",
        "repeated organization",
    ],
)
def test_a_staff_user_body_that_is_not_valid_is_422_and_writes_nothing(
    api: Api, admin: str, table: Table, assignment: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()
    body = {"email": "eve@acme.example", "name": "Eve", "assignments": [assignment]}

    # when
    reply = api.call("POST", STAFF, token=admin, body=body)

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


# --- an Organization Administrator limited to organizations -------------------------------------------------


@dataclass
class Limited:
    """acme with organizations A and B, a website each, and olga, administrator of A only."""

    admin: str
    olga: str
    ids: dict[str, str]


@pytest.fixture
def limited(
    api: Api,
    admin: str,
    make_organization: Make,
    make_website: Make,
    make_staff_user: Make,
    make_customer: Make,
    worlds: Worlds,
) -> Limited:
    def build() -> Limited:
        a = make_organization(admin, name="Acme Europe")["id"]
        b = make_organization(admin, name="Acme Nordics")["id"]
        website_a = make_website(admin, a, name="Acme Germany", hostnames=["shop.acme.de"])["id"]
        website_b = make_website(admin, b, name="Acme Sweden", hostnames=["shop.acme.se"])["id"]
        customer = make_customer(admin)["id"]
        make_staff_user(
            admin, "olga.org@acme.example", name="Olga", assignments=[organization_administrator(a)]
        )
        ids = {"a": a, "b": b, "website_a": website_a, "website_b": website_b, "customer": customer}
        return Limited(admin, signed_in(api, "olga.org@acme.example"), ids)

    return worlds.world("limited", build, on="acme")


def test_an_organization_administrator_lists_only_their_organizations(api: Api, limited: Limited) -> None:
    # when
    reply = api.call("GET", ORGANIZATIONS, token=limited.olga)

    # then
    assert reply.status == 200, reply.body
    assert [organization["id"] for organization in reply.body["items"]] == [limited.ids["a"]]


def test_an_organization_administrator_lists_only_their_organizations_websites(
    api: Api, limited: Limited
) -> None:
    # when
    reply = api.call("GET", WEBSITES, token=limited.olga)

    # then
    assert reply.status == 200, reply.body
    assert [website["id"] for website in reply.body["items"]] == [limited.ids["website_a"]]


def test_an_organization_administrator_shows_the_limit_of_their_grants(api: Api, limited: Limited) -> None:
    # when
    mine = me(api, limited.olga)

    # then
    assert {tuple(grant["organization_ids"]) for grant in mine["grants"]} == {(limited.ids["a"],)}
    assert "websites.write" in {grant["permission"] for grant in mine["grants"]}


def test_an_organization_administrator_reads_and_changes_their_organization(
    api: Api, limited: Limited
) -> None:
    # given
    path = f"{ORGANIZATIONS}/{limited.ids['a']}"

    # when
    read = api.call("GET", path, token=limited.olga)
    changed = api.call("PATCH", path, token=limited.olga, body={"name": "Acme Central Europe", "version": 1})

    # then
    assert read.status == 200, read.body
    assert changed.status == 200, changed.body
    assert (changed.body["name"], changed.body["version"]) == ("Acme Central Europe", 2)


def test_an_organization_administrator_changes_a_website_of_their_organization(
    api: Api, limited: Limited
) -> None:
    # when
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{limited.ids['website_a']}",
        token=limited.olga,
        body={"name": "Acme Deutschland", "version": 1},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Acme Deutschland"


OLGA_REFUSED: dict[str, Callable[[dict[str, str]], Attempt]] = {
    "get another organization": lambda ids: Attempt("GET", f"{ORGANIZATIONS}/{ids['b']}"),
    "change another organization": lambda ids: Attempt(
        "PATCH", f"{ORGANIZATIONS}/{ids['b']}", {"name": "Mine now", "version": 1}
    ),
    "get a website of another organization": lambda ids: Attempt("GET", f"{WEBSITES}/{ids['website_b']}"),
    "change a website of another organization": lambda ids: Attempt(
        "PATCH", f"{WEBSITES}/{ids['website_b']}", {"name": "Mine now", "version": 1}
    ),
    "delete a website of another organization": lambda ids: Attempt(
        "DELETE", f"{WEBSITES}/{ids['website_b']}"
    ),
    "create a website under another organization": lambda ids: Attempt(
        "POST", WEBSITES, website_body(ids["b"], hostnames=["shop.acme.no"]), 422, "body.organization_id"
    ),
    "move a website to another organization": lambda ids: Attempt(
        "PATCH",
        f"{WEBSITES}/{ids['website_a']}",
        {"organization_id": ids["b"], "version": 1},
        422,
        "body.organization_id",
    ),
    "create an organization": lambda ids: Attempt("POST", ORGANIZATIONS, organization_body(), 403),
    "list customers": lambda ids: Attempt("GET", CUSTOMERS, status=403),
    "get a customer": lambda ids: Attempt("GET", f"{CUSTOMERS}/{ids['customer']}", status=403),
    "create a customer": lambda ids: Attempt("POST", CUSTOMERS, {"name": "Initech"}, 403),
    "read the audit log": lambda ids: Attempt("GET", "/v1/admin/audit", status=403),
    "list staff users": lambda ids: Attempt("GET", STAFF, status=403),
}


@pytest.mark.parametrize("attempt", OLGA_REFUSED.values(), ids=OLGA_REFUSED.keys())
def test_an_organization_administrator_is_refused_beyond_their_organization(
    api: Api, limited: Limited, table: Table, attempt: Callable[[dict[str, str]], Attempt]
) -> None:
    # given
    refused = attempt(limited.ids)
    before = table.writes()

    # when
    reply = api.call(refused.method, refused.path, token=limited.olga, body=refused.body)

    # then it is refused, and nothing changed
    assert_problem(reply, refused.status)
    if refused.loc is not None:
        assert error_locs(reply) == [refused.loc]
    assert table.writes() == before


# --- a Sales Representative limited to assigned customers ---------------------------------------------------


@dataclass
class Rep:
    """acme's customers: globex names sam at its company, initech at a sub-unit only, hooli not at all."""

    admin: str
    sam: str
    sam_id: str
    ids: dict[str, str]


@pytest.fixture
def rep(
    api: Api, admin: str, make_staff_user: Make, make_customer: Make, make_unit: Make, worlds: Worlds
) -> Rep:
    def build() -> Rep:
        sam_id = make_staff_user(admin, "sam.sales@acme.example")["id"]
        globex = make_customer(admin, name="Globex", sales_rep_ids=[sam_id])["id"]
        initech = make_customer(admin, name="Initech")["id"]
        initech_lyon = make_unit(admin, initech, initech, name="Initech Lyon", sales_rep_ids=[sam_id])["id"]
        hooli = make_customer(admin, name="Hooli")["id"]
        hooli_sales = make_unit(admin, hooli, hooli, name="Hooli Sales")["id"]
        ids = {
            "globex": globex,
            "initech": initech,
            "initech_lyon": initech_lyon,
            "hooli": hooli,
            "hooli_sales": hooli_sales,
        }
        return Rep(admin, signed_in(api, "sam.sales@acme.example"), sam_id, ids)

    return worlds.world("rep", build, on="acme")


def test_a_sales_representative_lists_only_the_customers_that_name_them(api: Api, rep: Rep) -> None:
    # when
    reply = api.call("GET", CUSTOMERS, token=rep.sam)

    # then a customer naming sam at a sub-unit only counts too
    assert reply.status == 200, reply.body
    assert sorted(customer["id"] for customer in reply.body["items"]) == sorted(
        [rep.ids["globex"], rep.ids["initech"]]
    )
    assert me(api, rep.sam)["assigned_customer_ids"] == sorted([rep.ids["globex"], rep.ids["initech"]])


def test_a_sales_representative_pages_through_their_customers(api: Api, rep: Rep) -> None:
    # when sam lists his two customers one a page
    first = api.call("GET", f"{CUSTOMERS}?limit=1", token=rep.sam)
    second = api.call("GET", f"{CUSTOMERS}?limit=1&cursor={first.body['next_cursor']}", token=rep.sam)

    # then each comes once, in id order, and the second page is the last
    assert [page.status for page in (first, second)] == [200, 200]
    listed = [customer["id"] for page in (first, second) for customer in page.body["items"]]
    assert listed == sorted([rep.ids["globex"], rep.ids["initech"]])
    assert second.body["next_cursor"] is None


def test_a_cursor_serves_only_the_caller_it_was_given_to(api: Api, rep: Rep) -> None:
    # given a cursor handed to the tenant administrator
    cursor = api.call("GET", f"{CUSTOMERS}?limit=1", token=rep.admin).body["next_cursor"]

    # when sam, in the same tenant, continues with it
    reply = api.call("GET", f"{CUSTOMERS}?limit=1&cursor={cursor}", token=rep.sam)

    # then
    assert error_locs(reply) == ["query.cursor"]


@pytest.mark.parametrize("customer", ["globex", "initech"])
def test_a_sales_representative_reads_an_assigned_customers_tree(api: Api, rep: Rep, customer: str) -> None:
    # when
    reply = api.call("GET", f"{CUSTOMERS}/{rep.ids[customer]}/units", token=rep.sam)

    # then
    assert reply.status == 200, reply.body


SAM_HIDDEN: dict[str, Callable[[dict[str, str]], Attempt]] = {
    "get the customer": lambda ids: Attempt("GET", f"{CUSTOMERS}/{ids['hooli']}"),
    "change the customer": lambda ids: Attempt(
        "PATCH", f"{CUSTOMERS}/{ids['hooli']}", {"name": "Mine now", "version": 1}
    ),
    "list its units": lambda ids: Attempt("GET", f"{CUSTOMERS}/{ids['hooli']}/units"),
    "get a unit": lambda ids: Attempt("GET", f"{CUSTOMERS}/{ids['hooli']}/units/{ids['hooli_sales']}"),
    "delete a unit": lambda ids: Attempt("DELETE", f"{CUSTOMERS}/{ids['hooli']}/units/{ids['hooli_sales']}"),
    "list its users": lambda ids: Attempt("GET", f"{CUSTOMERS}/{ids['hooli']}/users"),
}


@pytest.mark.parametrize("attempt", SAM_HIDDEN.values(), ids=SAM_HIDDEN.keys())
def test_another_customer_is_404_for_a_sales_representative(
    api: Api, rep: Rep, table: Table, attempt: Callable[[dict[str, str]], Attempt]
) -> None:
    # given
    hidden = attempt(rep.ids)
    before = table.writes()

    # when
    reply = api.call(hidden.method, hidden.path, token=rep.sam, body=hidden.body, headers=if_match(1))

    # then
    assert_problem(reply, hidden.status)
    assert table.writes() == before


def test_a_sales_representative_changes_an_assigned_customer(api: Api, rep: Rep) -> None:
    # when
    reply = api.call(
        "PATCH", f"{CUSTOMERS}/{rep.ids['globex']}", token=rep.sam, body={"name": "Globex AG", "version": 1}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Globex AG"


def test_a_sales_representative_cannot_create_customers(api: Api, rep: Rep, table: Table) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", CUSTOMERS, token=rep.sam, body={"name": "Umbrella"})

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_an_unassigned_customer_is_404_for_the_sales_representative_at_their_next_request(
    api: Api, rep: Rep
) -> None:
    # given sam reads globex
    path = f"{CUSTOMERS}/{rep.ids['globex']}"
    assert api.call("GET", path, token=rep.sam).status == 200

    # when the administrator takes sam off globex
    reply = api.call("PATCH", path, token=rep.admin, body={"sales_rep_ids": [], "version": 1})
    assert reply.status == 200, reply.body

    # then
    assert_problem(api.call("GET", path, token=rep.sam), 404)
    listed = api.call("GET", CUSTOMERS, token=rep.sam).body["items"]
    assert [customer["id"] for customer in listed] == [rep.ids["initech"]]


def test_a_sales_representative_reads_customer_groups(api: Api, rep: Rep, make_customer_group: Make) -> None:
    # given
    group = make_customer_group(rep.admin)

    # when
    listed = api.call("GET", GROUPS, token=rep.sam)
    read = api.call("GET", f"{GROUPS}/{group['id']}", token=rep.sam)

    # then
    assert listed.status == 200, listed.body
    assert [item["id"] for item in listed.body["items"]] == [group["id"]]
    assert read.status == 200, read.body


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_a_sales_representative_cannot_change_customer_groups(
    api: Api, rep: Rep, make_customer_group: Make, table: Table, method: str
) -> None:
    # given
    group = make_customer_group(rep.admin)
    path = GROUPS if method == "POST" else f"{GROUPS}/{group['id']}"
    before = table.writes()

    # when
    reply = api.call(method, path, token=rep.sam, body={"name": "Mine", "version": 1}, headers=if_match(1))

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


# --- sales representatives named by units -------------------------------------------------------------------


@pytest.mark.parametrize("how", ["create", "change"])
def test_naming_an_unknown_staff_user_as_sales_representative_is_422_and_writes_nothing(
    api: Api, admin: str, make_customer: Make, table: Table, how: str
) -> None:
    # given
    globex = make_customer(admin)
    before = table.writes()

    # when
    if how == "create":
        reply = api.call(
            "POST", CUSTOMERS, token=admin, body={"name": "Initech", "sales_rep_ids": [UNKNOWN_STAFF]}
        )
    else:
        reply = api.call(
            "PATCH",
            f"{CUSTOMERS}/{globex['id']}",
            token=admin,
            body={"sales_rep_ids": [UNKNOWN_STAFF], "version": 1},
        )

    # then
    assert error_locs(reply) == ["body.sales_rep_ids"]
    assert table.writes() == before


@pytest.mark.parametrize("where", ["initech", "initech_lyon"], ids=["at the company", "at a sub-unit"])
def test_a_staff_user_still_named_as_sales_representative_cannot_be_deleted(
    api: Api,
    admin: str,
    make_staff_user: Make,
    make_customer: Make,
    make_unit: Make,
    table: Table,
    where: str,
) -> None:
    # given sam, named by one unit of initech
    sam = make_staff_user(admin, "sam.sales@acme.example")
    initech = make_customer(admin, name="Initech", sales_rep_ids=[sam["id"]] if where == "initech" else [])
    sales_rep_ids = [sam["id"]] if where == "initech_lyon" else []
    make_unit(admin, initech["id"], initech["id"], name="Initech Lyon", sales_rep_ids=sales_rep_ids)
    before = table.writes()

    # when
    reply = api.call("DELETE", staff_path(sam["id"]), token=admin, headers=if_match(sam["version"]))

    # then
    assert "sales representative" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_sales_representative_no_unit_names_any_more_can_be_deleted(
    api: Api, admin: str, make_staff_user: Make, make_customer: Make
) -> None:
    # given sam, taken off the only customer that named him
    sam = make_staff_user(admin, "sam.sales@acme.example")
    globex = make_customer(admin, sales_rep_ids=[sam["id"]])
    path = f"{CUSTOMERS}/{globex['id']}"
    assert api.call("PATCH", path, token=admin, body={"sales_rep_ids": [], "version": 1}).status == 200

    # when
    reply = api.call("DELETE", staff_path(sam["id"]), token=admin, headers=if_match(sam["version"]))

    # then sam is gone, and can no longer sign in
    assert reply.status == 204, reply.body
    assert_problem(api.call("GET", staff_path(sam["id"]), token=admin), 404)
    assert_problem(api.call("GET", "/v1/admin/me", token=api.token("acme", "sam.sales@acme.example")), 403)


# --- no escalation ------------------------------------------------------------------------------------------


@dataclass
class Keeper:
    """kim, who holds a custom role with staff_users.write, staff_users.read and staff_roles.read."""

    admin: str
    kim: str
    role_id: str


@pytest.fixture
def keeper(api: Api, admin: str, make_staff_role: Make, make_staff_user: Make, worlds: Worlds) -> Keeper:
    def build() -> Keeper:
        role = make_staff_role(admin, name="Staff keeper", permissions=KEEPER_PERMISSIONS)
        make_staff_user(admin, "kim.keeper@acme.example", name="Kim", assignments=[{"role_id": role["id"]}])
        return Keeper(admin, signed_in(api, "kim.keeper@acme.example"), role["id"])

    return worlds.world("keeper", build, on="acme")


@pytest.mark.parametrize("role_id", ["tenant-administrator", "catalog-manager"])
def test_a_staff_keeper_cannot_add_a_user_with_a_role_they_do_not_hold(
    api: Api, keeper: Keeper, table: Table, role_id: str
) -> None:
    # given
    before = table.writes()
    body = {"email": "eve@acme.example", "name": "Eve", "assignments": [{"role_id": role_id}]}

    # when
    reply = api.call("POST", STAFF, token=keeper.kim, body=body)

    # then
    assert "you cannot hand out" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_a_staff_keeper_cannot_give_an_existing_user_a_role_they_do_not_hold(
    api: Api, keeper: Keeper, make_staff_user: Make, table: Table
) -> None:
    # given ken, holding the same role as kim
    ken = make_staff_user(
        keeper.admin, "ken@acme.example", name="Ken", assignments=[{"role_id": keeper.role_id}]
    )
    before = table.writes()

    # when kim gives ken the Catalog Manager role besides
    assignments = [{"role_id": keeper.role_id}, {"role_id": "catalog-manager"}]
    reply = api.call(
        "PATCH", staff_path(ken["id"]), token=keeper.kim, body={"assignments": assignments, "version": 1}
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_staff_keeper_cannot_disable_or_delete_someone_holding_more(
    api: Api, keeper: Keeper, make_staff_user: Make, table: Table, method: str
) -> None:
    # given tom, a second tenant administrator (so the last administrator rule is not what refuses)
    tom = make_staff_user(keeper.admin, "tom@acme.example", name="Tom", assignments=[TENANT_ADMINISTRATOR])
    before = table.writes()

    # when
    reply = api.call(
        method,
        staff_path(tom["id"]),
        token=keeper.kim,
        body={"status": "disabled", "version": 1},
        headers=if_match(1),
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_a_staff_keeper_adds_a_user_with_their_own_role(api: Api, keeper: Keeper) -> None:
    # when
    body = {"email": "ken@acme.example", "name": "Ken", "assignments": [{"role_id": keeper.role_id}]}
    reply = api.call("POST", STAFF, token=keeper.kim, body=body)

    # then
    assert reply.status == 201, reply.body
    assert {grant["permission"] for grant in me(api, api.token("acme", "ken@acme.example"))["grants"]} == set(
        KEEPER_PERMISSIONS
    )


ROLE_WRITER_REFUSED: dict[str, Callable[[str], Attempt]] = {
    "create a role with audit.read": lambda auditor: Attempt(
        "POST", ROLES, {"name": "Auditor", "permissions": ["audit.read"]}, 403
    ),
    "create a role with a held and an unheld permission": lambda auditor: Attempt(
        "POST", ROLES, {"name": "Reader", "permissions": ["staff_users.read", "customers.read"]}, 403
    ),
    "copy the tenant administrator": lambda auditor: Attempt(
        "POST", role_path("tenant-administrator") + "/copies", {"name": "Almost admin"}, 403
    ),
    "rename a role with audit.read": lambda auditor: Attempt(
        "PATCH", role_path(auditor), {"name": "Renamed", "version": 1}, 403
    ),
    "add a permission to a role": lambda auditor: Attempt(
        "PATCH", role_path(auditor), {"permissions": ["audit.read", "customers.read"], "version": 1}, 403
    ),
    "delete a role with audit.read": lambda auditor: Attempt("DELETE", role_path(auditor), status=403),
}


@pytest.mark.parametrize("attempt", ROLE_WRITER_REFUSED.values(), ids=ROLE_WRITER_REFUSED.keys())
def test_a_role_writer_cannot_make_or_change_a_role_beyond_what_they_hold(
    api: Api,
    keeper: Keeper,
    make_staff_role: Make,
    make_staff_user: Make,
    table: Table,
    attempt: Callable[[str], Attempt],
) -> None:
    # given rita, staff keeper who may also write roles, and an auditor role made by the administrator
    writer = make_staff_role(keeper.admin, name="Role writer", permissions=["staff_roles.write"])
    auditor = make_staff_role(keeper.admin, name="Auditor", permissions=["audit.read"])
    make_staff_user(
        keeper.admin,
        "rita.roles@acme.example",
        name="Rita",
        assignments=[{"role_id": keeper.role_id}, {"role_id": writer["id"]}],
    )
    rita = signed_in(api, "rita.roles@acme.example")
    refused = attempt(auditor["id"])
    before = table.writes()

    # when
    reply = api.call(refused.method, refused.path, token=rita, body=refused.body, headers=if_match(1))

    # then
    assert "you cannot hand out" in assert_problem(reply, refused.status)["detail"]
    assert table.writes() == before


def test_a_role_writer_creates_a_role_with_what_they_hold(
    api: Api, keeper: Keeper, make_staff_role: Make, make_staff_user: Make
) -> None:
    # given rita, staff keeper who may also write roles
    writer = make_staff_role(keeper.admin, name="Role writer", permissions=["staff_roles.write"])
    make_staff_user(
        keeper.admin,
        "rita.roles@acme.example",
        name="Rita",
        assignments=[{"role_id": keeper.role_id}, {"role_id": writer["id"]}],
    )

    # when
    reply = api.call(
        "POST",
        ROLES,
        token=api.token("acme", "rita.roles@acme.example"),
        body={"name": "Staff reader", "permissions": ["staff_users.read"]},
    )

    # then
    assert reply.status == 201, reply.body


@dataclass
class OrganizationLimited:
    """lena, staff keeper who reads organization A only, and the organization-viewer role."""

    admin: str
    lena: str
    keeper: str
    viewer: str
    a: str
    b: str


@pytest.fixture
def organization_limited(
    api: Api,
    keeper: Keeper,
    make_staff_role: Make,
    make_staff_user: Make,
    make_organization: Make,
    worlds: Worlds,
) -> OrganizationLimited:
    def build() -> OrganizationLimited:
        a = make_organization(keeper.admin, name="Acme Europe")["id"]
        b = make_organization(keeper.admin, name="Acme Nordics")["id"]
        viewer = make_staff_role(
            keeper.admin, name="Organization viewer", permissions=["organizations.read"]
        )["id"]
        make_staff_user(
            keeper.admin,
            "lena@acme.example",
            name="Lena",
            assignments=[{"role_id": keeper.role_id}, {"role_id": viewer, "organization_ids": [a]}],
        )
        lena = signed_in(api, "lena@acme.example")
        return OrganizationLimited(keeper.admin, lena, keeper.role_id, viewer, a, b)

    return worlds.world("organization limited", build, on="keeper")


def viewer_body(limit: OrganizationLimited, organizations: list[str] | None) -> dict[str, Any]:
    """uma, organization viewer of the named ones of A and B (None: of every organization)."""
    organization_ids = None if organizations is None else [getattr(limit, name) for name in organizations]
    assignment = {"role_id": limit.viewer, "organization_ids": organization_ids}
    return {"email": "uma@acme.example", "name": "Uma", "assignments": [assignment]}


def test_an_organization_limited_user_hands_out_their_own_reach(
    api: Api, organization_limited: OrganizationLimited
) -> None:
    # when lena adds uma, viewer of A like her
    reply = api.call(
        "POST", STAFF, token=organization_limited.lena, body=viewer_body(organization_limited, ["a"])
    )

    # then
    assert reply.status == 201, reply.body


@pytest.mark.parametrize(
    "organizations",
    [["a", "b"], ["b"], None],
    ids=["one more organization", "another organization", "every organization"],
)
def test_an_organization_limited_user_hands_out_no_wider_reach_than_theirs(
    api: Api, organization_limited: OrganizationLimited, table: Table, organizations: list[str] | None
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        "POST", STAFF, token=organization_limited.lena, body=viewer_body(organization_limited, organizations)
    )

    # then
    assert "organizations.read" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


@pytest.mark.parametrize(
    ("held", "given"),
    [(["a"], ["a", "b"]), (["a", "b"], ["a"])],
    ids=["widen", "narrow someone wider"],
)
def test_an_organization_limited_user_cannot_change_the_reach_of_someone_beyond_theirs(
    api: Api,
    organization_limited: OrganizationLimited,
    make_staff_user: Make,
    table: Table,
    held: list[str],
    given: list[str],
) -> None:
    # given uma, an organization viewer
    limit = organization_limited
    uma = make_staff_user(
        limit.admin,
        "uma@acme.example",
        name="Uma",
        assignments=[{"role_id": limit.viewer, "organization_ids": [getattr(limit, name) for name in held]}],
    )
    before = table.writes()

    # when lena changes uma's organizations
    assignments = [{"role_id": limit.viewer, "organization_ids": [getattr(limit, name) for name in given]}]
    reply = api.call(
        "PATCH", staff_path(uma["id"]), token=limit.lena, body={"assignments": assignments, "version": 1}
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_organizations_held_through_two_assignments_cover_a_reach_over_both(
    api: Api, organization_limited: OrganizationLimited, make_staff_user: Make
) -> None:
    # given leo, staff keeper who reads A and B through two assignments of the viewer role
    limit = organization_limited
    make_staff_user(
        limit.admin,
        "leo@acme.example",
        name="Leo",
        assignments=[
            {"role_id": limit.keeper},
            {"role_id": limit.viewer, "organization_ids": [limit.a]},
            {"role_id": limit.viewer, "organization_ids": [limit.b]},
        ],
    )
    leo = signed_in(api, "leo@acme.example")
    listed = api.call("GET", ORGANIZATIONS, token=leo).body["items"]
    assert sorted(organization["id"] for organization in listed) == sorted([limit.a, limit.b])

    # when leo adds uma, viewer of A and B in one assignment
    reply = api.call("POST", STAFF, token=leo, body=viewer_body(limit, ["a", "b"]))

    # then it is no wider than what leo reads
    assert reply.status == 201, reply.body


# --- nobody changes their own access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"status": "disabled"},
        {"assignments": [{"role_id": "catalog-manager"}]},
        {"assignments": [TENANT_ADMINISTRATOR, {"role_id": "catalog-manager"}]},
        {"assignments": []},
    ],
    ids=["disable", "demote", "add a role", "take every role"],
)
def test_nobody_changes_their_own_access(
    api: Api, admin: str, make_staff_user: Make, table: Table, change: dict[str, Any]
) -> None:
    # given a second administrator, so the last administrator rule is not what refuses
    make_staff_user(admin, "tom@acme.example", name="Tom", assignments=[TENANT_ADMINISTRATOR])
    myself = me(api, admin)["user"]
    before = table.writes()

    # when
    reply = api.call(
        "PATCH", staff_path(myself["id"]), token=admin, body={**change, "version": myself["version"]}
    )

    # then
    assert "yourself" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_nobody_deletes_themselves(api: Api, admin: str, make_staff_user: Make, table: Table) -> None:
    # given a second administrator
    make_staff_user(admin, "tom@acme.example", name="Tom", assignments=[TENANT_ADMINISTRATOR])
    myself = me(api, admin)["user"]
    before = table.writes()

    # when
    reply = api.call("DELETE", staff_path(myself["id"]), token=admin, headers=if_match(myself["version"]))

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_anybody_renames_themselves(api: Api, admin: str) -> None:
    # given
    myself = me(api, admin)["user"]

    # when
    reply = api.call(
        "PATCH",
        staff_path(myself["id"]),
        token=admin,
        body={"name": "Ada Admin", "version": myself["version"]},
    )

    # then
    assert reply.status == 200, reply.body
    assert me(api, admin)["user"]["name"] == "Ada Admin"


# --- the last Tenant Administrator --------------------------------------------------------------------------


LAST_ADMIN_CHANGES: dict[str, Callable[[str], dict[str, Any]]] = {
    "disable": lambda organization: {"status": "disabled"},
    "demote": lambda organization: {"assignments": [{"role_id": "catalog-manager"}]},
    "limit to an organization": lambda organization: {
        "assignments": [{"role_id": "tenant-administrator", "organization_ids": [organization]}]
    },
}


@pytest.mark.parametrize("attempt", [*LAST_ADMIN_CHANGES, "delete"])
def test_the_last_active_tenant_administrator_cannot_be_disabled_demoted_or_deleted(
    api: Api, admin: str, make_staff_user: Make, make_organization: Make, table: Table, attempt: str
) -> None:
    # given dora, who holds a copy of the Tenant Administrator role (every permission, but not the role)
    organization = make_organization(admin)["id"]
    deputy = api.call(
        "POST", role_path("tenant-administrator") + "/copies", token=admin, body={"name": "Deputy"}
    )
    assert deputy.status == 201, deputy.body
    make_staff_user(
        admin, "dora.deputy@acme.example", name="Dora", assignments=[{"role_id": deputy.body["id"]}]
    )
    dora = signed_in(api, "dora.deputy@acme.example")
    last = me(api, admin)["user"]
    path, version = staff_path(last["id"]), last["version"]
    before = table.writes()

    # when dora tries to take the tenant's only administrator away
    if attempt == "delete":
        reply = api.call("DELETE", path, token=dora, headers=if_match(version))
    else:
        reply = api.call(
            "PATCH", path, token=dora, body={**LAST_ADMIN_CHANGES[attempt](organization), "version": version}
        )

    # then
    assert "Tenant Administrator" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_of_two_tenant_administrators_one_can_disable_the_other(
    api: Api, admin: str, make_staff_user: Make
) -> None:
    # given tom, a second tenant administrator
    make_staff_user(admin, "tom@acme.example", name="Tom", assignments=[TENANT_ADMINISTRATOR])
    tom = signed_in(api, "tom@acme.example")
    first = me(api, admin)["user"]

    # when tom disables the first administrator
    reply = api.call(
        "PATCH", staff_path(first["id"]), token=tom, body={"status": "disabled", "version": first["version"]}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "disabled"
    assert_problem(api.call("GET", "/v1/admin/me", token=admin), 403)


def test_a_disabled_staff_user_is_refused_at_once(api: Api, admin: str, make_staff_user: Make) -> None:
    # given sam, signed in
    sam = make_staff_user(admin, "sam.sales@acme.example")
    token = api.token("acme", "sam.sales@acme.example")
    me(api, token)

    # when the administrator disables him
    # (his first sign-in bound him: he is at version 2)
    reply = api.call("PATCH", staff_path(sam["id"]), token=admin, body={"status": "disabled", "version": 2})
    assert reply.status == 200, reply.body

    # then his next request is refused
    assert_problem(api.call("GET", "/v1/admin/me", token=token), 403)
    assert_problem(api.call("GET", CUSTOMERS, token=token), 403)


# --- roles --------------------------------------------------------------------------------------------------


def test_the_predefined_roles_are_listed_with_their_limits(api: Api, admin: str) -> None:
    # when
    reply = api.call("GET", ROLES, token=admin)

    # then
    assert reply.status == 200, reply.body
    roles = {role["id"]: role for role in reply.body["items"]}
    assert {role_id: role["limit"] for role_id, role in roles.items()} == PREDEFINED_LIMITS
    assert all(role["predefined"] is True and role["version"] is None for role in roles.values())
    assert set(roles["sales-representative"]["permissions"]) == SALES_PERMISSIONS


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_predefined_role_cannot_be_changed_or_deleted(
    api: Api, admin: str, table: Table, method: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        method,
        role_path("catalog-manager"),
        token=admin,
        body={"name": "My catalog manager", "version": 1},
        headers=if_match(1),
    )

    # then
    assert "predefined" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


@pytest.mark.parametrize("role_id", list(PREDEFINED_LIMITS))
def test_copying_a_predefined_role_makes_a_custom_role_with_its_permissions(
    api: Api, admin: str, role_id: str
) -> None:
    # given
    source = api.call("GET", role_path(role_id), token=admin).body

    # when
    reply = api.call("POST", role_path(role_id) + "/copies", token=admin, body={"name": "My copy"})

    # then
    assert reply.status == 201, reply.body
    copy = reply.body
    assert ulid_of("srl").match(copy["id"])
    assert (copy["name"], copy["predefined"], copy["limit"], copy["version"]) == ("My copy", False, None, 1)
    assert copy["permissions"] == source["permissions"]
    assert api.call("GET", role_path(copy["id"]), token=admin).body == copy


def test_a_custom_role_someone_holds_cannot_be_deleted(
    api: Api, admin: str, make_staff_role: Make, make_staff_user: Make, table: Table
) -> None:
    # given
    role = make_staff_role(admin)
    make_staff_user(admin, "carl.care@acme.example", name="Carl", assignments=[{"role_id": role["id"]}])
    before = table.writes()

    # when
    reply = api.call("DELETE", role_path(role["id"]), token=admin, headers=if_match(1))

    # then it is refused, saying how many hold it
    assert "1 staff user(s)" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_custom_role_nobody_holds_can_be_deleted(api: Api, admin: str, make_staff_role: Make) -> None:
    # given
    role = make_staff_role(admin)

    # when
    reply = api.call("DELETE", role_path(role["id"]), token=admin, headers=if_match(1))

    # then
    assert reply.status == 204, reply.body
    assert_problem(api.call("GET", role_path(role["id"]), token=admin), 404)


def test_changing_a_custom_role_changes_its_holders_access_at_their_next_request(
    api: Api, admin: str, make_staff_role: Make, make_staff_user: Make
) -> None:
    # given carl, holding "Customer care", who may not read the audit log
    role = make_staff_role(admin)
    make_staff_user(admin, "carl.care@acme.example", name="Carl", assignments=[{"role_id": role["id"]}])
    carl = signed_in(api, "carl.care@acme.example")
    assert_problem(api.call("GET", "/v1/admin/audit", token=carl), 403)

    # when the role gains audit.read
    permissions = [*role["permissions"], "audit.read"]
    reply = api.call(
        "PATCH", role_path(role["id"]), token=admin, body={"permissions": permissions, "version": 1}
    )
    assert reply.status == 200, reply.body

    # then
    assert reply.body["version"] == 2
    assert api.call("GET", "/v1/admin/audit", token=carl).status == 200


def test_changing_a_role_with_a_stale_version_is_412(
    api: Api, admin: str, make_staff_role: Make, table: Table
) -> None:
    # given a role changed once (version 2)
    role = make_staff_role(admin)
    path = role_path(role["id"])
    assert api.call("PATCH", path, token=admin, body={"name": "Care", "version": 1}).status == 200
    before = table.writes()

    # when
    reply = api.call("PATCH", path, token=admin, body={"name": "Customer care team"}, headers=if_match(1))

    # then
    assert_problem(reply, 412)
    assert table.writes() == before


# --- tenants and the platform -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "what"),
    [
        ("GET", "user"),
        ("PATCH", "user"),
        ("DELETE", "user"),
        ("GET", "role"),
        ("PATCH", "role"),
        ("DELETE", "role"),
    ],
)
def test_another_tenants_staff_user_or_role_is_404(
    api: Api,
    admin: str,
    make_tenant: Callable[..., str],
    make_staff_user: Make,
    make_staff_role: Make,
    table: Table,
    method: str,
    what: str,
) -> None:
    # given acme's sam and role, and nordic's administrator
    path = (
        staff_path(make_staff_user(admin)["id"])
        if what == "user"
        else role_path(make_staff_role(admin)["id"])
    )
    nordic = make_tenant("nordic")
    before = table.writes()

    # when
    reply = api.call(method, path, token=nordic, body={"name": "Mine now", "version": 1}, headers=if_match(1))

    # then
    assert_problem(reply, 404)
    assert table.writes() == before


def test_a_platform_operator_has_no_staff_me(api: Api, operator_token: str) -> None:
    # when
    reply = api.call("GET", "/v1/admin/me", token=operator_token)

    # then
    assert_problem(reply, 403)
