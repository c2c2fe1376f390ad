"""Usable by everyone: every control has a name a screen reader can say, text has enough
contrast against its background (WCAG AA), and pages fit a phone's width without sideways
scrolling."""

import pytest
from playwright.sync_api import Page

from tests.ui.conftest import Browser, Server, shot, signed_in

_UNNAMED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href], summary')]
  .filter(el => el.getClientRects().length)
  .filter(el => {
    const labelled = el.getAttribute('aria-labelledby');
    const name = [...(el.labels || [])].map(l => l.textContent).join(' ')
      || el.getAttribute('aria-label') || el.getAttribute('title')
      || (labelled && document.getElementById(labelled)?.textContent)
      || (['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) ? el.textContent : '');
    return !(name || '').trim();
  })
  .map(el => el.outerHTML.slice(0, 160))"""

# The contrast of every visible element that holds text itself, against the first opaque
# background behind it; large text (24px, or 18.66px bold) needs 3:1, the rest 4.5:1.
_LOW_CONTRAST = """() => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (let node = el; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] === 1) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[disabled]')) continue;
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 40);
    if (ratio < needed) low.push(`${ratio.toFixed(2)} ${el.tagName} "${text}"`);
  }
  return low;
}"""


def _pages(page: Page, server: Server) -> list[str]:
    page.goto(f"{server.url}/inbox?view=all")
    conversation = page.locator("a.row-link").first.get_attribute("href")
    parts = ("workspace", "team", "sla", "templates", "mail", "webhooks", "tokens", "queues")
    settings = [f"/settings/{part}" for part in parts]
    activity = f"{conversation}/activity"
    pages = ["/inbox?view=all", str(conversation), activity, "/settings", *settings]
    return [*pages, "/account", "/reports"]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_controls_are_named_text_is_readable_and_pages_fit(
    browser: Browser, server: Server, width: int
) -> None:
    page = signed_in(browser, server, "demo@tandem.test", width=width)
    for path in _pages(page, server):
        response = page.goto(f"{server.url}{path}")
        assert response is not None and response.ok, path
        assert page.evaluate(_UNNAMED) == [], f"unnamed controls on {path}"
        assert page.evaluate(_LOW_CONTRAST) == [], f"low contrast on {path}"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    shot(page, f"account-{width}")


def test_the_keyboard_reaches_the_reply_box_from_the_top(browser: Browser, server: Server) -> None:
    """The skip link comes first, and tabbing through the conversation reaches the reply."""
    page = signed_in(browser, server, "demo@tandem.test")
    page.goto(f"{server.url}{_pages(page, server)[1]}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "reply-body":
            break
    else:
        pytest.fail("Tab never reached the reply box")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control shows where focus is"
