"""Kontor's Chalice app: blueprints and event handlers are registered here, nothing else."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.api import docs, erp, fallbacks, platform, public
from chalicelib.api.admin import (
    attributes,
    audit,
    categories,
    checkout,
    customer_groups,
    customer_users,
    customers,
    exchange_rates,
    integrations,
    media,
    on_behalf,
    organizations,
    price_assignments,
    price_explanations,
    price_lists,
    products,
    selections,
    staff,
    taxes,
    tenant,
    visibility,
    websites,
)
from chalicelib.api.admin import orders as admin_orders
from chalicelib.api.storefront import catalog, company, shopping_lists
from chalicelib.api.storefront import checkout as store_checkout
from chalicelib.api.storefront import orders as store_orders
from chalicelib.api.storefront import prices as store_prices

app = Chalice(app_name="kontor")
for module in (
    public,
    platform,
    tenant,
    organizations,
    websites,
    categories,
    customer_groups,
    customers,
    customer_users,
    selections,
    media,
    staff,
    attributes,
    products,
    visibility,
    price_lists,
    price_assignments,
    exchange_rates,
    price_explanations,
    taxes,
    checkout,
    company,
    catalog,
    shopping_lists,
    audit,
    store_prices,
    store_orders,
    admin_orders,
    integrations,
    erp,
    store_checkout,
    on_behalf,
    docs,
    fallbacks,
):
    app.register_blueprint(module.blueprint)

# Event handlers get raw Lambda events. Their event sources (table stream, SQS queues) are wired in
# infrastructure/ with partial batch failures, retries and DLQs; a consumer queue's handler is named
# "<consumer>_consumer".


@app.lambda_function(name="outbox_dispatcher")
def outbox_dispatcher(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.workers.stream import handle_stream

    return handle_stream(event, context)


@app.lambda_function(name="audit_consumer")
def audit_consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.workers.audit import handle_audit

    return handle_audit(event, context)


@app.lambda_function(name="pricing_consumer")
def pricing_consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.workers.pricing import handle_pricing

    return handle_pricing(event, context)


@app.lambda_function(name="order_workflow_consumer")
def order_workflow_consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.workers.order_workflow import handle_order_workflow

    return handle_order_workflow(event, context)


@app.lambda_function(name="erp_inbound_consumer")
def erp_inbound_consumer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.workers.erp import handle_erp_inbound

    return handle_erp_inbound(event, context)
