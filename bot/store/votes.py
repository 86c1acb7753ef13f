"""Votes on the bot's messages, and the platform events already handled.

A vote's platform event is claimed in the same transaction as the vote is written, so a
redelivered event counts once and a failed write leaves the event to be applied again.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, delete, func, select
from sqlalchemy.sql.dml import Delete, Insert

from bot.models import ChannelRef, TeamVote, Vote, VoteTally
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import processed_events, votes
from bot.store.values import chunks, utc

VOTE_CLAMP = 2
"""A user's net vote on one paper counts between -VOTE_CLAMP and +VOTE_CLAMP."""


class VoteResult(enum.Enum):
    """What `Store.apply_vote` did; the value is the outcome's metric label.

    Only RECORDED is truthy, so `if await store.apply_vote(...)` means "the vote changed".
    """

    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"

    def __bool__(self) -> bool:
        return self is VoteResult.RECORDED


def tally_query(
    platform: str,
    workspace: str,
    paper_ids: Sequence[str] | None = None,
    *,
    since: datetime | None = None,
) -> Select[Any]:
    """Per paper: the sum over users of each user's clamped net weight, and the voters
    (only votes cast at or after `since`, when given)."""
    net = func.sum(votes.c.weight)
    clamped = case((net > VOTE_CLAMP, VOTE_CLAMP), (net < -VOTE_CLAMP, -VOTE_CLAMP), else_=net)
    per_user = (
        select(votes.c.paper_id, votes.c.user_id, clamped.label("net"))
        .where(votes.c.platform == platform, votes.c.workspace == workspace)
        .group_by(votes.c.paper_id, votes.c.user_id)
    )
    if paper_ids is not None:
        per_user = per_user.where(votes.c.paper_id.in_(paper_ids))
    if since is not None:
        per_user = per_user.where(votes.c.created_at >= utc(since))
    users = per_user.subquery()
    return select(
        users.c.paper_id,
        func.sum(users.c.net).label("weight"),
        func.count().label("voters"),
    ).group_by(users.c.paper_id)


def _remove_vote_statement(vote: Vote) -> Delete:
    return delete(votes).where(
        votes.c.platform == vote.channel.platform,
        votes.c.channel_key == vote.channel.key,
        votes.c.message_id == vote.message_id,
        votes.c.user_id == vote.user_id,
        votes.c.emoji == vote.emoji,
    )


class VotesMixin(StoreBase):
    """Adding and withdrawing votes, the team's tallies, and claiming platform events."""

    async def add_vote(self, vote: Vote, *, paper_id: str, weight: int, at: datetime) -> bool:
        """Count one reaction on a paper; False when this user's same emoji is already in."""
        statement = self._add_vote_statement(vote, paper_id=paper_id, weight=weight, at=at)
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def remove_vote(self, vote: Vote) -> bool:
        """Withdraw a reaction; False when there was no such vote."""
        async with self._write() as connection:
            result = await connection.execute(_remove_vote_statement(vote))
        return result.rowcount > 0

    async def apply_vote(
        self, vote: Vote, *, paper_id: str, weight: int, at: datetime
    ) -> VoteResult:
        """Claim the vote's platform event and add (or, when `vote.removed`, withdraw) the
        vote in one transaction.

        DUPLICATE when the event id was claimed before, UNCHANGED when the vote was already
        in (or already gone), RECORDED otherwise; only RECORDED is truthy. When the write
        fails the claim is rolled back with it, so the platform's redelivery of the event
        is applied rather than taken for a duplicate. A vote without an event id is not
        claimed.
        """
        if vote.removed:
            statement: Any = _remove_vote_statement(vote)
        else:
            statement = self._add_vote_statement(vote, paper_id=paper_id, weight=weight, at=at)
        async with self._write() as connection:
            if vote.event_id:
                claim = self._claim_event_statement(vote.channel.platform, vote.event_id, at=at)
                if (await connection.execute(claim)).rowcount != 1:
                    return VoteResult.DUPLICATE
            result = await connection.execute(statement)
        return VoteResult.RECORDED if result.rowcount > 0 else VoteResult.UNCHANGED

    def _add_vote_statement(
        self, vote: Vote, *, paper_id: str, weight: int, at: datetime
    ) -> Insert:
        return dialect.insert_ignore(votes, self._dialect).values(
            platform=vote.channel.platform,
            workspace=vote.channel.workspace,
            channel_key=vote.channel.key,
            message_id=vote.message_id,
            user_id=vote.user_id,
            emoji=vote.emoji,
            paper_id=paper_id,
            weight=weight,
            created_at=utc(at),
        )

    async def clear_votes(self, ref: ChannelRef, message_id: str, emoji: str | None = None) -> int:
        """Withdraw every vote on a message (or only those with `emoji`), as when a
        moderator clears its reactions; returns how many were withdrawn."""
        statement = delete(votes).where(
            votes.c.platform == ref.platform,
            votes.c.channel_key == ref.key,
            votes.c.message_id == message_id,
        )
        if emoji is not None:
            statement = statement.where(votes.c.emoji == emoji)
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount

    async def team_votes(self, platform: str, workspace: str) -> list[TeamVote]:
        """Every person's net vote per paper and channel within a workspace, each clamped
        to [-VOTE_CLAMP, VOTE_CLAMP], with the time of their latest vote on it; the
        taste model learns from these."""
        net = func.sum(votes.c.weight)
        clamped = case((net > VOTE_CLAMP, VOTE_CLAMP), (net < -VOTE_CLAMP, -VOTE_CLAMP), else_=net)
        statement = (
            select(
                votes.c.channel_key,
                votes.c.user_id,
                votes.c.paper_id,
                clamped.label("weight"),
                func.max(votes.c.created_at).label("at"),
            )
            .where(votes.c.platform == platform, votes.c.workspace == workspace)
            .group_by(votes.c.channel_key, votes.c.user_id, votes.c.paper_id)
            .order_by(votes.c.channel_key, votes.c.user_id, votes.c.paper_id)
        )
        async with self._read() as connection:
            rows = await connection.execute(statement)
            return [
                TeamVote(row.channel_key, row.user_id, row.paper_id, int(row.weight), row.at)
                for row in rows
            ]

    async def vote_tallies(
        self, platform: str, workspace: str, paper_ids: Sequence[str] | None = None
    ) -> dict[str, VoteTally]:
        """The team's votes per paper within a workspace (all papers, or just `paper_ids`).

        Each user's net weight on a paper is clamped to [-2, 2] before summing, so one
        enthusiast cannot outvote the team; `voters` counts distinct users.
        """
        if paper_ids is None:
            queries = [tally_query(platform, workspace)]
        else:
            queries = [
                tally_query(platform, workspace, chunk) for chunk in chunks(sorted(set(paper_ids)))
            ]
        tallies: dict[str, VoteTally] = {}
        async with self._read() as connection:
            for query in queries:
                for paper_id, weight, voters in await connection.execute(query):
                    tallies[paper_id] = VoteTally(paper_id, int(weight), int(voters))
        return tallies

    # platform events ----------------------------------------------------------------

    async def claim_event(self, platform: str, event_id: str, *, at: datetime) -> bool:
        """Claim a platform event id so a redelivered event is handled once; False if seen."""
        async with self._write() as connection:
            result = await connection.execute(
                self._claim_event_statement(platform, event_id, at=at)
            )
        return result.rowcount == 1

    def _claim_event_statement(self, platform: str, event_id: str, *, at: datetime) -> Insert:
        return dialect.insert_ignore(processed_events, self._dialect).values(
            platform=platform, event_id=event_id, seen_at=utc(at)
        )
