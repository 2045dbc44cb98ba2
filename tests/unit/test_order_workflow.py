"""chalicelib.domain.orders.workflow: the default workflow as a table of who may do what when, its
validation, and (hypothesis) that no sequence of allowed transitions leaves the graph."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.domain.orders.workflow import (
    DEFAULT_CHECKOUT_STEPS,
    DEFAULT_WORKFLOW,
    Actor,
    ActorRole,
    CheckoutSteps,
    TransitionRefused,
    Workflow,
    allowed,
    apply,
    available,
)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
R = ActorRole
BUYER = Actor("usr_bob", frozenset({R.BUYER}))
MANAGER = Actor("usr_olga", frozenset({R.UNIT_MANAGER}))
STAFF = Actor("stf_sam", frozenset({R.STAFF}))
WORKER = Actor("worker", frozenset({R.WORKER}))
ERP = Actor("int_sap", frozenset({R.ERP}))
NOBODY = Actor("usr_eve", frozenset())
STATUSES = DEFAULT_WORKFLOW.statuses

# transition -> the statuses it may be taken from, and who may take it
TABLE: dict[str, tuple[set[str], set[Actor]]] = {
    "confirm": ({"pending"}, {WORKER, STAFF, ERP}),
    "hold": ({"pending"}, {WORKER, STAFF}),
    "release": ({"on_hold"}, {STAFF}),
    "process": ({"confirmed"}, {STAFF, ERP}),
    "ship": ({"processing"}, {STAFF, ERP}),
    "complete": ({"shipped"}, {STAFF, ERP, WORKER}),
    "cancel": ({"pending", "confirmed", "on_hold"}, {BUYER, MANAGER, STAFF, ERP}),
}
ACTORS = (BUYER, MANAGER, STAFF, WORKER, ERP, NOBODY)
CASES = [
    (name, status, actor, status in sources and actor in actors)
    for name, (sources, actors) in TABLE.items()
    for status in STATUSES
    for actor in ACTORS
]


@pytest.mark.parametrize(("transition", "status", "actor", "expected"), CASES)
def test_who_may_take_each_transition_from_each_status(
    transition: str, status: str, actor: Actor, expected: bool
) -> None:
    # given the default workflow, when asked, then the table's answer
    assert allowed(DEFAULT_WORKFLOW, status, transition, actor) is expected


@pytest.mark.parametrize(
    ("transition", "target", "event"),
    [
        ("confirm", "confirmed", "order.confirmed"),
        ("hold", "on_hold", "order.held"),
        ("cancel", "cancelled", "order.cancelled"),
    ],
)
def test_apply_gives_the_new_status_and_the_history_entry(transition: str, target: str, event: str) -> None:
    # given a pending order and its staff
    # when staff take the transition
    applied = apply(DEFAULT_WORKFLOW, "pending", transition, STAFF, at=NOW, note="checked")

    # then the order moves and the entry says who, how, when and which event goes out
    assert applied.status == target
    entry = applied.entry
    assert (entry.from_status, entry.to_status, entry.event) == ("pending", target, event)
    assert (entry.actor_id, entry.acting_as, entry.at, entry.note) == ("stf_sam", R.STAFF, NOW, "checked")


def test_a_buyer_who_also_manages_the_unit_cancels_as_the_buyer() -> None:
    # given a customer user who placed the order and manages its unit
    both = Actor("usr_bob", frozenset({R.UNIT_MANAGER, R.BUYER}))

    # when they cancel, then the history says the first role of the workflow's order
    assert apply(DEFAULT_WORKFLOW, "confirmed", "cancel", both, at=NOW).entry.acting_as is R.BUYER


def test_a_shipped_order_cannot_be_cancelled_and_says_when_it_could() -> None:
    # given a shipped order, when its buyer cancels it, then a refusal naming the statuses that allow it
    with pytest.raises(TransitionRefused, match="only while confirmed, on_hold, pending") as refused:
        apply(DEFAULT_WORKFLOW, "shipped", "cancel", BUYER, at=NOW)
    assert refused.value.known


def test_an_unknown_transition_is_refused_as_unknown() -> None:
    # given the default workflow, when a transition it lacks is taken, then refused as unknown
    with pytest.raises(TransitionRefused) as refused:
        apply(DEFAULT_WORKFLOW, "pending", "teleport", STAFF, at=NOW)
    assert not refused.value.known


def test_what_each_actor_is_offered_on_a_pending_order() -> None:
    # given a pending order, when each actor asks, then the transitions they may take
    assert available(DEFAULT_WORKFLOW, "pending", BUYER) == ["cancel"]
    assert available(DEFAULT_WORKFLOW, "pending", WORKER) == ["confirm", "hold"]
    assert available(DEFAULT_WORKFLOW, "pending", STAFF) == ["confirm", "hold", "cancel"]
    assert available(DEFAULT_WORKFLOW, "completed", STAFF) == []


def _config(**changes: Any) -> dict[str, Any]:
    config = DEFAULT_WORKFLOW.model_dump(mode="json")
    config.update(changes)
    return config


def _with_transition(**transition: Any) -> dict[str, Any]:
    config = _config()
    config["transitions"] = [
        *config["transitions"],
        {"actors": ["staff"], "event": "order.other", **transition},
    ]
    return config


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (_config(start="draft"), "unknown statuses: draft"),
        (_with_transition(name="lose", sources=["pending"], target="lost"), "unknown statuses: lost"),
        (_with_transition(name="reopen", sources=["completed"], target="pending"), "terminal status"),
        (_config(start="completed"), "the start status cannot be terminal"),
        (
            _config(statuses=[*STATUSES, "archived"], terminal=["completed", "cancelled", "archived"]),
            "no path from pending reaches archived",
        ),
        (_config(terminal=["cancelled"]), "no transition leaves the non-terminal status completed"),
        (_with_transition(name="confirm", sources=["on_hold"], target="confirmed"), "repeat a name"),
        (_config(statuses=[*STATUSES, "pending"]), "statuses must not repeat"),
        (_with_transition(name="poke", sources=["pending"], target="pending", event="poked"), "event"),
        (_with_transition(name="nobody", sources=["pending"], target="pending", actors=[]), "actors"),
    ],
)
def test_an_inconsistent_workflow_is_refused(config: dict[str, Any], message: str) -> None:
    # given a workflow configuration with one flaw, when it is built, then it is refused, saying why
    with pytest.raises(ValidationError, match=message):
        Workflow.model_validate(config)


def test_the_default_workflow_survives_a_round_trip_through_json() -> None:
    # given the default workflow stored as JSON (a tenant's configuration), when read back, then equal
    assert Workflow.model_validate_json(DEFAULT_WORKFLOW.model_dump_json()) == DEFAULT_WORKFLOW


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(TABLE)), st.sampled_from(ACTORS)), max_size=30))
def test_no_sequence_of_allowed_transitions_leaves_the_graph(moves: list[tuple[str, Actor]]) -> None:
    # given any sequence of attempted transitions by any actors, from the start
    status = DEFAULT_WORKFLOW.start
    for name, actor in moves:
        # when each allowed one is applied
        if not allowed(DEFAULT_WORKFLOW, status, name, actor):
            continue
        applied = apply(DEFAULT_WORKFLOW, status, name, actor, at=NOW)
        # then the order is always in a known status, and a terminal one is never left
        assert applied.status in STATUSES
        assert status not in DEFAULT_WORKFLOW.terminal
        status = applied.status


def test_checkout_steps_say_what_is_missing_and_what_comes_next() -> None:
    # given the default steps and an address given
    done = ["addresses"]

    # then the required ones left, in order, and the next one
    assert DEFAULT_CHECKOUT_STEPS.missing(done) == ["shipping", "payment", "review"]
    assert DEFAULT_CHECKOUT_STEPS.next_step(done) == "shipping"
    assert DEFAULT_CHECKOUT_STEPS.missing(["addresses", "shipping", "payment", "review"]) == []


def test_an_optional_checkout_step_is_offered_but_not_required() -> None:
    # given a tenant whose checkout makes shipping optional (pick-up)
    steps = CheckoutSteps.model_validate(
        {"steps": [{"name": "addresses"}, {"name": "shipping", "required": False}, {"name": "review"}]}
    )

    # then shipping comes next but is not missing
    assert steps.next_step(["addresses"]) == "shipping"
    assert steps.missing(["addresses"]) == ["review"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"name": "review"}, {"name": "payment"}], "the last checkout step is review"),
        ([{"name": "payment"}, {"name": "review", "required": False}], "the last checkout step is review"),
        ([{"name": "payment"}, {"name": "payment"}, {"name": "review"}], "repeat a step"),
        ([{"name": "credentials"}, {"name": "review"}], "steps.0.name"),
    ],
)
def test_inconsistent_checkout_steps_are_refused(steps: list[dict[str, Any]], message: str) -> None:
    # given steps with one flaw, when built, then refused
    with pytest.raises(ValidationError, match=message):
        CheckoutSteps.model_validate({"steps": steps})
