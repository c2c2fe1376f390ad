"""An HTML reply in the conversation page: its frame is as tall as the mail (nothing scrolls
inside it, no blank band under it), in the page's font, the quoted history shown once (under
"Show quoted history"), on a wide screen and on a phone. Screenshots go to test-artifacts/."""

import uuid
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.ui.conftest import ARTIFACTS, MAILBOX, Server, shot, signed_in
from tests.ui.test_journeys import _open_by_search

#: A 32x8 blue banner, shown 1600x400 by the mail: wider than any frame.
_BANNER = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAICAIAAAAX52r4AAAAFklEQVR4nGPQiDpB"
    "U8QwasGoBYPfAgCoRUoQZUuBdAAAAABJRU5ErkJggg=="
)


def _html_reply(word: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"] = "Lea Novak <lea@client.test>", MAILBOX
    mail["Subject"] = f"Re: Parcel {word}"
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    mail.set_content(
        "Thanks, the parcel arrived.\n\nOn Mon, Anna wrote:\n"
        f"> Your parcel left today. Quoted {word}."
    )
    paragraphs = "".join(
        f"<p>Line {number} of the answer: the parcel arrived in good order.</p>"
        for number in range(1, 9)
    )
    mail.add_alternative(
        f"""<html><body><div dir="ltr"><p style="font-family:Arial">Hello Anna,</p>{paragraphs}
<p><img src="{_BANNER}" width="1600" height="400" alt="A wide banner"></p>
<table width="900"><tr><td>Order</td><td>4711-{word}</td></tr></table>
<p>Best regards,<br>Lea</p></div>
<div class="gmail_quote"><div>On Mon, Anna wrote:</div>
<blockquote class="gmail_quote">Your parcel left today. Quoted {word}.</blockquote></div>
</body></html>""",
        subtype="html",
    )
    return mail


def _fits(page: Page) -> None:
    frame_element = page.locator("li.message.inbound iframe.mail-html")
    expect(frame_element).to_have_class("mail-html fitted")
    frame = frame_element.element_handle().content_frame()
    assert frame is not None
    expect(frame.locator("body")).to_contain_text("Best regards")
    page.wait_for_function(
        """(frame) => {
          const html = frame.contentDocument.documentElement;
          return Math.abs(frame.clientHeight - html.getBoundingClientRect().height) <= 1
              && html.scrollHeight <= frame.clientHeight + 1
              && html.scrollWidth <= frame.clientWidth + 1;
        }""",
        arg=frame_element.element_handle(),
    )
    font = frame.evaluate("getComputedStyle(document.querySelector('td')).fontFamily")
    assert font == page.evaluate("getComputedStyle(document.body).fontFamily")


@pytest.mark.parametrize("width", [1366, 390])
def test_an_html_mail_fits_its_frame_with_the_history_once(
    browser: Browser, server: Server, width: int
) -> None:
    word = uuid.uuid4().hex[:10]
    server.deliver(_html_reply(word))
    page = signed_in(browser, server, "anna@tandem.test", width=width)
    _open_by_search(page, server, word)
    _fits(page)
    frame = page.locator("li.message.inbound iframe.mail-html").content_frame
    expect(frame.locator("body")).not_to_contain_text(f"Quoted {word}")
    entry = page.locator("li.message.inbound")
    expect(entry.locator("details.quoted")).to_have_count(1)
    entry.locator("details.quoted summary").click()
    expect(entry.locator("details.quoted")).to_contain_text(f"Quoted {word}")
    shot(page, f"conversation-html-mail-{width}")
    entry.screenshot(path=str(ARTIFACTS / f"conversation-html-mail-{width}-entry.png"))
    page.context.close()
