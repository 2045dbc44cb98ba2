"""Every write route under a seeded fault plan, then the stream dispatcher and every consumer under it too.

The routes are the route table's non-GET ones, so a new route joins by itself; each is sent as its
round-trip case sends it (tests/integration/test_round_trips.py), in the world that case builds. Then:

1. every try answered the route's status or a clean 503 (problem+json, Retry-After, service-unavailable)
   under an injected fault, never a 500 nor a 4xx, and a retry completed it;
2. every write the table took holds its outbox event with the entity it names (a 503 committed nothing);
3. every consumer kept its contract (``checks.CONTRACTS``), the pipeline run until quiet: the audit
   consumer took each committed event exactly once (the pricing consumer's too), none it did not
   commit; the pricing consumer, its messages handled once more calmly, wrote nothing; no consumer
   dead-lettered anything.

The price routes' world holds a rule-based list reading the round trips' base list (``pricing``
below), so a change of the base's prices has the pricing consumer write.
"""

from __future__ import annotations

import functools

import pytest
from integration.conftest import Api, Moto
from integration.test_round_trips import ROUND_TRIPS, World, prepare

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES
from chalicelib.platform.settings import get_settings

from .checks import CONTRACTS, Consumed, WriteLog, outbox_problems
from .conftest import fault_seed
from .injection import KINDS, FaultPlan, Kind, injected
from .workload import Request, Workload

pytestmark = pytest.mark.shared_account

# A call fails with this chance while faults fire: most requests meet one, few meet none.
FAULT_RATE = 0.25
WRITE_ROUTES = [spec for spec in ROUTES if spec.method != "GET"]
# Each write route's round-trip case, and its variants there ("POST /v1/admin/price-lists as a
# rule-based list"): case name -> route
WRITE_CASES = {spec.name: spec for spec in WRITE_ROUTES} | {
    name: spec for spec in WRITE_ROUTES for name in ROUND_TRIPS if name.startswith(f"{spec.name} as ")
}


@pytest.fixture
def pricing(api: Api, world: World, pricing: dict[str, str]) -> dict[str, str]:
    """The round trips' price lists, and a rule-based list 10 % below the base one (its rows left to
    the pricing consumer, which the case's events move)."""
    body = {
        "name": "Derived",
        "organization_id": world.ids["organization"],
        "currencies": ["EUR"],
        "kind": "rule_based",
        "rules": [{"based_on": pricing["price_list"], "formula": "base.value * 0.9"}],
    }
    reply = api.call("POST", "/v1/admin/price-lists", token=world.token, body=body)
    assert reply.status == 201, reply.body
    return pricing


def run_under_faults(
    case: str,
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    rate: float = FAULT_RATE,
    kinds: dict[str, tuple[Kind, ...]] = KINDS,
) -> tuple[FaultPlan, list[str]]:
    """The round-trip case's request and the pipeline behind it under a fault plan; the plan and what is
    wrong."""
    prepared = prepare(api, world, operator_token, request, case)
    if prepared.case.replay:  # as the round trips count it: after a first call (a first sign-in's binding)
        api.call(
            prepared.case.method,
            prepared.path,
            token=prepared.token,
            body=prepared.body,
            headers=prepared.headers,
        )
    headers = dict(prepared.headers)
    if WRITE_CASES[case].idempotent:
        headers["Idempotency-Key"] = f"faults-{fault_seed()}"
    stream_mark = len(mocked_aws.table_model(get_settings().table_name).stream_shard.items)
    writes = write_log.mark()
    plan = FaultPlan(f"{fault_seed()}/{case}", rate, kinds)
    workload = Workload(api, mocked_aws, write_log, plan)
    with injected(plan):
        workload.send(
            Request(
                prepared.case.method,
                prepared.path,
                prepared.token,
                prepared.body,
                headers,
                prepared.case.status,
            )
        )
        dead_letters = workload.run_pipeline(stream_mark)
        units = write_log.since(writes)
        problems = workload.problems + outbox_problems(units)
        for consumer, dead in dead_letters.items():
            contract = CONTRACTS.get(consumer)
            if contract is None:
                problems.append(f"{consumer}: no contract in tests/faults/checks.py CONTRACTS")
                continue
            replay = functools.partial(workload.replay, consumer)
            problems += contract(Consumed(consumer, units, dead, replay))
    return plan, problems


@pytest.mark.parametrize("case", list(WRITE_CASES))
def test_a_write_under_faults_completes_keeps_its_outbox_and_each_consumer_its_contract(
    case: str,
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
) -> None:
    # given the route's round-trip request in its world, and a fault plan drawn from the seed
    # when it is sent until it completes, and what it committed is dispatched and consumed
    plan, problems = run_under_faults(case, api, world, operator_token, request, mocked_aws, write_log)

    # then
    assert problems == [], plan.describe()
