"""What each Discord message is made of: the header's embed, a paper's embed and buttons,
every reply kind, the weekly recap, and how an embed is kept within Discord's limits."""

from __future__ import annotations

import dataclasses
from typing import Any

import discord

from adapters.discord import render
from bot.models import Layout, PaperLinks, Reply, ReplyKind
from tests.adapters.discord.conftest import CHANNEL, make_digest, make_item
from tests.fakes.items import make_recap

YELLOW = 0xFFD21E
BYLINE = "Ada Lovelace, Alan Turing, Grace Hopper et al. · Example Lab"
LINK_1 = "[Paper number 1](https://huggingface.co/papers/2606.10001)"
LINK_2 = "[Paper number 2](https://huggingface.co/papers/2606.10002)"


def shown(embed: discord.Embed) -> dict[str, Any]:
    """The embed as Discord receives it."""
    return embed.to_dict()  # type: ignore[return-value]


def only_embed(message: render.DiscordMessage) -> dict[str, Any]:
    assert message.content is None
    (embed,) = message.embeds
    return shown(embed)


def buttons(view: discord.ui.View | None) -> list[tuple[Any, ...]]:
    assert view is not None
    assert view.timeout == 15 * 60
    return [
        (button.label, button.url, button.custom_id, button.style)
        for button in view.children
        if isinstance(button, discord.ui.Button)
    ]


def reply(kind: ReplyKind, text: str = "", **fields: Any) -> render.DiscordMessage:
    return render.render_reply(Reply(kind, text, **fields))


# ------------------------------------------------------------------------------ paper


def test_a_paper_embed_shows_every_fact_as_its_own_field() -> None:
    item = make_item(1, team_votes=-2, followed=("Yann LeCun", "NVIDIA"))

    embed = shown(render.item_embed(item))

    assert embed == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "1. Paper number 1",
        "url": "https://huggingface.co/papers/2606.10001",
        "description": "A short summary of what the paper does.",
        "author": {"name": BYLINE},
        "thumbnail": {
            "url": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2606.10001.png"
        },
        "footer": {"text": "arXiv 2606.10001"},
        "fields": [
            {"name": "Hugging Face", "value": "312 upvotes", "inline": True},
            {"name": "GitHub", "value": "45 stars", "inline": True},
            {"name": "Trend", "value": "📈 climbing", "inline": True},
            {"name": "⭐ You follow", "value": "Yann LeCun, NVIDIA", "inline": True},
            {"name": "Team votes", "value": "-2", "inline": True},
            {"name": "Keywords", "value": "sparse attention, long context", "inline": False},
        ],
    }


def test_a_paper_with_one_upvote_and_one_star_says_so() -> None:
    fields = shown(render.item_embed(make_item(1, upvotes=1, stars=1, team_votes=3)))["fields"]

    assert [(f["name"], f["value"]) for f in fields[:2]] == [
        ("Hugging Face", "1 upvote"),
        ("GitHub", "1 star"),
    ]
    assert {"name": "Team votes", "value": "+3", "inline": True} in fields


def test_a_bare_paper_has_only_its_title_and_footer() -> None:
    item = make_item(
        4,
        title="",
        summary="",
        authors=(),
        organization=None,
        upvotes=None,
        stars=None,
        climbing=False,
        keywords=("", " "),
        followed=("",),
        thumbnail=None,
        links=PaperLinks(hf="", arxiv="", pdf=""),
    )

    embed = shown(render.item_embed(item))

    assert embed == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "4. 2606.10004",
        "footer": {"text": "arXiv 2606.10004"},
        "fields": [],
    }


def test_a_paper_shows_its_first_five_keywords_escaped() -> None:
    item = make_item(1, keywords=("a_b", "", "c", "d", "e", "f", "g"))

    fields = shown(render.item_embed(item))["fields"]

    assert fields[-1] == {"name": "Keywords", "value": r"a\_b, c, d, e", "inline": False}


def test_a_byline_names_three_authors_and_says_when_there_are_more() -> None:
    def byline(**changes: Any) -> str | None:
        return shown(render.item_embed(make_item(1, **changes))).get("author", {}).get("name")

    assert byline(authors=("A", "", "B"), more_authors=False) == "A, B · Example Lab"
    assert (
        byline(authors=("A", "B", "C", "D"), more_authors=False) == "A, B, C et al. · Example Lab"
    )
    assert byline(authors=("A", "B", "C"), more_authors=False, organization=None) == "A, B, C"
    assert byline(authors=(), more_authors=True) == "Example Lab"
    assert byline(authors=("x" * 150,), more_authors=False, organization="y" * 150) == (
        "x" * 100 + " · " + "y" * 100
    )
    assert byline(authors=(), organization=None) is None


