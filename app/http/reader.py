"""Who a request is read by: its language and time zone.

People get Tandem in their own language and zone: their Account choice, else their browser's
`Accept-Language`, else their team's. Each request starts from the browser's language
(`ReaderMiddleware`), and the signed-in person's choice settles it once they are known
(`settle_for`, called by the web sign-in dependency), so a form's error raised deep in the
domain reads the same as the page around it. The REST API answers in English whatever the
header says: integrations match on its messages.
"""

from zoneinfo import ZoneInfo

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.i18n import LANGUAGES, begin_reading, preferred_language, settle_reader
from app.core.models import User, Workspace
from app.core.zones import zone_or_utc

API_PREFIX = "/api/"


def reader_zone(user: User | None, workspace: Workspace | None) -> ZoneInfo:
    """The person's own zone, else their team's."""
    chosen = (user.timezone if user is not None else None) or (
        workspace.timezone if workspace else ""
    )
    return zone_or_utc(chosen or "UTC")


def reader_language(
    accept_language: str | None, user: User | None, workspace: Workspace | None
) -> str:
    """The person's own choice, else their browser's, else the language their team writes in."""
    if user is not None and user.language:
        return user.language
    browser = preferred_language(accept_language)
    if browser is not None:
        return browser
    return workspace.language if workspace is not None else LANGUAGES[0]


def settle_for(accept_language: str | None, user: User, workspace: Workspace | None) -> None:
    settle_reader(reader_language(accept_language, user, workspace), reader_zone(user, workspace))


class ReaderMiddleware:
    """Pure ASGI, so the reader it sets is the context every later part of the request (the
    other middleware, the dependencies, the route, the error pages) runs in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            api = str(scope.get("path", "")).startswith(API_PREFIX)
            browser = (
                None if api else preferred_language(Headers(scope=scope).get("accept-language"))
            )
            begin_reading(browser or LANGUAGES[0])
        await self.app(scope, receive, send)
