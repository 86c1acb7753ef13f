"""A full-text index of the papers' titles and keywords alone, on SQLite.

`papers_fts_titles` holds what `papers_fts` holds for the title and AI keywords only, so a
query can find every paper whose title holds its words by reading the short lists of titles,
not the whole index: FTS5 checks a column filter paper by paper, which for common words
reads most of the index. Kept in step by triggers like `papers_fts` (migration 0004) and
built from the papers already stored. PostgreSQL needs nothing: its `search_vector`
weighs the title A and keywords B, and a tsquery can ask for those weights.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("title", "ai_keywords")
TRIGGERS = ("papers_fts_titles_insert", "papers_fts_titles_delete", "papers_fts_titles_update")


def _statements() -> list[str]:
    """The FTS5 table over the titles and keywords, its triggers and the first build."""
    names = ", ".join(COLUMNS)
    new = ", ".join(f"new.{column}" for column in COLUMNS)
    old = ", ".join(f"old.{column}" for column in COLUMNS)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS)
    insert, delete, update = TRIGGERS
    return [
        f"CREATE VIRTUAL TABLE papers_fts_titles USING fts5({names}, content='papers', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {insert} AFTER INSERT ON papers BEGIN "
        f"INSERT INTO papers_fts_titles(rowid, {names}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON papers BEGIN "
        f"INSERT INTO papers_fts_titles(papers_fts_titles, rowid, {names}) "
        f"VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER {update} AFTER UPDATE ON papers WHEN {changed} BEGIN "
        f"INSERT INTO papers_fts_titles(papers_fts_titles, rowid, {names}) "
        f"VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO papers_fts_titles(rowid, {names}) VALUES (new.rowid, {new}); END",
        "INSERT INTO papers_fts_titles(papers_fts_titles) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    """Build the title index on SQLite, filled from the papers already stored."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in _statements():
            op.execute(statement)


def downgrade() -> None:
    """Drop the title index."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS papers_fts_titles")
