"""The Reports page on the demo's sixty days of history, in a real browser: reached from the
top bar, alive at first sight (bars in both charts), a preset period, the CSV downloaded with
its Cyrillic name intact, and the page at phone width and in print."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.ui.conftest import Browser, Server, shot, signed_in


def _bars(page: Page, chart: str) -> list[float]:
    heights = page.locator(f"#{chart} rect.bar").evaluate_all(
        "bars => bars.map(bar => bar.getBBox().height)"
    )
    return [float(height) for height in heights]


def test_a_lead_reads_the_report_changes_the_period_and_downloads_it(
    browser: Browser, server: Server
) -> None:
    page = signed_in(browser, server, "demo@tandem.test", width=1366)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url("**/reports")

    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect(page.locator("#day-chart")).to_have_attribute("role", "img")
    days = _bars(page, "day-chart")
    assert len(days) == 60 and sum(1 for height in days if height > 0) > 30, "30 days of work"
    assert sum(_bars(page, "wait-chart")) > 0
    assert page.locator("#agents").get_by_text("Ольга Соколова").is_visible()
    shot(page, "reports-1366")

    page.get_by_role("button", name="Last 7 days").click()
    page.wait_for_url(re.compile(r"period=last7"))
    assert len(_bars(page, "day-chart")) == 14
    first = page.locator("#from").input_value()
    assert first == page.locator("#day-table tbody th").first.get_attribute("data-day")

    with page.expect_download() as downloading:
        page.locator("#report-csv").click()
    download = downloading.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename.startswith(f"tandem-report-{first}-")
    assert data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["date", "created", "closed"] and len(rows[1:8]) == 7
    assert rows[9][:2] == ["agent", "email"]
    assert "Ольга Соколова" in {row[0] for row in rows[10:]}


def test_the_report_fits_a_phone_and_prints_without_the_controls(
    browser: Browser, server: Server
) -> None:
    page = signed_in(browser, server, "demo@tandem.test", width=390)
    page.goto(f"{server.url}/reports?period=last90")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    expect(page.locator("#figures")).to_be_visible()
    shot(page, "reports-390")

    page.emulate_media(media="print")
    expect(page.locator("#report-form")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#day-chart")).to_be_visible()
    expect(page.locator("#report-period")).to_contain_text("durations in business hours")
    shot(page, "reports-print")
