"""Rich renderables for the console channel: the digest header, one paper, command replies.

Pure functions from the core's neutral values to rich renderables, so the adapter only
prints and tests can render to a recording Console. Paper text always enters through
`rich.text.Text` objects, never through markup strings, so a title such as
"[bold red]x[/]" is shown literally; terminal control characters are removed and very
long text is clipped, because paper metadata comes from the internet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.style import Style
from rich.table import Table
from rich.text import Text

from bot.models import Digest, DigestItem, Recap, Reply, ReplyKind
from bot.wording import (
    count,
    headline,
    is_web_url,
    item_facts,
    listing_facts,
    one_line_within,
    recap_headline,
    recap_votes,
)

VOTE_HINT = "Vote with +1 N, -1 N or fire N."
MORE_HINT = "Type more for the next results."
MAX_TITLE_CHARS = 300
MAX_LINE_CHARS = 300
MAX_TEXT_CHARS = 2000
MAX_RECAP_TITLE_CHARS = 60

_LINK_COLOR = "cyan"


def clean(text: str, limit: int) -> str:
    """One line of untrusted text, safe for a terminal and at most `limit` characters
    (text over the limit ends in "…")."""
    return one_line_within(text, limit)


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) address fit for a terminal hyperlink, else None."""
    return url if is_web_url(url) else None


def render_header(digest: Digest) -> RenderableType:
    """The digest's header: date, number of picks, numbered linked titles, how to vote."""
    body = Text()
    where = clean(digest.channel.channel, MAX_LINE_CHARS)
    if digest.items:
        body.append(
            f"{count(len(digest.items), 'pick')} for {where} ({clean(digest.timezone, 60)}).\n"
        )
        for item in digest.items:
            body.append(f"\n{item.rank}. ")
            body.append(_linked_title(item))
        body.append(f"\n\n{VOTE_HINT}", style="dim")
    else:
        body.append(f"No new papers for {where} on this day.")
    return Panel(body, title=Text(headline(digest), style="bold"), title_align="left")


def render_item(item: DigestItem) -> RenderableType:
    """One paper in full: linked title, authors, summary, context line and links."""
    parts: list[RenderableType] = []
    title = Text()
    if item.rank > 0:
        title.append(f"{item.rank}. ", style="bold")
    title.append(_linked_title(item))
    parts.append(title)
    byline = _byline(item)
    if byline:
        parts.append(Text(byline, style="italic"))
    summary = clean(item.summary, MAX_TEXT_CHARS)
    if summary:
        parts.append(Text(""))
        parts.append(Text(summary))
    parts.append(Text(""))
    context = context_line(item)
    if context:
        parts.append(Text(context, style="dim"))
    parts.append(links_line(item))
    hf = safe_url(item.links.hf)
    subtitle = Text(hf, style=Style(link=hf, dim=True)) if hf else None
    return Panel(Group(*parts), subtitle=subtitle, subtitle_align="right")


def context_line(item: DigestItem) -> str:
    """Upvotes, GitHub stars, climbing, team votes and keywords, each saying what it is."""
    facts = item_facts(item)
    keywords = [clean(word, 60) for word in item.keywords[:5]]
    if any(keywords):
        facts.append("keywords: " + ", ".join(word for word in keywords if word))
    return " · ".join(facts)


def links_line(item: DigestItem) -> Text:
    """Paper page, arXiv, PDF, Code and Project as terminal hyperlinks (safe URLs only)."""
    links = item.links
    labelled = (
        ("Paper page", links.hf),
        ("arXiv", links.arxiv),
        ("PDF", links.pdf),
        ("Code", links.code),
        ("Project", links.project),
    )
    line = Text()
    for label, url in labelled:
        target = safe_url(url)
        if target is None:
            continue
        if line:
            line.append(" · ", style="dim")
        line.append(label, style=Style(link=target, color=_LINK_COLOR, underline=True))
    return line


def why_line(item: DigestItem) -> str:
    """One line on why a listed paper is there (its note, e.g. a search match), or empty."""
    return clean(item.note, MAX_LINE_CHARS)


def render_reply(reply: Reply) -> RenderableType:
    """A command's answer, laid out for its kind (help, digest, papers, settings, ...)."""
    return _RENDERERS.get(reply.kind, _render_text)(reply)


def _linked_title(item: DigestItem) -> Text:
    url = safe_url(item.links.hf)
    style = Style(bold=True, link=url) if url else Style(bold=True)
    return Text(clean(item.title, MAX_TITLE_CHARS), style=style)


def _byline(item: DigestItem) -> str:
    names = [name for name in (clean(a, 100) for a in item.authors[:3]) if name]
    authors = ", ".join(names)
    if authors and item.more_authors:
        authors += " et al."
    organization = clean(item.organization or "", 100)
    return " · ".join(part for part in (authors, organization) if part)


