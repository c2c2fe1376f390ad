"""The inbox in the browser as the team works: every conversation reachable through "Load
more", new mail appearing in an open tab without a reload, a client's reply showing in its
owner's bell, and the banner of a mailbox Google stopped accepting (with Reconnect)."""

import re
import uuid
from email.message import EmailMessage

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import ARTIFACTS, MAILBOX, Server, shot, signed_in

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def mail(
    subject: str, *, sender: str = "Lea <lea@client.test>", reply_to: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, MAILBOX, subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    if reply_to:
        message["In-Reply-To"] = message["References"] = reply_to
    message.set_content(f"About {subject}: the parcel never came.\n\nThanks, Lea")
    return message


def rows(page: Page) -> list[str]:
    return page.locator("li.conversation").evaluate_all("els => els.map(e => e.dataset.id)")


def load_everything(page: Page) -> None:
    """Clicks "Load more" until the list says nothing more is coming."""
    while page.locator("li.more a").count():
        before = page.locator("li.conversation").count()
        page.locator("li.more a").click()
        expect(page.locator("li.conversation")).not_to_have_count(before)


def open_count(page: Page) -> int:
    text = page.locator('#views a[data-view="open"] .count').inner_text()
    return int(text)


def test_every_open_conversation_is_reachable_and_the_last_page_ends_at_the_count(
    browser: Browser, server: Server
) -> None:
    word = uuid.uuid4().hex[:8]
    subjects = {f"Parcel {word} {index:03d}" for index in range(120)}
    for subject in sorted(subjects):
        server.deliver(mail(subject))
    page = signed_in(browser, server, "anna@tandem.test", width=1366)
    for _ in range(60):
        page.goto(f"{server.url}/inbox?view=open&q={word}")
        load_everything(page)
        if page.locator("li.conversation").count() >= 120:
            break
        page.wait_for_timeout(1000)
    page.goto(f"{server.url}/inbox?view=open")
    load_everything(page)
    seen = rows(page)
    assert len(seen) == len(set(seen)) == open_count(page), "the last page ends at the count"
    listed = set(page.locator("li.conversation .subject").all_inner_texts())
    assert subjects <= listed, "every one of the 120 is reachable"
    page.locator("main").click(position={"x": 2, "y": 2})
    for _ in range(55):
        page.keyboard.press("j")
    appended = page.locator("li.conversation").nth(54)
    expect(appended).to_have_class(re.compile(r"\bfocused\b"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/c/{seen[54]}")
    page.context.close()


def test_bulk_actions_reach_appended_rows_and_updates_wait_while_rows_are_checked(
    browser: Browser, server: Server
) -> None:
    word = uuid.uuid4().hex[:8]
    for index in range(55):
        server.deliver(mail(f"Refund {word} {index:02d}"))
    page = signed_in(browser, server, "anna@tandem.test", width=1366)
    for _ in range(60):
        page.goto(f"{server.url}/inbox?view=open&q={word}")
        load_everything(page)
        if page.locator("li.conversation").count() >= 55:
            break
        page.wait_for_timeout(1000)
    page.goto(f"{server.url}/inbox?view=open")
    load_everything(page)
    last = page.locator("li.conversation", has_text=f"Refund {word} 00")
    last.locator("input[name=ids]").check()
    newcomer = f"Lost key {word}"
    server.deliver(mail(newcomer))
    expect(page.locator("#live-bar")).to_contain_text("1 update", timeout=5_000)
    expect(page.locator("li.conversation", has_text=newcomer)).to_have_count(0)
    page.locator("#live-bar button").click()
    expect(page.locator("li.conversation", has_text=newcomer)).to_be_visible()
    expect(last.locator("input[name=ids]")).to_be_checked()
    page.select_option("#bulk-action", label="Assign to Anna Petrova")
    page.locator("#bulk button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{server.url}/inbox?view=mine&q={word}")
    expect(page.locator("li.conversation")).to_have_count(1)
    expect(page.locator("li.conversation")).to_contain_text(f"Refund {word} 00")
    page.context.close()


def test_new_mail_appears_in_an_open_inbox_within_2_s_without_a_reload(
    browser: Browser, server: Server
) -> None:
    page = signed_in(browser, server, "ben@tandem.test", width=1366)
    page.goto(f"{server.url}/inbox?view=open")
    page.evaluate("window.tandemNotReloaded = true")
    before = open_count(page)
    subject = f"Broken zipper {uuid.uuid4().hex[:8]}"
    server.deliver(mail(subject))
    row = page.locator("li.conversation", has_text=subject)
    expect(row).to_be_visible(timeout=2_000)
    expect(row.locator(".excerpt")).not_to_be_empty()
    expect(page.locator('#views a[data-view="open"] .count')).to_have_text(str(before + 1))
    assert page.evaluate("window.tandemNotReloaded") is True
    shot(page, "inbox-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the list fits a phone"
    shot(page, "inbox-390")
    page.locator("li.conversation").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "inbox-390-rows.png"))
    page.context.close()


def test_a_client_reply_to_annas_conversation_shows_in_her_bell_without_a_reload(
    browser: Browser, server: Server
) -> None:
    subject = f"Wrong size {uuid.uuid4().hex[:8]}"
    first = mail(subject)
    server.deliver(first)
    anna = signed_in(browser, server, "anna@tandem.test", width=1366)
    row = anna.locator("li.conversation", has_text=subject)
    expect(row).to_be_visible(timeout=10_000)
    row.locator("input[name=ids]").check()
    anna.select_option("#bulk-action", label="Assign to Anna Petrova")
    anna.locator("#bulk button[type=submit]").click()
    expect(anna.locator("li.conversation", has_text=subject).locator(".owner")).to_have_attribute(
        "title", "Assigned to Anna Petrova"
    )
    anna.evaluate("window.tandemNotReloaded = true")
    unread = int(anna.locator("#unread-count").inner_text())
    server.deliver(mail(f"Re: {subject}", reply_to=first["Message-ID"]))
    toast = anna.locator("#toasts .toast", has_text=f"Lea replied to “{subject}”")
    expect(toast).to_be_visible(timeout=5_000)
    expect(anna.locator("#unread-count")).to_have_text(str(unread + 1))
    assert anna.evaluate("window.tandemNotReloaded") is True
    toast.locator("a").click()
    anna.wait_for_url("**/c/*")
    expect(anna.locator("#unread-count")).to_have_text(str(unread))
    anna.context.close()


def test_a_mailbox_google_stopped_accepting_shows_a_banner_and_reconnects(
    browser: Browser, server: Server
) -> None:
    admin = signed_in(browser, server, "demo@tandem.test", width=1366)
    agent = signed_in(browser, server, "ben@tandem.test", width=390)
    httpx.post(f"{server.emulator}/_emulator/faults", json={"revoke": [MAILBOX]}, timeout=10)
    try:
        server.deliver(mail(f"After revoke {uuid.uuid4().hex[:8]}"))
        banner = admin.locator("#mailbox-banner")
        for _ in range(30):
            admin.reload()
            if banner.count():
                break
            admin.wait_for_timeout(1000)
        expect(banner).to_contain_text(
            re.compile(r"Mail to support@acme\.test stopped arriving on \w+ \d+, \d{4}, \d\d:\d\d")
        )
        expect(banner).to_contain_text("Google no longer accepts Tandem\u2019s access.")
        agent.reload()
        expect(agent.locator("#mailbox-banner")).to_contain_text("An admin needs to reconnect it.")
        expect(agent.locator("#mailbox-banner button")).to_have_count(0)
        assert agent.evaluate(NO_SIDEWAYS_SCROLL), "the banner fits a phone"
        shot(agent, "banner-390")
        expect(admin.locator("#unread-count")).not_to_have_text("0")
        admin.locator("#mailbox-banner button", has_text="Reconnect support@acme.test").click()
        admin.wait_for_url("**/oauth/callback*")
        expect(admin.locator("body")).to_contain_text("support@acme.test is connected")
    finally:
        admin.goto(f"{server.url}/inbox")
    expect(admin.locator("#mailbox-banner")).to_have_count(0)
    agent.context.close()
    admin.context.close()


def test_a_conversation_a_teammate_closes_leaves_the_open_list_without_a_reload(
    browser: Browser, server: Server
) -> None:
    subject = f"Cancel order {uuid.uuid4().hex[:8]}"
    server.deliver(mail(subject))
    anna = signed_in(browser, server, "anna@tandem.test", width=1366)
    expect(anna.locator("li.conversation", has_text=subject)).to_be_visible(timeout=10_000)
    anna.evaluate("window.tandemNotReloaded = true")
    ben = signed_in(browser, server, "ben@tandem.test", width=1366)
    ben.locator("li.conversation", has_text=subject).locator("input[name=ids]").check()
    ben.select_option("#bulk-action", label="Close")
    ben.locator("#bulk button[type=submit]").click()
    expect(anna.locator("li.conversation", has_text=subject)).to_have_count(0, timeout=2_000)
    assert anna.evaluate("window.tandemNotReloaded") is True
    ben.context.close()
    anna.context.close()
