"""Sign in with Google in a real browser: the demo's Gmail emulator stands in for Google's
account chooser, and Tandem verifies the ID token it signs."""

from playwright.sync_api import Browser, expect

from tests.ui.conftest import Server, shot


def test_sign_in_with_google_as_anna(browser: Browser, server: Server) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login")
    page.get_by_role("link", name="Sign in with Google").click()
    page.wait_for_url(f"{server.emulator}/o/oauth2/auth*")
    page.get_by_role("link", name="anna@tandem.test").click()
    page.wait_for_url("**/inbox")
    expect(page.locator(".who")).to_contain_text("Anna Petrova · anna@tandem.test")
    shot(page, "sign-in-with-google")
