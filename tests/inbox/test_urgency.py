# ruff: noqa: RUF001 - Russian mail is half the point
"""Urgency detection: scored on a labelled set of English and Russian mail, the ways urgency is
taken back (negation, condition, quoted history, an old subject), and what a sync does with it:
live mail raises the conversation to urgent with its reason, history never does, and an agent
who lowers it is not overruled by the same mail."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.core.models import AuditEvent, Conversation
from app.core.settings import Settings
from gmail_sync.quotes import split_reply
from inbox.promises import run_reply_clocks
from inbox.sla import first_response_due, policy_of, urgent_response_due
from inbox.urgency import detect_urgency
from inbox.urgent_mail import raise_urgent_mail
from scheduler.jobs import sync_due_mailboxes
from tests.conftest import Member
from tests.gmail_sync.sync_fixtures import connect_via_api, deliver
from tests.inbox.urgency_samples import SAMPLES, Sample

SUPPORT = "support@acme.test"


def _says_urgent(sample: Sample) -> bool:
    visible = split_reply(sample.body).visible
    found = detect_urgency(subject=sample.subject, text=visible, opens_conversation=sample.opens)
    return found is not None


@pytest.mark.parametrize("script", ["latin", "cyrillic"])
def test_precision_and_recall_on_the_labelled_set(script: str) -> None:
    cyrillic = {sample: any("а" <= ch.lower() <= "я" for ch in sample.body) for sample in SAMPLES}
    chosen = [s for s in SAMPLES if cyrillic[s] == (script == "cyrillic")]
    assert len(chosen) >= 30 and sum(s.urgent for s in chosen) * 2 == len(chosen)
    flagged = {s for s in chosen if _says_urgent(s)}
    urgent = {s for s in chosen if s.urgent}
    precision = len(flagged & urgent) / len(flagged)
    recall = len(flagged & urgent) / len(urgent)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


@pytest.mark.parametrize(
    ("subject", "text", "opens", "words"),
    [
        ("Help", "Our site is down since 9:00", True, ("site is down",)),
        ("СРОЧНО", "Касса не работает", True, ("СРОЧНО", "не работает")),
        ("Question", "This is not urgent at all", True, ()),
        ("Вопрос", "Ничего срочного, просто вопрос", True, ()),
        ("Re: URGENT: refund", "Thanks, all fine", False, ()),
        ("Tip", "If payments fail, who do we call?", True, ()),
        ("Вопрос", "Если не проходит оплата, куда писать?", True, ()),
        ("Theme", "Please make the button bigger", True, ()),
        ("News", "This month: a critical security update and a webinar", True, ()),
        ("Новости", "Вышло критическое обновление безопасности", True, ()),
        ("Invoice", "Please send it.\nTom\nFor urgent matters call +1 555 0100", True, ()),
        ("Акт", "Пришлите акт.\nОльга, отдел срочных поставок", True, ()),
        ("Site down", "It was down an hour, all good now, thanks", True, ()),
        ("Сбой", "Сайт лежал ночью, сейчас всё в порядке", True, ()),
        ("Re: sync", "It stopped working again, fix it now", False, ("stopped working",)),
        ("Admin", "The admin panel won't load for anyone", True, ("won't load",)),
        ("Order 17", "My order does not arrive, where is it?", True, ()),
        ("Webhooks", "Our emails never arrive at all", True, ("never arrive",)),
        ("Заказы", "Из базы пропали все заказы", True, ("пропали все заказы",)),
    ],
)
def test_the_words_found_or_why_none_count(
    subject: str, text: str, opens: bool, words: tuple[str, ...]
) -> None:
    found = detect_urgency(subject=subject, text=text, opens_conversation=opens)
    assert (found.words if found else ()) == words


def test_live_urgent_mail_raises_the_conversation_and_history_never_does(
    admin: Member,
    tandem: TestClient,
    engine: Engine,
    sync_settings: Settings,
    control: httpx.Client,
    make_mail: Callable[..., bytes],
) -> None:
    control.post("/_emulator/mailboxes", json={"email": SUPPORT}).raise_for_status()
    old = datetime.now(UTC) - timedelta(days=2)
    deliver(control, SUPPORT, make_mail("URGENT: old outage", "Site is down", date=old))
    connect_via_api(tandem, admin.headers, SUPPORT)
    assert sync_due_mailboxes(engine, sync_settings, after_sync=[raise_urgent_mail]) == 1
    soon = datetime.now(UTC) + timedelta(seconds=5)
    deliver(
        control,
        SUPPORT,
        make_mail("Оплата", "У клиентов не проходит оплата с утра.", sender="o@c.test", date=soon),
    )
    deliver(control, SUPPORT, make_mail("Logo", "How do I change the logo?", sender="l@c.test"))
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    steps = [raise_urgent_mail, run_reply_clocks]
    assert sync_due_mailboxes(engine, sync_settings, after_sync=steps) == 1
    with Session(engine) as session:
        found = {c.subject: c for c in session.exec(select(Conversation))}
        policy = policy_of(session, admin.workspace_id)
        for subject, target in (("Оплата", urgent_response_due), ("Logo", first_response_due)):
            assert found[subject].first_message_at is not None
            expected = target(policy, found[subject].first_message_at)
            assert found[subject].sla_due_at == expected, "urgent is owed its own target"
        raised = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "conversation.urgent")
        ).all()
    assert {subject: c.priority for subject, c in found.items()} == {
        "URGENT: old outage": "normal",
        "Оплата": "urgent",
        "Logo": "normal",
    }
    assert found["Оплата"].urgency_reason == "«не проходит оплата»"
    assert [(e.conversation_id, e.actor_id, e.after["words"]) for e in raised] == [
        (found["Оплата"].id, None, ["не проходит оплата"])
    ]
    shown = tandem.get(f"/api/v1/conversations/{found['Оплата'].id}", headers=admin.headers)
    assert (shown.json()["priority"], shown.json()["urgency_reason"]) == (
        "urgent",
        "«не проходит оплата»",
    )

    lowered = tandem.patch(
        f"/api/v1/conversations/{found['Оплата'].id}",
        headers=admin.headers,
        json={"priority": "normal"},
    )
    assert lowered.status_code == 200
    tandem.post("/api/v1/mailboxes/1/sync", headers=admin.headers, json={})
    sync_due_mailboxes(engine, sync_settings, after_sync=[raise_urgent_mail])
    with Session(engine) as session:
        again = session.get(Conversation, found["Оплата"].id)
        assert again is not None
        assert (again.priority, again.urgency_reason) == ("normal", None), "the agent's choice"
