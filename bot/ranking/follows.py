"""What a channel follows: the authors and organizations whose papers it wants first.

A follow matches a paper when one of its authors is the followed person or its organization
is the followed one, compared as bot.names compares names. `match_name` checks a typed name
against the names the store has seen, so a follow can be confirmed, completed ("Y. LeCun"
becomes "Yann LeCun") or answered with the closest known name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.models import Follow, FollowKind, Paper
from bot.names import name_key, name_words, same_organization, same_person


def matches(follow: Follow, paper: Paper) -> bool:
    """Whether the paper is by the followed author, or from the followed organization."""
    if follow.kind is FollowKind.AUTHOR:
        return any(same_person(follow.name, author) for author in paper.authors)
    return paper.organization is not None and same_organization(follow.name, paper.organization)


def followed_in(paper: Paper, follows: Sequence[Follow]) -> tuple[str, ...]:
    """The names of the channel's follows the paper matches, in the order they were followed."""
    return tuple(follow.name for follow in follows if matches(follow, paper))


def find_follow(follows: Iterable[Follow], wanted: Follow) -> Follow | None:
    """The follow in the list that names the same author or organization as `wanted`, the
    names compared as forgivingly as papers are ("Y. LeCun" finds a follow of "Yann LeCun")."""
    for follow in follows:
        if follow.kind is not wanted.kind:
            continue
        if follow.kind is FollowKind.AUTHOR and same_person(follow.name, wanted.name):
            return follow
        if follow.kind is FollowKind.ORG and same_organization(follow.name, wanted.name):
            return follow
    return None


SUGGESTION_CUTOFF = 85
"""The least rapidfuzz WRatio (0-100) at which a stored name is offered as "did you mean"."""
SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A typed name checked against stored ones: the stored name it is, else the closest."""

    known: str | None
    suggestions: tuple[str, ...] = ()


def match_name(kind: FollowKind, typed: str, seen: Sequence[str]) -> NameMatch:
    """Which of the stored names `seen` the typed name is, or the ones it was likely meant as.

    A stored name written the same way wins; else the fullest stored form of the same person
    ("Y. LeCun" becomes "Yann LeCun"). When the typed name fits several people ("Y. Zhang"
    for Yi Zhang and Yu Zhang) it is kept as typed, with those people as the suggestions.
    With no match, up to three stored names close in spelling are the suggestions.
    """
    same = same_person if kind is FollowKind.AUTHOR else same_organization
    matching = [name for name in seen if same(typed, name)]
    exact = [name for name in matching if name_key(name) == name_key(typed)]
    if exact:
        return NameMatch(exact[0])
    if matching:
        fullest = max(matching, key=lambda name: (len(name_words(name)), len(name)))
        if all(same(fullest, name) for name in matching):
            return NameMatch(fullest)
        return NameMatch(typed, _distinct(matching)[:SUGGESTIONS])
    by_key = {name_key(name): name for name in seen}
    close = process.extract(
        name_key(typed),
        list(by_key),
        scorer=fuzz.WRatio,
        limit=SUGGESTIONS,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return NameMatch(None, tuple(by_key[key] for key, _, _ in close))


def _distinct(names: Sequence[str]) -> tuple[str, ...]:
    """The names, one per spelling, in order."""
    return tuple({name_key(name): name for name in names}.values())
