"""Tenant staff: what checkout reads — a website's shipping methods and order limits, the tenant's
payment terms, a customer unit's order limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.orders.limits import OrderLimits, OrderLimitsView
from chalicelib.domain.orders.payment_terms import PaymentTermCreate, PaymentTermPatch, PaymentTermView
from chalicelib.domain.orders.shipping import ShippingMethod, ShippingMethodFields, ShippingMethodPatch
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_CUSTOMER
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import checkout_config
else:
    checkout_config = lazy_module("chalicelib.services.checkout_config")

blueprint = Blueprint(__name__)
TAGS = ("checkout",)
METHODS = "/v1/admin/websites/{website_id}/shipping-methods"
METHOD = METHODS + "/{shipping_method_id}"
WEBSITE_LIMITS = "/v1/admin/websites/{website_id}/order-limits"
TERMS = "/v1/admin/payment-terms"
TERM = TERMS + "/{payment_term_code}"
UNIT_LIMITS = "/v1/admin/customers/{customer_id}/units/{unit_id}/order-limits"


@route(
    blueprint,
    METHODS,
    "POST",
    permission=Permission.WEBSITES_WRITE,
    summary="Create a website's shipping method: a flat rate, or a table by weight or amount, per currency",
    tags=TAGS,
    body=ShippingMethodFields,
    response=ShippingMethod,
    status=201,
    idempotent=True,
)
def create_shipping_method(request: RouteRequest) -> ShippingMethod:
    return checkout_config.create_shipping_method(
        request.caller, request.params["website_id"], request.body, request.idempotency
    )


@route(
    blueprint,
    METHODS,
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="List a website's shipping methods",
    tags=TAGS,
    query=ListQuery,
    response=Listing[ShippingMethod],
)
def list_shipping_methods(request: RouteRequest) -> Listing[ShippingMethod]:
    return checkout_config.list_shipping_methods(request.caller, request.params["website_id"], request.page())


@route(
    blueprint,
    METHOD,
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="Get a shipping method",
    tags=TAGS,
    response=ShippingMethod,
)
def get_shipping_method(request: RouteRequest) -> ShippingMethod:
    params = request.params
    return checkout_config.get_shipping_method(
        request.caller, params["website_id"], params["shipping_method_id"]
    )


@route(
    blueprint,
    METHOD,
    "PATCH",
    permission=Permission.WEBSITES_WRITE,
    summary="Change a shipping method (send the version read, as If-Match or version)",
    tags=TAGS,
    body=ShippingMethodPatch,
    response=ShippingMethod,
    versioned=True,
)
def update_shipping_method(request: RouteRequest) -> ShippingMethod:
    params = request.params
    return checkout_config.update_shipping_method(
        request.caller,
        params["website_id"],
        params["shipping_method_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    METHOD,
    "DELETE",
    permission=Permission.WEBSITES_WRITE,
    summary="Delete a shipping method (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_shipping_method(request: RouteRequest) -> None:
    params = request.params
    checkout_config.delete_shipping_method(
        request.caller, params["website_id"], params["shipping_method_id"], request.expected_version()
    )


@route(
    blueprint,
    WEBSITE_LIMITS,
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="A website's minimum and maximum order amounts per currency",
    tags=TAGS,
    response=OrderLimitsView,
)
def get_website_limits(request: RouteRequest) -> OrderLimitsView:
    return checkout_config.get_website_limits(request.caller, request.params["website_id"])


@route(
    blueprint,
    WEBSITE_LIMITS,
    "PUT",
    permission=Permission.WEBSITES_WRITE,
    summary="Replace a website's order limits (send the version read; 0 before any)",
    tags=TAGS,
    body=OrderLimits,
    response=OrderLimitsView,
)
def set_website_limits(request: RouteRequest) -> OrderLimitsView:
    return checkout_config.set_website_limits(request.caller, request.params["website_id"], request.body)


@route(
    blueprint,
    TERMS,
    "POST",
    permission=Permission.TENANT_WRITE,
    summary="Create a payment term (net N days, on account or prepayment) that units name by code",
    tags=TAGS,
    body=PaymentTermCreate,
    response=PaymentTermView,
    status=201,
    idempotent=True,
)
def create_payment_term(request: RouteRequest) -> PaymentTermView:
    return checkout_config.create_payment_term(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    TERMS,
    "GET",
    permission=Permission.TENANT_READ,
    summary="List the tenant's payment terms",
    tags=TAGS,
    query=ListQuery,
    response=Listing[PaymentTermView],
)
def list_payment_terms(request: RouteRequest) -> Listing[PaymentTermView]:
    return checkout_config.list_payment_terms(request.caller, request.page())


@route(
    blueprint,
    TERM,
    "GET",
    permission=Permission.TENANT_READ,
    summary="Get a payment term",
    tags=TAGS,
    response=PaymentTermView,
)
def get_payment_term(request: RouteRequest) -> PaymentTermView:
    return checkout_config.get_payment_term(request.caller, request.params["payment_term_code"])


@route(
    blueprint,
    TERM,
    "PATCH",
    permission=Permission.TENANT_WRITE,
    summary="Change a payment term (send the version read); making it the default demotes the other",
    tags=TAGS,
    body=PaymentTermPatch,
    response=PaymentTermView,
    versioned=True,
)
def update_payment_term(request: RouteRequest) -> PaymentTermView:
    return checkout_config.update_payment_term(
        request.caller, request.params["payment_term_code"], request.body, request.expected_version()
    )


@route(
    blueprint,
    TERM,
    "DELETE",
    permission=Permission.TENANT_WRITE,
    summary="Delete a payment term (If-Match required); units naming it pay on the default",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_payment_term(request: RouteRequest) -> None:
    checkout_config.delete_payment_term(
        request.caller, request.params["payment_term_code"], request.expected_version()
    )


@route(
    blueprint,
    UNIT_LIMITS,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    summary="A customer unit's own order limits per currency (sub-units without their own inherit them)",
    tags=TAGS,
    response=OrderLimitsView,
    target=BY_CUSTOMER,
)
def get_unit_limits(request: RouteRequest) -> OrderLimitsView:
    params = request.params
    return checkout_config.get_unit_limits(request.caller, params["customer_id"], params["unit_id"])


@route(
    blueprint,
    UNIT_LIMITS,
    "PUT",
    permission=Permission.CUSTOMERS_WRITE,
    summary="Replace a customer unit's order limits (send the version read; 0 before any)",
    tags=TAGS,
    body=OrderLimits,
    response=OrderLimitsView,
    target=BY_CUSTOMER,
)
def set_unit_limits(request: RouteRequest) -> OrderLimitsView:
    params = request.params
    return checkout_config.set_unit_limits(
        request.caller, params["customer_id"], params["unit_id"], request.body
    )
