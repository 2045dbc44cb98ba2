"""The order workflow and the checkout steps as data, not as ``if``s scattered through services.

A :class:`Workflow` is a value: its statuses, the one it starts in, the terminal ones, and its
transitions, each naming the statuses it leaves from, the status it reaches, the actors who may take
it and the event it emits (``order.confirmed``...). It is validated when built (unknown statuses,
a status no path from the start reaches, an exit from a terminal status, a dead end are refused), so
a per-tenant workflow engine can later load one from the table and trust it. :data:`DEFAULT_WORKFLOW`
is the one every tenant has today.

Who takes a transition is an :class:`ActorRole` *relative to the order*: the service works out which
roles the caller holds (the order's buyer; a customer user whose ``orders.manage`` scope reaches the
order's unit; staff holding the orders permission where the order belongs; the workflow worker; the
ERP integration) and :func:`allowed` / :func:`apply` decide from that alone, with no I/O.

:class:`CheckoutSteps` is the same for the checkout: which steps it has, in which order, and which of
them must be completed before the order is placed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

StatusName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{1,31}$")]
TransitionName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]{1,31}$")]
EventType = Annotated[str, StringConstraints(pattern=r"^order\.[a-z][a-z_]{1,31}$")]


class ActorRole(StrEnum):
    """How a caller stands to one order."""

    BUYER = "buyer"  # the customer user who placed it
    UNIT_MANAGER = "unit_manager"  # a customer user whose orders.manage scope reaches its unit
    STAFF = "staff"  # a staff user holding the orders permission where the order belongs
    WORKER = "worker"  # the order workflow worker (automatic steps)
    ERP = "erp"  # the ERP integration


class Transition(BaseModel):
    """One move of an order: from one of ``sources`` to ``target``, by one of ``actors``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: TransitionName
    sources: frozenset[StatusName] = Field(min_length=1)
    target: StatusName
    actors: frozenset[ActorRole] = Field(min_length=1)
    event: EventType


class Workflow(BaseModel):
    """Statuses and transitions of an order, checked whole when built (see the module's docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    statuses: tuple[StatusName, ...] = Field(min_length=2)
    start: StatusName
    terminal: frozenset[StatusName] = Field(min_length=1)
    transitions: tuple[Transition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        known = set(self.statuses)
        if len(known) != len(self.statuses):
            raise ValueError("statuses must not repeat a name")
        names = [transition.name for transition in self.transitions]
        if len(set(names)) != len(names):
            raise ValueError("transitions must not repeat a name")
        named = {self.start, *self.terminal}
        for transition in self.transitions:
            named |= transition.sources | {transition.target}
        if unknown := sorted(named - known):
            raise ValueError(f"unknown statuses: {', '.join(unknown)}")
        if self.start in self.terminal:
            raise ValueError("the start status cannot be terminal")
        for transition in self.transitions:
            if exits := sorted(transition.sources & self.terminal):
                raise ValueError(f"transition {transition.name} leaves the terminal status {exits[0]}")
        if stuck := sorted(known - self.terminal - {s for t in self.transitions for s in t.sources}):
            raise ValueError(f"no transition leaves the non-terminal status {stuck[0]}")
        if unreachable := sorted(known - reachable(self.start, self.transitions)):
            raise ValueError(f"no path from {self.start} reaches {unreachable[0]}")
        return self

    def transition(self, name: str) -> Transition | None:
        return next((transition for transition in self.transitions if transition.name == name), None)

    def exits(self, status: str) -> list[Transition]:
        """The transitions that leave ``status``, in the workflow's order."""
        return [transition for transition in self.transitions if status in transition.sources]


def reachable(start: str, transitions: Iterable[Transition]) -> set[str]:
    """Every status some sequence of ``transitions`` reaches from ``start`` (``start`` included)."""
    edges: dict[str, set[str]] = {}
    for transition in transitions:
        for source in transition.sources:
            edges.setdefault(source, set()).add(transition.target)
    seen, frontier = {start}, [start]
    while frontier:
        for target in edges.get(frontier.pop(), set()) - seen:
            seen.add(target)
            frontier.append(target)
    return seen


@dataclass(frozen=True)
class Actor:
    """Who takes a transition (``actor_id``: a user's id, ``worker`` or the integration's id) and the
    roles they hold relative to the order."""

    actor_id: str
    roles: frozenset[ActorRole]


class HistoryEntry(BaseModel):
    """One line of an order's status history, as the order stores and answers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    transition: str
    from_status: str
    to_status: str
    event: str
    actor_id: str
    acting_as: ActorRole
    at: datetime
    note: str | None = None


class TransitionRefused(ValueError):
    """A transition the workflow does not allow now; ``known`` is False for a name it does not have."""

    def __init__(self, message: str, *, known: bool = True) -> None:
        super().__init__(message)
        self.known = known


def refusal(workflow: Workflow, status: str, name: str, actor: Actor) -> TransitionRefused | None:
    """Why ``actor`` may not take transition ``name`` from ``status`` (None if they may)."""
    transition = workflow.transition(name)
    if transition is None:
        return TransitionRefused(f"the order workflow has no transition {name!r}", known=False)
    if status not in transition.sources:
        allowed_from = ", ".join(sorted(transition.sources))
        return TransitionRefused(f"an order cannot {name} while {status} (only while {allowed_from})")
    if not transition.actors & actor.roles:
        return TransitionRefused(f"{name} is not yours to take on this order")
    return None


def allowed(workflow: Workflow, status: str, name: str, actor: Actor) -> bool:
    return refusal(workflow, status, name, actor) is None


@dataclass(frozen=True)
class Applied:
    status: str
    entry: HistoryEntry


def _acting_as(transition: Transition, roles: frozenset[ActorRole]) -> ActorRole:
    """The role the actor takes the transition in: the first of the workflow's order of roles."""
    return next(role for role in ActorRole if role in transition.actors and role in roles)


