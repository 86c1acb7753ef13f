"""A settings command changes only the field it names, and its answer reads from what is
stored after it."""

from __future__ import annotations

from datetime import time

import pytest

from bot import grammar
from bot.commands.settings_change import settings_change
from bot.models import ChannelRef, ChannelSettings, Follow, FollowKind, Layout

GENERAL = ChannelRef("console", "local", "general")
CONFIGURED = ChannelSettings(
    GENERAL,
    subscribed=True,
    timezone="Europe/Berlin",
    size=4,
    min_upvotes=7,
    max_age_days=5,
    topics=("agents", "diffusion"),
    excludes=("crypto",),
    follows=(Follow(FollowKind.ORG, "NVIDIA"),),
    recap_day=2,
    recap_at=time(11, 15),
)


def changed(text: str, before: ChannelSettings = CONFIGURED) -> tuple[ChannelSettings, str]:
    """The settings after `/papers <text>` on `before`, and the answer read from them."""
    change, said = settings_change(grammar.parse(text))
    after = change(before)
    return after, said(after)


@pytest.mark.parametrize(
    ("text", "fields", "answer"),
    [
        ("set size 8", {"size": 8}, "Digests here now show 8 papers."),
        (
            "set min-upvotes 25",
            {"min_upvotes": 25},
            "Only papers with at least 25 upvotes on Hugging Face will be picked.",
        ),
        ("set max-age 10", {"max_age_days": 10}, "Papers up to 10 days old can be picked."),
        (
            "set layout channel",
            {"layout": Layout.CHANNEL},
            "Papers will be posted in the channel.",
        ),
        (
            "set recap sat 08:45",
            {"recap_day": 5, "recap_at": time(8, 45)},
            "Weekly recap: Saturdays at 08:45 (Europe/Berlin).",
        ),
        ("set recap off", {"recap_day": None}, "Weekly recap: off."),
        (
            "topics add robotics, agents",
            {"topics": ("agents", "diffusion", "robotics")},
            "The topics are now: agents, diffusion, robotics.",
        ),
        (
            "topics remove agents",
            {"topics": ("diffusion",)},
            "The topics are now: diffusion.",
        ),
        (
            "exclude add nft",
            {"excludes": ("crypto", "nft")},
            "The excluded words are now: crypto, nft.",
        ),
        ("exclude remove crypto", {"excludes": ()}, "The excluded words are now: none."),
        ("topics clear", {"topics": ()}, "Cleared the topics."),
        ("exclude clear", {"excludes": ()}, "Cleared the excluded words."),
    ],
)
def test_a_change_touches_only_its_fields_and_says_what_is_stored(
    text: str, fields: dict[str, object], answer: str
) -> None:
    after, said = changed(text)

    assert after == ChannelSettings(**{**_fields(CONFIGURED), **fields})
    assert said == answer


def test_the_thread_layout_is_named_in_words() -> None:
    before = ChannelSettings(GENERAL, layout=Layout.CHANNEL)

    after, said = changed("set layout thread", before)

    assert after.layout is Layout.THREAD
    assert said == "Papers will be posted in a thread under the header."


def test_adding_words_already_listed_keeps_one_of_each() -> None:
    after, said = changed("topics add diffusion, agents")

    assert after.topics == ("agents", "diffusion")
    assert said == "The topics are now: agents, diffusion."


def test_an_action_that_changes_no_setting_is_not_taken_for_one() -> None:
    with pytest.raises(TypeError, match=r"^unhandled action Today\(\)$"):
        settings_change(grammar.parse("today"))


def _fields(settings: ChannelSettings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in ChannelSettings.__dataclass_fields__}
