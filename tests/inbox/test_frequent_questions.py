# ruff: noqa: RUF001 - Russian mail
"""Frequent questions: GET /api/v1/reports/frequent-questions groups the period's new
conversations by what they ask, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import Member, Team
from tests.inbox.test_similar_answers import History


def test_groups_the_questions_that_keep_coming(
    client: TestClient, engine: Engine, admin: Member, team: Team
) -> None:
    history = History(engine, admin, start=datetime.now(UTC) - timedelta(days=60))
    history.thread("Export of invoices to Excel fails", "The Excel export of invoices is empty.")
    history.start = datetime.now(UTC) - timedelta(days=5)
    excel = [
        history.thread("Export of invoices to Excel fails", "The Excel file of invoices is empty."),
        history.thread("Can't export my invoices to Excel", "Exporting invoices to Excel fails."),
        history.thread("Invoices: Excel export empty", "My invoices export to an empty Excel."),
    ]
    russian = [
        history.thread("Не приходит письмо для сброса пароля", "Письмо сброса пароля не пришло."),
        history.thread("Сброс пароля: письмо не приходит", "Жду письмо для сброса пароля час."),
    ]
    history.thread("Delivery address change", "Please send my order to the new office address.")
    other = History(engine, team.admin_of_new_workspace("Other", "boss@other.test"))
    other.start = datetime.now(UTC) - timedelta(days=2)
    other.thread("Export of invoices to Excel fails", "The Excel export of invoices is empty.")
    response = client.get("/api/v1/reports/frequent-questions?days=30", headers=admin.headers)
    assert response.status_code == 200, response.text
    groups = response.json()["groups"]
    assert [group["count"] for group in groups] == [3, 2]
    assert sorted(groups[0]["conversation_ids"]) == sorted(thread.id for thread in excel)
    assert groups[0]["subject"] == "Invoices: Excel export empty"
    assert sorted(groups[1]["conversation_ids"]) == sorted(thread.id for thread in russian)
    wider = client.get("/api/v1/reports/frequent-questions?days=90", headers=admin.headers)
    assert wider.json()["groups"][0]["count"] == 4


def test_refuses_a_period_it_cannot_read(client: TestClient, admin: Member) -> None:
    response = client.get("/api/v1/reports/frequent-questions?days=0", headers=admin.headers)
    assert response.status_code == 422
    response = client.get("/api/v1/reports/frequent-questions?days=400", headers=admin.headers)
    assert response.status_code == 422
