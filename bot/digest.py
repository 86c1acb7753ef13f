"""Pure composition of one channel's digest: which papers, in what order, in which words.

`compose_digest` picks the eligible candidates (new to the channel, recent, upvoted enough,
not excluded) and keeps the best by score; `digest_item` turns one paper into the neutral
`DigestItem` every renderer shows: a clean title, three authors at most, a short summary,
links, numbers and keywords. Plain text only; escaping is each renderer's job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime

from bot import ranking
from bot.models import (
    ChannelRef,
    ChannelSettings,
    Digest,
    DigestItem,
    Follow,
    Paper,
    PaperLinks,
    ScoreExplanation,
    VoteTally,
)

MAX_AUTHORS = 3
MAX_KEYWORDS = 5
SUMMARY_MAX_CHARS = 400
SUMMARY_SENTENCES = 2
ELLIPSIS = "…"

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_OPENERS = "\"'“‘(["
_TRAILING_PUNCTUATION = " ,;:.-–—([{/"
# Words of papers that end with a period without ending the sentence ("e.g. BERT",
# "Fig. 2"); units such as "ms" are left out, as they often do end one.
_ABBREVIATIONS = frozenset(
    {
        "al",
        "approx",
        "cf",
        "e.g",
        "eq",
        "eqs",
        "fig",
        "figs",
        "i.e",
        "pp",
        "ref",
        "refs",
        "resp",
        "sec",
        "secs",
        "tab",
        "viz",
        "vol",
        "vs",
    }
)
_DOTTED_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_GITHUB_REPO = re.compile(r"[\w.-]+/[\w.-]+")


def digest_id(channel: ChannelRef, slot_date: date) -> str:
    """The id of a channel's digest for one slot: unique per channel and local date."""
    return f"{channel.key}:{slot_date.isoformat()}"


def compose_digest(
    settings: ChannelSettings,
    candidates: Sequence[Paper],
    *,
    now: datetime,
    slot_date: date,
    delivered: Set[str],
    momentum: Mapping[str, int],
    tallies: Mapping[str, VoteTally],
    taste: ranking.Taste | None = None,
) -> Digest:
    """The channel's digest for one slot: the best `settings.size` eligible papers, ranked.

    Eligible: not delivered to the channel before, featured (or published, if never
    featured) at most `settings.max_age_days` days before `now` (or up to
    CLIMBING_MAX_AGE_DAYS while it is climbing: CLIMBING_MIN_GAIN upvotes or more in the
    last 24 h), at least `settings.min_upvotes` upvotes (unknown counts as 0), and not hit
    by an excluded keyword. A paper listed twice counts as first listed. The digest may be
    empty.
    """
    today = ranking.utc_date(now)
    seen: set[str] = set()
    eligible: list[Paper] = []
    for paper in candidates:
        paper_id = paper.id
        if paper_id in delivered or paper_id in seen:
            continue
        seen.add(paper_id)
        if (paper.upvotes or 0) < settings.min_upvotes:
            continue
        age = ranking.age_days(paper, today)
        if age is None:
            continue
        if age <= settings.max_age_days or (
            age <= ranking.CLIMBING_MAX_AGE_DAYS
            and momentum.get(paper_id, 0) >= ranking.CLIMBING_MIN_GAIN
        ):
            eligible.append(paper)
    ranked = ranking.rank(
        eligible,
        settings,
        now=now,
        momentum=momentum,
        tallies=tallies,
        limit=settings.size,
        taste=taste,
    )
    items = []
    for position, (paper, explanation) in enumerate(ranked, start=1):
        tally = tallies.get(paper.id)
        item = digest_item(
            paper,
            rank=position,
            explanation=explanation,
            momentum=momentum.get(paper.id, 0),
            team_votes=tally.weight if tally is not None else 0,
            follows=settings.follows,
        )
        items.append(item)
    return Digest(
        id=digest_id(settings.channel, slot_date),
        channel=settings.channel,
        date=slot_date,
        timezone=settings.timezone,
        items=tuple(items),
        layout=settings.layout,
    )


