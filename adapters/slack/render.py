"""Block Kit for Slack: the digest header, one paper, and every command reply. Pure functions.

This module is the only place that writes Block Kit or escapes Slack mrkdwn. Paper titles,
abstracts, author names and keywords come from the internet, so every piece of such text:

- is flattened to one line without control characters, bidi overrides or lone surrogates;
- has `&`, `<` and `>` escaped before it goes into mrkdwn, and sits in a text object with
  `verbatim: true`, so `<!channel>`, `<@U024BE7LH>` or a bare `@here` stay inert text;
- is cut at a word, with an ellipsis, so the escaped result fits Block Kit's limits.

Lengths are counted in UTF-16 code units, which is never less than the characters Slack
counts, so emoji-heavy text cannot overflow a limit. Links are `<url|label>` only for plain
http(s) addresses; any `|`, `<`, `>` or quote in a URL is percent-encoded first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from adapters.slack.emoji import KEYCAP_EMOJI
from bot.models import (
    Digest,
    DigestItem,
    MessageRole,
    OutgoingMessage,
    Recap,
    Reply,
    ReplyKind,
)
from bot.wording import (
    count,
    headline,
    is_web_url,
    item_facts,
    listing_facts,
    one_line,
    recap_headline,
    recap_title,
    recap_votes,
)

Block = dict[str, Any]
Message = dict[str, Any]
"""Keyword arguments for chat.postMessage or respond(): text, blocks, and metadata or
response_type."""

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_URL = 3000
MAX_ALT_TEXT = 2000
MAX_CONTEXT_TEXT = 2000
MAX_FALLBACK_TEXT = 3000
"""Slack accepts far longer `text`, but a notification never needs more than this."""

MAX_TITLE_CHARS = 300
MAX_BYLINE_CHARS = 300
MAX_KEYWORD_CHARS = 60
MAX_NOTE_CHARS = 300
COMPACT_SUMMARY_CHARS = 300
LISTED_TITLE_ROOM = 2400
"""A listed paper's linked title; its note and facts stay within the rest of a section."""

METADATA_EVENT_TYPE = "papers_digest"
LINK_ACTION_PREFIX = "papers_link"
SIMILAR_ACTION = "papers_similar"
"""The "Similar" button of each digest paper; its value is "similar PAPER_ID"."""
MORE_ACTION = "papers_more"
"""The "More" button under search results; its value is the core's command for the next
page ("more ID:OFFSET"), a short id, never the query."""
"""Every link button's action_id starts with this; the adapter acknowledges those clicks."""

ELLIPSIS = "…"
TOO_LONG = "The rest does not fit in one Slack message."

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


# ----------------------------------------------------------------------------- text


def slack_length(text: str) -> int:
    """The length of `text` in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean(text: str) -> str:
    """One line of untrusted text (see bot.wording.one_line)."""
    return one_line(text)


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reserves: `&`, `<` and `>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int, *, markup: bool = True) -> str:
    """`text` cleaned (and escaped for mrkdwn when `markup`), at most `limit` UTF-16 units.

    Text over the limit is cut at the last space in its second half (else mid-word) and
    ends in "…"; the cut is made before escaping, so an entity is never split.
    """
    flat = clean(text)
    shown = escape(flat) if markup else flat
    if slack_length(shown) <= limit:
        return shown
    budget = limit - 1
    used = 0
    end = 0
    for index, char in enumerate(flat):
        if markup and char in _ESCAPES:
            used += len(_ESCAPES[char])
        else:
            used += 2 if ord(char) > 0xFFFF else 1
        if used > budget:
            break
        end = index + 1
    cut = flat[:end]
    space = cut.rfind(" ")
    if space > end // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.-–—")
    return (escape(cut) if markup else cut) + ELLIPSIS


def safe_url(url: str | None) -> str | None:
    """A plain http(s) URL with `|`, `<`, `>`, quotes and other unsafe characters
    percent-encoded, or None when it is not one or is longer than Slack allows."""
    if url is None or not is_web_url(url):
        return None
    encoded = quote(url, safe=_URL_SAFE)
    return encoded if len(encoded) <= MAX_URL else None


def link(url: str | None, label: str, limit: int, *, label_limit: int | None = None) -> str:
    """`<url|label>` in mrkdwn, at most `limit` units with the label at most `label_limit`;
    just the escaped label without a usable URL, or when the URL leaves it too little room."""
    most = limit if label_limit is None else min(limit, label_limit)
    target = safe_url(url)
    if target is not None:
        address = escape(target)
        room = min(most, limit - slack_length(address) - 3)
        if room >= min(20, most):
            return f"<{address}|{fit(label, room)}>"
    return fit(label, most)


def vote_line(item_count: int, vote_emoji: Sequence[str]) -> str:
    """How to vote, in mrkdwn: the reactions that count and the header's keycaps."""
    reactions = " ".join(f":{name}:" for name in vote_emoji if _emoji_name(name))
    keycaps = KEYCAP_EMOJI[: max(0, min(item_count, len(KEYCAP_EMOJI)))]
    parts = []
    if reactions:
        parts.append(f"React {reactions} on a paper")
    if keycaps:
        shown = f":{keycaps[0]}:" if len(keycaps) == 1 else f":{keycaps[0]}:-:{keycaps[-1]}:"
        parts.append(f"{shown} here")
    return (", or ".join(parts) + " to vote.") if parts else ""


