"""Every write route under a seeded fault plan, then the stream dispatcher and every consumer under it too.

The routes are the route table's non-GET ones, so a new route joins by itself; each is sent as its
round-trip case sends it (tests/integration/test_round_trips.py), in the world that case builds. Then:

1. every try answered the route's status or a clean 503 (problem+json, Retry-After, service-unavailable)
   under an injected fault, never a 500 nor a 4xx, and a retry completed it;
2. every write the table took holds its outbox event with the entity it names (a 503 committed nothing);
3. every consumer took each committed event exactly once, none it did not commit, and dead-lettered
   nothing.
"""

from __future__ import annotations

import pytest
from integration.conftest import Api, Moto
from integration.test_round_trips import World, prepare

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.platform.settings import get_settings

from .checks import DELIVERIES, WriteLog, committed_events, delivery_problems, outbox_problems
from .conftest import fault_seed
from .injection import KINDS, FaultPlan, Kind, injected
from .workload import Request, Workload

pytestmark = pytest.mark.shared_account

# A call fails with this chance while faults fire: most requests meet one, few meet none.
FAULT_RATE = 0.25
WRITE_ROUTES = [spec for spec in ROUTES if spec.method != "GET"]


def run_under_faults(
    spec: RouteSpec,
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
    rate: float = FAULT_RATE,
    kinds: dict[str, tuple[Kind, ...]] = KINDS,
) -> tuple[FaultPlan, list[str]]:
    """The route's request and the pipeline behind it under a fault plan; the plan and what is wrong."""
    prepared = prepare(api, world, operator_token, request, spec.name)
    if prepared.case.replay:  # as the round trips count it: after a first call (a first sign-in's binding)
        api.call(
            prepared.case.method,
            prepared.path,
            token=prepared.token,
            body=prepared.body,
            headers=prepared.headers,
        )
    headers = dict(prepared.headers)
    if spec.idempotent:
        headers["Idempotency-Key"] = f"faults-{fault_seed()}"
    stream_mark = len(mocked_aws.table_model(get_settings().table_name).stream_shard.items)
    writes = write_log.mark()
    plan = FaultPlan(f"{fault_seed()}/{spec.name}", rate, kinds)
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
        workload.dispatch(stream_mark)
        dead_letters = {consumer: workload.consume(consumer) for consumer in workload.consumers()}
    units = write_log.since(writes)
    problems = workload.problems + outbox_problems(units)
    committed = committed_events(units)
    for consumer, dead in dead_letters.items():
        reader = DELIVERIES.get(consumer)
        if reader is None:
            problems.append(f"{consumer}: no reader of its deliveries in tests/faults/checks.py DELIVERIES")
            continue
        problems += delivery_problems(consumer, committed, reader(units), dead)
    return plan, problems


@pytest.mark.parametrize("spec", WRITE_ROUTES, ids=[spec.name for spec in WRITE_ROUTES])
def test_a_write_under_faults_completes_keeps_its_outbox_and_reaches_each_consumer_once(
    spec: RouteSpec,
    api: Api,
    world: World,
    operator_token: str,
    request: pytest.FixtureRequest,
    mocked_aws: Moto,
    write_log: WriteLog,
) -> None:
    # given the route's round-trip request in its world, and a fault plan drawn from the seed
    # when it is sent until it completes, and what it committed is dispatched and consumed
    plan, problems = run_under_faults(spec, api, world, operator_token, request, mocked_aws, write_log)

    # then
    assert problems == [], plan.describe()
