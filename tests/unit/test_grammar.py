"""The `/papers ...` grammar: every subcommand, every kind of refusal, and fuzzing.

Each table row reads like an example a user might type. The hypothesis tests hold the
promise adapters rely on: for any string, `parse` returns an Action or raises UsageError
with one short sentence, and nothing else.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from random import Random
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import grammar
from bot.grammar import (
    HELP,
    SUBCOMMANDS,
    Action,
    ChangeWords,
    ClearWords,
    DigestNow,
    FollowName,
    Help,
    ListFollows,
    ListWords,
    More,
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
    command_words,
    help_entries,
    is_change,
    parse,
)
from bot.models import WEEKDAYS, FollowKind, Layout

ALL_DAYS = frozenset(range(7))
MON_TO_FRI = frozenset(range(5))
BERLIN_WEEKDAYS_0930 = Subscribe(time(9, 30), "Europe/Berlin", MON_TO_FRI)

VALID: list[tuple[str, Action]] = [
    # help, and the prefixes and whitespace people type
    ("", Help()),
    ("   ", Help()),
    ("help", Help()),
    ("  HELP  ", Help()),
    ("/papers", Help()),
    ("papers", Help()),
    ("/Papers help", Help()),
    ("help subscribe", Help("subscribe")),
    ("help SET", Help("set")),
    ("help topic", Help("topics")),
    ("help digest", Help("digest")),
    # reading commands
    ("today", Today()),
    ("papers TODAY", Today()),
    ("top", Top("day")),
    ("top day", Top("day")),
    ("top week", Top("week")),
    ("Top MONTH", Top("month")),
    ("search diffusion transformers", Search("diffusion transformers")),
    ("\tsearch\tGraph   Neural  nets ", Search("Graph Neural nets")),
    ("search " + "a" * 200, Search("a" * 200)),
    ("search " + "b" * 400, Search("b" * 400)),
    ("paper 2606.00467", ShowPaper("2606.00467")),
    ("paper 2606.00467v2", ShowPaper("2606.00467")),
    ("paper arXiv:2606.00467", ShowPaper("2606.00467")),
    ("paper https://arxiv.org/abs/2606.00467v2", ShowPaper("2606.00467")),
    ("paper https://arxiv.org/pdf/2606.00467v1.pdf", ShowPaper("2606.00467")),
    ("paper https://arxiv.org/pdf/2606.00467v1", ShowPaper("2606.00467")),
    ("paper https://huggingface.co/papers/2606.00467", ShowPaper("2606.00467")),
    ("paper hep-th/9901001", ShowPaper("hep-th/9901001")),
    ("paper cs/0112017", ShowPaper("cs/0112017")),
    ("settings", ShowSettings()),
    # subscribe: the three optional parts in any order
    ("subscribe", Subscribe()),
    ("subscribe 09:30 Europe/Berlin weekdays", BERLIN_WEEKDAYS_0930),
    ("subscribe weekdays 09:30 Europe/Berlin", BERLIN_WEEKDAYS_0930),
    ("subscribe Europe/Berlin weekdays 9:30", BERLIN_WEEKDAYS_0930),
    ("/papers  SUBSCRIBE  9:30am  europe/berlin  Mon-Fri", BERLIN_WEEKDAYS_0930),
    ("subscribe 9am", Subscribe(post_at=time(9, 0))),
    ("subscribe 9 am", Subscribe(post_at=time(9, 0))),
    ("subscribe 9 pm Europe/Berlin weekdays", Subscribe(time(21, 0), "Europe/Berlin", MON_TO_FRI)),
    ("subscribe 9:30pm", Subscribe(post_at=time(21, 30))),
    ("subscribe 9:30 PM", Subscribe(post_at=time(21, 30))),
    ("subscribe 12am", Subscribe(post_at=time(0, 0))),
    ("subscribe 12pm", Subscribe(post_at=time(12, 0))),
    ("subscribe 21:30", Subscribe(post_at=time(21, 30))),
    ("subscribe 00:00", Subscribe(post_at=time(0, 0))),
    ("subscribe 23:59", Subscribe(post_at=time(23, 59))),
    ("subscribe UTC", Subscribe(timezone="UTC")),
    ("subscribe utc", Subscribe(timezone="UTC")),
    (
        "subscribe America/Argentina/Buenos_Aires",
        Subscribe(timezone="America/Argentina/Buenos_Aires"),
    ),
    ("subscribe Etc/GMT-2", Subscribe(timezone="Etc/GMT-2")),
    ("subscribe daily", Subscribe(days=ALL_DAYS)),
    ("subscribe weekends", Subscribe(days=frozenset({5, 6}))),
    ("subscribe mon,wed,fri", Subscribe(days=frozenset({0, 2, 4}))),
    ("subscribe Mon, Wed , Fri", Subscribe(days=frozenset({0, 2, 4}))),
    ("subscribe ,mon,,wed,", Subscribe(days=frozenset({0, 2}))),
    ("subscribe 9:30, Europe/Berlin, weekdays", BERLIN_WEEKDAYS_0930),
    ("subscribe mon-fri", Subscribe(days=MON_TO_FRI)),
    ("subscribe fri-mon", Subscribe(days=frozenset({4, 5, 6, 0}))),
    ("subscribe monday thursday", Subscribe(days=frozenset({0, 3}))),
    ("subscribe tues,thurs", Subscribe(days=frozenset({1, 3}))),
    ("subscribe weekdays sat", Subscribe(days=frozenset(range(6)))),
    ("subscribe sundays", Subscribe(days=frozenset({6}))),
    ("unsubscribe", Unsubscribe()),
    # set
    ("set size 5", SetSize(5)),
    ("set size 1", SetSize(1)),
    ("SET SIZE 10", SetSize(10)),
    ("set min-upvotes 0", SetMinUpvotes(0)),
    ("set min-upvotes 100000", SetMinUpvotes(100_000)),
    ("set min_upvotes 25", SetMinUpvotes(25)),
    ("set max-age 1", SetMaxAge(1)),
    ("set max-age 14", SetMaxAge(14)),
    ("set max-age 3 days", SetMaxAge(3)),
    ("set max-age 1 day", SetMaxAge(1)),
    ("set layout thread", SetLayout(Layout.THREAD)),
    ("set layout Channel", SetLayout(Layout.CHANNEL)),
    # topics and excludes
    ("topics", ListWords("topics")),
    ("topics list", ListWords("topics")),
    ("topic list", ListWords("topics")),
    ("topics clear", ClearWords("topics")),
    ("topics add diffusion LLM", ChangeWords("topics", True, ("diffusion", "llm"))),
    (
        "topics add Diffusion Models,  reinforcement   learning,",
        ChangeWords("topics", True, ("diffusion models", "reinforcement learning")),
    ),
    ("topics add rl rl RL", ChangeWords("topics", True, ("rl",))),
    ("topics add rl rl llm", ChangeWords("topics", True, ("rl", "llm"))),
    ("topics remove rl", ChangeWords("topics", False, ("rl",))),
    ("exclude", ListWords("excludes")),
    ("exclude list", ListWords("excludes")),
    ("exclude clear", ClearWords("excludes")),
    (
        "exclude add robotics, medical imaging",
        ChangeWords("excludes", True, ("robotics", "medical imaging")),
    ),
    ("excludes remove Robotics", ChangeWords("excludes", False, ("robotics",))),
    (
        "topics add " + " ".join(f"w{i}" for i in range(20)),
        ChangeWords("topics", True, tuple(f"w{i}" for i in range(20))),
    ),
    ("topics add " + "x" * 50, ChangeWords("topics", True, ("x" * 50,))),
    # why, digest now
    ("why 2", Why(rank=2)),
    ("why 1", Why(rank=1)),
    ("why 10", Why(rank=10)),
    ("why 2606.00467v2", Why(paper_id="2606.00467")),
    ("why https://huggingface.co/papers/2606.00467", Why(paper_id="2606.00467")),
    ("taste", ShowTaste()),
    ("similar 2", Similar(rank=2)),
    ("more", More()),
    ("more k3J9xQ:5", More("k3J9xQ", 5)),
    ("more k3J9xQ", More("k3J9xQ")),
    ("similar https://arxiv.org/abs/2606.13392v2", Similar(paper_id="2606.13392")),
    # follows
    ('follow author "Yann LeCun"', FollowName(FollowKind.AUTHOR, "Yann LeCun")),
    ("follow author  Y.   LeCun ", FollowName(FollowKind.AUTHOR, "Y. LeCun")),
    ("Follow Authors “Lêng Zhāo”", FollowName(FollowKind.AUTHOR, "Lêng Zhāo")),
    ("follow org NVIDIA", FollowName(FollowKind.ORG, "NVIDIA")),
    ('follow author "Xavier Bresson"', FollowName(FollowKind.AUTHOR, "Xavier Bresson")),
    ("follow org " + "x" * 100, FollowName(FollowKind.ORG, "x" * 100)),
    ("follow organisation deepseek-ai", FollowName(FollowKind.ORG, "deepseek-ai")),
    ("unfollow author 'Yann LeCun'", FollowName(FollowKind.AUTHOR, "Yann LeCun", follow=False)),
    ("unfollow orgs Google", FollowName(FollowKind.ORG, "Google", follow=False)),
    ("following", ListFollows()),
    # the weekly recap
    ("set recap fri 16:00", SetRecap(4, time(16, 0))),
    ("set recap 9:30am Monday", SetRecap(0, time(9, 30))),
    ("set recap OFF", SetRecap(None, None)),
    ("digest now", DigestNow()),
    ("Digest NOW", DigestNow()),
]


def case_id(text: str) -> str:
    """A table row's test id: its first 40 characters, each hidden or non-ASCII one (and the
    backslash) written as U+XXXX, so the id is the same however often pytest collects it."""
    return "".join(
        char if char.isascii() and char.isprintable() and char != "\\" else f"U+{ord(char):04X}"
        for char in text[:40]
    )


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[case_id(text) for text, _ in VALID])
def test_parses_every_subcommand(text: str, expected: Action) -> None:
    assert parse(text) == expected


def test_valid_table_covers_every_subcommand() -> None:
    seen = {parse(text).__class__ for text, _ in VALID}
    assert seen == set(get_args(Action))


ERRORS: list[tuple[str, str]] = [
    # input that never gets as far as a subcommand
    ("x" * 501, "That command is too long; keep it to 500 characters or fewer."),
    (
        "today\x00",
        "That command has a hidden or control character in it; type it again as plain text.",
    ),
    ("search a\nb", "hidden or control character"),
    ("search a\rb", "hidden or control character"),
    ("search a\x7fb", "hidden or control character"),
    ("search a\x85b", "hidden or control character"),
    ("search a\u200bb", "hidden or control character"),
    ("search a\u200db", "hidden or control character"),
    ("search \u202etxt.exe", "hidden or control character"),
    ("search \u2066isolated\u2069", "hidden or control character"),
    ("\ufeffhelp", "hidden or control character"),
    ("search a\u2028b", "hidden or control character"),
    ("search \ud800", "hidden or control character"),
    # unknown subcommands
    ("subscrbe 09:30", "There's no /papers subscrbe; did you mean /papers subscribe?"),
    ("unsub", "did you mean /papers unsubscribe?"),
    ("fnord", "There's no /papers fnord; type /papers help to see what I can do."),
    ("x" * 60, "There's no /papers " + "x" * 29 + "…;"),
    ("q" * 30, "There's no /papers " + "q" * 30 + "; type /papers help to see what I can do."),
    ("help fnord", "There's no /papers fnord"),
    ("help set size", "Ask about one subcommand at a time, e.g. /papers help subscribe."),
    # extra words after commands that take none
    ("today please", "Use /papers today on its own, with nothing after it."),
    ("taste please", "Use /papers taste on its own, with nothing after it."),
    ("unsubscribe now", "Use /papers unsubscribe on its own"),
    ("settings all", "Use /papers settings on its own"),
    # top, search, paper
    ("top year", "Use day, week or month, e.g. /papers top week."),
    ("top this week", "Use day, week or month"),
    ("search", "Say what to look for, e.g. /papers search diffusion transformers."),
    ("search    ", "Say what to look for"),
    ("search " + "a" * 401, "That search is too long; keep it to 400 characters or fewer."),
    ("paper", "Give one arXiv id or link, e.g. /papers paper 2606.00467."),
    ("paper 2606.00467 2606.00468", "Give one arXiv id or link"),
    ("paper 1234", "That doesn't look like an arXiv id; use one like 2606.00467"),
    ("paper https://example.com/abs/2606.00467", "doesn't look like an arXiv id"),
    # subscribe
    ("subscribe 25:99", "That time doesn't look right; use HH:MM, e.g. 09:30."),
    ("subscribe 24:00", "That time doesn't look right"),
    ("subscribe 9:60", "That time doesn't look right"),
    ("subscribe 9:60am", "That time doesn't look right"),
    ("subscribe 13pm", "That time doesn't look right"),
    ("subscribe 0am", "That time doesn't look right"),
    ("subscribe 21:30pm", "That time doesn't look right"),
    ("subscribe 9", "That time doesn't look right"),
    ("subscribe 0930", "That time doesn't look right"),
    ("subscribe -9:30", "I can't read -9:30"),
    (
        "subscribe Mars/Base",
        "Mars/Base isn't a time zone I know; use an IANA name such as Europe/Berlin.",
    ),
    ("subscribe PST", "PST isn't a time zone I know"),
    ("subscribe UTC+2", "UTC+2 isn't a time zone I know"),
    ("subscribe ../../etc/passwd", "isn't a time zone I know"),
    ("subscribe /etc/localtime", "isn't a time zone I know"),
    ("subscribe Europe/../Europe/Berlin", "isn't a time zone I know"),
    ("subscribe localtime", "I can't read localtime as a time, a time zone or days"),
    ("subscribe 09:30 10:00", "Give one time, e.g. /papers subscribe 09:30."),
    ("subscribe UTC Europe/Berlin", "Give one time zone, e.g. /papers subscribe Europe/Berlin."),
    ("subscribe mon,xyz", "I can't read xyz as a time, a time zone or days"),
    (
        "subscribe mon-frx",
        "Those days don't look right; use daily, weekdays, weekends, "
        "or names like mon,wed,fri or mon-fri.",
    ),
    ("subscribe xyz-fri", "Those days don't look right"),
    ("subscribe wekdays", "I can't read wekdays as a time, a time zone or days; did you mean"),
    ("subscribe tomorrow", "try e.g. /papers subscribe 09:30 Europe/Berlin weekdays."),
    # set
    (
        "set",
        "Say what to set: size, min-upvotes, max-age, layout or recap, e.g. /papers set size 5.",
    ),
    ("set sise 5", "There's no setting called sise; did you mean size?"),
    ("set colour blue", "There's no setting called colour; use size, min-upvotes"),
    ("set size 0", "Size must be a number from 1 to 10, e.g. /papers set size 5."),
    ("set size 11", "Size must be a number from 1 to 10"),
    ("set size -1", "Size must be a number from 1 to 10"),
    ("set size five", "Size must be a number from 1 to 10"),
    ("set size 5.5", "Size must be a number from 1 to 10"),
    ("set size", "Size must be a number from 1 to 10"),
    ("set size 5 6", "Size must be a number from 1 to 10"),
    ("set size ５", "Size must be a number from 1 to 10"),
    ("set size 99999999999999999999", "Size must be a number from 1 to 10"),
    ("set min-upvotes -5", "Min-upvotes must be a number from 0 to 100000"),
    ("set min-upvotes 100001", "Min-upvotes must be a number from 0 to 100000"),
    ("set max-age 0", "Max-age must be a number of days from 1 to 14, e.g. /papers set max-age 3."),
    ("set max-age 15", "Max-age must be a number of days from 1 to 14"),
    ("set max-age 3 weeks", "Max-age must be a number of days from 1 to 14"),
    ("set layout sideways", "Layout must be thread or channel, e.g. /papers set layout channel."),
    ("set layout", "Layout must be thread or channel"),
    ("set recap", "Give one day and a time, e.g. /papers set recap fri 16:00"),
    ("set recap fri", "Give one day and a time"),
    ("set recap weekdays 16:00", "The recap goes out on one day of the week"),
    ("set recap fri 25:00", "That time doesn't look right"),
    # follows
    ("follow", "Say author or org, e.g. /papers follow author"),
    ("follow Yann LeCun", "Say author or org"),
    ("unfollow person x", "Say author or org, e.g. /papers unfollow author"),
    ('follow author ""', "Name the author, e.g. /papers follow author"),
    ("follow org ...", "Name the org, e.g."),
    ("follow author " + "x" * 101, "Keep the name to 100 characters or fewer."),
    ("following all", "Use /papers following on its own"),
    # topics and excludes
    ("topics add", "Name at least one word, e.g. /papers topics add diffusion."),
    ("exclude remove , ,", "Name at least one word, e.g. /papers exclude remove robotics."),
    (
        "topics add " + "x" * 51,
        "Keep each word or phrase to 50 characters or fewer; separate phrases with commas.",
    ),
    ("topics add " + " ".join(f"w{i}" for i in range(21)), "Give at most 20 words or phrases"),
    ("topics ad diffusion", "There's no /papers topics ad; did you mean /papers topics add?"),
    ("topics lst", "There's no /papers topics lst; did you mean /papers topics list?"),
    (
        "exclude remov robotics",
        "There's no /papers exclude remov; did you mean /papers exclude remove?",
    ),
    ("topics clera", "There's no /papers topics clera; did you mean /papers topics clear?"),
    ("exclude frobnicate", "Use list, add, remove or clear, e.g. /papers exclude add robotics."),
    ("topics list all", "Use /papers topics list on its own"),
    ("exclude clear robotics", "Use /papers exclude clear on its own"),
    # why, digest
    ("why", "Give a rank from 1 to 10 or an arXiv id, e.g. /papers why 2."),
    ("why 1 2", "Give a rank from 1 to 10 or an arXiv id"),
    ("why banana", "Give a rank from 1 to 10 or an arXiv id"),
    ("why 0", "Rank must be a number from 1 to 10, e.g. /papers why 2."),
    ("why 11", "Rank must be a number from 1 to 10"),
    ("why -1", "Rank must be a number from 1 to 10"),
    ("similar", "Give a rank from 1 to 10 or an arXiv id, e.g. /papers similar 2."),
    ("more two words", "Use /papers more after a search to see its next results."),
    ("more k3J9xQ:99999", "Use /papers more after a search"),
    ("similar 11", "Rank must be a number from 1 to 10, e.g. /papers similar 2."),
    ("digest", "Use /papers digest now to post today's digest in this channel."),
    ("digest later", "Use /papers digest now"),
]


def assert_in_product_voice(message: str) -> None:
    """One short sentence, no exclamation marks, no line breaks."""
    assert message
    assert len(message) <= 140, message
    assert "!" not in message and "\n" not in message, message
    assert message[-1] in ".?", message
    assert not re.search(r"[.?] ", message.replace("e.g. ", "")), message


@pytest.mark.parametrize(("text", "fragment"), ERRORS, ids=[case_id(text) for text, _ in ERRORS])
def test_refuses_with_one_sentence_that_says_what_to_do(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse(text)
    message = str(refused.value)
    assert fragment in message
    assert_in_product_voice(message)


def test_500_characters_is_still_allowed() -> None:
    text = "search " + "a" * 193 + " " * 300
    assert len(text) == 500
    assert parse(text) == Search("a" * 193)


def test_tab_counts_as_whitespace_not_as_a_control_character() -> None:
    assert parse("set\tsize\t3") == SetSize(3)


@pytest.mark.parametrize(
    ("action", "changes"),
    [
        (Help(), False),
        (Today(), False),
        (Top("week"), False),
        (Search("rl"), False),
        (ShowPaper("2606.00467"), False),
        (ShowSettings(), False),
        (ListWords("topics"), False),
        (Why(rank=1), False),
        (Subscribe(), True),
        (Unsubscribe(), True),
        (SetSize(3), True),
        (SetMinUpvotes(3), True),
        (SetMaxAge(3), True),
        (SetLayout(Layout.CHANNEL), True),
        (ChangeWords("excludes", True, ("rl",)), True),
        (ClearWords("topics"), True),
        (DigestNow(), True),
    ],
)
def test_is_change_marks_what_only_managers_may_do(action: Action, changes: bool) -> None:
    assert is_change(action) is changes


def test_actions_are_frozen_values() -> None:
    action = SetSize(3)
    with pytest.raises(AttributeError):
        action.size = 4  # type: ignore[misc]
    assert {SetSize(3), SetSize(3)} == {action}


def test_help_has_an_example_for_every_subcommand_and_every_example_parses() -> None:
    assert {entry.subcommand for entry in HELP} == set(SUBCOMMANDS)
    for entry in HELP:
        assert entry.usage.startswith("/papers ")
        assert entry.description.endswith(".") and "!" not in entry.description
        action = parse(entry.example)
        assert parse(entry.example.split(maxsplit=1)[1]) == action
        assert parse(f"help {entry.subcommand}") == Help(entry.subcommand)


def test_help_entries_for_one_topic() -> None:
    assert help_entries() == HELP
    assert [entry.usage.split()[2] for entry in help_entries("set")] == [
        "size",
        "min-upvotes",
        "max-age",
        "layout",
        "recap",
    ]
    assert [entry.example for entry in help_entries("today")] == ["/papers today"]


def test_command_words_are_the_literal_words_of_the_help_lines() -> None:
    every_subcommand: dict[str, dict] = {subcommand: {} for subcommand in SUBCOMMANDS}
    word_list_verbs: dict[str, dict] = {"list": {}, "add": {}, "remove": {}, "clear": {}}
    assert command_words() == {
        "help": every_subcommand,
        "today": {},
        "top": {"day": {}, "week": {}, "month": {}},
        "search": {},
        "more": {},
        "paper": {},
        "why": {},
        "similar": {},
        "subscribe": {},
        "unsubscribe": {},
        "settings": {},
        "set": {
            "size": {},
            "min-upvotes": {},
            "max-age": {},
            "layout": {"thread": {}, "channel": {}},
            "recap": {},
        },
        "topics": word_list_verbs,
        "exclude": word_list_verbs,
        "taste": {},
        "follow": {"author": {}, "org": {}},
        "unfollow": {"author": {}, "org": {}},
        "following": {},
        "digest": {"now": {}},
    }


# --- hypothesis -----------------------------------------------------------------------

VOCABULARY = [
    *SUBCOMMANDS,
    "/papers",
    "papers",
    "add",
    "remove",
    "list",
    "clear",
    "now",
    "size",
    "min-upvotes",
    "max-age",
    "layout",
    "thread",
    "channel",
    "day",
    "week",
    "month",
    "0",
    "5",
    "11",
    "-3",
    "100001",
    "9am",
    "9:30",
    "25:99",
    "12pm",
    "am",
    "Europe/Berlin",
    "Mars/Base",
    "UTC",
    "weekdays",
    "mon-fri",
    "fri-mon",
    "mon,wed",
    ",",
    "mon,",
    "2606.00467v2",
    "arXiv:2606.00467",
    "hep-th/9901001",
    "https://arxiv.org/pdf/2606.00467v1.pdf",
    "diffusion",
]
vocabulary_text = st.lists(
    st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8)), max_size=8
).flatmap(
    lambda words: st.lists(
        st.sampled_from([" ", "  ", "\t", " , "]), min_size=len(words), max_size=len(words)
    ).map(lambda gaps: "".join(gap + word for gap, word in zip(gaps, words, strict=True)))
)


def parse_outcome(text: str) -> Action | str:
    """The action, or the refusal's sentence (one short line that may echo a word typed)."""
    try:
        action = parse(text)
    except UsageError as refused:
        message = str(refused)
        assert message and "\n" not in message and message[-1] in ".?"
        assert len(message) <= 170, message
        return f"refused: {message}"
    assert isinstance(action, get_args(Action))
    return action


