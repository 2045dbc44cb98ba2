"""chalicelib.store.schema: the one definition of the table's keys and indexes."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from chalicelib.store.schema import TABLE_SPEC


@pytest.fixture
def kwargs() -> dict[str, Any]:
    return TABLE_SPEC.create_table_kwargs("kontor-test")


def _key_attributes(kwargs: dict[str, Any]) -> list[str]:
    names = [key["AttributeName"] for key in kwargs["KeySchema"]]
    for index in kwargs["GlobalSecondaryIndexes"]:
        names += [key["AttributeName"] for key in index["KeySchema"]]
    return names


def test_every_attribute_is_defined_once(kwargs: dict[str, Any]) -> None:
    # given the table's attribute definitions
    defined = Counter(definition["AttributeName"] for definition in kwargs["AttributeDefinitions"])
    # when they are compared with the attributes the table and its indexes key on
    used = Counter(_key_attributes(kwargs))
    # then each key attribute is defined exactly once, and nothing else is
    assert defined == used == Counter(set(used))


def test_key_attributes_are_strings(kwargs: dict[str, Any]) -> None:
    # given the attribute definitions
    # when their types are collected
    types = {definition["AttributeType"] for definition in kwargs["AttributeDefinitions"]}
    # then every key is a string
    assert types == {"S"}


def test_base_table_keys_on_pk_and_sk(kwargs: dict[str, Any]) -> None:
    # given the table's key schema
    # when it is read
    schema = [(key["AttributeName"], key["KeyType"]) for key in kwargs["KeySchema"]]
    # then PK is the hash key and SK the range key
    assert schema == [("PK", "HASH"), ("SK", "RANGE")]


def test_gsis_are_gsi1_to_gsi3_on_overloaded_keys(kwargs: dict[str, Any]) -> None:
    # given the global secondary indexes
    # when their names and keys are read
    indexes = [
        (index["IndexName"], [(key["AttributeName"], key["KeyType"]) for key in index["KeySchema"]])
        for index in kwargs["GlobalSecondaryIndexes"]
    ]
    # then they are GSI1..GSI3, each on GSI<n>PK / GSI<n>SK
    assert indexes == [(f"GSI{n}", [(f"GSI{n}PK", "HASH"), (f"GSI{n}SK", "RANGE")]) for n in (1, 2, 3)]


def test_gsis_project_all(kwargs: dict[str, Any]) -> None:
    # given the global secondary indexes
    # when their projections are read
    projections = {index["Projection"]["ProjectionType"] for index in kwargs["GlobalSecondaryIndexes"]}
    # then they project every attribute
    assert projections == {"ALL"}


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("TableName", "kontor-test"),
        ("BillingMode", "PAY_PER_REQUEST"),
        ("StreamSpecification", {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}),
    ],
)
def test_table_settings(kwargs: dict[str, Any], member: str, expected: Any) -> None:
    # given the create_table arguments
    # when a table setting is read
    value = kwargs[member]
    # then it is on-demand, streamed with both images, and named as asked
    assert value == expected


def test_ttl_attribute_is_expires_at() -> None:
    # given the table spec
    # when its TTL attribute is read
    ttl = TABLE_SPEC.ttl_attribute
    # then it is expires_at, and not a key attribute
    assert (ttl, ttl in TABLE_SPEC.attribute_names()) == ("expires_at", False)
