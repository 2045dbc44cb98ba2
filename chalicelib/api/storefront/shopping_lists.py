"""Storefront: the caller's shopping lists on the shop's website, their lines, and quick order.

Every route names its shop as the catalog's do (``X-Kontor-Host``, else ``Host``): a list lies on the
website it was made on, and its lines are read through that website's catalog.
``docs/orders-design.md`` has the design and the limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, PricedListQuery, shop_host
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.quick_order import QuickOrderAdded, QuickOrderInput, QuickOrderResult
from chalicelib.domain.shopping_lists import (
    DuplicateFields,
    LinePatch,
    LinesFields,
    MergeFields,
    ShoppingListDetail,
    ShoppingListFields,
    ShoppingListPatch,
    ShoppingListView,
    TransferFields,
)
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import shopping_lists
else:
    shopping_lists = lazy_module("chalicelib.services.shopping_lists")

blueprint = Blueprint(__name__)
TAGS = ("store",)
LISTS = "/v1/store/shopping-lists"
LIST = LISTS + "/{shopping_list_id}"
LINES = LIST + "/lines"
LINE = LINES + "/{line_id}"
VIEW, MANAGE = CustomerPermission.SHOPPING_LISTS_VIEW, CustomerPermission.SHOPPING_LISTS_MANAGE
CHANGE = (
    " Without If-Match (or version) the change applies to the list as it is; with it, only at that version."
)


@route(
    blueprint,
    LISTS,
    "POST",
    permission=MANAGE,
    summary="Create a shopping list of the caller's on the shop's website (at most 100 a user)." + SHOP,
    tags=TAGS,
    body=ShoppingListFields,
    response=ShoppingListView,
    status=201,
    idempotent=True,
    shop=True,
)
def create_shopping_list(request: RouteRequest) -> ShoppingListView:
    return shopping_lists.create_list(request.caller, shop_host(request), request.body, request.idempotency)


@route(
    blueprint,
    LISTS,
    "GET",
    permission=VIEW,
    summary="The shopping lists on the shop's website the caller may see: theirs, those shared with "
    "their unit, and those their scope reaches." + SHOP,
    tags=TAGS,
    query=ListQuery,
    response=Listing[ShoppingListView],
    shop=True,
)
def list_shopping_lists(request: RouteRequest) -> Listing[ShoppingListView]:
    return shopping_lists.list_lists(request.caller, shop_host(request), request.page())


@route(
    blueprint,
    LIST,
    "GET",
    permission=VIEW,
    summary="A shopping list with a page of its lines, each with the caller's price in the currency "
    "asked for (and the page's subtotal), or flagged not_priced, hidden, discontinued or deleted." + SHOP,
    tags=TAGS,
    query=PricedListQuery,
    response=ShoppingListDetail,
    shop=True,
)
def get_shopping_list(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.get_list(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.page(),
        request.query.currency,
    )


@route(
    blueprint,
    LIST,
    "PATCH",
    permission=MANAGE,
    summary="Rename a shopping list, change its notes, share or unshare it (If-Match required)." + SHOP,
    tags=TAGS,
    body=ShoppingListPatch,
    response=ShoppingListView,
    versioned=True,
    shop=True,
)
def update_shopping_list(request: RouteRequest) -> ShoppingListView:
    return shopping_lists.update_list(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    LIST,
    "DELETE",
    permission=MANAGE,
    summary="Delete a shopping list and its lines (If-Match required)." + SHOP,
    tags=TAGS,
    status=204,
    versioned=True,
    shop=True,
)
def delete_shopping_list(request: RouteRequest) -> None:
    shopping_lists.delete_list(
        request.caller, shop_host(request), request.params["shopping_list_id"], request.expected_version()
    )


@route(
    blueprint,
    LIST + "/default",
    "POST",
    permission=MANAGE,
    summary="Make one of the caller's own lists their default on the shop's website." + SHOP,
    tags=TAGS,
    response=ShoppingListView,
    shop=True,
)
def set_default_shopping_list(request: RouteRequest) -> ShoppingListView:
    return shopping_lists.set_default(request.caller, shop_host(request), request.params["shopping_list_id"])


@route(
    blueprint,
    LIST + "/copies",
    "POST",
    permission=MANAGE,
    summary="Duplicate a shopping list the caller sees, with all its lines, as a list of theirs." + SHOP,
    tags=TAGS,
    body=DuplicateFields,
    response=ShoppingListDetail,
    status=201,
    idempotent=True,
    created_under=LISTS,
    shop=True,
)
def duplicate_shopping_list(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.duplicate_list(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.body,
        request.idempotency,
    )


@route(
    blueprint,
    LIST + "/merge",
    "POST",
    permission=MANAGE,
    summary="Merge another list's lines into this one (same product and unit: quantities add), "
    "optionally deleting it, in one step." + CHANGE + SHOP,
    tags=TAGS,
    body=MergeFields,
    response=ShoppingListDetail,
    shop=True,
)
def merge_shopping_lists(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.merge_lists(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    LINES,
    "POST",
    permission=MANAGE,
    summary="Add up to 200 lines (product by id or SKU, unit, quantity, notes); a product and unit the "
    "list holds adds to that line." + CHANGE + SHOP,
    tags=TAGS,
    body=LinesFields,
    response=ShoppingListDetail,
    shop=True,
)
def add_shopping_list_lines(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.add_lines(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    "/v1/store/default-shopping-list/lines",
    "POST",
    permission=MANAGE,
    summary="Add lines to the caller's default list on the shop's website (made on first use)." + SHOP,
    tags=TAGS,
    body=LinesFields,
    response=ShoppingListDetail,
    shop=True,
)
def add_default_shopping_list_lines(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.add_to_default(request.caller, shop_host(request), request.body)


@route(
    blueprint,
    LINE,
    "PATCH",
    permission=MANAGE,
    summary="Change a line's quantity (checked against its unit) or notes." + CHANGE + SHOP,
    tags=TAGS,
    body=LinePatch,
    response=ShoppingListDetail,
    shop=True,
)
def update_shopping_list_line(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.update_line(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.params["line_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    LINE,
    "DELETE",
    permission=MANAGE,
    summary="Remove a line." + CHANGE + SHOP,
    tags=TAGS,
    status=204,
    shop=True,
)
def remove_shopping_list_line(request: RouteRequest) -> None:
    shopping_lists.remove_line(
        request.caller,
        shop_host(request),
        request.params["shopping_list_id"],
        request.params["line_id"],
        request.expected_version(),
    )


@route(
    blueprint,
    LINES + "/transfers",
    "POST",
    permission=MANAGE,
    summary="Move or copy lines of this list into another list of the caller's reach (same product "
    "and unit: quantities add), both lists in one step; answers the target list." + SHOP,
    tags=TAGS,
    body=TransferFields,
    response=ShoppingListDetail,
    shop=True,
)
def transfer_shopping_list_lines(request: RouteRequest) -> ShoppingListDetail:
    return shopping_lists.transfer_lines(
        request.caller, shop_host(request), request.params["shopping_list_id"], request.body
    )


@route(
    blueprint,
    LINES + "/quick",
    "POST",
    permission=MANAGE,
    summary="Quick order into this list: the rows of pasted text or CSV, each valid or with its error; "
    "the valid ones are added." + SHOP,
    tags=TAGS,
    body=QuickOrderInput,
    response=QuickOrderAdded,
    shop=True,
)
def quick_add_shopping_list_lines(request: RouteRequest) -> QuickOrderAdded:
    return shopping_lists.quick_add(
        request.caller, shop_host(request), request.params["shopping_list_id"], request.body
    )


@route(
    blueprint,
    "/v1/store/quick-order/parse",
    "POST",
    permission=CustomerPermission.CATALOG_VIEW,
    summary="Read pasted text (`SKU qty [unit]` a line) or CSV (header `sku,quantity,unit`) into rows, "
    "each valid with the caller's price (in the body's `currency`, else the website's) or with its error "
    "(unknown SKU, wrong unit, bad quantity, below the minimum, not a multiple of the increment, not "
    "priced)." + SHOP,
    tags=TAGS,
    body=QuickOrderInput,
    response=QuickOrderResult,
    shop=True,
)
def parse_quick_order(request: RouteRequest) -> QuickOrderResult:
    return shopping_lists.parse_quick_order(request.caller, shop_host(request), request.body)
