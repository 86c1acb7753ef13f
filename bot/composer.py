"""Assembles a channel's digest from the store: candidates, history, momentum, votes and the
team's learned taste (bot.ranking.learner).

The choosing and ordering is pure (bot.digest); this module only gathers what it needs, so
the preview (`/papers today`), `why` and the scheduled post all see the same digest.

Many channels post at the same minute (09:00 in a popular zone), and they all read the same
candidates and momentum; those are loaded once per minute and age window, and read afresh
as soon as a fetch stores new papers (`forget`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.digest import compose_digest, digest_id, digest_item
from bot.models import ChannelSettings, Digest, Paper
from bot.ranking import CLIMBING_MAX_AGE_DAYS, CLIMBING_MIN_GAIN, score, utc_date
from bot.ranking.learner import DEFAULT_HALF_LIFE_DAYS, TasteLearner
from bot.ranking.taste import TasteView
from bot.store import Store


def local_date(settings: ChannelSettings, now: datetime) -> date:
    """The date it is now in the channel's time zone: the digest slot it belongs to."""
    return now.astimezone(ZoneInfo(settings.timezone)).date()


def posting_time(settings: ChannelSettings, day: date) -> datetime:
    """The instant of the channel's posting time (`post_at` in its zone) on `day`, in UTC."""
    at = time(settings.post_at.hour, settings.post_at.minute)
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.timezone)).astimezone(UTC)


def _known_by(paper: Paper, day: date) -> bool:
    """Whether a paper was featured (or, never featured, published) on or before `day`."""
    if paper.featured_on is not None:
        return paper.featured_on <= day
    return paper.published_at is not None and utc_date(paper.published_at) <= day


@dataclass(frozen=True)
class CandidateWindow:
    """The papers recent enough for an age window, with their 24 h upvote gains."""

    papers: list[Paper]
    momentum: dict[str, int]


class DigestComposer:
    """Builds digests for channels from what is stored."""

    def __init__(self, store: Store, learner: TasteLearner | None = None) -> None:
        """`learner` keeps the channels' taste models (one with the default half-life when
        None)."""
        self._store = store
        self.learner = learner or TasteLearner(store, half_life_days=DEFAULT_HALF_LIFE_DAYS)
        self._windows: dict[int, tuple[datetime, CandidateWindow]] = {}

    def forget(self) -> None:
        """Drop the candidates read so far: papers were just stored (and on a new day the
        taste models are fitted again ahead of the digests)."""
        self._windows.clear()
        self.learner.papers_stored()

    async def candidates(self, settings: ChannelSettings, now: datetime) -> list[Paper]:
        """Papers recent enough to be picked for this channel (a day of slack on the window)."""
        return (await self._window(settings.max_age_days, now)).papers

    async def taste(
        self, settings: ChannelSettings, papers: list[Paper], *, now: datetime, fresh: bool = False
    ) -> TasteView | None:
        """The channel's learned taste over `papers` (see TasteLearner.view)."""
        return await self.learner.view(settings.channel, papers, now=now, fresh=fresh)

    async def compose(
        self,
        settings: ChannelSettings,
        *,
        now: datetime,
        slot_date: date | None = None,
        fresh: bool = False,
    ) -> Digest:
        """The digest this channel would get now, leaving out papers it was already sent.

        With `fresh` (a digest about to be posted) the taste model has learned every vote
        stored so far; without (a preview) it may lag a refit behind.
        """
        delivered = await self._store.delivered_paper_ids(settings.channel)
        return await self._compose(
            settings,
            now=now,
            slot_date=slot_date or local_date(settings, now),
            delivered=delivered,
            fresh=fresh,
        )

    async def compose_on(self, settings: ChannelSettings, day: date) -> Digest:
        """The digest this channel would have got on `day` at its posting time: from the
        papers featured (or published) by then, leaving out only those sent on earlier days.

        For debugging a schedule and trying the bot on recorded or imported papers; the
        upvotes, votes and taste are those stored now.
        """
        now = posting_time(settings, day)
        delivered = {
            paper_id
            for paper_id, slot in (await self._store.delivered_on(settings.channel)).items()
            if slot < day
        }
        return await self._compose(
            settings, now=now, slot_date=day, delivered=delivered, known_by=utc_date(now)
        )

    async def _compose(
        self,
        settings: ChannelSettings,
        *,
        now: datetime,
        slot_date: date,
        delivered: set[str],
        fresh: bool = False,
        known_by: date | None = None,
    ) -> Digest:
        """Compose from the stored candidates, leaving out `delivered` and, with `known_by`,
        the papers featured or published after that UTC date."""
        window = await self._window(settings.max_age_days, now)
        papers = window.papers
        if known_by is not None:
            papers = [paper for paper in papers if _known_by(paper, known_by)]
        ref = settings.channel
        return compose_digest(
            settings,
            papers,
            now=now,
            slot_date=slot_date,
            delivered=delivered,
            momentum=window.momentum,
            tallies=await self._store.vote_tallies(ref.platform, ref.workspace),
            taste=await self.taste(settings, papers, now=now, fresh=fresh),
        )

    async def _window(self, max_age_days: int, now: datetime) -> CandidateWindow:
        """The candidates for an age window, reused within the same minute: the recent
        papers, and the older featured ones that are climbing (see compose_digest)."""
        key = now.replace(second=0, microsecond=0)
        cached = self._windows.get(max_age_days)
        if cached is not None and cached[0] == key:
            return cached[1]
        since = now - timedelta(days=max_age_days + 1)
        papers = await self._store.recent_papers(since)
        momentum = await self._store.momentum([paper.id for paper in papers], now=now)
        if max_age_days < CLIMBING_MAX_AGE_DAYS:
            older = await self._store.featured_between(
                (now - timedelta(days=CLIMBING_MAX_AGE_DAYS + 1)).date(),
                (since - timedelta(days=1)).date(),
            )
            gains = await self._store.momentum([paper.id for paper in older], now=now)
            climbing = [p for p in older if gains.get(p.id, 0) >= CLIMBING_MIN_GAIN]
            papers += climbing
            momentum |= {paper.id: gains[paper.id] for paper in climbing}
        window = CandidateWindow(papers, momentum)
        self._windows[max_age_days] = (key, window)
        return window

    async def rebuild(
        self, settings: ChannelSettings, *, paper_ids: Sequence[str], now: datetime, slot_date: date
    ) -> Digest:
        """The digest planned earlier for a slot, in its planned order, for resuming its posts."""
        ref = settings.channel
        papers = await self._store.get_papers(paper_ids)
        momentum = await self._store.momentum(list(papers), now=now)
        tallies = await self._store.vote_tallies(ref.platform, ref.workspace, list(papers))
        taste = await self.taste(settings, list(papers.values()), now=now)
        items = []
        for rank, paper_id in enumerate((pid for pid in paper_ids if pid in papers), start=1):
            paper = papers[paper_id]
            tally = tallies.get(paper_id)
            gain = momentum.get(paper_id, 0)
            items.append(
                digest_item(
                    paper,
                    rank=rank,
                    explanation=score(
                        paper, settings, now=now, momentum=gain, tally=tally, taste=taste
                    ),
                    momentum=gain,
                    team_votes=tally.weight if tally else 0,
                    follows=settings.follows,
                )
            )
        return Digest(
            id=digest_id(ref, slot_date),
            channel=ref,
            date=slot_date,
            timezone=settings.timezone,
            items=tuple(items),
            layout=settings.layout,
        )
