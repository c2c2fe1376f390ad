"""A live `tandem serve --demo` (its Gmail emulator in-process, a temporary SQLite database,
replies sent at once) and Debian's chromium driven by Playwright; never a downloaded browser.

Screenshots go to test-artifacts/ (gitignored).
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import demo_port

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MAILBOX = "support@acme.test"


@dataclass
class Server:
    url: str
    emulator: str

    def deliver(self, message: EmailMessage, to: str = MAILBOX) -> None:
        httpx.post(
            f"{self.emulator}/_emulator/mailboxes/{to}/messages",
            content=message.as_bytes(),
            headers={"Content-Type": "message/rfc822"},
            timeout=10,
        ).raise_for_status()

    def sent(self, mailbox: str = MAILBOX) -> list[dict[str, str]]:
        answer = httpx.get(f"{self.emulator}/_emulator/mailboxes/{mailbox}/sent", timeout=10)
        return list(answer.json()["messages"])


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tandem serve stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"tandem serve did not answer:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("live")
    port = demo_port()
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": f"sqlite:///{folder / 'tandem.db'}",
        "TANDEM_UNDO_SEND_SECONDS": "0",
        "TANDEM_POLL_INTERVAL_SECONDS": "2",
    }
    env.pop("TANDEM_TEST_POSTGRES_URL", None)
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "tandem"), "serve", "--demo", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
        yield Server(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 25}")
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need /usr/bin/chromium: run `make chromium`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def signed_in(
    browser: Browser, server: Server, email: str, width: int = 1280, locale: str = "en-US"
) -> Page:
    """`locale` is the browser's language, which Tandem answers in."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "tandem-demo")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url("**/inbox")
    return page


def shot(page: Page, name: str, full_page: bool = True) -> None:
    """A page as long as the API reference takes Chromium longer than a test's timeout to
    paint whole on a loaded machine: such pages are shot as far as the window shows."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
