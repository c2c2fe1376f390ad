# ruff: noqa: RUF001 - the disguises are the point
"""The pre-send check sees through disguises: a note's sentence or a teammate's @mention
written with invisible characters, lookalike letters, fullwidth forms or hidden in an HTML
attribute is held like the plain one, and ordinary replies still go through."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.errors import Conflict
from app.core.models import Conversation, User, utcnow
from inbox.note_taking import add_note
from inbox.presend import hold_internal_context
from tests.app.api.test_notes import rename, seed_conversation
from tests.conftest import Member, Team

NOTE = "The client still owes us three invoices. Do not mention the lawyer."


@pytest.fixture
def conversation_id(engine: Engine, admin: Member, team: Team) -> int:
    rename(engine, admin, "Olga Ivanova")
    anna = team.member(admin.workspace_id, "anna@acme.test")
    rename(engine, anna, "Anna Petrova")
    conversation_id = seed_conversation(engine, admin.workspace_id)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        author = session.get(User, admin.user_id)
        assert conversation is not None and author is not None
        add_note(session=session, conversation=conversation, author=author, body=NOTE, now=utcnow())
    return conversation_id


def _held(
    engine: Engine, admin: Member, conversation_id: int, text: str, html: str | None = None
) -> str | None:
    with session_scope(engine) as session:
        try:
            hold_internal_context(
                session,
                workspace_id=admin.workspace_id,
                conversation_id=conversation_id,
                text=text,
                html=html,
            )
        except Conflict as exc:
            return str(exc)
    return None


@pytest.mark.parametrize(
    "disguised",
    [
        "Dear Anna, the client still owes us three invoices.",
        "the client still owes us three\u200b invoices",
        "the cli\u00adent still owes us three invo\u00adices",
        "the client still\u00a0owes us\u2060 three invoices",
        "the сlient still оwes us three invoiсes",
        "ＴＨＥ ＣＬＩＥＮＴ still owes us three invoices",
        "Do not mention the lawуer.",
    ],
    ids=[
        "plain",
        "zero-width space",
        "soft hyphens",
        "nbsp and word joiner",
        "cyrillic letters",
        "fullwidth",
        "one lookalike",
    ],
)
def test_a_disguised_note_sentence_is_held(
    engine: Engine, admin: Member, conversation_id: int, disguised: str
) -> None:
    held = _held(engine, admin, conversation_id, disguised)
    assert held is not None
    assert "repeats an internal note" in held


@pytest.mark.parametrize(
    "html",
    [
        '<p>Thanks!</p><img src="cid:x" alt="The client still owes us three invoices">',
        '<p title="the client still owes us three invoices">Hello</p>',
        '<a href="https://acme.test" aria-label="Do not mention the lawyer">our site</a>',
        "<p>the client still <b>owes</b> us three in<span>voices</span></p>",
    ],
    ids=["alt", "title", "aria-label", "split tags"],
)
def test_a_note_hidden_in_html_is_held(
    engine: Engine, admin: Member, conversation_id: int, html: str
) -> None:
    assert _held(engine, admin, conversation_id, "Hello", html) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, ＠Anna will call you",
        "Thanks, @anna.petrova will call you",
        "Thanks, @Anna_Petrova will call you",
        "Thanks, @Аnna will call you",
        "Thanks, @An\u200bna will call you",
    ],
    ids=["fullwidth at", "dotted", "underscored", "cyrillic A", "zero-width inside"],
)
def test_a_disguised_mention_of_a_teammate_is_held(
    engine: Engine, admin: Member, conversation_id: int, text: str
) -> None:
    held = _held(engine, admin, conversation_id, text)
    assert held is not None
    assert "mentions your teammate Anna Petrova" in held


@pytest.mark.parametrize(
    "text",
    [
        "We sent the three invoices again; the client portal shows them.",
        "Write to anna@client.test or call us.",
        "Das Team meldet sich morgen. Спасибо за терпение!",
    ],
)
def test_an_ordinary_reply_goes_through(
    engine: Engine, admin: Member, conversation_id: int, text: str
) -> None:
    assert _held(engine, admin, conversation_id, text) is None


def test_the_api_holds_a_reply_with_the_note_in_an_attribute(
    client: TestClient, admin: Member, conversation_id: int
) -> None:
    reply = {
        "body_text": "Hello",
        "body_html": '<p title="The client still owes us three invoices.">Hello</p>',
    }
    answer = client.post(
        f"/api/v1/conversations/{conversation_id}/reply", json=reply, headers=admin.headers
    )
    assert answer.status_code == 409
    assert "repeats an internal note" in answer.json()["detail"]
