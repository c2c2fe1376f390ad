"""An email built to attack the agent's browser: nothing in it runs, and nothing loads from
the network until the agent asks for images."""

import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, expect

from tests.ui.conftest import Server, shot, signed_in
from tests.ui.test_journeys import _client_mail, _open_by_search


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

    def log_message(self, *_args: object) -> None:
        """Quiet: the test reads `hits`."""


@pytest.fixture
def tracker() -> Iterator[str]:
    _Counting.hits = []
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_address[1]}"
    http.shutdown()
    http.server_close()


def _hostile(tracker: str) -> str:
    return f"""<html><head><script>window.top.pwned = 'head';</script>
<link rel="stylesheet" href="{tracker}/style.css">
<meta http-equiv="refresh" content="0;url={tracker}/refresh">
<style>body {{ background: url({tracker}/bg.png); width: expression(alert(1)); }}</style></head>
<body onload="window.top.pwned = 'onload'">
<p>Please pay the invoice.</p>
<script>window.pwned = 'script'; fetch('{tracker}/fetch');</script>
<img src="{tracker}/pixel.gif" onerror="window.top.pwned = 'onerror'">
<img src="x" onerror="window.top.pwned = 'img'; new Image().src = '{tracker}/onerror'">
<a id="js" href="javascript:window.top.pwned = 'link'">Open invoice</a>
<div style="background-image: url({tracker}/div.png); width: expression(alert(2))">styled</div>
<svg onload="window.top.pwned = 'svg'"><circle r="5"/></svg>
<iframe src="{tracker}/frame"></iframe><object data="{tracker}/object"></object>
<form action="{tracker}/form"><button>Pay</button></form>
</body></html>"""


def test_nothing_runs_and_nothing_loads(browser: Browser, server: Server, tracker: str) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(_client_mail(f"Invoice overdue {word}", html=_hostile(tracker)))
    page = signed_in(browser, server, "demo@tandem.test")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open_by_search(page, server, word)
    frame_element = page.locator("iframe.mail-html").last
    expect(frame_element).to_have_attribute("sandbox", "allow-same-origin")
    frame = frame_element.content_frame
    expect(frame.locator("body")).to_contain_text("Please pay the invoice.")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.pwned === undefined && window.top.pwned === undefined")
    assert _Counting.hits == [], "no request left the browser for the email"
    assert dialogs == []
    shot(page, "hostile-email")

    page.locator("button.show-images").last.click()
    expect(page.locator("iframe.mail-html").last).to_have_attribute("src", re.compile("images=1"))
    page.wait_for_timeout(1500)
    assert any(hit.endswith("pixel.gif") for hit in _Counting.hits), "asked for: images load"
    assert page.evaluate("window.pwned === undefined && window.top.pwned === undefined")
    assert dialogs == []
