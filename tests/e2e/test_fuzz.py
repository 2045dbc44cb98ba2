"""Fuzzing the committed OpenAPI description against the local stack, as each kind of caller.

Schemathesis draws requests from ``openapi.json`` (valid and invalid ones) for every operation and
checks each answer: no 5xx, a declared status code and media type, a body matching the declared
schema, and every error an RFC 9457 problem. ``make test`` runs a bounded, reproducible run (few
examples, a fixed seed); ``make fuzz`` a longer one with a random seed (``FUZZ_MAX_EXAMPLES``,
``FUZZ_SEED``). The bounded run calls as the three callers that reach deepest or are refused first (a
tenant admin into every admin route, a customer admin into every storefront route, anonymous at every
door); ``make fuzz`` calls as all six (``FUZZ_CALLERS=all``). Which role may do what is proved route by
route in the integration tier's authorization matrices, not here.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .stack import PROJECT_ROOT, Stack
from .support import PROBLEM_JSON

# The bounded run of `make test`; `make fuzz` sets more examples, the coverage phase and a random seed.
BOUNDED_MAX_EXAMPLES = 2
BOUNDED_SEED = 20260817
BOUNDED_PHASES = "examples,fuzzing"
# Chalice's local server, not the app, answers TRACE and QUERY (501, text/html): API Gateway never
# passes them on, so the coverage phase tries every other method an operation does not declare.
UNEXPECTED_METHODS = {"get", "put", "post", "delete", "options", "patch"}

# One caller of each kind, from the demo data (local/seed.py): tenant, email (None: anonymous).
CALLERS: dict[str, tuple[str, str] | None] = {
    "tenant-admin": ("acme", "admin@acme.example"),
    "organization-admin": ("acme", "olaf.org@acme.example"),
    "sales-rep": ("acme", "sam.sales@acme.example"),
    "customer-admin": ("acme", "ava.admin@globex.example"),
    "buyer": ("acme", "bob.buyer@globex.example"),
    "anonymous": None,
}
BOUNDED_CALLERS = ("tenant-admin", "customer-admin", "anonymous")


def _callers() -> list[str]:
    return list(CALLERS) if os.environ.get("FUZZ_CALLERS") == "all" else list(BOUNDED_CALLERS)


def problem_details(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool | None:
    """Every 4xx/5xx answer is an RFC 9457 problem naming its type, title and status."""
    if response.status_code < 400:
        return None
    media_type = response.headers.get("content-type", [""])[0].split(";")[0].strip()
    assert media_type == PROBLEM_JSON, (
        f"{response.status_code} answered as {media_type!r}, not {PROBLEM_JSON}"
    )
    body = response.json()
    assert isinstance(body, dict), f"the problem is not a JSON object: {body!r}"
    missing = {"type", "title", "status"} - body.keys()
    assert not missing, f"the problem lacks {sorted(missing)}: {body!r}"
    assert body["status"] == response.status_code, (
        f"the problem says {body['status']}, the response {response.status_code}"
    )
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_details,
]


@pytest.fixture(scope="module")
def http() -> requests.Session:
    return requests.Session()


def _described_api() -> schemathesis.BaseSchema:
    """The committed OpenAPI description, with the run's size and seed."""
    schema = schemathesis.openapi.from_path(PROJECT_ROOT / "openapi.json")
    schema.config.generation.update(
        max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", BOUNDED_MAX_EXAMPLES)), database="none"
    )
    schema.config.seed = int(os.environ.get("FUZZ_SEED", BOUNDED_SEED))
    schema.config.phases.update(phases=os.environ.get("FUZZ_PHASES", BOUNDED_PHASES).split(","))
    schema.config.phases.coverage.unexpected_methods = UNEXPECTED_METHODS
    return schema


described_api = _described_api()


@pytest.fixture(scope="module", params=_callers())
def caller_headers(request: pytest.FixtureRequest, stack: Stack) -> dict[str, str]:
    """The headers of one kind of caller: a bearer token from the stack's dev issuer, or none."""
    caller = CALLERS[request.param]
    return {"Authorization": f"Bearer {stack.token(*caller)}"} if caller else {}


@described_api.parametrize()
def test_every_answer_conforms_to_the_description(
    case: schemathesis.Case, stack: Stack, caller_headers: dict[str, str], http: requests.Session
) -> None:
    case.call_and_validate(base_url=stack.api, session=http, headers=caller_headers, checks=CHECKS)
