"""Settings > Outgoing mail: the SMTP server saved with the API's rules (`PUT
/api/v1/scheduler/smtp`), the password write-only, a test message sent through a real local
SMTP server that says whether it worked, and removing the server."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import SmtpServer
from tests.conftest import Member, Team
from tests.inbox.test_agent_mail import free_port, smtp_server


def _save(client: TestClient, csrf: str, port: int, **fields: str) -> int:
    form = {
        "csrf_token": csrf,
        "host": "127.0.0.1",
        "port": str(port),
        "security": "none",
        "username": "tandem",
        "password": "s3cret",
        "sender": "tandem@acme.test",
        **fields,
    }
    return client.post("/settings/mail", data=form, follow_redirects=False).status_code


def _servers(engine: Engine) -> list[SmtpServer]:
    with Session(engine) as session:
        return list(session.exec(select(SmtpServer)))


def test_saved_server_sends_a_test_message_to_the_admin(
    client: TestClient, csrf: str, admin: Member
) -> None:
    port = free_port()
    assert _save(client, csrf, port) == 303
    page = client.get("/settings/mail").text
    assert "Outgoing mail saved" in page and 'value="127.0.0.1"' in page
    assert "s3cret" not in page and "A password is stored" in page
    with smtp_server(port) as inbox:
        answer = client.post("/settings/mail/test", data={"csrf_token": csrf})
    assert f"The test message went out to {admin.email}." in answer.text
    [(recipients, mail)] = inbox.mail
    assert recipients == [admin.email]
    assert mail["From"] == "tandem@acme.test" and mail["Subject"] == "Tandem test message"
    api = client.get("/api/v1/scheduler/smtp", headers=admin.headers).json()
    assert api["host"] == "127.0.0.1" and api["has_password"] is True


def test_a_test_message_that_cannot_go_out_says_why(client: TestClient, csrf: str) -> None:
    assert _save(client, csrf, free_port()) == 303
    answer = client.post("/settings/mail/test", data={"csrf_token": csrf})
    assert answer.status_code == 200
    assert 'id="form-error">The test message could not be sent: ConnectionRefusedError' in (
        answer.text
    )
    assert "went out" not in answer.text


def test_an_empty_password_keeps_the_stored_one_unless_removed(
    client: TestClient, csrf: str, engine: Engine
) -> None:
    port = free_port()
    assert _save(client, csrf, port) == 303
    assert _save(client, csrf, port, password="", host="localhost") == 303
    [server] = _servers(engine)
    assert server.host == "localhost" and server.password_encrypted
    assert _save(client, csrf, port, password="", no_password="true") == 303
    [server] = _servers(engine)
    assert server.password_encrypted is None


def test_bad_fields_are_explained_and_kept(client: TestClient, csrf: str, engine: Engine) -> None:
    form = {
        "csrf_token": csrf,
        "host": "smtp.acme.test\r\nRCPT TO:<x@evil.test>",
        "port": "99999",
        "security": "none",
        "sender": "not an address",
    }
    answer = client.post("/settings/mail", data=form)
    assert answer.status_code == 422
    for field in ("host", "port", "sender"):
        assert f'id="{field}-error"' in answer.text
    assert 'value="not an address"' in answer.text
    assert _servers(engine) == []


def test_without_a_server_nothing_is_sent_and_removing_it_stops_mail(
    client: TestClient, csrf: str, admin: Member, team: Team, engine: Engine
) -> None:
    nothing = client.post("/settings/mail/test", data={"csrf_token": csrf})
    assert nothing.status_code == 404 and "no SMTP server is configured" in nothing.text
    other = team.admin_of_new_workspace("Other", "boss@other.test")
    assert _save(client, csrf, free_port()) == 303
    removed = client.post("/settings/mail/remove", data={"csrf_token": csrf})
    assert removed.status_code == 200 and "Outgoing mail removed" in removed.text
    assert _servers(engine) == []
    other_api = client.get("/api/v1/scheduler/smtp", headers=other.headers)
    assert other_api.status_code == 404
