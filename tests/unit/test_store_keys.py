"""chalicelib.store.keys: every tenant item and GSI partition is fenced by ``T#<tenant>#``."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.store import keys

TENANT = "acme-eu"
SAMPLES: dict[str, str | int] = {
    "tenant_id": TENANT,
    "email": "Ann.Admin@Acme.Example",
    "organization_id": "org_01JD0000000000000000000000",
    "website_id": "web_01JD0000000000000000000000",
    "hostname": "Shop.Acme.CH",
    "digest": "9f86d081884c7d659a2feaa0c55ad015",
    "event_id": "evt_01JD0000000000000000000000",
    "entity_id": "web_01JD0000000000000000000000",
    "entity_type": "website",
    "actor": "staff:ann.admin@acme.example",
    "customer_id": "cus_01JD0000000000000000000000",
    "unit_id": "unt_01JD0000000000000000000000",
    "group_id": "cgr_01JD0000000000000000000000",
    "user_id": "usr_01JD0000000000000000000000",
    "role_id": "rol_01JD0000000000000000000000",
    "staff_id": "stf_01JD0000000000000000000000",
    "category_id": "cat_01JD0000000000000000000000",
    "selection_id": "sel_01JD0000000000000000000000",
    "product_id": "prd_01JD0000000000000000000000",
    "media_id": "med_01JD0000000000000000000000",
    "code": "colour",
    "parent_id": "prd_01JD0000000000000000000001",
    "values": "size=m#colour=red",
    "sku_code": "HB-M8x40",
    "token": "schraube",
    "prefix": "sc",
    "subject": "C",
    "subject_id": "cat_01JD0000000000000000000000",
    "shard": 3,
    "price_list_id": "prl_01JD0000000000000000000000",
    "list_id": "sls_01JD0000000000000000000000",
    "chunk": 7,
    "method_id": "shp_01JD0000000000000000000000",
    "order_id": "ord_01JD0000000000000000000000",
    "checkout_id": "chk_01JD0000000000000000000000",
    "page": 2,
    "key_id": "int_01JD0000000000000000000000",
    "message_id": "erp-msg-000123",
    "status": "failed",
    "entity": "product:hb-m8x40",
    "kind": "price_list",
}
UNFENCED = {"host"}  # global routing entries: hostname -> tenant/website


def _public_functions() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (name, function)
        for name, function in inspect.getmembers(keys, inspect.isfunction)
        if function.__module__ == keys.__name__ and not name.startswith("_")
    ]


def _call(function: Callable[..., Any]) -> Any:
    parameters = inspect.signature(function).parameters
    missing = set(parameters) - set(SAMPLES)
    assert not missing, f"add a sample argument for {sorted(missing)} to SAMPLES"
    return function(**{name: SAMPLES[name] for name in parameters})


def _partitions(result: Any) -> list[str]:
    """Partition key values a template produces: a Key's PK, or a collection / GSI partition string."""
    return [result.pk] if isinstance(result, keys.Key) else [result]


FENCED = [pytest.param(function, id=name) for name, function in _public_functions() if name not in UNFENCED]


def test_the_walk_finds_the_key_templates() -> None:
    # given the public functions of chalicelib.store.keys
    # when their names are listed
    names = {name for name, _ in _public_functions()}
    # then the walk sees the templates of the entity chart (so the table below is not vacuous)
    assert {"tenant", "staff_user", "organization", "website", "host", "event", "audit_of_actor"} <= names


@pytest.mark.parametrize("template", FENCED)
def test_every_tenant_partition_starts_with_the_tenant_prefix(template: Callable[..., Any]) -> None:
    # given a key template other than host routing, called with sample arguments
    result = _call(template)
    # when its partition key is taken
    partitions = _partitions(result)
    # then it starts with T#<tenant>#, the platform tenant standing in when no tenant is passed
    tenant = TENANT if "tenant_id" in inspect.signature(template).parameters else keys.PLATFORM_TENANT
    assert all(partition.startswith(f"T#{tenant}#") for partition in partitions), partitions


@pytest.mark.parametrize("template", FENCED)
def test_no_tenant_partition_falls_under_a_shorter_tenant_id(template: Callable[..., Any]) -> None:
    # given tenant acme-eu's partitions and a tenant acme whose id is a prefix of it
    partitions = _partitions(_call(template))
    # when the shorter tenant's LeadingKeys prefix is applied
    leaked = [partition for partition in partitions if partition.startswith(keys.tenant_prefix("acme"))]
    # then none of acme-eu's partitions is inside acme's fence
    assert leaked == []


