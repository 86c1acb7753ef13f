"""The search vocabulary: every word of the stored papers with how many papers hold it,
counted from the papers already stored (see bot/store/words.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models import Paper
from bot.store.words import word_counts

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_BATCH = 5_000
INSERT_BATCH = 10_000


def upgrade() -> None:
    """Create search_words and count the words of the papers already stored."""
    search_words = op.create_table(
        "search_words",
        sa.Column("word", sa.String(), nullable=False),
        sa.Column("papers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    assert search_words is not None
    counts = _stored_word_counts()
    rows = [{"word": word, "papers": count} for word, count in sorted(counts.items())]
    for start in range(0, len(rows), INSERT_BATCH):
        op.get_bind().execute(sa.insert(search_words), rows[start : start + INSERT_BATCH])


def _stored_word_counts() -> Counter[str]:
    """How many stored papers hold each word, read in batches by id."""
    papers = sa.table(
        "papers",
        *(sa.column(name, sa.String()) for name in ("id", "title", "organization", "abstract")),
        sa.column("ai_keywords", sa.JSON()),
        sa.column("authors", sa.JSON()),
    )
    counts: Counter[str] = Counter()
    after = ""
    while True:
        rows = (
            op.get_bind()
            .execute(
                sa.select(papers)
                .where(papers.c.id > after)
                .order_by(papers.c.id)
                .limit(BACKFILL_BATCH)
            )
            .all()
        )
        if not rows:
            return counts
        after = rows[-1].id
        counts.update(word_counts(_paper(row) for row in rows))


def _paper(row: sa.Row[object]) -> Paper:
    """The text of a stored paper, as much of it as the vocabulary reads."""
    return Paper(
        id=row.id,
        title=row.title or "",
        abstract=row.abstract or "",
        authors=tuple(a for a in (row.authors or []) if isinstance(a, str)),
        ai_keywords=tuple(k for k in (row.ai_keywords or []) if isinstance(k, str)),
        organization=row.organization,
    )


def downgrade() -> None:
    """Drop the search vocabulary."""
    op.drop_table("search_words")
