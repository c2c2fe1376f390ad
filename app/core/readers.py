"""Whom a piece of writing made outside their request is for: an e-mail to one agent, a
notification they will read later. A person reads in their own language and zone, else their
team's (`app.http.reader` adds the browser's language for a request, which a mail never has).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from app.core.i18n import LANGUAGES, reading_as
from app.core.models import User, Workspace
from app.core.zones import zone_or_utc


def own_language(user: User | None, workspace: Workspace | None) -> str:
    if user is not None and user.language:
        return user.language
    return workspace.language if workspace is not None else LANGUAGES[0]


def own_zone(user: User | None, workspace: Workspace | None) -> ZoneInfo:
    chosen = (user.timezone if user is not None else None) or (
        workspace.timezone if workspace is not None else ""
    )
    return zone_or_utc(chosen or "UTC")


@contextmanager
def writing_for(user: User | None, workspace: Workspace | None) -> Iterator[None]:
    """What is written inside reads as `user` reads Tandem."""
    with reading_as(own_language(user, workspace), own_zone(user, workspace)):
        yield
