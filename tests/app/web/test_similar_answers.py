"""Answers that worked before on the conversation page: the panel the page fetches, a closing
reply put in the reply box as a draft (never sent), and "Save as template" on a sent reply."""

import html
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.web.conftest import sign_in
from tests.conftest import Member
from tests.inbox.test_similar_answers import EXCEL_ANSWER, History


def _history(engine: Engine, admin: Member) -> tuple[int, int, int]:
    history = History(engine, admin)
    answered = history.thread(
        "Export of invoices to Excel fails",
        "Hello, when I export our invoices to Excel the file is empty.",
        EXCEL_ANSWER,
    )
    history.thread("Password reset", "The password reset link has expired.", "Here is a new one.")
    asked = history.thread(
        "Can't export my invoices to Excel",
        "Exporting invoices to Excel gives me an empty spreadsheet.",
        status="open",
    )
    return answered.id, answered.reply_ids[0], asked.id


def test_the_panel_offers_the_answer_and_puts_it_in_the_reply_box(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    answered, _reply, asked = _history(engine, admin)
    csrf = sign_in(client, admin)
    page = client.get(f"/c/{asked}").text
    assert f'hx-get="/c/{asked}/similar"' in page
    assert "similar_answers.js" in page

    panel = client.get(f"/c/{asked}/similar")
    assert panel.status_code == 200
    assert "Export of invoices to Excel fails" in panel.text
    assert html.escape(EXCEL_ANSWER).splitlines()[0] in panel.text
    assert f'action="/c/{asked}/similar/{answered}/draft"' in panel.text
    assert "Password reset" not in panel.text

    used = client.post(
        f"/c/{asked}/similar/{answered}/draft", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert used.status_code == 303
    assert used.headers["location"] == f"/c/{asked}#reply"
    page = client.get(f"/c/{asked}").text
    box = page.split('id="reply-body"', 1)[1].split("</textarea>", 1)[0]
    assert html.escape(EXCEL_ANSWER, quote=False) in box
    outbound = client.get(f"/api/v1/conversations/{asked}", headers=admin.headers).json()
    assert [m for m in outbound["messages"] if m["direction"] == "outbound"] == []


def test_an_open_conversation_has_no_answer_to_use(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    _answered, _reply, asked = _history(engine, admin)
    csrf = sign_in(client, admin)
    refused = client.post(f"/c/{asked}/similar/{asked}/draft", data={"csrf_token": csrf})
    assert refused.status_code == 422


def test_saves_a_sent_reply_as_a_template_from_the_timeline(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    answered, reply, _asked = _history(engine, admin)
    csrf = sign_in(client, admin)
    page = client.get(f"/c/{answered}").text
    assert f'action="/messages/{reply}/template"' in page
    assert 'value="Export of invoices to Excel fails"' in page

    saved = client.post(
        f"/messages/{reply}/template",
        data={"csrf_token": csrf, "name": "Excel export: XLSX"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"]).text
    assert "Saved as the template “Excel export: XLSX”" in page
    templates = client.get("/api/v1/templates", headers=admin.headers).json()
    assert [(t["name"], t["body_text"]) for t in templates] == [
        ("Excel export: XLSX", EXCEL_ANSWER)
    ]

    again = client.post(
        f"/messages/{reply}/template", data={"csrf_token": csrf, "name": "excel export: xlsx"}
    )
    assert again.status_code == 409
    assert "already exists" in again.text
    assert 'value="excel export: xlsx"' in again.text
    assert len(client.get("/api/v1/templates", headers=admin.headers).json()) == 1


def test_the_reports_page_lists_the_frequent_questions(
    client: TestClient, engine: Engine, admin: Member
) -> None:
    history = History(engine, admin, start=datetime.now(UTC) - timedelta(days=3))
    first = history.thread("Export of invoices to Excel fails", "The Excel file is empty.")
    second = history.thread("Can't export invoices to Excel", "Excel export of invoices fails.")
    history.thread("Delivery address change", "Send my order to the new office, please.")
    sign_in(client, admin)
    page = client.get("/reports?period=last7").text
    section = page.split('id="frequent-questions"', 1)[1].split("</ol>", 1)[0]
    assert "Can&#39;t export invoices to Excel" in section
    assert "2 conversations" in section
    assert f'href="/c/{first.id}"' in section
    assert f'href="/c/{second.id}"' in section
    assert "Delivery" not in section
