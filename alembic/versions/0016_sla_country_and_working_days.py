"""sla country and working days: a policy's country (its official days off and moved working
Saturdays close and open the calendar), the team's own extra working days, and whether the cap
on a client's wait runs on working days (the new default, so a Friday-evening mail is no longer
due on Saturday) or in calendar time

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    days = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    op.add_column("sla_policy", sa.Column("holiday_country", sa.String(length=8), nullable=True))
    op.add_column(
        "sla_policy", sa.Column("working_days", days, nullable=False, server_default="[]")
    )
    op.add_column(
        "sla_policy",
        sa.Column(
            "max_response_clock",
            sa.String(length=16),
            nullable=False,
            server_default="working_days",
        ),
    )


def downgrade() -> None:
    for column in ("max_response_clock", "working_days", "holiday_country"):
        op.drop_column("sla_policy", column)
