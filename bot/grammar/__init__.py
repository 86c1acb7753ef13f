"""The `/papers ...` grammar, one for every platform: text in, a neutral Action out.

Parsing is pure and separate from running (bot/commands/), so every platform reads a
command the same way and the grammar can be tested on its own. `parse` either returns an
Action or raises UsageError whose message is one short sentence, in the product's voice,
that says what to type instead; it raises nothing else for any string.

The package, by what each module is about:
- `actions`: the Action dataclasses, the limits, UsageError and `is_change`;
- `help`: the lines of `/papers help`;
- `text`: the low-level readers the subcommands' parsers share;
- `schedule`: `subscribe`, `unsubscribe`, time zones and the recap's day and time;
- `settings`: `settings` and `set <name> <value>`;
- `word_lists`: `topics` and `exclude`;
- `follows`: `follow`, `unfollow` and `following`;
- `subcommands`: `parse`, the subcommand table, `traits`, and the remaining short subcommands.
"""

from bot.grammar.actions import (
    MAX_AGE_RANGE,
    MAX_INPUT_LENGTH,
    MAX_NAME_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_RANK,
    MAX_WORD_LENGTH,
    MAX_WORDS,
    MIN_UPVOTES_RANGE,
    PERIODS,
    SIZE_RANGE,
    Action,
    ChangeWords,
    ClearWords,
    DigestNow,
    FollowName,
    Help,
    ListFollows,
    ListWords,
    More,
    Period,
    Search,
    SetLayout,
    SetMaxAge,
    SetMinUpvotes,
    SetRecap,
    SetSize,
    ShowPaper,
    ShowSettings,
    ShowTaste,
    Similar,
    Subscribe,
    Today,
    Top,
    Unsubscribe,
    UsageError,
    Why,
    WordList,
    is_change,
)
from bot.grammar.follows import FOLLOW_KINDS
from bot.grammar.help import HELP, HelpEntry, WordTree, command_words, help_entries
from bot.grammar.schedule import timezone_names
from bot.grammar.settings import SETTINGS_NAMES
from bot.grammar.subcommands import SUBCOMMANDS, CommandTraits, parse, traits

__all__ = [
    "FOLLOW_KINDS",
    "HELP",
    "MAX_AGE_RANGE",
    "MAX_INPUT_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_QUERY_LENGTH",
    "MAX_RANK",
    "MAX_WORDS",
    "MAX_WORD_LENGTH",
    "MIN_UPVOTES_RANGE",
    "PERIODS",
    "SETTINGS_NAMES",
    "SIZE_RANGE",
    "SUBCOMMANDS",
    "Action",
    "ChangeWords",
    "ClearWords",
    "CommandTraits",
    "DigestNow",
    "FollowName",
    "Help",
    "HelpEntry",
    "ListFollows",
    "ListWords",
    "More",
    "Period",
    "Search",
    "SetLayout",
    "SetMaxAge",
    "SetMinUpvotes",
    "SetRecap",
    "SetSize",
    "ShowPaper",
    "ShowSettings",
    "ShowTaste",
    "Similar",
    "Subscribe",
    "Today",
    "Top",
    "Unsubscribe",
    "UsageError",
    "Why",
    "WordList",
    "WordTree",
    "command_words",
    "help_entries",
    "is_change",
    "parse",
    "timezone_names",
    "traits",
]
