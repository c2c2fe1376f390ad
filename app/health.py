"""Liveness and readiness probes for load balancers and orchestrators (no authentication), and
the Prometheus metrics (a bearer token, or loopback only: `app.http.metrics`)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import Engine

from app.core.db import check_connection
from app.core.errors import Unavailable
from app.core.migrations import current_revision, head_revision
from app.core.settings import Settings
from app.http.metrics import CONTENT_TYPE, exposition, refusal

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="checkHealth")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="checkReadiness")
def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and its schema is at the newest migration."""
    engine: Engine = request.app.state.engine
    try:
        check_connection(engine)
    except Unavailable as exc:
        return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
    current, head = current_revision(engine), head_revision()
    if current != head:
        detail = f"database schema at {current or 'nothing'}, expected {head}: run `tandem migrate`"
        return JSONResponse({"status": "unavailable", "detail": detail}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "migration": head})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format; refused (401 or 403, saying why) to whoever may not read it."""
    settings: Settings = request.app.state.settings
    headers = request.headers
    refused = refusal(
        settings.metrics_token,
        authorization=headers.get("authorization"),
        client=request.client.host if request.client else None,
        forwarded="x-forwarded-for" in headers or "forwarded" in headers,
    )
    if refused is not None:
        return PlainTextResponse(refused.reason, refused.status, headers=refused.headers)
    return Response(exposition(request.app.state.engine), media_type=CONTENT_TYPE)
