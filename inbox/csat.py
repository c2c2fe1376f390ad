"""Clients' ratings of resolution messages (CSAT): recording the answer given through a rating
link (`inbox.rating_links`), and reading the ratings back for the API and the conversation
page. The reports' figures are `inbox.report_csat`'s.

One rating per resolution message: answering again through the same link changes it. "Not
solved" reopens a closed conversation through `inbox.changes` (audited, with Tandem as the
actor on the client's behalf) and tells its assignee; every answer is audited as
`csat.rated` and announced as the `csat.received` webhook. Flushes, never commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.core import notice_text
from app.core.errors import Invalid, NotFound
from app.core.i18n import gettext as _
from app.core.models import (
    AuditEvent,
    Contact,
    Conversation,
    ConversationStatus,
    CsatRating,
    Message,
    MessageKind,
    User,
    Workspace,
    id_of,
)
from app.core.notice_text import new_notification
from app.core.notices import notify
from app.core.zones import zone_or_utc
from inbox.changes import change_conversation
from inbox.rating_links import CHOICES, NOT_SOLVED, RatingLink
from inbox.report_clock import Period, parse_day, period_of
from inbox.report_csat import average
from webhooks.events import Event, emit
from webhooks.payloads import rating_data

MAX_COMMENT = 2000


@dataclass(frozen=True)
class Rated:
    """The resolution a link rates, with its conversation and the rating given so far."""

    conversation: Conversation
    message: Message
    rating: CsatRating | None


def rated(session: Session, link: RatingLink) -> Rated:
    """What a valid link is about; NotFound when its conversation has been deleted since."""
    message = session.get(Message, link.message_id)
    conversation = session.get(Conversation, link.conversation_id)
    if (
        message is None
        or conversation is None
        or message.conversation_id != conversation.id
        or message.kind != MessageKind.RESOLUTION
    ):
        raise NotFound(_("this conversation no longer exists"))
    rating = session.exec(select(CsatRating).where(CsatRating.message_id == link.message_id))
    return Rated(conversation, message, rating.first())


def rate(
    session: Session, *, link: RatingLink, choice: str, comment: str, now: datetime
) -> CsatRating:
    """Records the client's answer (a score "1".."5" or "unsolved"), or changes the one they
    gave before through this link."""
    if choice not in CHOICES:
        raise Invalid(
            _("choice: %(choice)r is not one of %(choices)s")
            % {"choice": choice, "choices": ", ".join(CHOICES)}
        )
    if len(comment) > MAX_COMMENT:
        raise Invalid(_("comment: at most %(count)s characters") % {"count": MAX_COMMENT})
    found = rated(session, link)
    conversation, rating = found.conversation, found.rating
    was_solved = rating is None or rating.solved
    if rating is None:
        rating = CsatRating(
            workspace_id=conversation.workspace_id,
            conversation_id=id_of(conversation),
            message_id=id_of(found.message),
            mailbox_id=found.message.mailbox_id,
            agent_id=_member(session, link.agent_id, conversation.workspace_id),
            solved=True,
            created_at=now,
        )
    rating.solved = choice != NOT_SOLVED
    rating.score = int(choice) if rating.solved else None
    rating.comment = comment.strip()
    rating.updated_at = now
    session.add(rating)
    session.flush()
    session.add(_audit(rating, now))
    if was_solved and not rating.solved:
        _not_solved(session, conversation, now)
    emit(
        session=session,
        workspace_id=rating.workspace_id,
        event=Event.CSAT_RECEIVED,
        data=rating_data(rating),
        now=now,
    )
    session.flush()
    return rating


def _member(session: Session, user_id: int | None, workspace_id: int) -> int | None:
    """The credited agent, if they are still a member of the workspace."""
    user = session.get(User, user_id) if user_id is not None else None
    return user_id if user is not None and user.workspace_id == workspace_id else None


def _audit(rating: CsatRating, now: datetime) -> AuditEvent:
    return AuditEvent(
        workspace_id=rating.workspace_id,
        conversation_id=rating.conversation_id,
        actor_id=None,
        action="csat.rated",
        after={"score": rating.score, "solved": rating.solved},
        details={"rating_id": id_of(rating), "message_id": rating.message_id},
        created_at=now,
    )


def _not_solved(session: Session, conversation: Conversation, now: datetime) -> None:
    """Back to the team's open work, and its assignee hears of it."""
    if conversation.status == ConversationStatus.CLOSED:
        change_conversation(
            session=session,
            conversation=conversation,
            actor=None,
            changes={"status": ConversationStatus.OPEN},
            now=now,
        )
    assignee = session.get(User, conversation.assignee_id) if conversation.assignee_id else None
    if assignee is None or not assignee.is_active:
        return
    client = session.get(Contact, conversation.contact_id) if conversation.contact_id else None
    who = (client.name or client.email) if client else None
    notice = new_notification(
        workspace_id=conversation.workspace_id,
        user_id=id_of(assignee),
        conversation_id=id_of(conversation),
        kind=notice_text.CSAT_UNSOLVED,
        params=notice_text.csat_unsolved(conversation.subject, who),
        now=now,
    )
    notify(session, notice, now=now)


def conversation_ratings(session: Session, conversation: Conversation) -> list[CsatRating]:
    """Its ratings, one per rated resolution message, oldest first."""
    return list(
        session.exec(
            select(CsatRating)
            .where(
                CsatRating.conversation_id == conversation.id,
                CsatRating.workspace_id == conversation.workspace_id,
            )
            .order_by(col(CsatRating.created_at), col(CsatRating.id))
        )
    )


@dataclass(frozen=True)
class RatingList:
    period: Period
    ratings: list[tuple[CsatRating, User | None]]
    average: float | None


def list_ratings(
    session: Session, *, workspace_id: int, from_day: str | None, to_day: str | None
) -> RatingList:
    """The ratings last given within local days `from_day` to `to_day` of the workspace (an
    answer changed later counts when it was changed), newest first, with their agents and the
    average score; a bad date is refused naming its parameter."""
    first, last = parse_day(from_day, "from"), parse_day(to_day, "to")
    workspace = session.get(Workspace, workspace_id)
    period = period_of(first, last, zone_or_utc(workspace.timezone if workspace else "UTC"))
    rows = session.exec(
        select(CsatRating, User)
        .join(User, col(User.id) == col(CsatRating.agent_id), isouter=True)
        .where(
            CsatRating.workspace_id == workspace_id,
            col(CsatRating.updated_at) >= period.start,
            col(CsatRating.updated_at) < period.end,
        )
        .order_by(col(CsatRating.updated_at).desc(), col(CsatRating.id).desc())
    ).all()
    ratings: list[tuple[CsatRating, User | None]] = [(rating, user) for rating, user in rows]
    return RatingList(period, ratings, average([rating.score for rating, _user in ratings]))
