"""Runs `/papers ...` commands: the grammar (bot.grammar) turns text into an action, and each
action here becomes a use case on the store, the composer and the outbox, answered by a Reply.

Every answer is a plain sentence or structured items; adapters render it in their own idiom.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta

import structlog

from bot import grammar
from bot.clock import Clock, utc_now
from bot.composer import DigestComposer, local_date
from bot.delivery import Delivery, Outcome
from bot.digest import digest_item
from bot.models import (
    ChannelRef,
    ChannelSettings,
    Command,
    DigestItem,
    FetchReport,
    Follow,
    FollowKind,
    Paper,
    Reply,
    ReplyKind,
    VoteTally,
)
from bot.names import name_words
from bot.ports import PaperSource
from bot.ranking import explain_in_words, score
from bot.ranking.follows import NameMatch, find_follow, match_name
from bot.ranking.taste import Leaning
from bot.refresh import Refresher
from bot.schedule_words import describe_recap, describe_schedule
from bot.search.engine import Searcher
from bot.sources import UpstreamError
from bot.store import Store
from bot.wording import one_line, one_line_within

log = structlog.get_logger(__name__)

PERIOD_LENGTHS = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}
SEARCH_LIMIT = 5
FEW_RESULTS = 3
"""A search finding fewer stored papers than this asks Hugging Face too."""
LOOKUP_BUDGET_SECONDS = 2.0
"""How long a command waits for an upstream, so its answer fits Slack's and Discord's windows."""
FROM_HF = "found on Hugging Face"
TOP_LIMIT = 10
TEAM_TOP_LIMIT = 5


def text_reply(text: str, *, ephemeral: bool = True) -> Reply:
    """A one-sentence answer."""
    return Reply(ReplyKind.TEXT, text, ephemeral=ephemeral)


def error_reply(text: str) -> Reply:
    """A one-sentence refusal that says what to do instead."""
    return Reply(ReplyKind.ERROR, text)


class Commands:
    """The use cases behind each `/papers` subcommand."""

    def __init__(
        self,
        store: Store,
        composer: DigestComposer,
        delivery: Delivery,
        refresher: Refresher,
        lookups: Sequence[PaperSource],
        *,
        schedule_changed: Callable[[], Awaitable[None]],
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._composer = composer
        self._delivery = delivery
        self._refresher = refresher
        self._lookups = list(lookups)
        self._schedule_changed = schedule_changed
        self._clock = clock
        self._searcher = Searcher(store, clock=clock)

    async def run(self, command: Command) -> Reply:
        """Parse and run one command; bad input gets a usage sentence, never an exception."""
        try:
            action = grammar.parse(command.text)
        except grammar.UsageError as error:
            return error_reply(str(error))
        if grammar.is_change(action) and not command.can_manage:
            return error_reply(
                "Only workspace admins can change this channel's digest; ask one of them, "
                "or use /papers settings to see it."
            )
        settings = await self._store.get_channel(command.channel) or ChannelSettings(
            command.channel
        )
        return await self._dispatch(action, settings, command.user_id)

    async def _dispatch(
        self, action: grammar.Action, settings: ChannelSettings, user_id: str
    ) -> Reply:
        match action:
            case grammar.Help(topic=topic):
                return help_reply(topic)
            case grammar.ListWords(list_name=name):
                return text_reply(f"The {LIST_WORDS[name]} here: {_words(settings, name)}.")
            case grammar.Today():
                return await self._today(settings)
            case grammar.Top(period=period):
                return await self._top(settings, period)
            case grammar.Search(query=query):
                return await self._search(settings, user_id, query)
            case grammar.More():
                return await self._more(settings, user_id, action)
            case grammar.ShowPaper(paper_id=paper_id):
                return await self._paper(settings, paper_id)
            case grammar.Subscribe():
                return await self._subscribe(settings.channel, action)
            case grammar.Unsubscribe():
                return await self._unsubscribe(settings.channel)
            case grammar.ShowSettings():
                return settings_reply(settings)
            case grammar.Why():
                return await self._why(settings, action)
            case grammar.Similar():
                return await self._similar(settings, action)
            case grammar.ShowTaste():
                return await self._taste(settings)
            case grammar.FollowName(follow=True):
                return await self._follow(settings.channel, action)
            case grammar.FollowName(follow=False):
                return await self._unfollow(settings.channel, action)
            case grammar.ListFollows():
                return text_reply(following_sentence(settings.follows))
            case grammar.DigestNow():
                return await self._digest_now(settings)
            case _:
                return await self._change_settings(settings.channel, action)

    async def _today(self, settings: ChannelSettings) -> Reply:
        now = self._clock()
        digest = await self._composer.compose(settings, now=now)
        if not digest.items and not await self._composer.candidates(settings, now):
            return text_reply(
                "No recent papers are stored yet; the bot fetches them in the background, "
                "or run papers-bot fetch."
            )
        if not digest.items:
            return text_reply(
                "Nothing new for this channel right now; every recent paper was already "
                "shared here or filtered out. Try /papers top week."
            )
        return Reply(
            ReplyKind.DIGEST,
            f"Today's picks for this channel: {len(digest.items)} papers.",
            digest=digest,
        )

    async def _top(self, settings: ChannelSettings, period: str) -> Reply:
        """Your team's most voted papers of the period (votes cast in it), each with its
        votes, then Hugging Face's most upvoted of the period not already listed."""
        ref = settings.channel
        since = self._clock() - PERIOD_LENGTHS[period]
        favourites = await self._store.team_favourites(
            since, platform=ref.platform, workspace=ref.workspace, limit=TEAM_TOP_LIMIT
        )
        entries = await self._store.top_papers(
            since, platform=ref.platform, workspace=ref.workspace, limit=TOP_LIMIT
        )
        listed = {paper.id for paper, _ in favourites}
        rows = [(paper, tally.weight, team_note(tally)) for paper, tally in favourites]
        rows += [
            (entry.paper, entry.team_votes, hf_note(entry.paper.upvotes))
            for entry in entries
            if entry.paper.id not in listed
        ][: TOP_LIMIT - len(rows)]
        if not rows:
            return text_reply(f"No papers stored from the last {period} yet.")
        items = [
            self._item(paper, settings, rank=rank, team_votes=votes, note=note)
            for rank, (paper, votes, note) in enumerate(rows, start=1)
        ]
        heading = f"Most upvoted on Hugging Face in the last {period}."
        if favourites:
            heading = (
                f"Your team's most voted in the last {period}, then the most upvoted on "
                "Hugging Face."
            )
        return Reply(ReplyKind.PAPERS, heading, items=tuple(items))

    async def _search(
        self,
        settings: ChannelSettings,
        user_id: str,
        query: str,
        *,
        offset: int = 0,
        saved_id: str | None = None,
    ) -> Reply:
        """One page of a search of the stored papers. The first page, with fewer than
        FEW_RESULTS, asks Hugging Face too (LOOKUP_BUDGET_SECONDS at most) and adds what it
        knows; a search with more results is saved, and the reply offers the next page."""
        result = await self._searcher.search(query, limit=SEARCH_LIMIT, offset=offset)
        if result.hint is not None:
            return error_reply(" ".join((*result.problems, result.hint)))
        found = [(f.paper, shorten_snippet(f.snippet)) for f in result.found]
        lines = list(result.problems)
        upstreams = self._upstreams()
        words = " ".join(result.query.words)
        if offset == 0 and len(found) < FEW_RESULTS and words and upstreams:
            papers, problem = await self._search_upstream(upstreams[0], words)
            known = {paper.id for paper, _ in found}
            found += [(paper, FROM_HF) for paper in papers if paper.id not in known]
            lines += [problem] if problem else []
        if not found:
            if offset:
                return text_reply(f"No more results for “{query}”.")
            return text_reply(
                " ".join((f"No papers found for “{query}”; try fewer or other words.", *lines))
            )
        items = [
            self._item(paper, settings, rank=rank, note=note)
            for rank, (paper, note) in enumerate(found[:SEARCH_LIMIT], start=offset + 1)
        ]
        heading = f"Papers matching “{query}”."
        if result.corrected is not None:
            heading = f"Nothing matched “{query}”; showing results for “{result.corrected}”."
        more = await self._next_page(settings, user_id, query, result.total, offset, saved_id)
        return Reply(ReplyKind.PAPERS, heading, lines=tuple(lines), items=tuple(items), more=more)

    async def _next_page(
        self,
        settings: ChannelSettings,
        user_id: str,
        query: str,
        total: int,
        offset: int,
        saved_id: str | None,
    ) -> str | None:
        """The command that shows the next page, saving the search the first time; None
        when this page was the last."""
        shown = min(total, offset + SEARCH_LIMIT)
        if saved_id is not None:
            await self._store.mark_search_shown(saved_id, shown)
        if shown >= total:
            return None
        if saved_id is None:
            saved_id = await self._store.save_search(
                settings.channel, user_id, query, shown=shown, at=self._clock()
            )
        return f"more {saved_id}:{shown}"

    async def _more(self, settings: ChannelSettings, user_id: str, action: grammar.More) -> Reply:
        """The next page of a saved search of this channel: the one a button names, or the
        caller's last one."""
        if action.search_id is None:
            saved = await self._store.latest_search(settings.channel, user_id)
        else:
            saved = await self._store.saved_search(action.search_id)
        if saved is None or saved.channel != settings.channel:
            if action.search_id is None:
                return error_reply(
                    "There is no search of yours here to go on with; use /papers search."
                )
            return error_reply("That search is no longer kept; run /papers search again.")
        offset = saved.shown if action.offset is None else action.offset
        return await self._search(settings, user_id, saved.query, offset=offset, saved_id=saved.id)

    def _upstreams(self) -> list[PaperSource]:
        """The sources to ask on demand; none while the last fetch reached no upstream, so an
        offline lookup answers at once instead of waiting out every retry."""
        return [] if self._refresher.offline else self._lookups

    async def _search_upstream(self, source: PaperSource, words: str) -> tuple[list[Paper], str]:
        """What the upstream finds for the words (remembered in the store), and a sentence
        when it could not answer in time or at all."""
        try:
            async with asyncio.timeout(LOOKUP_BUDGET_SECONDS):
                report = await source.search(words, SEARCH_LIMIT)
        except TimeoutError:
            log.warning("search_upstream_slow", seconds=LOOKUP_BUDGET_SECONDS)
            return [], f"Hugging Face did not answer within {LOOKUP_BUDGET_SECONDS:g} s."
        except UpstreamError as error:
            report = FetchReport(errors=(str(error),))
        if report.errors and not report.papers:
            log.warning("search_upstream_failed", error=report.errors[0])
            return [], "Hugging Face's search failed just now."
        await self._refresher.remember(report.papers)
        return list(report.papers), ""

    async def _paper(self, settings: ChannelSettings, paper_id: str) -> Reply:
        paper = await self._store.get_paper(paper_id)
        for source in self._upstreams():
            if paper is not None:
                break
            paper = await self._fetch_paper(source, paper_id)
        if paper is None and self._refresher.offline:
            return text_reply(
                f"Paper {paper_id} isn't stored here, and Hugging Face and arXiv can't be "
                "reached right now; try again later."
            )
        if paper is None:
            return text_reply(f"I can't find paper {paper_id} here, on Hugging Face or on arXiv.")
        return Reply(ReplyKind.PAPER, paper.title, items=(self._item(paper, settings, rank=1),))

    async def _fetch_paper(self, source: PaperSource, paper_id: str) -> Paper | None:
        try:
            paper = await source.fetch_paper(paper_id)
        except UpstreamError as error:
            log.warning(
                "paper_lookup_failed", source=source.name, paper_id=paper_id, error=str(error)
            )
            return None
        if paper is not None:
            await self._refresher.remember([paper])
        return paper

    async def _subscribe(self, channel: ChannelRef, action: grammar.Subscribe) -> Reply:
        def subscribe(settings: ChannelSettings) -> ChannelSettings:
            return replace(
                settings,
                subscribed=True,
                post_at=action.post_at or settings.post_at,
                timezone=action.timezone or settings.timezone,
                days=action.days if action.days is not None else settings.days,
                paused_reason=None,
                paused_at=None,
            )

        _, after = await self._store.update_channel(channel, subscribe)
        await self._schedule_changed()
        return text_reply(f"Subscribed: {describe_schedule(after)}.")

    async def _unsubscribe(self, channel: ChannelRef) -> Reply:
        before, _ = await self._store.update_channel(
            channel, lambda settings: replace(settings, subscribed=False)
        )
        if not before.subscribed:
            return text_reply("This channel has no scheduled digest.")
        await self._schedule_changed()
        return text_reply(
            "Unsubscribed. Your settings are kept; /papers subscribe brings the digest back."
        )

    async def _why(self, settings: ChannelSettings, action: grammar.Why) -> Reply:
        paper = await self._target(settings, action.rank, action.paper_id)
        if isinstance(paper, Reply):
            return paper
        now = self._clock()
        ref = settings.channel
        momentum = await self._store.momentum([paper.id], now=now)
        tallies = await self._store.vote_tallies(ref.platform, ref.workspace, [paper.id])
        explanation = score(
            paper,
            settings,
            now=now,
            momentum=momentum.get(paper.id, 0),
            tally=tallies.get(paper.id),
            taste=await self._composer.taste(settings, [paper], now=now),
        )
        return Reply(
            ReplyKind.EXPLANATION,
            explain_in_words(explanation),
            lines=(paper.title,),
        )

    async def _similar(self, settings: ChannelSettings, action: grammar.Similar) -> Reply:
        paper = await self._target(settings, action.rank, action.paper_id)
        if isinstance(paper, Reply):
            return paper
        found = await self._searcher.similar(paper, limit=SEARCH_LIMIT)
        if not found:
            return text_reply(f"No stored paper is close to “{one_line(paper.title)}” yet.")
        items = [
            self._item(f.paper, settings, rank=rank, note=shorten_snippet(f.snippet))
            for rank, f in enumerate(found, start=1)
        ]
        return Reply(
            ReplyKind.PAPERS, f"Papers like “{one_line(paper.title)}”.", items=tuple(items)
        )

    async def _target(
        self, settings: ChannelSettings, rank: int | None, paper_id: str | None
    ) -> Paper | Reply:
        """The stored paper a rank in today's digest or a paper id names, or the refusal
        to answer with."""
        paper_id = paper_id or await self._paper_at_rank(settings, rank or 1)
        if paper_id is None:
            return error_reply(
                f"There is no paper {rank} in today's digest; use a rank from "
                "/papers today or a paper id."
            )
        paper = await self._store.get_paper(paper_id)
        if paper is None:
            return error_reply(
                f"I don't know paper {paper_id}; /papers paper {paper_id} looks it up."
            )
        return paper

    async def _paper_at_rank(self, settings: ChannelSettings, rank: int) -> str | None:
        slot = await self._store.slot_status(
            settings.channel, local_date(settings, self._clock()).isoformat()
        )
        if slot is not None and slot.paper_ids:
            ids = list(slot.paper_ids)
        else:
            digest = await self._composer.compose(settings, now=self._clock())
            ids = [item.paper_id for item in digest.items]
        return ids[rank - 1] if 0 < rank <= len(ids) else None

    async def _taste(self, settings: ChannelSettings) -> Reply:
        view = await self._composer.taste(settings, [], now=self._clock())
        if view is None:
            return text_reply(
                "Nothing learned here yet: react 👍 🔥 👎 on the papers of a digest, and the "
                "ranking learns what your team likes."
            )
        return Reply(
            ReplyKind.SETTINGS,
            "What the ranking learned from your team's votes",
            lines=taste_lines(view.model.leaning(), view.votes),
        )

    async def _follow(self, channel: ChannelRef, action: grammar.FollowName) -> Reply:
        """Follow a name, completed from the stored names when they know it ("Y. LeCun" is
        stored as "Yann LeCun"); an unknown name is followed as typed, with what it may mean."""
        found = match_name(
            action.kind, action.name, await self._store.known_names(action.kind, action.name)
        )
        one_word = len(name_words(action.name)) == 1
        if found.known is None and action.kind is FollowKind.AUTHOR and one_word:
            return error_reply(_surname_only(action.name, found.suggestions))
        follow = Follow(action.kind, found.known or action.name)

        def add(settings: ChannelSettings) -> ChannelSettings:
            if find_follow(settings.follows, follow) or len(settings.follows) >= MAX_FOLLOWS:
                return settings
            return replace(settings, follows=(*settings.follows, follow))

        before, after = await self._store.update_channel(channel, add)
        existing = find_follow(before.follows, follow)
        if existing is not None:
            return text_reply(f"This channel already follows {existing.name}.")
        if after.follows == before.follows:
            return error_reply(
                f"This channel follows {MAX_FOLLOWS} names already; /papers unfollow one first."
            )
        return text_reply(followed_sentence(follow, found))

    async def _unfollow(self, channel: ChannelRef, action: grammar.FollowName) -> Reply:
        wanted = Follow(action.kind, action.name)

        def remove(settings: ChannelSettings) -> ChannelSettings:
            found = find_follow(settings.follows, wanted)
            return replace(settings, follows=tuple(f for f in settings.follows if f != found))

        before, _ = await self._store.update_channel(channel, remove)
        removed = find_follow(before.follows, wanted)
        if removed is None:
            return error_reply(
                f"This channel does not follow {action.name}; /papers following lists who it does."
            )
        return text_reply(f"Stopped following {removed.name}.")

    async def _digest_now(self, settings: ChannelSettings) -> Reply:
        outcome = await self._delivery.deliver(
            settings.channel, local_date(settings, self._clock())
        )
        return text_reply(DIGEST_NOW_ANSWERS[outcome])

    async def _change_settings(self, channel: ChannelRef, action: grammar.Action) -> Reply:
        """Apply one setting change atomically; the answer describes what is stored after it."""
        change, said = settings_change(action)
        _, after = await self._store.update_channel(channel, change)
        if isinstance(action, grammar.SetRecap):
            await self._schedule_changed()
        return text_reply(said(after))

    def _item(
        self,
        paper: Paper,
        settings: ChannelSettings,
        *,
        rank: int,
        note: str = "",
        team_votes: int = 0,
    ) -> DigestItem:
        explanation = score(paper, settings, now=self._clock())
        return replace(
            digest_item(
                paper,
                rank=rank,
                explanation=explanation,
                team_votes=team_votes,
                follows=settings.follows,
            ),
            note=note,
        )