def digest_item(
    paper: Paper,
    *,
    rank: int,
    explanation: ScoreExplanation,
    momentum: int = 0,
    team_votes: int = 0,
    follows: Sequence[Follow] = (),
) -> DigestItem:
    """One paper as every renderer shows it: words chosen, numbers attached, no markup.

    `follows` are the channel's: the item names those the paper is by.
    """
    authors = [name for name in (_one_line(author) for author in paper.authors) if name]
    return DigestItem(
        rank=rank,
        paper_id=paper.id,
        title=_one_line(paper.title),
        authors=tuple(authors[:MAX_AUTHORS]),
        more_authors=len(authors) > MAX_AUTHORS,
        summary=short_summary(paper),
        links=paper_links(paper),
        upvotes=paper.upvotes,
        stars=paper.github_stars,
        keywords=_keywords(paper.ai_keywords),
        thumbnail=paper.thumbnail or None,
        organization=_one_line(paper.organization or "") or None,
        climbing=momentum >= ranking.CLIMBING_MIN_GAIN,
        followed=tuple(_one_line(name) for name in ranking.followed_in(paper, follows)),
        team_votes=team_votes,
        explanation=explanation,
        featured_on=paper.featured_on,
        published_on=paper.published_at.date() if paper.published_at else None,
    )


def paper_links(paper: Paper) -> PaperLinks:
    """Hugging Face page, arXiv abstract and PDF by id; code and project page when known.

    A code link given as `owner/repo` is taken to be on GitHub; other links that are not
    web addresses (http or https) are left out.
    """
    code = (paper.github_repo or "").strip().strip("/")
    if _GITHUB_REPO.fullmatch(code):
        code = f"https://github.com/{code}"
    return PaperLinks(
        hf=f"https://huggingface.co/papers/{paper.id}",
        arxiv=f"https://arxiv.org/abs/{paper.id}",
        pdf=f"https://arxiv.org/pdf/{paper.id}",
        code=_web_address(code),
        project=_web_address(paper.project_page),
    )


def short_summary(paper: Paper) -> str:
    """The AI summary, else the abstract's first two sentences; at most 400 characters.

    A longer text is cut at a word boundary and ends with an ellipsis.
    """
    summary = _one_line(paper.ai_summary or "")
    if not summary:
        summary = " ".join(sentences(_one_line(paper.abstract))[:SUMMARY_SENTENCES])
    return truncate(summary, SUMMARY_MAX_CHARS)


def sentences(text: str) -> list[str]:
    """Split prose into sentences, careful with "e.g.", "et al.", "Fig. 2" and decimals.

    A sentence ends at ".", "!" or "?" (and any closing quote or bracket) followed by space
    and a capital letter, a digit or an opening quote or bracket; a period after a known
    abbreviation or a single initial ("R. Smith") does not end one.
    """
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 2].lstrip(_OPENERS)[:1]
        if not (following.isupper() or following.isdigit()):
            continue
        if text[match.start()] == "." and _is_abbreviation(text[start : match.start()]):
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        found.append(rest)
    return found


def truncate(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else cut at a word boundary plus "…"."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit // 2 else cut[: limit - 1]
    return cut.rstrip(_TRAILING_PUNCTUATION) + ELLIPSIS


def _is_abbreviation(before: str) -> bool:
    """Whether the word just before a period marks an abbreviation, not a sentence's end."""
    word = before.rsplit(maxsplit=1)[-1].lstrip(_OPENERS).lower() if before.strip() else ""
    if word in _ABBREVIATIONS or _DOTTED_INITIALS.fullmatch(word):
        return True
    return len(word) == 1 and word.isalpha()


def _one_line(text: str) -> str:
    """Whitespace runs (newlines included) collapsed to single spaces, ends trimmed."""
    return " ".join(text.split())


def _keywords(keywords: Sequence[str]) -> tuple[str, ...]:
    """Up to five keywords, whitespace cleaned, repeats (ignoring case) dropped."""
    chosen: list[str] = []
    seen: set[str] = set()
    for keyword in keywords:
        cleaned = _one_line(keyword)
        if cleaned and cleaned.lower() not in seen:
            seen.add(cleaned.lower())
            chosen.append(cleaned)
            if len(chosen) == MAX_KEYWORDS:
                break
    return tuple(chosen)


def _web_address(url: str | None) -> str | None:
    """The URL if it is an http(s) address, else None."""
    cleaned = (url or "").strip()
    return cleaned if cleaned.lower().startswith(("https://", "http://")) else None
