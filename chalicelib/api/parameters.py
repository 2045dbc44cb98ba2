"""Path parameters: one pattern and length per name, checked before anything is read.

A path names a record. A value that does not fit its parameter's pattern names a record that cannot
exist, so it is answered 404, as a well-formed id that is not there is: before authentication, without
a token verified or an item read, and whatever its length (DynamoDB refuses keys over 1,024 or 2,048
bytes with an error, not with "not found"). Query parameters are fields of the route's query model and
a malformed one is 422. The OpenAPI document declares the same pattern and ``maxLength`` for each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.erp import MESSAGE_ID_PATTERN
from chalicelib.platform.errors import NotFound

ULID = "[0-9A-HJKMNP-TV-Z]{26}"
# A DNS label (RFC 1123): letters, digits and inner hyphens, at most 63 characters.
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


@dataclass(frozen=True)
class PathParameter:
    """What a path parameter may hold: ``pattern`` is anchored, and means the same in Python and ECMA-262."""

    pattern: str
    max_length: int
    missing: str  # the 404's detail, as the service says it for a well-formed value
    example: str

    def admits(self, value: str) -> bool:
        return len(value) <= self.max_length and re.fullmatch(self.pattern, value) is not None

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": self.pattern,
            "maxLength": self.max_length,
            "examples": [self.example],
        }


def _prefixed_id(noun: str, *prefixes: str) -> PathParameter:
    """A type-prefixed ULID (``org_01J...``) of one of ``prefixes``, all of the same length."""
    choice = prefixes[0] if len(prefixes) == 1 else f"(?:{'|'.join(prefixes)})"
    example = f"{prefixes[0]}_01JD{'0' * 22}"
    return PathParameter(f"^{choice}_{ULID}$", len(example), f"{noun} not found", example)


PATH_PARAMETERS: dict[str, PathParameter] = {
    "tenant_id": PathParameter("^[a-z0-9-]{3,40}$", 40, "tenant not found", "acme"),
    "organization_id": _prefixed_id("organization", "org"),
    "website_id": _prefixed_id("website", "web"),
    "customer_id": _prefixed_id("customer", "cus"),
    "unit_id": _prefixed_id("unit", "unt", "cus"),  # a customer is the root unit of its company
    "user_id": _prefixed_id("user", "usr"),
    "group_id": _prefixed_id("customer group", "cgr"),
    "staff_id": _prefixed_id("staff user", "stf"),
    "selection_id": _prefixed_id("selection", "sel"),
    "product_id": _prefixed_id("product", "prd"),
    "media_id": _prefixed_id("media", "med"),
    "category_id": _prefixed_id("category", "cat"),
    # A predefined role by name (``buyer``), or a company's (``rol_``) or the tenant's (``srl_``) own.
    "role_id": PathParameter(f"^(?:[a-z][a-z-]{{2,39}}|(?:rol|srl)_{ULID})$", 40, "role not found", "buyer"),
    "attribute_code": PathParameter("^[a-z][a-z0-9_]{0,39}$", 40, "attribute not found", "colour"),
    "hostname": PathParameter(
        f"^{_LABEL}(?:\\.{_LABEL})*$", 253, "no website serves this host", "shop.acme.example"
    ),
    "name": PathParameter("^[A-Za-z0-9._-]{1,64}$", 64, "no such asset", "swagger-ui.css"),
    "price_list_id": _prefixed_id("price list", "prl"),
    "shopping_list_id": _prefixed_id("shopping list", "sls"),
    "line_id": _prefixed_id("line", "sll"),
    "shipping_method_id": _prefixed_id("shipping method", "shp"),
    "payment_term_code": PathParameter("^[a-z0-9][a-z0-9_-]{0,31}$", 32, "payment term not found", "net30"),
    "order_id": _prefixed_id("order", "ord"),
    "integration_id": _prefixed_id("integration key", "int"),
    "message_id": PathParameter(MESSAGE_ID_PATTERN, 128, "message not found", "erp-msg-000123"),
    "checkout_id": _prefixed_id("checkout", "chk"),
}

PATH_PARAMETER = re.compile(r"{(\w+)}")


def names_in(path: str) -> list[str]:
    """The path parameters of a route; each must be declared in :data:`PATH_PARAMETERS`."""
    names = PATH_PARAMETER.findall(path)
    if undeclared := [name for name in names if name not in PATH_PARAMETERS]:
        raise TypeError(f"{path}: declare {undeclared} in chalicelib.api.parameters.PATH_PARAMETERS")
    return names


def check_path(params: dict[str, str]) -> None:
    """404 for a path parameter that cannot name a record (see the module's docstring)."""
    for name, value in params.items():
        parameter = PATH_PARAMETERS[name]
        if not parameter.admits(value):
            raise NotFound(parameter.missing)
