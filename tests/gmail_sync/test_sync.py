"""Gmail sync against the emulator, through the real client libraries: connect over OAuth, full
and incremental sync, nothing missing, nothing duplicated, whatever Gmail throws at it."""

import base64
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, getaddresses
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import AnyHttpUrl
from sqlalchemy import Engine
from sqlmodel import Session, select

import gmail_sync.sync
from app.core.models import (
    Attachment,
    AuditEvent,
    Conversation,
    ConversationStatus,
    ConversationThread,
    Direction,
    Message,
)
from app.core.settings import Settings
from app.main import create_app
from gmail_sync.mailboxes import due_mailbox_ids
from gmail_sync.mime import bare_addresses
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import (
    connect_via_api,
    gmail_messages,
    path_of,
    run_sync,
    stored_mailbox,
    stored_messages,
)

SUPPORT = "support@acme.test"
NOW = datetime.now(UTC)


def recent(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)


@pytest.fixture
def support(emulator_url: str, connect: Callable[[str, str], Any]) -> Iterator[Any]:
    """The support mailbox in the emulator, and the test's own Gmail session on it."""
    httpx.post(
        f"{emulator_url}/_emulator/mailboxes",
        json={"email": SUPPORT, "name": "Acme Support", "aliases": ["help@acme.test"]},
    ).raise_for_status()
    with connect(emulator_url, SUPPORT) as account:
        yield account


def deliver_threads(account: Any, make_mail: Callable[..., bytes], count: int) -> None:
    """`count` client threads of one to three messages, all within the last days."""
    for index in range(count):
        first = f"<t{index}@client.test>"
        account.deliver(
            make_mail(
                f"Question {index}",
                f"Body {index}",
                message_id=first,
                sender=f"Client {index} <c{index}@client.test>",
                cc="Boss <boss@client.test>" if index % 3 == 0 else None,
                date=recent(100 - index),
            )
        )
        for turn in range(index % 3):
            account.deliver(
                make_mail(
                    f"Re: Question {index}",
                    f"More {turn}",
                    message_id=f"<t{index}.{turn}@client.test>",
                    in_reply_to=first,
                    sender=f"Client {index} <c{index}@client.test>",
                    date=recent(99 - index - turn * 0.1),
                )
            )


def assert_exactly_gmail(engine: Engine, mailbox_id: int, account: Any) -> None:
    """Tandem holds exactly Gmail's INBOX and SENT messages: none missing, none twice."""
    stored = Counter(message.gmail_id for message in stored_messages(engine, mailbox_id))
    assert all(count == 1 for count in stored.values()), "a message was stored twice"
    assert set(stored) == set(gmail_messages(account.service))


def test_connect_and_full_sync_of_the_demo_mailbox(
    admin: Member, engine: Engine, sync_settings: Settings, start_emulator: Any, connect: Any
) -> None:
    with start_emulator(seed="demo") as demo_url:
        settings = sync_settings.model_copy(update={"gmail_emulator_url": AnyHttpUrl(demo_url)})
        with TestClient(create_app(settings)) as tandem, connect(demo_url, SUPPORT) as gmail:
            mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
            report = run_sync(engine, settings, mailbox_id)
            assert report.error is None
            gmail_side = gmail_messages(gmail.service)
            status = tandem.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert len(gmail_side) >= 30
    with Session(engine) as session:
        messages = {m.gmail_id: m for m in session.exec(select(Message))}
        threads = session.exec(select(Conversation)).all()
        attachments = session.exec(select(Attachment)).all()
    assert set(messages) == set(gmail_side)
    assert len(threads) == len({m["threadId"] for m in gmail_side.values()})
    for gmail_id, resource in gmail_side.items():
        headers = {h["name"].lower(): h["value"] for h in resource["payload"]["headers"]}
        sender = getaddresses([headers["from"]])[0][1].lower()
        assert messages[gmail_id].from_address == sender
        for field in ("to", "cc"):
            written = {a.lower() for _, a in getaddresses([headers.get(field, "")]) if a}
            assert set(bare_addresses(getattr(messages[gmail_id], field))) == written
        assert messages[gmail_id].gmail_thread_id == resource["threadId"]
    assert len(attachments) == sum(_attachment_count(r["payload"]) for r in gmail_side.values())
    assert any(
        "аккаунт" in m.text_body.lower() or "счёт" in m.text_body.lower() for m in messages.values()
    )
    assert status["status"] == "connected"
    assert status["sync"]["state"] == "idle"
    assert status["sync"]["messages_synced"] == status["sync"]["messages_total"] == len(gmail_side)
    assert status["aliases"] == ["help@acme.test", "billing@acme.test"]
    assert status["health"]["history_id"] is not None
    assert status["health"]["quota_units_today"] > 0


