"""The conversation page live, two agents in two browser contexts: "Ben is replying" reaches
Anna within 2 s (on one process, and when their tabs are served by two processes of
`tandem serve --workers 2`), Anna's send while Ben's reply waits in its undo window asks first,
a new message shows up with its marker while the typed text stays; and the page's quick
actions: snooze from its own control, "Send and close", and `e` going on to the next."""

import uuid
from email.message import EmailMessage

from playwright.sync_api import Browser, Response, expect

from tests.ui.conftest import MAILBOX, Server, shot, signed_in
from tests.ui.test_journeys import _open_by_search
from tests.ui.workers_server import workers_server

__all__ = ["workers_server"]


def _mail(subject: str, word: str, reply_to: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Lea Novak <lea@client.test>", MAILBOX, subject
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@client.test>"
    if reply_to:
        mail["In-Reply-To"] = mail["References"] = reply_to
    mail.set_content(f"Where is my parcel? {word}")
    return mail


def _new_conversation(server: Server) -> tuple[str, str]:
    word = uuid.uuid4().hex[:10]
    first = _mail(f"Parcel {word}", word)
    server.deliver(first)
    return word, first["Message-ID"]


def test_ben_replying_reaches_anna_within_two_seconds(browser: Browser, server: Server) -> None:
    word, _ = _new_conversation(server)
    anna = signed_in(browser, server, "anna@tandem.test")
    _open_by_search(anna, server, word)
    ben = signed_in(browser, server, "ben@tandem.test")
    _open_by_search(ben, server, word)
    expect(anna.locator("#presence")).to_contain_text("Ben Carter is viewing", timeout=2_000)
    ben.fill("#reply-body", "Hello Lea, it left today.")
    expect(anna.locator("#presence")).to_contain_text("Ben Carter is replying", timeout=2_000)
    ben.fill("#reply-body", "")
    expect(anna.locator("#presence")).to_contain_text("Ben Carter is viewing", timeout=2_000)
    ben.goto(f"{server.url}/inbox")
    expect(anna.locator("#presence")).not_to_contain_text("Ben Carter", timeout=2_000)
    ben.context.close()
    anna.context.close()


def _served_by(response: Response) -> str:
    return response.headers["x-served-by"]


def _typing_told(answer: Response) -> bool:
    """The presence refresh that says the reply box holds text."""
    return "/presence" in answer.url and "typing=true" in (answer.request.post_data or "")


def test_ben_replying_reaches_anna_across_two_processes(
    browser: Browser,
    workers_server: Server,
) -> None:
    """Anna's live stream is served by one process and Ben's typing by the other (contexts are
    opened again until it is so), so the news crosses processes through the database."""
    server = workers_server
    word, _ = _new_conversation(server)
    for _attempt in range(12):
        anna = signed_in(browser, server, "anna@tandem.test")
        with anna.expect_response(lambda answer: "/events" in answer.url) as stream:
            _open_by_search(anna, server, word)
        ben = signed_in(browser, server, "ben@tandem.test")
        _open_by_search(ben, server, word)
        expect(anna.locator("#presence")).not_to_contain_text("replying", timeout=5_000)
        with ben.expect_response(_typing_told) as told:
            ben.fill("#reply-body", "Hello Lea, it left today.")
        if _served_by(told.value) != _served_by(stream.value):
            expect(anna.locator("#presence")).to_contain_text(
                "Ben Carter is replying", timeout=2_000
            )
            ben.context.close()
            anna.context.close()
            return
        ben.fill("#reply-body", "")
        expect(anna.locator("#presence")).not_to_contain_text("replying", timeout=5_000)
        ben.context.close()
        anna.context.close()
    raise AssertionError("twelve tries and both tabs were always served by one process")


def test_anna_sending_while_bens_reply_is_queued_is_asked_first(
    browser: Browser,
    workers_server: Server,
) -> None:
    server = workers_server
    word, _ = _new_conversation(server)
    anna = signed_in(browser, server, "anna@tandem.test")
    _open_by_search(anna, server, word)
    ben = signed_in(browser, server, "ben@tandem.test")
    _open_by_search(ben, server, word)
    anna.fill("#reply-body", "Hello Lea, Anna here: it left today.")
    ben.fill("#reply-body", "Hello Lea, Ben here: it left today.")
    ben.click("#send")
    expect(ben.locator("#outcome")).to_contain_text("Reply goes out")
    expect(anna.locator("#timeline")).to_contain_text(
        "A reply by Ben Carter is queued", timeout=2_000
    )
    expect(anna.locator("#reply-body")).to_have_value("Hello Lea, Anna here: it left today.")

    anna.click("#send")
    expect(anna.locator("#held")).to_contain_text("Ben Carter is sending a reply: send anyway?")
    expect(anna.locator("#reply-body")).to_have_value("Hello Lea, Anna here: it left today.")
    assert anna.locator("#outcome").count() == 0, "nothing sent before she confirms"
    shot(anna, "conversation-send-anyway")
    anna.click("#send-anyway")
    expect(anna.locator("#outcome")).to_contain_text("Reply goes out")
    for page in (anna, ben):
        page.locator("#outcome button", has_text="Undo").click()
        expect(page.locator("#outcome")).to_contain_text("Reply cancelled")
    anna.context.close()
    ben.context.close()


def test_a_new_message_arrives_with_its_marker_and_the_typed_text_stays(
    browser: Browser, server: Server
) -> None:
    word, first_id = _new_conversation(server)
    anna = signed_in(browser, server, "anna@tandem.test")
    _open_by_search(anna, server, word)
    anna.fill("#reply-body", "Half-written answer")
    anna.fill("#note-body", "Half-written note")
    server.deliver(_mail(f"Re: Parcel {word}", f"{word} again, any news?", reply_to=first_id))
    expect(anna.locator("li.message.fresh")).to_contain_text(
        "New message from Lea Novak", timeout=15_000
    )
    expect(anna.locator("li.message.fresh")).to_contain_text("any news?")
    expect(anna.locator("#reply-body")).to_have_value("Half-written answer")
    expect(anna.locator("#note-body")).to_have_value("Half-written note")
    anna.context.close()


def test_snooze_from_its_own_control(browser: Browser, server: Server) -> None:
    word, _ = _new_conversation(server)
    anna = signed_in(browser, server, "anna@tandem.test")
    _open_by_search(anna, server, word)
    anna.select_option("#snooze-when", "tomorrow9")
    anna.locator("#snooze-form button[type=submit]").click()
    expect(anna.locator(".meta")).to_contain_text("Snoozed until")
    expect(anna.locator(".meta .badge").first).to_have_text("snoozed")
    anna.context.close()


def test_send_and_close(browser: Browser, server: Server) -> None:
    word, _ = _new_conversation(server)
    anna = signed_in(browser, server, "anna@tandem.test")
    _open_by_search(anna, server, word)
    anna.fill("#reply-body", "Hello Lea, it arrives tomorrow.")
    anna.click("#send-close")
    expect(anna.locator("#outcome")).to_contain_text("Closed with this reply")
    expect(anna.locator(".meta .badge").first).to_have_text("closed")
    expect(anna.locator("#outcome")).to_contain_text("Reply sent", timeout=15_000)
    anna.context.close()


def test_e_closes_and_goes_to_the_next_conversation(browser: Browser, server: Server) -> None:
    word = uuid.uuid4().hex[:10]
    for subject in ("Older", "Newer"):
        server.deliver(_mail(f"{subject} {word}", word))
    anna = signed_in(browser, server, "anna@tandem.test")
    for _ in range(60):
        anna.goto(f"{server.url}/inbox?view=all&q={word}")
        if anna.locator("a.row-link").count() == 2:
            break
        anna.wait_for_timeout(500)
    first, second = (anna.locator("a.row-link").nth(n).get_attribute("href") for n in (0, 1))
    anna.locator("a.row-link").first.click()
    anna.wait_for_url(f"**{first}")
    anna.locator("body").press("e")
    anna.wait_for_url(f"**{second}?from=*")
    expect(anna.locator("#close-form input[name=from]")).to_have_value(f"view=all&q={word}")
    anna.goto(f"{server.url}{first}")
    expect(anna.locator(".meta .badge").first).to_have_text("closed")
    anna.context.close()
