"""Liveness and readiness probes for load balancers and orchestrators (no authentication)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from app.core.db import check_connection
from app.core.errors import Unavailable
from app.core.migrations import current_revision, head_revision

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