def test_an_unnumbered_or_unranked_paper_has_no_number() -> None:
    assert render.render_item(make_item(2)).embeds[0].title == "2. Paper number 2"
    assert render.item_embed(make_item(2), numbered=False).title == "Paper number 2"
    assert render.item_embed(dataclasses.replace(make_item(2), rank=0)).title == "Paper number 2"
    assert render.render_item(make_item(2), numbered=False).embeds[0].title == "Paper number 2"


def test_a_paper_has_a_link_button_for_each_page_then_similar() -> None:
    links = PaperLinks(
        hf="https://hf.example/p",
        arxiv="https://arxiv.example/a",
        pdf="https://arxiv.example/p.pdf",
        code="https://code.example/c",
        project="https://project.example/",
    )

    view = render.render_item(make_item(1, links=links)).view

    assert buttons(view) == [
        ("Paper page", links.hf, None, discord.ButtonStyle.link),
        ("arXiv", links.arxiv, None, discord.ButtonStyle.link),
        ("PDF", links.pdf, None, discord.ButtonStyle.link),
        ("Code", links.code, None, discord.ButtonStyle.link),
        ("Project", links.project, None, discord.ButtonStyle.link),
        ("Similar", None, "papers:similar 2606.10001", discord.ButtonStyle.secondary),
    ]


def test_a_message_is_sent_with_no_mention_allowed_and_only_what_it_has() -> None:
    paper = render.render_item(make_item(1))
    text = render.DiscordMessage(content="Done.")

    kwargs = paper.send_kwargs()

    assert set(kwargs) == {"allowed_mentions", "embeds", "view"}
    assert kwargs["embeds"] == list(paper.embeds)
    assert kwargs["view"] is paper.view
    assert text.send_kwargs() == {
        "allowed_mentions": kwargs["allowed_mentions"],
        "content": "Done.",
    }
    mentions = kwargs["allowed_mentions"]
    assert (mentions.everyone, mentions.users, mentions.roles, mentions.replied_user) == (
        False,
        False,
        False,
        False,
    )


# ----------------------------------------------------------------------------- header


def test_the_header_of_a_channel_without_a_discord_id_says_this_channel() -> None:
    digest = dataclasses.replace(
        make_digest(make_item(1), layout=Layout.CHANNEL),
        channel=dataclasses.replace(CHANNEL, channel="general"),
    )

    embed = only_embed(render.render_header(digest, vote_emoji=("👍",)))

    assert embed == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "📰 Papers for Saturday 13 June 2026",
        "description": (
            "1 pick for this channel (Europe/Berlin time).\n"
            "\n"
            f"**1.** {LINK_1}\n"
            "\n"
            "React 👍 on a paper below, or 1️⃣ on this message."
        ),
        "fields": [],
    }


def test_the_vote_hint_offers_at_most_ten_keycaps() -> None:
    digest = make_digest(*(make_item(rank) for rank in range(1, 13)))

    assert render.vote_hint(digest) == (
        "React 👍 🔥 👎 on a paper in the thread, or 1️⃣-🔟 on this message."
    )


def test_the_thread_is_named_for_the_digests_day() -> None:
    assert render.thread_name(make_digest()) == "Papers for 13 June 2026"


def test_a_paper_without_a_title_is_listed_by_its_id() -> None:
    item = make_item(1, title=" ")

    description = render.render_header(make_digest(item)).embeds[0].description or ""

    assert "**1.** [2606.10001](https://huggingface.co/papers/2606.10001)" in description


def test_any_other_address_is_a_link() -> None:
    item = make_item(1, links=PaperLinks(hf="https://x.example/XX", arxiv="", pdf=""))

    description = render.render_header(make_digest(item)).embeds[0].description or ""

    assert "**1.** [Paper number 1](https://x.example/XX)\n" in description


def test_a_link_with_brackets_is_no_link() -> None:
    for url in ("https://x.example/a(b)", "https://x.example/<b>", "https://x.example/a)"):
        item = make_item(1, links=PaperLinks(hf=url, arxiv="", pdf=""))

        description = render.render_header(make_digest(item)).embeds[0].description or ""

        assert "**1.** Paper number 1\n" in description


# ----------------------------------------------------------------------------- replies


