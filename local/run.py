"""``make run``: the whole stack on this machine in one command, stopped with Ctrl-C.

DynamoDB Local (moto with ``--in-memory`` or without Java) and moto's SQS and S3 (one server, in memory:
uploaded media do not outlive a restart) run as child processes, started again if they die. The
API (Chalice's local server), the stream poller and the queue pollers run in this process and call
the app's own handlers, with the stage environment of ``.chalice/config.json`` exported first. No
accepted event is lost when the stack or a piece of it stops, however: see ``local.durability``.

    python -m local.run [--port 8000] [--dynamodb-port 8001] [--sqs-port 8002]
                        [--in-memory] [--data-dir .local] [--ready-file PATH]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from chalicelib.platform.dev_issuer import ensure_key_pair, mint_token
from local.backends import Backend, dynamodb_local_command, dynamodb_local_jar, moto_command
from local.demo_taxes import BERLIN_SITE
from local.durability import QueueKeeper, Supervisor
from local.environment import (
    HOST,
    PROJECT_ROOT,
    STAGE,
    DataDir,
    Ports,
    chalice_config,
    default_ports,
    endpoint,
    local_environment,
)
from local.pollers import Checkpoint, Function, Poller, QueuePoller, StreamPoller

if TYPE_CHECKING:
    from local.seed import Ledger

LOG = logging.getLogger("local.run")  # not __name__: that is __main__ under -m

STREAM_HANDLER = "outbox_dispatcher"
JWKS_ROUTE = "/v1/dev/jwks.json"
THREAD_STOP_SECONDS = 10.0
# Two lines every demo buyer prices differently: a torque wrench (hand tools) and 50 wood screws.
RESOLVE_DEMO = json.dumps(
    {
        "lines": [
            {"sku": "TW05-000", "unit": "each", "quantity": "1"},
            {"sku": "WS08-000", "unit": "each", "quantity": "50"},
        ]
    }
)


class Stopped(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM; unwinds startup or serving alike."""


def _stop(signum: int, frame: FrameType | None) -> None:
    for name in (signal.SIGINT, signal.SIGTERM):
        signal.signal(name, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
    print(f"\n{signal.Signals(signum).name}: stopping the local stack ...", flush=True)
    raise Stopped


def _arguments(argv: list[str] | None, ports: Ports) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.run", description="Run Kontor locally.")
    parser.add_argument("--port", type=int, default=ports.api, help="API port (default $KONTOR_PORT or 8000)")
    parser.add_argument("--dynamodb-port", type=int, default=ports.dynamodb)
    parser.add_argument("--sqs-port", type=int, default=ports.sqs)
    parser.add_argument("--in-memory", action="store_true", help="DynamoDB in moto: nothing persists")
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".local")
    parser.add_argument("--ready-file", type=Path, help="write the endpoints here as JSON once ready")
    return parser.parse_args(argv)


def _start_dynamodb(jar: Path | None, args: argparse.Namespace, data: DataDir, cleanup: ExitStack) -> Backend:
    if jar is None:
        reason = "--in-memory" if args.in_memory else "Java or the DynamoDB Local jar (npm ci) is missing"
        LOG.warning("DynamoDB runs in moto (%s): its data will NOT persist", reason)
        backend = Backend("dynamodb-moto", moto_command(args.dynamodb_port), args.dynamodb_port, data.logs)
    else:
        retired = data.retire_stale_dynamodb()
        if retired is not None:
            LOG.warning("the local data had an older format: moved to %s, seeding afresh", retired)
        command = dynamodb_local_command(jar, args.dynamodb_port, data.dynamodb)
        backend = Backend("dynamodb-local", command, args.dynamodb_port, data.logs)
    cleanup.callback(backend.stop)
    return backend


def _function(config: dict[str, Any], name: str, handler: Any) -> Function:
    """A handler with the memory and timeout the stage's config gives that function."""
    from chalice.config import Config

    function_config = Config(chalice_stage=STAGE, function_name=name, config_from_disk=config)
    return Function(name, handler, function_config.lambda_memory_size, function_config.lambda_timeout)


