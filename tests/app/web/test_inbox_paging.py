"""The inbox list pages through every conversation of a view ("Load more", also without
JavaScript), and each row says what its last message was about."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.db import session_scope
from app.core.models import Contact, Conversation, Mailbox, Message, MessageState, User, id_of
from tests.app.web.conftest import START, Inbox
from tests.conftest import Member

ROW = re.compile(r'<li class="conversation[^"]*" data-id="(\d+)"')
MORE = re.compile(r'<li class="more"><a href="(/inbox\?[^"]+)" hx-get="(/inbox/rows\?[^"]+)"')


def seed_many(engine: Engine, member: Member, count: int) -> list[int]:
    """`count` open conversations; every third shares its activity time with the next, so
    pages must break ties by number."""
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=member.workspace_id, email="many@a.test")
        session.add(mailbox)
        session.flush()
        rows = [
            Conversation(
                workspace_id=member.workspace_id,
                mailbox_id=id_of(mailbox),
                gmail_thread_id=f"many{index}",
                subject=f"Question number {index}",
                last_message_at=START - timedelta(minutes=index - index % 3),
            )
            for index in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [id_of(row) for row in rows]


def walk(client: TestClient, first: str) -> tuple[list[int], list[str]]:
    """Follows "Load more" as a browser without JavaScript does: the ids in order, the pages."""
    seen: list[int] = []
    pages: list[str] = []
    url: str | None = first
    while url is not None:
        page = client.get(url.replace("&amp;", "&"))
        assert page.status_code == 200
        pages.append(page.text)
        seen += [int(ident) for ident in ROW.findall(page.text)]
        found = MORE.search(page.text)
        url = found.group(1) if found else None
    return seen, pages


def test_every_open_conversation_is_reachable_and_the_last_page_ends_at_the_count(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    ids = seed_many(engine, admin, 120)
    seen, pages = walk(client, "/inbox?view=open")
    assert len(seen) == len(set(seen)) == 120, "no row twice, none missing"
    assert set(seen) == set(ids)
    assert [len(ROW.findall(page)) for page in pages] == [50, 50, 20]
    counts = client.get("/inbox/counts", params={"view": "open"}).text
    assert re.search(r'data-view="open">\s*All open <span class="count">120</span>', counts)
    assert "Load more" not in pages[-1], "the last page says nothing more is coming"
    assert 'href="/inbox?view=open">Back to the newest' in pages[1]
    assert "Back to the newest" not in pages[0]


def test_load_more_with_htmx_appends_the_next_rows_only(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    seed_many(engine, admin, 60)
    first = client.get("/inbox").text
    found = MORE.search(first)
    assert found is not None
    more = client.get(found.group(2).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert more.status_code == 200
    assert "<html" not in more.text and "<nav" not in more.text, "rows alone, to append"
    appended = [int(ident) for ident in ROW.findall(more.text)]
    assert len(appended) == 10
    assert not set(appended) & {int(ident) for ident in ROW.findall(first)}
    assert 'name="ids" value="' in more.text, "appended rows can be selected for bulk actions"
    assert "Load more" not in more.text


def test_a_filtered_view_keeps_its_filter_on_every_page(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    ids = seed_many(engine, admin, 70)
    with session_scope(engine) as session:
        for ident in ids[:55]:
            row = session.get(Conversation, ident)
            assert row is not None
            row.priority = "high"
            session.add(row)
    seen, pages = walk(client, "/inbox?view=open&priority=high")
    assert set(seen) == set(ids[:55])
    assert "priority=high" in MORE.search(pages[0]).group(1)  # type: ignore[union-attr]


def test_a_cursor_that_is_not_ours_is_refused_in_words(client: TestClient, csrf: str) -> None:
    page = client.get("/inbox", params={"cursor": "not-a-cursor"})
    assert page.status_code == 422
    assert "invalid cursor" in page.text
    rows = client.get("/inbox/rows", params={"cursor": "%%%"})
    assert rows.status_code == 422
    assert "invalid cursor" in rows.text


def test_rows_show_a_plain_one_line_preview_number_initials_and_due_badge(
    client: TestClient, csrf: str, engine: Engine, inbox: Inbox, admin: Member
) -> None:
    with session_scope(engine) as session:
        user = session.get(User, admin.user_id)
        assert user is not None
        user.name = "Anna Kowalska"
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None
        conversation.assignee_id = admin.user_id
        conversation.sla_due_at = START + timedelta(days=2)
        later = Message(
            workspace_id=admin.workspace_id,
            conversation_id=inbox.conversation_id,
            mailbox_id=conversation.mailbox_id,
            gmail_id="g2",
            from_address="olga@client.test",
            date=START + timedelta(minutes=10),
            visible_text="Still wrong.\n\nThe   total   says 40 EUR\nbut I paid 30. " + "x" * 300,
            html_body="<p>Still <b>wrong</b></p>",
        )
        cancelled = Message(
            workspace_id=admin.workspace_id,
            conversation_id=inbox.conversation_id,
            mailbox_id=conversation.mailbox_id,
            direction="outbound",
            state=MessageState.CANCELLED,
            date=START + timedelta(minutes=20),
            visible_text="A reply the agent took back",
        )
        session.add_all([user, conversation, later, cancelled])
    page = client.get("/inbox").text
    row = page[page.index(f'data-id="{inbox.conversation_id}"') :]
    row = row[: row.index("</li>")]
    excerpt = re.search(r'<span class="excerpt">([^<]*)</span>', row)
    assert excerpt is not None, "the last message's preview, as plain text"
    assert excerpt.group(1).startswith("Still wrong. The total says 40 EUR but I paid 30.")
    assert excerpt.group(1).endswith("…") and len(excerpt.group(1)) <= 140
    assert "took back" not in row, "a cancelled reply is not the last message"
    assert "<b>" not in row and "tracker.example" not in row
    assert f"#{inbox.conversation_id}" in row
    assert '<span aria-hidden="true">AK</span>' in row
    assert "Assigned to Anna Kowalska" in row
    assert 'class="badge due"' in row and "Due in 2 days" in row
    due = START + timedelta(days=2)
    assert f'title="Reply due {due:%b} {due.day}, {due:%Y}, {due:%H:%M}"' in row, "reader's zone"


def test_a_conversation_without_messages_has_no_preview(
    client: TestClient, csrf: str, engine: Engine, admin: Member
) -> None:
    with session_scope(engine) as session:
        mailbox = Mailbox(workspace_id=admin.workspace_id, email="quiet@a.test")
        contact = Contact(workspace_id=admin.workspace_id, email="q@client.test")
        session.add_all([mailbox, contact])
        session.flush()
        session.add(
            Conversation(
                workspace_id=admin.workspace_id,
                mailbox_id=id_of(mailbox),
                contact_id=id_of(contact),
                gmail_thread_id="quiet",
                subject="Silent one",
                last_message_at=START,
            )
        )
    page = client.get("/inbox").text
    assert "Silent one" in page
    assert 'class="excerpt"' not in page
    assert "Unassigned" in page
