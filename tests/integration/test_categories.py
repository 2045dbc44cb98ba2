"""Categories: an organization's tree, its moves and slugs, and the root categories websites offer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.services.catalog import categories as category_service
from chalicelib.store import keys, repository

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, error_locs, ulid_of, website_body

Make = Callable[..., dict[str, Any]]
UNKNOWN_CATEGORY = "cat_01J00000000000000000000000"
TENANT_KEY = ("T#acme#TENANT", "TENANT")


def categories_path(organization_id: str) -> str:
    return f"/v1/admin/organizations/{organization_id}/categories"


def category_body(english_slug: str, /, **overrides: Any) -> dict[str, Any]:
    """A category named and slugged after ``english_slug`` in English, unless overridden."""
    return {"name": {"en": english_slug.title()}, "slug": {"en": english_slug}, **overrides}


@pytest.fixture
def token(make_tenant: Callable[..., str]) -> str:
    return make_tenant("acme")


@pytest.fixture
def organization(token: str, make_organization: Make) -> str:
    return str(make_organization(token)["id"])


@pytest.fixture
def make_category(api: Api, token: str, organization: str) -> Make:
    """A category of the organization (or of ``organization_id``), made by acme's administrator."""

    def make(english_slug: str, /, organization_id: str = organization, **overrides: Any) -> dict[str, Any]:
        body = category_body(english_slug, **overrides)
        reply = api.call("POST", categories_path(organization_id), token=token, body=body)
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make


@pytest.fixture
def foreign_category(token: str, make_organization: Make, make_category: Make) -> dict[str, Any]:
    """A root category of another organization of the tenant."""
    other = make_organization(token, name="Acme Nordics")["id"]
    return make_category("tools", organization_id=other)


def _generation(table: Table) -> int:
    tenant = table.get(*TENANT_KEY)
    assert tenant is not None
    return int(tenant["data"].get("catalog_generation", 0))


def _tenant_version(table: Table) -> int:
    tenant = table.get(*TENANT_KEY)
    assert tenant is not None
    return int(tenant["version"])


def test_creating_a_category_returns_it_and_counts_a_catalog_change(
    api: Api, token: str, organization: str, table: Table
) -> None:
    # given
    tenant_version = _tenant_version(table)
    body = category_body("tools", description={"en": "Hand tools\nand power tools"}, position=3)

    # when
    reply = api.call("POST", categories_path(organization), token=token, body=body)

    # then
    assert reply.status == 201, reply.body
    created = reply.body
    assert ulid_of("cat").match(created["id"])
    assert created["organization_id"] == organization
    assert (
        created["name"],
        created["slug"],
        created["parent_id"],
        created["position"],
        created["version"],
    ) == (
        {"en": "Tools"},
        {"en": "tools"},
        None,
        3,
        1,
    )
    assert created["description"] == {"en": "Hand tools\nand power tools"}
    assert RFC3339_UTC.match(created["created_at"])
    assert reply.headers["Location"] == f"{categories_path(organization)}/{created['id']}"
    assert _generation(table) == 1
    assert _tenant_version(table) == tenant_version


def test_the_tree_lists_parents_before_children_and_siblings_by_position(
    api: Api, token: str, organization: str, make_category: Make
) -> None:
    # given two roots and children positioned against their creation order
    tools = make_category("tools", position=2)
    fasteners = make_category("fasteners", position=1)
    power = make_category("power-tools", parent_id=tools["id"], position=9)
    hand = make_category("hand-tools", parent_id=tools["id"], position=4)
    drills = make_category("drills", parent_id=power["id"])

    # when
    reply = api.call("GET", categories_path(organization), token=token)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["organization_id"] == organization
    listed = [(item["id"], item["depth"]) for item in reply.body["items"]]
    assert listed == [
        (fasteners["id"], 0),
        (tools["id"], 0),
        (hand["id"], 1),
        (power["id"], 1),
        (drills["id"], 2),
    ]


def test_an_organization_without_categories_has_an_empty_tree_and_an_unknown_one_is_404(
    api: Api, token: str, organization: str
) -> None:
    # when
    empty = api.call("GET", categories_path(organization), token=token)
    unknown = api.call("GET", categories_path("org_01J00000000000000000000000"), token=token)

    # then
    assert empty.body == {"organization_id": organization, "items": []}
    assert_problem(unknown, 404)


