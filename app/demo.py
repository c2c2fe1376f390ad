"""The demo workspace of `tandem serve --demo`: a team a new user can sign in to at once.

Idempotent: starting the demo again reuses the workspace and resets only the demo password.
"""

from sqlmodel import Session, select

from app.accounts import create_user, create_workspace, hash_password
from app.models import Role, User

DEMO_WORKSPACE = "Acme Support (demo)"
DEMO_ADMIN = "demo@tandem.test"
DEMO_AGENTS = (("anna@tandem.test", "Anna Petrova"), ("ben@tandem.test", "Ben Carter"))
DEMO_PASSWORD = "tandem-demo"  # noqa: S105 (printed on start; the demo guards nothing)


def ensure_demo_workspace(*, session: Session) -> User:
    """The demo admin, after creating the workspace and its agents if they are missing."""
    admin = session.exec(select(User).where(User.email == DEMO_ADMIN)).first()
    if admin is None:
        workspace = create_workspace(session=session, name=DEMO_WORKSPACE)
        admin = create_user(
            session=session,
            workspace=workspace,
            email=DEMO_ADMIN,
            name="Demo Admin",
            role=Role.ADMIN,
        )
        for email, name in DEMO_AGENTS:
            create_user(
                session=session, workspace=workspace, email=email, name=name, password=DEMO_PASSWORD
            )
    admin.password_hash = hash_password(DEMO_PASSWORD)
    session.add(admin)
    session.flush()
    return admin
