"""Known names: every author and organization seen on a stored paper, kept by folded key.

A follow is checked against these (is it a name we have seen? which full name does
"Y. LeCun" stand for? what did a misspelt name mean?) without reading the papers: authors
are found by surname, organizations are few enough to read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import FollowKind, Paper
from bot.names import compact_key, name_key, surname_key
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import known_names

MAX_KEY_LENGTH = 200
"""Longer names are not kept: no real author or organization needs more."""
MAX_AUTHORS_KEPT = 50
SAME_SURNAME_LIMIT = 500
SIMILAR_SURNAME_LIMIT = 2_000
ORGANIZATION_LIMIT = 5_000
SURNAME_PREFIX = 3
"""Misspelt surnames are looked for among those sharing their first letters."""


def name_rows(papers: Iterable[Paper], at: datetime) -> list[dict[str, Any]]:
    """The known_names rows of some papers' authors and organizations, one per name key."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for paper in papers:
        named = [(FollowKind.AUTHOR, author) for author in paper.authors[:MAX_AUTHORS_KEPT]]
        if paper.organization:
            named.append((FollowKind.ORG, paper.organization))
        for kind, name in named:
            key = name_key(name)
            if not key or len(key) > MAX_KEY_LENGTH:
                continue
            surname = surname_key(name) if kind is FollowKind.AUTHOR else compact_key(name)
            rows[(kind.value, key)] = {
                "kind": kind.value,
                "key": key,
                "name": " ".join(name.split()),
                "surname": surname,
                "prefix": surname[:SURNAME_PREFIX],
                "seen_at": at,
            }
    return list(rows.values())


async def remember_names(
    connection: AsyncConnection, dialect_name: str, papers: Sequence[Paper], at: datetime
) -> None:
    """Add the papers' names to known_names (a name seen again keeps its latest spelling)."""
    rows = name_rows(papers, at)
    if rows:
        statement = dialect.upsert(
            known_names, dialect_name, keys=["kind", "key"], update=["name", "seen_at"]
        )
        await connection.execute(statement, rows)


class NamesMixin(StoreBase):
    """Looking up the names seen on stored papers."""

    async def known_names(self, kind: FollowKind, typed: str) -> list[str]:
        """Stored names a typed one may stand for: for an author, those with its surname,
        then those whose surname starts like it; for an organization, all of them."""
        if kind is FollowKind.ORG:
            statements = [
                select(known_names.c.name)
                .where(known_names.c.kind == kind.value)
                .order_by(known_names.c.seen_at.desc(), known_names.c.key)
                .limit(ORGANIZATION_LIMIT)
            ]
        else:
            surname = surname_key(typed)
            if not surname:
                return []
            authors = select(known_names.c.name).where(known_names.c.kind == kind.value)
            statements = [
                authors.where(known_names.c.surname == surname)
                .order_by(known_names.c.key)
                .limit(SAME_SURNAME_LIMIT),
                authors.where(
                    known_names.c.prefix == surname[:SURNAME_PREFIX],
                    known_names.c.surname != surname,
                )
                .order_by(known_names.c.key)
                .limit(SIMILAR_SURNAME_LIMIT),
            ]
        found: list[str] = []
        async with self._read() as connection:
            for statement in statements:
                found.extend(row.name for row in await connection.execute(statement))
        return found
