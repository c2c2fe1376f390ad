"""Email to team members (their notifications, fired reminders among them) through the
workspace's own SMTP server, to the agent's login address; never into a client's Gmail
thread, and never with client recipients.

Rows are written by the transaction that decided to send them, and sent here after it committed:
claimed with a lease (conditional UPDATE), sent, then marked sent; failures are retried with
backoff. The guarantee is at-least-once: a crash after the server accepted a mail but before the
row was marked sent sends it again once the lease lapses, since SMTP has no way to ask whether a
mail was already taken. The copy carries the same Message-ID, so mail clients can fold it away.
Exactly-once is kept where it matters, in the database: the notification and the decision to
mail are written once, with the reminder's firing.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Engine, or_
from sqlmodel import Session, col, select

from app.core.claims import claim, lease_free
from app.core.db import session_scope
from app.core.i18n import gettext as _
from app.core.models import (
    AgentEmail,
    AgentEmailState,
    SmtpSecurity,
    SmtpServer,
    User,
    Workspace,
    id_of,
)
from app.core.readers import writing_for
from app.core.settings import Settings
from gmail_sync.encoded_words import WHOLE_WORDS
from gmail_sync.oauth import TokenCipher

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Longer than one SMTP conversation may take, so a live claim never lapses under its holder.
CLAIM_LEASE = timedelta(seconds=TIMEOUT_SECONDS * 6)


@dataclass(frozen=True)
class SmtpLogin:
    host: str
    port: int
    security: SmtpSecurity
    username: str
    password: str
    sender: str


@dataclass(frozen=True)
class SmtpSettings:
    """What an admin configures; `password` None keeps the stored one, "" removes it."""

    host: str
    port: int
    sender: str
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str = ""
    password: str | None = None


def configure_smtp(
    session: Session,
    *,
    workspace_id: int,
    smtp: SmtpSettings,
    cipher: TokenCipher,
    now: datetime,
) -> SmtpServer:
    """Creates or replaces the workspace's SMTP server; the password is stored encrypted."""
    server = session.exec(select(SmtpServer).where(SmtpServer.workspace_id == workspace_id)).first()
    server = server or SmtpServer(workspace_id=workspace_id, host=smtp.host, sender=smtp.sender)
    server.host, server.port, server.security = smtp.host, smtp.port, smtp.security
    server.username, server.sender, server.updated_at = smtp.username, smtp.sender, now
    if smtp.password is not None:
        server.password_encrypted = cipher.encrypt(smtp.password) if smtp.password else None
    session.add(server)
    session.flush()
    return server


def smtp_login(server: SmtpServer, cipher: TokenCipher) -> SmtpLogin:
    password = cipher.decrypt(server.password_encrypted) if server.password_encrypted else ""
    return SmtpLogin(
        server.host,
        server.port,
        SmtpSecurity(server.security),
        server.username,
        password,
        server.sender,
    )


def build_email(row: AgentEmail, sender: str, public_url: str) -> EmailMessage:
    """The same Message-ID on every attempt, so a resent copy is recognisably one mail. The
    link to the conversation is written here, with the address Tandem is served at now, in
    the language of the rest of the mail (the caller reads as its recipient)."""
    message = EmailMessage(policy=WHOLE_WORDS)
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    domain = sender.rpartition("@")[2].strip("> ") or "tandem.invalid"
    message["Message-ID"] = f"<tandem-agent-email-{id_of(row)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    body = row.body
    if row.conversation_id is not None:
        link = f"{public_url.rstrip('/')}/c/{row.conversation_id}"
        body += "\n" + _("Open the conversation: %(link)s") % {"link": link} + "\n"
    message.set_content(body)
    return message


