"""`/api/v1/rules` through the API: admins keep the rules in order, agents read them, and every
refusal is a 422 that names the field at fault."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Member, Team

TAGGING = {"conditions": {"words": ["invoice"]}, "actions": {"tags": ["billing"]}}


def _create(client: TestClient, admin: Member, name: str, **body: Any) -> dict[str, Any]:
    created = client.post("/api/v1/rules", headers=admin.headers, json={"name": name, **body})
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_rules_are_kept_in_order(client: TestClient, admin: Member, team: Team) -> None:
    first = _create(client, admin, "First", **TAGGING)
    second = _create(client, admin, "Second", stop_processing=True, **TAGGING)
    third = _create(client, admin, "Third", enabled=False, **TAGGING)
    assert [
        (r["name"], r["position"])
        for r in client.get("/api/v1/rules", headers=admin.headers).json()
    ] == [
        ("First", 1),
        ("Second", 2),
        ("Third", 3),
    ]
    assert second["stop_processing"] is True and third["enabled"] is False
    assert first["conditions"] == {
        "mailbox_id": None,
        "senders": [],
        "words": ["invoice"],
        "words_in": "subject_or_body",
        "language": None,
        "urgent": None,
        "automated": None,
        "client": None,
    }
    ids = [third["id"], first["id"], second["id"]]
    reordered = client.post("/api/v1/rules/order", headers=admin.headers, json={"ids": ids})
    assert [r["id"] for r in reordered.json()] == ids
    listed = client.get("/api/v1/rules", headers=admin.headers).json()
    assert [r["name"] for r in listed] == ["Third", "First", "Second"]

    changed = client.patch(
        f"/api/v1/rules/{first['id']}",
        headers=admin.headers,
        json={"name": "Renamed", "enabled": False},
    )
    assert (changed.json()["name"], changed.json()["enabled"]) == ("Renamed", False)
    assert changed.json()["actions"]["tags"] == ["billing"], "what is not sent stays"
    assert (
        client.get(f"/api/v1/rules/{first['id']}", headers=admin.headers).json()["name"]
        == "Renamed"
    )
    assert client.delete(f"/api/v1/rules/{second['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"/api/v1/rules/{second['id']}", headers=admin.headers).status_code == 404

    agent = team.member(admin.workspace_id, "agent@acme.test")
    assert [r["name"] for r in client.get("/api/v1/rules", headers=agent.headers).json()] == [
        "Third",
        "Renamed",
    ]
    assert (
        client.post(
            "/api/v1/rules", headers=agent.headers, json={"name": "x", **TAGGING}
        ).status_code
        == 403
    )
    dry = client.post("/api/v1/rules/dry-run", headers=agent.headers, json=TAGGING)
    assert dry.status_code == 403


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            {"conditions": {}, "actions": {"close": True}},
            "conditions: a rule needs at least one condition",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {}},
            "actions: a rule needs at least one action",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {"assign_to": 999}},
            "actions.assign_to: 999 is not an active member",
        ),
        (
            {"conditions": {"mailbox_id": 5}, "actions": {"close": True}},
            "conditions.mailbox_id: no mailbox 5",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {"auto_reply_template_id": 9}},
            "actions.auto_reply_template_id: no template 9",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {"assign_to": 1, "assign_in_turn": True}},
            "actions: assign_to and assign_in_turn exclude each other",
        ),
    ],
)
def test_a_rule_the_workspace_cannot_run_is_refused(
    client: TestClient, admin: Member, body: dict[str, Any], says: str
) -> None:
    refused = client.post("/api/v1/rules", headers=admin.headers, json={"name": "Bad", **body})
    assert refused.status_code == 422
    assert says in refused.json()["detail"]
    tried = client.post("/api/v1/rules/dry-run", headers=admin.headers, json=body)
    assert (tried.status_code, tried.json()["detail"]) == (422, refused.json()["detail"])
    assert client.get("/api/v1/rules", headers=admin.headers).json() == []


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        (
            {"conditions": {"senders": ["client.com"]}, "actions": {"close": True}},
            ["conditions", "senders", 0],
            "neither an address",
        ),
        (
            {"conditions": {"subjekt": "x"}, "actions": {"close": True}},
            ["conditions", "subjekt"],
            "Extra inputs",
        ),
        (
            {"conditions": {"language": "fr"}, "actions": {"close": True}},
            ["conditions", "language"],
            "'en' or 'ru'",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {"tags": ["t" * 51]}},
            ["actions", "tags", 0],
            "at most 50 characters",
        ),
        (
            {"conditions": {"words": ["x"]}, "actions": {"priority": "asap"}},
            ["actions", "priority"],
            "'low'",
        ),
    ],
)
def test_a_malformed_rule_is_refused_naming_the_field(
    client: TestClient, admin: Member, body: dict[str, Any], where: list[Any], says: str
) -> None:
    refused = client.post("/api/v1/rules", headers=admin.headers, json={"name": "Bad", **body})
    assert refused.status_code == 422
    errors = refused.json()["detail"]
    assert any(e["loc"][1:] == where and says in e["msg"] for e in errors), errors


def test_the_order_must_name_every_rule_once(client: TestClient, admin: Member) -> None:
    one = _create(client, admin, "One", **TAGGING)
    two = _create(client, admin, "Two", **TAGGING)
    for ids in ([one["id"]], [one["id"], two["id"], two["id"]], [one["id"], two["id"], 77]):
        refused = client.post("/api/v1/rules/order", headers=admin.headers, json={"ids": ids})
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("ids: list every rule once")
    assert [r["name"] for r in client.get("/api/v1/rules", headers=admin.headers).json()] == [
        "One",
        "Two",
    ]
