"""`GET /api/v1/csat`: what clients answered to resolution messages in a period (a score 1-5,
or not solved, and their comment), read by `inbox.csat`."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from app.core.models import CsatRating, User
from app.http.auth import CurrentUser
from app.http.dependencies import SessionDep
from inbox.csat import list_ratings

router = APIRouter(tags=["reports"])


class RatingOut(BaseModel):
    conversation_id: int
    message_id: int
    score: int | None = Field(description="1 (very poor) to 5 (excellent); null when not solved.")
    solved: bool
    comment: str
    agent_id: int | None = Field(
        description="The assignee when the message was sent, else its sender."
    )
    agent_name: str | None
    rated_at: datetime = Field(description="When the client last gave this answer.")


class CsatOut(BaseModel):
    """`average` is the mean score of the answers with one (null without any); "not solved"
    has no score and is left out of it."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "from": "2026-11-01",
                    "to": "2026-11-30",
                    "timezone": "Europe/Moscow",
                    "count": 2,
                    "average": 4.0,
                    "ratings": [
                        {
                            "conversation_id": 412,
                            "message_id": 9120,
                            "score": 4,
                            "solved": True,
                            "comment": "Quick and clear, thank you.",
                            "agent_id": 7,
                            "agent_name": "Анна Петрова",
                            "rated_at": "2026-11-20T10:15:00Z",
                        },
                        {
                            "conversation_id": 398,
                            "message_id": 9001,
                            "score": None,
                            "solved": False,
                            "comment": "The invoice is still wrong.",
                            "agent_id": 7,
                            "agent_name": "Анна Петрова",
                            "rated_at": "2026-11-18T16:40:00Z",
                        },
                    ],
                }
            ]
        },
    )

    from_day: date = Field(serialization_alias="from")
    to_day: date = Field(serialization_alias="to")
    timezone: str
    count: int
    average: float | None
    ratings: list[RatingOut]


@router.get(
    "/csat",
    response_model=CsatOut,
    response_model_by_alias=True,
    operation_id="listCsatRatings",
)
def csat_ratings(
    user: CurrentUser,
    session: SessionDep,
    from_day: Annotated[
        str | None, Query(alias="from", max_length=10, examples=["2026-11-01"])
    ] = None,
    to_day: Annotated[str | None, Query(alias="to", max_length=10, examples=["2026-11-30"])] = None,
) -> CsatOut:
    """The answers last given within the workspace's local days `from` to `to` (inclusive),
    newest first; a bad or missing date is a 422 naming it."""
    found = list_ratings(session, workspace_id=user.workspace_id, from_day=from_day, to_day=to_day)
    return CsatOut(
        from_day=found.period.first,
        to_day=found.period.last,
        timezone=found.period.zone.key,
        count=len(found.ratings),
        average=found.average,
        ratings=[_out(rating, agent) for rating, agent in found.ratings],
    )


def _out(rating: CsatRating, agent: User | None) -> RatingOut:
    return RatingOut(
        conversation_id=rating.conversation_id,
        message_id=rating.message_id,
        score=rating.score,
        solved=rating.solved,
        comment=rating.comment,
        agent_id=rating.agent_id,
        agent_name=(agent.name or agent.email) if agent else None,
        rated_at=rating.updated_at,
    )
