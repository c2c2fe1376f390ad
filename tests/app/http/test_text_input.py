"""Text no database can store (a lone surrogate, a NUL) is a 422 naming the field, before any
route runs: nothing is stored, nothing fails at storage."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Note
from tests.app.api.test_notes import seed_conversation
from tests.conftest import Member


def _notes(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Note.body)))


def test_a_lone_surrogate_or_nul_in_json_is_refused_naming_the_field(
    client: TestClient, admin: Member, engine: Engine
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    url = f"/api/v1/conversations/{conversation_id}/notes"
    for body, problem in (
        (b'{"body": "call back \\ud800 today"}', "lone surrogate"),
        (b'{"body": "call back \\udfff"}', "lone surrogate"),
        (b'{"body": "call\\u0000 back"}', "NUL"),
    ):
        refused = client.post(
            url, content=body, headers={**admin.headers, "Content-Type": "application/json"}
        )
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["detail"]
        assert error["loc"] == ["body", "body"]
        assert problem in error["msg"]
    assert _notes(engine) == []
    fine = client.post(
        url,
        content='{"body": "Клиент ждёт \\ud83d\\ude00"}'.encode(),
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert fine.status_code == 201, fine.text
    assert _notes(engine) == ["Клиент ждёт \U0001f600"]


def test_nested_fields_and_keys_are_named(client: TestClient, admin: Member) -> None:
    refused = client.post(
        "/api/v1/webhooks",
        content=b'{"url": "https://hooks.example/x", "events": ["message.sent", "a\\u0000"]}',
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "events", 1]


def test_a_nul_in_a_form_or_the_query_string_is_refused(client: TestClient, admin: Member) -> None:
    form = client.post(
        "/login",
        content=b"email=admin%40acme.test%00&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 422
    assert form.json()["detail"][0]["loc"] == ["body", "email"]
    query = client.get("/api/v1/conversations?q=invoice%00", headers=admin.headers)
    assert query.status_code == 422
    assert query.json()["detail"][0]["loc"] == ["query", "q"]


def test_a_nul_in_a_multipart_reply_is_refused_naming_the_field(
    client: TestClient, admin: Member, engine: Engine
) -> None:
    conversation_id = seed_conversation(engine, admin.workspace_id)
    refused = client.post(
        f"/api/v1/conversations/{conversation_id}/reply",
        data={"body_text": "see the file\x00"},
        files=[("attachments", ("notes.txt", b"hello", "text/plain"))],
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert "body_text: contains a NUL character" in refused.json()["detail"]


def test_bytes_that_are_no_utf8_in_a_form_or_the_query_string_are_refused(
    client: TestClient, admin: Member
) -> None:
    """A browser can only send a lone surrogate as bytes that are no UTF-8 (%ED%A0%80); they
    are refused naming the field, not quietly turned into replacement characters."""
    form = client.post(
        "/login",
        content=b"email=admin%40acme.test&password=%ED%A0%80",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 422
    [error] = form.json()["detail"]
    assert error["loc"] == ["body", "password"]
    assert "no UTF-8" in error["msg"]
    query = client.get("/api/v1/conversations?q=caf%E9", headers=admin.headers)
    assert query.status_code == 422
    assert query.json()["detail"][0]["loc"] == ["query", "q"]
    fine = client.get("/api/v1/conversations?q=caf%C3%A9+%2B1", headers=admin.headers)
    assert fine.status_code == 200, fine.text
