"""The inbox page: views and counts, search, filters and bulk actions."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.models import Conversation, Mailbox, id_of
from tests.app.web.conftest import START, Inbox, seed
from tests.conftest import Member, Team


def test_inbox_lists_open_conversations_with_counts(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "Invoice is wrong" in page.text
    assert "Old login question" not in page.text, "the default view is all open"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    counts = client.get("/inbox/counts")
    assert 'data-view="closed"' in counts.text
    closed = client.get("/inbox", params={"view": "closed"})
    assert "Old login question" in closed.text


def test_search_and_bad_filters(client: TestClient, csrf: str, inbox: Inbox) -> None:
    found = client.get("/inbox", params={"view": "all", "q": "login"})
    assert "Old login question" in found.text
    assert "Invoice is wrong" not in found.text
    bad = client.get("/inbox", params={"view": "nope"})
    assert bad.status_code == 422
    assert "Unknown view" in bad.text
    nothing = client.get("/inbox", params={"q": "!!!"})
    assert nothing.status_code == 422
    assert "nothing to search for" in nothing.text


def test_bulk_close_needs_csrf_and_closes(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    data = {"ids": [str(inbox.conversation_id)], "action": "close"}
    assert client.post("/inbox/bulk", data=data).status_code == 403
    done = client.post("/inbox/bulk", data={**data, "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None and conversation.status == "closed"


def test_bulk_on_another_workspace_changes_nothing(
    client: TestClient, csrf: str, team: Team, engine: Engine
) -> None:
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    theirs = seed(engine, other)
    answer = client.post(
        "/inbox/bulk",
        data={"ids": [str(theirs.conversation_id)], "action": "close", "csrf_token": csrf},
    )
    assert answer.status_code == 404
    assert "not found" in answer.text
    with Session(engine) as session:
        conversation = session.get(Conversation, theirs.conversation_id)
        assert conversation is not None and conversation.status == "open"


def test_a_form_field_no_page_sends_is_a_page_naming_it(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine
) -> None:
    """A changed hidden field (here where to go back to) is refused before anything changes."""
    data = {"ids": [str(inbox.conversation_id)], "action": "close", "csrf_token": csrf}
    answer = client.post(
        "/inbox/bulk",
        data={**data, "back": "/inbox\r\nSet-Cookie: x=1"},
        headers={"Accept": "text/html"},
    )
    assert answer.status_code == 422
    assert "field “back”: must be one line" in answer.text
    with Session(engine) as session:
        conversation = session.get(Conversation, inbox.conversation_id)
        assert conversation is not None and conversation.status == "open"


def test_bulk_without_selection_says_so(client: TestClient, csrf: str, admin: Member) -> None:
    answer = client.post("/inbox/bulk", data={"action": "close", "csrf_token": csrf})
    assert answer.status_code == 422
    assert "Select conversations first" in answer.text


def test_priority_mailbox_and_activity_days_narrow_the_list(
    client: TestClient, csrf: str, inbox: Inbox, engine: Engine, admin: Member
) -> None:
    with session_scope(engine) as session:
        sales = Mailbox(workspace_id=admin.workspace_id, email="sales@a.test")
        session.add(sales)
        session.flush()
        session.add(
            Conversation(
                workspace_id=admin.workspace_id,
                mailbox_id=id_of(sales),
                gmail_thread_id="sales-1",
                subject="Bulk order quote",
                priority="urgent",
                last_message_at=START + timedelta(days=3),
            )
        )
        sales_id = id_of(sales)
    everything = {"view": "all"}
    page = client.get("/inbox", params=everything).text
    assert "Every mailbox" in page and "sales@a.test" in page, "two mailboxes: a mailbox filter"
    urgent = client.get("/inbox", params={**everything, "priority": "urgent"}).text
    assert "Bulk order quote" in urgent and "Invoice is wrong" not in urgent
    by_mailbox = client.get("/inbox", params={**everything, "mailbox": str(sales_id)}).text
    assert "Bulk order quote" in by_mailbox and "Invoice is wrong" not in by_mailbox
    day = (START - timedelta(days=1)).date().isoformat()
    that_day = client.get("/inbox", params={**everything, "since": day, "until": day}).text
    assert "Old login question" in that_day
    assert "Invoice is wrong" not in that_day and "Bulk order quote" not in that_day
    assert f'name="since" value="{day}"' in that_day
    for bad, says in (({"priority": "whenever"}, "Unknown view, status or priority"),
                      ({"mailbox": "x"}, "Unknown mailbox"),
                      ({"since": "yesterday"}, "since: pick a day")):  # fmt: skip
        refused = client.get("/inbox", params={**everything, **bad})
        assert refused.status_code == 422 and says in refused.text