LAYOUT_WORDS = {"thread": "in a thread under the header", "channel": "in the channel"}
LIST_WORDS = {"topics": "topics", "excludes": "excluded words"}
DIGEST_NOW_ANSWERS = {
    Outcome.POSTED: "Posted today's digest in this channel.",
    Outcome.EMPTY: "Nothing new to post today; recent papers were already shared or filtered out.",
    Outcome.ALREADY: "Today's digest was already posted here; it never posts twice.",
    Outcome.IN_PROGRESS: "Today's digest is being posted here right now.",
    Outcome.PAUSED: "This channel's digest is paused; see /papers settings.",
    Outcome.NO_ADAPTER: "This platform is not connected right now, so nothing was posted.",
}


def settings_change(
    action: grammar.Action,
) -> tuple[Callable[[ChannelSettings], ChannelSettings], Callable[[ChannelSettings], str]]:
    """What a setting command changes (a function of the stored settings, touching only the
    fields it names) and how its answer reads from the settings stored after it."""
    match action:
        case grammar.SetSize(size=size):
            return (
                lambda settings: replace(settings, size=size),
                lambda after: f"Digests here now show {after.size} papers.",
            )
        case grammar.SetMinUpvotes(minimum=minimum):
            return (
                lambda settings: replace(settings, min_upvotes=minimum),
                lambda after: (
                    f"Only papers with at least {after.min_upvotes} upvotes on Hugging Face "
                    "will be picked."
                ),
            )
        case grammar.SetMaxAge(days=days):
            return (
                lambda settings: replace(settings, max_age_days=days),
                lambda after: f"Papers up to {after.max_age_days} days old can be picked.",
            )
        case grammar.SetLayout(layout=layout):
            return (
                lambda settings: replace(settings, layout=layout),
                lambda after: f"Papers will be posted {LAYOUT_WORDS[after.layout]}.",
            )
        case grammar.SetRecap(day=day, at=at):
            return (
                lambda settings: replace(
                    settings, recap_day=day, recap_at=at if at is not None else settings.recap_at
                ),
                lambda after: f"Weekly recap: {describe_recap(after)}.",
            )
        case grammar.ChangeWords(list_name=name, add=add, words=words):
            return (
                lambda settings: _change_words(settings, name, add, words),
                lambda after: f"The {LIST_WORDS[name]} are now: {_words(after, name)}.",
            )
        case grammar.ClearWords(list_name=name):
            return (
                lambda settings: replace(settings, **{name: ()}),
                lambda _after: f"Cleared the {LIST_WORDS[name]}.",
            )
    raise TypeError(f"unhandled action {action!r}")


