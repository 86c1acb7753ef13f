"""`/papers follow`: a followed author or organization ranks higher and is marked in the
digest; names are completed from the stored papers, misspellings get a suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.models import ChannelRef, ChannelSettings, Follow, FollowKind, ReplyKind
from tests.core.conftest import GENERAL, NOW, TODAY, Harness
from tests.fakes.papers import make_paper

LECUN_PAPER = make_paper(
    id="2606.00099",
    title="Energy-Based World Models",
    authors=("Ada Lovelace", "Yann LeCun"),
    organization="Meta AI",
    upvotes=1,
    featured_on=TODAY,
)
LAST_MONTH = TODAY - timedelta(days=30)
STORED_AUTHORS = (
    make_paper(id="2605.00090", authors=("Yann LeCun", "Yi Zhang"), featured_on=LAST_MONTH),
    make_paper(
        id="2605.00091", authors=("Yu Zhang",), organization="NVIDIA", featured_on=LAST_MONTH
    ),
)


@pytest.fixture
async def with_authors(harness: Harness) -> Harness:
    """The core over a store that has also seen LeCun, two Zhangs and NVIDIA."""
    await harness.store.upsert_papers([*STORED_AUTHORS, LECUN_PAPER], at=NOW)
    return harness


async def test_following_an_author_lifts_and_marks_their_paper(with_authors: Harness) -> None:
    before = await with_authors.run("today")
    assert before.digest is not None
    assert "2606.00099" not in [item.paper_id for item in before.digest.items]

    reply = await with_authors.run('follow author "yann lecun"')

    assert reply.text == "Following Yann LeCun: their papers rank higher here and are marked ⭐."
    settings = await with_authors.store.get_channel(GENERAL)
    assert settings is not None
    assert settings.follows == (Follow(FollowKind.AUTHOR, "Yann LeCun"),)
    after = await with_authors.run("today")
    assert after.digest is not None
    top = after.digest.items[0]
    assert (top.paper_id, top.followed) == ("2606.00099", ("Yann LeCun",))
    assert all(item.followed == () for item in after.digest.items[1:])
    why = await with_authors.run("why 2606.00099")
    assert "you follow Yann LeCun (+5.0)" in why.text


async def test_initials_are_completed_from_the_stored_names(with_authors: Harness) -> None:
    reply = await with_authors.run("follow author Y. LeCun")
    assert reply.text.startswith("Following Yann LeCun:")


async def test_initials_that_fit_two_people_are_followed_as_typed(with_authors: Harness) -> None:
    reply = await with_authors.run("follow author Y. Zhang")
    assert reply.text.startswith("Following Y. Zhang, which fits Yi Zhang or Yu Zhang;")


async def test_a_misspelt_name_is_followed_as_typed_with_a_suggestion(
    with_authors: Harness,
) -> None:
    reply = await with_authors.run("follow author Yan LeCunn")

    assert reply.text == (
        "Following Yan LeCunn, though no stored paper has that name yet, so nothing is "
        "marked until one arrives; did you mean Yann LeCun?"
    )
    settings = await with_authors.store.get_channel(GENERAL)
    assert settings is not None and settings.follows == (Follow(FollowKind.AUTHOR, "Yan LeCunn"),)


async def test_a_surname_alone_is_refused_with_the_people_it_could_be(
    with_authors: Harness,
) -> None:
    reply = await with_authors.run("follow author ZHANG")

    assert reply.kind is ReplyKind.ERROR
    assert reply.text == (
        "Give a first name or initial too: do you mean Vito Zhang, Yi Zhang or Yu Zhang?"
    )
    assert await with_authors.store.get_channel(GENERAL) is None


async def test_an_organization_is_matched_without_case_or_spaces(with_authors: Harness) -> None:
    reply = await with_authors.run("follow org nvidia")
    assert reply.text == "Following NVIDIA: its papers rank higher here and are marked ⭐."


async def test_following_twice_says_so_and_unfollow_removes(with_authors: Harness) -> None:
    await with_authors.run("follow author Yann LeCun")
    await with_authors.run("follow org NVIDIA")

    again = await with_authors.run("follow author Y. LeCun")
    listed = await with_authors.run("following")
    gone = await with_authors.run("unfollow author y lecun")
    missing = await with_authors.run("unfollow author Yann LeCun")

    assert again.text == "This channel already follows Yann LeCun."
    assert listed.text == "This channel follows authors Yann LeCun; organizations NVIDIA."
    assert gone.text == "Stopped following Yann LeCun."
    assert missing.kind is ReplyKind.ERROR
    assert missing.text.startswith("This channel does not follow Yann LeCun;")
    settings = await with_authors.store.get_channel(GENERAL)
    assert settings is not None and settings.follows == (Follow(FollowKind.ORG, "NVIDIA"),)


async def test_follows_belong_to_one_channel(with_authors: Harness) -> None:
    other = ChannelRef("console", "local", "other")
    await with_authors.run("follow author Yann LeCun")

    assert (await with_authors.run("following", channel=other)).text.startswith(
        "This channel follows no one yet"
    )


async def test_only_people_who_manage_the_channel_may_follow(with_authors: Harness) -> None:
    reply = await with_authors.run("follow author Yann LeCun", manage=False)

    assert reply.kind is ReplyKind.ERROR
    assert await with_authors.store.get_channel(GENERAL) is None
    assert (await with_authors.run("following", manage=False)).kind is ReplyKind.TEXT


async def test_a_channel_follows_fifty_names_at_most(harness: Harness) -> None:
    full = tuple(Follow(FollowKind.ORG, f"Lab {n}") for n in range(49))
    await harness.store.save_channel(ChannelSettings(GENERAL, follows=full))

    fiftieth = await harness.run("follow org Lab Fifty")
    refused = await harness.run("follow org Lab Fifty-one")

    assert fiftieth.kind is ReplyKind.TEXT
    assert refused.kind is ReplyKind.ERROR
    assert refused.text == ("This channel follows 50 names already; /papers unfollow one first.")
    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None
    assert settings.follows == (*full, Follow(FollowKind.ORG, "Lab Fifty"))


async def test_a_full_channel_still_says_it_already_follows_a_name(harness: Harness) -> None:
    full = tuple(Follow(FollowKind.ORG, f"Lab {n}") for n in range(50))
    await harness.store.save_channel(ChannelSettings(GENERAL, follows=full))

    reply = await harness.run("follow org Lab 7")

    assert reply.text == "This channel already follows Lab 7."


async def test_unfollowing_a_name_not_followed_says_how_to_list_the_follows(
    harness: Harness,
) -> None:
    await harness.run('follow author "Ada Lovelace"')

    reply = await harness.run('unfollow author "Alan Turing"')

    assert reply.text == (
        "This channel does not follow Alan Turing; /papers following lists who it does."
    )
    settings = await harness.store.get_channel(GENERAL)
    assert settings is not None and settings.follows == (Follow(FollowKind.AUTHOR, "Ada Lovelace"),)


async def test_an_unknown_one_word_organization_is_followed_as_typed(harness: Harness) -> None:
    reply = await harness.run("follow org Zyxlab")

    assert reply.kind is ReplyKind.TEXT
    assert reply.text.startswith("Following Zyxlab, though no stored paper has that name yet")


async def test_a_one_word_author_stored_under_that_name_is_followed(harness: Harness) -> None:
    await harness.store.upsert_papers(
        [make_paper(id="2606.00098", authors=("Prince",), featured_on=TODAY)], at=NOW
    )

    reply = await harness.run("follow author Prince")

    assert reply.text == "Following Prince: their papers rank higher here and are marked ⭐."


async def test_a_surname_no_one_has_is_refused_with_an_example_of_it(harness: Harness) -> None:
    reply = await harness.run("follow author Quokkason")

    assert reply.kind is ReplyKind.ERROR
    assert reply.text == (
        'Give a first name or initial too, e.g. /papers follow author "Y. Quokkason".'
    )
