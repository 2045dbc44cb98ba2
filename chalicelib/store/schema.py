"""The table's key schema, defined once.

The local bootstrap, the test fixtures and the infrastructure all build the table from
:data:`TABLE_SPEC`, so what the code queries and what is deployed cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableSpec:
    partition_key: str
    sort_key: str
    indexes: tuple[IndexSpec, ...]
    ttl_attribute: str
    stream_view_type: str

    def attribute_names(self) -> list[str]:
        names = [self.partition_key, self.sort_key]
        for index in self.indexes:
            names += [index.partition_key, index.sort_key]
        return names

    def create_table_kwargs(self, table_name: str) -> dict[str, Any]:
        """Arguments for ``dynamodb.create_table`` (on-demand billing, stream on)."""
        return {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in self.attribute_names()
            ],
            "KeySchema": [
                {"AttributeName": self.partition_key, "KeyType": "HASH"},
                {"AttributeName": self.sort_key, "KeyType": "RANGE"},
            ],
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ],
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": self.stream_view_type},
        }


TABLE_SPEC = TableSpec(
    partition_key="PK",
    sort_key="SK",
    indexes=(
        IndexSpec("GSI1", "GSI1PK", "GSI1SK"),
        IndexSpec("GSI2", "GSI2PK", "GSI2SK"),
        IndexSpec("GSI3", "GSI3PK", "GSI3SK"),
    ),
    ttl_attribute="expires_at",
    stream_view_type="NEW_AND_OLD_IMAGES",
)


def create_table(client: Any, table_name: str) -> None:
    """Create the table with its stream and TTL if it does not exist yet (idempotent)."""
    existing = client.list_tables().get("TableNames", [])
    if table_name not in existing:
        client.create_table(**TABLE_SPEC.create_table_kwargs(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
    ttl = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TABLE_SPEC.ttl_attribute},
        )
