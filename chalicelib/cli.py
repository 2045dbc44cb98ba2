"""The ``kontor`` command: dev tokens and DNS records, tenants over the API, replaying a dead-letter queue.

``kontor dev token`` mints a token the local stack's dev issuer vouches for; ``kontor dev dns
publish`` publishes a TXT record in the local stack's stand-in for DNS (a hostname's challenge);
``kontor tenant create`` is a platform operator's ``POST /v1/platform/tenants``; ``kontor
replay-dlq`` moves the messages a consumer gave up on back to its queue once the cause is fixed (``kontor
erp replay`` the ERP messages chosen by id or type, their import records reopened);
``kontor catalog recount`` repairs the counts of products per category the storefront's tree reads.
Only the standard library and what the Lambda package already ships are used, so the command works
wherever the package is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.platform.dev_issuer import DEV_OPERATOR_EMAIL, mint_token
from chalicelib.platform.queues import CONSUMER_QUEUES, ERP_INBOUND, dead_letter_name
from chalicelib.store.keys import PLATFORM_TENANT

LOCAL_HOST = "127.0.0.1"
DEFAULT_API_PORT = 8000
LOCAL_SQS_ENDPOINT = "http://127.0.0.1:8002"  # the local stage's KONTOR_SQS_ENDPOINT (.chalice/config.json)
LOCAL_DYNAMODB_ENDPOINT = "http://127.0.0.1:8001"  # the local stage's KONTOR_DYNAMODB_ENDPOINT
TOKEN_LIFETIME_SECONDS = 12 * 3600
HTTP_TIMEOUT_SECONDS = 30
SQS_BATCH = 10
SQS_CONNECT_TIMEOUT_SECONDS = 5


class CommandFailed(Exception):
    """A failure the user can act on: reported in one line, with exit code 1."""


def _default_key_dir() -> str:
    return os.environ.get("KONTOR_DEV_ISSUER_DIR") or ".local/dev-issuer"


def local_api_port() -> int:
    """The port ``make run`` serves the API on: ``$KONTOR_PORT``, else 8000."""
    return int(os.environ.get("KONTOR_PORT") or DEFAULT_API_PORT)


def _default_api() -> str:
    return f"http://{LOCAL_HOST}:{local_api_port()}"


def _default_sqs_endpoint() -> str:
    return os.environ.get("KONTOR_SQS_ENDPOINT") or LOCAL_SQS_ENDPOINT


def _default_dns_file() -> str:
    return os.environ.get("KONTOR_DNS_RECORDS_FILE") or ".local/dns-records.json"


def dev_token(args: argparse.Namespace) -> int:
    print(mint_token(args.key_dir, tenant_id=args.tenant, email=args.user, lifetime_seconds=args.ttl))
    return 0


def dns_publish(args: argparse.Namespace) -> int:
    from chalicelib.platform.dns import RecordsFile

    RecordsFile(args.file).publish(args.name, args.value)
    print(f"published TXT {args.name} = {args.value!r} in {args.file}")
    return 0


def create_tenant(args: argparse.Namespace) -> int:
    token = args.token or mint_token(args.key_dir, tenant_id=PLATFORM_TENANT, email=DEV_OPERATOR_EMAIL)
    body = {
        "id": args.id,
        "name": args.name,
        "settings": {
            "default_currency": args.currency,
            "default_locale": args.locale,
            "timezone": args.timezone,
        },
        "admin_email": args.admin_email,
        "admin_name": args.admin_name,
    }
    request = urllib.request.Request(
        f"{args.api.rstrip('/')}/v1/platform/tenants",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            print(json.dumps(json.load(response), indent=2))
    except urllib.error.HTTPError as error:  # a problem document: show it as the API wrote it
        print(error.read().decode(), file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        raise CommandFailed(
            f"cannot reach {args.api}: {error.reason} (is the local stack running?)"
        ) from None
    return 0


def _sendable(attributes: dict[str, Any]) -> dict[str, Any]:
    """Received message attributes in the form SendMessage takes (no list fields)."""
    return {
        name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
        for name, value in attributes.items()
    }


def replay_dead_letters(
    sqs: Any,
    queue_name: str,
    chosen: Callable[[dict[str, Any]], bool] | None = None,
    before_sending: Callable[[list[dict[str, Any]]], object] | None = None,
) -> list[dict[str, Any]]:
    """Move the messages in ``queue_name``'s DLQ back to it (those ``chosen``, or all); the messages moved.

    Only as many as the DLQ held at the start are looked at, so a message that fails again and returns
    to the DLQ meanwhile is not replayed twice. Each is sent before it is deleted: a crash in between
    leaves a duplicate, which consumers absorb (they are idempotent by event id), never a loss.
    ``before_sending`` sees each batch about to go back (to reopen what its consumer recorded). Messages
    not chosen stay hidden until the end, so that none is looked at twice, then show again at once.
    """
    source = sqs.get_queue_url(QueueName=dead_letter_name(queue_name))["QueueUrl"]
    target = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    waiting = int(
        sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"
        ]["ApproximateNumberOfMessages"]
    )
    moved: list[dict[str, Any]] = []
    left: list[str] = []  # receipt handles of the messages not chosen
    looked_at = 0
    try:
        while looked_at < waiting:
            messages = sqs.receive_message(
                QueueUrl=source,
                MaxNumberOfMessages=min(SQS_BATCH, waiting - looked_at),
                WaitTimeSeconds=1,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                break
            looked_at += len(messages)
            picked = [m for m in messages if chosen is None or chosen(m)]
            left += [m["ReceiptHandle"] for m in messages if m not in picked]
            if picked:
                moved += _send_back(sqs, source, target, picked, before_sending)
    finally:
        for start in range(0, len(left), SQS_BATCH):
            entries = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for i, handle in enumerate(left[start : start + SQS_BATCH])
            ]
            sqs.change_message_visibility_batch(QueueUrl=source, Entries=entries)
    return moved


def _send_back(
    sqs: Any,
    source: str,
    target: str,
    messages: list[dict[str, Any]],
    before_sending: Callable[[list[dict[str, Any]]], object] | None,
) -> list[dict[str, Any]]:
    """Send ``messages`` to ``target``, then delete those sent from ``source``; those moved."""
    if before_sending is not None:
        before_sending(messages)
    sent = sqs.send_message_batch(
        QueueUrl=target,
        Entries=[
            {
                "Id": str(i),
                "MessageBody": m["Body"],
                "MessageAttributes": _sendable(m.get("MessageAttributes", {})),
            }
            for i, m in enumerate(messages)
        ],
    )
    done = {entry["Id"] for entry in sent.get("Successful", [])}
    if done:
        sqs.delete_message_batch(
            QueueUrl=source,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)
                if str(i) in done
            ],
        )
    if sent.get("Failed"):
        raise RuntimeError(f"could not send back {len(sent['Failed'])} message(s): {sent['Failed']}")
    return [m for i, m in enumerate(messages) if str(i) in done]


def _sqs(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The stage's SQS client (the local stack's unless ``--stage`` says otherwise) and its endpoint."""
    import boto3
    from botocore.config import Config

    local = args.stage == "local"
    endpoint = args.sqs_endpoint or (_default_sqs_endpoint() if local else None)
    sqs = boto3.client(
        "sqs",
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1",
        endpoint_url=endpoint,
        config=Config(connect_timeout=SQS_CONNECT_TIMEOUT_SECONDS, retries={"max_attempts": 2}),
        **({"aws_access_key_id": "local", "aws_secret_access_key": "local"} if local else {}),
    )
    return sqs, endpoint