def _consumer_handler(consumer: str) -> str:
    """The handler of a consumer queue in app.py, named as infrastructure/ expects it."""
    return f"{consumer.replace('-', '_')}_consumer"


def _provision_table(dynamodb: Backend) -> None:
    from chalicelib.platform.settings import get_settings
    from chalicelib.store.schema import create_table

    create_table(dynamodb.client("dynamodb"), get_settings().table_name)


def _provision_queues(sqs: Backend) -> list[str]:
    """The consumer and export queues with their DLQs and redrive policies, and the media bucket
    (idempotent): made at each start, and again whenever the SQS server lost them. Returns the consumer
    queues' URLs (and their DLQs'), whose backlog the queue keeper waits for: an export queue is read by
    a system outside the stack when it likes (the ERP), and would hold the checkpoint back for ever."""
    from chalicelib.platform.objects import create_bucket
    from chalicelib.platform.queues import EXPORT_QUEUES, create_queues, dead_letter_name
    from chalicelib.platform.settings import get_settings

    settings = get_settings()
    urls = create_queues(sqs.client("sqs"), settings.queue_prefix)
    create_bucket(sqs.client("s3"), settings.media_bucket, settings.aws_region)
    exports = [settings.queue_name(export) for export in EXPORT_QUEUES]
    outside = {*exports, *(dead_letter_name(name) for name in exports)}
    return [url for name, url in urls.items() if name not in outside]


def _journal_erp_inbound(data: DataDir, sqs: Backend) -> None:
    """Send again what the last run's erp-inbound queue held unapplied; journal what the API sends there."""
    from chalicelib.platform.aws import sqs_client
    from chalicelib.platform.queues import ERP_INBOUND
    from chalicelib.platform.settings import get_settings
    from local.erp_journal import ErpJournal

    name = get_settings().queue_name(ERP_INBOUND)
    journal = ErpJournal(data.erp_journal, name)
    client = sqs.client("sqs")
    journal.resend(client, client.get_queue_url(QueueName=name)["QueueUrl"])
    journal.record(sqs_client())


def _start_pollers(
    kontor: Any,
    config: dict[str, Any],
    dynamodb: Backend,
    sqs: Backend,
    checkpoint: Checkpoint,
    queue_urls: list[str],
    cleanup: ExitStack,
) -> None:
    from chalicelib.platform.queues import CONSUMER_QUEUES
    from chalicelib.platform.settings import get_settings

    handlers = {consumer: _consumer_handler(consumer) for consumer in CONSUMER_QUEUES}
    if missing := sorted(name for name in handlers.values() if not hasattr(kontor, name)):
        raise RuntimeError(f"app.py has no handler {missing} for its consumer queue(s)")
    settings = get_settings()
    stopping = threading.Event()
    sqs_client = sqs.client("sqs")
    stream = StreamPoller(
        _function(config, STREAM_HANDLER, getattr(kontor, STREAM_HANDLER)),
        dynamodb.client("dynamodb"),
        dynamodb.client("dynamodbstreams"),
        settings.table_name,
        checkpoint,
        stopping,
    )

    def dynamodb_restarted() -> None:
        dynamodb.wait_ready(dynamodb.client("dynamodb").list_tables)
        _provision_table(dynamodb)  # moto's table died with it; DynamoDB Local's is on disk

    def sqs_restarted() -> None:
        sqs.wait_ready(sqs_client.list_queues)  # the queue keeper notices its queues are gone

    pollers: list[Poller] = [
        Supervisor({dynamodb: dynamodb_restarted, sqs: sqs_restarted}, stopping),
        QueueKeeper(sqs_client, queue_urls, lambda: _provision_queues(sqs), checkpoint, stream, stopping),
        stream,
        *(
            QueuePoller(
                _function(config, handler, getattr(kontor, handler)),
                sqs_client,
                settings.queue_name(consumer),
                stopping,
            )
            for consumer, handler in handlers.items()
        ),
    ]

    def stop() -> None:
        stopping.set()
        for poller in pollers:
            poller.join(THREAD_STOP_SECONDS)

    cleanup.callback(stop)
    for poller in pollers:
        poller.start()


