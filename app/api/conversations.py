"""`/api/v1/conversations`: the team inbox, newest activity first, and one conversation's
timeline of messages and notes.

Lists page with an opaque cursor over (last activity, id), stable while new mail arrives.
"""

from datetime import datetime
from email.utils import formataddr
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from app.api.notes import NoteOut, note_out
from app.core.db import get_scoped
from app.core.models import (
    Contact,
    Conversation,
    ConversationStatus,
    Direction,
    MessageState,
    Priority,
    PromiseState,
    utcnow,
)
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.list_pages import list_page
from inbox.timeline import TimelineMessage, contact_history, read_timeline
from inbox.views import InboxFilter, View, counts

router = APIRouter(tags=["conversations"])


CONVERSATION_EXAMPLE: JsonDict = {
    "id": 42,
    "subject": "Invoice for October",
    "status": "open",
    "priority": "normal",
    "urgency_reason": None,
    "tags": ["billing"],
    "assignee_id": 7,
    "mailbox_id": 1,
    "contact_id": 15,
    "repeat_of_id": None,
    "message_count": 3,
    "is_unread": True,
    "last_message_at": "2026-11-20T09:41:00Z",
    "first_response_at": "2026-11-19T16:05:00Z",
    "promised_at": "2026-11-20T15:00:00Z",
    "promise_state": "pending",
    "sla_due_at": "2026-11-20T11:41:00Z",
    "snoozed_until": None,
    "highlight": None,
}
MESSAGE_EXAMPLE: JsonDict = {
    "id": 311,
    "gmail_id": "18c2f0a9d3b4e5f6",
    "direction": "inbound",
    "state": "received",
    "kind": None,
    "send_error": None,
    "from": "Olga Smirnova <olga@client.com>",
    "to": ["support@company.com"],
    "cc": [],
    "subject": "Invoice for October",
    "date": "2026-11-20T09:41:00Z",
    "text": "Hello, could you send the October invoice again?",
    "quoted_text": "",
    "html": "<p>Hello, could you send the October invoice again?</p>",
    "new_participant": False,
    "parse_error": None,
    "attachments": [
        {
            "id": 5,
            "filename": "order.pdf",
            "content_type": "application/pdf",
            "size": 48213,
            "is_inline": False,
        }
    ],
}
COUNTS_EXAMPLE: JsonDict = {
    "mine": 12,
    "unassigned": 4,
    "open": 31,
    "pending": 9,
    "snoozed": 2,
    "overdue": 3,
    "closed": 480,
    "automated": 7,
    "all": 529,
}


class ConversationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CONVERSATION_EXAMPLE]})

    id: int
    subject: str
    status: ConversationStatus
    priority: Priority
    urgency_reason: str | None = Field(
        default=None,
        description="The client's words that raised it to urgent («не проходит оплата»); "
        "null once an agent sets the priority.",
    )
    tags: list[str]
    assignee_id: int | None
    mailbox_id: int
    contact_id: int | None
    repeat_of_id: int | None = Field(
        default=None,
        description="The client's conversation closed within the week before that this one "
        "asks about again.",
    )
    message_count: int
    is_unread: bool
    last_message_at: datetime | None
    first_response_at: datetime | None
    promised_at: datetime | None
    promise_state: PromiseState | None = Field(description="pending, kept or broken.")
    sla_due_at: datetime | None = Field(
        description="When the next reply is due (SLA, or a lapsed promise); none when the team "
        "owes no answer."
    )
    snoozed_until: datetime | None
    highlight: str | None = Field(
        default=None, description="Search only: the best matching passage, <mark> around matches."
    )


class ConversationPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [CONVERSATION_EXAMPLE],
                    "next_cursor": "MjAyNi0xMS0yMFQwOTo0MTowMCswMDowMHw0Mg==",
                }
            ]
        }
    )

    items: list[ConversationOut]
    next_cursor: str | None


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    is_inline: bool


class MessageOut(BaseModel):
    id: int
    gmail_id: str | None
    direction: Direction
    state: MessageState
    kind: str | None = Field(
        description="Outbound mail Tandem wrote: reply, auto_ack or resolution; null otherwise."
    )
    send_error: str | None
    from_: str = Field(serialization_alias="from")
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    text: str = Field(description="What the author wrote, without quoted history or signature.")
    quoted_text: str
    html: str | None = Field(description="Sanitized HTML; remote images are marked, not loaded.")
    new_participant: bool
    parse_error: str | None
    attachments: list[AttachmentOut]


