"""Outbox and audit: each change writes its event in the same transaction; the table stream carries it
to the dispatcher, the dispatcher to the audit queue, and the audit consumer writes one entry per event.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Outbox, Table
from .support import RFC3339_UTC, error_locs, organization_body, tenant_body, ulid_of, website_body

ADMIN = "staff:admin@acme.example"
OPERATOR = "platform_operator:operator@kontor.example"


@dataclass
class Acme:
    token: str
    ids: dict[str, str]  # organization, spare_organization (no websites), website


@pytest.fixture
def acme(
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> Acme:
    """acme with an organization that has a website, and an organization without."""
    token = make_tenant("acme")
    organization = make_organization(token)
    spare = make_organization(token, name="Spare")
    website = make_website(token, organization["id"])
    return Acme(
        token,
        {"organization": organization["id"], "spare_organization": spare["id"], "website": website["id"]},
    )


@dataclass(frozen=True)
class Change:
    """A write through the API; ``{organization}`` and the like in the path are acme's objects."""

    method: str
    path: str
    body: Callable[[dict[str, str]], dict[str, Any]] | None
    event_type: str
    entity: str | None  # which of acme's objects the event is about (None: the one created)
    tenant: str = "acme"  # whose events hold it

    def make(self, api: Api, acme: Acme, operator_token: str) -> Any:
        token = operator_token if self.path.startswith("/v1/platform/") else acme.token
        body = self.body(acme.ids) if self.body else None
        return api.call(
            self.method, self.path.format(**acme.ids), token=token, body=body, headers={"If-Match": '"1"'}
        )


