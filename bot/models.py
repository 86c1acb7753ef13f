"""Neutral values shared by the core and the adapters.

Everything here is plain data: frozen dataclasses without markup, so the same digest or
reply can be rendered natively on every platform and compared in tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time

PLATFORMS = ("console", "slack", "discord")


class BadChannelId(ValueError):
    """A channel id that does not read `platform:workspace:channel`."""


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """One chat channel: the platform, its workspace (team, guild) and the channel id."""

    platform: str
    workspace: str
    channel: str

    @property
    def key(self) -> str:
        """The channel id as stored and typed on the CLI: `platform:workspace:channel`."""
        return f"{self.platform}:{self.workspace}:{self.channel}"

    @classmethod
    def parse(cls, text: str) -> ChannelRef:
        """Read `console:local:NAME`, `slack:TEAM:CHANNEL` or `discord:GUILD:CHANNEL`."""
        parts = text.strip().split(":")
        if len(parts) != 3 or not all(parts) or parts[0] not in PLATFORMS:
            raise BadChannelId(
                f"{text!r} is not a channel id; use platform:workspace:channel, "
                "e.g. console:local:general"
            )
        return cls(*parts)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, keyed by its arXiv id without version, merged from every source."""

    id: str
    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    featured_on: date | None = None
    upvotes: int | None = None
    comments: int | None = None
    ai_summary: str | None = None
    ai_keywords: tuple[str, ...] = ()
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    thumbnail: str | None = None
    organization: str | None = None
    categories: tuple[str, ...] = ()
    trending_rank: int | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchReport:
    """What one fetch brought: papers parsed, entries skipped as unusable, errors met, and
    whether it stopped because the upstream could not be reached (so a caller stops asking).
    """

    papers: tuple[Paper, ...] = ()
    skipped: int = 0
    errors: tuple[str, ...] = ()
    unreachable: bool = False


class Layout(enum.StrEnum):
    """Where a digest's paper messages go: in the header's thread or in the channel."""

    THREAD = "thread"
    CHANNEL = "channel"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class FollowKind(enum.StrEnum):
    """What a channel can follow: an author, or a Hugging Face organization."""

    AUTHOR = "author"
    ORG = "org"


@dataclass(frozen=True, slots=True)
class Follow:
    """One author or organization a channel follows, by the name shown back to it."""

    kind: FollowKind
    name: str


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """A channel's subscription and preferences; `subscribed` False means no schedule."""

    channel: ChannelRef
    subscribed: bool = False
    post_at: time = time(9, 0)
    timezone: str = "UTC"
    days: frozenset[int] = frozenset(range(7))
    size: int = 5
    min_upvotes: int = 0
    max_age_days: int = 3
    topics: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    layout: Layout = Layout.THREAD
    paused_reason: str | None = None
    paused_at: datetime | None = None
    follows: tuple[Follow, ...] = ()
    recap_day: int | None = 4
    recap_at: time = time(16, 0)


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One named part of a score, its value, and a short plain-words detail."""

    name: str
    value: float
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScoreExplanation:
    """A score and the components it adds up from; `excluded` names a filter that hid it."""

    total: float
    components: tuple[ScoreComponent, ...] = ()
    excluded: str | None = None

    def as_dict(self) -> dict[str, float]:
        """The components by name, for JSON output."""
        return {c.name: round(c.value, 4) for c in self.components}


@dataclass(frozen=True, slots=True)
class PaperLinks:
    """Where to read a paper: Hugging Face page, arXiv abstract, PDF, code, project page."""

    hf: str
    arxiv: str
    pdf: str
    code: str | None = None
    project: str | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One paper as shown in a digest or a listing, with words already chosen, no markup.

    `note` is one plain line on why it is listed (a search match, a top reason), or empty.
    """

    rank: int
    paper_id: str
    title: str
    authors: tuple[str, ...]
    more_authors: bool
    summary: str
    links: PaperLinks
    upvotes: int | None = None
    stars: int | None = None
    keywords: tuple[str, ...] = ()
    thumbnail: str | None = None
    organization: str | None = None
    climbing: bool = False
    followed: tuple[str, ...] = ()
    team_votes: int = 0
    explanation: ScoreExplanation = field(default_factory=lambda: ScoreExplanation(0.0))
    note: str = ""
    featured_on: date | None = None
    published_on: date | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """One channel's picks for one slot (`id` is unique per channel and slot)."""

    id: str
    channel: ChannelRef
    date: date
    timezone: str
    items: tuple[DigestItem, ...]
    layout: Layout = Layout.THREAD