def _example_website(organization_id: str) -> str:
    """A website body that is valid against the seeded data (a fresh hostname each run)."""
    return json.dumps(
        {
            "organization_id": organization_id,
            "name": "Acme Austria",
            "country": "AT",
            "hostnames": [f"shop-{secrets.token_hex(3)}.acme.at"],
            "currencies": ["EUR"],
            "locales": ["de-AT", "en"],
            "default_locale": "de-AT",
        }
    )


def _banner(
    api: str, data: DataDir, dynamodb: Backend, sqs: Backend, routes: set[str], ledger: Ledger
) -> str:
    from chalicelib.platform.dev_issuer import DEV_OPERATOR_EMAIL
    from chalicelib.platform.settings import get_settings
    from chalicelib.store.keys import PLATFORM_TENANT
    from local.seed import DEMO_TENANTS, demo_products, organization_key

    acme, nordic = DEMO_TENANTS
    tokens = {
        "ACME_TOKEN": (acme.id, acme.admin_email),
        "NORDIC_TOKEN": (nordic.id, nordic.admin_email),
        "OPERATOR_TOKEN": (PLATFORM_TENANT, DEV_OPERATOR_EMAIL),
        **{
            f"{email.split('.')[0].upper()}_TOKEN": (acme.id, email)
            for email in [user.email for user in acme.staff] + [user.email for user in acme.customer_users]
        },
    }
    exports = [
        f"export {name}='{mint_token(data.dev_issuer, tenant_id=tenant, email=email)}'  # {email}"
        for name, (tenant, email) in tokens.items()
    ]
    acme_auth = '-H "Authorization: Bearer $ACME_TOKEN"'
    organization_id = ledger.ids.get(organization_key(acme, acme.organizations[0].fields["name"]))
    create_website = (
        [
            f"curl -s -X POST {api}/v1/admin/websites {acme_auth} -H 'Content-Type: application/json' "
            f"-d '{_example_website(organization_id)}'"
        ]
        if organization_id
        else []
    )
    catalog = (
        [
            "",
            f"Catalog (Acme Europe: 35 categories, {demo_products()} products, variants, data sheets):",
            f"curl -s {api}/v1/admin/organizations/{organization_id}/categories {acme_auth}",
            f"curl -s '{api}/v1/admin/products?organization_id={organization_id}&limit=5' {acme_auth}",
            f'curl -s {api}/v1/admin/selections -H "Authorization: Bearer $CLEO_TOKEN"',
            "",
            "The same shop (shop.acme.de), three buyers, three catalogs:",
            *(
                f'curl -s {api}/v1/store/catalog/categories -H "Authorization: Bearer ${who}_TOKEN" '
                f'-H "X-Kontor-Host: shop.acme.de"  # {sees}'
                for who, sees in (
                    ("BOB", "Globex, Plant Lyon: no hand protection (a rule of his unit)"),
                    ("OLGA", "Globex, Plant Ohio: everything"),
                    ("INA", "Initech: no hydraulics (the Standard group's selection)"),
                )
            ),
            "",
            "The same shop, three buyers, three prices (local/demo_pricing.py):",
            *(
                f'curl -s -X POST {api}/v1/store/prices/resolve -H "Authorization: Bearer ${who}_TOKEN" '
                f"-H 'X-Kontor-Host: shop.acme.de' -H 'Content-Type: application/json' "
                f"-d '{RESOLVE_DEMO}'  # {pays}"
                for who, pays in (
                    (
                        "BOB",
                        "Plant Lyon: hand tools 10% off (a rule-based list), the Globex contract's tiers",
                    ),
                    ("OLGA", "Plant Ohio: key accounts 5% off, the Globex contract's tiers"),
                    ("INA", "Initech: the base list and its volume tiers"),
                )
            ),
            f'curl -s -X POST "{api}/v1/store/catalog/sku-lookup?currency=GBP" '
            "-H \"Authorization: Bearer $INA_TOKEN\" -H 'X-Kontor-Host: shop.acme.de' "
            "-H 'Content-Type: application/json' "
            """-d '{"skus": ["TW05-000"]}'  # the base GBP list's tiers""",
            "",
            "A list -> a checkout -> an order (Ava; Bob and Olga check out too, from the company's book):",
            *_checkout_lines(api),
        ]
        if organization_id
        else []
    )
    lines = [
        "",
        "Kontor is running (Ctrl-C stops it)",
        f"  API        {api}",
        f"  API docs   {api}/docs",
        f"  OpenAPI    {api}/openapi.json",
        *([f"  JWKS       {api}{JWKS_ROUTE}"] if JWKS_ROUTE in routes else []),
        f"  DynamoDB   {dynamodb.endpoint} ({dynamodb.name}; logs in {data.logs})",
        f"  SQS, S3    {sqs.endpoint} (moto; media in the bucket {get_settings().media_bucket})",
        f"  data       {data.root}",
        "",
        "Tokens (12 h; more with: kontor dev token --tenant acme --user admin@acme.example):",
        *exports,
        "",
        "Try:",
        f"curl -s {api}/v1/health",
        f"curl -s {api}/v1/admin/websites {acme_auth}",
        *create_website,
        f"curl -s '{api}/v1/admin/audit?limit=5' {acme_auth}",
        f"curl -s {api}/v1/public/websites/by-host/shop.acme.de",
        f'curl -s {api}/v1/admin/websites -H "Authorization: Bearer $NORDIC_TOKEN"',
        f'curl -s {api}/v1/admin/me -H "Authorization: Bearer $SAM_TOKEN"',
        f'curl -s {api}/v1/admin/customers -H "Authorization: Bearer $SAM_TOKEN"  # only his customers',
        f'curl -s {api}/v1/admin/websites -H "Authorization: Bearer $OLAF_TOKEN"  # only Acme Europe',
        f'curl -s {api}/v1/platform/tenants -H "Authorization: Bearer $OPERATOR_TOKEN"',
        "",
        "Storefront (Globex's users; a purchasing manager sees his unit's users, a buyer is refused):",
        f'curl -s {api}/v1/store/me -H "Authorization: Bearer $MAX_TOKEN"',
        f'curl -s {api}/v1/store/company/users -H "Authorization: Bearer $MAX_TOKEN"',
        f'curl -s {api}/v1/store/company/users -H "Authorization: Bearer $BOB_TOKEN"',
        *catalog,
        "",
    ]
    return "\n".join(lines)