@given(st.text(max_size=600))
def test_any_text_gives_an_action_or_a_usage_error(text: str) -> None:
    parse_outcome(text)


@given(vocabulary_text)
def test_command_like_text_gives_an_action_or_a_usage_error(text: str) -> None:
    parse_outcome(text)


@given(vocabulary_text, st.sampled_from(["/papers ", "papers ", "  /PAPERS\t"]))
def test_a_leading_papers_word_changes_nothing(text: str, prefix: str) -> None:
    if text.split()[:1] in (["/papers"], ["papers"]):
        return
    assert parse_outcome(prefix + text) == parse_outcome(text)


CASE_FREE_COMMANDS = [
    text
    for text, action in VALID
    if not isinstance(action, Search | FollowName)
    and not (isinstance(action, More) and action.search_id)
]
"""The commands whose every letter may be typed in either case: not the words searched for,
the names followed, nor a saved search's id (ids are case-sensitive)."""


@given(st.sampled_from(CASE_FREE_COMMANDS), st.randoms(use_true_random=False))
def test_keywords_are_case_insensitive(text: str, random: Random) -> None:
    shuffled = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in text)
    assert parse(shuffled) == parse(text)


@given(st.integers(0, 23), st.integers(0, 59), st.booleans())
def test_every_24_hour_time_reads_back(hour: int, minute: int, padded: bool) -> None:
    written = f"{hour:02d}:{minute:02d}" if padded else f"{hour}:{minute:02d}"
    assert parse(f"subscribe {written}") == Subscribe(post_at=time(hour, minute))


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", "AM", " pm"]))
def test_every_12_hour_time_reads_back(hour: int, minute: int, half: str) -> None:
    expected = time(hour % 12 + (12 if "p" in half.lower() else 0), minute)
    assert parse(f"subscribe {hour}:{minute:02d}{half}").post_at == expected


