"""Replies a worker left in `sending` when it died mid-send (a SIGKILL, a lost machine): Gmail
may or may not have taken them. Each is looked up in its mailbox by its Message-ID: found, it
becomes sent with Gmail's ids; not found, it goes back in the queue and is sent once. If Gmail
cannot be asked, the agent sees it failed ("check the Sent folder"), as a reply is never sent
twice on a guess.

Whether its worker is gone: on PostgreSQL a sender holds an advisory lock on the reply until
the outcome is stored (`gmail_sync.delivery`), so a reply in `sending` for `CHECK_AFTER` whose
lock is free was left behind. SQLite has no such lock; there a reply counts as left behind
after `SENDING_TIMEOUT`, longer than any send with its retries.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from app.core.advisory_locks import SENDING_REPLY, try_taking
from app.core.claims import claim
from app.core.db import session_scope
from app.core.errors import TandemError
from app.core.job_text import SEND_INTERRUPTED, said
from app.core.models import Mailbox, Message, MessageState
from app.core.settings import Settings
from gmail_sync.delivery import gmail_for, record_failure, record_sent

logger = logging.getLogger(__name__)

#: Longer than the moment between a sender's claim and its taking the lock.
CHECK_AFTER = timedelta(seconds=30)
SENDING_TIMEOUT = timedelta(minutes=10)


def recover_stalled(*, engine: Engine, settings: Settings, now: datetime) -> int:
    """Recovers every reply left in `sending`; returns how many were settled or requeued."""
    left_for = CHECK_AFTER if engine.dialect.name == "postgresql" else SENDING_TIMEOUT
    with session_scope(engine) as session:
        stalled = session.exec(
            select(Message.id).where(
                col(Message.state) == MessageState.SENDING,
                col(Message.send_after) < now - left_for,
            )
        ).all()
    return sum(
        _recover(engine, settings, message_id, left_before=now - left_for, now=now)
        for message_id in stalled
        if message_id is not None
    )


def _recover(
    engine: Engine, settings: Settings, message_id: int, *, left_before: datetime, now: datetime
) -> bool:
    """Claims the reply for recovery (moving its clock to now, so no other worker recovers it
    too), then asks Gmail; False when its sender is alive or another worker got there first."""
    with session_scope(engine) as session:
        if not try_taking(session, SENDING_REPLY, message_id):
            return False
        claimed = claim(
            session,
            Message,
            col(Message.id) == message_id,
            col(Message.state) == MessageState.SENDING,
            col(Message.send_after) < left_before,
            values={"send_after": now},
        )
        if not claimed:
            return False
        message = session.get(Message, message_id, populate_existing=True)
        assert message is not None, "a claimed reply exists"
        mailbox = session.get(Mailbox, message.mailbox_id)
        assert mailbox is not None, "a message's mailbox cascades with it"
        rfc_message_id, credentials = str(message.rfc_message_id), mailbox.credentials_encrypted
    try:
        with gmail_for(engine, settings, message.mailbox_id, credentials, now) as gmail:
            found = gmail.find_by_message_id(rfc_message_id)
    except TandemError as exc:
        logger.warning(
            "stalled reply not checked", extra={"message_id": message_id, "error": str(exc)}
        )
        record_failure(engine, message_id, said(SEND_INTERRUPTED), reauth=False)
        return True
    with session_scope(engine) as session:
        if found is not None:
            record_sent(session=session, message_id=message_id, response=found, now=now)
        else:
            claim(
                session,
                Message,
                col(Message.id) == message_id,
                col(Message.state) == MessageState.SENDING,
                values={"state": MessageState.QUEUED, "send_after": now},
            )
    logger.info(
        "stalled reply recovered",
        extra={"message_id": message_id, "outcome": "sent" if found else "requeued"},
    )
    return True
