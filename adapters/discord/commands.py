"""The `/papers` application command group and the translation of its options into text.

Discord gets typed options (choices, integer ranges, autocomplete), but every subcommand is
turned back into the core's one text grammar (`Command.text`, e.g.
`subscribe 09:30 Europe/Berlin weekdays`) and handed to a `CommandRunner`, so the grammar
(bot/grammar/) stays the only judge of what a command means.

    /papers help [subcommand]           /papers subscribe [time] [timezone] [days]
    /papers today                       /papers unsubscribe
    /papers top [period]                /papers settings
    /papers search <query>              /papers set size|min-upvotes|max-age|layout <value>
    /papers paper <id>                  /papers topics|exclude list|add|remove|clear [words]
    /papers why [rank] [paper]          /papers taste
                                        /papers digest now
"""

from typing import Final, Protocol

import discord
from discord import app_commands

from bot.grammar import (
    MAX_AGE_RANGE,
    MAX_NAME_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_RANK,
    MIN_UPVOTES_RANGE,
    PERIODS,
    SIZE_RANGE,
    SUBCOMMANDS,
    timezone_names,
)
from bot.models import WEEKDAYS, FollowKind, Layout

MAX_CHOICES: Final = 25
MAX_OPTION_LENGTH: Final = 400
COMMON_ZONES: Final = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Sydney",
)
DAY_SUGGESTIONS: Final = ("weekdays", "daily", "weekends", "mon,wed,fri", "tue,thu", "mon")

SizeOption = app_commands.Range[int, SIZE_RANGE[0], SIZE_RANGE[1]]
MinUpvotesOption = app_commands.Range[int, MIN_UPVOTES_RANGE[0], MIN_UPVOTES_RANGE[1]]
MaxAgeOption = app_commands.Range[int, MAX_AGE_RANGE[0], MAX_AGE_RANGE[1]]
RankOption = app_commands.Range[int, 1, MAX_RANK]
TextOption = app_commands.Range[str, 1, MAX_OPTION_LENGTH]


class CommandRunner(Protocol):
    """What the command group needs from the adapter: run text, suggest papers."""

    async def run_command(self, interaction: discord.Interaction, text: str) -> None:
        """Run `/papers <text>` for this interaction and answer it."""
        ...

    async def paper_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete choices of paper ids from the channel's recent digests."""
        ...