def _change_words(
    settings: ChannelSettings, name: str, add: bool, words: tuple[str, ...]
) -> ChannelSettings:
    current: tuple[str, ...] = getattr(settings, name)
    if add:
        merged = current + tuple(word for word in words if word not in current)
    else:
        merged = tuple(word for word in current if word not in words)
    return replace(settings, **{name: merged})


def _words(settings: ChannelSettings, name: str) -> str:
    return ", ".join(getattr(settings, name)) or "none"


MAX_FOLLOWS = 50
FOLLOW_KIND_WORDS = {FollowKind.AUTHOR: "authors", FollowKind.ORG: "organizations"}


def followed_sentence(follow: Follow, found: NameMatch) -> str:
    """The answer to a follow: what was followed and, for a name no stored paper has, what
    it may have been meant as."""
    whose = "their papers" if follow.kind is FollowKind.AUTHOR else "its papers"
    if found.known is not None and not found.suggestions:
        return f"Following {follow.name}: {whose} rank higher here and are marked ⭐."
    if found.known is not None:
        return (
            f"Following {follow.name}, which fits {_or_list(found.suggestions)}; "
            f"{whose} rank higher here and are marked ⭐."
        )
    guess = f"; did you mean {_or_list(found.suggestions)}?" if found.suggestions else "."
    return (
        f"Following {follow.name}, though no stored paper has that name yet, so nothing is "
        f"marked until one arrives{guess}"
    )


