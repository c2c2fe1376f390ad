"""Who is looking at (or typing in) a conversation right now, so two agents do not answer the
same client twice.

Kept in this process's memory: it is advisory, lost on restart, and with several web
processes each only knows its own visitors (a shared store would be needed there). Entries
expire `TTL` after the browser's last poll.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

TTL = timedelta(seconds=20)


@dataclass(frozen=True)
class Visit:
    user_id: int
    name: str
    typing: bool
    seen_at: datetime


_visits: dict[int, dict[int, Visit]] = {}
_lock = Lock()


def visit(conversation_id: int, visitor: Visit) -> list[Visit]:
    """Records the visitor's poll; returns the others currently there."""
    with _lock:
        here = _visits.setdefault(conversation_id, {})
        here[visitor.user_id] = visitor
        fresh = {uid: v for uid, v in here.items() if visitor.seen_at - v.seen_at < TTL}
        _visits[conversation_id] = fresh
        return [v for uid, v in fresh.items() if uid != visitor.user_id]
