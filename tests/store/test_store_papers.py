"""Papers: merging sources, snapshots and momentum, windows, search, top, fetch runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.models import ChannelRef, Paper, Vote, VoteTally
from bot.store import Store
from bot.store.tables import fetch_runs
from bot.store.values import CHUNK_SIZE
from tests.store.faults import row_count

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def paper(paper_id: str, **fields: object) -> Paper:
    """A paper with a title and whatever else the test cares about."""
    fields.setdefault("title", f"Paper {paper_id}")
    return Paper(id=paper_id, **fields)  # type: ignore[arg-type]


def hf_paper(paper_id: str, **fields: object) -> Paper:
    """A paper as the Hugging Face source reports it: featured, upvoted, no categories."""
    defaults: dict[str, object] = {
        "featured_on": TODAY,
        "upvotes": 10,
        "sources": ("hf",),
    }
    return paper(paper_id, **(defaults | fields))


async def test_a_paper_round_trips_every_field(store: Store) -> None:
    berlin = timezone(timedelta(hours=1))
    full = Paper(
        id="2603.00001",
        title="Attention Is Still All You Need",
        abstract="We revisit attention. It still works.",
        authors=("Ada Lovelace", "Zoë Çelik", "李雷"),
        published_at=datetime(2026, 3, 1, 18, 30, tzinfo=berlin),
        featured_on=date(2026, 3, 2),
        upvotes=42,
        comments=3,
        ai_summary="Attention works.",
        ai_keywords=("attention", "transformers"),
        github_repo="https://github.com/example/attn",
        github_stars=1200,
        project_page="https://example.org/attn",
        thumbnail="https://example.org/attn.png",
        organization="Example Lab",
        categories=("cs.LG", "cs.CL"),
        trending_rank=1,
        sources=("hf",),
    )

    assert await store.upsert_papers([full], at=NOW) == 1
    stored = await store.get_paper("2603.00001")

    assert stored == full
    assert stored is not None and stored.published_at is not None
    assert stored.published_at.tzinfo is not None
    assert stored.published_at.utcoffset() == timedelta(0)
    assert stored.published_at == datetime(2026, 3, 1, 17, 30, tzinfo=UTC)


async def test_unknown_paper_is_none(store: Store) -> None:
    assert await store.get_paper("0000.00000") is None
    assert await store.get_papers(["0000.00000"]) == {}


async def test_hf_then_arxiv_merges_into_one_paper(store: Store) -> None:
    await store.upsert_papers(
        [hf_paper("2603.00002", title="Draft title", upvotes=42, ai_summary="Short.")], at=NOW
    )
    arxiv = paper(
        "2603.00002",
        title="Final title",
        abstract="The abstract.",
        authors=("A. Author",),
        published_at=NOW - timedelta(days=1),
        categories=("cs.LG", "cs.AI"),
        sources=("arxiv",),
    )
    await store.upsert_papers([arxiv], at=NOW + timedelta(hours=1))

    merged = await store.get_paper("2603.00002")
    assert merged is not None
    assert merged.title == "Final title"
    assert merged.abstract == "The abstract."
    assert merged.upvotes == 42
    assert merged.ai_summary == "Short."
    assert merged.featured_on == TODAY
    assert merged.categories == ("cs.LG", "cs.AI")
    assert merged.sources == ("hf", "arxiv")


async def test_empty_incoming_fields_keep_stored_ones_and_lists_are_unioned(store: Store) -> None:
    await store.upsert_papers(
        [
            paper(
                "2603.00003",
                abstract="Kept.",
                authors=("Kept Author",),
                upvotes=7,
                github_repo="https://github.com/kept/repo",
                categories=("cs.CV",),
                sources=("arxiv",),
            )
        ],
        at=NOW,
    )
    await store.upsert_papers(
        [
            paper(
                "2603.00003",
                abstract="   ",
                authors=(),
                upvotes=0,
                github_repo=None,
                categories=("cs.LG", "cs.CV"),
                sources=("hf",),
            )
        ],
        at=NOW,
    )

    merged = await store.get_paper("2603.00003")
    assert merged is not None
    assert merged.abstract == "Kept."
    assert merged.authors == ("Kept Author",)
    assert merged.github_repo == "https://github.com/kept/repo"
    assert merged.upvotes == 0, "zero is a value, not an empty field"
    assert merged.categories == ("cs.CV", "cs.LG")
    assert merged.sources == ("arxiv", "hf")


async def test_a_repeated_id_in_one_batch_becomes_one_row(store: Store) -> None:
    written = await store.upsert_papers(
        [
            hf_paper("2603.00004", upvotes=5),
            paper("2603.00004", categories=("cs.LG",), sources=("arxiv",)),
        ],
        at=NOW,
    )

    assert written == 1
    merged = await store.get_paper("2603.00004")
    assert merged is not None
    assert (merged.upvotes, merged.sources) == (5, ("hf", "arxiv"))


async def test_batches_larger_than_a_chunk_are_all_written_and_merged(store: Store) -> None:
    ids = [f"2603.{n:05d}" for n in range(1, 1202)]
    assert await store.upsert_papers([hf_paper(i, upvotes=1) for i in ids], at=NOW) == 1201
    update = [paper(i, categories=("cs.LG",), upvotes=2) for i in ids[::2]]
    assert await store.upsert_papers(update, at=NOW + timedelta(hours=1)) == 601

    stored = await store.get_papers([*ids, "9999.99999"])
    assert set(stored) == set(ids)
    assert stored[ids[0]].upvotes == 2 and stored[ids[0]].categories == ("cs.LG",)
    assert stored[ids[1]].upvotes == 1 and stored[ids[1]].categories == ()
    assert stored[ids[-1]].sources == ("hf",)


async def test_the_log_line_counts_the_papers_and_snapshots_of_every_chunk(store: Store) -> None:
    papers = [hf_paper(f"2603.{n:05d}", upvotes=1) for n in range(CHUNK_SIZE + 1)]

    with structlog.testing.capture_logs() as logs:
        await store.upsert_papers(papers, at=NOW)

    [line] = [log for log in logs if log["event"] == "papers_upserted"]
    assert (line["papers"], line["snapshots"]) == (CHUNK_SIZE + 1, CHUNK_SIZE + 1)


async def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.upsert_papers([paper("2603.00005")], at=datetime(2026, 3, 2, 12))


# snapshots and momentum ---------------------------------------------------------------


async def _upvotes(store: Store, paper_id: str, history: dict[timedelta, int | None]) -> None:
    for offset, upvotes in history.items():
        await store.upsert_papers([hf_paper(paper_id, upvotes=upvotes)], at=NOW + offset)


async def test_momentum_is_the_gain_since_the_snapshot_before_the_window(store: Store) -> None:
    hours = timedelta(hours=1)
    await _upvotes(store, "2603.00010", {-30 * hours: 10, -20 * hours: 15, -1 * hours: 40})
    await _upvotes(store, "2603.00011", {-10 * hours: 5, -2 * hours: 25})
    await _upvotes(store, "2603.00012", {-3 * hours: 8})
    await _upvotes(store, "2603.00013", {-24 * hours: 3, -23 * hours: 4, 0 * hours: 9})
    await store.upsert_papers([paper("2603.00014")], at=NOW)

    gains = await store.momentum(
        ["2603.00010", "2603.00011", "2603.00012", "2603.00013", "2603.00014", "none"], now=NOW
    )

    assert gains == {
        "2603.00010": 30,  # 40 now, 10 at -30h (the latest at or before -24h)
        "2603.00011": 20,  # nothing older than the window: from its earliest, 5
        "2603.00012": 0,  # a single snapshot
        "2603.00013": 6,  # a snapshot exactly at the cutoff is "at or before"
    }


async def test_momentum_ignores_snapshots_after_now_and_honours_the_window(store: Store) -> None:
    hours = timedelta(hours=1)
    await _upvotes(store, "2603.00020", {-8 * hours: 10, -4 * hours: 20, 2 * hours: 99})

    assert await store.momentum(["2603.00020"], now=NOW) == {"2603.00020": 10}
    short = await store.momentum(["2603.00020"], now=NOW, window=timedelta(hours=6))
    assert short == {"2603.00020": 10}
    shorter = await store.momentum(["2603.00020"], now=NOW, window=timedelta(hours=3))
    assert shorter == {"2603.00020": 0}


async def test_papers_without_upvotes_take_no_snapshot(store: Store) -> None:
    await _upvotes(store, "2603.00030", {-timedelta(hours=5): None, timedelta(0): None})

    assert await store.momentum(["2603.00030"], now=NOW) == {}


async def test_a_later_upvote_free_fetch_keeps_the_upvote_history(store: Store) -> None:
    await _upvotes(store, "2603.00031", {-timedelta(hours=5): 4})
    await _upvotes(store, "2603.00031", {timedelta(0): None})
    await _upvotes(store, "2603.00031", {timedelta(0): 9})

    assert await store.momentum(["2603.00031"], now=NOW) == {"2603.00031": 5}


async def test_an_unchanged_paper_takes_no_new_snapshot(store: Store, database_url: str) -> None:
    minutes = timedelta(minutes=30)
    for step in range(6):  # three hours of refreshes, nothing changes
        at = NOW - 6 * minutes + step * minutes
        await store.upsert_papers([hf_paper("2603.00040", upvotes=10, github_stars=5)], at=at)
    assert await row_count(database_url, "upvote_snapshots") == 1

    await store.upsert_papers([hf_paper("2603.00040", upvotes=10, github_stars=6)], at=NOW)
    assert await row_count(database_url, "upvote_snapshots") == 2  # stars changed

    later = NOW + minutes
    await store.upsert_papers([hf_paper("2603.00040", upvotes=12, github_stars=6)], at=later)
    await store.upsert_papers([hf_paper("2603.00040", upvotes=12, github_stars=6)], at=later)
    assert await row_count(database_url, "upvote_snapshots") == 3  # upvotes changed, once
    assert await store.momentum(["2603.00040"], now=later) == {"2603.00040": 2}


async def test_momentum_reads_snapshots_in_time_order_whatever_order_they_came_in(
    store: Store,
) -> None:
    hours = timedelta(hours=1)
    await store.upsert_papers([hf_paper("2603.00043", upvotes=30)], at=NOW)
    await store.upsert_papers([hf_paper("2603.00043", upvotes=10)], at=NOW - 10 * hours)
    await store.upsert_papers([hf_paper("2603.00043", upvotes=20)], at=NOW - 5 * hours)

    assert await store.momentum(["2603.00043"], now=NOW) == {"2603.00043": 20}


async def test_each_paper_is_compared_with_its_own_latest_snapshot(
    store: Store, database_url: str
) -> None:
    await store.upsert_papers([hf_paper("older", upvotes=3)], at=NOW - timedelta(hours=2))
    await store.upsert_papers([hf_paper("newer", upvotes=4)], at=NOW - timedelta(hours=1))

    await store.upsert_papers([hf_paper("older", upvotes=3), hf_paper("newer", upvotes=4)], at=NOW)

    assert await row_count(database_url, "upvote_snapshots") == 2


async def test_the_same_upvotes_again_at_the_same_moment_take_no_snapshot(store: Store) -> None:
    await store.upsert_papers([hf_paper("2603.00041", upvotes=10)], at=NOW)

    with structlog.testing.capture_logs() as logs:
        await store.upsert_papers([hf_paper("2603.00041", upvotes=10)], at=NOW)

    [line] = [log for log in logs if log["event"] == "papers_upserted"]
    assert (line["papers"], line["snapshots"]) == (1, 0)


async def test_momentum_spans_a_stretch_without_snapshots(store: Store) -> None:
    hours = timedelta(hours=1)
    at = NOW - 48 * hours
    while at < NOW - hours:  # a refresh every 30 minutes for two days, 10 upvotes throughout
        await store.upsert_papers([hf_paper("2603.00041", upvotes=10)], at=at)
        at += hours / 2
    await store.upsert_papers([hf_paper("2603.00041", upvotes=25)], at=NOW - hours)

    assert await store.momentum(["2603.00041"], now=NOW) == {"2603.00041": 15}
    assert await store.momentum(["2603.00041"], now=NOW - 2 * hours) == {"2603.00041": 0}


async def test_a_snapshot_is_compared_with_the_one_before_its_moment(store: Store) -> None:
    hours = timedelta(hours=1)
    await store.upsert_papers([hf_paper("2603.00042", upvotes=20)], at=NOW)
    await store.upsert_papers([hf_paper("2603.00042", upvotes=20)], at=NOW - 30 * hours)
    await store.upsert_papers([hf_paper("2603.00042", upvotes=20)], at=NOW - 10 * hours)

    assert await store.momentum(["2603.00042"], now=NOW) == {"2603.00042": 0}
    assert await store.momentum(["2603.00042"], now=NOW - 20 * hours) == {"2603.00042": 0}


# windows, search, top -------------------------------------------------------------------


async def test_recent_papers_by_featured_day_else_published_time(store: Store) -> None:
    since = NOW - timedelta(days=1)
    await store.upsert_papers(
        [
            hf_paper("featured-since", featured_on=since.date(), upvotes=1),
            hf_paper("featured-before", featured_on=since.date() - timedelta(days=1)),
            paper("published-since", published_at=since + timedelta(minutes=1), upvotes=5),
            paper("published-at-since", published_at=since, upvotes=3),
            paper("published-before", published_at=since - timedelta(minutes=1)),
            hf_paper(
                "featured-old-published-new",
                featured_on=since.date() - timedelta(days=3),
                published_at=NOW,
            ),
        ],
        at=NOW,
    )

    recent = await store.recent_papers(since)

    assert [p.id for p in recent] == ["published-since", "published-at-since", "featured-since"]
    limited = await store.recent_papers(since, limit=1)
    assert [p.id for p in limited] == ["published-since"]


async def test_top_papers_add_the_team_votes_of_that_workspace(store: Store) -> None:
    await store.upsert_papers(
        [
            hf_paper("popular", upvotes=10),
            hf_paper("team-pick", upvotes=9),
            hf_paper("old", upvotes=500, featured_on=TODAY - timedelta(days=30)),
        ],
        at=NOW,
    )
    team = ChannelRef("slack", "T1", "C1")
    elsewhere = ChannelRef("slack", "T2", "C9")
    for user in ("U1", "U2"):
        await store.add_vote(Vote(team, "m1", user, "fire"), paper_id="team-pick", weight=2, at=NOW)
    await store.add_vote(Vote(elsewhere, "m2", "U3", "+1"), paper_id="popular", weight=2, at=NOW)

    since = NOW - timedelta(days=7)
    top = await store.top_papers(since, platform="slack", workspace="T1", limit=5)
    assert [(e.paper.id, e.team_votes) for e in top] == [("team-pick", 4), ("popular", 0)]

    no_team = await store.top_papers(since, platform=None, workspace=None, limit=1)
    assert [(e.paper.id, e.team_votes) for e in no_team] == [("popular", 0)]


async def test_top_papers_rank_by_upvotes_plus_team_votes_then_by_upvotes(store: Store) -> None:
    await store.upsert_papers(
        [
            hf_paper("big", upvotes=100),
            hf_paper("voted-up", upvotes=9),
            paper("arxiv-voted", featured_on=TODAY),
            hf_paper("a-tie", upvotes=1),
            hf_paper("three", upvotes=3),
            paper("arxiv-tie", featured_on=TODAY),
            hf_paper("two", upvotes=2),
        ],
        at=NOW,
    )
    team = ChannelRef("slack", "T1", "C1")
    votes = [("voted-up", "U1"), ("voted-up", "U2"), ("arxiv-voted", "U1"), ("arxiv-voted", "U2")]
    for paper_id, user in [*votes, ("a-tie", "U1"), ("arxiv-tie", "U1")]:
        vote = Vote(team, f"m-{paper_id}", user, "fire")
        await store.add_vote(vote, paper_id=paper_id, weight=2, at=NOW)

    top = await store.top_papers(NOW - timedelta(days=7), platform="slack", workspace="T1", limit=9)

    assert [(e.paper.id, e.team_votes) for e in top] == [
        ("big", 0),
        ("voted-up", 4),
        ("arxiv-voted", 4),
        ("three", 0),
        ("a-tie", 2),
        ("two", 0),
        ("arxiv-tie", 2),
    ]


async def test_featured_between_takes_both_days_and_puts_the_most_upvoted_first(
    store: Store,
) -> None:
    first, last = TODAY - timedelta(days=6), TODAY
    await store.upsert_papers(
        [
            hf_paper("day-before", featured_on=first - timedelta(days=1), upvotes=90),
            hf_paper("first-day", featured_on=first, upvotes=5),
            hf_paper("last-day", featured_on=last, upvotes=7),
            hf_paper("no-upvotes", featured_on=last, upvotes=None),
            hf_paper("also-five", featured_on=first, upvotes=5),
            hf_paper("day-after", featured_on=last + timedelta(days=1), upvotes=90),
            paper("never-featured", published_at=NOW, upvotes=90),
        ],
        at=NOW,
    )

    week = await store.featured_between(first, last)

    assert [p.id for p in week] == ["last-day", "also-five", "first-day", "no-upvotes"]
    assert week[0] == await store.get_paper("last-day")


async def test_team_favourites_are_the_net_positive_picks_of_that_workspace_since_then(
    store: Store,
) -> None:
    ids = ["top", "two-voters", "one-strong", "alpha-strong", "one-vote", "strong-pair"]
    ids += ["disliked", "even", "old", "away"]
    await store.upsert_papers([hf_paper(paper_id) for paper_id in ids], at=NOW)
    team = ChannelRef("slack", "T1", "C1")
    elsewhere = ChannelRef("slack", "T2", "C9")
    since = NOW - timedelta(days=7)
    votes = [
        (team, "strong-pair", "U1", 2, NOW),
        (team, "strong-pair", "U2", 2, NOW),
        (team, "one-vote", "U4", 1, NOW),
        (team, "top", "U1", 1, NOW),
        (team, "top", "U2", 1, NOW),
        (team, "top", "U3", 1, NOW),
        (team, "two-voters", "U1", 1, NOW),
        (team, "two-voters", "U2", 1, NOW),
        (team, "one-strong", "U1", 2, NOW),
        (team, "alpha-strong", "U3", 2, NOW),
        (team, "disliked", "U1", -1, NOW),
        (team, "even", "U1", 1, NOW),
        (team, "even", "U2", -1, NOW),
        (team, "old", "U1", 2, since - timedelta(minutes=1)),
        (elsewhere, "away", "U1", 2, NOW),
    ]
    for channel, paper_id, user, weight, at in votes:
        vote = Vote(channel, f"m-{paper_id}", user, "fire")
        await store.add_vote(vote, paper_id=paper_id, weight=weight, at=at)

    favourites = await store.team_favourites(since, platform="slack", workspace="T1", limit=10)

    assert [(p.id, tally) for p, tally in favourites] == [
        ("strong-pair", VoteTally("strong-pair", 4, 2)),
        ("top", VoteTally("top", 3, 3)),
        ("two-voters", VoteTally("two-voters", 2, 2)),
        ("alpha-strong", VoteTally("alpha-strong", 2, 1)),
        ("one-strong", VoteTally("one-strong", 2, 1)),
        ("one-vote", VoteTally("one-vote", 1, 1)),
    ]
    assert favourites[0][0] == await store.get_paper("strong-pair")
    first_three = await store.team_favourites(since, platform="slack", workspace="T1", limit=3)
    assert [p.id for p, _ in first_three] == ["strong-pair", "top", "two-voters"]


# fetch runs -----------------------------------------------------------------------------


async def test_last_successful_fetch_skips_failures(store: Store) -> None:
    assert await store.last_successful_fetch() is None

    counts = {"fetched": 3, "stored": 3, "skipped": 0}
    await store.record_fetch("hf", at=NOW - timedelta(hours=2), ok=True, error=None, **counts)
    await store.record_fetch("arxiv", at=NOW - timedelta(hours=1), ok=True, error=None, **counts)
    await store.record_fetch("hf", at=NOW, ok=False, error="HTTP 500", **counts)

    assert await store.last_successful_fetch() == NOW - timedelta(hours=1)


async def test_a_fetch_run_is_kept_with_its_counts_and_error(
    store: Store, database_url: str
) -> None:
    await store.record_fetch(
        "arxiv", at=NOW, ok=False, fetched=7, stored=5, skipped=2, error="HTTP 500"
    )

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            [run] = (await connection.execute(select(fetch_runs))).all()
    finally:
        await engine.dispose()
    assert (run.source, run.at, run.ok) == ("arxiv", NOW, False)
    assert (run.fetched, run.stored, run.skipped, run.error) == (7, 5, 2, "HTTP 500")
