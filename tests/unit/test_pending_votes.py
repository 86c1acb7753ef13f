"""The spool of held votes: votes come back in order after a restart, a torn line is skipped,
and the file keeps its reserved size so holding votes needs no new disk space."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import structlog

from bot.models import ChannelRef, Vote
from bot.pending_votes import SPOOL_RESERVE, ClearedVotes, HeldVote, PendingVotes

AT = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)
LAB = ChannelRef("discord", "G1", "C1")


def held(n: int, **options: object) -> HeldVote:
    """The n-th held 👍 of user U7."""
    return HeldVote(Vote(LAB, f"m{n}", "U7", "+1", event_id=f"E{n}", **options), AT)  # type: ignore[arg-type]


def drain(pending: PendingVotes) -> list[HeldVote]:
    """Every held vote, oldest first, each marked applied."""
    found = []
    while (first := pending.first()) is not None:
        found.append(first)
        pending.applied()
    return found


def test_held_votes_and_clears_come_back_in_order_after_a_restart(tmp_path: Path) -> None:
    spool = tmp_path / "votes.pending"
    first = PendingVotes(spool)
    votes = [held(1), held(2, removed=True), HeldVote(ClearedVotes(LAB, "m3", None), AT)]
    for vote in votes:
        first.hold(vote)
    first.close()

    assert drain(PendingVotes(spool)) == votes


def test_applied_votes_do_not_come_back(tmp_path: Path) -> None:
    spool = tmp_path / "votes.pending"
    first = PendingVotes(spool)
    for n in range(3):
        first.hold(held(n))
    first.applied()
    first.close()

    assert drain(PendingVotes(spool)) == [held(1), held(2)]


def test_the_spool_keeps_its_reserved_size_while_votes_come_and_go(tmp_path: Path) -> None:
    spool = tmp_path / "votes.pending"
    pending = PendingVotes(spool)
    sizes = [spool.stat().st_size]
    for n in range(50):
        pending.hold(held(n))
    sizes.append(spool.stat().st_size)
    drain(pending)
    sizes.append(spool.stat().st_size)

    assert sizes == [SPOOL_RESERVE] * 3


def test_past_the_reserve_the_spool_grows_and_shrinks_back(tmp_path: Path) -> None:
    spool = tmp_path / "votes.pending"
    pending = PendingVotes(spool, reserve=1024)
    for n in range(40):
        pending.hold(held(n))
    grown = spool.stat().st_size
    pending.close()

    again = PendingVotes(spool, reserve=1024)
    assert len(again) == 40 and grown > 1024
    drain(again)
    assert spool.stat().st_size == 1024


def test_a_torn_or_foreign_line_is_skipped_with_one_log_line(tmp_path: Path) -> None:
    spool = tmp_path / "votes.pending"
    first = PendingVotes(spool)
    first.hold(held(1))
    first.close()
    with spool.open("r+b") as out:
        out.seek(0, 2)
        out.write(b'{"channel": "discord:G1:C1", "message_id"\n{"at": "not a time"}\n')

    with structlog.testing.capture_logs() as logs:
        again = PendingVotes(spool)

    assert drain(again) == [held(1)]
    assert [entry["lines"] for entry in logs if entry["event"] == "held_votes_unreadable"] == [2]


def test_a_spool_that_cannot_be_opened_holds_votes_in_memory(tmp_path: Path) -> None:
    with structlog.testing.capture_logs() as logs:
        pending = PendingVotes(tmp_path)  # a folder, not a file
    pending.hold(held(1))

    assert drain(pending) == [held(1)]
    assert [entry["event"] for entry in logs] == ["vote_spool_unusable"]
