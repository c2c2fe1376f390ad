"""Password sign-in with a signed session cookie, and CSRF protection on every form."""

import re

from fastapi.testclient import TestClient

from tests.conftest import Member


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has a CSRF field"
    return match.group(1)


def sign_in(client: TestClient, member: Member) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": member.email, "password": member.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_anonymous_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_sign_in_then_out(client: TestClient, admin: Member) -> None:
    sign_in(client, admin)
    cookie = next(c for c in client.cookies.jar if c.name == "tandem_session")
    assert cookie.has_nonstandard_attr("httponly")
    assert cookie.get_nonstandard_attr("samesite") == "lax"
    assert cookie.expires is not None, "the session expires"
    home = client.get("/")
    assert home.status_code == 200
    assert "admin@acme.test" in home.text
    client.post("/logout", data={"csrf_token": csrf_of(home.text)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_with_a_message(client: TestClient, admin: Member) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"email": admin.email, "password": "nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_russian_browser_is_refused_in_russian(client: TestClient, admin: Member) -> None:
    russian = {"Accept-Language": "ru-RU,ru;q=0.9"}
    token = csrf_of(client.get("/login", headers=russian).text)
    response = client.post(
        "/login",
        data={"email": admin.email, "password": "nope-nope", "csrf_token": token},
        headers=russian,
    )
    assert response.status_code == 401
    assert "Неверный адрес или пароль." in response.text
    assert "Wrong email" not in response.text


def test_form_without_csrf_token_is_rejected(client: TestClient, admin: Member) -> None:
    client.get("/login")
    response = client.post("/login", data={"email": admin.email, "password": admin.password})
    assert response.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


def test_csrf_token_of_another_session_is_rejected(app, admin: Member) -> None:
    with TestClient(app) as attacker, TestClient(app) as victim:
        attackers_token = csrf_of(attacker.get("/login").text)
        sign_in(victim, admin)
        forged = victim.post("/tokens", data={"name": "stolen", "csrf_token": attackers_token})
        assert forged.status_code == 403
        assert "stolen" not in victim.get("/account").text


def test_sign_in_renews_the_csrf_token(client: TestClient, admin: Member) -> None:
    before = csrf_of(client.get("/login").text)
    sign_in(client, admin)
    assert csrf_of(client.get("/").text) != before


def test_create_and_revoke_a_token_from_the_page(client: TestClient, admin: Member) -> None:
    sign_in(client, admin)
    page = client.post(
        "/tokens", data={"name": "helpdesk bot", "csrf_token": csrf_of(client.get("/account").text)}
    )
    assert page.status_code == 200
    token = re.search(r'id="new-token">([^<]+)<', page.text)
    assert token
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', page.text)
    assert token_id
    client.post(f"/tokens/{token_id.group(1)}/revoke", data={"csrf_token": csrf_of(page.text)})
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_sign_in_never_redirects_off_site(client: TestClient, admin: Member) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": admin.email,
            "password": admin.password,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
