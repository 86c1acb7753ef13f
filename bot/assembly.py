"""One way to build the core: its parts around a store, and the use cases around those parts.

`open_core` opens the database and the HTTP client from the settings and builds the parts
around them. The running bot (`bot.app`), the CLI and the tests all build the core here, so a
test runs the wiring the bot runs: the composer hears of every fetch that stored papers, a
delivery resumes within the configured grace, the service weighs votes by the configured
weights.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, utc_now
from bot.commands import Commands
from bot.composer import DigestComposer
from bot.delivery import Delivery
from bot.metrics import Metrics
from bot.pending_votes import PendingVotes
from bot.ports import ChatAdapter, PaperSource
from bot.ranking.learner import COMMAND_WAIT_SECONDS, TasteLearner
from bot.recap.delivery import RecapDelivery
from bot.refresh import Refresher
from bot.service import PapersService
from bot.sources import ArxivSource, HuggingFaceSource, RetryPolicy, make_http_client
from bot.store import Store, StoreUnavailable, open_store, upgrade_database
from bot.votes import parse_weights
from config.settings import Settings


@dataclass
class CoreParts:
    """The core's long-lived parts around one store, without any chat platform."""

    settings: Settings
    store: Store
    sources: list[PaperSource]
    refresher: Refresher
    composer: DigestComposer
    metrics: Metrics
    clock: Clock


@dataclass
class UseCases:
    """What the core does for the chat platforms: post digests and recaps, run commands,
    count votes (the service is the narrow `bot.ports.Core` the adapters see)."""

    delivery: Delivery
    recaps: RecapDelivery
    commands: Commands
    service: PapersService


def build_parts(
    settings: Settings,
    store: Store,
    sources: Sequence[PaperSource],
    *,
    clock: Clock = utc_now,
    command_wait_seconds: float = COMMAND_WAIT_SECONDS,
) -> CoreParts:
    """The learner, composer, refresher and metrics around `store`; `command_wait_seconds`
    is how long a command waits for the taste model to refit (tests wait for every refit)."""
    learner = TasteLearner(
        store,
        half_life_days=settings.taste_half_life_days,
        command_wait_seconds=command_wait_seconds,
        clock=clock,
    )
    composer = DigestComposer(store, learner)
    metrics = Metrics()
    refresher = Refresher(store, sources, metrics=metrics, on_stored=composer.forget, clock=clock)
    return CoreParts(settings, store, list(sources), refresher, composer, metrics, clock)


def build_delivery(
    parts: CoreParts, adapters: Mapping[str, ChatAdapter], *, replica: str | None = None
) -> Delivery:
    """The digest outbox posting through `adapters` (by platform), holding its slots'
    leases as `replica` (default: this process, see bot.delivery.this_replica)."""
    return Delivery(
        parts.store,
        parts.composer,
        adapters,
        metrics=parts.metrics,
        clock=parts.clock,
        resume_within=missed_slot_grace(parts.settings),
        replica=replica,
    )


def build_use_cases(
    parts: CoreParts,
    adapters: Mapping[str, ChatAdapter],
    *,
    schedule_changed: Callable[[], Awaitable[None]],
    pending: PendingVotes | None = None,
) -> UseCases:
    """Delivery, recaps, commands and the service over `parts`, posting through `adapters`;
    `schedule_changed` hears of every change to a channel's schedule, `pending` holds the
    votes the database could not take."""
    delivery = build_delivery(parts, adapters)
    recaps = RecapDelivery(
        parts.store, adapters, clock=parts.clock, resume_within=missed_slot_grace(parts.settings)
    )
    commands = Commands(
        parts.store,
        parts.composer,
        delivery,
        parts.refresher,
        parts.sources,
        schedule_changed=schedule_changed,
        clock=parts.clock,
    )
    service = PapersService(
        parts.store,
        commands,
        weights=parse_weights(parts.settings.vote_weights),
        metrics=parts.metrics,
        pending=pending,
        on_votes_changed=parts.composer.learner.votes_changed,
        clock=parts.clock,
    )
    return UseCases(delivery, recaps, commands, service)


def missed_slot_grace(settings: Settings) -> timedelta:
    """How long after its time a missed slot is still posted, and a half-posted digest or
    recap still finished."""
    return timedelta(hours=settings.missed_slot_grace_hours)


class StartupError(Exception):
    """Something the bot needs (its database, its HTTP port) can't be used; the message is
    the one sentence to show."""


def first_line(error: BaseException) -> str:
    """An error's message, first line only (driver errors carry SQL and hints after it)."""
    cause = getattr(error, "orig", None) or error
    text = getattr(cause, "strerror", None) or str(cause)
    return (text.strip().splitlines() or [type(cause).__name__])[0]


def build_sources(settings: Settings, http: httpx.AsyncClient) -> list[PaperSource]:
    """Hugging Face always; arXiv when categories are configured."""
    retry = RetryPolicy.from_settings(settings)
    sources: list[PaperSource] = [HuggingFaceSource(http, settings.hf_base_url, retry=retry)]
    if settings.arxiv_categories:
        sources.append(
            ArxivSource(
                http,
                settings.arxiv_base_url,
                settings.arxiv_categories,
                min_interval_seconds=settings.arxiv_min_interval_seconds,
                retry=retry,
            )
        )
    return sources


@contextlib.asynccontextmanager
async def open_core(settings: Settings, *, migrate: bool = True) -> AsyncIterator[CoreParts]:
    """Migrate the database, open the store and the HTTP client, build the core's parts
    around them (`build_parts`); close it all on exit."""
    try:
        if migrate:
            await asyncio.to_thread(upgrade_database, settings.database_url)
        store = await open_store(settings.database_url)
        await store.ping()
    except (SQLAlchemyError, OSError, StoreUnavailable) as error:
        raise StartupError(f"The database can't be used: {first_line(error)}") from None
    http = make_http_client(settings)
    parts = build_parts(settings, store, build_sources(settings, http))
    try:
        yield parts
    finally:
        await parts.composer.learner.close()
        await http.aclose()
        await store.close()
