# ruff: noqa: RUF001 - the Russian page is the point
"""The Reports page over the hand-built week of tests/inbox/report_history.py (known answers):
the figures and charts of a period, its filters, a wrong period shown again with its error,
an empty period in zeros, the CSV of the same filters, and admins only."""

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.app.web.conftest import sign_in
from tests.conftest import Member, Team
from tests.inbox.report_history import History, build_history

WEEK = "from=2026-11-23&to=2026-11-29"


@pytest.fixture
def history(engine: Engine, team: Team, admin: Member) -> History:
    return build_history(engine, team, admin)


def figure(page: str, name: str) -> str:
    match = re.search(rf"<dt>{re.escape(name)}</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert match, f"the page shows {name}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()[0] if match.group(1) else ""


def bars(page: str, chart: str) -> list[str]:
    svg = page.split(f'id="{chart}"')[1].split("</svg>")[0]
    return re.findall(r'<rect class="bar [^"]+"[^>]*><title>([^<]+)</title>', svg)


def test_the_week_s_figures_charts_and_agents(
    client: TestClient, csrf: str, history: History
) -> None:
    page = client.get(f"/reports?{WEEK}")

    assert page.status_code == 200
    text = page.text
    assert "Nov 23\u2009–\u200929, 2026" in text and "Europe/Moscow" in text
    assert [
        figure(text, n) for n in ("New conversations", "Closed", "Reopened", "Backlog at the end")
    ] == [
        "6",
        "3",
        "1",
        "3",
    ]
    assert "1 hr</dd>" in text.replace("<small>", "</dd>"), "first response median, 1 h"
    assert "median · 90% within 2 hr" in text
    assert figure(text, "Answered within the SLA") == "83%"
    assert figure(text, "Promises kept") == "50%" and "1 kept, 1 broken of 2 made" in text
    assert figure(text, "Client rating (CSAT)") == "—"
    days = bars(text, "day-chart")
    assert len(days) == 14 and "Nov 24: 2 new" in days and "Nov 26: 2 closed" in days
    assert bars(text, "wait-chart") == [
        "under 1 hr: 1 first responses",
        "1 hr–4 hr: 4 first responses",
        "4 hr–8 hr: 0 first responses",
        "8 hr–1 day: 0 first responses",
        "1 day or more: 0 first responses",
    ]
    assert "1 client is still waiting for a first response." in text
    agents = text.split('id="agents"')[1]
    assert "Анна Петрова" in agents and "Bob Stone" in agents
    csv_link = re.search(r'href="([^"]+)" id="report-csv"', text)
    assert (
        csv_link
        and csv_link.group(1) == "/reports/csv?from=2026-11-23&amp;to=2026-11-29&amp;hours=business"
    )


def test_filters_narrow_the_report_and_stay_chosen(
    client: TestClient, csrf: str, history: History
) -> None:
    bob = history.bob.user_id
    page = client.get(f"/reports?{WEEK}&assignee_id={bob}&mailbox_id=&tag=&hours=calendar").text

    assert [figure(page, n) for n in ("New conversations", "Closed", "Backlog at the end")] == [
        "2",
        "1",
        "1",
    ]
    assert f'<option value="{bob}" selected>Bob Stone</option>' in page
    assert 'value="calendar" checked' in page and "durations in calendar hours" in page
    assert f"assignee_id={bob}" in page.split('id="report-csv"')[0].rsplit("href=", 1)[1]
    billing = client.get(f"/reports?{WEEK}&tag=billing").text
    assert figure(billing, "New conversations") == "1" and "Tag: billing" in billing


def test_a_preset_counts_back_from_today_and_keeps_the_filters(
    client: TestClient, csrf: str, history: History
) -> None:
    page = client.get(f"/reports?{WEEK}&period=last7&hours=calendar").text

    dates = re.findall(r'type="date" name="(?:from|to)" id="\w+" value="([\d-]+)"', page)
    assert len(dates) == 2 and dates[0] != "2026-11-23"
    assert bars(page, "day-chart").__len__() == 14
    assert 'value="last7" class="secondary" aria-pressed="true"' in page
    assert 'value="calendar" checked' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-11-31&to=2026-12-01", "from", "Enter a date as YYYY-MM-DD"),
        ("from=2026-11-29&to=yesterday", "to", "Enter a date as YYYY-MM-DD"),
        ("from=2026-11-29&to=2026-11-23", "to", "The end date is before the start date."),
        ("from=2024-01-01&to=2026-01-01", "to", "A report covers at most 366 days."),
        (f"{WEEK}&mailbox_id=first", "mailbox_id", "Choose a mailbox from the list."),
        (f"{WEEK}&hours=office", "hours", "Choose business hours or calendar hours."),
    ],
)
def test_a_wrong_query_shows_the_form_again_with_its_error(
    client: TestClient, csrf: str, query: str, field: str, message: str
) -> None:
    page = client.get(f"/reports?{query}", headers={"Accept": "text/html"})

    assert page.status_code == 422
    assert 'id="report-form"' in page.text and 'role="alert"' in page.text
    assert f'<span class="field-error" id="{field}-error">{message}' in page.text
    assert 'id="figures"' not in page.text and 'id="report-csv"' not in page.text
    assert client.get(f"/reports/csv?{query}").status_code == 422


def test_an_empty_period_shows_zeros(client: TestClient, csrf: str, history: History) -> None:
    page = client.get("/reports?from=2025-01-01&to=2025-01-31").text

    assert [
        figure(page, n) for n in ("New conversations", "Closed", "Reopened", "Backlog at the end")
    ] == [
        "0",
        "0",
        "0",
        "0",
    ]
    assert figure(page, "First response") == "—" and figure(page, "Promises kept") == "—"
    assert len(bars(page, "day-chart")) == 62
    assert [title.split(":")[1] for title in bars(page, "wait-chart")] == [" 0 first responses"] * 5


def test_the_csv_is_the_api_s_file_for_the_page_s_filters(
    client: TestClient, csrf: str, admin: Member, history: History
) -> None:
    query = f"{WEEK}&hours=business&tag=billing"
    download = client.get(f"/reports/csv?{query}")
    api = client.get(f"/api/v1/reports/summary?{query}&format=csv", headers=admin.headers)

    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        'filename="tandem-report-2026-11-23-2026-11-29.csv"'
        in download.headers["content-disposition"]
    )
    assert download.content == api.content
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "created", "closed"] and "Анна Петрова" in {r[0] for r in rows if r}


def test_the_page_speaks_russian_to_a_russian_reader(
    client: TestClient, csrf: str, history: History
) -> None:
    page = client.get(f"/reports?{WEEK}", headers={"Accept-Language": "ru"}).text

    assert "<h1>Отчёты</h1>" in page and "23—29 нояб. 2026" in page
    assert "1 ч</dd>" in page.replace("<small>", "</dd>") and "Скачать CSV" in page
    assert "до 1 ч: первых ответов — 1" in page and "Обещания выполнены" in page
    wrong = client.get("/reports?from=2026-11-29&to=2026-11-23", headers={"Accept-Language": "ru"})
    assert "Дата окончания раньше даты начала." in wrong.text


def test_reports_are_for_admins_and_linked_from_their_top_bar(
    client: TestClient, team: Team, admin: Member, history: History
) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    sign_in(client, agent)
    assert 'href="/reports"' not in client.get("/inbox").text
    refused = client.get(f"/reports?{WEEK}", headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "Reports are for admins" in refused.text
    assert client.get(f"/reports/csv?{WEEK}").status_code == 403

    sign_in(client, admin)
    assert 'href="/reports"' in client.get("/inbox").text
