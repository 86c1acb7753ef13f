"""A channel's schedules in plain words, e.g. "weekdays at 09:30 (Europe/Berlin)"."""

from __future__ import annotations

import calendar

from bot.models import WEEKDAYS, ChannelSettings

NAMED_DAY_SETS = {
    frozenset(range(7)): "daily",
    frozenset(range(5)): "weekdays",
    frozenset({5, 6}): "weekends",
}


def describe_days(days: frozenset[int]) -> str:
    """ "daily", "weekdays", "weekends", or the days in order, e.g. "Mon, Wed"."""
    return NAMED_DAY_SETS.get(days) or ", ".join(WEEKDAYS[day].title() for day in sorted(days))


def describe_schedule(settings: ChannelSettings) -> str:
    """When the digest posts, e.g. "weekdays at 09:30 (Europe/Berlin)"."""
    return f"{describe_days(settings.days)} at {settings.post_at:%H:%M} ({settings.timezone})"


def describe_recap(settings: ChannelSettings) -> str:
    """When the weekly recap posts, e.g. "Fridays at 16:00 (Europe/Berlin)", or "off"."""
    if settings.recap_day is None:
        return "off"
    day = calendar.day_name[settings.recap_day]
    return f"{day}s at {settings.recap_at:%H:%M} ({settings.timezone})"
