"""`tandem serve --workers N`: several processes answering on one port, for a team whose
requests outgrow one CPU.

uvicorn's own multi-worker mode creates its listening socket without naming the protocol, so
the connections it accepts report protocol 0 and asyncio leaves Nagle's algorithm on for them;
every request after the first on a kept-alive connection then waits about 40 ms for the
client's delayed acknowledgement (uvicorn issue #3149). Tandem binds the socket itself, as TCP,
and hands it to the same supervisor.
"""

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


def tcp_listener(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    return listener


def serve_workers(*, host: str, port: int, workers: int) -> None:
    """Each worker builds the app from the environment's settings, like `tandem serve`."""
    config = uvicorn.Config(
        "app.main:create_app", factory=True, host=host, port=port, workers=workers, log_config=None
    )
    Multiprocess(config, sockets=[tcp_listener(host, port)]).run()
