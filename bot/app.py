"""The composition root: settings in, every part built once, all run under one TaskGroup.

This is the one module of the core that knows the adapters exist: it picks the chat
platforms from the settings and hands each the narrow `Core` (the service).
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime

import structlog

from adapters.console.adapter import ConsoleAdapter
from adapters.discord import build_discord_adapter
from adapters.slack import build_slack_adapter
from bot.assembly import (
    CoreParts,
    StartupError,
    build_use_cases,
    first_line,
    missed_slot_grace,
    open_core,
)
from bot.http_server import HealthReport, HttpServer
from bot.models import ChannelRef
from bot.pending_votes import PendingVotes
from bot.ports import ChatAdapter, WebhookAdapter
from bot.scheduler import Scheduler
from bot.search import meaning
from bot.store import StoreUnavailable
from bot.threads import in_daemon_thread
from config.settings import Settings

log = structlog.get_logger(__name__)

CONSOLE_MODE_LINE = (
    "papers-bot is running in console mode: no Slack or Discord token is set. "
    "To post to Slack set SLACK_BOT_TOKEN and SLACK_APP_TOKEN; for Discord set DISCORD_TOKEN."
)


def build_adapters(settings: Settings) -> list[ChatAdapter]:
    """The chat platforms to serve: the console channel when no platform token is set.

    An incomplete Slack setup raises SettingsError naming the variable that is missing.
    """
    adapters: list[ChatAdapter] = []
    slack_adapter = build_slack_adapter(settings)
    if slack_adapter is not None:
        adapters.append(slack_adapter)
    discord_adapter = build_discord_adapter(settings)
    if discord_adapter is not None:
        adapters.append(discord_adapter)
    if not adapters:
        channel = ChannelRef("console", "local", settings.console_channel)
        adapters.append(
            ConsoleAdapter(
                channel, mode_line=CONSOLE_MODE_LINE, history_path=settings.console_history_path
            )
        )
    return adapters


class Bot:
    """The running bot: scheduler, HTTP server and adapters around one core."""

    def __init__(self, core: CoreParts, adapters: list[ChatAdapter]) -> None:
        """Wire the parts; the votes held from an earlier run are read back from the spool
        (`close` lets go of it)."""
        self.core = core
        self.adapters = adapters
        self.pending_votes = PendingVotes(core.settings.pending_votes_path)
        self._health_problem: str | None = None
        use_cases = build_use_cases(
            core,
            {adapter.platform: adapter for adapter in adapters},
            schedule_changed=self._schedule_changed,
            pending=self.pending_votes,
        )
        self.delivery = use_cases.delivery
        self.recaps = use_cases.recaps
        self.service = use_cases.service
        self.scheduler = Scheduler(
            subscriptions=core.store.subscribed_channels,
            deliver=self.delivery.deliver,
            deliver_recap=self.recaps.deliver,
            empty_slots=core.store.empty_slots,
            fetch=self._fetch,
            fetch_interval_minutes=core.settings.fetch_interval_minutes,
            missed_grace=missed_slot_grace(core.settings),
        )
        self.http = HttpServer(self, core.metrics)
        for adapter in adapters:
            if isinstance(adapter, WebhookAdapter):
                self.http.add_routes(adapter.web_routes())

    async def _schedule_changed(self) -> None:
        """A command changed a channel's schedule: plan the scheduler's jobs anew."""
        await self.scheduler.rebuild()

    def close(self) -> None:
        """Let go of the vote spool; the votes still held in it wait for the next start."""
        self.pending_votes.close()

    async def health(self) -> HealthReport:
        """Whether the database keeps what it is given (it takes a write now and no vote
        waits for it), and when papers were last fetched; each change is logged once."""
        problem = None
        try:
            await self.core.store.check_writable(at=datetime.now(UTC))
        except StoreUnavailable as error:
            problem = f"the database can't be written: {error}"
        if problem is None and self.pending_votes:
            problem = f"{len(self.pending_votes)} votes wait for the database to take them"
        if problem != self._health_problem:
            if problem is None:
                log.info("health_ok_again", after=self._health_problem)
            else:
                log.warning("health_failing", problem=problem)
            self._health_problem = problem
        if problem is not None:
            return HealthReport(database_ok=False, last_fetch_at=None, detail=problem)
        last_fetch = await self.core.store.last_successful_fetch()
        return HealthReport(database_ok=True, last_fetch_at=last_fetch, detail="")

    async def _fetch(self) -> None:
        """The interval job: refresh the papers (one replica at a time: the others reuse
        what it stored), then finish any digest or recap a failed post left half-done (the
        outbox skips what already went out)."""
        async with self.core.store.exclusively("fetch") as ours:
            if ours:
                summary = await self.core.refresher.refresh()
                log.info("fetch_done", **summary.as_dict())
            else:
                log.info("fetch_skipped", reason="another replica is fetching now")
        await self._resume_unfinished()

    async def _resume_unfinished(self) -> None:
        """Finish the digests and recaps left half-done."""
        await self.delivery.resume_unfinished()
        await self.recaps.resume_unfinished()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set or an interactive console quits, then shut down in order:
        the scheduler first (posts in flight finish, no new ones start), then the digests
        `digest now` is posting, then the adapters, then the HTTP server."""
        settings = self.core.settings
        try:
            await self.http.start(settings.http_host, settings.http_port)
        except OSError as error:
            raise StartupError(
                f"The HTTP port {settings.http_port} can't be used: {first_line(error)}; "
                "set PAPERS_HTTP_PORT to a free one."
            ) from None
        await self.scheduler.start()
        try:
            async with asyncio.TaskGroup() as group:
                for adapter in self.adapters:
                    group.create_task(self._serve(adapter, stop))
                group.create_task(self._resume())
                warming_up = group.create_task(self._warm_up())
                held_votes = group.create_task(self.service.apply_held_votes())
                await stop.wait()
                warming_up.cancel()
                await self.scheduler.shutdown()
                await self.delivery.settle()
                for adapter in self.adapters:
                    await adapter.stop()
                held_votes.cancel()
        finally:
            await self.scheduler.shutdown()
            await self.http.stop()
            log.info("bot_stopped")

    async def _resume(self) -> None:
        """Finish digests and recaps a crash left half-posted, once the adapters connect."""
        try:
            await self._resume_unfinished()
        except Exception:  # a platform still connecting must not end the bot
            log.exception("resume_failed")

    async def _warm_up(self) -> None:
        """Load search's meaning model and rebuild the subscribed channels' taste models
        from the stored votes, in the background (see TasteLearner.warm_up)."""
        await in_daemon_thread(meaning.SHARED.warm_up, name="meaning-warm-up")
        try:
            channels = [s.channel for s in await self.core.store.subscribed_channels()]
        except StoreUnavailable as error:
            log.warning("taste_warm_up_failed", error=str(error))
            return
        await self.core.composer.learner.warm_up(channels)

    async def _serve(self, adapter: ChatAdapter, stop: asyncio.Event) -> None:
        """Run one adapter. One that ends by itself (the console's `quit`) stops the bot; one
        that fails is logged and the others go on serving."""
        try:
            await adapter.start(self.service)
        except Exception:
            log.exception("adapter_failed", platform=adapter.platform)
            return
        stop.set()


async def run_bot(settings: Settings) -> None:
    """`papers-bot run`: build everything, serve until SIGTERM/SIGINT or the console quits."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    adapters = build_adapters(settings)
    async with open_core(settings) as core:
        bot = Bot(core, adapters)
        log.info("bot_starting", mode=settings.chat_mode, http_port=settings.http_port)
        try:
            await bot.run(stop)
        finally:
            bot.close()
