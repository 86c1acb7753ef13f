"""The protocols the core depends on: chat adapters, the core as adapters see it, sources."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.models import (
    ChannelRef,
    Command,
    FetchReport,
    OutgoingMessage,
    Paper,
    PostRef,
    Recap,
    Reply,
    Vote,
    VoteOutcome,
)

if TYPE_CHECKING:  # aiohttp loads only with the HTTP server that serves the routes
    from aiohttp import web


class Core(Protocol):
    """The narrow face of the core that adapters call: commands in, votes in."""

    async def handle_command(self, command: Command) -> Reply:
        """Run one `/papers ...` command and answer it."""
        ...

    async def record_vote(self, vote: Vote) -> VoteOutcome:
        """Apply one reaction; only a vote that counted is truthy (see VoteOutcome)."""
        ...

    async def clear_votes(self, channel: ChannelRef, message_id: str, emoji: str | None) -> int:
        """Withdraw the votes on a message whose reactions were cleared (one emoji, or all)."""
        ...

    async def workspace_removed(self, platform: str, workspace: str, reason: str) -> int:
        """Pause every subscription of a workspace the bot left (uninstalled, kicked)."""
        ...

    async def channel_removed(self, channel: ChannelRef, reason: str) -> None:
        """Pause a channel's subscription because the bot can no longer post there."""
        ...

    async def suggest_papers(self, channel: ChannelRef, prefix: str) -> list[tuple[str, str]]:
        """(paper id, title) pairs from the channel's recent digests matching `prefix`."""
        ...


class ChatAdapter(Protocol):
    """A chat platform: connect, route commands and votes to the core, post messages."""

    platform: str

    async def start(self, core: Core) -> None:
        """Connect and serve until stopped."""
        ...

    async def stop(self) -> None:
        """Disconnect after the post in flight."""
        ...

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Render and post one digest message; raise ChannelUnavailable if it cannot go."""
        ...

    async def post_recap(self, channel: ChannelRef, recap: Recap) -> PostRef:
        """Render and post a weekly recap with its chart; ChannelUnavailable as `post`."""
        ...


@runtime_checkable
class WebhookAdapter(Protocol):
    """An adapter that also answers HTTP (e.g. Slack's Events API) on the bot's one server."""

    def web_routes(self) -> list[web.RouteDef]:
        """The routes to mount before the HTTP server starts."""
        ...


class PaperSource(Protocol):
    """An upstream of papers (Hugging Face, arXiv)."""

    name: str

    async def fetch_day(self, day: date) -> FetchReport:
        """The papers of one day (featured on HF, or newest submissions on arXiv)."""
        ...

    async def fetch_paper(self, paper_id: str) -> Paper | None:
        """One paper by arXiv id, or None when the upstream does not know it."""
        ...

    async def search(self, query: str, limit: int) -> FetchReport:
        """Papers matching a free-text query."""
        ...


class ChannelUnavailable(Exception):
    """The platform refused a post for good (channel gone, bot removed, token revoked).

    Delivery pauses the subscription with `reason` instead of retrying.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