def test_host_routing_key_is_global() -> None:
    # given a hostname routing entry, the one template exempt from the tenant fence
    key = keys.host("Shop.Acme.CH")
    # when its partition is read
    # then it is global (outside every tenant's prefix) and the hostname is lowercase
    assert (key.pk, key.sk) == ("HOST#shop.acme.ch", "HOST")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(keys.tenant("acme"), ("T#acme#TENANT", "TENANT"), id="tenant"),
        pytest.param(
            keys.staff_user("acme", "Ann.Admin@Acme.Example"),
            ("T#acme#STAFF", "ann.admin@acme.example"),
            id="staff",
        ),
        pytest.param(
            keys.organization("acme", "org_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#ORG", "org_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            id="organization",
        ),
        pytest.param(
            keys.website("acme", "web_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#WEBSITE", "web_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            id="website",
        ),
        pytest.param(keys.host("SHOP.Acme.ch"), ("HOST#shop.acme.ch", "HOST"), id="host"),
        pytest.param(
            keys.customer_unit("acme", "cus_01JDABCDEFGHJKMNPQRSTVWXYZ", "unt_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#CUST#cus_01JDABCDEFGHJKMNPQRSTVWXYZ", "UNIT#unt_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            id="customer-unit",
        ),
        pytest.param(
            keys.customer_tree("acme", "cus_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#CUST#cus_01JDABCDEFGHJKMNPQRSTVWXYZ", "TREE"),
            id="customer-tree",
        ),
        pytest.param(
            keys.customer_group("acme", "cgr_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#CGROUP", "cgr_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            id="customer-group",
        ),
        pytest.param(
            keys.event("acme", "evt_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#EVENT#evt_01JDABCDEFGHJKMNPQRSTVWXYZ", "EVENT"),
            id="event",
        ),
        pytest.param(keys.idempotency("acme", "AbC123"), ("T#acme#IDEM#AbC123", "IDEM"), id="idempotency"),
        pytest.param(
            keys.audit_entry("acme", "web_01JDABCDEFGHJKMNPQRSTVWXYZ", "evt_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            ("T#acme#AUDIT#web_01JDABCDEFGHJKMNPQRSTVWXYZ", "evt_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            id="audit-entry",
        ),
    ],
)
def test_keys_keep_id_case_and_lowercase_emails_and_hostnames(
    key: keys.Key, expected: tuple[str, str]
) -> None:
    # given a key built from ids (case kept) or an email / hostname (lowercased)
    # when its parts are read
    parts = (key.pk, key.sk)
    # then they follow the entity chart
    assert parts == expected


@pytest.mark.parametrize(
    ("partition", "expected"),
    [
        pytest.param(keys.tenants_index(), "T#platform#TENANT", id="tenants-gsi1"),
        pytest.param(keys.audit_of_tenant("acme"), "T#acme#AUDIT", id="audit-gsi1"),
        pytest.param(keys.audit_of_type("acme", "website"), "T#acme#AUDIT#TYPE#website", id="audit-gsi2"),
        pytest.param(
            keys.audit_of_actor("acme", "staff:ann@acme.example"),
            "T#acme#AUDIT#ACTOR#staff:ann@acme.example",
            id="audit-gsi3",
        ),
        pytest.param(keys.customers_index("acme"), "T#acme#CUSTOMER", id="customers-gsi1"),
        pytest.param(
            keys.units_of_group("acme", "cgr_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            "T#acme#CGROUP#cgr_01JDABCDEFGHJKMNPQRSTVWXYZ",
            id="units-of-group-gsi2",
        ),
        pytest.param(
            keys.unit_rules_of("acme", "P", "prd_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            "T#acme#PRODUCT#prd_01JDABCDEFGHJKMNPQRSTVWXYZ#UNITRULES",
            id="product-unit-rules-gsi1",
        ),
        pytest.param(
            keys.unit_rules_of("acme", "C", "cat_01JDABCDEFGHJKMNPQRSTVWXYZ"),
            "T#acme#CATEGORY#cat_01JDABCDEFGHJKMNPQRSTVWXYZ#UNITRULES",
            id="category-unit-rules-gsi1",
        ),
        pytest.param(keys.tenant_prefix("acme"), "T#acme#", id="leading-keys-prefix"),
        pytest.param(keys.erp_imports_index("acme"), "T#acme#ERPIMPORTS", id="erp-imports-gsi1"),
        pytest.param(
            keys.erp_imports_index("acme", "failed"), "T#acme#ERPIMPORTS#failed", id="erp-imports-gsi2"
        ),
    ],
)
def test_gsi_partitions_follow_the_chart(partition: str, expected: str) -> None:
    # given a GSI partition template
    # when it is built
    # then it is the chart's value
    assert partition == expected
