# ruff: noqa: RUF001 - Russian pages are the point
"""An agent whose browser speaks Russian: the inbox, a conversation (with the words its script
shows) and a refused form read in Russian and fit a phone; once the agent picks English on the
Account page, the same pages read in English whatever the browser says."""

import uuid
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in
from tests.ui.test_journeys import _open_by_search

AGENT = "olga@tandem.test"
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


def _mail(word: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"] = "Пётр Иванов <petr@client.test>", MAILBOX
    mail["Subject"] = f"Не приходит счёт {word}"
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    mail.set_content(f"Здравствуйте! Счёт за ноябрь так и не пришёл. {word}")
    return mail


def _snooze_in_the_past(page: Page) -> None:
    page.select_option("#snooze-when", "custom")
    page.fill("#snooze-custom", "2020-01-01T10:00")
    page.locator("#snooze-form button[type=submit]").click()


def _choose_language(page: Page, server: Server, code: str) -> None:
    page.goto(f"{server.url}/account")
    page.select_option("#language", code)
    page.locator("#preferences button[type=submit]").click()
    expect(page.locator("#preferences-saved")).to_be_visible()


def test_russian_pages_until_the_agent_picks_english(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(_mail(word))
    page = signed_in(browser, server, AGENT, width=1366, locale="ru-RU")
    try:
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("#views")).to_contain_text("Все открытые")
        expect(page.locator("#search")).to_have_attribute(
            "placeholder", "Поиск по темам, письмам, людям, заметкам  ( / )"
        )
        _open_by_search(page, server, word)
        conversation = page.url
        page.goto(f"{server.url}/inbox?view=all")
        shot(page, "language-inbox-ru-1366")
        page.goto(conversation)
        expect(page.locator("#reply-title")).to_have_text("Ответ")
        expect(page.locator("#send")).to_have_text("Отправить всем")
        page.check("#sender-only")
        expect(page.locator("#send")).to_have_text("Отправить только отправителю")
        page.uncheck("#sender-only")
        expect(page.locator("#reply-body")).to_have_attribute("spellcheck", "true")
        shot(page, "language-conversation-ru-1366")
        _snooze_in_the_past(page)
        expect(page.locator("#error")).to_have_text("отложить можно только до времени в будущем")
        expect(page.locator("html")).to_have_attribute("lang", "ru")

        page.set_viewport_size({"width": 390, "height": 844})
        for name, path in (("inbox", "/inbox?view=all"), ("conversation", conversation)):
            page.goto(path if path.startswith("http") else f"{server.url}{path}")
            assert page.evaluate(SIDEWAYS) <= 0, f"{path} scrolls sideways in Russian at 390 px"
            shot(page, f"language-{name}-ru-390")

        _choose_language(page, server, "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto(f"{server.url}/inbox")
        expect(page.locator("#views")).to_contain_text("All open")
        page.goto(conversation)
        expect(page.locator("#send")).to_have_text("Send to all")
        _snooze_in_the_past(page)
        expect(page.locator("#error")).to_have_text("snoozed_until must be in the future")
    finally:
        _choose_language(page, server, "")
        page.context.close()