# ------------------------------------------------------------------------- blocks


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object that Slack shows as written: no auto-linking of names or URLs.

    `text` must already be escaped (see `fit`, `link`).
    """
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str, accessory: Block | None = None) -> Block:
    """A section block with mrkdwn `text` (already escaped and fitted)."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    """A context block (small grey line) with mrkdwn `text` (already escaped and fitted)."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    """A header block: plain text, at most 150 units."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": fit(text, MAX_HEADER_TEXT, markup=False)},
    }


def cap_blocks(blocks: list[Block]) -> list[Block]:
    """At most 50 blocks; when more, the last one says the rest was left out."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 1], context(TOO_LONG)]


# ------------------------------------------------------------------------- digest


def digest_message(
    message: OutgoingMessage, vote_emoji: Sequence[str], *, thumbnails: bool = True
) -> Message:
    """chat.postMessage arguments for one digest message: fallback text, blocks, metadata.

    With `thumbnails=False` a paper is shown without its image, for when Slack refuses the
    message because it could not download the thumbnail.
    """
    digest = message.digest
    if message.role is MessageRole.HEADER or message.item is None:
        rendered = header_message(digest, vote_emoji)
        payload = {"paper_ids": ",".join(item.paper_id for item in digest.items)}
    else:
        item = message.item if thumbnails else _without_thumbnail(message.item)
        rendered = item_message(item)
        payload = {"paper_id": message.item.paper_id}
    rendered["metadata"] = {
        "event_type": METADATA_EVENT_TYPE,
        "event_payload": {
            "digest_id": digest.id,
            "role": str(message.role),
            "key": message.key,
            **payload,
        },
    }
    return rendered


def header_message(digest: Digest, vote_emoji: Sequence[str]) -> Message:
    """The digest's header: date, numbered linked titles, how many picks, how to vote."""
    title = headline(digest)
    blocks = header_blocks(digest, vote_emoji)
    picks = count(len(digest.items), "pick")
    return {"text": fit(f"{title}: {picks}", MAX_FALLBACK_TEXT), "blocks": blocks}


def header_blocks(digest: Digest, vote_emoji: Sequence[str]) -> list[Block]:
    """The header's blocks, shared by the posted header and the `/papers today` reply."""
    title = headline(digest)
    if not digest.items:
        return [header(title), section("No new papers for this channel today.")]
    facts = [f"{count(len(digest.items), 'pick')} for this channel"]
    voting = vote_line(len(digest.items), vote_emoji)
    if voting:
        facts.append(voting)
    return [
        header(title),
        section(_numbered_titles(digest.items)),
        context(" · ".join(facts)),
    ]


def _numbered_titles(items: Sequence[DigestItem]) -> str:
    """ "1. <url|Title>" lines that together fit one section, each title cut to its share."""
    share = (MAX_SECTION_TEXT - (len(items) - 1)) // max(1, len(items))
    lines = []
    for item in items:
        prefix = f"{item.rank}. "
        title = link(item.links.hf, _title(item), share - len(prefix), label_limit=MAX_TITLE_CHARS)
        lines.append(prefix + title)
    return "\n".join(lines)


def item_message(item: DigestItem) -> Message:
    """One paper in full: linked title, byline, summary, facts, thumbnail and link buttons."""
    fallback = fit(f"{_ranked(item)}{_title(item)}", MAX_FALLBACK_TEXT)
    return {"text": fallback, "blocks": item_blocks(item)}


