"""Integration fixtures: the Chalice app against moto (DynamoDB + SQS), tokens from the dev issuer.

moto starts once for the tier (``mocked_aws``) and every test gets an empty account (``aws``: reset,
then the table, the queues and the platform operator). Besides the HTTP client (``api``) and the
factories (``make_tenant``, ``make_staff``, ``make_organization``, ``make_website``, ``make_customer``,
``make_unit``, ``make_customer_group``, ``make_customer_user``, ``make_buyer_placement``; ``globex``
and ``invite`` for a company with users; ``verify_hostname`` to pass a hostname's DNS challenge), this
offers what the tests need to look behind the API: the table's items (``table``), the outbox pipeline
driven by moto's table stream (``outbox``) and a counter of AWS calls (``aws_calls``). Bodies and
assertions shared by the tests live in ``support.py``.

Tests that only read a world, or are refused by it, share it: ``module_factories``, ``module_table``
and ``module_outbox`` work on one account per module, and ``worlds`` builds each world once and puts
it back before every test that asks for it (the authorization matrices). A module uses either these
or the function-scoped fixtures, never both: ``aws`` wipes the account the module shares. A module
marked ``pytestmark = pytest.mark.shared_account`` keeps the function-scoped names (``api``,
``table``, ``make_*``...) on the module's account instead: each of its tests starts from the empty
table, put back, or from a world (``worlds``) its fixtures put back; only the queues are shared.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast
from unittest.mock import patch

import boto3
import moto
import pytest
from boto3.dynamodb.types import TypeDeserializer
from botocore.client import BaseClient
from moto import mock_aws
from moto.core import responses as moto_responses
from moto.core.models import DEFAULT_ACCOUNT_ID, MockAWS
from moto.core.responses import ActionResult
from moto.dynamodb import models as moto_dynamodb_models
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table as MotoTable
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler
from moto.sqs.models import sqs_backends

from chalicelib.platform.aws import reset_clients
from chalicelib.platform.dev_issuer import mint_token
from chalicelib.platform.queues import create_queues, dead_letter_name
from chalicelib.platform.settings import get_settings, reset_settings
from chalicelib.store import keys
from chalicelib.store.schema import create_table
from chalicelib.store.table import reset_connection

from .orders_support import Placement
from .support import (
    customer_body,
    organization_body,
    staff_role_body,
    staff_user_body,
    tenant_body,
    unit_body,
    users_path,
    website_body,
)

PLATFORM_OPERATOR = "operator@kontor.example"


@dataclass
class Moto:
    """moto, started once for the tier, and the clients the fixtures use (a client takes ~80 ms to build)."""

    mock: MockAWS
    dynamodb: Any
    streams: Any
    sqs: Any
    _empty_table: Any = None  # moto's model of the table holding only the platform operator
    _queues: tuple[dict[str, Any], dict[str, str]] | None = None  # moto's empty queues, their URLs by name

    def table_model(self, name: str) -> Any:
        """moto's own model of a table: its items read in microseconds, where a Scan through moto's
        response serializer takes a second for a few hundred items."""
        return self.dynamodb_backend().get_table(name)

    def dynamodb_backend(self) -> Any:
        return dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().aws_region]

    def put_empty_table(self) -> None:
        """The table with nothing but the platform operator, in a just-reset moto. It is made once
        (CreateTable and the operator's transaction cost ~150 ms under moto) and put back after that."""
        from chalicelib.services.tenants import ensure_platform_operator

        name = get_settings().table_name
        if self._empty_table is None:
            create_table(self.dynamodb, name)
            ensure_platform_operator(PLATFORM_OPERATOR, "Platform Operator")
            self._empty_table = copy.deepcopy(self.table_model(name))
        self.put_table(name, self._empty_table)

    def put_table(self, name: str, saved: Any) -> None:
        """A saved model of the table put back: shared until the first write copies it (``_HeldTables``)."""
        backend = self.dynamodb_backend()
        if not isinstance(backend.tables, _HeldTables):
            backend.tables = _HeldTables(backend.tables)
        backend.tables.hold(name, saved)

    def operator_bound(self) -> bool:
        """Whether the platform operator's account is bound to a sign-in (read from moto's model)."""
        key = keys.staff_user(keys.PLATFORM_TENANT, PLATFORM_OPERATOR)
        table = self.table_model(get_settings().table_name)
        item = table.get_item(DynamoType({"S": key.pk}), DynamoType({"S": key.sk}))
        return item is not None and bool(_plain(item.to_json()["Attributes"])["data"].get("binding"))

    def put_queues(self) -> dict[str, str]:
        """The consumer queues, empty, in a just-reset moto; returns their URLs by name. They are made once
        through SQS (twelve calls, ~40 ms of CPU under moto) and copied after that."""
        backend = sqs_backends[DEFAULT_ACCOUNT_ID][get_settings().aws_region]
        if self._queues is None:
            urls = create_queues(self.sqs, get_settings().queue_prefix)
            self._queues = (_copied_queues(backend.queues), urls)
        backend.queues = _copied_queues(self._queues[0])
        return dict(self._queues[1])


def _copied_queues(queues: dict[str, Any]) -> dict[str, Any]:
    """A copy of moto's queues, each with a lock of its own (a lock cannot be copied), their dead-letter
    queues the copies too."""
    memo: dict[int, Any] = {id(queue._messages_lock): threading.Condition() for queue in queues.values()}
    return cast(dict[str, Any], copy.deepcopy(queues, memo))


class _ItemJournal:
    """Stands for the ``copy`` module inside ``moto.dynamodb.models``: a transaction's rollback restores
    the items it names instead of a copy of the whole table.

    moto 5.2.5's ``transact_write_items`` backs each table up for its rollback as a deep copy of the
    whole table (once per item of the transaction), which made a write's cost grow with the table: ~1 s
    a transaction in the authorization matrices' worlds. While a transaction runs, this hands moto the
    table itself as its "backup" (so moto's rollback puts back the same table), and
    :meth:`transact_write_items` keeps a copy of each item the transaction names, and the length of the
    table's stream, to put back if it fails. Every other ``deepcopy`` there is the real one.
    """

    def __init__(self) -> None:
        self.running = False

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if self.running and isinstance(value, MotoTable):
            return value
        return copy.deepcopy(value, memo)

    def transact_write_items(
        self, transact: Callable[..., None], backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
    ) -> None:
        items, streams = self._before(backend, transact_items)
        self.running = True
        try:
            transact(backend, transact_items)
        except Exception:
            self._put_back(items, streams)
            raise
        finally:
            self.running = False

    @staticmethod
    def _before(
        backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
    ) -> tuple[dict[tuple[MotoTable, DynamoType, DynamoType | None], Any], dict[MotoTable, int]]:
        """Each named item as it stands (None: absent), and each table's stream length."""
        items: dict[tuple[MotoTable, DynamoType, DynamoType | None], Any] = {}
        streams: dict[MotoTable, int] = {}
        for transact_item in transact_items:
            operation = next(iter(transact_item.values()))
            table = backend.tables.get(operation.get("TableName"))
            if table is None:
                continue
            key = operation.get("Key") or operation.get("Item") or {}
            if table.hash_key_attr not in key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            items[(table, hash_value, range_value)] = copy.deepcopy(table.get_item(hash_value, range_value))
            if table.stream_shard is not None:
                streams[table] = len(table.stream_shard.items)
        return items, streams

    @staticmethod
    def _put_back(
        items: dict[tuple[MotoTable, DynamoType, DynamoType | None], Any], streams: dict[MotoTable, int]
    ) -> None:
        for (table, hash_value, range_value), item in items.items():
            if range_value is None:
                table.items.pop(hash_value, None)
                if item is not None:
                    table.items[hash_value] = item
            elif item is None:
                table.items.get(hash_value, {}).pop(range_value, None)
            else:
                table.items[hash_value][range_value] = item
        for table, length in streams.items():
            del table.stream_shard.items[length:]


# DynamoDB's data operations, whose results moto builds in the wire's own shape (AttributeValue maps).
_DATA_OPERATIONS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "TransactGetItems",
        "TransactWriteItems",
        "BatchWriteItem",
    }
)


