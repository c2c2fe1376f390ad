"""The SQLModel tables every package shares: the whole data model.

Every row belongs to exactly one workspace (`workspace_id` on every table) so that each query
can be scoped by it; the one exception is a sign-in attempt, written before anyone is known.
The tables live in modules by what they hold (`team`, `access`, `mail`, `work`, `outbox`,
`live`, `reports`); `columns` says how things are stored. Import from here: `from
app.core.models import Conversation`.
"""

from sqlmodel import SQLModel

from app.core.models.access import PasswordReset, SignInAttempt
from app.core.models.columns import JSONType, UTCDateTime, id_of, utcnow
from app.core.models.enums import (
    AgentEmailState,
    ConversationStatus,
    Direction,
    FollowupAction,
    MailboxStatus,
    MessageKind,
    MessageState,
    NoteKind,
    Priority,
    PromiseState,
    ReminderKind,
    ReminderState,
    Role,
    SmtpSecurity,
    SyncState,
    WebhookDeliveryState,
)
from app.core.models.live import LiveEvent, Presence, WorkerBeat
from app.core.models.mail import (
    Attachment,
    AutoReplyLog,
    Contact,
    Conversation,
    ConversationThread,
    Mailbox,
    Message,
    OAuthState,
)
from app.core.models.outbox import AgentEmail, SmtpServer, WebhookDelivery, WebhookSubscription
from app.core.models.reports import (
    ReportCalendar,
    ReportConversation,
    ReportReply,
    ReportStale,
    ReportStatusChange,
    ReportTag,
)
from app.core.models.team import ApiToken, User, Workspace
from app.core.models.work import (
    AuditEvent,
    CsatRating,
    Note,
    NoteRevision,
    Notification,
    Reminder,
    Rule,
    SlaPolicy,
    Template,
)

__all__ = [
    "AgentEmail",
    "AgentEmailState",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AutoReplyLog",
    "Contact",
    "Conversation",
    "ConversationStatus",
    "ConversationThread",
    "CsatRating",
    "Direction",
    "FollowupAction",
    "JSONType",
    "LiveEvent",
    "Mailbox",
    "MailboxStatus",
    "Message",
    "MessageKind",
    "MessageState",
    "Note",
    "NoteKind",
    "NoteRevision",
    "Notification",
    "OAuthState",
    "PasswordReset",
    "Presence",
    "Priority",
    "PromiseState",
    "Reminder",
    "ReminderKind",
    "ReminderState",
    "ReportCalendar",
    "ReportConversation",
    "ReportReply",
    "ReportStale",
    "ReportStatusChange",
    "ReportTag",
    "Role",
    "Rule",
    "SQLModel",
    "SignInAttempt",
    "SlaPolicy",
    "SmtpSecurity",
    "SmtpServer",
    "SyncState",
    "Template",
    "UTCDateTime",
    "User",
    "WebhookDelivery",
    "WebhookDeliveryState",
    "WebhookSubscription",
    "WorkerBeat",
    "Workspace",
    "id_of",
    "utcnow",
]
