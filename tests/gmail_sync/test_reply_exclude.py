"""Removing reply-all recipients by hand (`exclude`): the API, the web composer, the real Gmail
client and the emulator's Sent folder."""

import base64
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import AuditEvent, Conversation
from app.core.settings import Settings
from app.main import create_app
from tests.app.web.test_sign_in import csrf_of, sign_in
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
ANNA = "Anna Petrova <anna@client.test>"
BORIS = '"Ivanov, Boris" <boris@client.test>'
CARLA = "Carla Diaz <carla@client.test>"


@pytest.fixture
def instant(sync_settings: Settings) -> Iterator[TestClient]:
    """Tandem with no undo window: a reply goes to Gmail right after the answer (the test
    client runs the response's background tasks before it returns)."""
    with TestClient(create_app(sync_settings.model_copy(update={"undo_send_seconds": 0}))) as c:
        yield c


@pytest.fixture
def conversation(
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> int:
    """Anna writes to support, Boris and Carla in Cc; synced."""
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    raw = make_mail(
        "Invoice 1042", "Where is my invoice?", sender=ANNA, to=SUPPORT, cc=f"{BORIS}, {CARLA}"
    )
    deliver(control, SUPPORT, raw)
    run_sync(engine, sync_settings, connect_via_api(instant, admin.headers, SUPPORT))
    with Session(engine) as session:
        return int(session.exec(select(Conversation.id)).one() or 0)


def sent_mail(control: httpx.Client) -> list[EmailMessage]:
    answer = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent")
    answer.raise_for_status()
    parser = BytesParser(policy=policy.default)
    return [
        parser.parsebytes(base64.urlsafe_b64decode(item["raw"]))  # type: ignore[misc]
        for item in answer.json()["messages"]
    ]


def reply(client: TestClient, conversation: int, admin: Member, **body: Any) -> httpx.Response:
    return client.post(
        f"/api/v1/conversations/{conversation}/reply", json=body, headers=admin.headers
    )


def test_a_removed_cc_does_not_get_the_reply_and_the_removal_is_audited(
    conversation: int, instant: TestClient, admin: Member, control: httpx.Client, engine: Engine
) -> None:
    answer = reply(
        instant, conversation, admin, body_text="Sent today.", exclude=["BORIS@client.test"]
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["cc"] == [CARLA]
    assert answer.json()["recipients"] == {"added": [], "dropped": ["boris@client.test"]}
    [mail] = sent_mail(control)
    assert mail["To"] == ANNA
    assert mail["Cc"] == CARLA
    assert "boris" not in mail.as_string().lower()
    with Session(engine) as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "reply.recipients_removed")
        ).all()
    assert event.actor_id == admin.user_id
    assert event.details["removed"] == [BORIS]
    assert event.details["cc"] == [CARLA]
    assert event.details["message_id"] == answer.json()["id"]


def test_multipart_replies_take_exclude_as_repeated_fields(
    conversation: int, instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    answer = instant.post(
        f"/api/v1/conversations/{conversation}/reply",
        data={"body_text": "Attached.", "exclude": ["boris@client.test", "carla@client.test"]},
        files=[("attachments", ("note.txt", b"hello", "text/plain"))],
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["recipients"]["dropped"] == ["boris@client.test", "carla@client.test"]
    [mail] = sent_mail(control)
    assert mail["Cc"] is None
    assert [part.get_filename() for part in mail.iter_attachments()] == ["note.txt"]


@pytest.mark.parametrize(
    ("exclude", "message"),
    [
        (["anna@client.test"], "nobody left to send to"),
        (["zoe@client.test"], "not a recipient of this reply"),
        ([SUPPORT], "not a recipient of this reply"),
        (["not an address"], "exclude"),
        (["a@b.test, c@d.test"], "exclude"),
    ],
)
def test_bad_exclusions_are_refused_with_a_message_and_nothing_is_sent(
    exclude: list[str],
    message: str,
    conversation: int,
    instant: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
) -> None:
    answer = reply(instant, conversation, admin, body_text="Hi", exclude=exclude)

    assert answer.status_code == 422, answer.text
    assert message in answer.json()["detail"]
    assert sent_mail(control) == []
    with Session(engine) as session:
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action.startswith("reply."))).all()
            == []
        )  # type: ignore[attr-defined]


def test_the_web_composer_posts_struck_chips_and_keeps_the_draft_when_refused(
    conversation: int, instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    sign_in(instant, admin)
    page = instant.get(f"/c/{conversation}").text
    assert 'aria-label="Remove &#34;Ivanov, Boris&#34; &lt;boris@client.test&gt;"' in page
    assert 'enctype="multipart/form-data"' in page
    csrf = csrf_of(page)

    refused = instant.post(
        f"/c/{conversation}/reply",
        data={"csrf_token": csrf, "body_text": "Typed answer", "exclude": ["anna@client.test"]},
        files=[("attachments", ("plan.txt", b"plan", "text/plain"))],
    )
    assert refused.status_code == 422
    assert "nobody left to send to" in refused.text
    assert "choose them again" in refused.text
    assert "Typed answer" in refused.text
    assert sent_mail(control) == []

    sent = instant.post(
        f"/c/{conversation}/reply",
        data={"csrf_token": csrf, "body_text": "Typed answer", "exclude": [BORIS]},
        files=[("attachments", ("plan.txt", b"plan", "text/plain"))],
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    [mail] = sent_mail(control)
    assert mail["Cc"] == CARLA
    assert [part.get_content() for part in mail.iter_attachments()] == ["plan"]
