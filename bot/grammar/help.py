"""The lines of `/papers help`: how to type each subcommand, an example, and what it does."""

from __future__ import annotations

from typing import NamedTuple


class HelpEntry(NamedTuple):
    """One line of `/papers help`: how to type it, an example, and what it does."""

    usage: str
    example: str
    description: str

    @property
    def subcommand(self) -> str:
        """The subcommand this line documents, e.g. `set` for `/papers set size <1-10>`."""
        return self.usage.split()[1]


HELP: tuple[HelpEntry, ...] = (
    HelpEntry(
        "/papers help [subcommand]",
        "/papers help subscribe",
        "Show this list, or the lines for one subcommand.",
    ),
    HelpEntry("/papers today", "/papers today", "Show today's trending papers."),
    HelpEntry(
        "/papers top [day|week|month]",
        "/papers top week",
        "Show the most upvoted papers of the last day, week or month.",
    ),
    HelpEntry(
        "/papers search <words>",
        "/papers search diffusion transformers",
        "Find papers whose title, abstract or keywords hold every word.",
    ),
    HelpEntry(
        "/papers more",
        "/papers more",
        "Show the next results of your last search here.",
    ),
    HelpEntry(
        "/papers paper <arXiv id or link>",
        "/papers paper 2606.00467",
        "Show one paper with its summary and links.",
    ),
    HelpEntry(
        "/papers why <rank or arXiv id>",
        "/papers why 2",
        "Explain in a line or two why a paper ranked where it did.",
    ),
    HelpEntry(
        "/papers similar <rank or arXiv id>",
        "/papers similar 2",
        "Show the stored papers closest in content to one paper.",
    ),
    HelpEntry(
        "/papers subscribe [HH:MM] [time zone] [days]",
        "/papers subscribe 09:30 Europe/Berlin weekdays",
        "Post a digest here at that time; days are daily, weekdays, weekends or e.g. mon,wed.",
    ),
    HelpEntry("/papers unsubscribe", "/papers unsubscribe", "Stop the digest in this channel."),
    HelpEntry(
        "/papers settings",
        "/papers settings",
        "Show this channel's schedule, size, filters, topics and layout.",
    ),
    HelpEntry(
        "/papers set size <1-10>", "/papers set size 5", "Set how many papers a digest holds."
    ),
    HelpEntry(
        "/papers set min-upvotes <0-100000>",
        "/papers set min-upvotes 10",
        "Skip papers with fewer upvotes on Hugging Face.",
    ),
    HelpEntry(
        "/papers set max-age <1-14>",
        "/papers set max-age 3",
        "Skip papers featured more than this many days ago.",
    ),
    HelpEntry(
        "/papers set layout thread|channel",
        "/papers set layout channel",
        "Post each paper in the digest's thread or straight in the channel.",
    ),
    HelpEntry(
        "/papers set recap <day> <HH:MM>|off",
        "/papers set recap fri 16:00",
        "When to post the week's most-voted papers with a chart, or off.",
    ),
    HelpEntry(
        "/papers topics [list|add|remove|clear] [words]",
        "/papers topics add diffusion, reinforcement learning",
        "Follow topics so matching papers rank higher; commas separate phrases.",
    ),
    HelpEntry(
        "/papers exclude [list|add|remove|clear] [words]",
        "/papers exclude add robotics, medical imaging",
        "Hide papers that mention any of these words; commas separate phrases.",
    ),
    HelpEntry(
        "/papers taste",
        "/papers taste",
        "Show what the bot has learned from your team's votes here.",
    ),
    HelpEntry(
        "/papers follow author|org <name>",
        '/papers follow author "Yann LeCun"',
        "Rank papers by this author or Hugging Face organization higher and mark them.",
    ),
    HelpEntry(
        "/papers unfollow author|org <name>",
        "/papers unfollow org NVIDIA",
        "Stop following an author or organization.",
    ),
    HelpEntry(
        "/papers following",
        "/papers following",
        "Show the authors and organizations this channel follows.",
    ),
    HelpEntry(
        "/papers digest now",
        "/papers digest now",
        "Post today's digest in this channel now.",
    ),
)


def help_entries(topic: str | None = None) -> tuple[HelpEntry, ...]:
    """The help lines for one subcommand, or all of them when `topic` is None."""
    if topic is None:
        return HELP
    return tuple(entry for entry in HELP if entry.subcommand == topic)


WordTree = dict[str, "WordTree"]
"""The words that may follow each word of a command, e.g. {"set": {"size": {}, ...}, ...}."""


def command_words() -> WordTree:
    """The literal words of every subcommand as a tree, read from the help's usage lines,
    for a terminal to complete: `set` then `size` or `layout`, `layout` then `thread` or
    `channel`; placeholders such as `<words>` or `[HH:MM]` end a branch. `help` is followed
    by any subcommand."""
    tree: WordTree = {}
    for entry in HELP:
        branch = tree
        for word in entry.usage.split()[1:]:
            choices = _literal_choices(word)
            if not choices:
                break
            for choice in choices:
                branch.setdefault(choice, {})
            branch = branch[choices[0]]
    tree["help"] = {subcommand: {} for subcommand in tree}
    return tree


def _literal_choices(word: str) -> list[str]:
    """`thread|channel` and `[day|week|month]` give their choices; a placeholder such as
    `<name>`, `[subcommand]` or `<HH:MM>|off` gives none."""
    if word.startswith("<") or (word.startswith("[") and "|" not in word):
        return []
    return word.strip("[]").split("|")
