"""The `papers-bot` command line as other tools use it: JSON shapes, exit codes, one sentence."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

import pytest

from bot.models import ChannelRef, Vote
from bot.store import open_store
from tests.databases import no_database_part
from tests.e2e.conftest import REPO, BotEnv, featured_on, free_port
from tests.fakes import fixture_path
from tests.fakes.discord import bot_token
from tests.fakes.upstream import FakeUpstream, load_hf_fixture

TODAY = datetime.now(UTC).date()


async def test_fetch_reads_a_day_from_hugging_face_and_reports_json(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    upstream.daily[TODAY.isoformat()] = featured_on(TODAY)

    result = await bot_env.run("fetch", "--date", TODAY.isoformat(), "--source", "hf", "--json")

    assert result.code == 0, result.stderr
    assert json.loads(result.stdout) == {"fetched": 30, "stored": 30, "skipped": 0, "errors": []}
    assert upstream.requests_to("/api/daily_papers")[0].query["date"] == TODAY.isoformat()


async def test_digest_search_and_top_print_their_contract(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    upstream.daily[TODAY.isoformat()] = featured_on(TODAY)
    await bot_env.run("fetch", "--date", TODAY.isoformat(), "--source", "hf", "--json")

    digest = json.loads(
        (
            await bot_env.run("digest", "--channel", "console:local:lab", "--dry-run", "--json")
        ).stdout
    )
    search = json.loads((await bot_env.run("search", "diffusion", "--limit", "3", "--json")).stdout)
    top = json.loads((await bot_env.run("top", "--period", "week", "--json")).stdout)

    assert digest["channel"] == "console:local:lab"
    assert [item["rank"] for item in digest["items"]] == [1, 2, 3, 4, 5]
    assert set(digest["items"][0]) == {"rank", "paper_id", "title", "score", "explanation"}
    assert "upvotes" in digest["items"][0]["explanation"]
    assert search["query"] == "diffusion" and 0 < len(search["results"]) <= 3
    assert set(search["results"][0]) == {"paper_id", "title", "score", "snippet"}
    scores = [result["score"] for result in search["results"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert "diffusion" in (search["results"][0]["title"] + search["results"][0]["snippet"]).lower()
    assert (search["corrected"], search["problems"]) == (None, [])
    assert top["period"] == "week"
    upvotes = [item["upvotes"] for item in top["items"]]
    assert upvotes == sorted(upvotes, reverse=True)


async def test_a_second_digest_says_when_the_first_went_out_and_exits_1(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    upstream.daily[TODAY.isoformat()] = featured_on(TODAY)
    await bot_env.run("fetch", "--date", TODAY.isoformat(), "--source", "hf", "--json")
    before = datetime.now(UTC)

    first = await bot_env.run("digest", "--channel", "console:local:lab")
    after = datetime.now(UTC)
    second = await bot_env.run("digest", "--channel", "console:local:lab")

    assert first.code == 0, first.stderr
    assert "📰 Papers for" in first.stderr
    minutes = {f"{before:%H:%M}", f"{after:%H:%M}"}
    assert second.code == 1
    assert second.stderr.strip() in {
        f"papers-bot: Today's digest for console:local:lab was already posted at {minute}; "
        "it never posts twice."
        for minute in minutes
    }


async def test_a_dry_run_on_a_past_date_composes_that_days_digest(bot_env: BotEnv) -> None:
    """Papers featured on 12 June and on 31 July 2026, imported from recorded answers."""
    for day in ("2026-06-13", "2026-08-02"):
        path = fixture_path(f"hf_daily_papers_limit30_{day}.json")
        assert (await bot_env.run("fetch", "--from-file", str(path), "--json")).code == 0
    june = {
        entry["paper"]["id"] for entry in load_hf_fixture("hf_daily_papers_limit30_2026-06-13.json")
    }

    on_june_12 = await bot_env.run(
        "digest", "--channel", "console:local:lab", "--dry-run", "--date", "2026-06-12", "--json"
    )
    today = await bot_env.run("digest", "--channel", "console:local:lab", "--dry-run", "--json")

    assert on_june_12.code == 0, on_june_12.stderr
    digest = json.loads(on_june_12.stdout)
    assert digest["date"] == "2026-06-12"
    assert len(digest["items"]) == 5
    assert {item["paper_id"] for item in digest["items"]} <= june
    assert json.loads(today.stdout)["items"] == []


async def test_fetch_from_a_saved_file(bot_env: BotEnv) -> None:
    path = fixture_path("hf_daily_papers_limit30_2026-08-02.json")

    result = await bot_env.run("fetch", "--from-file", str(path), "--json")

    assert json.loads(result.stdout)["stored"] == 30


@pytest.mark.parametrize("content", ['{"papers": []}', "[1, 2]", '"2606.13392"'])
@no_database_part
async def test_a_json_file_that_is_not_a_daily_papers_answer_gets_a_hint(
    bot_env: BotEnv, content: str
) -> None:
    saved = bot_env.workdir / "saved.json"
    saved.write_text(content, encoding="utf-8")

    result = await bot_env.run("fetch", "--from-file", str(saved))

    assert result.code == 1
    assert result.stderr.strip().splitlines() == [
        f"papers-bot: {saved} is not a saved Hugging Face daily_papers answer: expected a JSON "
        'list of entries like {"paper": {"id": "2606.13392", "title": "..."}}, as '
        f"{bot_env.env['PAPERS_HF_BASE_URL']}/api/daily_papers?date=YYYY-MM-DD answers."
    ]


async def test_top_with_nothing_in_the_period_says_so(bot_env: BotEnv) -> None:
    result = await bot_env.run("top", "--period", "day")

    assert (result.code, result.stdout) == (0, "No papers stored from the last day yet.\n")


async def test_top_says_whose_team_votes_it_shows_and_prints_titles_as_sent(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    entries = featured_on(TODAY)
    entries[0]["paper"].update(title="Cheap :fire: [bold]tricks[/bold]", upvotes=500)
    upstream.daily[TODAY.isoformat()] = entries
    await bot_env.run("fetch", "--date", TODAY.isoformat(), "--source", "hf")
    paper_id = entries[0]["paper"]["id"]
    store = await open_store(bot_env.database_url)
    vote = Vote(ChannelRef("slack", "T1", "C1"), "m1", "U1", "fire")
    await store.apply_vote(vote, paper_id=paper_id, weight=2, at=datetime.now(UTC))
    await store.close()

    anyone = (await bot_env.run("top")).stdout.splitlines()
    team = (await bot_env.run("top", "--channel", "slack:T1:C1")).stdout.splitlines()

    assert anyone[0] == (
        "Most upvoted on Hugging Face in the last week; no team's votes are counted without "
        "--channel (e.g. --channel slack:T0123:C0456)."
    )
    assert not any("team" in row for row in anyone[1:])
    assert team[0] == (
        "Most upvoted on Hugging Face in the last week, with the votes of the slack workspace T1."
    )
    [voted] = [row for row in team if "Cheap" in row]
    assert voted.endswith("+2 team votes  Cheap :fire: [bold]tricks[/bold]")
    assert "Cheap :fire: [bold]tricks[/bold]" in "\n".join(anyone)


@no_database_part
async def test_version_prints_the_installed_version(bot_env: BotEnv) -> None:
    result = await bot_env.run("--version")

    assert (result.code, result.stdout) == (0, f"papers-bot {version('papers-bot')}\n")


async def test_db_upgrade_says_when_it_created_the_schema(bot_env: BotEnv) -> None:
    database = bot_env.database_file or bot_env.database_url  # the test URL has no password

    first = await bot_env.run("db", "upgrade")
    again = await bot_env.run("db", "upgrade")

    assert (first.code, first.stdout) == (0, f"Created the database schema in {database}.\n")
    assert (again.code, again.stdout) == (0, f"The database {database} is up to date.\n")


async def test_an_unreachable_upstream_is_one_error_and_exit_status_1(
    bot_env: BotEnv, upstream: FakeUpstream
) -> None:
    bot_env.env["PAPERS_HF_BASE_URL"] = f"http://127.0.0.1:{free_port()}"

    result = await bot_env.run("fetch", "--date", TODAY.isoformat(), "--source", "hf", "--json")

    assert result.code == 1
    summary = json.loads(result.stdout)
    assert summary["fetched"] == 0 and len(summary["errors"]) == 1
    assert "can't connect" in summary["errors"][0]
    assert result.stderr == ""  # the JSON holds the error; it is not logged as well


async def test_offline_a_range_gives_up_after_its_first_day_and_says_each_error_once(
    bot_env: BotEnv,
) -> None:
    refused = f"http://127.0.0.1:{free_port()}"
    bot_env.env.update(
        PAPERS_HF_BASE_URL=refused, PAPERS_ARXIV_BASE_URL=refused, PAPERS_HTTP_RETRIES="4"
    )
    since = TODAY - timedelta(days=30)
    started = time.perf_counter()

    result = await bot_env.run("fetch", "--since", since.isoformat())

    assert time.perf_counter() - started < 30  # start-up and migrations included
    assert result.code == 1
    assert result.stdout == "Fetched 0 papers, stored 0, skipped 0.\n"
    hf_error, arxiv_error = result.stderr.splitlines()
    assert hf_error.startswith(f"error: hf daily papers for {since.isoformat()} page 0 failed: ")
    assert hf_error.endswith("; the 30 later days were not asked")
    assert arxiv_error.startswith(f"error: arxiv newest submissions for {since.isoformat()} ")
    assert "serving the papers already stored" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        (("fetch", "--date", "2026-13-45"), {}, "--date needs a date as YYYY-MM-DD"),
        (("fetch", "--source", "rss"), {}, "--source must be hf, arxiv or all"),
        (("digest", "--channel", "irc:x"), {}, "is not a channel id"),
        (
            ("digest", "--channel", "console:local:lab", "--date", "2026-06-12"),
            {},
            "--date needs --dry-run",
        ),
        (
            ("digest", "--channel", "console:local:lab", "--dry-run", "--date", "2999-01-01"),
            {},
            "--date must not be after today",
        ),
        (("top", "--period", "year"), {}, "--period must be day, week or month"),
        (("fetch", "--from-file", "/nonexistent.json"), {}, "Can't read /nonexistent.json"),
        (("search", "x"), {"PAPERS_HTTP_PORT": "eighty"}, "PAPERS_HTTP_PORT"),
        (("search", "x"), {"PAPERS_DATABASE_URL": "mysql://x"}, "PAPERS_DATABASE_URL"),
        (
            ("search", "x"),
            {"PAPERS_DATABASE_URL": "sqlite+aiosqlite:////nonexistent/dir/x.db"},
            "the folder /nonexistent/dir for the SQLite file does not exist",
        ),
        (
            ("search", "x"),
            {"PAPERS_DATABASE_URL": "postgresql+asyncpg://nobody:secret@127.0.0.1:9/db"},
            "The database can't be used",
        ),
        (("search", "x"), {"PAPERS_MISSED_SLOT_GRACE_HOURS": "0"}, "greater than 0"),
        (("search", "a" * 10_000), {}, "Give a query of 1 to 400 characters."),
        (("digest", "--channel", "teams:a:b"), {}, "'teams:a:b' is not a channel id"),
        (("fetch", "--from-file", "/no/:smile:.json"), {}, "Can't read /no/:smile:.json"),
        (
            ("fetch", "--from-file", "saved.json", "--source", "hf"),
            {},
            "--from-file takes the papers and their days from the file; leave out --source.",
        ),
        (
            ("fetch", "--from-file", "saved.json", "--source", "arxiv", "--date", "2026-06-12"),
            {},
            "leave out --source and --date.",
        ),
        (("fetch", "--date", "2999-01-01"), {}, "--date 2999-01-01 is in the future"),
        (("fetch", "--since", "2999-01-01"), {}, "--since 2999-01-01 is in the future"),
    ],
)
@no_database_part
async def test_bad_input_exits_non_zero_with_one_sentence(
    bot_env: BotEnv, args: tuple[str, ...], env: dict[str, str], sentence: str
) -> None:
    bot_env.env.update(env)

    result = await bot_env.run(*args)

    assert result.code != 0
    assert sentence in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


async def test_doctor_marks_each_check(bot_env: BotEnv) -> None:
    result = await bot_env.run("doctor")

    lines = result.stdout.strip().splitlines()
    assert result.code == 0, result.stdout
    assert [line.split(":")[0] for line in lines] == [
        "✓ settings",
        "✓ database",
        "✓ hf upstream",
        "✓ arxiv upstream",
    ]


@no_database_part
async def test_discord_invite_url_asks_for_exactly_the_permissions_used(bot_env: BotEnv) -> None:
    result = await bot_env.run("discord", "invite-url", "--application-id", "1234")

    assert result.code == 0
    url = result.stdout.strip()
    assert url.startswith("https://discord.com/")
    assert "client_id=1234" in url
    assert "permissions=309237763136" in url
    assert "scope=bot+applications.commands" in url or "scope=bot%20applications.commands" in url


@no_database_part
async def test_discord_invite_url_reads_the_application_id_from_the_token_offline(
    bot_env: BotEnv,
) -> None:
    bot_env.env["DISCORD_TOKEN"] = bot_token(1234)
    bot_env.env["PAPERS_DISCORD_API_URL"] = "http://127.0.0.1:9/api/v10"

    result = await bot_env.run("discord", "invite-url")

    assert result.code == 0, result.stderr
    assert "client_id=1234" in result.stdout


@no_database_part
async def test_discord_invite_url_without_a_token_says_what_to_do(bot_env: BotEnv) -> None:
    result = await bot_env.run("discord", "invite-url")

    assert result.code == 2
    assert result.stderr.strip() == (
        "papers-bot: Set DISCORD_TOKEN, or pass --application-id from the Developer Portal."
    )


@no_database_part
async def test_slack_manifest_is_the_shipped_yaml(bot_env: BotEnv) -> None:
    result = await bot_env.run("slack", "manifest")

    shipped = (REPO / "adapters" / "slack" / "manifest.yml").read_text(encoding="utf-8")
    assert result.code == 0
    assert result.stdout == shipped
    assert "command: /papers" in result.stdout


@no_database_part
async def test_an_incomplete_slack_setup_stops_run_with_one_sentence(bot_env: BotEnv) -> None:
    bot_env.env["SLACK_BOT_TOKEN"] = "xoxb-1-2-abc"

    result = await bot_env.run("run")

    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "SLACK_APP_TOKEN" in result.stderr or "SLACK_SIGNING_SECRET" in result.stderr
    assert "xoxb-1-2-abc" not in result.stderr


@no_database_part
async def test_a_port_in_use_stops_run_with_one_sentence(bot_env: BotEnv) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        bot_env.env["PAPERS_HTTP_PORT"] = str(taken.getsockname()[1])

        result = await bot_env.run("run")

    assert result.code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("papers-bot: ")
    assert "Traceback" not in result.stderr
