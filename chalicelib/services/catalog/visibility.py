"""Visibility rules of products and categories (website, customer group and unit levels), and the
"why visible" answer.

A rule change writes that rule only: a product's website- or group-level rule rewrites its ``RULES``
item (conditional on the version read); a category's updates the ``websites`` field of the category item
(its version stays, its ``rules_revision`` counts) and advances the catalog generation, since warm
functions cache the category tree; a unit-level rule puts or deletes one item in the unit's company
partition. Each change checks what it names by condition checks in its transaction (the website, in the
subject's organization; the group; the customer and unit) and carries its outbox event.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.catalog.rules import (
    INHERIT,
    UnitRuleView,
    VisibilityRuleChange,
    VisibilityRules,
    WebsiteRuleView,
    with_rule,
)
from chalicelib.domain.catalog.selections import Selection
from chalicelib.domain.catalog.visibility import (
    AssignedSelection,
    Audience,
    CatalogView,
    CategoryNode,
    Explanation,
    ProductPlacement,
    Rule,
    stored_rules,
)
from chalicelib.domain.customers import effective_unit
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import Website
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.services import entities
from chalicelib.services.catalog.categories import CATEGORY_TYPE, load_categories
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.catalog.selections import SELECTION_TYPE
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.customers import COMPANY_PAGE, UNIT_TYPE, company_of
from chalicelib.services.outbox import record_change
from chalicelib.services.tenants import count_catalog_change
from chalicelib.services.websites import WEBSITE_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

RULES_TYPE = "product_rules"
CATEGORY_RULES_TYPE = "category_rules"
UNIT_RULE_TYPE = "unit_rule"
UNIT_RULES_PAGE = 1000
SELECTIONS_PAGE = 1000
RACED = Conflict("the rules changed meanwhile; retry", headers={"Retry-After": "1"})


@dataclass(frozen=True)
class Subject:
    """What carries rules: a product (``P``) or a category (``C``), of an organization."""

    kind: Literal["P", "C"]
    id: str
    organization_id: str
    key: Key  # its own item
    entity_type: str

    def still_there(self, transaction: Transaction) -> None:
        transaction.require(
            self.key,
            data_equals={"id": self.id, "organization_id": self.organization_id},
            type=self.entity_type,
            on_failure=NotFound(f"{self.entity_type} not found"),
        )


def _product(caller: Caller, record: Record | None, permission: Permission) -> Product:
    """The product read, if the caller's grant reaches its organization: else 404."""
    if record is None or record.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    product = entities.to_model(record, Product)
    caller.require(permission, StaffTarget(organization_id=product.organization_id), "product")
    return product


def _product_subject(tenant_id: str, product: Product) -> Subject:
    return Subject(
        "P", product.id, product.organization_id, keys.product(tenant_id, product.id), PRODUCT_TYPE
    )


def _category_subject(tenant_id: str, organization_id: str, category_id: str) -> Subject:
    key = keys.category(tenant_id, organization_id, category_id)
    return Subject("C", category_id, organization_id, key, CATEGORY_TYPE)


def _unit_key(tenant_id: str, subject_kind: str, subject_id: str, change: VisibilityRuleChange) -> Key | None:
    if change.customer_id is None or change.unit_id is None:
        return None
    return keys.unit_rule(
        tenant_id, change.customer_id, change.unit_id, change.website_id, subject_kind, subject_id
    )


def _checks(transaction: Transaction, tenant_id: str, subject: Subject, change: VisibilityRuleChange) -> None:
    """The website (of the subject's organization) and the group named still exist at commit."""
    transaction.require(
        keys.website(tenant_id, change.website_id),
        data_equals={"id": change.website_id, "organization_id": subject.organization_id},
        on_failure=Unprocessable.field(
            "body.website_id", f"no such website in the {subject.entity_type}'s organization", "not_found"
        ),
    )
    if change.customer_group_id is not None:
        transaction.require(
            keys.customer_group(tenant_id, change.customer_group_id),
            data_equals={"id": change.customer_group_id},
            on_failure=Unprocessable.field("body.customer_group_id", "no such customer group", "not_found"),
        )


