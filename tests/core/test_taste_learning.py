"""Votes teach the ranking, through the real core on a real store: a team that votes for
diffusion papers on day 1 gets diffusion papers first on day 2, though Hugging Face's
upvotes say otherwise; another workspace is untouched; a restart keeps what was learned."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog

from bot.composer import DigestComposer
from bot.metrics import Metrics
from bot.models import ChannelRef, ChannelSettings, FetchReport, Paper, ReplyKind, Vote
from bot.ranking.learner import POOL_READ, TasteLearner
from bot.refresh import Refresher
from bot.store import open_store
from tests.core.conftest import GENERAL, NOW, TODAY, Harness
from tests.fakes import eventually
from tests.fakes.papers import make_paper

ELSEWHERE = ChannelRef("console", "other-team", "general")
SUBJECTS = {
    "diffusion": "diffusion denoising image generation sampler score matching",
    "agents": "agent tool use planning web browsing benchmark",
    "speech": "speech recognition audio waveform speaker acoustic",
}


def paper(subject: str, n: int, upvotes: int, day_offset: int) -> Paper:
    """A paper about `subject`, featured `day_offset` days after the harness's today."""
    words = SUBJECTS[subject]
    return make_paper(
        id=f"2606.{subject[:2]}{day_offset}{n:02d}",
        title=f"{subject.title()} paper {day_offset}-{n}",
        abstract=f"This paper is about {words}. Study {n} extends {words.split()[n % 4]}.",
        ai_keywords=(subject,),
        authors=(f"Someone {subject} {n}",),
        organization=None,
        categories=(),
        upvotes=upvotes,
        github_stars=None,
        featured_on=TODAY + timedelta(days=day_offset),
    )


DAY_ONE = [
    paper("diffusion", 1, 900, 0),
    paper("agents", 1, 800, 0),
    paper("diffusion", 2, 700, 0),
    paper("speech", 1, 600, 0),
    paper("agents", 2, 550, 0),
]
DAY_TWO = [
    paper("agents", 3, 300, 1),
    paper("speech", 3, 280, 1),
    paper("agents", 4, 260, 1),
    paper("speech", 4, 240, 1),
    paper("agents", 5, 220, 1),
    paper("diffusion", 3, 20, 1),
    paper("diffusion", 4, 15, 1),
]


async def vote_for_diffusion(harness: Harness) -> None:
    """Post day 1's digest; three people 👍 its diffusion papers and 👎 one about agents."""
    await harness.store.upsert_papers(DAY_ONE, at=NOW)
    await harness.run("digest now")
    for number, (_, message) in enumerate(harness.adapter.posted, start=1):
        if message.item is None:
            continue
        subject = message.item.paper_id[5:7]
        for user in ("U1", "U2", "U3"):
            if subject == "di":
                await harness.service.record_vote(Vote(GENERAL, f"m{number}", user, "+1"))
            elif message.item.paper_id == DAY_ONE[1].id:
                await harness.service.record_vote(Vote(GENERAL, f"m{number}", user, "-1"))


async def next_day(harness: Harness) -> None:
    """Move to day 2 and store its papers."""
    harness.clock.now = NOW + timedelta(days=1)
    await harness.store.upsert_papers(DAY_TWO, at=harness.clock.now)


async def picks(harness: Harness, channel: ChannelRef = GENERAL) -> list[str]:
    """The paper ids of the channel's digest as previewed now."""
    reply = await harness.run("today", channel=channel)
    assert reply.digest is not None
    return [item.paper_id for item in reply.digest.items]