def send_email(login: SmtpLogin, message: EmailMessage) -> None:
    """One SMTP conversation; raises smtplib.SMTPException or OSError when it fails."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if login.security == SmtpSecurity.TLS:
        smtp = smtplib.SMTP_SSL(login.host, login.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(login.host, login.port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if login.security == SmtpSecurity.STARTTLS:
            smtp.starttls(context=context)
        if login.username:
            smtp.login(login.username, login.password)
        smtp.send_message(message)


def due_email_ids(engine: Engine, *, now: datetime, limit: int) -> list[int]:
    with session_scope(engine) as session:
        query = (
            select(AgentEmail.id)
            .where(
                col(AgentEmail.state) == AgentEmailState.PENDING,
                col(AgentEmail.next_attempt_at) <= now,
                or_(col(AgentEmail.claimed_until).is_(None), col(AgentEmail.claimed_until) <= now),
            )
            .order_by(col(AgentEmail.next_attempt_at), col(AgentEmail.id))
            .limit(limit)
        )
        return [email_id for email_id in session.exec(query) if email_id is not None]


def claim_email(engine: Engine, *, email_id: int, worker: str, now: datetime) -> bool:
    """Takes the lease on a due pending email; False when another sender holds it."""
    with session_scope(engine) as session:
        claimed = claim(
            session,
            AgentEmail,
            col(AgentEmail.id) == email_id,
            col(AgentEmail.state) == AgentEmailState.PENDING,
            col(AgentEmail.next_attempt_at) <= now,
            lease_free(col(AgentEmail.claimed_until), now),
            values={"claimed_by": worker, "claimed_until": now + CLAIM_LEASE},
        )
        return bool(claimed)


def _attempt(engine: Engine, cipher: TokenCipher, public_url: str, email_id: int) -> str | None:
    """Sends one claimed email; the error, or None when the server took it. Whatever goes
    wrong with this row is recorded on it (and retried with backoff, then failed), so it never
    stops the emails behind it."""
    with session_scope(engine) as session:
        row = session.get(AgentEmail, email_id)
        server = session.exec(
            select(SmtpServer).where(SmtpServer.workspace_id == (row.workspace_id if row else -1))
        ).first()
        user = session.get(User, row.user_id) if row and row.user_id is not None else None
        workspace = session.get(Workspace, row.workspace_id) if row else None
    if row is None:
        return "the email no longer exists"
    if server is None:
        return "the workspace has no SMTP server any more"
    try:
        login = smtp_login(server, cipher)
        with writing_for(user, workspace):
            message = build_email(row, login.sender, public_url)
        send_email(login, message)
    except Exception as exc:  # one row's failure (a refusal, a mail it cannot write) is its own
        return f"{type(exc).__name__}: {exc}"
    return None


def _record(
    engine: Engine, *, email_id: int, worker: str, error: str | None, now: datetime
) -> None:
    with session_scope(engine) as session:
        row = session.get(AgentEmail, email_id, with_for_update=True)
        if row is None or row.claimed_by != worker:
            return
        row.attempts += 1
        row.last_error = error
        row.claimed_by, row.claimed_until = None, None
        if error is None:
            row.state, row.sent_at, row.next_attempt_at = AgentEmailState.SENT, now, None
        elif row.attempts >= MAX_ATTEMPTS:
            row.state, row.next_attempt_at = AgentEmailState.FAILED, None
        else:
            row.next_attempt_at = now + BACKOFF[row.attempts - 1]
        session.add(row)
    if error is not None:
        logger.warning("agent email failed", extra={"email_id": email_id, "error": error})


def send_due_emails(
    engine: Engine, settings: Settings, *, now: datetime, worker: str, limit: int = 50
) -> int:
    """Sends up to `limit` due emails; returns how many the SMTP server accepted."""
    ids = due_email_ids(engine, now=now, limit=limit)
    if not ids:
        return 0
    cipher, public_url = TokenCipher(settings), str(settings.public_url)
    sent = 0
    for email_id in ids:
        if not claim_email(engine, email_id=email_id, worker=worker, now=now):
            continue
        error = _attempt(engine, cipher, public_url, email_id)
        _record(engine, email_id=email_id, worker=worker, error=error, now=now)
        sent += error is None
    return sent