@dataclass(frozen=True, slots=True)
class Command:
    """A `/papers ...` command as typed, from one user in one channel."""

    channel: ChannelRef
    user_id: str
    text: str
    can_manage: bool = True


class ReplyKind(enum.StrEnum):
    """What a reply holds, so each renderer can lay it out in its own idiom."""

    TEXT = "text"
    ERROR = "error"
    HELP = "help"
    DIGEST = "digest"
    PAPERS = "papers"
    PAPER = "paper"
    SETTINGS = "settings"
    EXPLANATION = "explanation"


@dataclass(frozen=True, slots=True)
class Reply:
    """The core's answer to a command: a plain sentence, optional lines, papers or a digest."""

    kind: ReplyKind
    text: str
    lines: tuple[str, ...] = ()
    items: tuple[DigestItem, ...] = ()
    digest: Digest | None = None
    ephemeral: bool = True
    more: str | None = None
    """The command text that shows the next page ("more k3J9xQ:5"), when there is one:
    adapters offer it as a "More" button, the console as a hint."""
    posts: tuple[PostedMessage, ...] = ()
    """The messages `digest` went out as, when it was posted (none for a preview), so a
    vote on the digest shown goes to the paper's posted message."""


@dataclass(frozen=True, slots=True)
class Vote:
    """A reaction added or removed on a message the bot posted.

    `emoji` is a neutral name ("+1", "fire", "-1", or "keycap:N" for N in 1-10); each
    adapter translates its platform's emoji into these names.
    """

    channel: ChannelRef
    message_id: str
    user_id: str
    emoji: str
    removed: bool = False
    event_id: str | None = None


class VoteOutcome(enum.StrEnum):
    """What became of a reaction; the value is its metric label.

    Only RECORDED is truthy, so `if await core.record_vote(vote)` means "the vote counted".
    HELD means the database could not take it yet: it is kept and counted once it can.
    """

    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    HELD = "held"
    IGNORED_EMOJI = "ignored_emoji"
    NOT_OURS = "not_ours"
    NO_PAPER = "no_paper"

    def __bool__(self) -> bool:
        return self is VoteOutcome.RECORDED


@dataclass(frozen=True, slots=True)
class PostRef:
    """Where a posted message lives: its channel, platform message id and thread, if any."""

    channel: ChannelRef
    message_id: str
    thread_id: str | None = None


class MessageRole(enum.StrEnum):
    """Which part of a digest a message is."""

    HEADER = "header"
    ITEM = "item"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message of a digest for an adapter to render and post.

    `key` is unique per digest and message, so a platform that takes a nonce can refuse a
    resend; `thread` is the header's PostRef when the item goes in its thread. `resumed` is
    True when a crash may have come between posting it and recording that: an adapter that
    can look up what it posted (Slack's message metadata) checks before posting again.
    """

    key: str
    role: MessageRole
    digest: Digest
    item: DigestItem | None = None
    thread: PostRef | None = None
    resumed: bool = False


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message the bot posted, as remembered: which digest and paper it shows."""

    channel: ChannelRef
    message_id: str
    digest_id: str
    role: MessageRole
    paper_id: str | None = None
    item_papers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopEntry:
    """One paper in a `top` listing: the paper, HF upvotes and the team's vote total."""

    paper: Paper
    team_votes: int = 0


@dataclass(frozen=True, slots=True)
class VoteTally:
    """The team's votes on one paper within a workspace: net weight and distinct voters."""

    paper_id: str
    weight: int
    voters: int


@dataclass(frozen=True, slots=True)
class TeamVote:
    """One person's net vote on one paper in one channel, and when they last voted on it."""

    channel_key: str
    user_id: str
    paper_id: str
    weight: int
    at: datetime


@dataclass(frozen=True, slots=True)
class RecapEntry:
    """One paper of a weekly recap: its place, title, page and the team's votes on it."""

    rank: int
    paper_id: str
    title: str
    url: str
    votes: int
    voters: int


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart as a PNG image, with the words that say what it shows."""

    png: bytes
    alt_text: str
    filename: str = "recap.png"


@dataclass(frozen=True, slots=True)
class Recap:
    """A channel's weekly recap: the team's most-voted papers of a week and their chart.

    `id` is unique per channel and week; `first_day` and `last_day` are the local dates the
    week's votes were counted over.
    """

    id: str
    channel: ChannelRef
    first_day: date
    last_day: date
    entries: tuple[RecapEntry, ...]
    chart: Chart