def _commit(
    transaction: Transaction,
    caller: Caller,
    entity_type: str,
    subject_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Commit the checks, and the change with its event when there is one (an unchanged rule writes none)."""
    if before != after:
        record_change(
            transaction,
            caller,
            action="created" if before is None else "deleted" if after is None else "updated",
            entity_type=entity_type,
            entity_id=subject_id,
            before=before,
            after=after,
        )
    transaction.commit()


def _set_unit_rule(
    caller: Caller, subject: Subject, change: VisibilityRuleChange, unit_key: Key, current: Record | None
) -> dict[str, Any] | None:
    """Put or delete the unit's rule item (the caller's grant must reach the customer: else 422);
    returns the rule after the change (None: removed)."""
    assert change.customer_id is not None
    assert change.unit_id is not None
    tenant_id = caller.tenant_id
    target = StaffTarget(organization_id=subject.organization_id, customer_id=change.customer_id)
    hidden = Unprocessable.field("body.customer_id", "no such customer", "not_found")
    require_reach(caller.principal, Permission.CATALOG_WRITE, target, hidden)
    transaction = Transaction()
    subject.still_there(transaction)
    _checks(transaction, tenant_id, subject, change)
    if change.unit_id != change.customer_id:  # the company itself: the unit check below says it all
        transaction.require(
            keys.customer_unit(tenant_id, change.customer_id, change.customer_id),
            data_equals={"id": change.customer_id},
            on_failure=hidden,
        )
    transaction.require(
        keys.customer_unit(tenant_id, change.customer_id, change.unit_id),
        data_equals={"id": change.unit_id},
        type=UNIT_TYPE,
        on_failure=Unprocessable.field("body.unit_id", "no such unit of this customer", "not_found"),
    )
    before = current.data if current else None
    after = None
    if change.visibility == INHERIT:
        if current is not None:
            transaction.delete(unit_key, on_failure=RACED)
    else:
        after = {
            "id": subject.id,
            "subject_id": subject.id,
            "customer_id": change.customer_id,
            "unit_id": change.unit_id,
            "website_id": change.website_id,
            "visibility": change.visibility,
        }
        transaction.put(
            unit_key,
            UNIT_RULE_TYPE,
            after,
            indexes={
                "GSI1PK": keys.unit_rules_of(tenant_id, subject.kind, subject.id),
                "GSI1SK": f"{change.customer_id}#{change.unit_id}#{change.website_id}",
            },
        )
    _commit(transaction, caller, UNIT_RULE_TYPE, subject.id, before, after)
    return after


def _with_unit_rule(
    unit_rules: list[dict[str, Any]], change: VisibilityRuleChange, after: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The subject's unit rules as read, with the one just changed in its place (the index's order:
    customer, unit, website)."""
    place = (change.customer_id, change.unit_id, change.website_id)
    kept = [
        rule for rule in unit_rules if (rule["customer_id"], rule["unit_id"], rule["website_id"]) != place
    ]
    changed = [] if after is None else [after]
    return sorted(
        kept + changed, key=lambda rule: f"{rule['customer_id']}#{rule['unit_id']}#{rule['website_id']}"
    )


# --- products -----------------------------------------------------------------------------------------


def rules_data(product_id: str, current: Record | None) -> dict[str, Any]:
    """A copy of the product's ``RULES`` item's data as read (or of an empty one), to change."""
    data = deepcopy(current.data) if current else {}
    return {"id": product_id, "websites": {}, "selections": [], **data}


def write_rules(
    transaction: Transaction, tenant_id: str, product_id: str, current: Record | None, data: dict[str, Any]
) -> None:
    """Write the product's ``RULES`` item if ``data`` changes it, conditional on the version read
    (a change made meanwhile: 409, retry)."""
    rules_key = keys.product_rules(tenant_id, product_id)
    if current is None:
        transaction.create(rules_key, RULES_TYPE, data, on_exists=RACED)
    elif current.data != data:
        transaction.replace(rules_key, RULES_TYPE, data, expected_version=current.version, on_failure=RACED)


def set_product_rule(caller: Caller, product_id: str, change: VisibilityRuleChange) -> VisibilityRules:
    """Set or remove (``inherit``) one rule of the product; answers all its rules after the change.

    Everything the answer shows is read before the commit, so a backend failing after it cannot
    answer 503 for a change that was made.
    """
    tenant_id = caller.tenant_id
    product_key, rules_key = keys.product(tenant_id, product_id), keys.product_rules(tenant_id, product_id)
    unit_key = _unit_key(tenant_id, "P", product_id, change)
    found = repository.get_many([product_key, rules_key, *([unit_key] if unit_key else [])])
    product = _product(caller, found.get(product_key), Permission.CATALOG_WRITE)
    subject = _product_subject(tenant_id, product)
    unit_rules = _unit_rules_of(tenant_id, subject)
    current = found.get(rules_key)
    if unit_key is not None:
        after_unit = _set_unit_rule(caller, subject, change, unit_key, found.get(unit_key))
        return _rules_view(
            caller, subject, current.data if current else {}, _with_unit_rule(unit_rules, change, after_unit)
        )
    after = rules_data(product.id, current)
    after["websites"] = with_rule(after["websites"], change)
    transaction = Transaction()
    subject.still_there(transaction)
    _checks(transaction, tenant_id, subject, change)
    write_rules(transaction, tenant_id, product.id, current, after)
    _commit(transaction, caller, RULES_TYPE, product.id, current.data if current else None, after)
    return _rules_view(caller, subject, after, unit_rules)