def item_blocks(item: DigestItem) -> list[Block]:
    """The blocks of one paper, as posted in a digest or shown by `/papers paper`."""
    blocks = [section(_title_and_byline(item, MAX_SECTION_TEXT), _thumbnail(item))]
    summary = fit(item.summary, MAX_SECTION_TEXT)
    if summary:
        blocks.append(section(summary))
    facts = facts_line(item)
    if facts:
        blocks.append(context(facts))
    buttons = link_buttons(item)
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def compact_item_blocks(item: DigestItem) -> list[Block]:
    """A paper in two blocks (title, byline and a short summary; facts), for listings."""
    summary = fit(item.summary, COMPACT_SUMMARY_CHARS)
    if summary:
        room = MAX_SECTION_TEXT - slack_length(summary) - 1
        blocks = [section(f"{_title_and_byline(item, room)}\n{summary}")]
    else:
        blocks = [section(_title_and_byline(item, MAX_SECTION_TEXT))]
    facts = facts_line(item)
    if facts:
        blocks.append(context(facts))
    return blocks


def facts_line(item: DigestItem) -> str:
    """Upvotes, GitHub stars, climbing, team votes and keywords, each saying what it is."""
    facts = item_facts(item)
    keywords = [word for word in (clean(k) for k in item.keywords[:5]) if word]
    if keywords:
        shown = ", ".join(fit(word, MAX_KEYWORD_CHARS, markup=False) for word in keywords)
        facts.append(f"keywords: {shown}")
    return fit(" · ".join(facts), MAX_CONTEXT_TEXT)


def link_buttons(item: DigestItem) -> list[Block]:
    """Link buttons for the paper page, arXiv, PDF, code and project page (safe URLs only),
    then "Similar", which answers with the papers closest to this one."""
    links = item.links
    labelled = (
        ("hf", "Paper page", links.hf),
        ("arxiv", "arXiv", links.arxiv),
        ("pdf", "PDF", links.pdf),
        ("code", "Code", links.code),
        ("project", "Project", links.project),
    )
    buttons = []
    for name, label, url in labelled:
        target = safe_url(url)
        if target is None:
            continue
        buttons.append(
            {
                "type": "button",
                "action_id": f"{LINK_ACTION_PREFIX}_{name}",
                "text": {"type": "plain_text", "text": fit(label, MAX_BUTTON_TEXT, markup=False)},
                "url": target,
            }
        )
    buttons.append(
        {
            "type": "button",
            "action_id": SIMILAR_ACTION,
            "text": {"type": "plain_text", "text": "Similar"},
            "value": f"similar {item.paper_id}",
        }
    )
    return buttons


def _title(item: DigestItem) -> str:
    return clean(item.title) or f"arXiv {clean(item.paper_id)}"


def _ranked(item: DigestItem) -> str:
    return f"{item.rank}. " if item.rank > 0 else ""


def _title_and_byline(item: DigestItem, limit: int) -> str:
    """ "*1. <url|Title>*" and the byline below it, together at most `limit` units."""
    byline = _byline(item)
    rank = _ranked(item)
    room = limit - 2 - len(rank) - (slack_length(byline) + 1 if byline else 0)
    title = f"*{rank}{link(item.links.hf, _title(item), room, label_limit=MAX_TITLE_CHARS)}*"
    return f"{title}\n{byline}" if byline else title


def _byline(item: DigestItem) -> str:
    names = [name for name in (clean(author) for author in item.authors[:3]) if name]
    authors = ", ".join(names)
    if authors and item.more_authors:
        authors += " et al."
    parts = [part for part in (authors, clean(item.organization or "")) if part]
    return fit(" · ".join(parts), MAX_BYLINE_CHARS)


def _without_thumbnail(item: DigestItem) -> DigestItem:
    return dataclasses.replace(item, thumbnail=None) if item.thumbnail is not None else item


def _thumbnail(item: DigestItem) -> Block | None:
    url = safe_url(item.thumbnail)
    if url is None:
        return None
    alt = fit(f"Hugging Face card of arXiv {item.paper_id}", MAX_ALT_TEXT, markup=False)
    return {"type": "image", "image_url": url, "alt_text": alt}


