"""Delivers fired reminders inside the firing transaction: in-app notifications (bulk inserted),
agent email queued as outbox rows when the workspace has SMTP, and the internal-only
`reminder.due` webhook event. Nothing here talks to the network; it flushes, never commits.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.core.live import publish_notification
from app.core.models import (
    AgentEmail,
    AgentEmailState,
    Conversation,
    Notification,
    Reminder,
    ReminderKind,
    SmtpServer,
    User,
    WebhookSubscription,
    Workspace,
    id_of,
)
from app.core.plain_text import one_line
from app.core.zones import zone_or_utc
from inbox.client_time import client_time
from webhooks.events import Event, emit

DEFAULT_TEXTS = {
    ReminderKind.PROMISE: "The reply promised to the client is due",
    ReminderKind.SLA: "The reply time target is about to lapse",
    ReminderKind.FOLLOWUP: "No answer from the client yet: time to follow up",
    ReminderKind.CUSTOM: "Reminder",
}


def reminder_text(reminder: Reminder, conversation: Conversation | None) -> str:
    """The reminder's own words, or its kind's, with the conversation it is about."""
    text = reminder.text.strip() or DEFAULT_TEXTS.get(ReminderKind(reminder.kind), "Reminder")
    return f"{text} — “{conversation.subject}”" if conversation else text


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
    texts = {id_of(r): reminder_text(r, conversations.get(r.conversation_id)) for r in reminders}
    notifications = [
        {
            "workspace_id": reminder.workspace_id,
            "user_id": id_of(user),
            "conversation_id": reminder.conversation_id,
            "reminder_id": id_of(reminder),
            "kind": f"reminder.{reminder.kind}",
            "text": texts[id_of(reminder)],
            "created_at": now,
        }
        for reminder in reminders
        for user in people[id_of(reminder)]
    ]
    if notifications:
        session.execute(insert(Notification), notifications)
    for row in notifications:
        publish_notification(session, Notification.model_validate(row))
    _queue_emails(session, reminders, people, texts, now)
    _announce(session, reminders, now)


def _queue_emails(
    session: Session,
    reminders: Sequence[Reminder],
    people: Mapping[int, list[User]],
    texts: Mapping[int, str],
    now: datetime,
) -> None:
    """One pending AgentEmail per person told who wants e-mail, for workspaces with an SMTP
    server; the mail job sends them after this transaction commits."""
    workspace_ids = {reminder.workspace_id for reminder in reminders}
    zones = {
        workspace.id: workspace.timezone
        for workspace in session.exec(
            select(Workspace)
            .join(SmtpServer, col(SmtpServer.workspace_id) == col(Workspace.id))
            .where(col(Workspace.id).in_(workspace_ids))
        )
    }
    emails = [
        _email_row(reminder, user, texts[id_of(reminder)], zones[reminder.workspace_id], now)
        for reminder in reminders
        if reminder.workspace_id in zones
        for user in people[id_of(reminder)]
        if user.email_notifications
    ]
    if emails:
        session.execute(insert(AgentEmail), emails)


def _email_row(
    reminder: Reminder, user: User, text: str, zone_name: str, now: datetime
) -> dict[str, Any]:
    due = client_time(reminder.due_at, zone_or_utc(zone_name), "en")
    body = f"{text}\n\nDue {due}.\n"
    if reminder.conversation_id is not None:
        body += f"Conversation #{reminder.conversation_id} in Tandem.\n"
    return {
        "workspace_id": reminder.workspace_id,
        "user_id": id_of(user),
        "reminder_id": id_of(reminder),
        "conversation_id": reminder.conversation_id,
        "to_address": user.email,
        "subject": one_line(f"Tandem reminder: {text}")[:300],
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
