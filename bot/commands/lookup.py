"""Asking the upstreams while someone waits (`/papers paper ID`, the Hugging Face part of
`/papers search`): a budget of LOOKUP_BUDGET_SECONDS for the whole answer, and words that
say which upstream was asked and how it answered, so "can't find" is said only of an
upstream that was asked and did not know the paper."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from bot.models import Paper
from bot.ports import PaperSource
from bot.sources import UpstreamError, UpstreamUnreachable

log = structlog.get_logger(__name__)

LOOKUP_BUDGET_SECONDS = 2.0
"""How long a command waits for the upstreams, so its answer fits Slack's and Discord's windows."""
UPSTREAM_TITLES = {"hf": "Hugging Face", "arxiv": "arXiv"}


class Answer(enum.Enum):
    """How one upstream answered a look-up."""

    FOUND = "found"
    UNKNOWN = "unknown"
    """It answered and does not know the paper."""
    UNREACHABLE = "unreachable"
    SLOW = "slow"
    """It did not answer within the budget."""
    FAILED = "failed"


def upstream_title(name: str) -> str:
    """How the answers name an upstream: "Hugging Face" for "hf", "arXiv" for "arxiv"."""
    return UPSTREAM_TITLES.get(name, name)


def unanswered(titles: Sequence[str], answer: Answer) -> str:
    """The upstreams that could not answer, and why, as the words of a sentence
    ("Hugging Face and arXiv can't be reached right now")."""
    who = " and ".join(titles)
    if answer is Answer.UNREACHABLE:
        return f"{who} can't be reached right now"
    if answer is Answer.SLOW:
        return f"{who} did not answer within {LOOKUP_BUDGET_SECONDS:g} s"
    return f"{who} failed just now"


@dataclass(frozen=True, slots=True)
class PaperLookup:
    """The paper the upstreams gave (None if none did) and how each one asked answered."""

    paper: Paper | None
    answers: tuple[tuple[str, Answer], ...]

    def not_found(self, paper_id: str) -> str:
        """The sentence for a paper none of them gave: where it was looked for and not
        known, then which upstream could not answer and why."""
        places = ["here"]
        places += [
            f"on {upstream_title(name)}" for name, got in self.answers if got is Answer.UNKNOWN
        ]
        where = places[0] if len(places) == 1 else f"{', '.join(places[:-1])} or {places[-1]}"
        problems = [
            unanswered(
                [upstream_title(name) for name, got in self.answers if got is answer], answer
            )
            for answer in (Answer.UNREACHABLE, Answer.SLOW, Answer.FAILED)
            if any(got is answer for _, got in self.answers)
        ]
        if not problems:
            return f"I can't find paper {paper_id} {where}."
        return (
            f"I can't find paper {paper_id} {where}, and {' and '.join(problems)}; try again later."
        )


async def look_up_paper(sources: Sequence[PaperSource], paper_id: str) -> PaperLookup:
    """Ask each upstream in turn for one paper, all within LOOKUP_BUDGET_SECONDS; one that
    can't be reached (its breaker answers at once) leaves the budget to the next."""
    deadline = asyncio.get_running_loop().time() + LOOKUP_BUDGET_SECONDS
    answers: list[tuple[str, Answer]] = []
    for source in sources:
        try:
            async with asyncio.timeout_at(deadline):
                paper = await source.fetch_paper(paper_id)
        except TimeoutError:
            log.warning("paper_lookup_slow", source=source.name, seconds=LOOKUP_BUDGET_SECONDS)
            answers.append((source.name, Answer.SLOW))
            break
        except UpstreamUnreachable:
            answers.append((source.name, Answer.UNREACHABLE))
            continue
        except UpstreamError as error:
            log.warning(
                "paper_lookup_failed", source=source.name, paper_id=paper_id, error=str(error)
            )
            answers.append((source.name, Answer.FAILED))
            continue
        if paper is not None:
            return PaperLookup(paper, (*answers, (source.name, Answer.FOUND)))
        answers.append((source.name, Answer.UNKNOWN))
    return PaperLookup(None, tuple(answers))
