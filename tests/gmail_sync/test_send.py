"""Replying end to end: the API, the real Gmail client and the emulator's Sent folder."""

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.models import (
    AuditEvent,
    Conversation,
    Message,
    MessageState,
    Template,
    WebhookDelivery,
    utcnow,
)
from app.core.settings import Settings
from app.main import create_app
from gmail_sync.compose import OutgoingAttachment, build_reply
from gmail_sync.delivery import send_due
from tests.conftest import Member, Team
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver, run_sync

SUPPORT = "support@acme.test"
ANNA = "Anna Petrova <anna@client.test>"
BORIS = '"Ivanov, Boris" <boris@client.test>'


@pytest.fixture
def mailbox(control: httpx.Client) -> str:
    body = {"email": SUPPORT, "name": "Acme Support", "aliases": ["help@acme.test"]}
    control.post("/_emulator/mailboxes", json=body).raise_for_status()
    return SUPPORT


@pytest.fixture
def instant(sync_settings: Settings) -> Iterator[TestClient]:
    """Tandem with no undo window: a reply goes to Gmail right after the API answers (the test
    client runs the response's background tasks before it returns)."""
    app = create_app(sync_settings.model_copy(update={"undo_send_seconds": 0}))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def conversation(
    mailbox: str,
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> dict[str, Any]:
    """A client's question to support (alias help@ in Cc, a colleague too), synced."""
    raw = make_mail(
        "Invoice 1042",
        "Where is my invoice?",
        sender=ANNA,
        to=SUPPORT,
        cc=f"{BORIS}, help@acme.test",
        message_id="<q1@client.test>",
    )
    delivered = deliver(control, mailbox, raw)
    mailbox_id = connect_via_api(tandem, admin.headers, mailbox)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        row = session.exec(select(Conversation)).one()
    return {"id": row.id, "thread": delivered["threadId"], "mailbox_id": mailbox_id}


def sent_mail(control: httpx.Client) -> list[tuple[EmailMessage, str]]:
    response = control.get(f"/_emulator/mailboxes/{SUPPORT}/sent")
    response.raise_for_status()
    parser = BytesParser(policy=policy.default)
    return [
        (parser.parsebytes(base64.urlsafe_b64decode(item["raw"])), item["threadId"])  # type: ignore[misc]
        for item in response.json()["messages"]
    ]


def reply_url(conversation: dict[str, Any]) -> str:
    return f"/api/v1/conversations/{conversation['id']}/reply"


def test_a_reply_goes_to_everyone_in_the_same_thread_and_syncs_back_as_one_message(
    conversation: dict[str, Any],
    instant: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
    sync_settings: Settings,
) -> None:
    hook = {"url": "https://hooks.test/hook", "events": ["message.sent"]}
    assert instant.post("/api/v1/webhooks", json=hook, headers=admin.headers).is_success
    answer = instant.post(
        reply_url(conversation), json={"body_text": "It is attached."}, headers=admin.headers
    )

    assert answer.status_code == 201, answer.text
    with Session(engine) as session:
        announced = session.exec(select(WebhookDelivery.event)).all()
    assert announced == ["message.sent"]
    body = answer.json()
    assert body["state"] == "queued"
    outgoing = instant.get(f"/api/v1/outbox/{body['id']}", headers=admin.headers).json()
    assert outgoing["state"] == "sent"
    assert body["to"] == [ANNA]
    assert body["cc"] == [BORIS]
    assert body["recipients"] == {"added": [], "dropped": []}
    [(mail, thread)] = sent_mail(control)
    assert thread == conversation["thread"]
    assert mail["To"] == ANNA
    assert mail["Cc"] == BORIS
    assert mail["In-Reply-To"] == "<q1@client.test>"
    assert mail["References"] == "<q1@client.test>"
    assert mail["Subject"] == "Re: Invoice 1042"
    assert "It is attached." in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    run_sync(engine, sync_settings, conversation["mailbox_id"])
    detail = instant.get(f"/api/v1/conversations/{conversation['id']}", headers=admin.headers)
    outbound = [m for m in detail.json()["messages"] if m["direction"] == "outbound"]
    assert [m["id"] for m in outbound] == [body["id"]]
    assert outbound[0]["gmail_id"] == outgoing["gmail_id"]
    assert detail.json()["message_count"] == 2


def test_the_client_wrote_to_an_alias_so_the_reply_comes_from_it(
    mailbox: str,
    admin: Member,
    instant: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    deliver(control, mailbox, make_mail("Hi", "Question", sender=ANNA, to="help@acme.test"))
    mailbox_id = connect_via_api(instant, admin.headers, mailbox)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation_id = session.exec(select(Conversation.id)).one()

    answer = instant.post(
        f"/api/v1/conversations/{conversation_id}/reply",
        json={"body_text": "Answer"},
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    [(mail, _)] = sent_mail(control)
    assert "help@acme.test" in mail["From"]
    assert mail["To"] == ANNA


def test_a_reply_waits_for_its_undo_window_and_a_cancelled_one_never_leaves(
    conversation: dict[str, Any],
    tandem: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
    sync_settings: Settings,
) -> None:
    kept = tandem.post(reply_url(conversation), json={"body_text": "One"}, headers=admin.headers)
    dropped = tandem.post(reply_url(conversation), json={"body_text": "Two"}, headers=admin.headers)
    assert kept.json()["state"] == dropped.json()["state"] == "queued"

    cancelled = tandem.delete(f"/api/v1/outbox/{dropped.json()['id']}", headers=admin.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["text"] == "Two"

    timeline = tandem.get(f"/api/v1/conversations/{conversation['id']}", headers=admin.headers)
    outbound = [m for m in timeline.json()["messages"] if m["direction"] == "outbound"]
    assert [(m["text"], m["state"], m["kind"]) for m in outbound] == [("One", "queued", "reply")]
    assert send_due(engine=engine, settings=sync_settings, now=utcnow()) == []
    assert sent_mail(control) == []
    later = utcnow() + timedelta(seconds=sync_settings.undo_send_seconds + 1)
    [outcome] = send_due(engine=engine, settings=sync_settings, now=later)
    assert outcome.sent
    [(mail, _)] = sent_mail(control)
    assert "One" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    too_late = tandem.delete(f"/api/v1/outbox/{kept.json()['id']}", headers=admin.headers)
    assert too_late.status_code == 409
    assert "sent" in too_late.json()["detail"]


def test_replying_to_the_sender_only_needs_a_reason_and_is_audited(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    refused = instant.post(
        reply_url(conversation), json={"body_text": "Hi", "mode": "sender"}, headers=admin.headers
    )
    assert refused.status_code == 422
    assert "reason" in refused.json()["detail"]

    answer = instant.post(
        reply_url(conversation),
        json={"body_text": "Private", "mode": "sender", "reason": "salary details"},
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["recipients"]["dropped"] == ["boris@client.test"]
    [(mail, _)] = sent_mail(control)
    assert mail["To"] == ANNA
    assert mail["Cc"] is None
    events = instant.get(
        f"/api/v1/conversations/{conversation['id']}/events", headers=admin.headers
    ).json()
    [audit] = [e for e in events if e["action"] == "reply.sender_only"]
    assert audit["details"]["dropped"] == [BORIS]
    assert audit["details"]["reason"] == "salary details"
    assert audit["actor_id"] == admin.user_id


def test_extra_cc_and_bcc_are_added_once(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    answer = instant.post(
        reply_url(conversation),
        json={
            "body_text": "Looping in finance",
            "cc": ["Finance <finance@client.test>", "BORIS@client.test"],
            "bcc": ["audit@acme-partner.test"],
        },
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["cc"] == [BORIS, "Finance <finance@client.test>"]
    assert answer.json()["recipients"]["added"] == ["finance@client.test"]
    [(mail, _)] = sent_mail(control)
    assert mail["Bcc"] == "audit@acme-partner.test"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"body_text": "Hi", "cc": ["not an address"]}, "cc"),
        ({"body_text": "Hi", "bcc": ["a@b.test, c@d.test"]}, "bcc"),
        ({"body_text": "  "}, "empty"),
        ({"body_text": "Hi", "mode": "everyone"}, "mode"),
        ({"body_text": "Hi", "answered_message_id": 99999}, "not a received or sent"),
        ({"body_text": "Hi", "promise_by": "2020-01-01T10:00:00Z"}, "future"),
        ({"body_text": "Hi", "promise_by": "2030-01-01T10:00:00"}, "time zone"),
        ({"body_text": 5}, "body_text"),
        ({"body_text": "Hi", "surprise": 1}, "surprise"),
    ],
)
def test_bad_replies_are_refused_with_a_message_and_nothing_is_sent(
    payload: dict[str, Any],
    message: str,
    conversation: dict[str, Any],
    instant: TestClient,
    admin: Member,
    control: httpx.Client,
) -> None:
    answer = instant.post(reply_url(conversation), json=payload, headers=admin.headers)

    assert answer.status_code in (404, 422), answer.text
    assert message in str(answer.json()["detail"])
    assert sent_mail(control) == []


def test_another_workspace_cannot_reply_or_touch_the_outbox(
    conversation: dict[str, Any], tandem: TestClient, admin: Member, team: Team
) -> None:
    stranger = team.admin_of_new_workspace("Other", "boss@other.test")
    queued = tandem.post(reply_url(conversation), json={"body_text": "x"}, headers=admin.headers)

    assert (
        tandem.post(reply_url(conversation), json={"body_text": "x"}, headers=stranger.headers)
    ).status_code == 404
    outbox = f"/api/v1/outbox/{queued.json()['id']}"
    assert tandem.delete(outbox, headers=stranger.headers).status_code == 404
    assert tandem.get("/api/v1/outbox", headers=stranger.headers).json() == []
    assert tandem.get(outbox, headers=admin.headers).json()["state"] == "queued"


def test_a_failed_send_keeps_the_reply_and_it_can_be_sent_again(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    control.post("/_emulator/faults", json={"error_rates": {"500": 1.0}}).raise_for_status()
    answer = instant.post(
        reply_url(conversation), json={"body_text": "Draft text"}, headers=admin.headers
    )

    assert answer.status_code == 201
    assert answer.json()["state"] == "queued"
    outgoing = f"/api/v1/outbox/{answer.json()['id']}"
    assert instant.get(outgoing, headers=admin.headers).json()["state"] == "failed"
    assert instant.get(outgoing, headers=admin.headers).json()["send_error"]
    failed = instant.get("/api/v1/outbox?state=failed", headers=admin.headers).json()
    assert [item["text"] for item in failed] == ["Draft text"]

    control.post("/_emulator/faults", json={}).raise_for_status()
    retried = instant.post(f"/api/v1/outbox/{answer.json()['id']}/retry", headers=admin.headers)

    assert retried.status_code == 200
    assert retried.json()["state"] == "queued"
    assert instant.get(outgoing, headers=admin.headers).json()["state"] == "sent"
    assert len(sent_mail(control)) == 1
    assert instant.get("/api/v1/outbox", headers=admin.headers).json() == []


def test_attachments_go_out_with_the_reply(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    pdf = b"%PDF-1.4 invoice 1042 \x00\xff"
    answer = instant.post(
        reply_url(conversation),
        data={"body_text": "Invoice attached", "cc": "finance@client.test"},
        files=[("attachments", ("invoice-1042.pdf", pdf, "application/pdf"))],
        headers=admin.headers,
    )

    assert answer.status_code == 201, answer.text
    assert [a["filename"] for a in answer.json()["attachments"]] == ["invoice-1042.pdf"]
    [(mail, _)] = sent_mail(control)
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "invoice-1042.pdf"
    assert attachment.get_content() == pdf
    assert "finance@client.test" in mail["Cc"]


def test_two_senders_never_send_one_reply_twice(
    conversation: dict[str, Any],
    tandem: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
    sync_settings: Settings,
) -> None:
    tandem.post(reply_url(conversation), json={"body_text": "Once"}, headers=admin.headers)
    later = utcnow() + timedelta(minutes=1)

    first = send_due(engine=engine, settings=sync_settings, now=later)
    second = send_due(engine=engine, settings=sync_settings, now=later)

    assert [o.sent for o in first] == [True]
    assert second == []
    assert len(sent_mail(control)) == 1
    with Session(engine) as session:
        states = session.exec(select(Message.state).where(Message.direction == "outbound"))
        assert list(states) == [MessageState.SENT]
        assert session.exec(select(AuditEvent)).all() == []


def test_a_template_reply_is_rendered_for_the_conversation_and_a_broken_one_is_refused(
    conversation: dict[str, Any],
    instant: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
) -> None:
    created = instant.post(
        "/api/v1/templates",
        json={
            "name": "Received",
            "body_text": "Hello {{ contact.first_name }}, #{{ conversation.number }} is on it.",
        },
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    with Session(engine) as session:
        broken = Template(
            workspace_id=admin.workspace_id, name="Broken", body_text="Hi {{ contact.nmae }}"
        )
        session.add(broken)
        session.commit()
        broken_id = broken.id

    refused = instant.post(
        reply_url(conversation), json={"template_id": broken_id}, headers=admin.headers
    )
    both = instant.post(
        reply_url(conversation),
        json={"template_id": created.json()["id"], "body_text": "Hi"},
        headers=admin.headers,
    )
    answer = instant.post(
        reply_url(conversation), json={"template_id": created.json()["id"]}, headers=admin.headers
    )

    assert refused.status_code == 422
    assert "contact.nmae" in refused.json()["detail"]
    assert both.status_code == 422
    assert answer.status_code == 201, answer.text
    [(mail, _)] = sent_mail(control)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Hello Anna, #{conversation['id']} is on it." in text


def test_closing_can_tell_everyone_on_the_thread_it_is_solved(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    solved = instant.post(
        "/api/v1/templates",
        json={"name": "Solved", "body_text": "Case #{{ conversation.number }} is solved."},
        headers=admin.headers,
    ).json()
    url = f"/api/v1/conversations/{conversation['id']}"

    not_closing = instant.patch(
        url,
        json={"status": "pending", "resolution_template_id": solved["id"]},
        headers=admin.headers,
    )
    closed = instant.patch(
        url,
        json={"status": "closed", "resolution_template_id": solved["id"]},
        headers=admin.headers,
    )
    again = instant.patch(
        url,
        json={"status": "closed", "resolution_template_id": solved["id"]},
        headers=admin.headers,
    )

    assert not_closing.status_code == 422
    assert "closing" in not_closing.json()["detail"]
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert again.status_code == 200
    [(mail, thread)] = sent_mail(control)
    assert thread == conversation["thread"]
    assert (mail["To"], mail["Cc"]) == (ANNA, BORIS)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Case #{conversation['id']} is solved." in text


def test_the_agents_name_and_signature_go_out_when_the_mailbox_says_so(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    profile = {"name": "Olga Smirnova", "signature": "Olga, Acme Support"}
    assert (
        instant.patch(
            f"/api/v1/users/{admin.user_id}", json=profile, headers=admin.headers
        ).status_code
        == 200
    )
    mailbox = f"/api/v1/mailboxes/{conversation['mailbox_id']}"
    instant.post(reply_url(conversation), json={"body_text": "First"}, headers=admin.headers)
    assert instant.patch(mailbox, json={"use_agent_name": True}, headers=admin.headers).json()[
        "use_agent_name"
    ]
    instant.post(reply_url(conversation), json={"body_text": "Second"}, headers=admin.headers)

    first, second = (mail for mail, _ in sent_mail(control))
    assert first["From"].addresses[0].display_name != "Olga Smirnova"
    assert second["From"] == "Olga Smirnova <support@acme.test>"
    assert "Olga, Acme Support" in second.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "left_as", [MessageState.QUEUED, MessageState.SENDING, MessageState.FAILED]
)
def test_a_reply_gmail_has_but_tandem_lost_track_of_is_adopted_by_sync(
    left_as: MessageState,
    conversation: dict[str, Any],
    tandem: TestClient,
    admin: Member,
    control: httpx.Client,
    engine: Engine,
    sync_settings: Settings,
    connect: Callable[[str, str], Any],
    emulator_url: str,
) -> None:
    """A sender that died after Gmail accepted the reply: the sync's copy becomes that row."""
    queued = tandem.post(
        reply_url(conversation),
        data={"body_text": "Sent before the crash"},
        files=[("attachments", ("notes.txt", b"hello", "text/plain"))],
        headers=admin.headers,
    ).json()
    with Session(engine) as session:
        row = session.get(Message, queued["id"])
        assert row is not None
        raw = build_reply(
            from_address=row.from_address,
            from_name=row.from_name,
            to=row.to,
            cc=row.cc,
            bcc=row.bcc,
            subject=row.subject,
            message_id=str(row.rfc_message_id),
            in_reply_to=row.in_reply_to,
            references=(row.references or "").split(),
            body_text=row.text_body,
            body_html=None,
            attachments=[OutgoingAttachment("notes.txt", "text/plain", b"hello")],
            date=utcnow(),
        )
        row.state = left_as
        session.add(row)
        session.commit()
    with connect(emulator_url, SUPPORT) as account:
        body = {"raw": base64.urlsafe_b64encode(raw).decode(), "threadId": conversation["thread"]}
        account.service.users().messages().send(userId="me", body=body).execute()

    run_sync(engine, sync_settings, conversation["mailbox_id"])

    detail = tandem.get(f"/api/v1/conversations/{conversation['id']}", headers=admin.headers)
    outbound = [m for m in detail.json()["messages"] if m["direction"] == "outbound"]
    assert [(m["id"], m["state"]) for m in outbound] == [(queued["id"], "sent")]
    assert [a["filename"] for a in outbound[0]["attachments"]] == ["notes.txt"]
    assert send_due(engine=engine, settings=sync_settings, now=utcnow() + timedelta(hours=1)) == []
    assert len(sent_mail(control)) == 1


def test_a_reply_repeating_an_internal_note_or_mentioning_a_teammate_is_held_until_confirmed(
    conversation: dict[str, Any],
    instant: TestClient,
    admin: Member,
    team: Team,
    control: httpx.Client,
) -> None:
    team.member(admin.workspace_id, "olga@acme.test")
    note = "Thanks. The client owes us 3 invoices, do not mention the lawyer!\n- VIP since 2019"
    notes_url = f"/api/v1/conversations/{conversation['id']}/notes"
    assert instant.post(notes_url, json={"body": note}, headers=admin.headers).status_code == 201
    leaking = "Hello Anna, the client owes us 3 invoices, do NOT mention the lawyer."

    held = instant.post(reply_url(conversation), json={"body_text": leaking}, headers=admin.headers)
    mention = instant.post(
        reply_url(conversation),
        json={"body_text": "@olga@acme.test can you check?"},
        headers=admin.headers,
    )
    html_only = instant.post(
        reply_url(conversation),
        json={
            "body_text": "See below",
            "body_html": "<p>The client owes us <b>3 invoices</b>, do not mention the lawyer</p>",
        },
        headers=admin.headers,
    )
    harmless = instant.post(
        reply_url(conversation), json={"body_text": "Thanks. VIP"}, headers=admin.headers
    )

    assert held.status_code == 409
    assert "the client owes us 3 invoices, do not mention the lawyer" in held.json()["detail"]
    assert '"confirm": true' in held.json()["detail"]
    assert mention.status_code == 409
    assert "teammate" in mention.json()["detail"]
    assert html_only.status_code == 409
    assert harmless.status_code == 201, harmless.text
    assert len(sent_mail(control)) == 1

    confirmed = instant.post(
        reply_url(conversation), json={"body_text": leaking, "confirm": True}, headers=admin.headers
    )
    assert confirmed.status_code == 201
    assert len(sent_mail(control)) == 2


def test_templates_and_resolution_messages_get_the_same_check(
    conversation: dict[str, Any], instant: TestClient, admin: Member, control: httpx.Client
) -> None:
    mentioning = {"name": "Ask", "body_text": "@admin@acme.test please approve"}
    held = instant.post("/api/v1/templates", json=mentioning, headers=admin.headers)
    assert held.status_code == 409
    saved = instant.post(
        "/api/v1/templates", json={**mentioning, "confirm": True}, headers=admin.headers
    )
    assert saved.status_code == 201

    notes_url = f"/api/v1/conversations/{conversation['id']}/notes"
    instant.post(
        notes_url, json={"body": "Refund approved by finance on Monday."}, headers=admin.headers
    )
    template = instant.post(
        "/api/v1/templates",
        json={"name": "Closing", "body_text": "Refund approved by finance on Monday."},
        headers=admin.headers,
    ).json()
    url = f"/api/v1/conversations/{conversation['id']}"
    closing = {"status": "closed", "resolution_template_id": template["id"]}

    refused = instant.patch(url, json=closing, headers=admin.headers)

    assert refused.status_code == 409
    assert instant.get(url, headers=admin.headers).json()["status"] == "open"
    assert sent_mail(control) == []
    assert (
        instant.patch(url, json={**closing, "confirm": True}, headers=admin.headers).json()[
            "status"
        ]
        == "closed"
    )
    assert len(sent_mail(control)) == 1


def test_promises_from_a_reply_and_from_the_promise_endpoint(
    conversation: dict[str, Any], instant: TestClient, admin: Member
) -> None:
    suggested = instant.post(
        reply_url(conversation),
        json={"body_text": "Thanks! I'll get back to you by Friday with the invoice."},
        headers=admin.headers,
    )
    assert suggested.json()["detected_promise"]["phrase"] == "by Friday"
    url = f"/api/v1/conversations/{conversation['id']}"
    assert instant.get(url, headers=admin.headers).json()["promise_state"] is None

    soon = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    promised = instant.post(
        reply_url(conversation),
        json={"body_text": "On it.", "promise_by": soon.isoformat()},
        headers=admin.headers,
    )
    assert promised.status_code == 201
    assert promised.json()["detected_promise"] is None
    shown = instant.get(url, headers=admin.headers).json()
    assert (shown["promise_state"], shown["promised_at"]) == (
        "pending",
        soon.isoformat().replace("+00:00", "Z"),
    )

    past = instant.post(
        f"{url}/promise", json={"promise_by": "2020-01-01T10:00:00Z"}, headers=admin.headers
    )
    later = instant.post(
        f"{url}/promise",
        json={"promise_by": (soon + timedelta(days=1)).isoformat()},
        headers=admin.headers,
    )
    assert past.status_code == 422
    assert later.status_code == 200
    assert later.json()["promise_state"] == "pending"
    in_berlin = (soon + timedelta(days=2)).astimezone(timezone(timedelta(hours=1)))
    offset = instant.post(
        f"{url}/promise", json={"promise_by": in_berlin.isoformat()}, headers=admin.headers
    )
    assert offset.json()["promised_at"] == in_berlin.astimezone(UTC).isoformat().replace(
        "+00:00", "Z"
    )