CHANGES: dict[str, Change] = {
    "tenant created": Change(
        "POST", "/v1/platform/tenants", lambda _: tenant_body("nordic"), "tenant.created", None, "nordic"
    ),
    "organization created": Change(
        "POST", "/v1/admin/organizations", lambda _: organization_body(), "organization.created", None
    ),
    "organization updated": Change(
        "PATCH",
        "/v1/admin/organizations/{organization}",
        lambda _: {"name": "Renamed"},
        "organization.updated",
        "organization",
    ),
    "organization deleted": Change(
        "DELETE",
        "/v1/admin/organizations/{spare_organization}",
        None,
        "organization.deleted",
        "spare_organization",
    ),
    "website created": Change(
        "POST",
        "/v1/admin/websites",
        lambda ids: website_body(ids["organization"], hostnames=["new.acme.de"]),
        "website.created",
        None,
    ),
    "website updated": Change(
        "PATCH",
        "/v1/admin/websites/{website}",
        lambda _: {"hostnames": ["other.acme.de"]},
        "website.updated",
        "website",
    ),
    "website deleted": Change("DELETE", "/v1/admin/websites/{website}", None, "website.deleted", "website"),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_every_change_writes_one_event_in_its_transaction(
    api: Api, acme: Acme, operator_token: str, table: Table, name: str
) -> None:
    # given
    change = CHANGES[name]
    before = table.events(change.tenant)

    # when
    reply = change.make(api, acme, operator_token)

    # then
    assert reply.status in (200, 201, 204), reply.body
    [event] = [event for event in table.events(change.tenant) if event not in before]
    entity_id = reply.body["id"] if change.entity is None else acme.ids[change.entity]
    assert ulid_of("evt").match(event["id"])
    assert event["type"] == change.event_type
    assert event["tenant_id"] == change.tenant
    assert (event["entity_type"], event["action"]) == tuple(change.event_type.split("."))
    assert event["entity_id"] == entity_id
    assert event["actor"] == (OPERATOR if change.tenant == "nordic" else ADMIN)
    assert event["correlation_id"] == reply.headers["X-Correlation-Id"]
    assert RFC3339_UTC.match(event["occurred_at"])
    item = table.get(f"T#{change.tenant}#EVENT#{event['id']}", "EVENT")
    assert item is not None
    assert item["expires_at"] > 0


def test_an_update_event_holds_the_images_before_and_after(api: Api, acme: Acme, table: Table) -> None:
    # when
    api.call(
        "PATCH",
        f"/v1/admin/organizations/{acme.ids['organization']}",
        token=acme.token,
        body={"name": "Renamed", "version": 1},
    )

    # then
    event = table.events("acme")[-1]
    assert event["before"]["name"] == "Acme Europe"
    assert event["after"]["name"] == "Renamed"
    assert event["after"]["legal_name"] == event["before"]["legal_name"]


def test_a_refused_change_writes_no_event(api: Api, acme: Acme, table: Table) -> None:
    # given
    before = table.events("acme")

    # when
    reply = api.call(
        "POST",
        "/v1/admin/websites",
        token=acme.token,
        body=website_body(acme.ids["organization"], country="XX"),
    )

    # then
    assert error_locs(reply) == ["body.country"]
    assert table.events("acme") == before


# --- the dispatcher ----------------------------------------------------------------------------------------


def test_the_dispatcher_sends_each_new_event_to_the_audit_queue(
    api: Api, acme: Acme, outbox: Outbox, table: Table
) -> None:
    # given the stream of every write so far (entities, hosts, staff and events; the platform's
    # event is its operator's first sign-in)
    records = outbox.stream_records()
    events = table.events("acme") + table.events("platform")
    assert len(records) > len(events)

    # when
    result = outbox.dispatch(records)

    # then exactly the events arrive, with their type and tenant as attributes
    assert result == {"batchItemFailures": []}
    messages = outbox.receive()
    assert sorted(json.loads(message["Body"])["id"] for message in messages) == sorted(
        event["id"] for event in events
    )
    for message in messages:
        event = json.loads(message["Body"])
        assert message["MessageAttributes"]["event_type"]["StringValue"] == event["type"]
        assert message["MessageAttributes"]["tenant_id"]["StringValue"] == event["tenant_id"]


def test_the_dispatcher_ignores_modified_and_removed_items(api: Api, acme: Acme, outbox: Outbox) -> None:
    # given every write so far is dispatched
    outbox.drain()

    # when a website is changed and deleted (MODIFY and REMOVE records, and one INSERT per event)
    api.call(
        "PATCH",
        f"/v1/admin/websites/{acme.ids['website']}",
        token=acme.token,
        body={"name": "B", "version": 1},
    )
    api.call(
        "DELETE", f"/v1/admin/websites/{acme.ids['website']}", token=acme.token, headers={"If-Match": '"2"'}
    )
    records = outbox.stream_records()
    assert {record["eventName"] for record in records} == {"INSERT", "MODIFY", "REMOVE"}
    result = outbox.dispatch(records)

    # then
    assert result == {"batchItemFailures": []}
    assert [json.loads(message["Body"])["type"] for message in outbox.receive()] == [
        "website.updated",
        "website.deleted",
    ]


def test_a_record_the_dispatcher_cannot_send_is_reported_and_the_others_are_sent(
    api: Api, acme: Acme, outbox: Outbox
) -> None:
    # given a batch with a broken event record (no type) among good ones
    records = [
        record for record in outbox.stream_records() if record["dynamodb"]["Keys"]["SK"]["S"] == "EVENT"
    ]
    broken = copy.deepcopy(records[0])
    del broken["dynamodb"]["NewImage"]["data"]["M"]["type"]
    broken["dynamodb"]["SequenceNumber"] = "broken-1"
    batch = [records[0], broken, *records[1:]]

    # when
    result = outbox.dispatch(batch)

    # then
    assert result == {"batchItemFailures": [{"itemIdentifier": "broken-1"}]}
    assert len(outbox.receive()) == len(records)


# --- the audit consumer and the audit log ------------------------------------------------------------------


def _audit(api: Api, token: str, query: str = "") -> list[dict[str, Any]]:
    reply = api.call("GET", f"/v1/admin/audit{query}", token=token)
    assert reply.status == 200, reply.body
    items: list[dict[str, Any]] = reply.body["items"]
    return items


def test_the_audit_log_holds_one_entry_per_event_newest_first(
    api: Api, acme: Acme, outbox: Outbox, table: Table
) -> None:
    # when
    outbox.drain()

    # then
    entries = _audit(api, acme.token)
    assert [entry["id"] for entry in entries] == [event["id"] for event in reversed(table.events("acme"))]
    assert [entry["action"] + " " + entry["entity_type"] for entry in entries] == [
        "created website",
        "created organization",
        "created organization",
        "updated staff_user",  # the administrator's first sign-in bound their account
        "created tenant",
    ]
    assert entries[-1]["actor"] == OPERATOR
    assert entries[0]["actor"] == ADMIN


def test_an_audit_entry_lists_the_changed_fields_only(api: Api, acme: Acme, outbox: Outbox) -> None:
    # given
    api.call(
        "PATCH",
        f"/v1/admin/organizations/{acme.ids['organization']}",
        token=acme.token,
        body={"name": "Renamed", "timezone": "Europe/Vienna", "version": 1},
        headers={"X-Correlation-Id": "rename-1"},
    )

    # when
    outbox.drain()

    # then
    [entry] = _audit(api, acme.token, f"?entity_id={acme.ids['organization']}&limit=1")
    assert entry["action"] == "updated"
    assert entry["changes"] == {
        "name": {"before": "Acme Europe", "after": "Renamed"},
        "timezone": {"before": None, "after": "Europe/Vienna"},
    }
    assert entry["correlation_id"] == "rename-1"
    assert RFC3339_UTC.match(entry["occurred_at"])


def test_a_redelivered_event_writes_no_second_entry(api: Api, acme: Acme, outbox: Outbox) -> None:
    # given every event delivered once
    outbox.dispatch()
    bodies = [message["Body"] for message in outbox.receive()]
    assert outbox.consume(bodies) == [{"batchItemFailures": []}]
    entries = _audit(api, acme.token)

    # when SQS delivers them all again
    result = outbox.consume(bodies)

    # then
    assert result == [{"batchItemFailures": []}]
    assert _audit(api, acme.token) == entries


def test_a_bad_message_goes_to_the_dead_letter_queue_and_the_others_are_written(
    api: Api, acme: Acme, outbox: Outbox
) -> None:
    # given a batch: good, not JSON, good, JSON that is not an event
    outbox.dispatch()
    bodies = [message["Body"] for message in outbox.receive()]
    good = [body for body in bodies if json.loads(body)["tenant_id"] == "acme"][:2]  # audited in acme
    batch = [good[0], "not json", good[1], json.dumps({"id": "evt_nonsense"})]

    # when
    [result] = outbox.consume(batch)

    # then no message is retried: the bad ones wait in the DLQ with their reasons
    assert result == {"batchItemFailures": []}
    assert sorted(entry["id"] for entry in _audit(api, acme.token)) == sorted(
        json.loads(body)["id"] for body in good
    )
    assert {
        message["Body"]: message["MessageAttributes"]["failure_reason"]["StringValue"]
        for message in outbox.dead_letters()
    } == {
        "not json": "bad shape: not JSON (Expecting value at line 1 column 1)",
        json.dumps({"id": "evt_nonsense"}): "bad shape: no field 'action'",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "?entity_type=organization",
            ["updated organization", "created organization", "created organization"],
        ),
        ("?entity_type=website", ["updated website", "created website"]),
        ("?actor=" + OPERATOR, ["created tenant"]),
        ("?actor=" + ADMIN + "&entity_type=website", ["updated website", "created website"]),
        ("?entity_id={website}", ["updated website", "created website"]),
        ("?entity_id={website}&actor=" + OPERATOR, []),
        (
            "?entity_id={organization}&entity_type=organization",
            ["updated organization", "created organization"],
        ),
    ],
    ids=["type", "another type", "actor", "actor and type", "entity", "entity and actor", "entity and type"],
)
def test_the_audit_log_filters_by_entity_type_entity_and_actor(
    api: Api, acme: Acme, outbox: Outbox, query: str, expected: list[str]
) -> None:
    # given a change to each of the organization and the website
    path = "/v1/admin/{kind}s/{id}"
    for kind in ("organization", "website"):
        api.call(
            "PATCH",
            path.format(kind=kind, id=acme.ids[kind]),
            token=acme.token,
            body={"name": "B", "version": 1},
        )
    outbox.drain()

    # when
    entries = _audit(api, acme.token, query.format(**acme.ids))

    # then
    assert [entry["action"] + " " + entry["entity_type"] for entry in entries] == expected


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?entity_type=organization",
        "?actor=" + ADMIN,
        "?entity_id={organization}",
        "?actor=" + ADMIN + "&entity_type=organization",
    ],
)
def test_the_audit_log_pages_with_a_cursor(api: Api, acme: Acme, outbox: Outbox, query: str) -> None:
    # given twelve changes to the organization, among others
    for version in range(1, 13):
        api.call(
            "PATCH",
            f"/v1/admin/organizations/{acme.ids['organization']}",
            token=acme.token,
            body={"name": f"Name {version}", "version": version},
        )
    outbox.drain()
    base = query.format(**acme.ids)
    everything = [
        entry["id"] for entry in _audit(api, acme.token, base + ("&" if base else "?") + "limit=100")
    ]

    # when
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        separator = "&" if base else "?"
        page_query = base + separator + "limit=5" + (f"&cursor={cursor}" if cursor else "")
        reply = api.call("GET", "/v1/admin/audit" + page_query, token=acme.token)
        seen += [entry["id"] for entry in reply.body["items"]]
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break

    # then
    assert len(everything) >= 12
    assert seen == everything
    assert seen == sorted(seen, reverse=True)
