"""Connecting a mailbox: a pending connection found later by its `state` (random, single use,
ten minutes, stored with the PKCE verifier, so the link works in any browser), the callback that
checks who consented and stores sealed credentials, and disconnecting.

Functions flush, never commit; the callback route runs `finish_connection` in a savepoint, so
a failed exchange undoes only its own writes and the claim of the state is still committed:
a failed link cannot be replayed.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.core.accounts import normalize_email
from app.core.errors import Conflict, Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.job_text import AWAITING_GOOGLE, DISCONNECTED, said
from app.core.models import Mailbox, MailboxStatus, OAuthState, SyncState, id_of
from app.core.settings import Settings
from gmail_sync.client import GmailClient
from gmail_sync.mailboxes import mark_needs_reauth, record_quota, request_sync
from gmail_sync.oauth import (
    ReauthRequired,
    TokenCipher,
    begin_authorization,
    exchange_code,
    google_endpoints,
    open_credentials,
    revoke,
    seal_credentials,
)

STATE_TTL = timedelta(minutes=10)


def start_connection(
    *,
    session: Session,
    settings: Settings,
    workspace_id: int,
    user_id: int,
    email: str,
    now: datetime,
) -> tuple[Mailbox, str]:
    """The mailbox row (new, or the one to reconnect) and Google's authorize URL for it."""
    email = normalize_email(email)
    mailbox = session.exec(select(Mailbox).where(Mailbox.email == email)).first()
    if mailbox is not None and mailbox.workspace_id != workspace_id:
        raise Conflict(_("%(email)s is already connected to another workspace") % {"email": email})
    if mailbox is None:
        mailbox = Mailbox(
            workspace_id=workspace_id,
            email=email,
            status=MailboxStatus.NEEDS_REAUTH,
            last_error=said(AWAITING_GOOGLE),
        )
        session.add(mailbox)
        session.flush()
    authorization = begin_authorization(
        settings=settings, email=email, state=secrets.token_urlsafe(32)
    )
    session.add(
        OAuthState(
            workspace_id=workspace_id,
            mailbox_id=id_of(mailbox),
            user_id=user_id,
            state=authorization.state,
            code_verifier=authorization.code_verifier,
            expires_at=now + STATE_TTL,
        )
    )
    session.flush()
    return mailbox, authorization.url


@dataclass(frozen=True)
class ClaimedConnection:
    mailbox_id: int
    code_verifier: str


def claim_connection(*, session: Session, state: str, now: datetime) -> ClaimedConnection:
    """Uses up the state: one conditional UPDATE, so a replayed or stale link fails."""
    result = session.execute(
        update(OAuthState)
        .where(
            col(OAuthState.state) == state,
            col(OAuthState.used_at).is_(None),
            col(OAuthState.expires_at) > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Invalid(_("this authorization link was already used or has expired: start again"))
    pending = session.exec(select(OAuthState).where(OAuthState.state == state)).one()
    return ClaimedConnection(pending.mailbox_id, pending.code_verifier)


def finish_connection(
    *, session: Session, settings: Settings, claimed: ClaimedConnection, code: str, now: datetime
) -> Mailbox:
    """Exchanges the code, checks the consenting account, stores credentials, starts a sync."""
    mailbox = session.get(Mailbox, claimed.mailbox_id)
    if mailbox is None:
        raise NotFound(_("the mailbox of this authorization no longer exists"))
    credentials = exchange_code(settings=settings, code=code, code_verifier=claimed.code_verifier)
    client = GmailClient(credentials, google_endpoints(settings).api_root)
    try:
        account = str(client.profile()["emailAddress"]).lower()
        if account != mailbox.email:
            revoke(settings=settings, credentials=credentials)
            raise Invalid(
                _(
                    "you signed in to Google as %(account)s, but this connection is for "
                    "%(email)s: sign in as %(email)s"
                )
                % {"account": account, "email": mailbox.email}
            )
        mailbox.aliases = [a for a in client.send_as_addresses() if a != mailbox.email]
        if settings.push_topic:
            start_watch(mailbox=mailbox, client=client, topic=settings.push_topic)
        record_quota(mailbox=mailbox, units=client.units_spent, now=now)
    finally:
        client.close()
    mailbox.credentials_encrypted = seal_credentials(credentials, TokenCipher(settings))
    mailbox.status, mailbox.sync_state, mailbox.last_error = (
        MailboxStatus.SYNCING,
        SyncState.IDLE,
        None,
    )
    mailbox.connected_at = mailbox.connected_at or now
    request_sync(session=session, mailbox=mailbox, now=now, full=mailbox.history_id is None)
    return mailbox


def start_watch(*, mailbox: Mailbox, client: GmailClient, topic: str) -> None:
    """Registers Gmail push for the mailbox; Gmail ends a watch after 7 days unless renewed."""
    response = client.watch(topic)
    expiration_ms = int(response["expiration"])
    mailbox.watch_expires_at = datetime.fromtimestamp(expiration_ms / 1000, tz=UTC)


def disconnect(*, session: Session, settings: Settings, mailbox: Mailbox) -> None:
    """Revokes the grant and forgets the tokens; conversations and notes stay in Tandem."""
    if mailbox.credentials_encrypted:
        try:
            credentials = open_credentials(
                mailbox.credentials_encrypted, settings=settings, cipher=TokenCipher(settings)
            )
        except ReauthRequired:
            credentials = None  # undecryptable: nothing Tandem could revoke
        if credentials is not None:
            revoke(settings=settings, credentials=credentials)
    mailbox.credentials_encrypted = None
    mailbox.watch_expires_at = None
    mark_needs_reauth(mailbox=mailbox, reason=said(DISCONNECTED))
    session.add(mailbox)
    session.flush()
