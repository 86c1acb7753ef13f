"""The words of the command answers, one example each: what a follow, a listing note, the
settings view, help or the taste view says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.commands.replies import (
    error_reply,
    followed_sentence,
    following_sentence,
    help_reply,
    hf_note,
    listed_words,
    nothing_in_period,
    sent_digest_reply,
    settings_reply,
    shorten_snippet,
    surname_only,
    taste_lines,
    team_note,
    text_reply,
)
from bot.delivery import SentDigest
from bot.grammar.help import HELP
from bot.models import (
    ChannelRef,
    ChannelSettings,
    Digest,
    Follow,
    FollowKind,
    Layout,
    MessageRole,
    PostedMessage,
    ReplyKind,
    VoteTally,
)
from bot.ranking.follows import NameMatch
from bot.ranking.taste import Leaning
from bot.store import SlotStatus
from tests.fakes.items import make_item

GENERAL = ChannelRef("console", "local", "general")
LECUN = Follow(FollowKind.AUTHOR, "Yann LeCun")
NVIDIA = Follow(FollowKind.ORG, "NVIDIA")


def test_a_channel_without_topics_lists_none_and_one_with_topics_lists_them() -> None:
    assert listed_words(ChannelSettings(GENERAL), "topics") == "none"
    assert listed_words(ChannelSettings(GENERAL, excludes=("robotics", "crypto")), "excludes") == (
        "robotics, crypto"
    )


def test_a_text_reply_is_seen_only_by_the_asker_unless_told_otherwise() -> None:
    private = text_reply("Done.")
    shared = text_reply("Done.", ephemeral=False)

    assert (private.kind, private.text, private.ephemeral) == (ReplyKind.TEXT, "Done.", True)
    assert (shared.kind, shared.ephemeral) == (ReplyKind.TEXT, False)


def test_an_error_reply_is_a_refusal_seen_only_by_the_asker() -> None:
    reply = error_reply("Use a rank from /papers today.")

    assert (reply.kind, reply.text, reply.ephemeral) == (
        ReplyKind.ERROR,
        "Use a rank from /papers today.",
        True,
    )


def sent(status: SlotStatus, finished_at: datetime | None) -> SentDigest:
    """Today's digest of two papers in Berlin's time, in the given state."""
    digest = Digest("d1", GENERAL, date(2026, 6, 13), "Europe/Berlin", (make_item(1), make_item(2)))
    header = PostedMessage(GENERAL, "m1", "d1", MessageRole.HEADER)
    return SentDigest(digest, status, finished_at, (header,))


def test_a_posted_digest_says_when_it_went_out_in_the_channels_time() -> None:
    reply = sent_digest_reply(sent(SlotStatus.POSTED, datetime(2026, 6, 13, 7, 5, tzinfo=UTC)))

    assert reply.kind is ReplyKind.DIGEST
    assert reply.text == "Today's digest, posted here at 09:05."
    assert reply.digest is not None and reply.digest.id == "d1"
    assert [post.message_id for post in reply.posts] == ["m1"]


@pytest.mark.parametrize(
    ("status", "finished_at"),
    [
        (SlotStatus.PLANNED, None),
        (SlotStatus.POSTED, None),
        (SlotStatus.CLAIMED, datetime(2026, 6, 13, 7, 5, tzinfo=UTC)),
    ],
)
def test_a_digest_still_going_out_says_digest_now_finishes_it(
    status: SlotStatus, finished_at: datetime | None
) -> None:
    reply = sent_digest_reply(sent(status, finished_at))

    assert reply.text == (
        "Today's digest is being posted here; if it stopped part-way, "
        "/papers digest now finishes it."
    )


def test_a_digest_stopped_by_a_pause_points_to_the_settings() -> None:
    reply = sent_digest_reply(sent(SlotStatus.FAILED, datetime(2026, 6, 13, 7, 5, tzinfo=UTC)))

    assert reply.text == (
        "Today's digest stopped part-way because this channel's digest is paused; "
        "see /papers settings."
    )


@pytest.mark.parametrize(
    ("follow", "found", "sentence"),
    [
        (
            LECUN,
            NameMatch("Yann LeCun"),
            "Following Yann LeCun: their papers rank higher here and are marked ⭐.",
        ),
        (
            NVIDIA,
            NameMatch("NVIDIA"),
            "Following NVIDIA: its papers rank higher here and are marked ⭐.",
        ),
        (
            Follow(FollowKind.AUTHOR, "Y. Zhang"),
            NameMatch("Y. Zhang", ("Yi Zhang", "Yu Zhang")),
            "Following Y. Zhang, which fits Yi Zhang or Yu Zhang; their papers rank higher "
            "here and are marked ⭐.",
        ),
        (
            Follow(FollowKind.ORG, "Meta"),
            NameMatch("Meta", ("Meta AI",)),
            "Following Meta, which fits Meta AI; its papers rank higher here and are marked ⭐.",
        ),
        (
            Follow(FollowKind.AUTHOR, "Yan LeCunn"),
            NameMatch(None, ("Yann LeCun",)),
            "Following Yan LeCunn, though no stored paper has that name yet, so nothing is "
            "marked until one arrives; did you mean Yann LeCun?",
        ),
        (
            Follow(FollowKind.ORG, "Nobody Lab"),
            NameMatch(None),
            "Following Nobody Lab, though no stored paper has that name yet, so nothing is "
            "marked until one arrives.",
        ),
    ],
)
def test_a_follow_says_what_was_followed_and_what_it_may_mean(
    follow: Follow, found: NameMatch, sentence: str
) -> None:
    assert followed_sentence(follow, found) == sentence


def test_a_surname_alone_is_refused_with_who_it_could_be_or_an_example() -> None:
    assert surname_only("Zhang", ("Vito Zhang", "Yi Zhang", "Yu Zhang")) == (
        "Give a first name or initial too: do you mean Vito Zhang, Yi Zhang or Yu Zhang?"
    )
    assert surname_only("Zhang", ("Yi Zhang",)) == (
        "Give a first name or initial too: do you mean Yi Zhang?"
    )
    assert surname_only("Zhang", ()) == (
        'Give a first name or initial too, e.g. /papers follow author "Y. Zhang".'
    )


@pytest.mark.parametrize(
    ("follows", "sentence"),
    [
        ((), 'This channel follows no one yet; e.g. /papers follow author "Yann LeCun".'),
        ((LECUN,), "This channel follows authors Yann LeCun."),
        ((NVIDIA,), "This channel follows organizations NVIDIA."),
        (
            (NVIDIA, LECUN, Follow(FollowKind.AUTHOR, "Ada Lovelace")),
            "This channel follows authors Yann LeCun, Ada Lovelace; organizations NVIDIA.",
        ),
    ],
)
def test_following_lists_authors_then_organizations(
    follows: tuple[Follow, ...], sentence: str
) -> None:
    assert following_sentence(follows) == sentence


def test_a_period_without_papers_is_named() -> None:
    assert nothing_in_period("month") == "No papers stored from the last month yet."


@pytest.mark.parametrize(
    ("tally", "note"),
    [
        (VoteTally("p", 5, 3), "your team: +5 from 3 people"),
        (VoteTally("p", 1, 1), "your team: +1 from 1 person"),
        (VoteTally("p", -2, 2), "your team: -2 from 2 people"),
        (VoteTally("p", 0, 2), "your team: +0 from 2 people"),
    ],
)
def test_a_team_note_gives_the_signed_votes_and_how_many_voted(tally: VoteTally, note: str) -> None:
    assert team_note(tally) == note


@pytest.mark.parametrize(
    ("upvotes", "note"),
    [
        (None, "0 upvotes on Hugging Face"),
        (0, "0 upvotes on Hugging Face"),
        (1, "1 upvote on Hugging Face"),
        (2, "2 upvotes on Hugging Face"),
        (1234, "1,234 upvotes on Hugging Face"),
    ],
)
def test_a_hugging_face_note_counts_the_upvotes(upvotes: int | None, note: str) -> None:
    assert hf_note(upvotes) == note


def test_a_snippet_is_one_line_of_at_most_200_characters() -> None:
    fits = "a" * 200
    over = "b" * 201

    assert shorten_snippet(fits) == fits
    assert shorten_snippet(over) == "b" * 199 + "…"
    assert shorten_snippet("two\nlines") == "two lines"


def test_help_gives_each_subcommand_its_usage_description_and_example() -> None:
    reply = help_reply()

    assert (reply.kind, reply.text) == (ReplyKind.HELP, "papers-bot commands")
    assert len(reply.lines) == len(HELP)
    assert "/papers today - Show today's trending papers. (e.g. /papers today)" in reply.lines


def test_help_on_one_subcommand_gives_only_its_lines() -> None:
    reply = help_reply("top")

    assert reply.lines == (
        "/papers top [day|week|month] - Show the most upvoted papers of the last day, week or "
        "month. (e.g. /papers top week)",
    )


def test_taste_names_the_votes_and_each_kind_of_feature_learned() -> None:
    leaning = Leaning(
        up_terms=("diffusion", "agents"),
        down_terms=("robotics",),
        up_people=("Yann LeCun",),
        down_people=("Crypto Lab",),
    )

    assert taste_lines(leaning, 7.4) == (
        "Learned from 7 votes (older ones count less, other channels of your team half).",
        "Words that lift a paper: diffusion, agents",
        "Words that lower a paper: robotics",
        "Authors and organizations you like: Yann LeCun",
        "Authors and organizations you vote down: Crypto Lab",
    )


def test_taste_from_one_vote_leaves_out_what_it_did_not_learn() -> None:
    leaning = Leaning(up_terms=(), down_terms=(), up_people=("NVIDIA",), down_people=())

    assert taste_lines(leaning, 0.6) == (
        "Learned from 1 vote (older ones count less, other channels of your team half).",
        "Authors and organizations you like: NVIDIA",
    )


def test_the_settings_of_a_new_channel_say_how_to_subscribe() -> None:
    reply = settings_reply(ChannelSettings(GENERAL))

    assert (reply.kind, reply.text) == (ReplyKind.SETTINGS, "Settings for this channel")
    assert reply.lines == (
        "Schedule: none; /papers subscribe 09:00 Europe/Berlin weekdays starts one",
        "Size: 5 papers; at least 0 upvotes; up to 3 days old",
        "Topics: none",
        "Excluded: none",
        "Following: no one",
        "Layout: in a thread under the header",
        "Weekly recap: Fridays at 16:00 (UTC)",
        "Status: active",
    )


def test_the_settings_of_a_configured_channel_show_every_choice() -> None:
    settings = ChannelSettings(
        GENERAL,
        subscribed=True,
        post_at=time(7, 30),
        timezone="Europe/Berlin",
        days=frozenset({0, 2}),
        size=3,
        min_upvotes=20,
        max_age_days=7,
        topics=("agents", "diffusion"),
        excludes=("crypto", "robotics"),
        layout=Layout.CHANNEL,
        follows=(LECUN, NVIDIA),
        recap_day=None,
    )

    assert settings_reply(settings).lines == (
        "Schedule: Mon, Wed at 07:30 (Europe/Berlin)",
        "Size: 3 papers; at least 20 upvotes; up to 7 days old",
        "Topics: agents, diffusion",
        "Excluded: crypto, robotics",
        "Following: Yann LeCun, NVIDIA",
        "Layout: in the channel",
        "Weekly recap: off",
        "Status: active",
    )


def test_a_paused_channel_says_why_and_since_when_if_known() -> None:
    reason = "the bot was removed from this channel"
    dated = ChannelSettings(
        GENERAL, paused_reason=reason, paused_at=datetime(2026, 6, 3, tzinfo=UTC)
    )
    undated = ChannelSettings(GENERAL, paused_reason=reason)

    assert settings_reply(dated).lines[-1] == f"Status: paused: {reason} on 3 Jun"
    assert settings_reply(undated).lines[-1] == f"Status: paused: {reason}"
