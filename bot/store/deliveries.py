"""Deliveries: each channel's digest slots, the papers delivered to it, the messages posted.

A slot and a posted message are each claimed by inserting a row under a unique constraint,
so a retry or a second replica that loses the claim does nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, or_, select, update

from bot.models import ChannelRef, MessageRole, PostedMessage
from bot.store import dialect
from bot.store.connection import StoreBase
from bot.store.tables import delivered_papers, deliveries, posted_messages
from bot.store.values import ref_from_key, utc


class SlotStatus(enum.StrEnum):
    """Where a channel's digest slot stands; compares equal to its plain string.

    EMPTY is not final: a scheduled slot that found nothing new is recorded so it can be
    tried again (after each fetch, within the grace), and a later claim takes it over.
    """

    CLAIMED = "claimed"
    PLANNED = "planned"
    POSTED = "posted"
    EMPTY = "empty"
    FAILED = "failed"


UNFINISHED = (SlotStatus.CLAIMED, SlotStatus.PLANNED)
CLOSED = frozenset({SlotStatus.POSTED, SlotStatus.EMPTY, SlotStatus.FAILED})


@dataclass(frozen=True, slots=True)
class SlotRecord:
    """One channel's delivery for one slot: who claimed it when, what was planned, and
    when it was closed (posted, found empty, failed)."""

    channel: ChannelRef
    slot: str
    status: SlotStatus
    digest_id: str | None
    paper_ids: tuple[str, ...]
    claimed_at: datetime
    finished_at: datetime | None = None
    lease: Lease | None = None


@dataclass(frozen=True, slots=True)
class Lease:
    """Which replica is posting a slot (its id) and until when: while the lease runs, no
    other replica resumes the slot."""

    owner: str
    until: datetime


def _slot_from_row(row: Row[Any]) -> SlotRecord:
    return SlotRecord(
        channel=ref_from_key(row.channel_key),
        slot=row.slot,
        status=SlotStatus(row.status),
        digest_id=row.digest_id,
        paper_ids=tuple(row.paper_ids),
        claimed_at=row.claimed_at,
        finished_at=row.finished_at,
        lease=None if row.lease_owner is None else Lease(row.lease_owner, row.lease_until),
    )


def _post_from_row(row: Row[Any]) -> PostedMessage:
    return PostedMessage(
        channel=ref_from_key(row.channel_key),
        message_id=row.message_id,
        digest_id=row.digest_id,
        role=MessageRole(row.role),
        paper_id=row.paper_id,
        item_papers=tuple(row.item_papers),
    )


class DeliveriesMixin(StoreBase):
    """The outbox's records: claiming and finishing slots, and the messages that went out."""

    async def claim_slot(
        self, ref: ChannelRef, slot: str, *, at: datetime, lease: Lease | None = None
    ) -> bool:
        """Claim a channel's slot for this process, holding `lease`; False when someone
        already has.

        A slot closed as empty is claimed again (it posted nothing); the update that takes
        it over matches only while it is still empty, so one claimer wins there too.
        """
        claimed = {
            "status": SlotStatus.CLAIMED.value,
            "paper_ids": [],
            "claimed_at": utc(at),
            "lease_owner": None if lease is None else lease.owner,
            "lease_until": None if lease is None else utc(lease.until),
        }
        insert = dialect.insert_ignore(deliveries, self._dialect).values(
            channel_key=ref.key, slot=slot, **claimed
        )
        take_over_empty = (
            update(deliveries)
            .where(
                deliveries.c.channel_key == ref.key,
                deliveries.c.slot == slot,
                deliveries.c.status == SlotStatus.EMPTY.value,
            )
            .values(digest_id=None, finished_at=None, **claimed)
        )
        async with self._write() as connection:
            if (await connection.execute(insert)).rowcount == 1:
                return True
            return (await connection.execute(take_over_empty)).rowcount == 1

    async def take_lease(
        self,
        ref: ChannelRef,
        slot: str,
        lease: Lease,
        *,
        at: datetime,
        also_from: str | None = None,
    ) -> bool:
        """Take (or renew) the lease of an unfinished slot: True when the slot's lease is
        free, ran out by `at`, is `lease.owner`'s already or `also_from`'s (a holder known
        to be dead); False when another replica holds it, or the slot is finished."""
        holders = [lease.owner] if also_from is None else [lease.owner, also_from]
        statement = (
            update(deliveries)
            .where(
                deliveries.c.channel_key == ref.key,
                deliveries.c.slot == slot,
                deliveries.c.status.in_([status.value for status in UNFINISHED]),
                or_(
                    deliveries.c.lease_until.is_(None),
                    deliveries.c.lease_until <= utc(at),
                    deliveries.c.lease_owner.in_(holders),
                ),
            )
            .values(lease_owner=lease.owner, lease_until=utc(lease.until))
        )
        async with self._write() as connection:
            return (await connection.execute(statement)).rowcount == 1

    async def plan_slot(
        self, ref: ChannelRef, slot: str, *, digest_id: str, paper_ids: Sequence[str]
    ) -> None:
        """Record the digest chosen for a claimed slot and mark its papers delivered to `ref`.

        Raises LookupError when the slot is not claimed or is already finished.
        """
        async with self._write() as connection:
            result = await connection.execute(
                update(deliveries)
                .where(
                    deliveries.c.channel_key == ref.key,
                    deliveries.c.slot == slot,
                    deliveries.c.status.in_([status.value for status in UNFINISHED]),
                )
                .values(
                    status=SlotStatus.PLANNED.value, digest_id=digest_id, paper_ids=list(paper_ids)
                )
            )
            if result.rowcount != 1:
                raise LookupError(f"slot {slot} of {ref.key} is not claimed or already finished")
            if paper_ids:
                await connection.execute(
                    dialect.insert_ignore(delivered_papers, self._dialect),
                    [
                        {"channel_key": ref.key, "paper_id": paper_id, "slot": slot}
                        for paper_id in dict.fromkeys(paper_ids)
                    ],
                )

    async def finish_slot(self, ref: ChannelRef, slot: str, status: str, *, at: datetime) -> None:
        """Close a slot at `at` as "posted", "empty" (tried again later) or "failed";
        LookupError if never claimed."""
        final = SlotStatus(status)
        if final not in CLOSED:
            raise ValueError(
                f"{status!r} is not a closing slot status; use posted, empty or failed"
            )
        async with self._write() as connection:
            result = await connection.execute(
                update(deliveries)
                .where(deliveries.c.channel_key == ref.key, deliveries.c.slot == slot)
                .values(status=final.value, finished_at=utc(at))
            )
            if result.rowcount != 1:
                raise LookupError(f"slot {slot} of {ref.key} was never claimed")

    async def slot_status(self, ref: ChannelRef, slot: str) -> SlotRecord | None:
        """The delivery record of one channel's slot, or None when nobody claimed it."""
        statement = select(deliveries).where(
            deliveries.c.channel_key == ref.key, deliveries.c.slot == slot
        )
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _slot_from_row(row)

    async def unfinished_slots(self) -> list[SlotRecord]:
        """Slots claimed or planned but not finished (a crash or restart), oldest first."""
        statement = (
            select(deliveries)
            .where(deliveries.c.status.in_([status.value for status in UNFINISHED]))
            .order_by(deliveries.c.claimed_at, deliveries.c.channel_key, deliveries.c.slot)
        )
        async with self._read() as connection:
            return [_slot_from_row(row) for row in await connection.execute(statement)]

    async def empty_slots(self, since: datetime) -> list[SlotRecord]:
        """Slots closed as empty that were claimed at or after `since`, oldest first: the
        scheduled digests that found nothing new, to try again once papers arrive."""
        statement = (
            select(deliveries)
            .where(
                deliveries.c.status == SlotStatus.EMPTY.value,
                deliveries.c.claimed_at >= utc(since),
            )
            .order_by(deliveries.c.claimed_at, deliveries.c.channel_key, deliveries.c.slot)
        )
        async with self._read() as connection:
            return [_slot_from_row(row) for row in await connection.execute(statement)]

    async def delivered_on(self, ref: ChannelRef) -> dict[str, date]:
        """Every paper ever planned into a digest for this channel, with its slot's date."""
        statement = select(delivered_papers.c.paper_id, delivered_papers.c.slot).where(
            delivered_papers.c.channel_key == ref.key
        )
        async with self._read() as connection:
            return {
                paper_id: date.fromisoformat(slot)
                for paper_id, slot in await connection.execute(statement)
            }

    async def delivered_paper_ids(self, ref: ChannelRef) -> set[str]:
        """Every paper id ever planned into a digest for this channel."""
        statement = select(delivered_papers.c.paper_id).where(
            delivered_papers.c.channel_key == ref.key
        )
        async with self._read() as connection:
            return set((await connection.execute(statement)).scalars())

    # posted messages ----------------------------------------------------------------

    async def record_post(self, message: PostedMessage, *, key: str) -> bool:
        """Remember a posted message; False when `key` or the platform message is known."""
        statement = dialect.insert_ignore(posted_messages, self._dialect).values(
            key=key,
            platform=message.channel.platform,
            channel_key=message.channel.key,
            message_id=message.message_id,
            digest_id=message.digest_id,
            role=message.role.value,
            paper_id=message.paper_id,
            item_papers=list(message.item_papers),
        )
        async with self._write() as connection:
            result = await connection.execute(statement)
        return result.rowcount == 1

    async def posted_by_key(self, key: str) -> PostedMessage | None:
        """The message posted under an outbox key, or None: has this one gone out yet?"""
        statement = select(posted_messages).where(posted_messages.c.key == key)
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _post_from_row(row)

    async def posted_by_keys(self, keys: Sequence[str]) -> dict[str, PostedMessage]:
        """The messages posted under any of these outbox keys, by key (those gone out)."""
        statement = select(posted_messages).where(posted_messages.c.key.in_(list(keys)))
        async with self._read() as connection:
            return {row.key: _post_from_row(row) for row in await connection.execute(statement)}

    async def find_post(self, ref: ChannelRef, message_id: str) -> PostedMessage | None:
        """The bot's message with this platform id in this channel, or None (not ours)."""
        statement = select(posted_messages).where(
            posted_messages.c.platform == ref.platform,
            posted_messages.c.channel_key == ref.key,
            posted_messages.c.message_id == message_id,
        )
        async with self._read() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _post_from_row(row)
