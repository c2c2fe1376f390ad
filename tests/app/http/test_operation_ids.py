"""What a generated API client's methods are called: every operation id is unique, camelCase
and starts with a verb, the same verb for the same act across the API."""

import re

from fastapi import FastAPI

#: What an operation id may start with: the acts the API offers.
VERBS = {
    "check",
    "list",
    "get",
    "count",
    "create",
    "update",
    "replace",
    "delete",
    "connect",
    "disconnect",
    "sync",
    "mark",
    "reply",
    "promise",
    "cancel",
    "retry",
    "revoke",
    "download",
    "render",
    "save",
    "restore",
    "test",
    "try",
    "reorder",
}


def _operation_ids(app: FastAPI) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): operation["operationId"]
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_id_is_unique_camel_case_and_starts_with_a_verb(app: FastAPI) -> None:
    ids = list(_operation_ids(app).values())
    assert len(ids) > 70
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    for operation_id in ids:
        camel_case = re.fullmatch(r"([a-z]+)[A-Za-z]*", operation_id)
        assert camel_case is not None and camel_case[1] in VERBS, operation_id


def test_operations_are_named_for_what_they_do(app: FastAPI) -> None:
    ids = _operation_ids(app)
    assert ids["GET", "/api/v1/conversations"] == "listConversations"
    assert ids["GET", "/api/v1/conversations/{id}"] == "getConversation"
    assert ids["PATCH", "/api/v1/conversations/{id}"] == "updateConversation"
    assert ids["POST", "/api/v1/conversations/{id}/reply"] == "replyToConversation"
    assert ids["GET", "/api/v1/me"] == "getMe"
    assert ids["POST", "/api/v1/users"] == "createUser"
    assert ids["PATCH", "/api/v1/webhooks/{id}"] == "updateWebhook"
    assert ids["DELETE", "/api/v1/templates/{id}"] == "deleteTemplate"
    assert ids["DELETE", "/api/v1/reminders/{id}"] == "cancelReminder"
    assert ids["GET", "/healthz"] == "checkHealth"
