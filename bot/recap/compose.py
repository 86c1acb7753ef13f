"""What a weekly recap shows: the workspace's most-voted papers of the channel's last seven
local days, ranked by net vote weight, and the chart of them. Nothing when nobody voted."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.digest import paper_links
from bot.models import ChannelSettings, Recap, RecapEntry
from bot.recap.chart import draw_chart
from bot.store import Store
from bot.wording import one_line, recap_title

RECAP_SIZE = 5
WEEK_DAYS = 7


def week_label(last_day: date) -> str:
    """The ISO week a recap belongs to, e.g. `2026-W49`: one recap per channel per label."""
    year, week, _ = last_day.isocalendar()
    return f"{year}-W{week:02d}"


def recap_id(settings: ChannelSettings, last_day: date) -> str:
    """The recap's id, unique per channel and week."""
    return f"recap:{settings.channel.key}:{week_label(last_day)}"


async def compose_recap(store: Store, settings: ChannelSettings, last_day: date) -> Recap | None:
    """The recap of the seven local days ending on `last_day`, or None when nobody voted.

    Votes count from midnight of the first day in the channel's time zone; the chart is
    drawn in a worker thread (matplotlib takes a moment and must not hold the event loop).
    """
    ref = settings.channel
    first_day = last_day - timedelta(days=WEEK_DAYS - 1)
    since = datetime.combine(first_day, time(0, 0), tzinfo=ZoneInfo(settings.timezone))
    favourites = await store.team_favourites(
        since, platform=ref.platform, workspace=ref.workspace, limit=RECAP_SIZE
    )
    if not favourites:
        return None
    entries = tuple(
        RecapEntry(
            rank=rank,
            paper_id=paper.id,
            title=one_line(paper.title),
            url=paper_links(paper).hf,
            votes=tally.weight,
            voters=tally.voters,
        )
        for rank, (paper, tally) in enumerate(favourites, start=1)
    )
    title = recap_title(first_day, last_day)
    chart = await asyncio.to_thread(draw_chart, entries, title)
    return Recap(
        id=recap_id(settings, last_day),
        channel=ref,
        first_day=first_day,
        last_day=last_day,
        entries=entries,
        chart=chart,
    )
