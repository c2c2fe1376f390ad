"""The sign-in form under password guessing: the sixth wrong password within a minute is
slowed with a message and a 429, the right password gets in once the wait is over, the owner at
their usual address is not kept out by guesses from elsewhere, and Google sign-in is untouched
(its own tests run beside these)."""

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import select

from app.core.db import session_scope
from app.core.models import SignInAttempt
from tests.app.web.conftest import csrf_of
from tests.conftest import Member


@pytest.fixture
def stranger(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, client=("203.0.113.66", 40000)) as browser:
        yield browser


def post_login(browser: TestClient, email: str, password: str) -> httpx.Response:
    token = csrf_of(browser.get("/login").text)
    return browser.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def let_time_pass(engine: Engine, seconds: int) -> None:
    """The attempts are rows: moving them back is the clock moving on."""
    with session_scope(engine) as session:
        for row in session.exec(select(SignInAttempt)):
            row.at -= timedelta(seconds=seconds)
            session.add(row)


def test_the_sixth_wrong_password_in_a_minute_is_slowed_with_a_message(
    stranger: TestClient, engine: Engine, admin: Member
) -> None:
    for _ in range(5):
        wrong = post_login(stranger, admin.email, "not the password")
        assert wrong.status_code == 401
        assert "Wrong email or password." in wrong.text
    slowed = post_login(stranger, admin.email, admin.password)
    assert slowed.status_code == 429
    assert "Too many attempts; try again in " in slowed.text
    assert 1 <= int(slowed.headers["Retry-After"]) <= 10
    assert f'value="{admin.email}"' in slowed.text
    assert stranger.get("/inbox", follow_redirects=False).status_code == 303
    let_time_pass(engine, 10)
    signed_in = post_login(stranger, admin.email, admin.password)
    assert signed_in.status_code == 303
    assert stranger.get("/inbox").status_code == 200


def test_guesses_from_elsewhere_never_keep_the_owner_out_at_their_usual_address(
    client: TestClient, stranger: TestClient, admin: Member
) -> None:
    assert post_login(client, admin.email, admin.password).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/account").text)})
    for _ in range(8):
        post_login(stranger, admin.email, "guess")
    assert post_login(stranger, admin.email, admin.password).status_code == 429
    assert post_login(client, admin.email, admin.password).status_code == 303


def test_a_login_of_nobody_is_answered_like_a_real_one(app: FastAPI, admin: Member) -> None:
    answers = []
    for number, email in enumerate((admin.email, "nobody@acme.test")):
        with TestClient(app, client=(f"192.0.2.{number}", 40000)) as browser:
            said = [post_login(browser, email, "guess") for _ in range(6)]
        answers.append([(answer.status_code, "Wrong email" in answer.text) for answer in said])
    assert answers[0] == answers[1] == [(401, True)] * 5 + [(429, False)]
