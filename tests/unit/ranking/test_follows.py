"""Follows: a followed author or organization lifts a paper by one named boost, and a typed
name is completed from the names the store has seen, or answered with the closest ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.models import ChannelRef, ChannelSettings, Follow, FollowKind
from bot.ranking import rank, score
from bot.ranking.follows import NameMatch, find_follow, followed_in, match_name
from bot.ranking.score import FOLLOW_BOOST
from tests.fakes.papers import make_paper

NOW = datetime(2026, 6, 12, 12, tzinfo=UTC)
CHANNEL = ChannelSettings(ChannelRef("console", "local", "general"))
LECUN = Follow(FollowKind.AUTHOR, "Yann LeCun")
NVIDIA = Follow(FollowKind.ORG, "NVIDIA")


def test_a_paper_by_a_followed_author_gets_the_boost_and_says_why() -> None:
    paper = make_paper(authors=("Ada Lovelace", "Y. LeCun"), organization="Meta")
    following = replace(CHANNEL, follows=(LECUN,))

    plain, boosted = score(paper, CHANNEL, now=NOW), score(paper, following, now=NOW)

    assert boosted.total == round(plain.total + FOLLOW_BOOST, 1)
    follows = next(c for c in boosted.components if c.name == "follows")
    assert (follows.value, follows.detail) == (FOLLOW_BOOST, "you follow Yann LeCun")
    assert boosted.total == round(sum(c.value for c in boosted.components), 1)


def test_several_follows_on_one_paper_still_add_one_boost() -> None:
    paper = make_paper(authors=("Yann LeCun",), organization="nvidia")
    both = replace(CHANNEL, follows=(LECUN, NVIDIA))

    explanation = score(paper, both, now=NOW)

    follows = next(c for c in explanation.components if c.name == "follows")
    assert (follows.value, follows.detail) == (FOLLOW_BOOST, "you follow Yann LeCun and NVIDIA")
    assert followed_in(paper, both.follows) == ("Yann LeCun", "NVIDIA")


def test_a_followed_organization_lifts_its_paper_over_a_more_upvoted_one() -> None:
    theirs = make_paper(id="2606.00001", upvotes=20, organization="NVIDIA")
    popular = make_paper(id="2606.00002", upvotes=60, organization="Google")
    following = replace(CHANNEL, follows=(NVIDIA,))

    def order(settings: ChannelSettings) -> list[str]:
        ranked = rank([theirs, popular], settings, now=NOW, momentum={}, tallies={})
        return [paper.id for paper, _ in ranked]

    assert order(CHANNEL) == ["2606.00002", "2606.00001"]
    assert order(following) == ["2606.00001", "2606.00002"]


def test_someone_else_with_the_same_surname_is_not_followed() -> None:
    paper = make_paper(authors=("Xavier LeCun",))
    assert followed_in(paper, (LECUN,)) == ()


def test_find_follow_is_as_forgiving_as_matching() -> None:
    assert find_follow((LECUN, NVIDIA), Follow(FollowKind.AUTHOR, "y. lecun")) == LECUN
    assert find_follow((LECUN, NVIDIA), Follow(FollowKind.ORG, "Nvidia")) == NVIDIA
    assert find_follow((LECUN,), Follow(FollowKind.ORG, "Yann LeCun")) is None


SEEN = ["Yann LeCun", "Yoshua Bengio", "Yi Zhang", "Yu Zhang", "Lêng Zhāo"]


def test_a_typed_name_is_completed_from_the_stored_names() -> None:
    assert match_name(FollowKind.AUTHOR, "yann lecun", SEEN).known == "Yann LeCun"
    assert match_name(FollowKind.AUTHOR, "Y. LeCun", SEEN).known == "Yann LeCun"
    assert match_name(FollowKind.AUTHOR, "Leng Zhao", SEEN).known == "Lêng Zhāo"


def test_a_misspelt_name_gets_the_closest_stored_names() -> None:
    found = match_name(FollowKind.AUTHOR, "Yan LeCunn", SEEN)
    assert (found.known, found.suggestions) == (None, ("Yann LeCun",))
    assert match_name(FollowKind.AUTHOR, "Ada Lovelace", SEEN).suggestions == ()


def test_initials_that_fit_several_people_are_kept_as_typed_with_the_choices() -> None:
    found = match_name(FollowKind.AUTHOR, "Y. Zhang", SEEN)
    assert (found.known, found.suggestions) == ("Y. Zhang", ("Yi Zhang", "Yu Zhang"))


def test_organizations_match_without_spaces_and_punctuation() -> None:
    orgs = ["DeepSeek-AI", "NVIDIA", "Google DeepMind"]
    assert match_name(FollowKind.ORG, "deepseek ai", orgs).known == "DeepSeek-AI"
    assert match_name(FollowKind.ORG, "nvdia", orgs).suggestions == ("NVIDIA",)


def test_find_follow_finds_nothing_for_a_name_not_followed() -> None:
    assert find_follow((NVIDIA, LECUN), Follow(FollowKind.AUTHOR, "Yoshua Bengio")) is None
    assert find_follow((LECUN, NVIDIA), Follow(FollowKind.ORG, "Google")) is None


def test_a_stored_name_written_as_typed_wins_over_a_fuller_one() -> None:
    found = match_name(FollowKind.AUTHOR, "Y. LeCun", ["Yann LeCun", "Y. LeCun"])
    assert found == NameMatch("Y. LeCun")


def test_the_fullest_stored_form_has_the_most_words() -> None:
    found = match_name(FollowKind.AUTHOR, "Y. LeCun", ["Yann LeCun", "Yann A. LeCun"])
    assert found == NameMatch("Yann A. LeCun")


def test_an_organization_is_not_completed_as_a_person_would_be() -> None:
    # As a person's name, "G. DeepMind" would be Google DeepMind's initial and surname.
    found = match_name(FollowKind.ORG, "G. DeepMind", ["Google DeepMind"])
    assert found.known is None


def test_at_most_three_close_names_are_suggested() -> None:
    seen = ["Yi Zhang", "Yu Zhang", "Ya Zhang", "Yo Zhang", "Ye Zhang"]
    found = match_name(FollowKind.AUTHOR, "Y Zhan", seen)
    assert found == NameMatch(None, ("Yi Zhang", "Yu Zhang", "Ya Zhang"))