# Ava's choices: the company's billing address, a new shipping address in Berlin (local/demo_taxes.py
# taxes it), one of the shipping methods offered, the payment term with a PO number.
REVIEW_DEMO = {
    "billing_address": {"address_id": "<billing adr_>"},
    "shipping_address": {"address": BERLIN_SITE},
    "shipping_method_id": "<shp_>",
    "payment": {"purchase_order_number": "PO-7"},
    "reviewed": True,
}


def _checkout_lines(api: str) -> list[str]:
    """Ava's list, its checkout, its steps and review, and the order placed (README's curl lines)."""
    as_ava = "-H \"Authorization: Bearer $AVA_TOKEN\" -H 'X-Kontor-Host: shop.acme.de'"
    json_body = "-H 'Content-Type: application/json'"
    read_id = "| python3 -c 'import json, sys; print(json.load(sys.stdin)[\"id\"])'"
    return [
        f"LIST=$(curl -s -X POST {api}/v1/store/shopping-lists {as_ava} {json_body} "
        f"""-d '{{"name": "Restock"}}' {read_id})""",
        f"curl -s -X POST {api}/v1/store/shopping-lists/$LIST/lines {as_ava} {json_body} "
        """-d '{"lines": [{"sku": "WS08-000", "unit": "each", "quantity": "50"}]}'""",
        f"CHECKOUT=$(curl -s -X POST {api}/v1/store/checkouts {as_ava} {json_body} "
        f"""-d "{{\\"shopping_list_id\\": \\"$LIST\\"}}" {read_id})""",
        f"curl -s {api}/v1/store/checkouts/$CHECKOUT {as_ava}  # live prices, shipping options, payment term",
        f"curl -s -X PATCH {api}/v1/store/checkouts/$CHECKOUT {as_ava} {json_body} -H 'If-Match: \"1\"' "
        f"-d '{json.dumps(REVIEW_DEMO)}'",
        f"curl -s -X POST {api}/v1/store/checkouts/$CHECKOUT/order {as_ava} {json_body} "
        """-H 'If-Match: "2"' -H 'Idempotency-Key: restock-1' -d '{"grand_total": <totals.grand_total>}'""",
    ]


