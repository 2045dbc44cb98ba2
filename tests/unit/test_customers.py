"""chalicelib.domain.customers: unit fields, the tree listing and what a unit inherits from above."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.customers import (
    CustomerFields,
    Unit,
    UnitAddressesFields,
    company_tree,
    effective_unit,
    tree_listing,
    unit_addresses,
)

NOW = datetime(2026, 11, 27, tzinfo=UTC)
GROUP = "cgr_01JD0000000000000000000000"


def unit(unit_id: str, parent_id: str | None, **fields: Any) -> Unit:
    return Unit.model_validate(
        {
            "id": unit_id,
            "customer_id": "cus_root",
            "parent_id": parent_id,
            "kind": "company" if parent_id is None else "division",
            "name": unit_id,
            "version": 1,
            "created_at": NOW,
            "updated_at": NOW,
            **fields,
        },
        strict=False,
    )


def address(kind: str, label: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "line1": "1 Main St",
        "city": "Lyon",
        "postal_code": "69001",
        "country": "FR",
        **fields,
    }


def test_the_tree_lists_each_unit_before_its_subtree_with_its_depth() -> None:
    # given a company with two divisions, the first with a plant
    units = {
        u.id: u
        for u in (
            unit("cus_root", None),
            unit("unt_2", "cus_root"),
            unit("unt_1", "cus_root"),
            unit("unt_3", "unt_1"),
        )
    }

    # when
    listed = tree_listing(company_tree(units), units)

    # then
    assert [(u.id, u.depth) for u in listed] == [("cus_root", 0), ("unt_1", 1), ("unt_3", 2), ("unt_2", 1)]


def test_the_nearest_value_above_applies_and_names_its_source() -> None:
    # given company > division > plant, each setting some values
    path = [
        unit("cus_root", None, customer_group_id=GROUP, tax_code="DE1", payment_term="net30"),
        unit("unt_div", "cus_root", payment_term="net60"),
        unit("unt_plant", "unt_div", tax_code="FR1"),
    ]

    # when
    effective = effective_unit(path)

    # then
    assert effective.path == ["cus_root", "unt_div", "unt_plant"]
    assert (effective.customer_group_id.value, effective.customer_group_id.source) == (GROUP, "cus_root")
    assert (effective.payment_term.value, effective.payment_term.source) == ("net60", "unt_div")
    assert (effective.tax_code.value, effective.tax_code.source) == ("FR1", "unt_plant")


def test_addresses_of_a_kind_come_from_the_nearest_unit_that_has_any() -> None:
    # given a company with billing and shipping addresses, and a plant with a shipping address of its own
    path = [
        unit("cus_root", None, addresses=[address("billing", "HQ"), address("shipping", "Warehouse")]),
        unit("unt_div", "cus_root"),
        unit("unt_plant", "unt_div", addresses=[address("shipping", "Dock")]),
    ]

    # when
    addresses = effective_unit(path).addresses

    # then
    assert ([a.label for a in addresses["billing"].value], addresses["billing"].source) == (
        ["HQ"],
        "cus_root",
    )
    assert ([a.label for a in addresses["shipping"].value], addresses["shipping"].source) == (
        ["Dock"],
        "unt_plant",
    )


@pytest.mark.parametrize(
    ("inactive", "expected"),
    [
        ((), ("active", "unt_plant")),
        (("unt_plant",), ("inactive", "unt_plant")),
        (("unt_div",), ("inactive", "unt_div")),
        (("cus_root", "unt_div"), ("inactive", "cus_root")),
    ],
)
def test_an_inactive_unit_blocks_everything_below_it(
    inactive: tuple[str, ...], expected: tuple[str, str]
) -> None:
    # given company > division > plant, some of them inactive
    ids = [("cus_root", None), ("unt_div", "cus_root"), ("unt_plant", "unt_div")]
    path = [unit(i, parent, status="inactive" if i in inactive else "active") for i, parent in ids]

    # when
    status = effective_unit(path).status

    # then the plant is inactive if any unit on its path is, the highest such unit named
    assert (status.value, status.source) == expected


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        (
            {
                "addresses": [
                    address("billing", "A", is_default=True),
                    address("billing", "B", is_default=True),
                ]
            },
            ("addresses",),
        ),
        ({"addresses": [address("billing", "A", id="adr_" + "0" * 26)] * 2}, ("addresses",)),
        ({"sales_rep_ids": ["stf_" + "0" * 26, "stf_" + "0" * 26]}, ("sales_rep_ids",)),
        ({"sales_rep_ids": ["ann@acme.example"]}, ("sales_rep_ids", 0)),
        ({"sales_rep_ids": ["stf_" + "0" * 25]}, ("sales_rep_ids", 0)),
        ({"payment_term": "NET30"}, ("payment_term",)),
    ],
)
def test_unit_fields_refuse_what_they_cannot_hold(fields: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    # when / then
    with pytest.raises(ValidationError) as refused:
        CustomerFields.model_validate({"name": "Globex", **fields})
    assert [error["loc"] for error in refused.value.errors()] == [loc]


def test_one_default_address_per_kind_is_allowed() -> None:
    # when
    fields = CustomerFields.model_validate(
        {
            "name": "Globex",
            "addresses": [
                address("billing", "A", is_default=True),
                address("shipping", "B", is_default=True),
            ],
        }
    )

    # then
    assert [a.is_default for a in fields.addresses] == [True, True]


def test_a_units_addresses_are_its_own_and_per_kind_those_that_apply_with_their_source() -> None:
    # given a company with a billing address and a plant with a shipping address of its own
    path = [
        unit("cus_root", None, addresses=[address("billing", "HQ")]),
        unit("unt_plant", "cus_root", addresses=[address("shipping", "Dock")]),
    ]

    # when
    found = unit_addresses(path)

    # then the plant's own address stands, and each kind names the unit it comes from
    assert (found.unit_id, found.version) == ("unt_plant", 1)
    assert [own.label for own in found.own] == ["Dock"]
    assert {kind: found.effective[kind].source for kind in ("billing", "shipping")} == {
        "billing": "cus_root",
        "shipping": "unt_plant",
    }


def test_a_replacing_address_list_is_checked_like_a_units() -> None:
    # when two billing addresses are both the default
    with pytest.raises(ValidationError) as raised:
        UnitAddressesFields.model_validate(
            {
                "addresses": [
                    address("billing", "A", is_default=True),
                    address("billing", "B", is_default=True),
                ]
            }
        )

    # then
    assert raised.value.errors()[0]["loc"] == ("addresses",)
