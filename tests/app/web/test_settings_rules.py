"""Settings > Rules: create a rule with the form, see it in order, move, switch off, edit and
delete it, refusals beside their fields with the input kept, and a dry run of the form."""

import re

from fastapi.testclient import TestClient

from tests.app.web.conftest import Inbox, sign_in
from tests.conftest import Member, Team


def _rule(client: TestClient, csrf: str, name: str, **fields: str) -> None:
    form = {
        "csrf_token": csrf,
        "name": name,
        "words": "invoice",
        "tags": "billing",
        "enabled": "true",
    }
    saved = client.post("/settings/rules", data={**form, **fields}, follow_redirects=False)
    assert saved.status_code == 303, saved.text


def _names(client: TestClient) -> list[str]:
    page = client.get("/settings/rules").text
    return re.findall(r'<a href="/settings/rules/\d+">([^<]+)</a>', page)


def test_rules_are_made_ordered_switched_and_deleted_with_the_form(
    client: TestClient, csrf: str, admin: Member
) -> None:
    _rule(client, csrf, "Billing", senders="@client.com, anna@other.com", priority="high")
    _rule(
        client,
        csrf,
        "Newsletters",
        words="",
        automated="yes",
        close="true",
        file_as_automated="true",
    )
    assert _names(client) == ["Billing", "Newsletters"]
    billing, news = client.get("/api/v1/rules", headers=admin.headers).json()
    assert billing["conditions"]["senders"] == ["@client.com", "anna@other.com"]
    assert (billing["actions"]["priority"], billing["actions"]["tags"]) == ("high", ["billing"])
    assert news["conditions"]["automated"] is True and news["actions"]["close"] is True

    client.post(f"/settings/rules/{news['id']}/move", data={"csrf_token": csrf, "direction": "up"})
    assert _names(client) == ["Newsletters", "Billing"]
    toggled = client.post(f"/settings/rules/{billing['id']}/toggle", data={"csrf_token": csrf})
    assert "Rule “Billing” is off." in toggled.text
    assert (
        client.get(f"/api/v1/rules/{billing['id']}", headers=admin.headers).json()["enabled"]
        is False
    )

    page = client.get(f"/settings/rules/{billing['id']}").text
    assert 'value="@client.com, anna@other.com"' in page
    form = {
        "csrf_token": csrf,
        "name": "Billing",
        "words": "счёт",
        "assign": "turn",
        "enabled": "true",
    }
    client.post(f"/settings/rules/{billing['id']}", data=form)
    changed = client.get(f"/api/v1/rules/{billing['id']}", headers=admin.headers).json()
    assert changed["conditions"] == {**changed["conditions"], "words": ["счёт"], "senders": []}
    assert changed["actions"]["assign_in_turn"] is True and changed["enabled"] is True

    client.post(f"/settings/rules/{news['id']}/delete", data={"csrf_token": csrf})
    assert _names(client) == ["Billing"]


def test_refusals_are_shown_beside_their_fields_and_the_input_is_kept(
    client: TestClient, csrf: str, admin: Member, team: Team
) -> None:
    bad_sender = client.post(
        "/settings/rules",
        data={"csrf_token": csrf, "name": "Bad", "senders": "client.com", "close": "true"},
    )
    assert bad_sender.status_code == 422
    assert "neither an address" in bad_sender.text.split('id="senders-error">')[1].split("<")[0]
    assert 'value="client.com"' in bad_sender.text
    long_tag = client.post(
        "/settings/rules",
        data={"csrf_token": csrf, "name": "Bad", "words": "x", "tags": "t" * 51},
    )
    assert "at most 50 characters" in long_tag.text.split('id="tags-error">')[1].split("<")[0]
    empty = client.post(
        "/settings/rules", data={"csrf_token": csrf, "name": "Empty", "close": "true"}
    )
    assert empty.status_code == 422
    assert "a rule needs at least one condition" in empty.text.split('id="form-error">')[1]
    assert client.get("/api/v1/rules", headers=admin.headers).json() == []
    agent = team.member(admin.workspace_id, "agent@acme.test")
    other = TestClient(client.app)
    sign_in(other, agent)
    assert other.get("/settings/rules").status_code == 403


def test_a_dry_run_shows_the_matches_of_the_form_without_saving(
    client: TestClient, csrf: str, admin: Member, inbox: Inbox
) -> None:
    tried = client.post(
        "/settings/rules/dry-run",
        data={"csrf_token": csrf, "name": "Try", "words": "invoices", "tags": "billing"},
    )
    assert tried.status_code == 200
    rows = tried.text.split('id="dry-run-matches"')[1]
    assert f'href="/c/{inbox.conversation_id}">Invoice is wrong</a>' in rows
    assert "add tags billing" in rows and "Old login question" not in rows
    assert 'value="invoices"' in tried.text, "the form stays as typed"
    assert client.get("/api/v1/rules", headers=admin.headers).json() == []
