"""GET /api/v1/reports/summary: the week's metrics as JSON, its tables as a CSV a spreadsheet
opens, and bad periods refused by name."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import Member, Team
from tests.inbox.report_history import History, build_history

WEEK = {"from": "2026-11-23", "to": "2026-11-29"}
URL = "/api/v1/reports/summary"


@pytest.fixture
def history(engine: Engine, team: Team, admin: Member) -> History:
    return build_history(engine, team, admin)


def test_the_summary_is_json_with_seconds_counts_and_ratios(
    client: TestClient, admin: Member, history: History
) -> None:
    response = client.get(URL, params=WEEK, headers=admin.headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["timezone"], body["hours"]) == (
        "2026-11-23",
        "2026-11-29",
        "Europe/Moscow",
        "business",
    )
    assert [body[name] for name in ("created", "closed", "reopened", "backlog")] == [6, 3, 1, 3]
    assert body["first_response"] == {
        "count": 5,
        "median_seconds": 3600,
        "p90_seconds": 7200,
        "within_sla": 0.8333,
    }
    assert body["resolution"] == {"count": 3, "median_seconds": 10800, "p90_seconds": 10800}
    assert (body["replies_to_resolution"], body["repeat_requests"]) == (1.67, 2)
    assert body["promises"] == {"made": 2, "kept": 1, "broken": 1, "kept_ratio": 0.5}
    assert body["csat"] is None
    assert body["by_day"][1] == {"date": "2026-11-24", "created": 2, "closed": 1}
    ann = next(row for row in body["by_agent"] if row["email"] == "ann@acme.test")
    assert ann == {
        "user_id": history.ann.user_id,
        "name": "Анна Петрова",
        "email": "ann@acme.test",
        "closed": 2,
        "replies_sent": 3,
        "first_response_median_seconds": 7200,
        "promises_kept_ratio": 1.0,
        "csat": None,
    }


def test_filters_and_calendar_hours_come_from_the_query(
    client: TestClient, admin: Member, history: History
) -> None:
    bobs = client.get(
        URL, params={**WEEK, "assignee_id": history.bob.user_id}, headers=admin.headers
    ).json()
    calendar = client.get(URL, params={**WEEK, "hours": "calendar"}, headers=admin.headers).json()
    billing = client.get(URL, params={**WEEK, "tag": "billing"}, headers=admin.headers).json()

    assert (bobs["created"], bobs["closed"], bobs["backlog"]) == (2, 1, 1)
    assert calendar["resolution"]["median_seconds"] == 81_000
    assert (billing["created"], billing["closed"]) == (1, 1)


@pytest.mark.parametrize("ask", [{"format": "csv"}, {}])
def test_the_tables_as_csv_open_in_a_spreadsheet_with_cyrillic_names_intact(
    client: TestClient, admin: Member, history: History, ask: dict[str, str]
) -> None:
    headers = {**admin.headers, **({} if ask else {"Accept": "text/csv"})}
    response = client.get(URL, params={**WEEK, **ask}, headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    days, agents = response.content.decode("utf-8-sig").split("\r\n\r\n")
    day_rows = list(csv.reader(io.StringIO(days)))
    agent_rows = list(csv.reader(io.StringIO(agents)))
    assert day_rows[0] == ["date", "created", "closed"]
    assert day_rows[1:3] == [["2026-11-23", "2", "0"], ["2026-11-24", "2", "1"]]
    assert len(day_rows) == 8
    assert agent_rows[0][:3] == ["agent", "email", "closed"]
    assert ["Анна Петрова", "ann@acme.test", "2", "3", "7200", "1.0", ""] in agent_rows


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"from": "2026-11-23", "to": "29.11.2026"}, "to"),
        ({"to": "2026-11-29"}, "from"),
        ({"from": "2026-11-29", "to": "2026-11-23"}, "to"),
        ({**WEEK, "hours": "office"}, "hours"),
    ],
)
def test_a_bad_date_or_an_empty_period_is_a_422_naming_the_field(
    client: TestClient, admin: Member, params: dict[str, str], named: str
) -> None:
    response = client.get(URL, params=params, headers=admin.headers)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"{named}:")


def test_a_period_with_no_data_gives_zeros(
    client: TestClient, team: Team, history: History
) -> None:
    """Another workspace sees none of Acme's week."""
    other = team.admin_of_new_workspace("Other", "admin@other.test")

    body = client.get(URL, params=WEEK, headers=other.headers).json()

    assert [body[name] for name in ("created", "closed", "reopened", "backlog")] == [0, 0, 0, 0]
    assert body["first_response"] == {
        "count": 0,
        "median_seconds": 0,
        "p90_seconds": 0,
        "within_sla": 0.0,
    }
    assert [row["created"] for row in body["by_day"]] == [0] * 7
    assert [row["email"] for row in body["by_agent"]] == ["admin@other.test"]


def test_the_summary_needs_a_signed_in_user(client: TestClient) -> None:
    assert client.get(URL, params=WEEK).status_code == 401
