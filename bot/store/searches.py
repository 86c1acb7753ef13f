"""Saved searches: the query behind a "More" button, under a short random id, so buttons
carry the id (not the query) and any replica can show the next page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update

from bot.models import ChannelRef
from bot.store.connection import StoreBase
from bot.store.tables import searches
from bot.store.values import ref_from_key, utc

SEARCH_ID_BYTES = 6
"""Random bytes per id: 8 URL-safe characters."""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A search someone ran in a channel, and how many of its results they have seen."""

    id: str
    channel: ChannelRef
    user_id: str
    query: str
    shown: int


class SearchesMixin(StoreBase):
    """Saving searches and reading them back for their next page."""

    async def save_search(
        self, ref: ChannelRef, user_id: str, query: str, *, shown: int, at: datetime
    ) -> str:
        """Keep a search with more results than `shown`; returns its new id."""
        search_id = secrets.token_urlsafe(SEARCH_ID_BYTES)
        statement = searches.insert().values(
            id=search_id,
            channel_key=ref.key,
            user_id=user_id,
            query=query,
            shown=shown,
            created_at=utc(at),
        )
        async with self._write() as connection:
            await connection.execute(statement)
        return search_id

    async def saved_search(self, search_id: str) -> SavedSearch | None:
        """A saved search by id, or None (never saved, or pruned)."""
        async with self._read() as connection:
            row = (
                await connection.execute(select(searches).where(searches.c.id == search_id))
            ).first()
        return None if row is None else _saved(row)

    async def latest_search(self, ref: ChannelRef, user_id: str) -> SavedSearch | None:
        """The last search with more results that someone saved in a channel, or None."""
        statement = (
            select(searches)
            .where(searches.c.channel_key == ref.key, searches.c.user_id == user_id)
            .order_by(searches.c.created_at.desc())
            .limit(1)
        )
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _saved(row)

    async def mark_search_shown(self, search_id: str, shown: int) -> None:
        """Remember how many results of a saved search have been shown."""
        statement = update(searches).where(searches.c.id == search_id).values(shown=shown)
        async with self._write() as connection:
            await connection.execute(statement)


def _saved(row: Row[Any]) -> SavedSearch:
    return SavedSearch(
        id=row.id,
        channel=ref_from_key(row.channel_key),
        user_id=row.user_id,
        query=row.query,
        shown=row.shown,
    )
