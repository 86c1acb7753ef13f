"""Discord messages for the core's neutral values: digest header, paper embeds, command answers.

Pure functions from `Digest`, `DigestItem` and `Reply` to `DiscordMessage` (content, embeds
and a view of link buttons), so the adapter only sends and tests can check every limit
without a network. This is the only module that writes embeds or escapes Discord markdown.

Paper text comes from the internet, so every string is cleaned (control characters and bidi
overrides removed), escaped (markdown and mentions) where Discord renders markdown, and cut
at a word with an ellipsis to Discord's limits. Limits are counted in UTF-16 code units,
which is never less than the characters Discord counts, so an emoji-heavy title still fits.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.models import Digest, DigestItem, Layout, Recap, Reply, ReplyKind
from bot.wording import (
    CLIMBING,
    FOLLOWED_ICON,
    count,
    headline,
    is_web_url,
    listing_facts,
    one_line,
    recap_headline,
    recap_votes,
)

TITLE_LIMIT: Final = 256
DESCRIPTION_LIMIT: Final = 4096
FIELD_COUNT_LIMIT: Final = 25
FIELD_NAME_LIMIT: Final = 256
FIELD_VALUE_LIMIT: Final = 1024
FOOTER_LIMIT: Final = 2048
AUTHOR_LIMIT: Final = 256
EMBED_TOTAL_LIMIT: Final = 6000
CONTENT_LIMIT: Final = 2000
BUTTON_URL_LIMIT: Final = 512
EMBED_URL_LIMIT: Final = 2048
THREAD_NAME_LIMIT: Final = 100
CHOICE_NAME_LIMIT: Final = 100
ALT_TEXT_LIMIT: Final = 1024
MORE_PREFIX: Final = "papers:"
"""The custom id of a "More" or "Similar" button starts so; the rest is the command it runs."""
COMMAND_VIEW_SECONDS: Final = 15 * 60
"""How long discord.py keeps a view with such a button; a later click is still answered
(see the adapter's `on_interaction`)."""

SUMMARY_LIMIT: Final = 1500
LISTED_TITLE_LIMIT: Final = 200
KEYWORDS_SHOWN: Final = 5
AUTHORS_SHOWN: Final = 3
DEFAULT_VOTE_EMOJI: Final = ("👍", "🔥", "👎")
KEYCAPS: Final = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
DIGEST_COLOUR: Final = discord.Colour(0xFFD21E)
ELLIPSIS: Final = "…"

_UNESCAPED_BRACKET = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]])")
_SHORT_MENTION = re.compile(r"@(?=[!&]?[0-9])")
_MASKED_LINK = re.compile(r"\]\((https?://[^\s)]+)\)")
_NO_MENTIONS: Final = discord.AllowedMentions.none()


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send with a message: its name, bytes and alt text (the file's description)."""

    filename: str
    data: bytes
    description: str

    def file(self) -> discord.File:
        """A discord.File ready to send once."""
        return discord.File(io.BytesIO(self.data), self.filename, description=self.description)


@dataclass(frozen=True)
class DiscordMessage:
    """One message as discord.py sends it: text, embeds and an optional view of link buttons."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    view: discord.ui.View | None = field(default=None, compare=False)
    attachments: tuple[Attachment, ...] = ()

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `send` / `send_message`, never allowing a mention (files
        are made afresh each time, as discord.py reads them once)."""
        kwargs: dict[str, Any] = {"allowed_mentions": _NO_MENTIONS}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = list(self.embeds)
        if self.attachments:
            kwargs["files"] = [attachment.file() for attachment in self.attachments]
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs


def length(text: str) -> int:
    """The length Discord limits are checked against (UTF-16 code units, never less)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """`text` if it fits in `limit`, else cut at a word boundary and ended with "…".

    A cut never leaves a dangling escape backslash.
    """
    if length(text) <= limit:
        return text
    budget = limit - length(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for char in text:
        used += length(char)
        if used > budget:
            break
        kept.append(char)
    cut = "".join(kept)
    word_end = cut.rfind(" ")
    if word_end > len(cut) // 2:
        cut = cut[:word_end]
    cut = cut.rstrip()
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    return cut + ELLIPSIS


def clean(text: str) -> str:
    """One line of untrusted text (see bot.wording.one_line)."""
    return one_line(text)


def plain(text: str, limit: int) -> str:
    """Untrusted text for places Discord shows as is (author, footer, labels, names)."""
    return shorten(_defuse_mentions(clean(text)), limit)


def escape(text: str, limit: int) -> str:
    """Untrusted text for places Discord renders markdown: cleaned, escaped, then cut."""
    escaped = escape_markdown(_defuse_mentions(clean(text)))
    return shorten(_UNESCAPED_BRACKET.sub(r"\1\\\2", escaped), limit)


def safe_url(url: str | None, limit: int = EMBED_URL_LIMIT) -> str | None:
    """The URL when it is a plain http(s) address Discord accepts, else None."""
    if not is_web_url(url) or length(url or "") > limit:
        return None
    return url


def thread_name(digest: Digest) -> str:
    """The name of the thread started from the header."""
    return shorten(f"Papers for {digest.date.day} {digest.date:%B %Y}", THREAD_NAME_LIMIT)


def vote_hint(digest: Digest, vote_emoji: Sequence[str] = DEFAULT_VOTE_EMOJI) -> str:
    """The header's line on voting: item reactions where the papers are, keycaps on the header."""
    where = "in the thread" if digest.layout is Layout.THREAD else "below"
    picks = min(len(digest.items), len(KEYCAPS))
    keycaps = KEYCAPS[0] if picks == 1 else f"{KEYCAPS[0]}-{KEYCAPS[picks - 1]}"
    reactions = " ".join(vote_emoji)
    return f"React {reactions} on a paper {where}, or {keycaps} on this message."


def render_header(
    digest: Digest, *, vote_emoji: Sequence[str] = DEFAULT_VOTE_EMOJI
) -> DiscordMessage:
    """The digest's header: date, number of picks, numbered linked titles, how to vote."""
    channel = digest.channel.channel
    where = f"<#{channel}>" if channel.isdigit() else "this channel"
    intro = f"{count(len(digest.items), 'pick')} for {where} ({escape(digest.timezone, 64)} time)."
    titles = [f"**{item.rank}.** {_linked_title(item)}" for item in digest.items]
    description = _join_within(
        [intro, "", *titles, "", escape(vote_hint(digest, vote_emoji), 200)],
        DESCRIPTION_LIMIT,
    )
    embed = discord.Embed(
        title=shorten(headline(digest), TITLE_LIMIT),
        description=description,
        colour=DIGEST_COLOUR,
    )
    return DiscordMessage(embeds=(fit_embed(embed),))


def render_recap(recap: Recap) -> DiscordMessage:
    """The weekly recap: the ranked, linked titles with their votes, and the chart attached
    as a PNG (with its alt text) and shown as the embed's image."""
    lines = []
    for entry in recap.entries:
        title = _masked_link(entry.title, entry.paper_id, entry.url, LISTED_TITLE_LIMIT)
        lines.append(f"**{entry.rank}.** {title} · {recap_votes(entry)}")
    embed = discord.Embed(
        title=shorten(recap_headline(recap), TITLE_LIMIT),
        description=_join_within(lines, DESCRIPTION_LIMIT),
        colour=DIGEST_COLOUR,
    )
    chart = recap.chart
    embed.set_image(url=f"attachment://{chart.filename}")
    attachment = Attachment(chart.filename, chart.png, shorten(chart.alt_text, ALT_TEXT_LIMIT))
    return DiscordMessage(embeds=(fit_embed(embed),), attachments=(attachment,))


def render_item(item: DigestItem, *, numbered: bool = True) -> DiscordMessage:
    """One paper: its embed and a row of link buttons (Paper page, arXiv, PDF, Code, Project)."""
    return DiscordMessage(embeds=(item_embed(item, numbered=numbered),), view=link_view(item))


def item_embed(item: DigestItem, *, numbered: bool = True) -> discord.Embed:
    """A paper's embed: linked title, authors, summary, upvotes, stars, keywords, thumbnail."""
    prefix = f"{item.rank}. " if numbered and item.rank > 0 else ""
    embed = discord.Embed(
        title=prefix + (escape(item.title, TITLE_LIMIT - length(prefix)) or item.paper_id[:64]),
        url=safe_url(item.links.hf),
        description=escape(item.summary, SUMMARY_LIMIT) or None,
        colour=DIGEST_COLOUR,
    )
    byline = _byline(item)
    if byline:
        embed.set_author(name=byline)
    for name, value, inline in _facts(item):
        embed.add_field(name=name, value=value, inline=inline)
    thumbnail = safe_url(item.thumbnail)
    if thumbnail:
        embed.set_thumbnail(url=thumbnail)
    embed.set_footer(text=plain(f"arXiv {item.paper_id}", FOOTER_LIMIT))
    return fit_embed(embed)


def link_view(item: DigestItem) -> discord.ui.View | None:
    """Link buttons to the paper's pages (only safe URLs become buttons), then "Similar"."""
    links = item.links
    labelled = (
        ("Paper page", links.hf),
        ("arXiv", links.arxiv),
        ("PDF", links.pdf),
        ("Code", links.code),
        ("Project", links.project),
    )
    view = discord.ui.View(timeout=COMMAND_VIEW_SECONDS)
    for label, url in labelled:
        target = safe_url(url, BUTTON_URL_LIMIT)
        if target is not None:
            view.add_item(discord.ui.Button(label=label, url=target))
    view.add_item(command_button("Similar", f"similar {item.paper_id}"))
    return view


def shows_the_same(embeds: Sequence[discord.Embed], rendered: DiscordMessage) -> bool:
    """Whether a posted message's `embeds` show what `rendered` would (a resumed post's check).

    A paper is known by its embed's link to its Hugging Face page; a header by its title
    (the digest's headline, with its date) and the papers its description links to, in
    order. A message without such links must match title and description exactly.
    """
    if not embeds or not rendered.embeds:
        return False
    posted, wanted = embeds[0], rendered.embeds[0]
    if wanted.url:
        return posted.url == wanted.url
    if posted.url or posted.title != wanted.title:
        return False
    links = _MASKED_LINK.findall(wanted.description or "")
    if not links:
        return posted.description == wanted.description
    return _MASKED_LINK.findall(posted.description or "") == links


def render_reply(reply: Reply) -> DiscordMessage:
    """A command's answer, laid out for its kind (help, digest, papers, settings, ...)."""
    return _RENDERERS.get(reply.kind, _render_text)(reply)


def choice_name(paper_id: str, title: str) -> str:
    """An autocomplete entry for a paper: its id and title, within Discord's 100 characters."""
    return plain(f"{paper_id} · {title}", CHOICE_NAME_LIMIT)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Enforce every embed limit, whatever went in: parts first, then the 6,000 total.

    Parts over their own limit are cut; over the total, the description shrinks, then the
    last fields go.
    """
    if embed.title:
        embed.title = shorten(embed.title, TITLE_LIMIT)
    if embed.description:
        embed.description = shorten(embed.description, DESCRIPTION_LIMIT)
    if embed.author.name:
        embed.set_author(
            name=shorten(embed.author.name, AUTHOR_LIMIT),
            url=embed.author.url,
            icon_url=embed.author.icon_url,
        )
    if embed.footer.text:
        embed.set_footer(
            text=shorten(embed.footer.text, FOOTER_LIMIT), icon_url=embed.footer.icon_url
        )
    fields = [
        (
            shorten(f.name or "\u200b", FIELD_NAME_LIMIT),
            shorten(f.value or "\u200b", FIELD_VALUE_LIMIT),
            bool(f.inline),
        )
        for f in embed.fields[:FIELD_COUNT_LIMIT]
    ]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    excess = embed_length(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        room = max(length(embed.description) - excess, 0)
        embed.description = shorten(embed.description, room) if room > 1 else None
    while embed_length(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def embed_length(embed: discord.Embed) -> int:
    """The characters Discord counts toward an embed's 6,000 (UTF-16 code units)."""
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts.append(embed.author.name or "")
    for embed_field in embed.fields:
        parts.extend((embed_field.name or "", embed_field.value or ""))
    return sum(length(part) for part in parts)


def _defuse_mentions(text: str) -> str:
    """Break every @everyone, @here, <@id>, <@!id> and <@&id> with a zero-width space."""
    return _SHORT_MENTION.sub("@\u200b", escape_mentions(text))


def _linked_title(item: DigestItem, limit: int = LISTED_TITLE_LIMIT) -> str:
    """The title as a masked link to the paper's page (plain, escaped text if the URL is odd)."""
    return _masked_link(item.title, item.paper_id, item.links.hf, limit)


def _masked_link(title: str, paper_id: str, url: str | None, limit: int) -> str:
    """`[title](url)`, the title escaped (the paper id if it has none), or just the title
    when the URL is not one Discord would show as it is."""
    shown = escape(title, limit) or escape(paper_id, 64)
    target = safe_url(url)
    if target is None or any(ch in target for ch in "()<>"):
        return shown
    return f"[{shown}]({target})"


def _byline(item: DigestItem) -> str:
    """Up to three authors and "et al.", then the organization when known."""
    names = [name for name in (clean(a)[:100] for a in item.authors[:AUTHORS_SHOWN]) if name]
    authors = ", ".join(names)
    if authors and (item.more_authors or len(item.authors) > AUTHORS_SHOWN):
        authors += " et al."
    organization = clean(item.organization or "")[:100]
    return plain(" · ".join(part for part in (authors, organization) if part), AUTHOR_LIMIT)


def _facts(item: DigestItem) -> list[tuple[str, str, bool]]:
    """The embed fields: upvotes, stars, climbing, follows, team votes (inline), then keywords."""
    facts: list[tuple[str, str, bool]] = []
    if item.upvotes is not None:
        facts.append(("Hugging Face", count(item.upvotes, "upvote"), True))
    if item.stars is not None:
        facts.append(("GitHub", count(item.stars, "star"), True))
    if item.climbing:
        facts.append(("Trend", CLIMBING, True))
    followed = [name for name in (escape(n, 100) for n in item.followed) if name]
    if followed:
        shown = shorten(", ".join(followed), FIELD_VALUE_LIMIT)
        facts.append((f"{FOLLOWED_ICON} You follow", shown, True))
    if item.team_votes:
        facts.append(("Team votes", f"{item.team_votes:+d}", True))
    keywords = [word for word in (escape(k, 60) for k in item.keywords[:KEYWORDS_SHOWN]) if word]
    if keywords:
        facts.append(("Keywords", shorten(", ".join(keywords), FIELD_VALUE_LIMIT), False))
    return facts


def _join_within(lines: Iterable[str], limit: int) -> str:
    """Lines joined by newlines, stopping (with "…") before the text would pass `limit`."""
    kept: list[str] = []
    used = 0
    for line in lines:
        cost = length(line) + (1 if kept else 0)
        if used + cost > limit - length("\n" + ELLIPSIS):
            kept.append(ELLIPSIS)
            break
        kept.append(line)
        used += cost
    return "\n".join(kept).strip("\n")


def _listed(item: DigestItem) -> str:
    """A paper in a list: numbered linked title, why it is listed, and its numbers."""
    facts = listing_facts(item)
    lines = [f"**{item.rank}.** {_linked_title(item)}" if item.rank > 0 else _linked_title(item)]
    note = escape(item.note, 300)
    if note:
        lines.append(f"↳ {note}")
    if facts:
        lines.append(" · ".join(facts))
    return "\n".join(lines)


def _spaced(entries: Iterable[str]) -> list[str]:
    """Entries with a blank line between each, as lines for `_join_within`."""
    lines: list[str] = []
    for entry in entries:
        lines.extend(("", entry) if lines else (entry,))
    return lines


def _lines(lines: Iterable[str]) -> list[str]:
    return [escape(line, 500) for line in lines]


def _content(reply: Reply) -> str:
    return _join_within([escape(reply.text, CONTENT_LIMIT), *_lines(reply.lines)], CONTENT_LIMIT)


def _render_text(reply: Reply) -> DiscordMessage:
    return DiscordMessage(content=_content(reply) or ELLIPSIS)


def _render_error(reply: Reply) -> DiscordMessage:
    return DiscordMessage(content=_content(reply) or "That didn't work; try /papers help.")


def _embed_reply(title: str, lines: Sequence[str]) -> DiscordMessage:
    embed = discord.Embed(
        title=plain(title, TITLE_LIMIT) or None,
        description=_join_within(lines, DESCRIPTION_LIMIT) or None,
        colour=DIGEST_COLOUR,
    )
    return DiscordMessage(embeds=(fit_embed(embed),))


def _render_help(reply: Reply) -> DiscordMessage:
    return _embed_reply(reply.text, [f"• {line}" for line in _lines(reply.lines)])


def _render_settings(reply: Reply) -> DiscordMessage:
    return _embed_reply(reply.text, _lines(reply.lines))


def _render_explanation(reply: Reply) -> DiscordMessage:
    title = reply.lines[0] if reply.lines else "Why it ranked there"
    return _embed_reply(title, [escape(reply.text, DESCRIPTION_LIMIT), *_lines(reply.lines[1:])])


def _render_papers(reply: Reply) -> DiscordMessage:
    message = _embed_reply(
        reply.text, [*_spaced(_listed(item) for item in reply.items), *_lines(reply.lines)]
    )
    return dataclasses.replace(message, view=more_view(reply.more))


def more_view(command: str | None) -> discord.ui.View | None:
    """A "More" button whose custom id carries the core's command for the next page
    (MORE_PREFIX + "more ID:OFFSET"), or None without a next page."""
    if command is None:
        return None
    view = discord.ui.View(timeout=COMMAND_VIEW_SECONDS)
    view.add_item(command_button("More", command))
    return view


def command_button(label: str, command: str) -> discord.ui.Button[discord.ui.View]:
    """A button that runs one of the core's commands (MORE_PREFIX + the command text in its
    custom id; the adapter's `on_interaction` answers it, also after a restart)."""
    return discord.ui.Button(
        label=label, style=discord.ButtonStyle.secondary, custom_id=MORE_PREFIX + command
    )


def _render_digest(reply: Reply) -> DiscordMessage:
    if reply.digest is None:
        return _render_text(reply)
    entries = _spaced(_listed(item) for item in reply.digest.items)
    return _embed_reply(
        headline(reply.digest), [escape(reply.text, 500), "", *entries, *_lines(reply.lines)]
    )


def _render_paper(reply: Reply) -> DiscordMessage:
    if not reply.items:
        return _render_text(reply)
    return render_item(reply.items[0], numbered=False)


_RENDERERS: dict[ReplyKind, Callable[[Reply], DiscordMessage]] = {
    ReplyKind.TEXT: _render_text,
    ReplyKind.ERROR: _render_error,
    ReplyKind.HELP: _render_help,
    ReplyKind.DIGEST: _render_digest,
    ReplyKind.PAPERS: _render_papers,
    ReplyKind.PAPER: _render_paper,
    ReplyKind.SETTINGS: _render_settings,
    ReplyKind.EXPLANATION: _render_explanation,
}