class ContactSummaryOut(BaseModel):
    id: int
    email: str
    name: str


class ConversationDetailOut(ConversationOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **CONVERSATION_EXAMPLE,
                    "messages": [MESSAGE_EXAMPLE],
                    "notes": [
                        {
                            "id": 9,
                            "author_id": 7,
                            "kind": "note",
                            "body": "VIP client, answer today.",
                            "created_at": "2026-11-20T09:50:00Z",
                            "edited_at": None,
                        }
                    ],
                    "contact": {"id": 15, "email": "olga@client.com", "name": "Olga Smirnova"},
                    "contact_history": [{**CONVERSATION_EXAMPLE, "id": 17, "status": "closed"}],
                }
            ]
        }
    )

    messages: list[MessageOut]
    notes: list[NoteOut]
    contact: ContactSummaryOut | None
    contact_history: list[ConversationOut] = Field(
        description="The client's other conversations, newest first (at most 20)."
    )


def inbox_filter(
    view: View = View.ALL,
    status: ConversationStatus | None = None,
    assignee_id: int | None = None,
    mailbox_id: int | None = None,
    priority: Priority | None = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    contact_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> InboxFilter:
    """The view and filters of an inbox request (`since`/`until` bound the last activity)."""
    return InboxFilter(
        view, status, assignee_id, mailbox_id, priority, tag, contact_id, since, until
    )


FilterDep = Annotated[InboxFilter, Depends(inbox_filter)]


@router.get("/conversations", response_model_by_alias=True)
def list_conversations(
    user: CurrentUser,
    session: SessionDep,
    inbox: FilterDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    q: Annotated[str | None, Query(max_length=200, description="Full-text search.")] = None,
) -> ConversationPage:
    """A view of the inbox, newest activity first; without `status` or `view`, everything.
    `view=automated` holds the open conversations only bounces, auto-replies and newsletters
    wrote into, which mine, unassigned, open, pending and overdue leave out.

    With `q`, the view's conversations that match it, best match first, each highlighted."""
    page = list_page(session=session, user=user, inbox=inbox, q=q, cursor=cursor, limit=limit)
    items = [
        _out(row).model_copy(update={"highlight": page.highlights.get(row.id or 0)})
        for row in page.items
    ]
    return ConversationPage(items=items, next_cursor=page.next_cursor)


@router.get(
    "/conversations/counts",
    responses={200: {"content": {"application/json": {"example": COUNTS_EXAMPLE}}}},
)
def count_conversations(user: CurrentUser, session: SessionDep) -> dict[str, int]:
    """How many conversations each view holds: {"mine", "unassigned", "open", ...}."""
    return counts(session=session, user=user, now=utcnow())


@router.get("/conversations/{id}", response_model_by_alias=True)
def read_conversation(id: int, user: CurrentUser, session: SessionDep) -> ConversationDetailOut:
    """The timeline (`inbox.timeline`): messages, one copy of mail that reached two mailboxes
    and no cancelled reply, and notes."""
    conversation = get_scoped(session, Conversation, id, user.workspace_id)
    timeline = read_timeline(session=session, conversation=conversation)
    contact = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    return ConversationDetailOut(
        **_out(conversation).model_dump(),
        messages=[_message_out(entry) for entry in timeline.messages],
        notes=[note_out(note) for note in timeline.notes],
        contact=ContactSummaryOut.model_validate(contact, from_attributes=True)
        if contact
        else None,
        contact_history=[
            _out(other) for other in contact_history(session=session, conversation=conversation)
        ],
    )


def _out(conversation: Conversation) -> ConversationOut:
    return ConversationOut.model_validate(conversation, from_attributes=True)


def _message_out(entry: TimelineMessage) -> MessageOut:
    message = entry.message
    return MessageOut(
        id=message.id or 0,
        gmail_id=message.gmail_id,
        direction=Direction(message.direction),
        state=MessageState(message.state),
        kind=message.kind,
        send_error=message.send_error,
        from_=formataddr((message.from_name, message.from_address)),
        to=message.to,
        cc=message.cc,
        subject=message.subject,
        date=message.date,
        text=message.visible_text,
        quoted_text=message.quoted_text,
        html=message.html_body,
        new_participant=message.new_participant,
        parse_error=message.parse_error,
        attachments=[
            AttachmentOut.model_validate(attachment, from_attributes=True)
            for attachment in entry.attachments
        ],
    )