def test_a_text_reply_is_its_sentence_then_its_lines() -> None:
    message = reply(ReplyKind.TEXT, "Done *now*.", lines=("a", "b_c"))

    assert message == render.DiscordMessage(content="Done \\*now\\*.\na\nb\\_c")
    assert message.embeds == ()


def test_an_empty_text_or_error_reply_still_says_something() -> None:
    assert reply(ReplyKind.TEXT).content == "…"
    assert reply(ReplyKind.ERROR).content == "That didn't work; try /papers help."
    assert reply(ReplyKind.ERROR, "Bad time.").content == "Bad time."


def test_help_is_a_titled_embed_of_bulleted_lines() -> None:
    message = reply(ReplyKind.HELP, "papers-bot *commands*", lines=("/papers today", "x_y"))

    assert only_embed(message) == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "papers-bot *commands*",
        "description": "• /papers today\n• x\\_y",
        "fields": [],
    }


def test_settings_are_a_titled_embed_of_lines() -> None:
    message = reply(ReplyKind.SETTINGS, "Settings", lines=("Size: 5", "Time: 09:00"))

    assert only_embed(message)["description"] == "Size: 5\nTime: 09:00"
    assert only_embed(message)["title"] == "Settings"


def test_an_untitled_empty_embed_reply_has_neither_title_nor_description() -> None:
    assert only_embed(reply(ReplyKind.SETTINGS)) == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "fields": [],
    }


def test_an_explanation_is_titled_by_its_first_line() -> None:
    titled = only_embed(reply(ReplyKind.EXPLANATION, "Ranked *2nd*.", lines=("T", "why", "how")))
    untitled = only_embed(reply(ReplyKind.EXPLANATION, "Ranked 2nd."))

    assert (titled["title"], titled["description"]) == ("T", "Ranked \\*2nd\\*.\nwhy\nhow")
    assert (untitled["title"], untitled["description"]) == ("Why it ranked there", "Ranked 2nd.")


def test_search_results_list_each_paper_with_its_note_and_facts() -> None:
    noted = make_item(1, note="matches *x*")
    unranked = dataclasses.replace(make_item(2, team_votes=2), rank=0)

    message = reply(ReplyKind.PAPERS, "Found.", items=(noted, unranked), lines=("end",))

    assert message.view is None
    assert only_embed(message) == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "Found.",
        "description": (
            f"**1.** {LINK_1}\n↳ matches \\*x\\*\n312 upvotes on Hugging Face\n"
            "\n"
            f"{LINK_2}\n312 upvotes on Hugging Face · team votes +2\n"
            "end"
        ),
        "fields": [],
    }


def test_a_digest_reply_lists_its_papers_under_the_headline() -> None:
    digest = make_digest(make_item(1), make_item(2, upvotes=None))

    message = reply(ReplyKind.DIGEST, "Picks *today*.", digest=digest, lines=("Next at 09:00",))

    assert only_embed(message) == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "📰 Papers for Saturday 13 June 2026",
        "description": (
            "Picks \\*today\\*.\n"
            "\n"
            f"**1.** {LINK_1}\n312 upvotes on Hugging Face\n"
            "\n"
            f"**2.** {LINK_2}\n"
            "Next at 09:00"
        ),
        "fields": [],
    }


def test_a_digest_or_paper_reply_without_one_is_text() -> None:
    assert reply(ReplyKind.DIGEST, "No digest.", lines=("x",)) == render.DiscordMessage(
        content="No digest.\nx"
    )
    assert reply(ReplyKind.PAPER, "No paper.") == render.DiscordMessage(content="No paper.")


def test_a_paper_reply_shows_its_first_paper_unnumbered_with_buttons() -> None:
    message = reply(ReplyKind.PAPER, "", items=(make_item(2), make_item(3)))

    assert [embed.title for embed in message.embeds] == ["Paper number 2"]
    assert buttons(message.view)[-1][2] == "papers:similar 2606.10002"


# ------------------------------------------------------------------------------- recap


def test_a_recap_paper_without_a_title_is_listed_by_its_id() -> None:
    recap = make_recap()
    untitled = dataclasses.replace(recap.entries[0], title="")

    message = render.render_recap(dataclasses.replace(recap, entries=(untitled,)))

    assert only_embed(message)["description"] == (
        "**1.** [2606.20001](https://huggingface.co/papers/2606.20001) · +5 from 3 people"
    )