async def test_a_teams_votes_lift_what_it_liked_above_the_upvote_order(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await next_day(harness)

    chosen = await picks(harness)

    assert chosen[0] == DAY_TWO[5].id  # 20 upvotes against 300 for the first by upvotes
    assert DAY_TWO[6].id in chosen  # 15 upvotes: the last of the day's papers by upvotes
    assert len(chosen) == 5


async def test_another_workspace_keeps_the_worlds_order(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await next_day(harness)

    chosen = await picks(harness, ELSEWHERE)

    assert chosen == [p.id for p in DAY_ONE]


async def test_what_was_learned_survives_a_restart(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await next_day(harness)
    before = await picks(harness)

    restarted = DigestComposer(harness.store)
    digest = await restarted.compose(ChannelSettings(GENERAL), now=harness.clock.now, fresh=True)

    assert [item.paper_id for item in digest.items] == before


async def test_a_start_rebuilds_the_models_from_the_stored_votes_before_they_are_needed(
    harness: Harness,
) -> None:
    await vote_for_diffusion(harness)
    await next_day(harness)
    before = await picks(harness)
    restarted = TasteLearner(harness.store, half_life_days=60, clock=harness.clock)

    with structlog.testing.capture_logs() as warming:
        await restarted.warm_up([GENERAL])
    with structlog.testing.capture_logs() as composing:
        digest = await DigestComposer(harness.store, restarted).compose(
            ChannelSettings(GENERAL), now=harness.clock.now, fresh=True
        )

    assert [entry["event"] for entry in warming] == ["taste_vocabulary_fitted", "taste_fitted"]
    assert not [entry for entry in composing if entry["event"].startswith("taste_")]
    assert [item.paper_id for item in digest.items] == before


async def test_why_names_the_liked_paper_and_the_numbers_add_up(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await next_day(harness)
    await picks(harness)

    reply = await harness.run("why 1")

    assert "your team liked 'Diffusion paper 0-" in reply.text
    total = float(reply.text.rsplit("Score ", 1)[1].split(",", 1)[0])
    parts = [float(part.split(")")[0]) for part in reply.text.split("(")[1:]]
    assert round(sum(parts), 1) == total


async def test_taste_shows_what_was_learned(harness: Harness) -> None:
    before = await harness.run("taste")
    await vote_for_diffusion(harness)

    after = await harness.run("taste")

    assert before.text.startswith("Nothing learned here yet")
    assert after.lines[0].startswith("Learned from 9 votes")
    assert any("diffusion" in line for line in after.lines if line.startswith("Words that lift"))


async def test_taste_still_answers_after_a_month_without_new_papers(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    harness.clock.now = NOW + timedelta(days=60)

    taste = await harness.run("taste")

    assert taste.kind is ReplyKind.SETTINGS
    assert taste.lines[0].startswith("Learned from")


async def test_the_first_fetch_of_a_new_day_fits_the_models_ahead_of_the_digests(
    harness: Harness,
) -> None:
    await vote_for_diffusion(harness)
    await picks(harness)
    refresher = Refresher(
        harness.store, [], metrics=Metrics(), clock=harness.clock, on_stored=harness.composer.forget
    )
    harness.clock.now = NOW + timedelta(days=1)

    with structlog.testing.capture_logs() as logs:
        await refresher.store_report("hf", FetchReport(papers=tuple(DAY_TWO)))
        await eventually(lambda: any(entry["event"] == "taste_fitted" for entry in logs))

    events = [entry["event"] for entry in logs]
    assert events.index("taste_vocabulary_fitted") < events.index("taste_fitted")


async def test_a_new_day_without_votes_refits_the_model(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await picks(harness)
    harness.clock.now = NOW + timedelta(days=1)

    with structlog.testing.capture_logs() as logs:
        await picks(harness)

    assert [entry["event"] for entry in logs].count("taste_fitted") == 1


def started(start: Callable[[], None]) -> set[asyncio.Task[Any]]:
    """Call `start` and return the tasks it started on the loop (a learner's fits and
    refits, run in the background)."""
    before = asyncio.all_tasks()
    start()
    return asyncio.all_tasks() - before


async def finished(start: Callable[[], None]) -> None:
    """Call `start` and wait for the background work it started."""
    await asyncio.gather(*started(start))


async def test_a_new_days_first_fetch_fits_every_known_model_once(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=600, clock=harness.clock
    )
    await learner.view(GENERAL, [], now=NOW, fresh=True)
    harness.clock.now = NOW + timedelta(days=1)

    with structlog.testing.capture_logs() as fetched:
        await finished(learner.papers_stored)
    with structlog.testing.capture_logs() as again:
        await finished(learner.papers_stored)  # a second fetch the same day
        await learner.view(GENERAL, [], now=harness.clock.now, fresh=True)

    assert [entry["event"] for entry in fetched] == ["taste_vocabulary_fitted", "taste_fitted"]
    assert fetched[0]["papers"] == 10  # the harness's five and day 1's five
    assert fetched[0]["words"] > 0
    assert fetched[1]["channel"] == GENERAL.key
    assert fetched[1]["votes"] == 8.9  # 9 votes a day old, at a 60-day half-life
    assert fetched[1]["examples"] > 9
    assert again == []
    await learner.close()


async def test_after_a_warm_up_and_a_new_days_fetch_a_vote_is_learned(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=0.01, clock=harness.clock
    )
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    await learner.warm_up([GENERAL])
    harness.clock.now = NOW + timedelta(days=1)
    await finished(learner.papers_stored)

    with structlog.testing.capture_logs() as logs:
        learner.votes_changed(GENERAL.platform, GENERAL.workspace)
        await eventually(lambda: any(entry["event"] == "taste_fitted" for entry in logs))

    await learner.close()


async def test_close_ends_the_refits_waiting_to_run(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=600, clock=harness.clock
    )
    await learner.view(GENERAL, [], now=NOW, fresh=True)
    refits = started(lambda: learner.votes_changed(GENERAL.platform, GENERAL.workspace))
    assert refits and not any(task.done() for task in refits)

    await learner.close()

    assert all(task.cancelled() for task in refits)


async def test_work_ahead_of_time_on_an_unreadable_database_is_one_log_line(
    tmp_path: Path,
) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{tmp_path / 'never-migrated.db'}")
    learner = TasteLearner(store, half_life_days=60, clock=lambda: NOW)
    try:
        with structlog.testing.capture_logs() as warming:
            await learner.warm_up([GENERAL])
        with structlog.testing.capture_logs() as fetching:
            await finished(learner.papers_stored)
    finally:
        await learner.close()
        await store.close()

    for logs, event in ((warming, "taste_warm_up_failed"), (fetching, "taste_new_day_failed")):
        assert [(entry["event"], entry["log_level"]) for entry in logs] == [(event, "warning")]
        assert logs[0]["error"].startswith("StoreUnavailable: ")


async def test_the_days_vocabulary_is_fitted_on_the_most_upvoted_recent_papers(
    harness: Harness,
) -> None:
    many = [
        make_paper(id=f"2606.{n:05d}", upvotes=n, featured_on=TODAY)
        for n in range(10, POOL_READ + 10)
    ]
    await harness.store.upsert_papers(many, at=NOW)
    learner = TasteLearner(harness.store, half_life_days=60, clock=harness.clock)

    with structlog.testing.capture_logs() as logs:
        await learner.warm_up([])

    assert [(entry["event"], entry["papers"]) for entry in logs] == [
        ("taste_vocabulary_fitted", POOL_READ)
    ]


async def test_a_command_answers_at_once_with_the_model_it_has(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(
        harness.store,
        half_life_days=60,
        refit_delay_seconds=600,
        command_wait_seconds=0,
        clock=harness.clock,
    )
    try:
        first = await learner.view(GENERAL, [], now=NOW, fresh=False)  # nothing yet: it waits
        learner.votes_changed(GENERAL.platform, GENERAL.workspace)
        answered = await learner.view(GENERAL, [], now=NOW, fresh=False)
        posted = await learner.view(GENERAL, [], now=NOW, fresh=True)
    finally:
        await learner.close()

    assert first is not None and answered is not None and posted is not None
    assert answered.model is first.model
    assert posted.model is not first.model


async def test_votes_after_a_preview_are_learned_in_the_background(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=0.01, clock=harness.clock
    )
    await learner.view(GENERAL, [], now=NOW, fresh=True)

    with structlog.testing.capture_logs() as logs:
        learner.votes_changed(GENERAL.platform, GENERAL.workspace)
        await eventually(lambda: any(entry["event"] == "taste_fitted" for entry in logs))

    await learner.close()


async def test_each_burst_of_votes_is_learned_once(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=600, clock=harness.clock
    )
    try:
        await learner.view(GENERAL, [], now=NOW, fresh=True)
        with structlog.testing.capture_logs() as bursts:
            for _ in range(2):
                refits = started(lambda: learner.votes_changed(GENERAL.platform, "local"))
                await learner.view(GENERAL, [], now=NOW, fresh=True)  # a digest learns them
                await learner.view(GENERAL, [], now=NOW, fresh=True)  # and the next one too
                for refit in refits:
                    refit.cancel()
    finally:
        await learner.close()

    assert [entry["event"] for entry in bursts] == ["taste_fitted", "taste_fitted"]


async def test_a_debounced_refit_finds_the_votes_learned_and_does_nothing(
    harness: Harness,
) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(
        harness.store, half_life_days=60, refit_delay_seconds=0.05, clock=harness.clock
    )
    try:
        await learner.view(GENERAL, [], now=NOW, fresh=True)
        refits = started(lambda: learner.votes_changed(GENERAL.platform, GENERAL.workspace))
        await learner.view(GENERAL, [], now=NOW, fresh=True)  # a digest learns them first
        with structlog.testing.capture_logs() as later:
            await asyncio.gather(*refits)
        # A later burst is still learned in the background.
        with structlog.testing.capture_logs() as second:
            await finished(lambda: learner.votes_changed(GENERAL.platform, GENERAL.workspace))
    finally:
        await learner.close()

    assert later == []
    assert [entry["event"] for entry in second] == ["taste_fitted"]


async def test_two_digests_at_once_share_one_fit(harness: Harness) -> None:
    await vote_for_diffusion(harness)
    await harness.composer.learner.close()  # its refits after the votes are not watched here
    learner = TasteLearner(harness.store, half_life_days=60, clock=harness.clock)
    try:
        with structlog.testing.capture_logs() as logs:
            first, second = await asyncio.gather(
                learner.view(GENERAL, [], now=NOW, fresh=True),
                learner.view(GENERAL, [], now=NOW, fresh=True),
            )
    finally:
        await learner.close()

    assert first is not None and second is not None and first.model is second.model
    assert [entry["event"] for entry in logs] == ["taste_vocabulary_fitted", "taste_fitted"]


async def test_taste_before_any_vote_says_how_the_ranking_learns(harness: Harness) -> None:
    reply = await harness.run("taste")

    assert (reply.kind, reply.text) == (
        ReplyKind.TEXT,
        "Nothing learned here yet: react 👍 🔥 👎 on the papers of a digest, and the ranking "
        "learns what your team likes.",
    )


async def test_taste_after_votes_is_titled_as_what_the_ranking_learned(harness: Harness) -> None:
    await vote_for_diffusion(harness)

    reply = await harness.run("taste")

    assert (reply.kind, reply.text) == (
        ReplyKind.SETTINGS,
        "What the ranking learned from your team's votes",
    )
