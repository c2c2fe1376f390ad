"""repeat requests: a conversation that asks again about one of the client's conversations
closed the week before points at it

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("conversation", sa.Column("repeat_of_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("conversation", "repeat_of_id")
