"""The core as adapters see it: run a command, record a vote. The only way in from a platform.

Both are safe against anything a platform sends: a failing command answers one sentence and
logs the error; a vote is applied once per platform event and only on the bot's own messages.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import structlog

from bot.clock import Clock, utc_now
from bot.commands import Commands, error_reply
from bot.metrics import Metrics
from bot.models import ChannelRef, Command, MessageRole, Reply, Vote
from bot.store import Store
from bot.votes import keycap_rank, vote_weight

log = structlog.get_logger(__name__)

SUGGESTIONS = 25


class PapersService:
    """Implements the `Core` protocol for every adapter."""

    def __init__(
        self,
        store: Store,
        commands: Commands,
        *,
        weights: Mapping[str, int],
        metrics: Metrics,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._commands = commands
        self._weights = weights
        self._metrics = metrics
        self._clock = clock

    async def handle_command(self, command: Command) -> Reply:
        """Run one `/papers ...` command; never raises, never shows a traceback."""
        started = time.perf_counter()
        name = command.text.split(maxsplit=1)[0].lower()[:20] if command.text.strip() else "help"
        outcome = "ok"
        try:
            reply = await self._commands.run(command)
        except Exception:
            log.exception("command_failed", channel=command.channel.key, command=name)
            outcome = "error"
            reply = error_reply("Something went wrong running that command; please try again.")
        platform = command.channel.platform
        self._metrics.commands.labels(platform, _known(name), outcome).inc()
        self._metrics.command_seconds.labels(platform).observe(time.perf_counter() - started)
        return reply

    async def record_vote(self, vote: Vote) -> bool:
        """Apply a reaction to the paper it names; False when ignored (duplicate, not ours)."""
        platform = vote.channel.platform
        outcome = await self._apply_vote(vote)
        self._metrics.votes.labels(platform, outcome).inc()
        return outcome == "recorded"

    async def clear_votes(self, channel: ChannelRef, message_id: str, emoji: str | None) -> int:
        """Withdraw the votes on a message whose reactions were cleared (one emoji, or all)."""
        cleared = await self._store.clear_votes(channel, message_id, emoji)
        if cleared:
            log.info("votes_cleared", channel=channel.key, message_id=message_id, votes=cleared)
            self._metrics.votes.labels(channel.platform, "cleared").inc(cleared)
        return cleared

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

    async def _apply_vote(self, vote: Vote) -> str:
        now = self._clock()
        weight = vote_weight(vote.emoji, self._weights)
        if weight is None:
            return "ignored_emoji"
        post = await self._store.find_post(vote.channel, vote.message_id)
        if post is None:
            return "not_ours"
        paper_id = _voted_paper(post.role, post.paper_id, post.item_papers, vote.emoji)
        if paper_id is None:
            return "no_paper"
        # The event id is claimed in the same transaction as the vote is written: a write
        # that fails releases the claim, so the platform's redelivery is not a "duplicate".
        result = await self._store.apply_vote(vote, paper_id=paper_id, weight=weight, at=now)
        if result:
            log.info(
                "vote_recorded",
                channel=vote.channel.key,
                paper_id=paper_id,
                emoji=vote.emoji,
                removed=vote.removed,
            )
        return result.value


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
        "settings", "set", "topics", "exclude", "why", "digest",
    )
)  # fmt: skip


def _known(name: str) -> str:
    """The subcommand name as a metric label, bounded so hostile text can't grow the metrics."""
    return name if name in KNOWN_COMMANDS else "other"
