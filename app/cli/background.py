"""`tandem worker`: Tandem's background work in a process of its own, beside web processes
started with `tandem serve --no-worker`, for a team that outgrows one process.

It runs until SIGTERM or SIGINT, then lets the jobs in hand finish; what they had not claimed
waits in the database for the next worker, and what a killed worker had claimed is claimed
again by another once its lease runs out.
"""

import logging
import signal
import threading
from types import FrameType

from app.core.db import get_engine
from app.core.errors import Invalid
from app.core.settings import Settings
from app.http.metrics import MetricsServer, serve_metrics

logger = logging.getLogger(__name__)


def run_worker(settings: Settings, *, metrics_port: int | None) -> None:
    from app.main import background_work

    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("worker stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, request_stop)
    metrics = metrics_server(settings, metrics_port) if metrics_port else None
    work = background_work(settings)
    work.start()
    logger.info(
        "worker started",
        extra={"worker": work.worker, "metrics": metrics.url if metrics else None},
    )
    try:
        while not stop.wait(1.0):
            pass
    finally:
        work.shutdown()
        if metrics is not None:
            metrics.stop()
    logger.info("worker stopped", extra={"worker": work.worker})


def metrics_server(settings: Settings, port: int) -> MetricsServer:
    """The background work's /metrics, for a process that has no web server of its own."""
    try:
        return serve_metrics(
            get_engine(settings.database_url),
            host=settings.metrics_host,
            port=port,
            token=settings.metrics_token,
        )
    except OSError as exc:
        raise Invalid(
            f"cannot serve metrics on {settings.metrics_host}:{port}: {exc.strerror or exc}"
        ) from None
