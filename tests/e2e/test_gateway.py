"""The local API answers as the deployed one: bursts of parallel requests, requests no route serves."""

from __future__ import annotations

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest

from .stack import Stack
from .support import problem

pytestmark = pytest.mark.e2e

PARALLEL_CLIENTS = 100
ANSWER_WITHIN_SECONDS = 3


def test_parallel_clients_connecting_at_once_are_all_answered(stack: Stack) -> None:
    # given clients that each open their own connection at the same moment
    together = threading.Barrier(PARALLEL_CLIENTS)

    address = urlsplit(stack.api)

    def health(_: int) -> int | str:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=ANSWER_WITHIN_SECONDS)
        together.wait()
        try:
            connection.connect()  # at once: a short listen backlog drops or resets what it cannot queue
            connection.request("GET", "/v1/health")
            return connection.getresponse().status
        except OSError as error:
            return type(error).__name__
        finally:
            connection.close()

    # when
    with ThreadPoolExecutor(PARALLEL_CLIENTS) as pool:
        answers = list(pool.map(health, range(PARALLEL_CLIENTS)))

    # then none is reset or left waiting
    assert answers == [200] * PARALLEL_CLIENTS


def test_an_unknown_path_is_a_404_problem(stack: Stack) -> None:
    assert problem(stack.call("GET", "/v1/no/such/path"), 404)["type"].endswith("/not-found")


def test_a_method_a_path_does_not_serve_is_a_405_problem_with_allow(stack: Stack) -> None:
    response = stack.call("DELETE", "/v1/health")

    assert problem(response, 405)["type"].endswith("/method-not-allowed")
    assert response.headers["Allow"] == "GET"


def test_a_percent_encoded_path_parameter_arrives_decoded(stack: Stack) -> None:
    # a demo hostname, every dot encoded: found only if the app receives it decoded
    response = stack.call("GET", "/v1/public/websites/by-host/shop%2Eacme%2Ede")

    assert response.status_code == 200, response.text


def test_a_204_carries_no_header_describing_a_body(stack: Stack, organization: dict[str, Any]) -> None:
    # given an organization nothing depends on
    token = stack.token("acme", "admin@acme.example")

    # when it is deleted
    path = f"/v1/admin/organizations/{organization['id']}"
    response = stack.call("DELETE", path, token=token, headers={"If-Match": f'"{organization["version"]}"'})

    # then the answer has no body and nothing that would describe one
    assert response.status_code == 204, response.text
    assert "Content-Type" not in response.headers
    assert "Content-Length" not in response.headers