def test_the_recap_lists_the_voted_papers_and_attaches_the_chart() -> None:
    recap = make_recap()

    message = render.render_recap(recap)

    assert only_embed(message) == {
        "type": "rich",
        "flags": 0,
        "color": YELLOW,
        "title": "📊 Your team's week in papers, 6-12 June 2026",
        "description": (
            "**1.** [Sparse Attention Revisited](https://huggingface.co/papers/2606.20001)"
            " · +5 from 3 people\n"
            "**2.** [World Models at Scale <@U123> <@\u200b123> @\u200bhere]"
            "(https://huggingface.co/papers/2606.20002) · +3 from 2 people\n"
            "**3.** [Costs $O(n)$ & \\*more\\*](https://huggingface.co/papers/2606.20003)"
            " · +1 from 1 person"
        ),
        "image": {"url": "attachment://recap.png"},
        "fields": [],
    }
    assert message.attachments == (
        render.Attachment("recap.png", recap.chart.png, recap.chart.alt_text),
    )
    (file,) = message.send_kwargs()["files"]
    assert (file.filename, file.description, file.fp.read()) == (
        "recap.png",
        recap.chart.alt_text,
        recap.chart.png,
    )
    assert "embeds" in message.send_kwargs()


# ------------------------------------------------------------------------- every limit


def test_shorten_cuts_at_a_space_only_in_the_second_half() -> None:
    assert render.shorten("q" * 10, 10) == "q" * 10
    assert render.shorten("q" * 11, 10) == "q" * 9 + "…"
    assert render.shorten("aaaa bbbbbb", 10) == "aaaa bbbb…"
    assert render.shorten("aaaaa bbbbb", 10) == "aaaaa…"
    assert render.shorten("aaa bbb ccccc", 10) == "aaa bbb…"
    assert render.shorten("aaaa\n bbbbbb", 10) == "aaaa…"
    assert render.shorten("🔥" * 5, 10) == "🔥" * 5
    assert render.shorten("🔥" * 6, 10) == "🔥" * 4 + "…"


def test_shorten_never_leaves_a_lone_escape_backslash() -> None:
    assert render.shorten("abcdefg\\\\xyz", 9) == "abcdefg…"
    assert render.shorten("abcdef\\\\xyz", 9) == "abcdef\\\\…"
    assert render.shorten("abcdef\\\\\\xyz", 10) == "abcdef\\\\…"
    assert render.shorten("abc\\\\ defgh", 9) == "abc\\\\…"


def test_an_embed_over_its_part_limits_is_cut_part_by_part() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    embed.set_author(name="a" * 300, url="https://a.example/", icon_url="https://a.example/i")
    embed.set_footer(text="f" * 3000, icon_url="https://f.example/i")
    for n in range(30):
        embed.add_field(name="" if n == 0 else "n" * 300, value="" if n == 1 else "v", inline=n > 0)

    fitted = shown(render.fit_embed(embed))

    assert fitted["title"] == "t" * 255 + "…"
    assert fitted["author"] == {
        "name": "a" * 255 + "…",
        "url": "https://a.example/",
        "icon_url": "https://a.example/i",
    }
    assert fitted["footer"] == {"text": "f" * 2047 + "…", "icon_url": "https://f.example/i"}
    fields = fitted["fields"]
    assert fields[0] == {"name": "\u200b", "value": "v", "inline": False}
    assert fields[1] == {"name": "n" * 255 + "…", "value": "\u200b", "inline": True}
    assert "description" not in fitted
    assert render.embed_length(render.fit_embed(embed)) <= 6000


def test_an_embed_over_6000_units_shrinks_its_description_first() -> None:
    embed = discord.Embed(title="t" * 256, description="d" * 4096)
    embed.set_author(name="a" * 256)
    embed.set_footer(text="f" * 1392 + "x" * 10)
    embed.add_field(name="n", value="v")

    fitted = render.fit_embed(embed)

    assert render.embed_length(fitted) == 6000
    assert fitted.description == "d" * 4083 + "…"
    assert [(f.name, f.value) for f in fitted.fields] == [("n", "v")]


def test_an_embed_at_6000_units_is_left_as_it_is() -> None:
    embed = discord.Embed(title="t" * 256, description="d" * 4096)
    embed.set_author(name="a" * 256)
    embed.set_footer(text="f" * 1390)
    embed.add_field(name="n", value="v")

    fitted = render.fit_embed(embed)

    assert render.embed_length(fitted) == 6000
    assert fitted.description == "d" * 4096


