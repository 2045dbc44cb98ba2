"""What a rule-based list's save adds: rule ids kept across saves, and the guard on the tenant's counter."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.pricing.price_lists import PriceRuleInput
from chalicelib.platform.errors import Conflict
from chalicelib.services.pricing.rule_lists import with_rule_ids
from chalicelib.store.keys import Key
from chalicelib.store.repository import Transaction

BASE = "prl_01JD0000000000000000000000"
KEPT = "prr_01JD0000000000000000000001"


def _rule(**fields: Any) -> PriceRuleInput:
    return PriceRuleInput.model_validate({"based_on": BASE, "formula": "base.value * 0.9", **fields})


def test_a_rule_sent_again_without_its_id_keeps_the_id_of_the_same_rule() -> None:
    # given
    previous = [_rule(id=KEPT)]

    # when
    [rule] = with_rule_ids([_rule()], previous)

    # then
    assert rule.id == KEPT


def test_a_changed_rule_without_an_id_gets_a_new_one() -> None:
    # given
    previous = [_rule(id=KEPT)]

    # when
    [rule] = with_rule_ids([_rule(formula="base.value * 0.8")], previous)

    # then
    assert rule.id is not None
    assert rule.id.startswith("prr_")
    assert rule.id != KEPT


def test_an_id_sent_for_another_rule_is_not_given_to_a_second_one() -> None:
    # given
    previous = [_rule(id=KEPT)]

    # when
    claimed, same_as_before = with_rule_ids([_rule(id=KEPT, priority=2), _rule()], previous)

    # then
    assert claimed.id == KEPT
    assert same_as_before.id != KEPT


def test_the_guard_adds_one_to_the_counter_only_if_it_is_still_as_read() -> None:
    # given
    transaction = Transaction()
    transaction.increment_from(Key("T#acme#TENANT", "TENANT"), "pricing_generation", 7, on_failure=Conflict())

    # when
    (write,) = transaction.writes
    kwargs = write.item.get_update_kwargs_from_instance(actions=write.actions, condition=write.condition)

    # then
    names, values = kwargs["ExpressionAttributeNames"], kwargs["ExpressionAttributeValues"]
    assert kwargs["UpdateExpression"].startswith("ADD ")
    assert {"data", "pricing_generation"} <= set(names.values())
    assert {"N": "7"} in values.values()
    assert " = " in kwargs["ConditionExpression"]
