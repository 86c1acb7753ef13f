"""The outbox: claim a channel's digest slot, plan its posts, post them once, resume after a crash.

Idempotency lives in the database: the slot claim (one row per channel per local date) makes
a second scheduler fire, a `digest now` and a restart harmless, and each posted message is
recorded under a key unique per digest and message, so a resumed delivery skips what went out.

Replicas share the database: a slot is posted under a lease (bot.store.Lease) that its
poster renews as it goes. Another replica resumes a half-posted slot only once the lease ran
out, or when its holder is a process of this host that no longer runs (a restart here).

A day with nothing new uses nothing up: a scheduled slot that finds nothing is closed as
empty, which a later claim takes over (the scheduler tries it again after each fetch), and a
digest asked for on demand (`digest now`, the CLI) on such a day claims nothing at all.

`digest now` answers as soon as its posts start (`start`): the posting goes on in the
background, so the command's answer and whatever the person does next never wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import os
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import structlog

from bot.clock import Clock, utc_now
from bot.composer import DigestComposer
from bot.metrics import Metrics
from bot.models import (
    ChannelRef,
    ChannelSettings,
    Digest,
    Layout,
    MessageRole,
    OutgoingMessage,
    PostedMessage,
    PostRef,
)
from bot.ports import ChannelUnavailable, ChatAdapter
from bot.store import Lease, SlotRecord, SlotStatus, Store

log = structlog.get_logger(__name__)


LEASE_LENGTH = timedelta(seconds=90)
"""How long a slot's lease runs; renewed once half of it is spent, before a message is sent,
so a post in flight (a platform call gives up within 30 s) ends inside the lease."""


def this_replica() -> str:
    """This process's id as a lease holder: its host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(owner: str) -> bool:
    """Whether a lease holder is a process of this host that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        pass
    return False


class LeaseLost(Exception):
    """Another replica took over the slot being posted (this one was too slow to renew)."""


class Outcome(enum.StrEnum):
    """How one delivery attempt ended."""

    POSTED = "posted"
    POSTING = "posting"
    EMPTY = "empty"
    ALREADY = "already"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    NO_ADAPTER = "no_adapter"


def header_key(digest_id: str) -> str:
    """The outbox key of a digest's header message."""
    return f"{digest_id}:header"


def item_key(digest_id: str, paper_id: str) -> str:
    """The outbox key of the message showing one paper of a digest."""
    return f"{digest_id}:item:{paper_id}"


@dataclass(frozen=True, slots=True)
class SentDigest:
    """A slot's digest as it was planned and posted: its status, when it was closed (for a
    posted one, when its last message went out) and the messages that went out so far."""

    digest: Digest
    status: SlotStatus
    finished_at: datetime | None
    posts: tuple[PostedMessage, ...]