def apply(
    workflow: Workflow, status: str, name: str, actor: Actor, *, at: datetime, note: str | None = None
) -> Applied:
    """The order's new status and its history entry, or :class:`TransitionRefused`."""
    if problem := refusal(workflow, status, name, actor):
        raise problem
    transition = workflow.transition(name)
    assert transition is not None  # refusal() said it exists
    entry = HistoryEntry(
        transition=name,
        from_status=status,
        to_status=transition.target,
        event=transition.event,
        actor_id=actor.actor_id,
        acting_as=_acting_as(transition, actor.roles),
        at=at,
        note=note,
    )
    return Applied(transition.target, entry)


def available(workflow: Workflow, status: str, actor: Actor) -> list[str]:
    """The transitions ``actor`` may take from ``status`` (what an order's view offers them)."""
    return [t.name for t in workflow.exits(status) if t.actors & actor.roles]


def path_to(workflow: Workflow, status: str, target: str, actor: Actor) -> list[str]:
    """The fewest transitions ``actor`` may take, one after the other, from ``status`` to ``target``
    (none when the order is there already); :class:`TransitionRefused` when none lead there."""
    if target not in workflow.statuses:
        raise TransitionRefused(f"the order workflow has no status {target!r}", known=False)
    routes: dict[str, list[str]] = {status: []}
    frontier = [status]
    while frontier and target not in routes:
        following = []
        for current in frontier:
            for transition in workflow.exits(current):
                if transition.actors & actor.roles and transition.target not in routes:
                    routes[transition.target] = [*routes[current], transition.name]
                    following.append(transition.target)
        frontier = following
    if target not in routes:
        raise TransitionRefused(f"no transitions yours to take lead an order from {status} to {target}")
    return routes[target]


_R = ActorRole
_CUSTOMER = frozenset({_R.BUYER, _R.UNIT_MANAGER})


def _transition(
    name: str, sources: Iterable[str], target: str, actors: Iterable[ActorRole], event: str
) -> Transition:
    return Transition(
        name=name, sources=frozenset(sources), target=target, actors=frozenset(actors), event=event
    )


DEFAULT_WORKFLOW = Workflow(
    statuses=("pending", "on_hold", "confirmed", "processing", "shipped", "completed", "cancelled"),
    start="pending",
    terminal=frozenset({"completed", "cancelled"}),
    transitions=(
        _transition("confirm", ["pending"], "confirmed", [_R.WORKER, _R.STAFF, _R.ERP], "order.confirmed"),
        _transition("hold", ["pending"], "on_hold", [_R.WORKER, _R.STAFF], "order.held"),
        _transition("release", ["on_hold"], "confirmed", [_R.STAFF], "order.released"),
        _transition("process", ["confirmed"], "processing", [_R.STAFF, _R.ERP], "order.processing"),
        _transition("ship", ["processing"], "shipped", [_R.STAFF, _R.ERP], "order.shipped"),
        _transition("complete", ["shipped"], "completed", [_R.STAFF, _R.ERP, _R.WORKER], "order.completed"),
        _transition(
            "cancel",
            ["pending", "confirmed", "on_hold"],
            "cancelled",
            [*_CUSTOMER, _R.STAFF, _R.ERP],
            "order.cancelled",
        ),
    ),
)
"""pending -> confirmed (or on_hold when an automatic check fails, then released by staff) ->
processing -> shipped -> completed; the buyer, their unit's managers, staff or the ERP cancel while
the order is pending, on hold or confirmed."""


class CheckoutStepName(StrEnum):
    ADDRESSES = "addresses"
    SHIPPING = "shipping"
    PAYMENT = "payment"
    REVIEW = "review"


class CheckoutStep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: CheckoutStepName
    required: bool = True


class CheckoutSteps(BaseModel):
    """The checkout's steps in their order; ``review`` comes last and is always required."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    steps: tuple[CheckoutStep, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [step.name for step in self.steps]
        if len(set(names)) != len(names):
            raise ValueError("checkout steps must not repeat a step")
        last = self.steps[-1]
        if last.name is not CheckoutStepName.REVIEW or not last.required:
            raise ValueError("the last checkout step is review, and it is required")
        return self

    def missing(self, completed: Iterable[str]) -> list[CheckoutStepName]:
        """The required steps not completed yet, in order: an order is placed only when none are."""
        done = set(completed)
        return [step.name for step in self.steps if step.required and step.name not in done]

    def next_step(self, completed: Iterable[str]) -> CheckoutStepName | None:
        """The first step not completed yet (optional ones included), None when all are."""
        done = set(completed)
        return next((step.name for step in self.steps if step.name not in done), None)


DEFAULT_CHECKOUT_STEPS = CheckoutSteps(
    steps=tuple(CheckoutStep(name=name) for name in CheckoutStepName),
)
"""addresses, shipping, payment, review: all required."""


def workflow_of(config: Mapping[str, object] | None) -> Workflow:
    """A tenant's workflow from its stored configuration (None: the default), validated."""
    return DEFAULT_WORKFLOW if config is None else Workflow.model_validate(config)
