"""Requests no route serves are problems too: 404 for an unknown path, 405 with Allow for a method."""

from __future__ import annotations

from .conftest import Api
from .support import assert_problem


def test_an_unknown_path_is_a_404_problem(api: Api) -> None:
    # when
    reply = api.call("GET", "/v1/no/such/path")

    # then
    assert assert_problem(reply, 404)["type"].endswith("/not-found")


def test_an_unknown_path_with_a_bearer_token_is_a_404_problem_too(api: Api) -> None:
    # when
    reply = api.call("GET", "/v1/admin/no-such-thing", headers={"Authorization": "Bearer x"})

    # then
    assert_problem(reply, 404)


def test_a_method_a_path_does_not_serve_is_a_405_problem_naming_those_it_does(api: Api) -> None:
    # when
    reply = api.call("DELETE", "/v1/admin/organizations")

    # then
    assert assert_problem(reply, 405)["type"].endswith("/method-not-allowed")
    assert reply.headers["Allow"] == "GET, POST"