@contextmanager
def _faster_moto() -> Iterator[None]:
    """Four shortcuts through moto 5.2.5 (three in its DynamoDB), each keeping what it answers (read in
    its source; another version runs as it comes):

    - TransactWriteItems rolls back the items it names, not a copy of the whole table (see _ItemJournal);
    - a data operation's result is written as JSON as it stands: it is already in the wire's shape,
      and moto's generic serializer, which looks every AttributeValue member up under several aliases,
      took ~60% of a request's time. Anything else (errors, DescribeTable's dates) takes moto's way;
    - a map's size (moto checks every item read or written against DynamoDB's size limits) sums its
      members' sizes as they stand: moto wraps each member in a new DynamoType first, which copies the
      member's whole subtree again at every level, ~15% of the staff matrix's CPU for the same number;
    - the names of a service's handler methods, which moto lists again for every request it answers
      (``inspect.getmembers`` of the class: ~2.5% of a module's time in cProfile), are listed once.
    """
    if moto.__version__ != "5.2.5":
        yield
        return
    journal = _ItemJournal()
    transact = DynamoDBBackend.transact_write_items
    serialized = DynamoHandler.serialized
    size = DynamoType.size

    def transact_write_items(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        journal.transact_write_items(transact, backend, transact_items)

    def serialized_as_json(handler: DynamoHandler, result: ActionResult) -> Any:
        if handler._get_action() not in _DATA_OPERATIONS or isinstance(result.result, Exception):
            return serialized(handler, result)
        headers = {"Content-Type": "application/x-amz-json-1.0", **handler.response_headers}
        return 200, headers, json.dumps(result.result)

    def map_size(value: DynamoType) -> int:
        if not value.is_map():
            return size(value)
        return sum(bytesize(name) + member.size() for name, member in value.value.items())

    with (
        patch.object(moto_dynamodb_models, "copy", journal),
        patch.object(DynamoDBBackend, "transact_write_items", transact_write_items),
        patch.object(DynamoHandler, "serialized", serialized_as_json),
        patch.object(DynamoType, "size", map_size),
        patch.object(
            moto_responses,
            "method_names_from_class",
            functools.cache(moto_responses.method_names_from_class),
        ),
    ):
        yield


@pytest.fixture(scope="package")
def mocked_aws(dev_issuer_dir: Path) -> Iterator[Moto]:
    reset_settings()
    reset_connection()
    reset_clients()
    with mock_aws() as mock, _faster_moto(), _copied_on_first_write():
        region = get_settings().aws_region
        yield Moto(
            mock,
            dynamodb=boto3.client("dynamodb", region_name=region),
            streams=boto3.client("dynamodbstreams", region_name=region),
            sqs=boto3.client("sqs", region_name=region),
        )
    reset_connection()
    reset_clients()


def _fresh_account(mocked_aws: Moto) -> dict[str, str]:
    """moto forgets everything, then the table, the queues and the platform operator are there again.
    Returns the queue URLs by name."""
    mocked_aws.mock.reset()
    reset_settings()
    mocked_aws.put_empty_table()
    return mocked_aws.put_queues()


@pytest.fixture
def aws(request: pytest.FixtureRequest, mocked_aws: Moto) -> dict[str, str]:
    """A fresh account for each test; in a module marked ``shared_account``, the module's account with
    the empty table put back (a fresh account costs ~2 ms of CPU: moto's reset, then copies of the
    empty table and queues; the table alone ~1 ms). Returns the queue URLs by name."""
    if request.node.get_closest_marker("shared_account"):
        queues = cast(dict[str, str], request.getfixturevalue("module_aws"))
        mocked_aws.put_empty_table()
        return queues
    return _fresh_account(mocked_aws)


@pytest.fixture(scope="module")
def module_aws(mocked_aws: Moto) -> dict[str, str]:
    """A fresh account for a module whose tests share worlds (``worlds``); never mix it with ``aws``
    in one module, which would wipe it. Returns the queue URLs by name."""
    return _fresh_account(mocked_aws)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


class Api:
    """chalice.test.Client with JSON in and out, and a bearer token per call."""

    def __init__(self, client: Any, token_dir: Path) -> None:
        self.client = client
        self._token_dir = token_dir

    def token(self, tenant_id: str, email: str, **options: Any) -> str:
        return mint_token(self._token_dir, tenant_id=tenant_id, email=email, **options)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self.client.http.request(method, path, headers=sent, body=payload)
        text = response.body.decode() if response.body else ""
        return Reply(response.status_code, dict(response.headers), json.loads(text) if text else None)

    def invoke(self, function_name: str, event: dict[str, Any]) -> Any:
        """Run one of the app's event handlers (stream, SQS) with the test stage's environment."""
        return self.client.lambda_.invoke(function_name, event).payload


@pytest.fixture(scope="package")
def chalice_client(mocked_aws: Moto) -> Iterator[Any]:
    """One test client for the tier (chalice.test.Client answering as API Gateway does, from
    local/gateway.py): it keeps nothing between calls, and takes ~80 ms to build."""
    from app import app
    from local.gateway import GatewayClient

    with GatewayClient(app, stage_name="test") as client:
        yield client


@pytest.fixture
def api(aws: dict[str, str], chalice_client: Any, dev_issuer_dir: Path) -> Api:
    return Api(chalice_client, dev_issuer_dir)


@pytest.fixture(scope="module")
def module_api(module_aws: dict[str, str], chalice_client: Any, dev_issuer_dir: Path) -> Api:
    return Api(chalice_client, dev_issuer_dir)


@pytest.fixture
def operator_token(api: Api, mocked_aws: Moto) -> str:
    """The platform operator's token, signed in once (its binding written before the test acts): in a
    world that holds the binding already, the sign-in is not repeated (a call listing every tenant)."""
    token = api.token("platform", PLATFORM_OPERATOR)
    if not mocked_aws.operator_bound():
        assert api.call("GET", "/v1/platform/tenants", token=token).status == 200
    return token


class Factories:
    """Records made through one Api (or, for staff, straight in the table). The function-scoped
    ``make_*`` fixtures are these methods on a fresh world per test; ``module_factories`` builds the
    worlds a module shares."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def tenant(self, tenant_id: str, **overrides: Any) -> str:
        """Create a tenant through the platform API; returns its administrator's token."""
        body = tenant_body(tenant_id, **overrides)
        operator = self.api.token("platform", PLATFORM_OPERATOR)
        reply = self.api.call("POST", "/v1/platform/tenants", token=operator, body=body)
        assert reply.status == 201, reply.body
        token = self.api.token(tenant_id, body["admin_email"])
        # signed in once: the first sign-in binds the account with a write, tests then see only theirs
        assert self.api.call("GET", "/v1/admin/me", token=token).status == 200
        return token

    def staff(
        self,
        tenant_id: str,
        email: str,
        *,
        roles: tuple[str, ...] = ("tenant-administrator",),
        status: str = "active",
    ) -> str:
        """Add a staff member straight in the table (even with what the API refuses); returns a token."""
        from chalicelib.services import staff
        from chalicelib.store.repository import Transaction

        user = staff.new_staff_user(
            {"email": email, "name": email, "status": status, "assignments": [{"role_id": r} for r in roles]}
        )
        transaction = Transaction()
        staff.add_staff_user(transaction, tenant_id, user)
        transaction.commit()
        return self.api.token(tenant_id, email)

    def _created(self, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.api.call("POST", path, token=token, body=body)
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def organization(self, token: str, **overrides: Any) -> dict[str, Any]:
        return self._created("/v1/admin/organizations", token, organization_body(**overrides))

    def website(self, token: str, organization_id: str, **overrides: Any) -> dict[str, Any]:
        return self._created("/v1/admin/websites", token, website_body(organization_id, **overrides))

    def customer(self, token: str, **overrides: Any) -> dict[str, Any]:
        """Create a customer through the API; returns its company (the root unit)."""
        return self._created("/v1/admin/customers", token, customer_body(**overrides))

    def unit(self, token: str, customer_id: str, parent_id: str, **overrides: Any) -> dict[str, Any]:
        """Create a unit of a customer under ``parent_id`` through the API; returns it."""
        path = f"/v1/admin/customers/{customer_id}/units"
        return self._created(path, token, unit_body(parent_id, **overrides))

    def buyer_placement(self, tenant_id: str) -> tuple[str, Placement]:
        """A tenant with its administrator's token, and where a buyer of a company of its own orders: at
        the company, on a website of an organization."""
        admin = self.tenant(tenant_id)
        organization = self.organization(admin)["id"]
        website = self.website(admin, organization)["id"]
        company = self.customer(admin)["id"]
        buyer = self.customer_user(admin, company, company)["id"]
        return admin, Placement(tenant_id, company, company, buyer, website, organization)

    def customer_user(
        self,
        token: str,
        customer_id: str,
        unit_id: str,
        *,
        email: str = "bob.buyer@globex.example",
        role_id: str = "buyer",
    ) -> dict[str, Any]:
        """Invite a user of a customer with one role at their home unit through the API; returns them."""
        body = {
            "email": email,
            "name": email.split("@")[0],
            "unit_id": unit_id,
            "assignments": [{"role_id": role_id, "unit_id": unit_id}],
        }
        return self._created(users_path(customer_id), token, body)

    def customer_group(self, token: str, **overrides: Any) -> dict[str, Any]:
        return self._created("/v1/admin/customer-groups", token, {"name": "Key accounts", **overrides})

    def staff_user(
        self, token: str, email: str = "sam.sales@acme.example", **overrides: Any
    ) -> dict[str, Any]:
        """A staff user added through the API (a Sales Representative unless the body says otherwise)."""
        return self._created("/v1/admin/staff-users", token, staff_user_body(email, **overrides))

    def staff_role(self, token: str, **overrides: Any) -> dict[str, Any]:
        return self._created("/v1/admin/roles", token, staff_role_body(**overrides))


@pytest.fixture
def factories(api: Api) -> Factories:
    return Factories(api)


@pytest.fixture(scope="module")
def module_factories(module_api: Api) -> Factories:
    return Factories(module_api)


@pytest.fixture
def make_tenant(factories: Factories) -> Callable[..., str]:
    return factories.tenant


@pytest.fixture
def make_staff(factories: Factories) -> Callable[..., str]:
    return factories.staff


@pytest.fixture
def make_organization(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.organization


@pytest.fixture
def make_website(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.website


@pytest.fixture
def make_customer(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.customer


@pytest.fixture
def make_unit(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.unit


@pytest.fixture
def make_customer_user(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.customer_user


@pytest.fixture
def make_buyer_placement(factories: Factories) -> Callable[[str], tuple[str, Placement]]:
    return factories.buyer_placement


@pytest.fixture
def make_customer_group(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.customer_group


@pytest.fixture
def make_staff_user(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.staff_user


@pytest.fixture
def make_staff_role(factories: Factories) -> Callable[..., dict[str, Any]]:
    return factories.staff_role


@pytest.fixture
def publish_txt(dns_records_file: Path) -> Callable[[str, str], None]:
    """Publish a TXT record in the file standing in for DNS (as a tenant would at its registrar)."""
    from chalicelib.platform.dns import RecordsFile

    return RecordsFile(dns_records_file).publish


@pytest.fixture
def verify_hostname(api: Api, publish_txt: Callable[[str, str], None]) -> Callable[..., dict[str, Any]]:
    """Publish the DNS challenge of a website's hostname and verify it; returns the hostname's status."""

    def verify(token: str, website_id: str, hostname: str) -> dict[str, Any]:
        path = f"/v1/admin/websites/{website_id}/hostnames"
        listed = api.call("GET", path, token=token)
        assert listed.status == 200, listed.body
        (challenge,) = [item["challenge"] for item in listed.body["items"] if item["hostname"] == hostname]
        publish_txt(challenge["name"], challenge["value"])
        reply = api.call("POST", f"{path}/{hostname}/verification", token=token)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    return verify


# --- a customer company with users, for the customer-user and storefront tests ---------------------------


@dataclass
class Globex:
    """acme's admin token and Globex > Manufacturing > Lyon / Ohio, with one user per role."""

    admin: str
    ids: dict[str, str]


@pytest.fixture
def globex(
    make_tenant: Callable[..., str],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
) -> Globex:
    return build_globex(make_tenant, make_customer, make_unit)


def build_globex(
    make_tenant: Callable[..., str],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
) -> Globex:
    """acme's customer Globex: the company, Manufacturing below it, Plant Lyon and Plant Ohio below that."""
    admin = make_tenant("acme")
    company = make_customer(admin)["id"]
    manufacturing = make_unit(admin, company, company)["id"]
    lyon = make_unit(admin, company, manufacturing, name="Plant Lyon", kind="branch")["id"]
    ohio = make_unit(admin, company, manufacturing, name="Plant Ohio", kind="branch")["id"]
    return Globex(admin, {"company": company, "manufacturing": manufacturing, "lyon": lyon, "ohio": ohio})


@pytest.fixture
def invite(api: Api, globex: Globex) -> Callable[..., dict[str, Any]]:
    """Invite a Globex user (by acme's staff) with one role at their home unit; returns the user.

    ``also`` adds assignments as ``(role_id, unit)`` pairs, a unit named by its key in ``globex.ids``.
    """

    def make(
        email: str,
        role_id: str,
        unit: str,
        *,
        include_subunits: bool = False,
        also: tuple[tuple[str, str], ...] = (),
    ) -> dict[str, Any]:
        body = {
            "email": email,
            "name": email.split("@")[0].title(),
            "unit_id": globex.ids[unit],
            "assignments": [
                {"role_id": role_id, "unit_id": globex.ids[unit], "include_subunits": include_subunits},
                *({"role_id": other, "unit_id": globex.ids[at]} for other, at in also),
            ],
        }
        reply = api.call("POST", users_path(globex.ids["company"]), token=globex.admin, body=body)
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make


# --- behind the API: the table, the outbox pipeline, AWS calls ------------------------------------------


class Table:
    """The raw items of the table, for asserting what a request wrote (tests only; the app never scans).

    Whole-table reads come from moto's backend, not a Scan: no AWS call, so they neither cost a trip
    through moto's serializer nor show up in ``aws_calls``. Every write to moto's table adds a record
    to its stream, so while the table model and its number of stream records stay the same, so do its
    items: ``items()`` converts them again only then (the matrices read the whole table around every
    refused call). Treat what it returns as read-only.
    """

    def __init__(self, aws: Moto) -> None:
        self._aws = aws
        self._client = aws.dynamodb
        self._name = get_settings().table_name
        self._read: tuple[Any, int, list[dict[str, Any]]] | None = None  # model, its writes, its items

    def items(self) -> list[dict[str, Any]]:
        model = self._aws.table_model(self._name)
        writes = len(model.stream_shard.items)
        if self._read is None or self._read[0] is not model or self._read[1] != writes:
            found = [_plain(item.to_json()["Attributes"]) for item in model.all_items()]
            self._read = (model, writes, sorted(found, key=lambda item: (item["PK"], item["SK"])))
        return list(self._read[2])

    def writes(self) -> int:
        """How many writes the table's stream has recorded: a request that adds none changed nothing (and
        costs no read of the whole table to prove it)."""
        return len(self._aws.table_model(self._name).stream_shard.items)

    def keys(self) -> set[tuple[str, str]]:
        return {(item["PK"], item["SK"]) for item in self.items()}

    def get(self, pk: str, sk: str) -> dict[str, Any] | None:
        key = {"PK": {"S": pk}, "SK": {"S": sk}}
        item = self._client.get_item(TableName=self._name, Key=key, ConsistentRead=True).get("Item")
        return _plain(item) if item else None

    def set_data(self, pk: str, sk: str, name: str, value: str) -> None:
        """Change one field of an item's data behind the app's back (to stage an inconsistent state)."""
        self._client.update_item(
            TableName=self._name,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression="SET #data.#name = :value",
            ExpressionAttributeNames={"#data": "data", "#name": name},
            ExpressionAttributeValues={":value": {"S": value}},
        )

    def bump_version(self, pk: str, sk: str) -> None:
        """Raise an item's version behind the app's back, as a concurrent write would."""
        self._client.update_item(
            TableName=self._name,
            Key={"PK": {"S": pk}, "SK": {"S": sk}},
            UpdateExpression="SET version = version + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    def delete(self, pk: str, sk: str) -> None:
        """Delete an item behind the app's back (data from before the app wrote it, say)."""
        self._client.delete_item(TableName=self._name, Key={"PK": {"S": pk}, "SK": {"S": sk}})

    def events(self, tenant_id: str) -> list[dict[str, Any]]:
        """The outbox events of a tenant, oldest first (event ids are ULIDs)."""
        prefix = f"T#{tenant_id}#EVENT#"
        return [item["data"] for item in self.items() if item["PK"].startswith(prefix)]

    def stream_arn(self) -> str:
        arn: str = self._client.describe_table(TableName=self._name)["Table"]["LatestStreamArn"]
        return arn


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


_DESERIALIZER = TypeDeserializer()


@pytest.fixture
def table(mocked_aws: Moto, aws: dict[str, str]) -> Table:
    return Table(mocked_aws)


@pytest.fixture(scope="module")
def module_table(mocked_aws: Moto, module_aws: dict[str, str]) -> Table:
    return Table(mocked_aws)


T = TypeVar("T")


class Worlds:
    """Worlds a module builds once and every test starts from, even a test that writes.

    A world is built on the module's empty account and saved as moto's model of the table (items and
    stream) and the process's caches of what the table holds (shops, pricing, tax rules: as the build
    left them, warm or cold); ``world(key, build)`` builds it on first use, then puts the saved state
    back before each test that asks for it: the table is copied at the test's first write only
    (``_HeldTables``; a copy costs what one TransactWriteItems costs under moto), where building a
    world over HTTP costs seconds.
    ``on`` names a world built already to build this one on (the empty account otherwise);
    ``extend(step, build)`` builds on the world put back last, so fixtures that each add a step make
    one world per sequence of steps a test asks for.
    """

    def __init__(self, aws: Moto) -> None:
        self._aws = aws
        self._name = get_settings().table_name
        self._empty = self._save()
        self._built: dict[str, tuple[Any, Any]] = {}
        self._current: str | None = None

    def world(self, key: str, build: Callable[[], T], *, on: str | None = None) -> T:
        if key not in self._built:
            self._restore(self._empty if on is None else self._built[on][1])
            self._built[key] = (build(), self._save())
        built, saved = self._built[key]
        self._restore(saved)
        self._current = key
        return cast(T, built)

    def extend(self, step: str, build: Callable[[], T]) -> T:
        """The world put back last with ``step`` built on it (once: a copy after that)."""
        assert self._current is not None, "extend a world put back by world() first"
        return self.world(f"{self._current} + {step}", build, on=self._current)

    def _save(self) -> Any:
        caches = [list(cache.items()) for cache in _process_caches()]
        return copy.deepcopy(self._aws.table_model(self._name)), caches

    def _restore(self, saved: Any) -> None:
        table, caches = saved
        self._aws.put_table(self._name, table)
        for cache, items in zip(_process_caches(), caches, strict=True):
            cache.clear()
            cache.update(items)


class _HeldTables(OrderedDict[str, Any]):
    """moto's tables, one of which may be a saved table put back as it is (a world, the empty table):
    the tests that only read it share it, and the first write replaces it with a copy
    (``_copied_on_first_write``), so a test that writes nothing costs no copy (~10-100 ms a world). A
    table set meanwhile replaces it."""

    _held: str | None = None

    def hold(self, name: str, saved: Any) -> None:
        super().__setitem__(name, saved)
        self._held = name

    def copy_held(self) -> None:
        if self._held is not None:
            name, self._held = self._held, None
            super().__setitem__(name, copy.deepcopy(self[name]))

    def __setitem__(self, name: str, table: Any) -> None:
        if self._held == name:
            self._held = None
        super().__setitem__(name, table)


@contextmanager
def _copied_on_first_write() -> Iterator[None]:
    """Every write path of moto's DynamoDB (BatchWriteItem goes through put and delete) copies a held
    table first: what a test writes never reaches the saved world."""

    def copying_first(write: Callable[..., Any]) -> Callable[..., Any]:
        def written(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            if isinstance(backend.tables, _HeldTables):
                backend.tables.copy_held()
            return write(backend, *args, **kwargs)

        return written

    with ExitStack() as patches:
        for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
            write = getattr(DynamoDBBackend, name)
            patches.enter_context(patch.object(DynamoDBBackend, name, copying_first(write)))
        yield


def _process_caches() -> list[Any]:
    """The app's per-process caches of table data (the ones ``_fresh_storefront_shops`` and
    ``_fresh_tax_tables`` empty before each test): a world's are part of it."""
    from chalicelib.services.catalog import storefront
    from chalicelib.services.pricing import chains
    from chalicelib.services.taxes import calculation

    return [
        storefront._shops,
        storefront._guest_shops,
        chains._pricing,
        chains._guest_pricing,
        calculation._tables,
    ]


@pytest.fixture(scope="module")
def worlds(mocked_aws: Moto, module_aws: dict[str, str]) -> Worlds:
    return Worlds(mocked_aws)


def _lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record as ``GetRecords`` returns it, in the shape Lambda hands it to a function."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if created is not None and not isinstance(created, int | float):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": get_settings().aws_region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


@dataclass
class Outbox:
    """The outbox pipeline as Lambda runs it: table stream -> dispatcher -> audit queue -> consumer."""

    api: Api
    table: Table
    aws: Moto
    audit_queue_url: str
    _iterators: dict[str, str] = field(default_factory=dict)

    def stream_records(self) -> list[dict[str, Any]]:
        """Stream records written since the last call (moto's stream of the table)."""
        streams = self.aws.streams
        arn = self.table.stream_arn()
        records: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            page = streams.get_records(ShardIterator=iterator)
            records += [_lambda_stream_record(record, arn) for record in page["Records"]]
            self._iterators[shard_id] = page["NextShardIterator"]
        return records

    def dispatch(self, records: list[dict[str, Any]] | None = None) -> Any:
        """Feed stream records (by default: every new one) to ``outbox_dispatcher``."""
        batch = self.stream_records() if records is None else records
        return self.api.invoke("outbox_dispatcher", {"Records": batch})

    def receive(self, queue_url: str | None = None) -> list[dict[str, Any]]:
        """Every message waiting on the audit queue, or another (received and deleted)."""
        sqs = self.aws.sqs
        url = queue_url or self.audit_queue_url
        messages: list[dict[str, Any]] = []
        while True:
            page = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                VisibilityTimeout=0,
            ).get("Messages", [])
            fresh = [
                message for message in page if message["MessageId"] not in {m["MessageId"] for m in messages}
            ]
            if not fresh:
                return messages
            messages += fresh
            for message in fresh:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def dead_letters(self) -> list[dict[str, Any]]:
        """Every message waiting on the audit queue's DLQ (received and deleted)."""
        name = dead_letter_name(get_settings().queue_name("audit"))
        return self.receive(self.aws.sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def sqs_event(self, bodies: list[str]) -> dict[str, Any]:
        """An SQS event for the audit consumer; its records are ``message-1``, ``message-2``..."""
        event: dict[str, Any] = self.api.client.events.generate_sqs_event(
            message_bodies=bodies, queue_name=get_settings().queue_name("audit")
        )
        for number, record in enumerate(event["Records"], start=1):
            record["messageId"] = f"message-{number}"
        return event

    def consume(self, bodies: list[str] | None = None) -> Any:
        """Feed message bodies (by default: every message on the audit queue) to ``audit_consumer``."""
        batch = [message["Body"] for message in self.receive()] if bodies is None else bodies
        results = []
        for start in range(0, len(batch), 10):
            results.append(self.api.invoke("audit_consumer", self.sqs_event(batch[start : start + 10])))
        return results

    def drain(self) -> None:
        """Run the whole pipeline once: every new stream record through to the audit log."""
        dispatched = self.dispatch()
        assert dispatched == {"batchItemFailures": []}, dispatched
        for result in self.consume():
            assert result == {"batchItemFailures": []}, result


@pytest.fixture
def outbox(api: Api, table: Table, mocked_aws: Moto, aws: dict[str, str]) -> Outbox:
    return Outbox(api, table, mocked_aws, aws[get_settings().queue_name("audit")])


@pytest.fixture
def module_outbox(
    module_api: Api, module_table: Table, mocked_aws: Moto, module_aws: dict[str, str]
) -> Outbox:
    """The outbox pipeline of a module's shared account, read from the start of the (restored) stream."""
    return Outbox(module_api, module_table, mocked_aws, module_aws[get_settings().queue_name("audit")])


@dataclass
class AwsCalls:
    """AWS API calls made, as ``service.Operation`` (every botocore client: PynamoDB's and boto3's)."""

    log: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.log.clear()

    def of(self, service: str) -> list[str]:
        return [call.split(".", 1)[1] for call in self.log if call.startswith(service + ".")]


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> AwsCalls:
    calls = AwsCalls()
    original = BaseClient._make_api_call

    def counting(client: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        calls.log.append(f"{client.meta.service_model.service_name}.{operation_name}")
        return original(client, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


# Round trips measured by tests/integration/test_round_trips.py, printed after the run. A test appends
# to MEASURED_ROUND_TRIPS; its report carries them (from a pytest-xdist worker to the controller, too)
# and the summary prints what the reports carried.
MEASURED_ROUND_TRIPS: list[tuple[str, list[str]]] = []
_ROUND_TRIPS_PROPERTY = "dynamodb_round_trips"
_REPORTED_ROUND_TRIPS: list[tuple[str, list[str]]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if call.when == "call" and MEASURED_ROUND_TRIPS:
        report = outcome.get_result()
        report.user_properties.append((_ROUND_TRIPS_PROPERTY, list(MEASURED_ROUND_TRIPS)))
        MEASURED_ROUND_TRIPS.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, measured in report.user_properties:
        if name == _ROUND_TRIPS_PROPERTY:
            _REPORTED_ROUND_TRIPS.extend((case, list(operations)) for case, operations in measured)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _REPORTED_ROUND_TRIPS:
        return
    terminalreporter.section("DynamoDB round trips per request")
    width = max(len(case) for case, _ in _REPORTED_ROUND_TRIPS)
    for case, operations in _REPORTED_ROUND_TRIPS:
        terminalreporter.write_line(f"{case:<{width}}  {len(operations)}  {' + '.join(operations) or '-'}")


# --- the catalog ----------------------------------------------------------------------------------------


@pytest.fixture
def make_category(api: Api) -> Callable[..., str]:
    """Create a category of an organization through the API (a root unless a parent is given), its slug
    made unique from its name; returns its id."""
    made = itertools.count(1)

    def make(token: str, organization_id: str, name: str = "Tools", parent_id: str | None = None) -> str:
        slug = f"{name.lower().replace(' ', '-')}-{next(made)}"
        body = {"name": {"en": name}, "slug": {"en": slug}, "parent_id": parent_id}
        reply = api.call(
            "POST", f"/v1/admin/organizations/{organization_id}/categories", token=token, body=body
        )
        assert reply.status == 201, reply.body
        return str(reply.body["id"])

    return make


def create_selection(api: Api, token: str, organization_id: str, **overrides: Any) -> dict[str, Any]:
    """Create a product selection of an organization through the API; returns it."""
    body = {"name": "Assortment", "organization_id": organization_id, "mode": "include", **overrides}
    reply = api.call("POST", "/v1/admin/selections", token=token, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


@pytest.fixture
def make_selection(api: Api) -> Callable[..., dict[str, Any]]:
    return functools.partial(create_selection, api)


# --- the media bucket ------------------------------------------------------------------------------------


def _create_media_bucket(mocked_aws: Moto) -> str:
    from chalicelib.platform.objects import create_bucket

    settings = get_settings()
    create_bucket(
        boto3.client("s3", region_name=settings.aws_region), settings.media_bucket, settings.aws_region
    )
    return settings.media_bucket


@pytest.fixture
def media_bucket(mocked_aws: Moto, aws: dict[str, str]) -> str:
    """The media bucket, versioned as deployed, in the test's fresh account; returns its name."""
    return _create_media_bucket(mocked_aws)


@pytest.fixture(scope="module")
def module_media_bucket(mocked_aws: Moto, module_aws: dict[str, str]) -> str:
    return _create_media_bucket(mocked_aws)


def upload_as_browser(form: dict[str, Any], content: bytes) -> None:
    """Store what the pre-signed form's POST would (moto's reset drops its interception of plain HTTP,
    so the form itself is posted in the e2e tier, against moto's server)."""
    fields = form["fields"]
    boto3.client("s3", region_name=get_settings().aws_region).put_object(
        Bucket=get_settings().media_bucket,
        Key=fields["key"],
        Body=content,
        ContentType=fields["Content-Type"],
        Tagging="kontor-upload=pending",
    )


@pytest.fixture
def make_attribute(api: Api) -> Callable[..., dict[str, Any]]:
    """Define a product attribute through the API (an enum, colour, unless told otherwise); returns it."""
    from .support import attribute_body

    def make(token: str, code: str = "colour", **overrides: Any) -> dict[str, Any]:
        reply = api.call("POST", "/v1/admin/attributes", token=token, body=attribute_body(code, **overrides))
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make


@pytest.fixture
def make_product(api: Api) -> Callable[..., dict[str, Any]]:
    """Create a product of an organization through the API; returns it."""
    from .support import product_body

    def make(token: str, organization_id: str, **overrides: Any) -> dict[str, Any]:
        reply = api.call(
            "POST", "/v1/admin/products", token=token, body=product_body(organization_id, **overrides)
        )
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make


# --- the storefront catalog -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_storefront_shops() -> Iterator[None]:
    """Each test's world starts with empty per-process shop and pricing caches (a hostname names
    another world's website in the next test, a tenant id another world's tenant)."""
    from chalicelib.services.catalog.storefront import forget_shops
    from chalicelib.services.pricing.chains import forget_pricing

    forget_shops()
    forget_pricing()
    yield
    forget_shops()
    forget_pricing()


@pytest.fixture
def set_catalog_rule(api: Api) -> Callable[..., None]:
    """Set a catalog rule through the admin API, as a tenant's administrator (``token``): ``unit`` (a
    unit's rule of a product: ``customer``, ``unit``, ``website``, ``product``, ``visibility``),
    ``group category`` (a customer group's rule of a category: ``organization``, ``category``,
    ``website``, ``group``, ``visibility``), ``selection product`` (``selection``, ``product``) or
    ``selection unit`` (``selection``, ``customer``, ``unit``)."""

    def put(token: str, kind: str, **fields: Any) -> None:
        if kind == "unit":
            path = f"/v1/admin/products/{fields['product']}/visibility"
            body: dict[str, Any] | None = {
                "website_id": fields["website"],
                "level": "unit",
                "customer_id": fields["customer"],
                "unit_id": fields["unit"],
                "visibility": fields["visibility"],
            }
        elif kind == "group category":
            path = (
                f"/v1/admin/organizations/{fields['organization']}/categories/{fields['category']}/visibility"
            )
            body = {
                "website_id": fields["website"],
                "level": "group",
                "customer_group_id": fields["group"],
                "visibility": fields["visibility"],
            }
        elif kind == "selection product":
            path, body = f"/v1/admin/selections/{fields['selection']}/products/{fields['product']}", None
        else:
            selection, customer, unit = fields["selection"], fields["customer"], fields["unit"]
            path, body = f"/v1/admin/selections/{selection}/units/{customer}/{unit}", None
        reply = api.call("PUT", path, token=token, body=body)
        assert reply.status in (200, 201), reply.body

    return put


# --- taxes ------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_tax_tables() -> Iterator[None]:
    """Each test's world starts with no tax rules cached in the process (a tenant's tax generation
    counts again from the same numbers in the next world)."""
    from chalicelib.services.taxes.calculation import forget_tax_tables

    forget_tax_tables()
    yield
    forget_tax_tables()


@pytest.fixture
def isolated_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB runs a transaction's checks and writes as one isolated step; moto checks, then writes,
    and lets another thread's transaction in between. One lock around moto's makes it DynamoDB's (for
    tests of concurrent placements: order numbers, one checkout placed twenty times)."""
    lock = threading.Lock()
    transact = DynamoDBBackend.transact_write_items

    def isolated(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with lock:
            transact(backend, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", isolated)