def test_a_category_reads_back_only_under_its_own_organization(
    api: Api, token: str, organization: str, make_organization: Make, make_category: Make
) -> None:
    # given a category, and another organization of the tenant
    tools = make_category("tools")
    other = make_organization(token, name="Acme Nordics")["id"]

    # when
    read = api.call("GET", f"{categories_path(organization)}/{tools['id']}", token=token)
    elsewhere = api.call("GET", f"{categories_path(other)}/{tools['id']}", token=token)
    unknown = api.call("GET", f"{categories_path(organization)}/{UNKNOWN_CATEGORY}", token=token)

    # then
    assert read.body == tools
    assert_problem(elsewhere, 404)
    assert_problem(unknown, 404)


@pytest.mark.parametrize(
    ("body", "locs"),
    [
        pytest.param({"slug": {"en": "tools"}}, ["body.name"], id="no-name"),
        pytest.param(
            category_body("tools", slug={"en": "Power Tools"}), ["body.slug.en"], id="slug-not-lowercase"
        ),
        pytest.param(category_body("tools", slug={}), ["body.slug"], id="no-slug"),
        pytest.param(
            category_body("tools", slug={"xx-nope-": "tools"}), ["body.slug.xx-nope-.[key]"], id="bad-locale"
        ),
        pytest.param(category_body("tools", position=-1), ["body.position"], id="negative-position"),
        pytest.param(
            category_body("tools", parent_id="org_01J00000000000000000000000"),
            ["body.parent_id"],
            id="not-a-category-id",
        ),
        pytest.param(
            category_body("tools", parent_id=UNKNOWN_CATEGORY), ["body.parent_id"], id="unknown-parent"
        ),
        pytest.param(category_body("tools", name={"en": "Line\nbreak"}), ["body.name"], id="multi-line-name"),
        pytest.param(
            category_body("tools", organization_id="org_01J00000000000000000000000"),
            ["body.organization_id"],
            id="organization-in-body",
        ),
    ],
)
def test_a_bad_category_is_422_naming_the_field_and_nothing_is_written(
    api: Api, token: str, organization: str, table: Table, body: dict[str, Any], locs: list[str]
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", categories_path(organization), token=token, body=body)

    # then
    assert error_locs(reply) == locs
    assert table.writes() == before


def test_a_parent_in_another_organization_is_422(
    api: Api, token: str, organization: str, foreign_category: dict[str, Any], table: Table
) -> None:
    # given a category of another organization of the tenant
    before = table.writes()

    # when a category of this organization names it as its parent
    body = category_body("drills", parent_id=foreign_category["id"])
    reply = api.call("POST", categories_path(organization), token=token, body=body)

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert table.writes() == before


def test_a_slug_a_sibling_has_is_422_per_locale_and_a_cousin_may_have_it(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given tools > drills (en: drills, de-DE: bohrer) and fasteners
    tools = make_category("tools")
    fasteners = make_category("fasteners")
    make_category("drills", parent_id=tools["id"], slug={"en": "drills", "de-DE": "bohrer"})
    before = table.writes()

    # when a sibling takes the German slug, and a cousin takes both
    sibling = api.call(
        "POST",
        categories_path(organization),
        token=token,
        body=category_body("x", parent_id=tools["id"], slug={"en": "drill-bits", "de-DE": "bohrer"}),
    )
    assert table.writes() == before
    cousin = api.call(
        "POST",
        categories_path(organization),
        token=token,
        body=category_body("x", parent_id=fasteners["id"], slug={"en": "drills", "de-DE": "bohrer"}),
    )

    # then
    assert error_locs(sibling) == ["body.slug.de-DE"]
    assert cousin.status == 201, cousin.body


def _patch(api: Api, token: str, organization: str, category: dict[str, Any], **changes: Any) -> Any:
    path = f"{categories_path(organization)}/{category['id']}"
    return api.call(
        "PATCH", path, token=token, body=changes, headers={"If-Match": f'"{category["version"]}"'}
    )


def _tree_version(table: Table, organization: str) -> int:
    tree = table.get(f"T#acme#ORG#{organization}#CATEGORY", "TREE")
    assert tree is not None
    return int(tree["version"])


def test_renaming_and_repositioning_leave_the_structure_alone_and_count_a_change(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given
    tools = make_category("tools")
    structure, generation = _tree_version(table, organization), _generation(table)

    # when
    reply = _patch(api, token, organization, tools, name={"en": "Tools", "de-DE": "Werkzeug"}, position=7)

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["position"], reply.body["version"]) == (
        {"en": "Tools", "de-DE": "Werkzeug"},
        7,
        2,
    )
    assert _tree_version(table, organization) == structure
    assert _generation(table) == generation + 1


def test_a_category_moves_with_its_subtree_under_another_parent_and_back_to_the_root(
    api: Api, token: str, organization: str, make_category: Make
) -> None:
    # given tools > power-tools > drills, and fasteners
    tools = make_category("tools")
    fasteners = make_category("fasteners")
    power = make_category("power-tools", parent_id=tools["id"])
    drills = make_category("drills", parent_id=power["id"])

    # when power-tools moves under fasteners, then to the root
    under = _patch(api, token, organization, power, parent_id=fasteners["id"])
    to_root = _patch(api, token, organization, under.body, parent_id=None)
    tree = api.call("GET", categories_path(organization), token=token).body["items"]

    # then drills came along
    assert under.status == 200, under.body
    assert to_root.status == 200, to_root.body
    assert to_root.body["parent_id"] is None
    depths = {item["id"]: (item["parent_id"], item["depth"]) for item in tree}
    assert depths[power["id"]] == (None, 0)
    assert depths[drills["id"]] == (power["id"], 1)


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_move_that_closes_a_cycle_is_422_and_changes_nothing(
    api: Api, token: str, organization: str, make_category: Make, table: Table, target: str
) -> None:
    # given tools > power-tools > drills
    tools = make_category("tools")
    power = make_category("power-tools", parent_id=tools["id"])
    drills = make_category("drills", parent_id=power["id"])
    new_parent = {"itself": tools, "child": power, "grandchild": drills}[target]
    before = table.writes()

    # when tools moves under itself or one of its descendants
    reply = _patch(api, token, organization, tools, parent_id=new_parent["id"])

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert "descendants" in reply.body["errors"][0]["msg"]
    assert table.writes() == before


def test_a_move_under_an_unknown_parent_or_next_to_a_namesake_is_422(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given tools > drills, and fasteners > drills
    tools = make_category("tools")
    fasteners = make_category("fasteners")
    make_category("drills", parent_id=tools["id"])
    other_drills = make_category("drills", parent_id=fasteners["id"])
    before = table.writes()

    # when
    unknown = _patch(api, token, organization, other_drills, parent_id=UNKNOWN_CATEGORY)
    namesake = _patch(api, token, organization, other_drills, parent_id=tools["id"])
    reslug = _patch(api, token, organization, fasteners, slug={"en": "tools"})

    # then
    assert error_locs(unknown) == ["body.parent_id"]
    assert error_locs(namesake) == ["body.slug.en"]
    assert error_locs(reslug) == ["body.slug.en"]
    assert table.writes() == before


def test_concurrent_moves_cannot_close_a_cycle_the_loser_is_409(
    api: Api,
    token: str,
    organization: str,
    make_category: Make,
    table: Table,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given two roots, and the tree as a second request read it before the first one moved a under b
    a, b = make_category("a"), make_category("b")
    read_before = category_service.load_categories("acme", organization)
    assert _patch(api, token, organization, a, parent_id=b["id"]).status == 200
    monkeypatch.setattr(category_service, "load_categories", lambda tenant_id, organization_id: read_before)
    before = table.items()

    # when the second request moves b under a, as if a were still a root
    reply = _patch(api, token, organization, b, parent_id=a["id"])

    # then it lost the race: nothing changed, no cycle
    assert_problem(reply, 409)
    assert reply.headers.get("Retry-After") == "1"
    assert table.items() == before


def test_a_stale_version_is_412(api: Api, token: str, organization: str, make_category: Make) -> None:
    # given
    tools = make_category("tools")
    assert _patch(api, token, organization, tools, position=1).status == 200

    # when
    reply = _patch(api, token, organization, tools, position=2)

    # then
    assert assert_problem(reply, 412)["current_version"] == 2


def test_deleting_a_category_with_sub_categories_or_products_is_409(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given tools > drills, and screws with a product listed in it
    tools = make_category("tools")
    make_category("drills", parent_id=tools["id"])
    screws = make_category("screws")
    repository.put_if_absent(
        keys.Key(keys.category_products("acme", screws["id"]), "P#prd_01J00000000000000000000000"),
        "category_product",
        {"id": "prd_01J00000000000000000000000"},
    )
    before = table.writes()

    # when
    parent = api.call(
        "DELETE", f"{categories_path(organization)}/{tools['id']}", token=token, headers={"If-Match": '"1"'}
    )
    listed = api.call(
        "DELETE", f"{categories_path(organization)}/{screws['id']}", token=token, headers={"If-Match": '"1"'}
    )

    # then
    assert "sub-categories" in assert_problem(parent, 409)["detail"]
    assert "products" in assert_problem(listed, 409)["detail"]
    assert table.writes() == before


def test_a_deleted_category_is_gone_and_the_change_counted(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given
    tools = make_category("tools")
    generation = _generation(table)
    path = f"{categories_path(organization)}/{tools['id']}"

    # when
    reply = api.call("DELETE", path, token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", path, token=token), 404)
    assert _generation(table) == generation + 1


# --- the root categories websites offer ------------------------------------------------------------


def test_a_website_offers_root_categories_of_its_organization_visible_by_default(
    api: Api, token: str, organization: str, make_category: Make, make_website: Make, table: Table
) -> None:
    # given
    tools, fasteners = make_category("tools"), make_category("fasteners")
    generation = _generation(table)

    # when
    website = make_website(token, organization, category_root_ids=[tools["id"], fasteners["id"]])

    # then
    assert website["category_root_ids"] == [tools["id"], fasteners["id"]]
    assert website["catalog_default_visibility"] == "visible"
    assert _generation(table) == generation + 1


def _website_patch(api: Api, token: str, website: dict[str, Any], **changes: Any) -> Any:
    path = f"/v1/admin/websites/{website['id']}"
    return api.call("PATCH", path, token=token, body=changes, headers={"If-Match": f'"{website["version"]}"'})


@pytest.mark.parametrize("offered", ["sub-category", "unknown", "other organization"])
def test_a_website_offering_what_is_no_root_category_of_its_organization_is_422(
    api: Api,
    token: str,
    organization: str,
    foreign_category: dict[str, Any],
    make_category: Make,
    make_website: Make,
    table: Table,
    offered: str,
) -> None:
    # given a website, a root with a sub-category, and a root category of another organization
    website = make_website(token, organization)
    tools = make_category("tools")
    drills = make_category("drills", parent_id=tools["id"])
    roots = {
        "sub-category": drills,
        "unknown": {"id": UNKNOWN_CATEGORY},
        "other organization": foreign_category,
    }
    root = roots[offered]["id"]
    before = table.writes()

    # when
    reply = _website_patch(api, token, website, category_root_ids=[tools["id"], root])

    # then
    assert error_locs(reply) == ["body.category_root_ids[1]"]
    assert table.writes() == before


def test_a_website_created_offering_a_root_of_another_organization_is_422(
    api: Api, token: str, organization: str, foreign_category: dict[str, Any], table: Table
) -> None:
    # given a root category of another organization
    before = table.writes()

    # when
    body = website_body(organization, category_root_ids=[foreign_category["id"]])
    reply = api.call("POST", "/v1/admin/websites", token=token, body=body)

    # then
    assert error_locs(reply) == ["body.category_root_ids[0]"]
    assert table.writes() == before


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"catalog_default_visibility": "maybe"}, "body.catalog_default_visibility"),
        ({"category_root_ids": ["nonsense"]}, "body.category_root_ids[0]"),
        ({"category_root_ids": [UNKNOWN_CATEGORY, UNKNOWN_CATEGORY]}, "body.category_root_ids"),
    ],
)
def test_malformed_catalog_settings_are_422(
    api: Api, token: str, organization: str, make_website: Make, changes: dict[str, Any], loc: str
) -> None:
    # given
    website = make_website(token, organization)

    # when
    reply = _website_patch(api, token, website, **changes)

    # then
    assert error_locs(reply) == [loc]


def test_hiding_a_websites_catalog_by_default_counts_a_change(
    api: Api, token: str, organization: str, make_website: Make, table: Table
) -> None:
    # given
    website = make_website(token, organization)
    generation = _generation(table)

    # when
    reply = _website_patch(api, token, website, catalog_default_visibility="hidden")
    renamed = _website_patch(api, token, reply.body, name="Acme DE")

    # then the catalog setting counts, the name does not
    assert reply.status == 200, reply.body
    assert reply.body["catalog_default_visibility"] == "hidden"
    assert renamed.status == 200, renamed.body
    assert _generation(table) == generation + 1


def test_a_root_a_website_offers_is_neither_deleted_nor_moved(
    api: Api, token: str, organization: str, make_category: Make, make_website: Make, table: Table
) -> None:
    # given a website offering tools, and fasteners
    tools, fasteners = make_category("tools"), make_category("fasteners")
    website = make_website(token, organization, category_root_ids=[tools["id"]])
    before = table.writes()

    # when
    deleted = api.call(
        "DELETE", f"{categories_path(organization)}/{tools['id']}", token=token, headers={"If-Match": '"1"'}
    )
    moved = _patch(api, token, organization, tools, parent_id=fasteners["id"])

    # then
    assert website["id"] in assert_problem(deleted, 409)["detail"]
    assert website["id"] in assert_problem(moved, 409)["detail"]
    assert table.writes() == before


def test_a_website_starting_to_offer_a_root_serializes_with_the_tree(
    api: Api, token: str, organization: str, make_category: Make, make_website: Make, table: Table
) -> None:
    # given a website, a root, and the tree changed after the website's request read it
    website = make_website(token, organization)
    tools = make_category("tools")
    structure = _tree_version(table, organization)

    # when it starts to offer the root
    reply = _website_patch(api, token, website, category_root_ids=[tools["id"]])

    # then the tree's version moved with it (a delete that read the tree before now fails)
    assert reply.status == 200, reply.body
    assert _tree_version(table, organization) == structure + 1


def test_a_tenant_change_keeps_the_catalog_generation(
    api: Api, token: str, make_category: Make, table: Table
) -> None:
    # given catalog changes, then the tenant read
    make_category("tools")
    tenant = api.call("GET", "/v1/admin/tenant", token=token).body
    generation = _generation(table)

    # when the tenant is renamed with the version read
    reply = api.call(
        "PATCH",
        "/v1/admin/tenant",
        token=token,
        body={"name": "Acme Corp"},
        headers={"If-Match": f'"{tenant["version"]}"'},
    )

    # then the counter is what it was
    assert reply.status == 200, reply.body
    assert reply.body["catalog_generation"] == generation
    assert _generation(table) == generation


def test_a_tenant_change_racing_a_catalog_change_is_409_and_undoes_nothing(
    api: Api, token: str, make_category: Make, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the tenant as read before a catalog change
    from chalicelib.services import tenants

    read_before = tenants.get_tenant("acme")
    make_category("tools")
    generation = _generation(table)
    monkeypatch.setattr(tenants, "get_tenant", lambda tenant_id: read_before)

    # when the tenant is renamed from that read
    reply = api.call(
        "PATCH",
        "/v1/admin/tenant",
        token=token,
        body={"name": "Acme Corp"},
        headers={"If-Match": f'"{read_before.version}"'},
    )

    # then it is told to retry, and the counter stays
    assert_problem(reply, 409)
    assert _generation(table) == generation


def test_an_organization_with_categories_is_not_deleted(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given an organization without websites but with a category
    make_category("tools")
    before = table.writes()

    # when
    reply = api.call(
        "DELETE", f"/v1/admin/organizations/{organization}", token=token, headers={"If-Match": '"1"'}
    )

    # then
    assert "categories" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_an_organization_whose_categories_are_gone_is_deleted_with_its_tree_item(
    api: Api, token: str, organization: str, make_category: Make, table: Table
) -> None:
    # given an organization whose only category was deleted (its TREE item stays)
    tools = make_category("tools")
    path = f"{categories_path(organization)}/{tools['id']}"
    assert api.call("DELETE", path, token=token, headers={"If-Match": '"1"'}).status == 204

    # when
    reply = api.call(
        "DELETE", f"/v1/admin/organizations/{organization}", token=token, headers={"If-Match": '"1"'}
    )

    # then nothing of its categories is left
    assert reply.status == 204, reply.body
    assert not any(item["PK"].startswith(f"T#acme#ORG#{organization}#") for item in table.items())
