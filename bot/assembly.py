"""One way to build the core: its parts around a store, and the use cases around those parts.

The running bot (`bot.app`), the CLI and the tests all build the core here, so a test runs the
wiring the bot runs: the composer hears of every fetch that stored papers, a delivery resumes
within the configured grace, the service weighs votes by the configured weights.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

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
from bot.store import Store
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


def build_delivery(parts: CoreParts, adapters: Mapping[str, ChatAdapter]) -> Delivery:
    """The digest outbox posting through `adapters` (by platform)."""
    return Delivery(
        parts.store,
        parts.composer,
        adapters,
        metrics=parts.metrics,
        clock=parts.clock,
        resume_within=missed_slot_grace(parts.settings),
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