def _attachment_count(part: dict[str, Any]) -> int:
    own = 1 if part.get("filename") else 0
    return own + sum(_attachment_count(child) for child in part.get("parts", []))


def test_consent_as_another_account_is_refused(
    admin: Member, tandem: TestClient, emulator_url: str, engine: Engine
) -> None:
    for email in (SUPPORT, "intruder@acme.test"):
        httpx.post(f"{emulator_url}/_emulator/mailboxes", json={"email": email}).raise_for_status()
    created = tandem.post("/api/v1/mailboxes", json={"email": SUPPORT}, headers=admin.headers)
    wrong_account = created.json()["authorize_url"].replace(
        "login_hint=support%40acme.test", "login_hint=intruder%40acme.test"
    )
    consent = httpx.get(wrong_account, follow_redirects=False)
    landed = tandem.get(path_of(consent.headers["location"]))
    assert landed.status_code == 422
    assert "intruder@acme.test" in landed.text
    assert stored_mailbox(engine, created.json()["id"]).credentials_encrypted is None
    replay = tandem.get(path_of(consent.headers["location"]))
    assert "already used or has expired" in replay.text, "a refused consent uses up its link"


def test_an_authorization_link_works_once(admin: Member, tandem: TestClient, support: Any) -> None:
    created = tandem.post("/api/v1/mailboxes", json={"email": SUPPORT}, headers=admin.headers)
    consent = httpx.get(created.json()["authorize_url"], follow_redirects=False)
    callback = path_of(consent.headers["location"])
    assert tandem.get(callback).status_code == 200
    replay = tandem.get(callback)
    assert replay.status_code == 422
    assert "already used or has expired" in replay.text


def test_agents_cannot_connect_mailboxes(admin: Member, tandem: TestClient, team: Any) -> None:
    agent = team.member(admin.workspace_id, "agent@acme.test")
    response = tandem.post("/api/v1/mailboxes", json={"email": SUPPORT}, headers=agent.headers)
    assert response.status_code == 403


def test_credentials_are_encrypted_at_rest(
    admin: Member, tandem: TestClient, support: Any, engine: Engine
) -> None:
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    sealed = stored_mailbox(engine, mailbox_id).credentials_encrypted
    assert sealed is not None
    assert "refresh" not in sealed and "token" not in sealed


