"""client language: the language a team's mail to clients is written in (the acknowledgement,
the times its templates print), for the workspace and, where it differs, for each mailbox

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 08:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Plain ADD COLUMNs: a SQLite batch migration would recreate `workspace`, which every
    table refers to."""
    op.add_column(
        "workspace",
        sa.Column("language", sa.String(length=8), nullable=False, server_default="en"),
    )
    op.add_column("mailbox", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("mailbox", "language")
    op.drop_column("workspace", "language")
