"""urgent response target: the SLA policy's own target for urgent conversations, in business
minutes like the others; a policy saved before keeps one hour

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sla_policy",
        sa.Column("urgent_response_minutes", sa.Integer(), nullable=False, server_default="60"),
    )


def downgrade() -> None:
    op.drop_column("sla_policy", "urgent_response_minutes")
