"""The composition root: `create_app()` wires settings, database, middleware, error handling and
routers. Nothing else builds the application, and nothing but the CLI and tests imports it."""

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from app import api, gmail_endpoints, health
from app.addon import routes as addon
from app.core.db import get_engine
from app.core.errors import TandemError
from app.core.release import VERSION
from app.core.settings import Settings, get_settings
from app.http.auth import LoginRequired
from app.http.live_hub import LiveHub, close_streams_on_exit_signals
from app.http.observability import RequestLogMiddleware
from app.http.operation_ids import operation_id
from app.http.reader import ReaderMiddleware
from app.http.security_headers import SecurityHeaders
from app.http.text_input import TextInputGuard
from app.web import routes as web
from app.web.error_pages import error_page, for_a_person, malformed_page, no_page
from app.web.settings_pages import AdminOnly, admin_only_page
from inbox.assignment import assign_new_mail
from inbox.auto_ack import acknowledge_new_mail
from inbox.client_replies import notify_client_replies
from inbox.inbound_rules import apply_rules
from inbox.promises import run_reply_clocks
from inbox.repeat_requests import link_repeat_requests
from inbox.urgent_mail import raise_urgent_mail
from scheduler.jobs import AfterSync
from scheduler.runner import TandemScheduler

logger = logging.getLogger(__name__)

#: What runs in the transaction after each sync that stored mail, in this order. A client's
#: reply is told to its owner before new conversations get owners (a routing rule's agent
#: first, then a repeat request's earlier agent, then the rest in turn); urgency is known
#: before all of it, so rules can ask for it and the owner hears of an urgent conversation as
#: urgent.
AFTER_SYNC: tuple[AfterSync, ...] = (
    raise_urgent_mail,
    notify_client_replies,
    apply_rules,
    link_repeat_requests,
    assign_new_mail,
    run_reply_clocks,
    acknowledge_new_mail,
)
#: The triage of new mail (urgency, routing rules, repeat requests): what the benchmarks time
#: sync with and without, since it may add only so much to it.
TRIAGE: tuple[AfterSync, ...] = (raise_urgent_mail, apply_rules, link_repeat_requests)


def after_sync_steps(*, triage: bool = True) -> list[AfterSync]:
    return [step for step in AFTER_SYNC if triage or step not in TRIAGE]


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TandemError)
    async def tandem_error(request: Request, exc: TandemError) -> Response:
        if for_a_person(request):
            return error_page(request, exc.status_code, str(exc))
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """An address that leads nowhere (404) or the wrong method (405)."""
        if for_a_person(request) and exc.status_code in (404, 405):
            return no_page(request)
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        """A page address with a malformed part, like /c/abc, or a form field no form of the
        page would send: people get a page, callers the list of what is wrong where."""
        if for_a_person(request):
            return malformed_page(request, exc)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(_request: Request, _exc: Exception) -> JSONResponse:
        """A number too large for its column (SQLite overflows, PostgreSQL refuses)."""
        return JSONResponse({"detail": "a number in the request is out of range"}, status_code=422)

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        """A write the database refused (a duplicate, a missing value): the caller's data
        conflicts with what is stored; logged, since a route should have said so first."""
        logger.warning("integrity error", extra={"error": str(exc.orig)})
        return JSONResponse({"detail": "conflicts with existing data"}, status_code=409)

    app.add_exception_handler(AdminOnly, admin_only_page)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        """No stack trace reaches the caller; the log has it, under the request id."""
        request_id = getattr(request.state, "request_id", None)
        logger.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
        if for_a_person(request):
            message = f"Tandem could not do this; the log has it under request id {request_id}."
            return error_page(request, 500, message)
        return JSONResponse(
            {"detail": "internal server error", "request_id": request_id}, status_code=500
        )


def _no_scheduler() -> None:
    """`wake_sync` where no scheduler runs here: the next poll, or another process, syncs."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs the scheduler (sync, watch renewal...) for as long as the app serves, and stops
    the live event watcher when it stops."""
    settings: Settings = app.state.settings
    scheduler = _start_scheduler(app, settings) if settings.run_scheduler else None
    close_streams_on_exit_signals(app.state.live_hub)
    try:
        yield
    finally:
        if scheduler is not None:
            app.state.wake_sync = _no_scheduler
            app.state.scheduler_jobs = None
            scheduler.shutdown()
        app.state.live_hub.stop()


def background_work(
    settings: Settings, after_sync: Sequence[AfterSync] = AFTER_SYNC
) -> TandemScheduler:
    """Everything Tandem does but HTTP (sync and polling, watch renewal, timers, the reply
    outbox, webhook delivery), not yet started: what `tandem worker` runs alone and `tandem
    serve` runs beside the app unless told `--no-worker`."""
    return TandemScheduler(get_engine(settings.database_url), settings, after_sync)


def _start_scheduler(app: FastAPI, settings: Settings) -> TandemScheduler:
    scheduler = background_work(settings, app.state.after_sync)
    scheduler.start()
    app.state.wake_sync = scheduler.wake_sync
    app.state.scheduler_jobs = scheduler.jobs
    return scheduler


def create_app(
    settings: Settings | None = None, after_sync: Sequence[AfterSync] = AFTER_SYNC
) -> FastAPI:
    """`after_sync` is for the benchmarks, which serve without the triage to compare."""
    settings = settings or get_settings()
    secret_key = settings.require_secret_key()
    app = FastAPI(
        title="Tandem",
        version=VERSION,
        description="A shared inbox over Gmail for small support teams.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.after_sync = after_sync
    app.state.engine = get_engine(settings.database_url)
    app.state.wake_sync = _no_scheduler
    app.state.live_hub = LiveHub(app.state.engine)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie="tandem_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.public_url.scheme == "https",
    )
    app.add_middleware(TextInputGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ReaderMiddleware)
    app.add_middleware(RequestLogMiddleware)
    _install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(gmail_endpoints.router)
    app.include_router(addon.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=Path(web.__file__).parent / "static"), name="static")
    return app
