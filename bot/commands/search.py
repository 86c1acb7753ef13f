"""The search commands: `/papers search` (with Hugging Face when little is stored),
`/papers more` (the next page of a saved search) and `/papers similar`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import structlog

from bot import grammar
from bot.clock import Clock, utc_now
from bot.commands.lookup import LOOKUP_BUDGET_SECONDS, Answer, unanswered, upstream_title
from bot.commands.replies import error_reply, shorten_snippet, text_reply
from bot.digest import digest_item
from bot.models import ChannelSettings, DigestItem, FetchReport, Paper, Reply, ReplyKind
from bot.ports import PaperSource
from bot.ranking import score
from bot.refresh import Refresher
from bot.search.engine import Searcher
from bot.sources import UpstreamError
from bot.store import Store
from bot.wording import one_line

log = structlog.get_logger(__name__)

SEARCH_LIMIT = 5
FEW_RESULTS = 3
"""A search finding fewer stored papers than this asks Hugging Face too."""
FROM_HF = "found on Hugging Face"


def listed_item(
    paper: Paper,
    settings: ChannelSettings,
    *,
    rank: int,
    now: datetime,
    note: str = "",
    team_votes: int = 0,
) -> DigestItem:
    """A paper as a listing shows it (search, top, similar), scored for the channel."""
    return replace(
        digest_item(
            paper,
            rank=rank,
            explanation=score(paper, settings, now=now),
            team_votes=team_votes,
            follows=settings.follows,
        ),
        note=note,
    )


class SearchCommands:
    """Searching the stored papers, paging through results, and papers like one."""

    def __init__(
        self,
        store: Store,
        refresher: Refresher,
        lookups: Sequence[PaperSource],
        *,
        clock: Clock = utc_now,
    ) -> None:
        self._store = store
        self._refresher = refresher
        self._lookups = list(lookups)
        self._clock = clock
        self._searcher = Searcher(store, clock=clock)

    async def search(
        self,
        settings: ChannelSettings,
        user_id: str,
        query: str,
        *,
        offset: int = 0,
        saved_id: str | None = None,
    ) -> Reply:
        """One page of a search of the stored papers. The first page, with fewer than
        FEW_RESULTS papers holding every word, asks Hugging Face too (LOOKUP_BUDGET_SECONDS
        at most) and lists what it knows after those papers, before the ones holding only
        some of the words; a search with more results is saved, and the reply offers the
        next page."""
        result = await self._searcher.search(query, limit=SEARCH_LIMIT, offset=offset)
        if result.hint is not None:
            return error_reply(" ".join((*result.problems, result.hint)))
        found = [(f.paper, shorten_snippet(f.snippet)) for f in result.found]
        lines = list(result.problems)
        words = " ".join(result.query.words)
        if offset == 0 and result.exact < FEW_RESULTS and words and self._lookups:
            papers, problem = await self._search_upstream(self._lookups[0], words)
            known = {paper.id for paper, _ in found}
            added = [(paper, FROM_HF) for paper in papers if paper.id not in known]
            found = found[: result.exact] + added + found[result.exact :]
            lines += [problem] if problem else []
        if not found:
            if offset:
                return text_reply(f"No more results for “{query}”.")
            return text_reply(
                " ".join((f"No papers found for “{query}”; try fewer or other words.", *lines))
            )
        items = [
            listed_item(paper, settings, rank=rank, now=self._clock(), note=note)
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

    async def more(self, settings: ChannelSettings, user_id: str, action: grammar.More) -> Reply:
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
        return await self.search(settings, user_id, saved.query, offset=offset, saved_id=saved.id)

    async def _search_upstream(self, source: PaperSource, words: str) -> tuple[list[Paper], str]:
        """What the upstream finds for the words (remembered in the store), and a sentence
        when it could not answer in time or at all (at once when it can't be reached)."""
        title = upstream_title(source.name)
        try:
            async with asyncio.timeout(LOOKUP_BUDGET_SECONDS):
                report = await source.search(words, SEARCH_LIMIT)
        except TimeoutError:
            log.warning("search_upstream_slow", seconds=LOOKUP_BUDGET_SECONDS)
            return [], f"{unanswered([title], Answer.SLOW)}."
        except UpstreamError as error:
            report = FetchReport(errors=(str(error),))
        if report.unreachable and not report.papers:
            return [], f"{unanswered([title], Answer.UNREACHABLE)}."
        if report.errors and not report.papers:
            log.warning("search_upstream_failed", error=report.errors[0])
            return [], f"{title}'s search failed just now."
        await self._refresher.remember(report.papers)
        return list(report.papers), ""

    async def similar(self, settings: ChannelSettings, paper: Paper) -> Reply:
        """The stored papers closest in content to `paper`."""
        found = await self._searcher.similar(paper, limit=SEARCH_LIMIT)
        if not found:
            return text_reply(f"No stored paper is close to “{one_line(paper.title)}” yet.")
        items = [
            listed_item(
                f.paper, settings, rank=rank, now=self._clock(), note=shorten_snippet(f.snippet)
            )
            for rank, f in enumerate(found, start=1)
        ]
        return Reply(
            ReplyKind.PAPERS, f"Papers like “{one_line(paper.title)}”.", items=tuple(items)
        )
