"""Settings > SLA & hours: the policy form saves through the API's rules; each refusal shows
beside its field with everything typed kept."""

from fastapi.testclient import TestClient

from tests.conftest import Member

GOOD = {
    "timezone": "Europe/Berlin",
    "first_response_minutes": "60",
    "next_response_minutes": "240",
    "urgent_response_minutes": "30",
    "max_response_minutes": "1440",
    "mon": "9:00-13:00, 14:00-18:00",
    "tue": "09:00-18:00",
    "wed": "09:00-18:00",
    "thu": "09:00-18:00",
    "fri": "09:00-16:00",
    "sat": "",
    "sun": "",
    "holidays": "2026-12-24\n2026-12-25",
}


def test_defaults_show_until_a_policy_is_saved(client: TestClient, csrf: str) -> None:
    page = client.get("/settings/sla").text
    assert "Nothing saved yet" in page
    assert 'name="mon" id="hours-mon" value="09:00-17:00"' in page


def test_saving_a_policy_reaches_the_api(client: TestClient, csrf: str, admin: Member) -> None:
    answer = client.post("/settings/sla", data={"csrf_token": csrf, **GOOD}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/settings/sla"
    page = client.get("/settings/sla").text
    assert "SLA policy and business hours saved." in page
    assert 'value="09:00-13:00, 14:00-18:00"' in page
    assert "SLA policy and business hours saved." not in client.get("/settings/sla").text
    policy = client.get("/api/v1/sla-policy", headers=admin.headers).json()
    assert policy["timezone"] == "Europe/Berlin"
    assert policy["business_hours"]["mon"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert policy["business_hours"]["sat"] == []
    assert policy["holidays"] == ["2026-12-24", "2026-12-25"]
    assert policy["first_response_minutes"] == 60
    assert policy["urgent_response_minutes"] == 30


def test_each_error_shows_beside_its_field_and_keeps_the_input(
    client: TestClient, csrf: str, admin: Member
) -> None:
    typed = {
        **GOOD,
        "timezone": "Mars/Olympus",
        "first_response_minutes": "soon",
        "tue": "18:00-09:00",
        "wed": "nine to five",
        "holidays": "2026-13-01",
    }
    answer = client.post("/settings/sla", data={"csrf_token": csrf, **typed})
    assert answer.status_code == 422
    page = answer.text
    for field in ("timezone", "first_response_minutes", "tue", "wed", "holidays"):
        assert f'id="{field}-error"' in page, field
    assert "unknown time zone" in page and "must start before it ends" in page
    assert "is not a span of time" in page and "is not a date" in page
    for value in ("Mars/Olympus", "soon", "18:00-09:00", "nine to five", "9:00-13:00, 14:00-18:00"):
        assert f'value="{value}"' in page, value
    assert "2026-13-01</textarea>" in page
    assert client.get("/api/v1/sla-policy", headers=admin.headers).json()["is_default"] is True


def test_targets_over_the_cap_are_refused_beside_the_target(client: TestClient, csrf: str) -> None:
    typed = {**GOOD, "first_response_minutes": "3000", "max_response_minutes": "1440"}
    answer = client.post("/settings/sla", data={"csrf_token": csrf, **typed})
    assert answer.status_code == 422
    error = answer.text.split('id="first_response_minutes-error">')[1].split("<")[0]
    assert "must not exceed max_response_minutes" in error


def test_overlapping_hours_are_refused(client: TestClient, csrf: str) -> None:
    answer = client.post(
        "/settings/sla", data={"csrf_token": csrf, **GOOD, "thu": "09:00-13:00, 12:00-18:00"}
    )
    assert answer.status_code == 422
    assert "overlaps" in answer.text.split('id="thu-error">')[1].split("<")[0]


def test_a_country_extra_working_days_and_the_clock_of_the_longest_wait_are_saved(
    client: TestClient, csrf: str, admin: Member
) -> None:
    russian = {
        **GOOD,
        "timezone": "Europe/Moscow",
        "holiday_country": "RU",
        "working_days": "2026-12-26",
        "max_response_clock": "calendar",
    }
    answer = client.post("/settings/sla", data={"csrf_token": csrf, **russian})
    assert answer.status_code == 200 and "SLA policy and business hours saved." in answer.text
    assert '<option value="RU" selected>Russia</option>' in answer.text
    assert '<option value="calendar" selected>' in answer.text
    policy = client.get("/api/v1/sla-policy", headers=admin.headers).json()
    assert (policy["holiday_country"], policy["working_days"]) == ("RU", ["2026-12-26"])
    assert policy["max_response_clock"] == "calendar"
    wrong = {**russian, "holiday_country": "XX", "working_days": "26.12.2026"}
    refused = client.post("/settings/sla", data={"csrf_token": csrf, **wrong})
    assert refused.status_code == 422
    assert "unknown country &#39;XX&#39;" in refused.text
    assert "working day &#39;26.12.2026&#39; is not a date" in refused.text
    assert ">26.12.2026</textarea>" in refused.text
