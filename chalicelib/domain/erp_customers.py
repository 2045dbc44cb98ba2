"""A customer upsert's plan: the ERP names units by its codes (a unit's ``external_id``), Kontor by
ids; this decides, without I/O, which units the message creates, changes and moves, and in which order.

The tree the message asks for is checked whole before anything is written: every parent code names
the company, a unit of the message or a unit the customer has, and the units (the ones the message
leaves out included, where they are) make one tree. Units are then written parents first, so no step
moves a unit under one of its own descendants on the way (each unit's new parent already stands where
the message puts it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.access import CompanyTree
from chalicelib.domain.customers import Unit
from chalicelib.domain.erp import CompanyTerms, CustomerUpsert, UnitUpsert


class PlanRefused(ValueError):
    """The tree a message asks for cannot be: ``field`` is where (``payload.units[3].parent_code``)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@dataclass(frozen=True)
class UnitStep:
    """One unit of the message, in writing order: its Kontor id if it has one, its parent by code
    (None: the company)."""

    unit: UnitUpsert
    unit_id: str | None


def _new(code: str) -> str:
    return f"new:{code}"  # a node for a unit not created yet (ids never contain ':')


def unit_ids_by_code(units: Mapping[str, Unit], customer_id: str) -> dict[str, str]:
    """The company's units below the company by the ERP's code (``external_id``); PlanRefused when two
    units share one (the ERP could not name either)."""
    found: dict[str, str] = {}
    for unit_id, unit in sorted(units.items()):
        if unit.external_id is None or unit_id == customer_id:
            continue
        if unit.external_id in found:
            raise PlanRefused(
                "payload.units", f"two units of the customer have the ERP code {unit.external_id!r}"
            )
        found[unit.external_id] = unit_id
    return found


def plan_units(payload: CustomerUpsert, customer_id: str, units: Mapping[str, Unit]) -> list[UnitStep]:
    """The message's units, parents before children, after checking the tree they make (see the
    module's docstring); ``units`` are the customer's as stored (none for a new customer)."""
    by_code = unit_ids_by_code(units, customer_id)
    node_of = {code: by_code.get(code) or _new(code) for code in [unit.code for unit in payload.units]}
    parents: dict[str, str | None] = {unit_id: unit.parent_id for unit_id, unit in units.items()}
    parents.setdefault(customer_id, None)
    for index, unit in enumerate(payload.units):
        if unit.parent_code is None or unit.parent_code == payload.code:
            parent = customer_id
        elif unit.parent_code in node_of:
            parent = node_of[unit.parent_code]
        elif unit.parent_code in by_code:
            parent = by_code[unit.parent_code]
        else:
            raise PlanRefused(
                f"payload.units[{index}].parent_code",
                f"no unit of the message or of the customer has the ERP code {unit.parent_code!r}",
            )
        parents[node_of[unit.code]] = parent
    try:
        tree = CompanyTree(parents)
    except ValueError as error:
        raise PlanRefused("payload.units", f"the units do not make a tree: {error}") from error
    ordered = sorted(payload.units, key=lambda unit: len(tree.path(node_of[unit.code])))
    return [UnitStep(unit, by_code.get(unit.code)) for unit in ordered]


def unit_values(terms: CompanyTerms) -> dict[str, Any]:
    """The stored fields ``terms`` set (addresses only when sent)."""
    values: dict[str, Any] = {
        "name": terms.name,
        "status": "active" if terms.active else "inactive",
        "tax_code": terms.tax_code,
        "payment_term": terms.payment_term,
    }
    if terms.addresses is not None:
        values["addresses"] = [address.model_dump() for address in terms.addresses]
    return values


def _comparable(name: str, value: Any) -> Any:
    if name == "addresses":  # ids are Kontor's: the same addresses sent again are no change
        return [{**address, "id": None} for address in value]
    return value


def changes(current: Unit, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``wanted`` whose value ``current`` does not have (nothing: no write)."""
    stored = current.model_dump()
    return {
        name: value
        for name, value in wanted.items()
        if _comparable(name, stored.get(name)) != _comparable(name, value)
    }
