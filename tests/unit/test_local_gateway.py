"""The local API Gateway hands path parameters over decoded, as API Gateway does."""

from __future__ import annotations

from chalice import Chalice
from chalice.config import Config

from local.gateway import Gateway


def _echo_app() -> Chalice:
    app = Chalice(app_name="echo")

    @app.route("/things/{thing_id}")
    def thing(thing_id: str) -> dict[str, str]:
        return {"thing_id": thing_id}

    return app


def test_a_percent_encoded_hash_in_a_path_parameter_arrives_decoded() -> None:
    # given
    gateway = Gateway(_echo_app(), Config())

    # when
    response = gateway.handle_request("GET", "/things/T%23acme%2Fx%20y", {}, None)

    # then
    assert response["statusCode"] == 200
    assert response["body"] == '{"thing_id":"T#acme/x y"}'
