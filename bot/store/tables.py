"""The database tables, as SQLAlchemy Core `Table` objects on one `MetaData`.

The store speaks Core rather than the ORM: every operation is a bulk statement or a claim
through a unique constraint, and rows map to the frozen dataclasses in `bot.models` by hand.
The Alembic migrations in `bot/store/migrations` create exactly these tables; a test
compares them with autogenerate so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on the way in and out, whatever the database keeps.

    PostgreSQL keeps `timestamptz`; SQLite keeps text without an offset, so values are
    converted to UTC before they are written and marked UTC when they are read. A naive
    datetime is refused: the store's callers must say which instant they mean.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; SQLite gets the naive UTC wall time, which sorts as text."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; pass a UTC-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Mark SQLite's naive values as UTC and bring PostgreSQL's to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

papers = Table(
    "papers",
    metadata,
    Column("id", String, primary_key=True),
    Column("title", Text, nullable=False),
    Column("abstract", Text, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("featured_on", Date, nullable=True),
    Column("upvotes", Integer, nullable=True),
    Column("comments", Integer, nullable=True),
    Column("ai_summary", Text, nullable=True),
    Column("ai_keywords", JSON, nullable=False),
    Column("github_repo", String, nullable=True),
    Column("github_stars", Integer, nullable=True),
    Column("project_page", String, nullable=True),
    Column("thumbnail", String, nullable=True),
    Column("organization", String, nullable=True),
    Column("categories", JSON, nullable=False),
    Column("trending_rank", Integer, nullable=True),
    Column("sources", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "featured_on"),
    Index(None, "published_at"),
)

upvote_snapshots = Table(
    "upvote_snapshots",
    metadata,
    Column("paper_id", String, ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    Column("taken_at", UtcDateTime, nullable=False),
    Column("upvotes", Integer, nullable=False),
    Column("stars", Integer, nullable=True),
    PrimaryKeyConstraint("paper_id", "taken_at"),
)

fetch_runs = Table(
    "fetch_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("fetched", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Index(None, "at"),
)

channels = Table(
    "channels",
    metadata,
    Column("key", String, primary_key=True),
    Column("platform", String, nullable=False),
    Column("workspace", String, nullable=False),
    Column("channel", String, nullable=False),
    Column("subscribed", Boolean, nullable=False),
    Column("post_at", String(5), nullable=False),
    Column("timezone", String, nullable=False),
    Column("days", String, nullable=False),
    Column("size", Integer, nullable=False),
    Column("min_upvotes", Integer, nullable=False),
    Column("max_age_days", Integer, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("excludes", JSON, nullable=False),
    Column("layout", String, nullable=False),
    Column("paused_reason", Text, nullable=True),
    Column("paused_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("follows", JSON, nullable=False, server_default="[]"),
    Column("recap_day", Integer, nullable=True, server_default="4"),
    Column("recap_at", String(5), nullable=False, server_default="16:00"),
    Index(None, "platform", "workspace"),
)

known_names = Table(
    "known_names",
    metadata,
    Column("kind", String, nullable=False),
    Column("key", String, nullable=False),
    Column("name", String, nullable=False),
    Column("surname", String, nullable=False),
    Column("prefix", String, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("kind", "key"),
    Index(None, "kind", "surname"),
    Index(None, "kind", "prefix"),
)
"""Every author and organization name seen on a stored paper, by its folded key
(bot.names), so a follow can be checked and completed without scanning the papers."""

recaps = Table(
    "recaps",
    metadata,
    Column("channel_key", String, nullable=False),
    Column("week", String, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("status", String, nullable=False),
    Column("message_id", String, nullable=True),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("channel_key", "week"),
    Index(None, "status"),
)
"""One row per channel and ISO week whose recap was claimed: the claim makes it once."""

deliveries = Table(
    "deliveries",
    metadata,
    Column("channel_key", String, nullable=False),
    Column("slot", String, nullable=False),
    Column("status", String, nullable=False),
    Column("digest_id", String, nullable=True),
    Column("paper_ids", JSON, nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("lease_owner", String, nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("channel_key", "slot"),
    Index(None, "status"),
)

delivered_papers = Table(
    "delivered_papers",
    metadata,
    Column("channel_key", String, nullable=False),
    Column("paper_id", String, nullable=False),
    Column("slot", String, nullable=False),
    PrimaryKeyConstraint("channel_key", "paper_id"),
)

posted_messages = Table(
    "posted_messages",
    metadata,
    Column("key", String, primary_key=True),
    Column("platform", String, nullable=False),
    Column("channel_key", String, nullable=False),
    Column("message_id", String, nullable=False),
    Column("digest_id", String, nullable=False),
    Column("role", String, nullable=False),
    Column("paper_id", String, nullable=True),
    Column("item_papers", JSON, nullable=False),
    UniqueConstraint("platform", "channel_key", "message_id"),
)

votes = Table(
    "votes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String, nullable=False),
    Column("workspace", String, nullable=False),
    Column("channel_key", String, nullable=False),
    Column("message_id", String, nullable=False),
    Column("user_id", String, nullable=False),
    Column("emoji", String, nullable=False),
    Column("paper_id", String, nullable=False),
    Column("weight", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("platform", "channel_key", "message_id", "user_id", "emoji"),
    Index(None, "platform", "workspace", "paper_id"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("platform", String, nullable=False),
    Column("event_id", String, nullable=False),
    Column("seen_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("platform", "event_id"),
)

heartbeat = Table(
    "heartbeat",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("beat_at", UtcDateTime, nullable=False),
)
"""One row the health check rewrites, to prove the database takes a write."""

searches = Table(
    "searches",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("channel_key", String, nullable=False),
    Column("user_id", String, nullable=False),
    Column("query", Text, nullable=False),
    Column("shown", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "channel_key", "user_id", "created_at"),
)
"""Searches with more results than one page: a "More" button carries the id, not the text."""

search_words = Table(
    "search_words",
    metadata,
    Column("word", String, primary_key=True),
    Column("papers", Integer, nullable=False),
)
"""Every word of the stored papers' text (folded, see bot.folding) and how many papers held it
when they were first stored: the vocabulary search expands, corrects and weighs words by."""
