"""Follows and weekly recaps: a channel's follows and recap schedule, the names seen on
stored papers (filled from the papers already stored), and the recap claims.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.models import Paper
from bot.store.names import name_rows

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 2_000


def upgrade() -> None:
    """Add the channel columns, create known_names (filled) and recaps."""
    with op.batch_alter_table("channels") as channels:
        channels.add_column(sa.Column("follows", sa.JSON(), server_default="[]", nullable=False))
        channels.add_column(sa.Column("recap_day", sa.Integer(), server_default="4", nullable=True))
        channels.add_column(
            sa.Column("recap_at", sa.String(length=5), server_default="16:00", nullable=False)
        )
    known_names = op.create_table(
        "known_names",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("surname", sa.String(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_known_names")),
    )
    op.create_index(
        op.f("ix_known_names_kind_surname"), "known_names", ["kind", "surname"], unique=False
    )
    op.create_index(
        op.f("ix_known_names_kind_prefix"), "known_names", ["kind", "prefix"], unique=False
    )
    op.create_table(
        "recaps",
        sa.Column("channel_key", sa.String(), nullable=False),
        sa.Column("week", sa.String(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel_key", "week", name=op.f("pk_recaps")),
    )
    op.create_index(op.f("ix_recaps_status"), "recaps", ["status"], unique=False)
    assert known_names is not None
    _remember_stored_names(known_names)


def _remember_stored_names(known_names: sa.Table) -> None:
    """Fill known_names from the authors and organizations of the papers already stored."""
    bind = op.get_bind()
    papers = sa.table(
        "papers",
        sa.column("id", sa.String()),
        sa.column("authors", sa.JSON()),
        sa.column("organization", sa.String()),
    )
    seen: set[tuple[str, str]] = set()
    at = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        at = at.replace(tzinfo=None)  # SQLite keeps naive UTC text (see tables.UtcDateTime)
    after = ""
    while True:
        rows = bind.execute(
            sa.select(papers)
            .where(papers.c.id > after)
            .order_by(papers.c.id)
            .limit(BACKFILL_BATCH)
        ).all()
        if not rows:
            return
        after = rows[-1].id
        batch = [
            Paper(
                id=row.id,
                title="",
                authors=tuple(a for a in (row.authors or []) if isinstance(a, str)),
                organization=row.organization,
            )
            for row in rows
        ]
        fresh = [r for r in name_rows(batch, at) if (r["kind"], r["key"]) not in seen]
        seen.update((r["kind"], r["key"]) for r in fresh)
        if fresh:
            bind.execute(sa.insert(known_names), fresh)


def downgrade() -> None:
    """Drop recaps and known_names and the channel columns."""
    op.drop_index(op.f("ix_recaps_status"), table_name="recaps")
    op.drop_table("recaps")
    op.drop_index(op.f("ix_known_names_kind_prefix"), table_name="known_names")
    op.drop_index(op.f("ix_known_names_kind_surname"), table_name="known_names")
    op.drop_table("known_names")
    with op.batch_alter_table("channels") as channels:
        channels.drop_column("recap_at")
        channels.drop_column("recap_day")
        channels.drop_column("follows")