def _surname_only(name: str, suggestions: Sequence[str]) -> str:
    """The refusal for a one-word author name, naming the people it could be."""
    if suggestions:
        return f"Give a first name or initial too: do you mean {_or_list(suggestions)}?"
    return f'Give a first name or initial too, e.g. /papers follow author "Y. {name}".'


def _or_list(names: Sequence[str]) -> str:
    """a, a or b, a, b or c."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def following_sentence(follows: Sequence[Follow]) -> str:
    """Who the channel follows, authors then organizations, in the order they were followed."""
    if not follows:
        return 'This channel follows no one yet; e.g. /papers follow author "Yann LeCun".'
    groups = [
        f"{FOLLOW_KIND_WORDS[kind]} {', '.join(f.name for f in follows if f.kind is kind)}"
        for kind in FollowKind
        if any(f.kind is kind for f in follows)
    ]
    return f"This channel follows {'; '.join(groups)}."


def team_note(tally: VoteTally) -> str:
    """`your team: +5 from 3 people`."""
    people = "person" if tally.voters == 1 else "people"
    return f"your team: {tally.weight:+d} from {tally.voters} {people}"


def hf_note(upvotes: int | None) -> str:
    """`312 upvotes on Hugging Face`."""
    count = upvotes or 0
    return f"{count:,} {'upvote' if count == 1 else 'upvotes'} on Hugging Face"


SNIPPET_CHARS = 200


def shorten_snippet(snippet: str) -> str:
    """The matched part of an abstract as one line of at most SNIPPET_CHARS characters."""
    return one_line_within(snippet, SNIPPET_CHARS)


def help_reply(topic: str | None = None) -> Reply:
    """One line per subcommand (or the one asked about), with an example each."""
    lines = tuple(
        f"{entry.usage} - {entry.description} (e.g. {entry.example})"
        for entry in grammar.help_entries(topic)
    )
    return Reply(ReplyKind.HELP, "papers-bot commands", lines=lines)


def taste_lines(leaning: Leaning, votes: float) -> tuple[str, ...]:
    """What a taste model leans towards, one line per kind of feature that has any."""
    shown = round(votes)
    lines = [
        f"Learned from {shown} {'vote' if shown == 1 else 'votes'} "
        "(older ones count less, other channels of your team half)."
    ]
    for label, found in (
        ("Words that lift a paper", leaning.up_terms),
        ("Words that lower a paper", leaning.down_terms),
        ("Authors and organizations you like", leaning.up_people),
        ("Authors and organizations you vote down", leaning.down_people),
    ):
        if found:
            lines.append(f"{label}: {', '.join(found)}")
    return tuple(lines)


def settings_reply(settings: ChannelSettings) -> Reply:
    """The channel's whole state in one view."""
    if settings.subscribed:
        schedule = f"Schedule: {describe_schedule(settings)}"
    else:
        schedule = "Schedule: none; /papers subscribe 09:00 Europe/Berlin weekdays starts one"
    status = "Status: active"
    if settings.paused_reason:
        when = f" on {settings.paused_at:%-d %b}" if settings.paused_at else ""
        status = f"Status: paused: {settings.paused_reason}{when}"
    lines = (
        schedule,
        f"Size: {settings.size} papers; at least {settings.min_upvotes} upvotes; "
        f"up to {settings.max_age_days} days old",
        f"Topics: {', '.join(settings.topics) or 'none'}",
        f"Excluded: {', '.join(settings.excludes) or 'none'}",
        f"Following: {', '.join(f.name for f in settings.follows) or 'no one'}",
        f"Layout: {LAYOUT_WORDS[settings.layout]}",
        f"Weekly recap: {describe_recap(settings)}",
        status,
    )
    return Reply(ReplyKind.SETTINGS, "Settings for this channel", lines=lines)
