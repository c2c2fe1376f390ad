"""Answers that worked before in a real browser against a live Tandem: a conversation answered
and closed, then a client asking the same in other words is offered that answer, and "Use as
draft" puts it in the reply box (asking first when something is typed), sending nothing."""

import uuid
from email.message import EmailMessage

from playwright.sync_api import Browser, Dialog, Page, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in

ANSWER = "Choose XLSX under Settings > Export, then export the invoices again."


def _mail(subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Nina Berg <nina@client.test>"
    message["To"] = MAILBOX
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    message.set_content(body)
    return message


def _open(page: Page, server: Server, words: str) -> None:
    for _ in range(40):
        page.goto(f"{server.url}/inbox?view=all&q={words}")
        if page.locator("a.row-link").count():
            break
        page.wait_for_timeout(500)
    page.locator("a.row-link").first.click()
    page.wait_for_url("**/c/*")


def test_a_closed_answer_becomes_a_draft(browser: Browser, server: Server) -> None:
    word = "zq" + uuid.uuid4().hex[:8]
    server.deliver(
        _mail(f"Export of {word} invoices to Excel fails", f"The {word} Excel export is empty.")
    )
    page = signed_in(browser, server, "demo@tandem.test")
    _open(page, server, f"{word} fails")
    page.fill("#reply-body", ANSWER)
    page.click("#send-close")
    page.wait_for_url("**/c/*")
    sent_before = len(server.sent())

    server.deliver(
        _mail(f"Can't export my {word} invoices to Excel", f"Exporting {word} to Excel fails.")
    )
    _open(page, server, f"{word} can't")
    answer = page.locator(".similar-answer", has_text=f"Export of {word} invoices")
    for _ in range(20):
        expect(page.locator(".similar-list")).to_be_visible()
        if answer.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(answer).to_be_visible()

    page.fill("#reply-body", "My own words")

    def dismiss(dialog: Dialog) -> None:
        dialog.dismiss()

    page.once("dialog", dismiss)
    answer.get_by_role("button").click()
    expect(page.locator("#reply-body")).to_have_value("My own words")

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", accept)
    answer.get_by_role("button").click()
    expect(page.locator("#reply-body")).to_have_value(ANSWER)
    assert len(server.sent()) == sent_before
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "similar-answers-phone")
