"""The links in a resolution message that let the client rate it: signed with the server's
secret key, bound to one conversation and one resolution message (and to the agent credited
with it), valid for 30 days. They need no account: the signature is the proof, so nothing is
stored until the client answers. It owns the token and never reads the database.

The token is itsdangerous's signed JSON (the secret key with a salt of its own, so no other
signed value of Tandem's is ever a valid rating link). Its expiry is inside the signed data and
checked against the `now` the caller gives, so a test can read a link 31 days later without
waiting. Which answer the client picked travels beside the token (`?choice=4`): it is no secret,
and the page lets them change it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from app.core.errors import Forbidden
from app.core.settings import Settings

LIFETIME = timedelta(days=30)
SALT = "tandem.csat-rating"
#: What a link can answer: a score, worst to best, or that the problem is not solved.
SCORES = ("1", "2", "3", "4", "5")
NOT_SOLVED = "unsolved"
CHOICES = (*SCORES, NOT_SOLVED)


class RefusedLink(Forbidden):
    """A forged or altered link: the page says so and nothing changes."""


class ExpiredLink(RefusedLink):
    """A genuine link past its 30 days."""


@dataclass(frozen=True)
class RatingLink:
    """What a valid token vouches for."""

    conversation_id: int
    message_id: int
    agent_id: int | None
    expires_at: datetime


@dataclass(frozen=True)
class RatingLinks:
    """The signing key and the server's public address: what writing and reading links needs."""

    secret_key: str
    public_url: str

    @classmethod
    def of(cls, settings: Settings) -> "RatingLinks":
        return cls(settings.require_secret_key(), str(settings.public_url).rstrip("/"))

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret_key, salt=SALT)

    def token(
        self, *, conversation_id: int, message_id: int, agent_id: int | None, now: datetime
    ) -> str:
        expires = int((now + LIFETIME).timestamp())
        data = {"c": conversation_id, "m": message_id, "a": agent_id, "e": expires}
        return str(self._serializer().dumps(data))

    def url(self, token: str, choice: str) -> str:
        return f"{self.public_url}/rate/{token}?choice={choice}"

    def read(self, token: str, *, now: datetime) -> RatingLink:
        """Raises RefusedLink when the signature is wrong, ExpiredLink when it is too old."""
        try:
            data: Any = self._serializer().loads(token)
        except BadData:
            raise RefusedLink("this rating link is not valid") from None
        link = _link_of(data)
        if link is None:
            raise RefusedLink("this rating link is not valid")
        if now >= link.expires_at:
            raise ExpiredLink("this rating link has expired")
        return link


def _link_of(data: Any) -> RatingLink | None:
    """None for signed data of another shape (only a leaked key could make one)."""
    if not isinstance(data, dict):
        return None
    conversation_id, message_id, expires = data.get("c"), data.get("m"), data.get("e")
    agent_id = data.get("a")
    if not (
        isinstance(conversation_id, int)
        and isinstance(message_id, int)
        and isinstance(expires, int)
        and (agent_id is None or isinstance(agent_id, int))
    ):
        return None
    return RatingLink(conversation_id, message_id, agent_id, datetime.fromtimestamp(expires, UTC))
