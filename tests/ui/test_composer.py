"""The reply composer in a real browser against a live Tandem: a template into the box, a
reply-all chip struck out, a file attached and sent, and an attachment downloaded."""

import base64
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import httpx
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in

REPORT = b"date,amount\n2026-11-20,1042.00\n"


def _mail_with_copies(word: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Maria Lopez <maria@client.test>"
    message["To"] = MAILBOX
    message["Cc"] = "Tom Finance <tom@client.test>, Lena Ops <lena@client.test>"
    message["Subject"] = f"Refund report {word}"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    message.set_content("Hello, the refund report is attached. Lena only needed to know.")
    message.add_attachment(REPORT, maintype="text", subtype="csv", filename="refunds.csv")
    return message


def _open(page: Page, server: Server, word: str) -> None:
    """Search until push and sync have brought the mail in, then open it."""
    for _ in range(40):
        page.goto(f"{server.url}/inbox?view=all&q={word}")
        if page.locator("a.row-link").count():
            break
        page.wait_for_timeout(500)
    page.locator("a.row-link").first.click()
    page.wait_for_url("**/c/*")


def _api_token(page: Page, server: Server) -> str:
    page.goto(f"{server.url}/account")
    page.fill("form[action='/tokens'] input[name=name]", "composer journey")
    page.click("form[action='/tokens'] button[type=submit]")
    return page.locator("#new-token").inner_text().strip()


def _template(server: Server, token: str, word: str) -> str:
    body = {"name": f"Refund sent {word}", "body_text": "Hello {{ contact.first_name }}, done."}
    created = httpx.post(
        f"{server.url}/api/v1/templates",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    created.raise_for_status()
    return str(created.json()["id"])


def test_compose_a_reply_without_one_copy_with_a_file(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(_mail_with_copies(word))
    page = signed_in(browser, server, "demo@tandem.test")
    template = _template(server, _api_token(page, server), word)
    _open(page, server, word)

    page.select_option("#template", template)
    expect(page.locator("#reply-body")).to_have_value("Hello Maria, done.")
    page.fill("#reply-body", "My own words")
    page.select_option("#template", template)
    expect(page.locator("#reply-body")).to_have_value("My own words")

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", accept)
    page.select_option("#template", template)
    expect(page.locator("#reply-body")).to_have_value("Hello Maria, done.")

    page.locator(".chip", has_text="lena@client.test").locator(".chip-x").click()
    expect(page.get_by_label("Remove Lena Ops <lena@client.test>")).to_be_checked()
    expect(page.locator("#removed-warning")).to_be_visible()
    expect(page.locator("#removed-warning")).to_contain_text("Lena Ops")
    page.set_input_files(
        "#reply-files", files=[{"name": "steps.txt", "mimeType": "text/plain", "buffer": b"1. 2."}]
    )
    expect(page.locator("#chosen-files")).to_contain_text("steps.txt")
    shot(page, "composer-removed-chip")
    page.click("#send")
    expect(page.locator("#outcome")).to_contain_text("Reply sent")

    raw = base64.urlsafe_b64decode(server.sent()[-1]["raw"] + "==")
    sent = BytesParser(policy=policy.default).parsebytes(raw)
    assert "lena@client.test" not in raw.decode()
    assert "tom@client.test" in str(sent["Cc"])
    assert [(a.get_filename(), a.get_content()) for a in sent.iter_attachments()] == [
        ("steps.txt", "1. 2.")
    ]

    link = page.locator("a.attachment-link", has_text="refunds.csv")
    expect(page.locator("li", has=link).locator("svg.clip")).to_be_visible()
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == "refunds.csv"
    with open(download.path(), "rb") as saved:
        assert saved.read() == REPORT
    shot(page, "composer-sent-with-file")
