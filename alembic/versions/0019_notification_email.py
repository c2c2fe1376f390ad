"""notification email: the conversation an e-mail to a team member is about (the mail job
writes the link to it with the server's public address when it sends), and whether each
person wants their notifications by e-mail

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agent_email", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_agent_email_conversation_id_conversation"),
            "conversation",
            ["conversation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.add_column(
        "user",
        sa.Column("email_notifications", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("user", "email_notifications")
    with op.batch_alter_table("agent_email", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agent_email_conversation_id_conversation"), type_="foreignkey"
        )
        batch_op.drop_column("conversation_id")
