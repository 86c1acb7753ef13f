"""The words of the answers: one-sentence replies, the settings view, help, what the
taste model learned, follows, and the small notes beside listed papers. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from bot import grammar
from bot.delivery import Outcome, SentDigest
from bot.models import (
    ChannelSettings,
    Follow,
    FollowKind,
    Reply,
    ReplyKind,
    VoteTally,
)
from bot.ranking.follows import NameMatch
from bot.ranking.taste import Leaning
from bot.schedule_words import describe_recap, describe_schedule
from bot.store import SlotStatus
from bot.wording import clock_time, one_line_within


def listed_words(settings: ChannelSettings, name: str) -> str:
    """A channel's topics or excluded words, comma-separated, or "none"."""
    return ", ".join(getattr(settings, name)) or "none"


def text_reply(text: str, *, ephemeral: bool = True) -> Reply:
    """A one-sentence answer."""
    return Reply(ReplyKind.TEXT, text, ephemeral=ephemeral)


def error_reply(text: str) -> Reply:
    """A one-sentence refusal that says what to do instead."""
    return Reply(ReplyKind.ERROR, text)


LAYOUT_WORDS = {"thread": "in a thread under the header", "channel": "in the channel"}
LIST_WORDS = {"topics": "topics", "excludes": "excluded words"}
NO_PAPERS_YET = (
    "No recent papers are stored yet; the bot fetches them in the background, "
    "or run papers-bot fetch."
)
TODAY_PREVIEW = "Today's picks as they stand now; /papers digest now posts them here."
"""The sentence above `/papers today`'s preview; the digest's header says how many."""
DIGEST_NOW_ANSWERS = {
    Outcome.POSTING: "Posting today's digest in this channel now.",
    Outcome.EMPTY: (
        "Nothing new to post today: recent papers were already shared here or filtered out. "
        "Today's digest can still go out once new ones arrive."
    ),
    Outcome.ALREADY: "Today's digest was already posted here; it never posts twice.",
    Outcome.IN_PROGRESS: "Today's digest is being posted here right now.",
    Outcome.PAUSED: "This channel's digest is paused; see /papers settings.",
    Outcome.NO_ADAPTER: "This platform is not connected right now, so nothing was posted.",
}


def sent_digest_reply(sent: SentDigest) -> Reply:
    """Today's digest as it went out here, saying when, with its posted messages to vote on."""
    digest = sent.digest
    if sent.status is SlotStatus.POSTED and sent.finished_at is not None:
        text = f"Today's digest, posted here at {clock_time(sent.finished_at, digest.timezone)}."
    elif sent.status is SlotStatus.FAILED:
        text = (
            "Today's digest stopped part-way because this channel's digest is paused; "
            "see /papers settings."
        )
    else:
        text = (
            "Today's digest is being posted here; if it stopped part-way, "
            "/papers digest now finishes it."
        )
    return Reply(ReplyKind.DIGEST, text, digest=digest, posts=sent.posts)


MAX_FOLLOWS = 50
FOLLOW_KIND_WORDS = {FollowKind.AUTHOR: "authors", FollowKind.ORG: "organizations"}


def followed_sentence(follow: Follow, found: NameMatch) -> str:
    """The answer to a follow: what was followed and, for a name no stored paper has, what
    it may have been meant as."""
    whose = "their papers" if follow.kind is FollowKind.AUTHOR else "its papers"
    if found.known is not None and not found.suggestions:
        return f"Following {follow.name}: {whose} rank higher here and are marked ⭐."
    if found.known is not None:
        return (
            f"Following {follow.name}, which fits {_or_list(found.suggestions)}; "
            f"{whose} rank higher here and are marked ⭐."
        )
    guess = f"; did you mean {_or_list(found.suggestions)}?" if found.suggestions else "."
    return (
        f"Following {follow.name}, though no stored paper has that name yet, so nothing is "
        f"marked until one arrives{guess}"
    )


