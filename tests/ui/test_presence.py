"""Presence in the browser, two agents in two contexts: the conversation page names a teammate
viewing it and, once they type in the reply box, replying; and a tab that hangs up is gone."""

import uuid
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import MAILBOX, Server, signed_in


def _open(page: Page, server: Server, word: str) -> None:
    for _ in range(40):
        page.goto(f"{server.url}/inbox?view=all&q={word}")
        if page.locator("a.row-link").count():
            break
        page.wait_for_timeout(500)
    page.locator("a.row-link").first.click()
    page.wait_for_url("**/c/*")


def test_agents_see_each_other_on_a_conversation(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:10]
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Lea <lea@client.test>", MAILBOX, f"Help {word}"
    mail.set_content("Where is my parcel?")
    server.deliver(mail)
    ben = signed_in(browser, server, "ben@tandem.test")
    _open(ben, server, word)
    ben.fill("#reply-body", "Hello Lea, it left today.")
    anna = signed_in(browser, server, "anna@tandem.test")
    _open(anna, server, word)
    expect(anna.locator("#presence")).to_contain_text("Ben Carter is replying", timeout=15_000)
    expect(ben.locator("#presence")).to_contain_text("Anna Petrova is viewing", timeout=15_000)
    ben.context.close()
    expect(anna.locator("#presence")).not_to_contain_text("Ben Carter", timeout=40_000)
    anna.context.close()
