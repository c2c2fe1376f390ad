"""Every settings page and form is for admins only, and every form needs the CSRF token."""

import pytest
from fastapi.testclient import TestClient

from app.core.models import Role
from tests.app.web.conftest import sign_in
from tests.conftest import Member, Team

PAGES = (
    "/settings",
    "/settings/team",
    "/settings/sla",
    "/settings/templates",
    "/settings/webhooks",
    "/settings/tokens",
    "/settings/workspace",
    "/settings/mail",
    "/settings/queues",
)
FORMS = (
    "/settings/team",
    "/settings/team/1",
    "/settings/team/auto-assign",
    "/settings/sla",
    "/settings/mailboxes/1",
    "/settings/templates",
    "/settings/templates/preview",
    "/settings/templates/1",
    "/settings/templates/1/delete",
    "/settings/webhooks",
    "/settings/webhooks/1/test",
    "/settings/webhooks/1/delete",
    "/settings/tokens",
    "/settings/tokens/1/revoke",
    "/settings/workspace",
    "/settings/mail",
    "/settings/mail/test",
    "/settings/mail/remove",
    "/settings/mailboxes/1/disconnect",
)


@pytest.mark.parametrize("path", PAGES)
def test_agents_get_a_403_page(path: str, client: TestClient, team: Team, admin: Member) -> None:
    sign_in(client, team.member(admin.workspace_id, "agent@acme.test", Role.AGENT))
    answer = client.get(path)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "Admins only" in answer.text and "Back to the inbox" in answer.text


@pytest.mark.parametrize("path", FORMS)
def test_agents_cannot_post_settings(
    path: str, client: TestClient, team: Team, admin: Member
) -> None:
    csrf = sign_in(client, team.member(admin.workspace_id, "agent@acme.test", Role.AGENT))
    answer = client.post(path, data={"csrf_token": csrf, "name": "x"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "Admins only" in answer.text


@pytest.mark.parametrize("path", FORMS)
def test_forms_without_csrf_are_refused(path: str, client: TestClient, csrf: str) -> None:
    answer = client.post(path, data={"name": "x"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_settings_nav(path: str, client: TestClient, csrf: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert 'aria-label="Settings"' in page.text
    assert page.text.count('aria-current="page"') == 1


def test_anonymous_visitors_sign_in_first(client: TestClient) -> None:
    answer = client.get("/settings/team", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/settings/team"


JUNK = {
    "email": "@@",
    "name": "\x00" * 3,
    "role": "root",
    "password": "p",
    "is_active": "maybe",
    "is_available": "",
    "timezone": "../../etc/passwd",
    "first_response_minutes": "9" * 30,
    "next_response_minutes": "-1",
    "max_response_minutes": "1e9",
    "mon": "25:00-26:00",
    "tue": "-",
    "wed": "09:00-12:00-15:00",
    "holidays": "0000-00-00",
    "display_name": "x" * 500,
    "auto_ack_text": "{% for x in y %}{% endfor %}",
    "auto_ack_window_minutes": "9" * 30,
    "body_text": "{{ contact.__class__ }}",
    "body_html": "{{",
    "url": "http://[::1",
    "events": "ping",
}


@pytest.mark.parametrize("path", FORMS)
def test_junk_input_never_gives_a_server_error(
    path: str, client: TestClient, csrf: str, admin: Member
) -> None:
    answer = client.post(path, data={"csrf_token": csrf, **JUNK}, follow_redirects=False)
    assert answer.status_code < 500, answer.text[:300]
