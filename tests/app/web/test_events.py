"""`GET /events` on a real server: a tab's stream carries its workspace's events and its own
notifications, nobody else's; a tab that reconnects catches up from its last event id (or is
told to reload); presence refreshed on one server reaches a tab on another."""

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from app.core.db import get_engine, session_scope
from app.core.live import prune_events
from app.core.models import Conversation, Role, User, utcnow
from app.core.settings import Settings
from app.http.live_hub import LiveHub
from app.main import create_app
from app.web import events
from inbox.changes import change_conversation
from tests.app.web.conftest import Inbox, seed
from tests.app.web.live_server import Stream, csrf_of, serving, signed_in
from tests.conftest import Member, Team


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


class Browsers:
    """Signed-in browsers and their open tabs, all closed after the test (tabs first)."""

    def __init__(self) -> None:
        self.opened: list[httpx.Client] = []
        self.tabs: list[Stream] = []

    def sign_in(self, url: str, member: Member) -> httpx.Client:
        self.opened.append(signed_in(url, member))
        return self.opened[-1]

    def tab(self, browser: httpx.Client, last_event_id: int | None = None) -> Stream:
        headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
        self.tabs.append(Stream(browser, headers))
        return self.tabs[-1]

    def close(self) -> None:
        for tab in self.tabs:
            tab.close()
        for browser in self.opened:
            browser.close()


@pytest.fixture
def browsers(server: str) -> Iterator[Browsers]:
    opened = Browsers()
    yield opened
    opened.close()


@pytest.fixture
def ben(team: Team, admin: Member) -> Member:
    return team.member(admin.workspace_id, "ben@acme.test", Role.AGENT)


def assign(engine: Engine, conversation_id: int, actor: Member, assignee: Member) -> None:
    with session_scope(engine) as session:
        user = session.get(User, actor.user_id)
        conversation = session.get(Conversation, conversation_id)
        assert user is not None and conversation is not None
        change_conversation(
            session=session,
            conversation=conversation,
            actor=user,
            changes={"assignee_id": assignee.user_id},
            now=utcnow(),
        )


def test_a_tab_sees_its_workspace_and_its_own_notifications_only(
    server: str,
    browsers: Browsers,
    engine: Engine,
    team: Team,
    admin: Member,
    ben: Member,
    inbox: Inbox,
) -> None:
    outsider = team.admin_of_new_workspace("Other", "eve@other.test")
    seed(engine, outsider)
    tabs = {
        member.email: browsers.tab(browsers.sign_in(server, member))
        for member in (admin, ben, outsider)
    }
    assert tabs[admin.email].content_type.startswith("text/event-stream")
    assign(engine, inbox.conversation_id, admin, ben)
    changed = tabs[admin.email].next()
    assert changed.kind == "conversation.updated"
    assert changed.data == {
        "conversation_id": inbox.conversation_id,
        "changes": {"assignee_id": [None, ben.user_id]},
    }
    for_ben = {event.kind: event for event in (tabs[ben.email].next(), tabs[ben.email].next())}
    assert for_ben["conversation.updated"] == changed
    assert for_ben["notification"].data == {
        "conversation_id": inbox.conversation_id,
        "kind": "assigned",
        "text": "admin assigned you “Invoice is wrong”",
    }
    assert tabs[admin.email].nothing_for(0.5), "not the admin's notification"
    assert tabs[outsider.email].nothing_for(0.1), "another workspace sees nothing"


def test_a_tab_that_reconnects_catches_up_from_its_last_event(
    server: str, browsers: Browsers, engine: Engine, admin: Member, ben: Member, inbox: Inbox
) -> None:
    browser = browsers.sign_in(server, admin)
    tab = browsers.tab(browser)
    assign(engine, inbox.conversation_id, admin, ben)
    seen = tab.next()
    tab.close()
    assign(engine, inbox.conversation_id, admin, admin)
    assign(engine, inbox.other_id, admin, ben)
    again = browsers.tab(browser, last_event_id=seen.id)
    missed = [again.next(), again.next()]
    assert [(event.kind, event.data["conversation_id"]) for event in missed] == [
        ("conversation.updated", inbox.conversation_id),
        ("conversation.updated", inbox.other_id),
    ]
    assert [event.id for event in missed] == sorted(event.id or 0 for event in missed)
    assert all((event.id or 0) > (seen.id or 0) for event in missed)
    assert again.nothing_for(0.5), "nothing twice, and not Ben's notification"


