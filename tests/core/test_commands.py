"""Every `/papers` subcommand answers, and bad input gets one sentence and changes nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
import structlog

from bot.models import ChannelSettings, Command, Layout, MessageRole, ReplyKind, Vote
from tests.core.conftest import GENERAL, TODAY, Harness
from tests.fakes.papers import make_paper
from tests.store.faults import failing_writes


async def test_bare_papers_shows_help_with_an_example_per_subcommand(harness: Harness) -> None:
    reply = await harness.run("")

    assert reply.kind is ReplyKind.HELP
    assert any("/papers subscribe" in line and "e.g." in line for line in reply.lines)
    assert reply.ephemeral


async def test_today_previews_the_digest_without_posting(harness: Harness) -> None:
    reply = await harness.run("today")

    assert reply.kind is ReplyKind.DIGEST
    assert reply.digest is not None
    assert [item.rank for item in reply.digest.items] == [1, 2, 3, 4, 5]
    assert harness.adapter.posted == []


async def test_today_says_how_to_post_the_picks_and_leaves_counting_them_to_the_header(
    harness: Harness,
) -> None:
    reply = await harness.run("today")

    assert reply.text == "Today's picks as they stand now; /papers digest now posts them here."


async def test_today_before_any_fetch_says_papers_are_on_their_way(harness: Harness) -> None:
    harness.clock.now = harness.clock.now.replace(year=2027)

    reply = await harness.run("today")

    assert reply.kind is ReplyKind.TEXT
    assert "No recent papers are stored yet" in reply.text


async def test_today_after_everything_was_posted_says_nothing_new(harness: Harness) -> None:
    await harness.delivery.deliver(GENERAL, TODAY.replace(day=12))

    reply = await harness.run("today")

    assert "Nothing new for this channel" in reply.text


async def test_today_after_todays_digest_was_posted_shows_that_digest(harness: Harness) -> None:
    await harness.run("digest now")
    header = harness.adapter.posted[0][1]
    harness.clock.now = harness.clock.now.replace(hour=15)

    reply = await harness.run("today")

    assert reply.kind is ReplyKind.DIGEST and reply.ephemeral
    assert reply.text == "Today's digest, posted here at 10:00."
    assert reply.digest is not None and reply.digest.id == header.digest.id
    assert [item.paper_id for item in reply.digest.items] == [
        item.paper_id for item in header.digest.items
    ]
    assert [post.role for post in reply.posts] == [MessageRole.HEADER] + [MessageRole.ITEM] * 5
    assert [post.paper_id for post in reply.posts[1:]] == [
        item.paper_id for item in header.digest.items
    ]


async def test_top_lists_the_most_upvoted(harness: Harness) -> None:
    reply = await harness.run("top week")

    assert reply.kind is ReplyKind.PAPERS
    assert reply.items[0].paper_id == "2606.00005"


async def test_search_finds_stored_papers_and_says_why(harness: Harness) -> None:
    reply = await harness.run("search attention")

    assert reply.kind is ReplyKind.PAPERS
    assert 0 < len(reply.items) <= 5
    assert "attention" in reply.items[0].note


async def test_paper_shows_details_of_a_stored_paper_from_a_url(harness: Harness) -> None:
    reply = await harness.run("paper https://arxiv.org/abs/2606.00003v2")

    assert reply.kind is ReplyKind.PAPER
    assert reply.items[0].paper_id == "2606.00003"


async def test_unknown_paper_without_network_says_so(harness: Harness) -> None:
    reply = await harness.run("paper 2501.99999")

    assert reply.kind is ReplyKind.TEXT
    assert "can't find" in reply.text


async def test_subscribe_saves_the_schedule_and_rebuilds_jobs(harness: Harness) -> None:
    reply = await harness.run("subscribe 09:30 Europe/Berlin weekdays")

    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None
    assert (settings.subscribed, settings.post_at, settings.timezone) == (
        True,
        time(9, 30),
        "Europe/Berlin",
    )
    assert settings.days == frozenset(range(5))
    assert "weekdays at 09:30 (Europe/Berlin)" in reply.text
    assert harness.schedule_changes == [1]


async def test_unsubscribe_keeps_settings(harness: Harness) -> None:
    await harness.run("subscribe 07:00 UTC")
    await harness.run("set size 3")

    await harness.run("unsubscribe")

    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None
    assert (settings.subscribed, settings.size) == (False, 3)


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("set size 3", lambda s: s.size == 3),
        ("set min-upvotes 20", lambda s: s.min_upvotes == 20),
        ("set layout channel", lambda s: s.layout is Layout.CHANNEL),
        ("topics add diffusion, world models", lambda s: s.topics == ("diffusion", "world models")),
        ("exclude add robotics", lambda s: s.excludes == ("robotics",)),
        ("set recap mon 08:30", lambda s: (s.recap_day, s.recap_at) == (0, time(8, 30))),
        ("set recap off", lambda s: s.recap_day is None),
    ],
)
async def test_settings_changes_are_saved(harness: Harness, text: str, check) -> None:
    reply = await harness.run(text)

    assert reply.kind is ReplyKind.TEXT
    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None and check(settings)


async def test_settings_shows_the_whole_state(harness: Harness) -> None:
    await harness.run("subscribe 08:15 America/New_York mon,wed")
    await harness.run("topics add agents")

    reply = await harness.run("settings")

    assert reply.kind is ReplyKind.SETTINGS
    text = "\n".join(reply.lines)
    assert "Mon, Wed at 08:15 (America/New_York)" in text
    assert "Topics: agents" in text
    assert "Weekly recap: Fridays at 16:00 (America/New_York)" in text
    assert "Following: no one" in text
    assert "Status: active" in text


async def test_changing_the_recap_rebuilds_the_jobs(harness: Harness) -> None:
    reply = await harness.run("set recap sat 10:00")

    assert reply.text == "Weekly recap: Saturdays at 10:00 (UTC)."
    assert harness.schedule_changes == [1]


@pytest.mark.parametrize(
    "text",
    [
        "subscribe 25:99",
        "subscribe 09:00 Mars/Base",
        "set size 0",
        "set size 11",
        "frobnicate",
        "search " + "x" * 600,
        "topics add bad\x00word",
    ],
)
async def test_bad_input_gets_one_sentence_and_changes_nothing(harness: Harness, text: str) -> None:
    reply = await harness.run(text)

    assert reply.kind is ReplyKind.ERROR
    assert reply.text.endswith(".") or reply.text.endswith("?")
    assert "\n" not in reply.text
    assert await harness.store.get_channel(GENERAL) is None


async def test_members_who_may_not_manage_get_a_polite_refusal(harness: Harness) -> None:
    reply = await harness.run("set size 2", manage=False)

    assert reply.kind is ReplyKind.ERROR
    assert "admins" in reply.text
    assert await harness.store.get_channel(GENERAL) is None
    assert (await harness.run("today", manage=False)).kind is ReplyKind.DIGEST


async def test_why_explains_a_rank_in_plain_words(harness: Harness) -> None:
    reply = await harness.run("why 1")

    assert reply.kind is ReplyKind.EXPLANATION
    assert "upvotes" in reply.text
    assert reply.lines == ("Paper 2606.00005",)


async def test_why_for_a_rank_beyond_the_digest_says_what_to_do(harness: Harness) -> None:
    reply = await harness.run("why 9")

    assert reply.kind is ReplyKind.ERROR


async def test_digest_now_posts_once_and_counts_as_todays_slot(harness: Harness) -> None:
    first = await harness.run("digest now")
    second = await harness.run("digest now")

    assert first.text == "Posting today's digest in this channel now."
    assert "already posted" in second.text
    assert len(harness.adapter.posted) == 6
    slot = await harness.store.slot_status(GENERAL, TODAY.isoformat())
    assert slot is not None and slot.status == "posted"


async def test_digest_now_on_a_day_with_nothing_new_uses_nothing_up(harness: Harness) -> None:
    harness.clock.now = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)

    empty = await harness.run("digest now")
    stored = await harness.store.slot_status(GENERAL, "2027-01-04")
    fresh = make_paper(id="2701.00001", title="Paper 2701.00001", featured_on=date(2027, 1, 4))
    await harness.store.upsert_papers([fresh], at=harness.clock.now)
    harness.composer.forget()
    posted = await harness.run("digest now")

    assert empty.text == (
        "No recent papers are stored yet; the bot fetches them in the background, "
        "or run papers-bot fetch."
    )
    assert stored is None
    assert posted.text == "Posting today's digest in this channel now."
    assert [message.item.paper_id for _, message in harness.adapter.posted[1:]] == ["2701.00001"]


async def test_digest_now_with_every_paper_shared_says_the_day_is_not_used_up(
    harness: Harness,
) -> None:
    await harness.delivery.deliver(GENERAL, TODAY.replace(day=12))

    reply = await harness.run("digest now")

    assert reply.text == (
        "Nothing new to post today: recent papers were already shared here or filtered out. "
        "Today's digest can still go out once new ones arrive."
    )
    assert await harness.store.slot_status(GENERAL, TODAY.isoformat()) is None


async def test_digest_now_finishes_a_digest_a_failed_post_left_half_done(
    harness: Harness,
) -> None:
    harness.adapter.crash_after = 3
    with structlog.testing.capture_logs() as logs:
        failed = await harness.run("digest now")
    harness.adapter.crash_after = None

    finished = await harness.run("digest now")

    assert failed.text == "Posting today's digest in this channel now."
    assert [line["error"] for line in logs if line["event"] == "digest_post_failed"] == [
        "RuntimeError: process died"
    ]
    assert finished.text == "Posting today's digest in this channel now."
    assert len(harness.adapter.keys) == 6
    assert len(set(harness.adapter.keys)) == 6


async def test_digest_now_answers_as_its_posts_start_and_posts_the_rest_in_the_background(
    harness: Harness,
) -> None:
    harness.adapter.post_seconds = 0.2
    command = Command(GENERAL, "U1", "digest now", can_manage=True)

    answer = await asyncio.wait_for(harness.service.handle_command(command), timeout=1.0)
    posted_by_the_answer = len(harness.adapter.posted)
    again = await harness.service.handle_command(command)
    await harness.delivery.settle()

    assert answer.text == "Posting today's digest in this channel now."
    assert posted_by_the_answer == 0
    assert again.text == "Today's digest is being posted here right now."
    assert len(harness.adapter.posted) == 6
    slot = await harness.store.slot_status(GENERAL, TODAY.isoformat())
    assert slot is not None and slot.status == "posted"


async def test_a_paused_channel_shows_why_in_settings(harness: Harness) -> None:
    await harness.store.save_channel(ChannelSettings(GENERAL, subscribed=True))
    reason = "the bot was removed from this channel"
    await harness.store.pause_channel(GENERAL, reason, at=harness.clock())

    reply = await harness.run("settings")

    assert f"Status: paused: {reason} on 13 Jun" in reply.lines


async def test_a_change_the_database_cannot_take_is_refused_in_one_sentence(
    harness: Harness,
) -> None:
    with failing_writes("database or disk is full"), structlog.testing.capture_logs() as logs:
        reply = await harness.run("set size 3")

    assert reply.kind is ReplyKind.ERROR
    assert reply.text.startswith("The bot can't save changes right now")
    [line] = [entry for entry in logs if entry["event"] == "command_not_saved"]
    assert "database or disk is full" in line["error"]
    assert "exc_info" not in line
    assert await harness.store.get_channel(GENERAL) is None


async def test_a_member_who_may_not_manage_is_told_who_can_and_what_to_do_instead(
    harness: Harness,
) -> None:
    reply = await harness.run("topics add agents", manage=False)

    assert reply.text == (
        "Only workspace admins can change this channel's digest; ask one of them, "
        "or use /papers settings to see it."
    )


async def test_topics_and_excludes_list_the_words_or_none(harness: Harness) -> None:
    await harness.run("topics add agents, diffusion")

    topics = await harness.run("topics")
    excludes = await harness.run("exclude list")

    assert (topics.kind, topics.text) == (ReplyKind.TEXT, "The topics here: agents, diffusion.")
    assert excludes.text == "The excluded words here: none."


async def test_today_after_everything_was_posted_says_where_else_to_look(
    harness: Harness,
) -> None:
    await harness.delivery.deliver(GENERAL, TODAY.replace(day=12))

    reply = await harness.run("today")

    assert (reply.kind, reply.text) == (
        ReplyKind.TEXT,
        "Nothing new for this channel right now; every recent paper was already shared here "
        "or filtered out. Try /papers top week.",
    )


@pytest.mark.parametrize(
    ("period", "within", "beyond"),
    [
        ("day", timedelta(hours=23), timedelta(hours=25)),
        ("week", timedelta(days=6, hours=23), timedelta(days=7, hours=1)),
        ("month", timedelta(days=29, hours=23), timedelta(days=30, hours=1)),
    ],
)
async def test_top_lists_the_papers_of_the_period_and_no_older_ones(
    harness: Harness, period: str, within: timedelta, beyond: timedelta
) -> None:
    now = harness.clock()
    await harness.store.upsert_papers(
        [
            make_paper(id="2606.90001", upvotes=900, featured_on=None, published_at=now - within),
            make_paper(id="2606.90002", upvotes=950, featured_on=None, published_at=now - beyond),
        ],
        at=now,
    )

    reply = await harness.run(f"top {period}")

    assert reply.text == f"Most upvoted on Hugging Face in the last {period}."
    ids = [item.paper_id for item in reply.items]
    assert ids[0] == "2606.90001" and "2606.90002" not in ids
    assert (reply.items[0].rank, reply.items[0].note) == (1, "900 upvotes on Hugging Face")


async def test_top_lists_ten_papers_at_most(harness: Harness) -> None:
    await harness.store.upsert_papers(
        [make_paper(id=f"2606.9{n:04d}", upvotes=100 + n, featured_on=TODAY) for n in range(1, 12)],
        at=harness.clock(),
    )

    reply = await harness.run("top week")

    assert [item.rank for item in reply.items] == list(range(1, 11))
    assert reply.items[0].paper_id == "2606.90011"


async def test_top_of_a_period_without_papers_says_so(harness: Harness) -> None:
    harness.clock.now = harness.clock.now.replace(year=2027)

    reply = await harness.run("top day")

    assert (reply.kind, reply.text) == (ReplyKind.TEXT, "No papers stored from the last day yet.")


async def test_a_stored_paper_is_shown_under_its_title(harness: Harness) -> None:
    reply = await harness.run("paper 2606.00002")

    assert reply.text == "Paper 2606.00002"
    assert [(item.rank, item.paper_id) for item in reply.items] == [(1, "2606.00002")]
    assert (reply.items[0].note, reply.items[0].team_votes) == ("", 0)


async def test_subscribing_again_keeps_what_was_not_said_and_ends_a_pause(
    harness: Harness,
) -> None:
    await harness.run("subscribe 07:45 Europe/Berlin weekends")
    await harness.store.pause_channel(GENERAL, "the bot was removed", at=harness.clock())

    reply = await harness.run("subscribe")

    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None
    assert (settings.subscribed, settings.post_at, settings.timezone, settings.days) == (
        True,
        time(7, 45),
        "Europe/Berlin",
        frozenset({5, 6}),
    )
    assert (settings.paused_reason, settings.paused_at) == (None, None)
    assert reply.text == "Subscribed: weekends at 07:45 (Europe/Berlin)."


async def test_unsubscribing_says_the_settings_are_kept_and_rebuilds_the_jobs(
    harness: Harness,
) -> None:
    await harness.run("subscribe 07:00 UTC")

    reply = await harness.run("unsubscribe")

    assert reply.text == (
        "Unsubscribed. Your settings are kept; /papers subscribe brings the digest back."
    )
    assert harness.schedule_changes == [1, 1]


async def test_unsubscribing_a_channel_without_a_schedule_changes_nothing(
    harness: Harness,
) -> None:
    reply = await harness.run("unsubscribe")

    assert reply.text == "This channel has no scheduled digest."
    assert harness.schedule_changes == []


async def test_a_setting_other_than_the_recap_leaves_the_jobs_alone(harness: Harness) -> None:
    reply = await harness.run("set size 4")

    assert reply.text == "Digests here now show 4 papers."
    assert harness.schedule_changes == []


@pytest.mark.parametrize("rank", [1, 2, 5])
async def test_why_explains_the_paper_at_that_rank_of_todays_preview(
    harness: Harness, rank: int
) -> None:
    today = await harness.run("today")
    assert today.digest is not None

    reply = await harness.run(f"why {rank}")

    assert reply.lines == (today.digest.items[rank - 1].title,)


async def test_why_after_the_digest_was_posted_explains_the_posted_order(
    harness: Harness,
) -> None:
    await harness.run("digest now")
    posted = [message.item.paper_id for _, message in harness.adapter.posted[1:]]
    await harness.store.upsert_papers(
        [make_paper(id="2606.90001", title="A later hit", upvotes=999, featured_on=TODAY)],
        at=harness.clock(),
    )
    harness.composer.forget()

    reply = await harness.run("why 1")

    assert reply.lines == (f"Paper {posted[0]}",)


async def test_why_for_a_rank_beyond_the_digest_names_the_rank_and_what_to_use(
    harness: Harness,
) -> None:
    reply = await harness.run("why 6")

    assert reply.text == (
        "There is no paper 6 in today's digest; use a rank from /papers today or a paper id."
    )


async def test_why_counts_the_teams_votes_and_the_upvotes_of_the_last_day(
    harness: Harness,
) -> None:
    await harness.delivery.deliver(GENERAL, TODAY)
    first_item = harness.adapter.posted[1][1].item  # rank 1, posted as message m2
    assert first_item is not None
    await harness.service.record_vote(Vote(GENERAL, "m2", "U7", "fire"))
    harness.clock.now += timedelta(hours=1)
    climbed = make_paper(
        id=first_item.paper_id, title=first_item.title, upvotes=90, featured_on=TODAY
    )
    await harness.store.upsert_papers([climbed], at=harness.clock())

    reply = await harness.run(f"why {first_item.paper_id}")

    assert "team votes +2 from 1 person" in reply.text
    assert "+40 upvotes in the last 24 h" in reply.text


async def test_settings_of_a_channel_never_changed_show_the_defaults(harness: Harness) -> None:
    reply = await harness.run("settings")

    assert reply.kind is ReplyKind.SETTINGS
    assert reply.lines[0] == (
        "Schedule: none; /papers subscribe 09:00 Europe/Berlin weekdays starts one"
    )
    assert await harness.store.get_channel(GENERAL) is None


async def test_help_on_one_subcommand_shows_only_its_lines(harness: Harness) -> None:
    reply = await harness.run("help top")

    assert reply.kind is ReplyKind.HELP
    assert len(reply.lines) == 1 and reply.lines[0].startswith("/papers top")


async def test_why_for_a_paper_without_upvotes_names_no_upvotes_gained(harness: Harness) -> None:
    arxiv_only = make_paper(id="2606.90002", upvotes=None, featured_on=None)
    await harness.store.upsert_papers([arxiv_only], at=harness.clock())

    reply = await harness.run("why 2606.90002")

    assert reply.kind is ReplyKind.EXPLANATION
    assert "in the last 24 h" not in reply.text
    assert "no upvotes on Hugging Face yet" in reply.text
