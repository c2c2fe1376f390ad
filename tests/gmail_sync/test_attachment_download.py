"""Downloading attachments (`GET /api/v1/attachments/{id}` and the web's `/attachments/{id}`):
files agents attached come from Tandem, everything else from Gmail through the real client and
the emulator, always as a download."""

from collections.abc import Iterator
from email.message import EmailMessage

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import Attachment, Conversation, Mailbox
from app.core.settings import Settings
from app.main import create_app
from tests.app.web.test_sign_in import sign_in
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
PDF = b"%PDF-1.4 invoice \x00\xff\xfe binary"
PAGE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def app_client(sync_settings: Settings) -> Iterator[TestClient]:
    """Tandem with an undo window, so replies stay in Tandem (their files stored) in a test."""
    with TestClient(create_app(sync_settings)) as client:
        yield client


def _mail_with_files() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna Petrova <anna@client.test>"
    message["To"] = SUPPORT
    message["Subject"] = "Files"
    message.set_content("Two files attached.")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="счёт 1042.pdf")
    message.add_attachment(PAGE, maintype="text", subtype="html", filename='evil".html')
    return message.as_bytes()


@pytest.fixture
def synced(
    admin: Member,
    app_client: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
) -> dict[str, int]:
    """A client's message with a PDF and an HTML file, synced (bytes left in Gmail)."""
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    deliver(control, SUPPORT, _mail_with_files())
    mailbox_id = connect_via_api(app_client, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        rows = {a.filename: id for a in session.exec(select(Attachment)) if (id := a.id)}
        conversation = session.exec(select(Conversation.id)).one()
    return {"pdf": rows["счёт 1042.pdf"], "html": rows['evil".html'], "c": conversation or 0}


def _download(client: TestClient, id: int, admin: Member) -> httpx.Response:
    return client.get(f"/api/v1/attachments/{id}", headers=admin.headers)


def _assert_download_headers(answer: httpx.Response) -> None:
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == "sandbox"


def test_a_file_left_in_gmail_is_fetched_from_it(
    synced: dict[str, int],
    app_client: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
) -> None:
    answer = _download(app_client, synced["pdf"], admin)

    assert answer.status_code == 200, answer.text
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == (
        'attachment; filename="____ 1042.pdf"; '
        "filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82%201042.pdf"
    )
    _assert_download_headers(answer)
    assert control.get("/_emulator/quota").json()["by_method"]["messages.attachments.get"] == 5
    with Session(engine) as session:
        assert session.exec(select(Mailbox)).one().quota_units_today > 0


def test_an_html_file_is_only_ever_a_download(
    synced: dict[str, int], app_client: TestClient, admin: Member
) -> None:
    answer = _download(app_client, synced["html"], admin)

    assert answer.status_code == 200, answer.text
    assert answer.content == PAGE
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"evil_.html\"; filename*=UTF-8''evil%22.html"
    )
    _assert_download_headers(answer)


def test_a_malformed_declared_type_is_not_echoed(
    synced: dict[str, int], app_client: TestClient, admin: Member, engine: Engine
) -> None:
    with Session(engine) as session:
        row = session.get(Attachment, synced["pdf"])
        assert row is not None
        row.content_type = "text/html\r\nSet-Cookie: session=stolen"
        session.add(row)
        session.commit()

    answer = _download(app_client, synced["pdf"], admin)

    assert answer.headers["content-type"] == "application/octet-stream"
    assert "set-cookie" not in answer.headers


def test_a_file_an_agent_attached_is_served_from_tandem_without_gmail(
    synced: dict[str, int], app_client: TestClient, admin: Member, control: httpx.Client
) -> None:
    queued = app_client.post(
        f"/api/v1/conversations/{synced['c']}/reply",
        data={"body_text": "Here is the plan."},
        files=[("attachments", ("plan.txt", b"step 1", "text/plain"))],
        headers=admin.headers,
    )
    assert queued.status_code == 201, queued.text
    [attached] = queued.json()["attachments"]
    control.post("/_emulator/faults", json={"error_rates": {"500": 1.0}}).raise_for_status()

    answer = _download(app_client, attached["id"], admin)

    assert answer.status_code == 200, answer.text
    assert answer.content == b"step 1"
    assert answer.headers["content-type"].startswith("text/plain")
    _assert_download_headers(answer)


def test_a_gmail_failure_is_a_502_with_a_message(
    synced: dict[str, int], app_client: TestClient, admin: Member, control: httpx.Client
) -> None:
    control.post("/_emulator/faults", json={"error_rates": {"500": 1.0}}).raise_for_status()

    answer = _download(app_client, synced["pdf"], admin)

    assert answer.status_code == 502
    assert "Gmail did not give the attachment" in answer.json()["detail"]


def test_a_revoked_grant_is_a_502_too(
    synced: dict[str, int], app_client: TestClient, admin: Member, control: httpx.Client
) -> None:
    control.post("/_emulator/faults", json={"revoke": [SUPPORT]}).raise_for_status()

    answer = _download(app_client, synced["pdf"], admin)

    assert answer.status_code == 502
    assert "Gmail" in answer.json()["detail"]


def test_another_workspace_gets_404_and_no_token_gets_401(
    synced: dict[str, int], app_client: TestClient, team: Team
) -> None:
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")

    assert _download(app_client, synced["pdf"], stranger).status_code == 404
    assert app_client.get(f"/api/v1/attachments/{synced['pdf']}").status_code == 401
    sign_in(app_client, stranger)
    assert app_client.get(f"/attachments/{synced['pdf']}").status_code == 404


def test_the_web_page_links_the_session_download(
    synced: dict[str, int], app_client: TestClient, admin: Member
) -> None:
    sign_in(app_client, admin)
    page = app_client.get(f"/c/{synced['c']}").text
    assert f'href="/attachments/{synced["pdf"]}"' in page
    assert 'class="clip"' in page

    answer = app_client.get(f"/attachments/{synced['pdf']}")

    assert answer.status_code == 200, answer.text
    assert answer.content == PDF
    _assert_download_headers(answer)
