"""The tenant's exchange rates: one item of its pricing partition, replaced whole.

Rates are part of what rule-based lists derive prices from, and of what warm functions will cache
with the assignment chain: a change counts the tenant's ``pricing_generation`` and carries its event.
"""

from __future__ import annotations

from chalicelib.domain.pricing.price_lists import ExchangeRates, ExchangeRatesView
from chalicelib.services.context import Caller
from chalicelib.services.outbox import record_change
from chalicelib.services.tenants import count_pricing_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

EXCHANGE_RATES_TYPE = "exchange_rates"


def get_exchange_rates(caller: Caller) -> ExchangeRatesView:
    record = repository.get(keys.exchange_rates(caller.tenant_id))
    return ExchangeRatesView(rates=record.data["rates"] if record is not None else [])


def set_exchange_rates(caller: Caller, body: ExchangeRates) -> ExchangeRatesView:
    key = keys.exchange_rates(caller.tenant_id)
    current = repository.get(key)
    after = {"id": caller.tenant_id, "rates": [rate.model_dump() for rate in body.rates]}
    transaction = Transaction()
    transaction.put(key, EXCHANGE_RATES_TYPE, after)
    count_pricing_change(transaction, caller.tenant_id)
    record_change(
        transaction,
        caller,
        action="updated" if current is not None else "created",
        entity_type=EXCHANGE_RATES_TYPE,
        entity_id=caller.tenant_id,
        before=current.data if current is not None else None,
        after=after,
    )
    transaction.commit()
    return ExchangeRatesView(rates=after["rates"])
