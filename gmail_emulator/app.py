"""The ASGI app: Gmail API v1 paths, the batch endpoint, OAuth and the control API.

`create_app` builds it around one `Backend` (optionally persisted to a SQLite file and seeded);
`serve` runs it with uvicorn. Added latency (a fault) is awaited here, per HTTP request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gmail_emulator.backend import Backend
from gmail_emulator.batch import handle_batch
from gmail_emulator.control import ControlEndpoints
from gmail_emulator.errors import ApiError
from gmail_emulator.gmail_api import ApiRequest
from gmail_emulator.oauth import OAuthEndpoints
from gmail_emulator.seed import load_seed

logger = logging.getLogger(__name__)
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class GmailEndpoints:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def routes(self) -> list[Route]:
        return [
            Route("/gmail/v1/{rest:path}", self.call, methods=_METHODS),
            Route("/upload/gmail/v1/{rest:path}", self.call, methods=_METHODS),
            Route("/batch", self.batch, methods=["POST"]),
            Route("/batch/gmail/v1", self.batch, methods=["POST"]),
        ]

    async def call(self, request: Request) -> Response:
        await self._latency()
        api_request = ApiRequest(
            request.method,
            request.url.path,
            parse_qs(request.url.query, keep_blank_values=False),
            {k.lower(): v for k, v in request.headers.items()},
            await request.body(),
        )
        response = self.backend.api.handle(api_request)
        media_type = "application/json; charset=UTF-8" if response.payload is not None else None
        return Response(response.body(), response.status, response.headers, media_type)

    async def batch(self, request: Request) -> Response:
        await self._latency()
        headers = {k.lower(): v for k, v in request.headers.items()}
        status, body, content_type = handle_batch(
            self.backend.api, await request.body(), headers.get("content-type", ""), headers
        )
        return Response(body, status, media_type=content_type)

    async def _latency(self) -> None:
        if self.backend.faults.latency_ms:
            await asyncio.sleep(self.backend.faults.latency_ms / 1000)


def create_app(state_path: str | None = None, seed: str | None = None) -> Starlette:
    """The emulator app; `seed` is "demo" or a directory (see `seed.load_seed`)."""
    backend = Backend(state_path)
    if seed:
        load_seed(backend, seed)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        backend.pusher.start()
        try:
            yield
        finally:
            backend.close()

    routes = [
        *GmailEndpoints(backend).routes(),
        *OAuthEndpoints(backend.accounts, backend.tokens).routes(),
        *ControlEndpoints(backend).routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={ApiError: _google_error})
    app.state.backend = backend
    return app


async def _google_error(request: Request, exc: Exception) -> Response:
    """Control API failures leave in the same JSON shape as the Gmail API's."""
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.code)


def serve(host: str, port: int, seed: str | None, state_path: str | None) -> None:
    """Runs the emulator until interrupted."""
    app = create_app(state_path=state_path, seed=seed)
    logger.info("Gmail emulator on http://%s:%s", host, port)
    uvicorn.run(app, host=host, port=port, log_level="info")


class BackgroundEmulator:
    """An emulator served by uvicorn on a daemon thread: `tandem serve --demo` and the tests
    run one beside Tandem in the same process."""

    def __init__(
        self, host: str, port: int, seed: str | None = None, state_path: str | None = None
    ) -> None:
        config = uvicorn.Config(
            create_app(state_path=state_path, seed=seed), host=host, port=port, log_level="warning"
        )
        self.url = f"http://{host}:{port}"
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="gmail-emulator", daemon=True)

    def start(self, timeout: float = 10) -> BackgroundEmulator:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the Gmail emulator did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
