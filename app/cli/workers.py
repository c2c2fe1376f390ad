"""`tandem serve --workers N`: several processes answering on one port, for a team whose
requests outgrow one CPU. They serve HTTP only; the background work runs once, in the
supervising process (unless `--no-worker` leaves it to `tandem worker` processes).

uvicorn's own multi-worker mode creates its listening socket without naming the protocol, so
the connections it accepts report protocol 0 and asyncio leaves Nagle's algorithm on for them;
every request after the first on a kept-alive connection then waits about 40 ms for the
client's delayed acknowledgement (uvicorn issue #3149). Tandem binds the socket itself, as TCP,
and hands it to the same supervisor.
"""

import os
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.cli.background import metrics_server
from app.core.settings import Settings
from app.http.metrics import MetricsServer
from scheduler.runner import TandemScheduler


def tcp_listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    return listener


def serve_workers(
    *,
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    background: TandemScheduler | None,
) -> None:
    """Each process builds the app from the environment's settings, like `tandem serve`, told
    to run no scheduler of its own; `background` runs here until the supervisor stops, its
    counters served on `TANDEM_METRICS_PORT` when set."""
    os.environ["TANDEM_RUN_SCHEDULER"] = "false"
    config = uvicorn.Config(
        "app.main:create_app", factory=True, host=host, port=port, workers=workers, log_config=None
    )
    metrics: MetricsServer | None = None
    if background is not None:
        if settings.metrics_port:
            metrics = metrics_server(settings, settings.metrics_port)
        background.start()
    try:
        Multiprocess(config, sockets=[tcp_listener(host, port)]).run()
    finally:
        if background is not None:
            background.shutdown()
        if metrics is not None:
            metrics.stop()
