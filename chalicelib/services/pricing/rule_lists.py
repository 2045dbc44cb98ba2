"""Rule-based price lists: their rules checked against the tenant's other lists when saved, and a list
deleted only while no rule is based on it.

A save of a rule-based list reads the tenant's ``pricing_generation`` first (GetItem), then every price
list of the tenant (one Query of the price-list partition, pattern 91): each rule's ``based_on`` must
name another list of the same organization, and the lists' rules together must not read each other in
a circle (``A -> B -> A``). The save's transaction adds 1 to ``pricing_generation`` on condition that it
is still the number read: of two concurrent saves that each pass alone but together would close a
cycle, the second to commit finds the counter moved and is told to retry (409), and its retry sees the
first one's rules. Any other pricing change counted meanwhile (an assignment, the exchange rates) makes
a rule save retry too: rare, and never wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.domain.pricing.price_lists import PriceList, PriceRuleInput, StoredPriceList
from chalicelib.domain.pricing.rules import PriceRule, RuleCycleError, check_acyclic, rule_dependencies
from chalicelib.platform.errors import Conflict, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.services import entities
from chalicelib.services.entities import ExtraWrites
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

PRICE_LISTS_PAGE = 500
RULES_RACED = Conflict("price rules changed meanwhile; retry", headers={"Retry-After": "1"})


def tenant_price_lists(tenant_id: str) -> dict[str, StoredPriceList]:
    """Every price list of the tenant, by id (pattern 91, every page)."""
    records = repository.query_all(keys.price_list_collection(tenant_id), page_size=PRICE_LISTS_PAGE)
    return {record.data["id"]: entities.to_model(record, StoredPriceList) for record in records}


def rule_graph(lists: Mapping[str, StoredPriceList]) -> dict[str, frozenset[str]]:
    """Each rule-based list -> the lists its rules are based on."""
    return rule_dependencies(
        {list_id: stored.rules.rules for list_id, stored in lists.items() if stored.rules is not None}
    )


def with_rule_ids(rules: list[PriceRuleInput], previous: list[PriceRuleInput]) -> list[PriceRuleInput]:
    """``rules`` with an id each: the one sent, else the id of a previous rule the same in every other
    field (not claimed by another rule), else a new ``prr_<ULID>``."""
    claimed = {rule.id for rule in rules if rule.id is not None}
    unclaimed = [rule for rule in previous if rule.id not in claimed]
    identified = []
    for rule in rules:
        if rule.id is None:
            fields = rule.model_dump(exclude={"id"})
            same = next((old for old in unclaimed if old.model_dump(exclude={"id"}) == fields), None)
            if same is not None:
                unclaimed.remove(same)
            rule = rule.model_copy(update={"id": same.id if same is not None else new_id("price_rule")})
        identified.append(rule)
    return identified


def checked_rules(tenant_id: str, price_list: PriceList) -> ExtraWrites | None:
    """422 unless the list's rule fields are valid for its kind and its rules' bases; for a rule-based
    list, the guard its save's transaction adds (see the module's docstring)."""
    if price_list.kind == "manual":
        _refuse_rules_on_manual_list(price_list)
        return None
    generation = _pricing_generation(tenant_id)  # before the lists: a save counted later is seen
    lists = tenant_price_lists(tenant_id)
    _check_rules(price_list, lists)
    graph = {**rule_graph(lists), **rule_dependencies({price_list.id: price_list.rules})}
    try:
        check_acyclic(graph)
    except RuleCycleError as error:
        raise Unprocessable.field("body.rules", str(error), "rule_cycle") from error
    return _guard(tenant_id, generation)


def unread_by_rules(tenant_id: str, price_list_id: str) -> ExtraWrites:
    """409 if rules of a rule-based list are based on the list; else the guard a delete's transaction
    adds, so that a rule saved meanwhile on the list makes the delete retry."""
    generation = _pricing_generation(tenant_id)
    graph = rule_graph(tenant_price_lists(tenant_id))
    readers = sorted(list_id for list_id, bases in graph.items() if price_list_id in bases)
    if readers:
        raise Conflict(f"rules of other price lists are based on this one: {', '.join(readers)}")
    return _guard(tenant_id, generation)


def _guard(tenant_id: str, generation: int) -> ExtraWrites:
    """The tenant's ``pricing_generation`` counted, on condition that it is still ``generation``."""

    def guard(transaction: Transaction) -> None:
        transaction.increment_from(
            keys.tenant(tenant_id), "pricing_generation", generation, on_failure=RULES_RACED
        )

    return guard


def _refuse_rules_on_manual_list(price_list: PriceList) -> None:
    message = "only a rule_based list has rules"
    errors = []
    if price_list.product_assignment_rule is not None:
        errors.append({"loc": "body.product_assignment_rule", "msg": message, "type": "value_error"})
    if price_list.rules:
        errors.append({"loc": "body.rules", "msg": message, "type": "value_error"})
    if errors:
        raise Unprocessable(errors)


def _check_rules(price_list: PriceList, lists: Mapping[str, StoredPriceList]) -> None:
    errors = []
    for index, rule in enumerate(price_list.rules):
        if (problem := _base_problem(price_list, rule, lists)) is not None:
            errors.append({"loc": f"body.rules[{index}].based_on", "msg": problem, "type": "value_error"})
        if rule.currency is not None and rule.currency not in price_list.currencies:
            errors.append(
                {
                    "loc": f"body.rules[{index}].currency",
                    "msg": "not one of the list's currencies",
                    "type": "value_error",
                }
            )
    if errors:
        raise Unprocessable(errors)


def _base_problem(price_list: PriceList, rule: PriceRule, lists: Mapping[str, StoredPriceList]) -> str | None:
    if rule.based_on is None:
        return None
    if rule.based_on == price_list.id:
        return "a list's rules cannot be based on the list itself"
    base = lists.get(rule.based_on)
    if base is None or base.organization_id != price_list.organization_id:
        return "no such price list in the list's organization"
    return None


def _pricing_generation(tenant_id: str) -> int:
    tenant = repository.get(keys.tenant(tenant_id))
    return int(tenant.data.get("pricing_generation", 0)) if tenant is not None else 0
