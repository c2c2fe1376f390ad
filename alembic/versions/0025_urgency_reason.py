"""urgency reason: the client's words that made a conversation urgent, kept next to its
priority so the list and the page can say why without reading the audit trail

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-04 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("conversation", sa.Column("urgency_reason", sa.String(300), nullable=True))


def downgrade() -> None:
    # Not in batch mode: rebuilding the table on SQLite would drop its search triggers.
    op.drop_column("conversation", "urgency_reason")