class Delivery:
    """Posts digests through the adapter of each channel's platform, exactly once per slot."""

    def __init__(
        self,
        store: Store,
        composer: DigestComposer,
        adapters: Mapping[str, ChatAdapter],
        *,
        metrics: Metrics,
        clock: Clock = utc_now,
        resume_within: timedelta = timedelta(hours=6),
        replica: str | None = None,
    ) -> None:
        self._store = store
        self._replica = replica or this_replica()
        self._composer = composer
        self._adapters = adapters
        self._metrics = metrics
        self._clock = clock
        self._resume_within = resume_within
        self._active: dict[tuple[str, str], datetime] = {}
        """The slots this process is posting now, with when its lease on each runs out."""
        self._background: set[asyncio.Task[Outcome]] = set()

    async def deliver(
        self,
        channel: ChannelRef,
        slot_date: date,
        *,
        scheduled: bool = True,
        posting: asyncio.Future[None] | None = None,
    ) -> Outcome:
        """Claim the channel's slot for `slot_date` and post its digest; a taken slot is a no-op.

        A scheduled slot with nothing new is recorded as empty (so it is tried again); one
        asked for on demand (`scheduled=False`) leaves the store as it was. `posting`, when
        given, is resolved just before the first message is sent.
        """
        started = time.perf_counter()
        outcome = await self._deliver(channel, slot_date, scheduled=scheduled, posting=posting)
        self._metrics.digests.labels(channel.platform, outcome.value).inc()
        if outcome is Outcome.POSTED:
            self._metrics.digest_seconds.observe(time.perf_counter() - started)
        return outcome

    async def start(self, channel: ChannelRef, slot_date: date) -> Outcome:
        """Deliver an on-demand digest, answering once its posts start (POSTING) and posting
        the rest in the background; any other outcome (nothing new, already posted, paused)
        is answered when known. A post that fails in the background is logged, and its slot
        is resumed like any half-done one."""
        posting: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(
            self.deliver(channel, slot_date, scheduled=False, posting=posting),
            name=f"digest-now-{channel.key}",
        )
        self._background.add(task)
        task.add_done_callback(functools.partial(self._finished_in_background, posting))
        await asyncio.wait((task, posting), return_when=asyncio.FIRST_COMPLETED)
        if posting.done():
            return Outcome.POSTING
        return task.result()

    async def settle(self) -> None:
        """Wait until every digest posting in the background has ended (before the bot stops)."""
        while self._background:
            await asyncio.wait(tuple(self._background))

    def _finished_in_background(
        self, posting: asyncio.Future[None], task: asyncio.Task[Outcome]
    ) -> None:
        """Forget a finished background delivery; a failure after its posts started is logged
        here (one before that reached `start`'s caller)."""
        self._background.discard(task)
        if task.cancelled() or not posting.done():
            return
        error = task.exception()
        if error is not None:
            log.warning(
                "digest_post_failed", task=task.get_name(), error=f"{type(error).__name__}: {error}"
            )

    async def _deliver(
        self,
        channel: ChannelRef,
        slot_date: date,
        *,
        scheduled: bool,
        posting: asyncio.Future[None] | None,
    ) -> Outcome:
        settings = await self._store.get_channel(channel) or ChannelSettings(channel)
        adapter = self._adapters.get(channel.platform)
        if adapter is None:
            log.warning("digest_skipped", channel=channel.key, reason="platform not connected")
            return Outcome.NO_ADAPTER
        if settings.paused_reason:
            log.info("digest_skipped", channel=channel.key, reason=settings.paused_reason)
            return Outcome.PAUSED
        slot = slot_date.isoformat()
        if not scheduled and not await self._worth_claiming(settings, slot_date):
            return Outcome.EMPTY
        lease = self._lease()
        if not await self._store.claim_slot(channel, slot, at=self._clock(), lease=lease):
            return await self._slot_taken(adapter, channel, slot, posting)
        with self._working(channel, slot, lease.until):
            digest = await self._plan(settings, slot_date)
            if digest is None:
                return Outcome.EMPTY
            return await self._post(adapter, slot, digest, posting=posting)

    async def sent(self, settings: ChannelSettings, slot_date: date) -> SentDigest | None:
        """The channel's digest for `slot_date` as it was planned, with the messages that
        went out; None when no digest was planned for that slot (nothing was posted)."""
        record = await self._store.slot_status(settings.channel, slot_date.isoformat())
        if record is None or record.digest_id is None:
            return None
        digest = await self._composer.rebuild(
            settings, paper_ids=record.paper_ids, now=self._clock(), slot_date=slot_date
        )
        keys = [header_key(digest.id)] + [
            item_key(digest.id, item.paper_id) for item in digest.items
        ]
        posted = await self._store.posted_by_keys(keys)
        posts = tuple(posted[key] for key in keys if key in posted)
        return SentDigest(digest, record.status, record.finished_at, posts)

    async def _worth_claiming(self, settings: ChannelSettings, slot_date: date) -> bool:
        """Whether an on-demand digest claims its slot: the slot is taken (the claim then
        says how it stands) or there is something new to post. An empty day writes nothing."""
        record = await self._store.slot_status(settings.channel, slot_date.isoformat())
        if record is not None and record.status is not SlotStatus.EMPTY:
            return True
        digest = await self._composer.compose(settings, now=self._clock(), slot_date=slot_date)
        if digest.items:
            return True
        await self._log_empty(settings, slot_date.isoformat())
        return False

    async def _slot_taken(
        self,
        adapter: ChatAdapter,
        channel: ChannelRef,
        slot: str,
        posting: asyncio.Future[None] | None,
    ) -> Outcome:
        """The slot was claimed before: done, being posted now, or left half-done by a
        failed post, which is finished now (`digest now` or a second fire doing the work a
        restart would)."""
        if (channel.key, slot) in self._active:
            log.info("digest_slot_in_progress", channel=channel.key, slot=slot)
            return Outcome.IN_PROGRESS
        record = await self._store.slot_status(channel, slot)
        if record is None or record.status not in (SlotStatus.CLAIMED, SlotStatus.PLANNED):
            log.info("digest_slot_taken", channel=channel.key, slot=slot)
            return Outcome.ALREADY
        leased_until = await self._take_lease(record)
        if leased_until is None:
            log.info("digest_slot_leased", channel=channel.key, slot=slot)
            return Outcome.IN_PROGRESS
        with self._working(channel, slot, leased_until):
            return await self._resume(adapter, record, posting)

    async def resume_unfinished(self) -> int:
        """Finish slots left half-done (claimed within the grace, not being posted now): after
        a crash, or after a post failed for a passing reason. Returns how many were resumed."""
        resumed = 0
        cutoff = self._clock() - self._resume_within
        for record in await self._store.unfinished_slots():
            adapter = self._adapters.get(record.channel.platform)
            busy = (record.channel.key, record.slot) in self._active
            if adapter is None or busy or record.claimed_at < cutoff:
                continue
            try:
                leased_until = await self._take_lease(record)
                if leased_until is None:
                    continue
                with self._working(record.channel, record.slot, leased_until):
                    await self._resume(adapter, record, None)
            except Exception as error:  # one failing channel must not stop the others
                log.warning(
                    "digest_resume_failed",
                    channel=record.channel.key,
                    slot=record.slot,
                    error=f"{type(error).__name__}: {error}",
                )
                continue
            resumed += 1
        return resumed

    def _lease(self) -> Lease:
        return Lease(self._replica, self._clock() + LEASE_LENGTH)

    async def _take_lease(self, record: SlotRecord) -> datetime | None:
        """Take an unfinished slot's lease to resume it: when it runs out, or None while a
        live replica holds it."""
        lease = self._lease()
        held = record.lease
        dead = held.owner if held is not None and _gone(held.owner) else None
        taken = await self._store.take_lease(
            record.channel, record.slot, lease, at=self._clock(), also_from=dead
        )
        return lease.until if taken else None

    async def _keep_lease(self, channel: ChannelRef, slot: str) -> None:
        """Renew the slot's lease once half of it is spent; raise LeaseLost if another
        replica took the slot over meanwhile."""
        key = (channel.key, slot)
        if self._clock() < self._active[key] - LEASE_LENGTH / 2:
            return
        lease = self._lease()
        if not await self._store.take_lease(channel, slot, lease, at=self._clock()):
            raise LeaseLost(f"slot {slot} of {channel.key} was taken over")
        self._active[key] = lease.until

    async def _resume(
        self, adapter: ChatAdapter, record: SlotRecord, posting: asyncio.Future[None] | None
    ) -> Outcome:
        settings = await self._store.get_channel(record.channel) or ChannelSettings(record.channel)
        slot_date = date.fromisoformat(record.slot)
        if record.digest_id is None:
            digest = await self._plan(settings, slot_date)
            if digest is None:
                return Outcome.EMPTY
        else:
            digest = await self._composer.rebuild(
                settings, paper_ids=record.paper_ids, now=self._clock(), slot_date=slot_date
            )
        log.info("digest_resumed", channel=record.channel.key, slot=record.slot)
        return await self._post(adapter, record.slot, digest, resumed=True, posting=posting)

    async def _plan(self, settings: ChannelSettings, slot_date: date) -> Digest | None:
        """Choose a claimed slot's papers and record the plan; None when there is nothing new,
        and the slot is closed as empty (a later claim takes it over)."""
        channel, slot = settings.channel, slot_date.isoformat()
        digest = await self._composer.compose(
            settings, now=self._clock(), slot_date=slot_date, fresh=True
        )
        if not digest.items:
            await self._store.finish_slot(channel, slot, "empty", at=self._clock())
            await self._log_empty(settings, slot)
            return None
        await self._store.plan_slot(
            channel, slot, digest_id=digest.id, paper_ids=[item.paper_id for item in digest.items]
        )
        return digest

    @contextlib.contextmanager
    def _working(self, channel: ChannelRef, slot: str, lease_until: datetime) -> Iterator[None]:
        """Mark a slot as being posted by this process under a lease that runs out at
        `lease_until`, so a catch-up here leaves it alone."""
        key = (channel.key, slot)
        self._active[key] = lease_until
        try:
            yield
        finally:
            self._active.pop(key, None)

    async def _post(
        self,
        adapter: ChatAdapter,
        slot: str,
        digest: Digest,
        *,
        resumed: bool = False,
        posting: asyncio.Future[None] | None,
    ) -> Outcome:
        channel = digest.channel
        if posting is not None:
            posting.set_result(None)
        try:
            await self._keep_lease(channel, slot)
            header = await self._send(
                adapter,
                OutgoingMessage(
                    key=header_key(digest.id),
                    role=MessageRole.HEADER,
                    digest=digest,
                    resumed=resumed,
                ),
            )
            thread = header if digest.layout is Layout.THREAD else None
            for item in digest.items:
                await self._keep_lease(channel, slot)
                await self._send(
                    adapter,
                    OutgoingMessage(
                        key=item_key(digest.id, item.paper_id),
                        role=MessageRole.ITEM,
                        digest=digest,
                        item=item,
                        thread=thread,
                        resumed=resumed,
                    ),
                )
        except LeaseLost:
            log.warning("digest_lease_lost", channel=channel.key, slot=slot)
            return Outcome.IN_PROGRESS
        except ChannelUnavailable as error:
            await self._store.pause_channel(channel, error.reason, at=self._clock())
            await self._store.finish_slot(channel, slot, "failed", at=self._clock())
            log.warning("channel_paused", channel=channel.key, reason=error.reason)
            return Outcome.PAUSED
        await self._store.finish_slot(channel, slot, "posted", at=self._clock())
        log.info("digest_posted", channel=channel.key, slot=slot, items=len(digest.items))
        return Outcome.POSTED

    async def _send(self, adapter: ChatAdapter, message: OutgoingMessage) -> PostRef:
        channel = message.digest.channel
        sent = await self._store.posted_by_key(message.key)
        if sent is not None:
            return PostRef(channel, sent.message_id)
        ref = await adapter.post(channel, message)
        item_papers = tuple(item.paper_id for item in message.digest.items)
        await self._store.record_post(
            PostedMessage(
                channel=channel,
                message_id=ref.message_id,
                digest_id=message.digest.id,
                role=message.role,
                paper_id=message.item.paper_id if message.item else None,
                item_papers=item_papers if message.role is MessageRole.HEADER else (),
            ),
            key=message.key,
        )
        return ref

    async def _log_empty(self, settings: ChannelSettings, slot: str) -> None:
        log.info(
            "digest_empty",
            channel=settings.channel.key,
            slot=slot,
            reason=await self._why_empty(settings),
        )

    async def _why_empty(self, settings: ChannelSettings) -> str:
        candidates = await self._composer.candidates(settings, self._clock())
        if not candidates:
            return "no papers stored from the last days; is fetching working?"
        return "every recent paper was already sent here or filtered out"