def _emoji_name(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9_+'-]{1,100}", name))


# ------------------------------------------------------------------------ replies


def reply_message(reply: Reply, vote_emoji: Sequence[str], *, thumbnails: bool = True) -> Message:
    """respond() arguments for a command's answer: fallback text, blocks, response_type.

    Answers are visible only to the person who asked unless the core says otherwise. With
    `thumbnails=False` papers are shown without their images (see `digest_message`).
    """
    if not thumbnails:
        reply = _reply_without_thumbnails(reply)
    blocks = _REPLY_BLOCKS.get(reply.kind, _text_blocks)(reply, vote_emoji)
    text = fit(reply.text, MAX_FALLBACK_TEXT) or "papers-bot"
    return {
        "text": text,
        "blocks": cap_blocks(blocks or [section(text)]),
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
    }


def _reply_without_thumbnails(reply: Reply) -> Reply:
    digest = reply.digest
    if digest is not None:
        digest = dataclasses.replace(
            digest, items=tuple(_without_thumbnail(item) for item in digest.items)
        )
    items = tuple(_without_thumbnail(item) for item in reply.items)
    return dataclasses.replace(reply, items=items, digest=digest)


def _sentence(text: str, *, bold: bool = False) -> list[Block]:
    shown = fit(text, MAX_SECTION_TEXT - 2)
    if not shown:
        return []
    return [section(f"*{shown}*" if bold else shown)]


def _line_blocks(lines: Iterable[str], *, bullet: str = "") -> list[Block]:
    """Lines grouped into as few sections as fit 3,000 units each."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        shown = fit(line, MAX_SECTION_TEXT - len(bullet))
        if not shown:
            continue
        shown = bullet + shown
        added = slack_length(shown) + (1 if current else 0)
        if current and size + added > MAX_SECTION_TEXT:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
            added = slack_length(shown)
        current.append(shown)
        size += added
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def _text_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    return [*_sentence(reply.text), *_line_blocks(reply.lines)]


def _help_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    return [*_sentence(reply.text, bold=True), *_line_blocks(reply.lines, bullet="• ")]


def _settings_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    return [*_sentence(reply.text, bold=True), *_line_blocks(reply.lines)]


def _explanation_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    titles = [fit(line, MAX_SECTION_TEXT - 2) for line in reply.lines]
    blocks = [section(f"*{title}*") for title in titles if title]
    return [*blocks, *_sentence(reply.text)]


def _digest_blocks(reply: Reply, vote_emoji: Sequence[str]) -> list[Block]:
    if reply.digest is None:
        return _text_blocks(reply, vote_emoji)
    blocks = [*_sentence(reply.text), *header_blocks(reply.digest, vote_emoji)]
    for item in reply.digest.items:
        blocks.append({"type": "divider"})
        blocks.extend(compact_item_blocks(item))
    return [*blocks, *_line_blocks(reply.lines)]


def _papers_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    blocks = _sentence(reply.text)
    for item in reply.items:
        title = link(item.links.hf, _title(item), LISTED_TITLE_ROOM, label_limit=MAX_TITLE_CHARS)
        lines = [f"*{_ranked(item)}{title}*"]
        note = fit(item.note, MAX_NOTE_CHARS)
        if note:
            lines.append(note)
        facts = listing_facts(item)
        if facts:
            lines.append(" · ".join(facts))
        blocks.append(section("\n".join(lines)))
    return [*blocks, *_line_blocks(reply.lines), *_more_button(reply)]


def _more_button(reply: Reply) -> list[Block]:
    """The "More" button, when there is a next page."""
    if reply.more is None:
        return []
    button = {
        "type": "button",
        "action_id": MORE_ACTION,
        "text": {"type": "plain_text", "text": "More"},
        "value": reply.more,
    }
    return [{"type": "actions", "elements": [button]}]


def _paper_blocks(reply: Reply, _vote_emoji: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    for item in reply.items:
        blocks.extend(item_blocks(item))
    return [*(blocks or _sentence(reply.text)), *_line_blocks(reply.lines)]


_REPLY_BLOCKS: dict[ReplyKind, Callable[[Reply, Sequence[str]], list[Block]]] = {
    ReplyKind.TEXT: _text_blocks,
    ReplyKind.ERROR: _text_blocks,
    ReplyKind.HELP: _help_blocks,
    ReplyKind.DIGEST: _digest_blocks,
    ReplyKind.PAPERS: _papers_blocks,
    ReplyKind.PAPER: _paper_blocks,
    ReplyKind.SETTINGS: _settings_blocks,
    ReplyKind.EXPLANATION: _explanation_blocks,
}


MAX_FILE_TITLE = 250


def recap_upload(recap: Recap) -> dict[str, Any]:
    """files_upload_v2 arguments for the weekly recap: the chart as a PNG with its alt text,
    and the ranked list of papers as the message that shares it (five short lines, well
    within a message's length)."""
    lines = [f"*{fit(recap_headline(recap), MAX_HEADER_TEXT)}*"]
    lines += [
        f"{entry.rank}. {link(entry.url, entry.title, MAX_TITLE_CHARS)} · {recap_votes(entry)}"
        for entry in recap.entries
    ]
    return {
        "file": recap.chart.png,
        "filename": recap.chart.filename,
        "title": fit(recap_title(recap.first_day, recap.last_day), MAX_FILE_TITLE, markup=False),
        "alt_txt": fit(recap.chart.alt_text, MAX_ALT_TEXT, markup=False),
        "initial_comment": "\n".join(lines),
    }
