"""Settings > Rules in a real browser against the live demo: an admin writes a rule, tries it
on mail that already came (the dry run), saves it, and sees it route the next client's mail as
it arrives from the emulator. The rule asks for a word no other test writes, so the demo's
other mail is never touched."""

import uuid
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in


def mail(subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Olga <olga@client.test>", MAILBOX, subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    message.set_content(text)
    return message


def row_of(page: Page, server: Server, word: str, subject: str, shows: str = ".subject") -> None:
    """Waits (reloading, as the sync polls) until the conversation's row shows `shows`: the
    mail is listed as soon as the sync stores it, and routed in the transaction after it."""
    for _ in range(30):
        page.goto(f"{server.url}/inbox?view=all&q={word}")
        if page.locator("li.conversation", has_text=subject).locator(shows).count():
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f"{subject} never showed {shows}")


def test_an_admin_writes_tries_and_saves_a_rule_that_routes_new_mail(
    browser: Browser, server: Server
) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(mail(f"Счёт {word} за март", f"Пришлите счёт {word}, пожалуйста."))
    page = signed_in(browser, server, "demo@tandem.test")
    row_of(page, server, word, f"Счёт {word} за март")

    page.get_by_role("link", name="Settings").click()
    page.locator(".settings-nav").get_by_role("link", name="Rules").click()
    expect(page.locator("h2#rules-title")).to_have_text("Rules")
    page.fill("#rule-name", f"Billing {word}")
    page.fill("#rule-words", word)
    page.select_option("#rule-priority", "high")
    page.fill("#rule-tags", f"bill-{word}")
    page.get_by_role("button", name="Dry run").click()
    matches = page.locator("#dry-run-matches tbody tr")
    expect(matches).to_have_count(1)
    expect(matches).to_contain_text(f"Счёт {word} за март")
    expect(matches).to_contain_text(f"set priority High; add tags bill-{word}")
    expect(page.locator("#rule-name")).to_have_value(f"Billing {word}")
    shot(page, "settings-rules-dry-run")

    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".flash")).to_have_text(f"Rule “Billing {word}” created.")
    listed = page.locator("#rule-list tr", has_text=f"Billing {word}")
    expect(listed).to_contain_text(f"words {word}")
    shot(page, "settings-rules")

    server.deliver(mail(f"Где счета {word}?", "Жду счета уже неделю."))
    row_of(page, server, word, f"Где счета {word}?", shows=".tag")
    routed = page.locator("li.conversation", has_text=f"Где счета {word}?")
    expect(routed.locator(".tag")).to_have_text(f"bill-{word}")
    expect(routed.locator(".prio-high")).to_be_visible()
    before = page.locator("li.conversation", has_text=f"Счёт {word} за март")
    expect(before.locator(".tag")).to_have_count(0)
    routed.locator("a.row-link").click()
    page.get_by_role("link", name="Activity").click()
    expect(page.locator("#activity")).to_contain_text(f"Rule “Billing {word}” applied")
    page.context.close()

    phone = signed_in(browser, server, "demo@tandem.test", width=390)
    phone.goto(f"{server.url}/settings/rules")
    expect(phone.locator("#rule-list")).to_contain_text(f"Billing {word}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, "settings-rules-phone")
    phone.context.close()
