"""An admin's settings in a real browser against a live Tandem: change a role, set business
hours, write a template and find it in the composer, create a webhook and an API token (each
secret shown once) and call the API with that token; name the workspace and pick its time zone;
set up outgoing mail and send a test message through a local SMTP server; and Settings with
their refusals in Russian, at desk and phone width, for an admin whose browser speaks Russian."""

import time
import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.inbox.test_agent_mail import Inbox, free_port, smtp_server
from tests.ui.conftest import Server, shot, signed_in


def _change_role(page: Page, email: str, role: str) -> None:
    row = page.locator("#team tr", has_text=email)
    row.locator("select[name=role]").select_option(role)
    row.get_by_role("button", name="Change role").click()


def test_admin_settings_journey(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:8]
    page = signed_in(browser, server, "demo@tandem.test")
    page.get_by_role("link", name="Settings").click()
    expect(page.locator(".settings-nav [aria-current=page]")).to_have_text("Mailboxes")
    page.get_by_role("link", name="Edit settings of support@acme.test").click()
    expect(page.locator("#auto_ack_text")).to_contain_text("conversation.number")
    shot(page, "settings-mailbox")

    page.locator(".settings-nav").get_by_role("link", name="Team").click()
    _change_role(page, "ben@tandem.test", "admin")
    expect(page.locator(".flash")).to_have_text("Ben Carter is now an admin.")
    shot(page, "settings-team")
    _change_role(page, "ben@tandem.test", "agent")
    expect(page.locator(".flash")).to_have_text("Ben Carter is now an agent.")

    page.locator(".settings-nav").get_by_role("link", name="SLA & hours").click()
    page.fill("#timezone", "Europe/Berlin")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.fill(f"#hours-{day}", "09:00-18:00")
    page.fill("#hours-sat", "")
    page.fill("#hours-sun", "")
    page.fill("#hours-tue", "18:00-09:00")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator("#tue-error")).to_contain_text("must start before it ends")
    expect(page.locator("#hours-wed")).to_have_value("09:00-18:00")
    page.fill("#hours-tue", "09:00-18:00")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".flash")).to_contain_text("saved")
    expect(page.locator("#hours-fri")).to_have_value("09:00-18:00")
    expect(page.locator("#hours-sat")).to_have_value("")
    shot(page, "settings-sla")

    name = f"Refund sent {word}"
    page.locator(".settings-nav").get_by_role("link", name="Templates").click()
    page.fill("#template-name", name)
    page.fill(
        "#template-body",
        "Hello {{ contact.first_name }}, the refund for #{{ conversation.number }} is on its way.",
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview-text")).to_contain_text("the refund for #")
    shot(page, "settings-templates")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator(".flash")).to_contain_text(f"Template “{name}” created.")
    page.goto(f"{server.url}/inbox?view=all")
    page.locator("a.row-link").first.click()
    page.wait_for_url("**/c/*")
    expect(page.locator("#template option", has_text=name)).to_have_count(1)

    page.goto(f"{server.url}/settings/webhooks")
    hook = f"https://hooks.example.com/{word}"
    page.fill("#webhook-url", hook)
    page.check("#event-conversation-created")
    page.get_by_role("button", name="Create webhook").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert len(secret) >= 32
    shot(page, "settings-webhooks")
    page.goto(f"{server.url}/settings/webhooks")
    expect(page.locator("#webhook-list")).to_contain_text(hook)
    assert secret not in page.content()
    page.get_by_role("link", name=f"Delivery log of {hook}").click()
    expect(page.locator("#deliveries")).to_contain_text("Nothing delivered yet.")
    shot(page, "settings-webhook-log")

    page.goto(f"{server.url}/settings/tokens")
    page.fill("#token-name", f"CRM {word}")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text()
    shot(page, "settings-tokens")
    answer = httpx.get(
        f"{server.url}/api/v1/conversations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["items"]
    page.goto(f"{server.url}/settings/tokens")
    assert token not in page.content()


def test_settings_at_phone_width_and_for_agents(browser: Browser, server: Server) -> None:
    page = signed_in(browser, server, "demo@tandem.test", width=390)
    page.goto(f"{server.url}/settings/team")
    expect(page.locator("#team")).to_contain_text("anna@tandem.test")
    shot(page, "settings-team-phone")
    page.goto(f"{server.url}/settings/sla")
    page.locator("#hours-mon").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#hours-tue")).to_be_focused()
    shot(page, "settings-sla-phone")

    agent = signed_in(browser, server, "anna@tandem.test")
    response = agent.goto(f"{server.url}/settings/webhooks")
    assert response is not None and response.status == 403
    expect(agent.locator("h1")).to_have_text("Admins only")


def _save_workspace(page: Page, name: str, zone: str) -> None:
    page.fill("#name", name)
    page.select_option("#timezone", zone)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Workspace settings saved.")


def _mail_to(inbox: Inbox, email: str) -> int:
    """How many test messages reached `email`, waiting up to 10 s for the first."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not inbox.mail:
        time.sleep(0.2)
    return sum(recipients == [email] for recipients, _ in inbox.mail)


def test_workspace_name_zone_and_a_test_message(browser: Browser, server: Server) -> None:
    page = signed_in(browser, server, "demo@tandem.test")
    page.goto(f"{server.url}/settings")
    page.locator(".settings-nav").get_by_role("link", name="Workspace").click()
    before = page.locator("#name").input_value(), page.locator("#timezone").input_value()
    _save_workspace(page, "Acme Support Desk", "Asia/Tokyo")
    expect(page.locator("#name")).to_have_value("Acme Support Desk")
    expect(page.locator("#timezone")).to_have_value("Asia/Tokyo")
    page.fill("#name", "")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#name-error")).to_contain_text("at least 1 character")
    shot(page, "settings-workspace-refused")
    _save_workspace(page, *before)

    port = free_port()
    page.locator(".settings-nav").get_by_role("link", name="Outgoing mail").click()
    page.fill("#host", "127.0.0.1")
    page.fill("#port", str(port))
    page.select_option("#security", "none")
    page.fill("#sender", "tandem@acme.test")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Outgoing mail saved")
    with smtp_server(port) as inbox:
        page.get_by_role("button", name="Send test message").click()
        expect(page.locator(".flash")).to_have_text(
            "The test message went out to demo@tandem.test.", timeout=5_000
        )
        assert _mail_to(inbox, "demo@tandem.test") == 1
    shot(page, "settings-mail-test-sent")
    page.get_by_role("button", name="Send test message").click()
    expect(page.locator("#form-error")).to_contain_text("The test message could not be sent")
    page.get_by_role("button", name="Remove outgoing mail").click()
    expect(page.locator(".flash")).to_contain_text("Outgoing mail removed")
    page.context.close()


def _fits(page: Page, name: str) -> None:
    """Russian words run longer than English ones: the page must still not scroll sideways."""
    shot(page, name)
    wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"{name} is {wider} px wider than the window"


def test_a_russian_admin_gets_settings_and_their_refusals_in_russian(
    browser: Browser, server: Server
) -> None:
    for width in (1366, 390):
        page = signed_in(browser, server, "demo@tandem.test", width=width, locale="ru-RU")
        page.goto(f"{server.url}/settings")
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        expect(page.locator("h1")).to_have_text("Настройки")
        expect(page.locator(".settings-nav [aria-current=page]")).to_have_text("Почтовые ящики")
        _fits(page, f"settings-ru-{width}")

        page.locator(".settings-nav").get_by_role("link", name="SLA и график").click()
        expect(page.locator("#hours-mon")).to_be_visible()
        page.fill("#hours-tue", "18:00-09:00")
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator("#tue-error")).to_have_text(
            "18:00-09:00 — начало должно быть раньше конца"
        )
        _fits(page, f"settings-sla-ru-{width}")

        page.locator(".settings-nav").get_by_role("link", name="Команда").click()
        expect(page.get_by_role("heading", name="Добавить участника")).to_be_visible()
        _fits(page, f"settings-team-ru-{width}")

        page.locator(".settings-nav").get_by_role("link", name="Вебхуки").click()
        page.fill("#webhook-url", "ftp://hooks.example.com")
        page.check("#event-conversation-created")
        page.get_by_role("button", name="Создать вебхук").click()
        expect(page.locator("#url-error")).to_contain_text("должен быть полным URL http://")
        _fits(page, f"settings-webhooks-ru-{width}")
        page.context.close()
