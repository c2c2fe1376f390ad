"""A person's account in a real browser against a live Tandem: the sixth wrong password in a
minute is slowed with a message and the right one gets in after the wait; a password changed
on the Account page signs the other session out; a forgotten one is reset through the link
mailed to a local SMTP server.

Each test signs in as a member it adds, and ends with that member's right password, which
forgives the failures counted against this browser's address: the other browser tests sign in
from the same address."""

import re
import time
import uuid
from email.message import EmailMessage

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.inbox.test_agent_mail import Inbox, free_port, smtp_server
from tests.ui.conftest import Server, shot, signed_in

FIRST_PASSWORD = "first password 1"
NEW_PASSWORD = "second password 2"


def add_member(browser: Browser, server: Server, name: str) -> str:
    """A new agent, added by the demo admin under Settings > Team; their email."""
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@tandem.test"
    admin = signed_in(browser, server, "demo@tandem.test")
    admin.goto(f"{server.url}/settings/team")
    admin.fill("#email", email)
    admin.fill("#name", name)
    admin.fill("#password", FIRST_PASSWORD)
    admin.get_by_role("button", name="Add member").click()
    expect(admin.locator("#member-created")).to_contain_text(email)
    admin.context.close()
    return email


def fresh_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    return page


def try_password(page: Page, server: Server, email: str, password: str) -> None:
    if "/login" not in page.url:
        page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")


def test_the_sixth_wrong_password_in_a_minute_is_slowed(browser: Browser, server: Server) -> None:
    email = add_member(browser, server, "Tess Guarded")
    page = fresh_page(browser)
    page.goto(f"{server.url}/login")
    for _ in range(5):
        try_password(page, server, email, "a wrong guess")
        expect(page.locator(".error")).to_have_text("Wrong email or password.")
    try_password(page, server, email, FIRST_PASSWORD)
    message = page.locator(".error")
    expect(message).to_contain_text("Too many attempts; try again in ")
    expect(page.locator("input[name=email]")).to_have_value(email)
    shot(page, "sign-in-slowed")
    seconds = re.search(r"in (\d+) seconds?", message.inner_text())
    assert seconds and 1 <= int(seconds.group(1)) <= 10
    page.wait_for_timeout((int(seconds.group(1)) + 1) * 1000)
    try_password(page, server, email, FIRST_PASSWORD)
    page.wait_for_url("**/inbox")
    page.context.close()


def test_a_changed_password_signs_the_other_session_out(browser: Browser, server: Server) -> None:
    email = add_member(browser, server, "Carl Changer")
    other = fresh_page(browser)
    try_password(other, server, email, FIRST_PASSWORD)
    other.wait_for_url("**/inbox")
    page = fresh_page(browser)
    try_password(page, server, email, FIRST_PASSWORD)
    page.wait_for_url("**/inbox")
    page.get_by_role("link", name="Account", exact=True).click()
    page.fill("#current_password", "not my password")
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#repeat_password", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#current_password-error")).to_have_text("The current password is wrong.")
    shot(page, "account-password-refused")
    page.fill("#current_password", FIRST_PASSWORD)
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#repeat_password", NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#account-flash")).to_have_text(
        "Your password is changed; your other sessions are signed out."
    )
    shot(page, "account-password-changed")
    page.goto(f"{server.url}/inbox")
    expect(page).to_have_url(re.compile(r"/inbox"))
    other.goto(f"{server.url}/inbox")
    expect(other).to_have_url(re.compile(r"/login\?next="))
    try_password(other, server, email, NEW_PASSWORD)
    other.wait_for_url("**/inbox")
    for opened in (page, other):
        opened.context.close()


def _admin_token(browser: Browser, server: Server) -> str:
    admin = signed_in(browser, server, "demo@tandem.test")
    admin.goto(f"{server.url}/account")
    admin.fill("input[name=name]", "ui test: smtp")
    admin.get_by_role("button", name="Create token").click()
    token = admin.locator("#new-token").inner_text()
    admin.context.close()
    return token


def _reset_mail(inbox: Inbox, email: str) -> EmailMessage:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for recipients, mail in inbox.mail:
            if recipients == [email] and mail["Subject"] == "Reset your Tandem password":
                return mail
        time.sleep(0.3)
    raise AssertionError(f"no reset mail to {email}; the sink got {len(inbox.mail)} mails")


def test_a_forgotten_password_is_reset_by_a_mailed_link(browser: Browser, server: Server) -> None:
    email = add_member(browser, server, "Rita Forgetful")
    headers = {"Authorization": f"Bearer {_admin_token(browser, server)}"}
    port = free_port()
    smtp = {"host": "127.0.0.1", "port": port, "security": "none", "sender": "tandem@acme.test"}
    with smtp_server(port) as inbox:
        httpx.put(f"{server.url}/api/v1/scheduler/smtp", json=smtp, headers=headers, timeout=10)
        try:
            page = fresh_page(browser)
            page.goto(f"{server.url}/login")
            page.get_by_role("link", name="Forgot your password?").click()
            page.fill("#email", email)
            page.get_by_role("button", name="Mail me a link").click()
            expect(page.locator("#reset-sent")).to_contain_text("a link to choose a new password")
            shot(page, "password-forgot-sent")
            mail = _reset_mail(inbox, email)
        finally:
            httpx.delete(f"{server.url}/api/v1/scheduler/smtp", headers=headers, timeout=10)
    link = re.search(r"http://\S+/password/reset\?token=\S+", mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(0))
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#repeat_password", "a slip of the finger")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.locator("#repeat_password-error")).to_have_text("The two new passwords differ.")
    shot(page, "password-reset-form")
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#repeat_password", NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.locator("#account-flash")).to_have_text(
        "Your new password is set, and you are signed in."
    )
    shot(page, "password-reset-done")
    page.goto(link.group(0))
    expect(page.locator("#link-spent")).to_contain_text("expired or was already used")
    shot(page, "password-reset-link-spent")
    again = fresh_page(browser)
    try_password(again, server, email, FIRST_PASSWORD)
    expect(again.locator(".error")).to_have_text("Wrong email or password.")
    try_password(again, server, email, NEW_PASSWORD)
    again.wait_for_url("**/inbox")
    for opened in (page, again):
        opened.context.close()


def test_an_admin_sets_a_temporary_password(browser: Browser, server: Server) -> None:
    email = add_member(browser, server, "Tim Locked-Out")
    admin = signed_in(browser, server, "demo@tandem.test")
    admin.goto(f"{server.url}/settings/team")
    admin.locator("#reset-member").select_option(label=f"Tim Locked-Out ({email})")
    admin.get_by_role("button", name="Set password").click()
    expect(admin.locator("#password-set")).to_contain_text(email)
    temporary = admin.locator("#temporary-password").inner_text()
    shot(admin, "settings-team-temporary-password")
    page = fresh_page(browser)
    try_password(page, server, email, temporary)
    page.wait_for_url("**/inbox")
    for opened in (admin, page):
        opened.context.close()