def _replaying(
    args: argparse.Namespace, queue: str, replay: Callable[[Any, str], list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """``replay(sqs, queue name)`` on the stage's queue ``queue``, its SQS failures in one line."""
    from botocore.exceptions import BotoCoreError, ClientError

    sqs, endpoint = _sqs(args)
    queue_name = f"kontor-{args.stage}-{queue}"
    try:
        return replay(sqs, queue_name)
    except (BotoCoreError, ClientError) as error:
        where = endpoint or "SQS"
        raise CommandFailed(f"cannot replay {dead_letter_name(queue_name)} at {where}: {error}") from None


def replay_dlq(args: argparse.Namespace) -> int:
    moved = _replaying(args, args.queue, replay_dead_letters)
    print(f"moved {len(moved)} message(s) from {dead_letter_name(f'kontor-{args.stage}-{args.queue}')}")
    return 0


def _attribute(message: dict[str, Any], name: str) -> str | None:
    value: str | None = message.get("MessageAttributes", {}).get(name, {}).get("StringValue")
    return value


def erp_replay(args: argparse.Namespace) -> int:
    """Move the ERP messages chosen (by id, by type, or all) from the erp-inbound DLQ back to its queue,
    their import records back to ``accepted`` first (a record the worker closed as failed would make
    it drop the message); prints each message moved."""
    if not (args.all or args.message_id or args.type):
        raise CommandFailed("say which messages: --message-id, --type or --all")
    _table_environment(args.stage)
    from chalicelib.services.erp.imports import reopen

    ids, types = set(args.message_id or ()), set(args.type or ())

    def chosen(message: dict[str, Any]) -> bool:
        if args.all:
            return True
        return _attribute(message, "message_id") in ids or _attribute(message, "message_type") in types

    def replay(sqs: Any, queue_name: str) -> list[dict[str, Any]]:
        return replay_dead_letters(sqs, queue_name, chosen, lambda batch: reopen([m["Body"] for m in batch]))

    moved = _replaying(args, ERP_INBOUND, replay)
    for message in moved:
        print(f"moved {_attribute(message, 'message_id')} ({_attribute(message, 'message_type')})")
    print(f"moved {len(moved)} message(s) from {dead_letter_name(f'kontor-{args.stage}-{ERP_INBOUND}')}")
    return 0


def _table_environment(stage: str) -> None:
    """The stage's table as the API reads it: ``KONTOR_TABLE`` and ``KONTOR_DYNAMODB_ENDPOINT`` if set,
    the local stack's unless."""
    if stage == "local":
        os.environ.setdefault("KONTOR_DYNAMODB_ENDPOINT", LOCAL_DYNAMODB_ENDPOINT)
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("KONTOR_STAGE", stage)
    os.environ.setdefault("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1")


def recount_categories(args: argparse.Namespace) -> int:
    """Recount the products of each category of the tenant's organizations (or those named), straight on
    the stage's table: ``KONTOR_TABLE`` and ``KONTOR_DYNAMODB_ENDPOINT`` as the API reads them, the
    local stack's unless set."""
    _table_environment(args.stage)
    from chalicelib.services.catalog.category_counts import recount_tenant

    counts = recount_tenant(args.tenant, args.organization or None)
    for organization_id, categories in counts.items():
        counted = sum(1 for count in categories.values() if count)
        print(f"{organization_id}: {counted} of {len(categories)} categories hold enabled products")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kontor", description="Kontor's command line")
    commands = parser.add_subparsers(required=True, metavar="command")

    dev = commands.add_parser("dev", help="local development helpers")
    dev_commands = dev.add_subparsers(required=True, metavar="command")
    token = dev_commands.add_parser("token", help="print a bearer token from the dev issuer")
    token.add_argument("--tenant", required=True, help="tenant id (platform for operators)")
    token.add_argument("--user", required=True, help="the user's email")
    token.add_argument("--key-dir", type=Path, default=_default_key_dir(), help="dev issuer key folder")
    token.add_argument("--ttl", type=int, default=TOKEN_LIFETIME_SECONDS, help="lifetime in seconds")
    token.set_defaults(run=dev_token)
    dns = dev_commands.add_parser("dns", help="the local stack's stand-in for DNS")
    dns_commands = dns.add_subparsers(required=True, metavar="command")
    publish = dns_commands.add_parser("publish", help="publish a TXT record (a hostname's challenge)")
    publish.add_argument("name", help="the record's name, e.g. _kontor-challenge.shop.acme.at")
    publish.add_argument("value", help="the TXT value, e.g. kontor-verification=<token>")
    publish.add_argument("--file", type=Path, default=_default_dns_file(), help="the records file")
    publish.set_defaults(run=dns_publish)

    tenant = commands.add_parser("tenant", help="tenants")
    tenant_commands = tenant.add_subparsers(required=True, metavar="command")
    create = tenant_commands.add_parser("create", help="create a tenant with its first administrator")
    create.add_argument("--id", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--admin-email", required=True)
    create.add_argument("--admin-name", required=True)
    create.add_argument("--currency", required=True, help="default currency (ISO 4217)")
    create.add_argument("--locale", required=True, help="default locale (BCP 47)")
    create.add_argument("--timezone", default="UTC", help="IANA time zone")
    create.add_argument(
        "--api",
        default=_default_api(),
        help="the API's base URL (default: the local stack's, on $KONTOR_PORT)",
    )
    create.add_argument("--token", help="a platform operator's token (default: one minted locally)")
    create.add_argument("--key-dir", type=Path, default=_default_key_dir(), help="dev issuer key folder")
    create.set_defaults(run=create_tenant)

    replay = commands.add_parser("replay-dlq", help="move a queue's dead letters back to it")
    replay.add_argument("--queue", required=True, choices=CONSUMER_QUEUES)
    replay.add_argument("--stage", default="local", help="whose queues (default: the local stack's)")
    replay.add_argument(
        "--sqs-endpoint", help=f"SQS endpoint (local default: $KONTOR_SQS_ENDPOINT or {LOCAL_SQS_ENDPOINT})"
    )
    replay.set_defaults(run=replay_dlq)

    erp = commands.add_parser("erp", help="the ERP inbound queue")
    erp_commands = erp.add_subparsers(required=True, metavar="command")
    erp_replay_command = erp_commands.add_parser(
        "replay", help="move ERP messages from the erp-inbound DLQ back to their queue (after a fix)"
    )
    erp_replay_command.add_argument("--message-id", action="append", help="the ERP's message id (repeatable)")
    erp_replay_command.add_argument(
        "--type", action="append", help="a message type, e.g. prices.upsert (repeatable)"
    )
    erp_replay_command.add_argument("--all", action="store_true", help="every message in the DLQ")
    erp_replay_command.add_argument(
        "--stage", default="local", help="whose queues and table (default: the local stack's)"
    )
    erp_replay_command.add_argument(
        "--sqs-endpoint", help=f"SQS endpoint (local default: $KONTOR_SQS_ENDPOINT or {LOCAL_SQS_ENDPOINT})"
    )
    erp_replay_command.set_defaults(run=erp_replay)

    catalog = commands.add_parser("catalog", help="the catalog's derived data")
    catalog_commands = catalog.add_subparsers(required=True, metavar="command")
    recount = catalog_commands.add_parser(
        "recount", help="recount the enabled products of each category (the storefront tree's counts)"
    )
    recount.add_argument("--tenant", required=True)
    recount.add_argument(
        "--organization", action="append", help="an organization's id (repeatable; default: all of them)"
    )
    recount.add_argument("--stage", default="local", help="whose table (default: the local stack's)")
    recount.set_defaults(run=recount_categories)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        exit_code: int = args.run(args)
    except CommandFailed as failure:
        print(f"kontor: {failure}", file=sys.stderr)
        return 1
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
