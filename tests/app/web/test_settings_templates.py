"""Settings > Templates: create, edit, preview and delete canned replies with the API's checks;
a saved template is offered in the composer."""

import re

from fastapi.testclient import TestClient

from tests.app.web.conftest import Inbox
from tests.conftest import Member, Team

TEXT = "Hello {{ contact.first_name }}, this is #{{ conversation.number }}."


def _id_of(page: str, name: str) -> int:
    match = re.search(rf'href="/settings/templates/(\d+)">{name}<', page)
    assert match, f"template {name} is listed"
    return int(match.group(1))


def test_created_template_is_listed_and_offered_in_the_composer(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    page = client.get("/settings/templates").text
    assert "contact.first_name" in page, "the variables are listed"
    answer = client.post(
        "/settings/templates",
        data={"csrf_token": csrf, "name": "Greeting", "body_text": TEXT},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    listed = client.get("/settings/templates").text
    assert "Template “Greeting” created." in listed
    template_id = _id_of(listed, "Greeting")
    composer = client.get(f"/c/{inbox.conversation_id}").text
    assert f'<option value="{template_id}">Greeting</option>' in composer


def test_editing_and_deleting(client: TestClient, csrf: str, admin: Member) -> None:
    client.post(
        "/settings/templates",
        data={"csrf_token": csrf, "name": "Thanks", "body_text": "Thank you."},
    )
    template_id = _id_of(client.get("/settings/templates").text, "Thanks")
    form = client.get(f"/settings/templates/{template_id}").text
    assert 'value="Thanks"' in form and "Thank you.</textarea>" in form
    saved = client.post(
        f"/settings/templates/{template_id}",
        data={"csrf_token": csrf, "name": "Thanks a lot", "body_text": TEXT},
    )
    assert saved.status_code == 200 and "Template “Thanks a lot” saved." in saved.text
    stored = client.get(f"/api/v1/templates/{template_id}", headers=admin.headers).json()
    assert (stored["name"], stored["body_text"]) == ("Thanks a lot", TEXT)
    deleted = client.post(f"/settings/templates/{template_id}/delete", data={"csrf_token": csrf})
    assert "Template “Thanks a lot” deleted." in deleted.text
    assert client.get(f"/api/v1/templates/{template_id}", headers=admin.headers).status_code == 404


def test_unknown_variable_is_refused_beside_the_text_with_input_kept(
    client: TestClient, csrf: str, admin: Member
) -> None:
    answer = client.post(
        "/settings/templates",
        data={"csrf_token": csrf, "name": "Broken", "body_text": "Hi {{ contact.nick }}"},
    )
    assert answer.status_code == 422
    error = answer.text.split('id="body_text-error">')[1].split("</span>")[0]
    assert "unknown variable" in error and "contact.nick" in error
    assert 'value="Broken"' in answer.text and "Hi {{ contact.nick }}</textarea>" in answer.text
    assert client.get("/api/v1/templates", headers=admin.headers).json() == []


def test_blank_name_and_duplicate_name_are_explained(client: TestClient, csrf: str) -> None:
    blank = client.post(
        "/settings/templates", data={"csrf_token": csrf, "name": " ", "body_text": "Hi"}
    )
    assert blank.status_code == 422 and 'id="name-error"' in blank.text
    client.post("/settings/templates", data={"csrf_token": csrf, "name": "Hi", "body_text": "Hi"})
    twice = client.post(
        "/settings/templates", data={"csrf_token": csrf, "name": "hi", "body_text": "Hello"}
    )
    assert twice.status_code == 409
    assert "already exists" in twice.text.split('id="name-error">')[1].split("</span>")[0]
    assert "Hello</textarea>" in twice.text


def test_text_that_looks_internal_is_held_until_saved_anyway(
    client: TestClient, csrf: str, team: Team, admin: Member
) -> None:
    team.member(admin.workspace_id, "ben@acme.test")
    form = {"csrf_token": csrf, "name": "Ask Ben", "body_text": "@ben please check"}
    held = client.post("/settings/templates", data=form)
    assert held.status_code == 409 and 'id="save-anyway"' in held.text
    saved = client.post(
        "/settings/templates", data={**form, "confirm": "true"}, follow_redirects=False
    )
    assert saved.status_code == 303


def test_preview_renders_what_is_typed_for_the_newest_conversation(
    client: TestClient, csrf: str, inbox: Inbox
) -> None:
    form = {"csrf_token": csrf, "name": "Draft", "body_text": TEXT}
    page = client.post("/settings/templates/preview", data=form)
    assert page.status_code == 200
    preview = page.text.split('id="preview-text">')[1].split("</pre>")[0]
    assert preview == f"Hello Olga, this is #{inbox.other_id}."
    assert 'value="Draft"' in page.text, "the form keeps what was typed"
    fragment = client.post("/settings/templates/preview", data=form, headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="template-preview"')
    broken = client.post(
        "/settings/templates/preview", data={**form, "body_text": "{{ agent.nick }}"}
    )
    assert broken.status_code == 422 and "unknown variable" in broken.text


def test_preview_without_any_conversation_says_so(client: TestClient, csrf: str) -> None:
    page = client.post(
        "/settings/templates/preview", data={"csrf_token": csrf, "name": "x", "body_text": TEXT}
    )
    assert "A preview needs a conversation" in page.text


def test_preview_without_a_conversation_still_checks_the_variables(
    client: TestClient, csrf: str
) -> None:
    page = client.post(
        "/settings/templates/preview",
        data={"csrf_token": csrf, "name": "x", "body_text": "{{ contact.nick }}"},
    )
    assert page.status_code == 422 and "unknown variable" in page.text
