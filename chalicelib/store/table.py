"""The one PynamoDB model of the single table, bound lazily to the configured table.

Every entity is an :class:`Item`: keys, a ``type`` discriminator, the entity's fields in ``data``,
a ``version`` for optimistic concurrency, an optional TTL and, on counter items, a ``tally``.
Repositories in this package translate between items and plain :class:`Record` values; nothing
outside ``store/`` sees PynamoDB.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.aws import (
    CONNECT_TIMEOUT_SECONDS,
    MAX_ATTEMPTS,
    PROBE_TIMEOUT_SECONDS,
    READ_TIMEOUT_SECONDS,
)
from chalicelib.platform.settings import get_settings
from chalicelib.store.schema import TABLE_SPEC

# The key of an item that never exists: reading it proves the table answers (a GetItem, which the
# API function may call, unlike DescribeTable), at half a read capacity unit.
READINESS_KEY = ("HEALTH#READY", "HEALTH#READY")


def _index(spec_name: str) -> GlobalSecondaryIndex[Any]:
    """A GSI of :data:`TABLE_SPEC` as a PynamoDB index (keys and name from the one spec)."""
    spec = next(index for index in TABLE_SPEC.indexes if index.name == spec_name)
    meta = type("Meta", (), {"index_name": spec.name, "projection": AllProjection()})
    namespace = {
        "Meta": meta,
        spec.partition_key: UnicodeAttribute(hash_key=True),
        spec.sort_key: UnicodeAttribute(range_key=True),
    }
    index_class: type[GlobalSecondaryIndex[Any]] = type(
        f"{spec.name}Index", (GlobalSecondaryIndex,), namespace
    )
    return index_class()


class Item(Model):
    class Meta:
        # Bound from settings on first use (see _get_connection): nothing is read at import.
        table_name = ""
        region: str | None = None
        host: str | None = None
        # The bounds every AWS client keeps (see platform/aws.py for the arithmetic). PynamoDB builds
        # its botocore client in "standard" retry mode with 1 + max_retry_attempts attempts in all.
        connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
        read_timeout_seconds = READ_TIMEOUT_SECONDS
        max_retry_attempts = MAX_ATTEMPTS - 1

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    type = UnicodeAttribute()
    data = MapAttribute[str, Any](default=dict)
    version = NumberAttribute(default=1)
    # A number changed only by ADD, concurrent changes adding up (counts spread over shard items): top
    # level, since ADD cannot make a path inside a ``data`` map that an absent item does not have yet.
    tally = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    GSI1 = _index("GSI1")
    GSI2 = _index("GSI2")
    GSI3 = _index("GSI3")

    @classmethod
    def _get_connection(cls) -> TableConnection:
        settings = get_settings()
        cls.Meta.table_name = settings.table_name
        cls.Meta.region = settings.aws_region
        cls.Meta.host = settings.dynamodb_endpoint
        return super()._get_connection()


def reset_connection() -> None:
    """Forget the cached connection (tests switch endpoints between sessions)."""
    Item._connection = None
    probe_connection.cache_clear()


@cache
def probe_connection() -> TableConnection:
    """The table with one attempt and short timeouts: the request path's retries would wait 12 s."""
    table = Item._get_connection()
    return TableConnection(
        table.table_name,
        region=Item.Meta.region,
        host=Item.Meta.host,
        connect_timeout_seconds=PROBE_TIMEOUT_SECONDS,
        read_timeout_seconds=PROBE_TIMEOUT_SECONDS,
        max_retry_attempts=0,
        meta_table=table.get_meta_table(),
    )


def probe_table() -> None:
    """Raise unless the table answers one GetItem within the readiness check's short timeout."""
    probe_connection().get_item(*READINESS_KEY)


def raw_connection() -> Any:
    """The low-level PynamoDB connection, as ``TransactWrite`` needs it to honour host and region."""
    return Item._get_connection().connection
