"""REST API v1 routers (JSON, bearer tokens), one module per resource, mounted at `/api/v1`.

Every route needs an API token: the router itself depends on `api_user`, so a route that forgets
to ask for its user is still closed to anonymous callers.
"""

from fastapi import APIRouter, Depends

from app.api import (
    attachments,
    contacts,
    conversation_changes,
    conversations,
    csat,
    mailboxes,
    notes,
    notifications,
    reminders,
    replies,
    reports,
    scheduler_status,
    sla,
    templates,
    tokens,
    users,
    webhooks,
    workspace,
)
from app.api.errors import ERROR_RESPONSES
from app.http.auth import api_user

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, dependencies=[Depends(api_user)])
router.include_router(users.router)
router.include_router(tokens.router)
router.include_router(mailboxes.router)
router.include_router(conversations.router)
router.include_router(conversation_changes.router)
router.include_router(contacts.router)
router.include_router(workspace.router)
router.include_router(webhooks.router)
router.include_router(replies.router)
router.include_router(attachments.router)
router.include_router(templates.router)
router.include_router(sla.router)
router.include_router(notes.router)
router.include_router(notifications.router)
router.include_router(reminders.router)
router.include_router(scheduler_status.router)
router.include_router(reports.router)
router.include_router(csat.router)
