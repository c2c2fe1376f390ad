"""Settings > Queues: for each of the workspace's queues (replies to clients, webhook
deliveries, e-mail to agents, reminders), how many rows wait, how many failed for good, and the
latest failures with their reasons (times in the reader's zone), read by `inbox.queue_health`
as `GET /api/v1/scheduler` reads them. A failed row never holds back the rows behind it; this
is where an admin sees it. Below, the processes running the background work, and a warning
when none is alive (`app.core.worker_beats`)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.core.accounts import workspace_of
from app.core.models import utcnow
from app.core.worker_beats import workers
from app.http.dependencies import SessionDep
from app.http.reader import reader_zone
from app.web.settings_pages import WebAdmin, settings_page
from inbox.queue_health import queue_health

router = APIRouter()


@router.get("/settings/queues")
def queues(request: Request, admin: WebAdmin, session: SessionDep) -> HTMLResponse:
    context = {
        "section": "queues",
        "queues": queue_health(session, workspace_id=admin.workspace_id),
        "workers": workers(session, now=utcnow()),
        "zone": reader_zone(admin, workspace_of(session, admin.workspace_id)).key,
    }
    return settings_page(request, session, admin, "settings_queues.html", context)
