"""The client's rating, end to end in a real browser: an agent closes a conversation with the
resolution message, the client follows a rating link from the mail Gmail sent (no account),
picks a score with a comment, and the agent sees it on the conversation page."""

import base64
import re
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from playwright.sync_api import Browser, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in
from tests.ui.test_journeys import _open_by_search


def _question(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Maria Lopez <maria@client.test>"
    message["To"] = MAILBOX
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    message.set_content("Hello, I cannot download my invoice. Can you help?")
    return message


def _sent_text(server: Server, subject: str) -> str:
    """The plain text of the mail Gmail sent in the conversation, once it is there."""
    parser = BytesParser(policy=policy.default)
    for _ in range(40):
        for item in reversed(server.sent()):
            mail = parser.parsebytes(base64.urlsafe_b64decode(item["raw"] + "=="))
            if subject in str(mail["Subject"]):
                return str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        time.sleep(0.25)
    raise AssertionError(f"no mail about {subject!r} in the Sent folder")


def test_the_client_rates_the_resolution_and_the_agent_sees_it(
    browser: Browser, server: Server
) -> None:
    subject = f"Invoice download {uuid.uuid4().hex[:10]}"
    server.deliver(_question(subject))
    agent = signed_in(browser, server, "demo@tandem.test")
    _open_by_search(agent, server, subject.split()[-1])
    conversation = agent.url.split("#")[0]

    agent.click("#resolve")
    expect(agent.locator(".meta .badge").first).to_have_text("closed")
    text = _sent_text(server, subject)
    assert "Is your problem solved?" in text
    links = {
        match.group(2): match.group(1)
        for match in re.finditer(r"(http://\S+/rate/\S+\?choice=(\w+))", text)
    }
    assert list(links) == ["5", "4", "3", "2", "1", "unsolved"]

    client = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    client.goto(links["4"])
    expect(client.locator("#rating-title")).to_have_text("Is your problem solved?")
    expect(client.locator("input[name=choice][value='4']")).to_be_checked()
    client.fill("#comment", "Found it, thanks to your steps.")
    shot(client, "csat-rating-page")
    client.click("#send-rating")
    expect(client.locator("#thanks")).to_contain_text("Thank you!")
    expect(client.locator("#comment")).to_have_value("Found it, thanks to your steps.")

    agent.goto(conversation)
    expect(agent.locator("#ratings")).to_contain_text("Client's rating: 4 of 5")
    expect(agent.locator("#ratings")).to_contain_text("Found it, thanks to your steps.")
    shot(agent, "csat-on-the-conversation")
