"""Full-text search over the papers: FTS5 on SQLite, a weighted tsvector on PostgreSQL.

SQLite: `papers_fts`, an FTS5 table with `papers` as its content (title, AI keywords,
authors, organization and abstract, keyed by the papers' rowid), kept in step by triggers
on `papers` that rewrite a paper's entry only when its text changed; words are
folded by `unicode61` with diacritics removed, with prefix indexes for 2 and 3 letters, and
`papers_fts_vocab` lists the indexed words (for spelling corrections). The index is built
from the papers already stored.

PostgreSQL: `papers.search_vector`, a stored generated tsvector (title A, keywords, authors
and organization B, abstract D; accents removed by `unaccent`, English stemming), with a
GIN index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("title", "ai_keywords", "authors", "organization", "abstract")
"""The papers' columns the index holds; the JSON lists are indexed as their text, whose
brackets, quotes and commas the tokenizer reads as spaces."""


def _sqlite_statements() -> list[str]:
    """The FTS5 table over papers, its vocabulary, the triggers and the first build."""
    names = ", ".join(COLUMNS)
    new = ", ".join(f"new.{column}" for column in COLUMNS)
    old = ", ".join(f"old.{column}" for column in COLUMNS)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE papers_fts USING fts5({names}, content='papers', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        "CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, 'row')",
        "CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN "
        f"INSERT INTO papers_fts(rowid, {names}) VALUES (new.rowid, {new}); END",
        "CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN "
        f"INSERT INTO papers_fts(papers_fts, rowid, {names}) "
        f"VALUES ('delete', old.rowid, {old}); END",
        f"CREATE TRIGGER papers_fts_update AFTER UPDATE ON papers WHEN {changed} BEGIN "
        f"INSERT INTO papers_fts(papers_fts, rowid, {names}) "
        f"VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO papers_fts(rowid, {names}) VALUES (new.rowid, {new}); END",
        "INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')",
    ]


POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE FUNCTION papers_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, value) $$",
    "ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', papers_fold(coalesce(title, ''))), 'A') || "
    "setweight(to_tsvector('english', papers_fold(coalesce(ai_keywords::text, '') || ' ' || "
    "coalesce(authors::text, '') || ' ' || coalesce(organization, ''))), 'B') || "
    "setweight(to_tsvector('english', papers_fold(coalesce(abstract, ''))), 'D')) STORED",
    "CREATE INDEX ix_papers_search_vector ON papers USING gin (search_vector)",
]
"""unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
Wrapped in an immutable function, as a generated column needs."""


def upgrade() -> None:
    """Build the full-text index of the dialect, filled from the papers already stored."""
    statements = _sqlite_statements() if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Drop the full-text index."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("papers_fts_insert", "papers_fts_delete", "papers_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS papers_fts_vocab")
        op.execute("DROP TABLE IF EXISTS papers_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_papers_search_vector")
        op.execute("ALTER TABLE papers DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP FUNCTION IF EXISTS papers_fold(text)")
