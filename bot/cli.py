"""The `papers-bot` command line (Typer + rich), a contract other tools rely on.

Each command loads the settings, opens the store and does one job. Bad input exits non-zero
with one clear sentence on stderr, never a traceback; `--json` output keeps a fixed shape.

The running bot and the Slack, Discord and terminal adapters are imported by the commands
that use them, so the others start without loading those libraries (a second a command).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, timedelta
from functools import wraps
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import httpx
import structlog
import typer
from rich.console import Console
from rich.progress import Progress
from rich.text import Text
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from adapters.console.render import render_reply
from bot.assembly import CoreParts, StartupError, build_delivery, first_line, open_core
from bot.clock import utc_now
from bot.commands import PERIOD_LENGTHS
from bot.commands.replies import nothing_in_period
from bot.composer import local_date
from bot.delivery import Outcome, SentDigest
from bot.digest import digest_id
from bot.grammar import MAX_QUERY_LENGTH
from bot.logging import configure_logging
from bot.models import BadChannelId, ChannelRef, ChannelSettings, Digest, Reply, ReplyKind
from bot.refresh import RefreshSummary
from bot.search.engine import Searcher
from bot.sources import make_http_client, parse_daily_papers
from bot.sources.hf import DAILY_PAPERS_SHAPE, is_daily_papers
from bot.store import SlotStatus, StoreUnavailable, upgrade_database
from bot.wording import clock_time, one_line
from config.settings import Settings, SettingsError, load_settings, sqlite_file

app = typer.Typer(
    name="papers-bot",
    help="Trending machine-learning papers for your team's channels.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database tasks.", no_args_is_help=True)
app.add_typer(db_app, name="db")
discord_app = typer.Typer(help="Discord tasks.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")
slack_app = typer.Typer(help="Slack app tasks.", no_args_is_help=True)
app.add_typer(slack_app, name="slack")

out = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)
"""Both print text as it is (no rich markup, `:emoji:` codes or highlighting): much of what
they show was typed by a user or sent by an upstream."""
log = structlog.get_logger(__name__)

T = TypeVar("T")
MAX_FETCH_DAYS = 366


class CliError(Exception):
    """A user mistake on the command line; the message is the one sentence shown."""

    status = 2


class NotDone(CliError):
    """The command was understood but what it asks for can't be done (exit status 1), e.g.
    a digest that went out already; the message is the one sentence shown."""

    status = 1


def friendly(command: Callable[..., None]) -> Callable[..., None]:
    """Turn known errors into one sentence on stderr: exit status 2 for bad input, 1 for
    what can't be done (NotDone) or a database that cannot work right now."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except CliError as error:
            fail(str(error), status=error.status)
        except (SettingsError, BadChannelId, StartupError) as error:
            fail(str(error))
        except StoreUnavailable as error:
            fail(f"The database can't be used right now: {error}", status=1)
        except SQLAlchemyError as error:
            fail(f"The database can't be used: {first_line(error)}")

    return wrapper


def fail(sentence: str, *, status: int = 2) -> NoReturn:
    """Print one sentence on stderr and exit with `status` (2: bad input)."""
    err.print(f"papers-bot: {sentence}", markup=False, highlight=False)
    raise typer.Exit(status)


def settings_for_cli(*, quiet: bool = False, level: str | None = None) -> Settings:
    """Load the settings and set up logging: warnings only for one-shot commands (`quiet`),
    or `level` outright (e.g. "error" for a command that prints the problems itself)."""
    settings = load_settings()
    configure_logging(settings.log_format, level or ("warning" if quiet else settings.log_level))
    return settings


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion on a fresh event loop."""
    return asyncio.run(coroutine)


def parse_day(text: str, option: str) -> date:
    """A YYYY-MM-DD date, or a CliError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} needs a date as YYYY-MM-DD, e.g. 2026-06-12.") from None


def past_day(text: str, option: str) -> date:
    """A YYYY-MM-DD date that is not after today (UTC), or a CliError naming the option."""
    day = parse_day(text, option)
    today = utc_now().date()
    if day > today:
        raise CliError(
            f"{option} {day.isoformat()} is in the future; no papers are out for it yet "
            f"(today is {today.isoformat()} in UTC)."
        )
    return day


