"""The fault tier's checks fail when what they guard breaks: first on answers and writes made up here,
then on the real app with one guard broken on purpose, every call faulted while faults fire."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from integration.conftest import Api, Moto
from integration.test_round_trips import World

from chalicelib.api import routing
from chalicelib.services.pricing import recalculation
from chalicelib.services.pricing.prices import PRICE_SHEET_TYPE
from chalicelib.store.repository import Transaction
from chalicelib.store.table import Item
from chalicelib.workers import consumer

from .checks import (
    Change,
    Consumed,
    Replay,
    Unit,
    WriteLog,
    audit_deliveries,
    delivery_problems,
    idempotent_replay,
    outbox_problems,
    reply_problems,
)
from .injection import KINDS, Kind
from .test_write_routes import run_under_faults

pytestmark = pytest.mark.shared_account

UNAVAILABLE = {"type": "https://kontor.dev/problems/service-unavailable", "status": 503}
CLEAN_503 = {"Retry-After": "1", "Content-Type": "application/problem+json"}
ORGANIZATION = "T#acme#ORG#org_1"


def change(type: str, data: dict[str, Any], *, pk: str = ORGANIZATION, name: str = "INSERT") -> Change:
    return Change(name, pk, "ORG" if type != "event" else "EVENT", type, data, {})


def event_of(entity_id: str, event_id: str = "evt_1") -> Change:
    return change("event", {"id": event_id, "type": "organization.created", "entity_id": entity_id})


# --- 1. answers -----------------------------------------------------------------------------------------


def test_a_clean_503_under_a_fault_passes() -> None:
    # when
    problems = reply_problems(503, CLEAN_503, UNAVAILABLE, expected=201, faulted=True)

    # then
    assert problems == []


@pytest.mark.parametrize(
    ("status", "headers", "body", "faulted", "wrong"),
    [
        (500, {}, {"status": 500}, True, "answered 500"),
        (409, {}, {"status": 409}, True, "answered 409 (expected 201) under an injected fault"),
        (503, {"Content-Type": "application/problem+json"}, UNAVAILABLE, True, "without a Retry-After"),
        (503, {"Retry-After": "1", "Content-Type": "application/json"}, UNAVAILABLE, True, "not as"),
        (503, CLEAN_503, {"type": "about:blank", "status": 503}, True, "not service-unavailable"),
        (503, CLEAN_503, UNAVAILABLE, False, "with no fault injected"),
    ],
    ids=["500", "4xx-under-a-fault", "no-retry-after", "not-problem-json", "other-problem", "unfaulted-503"],
)
def test_an_unclean_answer_is_a_problem(
    status: int, headers: dict[str, str], body: Any, faulted: bool, wrong: str
) -> None:
    # when
    problems = reply_problems(status, headers, body, expected=201, faulted=faulted)

    # then
    assert any(wrong in problem for problem in problems), problems


# --- 2. the outbox --------------------------------------------------------------------------------------


def test_an_entity_written_with_its_event_passes() -> None:
    # given
    unit = Unit("transact_write_items", (change("organization", {"id": "org_1"}), event_of("org_1")))

    # then
    assert outbox_problems([unit]) == []


def test_an_entity_written_without_its_event_is_a_problem() -> None:
    # given
    unit = Unit("put_item", (change("organization", {"id": "org_1"}),))

    # then
    assert outbox_problems([unit]) == [
        f"put_item changed organization {ORGANIZATION}|ORG without an outbox event"
    ]


def test_an_event_of_an_entity_left_unchanged_is_a_problem() -> None:
    # given an event of org_2 beside a change of org_1
    unit = Unit("transact_write_items", (change("organization", {"id": "org_1"}), event_of("org_2")))

    # then
    assert outbox_problems([unit]) == [
        "transact_write_items put the event organization.created of org_2 without changing it"
    ]


# --- 3. delivery ----------------------------------------------------------------------------------------


def test_each_committed_event_taken_once_passes() -> None:
    assert delivery_problems("audit", ["evt_1", "evt_2"], ["evt_2", "evt_1"], 0) == []


@pytest.mark.parametrize(
    ("delivered", "dead_letters", "wrong"),
    [
        (["evt_1"], 0, "1 committed events never taken: ['evt_2']"),
        (["evt_1", "evt_2", "evt_1"], 0, "events taken more than once: ['evt_1']"),
        (["evt_1", "evt_2", "evt_3"], 0, "events taken that no change committed: ['evt_3']"),
        (["evt_1", "evt_2"], 1, "1 messages dead-lettered"),
    ],
    ids=["missing", "twice", "refused-change", "dead-lettered"],
)
def test_a_delivery_missing_doubled_foreign_or_dead_lettered_is_a_problem(
    delivered: list[str], dead_letters: int, wrong: str
) -> None:
    # when
    problems = delivery_problems("audit", ["evt_1", "evt_2"], delivered, dead_letters)

    # then
    assert any(wrong in problem for problem in problems), problems


def test_an_audit_entry_written_over_counts_twice() -> None:
    # given an entry put, then put again over itself (a write without its condition)
    entry = {"id": "evt_1"}
    units = [
        Unit("put_item", (change("audit_entry", entry, pk="T#acme#AUDIT#org_1"),)),
        Unit("put_item", (change("audit_entry", entry, pk="T#acme#AUDIT#org_1", name="MODIFY"),)),
    ]

    # then
    assert audit_deliveries(units) == ["evt_1", "evt_1"]


def test_a_replay_writing_nothing_passes() -> None:
    # given
    consumed = Consumed("pricing", [], 0, lambda: Replay([], 0, 0))

    # then
    assert idempotent_replay(consumed) == []


SHEET_WRITE = Unit(
    "transact_write_items", (change(PRICE_SHEET_TYPE, {"product_id": "prd_1"}, name="MODIFY"),)
)


@pytest.mark.parametrize(
    ("dead_letters", "replay", "wrong"),
    [
        (0, Replay([SHEET_WRITE], 0, 0), "its messages handled once more wrote 1 times"),
        (0, Replay([], 1, 0), "1 messages failed once more with the backends calm"),
        (0, Replay([], 0, 1), "1 messages dead-lettered when handled once more"),
        (1, Replay([], 0, 0), "1 messages dead-lettered for transient faults"),
    ],
    ids=["replay-writes", "replay-fails", "replay-dead-letters", "dead-lettered"],
)
def test_a_replay_writing_failing_or_dead_lettering_is_a_problem(
    dead_letters: int, replay: Replay, wrong: str
) -> None:
    # given
    consumed = Consumed("pricing", [], dead_letters, lambda: replay)

    # when
    problems = idempotent_replay(consumed)

    # then
    assert any(wrong in problem for problem in problems), problems


# --- the real app with a guard broken -----------------------------------------------------------------------

CREATE_ORGANIZATION = "POST /v1/admin/organizations"
CREATE_RULE_BASED_LIST = "POST /v1/admin/price-lists as a rule-based list"
# Every DynamoDB call throttled while faults fire, whatever the seed; SQS answers.
THROTTLED_TABLE = {"dynamodb": tuple(kind for kind in KINDS["dynamodb"] if kind.name == "throttling")}
# Every SQS call throttled, and every message a consumer took delivered again, while faults fire.
THROTTLED_QUEUES = {"sqs": tuple(kind for kind in KINDS["sqs"] if kind.name == "throttling")}


def _run(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    log: WriteLog,
    kinds: dict[str, tuple[Kind, ...]] = THROTTLED_TABLE,
    case: str = CREATE_ORGANIZATION,
) -> list[str]:
    """The case (the organization create) with every call of the services in ``kinds`` faulted while
    faults fire."""
    _, problems = run_under_faults(
        case,
        api,
        world,
        operator_token,
        request,
        mocked_aws,
        log,
        rate=1.0,
        kinds=kinds,
    )
    return problems


def test_an_outage_answered_500_fails_the_tier(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given the API no longer knows an outage from a bug
    monkeypatch.setattr(routing, "unavailable_problem", lambda error: None)

    # when
    problems = _run(api, world, operator_token, request, mocked_aws, write_log)

    # then
    assert any("answered 500 (expected 201) under an injected fault" in problem for problem in problems)


def test_a_change_committed_without_its_event_fails_the_tier(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given transactions that drop their outbox event
    create = Transaction.create

    def without_events(transaction: Transaction, key: Any, type: str, *args: Any, **kwargs: Any) -> None:
        if type != "event":
            create(transaction, key, type, *args, **kwargs)

    monkeypatch.setattr(Transaction, "create", without_events)

    # when
    problems = _run(api, world, operator_token, request, mocked_aws, write_log)

    # then
    assert any("without an outbox event" in problem for problem in problems), problems


def test_a_consumer_dead_lettering_transient_failures_fails_the_tier(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a consumer path that takes every failure for one that can never succeed
    monkeypatch.setattr(consumer, "permanent_reason", lambda error: "given up")

    # when
    problems = _run(api, world, operator_token, request, mocked_aws, write_log)

    # then the event never reached the audit log, and waits in the DLQ
    assert any("committed events never taken" in problem for problem in problems), problems
    assert any("dead-lettered for transient faults" in problem for problem in problems), problems


def test_a_consumer_taking_a_message_twice_fails_the_tier(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given items saved without their condition (the audit entry's "if absent")
    save = Item.save
    monkeypatch.setattr(Item, "save", lambda item, condition=None, **options: save(item, **options))

    # when messages come back after they were taken
    problems = _run(api, world, operator_token, request, mocked_aws, write_log, THROTTLED_QUEUES)

    # then
    assert any("events taken more than once" in problem for problem in problems), problems


def test_a_rule_based_list_has_the_pricing_consumer_write_once_through_redeliveries(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
) -> None:
    # given every message a consumer takes delivered again while faults fire (its delete lost)
    # when a rule-based list is created
    problems = _run(
        api, world, operator_token, request, mocked_aws, write_log, THROTTLED_QUEUES, CREATE_RULE_BASED_LIST
    )

    # then the pricing consumer wrote the product's row once (its check is not vacuous), and kept its
    # contract through every redelivery
    sheet_writes = [
        unit
        for unit in write_log.units
        if any(change.type == PRICE_SHEET_TYPE for change in unit.changes)
        and any(recalculation.WORKER_SUBJECT in str(change.data.get("actor")) for change in unit.changes)
    ]
    assert (len(sheet_writes), problems) == (1, [])


def test_a_pricing_consumer_writing_on_every_replay_fails_the_tier(
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a recalculation whose rows move each time it runs (a cent more per run)
    generated = recalculation._generated
    runs = itertools.count(1)

    def drifting(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        cents = Decimal(next(runs)) / 100
        return [row | {"value": str(Decimal(row["value"]) + cents)} for row in generated(*args, **kwargs)]

    monkeypatch.setattr(recalculation, "_generated", drifting)

    # when a rule-based list is created, its messages delivered again while faults fire
    problems = _run(
        api, world, operator_token, request, mocked_aws, write_log, THROTTLED_QUEUES, CREATE_RULE_BASED_LIST
    )

    # then
    assert any("pricing: its messages handled once more wrote" in problem for problem in problems), problems
