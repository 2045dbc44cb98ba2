"""The tenant's tax configuration: one item, read whole and replaced whole with its version.

Why one document rather than four collections (codes, jurisdictions, rates, rules): a tenant has tens
to hundreds of rules, which name codes, jurisdictions and rates; a tax manager changes them together
(a new rate with the rules that use it), and the document is checked and written as a whole, so no
reader ever sees a rule naming a rate not yet created. The calculation reads it with one GetItem,
cached per process by the tenant's ``tax_generation``, which each change counts in its transaction.

A rule (or a default) naming a code, jurisdiction or rate the document does not define is 422; one
the stored configuration defines and the new document drops while a rule still names it is 409 (it
deletes what a rule uses: drop or change the rule too).
"""

from __future__ import annotations

from typing import Final

from pydantic_core import to_json

from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.taxes.configuration import (
    TaxConfiguration,
    TaxConfigurationBody,
    TaxConfigurationFields,
    reference_problems,
)
from chalicelib.platform.errors import Conflict, PreconditionFailed, Unprocessable
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.outbox import record_change
from chalicelib.services.tenants import count_tax_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

TAX_CONFIGURATION_TYPE = "tax_configuration"
# DynamoDB's item limit is 400 KB, and a change's outbox event carries the document before and after it
MAX_DOCUMENT_BYTES: Final = 150_000


def configuration_of(record: Record | None) -> TaxConfiguration:
    """The stored configuration, or the empty one (version 0) before the first change."""
    if record is None:
        return TaxConfiguration(version=0)
    return TaxConfiguration.model_validate({**record.data, "version": record.version}, strict=False)


def get_tax_configuration(caller: Caller) -> TaxConfiguration:
    return configuration_of(repository.get(keys.tax_configuration(caller.tenant_id)))


def replace_tax_configuration(
    caller: Caller, body: TaxConfigurationBody, expected_version: ExpectedVersion
) -> TaxConfiguration:
    key = keys.tax_configuration(caller.tenant_id)
    record = repository.get(key)
    current = configuration_of(record)
    entities.check_version(current.version, expected_version)
    _check_references(body, current if record is not None else None)
    after = body.model_dump(mode="json", exclude={"version"})
    if len(to_json(after)) > MAX_DOCUMENT_BYTES:
        raise Unprocessable.field("body", f"the configuration takes more than {MAX_DOCUMENT_BYTES} bytes")
    transaction = Transaction()
    if record is None:
        transaction.create(key, TAX_CONFIGURATION_TYPE, after, on_exists=PreconditionFailed(0))
    else:
        transaction.replace(key, TAX_CONFIGURATION_TYPE, after, expected_version=record.version)
    count_tax_change(transaction, caller.tenant_id)
    record_change(
        transaction,
        caller,
        action="updated" if record is not None else "created",
        entity_type=TAX_CONFIGURATION_TYPE,
        entity_id=caller.tenant_id,
        before=record.data if record is not None else None,
        after=after,
    )
    transaction.commit()
    return TaxConfiguration.model_validate({**after, "version": current.version + 1}, strict=False)


def _check_references(fields: TaxConfigurationFields, stored: TaxConfigurationFields | None) -> None:
    problems = reference_problems(fields, stored)
    if in_use := [problem for problem in problems if problem.kind == "in_use"]:
        raise Conflict(
            "the change deletes what rules still use: " + "; ".join(f"{p.field}: {p.message}" for p in in_use)
        )
    if problems:
        raise Unprocessable(
            [
                {"loc": f"body.{problem.field}", "msg": problem.message, "type": "value_error"}
                for problem in problems
            ]
        )
