"""Presence as rows that expire: a tab's refresh keeps it there for the TTL, changes in who is
there are announced and nothing else is, a tab that stops refreshing leaves (announced by the
scheduler's job); and a teammate's reply still waiting to go out holds another agent's reply."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.errors import Conflict
from app.core.live import events_after
from app.core.models import Conversation, Message, MessageState, Role, User
from inbox.presence import (
    TTL,
    Viewer,
    expire,
    hold_double_reply,
    leave,
    refresh,
    teammates_sending,
    viewers,
)
from tests.conftest import Member, Team
from tests.inbox.reminder_world import T0, World, build_world


@pytest.fixture
def world(engine: Engine, team: Team) -> World:
    return build_world(engine, team)


def visit(
    engine: Engine,
    world: World,
    member: Member,
    *,
    tab: str = "",
    typing: bool = False,
    at: timedelta = timedelta(),
) -> list[Viewer]:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        user = session.get(User, member.user_id)
        assert conversation is not None and user is not None
        return refresh(
            session, conversation=conversation, user=user, tab=tab, typing=typing, now=T0 + at
        )


def announced(engine: Engine) -> list[list[tuple[str, bool]]]:
    """Each presence event's viewers, by name and typing."""
    with engine.connect() as connection:
        rows = events_after(connection, 0, limit=100)
    return [[(v["name"], v["typing"]) for v in row.data["viewers"]] for row in rows]


def test_teammates_see_each_other_and_only_changes_are_announced(
    engine: Engine, world: World
) -> None:
    assert visit(engine, world, world.admin) == []
    others = visit(engine, world, world.agent, typing=True, at=timedelta(seconds=2))
    assert others == [Viewer(world.admin.user_id, "admin", False)]
    assert visit(engine, world, world.admin, at=timedelta(seconds=5)) == [
        Viewer(world.agent.user_id, "olga", True)
    ]
    visit(engine, world, world.agent, typing=True, at=timedelta(seconds=7))
    visit(engine, world, world.agent, typing=False, at=timedelta(seconds=9))
    assert announced(engine) == [
        [("admin", False)],
        [("admin", False), ("olga", True)],
        [("admin", False), ("olga", False)],
    ]


def test_a_user_is_typing_if_any_of_their_tabs_is(engine: Engine, world: World) -> None:
    visit(engine, world, world.agent, tab="a", typing=True)
    visit(engine, world, world.agent, tab="b", typing=False)
    with Session(engine) as session:
        assert viewers(session, conversation_id=world.conversation_id, now=T0) == [
            Viewer(world.agent.user_id, "olga", True)
        ]
    assert visit(engine, world, world.agent, tab="b") == [], "one's own tabs are not teammates"


def test_a_tab_that_stops_refreshing_expires_and_its_leaving_is_announced(
    engine: Engine, world: World
) -> None:
    visit(engine, world, world.admin)
    visit(engine, world, world.agent, typing=True, at=timedelta(seconds=10))
    later = T0 + TTL + timedelta(seconds=1)
    with Session(engine) as session:
        assert viewers(session, conversation_id=world.conversation_id, now=later) == [
            Viewer(world.agent.user_id, "olga", True)
        ], "gone from every list as soon as it expires"
    with session_scope(engine) as session:
        assert expire(session, now=later) == 1
    with session_scope(engine) as session:
        assert expire(session, now=later) == 0, "already gone: nothing announced twice"
    assert announced(engine)[-1] == [("olga", True)]


def test_a_tab_that_leaves_is_gone_at_once(engine: Engine, world: World) -> None:
    visit(engine, world, world.admin)
    visit(engine, world, world.agent)
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        user = session.get(User, world.agent.user_id)
        assert conversation is not None and user is not None
        leave(session, conversation=conversation, user=user, now=T0)
    assert announced(engine)[-1] == [("admin", False)]


def queue_reply_by(engine: Engine, world: World, member: Member, state: str) -> None:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, world.conversation_id)
        assert conversation is not None
        session.add(
            Message(
                workspace_id=world.workspace_id,
                conversation_id=world.conversation_id,
                mailbox_id=conversation.mailbox_id,
                direction="outbound",
                state=state,
                kind="reply",
                sent_by_user_id=member.user_id,
                send_after=T0 + timedelta(seconds=10),
                text_body="On it",
            )
        )


def test_a_teammates_reply_waiting_to_go_out_holds_mine_until_i_confirm(
    engine: Engine, world: World, team: Team
) -> None:
    ben = team.member(world.workspace_id, "ben@acme.test", Role.AGENT)
    queue_reply_by(engine, world, world.agent, MessageState.QUEUED)
    queue_reply_by(engine, world, world.admin, MessageState.CANCELLED)
    with Session(engine) as session:
        pending = teammates_sending(
            session, conversation_id=world.conversation_id, user_id=ben.user_id
        )
        assert [(reply.author_name, reply.send_after) for reply in pending] == [
            ("olga", T0 + timedelta(seconds=10))
        ]
        me = session.get(User, ben.user_id)
        olga = session.get(User, world.agent.user_id)
        assert me is not None and olga is not None
        with pytest.raises(Conflict, match="olga is sending a reply to this conversation"):
            hold_double_reply(session, conversation_id=world.conversation_id, user=me)
        hold_double_reply(session, conversation_id=world.conversation_id, user=me, confirmed=True)
        hold_double_reply(session, conversation_id=world.conversation_id, user=olga)


def test_the_reply_api_asks_before_doubling_a_teammates_reply(
    world: World, client: TestClient
) -> None:
    path = f"/api/v1/conversations/{world.conversation_id}/reply"
    first = client.post(path, json={"body_text": "On it."}, headers=world.agent.headers)
    assert first.status_code == 201, first.text
    held = client.post(path, json={"body_text": "Hello!"}, headers=world.admin.headers)
    assert held.status_code == 409
    assert held.json()["detail"].startswith("olga is sending a reply to this conversation")
    again = client.post(path, json={"body_text": "More."}, headers=world.agent.headers)
    assert again.status_code == 201, "one's own queued reply holds nothing"
    confirmed = {"body_text": "Hello!", "confirm": True}
    assert client.post(path, json=confirmed, headers=world.admin.headers).status_code == 201
