"""Delivers fired reminders inside the firing transaction: in-app notifications (bulk inserted,
their sentence written when read: `app.core.notice_text`), agent email queued as outbox rows
when the workspace has SMTP, each in its recipient's language and zone, and the internal-only
`reminder.due` webhook event. Nothing here talks to the network; it flushes, never commits.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.i18n import current_language, current_zone
from app.core.i18n import gettext as _
from app.core.live import publish_notification
from app.core.models import (
    AgentEmail,
    AgentEmailState,
    Conversation,
    Notification,
    Reminder,
    SmtpServer,
    User,
    WebhookSubscription,
    Workspace,
    id_of,
)
from app.core.plain_text import one_line
from app.core.readers import writing_for
from inbox.client_time import client_time
from webhooks.events import Event, emit


def reminder_kind(reminder: Reminder) -> str:
    """The kind of its notifications."""
    return f"{notice_text.REMINDER}{reminder.kind}"


def reminder_params(reminder: Reminder, conversation: Conversation | None) -> notice_text.Params:
    """What the reminder says (Tandem's words: their values, which name the conversation;
    a person's: their own words, none: its kind's), with the conversation it is about."""
    if reminder.params:
        return dict(reminder.params)
    subject = conversation.subject if conversation else None
    return notice_text.reminder_due(reminder.text.strip(), subject, conversation is not None)


def recipients(session: Session, reminders: Sequence[Reminder]) -> dict[int, list[User]]:
    """Whom each reminder is for: its user while active, else every active member of the
    workspace (a reminder for a deactivated agent still reaches the team)."""
    user_ids = {reminder.user_id for reminder in reminders if reminder.user_id is not None}
    users = {user.id: user for user in session.exec(select(User).where(col(User.id).in_(user_ids)))}
    teams: dict[int, list[User]] = {}
    people: dict[int, list[User]] = {}
    for reminder in reminders:
        user = users.get(reminder.user_id)
        if user is not None and user.is_active:
            people[id_of(reminder)] = [user]
            continue
        if reminder.workspace_id not in teams:
            teams[reminder.workspace_id] = list(
                session.exec(
                    select(User)
                    .where(User.workspace_id == reminder.workspace_id, col(User.is_active))
                    .order_by(col(User.id))
                )
            )
        people[id_of(reminder)] = teams[reminder.workspace_id]
    return people


def deliver_reminders(
    session: Session,
    *,
    reminders: Sequence[Reminder],
    conversations: Mapping[int | None, Conversation],
    now: datetime,
) -> None:
    if not reminders:
        return
    people = recipients(session, reminders)
    params = {id_of(r): reminder_params(r, conversations.get(r.conversation_id)) for r in reminders}
    texts = {id_of(r): notice_text.english(reminder_kind(r), params[id_of(r)]) for r in reminders}
    notifications = [
        {
            "workspace_id": reminder.workspace_id,
            "user_id": id_of(user),
            "conversation_id": reminder.conversation_id,
            "reminder_id": id_of(reminder),
            "kind": reminder_kind(reminder),
            "text": texts[id_of(reminder)],
            "params": params[id_of(reminder)],
            "created_at": now,
        }
        for reminder in reminders
        for user in people[id_of(reminder)]
    ]
    if notifications:
        session.execute(insert(Notification), notifications)
    for row in notifications:
        publish_notification(session, Notification.model_validate(row))
    _queue_emails(session, reminders, people, params, now)
    _announce(session, reminders, now)


def _queue_emails(
    session: Session,
    reminders: Sequence[Reminder],
    people: Mapping[int, list[User]],
    params: Mapping[int, notice_text.Params],
    now: datetime,
) -> None:
    """One pending AgentEmail per person told who wants e-mail, for workspaces with an SMTP
    server; the mail job sends them after this transaction commits."""
    workspace_ids = {reminder.workspace_id for reminder in reminders}
    workspaces = {
        workspace.id: workspace
        for workspace in session.exec(
            select(Workspace)
            .join(SmtpServer, col(SmtpServer.workspace_id) == col(Workspace.id))
            .where(col(Workspace.id).in_(workspace_ids))
        )
    }
    emails = [
        _email_row(reminder, user, params[id_of(reminder)], workspaces[reminder.workspace_id], now)
        for reminder in reminders
        if reminder.workspace_id in workspaces
        for user in people[id_of(reminder)]
        if user.email_notifications
    ]
    if emails:
        session.execute(insert(AgentEmail), emails)


def _email_row(
    reminder: Reminder,
    user: User,
    params: notice_text.Params,
    workspace: Workspace,
    now: datetime,
) -> dict[str, Any]:
    """Written as `user` reads Tandem; the due time names its zone, as a mail is read away from
    the page that would say it."""
    with writing_for(user, workspace):
        text = notice_text.sentence(reminder_kind(reminder), params)
        due = client_time(reminder.due_at, current_zone(), current_language())
        body = f"{text}\n\n" + _("Due %(time)s.") % {"time": due} + "\n"
        if reminder.conversation_id is not None:
            number = {"number": reminder.conversation_id}
            body += _("Conversation #%(number)s in Tandem.") % number + "\n"
        subject = _("Tandem reminder: %(reminder)s") % {"reminder": text}
    return {
        "workspace_id": reminder.workspace_id,
        "user_id": id_of(user),
        "reminder_id": id_of(reminder),
        "conversation_id": reminder.conversation_id,
        "to_address": user.email,
        "subject": one_line(subject)[:300],
        "body": body,
        "state": AgentEmailState.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def reminder_data(reminder: Reminder, text: str) -> dict[str, Any]:
    return {
        "reminder": {
            "id": id_of(reminder),
            "kind": reminder.kind,
            "conversation_id": reminder.conversation_id,
            "user_id": reminder.user_id,
            "due_at": reminder.due_at,
            "fired_at": reminder.fired_at,
            "text": text,
        }
    }


def _announce(session: Session, reminders: Sequence[Reminder], now: datetime) -> None:
    """`reminder.due` to internal subscriptions (a reminder's text is team context); asks
    once per chunk which workspaces listen, so 10,000 reminders without a listener cost one
    query."""
    workspace_ids = {reminder.workspace_id for reminder in reminders}
    listening = {
        subscription.workspace_id
        for subscription in session.exec(
            select(WebhookSubscription).where(
                col(WebhookSubscription.workspace_id).in_(workspace_ids),
                col(WebhookSubscription.is_active),
                col(WebhookSubscription.is_internal),
            )
        )
        if Event.REMINDER_DUE in subscription.events
    }
    for reminder in reminders:
        if reminder.workspace_id in listening:
            emit(
                session=session,
                workspace_id=reminder.workspace_id,
                event=Event.REMINDER_DUE,
                data=reminder_data(reminder, reminder.text),
                now=now,
                internal_only=True,
            )
