"""Changing a password on the Account page, resetting a forgotten one by a mailed link, and an
admin's temporary password: each ends the person's other sessions, and asking for a link never
tells whether an address has an account."""

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import AgentEmail, PasswordReset, SmtpSecurity, Workspace, utcnow
from app.core.passwords import RESET_LINK_LIFETIME, request_reset
from app.core.settings import Settings
from gmail_sync.oauth import TokenCipher
from inbox.agent_mail import SmtpSettings, configure_smtp, send_due_emails
from tests.app.web.conftest import csrf_of, sign_in
from tests.conftest import Member, Team
from tests.inbox.test_agent_mail import free_port, smtp_server

NEW = "a brand new passphrase"
LINK = re.compile(r"http://127\.0\.0\.1:8000/password/reset\?token=([\w-]+)")


@pytest.fixture
def other_browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as browser:
        yield browser


def signs_in(app: FastAPI, email: str, password: str) -> bool:
    with TestClient(app) as browser:
        token = csrf_of(browser.get("/login").text)
        answer = browser.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token},
            follow_redirects=False,
        )
        return answer.status_code == 303


def is_signed_in(browser: TestClient) -> bool:
    return browser.get("/inbox", follow_redirects=False).status_code == 200


def change(
    client: TestClient, csrf: str, current: str, new: str, repeat: str | None = None
) -> httpx.Response:
    return client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
        },
        follow_redirects=False,
    )


def test_a_changed_password_signs_out_the_other_sessions_only(
    app: FastAPI, client: TestClient, other_browser: TestClient, admin: Member
) -> None:
    csrf = sign_in(client, admin)
    sign_in(other_browser, admin)
    answer = change(client, csrf, admin.password, NEW)
    assert (answer.status_code, answer.headers["location"]) == (303, "/account")
    page = client.get("/account").text
    assert "Your password is changed; your other sessions are signed out." in page
    assert "Your password is changed" not in client.get("/account").text
    assert is_signed_in(client)
    assert not is_signed_in(other_browser)
    assert not signs_in(app, admin.email, admin.password)
    assert signs_in(app, admin.email, NEW)
    assert client.get("/api/v1/me", headers=admin.headers).status_code == 200


def test_a_wrong_current_password_a_slip_or_a_short_one_is_explained(
    app: FastAPI, client: TestClient, admin: Member
) -> None:
    csrf = sign_in(client, admin)
    wrong = change(client, csrf, "not my password", NEW)
    assert wrong.status_code == 422
    assert 'id="current_password-error">The current password is wrong.<' in wrong.text
    slip = change(client, csrf, admin.password, NEW, NEW + "!")
    assert slip.status_code == 422
    assert 'id="repeat_password-error">The two new passwords differ.<' in slip.text
    short = change(client, csrf, admin.password, "short")
    assert short.status_code == 422
    assert "The new password needs at least 8 characters." in short.text
    assert signs_in(app, admin.email, admin.password)
    assert is_signed_in(client)


def test_guessing_the_current_password_is_throttled(client: TestClient, admin: Member) -> None:
    csrf = sign_in(client, admin)
    for _ in range(5):
        assert change(client, csrf, "guess", NEW).status_code == 422
    slowed = change(client, csrf, admin.password, NEW)
    assert slowed.status_code == 429
    assert "Too many attempts; try again in " in slowed.text


@pytest.fixture
def smtp_port(engine: Engine, settings: Settings, admin: Member) -> int:
    """The admin's workspace sends mail through a local SMTP server (started by the test)."""
    port = free_port()
    smtp = SmtpSettings(
        host="127.0.0.1", port=port, sender="tandem@acme.test", security=SmtpSecurity.NONE
    )
    with session_scope(engine) as session:
        configure_smtp(
            session,
            workspace_id=admin.workspace_id,
            smtp=smtp,
            cipher=TokenCipher(settings),
            now=utcnow(),
        )
    return port


def ask_for_link(browser: TestClient, email: str) -> str:
    token = csrf_of(browser.get("/password/forgot").text)
    answer = browser.post("/password/forgot", data={"email": email, "csrf_token": token})
    assert answer.status_code == 200
    return answer.text.split('id="reset-sent">')[1].split("</p>")[0]


def mails(engine: Engine) -> list[AgentEmail]:
    with Session(engine) as session:
        return list(session.exec(select(AgentEmail).order_by(AgentEmail.id)))


