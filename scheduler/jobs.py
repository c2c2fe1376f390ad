"""The fixed jobs: each claims due rows itself, so running one twice, or in two processes,
is harmless (the claim is a conditional UPDATE)."""

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.errors import TandemError
from app.core.models import id_of, utcnow
from app.core.settings import Settings
from gmail_sync.delivery import send_due
from gmail_sync.mailboxes import claim_watch_renewal, due_mailbox_ids, mailboxes_needing_watch
from gmail_sync.push import WATCH_RENEWAL_MARGIN, renew_watch
from gmail_sync.stalled_replies import recover_stalled
from gmail_sync.sync import SyncReport, sync_mailbox
from inbox.promises import break_lapsed_promises, replies_sent
from webhooks.delivery import deliver_due
from webhooks.sync_events import emit_sync_events

logger = logging.getLogger(__name__)


#: Work the composition root adds after a sync stored new mail (e.g. assignment rules),
#: run in one transaction with the sync's webhook events.
AfterSync = Callable[[Session, SyncReport], None]


def sync_due_mailboxes(
    engine: Engine,
    settings: Settings,
    after_sync: Sequence[AfterSync] = (),
    stop: threading.Event | None = None,
) -> int:
    """Syncs every mailbox whose poll is due or whose sync was requested (push, API, connect),
    one at a time, reading what is due again before each with the requested ones first: a
    push that arrives while this run works through a hundred polls waits for one sync, not a
    hundred. Each mailbox once per run (its own request during its sync goes to the next run);
    one failing mailbox never stops the others; `stop` ends the run between mailboxes. Returns
    how many it synced."""
    synced: list[int] = []
    while stop is None or not stop.is_set():
        with session_scope(engine) as session:
            due = due_mailbox_ids(session=session, now=utcnow(), limit=1, passing=synced)
        if not due:
            break
        report = sync_mailbox(engine=engine, settings=settings, mailbox_id=due[0])
        synced.append(due[0])
        if report.error:
            logger.warning("sync failed", extra={"mailbox_id": due[0], "error": report.error})
        if any(item.created for item in report.ingested):
            run_after_sync(engine, report, after_sync)
    return len(synced)


def run_after_sync(engine: Engine, report: SyncReport, hooks: Sequence[AfterSync]) -> None:
    """New live mail becomes webhook events, then the added hooks run; a failing hook is
    logged and never stops the next mailbox's sync."""
    try:
        with session_scope(engine) as session:
            live = [item.message_id for item in report.ingested if item.created and item.live]
            emit_sync_events(session=session, message_ids=live, now=utcnow())
            for hook in hooks:
                hook(session, report)
    except Exception:  # a job boundary: log with the traceback, keep the scheduler alive
        logger.exception("after-sync work failed", extra={"mailbox_id": report.mailbox_id})


def renew_watches(engine: Engine, settings: Settings) -> int:
    """Renews watches a day before Gmail would drop them, each mailbox claimed first, so
    workers starting together do not each spend a watch call on it. Returns how many."""
    if not settings.push_topic:
        return 0
    now = utcnow()
    before = now + WATCH_RENEWAL_MARGIN
    with session_scope(engine) as session:
        needing = mailboxes_needing_watch(session=session, before=before)
        due = [id_of(mailbox) for mailbox in needing]
    renewed = 0
    for mailbox_id in due:
        with session_scope(engine) as session:
            mailbox = claim_watch_renewal(session=session, mailbox_id=mailbox_id, before=before)
            if mailbox is None:
                continue
            try:
                renew_watch(session=session, settings=settings, mailbox=mailbox, now=now)
                renewed += 1
            except TandemError as exc:
                logger.warning(
                    "watch renewal failed", extra={"mailbox_id": mailbox_id, "error": str(exc)}
                )
    return renewed


def send_replies(engine: Engine, settings: Settings) -> int:
    """Recovers replies a dead worker left mid-send, sends replies whose undo window ended,
    and announces the sent ones as message.sent."""
    recover_stalled(engine=engine, settings=settings, now=utcnow())
    outcomes = send_due(engine=engine, settings=settings, now=utcnow())
    sent = [outcome.message_id for outcome in outcomes if outcome.sent]
    if sent:
        _announce_sent(engine, sent, utcnow())
    return len(outcomes)


def _announce_sent(engine: Engine, message_ids: list[int], now: datetime) -> None:
    """Replies that reached Gmail: message.sent events, and the SLA clocks and promises they
    settle."""
    with session_scope(engine) as session:
        emit_sync_events(session=session, message_ids=message_ids, now=now)
        replies_sent(session, message_ids=message_ids, now=now)


def break_promises(engine: Engine) -> int:
    """Promises whose time passed without a reply become broken (each once)."""
    return break_lapsed_promises(engine, utcnow())


def deliver_webhooks(engine: Engine, settings: Settings) -> int:
    """Posts the webhook deliveries that are due; each is claimed first, so overlapping runs
    never post one twice."""
    return deliver_due(engine=engine, now=utcnow(), allow_private=settings.webhook_allow_private)
