"""Closing with a resolution through the API and the conversation page, the client's rating
page its links open (no account, no JavaScript), and `GET /api/v1/csat`."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import (
    Conversation,
    ConversationStatus,
    CsatRating,
    Mailbox,
    Message,
    MessageKind,
    utcnow,
)
from inbox.rating_links import RatingLinks
from tests.app.web.conftest import csrf_of, sign_in
from tests.conftest import TEST_SECRET, Team
from tests.inbox.reminder_world import World, build_world

LINK = re.compile(r"http://127\.0\.0\.1:8000(/rate/[\w.-]+)\?choice=(\w+)")


@pytest.fixture
def world(engine: Engine, team: Team) -> World:
    return build_world(engine, team)


def close_with_resolution(client: TestClient, world: World) -> dict[str, str]:
    """Closes through the API with a canned reply; the rating links' paths by answer."""
    template = client.post(
        "/api/v1/templates",
        json={"name": "Solved", "body_text": "Case #{{ conversation.number }} is solved."},
        headers=world.admin.headers,
    ).json()
    closed = client.patch(
        f"/api/v1/conversations/{world.conversation_id}",
        json={"status": "closed", "resolution_template_id": template["id"]},
        headers=world.admin.headers,
    )
    assert closed.status_code == 200, closed.text
    return links_of(client.app.state.engine)  # type: ignore[attr-defined]


