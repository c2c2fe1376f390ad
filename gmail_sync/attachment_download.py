"""An attachment's bytes for a download: the stored copy when Tandem keeps one (files agents
attached to their replies), else fetched from Gmail (messages.attachments.get) through the
mailbox's own session.

The one way both download routes get the bytes. It never decides how they are shown: that is
the edge's job, and the edge only ever serves them as a download.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.core.errors import NotFound, TandemError, Unavailable
from app.core.i18n import gettext as _
from app.core.models import Attachment, Mailbox, Message
from app.core.settings import Settings
from gmail_sync.client import GmailClient, mailbox_client
from gmail_sync.mailboxes import record_quota


class GmailRefusedAttachment(Unavailable):
    """Gmail would not give the bytes (down, rate-limited, grant revoked, message deleted):
    a bad gateway rather than the caller's fault, so 502."""

    status_code = 502


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    data: bytes


def attachment_download(
    *, session: Session, settings: Settings, attachment: Attachment, now: datetime
) -> Download:
    """The attachment's name, declared type and bytes. A Gmail fetch spends quota and may
    refresh the mailbox's token; both are kept on the mailbox (flushed, for the caller to
    commit)."""
    data = attachment.data
    if data is None:
        data = _from_gmail(session, settings, attachment, now)
    return Download(attachment.filename or "attachment", attachment.content_type, data)


def _from_gmail(
    session: Session, settings: Settings, attachment: Attachment, now: datetime
) -> bytes:
    message = session.get(Message, attachment.message_id)
    if message is None or not message.gmail_id or not attachment.gmail_attachment_id:
        raise NotFound(
            _("attachment %(id)s has no copy in Gmail to download") % {"id": attachment.id}
        )
    mailbox = session.get(Mailbox, message.mailbox_id)
    assert mailbox is not None, "a message's mailbox cascades with it"
    try:
        client = mailbox_client(mailbox.credentials_encrypted, settings)
    except TandemError as exc:
        raise GmailRefusedAttachment(
            f"Gmail could not be asked for the attachment: {exc}"
        ) from None
    try:
        return client.attachment(message.gmail_id, attachment.gmail_attachment_id)
    except TandemError as exc:
        raise GmailRefusedAttachment(
            _("Gmail did not give the attachment: %(error)s") % {"error": exc}
        ) from None
    finally:
        _keep_session_state(session, settings, mailbox, client, now)


def _keep_session_state(
    session: Session, settings: Settings, mailbox: Mailbox, client: GmailClient, now: datetime
) -> None:
    client.close()
    record_quota(mailbox=mailbox, units=client.units_spent, now=now)
    mailbox.credentials_encrypted = client.resealed(settings) or mailbox.credentials_encrypted
    session.add(mailbox)
    session.flush()
