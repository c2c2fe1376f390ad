"""Gmail push through Pub/Sub: checking who sent a push, reading it, turning it into a sync
request, and keeping each mailbox's `watch` alive (Gmail drops a watch after 7 days).

A push only asks for a sync (a row update); the sync itself reads history, so a lost, repeated
or forged-but-authenticated push can cost a little time, never a message.
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.core.errors import Forbidden, Invalid
from app.core.models import Mailbox
from app.core.settings import Settings
from gmail_sync.client import mailbox_client
from gmail_sync.connect import start_watch
from gmail_sync.mailbox_alerts import access_refused
from gmail_sync.mailboxes import record_quota, request_sync
from gmail_sync.oauth import (
    ReauthRequired,
    verify_push_identity,
)

WATCH_RENEWAL_MARGIN = timedelta(days=1)


def push_token(settings: Settings) -> str:
    """The secret token in the push URL when no OIDC audience is configured."""
    key = settings.require_secret_key().encode()
    return hmac.new(key, b"tandem-gmail-push", hashlib.sha256).hexdigest()[:40]


def push_url(settings: Settings) -> str:
    return f"{str(settings.public_url).rstrip('/')}/gmail/push?token={push_token(settings)}"


def authenticate_push(*, settings: Settings, token: str | None, authorization: str | None) -> None:
    """Google's signed OIDC token when an audience is configured, else the URL's secret token."""
    if settings.push_oidc_audience:
        scheme, _, bearer = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not bearer:
            raise Forbidden("push without a Google-signed token")
        verify_push_identity(settings=settings, bearer=bearer.strip())
        return
    if not token or not hmac.compare_digest(token, push_token(settings)):
        raise Forbidden("push with a missing or wrong token")


@dataclass(frozen=True)
class PushNotice:
    email: str
    history_id: int


def read_push(body: bytes) -> PushNotice:
    """Pub/Sub's envelope: message.data is base64 JSON {emailAddress, historyId}."""
    try:
        envelope = json.loads(body)
        data = json.loads(base64.b64decode(envelope["message"]["data"]))
        return PushNotice(str(data["emailAddress"]).lower(), int(data["historyId"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise Invalid("not a Gmail push notification") from None


def accept_push(*, session: Session, notice: PushNotice, now: datetime) -> int | None:
    """Requests a sync of the notified mailbox when it has news; returns its id if so."""
    mailbox = session.exec(select(Mailbox).where(Mailbox.email == notice.email)).first()
    if mailbox is None or mailbox.credentials_encrypted is None:
        return None
    if mailbox.history_id is not None and notice.history_id <= mailbox.history_id:
        return None
    request_sync(session=session, mailbox=mailbox, now=now)
    return mailbox.id


def renew_watch(*, session: Session, settings: Settings, mailbox: Mailbox, now: datetime) -> None:
    """Re-registers the mailbox's watch; a dead grant marks it for reconnection instead."""
    if not settings.push_topic or mailbox.credentials_encrypted is None:
        return
    try:
        client = mailbox_client(mailbox.credentials_encrypted, settings)
        try:
            start_watch(mailbox=mailbox, client=client, topic=settings.push_topic)
            record_quota(mailbox=mailbox, units=client.units_spent, now=now)
            mailbox.credentials_encrypted = (
                client.resealed(settings) or mailbox.credentials_encrypted
            )
        finally:
            client.close()
    except ReauthRequired as exc:
        access_refused(session=session, mailbox=mailbox, reason=str(exc), now=now)
    session.add(mailbox)
    session.flush()