def list_product_rules(caller: Caller, product_id: str) -> VisibilityRules:
    """The product's rules at every level: 2 round trips (the product and its ``RULES`` item; its unit
    rules)."""
    tenant_id = caller.tenant_id
    product_key, rules_key = keys.product(tenant_id, product_id), keys.product_rules(tenant_id, product_id)
    found = repository.get_many([product_key, rules_key])
    product = _product(caller, found.get(product_key), Permission.CATALOG_READ)
    rules = found.get(rules_key)
    subject = _product_subject(tenant_id, product)
    return _rules_view(caller, subject, rules.data if rules else {}, _unit_rules_of(tenant_id, subject))


def _unit_rules_of(tenant_id: str, subject: Subject) -> list[dict[str, Any]]:
    """The subject's unit rules, in the index's order (customer, unit, website)."""
    records = repository.query_all(
        keys.unit_rules_of(tenant_id, subject.kind, subject.id), index="GSI1", page_size=UNIT_RULES_PAGE
    )
    return [record.data for record in records]


def _rules_view(
    caller: Caller, subject: Subject, stored: dict[str, Any], unit_rules: list[dict[str, Any]]
) -> VisibilityRules:
    """The subject's stored rules and its unit rules (of the customers the caller's grant reaches)."""
    staff = caller.principal.staff
    return VisibilityRules(
        id=subject.id,
        websites={
            website_id: WebsiteRuleView.model_validate(rule)
            for website_id, rule in (stored.get("websites") or {}).items()
        },
        units=[
            UnitRuleView.model_validate({name: rule[name] for name in UnitRuleView.model_fields})
            for rule in unit_rules
            if staff is None
            or staff.access.admits(
                Permission.CATALOG_READ,
                StaffTarget(organization_id=subject.organization_id, customer_id=rule["customer_id"]),
            )
        ],
    )


# --- categories ---------------------------------------------------------------------------------------


def _category_record(subject: Subject, record: Record | None) -> Record:
    if record is None or record.type != CATEGORY_TYPE:
        raise NotFound("category not found")
    return record


def set_category_rule(
    caller: Caller, organization_id: str, category_id: str, change: VisibilityRuleChange
) -> VisibilityRules:
    """Set or remove (``inherit``) one rule of the category; answers all its rules after the change,
    read before the commit (as a product's)."""
    tenant_id = caller.tenant_id
    subject = _category_subject(tenant_id, organization_id, category_id)
    unit_key = _unit_key(tenant_id, "C", category_id, change)
    found = repository.get_many([subject.key, *([unit_key] if unit_key else [])])
    record = _category_record(subject, found.get(subject.key))
    unit_rules = _unit_rules_of(tenant_id, subject)
    if unit_key is not None:
        after_unit = _set_unit_rule(caller, subject, change, unit_key, found.get(unit_key))
        return _rules_view(caller, subject, record.data, _with_unit_rule(unit_rules, change, after_unit))
    before = {"websites": record.data.get("websites") or {}}
    after = {"websites": with_rule(before["websites"], change)}
    transaction = Transaction()
    _checks(transaction, tenant_id, subject, change)
    if after != before:
        transaction.set_fields(
            subject.key,
            after,
            revision="rules_revision",
            expected_revision=int(record.data.get("rules_revision", 0)),
            on_failure=RACED,
        )
        count_catalog_change(transaction, tenant_id)
    _commit(transaction, caller, CATEGORY_RULES_TYPE, category_id, before, after)
    return _rules_view(caller, subject, after, unit_rules)


def list_category_rules(caller: Caller, organization_id: str, category_id: str) -> VisibilityRules:
    """The category's rules at every level: 2 round trips (the category; its unit rules)."""
    subject = _category_subject(caller.tenant_id, organization_id, category_id)
    record = _category_record(subject, repository.get(subject.key))
    return _rules_view(caller, subject, record.data, _unit_rules_of(caller.tenant_id, subject))


