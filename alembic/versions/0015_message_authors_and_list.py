"""message authors and list: every author of a From with several (each is a primary recipient
of a reply), and the discussion list's posting address (List-Post) the message came through,
so a reply can tell a list's rewritten Reply-To from a person's

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Plain ADD COLUMNs: a SQLite batch migration would recreate `message` and drop its
    full-text triggers (0003)."""
    authors = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("message", sa.Column("authors", authors, nullable=False, server_default="[]"))
    op.add_column("message", sa.Column("list_post", sa.String(length=320), nullable=True))


def downgrade() -> None:
    op.drop_column("message", "list_post")
    op.drop_column("message", "authors")
