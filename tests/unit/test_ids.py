"""chalicelib.platform.ids: type-prefixed ULIDs and RFC 3339 UTC times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from chalicelib.domain.base import Timestamp
from chalicelib.platform.ids import ID_PREFIXES, is_id_of, new_id, rfc3339, utc_now

ULID = r"[0-9A-HJKMNP-TV-Z]{26}"


@pytest.mark.parametrize(("entity_type", "prefix"), sorted(ID_PREFIXES.items()))
def test_new_id_is_prefix_and_ulid(entity_type: str, prefix: str) -> None:
    # given an entity type
    # when an id is made for it
    made = new_id(entity_type)
    # then it is the type's prefix, an underscore and a Crockford base32 ULID
    assert re.fullmatch(f"{prefix}_{ULID}", made)


def test_new_ids_are_unique() -> None:
    # given many ids made in a row
    made = {new_id("event") for _ in range(1000)}
    # when they are counted
    count = len(made)
    # then none repeats
    assert count == 1000


def test_new_id_refuses_unknown_entity_types() -> None:
    # given an entity type without a prefix
    # when / then no id is made
    with pytest.raises(KeyError, match="invoice"):
        new_id("invoice")


@pytest.mark.parametrize(
    ("entity_type", "value", "expected"),
    [
        pytest.param("organization", "org_01JD0000000000000000000000", True, id="organization"),
        pytest.param("website", "web_01JDZZZZZZZZZZZZZZZZZZZZZZ", True, id="website"),
        pytest.param("website", "org_01JD0000000000000000000000", False, id="other-prefix"),
        pytest.param("organization", "org_01jd0000000000000000000000", False, id="lowercase-ulid"),
        pytest.param("organization", "org_01JD000000000000000000000", False, id="25-chars"),
        pytest.param("organization", "org_01JD00000000000000000000000", False, id="27-chars"),
        pytest.param("organization", "org_01JD000000000000000000000I", False, id="not-crockford"),
        pytest.param("organization", "org-01JD0000000000000000000000", False, id="hyphen"),
        pytest.param("organization", "01JD0000000000000000000000", False, id="no-prefix"),
        pytest.param(
            "organization",
            "org_01JD0000000000000000000000\n",
            False,
            id="trailing-newline",
        ),
        pytest.param("organization", "", False, id="empty"),
    ],
)
def test_is_id_of(entity_type: str, value: str, expected: bool) -> None:
    # given a string and the entity type it should identify
    # when it is checked
    found = is_id_of(entity_type, value)
    # then only the type's prefix with a ULID passes
    assert found is expected


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(
            datetime(2026, 11, 27, 13, 56, 54, 314159, tzinfo=UTC), "2026-11-27T13:56:54.314Z", id="ms"
        ),
        pytest.param(
            datetime(2026, 11, 27, 13, 56, 54, tzinfo=UTC), "2026-11-27T13:56:54.000Z", id="whole-second"
        ),
        pytest.param(
            datetime(2026, 11, 27, 15, 56, 54, 314000, tzinfo=timezone(timedelta(hours=2))),
            "2026-11-27T13:56:54.314Z",
            id="converted-to-utc",
        ),
        pytest.param(
            datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5))),
            "2026-01-01T05:30:00.000Z",
            id="negative-offset",
        ),
    ],
)
def test_rfc3339_is_utc_with_milliseconds(moment: datetime, text: str) -> None:
    # given an aware moment in any offset
    # when it is formatted
    formatted = rfc3339(moment)
    # then it is UTC, with milliseconds and a Z
    assert formatted == text


def test_timestamp_fields_serialize_like_rfc3339() -> None:
    # given a model with a Timestamp field
    class Stamp(BaseModel):
        at: Timestamp

    moment = datetime(2026, 11, 27, 15, 56, 54, 314159, tzinfo=timezone(timedelta(hours=2)))
    # when it is dumped as JSON
    dumped = Stamp(at=moment).model_dump(mode="json")
    # then the time is written the same way as ids.rfc3339
    assert dumped == {"at": rfc3339(moment)}


def test_utc_now_is_utc_to_the_millisecond() -> None:
    # given the current time
    now = utc_now()
    # when its zone and precision are inspected
    shape = (now.utcoffset(), now.microsecond % 1000)
    # then it is UTC and whole milliseconds
    assert shape == (timedelta(0), 0)