def reset(browser: TestClient, token: str, new: str, repeat: str | None = None) -> httpx.Response:
    form = csrf_of(browser.get("/password/forgot").text)
    return browser.post(
        "/password/reset",
        data={
            "csrf_token": form,
            "token": token,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
        },
        follow_redirects=False,
    )


def test_a_mailed_link_sets_a_new_password_once_and_signs_in(
    app: FastAPI,
    engine: Engine,
    settings: Settings,
    smtp_port: int,
    client: TestClient,
    other_browser: TestClient,
    admin: Member,
) -> None:
    sign_in(other_browser, admin)
    login_page = client.get("/login").text
    assert '<a id="forgot-password" href="/password/forgot">Forgot your password?</a>' in login_page
    said = ask_for_link(client, admin.email.upper())
    assert "a link to choose a new password is on its way" in said
    with smtp_server(smtp_port) as inbox:
        assert send_due_emails(engine, settings, now=utcnow(), worker="test") == 1
    [(recipients, mail)] = inbox.mail
    assert recipients == [admin.email] and mail["Subject"] == "Reset your Tandem password"
    link = LINK.search(mail.get_content())
    assert link, mail.get_content()
    token = link.group(1)
    with Session(engine) as session:
        [stored] = session.exec(select(PasswordReset)).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert stored.expires_at - stored.created_at == RESET_LINK_LIFETIME

    slip = reset(client, token, NEW, "something else")
    assert slip.status_code == 422 and "The two new passwords differ." in slip.text
    done = reset(client, token, NEW)
    assert (done.status_code, done.headers["location"]) == (303, "/account")
    assert "Your new password is set, and you are signed in." in client.get("/account").text
    assert not is_signed_in(other_browser)
    assert signs_in(app, admin.email, NEW) and not signs_in(app, admin.email, admin.password)

    again = reset(other_browser, token, "yet another passphrase")
    assert again.status_code == 422
    assert "This link has expired or was already used: ask for a new one." in again.text
    assert 'id="link-spent"' in other_browser.get(f"/password/reset?token={token}").text
    assert signs_in(app, admin.email, NEW)


def test_the_reset_mail_is_in_the_language_of_its_reader_not_of_the_browser_that_asked(
    engine: Engine, settings: Settings, smtp_port: int, client: TestClient, admin: Member
) -> None:
    """The admin chose no language: their team's, Russian, is theirs."""
    with session_scope(engine) as session:
        workspace = session.get(Workspace, admin.workspace_id)
        assert workspace is not None
        workspace.language = "ru"
    ask_for_link(client, admin.email)
    with smtp_server(smtp_port) as inbox:
        assert send_due_emails(engine, settings, now=utcnow(), worker="test") == 1
    [(_, mail)] = inbox.mail
    assert mail["Subject"] == "Сброс пароля в Tandem"  # noqa: RUF001
    text = mail.get_content()
    assert f"запросил сброс пароля для {admin.email} в Tandem." in text  # noqa: RUF001
    assert "сработает один раз в течение 30 минут:" in text
    assert "пароль останется прежним." in text
    link = LINK.search(text)
    assert link, text
    assert reset(client, link.group(1), NEW).status_code == 303


def test_the_answer_never_tells_whether_an_address_has_an_account(
    engine: Engine, smtp_port: int, client: TestClient, team: Team, admin: Member
) -> None:
    elsewhere = team.admin_of_new_workspace("No mail", "boss@nomail.test")
    answers = {
        email: ask_for_link(client, email).replace(email, "EMAIL")
        for email in (admin.email, "nobody@acme.test", elsewhere.email)
    }
    assert len(set(answers.values())) == 1, answers
    assert [mail.to_address for mail in mails(engine)] == [admin.email]


def test_what_is_no_email_address_is_refused_with_the_form_kept(
    engine: Engine, smtp_port: int, client: TestClient
) -> None:
    token = csrf_of(client.get("/password/forgot").text)
    for typed in ("not an address", "anna@acme.test\r\nBcc: x@evil.test"):
        answer = client.post("/password/forgot", data={"email": typed, "csrf_token": token})
        assert answer.status_code == 422
        assert "That is not an email address" in answer.text
        assert f'value="{typed}"' in answer.text
    assert mails(engine) == []