def test_a_page_tells_its_tab_where_to_start_so_a_change_made_meanwhile_is_not_missed(
    server: str, browsers: Browsers, engine: Engine, admin: Member, ben: Member, inbox: Inbox
) -> None:
    browser = browsers.sign_in(server, admin)
    assign(engine, inbox.conversation_id, admin, ben)
    page = browser.get("/inbox").text
    after = int(re.search(r'data-live-after="(\d+)"', page).group(1))  # type: ignore[union-attr]
    assert '/static/live.js"' in page
    assign(engine, inbox.other_id, admin, ben)  # after rendering, before the tab connects
    tab = browsers.tab(browser, last_event_id=after)
    changed = tab.next()
    assert (changed.kind, changed.data["conversation_id"]) == (
        "conversation.updated",
        inbox.other_id,
    )


def test_a_tab_away_too_long_is_told_to_reload(
    server: str, browsers: Browsers, engine: Engine, admin: Member, ben: Member, inbox: Inbox
) -> None:
    browser = browsers.sign_in(server, admin)
    assign(engine, inbox.conversation_id, admin, ben)
    assign(engine, inbox.conversation_id, admin, admin)
    with session_scope(engine) as session:
        prune_events(session, before=utcnow() + timedelta(seconds=1))
    assert browsers.tab(browser, last_event_id=0).next().kind == "reload"


def test_a_quiet_stream_keeps_its_position_alive_and_ends_for_the_browser_to_reconnect(
    server: str,
    browsers: Browsers,
    engine: Engine,
    team: Team,
    admin: Member,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events, "KEEP_ALIVE_SECONDS", 0.2)
    monkeypatch.setattr(events, "LIFETIME_SECONDS", 1.0)
    outsider = team.admin_of_new_workspace("Other", "eve@other.test")
    elsewhere = seed(engine, outsider)
    tab = browsers.tab(browsers.sign_in(server, admin))
    assign(engine, elsewhere.conversation_id, outsider, outsider)
    assert tab.ended(5)
    assert tab.events.empty()
    assert tab.last_id == 1, "a reconnection resumes after the event it did not need"


def test_the_stream_needs_a_signed_in_user(server: str) -> None:
    answer = httpx.get(f"{server}/events", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/events"


def test_presence_refreshed_on_one_server_reaches_a_tab_on_another(
    app: FastAPI, settings: Settings, database_url: str, admin: Member, ben: Member, inbox: Inbox
) -> None:
    """As with `tandem serve --workers 2`: two apps, each with its own engine and watcher."""
    second = create_app(settings)
    second.state.engine = get_engine.__wrapped__(database_url)  # type: ignore[attr-defined]
    second.state.live_hub = LiveHub(second.state.engine)
    browsers = Browsers()
    with serving(app) as first_url, serving(second) as second_url:
        try:
            anna_tab = browsers.tab(browsers.sign_in(second_url, admin))
            ben_browser = browsers.sign_in(first_url, ben)
            headers = {"X-CSRF-Token": csrf_of(ben_browser)}
            path = f"/c/{inbox.conversation_id}/presence"
            typing = {"typing": "true", "tab": "t1"}
            assert ben_browser.post(path, data=typing, headers=headers).status_code == 200
            seen = anna_tab.next()
            assert seen.kind == "presence"
            assert seen.data == {
                "conversation_id": inbox.conversation_id,
                "viewers": [{"user_id": ben.user_id, "name": "ben", "typing": True}],
            }
            anna = browsers.sign_in(first_url, admin)
            answer = anna.post(path, data={"tab": "a1"}, headers={"X-CSRF-Token": csrf_of(anna)})
            assert "<strong>ben</strong> is replying" in answer.text
            ben_browser.post(path, data={"tab": "t1", "leaving": "true"}, headers=headers)
            assert [anna_tab.next().data["viewers"] for _ in range(2)] == [
                [
                    {"user_id": admin.user_id, "name": "admin", "typing": False},
                    {"user_id": ben.user_id, "name": "ben", "typing": True},
                ],
                [{"user_id": admin.user_id, "name": "admin", "typing": False}],
            ]
        finally:
            browsers.close()
    second.state.engine.dispose()
