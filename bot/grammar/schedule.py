"""When a channel's posts go out: the digest's schedule and the weekly recap's.

`subscribe` reads a time, a time zone and days in any order; `unsubscribe` stops the
digest; `set recap` reads a day and a time. Time zones are the IANA names zoneinfo knows.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import time

from bot.grammar.actions import SetRecap, Subscribe, Unsubscribe, UsageError
from bot.grammar.text import closest, no_arguments, shown
from bot.models import WEEKDAYS

_DAY_GROUPS = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekday": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
}
_FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NAMES = {
    **{name: index for index, name in enumerate(WEEKDAYS)},
    **{name: index for index, name in enumerate(_FULL_DAY_NAMES)},
    **{name + "s": index for index, name in enumerate(_FULL_DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_AM_PM = ("am", "pm")
_DIGITS = frozenset("0123456789")
_TWELVE_HOUR = re.compile(r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?(?P<half>am|pm)")
_TWENTY_FOUR_HOUR = re.compile(r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})")
_ZONE_ABBREVIATION = re.compile(r"[A-Z]{2,5}(?:[+-][0-9]{1,2}(?::?[0-9]{2})?)?")
_UNUSABLE_ZONES = frozenset({"factory", "localtime", "posixrules"})
_SUBSCRIBE_EXAMPLE = "/papers subscribe 09:30 Europe/Berlin weekdays"
_RECAP_EXAMPLE = "e.g. /papers set recap fri 16:00, or /papers set recap off"


def timezone_names() -> list[str]:
    """Every IANA time zone name the grammar accepts, sorted (for autocomplete)."""
    return sorted(_zones().values())


def parse_subscribe(rest: str) -> Subscribe:
    """`subscribe [HH:MM] [time zone] [days]`, the three parts in any order.

    Commas separate words like spaces do, so `mon, wed` and `mon,wed` are two day words
    whose days add up.
    """
    words = [word for word in re.split(r"[\s,]+", rest) if word]
    post_at: time | None = None
    timezone: str | None = None
    days: frozenset[int] | None = None
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        lowered = word.lower()
        found_days = _days(lowered)
        if found_days is not None:
            days = found_days if days is None else days | found_days
            continue
        zone = _zones().get(lowered)
        if zone is not None:
            if timezone is not None:
                raise UsageError("Give one time zone, e.g. /papers subscribe Europe/Berlin.")
            timezone = zone
            continue
        if lowered[0] in _DIGITS:
            if index < len(words) and words[index].lower() in _AM_PM:
                lowered += words[index].lower()
                index += 1
            if post_at is not None:
                raise UsageError("Give one time, e.g. /papers subscribe 09:30.")
            post_at = _time(lowered)
            continue
        raise UsageError(_unreadable_schedule_part(word))
    return Subscribe(post_at=post_at, timezone=timezone, days=days)


def _unreadable_schedule_part(word: str) -> str:
    """The sentence for a subscribe word that is neither a time, a time zone nor days."""
    lowered = word.lower()
    if re.fullmatch(r"[a-z]+(?:-[a-z]+)+", lowered):
        return (
            "Those days don't look right; use daily, weekdays, weekends, "
            "or names like mon,wed,fri or mon-fri."
        )
    if "/" in word or _ZONE_ABBREVIATION.fullmatch(word):
        return f"{shown(word)} isn't a time zone I know; use an IANA name such as Europe/Berlin."
    guess = closest(lowered, [*_DAY_GROUPS, *_DAY_NAMES])
    if guess:
        return f"I can't read {shown(word)} as a time, a time zone or days; did you mean {guess}?"
    return (
        f"I can't read {shown(word)} as a time, a time zone or days; try e.g. {_SUBSCRIBE_EXAMPLE}."
    )


def _days(word: str) -> frozenset[int] | None:
    """The weekdays (0=Mon) a lowercase word names, e.g. `weekdays`, `wed`, `fri-mon`.

    None when the word names no days.
    """
    if word in _DAY_GROUPS:
        return _DAY_GROUPS[word]
    if word in _DAY_NAMES:
        return frozenset({_DAY_NAMES[word]})
    first, dash, last = word.partition("-")
    if not dash or first not in _DAY_NAMES or last not in _DAY_NAMES:
        return None
    start, end = _DAY_NAMES[first], _DAY_NAMES[last]
    return frozenset((start + step) % 7 for step in range((end - start) % 7 + 1))


def _time(word: str) -> time:
    """A lowercase time such as `9:30`, `09:30`, `21:30`, `9am` or `9:30pm`."""
    twelve = _TWELVE_HOUR.fullmatch(word)
    if twelve:
        hour, minute = int(twelve["hour"]), int(twelve["minute"] or 0)
        if 1 <= hour <= 12 and minute < 60:
            return time(hour % 12 + (12 if twelve["half"] == "pm" else 0), minute)
    twenty_four = _TWENTY_FOUR_HOUR.fullmatch(word)
    if twenty_four:
        hour, minute = int(twenty_four["hour"]), int(twenty_four["minute"])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise UsageError("That time doesn't look right; use HH:MM, e.g. 09:30.")


@functools.cache
def _zones() -> dict[str, str]:
    """Every usable IANA time zone name, keyed by its lowercase form (read once)."""
    return {
        name.lower(): name
        for name in zoneinfo.available_timezones()
        if name.lower() not in _UNUSABLE_ZONES and not name.startswith(("posix/", "right/"))
    }


def parse_unsubscribe(rest: str) -> Unsubscribe:
    """`unsubscribe`."""
    no_arguments("unsubscribe", rest)
    return Unsubscribe()


def parse_recap(value: str) -> SetRecap:
    """`<day> <HH:MM>` in either order, or `off`."""
    words = value.lower().split()
    if words == ["off"]:
        return SetRecap(None, None)
    if len(words) != 2:
        raise UsageError(f"Give one day and a time, {_RECAP_EXAMPLE}.")
    day_word, time_word = words if words[0][0] not in _DIGITS else words[::-1]
    if day_word not in _DAY_NAMES:
        raise UsageError(f"The recap goes out on one day of the week, {_RECAP_EXAMPLE}.")
    return SetRecap(_DAY_NAMES[day_word], _time(time_word))