def command_text(*parts: str | int | None) -> str:
    """The grammar's text for a subcommand and its options; unset options are left out."""
    words = (str(part).strip() for part in parts if part is not None)
    return " ".join(word for word in words if word)


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Time zones matching what was typed (names starting with it first); common ones if empty."""
    typed = current.strip().lower().replace(" ", "_")
    if not typed:
        names = list(COMMON_ZONES)
    else:
        every = timezone_names()
        starts = [name for name in every if name.lower().startswith(typed)]
        inside = [name for name in every if typed in name.lower() and name not in starts]
        names = starts + inside
    return [app_commands.Choice(name=name, value=name) for name in names[:MAX_CHOICES]]


def day_choices(current: str) -> list[app_commands.Choice[str]]:
    """Day words containing what was typed (Discord still takes any text typed)."""
    typed = current.strip().lower()
    names = [words for words in DAY_SUGGESTIONS if typed in words]
    return [app_commands.Choice(name=name, value=name) for name in names[:MAX_CHOICES]]


def build_papers_group(runner: CommandRunner) -> app_commands.Group:
    """The `/papers` group with every subcommand of the core's grammar."""
    papers = app_commands.Group(
        name="papers",
        description="Trending machine-learning papers for this channel.",
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )

    async def paper_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await runner.paper_choices(interaction, current)

    async def zone_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return timezone_choices(current)

    async def days_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return day_choices(current)

    @papers.command(name="help", description="One line per subcommand, with an example each.")
    @app_commands.describe(subcommand="Show only the lines for this subcommand.")
    @app_commands.choices(
        subcommand=[app_commands.Choice(name=name, value=name) for name in SUBCOMMANDS]
    )
    async def help_(interaction: discord.Interaction, subcommand: str | None = None) -> None:
        await runner.run_command(interaction, command_text("help", subcommand))

    @papers.command(name="today", description="Today's picks for this channel, shown only to you.")
    async def today(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "today")

    @papers.command(name="top", description="The most upvoted papers, with your team's votes.")
    @app_commands.describe(period="How far back to look (a day if not given).")
    @app_commands.choices(period=[app_commands.Choice(name=p, value=p) for p in PERIODS])
    async def top(interaction: discord.Interaction, period: str | None = None) -> None:
        await runner.run_command(interaction, command_text("top", period))

    @papers.command(name="search", description="Stored papers matching every word.")
    @app_commands.describe(query="Words to look for, e.g. diffusion transformers.")
    async def search(
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, MAX_QUERY_LENGTH],
    ) -> None:
        await runner.run_command(interaction, command_text("search", query))

    @papers.command(name="more", description="The next results of your last search here.")
    async def more(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "more")

    @papers.command(name="paper", description="One paper in detail, with its links.")
    @app_commands.describe(id="An arXiv id or link, e.g. 2606.00467.")
    @app_commands.autocomplete(id=paper_autocomplete)
    async def paper(interaction: discord.Interaction, id: TextOption) -> None:
        await runner.run_command(interaction, command_text("paper", id))

    @papers.command(name="why", description="Why a paper ranked where it did, in plain words.")
    @app_commands.describe(
        rank="Its place in today's digest.", paper="Or an arXiv id from a recent digest."
    )
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def why(
        interaction: discord.Interaction,
        rank: RankOption | None = None,
        paper: TextOption | None = None,
    ) -> None:
        await runner.run_command(interaction, command_text("why", rank, paper))

    @papers.command(name="similar", description="The stored papers closest to one paper.")
    @app_commands.describe(
        rank="Its place in today's digest.", paper="Or an arXiv id from a recent digest."
    )
    @app_commands.autocomplete(paper=paper_autocomplete)
    async def similar(
        interaction: discord.Interaction,
        rank: RankOption | None = None,
        paper: TextOption | None = None,
    ) -> None:
        await runner.run_command(interaction, command_text("similar", rank, paper))

    @papers.command(name="subscribe", description="Post a digest here on a schedule.")
    @app_commands.describe(
        time="HH:MM, e.g. 09:30 (keeps the current time if not given).",
        timezone="An IANA time zone, e.g. Europe/Berlin.",
        days="daily, weekdays, weekends, or names like mon,wed,fri.",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete, days=days_autocomplete)
    async def subscribe(
        interaction: discord.Interaction,
        time: app_commands.Range[str, 1, 20] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        days: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        await runner.run_command(interaction, command_text("subscribe", time, timezone, days))

    @papers.command(name="unsubscribe", description="Stop the digest here; settings are kept.")
    async def unsubscribe(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "unsubscribe")

    @papers.command(name="settings", description="This channel's schedule, size, filters, layout.")
    async def settings(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "settings")

    @papers.command(name="taste", description="What the bot learned from your team's votes here.")
    async def taste(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "taste")

    papers.add_command(_set_group(runner))
    papers.add_command(_word_group(runner, "topics", "Topics that make papers rank higher."))
    papers.add_command(_word_group(runner, "exclude", "Words that hide papers from this channel."))

    @papers.command(name="following", description="The authors and organizations followed here.")
    async def following(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "following")

    papers.add_command(_follow_group(runner, "follow", "Rank papers by someone higher, marked."))
    papers.add_command(_follow_group(runner, "unfollow", "Stop following someone."))
    papers.add_command(_digest_group(runner))
    return papers


def _set_group(runner: CommandRunner) -> app_commands.Group:
    """`/papers set size|min-upvotes|max-age|layout|recap <value>`."""
    group = app_commands.Group(name="set", description="Tune this channel's digest.")

    @group.command(name="size", description="How many papers a digest holds.")
    @app_commands.describe(papers="From 1 to 10.")
    async def size(interaction: discord.Interaction, papers: SizeOption) -> None:
        await runner.run_command(interaction, command_text("set size", papers))

    @group.command(name="min-upvotes", description="Skip papers with fewer Hugging Face upvotes.")
    @app_commands.describe(upvotes="From 0 to 100000.")
    async def min_upvotes(interaction: discord.Interaction, upvotes: MinUpvotesOption) -> None:
        await runner.run_command(interaction, command_text("set min-upvotes", upvotes))

    @group.command(name="max-age", description="Skip papers featured more days ago than this.")
    @app_commands.describe(days="From 1 to 14.")
    async def max_age(interaction: discord.Interaction, days: MaxAgeOption) -> None:
        await runner.run_command(interaction, command_text("set max-age", days))

    @group.command(name="layout", description="Post each paper in the header's thread or here.")
    @app_commands.describe(layout="thread (default) or channel.")
    @app_commands.choices(layout=[app_commands.Choice(name=str(x), value=str(x)) for x in Layout])
    async def layout(interaction: discord.Interaction, layout: str) -> None:
        await runner.run_command(interaction, command_text("set layout", layout))

    @group.command(name="recap", description="When the week's most-voted papers are posted.")
    @app_commands.describe(day="A day of the week, or off.", time="HH:MM, e.g. 16:00.")
    @app_commands.choices(
        day=[app_commands.Choice(name=name, value=name) for name in (*WEEKDAYS, "off")]
    )
    async def recap(
        interaction: discord.Interaction,
        day: str,
        time: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        await runner.run_command(interaction, command_text("set recap", day, time))

    return group


def _follow_group(runner: CommandRunner, verb: str, description: str) -> app_commands.Group:
    """`/papers follow|unfollow author|org <name>`."""
    group = app_commands.Group(name=verb, description=description)
    NameOption = app_commands.Range[str, 1, MAX_NAME_LENGTH]

    @group.command(name=FollowKind.AUTHOR.value, description="An author, e.g. Yann LeCun.")
    @app_commands.describe(name="The author's name as papers write it; initials are fine.")
    async def author(interaction: discord.Interaction, name: NameOption) -> None:
        await runner.run_command(interaction, command_text(verb, FollowKind.AUTHOR.value, name))

    @group.command(name=FollowKind.ORG.value, description="A Hugging Face organization.")
    @app_commands.describe(name="The organization's name, e.g. NVIDIA.")
    async def org(interaction: discord.Interaction, name: NameOption) -> None:
        await runner.run_command(interaction, command_text(verb, FollowKind.ORG.value, name))

    return group


def _word_group(runner: CommandRunner, name: str, description: str) -> app_commands.Group:
    """`/papers topics|exclude list|add|remove|clear [words]`."""
    group = app_commands.Group(name=name, description=description)
    words_help = (
        "Words or phrases; commas separate phrases, e.g. diffusion, reinforcement learning."
    )

    @group.command(name="list", description="Show the list.")
    async def list_(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, command_text(name, "list"))

    @group.command(name="add", description="Add words or phrases.")
    @app_commands.describe(words=words_help)
    async def add(interaction: discord.Interaction, words: TextOption) -> None:
        await runner.run_command(interaction, command_text(name, "add", words))

    @group.command(name="remove", description="Remove words or phrases.")
    @app_commands.describe(words=words_help)
    async def remove(interaction: discord.Interaction, words: TextOption) -> None:
        await runner.run_command(interaction, command_text(name, "remove", words))

    @group.command(name="clear", description="Empty the list.")
    async def clear(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, command_text(name, "clear"))

    return group


def _digest_group(runner: CommandRunner) -> app_commands.Group:
    """`/papers digest now`."""
    group = app_commands.Group(name="digest", description="Today's digest in this channel.")

    @group.command(name="now", description="Post today's digest here now; it never posts twice.")
    async def now(interaction: discord.Interaction) -> None:
        await runner.run_command(interaction, "digest now")

    return group
