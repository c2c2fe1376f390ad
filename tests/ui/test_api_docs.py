"""The API reference in a browser that reaches nothing but Tandem: every request to another
address is aborted, as on a machine without internet, and /docs and /redoc still work, with no
failed request and nothing refused by the page's Content-Security-Policy."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route

from tests.ui.conftest import Server, shot, signed_in


class Offline:
    """Aborts the page's requests to anything but the server, and notes what went wrong."""

    def __init__(self, page: Page, server: Server) -> None:
        self.page = page
        self.origin = urlsplit(server.url).netloc
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.context.route("**/*", self._only_tandem)
        page.on("requestfailed", self._failed)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _only_tandem(self, route: Route) -> None:
        if urlsplit(route.request.url).netloc == self.origin:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort("internetdisconnected")

    def _failed(self, request: Request) -> None:
        self.failed.append(f"{request.url}: {request.failure}")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def assert_clean(self) -> None:
        assert self.outside == [], "the page asked another site"
        assert self.failed == []
        assert self.errors == [], "a refused script, style, image or worker is told here"


@pytest.fixture
def visitor(browser: Browser, server: Server) -> Iterator[Offline]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Offline(page, server)
    context.close()


def test_swagger_ui_lists_every_operation_and_calls_one_with_a_token(
    browser: Browser, server: Server
) -> None:
    """An admin creates a token in Settings, follows its hint to /docs (in a tab of its own, so
    the settings page's own stream ending is not counted), authorizes with the token and tries
    GET /api/v1/me there."""
    settings = signed_in(browser, server, "demo@tandem.test")
    settings.goto(f"{server.url}/settings/tokens")
    settings.fill("#token-name", "Swagger")
    settings.get_by_role("button", name="Create token").click()
    token = settings.locator("#new-token").inner_text()
    hint = settings.get_by_role("link", name="/docs").get_attribute("href")
    settings.close()
    page = settings.context.new_page()
    page.set_default_timeout(15_000)
    docs = Offline(page, server)
    page.goto(f"{server.url}{hint}")
    page.locator(".opblock").first.wait_for()
    operations = page.evaluate(
        """async () => {
            const spec = await (await fetch('/openapi.json')).json();
            return Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
        }"""
    )
    assert page.locator(".opblock").count() == operations
    assert page.locator("#operations-conversations-listConversations").is_visible()

    page.get_by_role("button", name="Authorize").first.click()
    dialog = page.locator(".modal-ux")
    assert "apiToken" in dialog.inner_text() and "Bearer" in dialog.inner_text()
    dialog.locator("input").fill(token)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()
    me = page.locator("#operations-users-getMe")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    answer = me.locator(".live-responses-table tbody .response-col_status").first
    answer.wait_for()
    assert answer.inner_text().strip() == "200"
    assert "demo@tandem.test" in me.locator(".live-responses-table").inner_text()
    shot(page, "api-docs-swagger", full_page=False)
    docs.assert_clean()
    page.context.close()


def test_redoc_renders_and_searches(visitor: Offline, server: Server) -> None:
    page = visitor.page
    page.goto(f"{server.url}/redoc")
    page.locator("h1", has_text="Tandem").wait_for()
    assert page.locator("[data-section-id='operation/replyToConversation']").count() == 1
    page.get_by_placeholder("Search...").fill("reply")
    found = page.locator("[data-role='search:results'] [data-item-id$='/replyToConversation']")
    found.wait_for()
    shot(page, "api-docs-redoc", full_page=False)
    visitor.assert_clean()
