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
from bot.models import Command, MessageRole, Reply, Vote
from bot.store import Store
from bot.votes import keycap_rank, vote_weight

log = structlog.get_logger(__name__)


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

    async def _apply_vote(self, vote: Vote) -> str:
        now = self._clock()
        weight = vote_weight(vote.emoji, self._weights)
        if weight is None:
            return "ignored_emoji"
        if vote.event_id and not await self._store.claim_event(
            vote.channel.platform, vote.event_id, at=now
        ):
            return "duplicate"
        post = await self._store.find_post(vote.channel, vote.message_id)
        if post is None:
            return "not_ours"
        paper_id = _voted_paper(post.role, post.paper_id, post.item_papers, vote.emoji)
        if paper_id is None:
            return "no_paper"
        if vote.removed:
            changed = await self._store.remove_vote(vote)
        else:
            changed = await self._store.add_vote(vote, paper_id=paper_id, weight=weight, at=now)
        if changed:
            log.info(
                "vote_recorded",
                channel=vote.channel.key,
                paper_id=paper_id,
                emoji=vote.emoji,
                removed=vote.removed,
            )
        return "recorded" if changed else "unchanged"


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
