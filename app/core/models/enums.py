"""The enumerations of the data model, stored as short strings."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


class MailboxStatus(StrEnum):
    CONNECTED = "connected"
    SYNCING = "syncing"
    NEEDS_REAUTH = "needs_reauth"
    ERROR = "error"


class SyncState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    ERROR = "error"


class ConversationStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageState(StrEnum):
    """Inbound mail is `received`; a reply moves queued -> sending -> sent (or failed), or is
    cancelled while queued."""

    RECEIVED = "received"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MessageKind(StrEnum):
    """Why Tandem wrote an outbound message; synced mail has no kind."""

    REPLY = "reply"
    AUTO_ACK = "auto_ack"
    RESOLUTION = "resolution"


class NoteKind(StrEnum):
    NOTE = "note"
    HANDOFF = "handoff"


class ReminderKind(StrEnum):
    PROMISE = "promise"
    SLA = "sla"
    FOLLOWUP = "followup"
    CUSTOM = "custom"


class PromiseState(StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"


class FollowupAction(StrEnum):
    """What a follow-up does when the client has not written by its time."""

    REMIND = "remind"
    CLOSE = "close"


class ReminderState(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    DONE = "done"
    FAILED = "failed"


class WebhookDeliveryState(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class AgentEmailState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
