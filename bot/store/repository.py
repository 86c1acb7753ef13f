"""The store: every read and write the bot makes, as one async class over SQLAlchemy Core.

`Store` puts together one mixin per table family over `StoreBase` (bot.store.connection):
papers, upvote snapshots and fetch runs (bot.store.papers), their full-text index
(bot.store.fulltext) and saved searches (bot.store.searches), channels (bot.store.channels),
known author and organization names (bot.store.names), digest slots and posted messages
(bot.store.deliveries), weekly recaps (bot.store.recaps), votes and platform events
(bot.store.votes), pruning (bot.store.housekeeping), and the work one replica does at a
time (bot.store.locks).

Idempotency lives here: slots, posts, votes and platform events are claimed by inserting a
row under a unique constraint (`ON CONFLICT DO NOTHING`), and the rowcount says who won, so
a retry or a second replica that loses the claim does nothing; a vote's event is claimed in
the same transaction as the vote is written. Datetimes are UTC-aware at this boundary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import dialect
from bot.store.availability import SqliteFile
from bot.store.channels import ChannelsMixin
from bot.store.deliveries import DeliveriesMixin
from bot.store.fulltext import FulltextMixin
from bot.store.housekeeping import HousekeepingMixin
from bot.store.locks import LocksMixin
from bot.store.names import NamesMixin
from bot.store.papers import PapersMixin
from bot.store.recaps import RecapsMixin
from bot.store.searches import SearchesMixin
from bot.store.values import json_dumps
from bot.store.votes import VotesMixin


class Store(
    PapersMixin,
    FulltextMixin,
    SearchesMixin,
    NamesMixin,
    ChannelsMixin,
    DeliveriesMixin,
    RecapsMixin,
    VotesMixin,
    HousekeepingMixin,
    LocksMixin,
):
    """Papers, known names, channels, deliveries, posted messages, recaps, votes and seen
    events in one database.

    A database that cannot work now (see `is_unavailable`) raises StoreUnavailable from
    any method; the first failing write after a good one is logged (`database_write_failed`),
    and so is the first good one after (`database_writable_again`), one line each.
    """


async def open_store(url: str) -> Store:
    """Create the async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    Nothing is connected yet; call `Store.ping` to check the database answers, and run
    `upgrade_database` first so the tables exist. A SQLite file is opened read-write only
    (`mode=rw`), never created: a connection made after the file was deleted fails instead
    of starting an empty database at its path, and the file is watched (see `SqliteFile`).
    """
    options: dict[str, Any] = {"json_serializer": json_dumps}
    parsed = make_url(url)
    file = None
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
    elif parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        file = SqliteFile(Path(parsed.database))
        parsed = parsed.set(database=f"file:{quote(parsed.database)}").update_query_dict(
            {"mode": "rw", "uri": "true"}
        )
    engine = create_async_engine(parsed, **options)
    dialect.configure_engine(engine)
    return Store(engine, file)