@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=7),
    st.sampled_from([",", ", ", " , "]),
    st.booleans(),
)
def test_any_list_of_days_reads_back(days: list[int], separator: str, full: bool) -> None:
    full_names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    names = [(full_names if full else WEEKDAYS)[day].title() for day in days]
    parsed = parse("subscribe " + separator.join(names))
    assert parsed == Subscribe(days=frozenset(days))


@given(st.sampled_from(sorted(zoneinfo.available_timezones())))
def test_an_accepted_time_zone_always_loads(name: str) -> None:
    outcome = parse_outcome(f"subscribe {name}")
    if isinstance(outcome, Subscribe):
        assert outcome.timezone is not None
        assert zoneinfo.ZoneInfo(outcome.timezone).key == outcome.timezone


@pytest.mark.parametrize(
    ("text", "changes", "slow"),
    [
        ("search diffusion", False, True),
        ("digest now", True, True),
        ("set size 3", True, False),
        ("settings", False, False),
        ("frobnicate", False, False),
    ],
)
def test_traits_tell_adapters_when_to_check_rights_and_defer(
    text: str, changes: bool, slow: bool
) -> None:
    assert grammar.traits(text) == grammar.CommandTraits(changes=changes, slow=slow)


def test_timezone_names_are_the_accepted_zones() -> None:
    names = grammar.timezone_names()

    assert "Europe/Berlin" in names and "UTC" in names
    assert not any(name.startswith("posix/") for name in names)
