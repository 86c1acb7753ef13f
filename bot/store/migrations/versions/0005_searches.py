"""Saved searches: the query behind a "More" button, kept server-side under a short id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the searches table."""
    op.create_table(
        "searches",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("channel_key", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("shown", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_searches")),
    )
    op.create_index(
        op.f("ix_searches_channel_key_user_id_created_at"),
        "searches",
        ["channel_key", "user_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    """Drop the searches table."""
    op.drop_index(op.f("ix_searches_channel_key_user_id_created_at"), table_name="searches")
    op.drop_table("searches")
