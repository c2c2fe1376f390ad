"""OpenAPI operation ids that read as what a client does, in camelCase: `listConversations`,
`getConversation`, `replyToConversation`. Client generators name their methods after them.

A route that names its own (`operation_id=` on the route: where its function's name is no
verb and object, like `reply`) keeps it; every other route's id is its function's name, with
the verbs the code uses for one act said one way across the API. Ids stay stable as long as
the functions keep their names; a test checks that they are unique and start with a verb.
"""

from fastapi.routing import APIRoute

#: The code's words for an act, and the one word the API's ids use for it.
SAME_ACT = {"read": "get", "change": "update", "add": "create", "remove": "delete"}


def operation_id(route: APIRoute) -> str:
    verb, *rest = route.name.split("_")
    return SAME_ACT.get(verb, verb) + "".join(word.capitalize() for word in rest)