def _text(reply: Reply, style: str = "") -> list[RenderableType]:
    text = clean(reply.text, MAX_TEXT_CHARS)
    return [Text(text, style=style)] if text else []


def _lines(lines: Iterable[str], style: str = "") -> list[RenderableType]:
    return [Text(clean(line, MAX_LINE_CHARS), style=style) for line in lines]


def _render_text(reply: Reply) -> RenderableType:
    return Group(*_text(reply), *_lines(reply.lines))


def _render_error(reply: Reply) -> RenderableType:
    return Group(*_text(reply, "red"), *_lines(reply.lines))


def _render_help(reply: Reply) -> RenderableType:
    return Group(*_text(reply, "bold"), *_lines(reply.lines))


def _render_digest(reply: Reply) -> RenderableType:
    if reply.digest is None:
        return _render_text(reply)
    items = [render_item(item) for item in reply.digest.items]
    return Group(*_text(reply), render_header(reply.digest), *items, *_lines(reply.lines, "dim"))


def _render_papers(reply: Reply) -> RenderableType:
    entries: list[RenderableType] = []
    for item in reply.items:
        entry = Text()
        entry.append(f"{item.rank}. " if item.rank > 0 else "• ", style="bold")
        entry.append(_linked_title(item))
        why = why_line(item)
        if why:
            entry.append(f"\n   {why}", style="italic")
        facts = listing_facts(item)
        if facts:
            entry.append("\n   " + " · ".join(facts), style="dim")
        url = safe_url(item.links.hf)
        if url:
            entry.append(f"\n   {url}", style=Style(link=url, color=_LINK_COLOR))
        entries.append(entry)
    more = [MORE_HINT] if reply.more else []
    return Group(*_text(reply), *entries, *_lines([*reply.lines, *more], "dim"))


def _render_paper(reply: Reply) -> RenderableType:
    """The paper in full; the reply's sentence (its title) only when there is no paper,
    since the paper's panel starts with its title."""
    items = [render_item(item) for item in reply.items]
    return Group(*(items or _text(reply)), *_lines(reply.lines, "dim"))


def _render_settings(reply: Reply) -> RenderableType:
    title = Text(clean(reply.text, MAX_LINE_CHARS), style="bold")
    return Panel(Group(*_lines(reply.lines)), title=title, title_align="left")


def _render_explanation(reply: Reply) -> RenderableType:
    """The paper's title (the reply's lines) first, then why it ranks there, then a table
    of the score's parts for each listed item."""
    tables: list[RenderableType] = []
    for item in reply.items:
        table = Table(title=Text(clean(item.title, MAX_TITLE_CHARS)), title_justify="left")
        table.add_column("Part of the score")
        table.add_column("Points", justify="right")
        table.add_column("Why")
        for component in item.explanation.components:
            table.add_row(
                Text(clean(component.name, 60)),
                f"{component.value:+.2f}",
                Text(clean(component.detail, MAX_LINE_CHARS)),
            )
        table.add_row(Text("Total score", style="bold"), f"{item.explanation.total:.2f}", "")
        if item.explanation.excluded:
            hidden = clean(item.explanation.excluded, MAX_LINE_CHARS)
            table.add_row(Text("Hidden by filter"), "", Text(hidden))
        tables.append(table)
    return Group(*_lines(reply.lines, "bold"), *_text(reply), *tables)


_RENDERERS: dict[ReplyKind, Callable[[Reply], RenderableType]] = {
    ReplyKind.TEXT: _render_text,
    ReplyKind.ERROR: _render_error,
    ReplyKind.HELP: _render_help,
    ReplyKind.DIGEST: _render_digest,
    ReplyKind.PAPERS: _render_papers,
    ReplyKind.PAPER: _render_paper,
    ReplyKind.SETTINGS: _render_settings,
    ReplyKind.EXPLANATION: _render_explanation,
}


RECAP_BAR_WIDTH = 24


def render_recap(recap: Recap) -> RenderableType:
    """The weekly recap as a text bar chart: one row per paper, the bar as long as its votes."""
    most = max((entry.votes for entry in recap.entries), default=1) or 1
    table = Table.grid(padding=(0, 1))
    for entry in recap.entries:
        bar = "█" * max(1, round(RECAP_BAR_WIDTH * entry.votes / most))
        title = Text(f"{entry.rank}. {clean(entry.title, MAX_RECAP_TITLE_CHARS)}")
        url = safe_url(entry.url)
        if url:
            title.stylize(Style(link=url))
        table.add_row(title, Text(bar, style="cyan"), Text(recap_votes(entry), style="dim"))
    return Panel(table, title=Text(recap_headline(recap), style="bold"), title_align="left")
