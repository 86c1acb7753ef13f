"""Following authors and organizations: `follow`, `unfollow` and `following`."""

from __future__ import annotations

from bot.grammar.actions import MAX_NAME_LENGTH, FollowName, ListFollows, UsageError
from bot.grammar.text import next_word, no_arguments
from bot.models import FollowKind
from bot.names import name_words

FOLLOW_KINDS = {
    "author": FollowKind.AUTHOR,
    "authors": FollowKind.AUTHOR,
    "org": FollowKind.ORG,
    "orgs": FollowKind.ORG,
    "organization": FollowKind.ORG,
    "organisation": FollowKind.ORG,
}
_QUOTES = "\"'“”‘’«»"
_FOLLOW_EXAMPLE = '/papers follow author "Yann LeCun" or /papers follow org NVIDIA'


def _follow_name(command: str, rest: str, *, follow: bool) -> FollowName:
    """`author <name>` or `org <name>`; the name may be quoted, its whitespace collapsed."""
    kind_word, name = next_word(rest)
    kind = FOLLOW_KINDS.get(kind_word)
    if kind is None:
        raise UsageError(f"Say author or org, e.g. {_FOLLOW_EXAMPLE.replace('follow', command)}.")
    name = " ".join(name.strip(_QUOTES + " ").split())
    if not name_words(name):
        raise UsageError(f"Name the {kind}, e.g. {_FOLLOW_EXAMPLE}.")
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(f"Keep the name to {MAX_NAME_LENGTH} characters or fewer.")
    return FollowName(kind, name, follow)


def parse_follow(rest: str) -> FollowName:
    """`follow author <name>` or `follow org <name>`."""
    return _follow_name("follow", rest, follow=True)


def parse_unfollow(rest: str) -> FollowName:
    """`unfollow author <name>` or `unfollow org <name>`."""
    return _follow_name("unfollow", rest, follow=False)


def parse_following(rest: str) -> ListFollows:
    """`following`."""
    no_arguments("following", rest)
    return ListFollows()