def links_of(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        message = session.exec(select(Message).where(Message.kind == MessageKind.RESOLUTION)).one()
    return {choice: path for path, choice in LINK.findall(message.text_body)}


def test_the_client_rates_through_the_link_and_the_team_reads_it(
    client: TestClient, world: World, engine: Engine
) -> None:
    with session_scope(engine) as session:
        session.exec(select(Mailbox)).one().language = "ru"
    links = close_with_resolution(client, world)
    assert list(links) == ["5", "4", "3", "2", "1", "unsolved"]
    rating_page = links["4"]

    opened = client.get(f"{rating_page}?choice=4", headers={"Accept-Language": "en"})
    with Session(engine) as session:
        assert session.exec(select(CsatRating)).all() == [], "opening a link records nothing"
    assert opened.status_code == 200
    assert opened.headers["content-language"] == "ru", "the mailbox's language, not the browser's"
    assert "script-src 'self'" in opened.headers["content-security-policy"]
    assert "Ваш вопрос решён?" in opened.text
    assert re.search(r'value="4" required checked', opened.text)
    sent = client.post(
        rating_page,
        data={"choice": "4", "comment": "Быстро и понятно", "csrf_token": csrf_of(opened.text)},
        follow_redirects=False,
    )
    thanked = client.get(sent.headers["location"])

    assert sent.status_code == 303
    assert "Спасибо! Мы получили ваш ответ." in thanked.text
    assert "Быстро и понятно" in thanked.text
    today = utcnow().date().isoformat()
    listed = client.get(
        "/api/v1/csat", params={"from": today, "to": today}, headers=world.admin.headers
    ).json()
    assert (listed["count"], listed["average"]) == (1, 4.0)
    [rating] = listed["ratings"]
    assert rating["conversation_id"] == world.conversation_id
    assert (rating["score"], rating["solved"], rating["comment"]) == (4, True, "Быстро и понятно")
    assert (rating["agent_id"], rating["agent_name"]) == (world.admin.user_id, "admin")
    summary = client.get(
        "/api/v1/reports/summary", params={"from": today, "to": today}, headers=world.admin.headers
    ).json()
    assert summary["csat"] == 4.0
    assert {row["email"]: row["csat"] for row in summary["by_agent"]}["admin@acme.test"] == 4.0
    sign_in(client, world.admin)
    page = client.get(f"/c/{world.conversation_id}").text
    assert "Client's rating: 4 of 5" in page and "Быстро и понятно" in page


def test_not_solved_from_the_page_reopens_the_conversation(
    client: TestClient, world: World, engine: Engine
) -> None:
    links = close_with_resolution(client, world)
    opened = client.get(f"{links['unsolved']}?choice=unsolved")
    client.post(
        links["unsolved"],
        data={"choice": "unsolved", "comment": "", "csrf_token": csrf_of(opened.text)},
    )
    with Session(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        assert conversation is not None and conversation.status == ConversationStatus.OPEN


def test_an_altered_or_expired_link_gets_a_plain_refusal_and_changes_nothing(
    client: TestClient, world: World, engine: Engine
) -> None:
    links = close_with_resolution(client, world)
    good = client.get(links["5"])
    csrf = csrf_of(good.text)
    altered = links["5"][:-3] + ("xyz" if not links["5"].endswith("xyz") else "abc")
    with Session(engine) as session:
        message = session.exec(select(Message).where(Message.kind == MessageKind.RESOLUTION)).one()
    old = RatingLinks(TEST_SECRET, "http://127.0.0.1:8000").token(
        conversation_id=world.conversation_id,
        message_id=message.id or 0,
        agent_id=None,
        now=utcnow() - timedelta(days=31),
    )

    answers = [
        client.get(altered),
        client.post(altered, data={"choice": "5", "csrf_token": csrf}),
        client.get(f"/rate/{old}?choice=5"),
        client.post(f"/rate/{old}", data={"choice": "5", "csrf_token": csrf}),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert "is not valid" in answers[0].text and "Nothing was recorded." in answers[1].text
    assert "has expired" in answers[2].text
    with Session(engine) as session:
        assert session.exec(select(CsatRating)).all() == []


def test_a_choice_no_page_offers_is_shown_again_and_a_form_without_csrf_refused(
    client: TestClient, world: World, engine: Engine
) -> None:
    links = close_with_resolution(client, world)
    csrf = csrf_of(client.get(links["5"]).text)

    wrong = client.post(links["5"], data={"choice": "6", "comment": "?", "csrf_token": csrf})
    forged = client.post(links["5"], data={"choice": "1"})

    assert wrong.status_code == 422 and "choice" in wrong.text
    assert forged.status_code == 403
    with Session(engine) as session:
        assert session.exec(select(CsatRating)).all() == []


def test_the_page_closes_with_the_default_resolution(
    client: TestClient, world: World, engine: Engine
) -> None:
    csrf = sign_in(client, world.admin)
    page = client.get(f"/c/{world.conversation_id}").text
    assert 'id="resolve-form"' in page

    answer = client.post(
        f"/c/{world.conversation_id}/resolve",
        data={"template_id": "", "csrf_token": csrf},
        follow_redirects=False,
    )

    assert answer.status_code == 303
    with Session(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        message = session.exec(select(Message).where(Message.kind == MessageKind.RESOLUTION)).one()
    assert conversation is not None and conversation.status == ConversationStatus.CLOSED
    assert message.text_body.startswith("Hello Anna,\n\nwe believe your request")
    assert len(links_of(engine)) == 6
    assert 'id="resolve-form"' not in client.get(f"/c/{world.conversation_id}").text


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-13-01", "to": "2026-12-31"}, "from"), ({"from": "2026-12-01"}, "to")],
)
def test_a_bad_date_is_refused_by_name(
    client: TestClient, world: World, params: dict[str, str], field: str
) -> None:
    answer = client.get("/api/v1/csat", params=params, headers=world.admin.headers)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(f"{field}:")


def test_closing_with_send_resolution_uses_the_default_text_in_the_mailboxs_language(
    client: TestClient, world: World, engine: Engine
) -> None:
    with session_scope(engine) as session:
        session.exec(select(Mailbox)).one().language = "ru"
    refused = client.patch(
        f"/api/v1/conversations/{world.conversation_id}",
        json={"send_resolution": True},
        headers=world.admin.headers,
    )
    assert refused.status_code == 422 and "add status closed" in refused.text
    closed = client.patch(
        f"/api/v1/conversations/{world.conversation_id}",
        json={"status": "closed", "send_resolution": True},
        headers=world.admin.headers,
    )
    assert closed.status_code == 200, closed.text
    with Session(engine) as session:
        message = session.exec(select(Message).where(Message.kind == MessageKind.RESOLUTION)).one()
    assert "Мы считаем, что ваш вопрос" in message.text_body
    assert set(links_of(engine)) == {"5", "4", "3", "2", "1", "unsolved"}
