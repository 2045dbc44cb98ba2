"""ERP systems, with an integration key: send messages, and read each one's fate by its id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.erp import ErpImport, IngestRequest, IngestResult
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.erp import imports, ingest
else:
    ingest = lazy_module("chalicelib.services.erp.ingest")
    imports = lazy_module("chalicelib.services.erp.imports")

blueprint = Blueprint(__name__)
TAGS = ("erp",)
MESSAGES = "/v1/erp/messages"


@route(
    blueprint,
    MESSAGES,
    "POST",
    permission=Permission.ERP_MESSAGES,
    summary="Send up to 500 messages; each is answered on its own (accepted, or rejected with the reason)",
    tags=TAGS,
    body=IngestRequest,
    response=IngestResult,
)
def send_messages(request: RouteRequest) -> IngestResult:
    return ingest.ingest(request.caller, request.body)


@route(
    blueprint,
    MESSAGES + "/{message_id}",
    "GET",
    permission=Permission.ERP_MESSAGES,
    summary="A message's fate, by the ERP's own message id (of a type the key may read)",
    tags=TAGS,
    response=ErpImport,
)
def get_message(request: RouteRequest) -> ErpImport:
    return imports.get_import(request.caller, request.params["message_id"])
