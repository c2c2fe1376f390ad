"""user language and zone: the interface language and the time zone a person chose on their
Account page (empty: the browser's language and the workspace's zone)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("user", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("user", sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("user", "timezone")
    op.drop_column("user", "language")
