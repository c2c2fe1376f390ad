"""The request's database session and settings, as route dependencies.

The session is the one commit boundary of a request: it commits when the route returned and
rolls back when it raised. It is function-scoped, so the commit happens after the route and
before the response is sent: a commit that fails is an error response, never a success that
was not stored. Routes and domain code never commit.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlmodel import Session

from app.core.db import session_scope
from app.core.settings import Settings


def request_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    with session_scope(engine) as session:
        yield session


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(request_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(app_settings)]