def test_an_embed_whose_description_cannot_shrink_enough_loses_it_then_its_last_fields() -> None:
    embed = discord.Embed(title="t" * 256, description="dd")
    embed.set_footer(text="f" * 2048)
    for n in range(4):
        embed.add_field(name=f"n{n}", value="v" * 1024)

    fitted = render.fit_embed(embed)

    assert fitted.description is None
    assert [f.name for f in fitted.fields] == ["n0", "n1", "n2"]
    assert render.embed_length(fitted) == 256 + 2048 + 3 * (2 + 1024)


def test_an_embed_at_6000_units_keeps_a_one_unit_description() -> None:
    embed = discord.Embed(title="t" * 256, description="d")
    embed.set_footer(text="f" * 2048)
    for name in ("n1", "n2", "n3"):
        embed.add_field(name=name, value="v" * 1024)
    embed.add_field(name="m", value="v" * 616)

    fitted = render.fit_embed(embed)

    assert render.embed_length(fitted) == 6000
    assert (fitted.description, len(fitted.fields)) == ("d", 4)


def test_an_embed_over_6000_units_without_a_description_loses_its_last_fields() -> None:
    embed = discord.Embed(title="t" * 256)
    embed.set_footer(text="f" * 2048)
    for name in ("n1", "n2", "n3", "n4"):
        embed.add_field(name=name, value="v" * 1024)

    fitted = render.fit_embed(embed)

    assert fitted.description is None
    assert [f.name for f in fitted.fields] == ["n1", "n2", "n3"]


def test_an_embed_just_over_6000_units_keeps_a_two_unit_description() -> None:
    def over_by(units: int) -> discord.Embed:
        embed = discord.Embed(title="t" * 256, description="ddd")
        embed.set_footer(text="f" * 2048)
        for name in ("n1", "n2", "n3", "m"):
            embed.add_field(name=name, value="v" * 1024)
        embed.remove_field(3)
        embed.add_field(name="m", value="v" * (615 - 1 + units))
        assert render.embed_length(embed) == 6000 + units
        return render.fit_embed(embed)

    assert over_by(1).description == "d…"
    assert len(over_by(1).fields) == 4
    assert render.embed_length(over_by(1)) == 6000
    assert over_by(2).description is None
    assert len(over_by(2).fields) == 4


def test_an_embeds_length_counts_every_text_part() -> None:
    embed = discord.Embed(title="tt", description="ddd")
    embed.set_author(name="a")
    embed.set_footer(text="ffff")
    embed.add_field(name="nnnnn", value="🔥")

    assert render.embed_length(embed) == 2 + 3 + 1 + 4 + 5 + 2
    assert render.embed_length(discord.Embed()) == 0
    assert render.embed_length(discord.Embed().add_field(name="", value="")) == 0


# ----------------------------------------------------------------------- a resumed post


def test_a_posted_header_with_another_title_or_a_link_is_another_message() -> None:
    header = render.render_header(make_digest())
    (wanted,) = header.embeds
    other_title = discord.Embed(title="Another day", description=wanted.description)
    linked = discord.Embed(
        title=wanted.title, description=wanted.description, url="https://x.example/"
    )

    assert render.shows_the_same([wanted], header)
    assert not render.shows_the_same([other_title], header)
    assert not render.shows_the_same([linked], header)
    assert not render.shows_the_same([wanted], render.DiscordMessage(content="Done."))
    assert not render.shows_the_same([discord.Embed(title=wanted.title)], header)


def test_an_embed_keeps_its_first_25_fields() -> None:
    embed = discord.Embed(title="Facts")
    for n in range(30):
        embed.add_field(name=f"n{n}", value="v")

    fitted = render.fit_embed(embed)

    assert [f.name for f in fitted.fields] == [f"n{n}" for n in range(25)]


def test_a_digest_reply_without_a_sentence_starts_with_its_first_paper() -> None:
    digest = make_digest(make_item(1, upvotes=None))

    message = reply(ReplyKind.DIGEST, "", digest=digest, lines=("Formulas are shown as in LaTeX",))

    assert only_embed(message)["description"] == f"**1.** {LINK_1}\nFormulas are shown as in LaTeX"


def test_the_more_button_is_kept_as_long_as_a_link_button() -> None:
    view = render.more_view("more k3J9xQ:5")

    assert buttons(view) == [("More", None, "papers:more k3J9xQ:5", discord.ButtonStyle.secondary)]
    assert render.more_view(None) is None