def test_a_second_request_soon_after_mails_nothing(
    engine: Engine, smtp_port: int, client: TestClient, admin: Member
) -> None:
    ask_for_link(client, admin.email)
    ask_for_link(client, admin.email)
    assert len(mails(engine)) == 1


def test_a_link_works_for_thirty_minutes(
    engine: Engine, smtp_port: int, client: TestClient, admin: Member
) -> None:
    asked = utcnow() - RESET_LINK_LIFETIME - timedelta(seconds=1)
    with session_scope(engine) as session:
        request_reset(
            session=session,
            email=admin.email,
            reset_page="http://127.0.0.1:8000/password/reset",
            now=asked,
        )
    [mail] = mails(engine)
    link = LINK.search(mail.body)
    assert link
    assert 'id="link-spent"' in client.get(f"/password/reset?token={link.group(1)}").text
    assert reset(client, link.group(1), NEW).status_code == 422
    assert 'id="link-spent"' in client.get("/password/reset?token=made-up").text


def test_an_admin_sets_a_temporary_password_shown_once(
    app: FastAPI,
    client: TestClient,
    csrf: str,
    team: Team,
    admin: Member,
    other_browser: TestClient,
) -> None:
    agent = team.member(admin.workspace_id, "anna@acme.test")
    sign_in(other_browser, agent)
    page = client.get("/settings/team").text
    assert "This workspace sends no e-mail" in page
    answer = client.post(
        "/settings/team/password", data={"csrf_token": csrf, "user_id": str(agent.user_id)}
    )
    assert answer.status_code == 200
    temporary = answer.text.split('id="temporary-password">')[1].split("<")[0]
    assert len(temporary) >= 12
    assert temporary not in client.get("/settings/team").text
    assert not is_signed_in(other_browser)
    assert signs_in(app, agent.email, temporary)
    assert not signs_in(app, agent.email, agent.password)

    typed = client.post(
        "/settings/team/password",
        data={"csrf_token": csrf, "user_id": str(agent.user_id), "password": "short"},
    )
    assert typed.status_code == 422 and 'id="temporary_password-error"' in typed.text
    assert signs_in(app, agent.email, temporary)


def test_the_team_page_says_members_can_reset_by_mail(
    smtp_port: int, client: TestClient, csrf: str
) -> None:
    assert "mails them a link" in client.get("/settings/team").text


def test_only_admins_set_passwords_and_the_api_does_the_same(
    app: FastAPI, client: TestClient, team: Team, admin: Member, other_browser: TestClient
) -> None:
    agent = team.member(admin.workspace_id, "anna@acme.test")
    csrf = sign_in(client, agent)
    refused = client.post(
        "/settings/team/password", data={"csrf_token": csrf, "user_id": str(admin.user_id)}
    )
    assert refused.status_code == 403
    url = f"/api/v1/users/{admin.user_id}"
    assert client.patch(url, json={"password": NEW}, headers=agent.headers).status_code == 403
    set_by_admin = client.patch(
        f"/api/v1/users/{agent.user_id}", json={"password": NEW}, headers=admin.headers
    )
    assert set_by_admin.status_code == 200
    assert not is_signed_in(client)
    assert signs_in(app, agent.email, NEW) and signs_in(app, admin.email, admin.password)


RUSSIAN = {"Accept-Language": "ru-RU,ru;q=0.9"}


def test_a_russian_reader_is_refused_in_russian_beside_the_field(
    app: FastAPI, client: TestClient, admin: Member
) -> None:
    client.headers.update(RUSSIAN)
    csrf = sign_in(client, admin)
    wrong = change(client, csrf, "not my password", NEW)
    assert 'id="current_password-error">Текущий пароль неверен.<' in wrong.text
    slip = change(client, csrf, admin.password, NEW, NEW + "!")
    assert 'id="repeat_password-error">Новые пароли не совпадают.<' in slip.text
    short = change(client, csrf, admin.password, "short")
    assert "Новый пароль должен быть не короче 8 символов." in short.text
    spent = reset(client, "no-such-token", NEW)
    assert spent.status_code == 422
    assert "Ссылка устарела или уже использована: запросите новую." in spent.text
    done = change(client, csrf, admin.password, NEW)
    assert done.status_code == 303
    assert "Пароль изменён; другие ваши сеансы завершены." in client.get("/account").text
