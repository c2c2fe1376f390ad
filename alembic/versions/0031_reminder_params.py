"""reminder params: a reminder Tandem writes (a promise's, the SLA's, a follow-up that could not
close) keeps what it says and the values it names, so its sentence is written when it is read,
in the reader's language; rows from before keep only their English text, shown as it is

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "reminder",
        sa.Column(
            "params", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
    )


def downgrade() -> None:
    op.drop_column("reminder", "params")
