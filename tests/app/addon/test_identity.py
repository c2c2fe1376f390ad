"""Only Google, for this add-on, on behalf of an active member, reaches Tandem's data; any other
request is refused with a clear message and changes nothing."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import AuditEvent, Conversation
from app.core.settings import Settings
from app.main import create_app
from tests.app.addon.conftest import Desk, Google, assert_card_response
from tests.conftest import Team

ACTION = "/addon/actions/assign_me"


def _assign_me(google: Google, desk: Desk, **post: Any) -> Any:
    event = google.event(
        thread_id=desk.thread_id, parameters={"conversation_id": str(desk.conversation_id)}
    )
    return google.post(ACTION, event, **post)


def _unchanged(engine: Engine, desk: Desk) -> None:
    with Session(engine) as session:
        conversation = session.get(Conversation, desk.conversation_id)
        assert conversation is not None and conversation.assignee_id is None
        assert session.exec(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "https://elsewhere.test/addon/actions/assign_me"}, "audience"),
        ({"email": "someone@evil-project.iam.gserviceaccount.com"}, "service account"),
        ({"iss": "https://evil.test"}, "issuer"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"email_verified": False}, "verified email"),
    ],
)
def test_a_system_token_not_made_for_this_add_on_is_401_and_changes_nothing(
    google: Google, desk: Desk, engine: Engine, claims: dict[str, Any], reason: str
) -> None:
    answer = _assign_me(google, desk, token=google.system_token(ACTION, **claims))
    assert answer.status_code == 401, answer.text
    assert "rejected" in answer.json()["detail"]
    _unchanged(engine, desk)


def test_missing_forged_or_garbage_tokens_are_401(
    google: Google, desk: Desk, engine: Engine
) -> None:
    event = google.event(
        thread_id=desk.thread_id, parameters={"conversation_id": str(desk.conversation_id)}
    )
    no_token = google.client.post(ACTION, json=event)
    assert no_token.status_code == 401
    assert "system ID token" in no_token.json()["detail"]
    forged = google.token(google.keys.stranger, aud="https://tandem.test" + ACTION)
    assert google.post(ACTION, event, token=forged).status_code == 401
    assert google.post(ACTION, event, token="not.a.jwt").status_code == 401
    unauthenticated_garbage = google.client.post(ACTION, content=b"{not json")
    assert unauthenticated_garbage.status_code == 401, "no body is judged before Google is"
    _unchanged(engine, desk)


def test_the_user_id_token_is_verified_too(google: Google, desk: Desk, engine: Engine) -> None:
    params = {"conversation_id": str(desk.conversation_id)}
    for user_token, detail in (
        ("", "no user ID token"),
        (
            google.token(google.keys.stranger, aud="tandem-addon-client", email="agent@acme.test"),
            "user ID token rejected",
        ),
        (google.user_token(aud="another-client"), "user ID token rejected"),
    ):
        event = google.event(thread_id=desk.thread_id, parameters=params, user_token=user_token)
        answer = google.post(ACTION, event)
        assert answer.status_code == 401, answer.text
        assert detail in answer.json()["detail"]
    _unchanged(engine, desk)


def test_a_google_user_outside_every_workspace_is_403(
    google: Google, desk: Desk, engine: Engine, team: Team
) -> None:
    for email in ("stranger@gmail.test", "gone@acme.test"):
        if email.startswith("gone"):
            member = team.member(desk.agent.workspace_id, email)
            with Session(engine) as session:
                user = team.user(member.user_id)
                user.is_active = False
                session.add(user)
                session.commit()
        event = google.event(
            thread_id=desk.thread_id,
            parameters={"conversation_id": str(desk.conversation_id)},
            user_token=google.user_token(email),
        )
        answer = google.post(ACTION, event)
        assert answer.status_code == 403
        assert "not a member of a Tandem workspace" in answer.json()["detail"]
    _unchanged(engine, desk)


def test_the_system_token_may_come_in_the_body_and_a_configured_audience_wins(
    addon_settings: Settings, google: Google, desk: Desk
) -> None:
    event = google.event(thread_id=desk.thread_id)
    event["authorizationEventObject"]["systemIdToken"] = google.system_token("/addon/message")
    assert_card_response(google.client.post("/addon/message", json=event))
    fixed = addon_settings.model_copy(update={"addon_audience": "projects/123/addons"})
    with TestClient(create_app(fixed)) as client:
        headers = {"Authorization": f"Bearer {google.system_token('', aud='projects/123/addons')}"}
        assert_card_response(client.post("/addon/message", json=event, headers=headers))
        endpoint_audience = {"Authorization": f"Bearer {google.system_token('/addon/message')}"}
        assert (
            client.post("/addon/message", json=event, headers=endpoint_audience).status_code == 401
        )


def test_without_a_configured_service_account_the_add_on_is_off(
    settings: Settings, google: Google
) -> None:
    with TestClient(create_app(settings)) as client:
        answer = client.post("/addon/homepage", json=google.event())
    assert answer.status_code == 503
    assert "TANDEM_ADDON_SERVICE_ACCOUNT" in answer.json()["detail"]