def test_incremental_sync_brings_new_mail_label_changes_and_deletions(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    deliver_threads(support, make_mail, 4)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    assert run_sync(engine, sync_settings, mailbox_id).mode == "full"
    reply = support.deliver(
        make_mail(
            "Re: Question 1",
            "Any news?",
            message_id="<late@client.test>",
            in_reply_to="<t1@client.test>",
            sender="c1@client.test",
            date=recent(1),
        )
    )
    by_rfc = {m.rfc_message_id: m for m in stored_messages(engine, mailbox_id)}
    read, doomed = by_rfc["t0@client.test"], by_rfc["t2@client.test"]
    users = support.service.users()
    users.messages().modify(
        userId="me", id=read.gmail_id, body={"removeLabelIds": ["UNREAD"]}
    ).execute()
    users.messages().delete(userId="me", id=doomed.gmail_id).execute()
    report = run_sync(engine, sync_settings, mailbox_id)
    assert report.mode == "incremental"
    after = {m.gmail_id: m for m in stored_messages(engine, mailbox_id)}
    assert after[reply["id"]].conversation_id == by_rfc["t1@client.test"].conversation_id
    assert after[read.gmail_id].is_unread is False
    assert doomed.gmail_id not in after
    assert_exactly_gmail(engine, mailbox_id, support)


def test_client_reply_reopens_a_closed_conversation(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    support.deliver(
        make_mail(
            "Broken",
            "It broke",
            message_id="<b1@client.test>",
            sender="c@client.test",
            date=recent(5),
        )
    )
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        conversation.status = ConversationStatus.CLOSED
        session.add(conversation)
        session.commit()
    support.deliver(
        make_mail(
            "Re: Broken",
            "Still broken",
            message_id="<b2@client.test>",
            in_reply_to="<b1@client.test>",
            sender="c@client.test",
            date=datetime.now(UTC) + timedelta(seconds=2),
        )
    )
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        events = session.exec(
            select(AuditEvent).where(AuditEvent.action == "conversation.reopened")
        ).all()
    assert conversation.status == ConversationStatus.OPEN
    assert conversation.message_count == 2
    assert len(events) == 1


def test_mail_sent_from_gmail_is_an_outbound_reply(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    delivered = support.deliver(
        make_mail(
            "Invoice",
            "Where is my invoice?",
            message_id="<i1@client.test>",
            sender="c@client.test",
            date=recent(2),
        )
    )
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    raw = make_mail(
        "Re: Invoice",
        "Attached.",
        sender=SUPPORT,
        to="c@client.test",
        message_id="<r1@acme.test>",
        in_reply_to="<i1@client.test>",
        date=NOW,
    )
    body = {"raw": base64.urlsafe_b64encode(raw).decode(), "threadId": delivered["threadId"]}
    support.service.users().messages().send(userId="me", body=body).execute()
    run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        outbound = session.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND)
        ).one()
    assert outbound.conversation_id == conversation.id
    assert conversation.message_count == 2
    assert conversation.first_response_at is not None


def test_a_new_address_on_the_thread_is_flagged(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    support.deliver(
        make_mail(
            "Access",
            "Please reset",
            message_id="<a1@client.test>",
            sender="ann@client.test",
            cc="bob@client.test",
            date=recent(3),
        )
    )
    support.deliver(
        make_mail(
            "Re: Access",
            "Me too",
            message_id="<a2@client.test>",
            in_reply_to="<a1@client.test>",
            sender="bob@client.test",
            date=recent(2),
        )
    )
    support.deliver(
        make_mail(
            "Re: Access",
            "Hi, I'm new",
            message_id="<a3@client.test>",
            in_reply_to="<a1@client.test>",
            sender="eve@elsewhere.test",
            date=recent(1),
        )
    )
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    flagged = {m.from_address: m.new_participant for m in stored_messages(engine, mailbox_id)}
    assert flagged == {
        "ann@client.test": False,
        "bob@client.test": False,
        "eve@elsewhere.test": True,
    }


def test_a_fifth_of_calls_failing_loses_and_duplicates_nothing(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
    control: httpx.Client,
) -> None:
    deliver_threads(support, make_mail, 30)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    control.post(
        "/_emulator/faults", json={"error_rates": {"429": 0.1, "500": 0.05, "503": 0.05}, "seed": 7}
    ).raise_for_status()
    assert run_sync(engine, sync_settings, mailbox_id).error is None
    control.post("/_emulator/faults", json={}).raise_for_status()
    for index in range(12):
        support.deliver(
            make_mail(
                f"Later {index}",
                "x",
                message_id=f"<l{index}@client.test>",
                sender="late@client.test",
                date=recent(0.5),
            )
        )
    control.post(
        "/_emulator/faults", json={"error_rates": {"429": 0.1, "500": 0.05, "503": 0.05}, "seed": 8}
    ).raise_for_status()
    report = run_sync(engine, sync_settings, mailbox_id)
    control.post("/_emulator/faults", json={}).raise_for_status()
    assert (report.mode, report.error) == ("incremental", None)
    assert_exactly_gmail(engine, mailbox_id, support)


def test_an_interrupted_full_sync_resumes_without_duplicates(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deliver_threads(support, make_mail, 20)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    real_ingest, calls = gmail_sync.sync.ingest_threads, []

    def crash_on_third_batch(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("the worker was killed")
        return real_ingest(**kwargs)

    monkeypatch.setattr(gmail_sync.sync, "ingest_threads", crash_on_third_batch)
    with pytest.raises(SystemExit):
        run_sync(engine, sync_settings, mailbox_id)
    halfway = stored_mailbox(engine, mailbox_id)
    assert halfway.sync_cursor.get("mode") == "full"
    assert 0 < len(stored_messages(engine, mailbox_id)) < len(gmail_messages(support.service))
    assert halfway.sync_lease_owner is None, "the lease is handed back"
    monkeypatch.setattr(gmail_sync.sync, "ingest_threads", real_ingest)
    assert run_sync(engine, sync_settings, mailbox_id).error is None
    assert stored_mailbox(engine, mailbox_id).sync_cursor == {}
    assert_exactly_gmail(engine, mailbox_id, support)


def test_an_expired_history_id_falls_back_to_a_full_sync(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
    control: httpx.Client,
) -> None:
    deliver_threads(support, make_mail, 6)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    control.post("/_emulator/faults", json={"history_window": 1}).raise_for_status()
    for index in range(3):
        support.deliver(
            make_mail(
                f"New {index}",
                "x",
                message_id=f"<n{index}@client.test>",
                sender="n@client.test",
                date=recent(0.2),
            )
        )
    report = run_sync(engine, sync_settings, mailbox_id)
    assert (report.mode, report.error) == ("full", None)
    assert_exactly_gmail(engine, mailbox_id, support)


def test_revoked_access_asks_for_reconnection_without_retrying(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
    control: httpx.Client,
) -> None:
    deliver_threads(support, make_mail, 2)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    run_sync(engine, sync_settings, mailbox_id)
    control.post("/_emulator/faults", json={"revoke": [SUPPORT], "expire_access_tokens": [SUPPORT]})
    calls_before = control.get("/_emulator/quota").json()["calls"]
    report = run_sync(engine, sync_settings, mailbox_id)
    assert report.error is not None
    status = tandem.get(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers).json()
    assert status["status"] == "needs_reauth"
    assert status["health"]["token_state"] == "needs_reauth"
    assert "Reconnect this mailbox" in status["sync"]["error"]
    assert control.get("/_emulator/quota").json()["calls"] == calls_before
    with Session(engine) as session:
        assert mailbox_id not in due_mailbox_ids(session=session, now=NOW + timedelta(days=1))


def test_two_workers_never_sync_one_mailbox_at_once(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
) -> None:
    deliver_threads(support, make_mail, 10)
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    reports: list[Any] = []

    def worker(name: str) -> None:
        reports.append(
            gmail_sync.sync.sync_mailbox(
                engine=engine, settings=sync_settings, mailbox_id=mailbox_id, owner=name
            )
        )

    workers = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert sorted(report.mode for report in reports) in (
        ["full", "skipped"],
        ["full", "incremental"],
    )
    assert_exactly_gmail(engine, mailbox_id, support)


def test_mail_to_two_mailboxes_is_one_conversation(
    admin: Member,
    tandem: TestClient,
    emulator_url: str,
    engine: Engine,
    sync_settings: Settings,
    make_mail: Callable[..., bytes],
    control: httpx.Client,
) -> None:
    for email in (SUPPORT, "billing@acme.test"):
        control.post("/_emulator/mailboxes", json={"email": email}).raise_for_status()
    raw = make_mail(
        "Refund",
        "Please refund",
        message_id="<both@client.test>",
        sender="c@client.test",
        to="support@acme.test, billing@acme.test",
        date=recent(1),
    )
    for email in (SUPPORT, "billing@acme.test"):
        control.post(
            f"/_emulator/mailboxes/{email}/messages",
            content=raw,
            headers={"Content-Type": "message/rfc822"},
        ).raise_for_status()
    ids = [
        connect_via_api(tandem, admin.headers, email) for email in (SUPPORT, "billing@acme.test")
    ]
    for mailbox_id in ids:
        run_sync(engine, sync_settings, mailbox_id)
    with Session(engine) as session:
        conversations = session.exec(select(Conversation)).all()
        links = session.exec(select(ConversationThread)).all()
        copies = session.exec(select(Message)).all()
    assert len(conversations) == 1
    assert conversations[0].message_count == 1
    assert {link.mailbox_id for link in links} == set(ids)
    assert sorted(m.duplicate_of_id is None for m in copies) == [False, True]


def test_disconnect_revokes_and_forgets_the_tokens(
    admin: Member,
    tandem: TestClient,
    support: Any,
    engine: Engine,
    control: httpx.Client,
) -> None:
    mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
    response = tandem.delete(f"/api/v1/mailboxes/{mailbox_id}", headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["status"] == "needs_reauth"
    assert stored_mailbox(engine, mailbox_id).credentials_encrypted is None
    sync = tandem.post(f"/api/v1/mailboxes/{mailbox_id}/sync", headers=admin.headers, json={})
    assert sync.status_code == 202
    with Session(engine) as session:
        assert mailbox_id not in due_mailbox_ids(session=session, now=NOW)


def test_a_full_sync_imports_all_mail_received_today_whatever_its_date_says(
    admin: Member, support: Any, engine: Engine, sync_settings: Settings
) -> None:
    """The first sync looks back 90 days by when Gmail received mail, so mail that arrived
    today with a Date header from 2002, from 2050, unreadable or missing is all imported,
    while history that really is older stays out."""
    settings = sync_settings.model_copy(update={"sync_lookback_days": 90})
    today = {
        "from 2002": b"Date: Tue, 01 Jan 2002 10:00:00 +0000\r\n",
        "from 2050": b"Date: Sat, 01 Jan 2050 10:00:00 +0000\r\n",
        "unreadable date": b"Date: soon\r\n",
        "no date": b"",
    }
    for subject, date in today.items():
        support.deliver(
            b"From: Client <client@example.test>\r\nTo: support@acme.test\r\n"
            + f"Subject: {subject}\r\n".encode()
            + date
            + b"\r\nPlease help.\r\n"
        )
    support.deliver(
        b"From: Client <client@example.test>\r\nTo: support@acme.test\r\nSubject: last year\r\n"
        + f"Date: {format_datetime(NOW - timedelta(days=200))}\r\n\r\nOld.\r\n".encode(),
        history=True,
    )
    with TestClient(create_app(settings)) as tandem:
        mailbox_id = connect_via_api(tandem, admin.headers, SUPPORT)
        assert run_sync(engine, settings, mailbox_id).mode == "full"
    subjects = {message.subject for message in stored_messages(engine, mailbox_id)}
    assert subjects == set(today)
