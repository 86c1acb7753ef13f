"""Votes the database could not take, kept in order until it can.

A reaction is sent once: Slack does not resend an event it got a 200 for, Discord never
resends a gateway event. So a vote that arrives while the database cannot be written (a
full or read-only disk, a PostgreSQL that does not answer) is held here, in arrival order,
and the service applies the held votes, oldest first, as soon as the database takes writes
again. While any vote is held, new ones queue behind it, so one person's add and remove
keep their order.

The queue is durable: each held vote is one JSON line in a spool file, written and synced
before `hold` returns, and read back at start, so a restart during an outage loses nothing.
The spool reserves SPOOL_RESERVE bytes when it is opened, and a held vote is written over
that reserved space, so holding votes still works on a disk that has just filled up; an
applied vote's line is blanked in place. Past the reserve the file grows where the disk
allows; when it cannot, the vote is held in memory only, with one log line.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from bot.models import ChannelRef, Vote

log = structlog.get_logger(__name__)

SPOOL_RESERVE = 256 * 1024
"""Bytes the spool file keeps allocated: about a thousand held votes."""

PAD = b"\n"


@dataclass(frozen=True, slots=True)
class ClearedVotes:
    """Every vote on a message withdrawn at once (its reactions cleared), or only those
    with `emoji`."""

    channel: ChannelRef
    message_id: str
    emoji: str | None


@dataclass(frozen=True, slots=True)
class HeldVote:
    """A reaction (or a clear of a message's reactions) the database could not take yet,
    and when it happened."""

    change: Vote | ClearedVotes
    at: datetime


@dataclass(slots=True)
class _Line:
    held: HeldVote
    offset: int | None
    length: int


def _encode(held: HeldVote) -> bytes:
    change = held.change
    record: dict[str, Any] = {
        "channel": change.channel.key,
        "message_id": change.message_id,
        "emoji": change.emoji,
        "at": held.at.isoformat(),
    }
    if isinstance(change, Vote):
        record |= {
            "user_id": change.user_id,
            "removed": change.removed,
            "event_id": change.event_id,
        }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _decode(line: bytes) -> HeldVote:
    record: dict[str, Any] = json.loads(line)
    platform, workspace, name = str(record["channel"]).split(":", 2)
    channel = ChannelRef(platform, workspace, name)
    message_id, emoji = str(record["message_id"]), record["emoji"]
    at = datetime.fromisoformat(record["at"])
    if at.tzinfo is None:
        raise ValueError("a held vote's time has no zone")
    if "user_id" not in record:
        return HeldVote(
            ClearedVotes(channel, message_id, None if emoji is None else str(emoji)), at
        )
    vote = Vote(
        channel,
        message_id=message_id,
        user_id=str(record["user_id"]),
        emoji=str(emoji),
        removed=bool(record["removed"]),
        event_id=None if record["event_id"] is None else str(record["event_id"]),
    )
    return HeldVote(vote, at)


class PendingVotes:
    """The held votes, oldest first, mirrored in a spool file (or in memory only when
    `path` is None)."""

    def __init__(self, path: Path | None, *, reserve: int = SPOOL_RESERVE) -> None:
        """Open (or create) the spool at `path` and read back the votes it holds."""
        self.path = path
        self._reserve = reserve
        self._lines: deque[_Line] = deque()
        self._end = 0
        self._fd: int | None = None
        self._spool_warned = False
        if path is not None:
            self._open(path)

    def __len__(self) -> int:
        return len(self._lines)

    def _open(self, path: Path) -> None:
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            content = os.pread(self._fd, max(os.fstat(self._fd).st_size, 1), 0)
            self._read_back(content)
            self._rewrite()
        except OSError as error:
            self.close()
            log.warning("vote_spool_unusable", path=str(path), error=str(error))
        if self._lines:
            log.info("held_votes_found", votes=len(self._lines), path=str(path))

    def _read_back(self, content: bytes) -> None:
        unreadable = 0
        for line in content.splitlines():
            if not line.strip():
                continue
            try:
                self._lines.append(_Line(_decode(line), None, 0))
            except (ValueError, KeyError, TypeError, AttributeError):
                unreadable += 1
        if unreadable:
            log.warning("held_votes_unreadable", lines=unreadable, path=str(self.path))

    def _rewrite(self) -> None:
        """Write the held votes from the start of the file, then the reserve's padding."""
        assert self._fd is not None
        offset = 0
        for line in self._lines:
            data = _encode(line.held)
            os.pwrite(self._fd, data, offset)
            line.offset, line.length = offset, len(data)
            offset += len(data)
        self._end = offset
        size = max(self._reserve, offset)
        if offset < size:
            os.pwrite(self._fd, PAD * (size - offset), offset)
        os.ftruncate(self._fd, size)
        os.fsync(self._fd)

    def hold(self, held: HeldVote) -> None:
        """Add a vote at the back of the queue, on disk when the spool can take it."""
        line = _Line(held, None, 0)
        if self._fd is not None:
            data = _encode(held)
            try:
                os.pwrite(self._fd, data, self._end)
                os.fdatasync(self._fd)
                line.offset, line.length = self._end, len(data)
                self._end += len(data)
            except OSError as error:
                self._warn_once(error)
        self._lines.append(line)

    def first(self) -> HeldVote | None:
        """The oldest held vote, or None when none is held."""
        return self._lines[0].held if self._lines else None

    def applied(self) -> None:
        """The oldest held vote is in the database now: forget it (blank its line)."""
        line = self._lines.popleft()
        if self._fd is None:
            return
        try:
            if not self._lines:
                self._rewrite()
            elif line.offset is not None:
                os.pwrite(self._fd, b" " * (line.length - 1), line.offset)
                os.fdatasync(self._fd)
        except OSError as error:
            self._warn_once(error)

    def _warn_once(self, error: OSError) -> None:
        if not self._spool_warned:
            log.warning("vote_spool_write_failed", path=str(self.path), error=str(error))
            self._spool_warned = True

    def close(self) -> None:
        """Close the spool file; held votes stay in it for the next start."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