def _write_ready_file(
    path: Path, api: str, dynamodb: Backend, data: DataDir, environment: dict[str, str]
) -> None:
    """Endpoints and environment for scripts and the e2e tier; written whole or not at all."""
    partial = path.with_suffix(".tmp")
    partial.write_text(
        json.dumps(
            {
                "api": api,
                "pid": os.getpid(),
                "dynamodb": dynamodb.name,
                "data_dir": str(data.root),
                "dev_issuer_dir": str(data.dev_issuer),
                "environment": environment,
            },
            indent=2,
        )
    )
    os.replace(partial, path)


def serve(args: argparse.Namespace, config: dict[str, Any]) -> None:
    started = time.monotonic()
    data = DataDir(args.data_dir.resolve())
    environment = local_environment(config, Ports(args.port, args.dynamodb_port, args.sqs_port), data)
    os.environ.update(environment)  # before the app is imported: settings are read from here
    ensure_key_pair(data.dev_issuer)

    with ExitStack() as cleanup:
        jar = None if args.in_memory else dynamodb_local_jar()
        dynamodb = _start_dynamodb(jar, args, data, cleanup)
        sqs = Backend("sqs-moto", moto_command(args.sqs_port), args.sqs_port, data.logs)
        cleanup.callback(sqs.stop)

        # Imported while the backends boot (Java takes seconds), and only once the env is set.
        from chalice.config import Config

        import app as kontor
        from chalicelib.platform.settings import get_settings
        from local.gateway import create_server
        from local.seed import Ledger, seed

        dynamodb.wait_ready(dynamodb.client("dynamodb").list_tables)
        sqs.wait_ready(sqs.client("sqs").list_queues)
        LOG.info("%s and %s are up", dynamodb.name, sqs.name)

        settings = get_settings()
        # The seed's ledger lives beside DynamoDB Local's data; in moto it lasts as long as the table.
        ledger = Ledger(data.seed_ledger if jar else None)
        if settings.table_name not in dynamodb.client("dynamodb").list_tables()["TableNames"]:
            ledger.forget()  # a new table holds nothing the ledger names
        _provision_table(dynamodb)
        # The queues are new (moto keeps nothing): the stream poller resumes from the settled position.
        queue_urls = _provision_queues(sqs)
        checkpoint = Checkpoint(data.stream_checkpoint if jar else None)  # moto forgets the table
        report = seed(ledger)
        _journal_erp_inbound(data, sqs)
        # After the seed, not beside it: the stream poller starts from its checkpoint (else the stream's
        # beginning), so the seed's events are dispatched all the same, and the few hundred writes of
        # the demo catalog do not share this process's CPU with their audit trail.
        _start_pollers(kontor, config, dynamodb, sqs, checkpoint, queue_urls, cleanup)
        LOG.info("demo data: %d entities created, %d left out", report.created, len(report.skipped))
        for skipped in report.skipped:
            LOG.info("demo data left out: %s", skipped)

        # Bound only now, so a client that can connect is served (health checks mean "ready").
        server = create_server(
            kontor.app, Config(chalice_stage=STAGE, config_from_disk=config), HOST, args.port
        )
        cleanup.callback(server.server.server_close)
        serving = threading.Thread(target=server.server.serve_forever, name="api", daemon=True)
        serving.start()
        cleanup.callback(server.shutdown)
        api = endpoint(args.port)
        print(_banner(api, data, dynamodb, sqs, set(kontor.app.routes), ledger), flush=True)
        LOG.info("ready in %.1f s", time.monotonic() - started)
        if args.ready_file:
            _write_ready_file(args.ready_file, api, dynamodb, data, environment)
            cleanup.callback(args.ready_file.unlink, missing_ok=True)
        while True:
            signal.pause()  # until SIGINT or SIGTERM raises Stopped


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("local").setLevel(logging.INFO)
    config = chalice_config()
    args = _arguments(argv, default_ports(config))
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        serve(args, config)
    except Stopped:
        print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