def surname_only(name: str, suggestions: Sequence[str]) -> str:
    """The refusal for a one-word author name, naming the people it could be."""
    if suggestions:
        return f"Give a first name or initial too: do you mean {_or_list(suggestions)}?"
    return f'Give a first name or initial too, e.g. /papers follow author "Y. {name}".'


def _or_list(names: Sequence[str]) -> str:
    """a, a or b, a, b or c."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def following_sentence(follows: Sequence[Follow]) -> str:
    """Who the channel follows, authors then organizations, in the order they were followed."""
    if not follows:
        return 'This channel follows no one yet; e.g. /papers follow author "Yann LeCun".'
    groups = [
        f"{FOLLOW_KIND_WORDS[kind]} {', '.join(f.name for f in follows if f.kind is kind)}"
        for kind in FollowKind
        if any(f.kind is kind for f in follows)
    ]
    return f"This channel follows {'; '.join(groups)}."


def nothing_in_period(period: str) -> str:
    """The answer to `top` when no paper was featured or published in the period."""
    return f"No papers stored from the last {period} yet."


def team_note(tally: VoteTally) -> str:
    """`your team: +5 from 3 people`."""
    people = "person" if tally.voters == 1 else "people"
    return f"your team: {tally.weight:+d} from {tally.voters} {people}"


def hf_note(upvotes: int | None) -> str:
    """`312 upvotes on Hugging Face`."""
    count = upvotes or 0
    return f"{count:,} {'upvote' if count == 1 else 'upvotes'} on Hugging Face"


SNIPPET_CHARS = 200


def shorten_snippet(snippet: str) -> str:
    """The matched part of an abstract as one line of at most SNIPPET_CHARS characters."""
    return one_line_within(snippet, SNIPPET_CHARS)


def help_reply(topic: str | None = None) -> Reply:
    """One line per subcommand (or the one asked about), with an example each."""
    lines = tuple(
        f"{entry.usage} - {entry.description} (e.g. {entry.example})"
        for entry in grammar.help_entries(topic)
    )
    return Reply(ReplyKind.HELP, "papers-bot commands", lines=lines)


def taste_lines(leaning: Leaning, votes: float) -> tuple[str, ...]:
    """What a taste model leans towards, one line per kind of feature that has any."""
    shown = round(votes)
    lines = [
        f"Learned from {shown} {'vote' if shown == 1 else 'votes'} "
        "(older ones count less, other channels of your team half)."
    ]
    for label, found in (
        ("Words that lift a paper", leaning.up_terms),
        ("Words that lower a paper", leaning.down_terms),
        ("Authors and organizations you like", leaning.up_people),
        ("Authors and organizations you vote down", leaning.down_people),
    ):
        if found:
            lines.append(f"{label}: {', '.join(found)}")
    return tuple(lines)


def settings_reply(settings: ChannelSettings) -> Reply:
    """The channel's whole state in one view."""
    if settings.subscribed:
        schedule = f"Schedule: {describe_schedule(settings)}"
    else:
        schedule = "Schedule: none; /papers subscribe 09:00 Europe/Berlin weekdays starts one"
    status = "Status: active"
    if settings.paused_reason:
        when = f" on {settings.paused_at:%-d %b}" if settings.paused_at else ""
        status = f"Status: paused: {settings.paused_reason}{when}"
    lines = (
        schedule,
        f"Size: {settings.size} papers; at least {settings.min_upvotes} upvotes; "
        f"up to {settings.max_age_days} days old",
        f"Topics: {', '.join(settings.topics) or 'none'}",
        f"Excluded: {', '.join(settings.excludes) or 'none'}",
        f"Following: {', '.join(f.name for f in settings.follows) or 'no one'}",
        f"Layout: {LAYOUT_WORDS[settings.layout]}",
        f"Weekly recap: {describe_recap(settings)}",
        status,
    )
    return Reply(ReplyKind.SETTINGS, "Settings for this channel", lines=lines)