def fetch_days(day: str | None, since: str | None, until: str | None) -> list[date] | None:
    """The days `fetch` should read, or None for the default (the last week)."""
    if day and (since or until):
        raise CliError("Use either --date or --since/--until, not both.")
    if day:
        return [past_day(day, "--date")]
    if not since and not until:
        return None
    first = past_day(since, "--since") if since else utc_now().date()
    last = past_day(until, "--until") if until else utc_now().date()
    if last < first:
        raise CliError("--until must not be before --since.")
    if (last - first).days >= MAX_FETCH_DAYS:
        raise CliError(f"A date range can span at most {MAX_FETCH_DAYS} days.")
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@app.command()
@friendly
def run() -> None:
    """Run the bot: scheduler, HTTP server and the configured chat channels."""
    settings = load_settings()
    level = settings.log_level
    if _drawing_console(settings):
        level = "warning"
    configure_logging(settings.log_format, level)
    from bot.app import run_bot

    run_async(run_bot(settings))


def _drawing_console(settings: Settings) -> bool:
    """Whether the console channel reads commands and draws its answers, so info logs
    would clutter them.

    An explicit PAPERS_LOG_LEVEL still wins.
    """
    from adapters.console.adapter import reads_commands

    return (
        settings.chat_mode == "console"
        and reads_commands(sys.stdin)
        and "log_level" not in settings.model_fields_set
    )


