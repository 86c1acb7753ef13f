"""Runs `/papers ...` commands: the grammar (bot.grammar) turns text into an action, and each
action here becomes a use case on the store, the composer and the outbox, answered by a Reply.

Every answer is a plain sentence or structured items (bot.commands.replies); adapters
render it in their own idiom.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta

import structlog

from bot import grammar
from bot.clock import Clock, utc_now
from bot.commands.lookup import look_up_paper
from bot.commands.replies import (
    DIGEST_NOW_ANSWERS,
    LIST_WORDS,
    MAX_FOLLOWS,
    NO_PAPERS_YET,
    TODAY_PREVIEW,
    error_reply,
    followed_sentence,
    following_sentence,
    help_reply,
    hf_note,
    listed_words,
    nothing_in_period,
    sent_digest_reply,
    settings_reply,
    surname_only,
    taste_lines,
    team_note,
    text_reply,
)
from bot.commands.search import SearchCommands, listed_item
from bot.commands.settings_change import settings_change
from bot.composer import DigestComposer, local_date
from bot.delivery import Delivery, Outcome
from bot.models import (
    ChannelRef,
    ChannelSettings,
    Command,
    Follow,
    FollowKind,
    Paper,
    Reply,
    ReplyKind,
)
from bot.names import name_words
from bot.ports import PaperSource
from bot.ranking import explain_in_words, score
from bot.ranking.follows import find_follow, match_name
from bot.refresh import Refresher
from bot.schedule_words import describe_schedule
from bot.store import Store

log = structlog.get_logger(__name__)

PERIOD_LENGTHS = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}
TOP_LIMIT = 10
TEAM_TOP_LIMIT = 5


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
        self._searches = SearchCommands(store, refresher, lookups, clock=clock)

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
                return text_reply(f"The {LIST_WORDS[name]} here: {listed_words(settings, name)}.")
            case grammar.Today():
                return await self._today(settings)
            case grammar.Top(period=period):
                return await self._top(settings, period)
            case grammar.Search(query=query):
                return await self._searches.search(settings, user_id, query)
            case grammar.More():
                return await self._searches.more(settings, user_id, action)
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
        """Today's digest as posted here once it was, else a preview of the picks it would
        have now."""
        now = self._clock()
        sent = await self._delivery.sent(settings, local_date(settings, now))
        if sent is not None:
            return sent_digest_reply(sent)
        digest = await self._composer.compose(settings, now=now)
        if not digest.items and not await self._composer.candidates(settings, now):
            return text_reply(NO_PAPERS_YET)
        if not digest.items:
            return text_reply(
                "Nothing new for this channel right now; every recent paper was already "
                "shared here or filtered out. Try /papers top week."
            )
        return Reply(ReplyKind.DIGEST, TODAY_PREVIEW, digest=digest)

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
            return text_reply(nothing_in_period(period))
        items = [
            listed_item(paper, settings, rank=rank, now=self._clock(), team_votes=votes, note=note)
            for rank, (paper, votes, note) in enumerate(rows, start=1)
        ]
        heading = f"Most upvoted on Hugging Face in the last {period}."
        if favourites:
            heading = (
                f"Your team's most voted in the last {period}, then the most upvoted on "
                "Hugging Face."
            )
        return Reply(ReplyKind.PAPERS, heading, items=tuple(items))

    async def _paper(self, settings: ChannelSettings, paper_id: str) -> Reply:
        """One paper: the stored one, else the first upstream's that knows it (kept), else a
        sentence saying where it was looked for and which upstream could not answer."""
        paper = await self._store.get_paper(paper_id)
        if paper is None:
            found = await look_up_paper(self._lookups, paper_id)
            if found.paper is None:
                return text_reply(found.not_found(paper_id))
            paper = found.paper
            await self._refresher.remember([paper])
        return Reply(
            ReplyKind.PAPER,
            paper.title,
            items=(listed_item(paper, settings, rank=1, now=self._clock()),),
        )

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
        return await self._searches.similar(settings, paper)

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
            return error_reply(surname_only(action.name, found.suggestions))
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
        """Post today's digest now, as today's slot, answering once its posts start; a day with
        nothing new uses nothing up."""
        now = self._clock()
        outcome = await self._delivery.start(settings.channel, local_date(settings, now))
        if outcome is Outcome.EMPTY and not await self._composer.candidates(settings, now):
            return text_reply(NO_PAPERS_YET)
        return text_reply(DIGEST_NOW_ANSWERS[outcome])

    async def _change_settings(self, channel: ChannelRef, action: grammar.Action) -> Reply:
        """Apply one setting change atomically; the answer describes what is stored after it."""
        change, said = settings_change(action)
        _, after = await self._store.update_channel(channel, change)
        if isinstance(action, grammar.SetRecap):
            await self._schedule_changed()
        return text_reply(said(after))
