"""The fixed jobs: each claims due rows itself, so running one twice, or in two processes,
is harmless (the claim is a conditional UPDATE)."""

import logging

from sqlalchemy import Engine

from app.db import session_scope
from app.errors import TandemError
from app.models import utcnow
from app.settings import Settings
from gmail_sync.mailboxes import due_mailbox_ids, mailboxes_needing_watch
from gmail_sync.push import WATCH_RENEWAL_MARGIN, renew_watch
from gmail_sync.sync import sync_mailbox
from webhooks.delivery import deliver_due

logger = logging.getLogger(__name__)


def sync_due_mailboxes(engine: Engine, settings: Settings) -> int:
    """Syncs every mailbox whose poll is due or whose sync was requested (push, API, connect);
    one failing mailbox never stops the others."""
    with session_scope(engine) as session:
        due = due_mailbox_ids(session=session, now=utcnow())
    for mailbox_id in due:
        report = sync_mailbox(engine=engine, settings=settings, mailbox_id=mailbox_id)
        if report.error:
            logger.warning("sync failed", extra={"mailbox_id": mailbox_id, "error": report.error})
    return len(due)


def renew_watches(engine: Engine, settings: Settings) -> None:
    """Renews watches a day before Gmail would drop them."""
    now = utcnow()
    with session_scope(engine) as session:
        for mailbox in mailboxes_needing_watch(session=session, before=now + WATCH_RENEWAL_MARGIN):
            try:
                renew_watch(session=session, settings=settings, mailbox=mailbox, now=now)
            except TandemError as exc:
                logger.warning(
                    "watch renewal failed", extra={"mailbox_id": mailbox.id, "error": str(exc)}
                )


def deliver_webhooks(engine: Engine, settings: Settings) -> int:
    """Posts the webhook deliveries that are due; each is claimed first, so overlapping runs
    never post one twice."""
    return deliver_due(engine=engine, now=utcnow())
