"""The add-on's deployment resource (what `gcloud workspace-add-ons deployments create` takes):
its triggers point at Tandem's public URL, and it asks for the narrowest scopes that work.
"""

from app.addon.urls import COMPOSE_PATH, HOMEPAGE_PATH, MESSAGE_PATH, public
from app.core.settings import Settings

DEFAULT_LOGO_URL = "https://www.gstatic.com/images/icons/material/system/1x/inbox_black_48dp.png"

#: Run the add-on in Gmail (required); see which message is open, by its ids only (metadata,
#: never the body: Tandem already has the mail it syncs); change the open draft's recipients
#: (compose); and the agent's verified email in the user ID token, which maps them to Tandem.
SCOPES = (
    "https://www.googleapis.com/auth/gmail.addons.execute",
    "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
    "https://www.googleapis.com/auth/gmail.addons.current.action.compose",
    "https://www.googleapis.com/auth/userinfo.email",
)


def deployment(settings: Settings, *, logo_url: str = DEFAULT_LOGO_URL) -> dict[str, object]:
    return {
        "oauthScopes": list(SCOPES),
        "addOns": {
            "common": {
                "name": "Tandem",
                "logoUrl": logo_url,
                "homepageTrigger": {"runFunction": public(settings, HOMEPAGE_PATH)},
                "openLinkUrlPrefixes": [public(settings, "/")],
            },
            "gmail": {
                "contextualTriggers": [
                    {"unconditional": {}, "onTriggerFunction": public(settings, MESSAGE_PATH)}
                ],
                "composeTrigger": {
                    "selectActions": [
                        {"text": "Tandem", "runFunction": public(settings, COMPOSE_PATH)}
                    ],
                    "draftAccess": "METADATA",
                },
            },
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN"},
        },
    }