@app.command()
@friendly
def fetch(
    day: Annotated[str | None, typer.Option("--date", help="One day, YYYY-MM-DD.")] = None,
    since: Annotated[str | None, typer.Option(help="First day of a range.")] = None,
    until: Annotated[str | None, typer.Option(help="Last day of a range.")] = None,
    source: Annotated[str | None, typer.Option(help="hf, arxiv or all (the default).")] = None,
    from_file: Annotated[
        Path | None, typer.Option("--from-file", help="Import a saved daily_papers response.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Fetch papers from Hugging Face and arXiv (or a saved file) into the store.

    Every problem is printed once, as an `error:` line (or in the JSON), not logged too; the
    exit status is 1 when nothing could be fetched because of them (e.g. no upstream could
    be reached)."""
    if source not in (None, "hf", "arxiv", "all"):
        raise CliError("--source must be hf, arxiv or all.")
    if from_file is not None:
        _refuse_with_file({"--source": source, "--date": day, "--since": since, "--until": until})
    days = fetch_days(day, since, until)
    settings = settings_for_cli(level="error")
    if from_file is not None:
        summary = run_async(_import_file(settings, from_file))
    else:
        summary = run_async(
            _fetch(settings, days, source or "all", show_progress=not as_json and err.is_terminal)
        )
    if as_json:
        out.print_json(data=summary.as_dict())
    else:
        out.print(
            f"Fetched {summary.fetched} papers, stored {summary.stored}, "
            f"skipped {summary.skipped}.",
            highlight=False,
        )
        for error in summary.errors:
            err.print(f"error: {error}", markup=False, highlight=False)
    if summary.errors and not summary.fetched:
        raise typer.Exit(1)


async def _fetch(
    settings: Settings, days: list[date] | None, source: str, *, show_progress: bool
) -> RefreshSummary:
    async with open_core(settings) as core:
        names = core.refresher.source_names if source == "all" else [source]
        if source not in ("all", *core.refresher.source_names):
            raise CliError(f"The {source} source is turned off in the settings.")
        if days is None or not show_progress or len(days) == 1:
            return await core.refresher.refresh(days, sources=names)
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("Fetching", total=len(days) * len(names))
            return await core.refresher.refresh(
                days, sources=names, on_day=lambda: progress.advance(task)
            )


def read_json_file(path: Path) -> object:
    """A JSON document from disk, or a CliError saying why it can't be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(f"Can't read {path}: {error.strerror or error}.") from None
    except (ValueError, UnicodeDecodeError):
        raise CliError(f"{path} is not a JSON file.") from None


def _refuse_with_file(options: dict[str, str | None]) -> None:
    """A CliError naming the options given beside --from-file, which reads its papers and
    their days from the file alone."""
    given = [name for name, value in options.items() if value is not None]
    if given:
        listed = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        raise CliError(
            f"--from-file takes the papers and their days from the file; leave out {listed}."
        )


async def _import_file(settings: Settings, path: Path) -> RefreshSummary:
    data = await asyncio.to_thread(read_json_file, path)
    report = parse_daily_papers(data, what=str(path))
    if not is_daily_papers(data, report):
        raise NotDone(
            f"{path} is not a saved Hugging Face daily_papers answer: expected "
            f"{DAILY_PAPERS_SHAPE}, as {settings.hf_base_url}/api/daily_papers?date=YYYY-MM-DD "
            "answers."
        )
    async with open_core(settings) as core:
        return await core.refresher.store_report("hf", report)


NOT_POSTED = {
    Outcome.IN_PROGRESS: "it is being posted right now",
    Outcome.PAUSED: "its digest is paused; /papers settings there says why",
    Outcome.NO_ADAPTER: "its platform is not connected",
}


@app.command()
@friendly
def digest(
    channel: Annotated[str, typer.Option(help="Channel id, e.g. console:local:general.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show it, post nothing.")] = False,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", help="With --dry-run: the digest as it would have been that day, YYYY-MM-DD."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compose a channel's digest; post it to a console channel unless --dry-run."""
    ref = ChannelRef.parse(channel)
    on = parse_day(day, "--date") if day else None
    if on is not None and not dry_run:
        raise CliError("--date needs --dry-run: a digest can only be posted for today.")
    if not dry_run and ref.platform != "console":
        raise CliError(
            f"Posting to {ref.platform} needs the running bot (papers-bot run); "
            "add --dry-run to preview here."
        )
    settings = settings_for_cli(quiet=True)
    reply, payload = run_async(_digest(settings, ref, dry_run=dry_run, on=on))
    if as_json:
        out.print_json(data=payload)
    elif dry_run or reply.digest is None:
        out.print(render_reply(reply))


async def _digest(
    settings: Settings, ref: ChannelRef, *, dry_run: bool, on: date | None
) -> tuple[Reply, dict]:
    async with open_core(settings) as core:
        channel = await core.store.get_channel(ref) or ChannelSettings(ref)
        if on is not None and on > local_date(channel, utc_now()):
            raise CliError(f"--date must not be after today ({local_date(channel, utc_now())}).")
        if on is not None:
            result = await core.composer.compose_on(channel, on)
        elif dry_run:
            result = await core.composer.compose(channel, now=utc_now())
        else:
            result = await _post_digest(core, channel)
    payload = {
        "channel": ref.key,
        "date": result.date.isoformat(),
        "items": [
            {
                "rank": item.rank,
                "paper_id": item.paper_id,
                "title": item.title,
                "score": round(item.explanation.total, 4),
                "explanation": item.explanation.as_dict(),
            }
            for item in result.items
        ],
    }
    if not result.items:
        return Reply(ReplyKind.TEXT, "Nothing new to pick for this channel."), payload
    return Reply(ReplyKind.DIGEST, f"{len(result.items)} picks", digest=result), payload


async def _post_digest(core: CoreParts, channel: ChannelSettings) -> Digest:
    """Post today's digest to a console channel, drawn on stderr; the digest posted (no
    items when there was nothing new, which uses nothing up). NotDone when it can't post."""
    ref = channel.channel
    today = local_date(channel, utc_now())
    from adapters.console.adapter import ConsoleAdapter

    screen = ConsoleAdapter(ref, mode_line="", console=err, interactive=True)
    delivery = build_delivery(core, {"console": screen})
    outcome = await delivery.deliver(ref, today, scheduled=False)
    sent = await delivery.sent(channel, today)
    if outcome is Outcome.ALREADY:
        raise NotDone(_already_sentence(channel, sent))
    if outcome in NOT_POSTED:
        raise NotDone(f"Nothing posted to {ref.key}: {NOT_POSTED[outcome]}.")
    if sent is None:
        return Digest(digest_id(ref, today), ref, today, channel.timezone, ())
    return sent.digest


def _already_sentence(channel: ChannelSettings, sent: SentDigest | None) -> str:
    """Why today's digest for a channel is not posted again, with the time it went out."""
    key = channel.channel.key
    if sent is not None and sent.status is SlotStatus.POSTED and sent.finished_at is not None:
        at = clock_time(sent.finished_at, channel.timezone)
        return f"Today's digest for {key} was already posted at {at}; it never posts twice."
    return f"Today's digest for {key} was already handled; it never posts twice."


@app.command()
@friendly
def search(
    query: Annotated[str, typer.Argument(help="Words to look for.")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the stored papers."""
    if not query.strip() or len(query) > MAX_QUERY_LENGTH:
        raise CliError(f"Give a query of 1 to {MAX_QUERY_LENGTH} characters.")
    settings = settings_for_cli(quiet=True)
    result = run_async(
        _with_store(settings, lambda core: Searcher(core.store).search(query, limit=limit))
    )
    if result.hint is not None:
        raise CliError(" ".join((*result.problems, result.hint)))
    results = [
        {
            "paper_id": found.paper.id,
            "title": found.paper.title,
            "score": found.score,
            "snippet": one_line(found.snippet),
        }
        for found in result.found
    ]
    if as_json:
        out.print_json(
            data={
                "query": query,
                "corrected": result.corrected,
                "problems": list(result.problems),
                "results": results,
            }
        )
        return
    for problem in result.problems:
        out.print(problem, highlight=False, markup=False)
    if result.corrected is not None:
        out.print(f"Showing results for {result.corrected!r}.", highlight=False, markup=False)
    if not results:
        out.print(f"No stored papers match {query!r}.", highlight=False, markup=False)
    for found in results:
        out.print(f"{found['paper_id']}  {found['title']}", highlight=False, markup=False)


@app.command()
@friendly
def top(
    channel: Annotated[str | None, typer.Option(help="Count this channel's team votes.")] = None,
    period: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The most upvoted papers of a period, with the team's votes."""
    if period not in PERIOD_LENGTHS:
        raise CliError("--period must be day, week or month.")
    ref = ChannelRef.parse(channel) if channel else None
    settings = settings_for_cli(quiet=True)
    since = utc_now() - PERIOD_LENGTHS[period]
    entries = run_async(
        _with_store(
            settings,
            lambda core: core.store.top_papers(
                since,
                platform=ref.platform if ref else None,
                workspace=ref.workspace if ref else None,
                limit=10,
            ),
        )
    )
    counted = ref is not None
    items = [
        {
            "paper_id": e.paper.id,
            "title": e.paper.title,
            "upvotes": e.paper.upvotes or 0,
            "team_votes": e.team_votes if counted else None,
        }
        for e in entries
    ]
    team = f"{ref.platform}:{ref.workspace}" if ref else None
    if as_json:
        out.print_json(data={"period": period, "votes_of": team, "items": items})
        return
    if not items:
        out.print(nothing_in_period(period))
        return
    out.print(_top_heading(period, ref))
    for item in items:
        votes = f"  {item['team_votes']:+d} team votes" if counted else ""
        out.print(f"{item['upvotes']:>5} upvotes{votes}  {item['title']}")


def _top_heading(period: str, ref: ChannelRef | None) -> str:
    """The line above `top`'s rows: what is ranked, and whose team votes count."""
    if ref is None:
        return (
            f"Most upvoted on Hugging Face in the last {period}; no team's votes are counted "
            "without --channel (e.g. --channel slack:T0123:C0456)."
        )
    return (
        f"Most upvoted on Hugging Face in the last {period}, with the votes of the "
        f"{ref.platform} workspace {ref.workspace}."
    )


async def _with_store(settings: Settings, job: Callable[[Any], Awaitable[T]]) -> T:
    async with open_core(settings) as core:
        return await job(core)


@db_app.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Apply the database migrations (also done by `papers-bot run`)."""
    settings = settings_for_cli(quiet=True)
    upgrade = upgrade_database(settings.database_url)
    where = sqlite_file(settings.database_url) or _redacted_url(settings.database_url)
    if upgrade.created:
        out.print(f"Created the database schema in {where}.")
    elif upgrade.applied:
        applied = ", ".join(upgrade.applied)
        out.print(f"Upgraded the database {where} (migrations {applied}); it is up to date.")
    else:
        out.print(f"The database {where} is up to date.")


@slack_app.command("manifest")
def slack_manifest() -> None:
    """Print the Slack app manifest (YAML) to paste at api.slack.com/apps."""
    from adapters.slack import manifest_text

    out.print(manifest_text(), end="", markup=False, highlight=False, soft_wrap=True)


@discord_app.command("invite-url")
@friendly
def discord_invite_url(
    application_id: Annotated[
        int | None,
        typer.Option(
            "--application-id",
            min=1,
            help="The bot's application id; read with DISCORD_TOKEN if not given.",
        ),
    ] = None,
) -> None:
    """Print the link that adds papers-bot to a Discord server."""
    from adapters.discord import ApplicationLookupError, application_id_from_token, invite_url

    if application_id is None:
        settings = settings_for_cli(quiet=True)
        token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
        if not token:
            raise CliError("Set DISCORD_TOKEN, or pass --application-id from the Developer Portal.")
        try:
            application_id = application_id_from_token(token)
        except ApplicationLookupError as error:
            raise CliError(str(error)) from None
    out.print(invite_url(application_id), markup=False, highlight=False)


@app.command()
def doctor() -> None:
    """Check settings, database and each upstream; one line each."""
    try:
        settings = settings_for_cli(quiet=True)
    except SettingsError as error:
        out.print(_check_line(False, "settings", str(error)))
        raise typer.Exit(1) from None
    out.print(_check_line(True, "settings", f"chat mode {settings.chat_mode}"))
    checks = run_async(_doctor(settings))
    for ok, name, detail in checks:
        out.print(_check_line(ok, name, detail))
    if not all(ok for ok, _, _ in checks):
        raise typer.Exit(1)


def _check_line(ok: bool, name: str, detail: str) -> Text:
    """One line of `doctor`: a green ✓ or a red ✗, what was checked, and what was found."""
    return Text.assemble(("✓", "green") if ok else ("✗", "red"), f" {name}: {detail}")


async def _doctor(settings: Settings) -> list[tuple[bool, str, str]]:
    checks: list[tuple[bool, str, str]] = []
    try:
        async with open_core(settings) as core, make_http_client(settings) as http:
            await core.store.ping()
            checks.append((True, "database", _redacted_url(settings.database_url)))
            for source in core.sources:
                checks.append(await _probe(http, source.name, PROBES[source.name](settings)))
    except Exception as error:  # any failure to open the store is what doctor reports
        checks.append((False, "database", str(error) or type(error).__name__))
    return checks


PROBES: dict[str, Callable[[Settings], str]] = {
    "hf": lambda s: f"{s.hf_base_url}/api/daily_papers?limit=1",
    "arxiv": lambda s: f"{s.arxiv_base_url}/api/query?search_query=cat:cs.LG&max_results=1",
}


async def _probe(http: httpx.AsyncClient, name: str, url: str) -> tuple[bool, str, str]:
    """One GET to an upstream: reachable when it answers below 500."""
    try:
        response = await http.get(url, timeout=10)
    except httpx.HTTPError as error:
        return False, f"{name} upstream", f"{url} unreachable ({type(error).__name__})"
    ok = response.status_code < 500
    return ok, f"{name} upstream", f"{url} answered {response.status_code}"


def _redacted_url(url: str) -> str:
    """The database URL without any password (in the address or in its query)."""
    parsed = make_url(url)
    query = {key: value for key, value in parsed.query.items() if key.lower() != "password"}
    return parsed.set(password=None, query=query).render_as_string(hide_password=False)


def _print_version(wanted: bool) -> None:
    """`--version`: print the installed version and stop."""
    if wanted:
        out.print(f"papers-bot {version('papers-bot')}")
        raise typer.Exit()


@app.callback()
def options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", is_eager=True, callback=_print_version, help="Print the version."
        ),
    ] = False,
) -> None:
    """Trending machine-learning papers for your team's channels."""


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    sys.exit(main())
