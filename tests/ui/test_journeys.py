"""The main journeys of an agent's day in a real browser against a live Tandem."""

import base64
import re
import uuid
from email.message import EmailMessage

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in


def _client_mail(subject: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Maria Lopez <maria@client.test>"
    message["To"] = MAILBOX
    message["Cc"] = "Tom Finance <tom@client.test>"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    message.set_content("Hello, our invoice shows the wrong amount. Can you help?")
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _open_by_search(page: Page, server: Server, words: str) -> None:
    """Search until push and sync have brought the mail in, then open the first hit."""
    for _ in range(40):
        page.goto(f"{server.url}/inbox?view=all&q={words}")
        if page.locator("a.row-link").count():
            break
        page.wait_for_timeout(500)
    page.locator("a.row-link").first.click()
    page.wait_for_url("**/c/*")


def test_agent_day(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(_client_mail(f"Wrong amount {word}"))
    page = signed_in(browser, server, "demo@tandem.test")
    expect(page.locator("#views")).to_contain_text("All open")
    shot(page, "inbox")
    _open_by_search(page, server, word)
    shot(page, "conversation")
    expect(page.locator("#recipients-all")).to_contain_text("tom@client.test")

    page.fill("#reply-body", "Hello Maria, we are fixing the invoice now.")
    page.click("#send")
    expect(page.locator("#outcome")).to_contain_text("Reply sent")
    raw = base64.urlsafe_b64decode(server.sent()[-1]["raw"] + "==").decode()
    assert "tom@client.test" in raw.split("\n\n")[0], "reply-all kept the Cc"

    page.check("#sender-only")
    expect(page.locator("#sender-warning")).to_contain_text("Tom Finance")
    page.fill("#reply-body", "Maria, a private word about your account.")
    page.fill("#reason", "Account details are for Maria only")
    shot(page, "reply-sender-only")
    page.click("#send")
    expect(page.locator("#outcome")).to_contain_text("Reply sent")
    assert "tom@client.test" not in server.sent()[-1]["raw"]

    page.select_option("#promise-when", "1h")
    page.click("#promise-form button[type=submit]")
    expect(page.locator("#promise-badge")).to_contain_text("pending")

    page.fill("#note-body", "Please double-check the VAT @Ben")
    page.locator("#mention-list button").first.click()
    expect(page.locator("#note-body")).to_have_value('Please double-check the VAT @"Ben Carter" ')
    page.click("#note-form button[type=submit]")
    expect(page.locator("li.note").last).to_contain_text(
        "Internal note — not visible to the client"
    )

    page.select_option("#assignee", label="Anna Petrova")
    page.click("#controls button[type=submit]")
    expect(page.locator("#assignee")).to_have_value(
        page.locator("#assignee option", has_text="Anna Petrova").get_attribute("value") or ""
    )
    closed = page.url.split("#")[0]
    page.keyboard.press("e")
    expect(page).not_to_have_url(re.compile(re.escape(closed) + "(#.*)?$"))
    page.goto(closed)
    expect(page.locator("#status")).to_have_value("closed")
    shot(page, "conversation-closed")

    ben = signed_in(browser, server, "ben@tandem.test")
    ben.click("#notifications summary")
    expect(ben.locator("#notifications .notifications")).to_contain_text("mentioned")
    shot(ben, "notifications")


def test_keyboard_and_phone_width(browser: Browser, server: Server) -> None:
    page = signed_in(browser, server, "demo@tandem.test", width=390)
    page.keyboard.press("j")
    expect(page.locator("li.conversation.focused")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    shot(page, "inbox-phone")


def test_connect_a_mailbox_and_watch_it_sync(browser: Browser, server: Server) -> None:
    email = f"sales-{uuid.uuid4().hex[:6]}@acme.test"
    httpx.post(f"{server.emulator}/_emulator/mailboxes", json={"email": email}, timeout=10)
    for index in range(3):
        mail = _client_mail(f"Sales question {index}")
        mail.replace_header("To", email)
        server.deliver(mail, to=email)
    page = signed_in(browser, server, "demo@tandem.test")
    page.goto(f"{server.url}/settings")
    page.fill("#connect-form input[name=email]", email)
    page.click("#connect-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Mailbox connected")
    page.goto(f"{server.url}/settings")
    row = page.locator(".mailbox", has_text=email)
    expect(row.locator("progress")).to_have_attribute("data-percent", "100", timeout=30_000)
    shot(page, "settings")
