"""The core as adapters see it: run a command, record a vote. The only way in from a platform.

Both are safe against anything a platform sends: a failing command answers one sentence and
logs the error; a vote is applied once per platform event and only on the bot's own messages.
A database that cannot take writes loses nothing: a command says the bot cannot save changes
right now, and a vote is held (bot.pending_votes) and applied once the database recovers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import structlog

from bot.clock import Clock, utc_now
from bot.commands import Commands, error_reply
from bot.metrics import Metrics
from bot.models import ChannelRef, Command, MessageRole, Reply, Vote, VoteOutcome
from bot.pending_votes import ClearedVotes, HeldVote, PendingVotes
from bot.store import Store, StoreUnavailable
from bot.votes import keycap_rank, vote_weight

log = structlog.get_logger(__name__)

SUGGESTIONS = 25
RETRY_HELD_MIN_SECONDS = 1.0
RETRY_HELD_MAX_SECONDS = 30.0
"""Held votes are tried again after 1 s, doubling up to every 30 s while the database fails."""

NOT_SAVED = (
    "The bot can't save changes right now because its database is failing; nothing was "
    "changed, so please try again in a few minutes."
)


class PapersService:
    """Implements the `Core` protocol for every adapter."""

    def __init__(
        self,
        store: Store,
        commands: Commands,
        *,
        weights: Mapping[str, int],
        metrics: Metrics,
        pending: PendingVotes | None = None,
        on_votes_changed: Callable[[str, str], None] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """`pending` holds the votes the database could not take (in memory when None);
        `on_votes_changed(platform, workspace)` hears of each vote that changed the tally
        (the taste learner refits)."""
        self._store = store
        self._commands = commands
        self._weights = weights
        self._metrics = metrics
        self._pending = pending if pending is not None else PendingVotes(None)
        self._on_votes_changed = on_votes_changed
        self._clock = clock
        self._held_waiting = asyncio.Event()
        if self._pending:
            self._held_waiting.set()

    @property
    def held_votes(self) -> int:
        """How many votes wait for the database to take writes again."""
        return len(self._pending)

    async def handle_command(self, command: Command) -> Reply:
        """Run one `/papers ...` command; never raises, never shows a traceback."""
        started = time.perf_counter()
        name = command.text.split(maxsplit=1)[0].lower()[:20] if command.text.strip() else "help"
        outcome = "ok"
        try:
            reply = await self._commands.run(command)
        except StoreUnavailable as error:
            log.warning(
                "command_not_saved", channel=command.channel.key, command=name, error=str(error)
            )
            outcome = "unavailable"
            reply = error_reply(NOT_SAVED)
        except Exception:
            log.exception("command_failed", channel=command.channel.key, command=name)
            outcome = "error"
            reply = error_reply("Something went wrong running that command; please try again.")
        platform = command.channel.platform
        self._metrics.commands.labels(platform, _known(name), outcome).inc()
        self._metrics.command_seconds.labels(platform).observe(time.perf_counter() - started)
        return reply

    async def record_vote(self, vote: Vote) -> VoteOutcome:
        """Apply a reaction to the paper it names. Ignored (duplicate, not ours) is falsy;
        HELD when the database cannot take it now, or while older votes are held."""
        held = HeldVote(vote, self._clock())
        if self._pending:
            outcome = self._hold(held, "older votes are held")
        else:
            try:
                outcome = await self._apply_vote(vote, held.at)
            except StoreUnavailable as error:
                outcome = self._hold(held, str(error))
        self._metrics.votes.labels(vote.channel.platform, outcome.value).inc()
        return outcome

    async def clear_votes(self, channel: ChannelRef, message_id: str, emoji: str | None) -> int:
        """Withdraw the votes on a message whose reactions were cleared (one emoji, or all);
        returns how many, 0 when the clear is held for a database that cannot take it now."""
        held = HeldVote(ClearedVotes(channel, message_id, emoji), self._clock())
        if self._pending:
            self._hold(held, "older votes are held")
            return 0
        try:
            return await self._clear_votes(held.change)
        except StoreUnavailable as error:
            self._hold(held, str(error))
            return 0

    async def _clear_votes(self, cleared: ClearedVotes) -> int:
        channel = cleared.channel
        count = await self._store.clear_votes(channel, cleared.message_id, cleared.emoji)
        if count:
            self._votes_changed(channel)
            log.info(
                "votes_cleared", channel=channel.key, message_id=cleared.message_id, votes=count
            )
            self._metrics.votes.labels(channel.platform, "cleared").inc(count)
        return count

    def _votes_changed(self, channel: ChannelRef) -> None:
        if self._on_votes_changed is not None:
            self._on_votes_changed(channel.platform, channel.workspace)

    def _hold(self, held: HeldVote, reason: str) -> VoteOutcome:
        self._pending.hold(held)
        self._held_waiting.set()
        log.warning(
            "vote_held", channel=held.change.channel.key, held=len(self._pending), reason=reason
        )
        return VoteOutcome.HELD

    async def apply_held_votes(self) -> None:
        """Run until cancelled: apply the held votes, oldest first, whenever there are any;
        while the database still fails, try again after a growing pause."""
        pause = RETRY_HELD_MIN_SECONDS
        while True:
            await self._held_waiting.wait()
            try:
                applied = await self._apply_held()
            except StoreUnavailable:
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_HELD_MAX_SECONDS)
                continue
            pause = RETRY_HELD_MIN_SECONDS
            self._held_waiting.clear()
            log.info("held_votes_applied", votes=applied)

    async def _apply_held(self) -> int:
        """Apply held votes until none is left; StoreUnavailable stops at the one that failed."""
        applied = 0
        while (held := self._pending.first()) is not None:
            change = held.change
            try:
                if isinstance(change, Vote):
                    outcome = (await self._apply_vote(change, held.at)).value
                else:
                    await self._clear_votes(change)
                    outcome = "cleared"
            except StoreUnavailable:
                raise
            except Exception as error:  # one vote that cannot apply must not hold the rest
                log.error("held_vote_dropped", channel=change.channel.key, error=repr(error))
                outcome = "dropped"
            self._pending.applied()
            self._metrics.votes.labels(change.channel.platform, f"held_{outcome}").inc()
            applied += 1
        return applied

    async def workspace_removed(self, platform: str, workspace: str, reason: str) -> int:
        """Pause every subscription of a workspace the bot left; returns how many."""
        paused = await self._store.pause_workspace(platform, workspace, reason, at=self._clock())
        log.warning("workspace_paused", platform=platform, workspace=workspace, channels=paused)
        return paused

    async def channel_removed(self, channel: ChannelRef, reason: str) -> None:
        """Pause one channel's subscription with the reason shown in /papers settings."""
        await self._store.pause_channel(channel, reason, at=self._clock())
        log.warning("channel_paused", channel=channel.key, reason=reason)

    async def suggest_papers(self, channel: ChannelRef, prefix: str) -> list[tuple[str, str]]:
        """Up to 25 (id, title) pairs from papers sent to this channel, newest ids first."""
        wanted = prefix.strip().lower()
        ids = sorted(await self._store.delivered_paper_ids(channel), reverse=True)
        papers = await self._store.get_papers(ids)
        matches = [
            (paper_id, papers[paper_id].title)
            for paper_id in ids
            if paper_id in papers
            and (paper_id.startswith(wanted) or wanted in papers[paper_id].title.lower())
        ]
        return matches[:SUGGESTIONS]

    async def _apply_vote(self, vote: Vote, at: datetime) -> VoteOutcome:
        weight = vote_weight(vote.emoji, self._weights)
        if weight is None:
            return VoteOutcome.IGNORED_EMOJI
        post = await self._store.find_post(vote.channel, vote.message_id)
        if post is None:
            return VoteOutcome.NOT_OURS
        paper_id = _voted_paper(post.role, post.paper_id, post.item_papers, vote.emoji)
        if paper_id is None:
            return VoteOutcome.NO_PAPER
        # The event id is claimed in the same transaction as the vote is written: a write
        # that fails releases the claim, so the platform's redelivery is not a "duplicate".
        result = await self._store.apply_vote(vote, paper_id=paper_id, weight=weight, at=at)
        if result:
            self._votes_changed(vote.channel)
            log.info(
                "vote_recorded",
                channel=vote.channel.key,
                paper_id=paper_id,
                emoji=vote.emoji,
                removed=vote.removed,
            )
        return VoteOutcome(result.value)


def _voted_paper(
    role: MessageRole, paper_id: str | None, item_papers: tuple[str, ...], emoji: str
) -> str | None:
    """The paper a reaction votes for: the item's own, or the keycap's rank on a header."""
    rank = keycap_rank(emoji)
    if role is MessageRole.ITEM:
        return paper_id if rank is None else None
    if rank is not None and rank <= len(item_papers):
        return item_papers[rank - 1]
    return None


KNOWN_COMMANDS = frozenset(
    (
        "help", "today", "top", "search", "paper", "subscribe", "unsubscribe",
        "settings", "set", "topics", "exclude", "why", "taste", "digest",
    )
)  # fmt: skip


def _known(name: str) -> str:
    """The subcommand name as a metric label, bounded so hostile text can't grow the metrics."""
    return name if name in KNOWN_COMMANDS else "other"