# --- why visible --------------------------------------------------------------------------------------


def explain_product(
    caller: Caller, product_id: str, website_id: str, customer_id: str, unit_id: str
) -> Explanation:
    """Why the product is shown or not to a unit on a website: 4 round trips after the principal's.

    One BatchGetItem (the product, its rules, the website), the company's partition (its units, their
    rules and selection assignments), the organization's category tree and its selections. A customer
    the caller's grant does not reach is 404, as an unknown one.
    """
    tenant_id = caller.tenant_id
    product_key, rules_key, website_key = (
        keys.product(tenant_id, product_id),
        keys.product_rules(tenant_id, product_id),
        keys.website(tenant_id, website_id),
    )
    found = repository.get_many([product_key, rules_key, website_key])
    product = _product(caller, found.get(product_key), Permission.CATALOG_READ)
    target = StaffTarget(organization_id=product.organization_id, customer_id=customer_id)
    require_reach(caller.principal, Permission.CATALOG_READ, target, NotFound("customer not found"))
    website_record = found.get(website_key)
    if website_record is None or website_record.type != WEBSITE_TYPE:
        raise Unprocessable.field("query.website_id", "no such website", "not_found")
    website = entities.to_model(website_record, Website)
    if website.organization_id != product.organization_id:
        raise Unprocessable.field(
            "query.website_id", "not a website of the product's organization", "not_found"
        )
    records = repository.query_all(keys.customer_partition(tenant_id, customer_id), page_size=COMPANY_PAGE)
    company = company_of(customer_id, records)
    if company.find(unit_id) is None:
        raise Unprocessable.field("query.unit_id", "no such unit of this customer", "not_found")
    path = company.tree.path(unit_id)
    audience = Audience(
        unit_path=path,
        group_id=effective_unit([company.units[unit] for unit in path]).customer_group_id.value,
        website_id=website_id,
        website_default=website.catalog_default_visibility,
        unit_rules=_unit_rules(records, website_id),
    )
    nodes = {
        category_id: CategoryNode(
            id=category_id,
            parent_id=category.parent_id,
            rules=stored_rules({web: rule.model_dump() for web, rule in category.websites.items()}),
        )
        for category_id, category in load_categories(tenant_id, product.organization_id).categories.items()
    }
    stored = rules.data if (rules := found.get(rules_key)) else {}
    view = CatalogView(audience, nodes, _selections(tenant_id, product, stored, records))
    placement = ProductPlacement(
        id=product.id,
        primary_category_id=product.primary_category_id,
        category_ids=tuple(product.category_ids),
        rules=stored_rules(stored.get("websites")),
    )
    return view.explain(placement)


def _unit_rules(records: list[Record], website_id: str) -> dict[str, dict[str, Rule]]:
    """The units' own rules on the website, by product or category id, then unit id."""
    by_subject: dict[str, dict[str, Rule]] = {}
    for record in records:
        if record.type == UNIT_RULE_TYPE and record.data["website_id"] == website_id:
            by_subject.setdefault(record.data["subject_id"], {})[record.data["unit_id"]] = record.data[
                "visibility"
            ]
    return by_subject


def _selections(
    tenant_id: str, product: Product, rules: dict[str, Any], company_records: list[Record]
) -> list[AssignedSelection]:
    """The organization's selections, with the product if it is listed and the company's assignments."""
    listed = set(rules.get("selections") or [])
    assigned: dict[str, set[str]] = {}
    for record in company_records:
        if record.key.sk.startswith(keys.SELECTION_ASSIGNMENT_PREFIX):
            assigned.setdefault(record.data["selection_id"], set()).add(record.data["unit_id"])
    records = repository.query_all(
        keys.selection_collection(tenant_id),
        page_size=SELECTIONS_PAGE,
        filters={"organization_id": product.organization_id},
    )
    selections = (entities.to_model(r, Selection) for r in records if r.type == SELECTION_TYPE)
    return [
        AssignedSelection(
            id=selection.id,
            mode=selection.mode,
            product_ids=frozenset({product.id} if selection.id in listed else ()),
            category_ids=frozenset(selection.category_ids),
            unit_ids=frozenset(assigned.get(selection.id, ())),
            group_ids=frozenset(selection.customer_group_ids),
        )
        for selection in selections
    ]
