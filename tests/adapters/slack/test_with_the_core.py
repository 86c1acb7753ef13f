"""The real core behind the Slack adapter in HTTP mode, wired by bot.app as in production:
a signed `/papers digest now` posts a header and its papers to the fake Slack, and signed
reactions on those messages become votes in the store, each event applied once."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from structlog.testing import capture_logs

from adapters.slack import SlackAdapter, build_slack_adapter
from bot.app import Bot
from bot.assembly import open_core
from bot.metrics import Metrics
from bot.models import ChannelRef
from bot.store import Store
from tests.adapters.slack.conftest import FORM, JSON, slack_settings
from tests.fakes import eventually
from tests.fakes.papers import make_paper
from tests.fakes.slack import FakeSlack, event_callback, reaction, signed_headers, slash_command
from tests.store.faults import failing_writes


class Wired:
    """The running bot's HTTP endpoint and store, and the fake Slack it talks to."""

    def __init__(
        self, http: httpx.AsyncClient, store: Store, fake: FakeSlack, metrics: Metrics
    ) -> None:
        self.http = http
        self.store = store
        self.fake = fake
        self.metrics = metrics

    async def command(self, text: str, answer_to: str) -> None:
        """Send a signed `/papers <text>`, answered at the fake's response URL `answer_to`."""
        body = slash_command(text, response_url=self.fake.response_url(answer_to))
        assert (await self.send(body, FORM)).status_code == 200

    async def answer(self, name: str) -> str:
        """The text of the first answer sent to the response URL `name`, once it came."""
        await self.fake.wait_until(lambda: bool(self.fake.responses_to(name)))
        return str(self.fake.responses_to(name)[0]["text"])

    async def digest_now(self, answer_to: str) -> str:
        """Send `/papers digest now`; once its answer came and its header and three papers
        were posted (in the background, after the answer), the answer's text."""
        await self.command("digest now", answer_to)
        answer = await self.answer(answer_to)
        await self.fake.wait_until(lambda: len(self.fake.messages) == 4)
        return answer

    async def send(self, body: str, content_type: str, **headers: str) -> httpx.Response:
        signed = {**signed_headers(body, content_type=content_type), **headers}
        return await self.http.post("/slack/events", content=body, headers=signed)

    async def react(self, name: str, ts: str, event_id: str, **options: object) -> None:
        body = event_callback(reaction(name, ts=ts, **options), event_id=event_id)  # type: ignore[arg-type]
        assert (await self.send(body, JSON)).status_code == 200

    async def tallies(self) -> dict[str, tuple[int, int]]:
        found = await self.store.vote_tallies("slack", "T1")
        return {paper: (tally.weight, tally.voters) for paper, tally in found.items()}

    def outcomes(self) -> dict[str, int]:
        """How the core has handled the reactions so far, by outcome (its votes metric)."""
        return {
            sample.labels["outcome"]: int(sample.value)
            for metric in self.metrics.registry.collect()
            if metric.name == "papers_bot_votes"
            for sample in metric.samples
            if sample.name.endswith("_total") and sample.labels["platform"] == "slack"
        }


@pytest.fixture
async def wired(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[Wired]:
    """papers-bot's core on a fresh SQLite file, three papers featured today, Slack in HTTP mode."""
    settings = slack_settings(fake_slack, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    adapter = build_slack_adapter(settings)
    assert isinstance(adapter, SlackAdapter)
    now = datetime.now(UTC)
    async with open_core(settings) as core:
        await core.store.upsert_papers(
            [
                make_paper(
                    id=f"2606.2000{n}", title=f"Paper {n}", upvotes=100 - n, featured_on=now.date()
                )
                for n in (1, 2, 3)
            ],
            at=now,
        )
        bot = Bot(core, [adapter])
        await bot.http.start("127.0.0.1", 0)
        running = asyncio.create_task(adapter.start(bot.service))
        held_votes = asyncio.create_task(bot.service.apply_held_votes())
        try:
            base_url = f"http://127.0.0.1:{bot.http.port}"
            async with httpx.AsyncClient(base_url=base_url, trust_env=False) as http:
                yield Wired(http, core.store, fake_slack, core.metrics)
        finally:
            await bot.delivery.settle()  # a `digest now` still recording its last post
            held_votes.cancel()
            await adapter.stop()
            await running
            await bot.http.stop()
            bot.close()


async def test_a_digest_posted_from_slack_is_voted_on_with_reactions(wired: Wired) -> None:
    assert await wired.digest_now("now") == "Posting today's digest in this channel now."

    header, *items = wired.fake.messages
    assert [item["thread_ts"] for item in items] == [header["ts"]] * 3
    assert [item["metadata"]["event_payload"]["paper_id"] for item in items] == [
        "2606.20001",
        "2606.20002",
        "2606.20003",
    ]

    await wired.react("+1", items[0]["ts"], "EvUp")
    await wired.send(
        event_callback(reaction("+1", ts=items[0]["ts"]), event_id="EvUp"),
        JSON,
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    await wired.react("two", header["ts"], "EvKeycap", user="U2")
    await wired.react("fire", "1699999999.000001", "EvNotOurs")

    # Slack's retry of EvUp is declined as a duplicate, the reaction on a message not ours
    # as not ours: each reaction sent is accounted for, and the tallies count each vote once.
    handled = {"recorded": 2, "duplicate": 1, "not_ours": 1}
    await _until(wired, {"2606.20001": (1, 1), "2606.20002": (1, 1)}, handled)

    await wired.react("+1", items[0]["ts"], "EvTakeBack", removed=True)
    handled["recorded"] += 1
    await _until(wired, {"2606.20002": (1, 1)}, handled)


async def test_with_the_channel_layout_each_paper_is_its_own_message_in_the_channel(
    wired: Wired,
) -> None:
    await wired.command("set layout channel", "layout")
    await wired.answer("layout")

    assert await wired.digest_now("now") == "Posting today's digest in this channel now."

    header, *items = wired.fake.messages
    assert "thread_ts" not in header
    assert [item.get("thread_ts") for item in items] == [None] * 3
    assert [item["metadata"]["event_payload"]["paper_id"] for item in items] == [
        "2606.20001",
        "2606.20002",
        "2606.20003",
    ]


async def test_a_command_and_a_reaction_sent_while_a_digest_is_posting_are_applied_at_once(
    wired: Wired,
) -> None:
    wired.fake.delays["chat.postMessage"] = 0.5
    await wired.command("digest now", "now")
    assert await wired.answer("now") == "Posting today's digest in this channel now."
    await wired.fake.wait_until(lambda: len(wired.fake.messages) == 1)
    header = wired.fake.messages[0]
    started = time.perf_counter()

    await wired.command("topics add diffusion", "topics")
    await wired.react("two", header["ts"], "EvKeycap")
    said = await wired.answer("topics")
    await eventually(lambda: wired.outcomes() == {"recorded": 1}, seconds=1.0)
    applied_within = time.perf_counter() - started
    still_posting = len(wired.fake.messages) < 4

    assert said == "The topics are now: diffusion."
    assert applied_within < 1.0
    assert still_posting
    assert (await wired.tallies())["2606.20002"] == (1, 1)
    await eventually(lambda: len(wired.fake.messages) == 4, seconds=10, what="the whole digest")


async def _until(
    wired: Wired, expected: dict[str, tuple[int, int]], handled: dict[str, int]
) -> None:
    """Wait until the core has handled the reactions sent as `handled` says (outcome: how
    many), the evidence that none is still on its way, then check the store's non-zero
    tallies read `expected`."""

    async def nonzero() -> dict[str, tuple[int, int]]:
        return {paper: tally for paper, tally in (await wired.tallies()).items() if tally[0]}

    with contextlib.suppress(AssertionError):  # the assert below shows what differs
        await eventually(lambda: wired.outcomes() == handled)
    assert wired.outcomes() == handled
    assert await nonzero() == expected


async def test_a_reaction_added_and_removed_at_once_leaves_no_vote(wired: Wired) -> None:
    await wired.digest_now("now")
    _, *items = wired.fake.messages
    for n in range(20):
        await wired.react("fire", items[0]["ts"], f"EvAdd{n}", user=f"U{n}")
        await wired.react("fire", items[0]["ts"], f"EvRemove{n}", user=f"U{n}", removed=True)

    await _until(wired, {}, {"recorded": 40})


async def test_a_thumbnail_slack_cannot_download_is_left_out_and_the_digest_goes_on(
    wired: Wired,
) -> None:
    wired.fake.refuse_images()

    with capture_logs() as logs:
        answer = await wired.digest_now("now")

    assert answer == "Posting today's digest in this channel now."
    assert wired.fake.refused_images == 1
    header, *items = wired.fake.messages
    assert [item["thread_ts"] for item in items] == [header["ts"]] * 3
    assert [item["metadata"]["event_payload"]["paper_id"] for item in items] == [
        "2606.20001",
        "2606.20002",
        "2606.20003",
    ]
    with_image = ["accessory" in item["blocks"][0] for item in items]
    assert with_image == [False, True, True]
    assert [entry["event"] for entry in logs if entry["event"] == "slack_image_dropped"] == [
        "slack_image_dropped"
    ]


async def test_ten_topics_sent_at_once_from_slack_are_all_kept(wired: Wired) -> None:
    await asyncio.gather(*(wired.command(f"topics add t{n}", f"add{n}") for n in range(10)))
    for n in range(10):
        assert f"t{n}" in await wired.answer(f"add{n}")

    await wired.command("topics list", "list")

    listed = (await wired.answer("list")).removeprefix("The topics here: ").rstrip(".")
    assert sorted(listed.split(", ")) == [f"t{n}" for n in range(10)]


async def test_a_database_that_cannot_be_written_loses_no_vote_and_fails_the_health_check(
    wired: Wired,
) -> None:
    assert await wired.digest_now("now") == "Posting today's digest in this channel now."
    _, *items = wired.fake.messages

    with failing_writes("database or disk is full"), capture_logs() as logs:
        await wired.react("fire", items[1]["ts"], "EvFire")
        await eventually(lambda: any(entry["event"] == "vote_held" for entry in logs))
        await wired.command("set size 3", "size")
        said = await wired.answer("size")
        health = await wired.http.get("/healthz")

    assert said.startswith("The bot can't save changes right now")
    assert health.status_code == 503
    assert "database or disk is full" in health.json()["detail"]
    assert not any("exc_info" in entry or entry["log_level"] == "error" for entry in logs)
    stored = await wired.store.get_channel(ChannelRef("slack", "T1", "C1"))
    assert stored is None or stored.size != 3

    await _until(wired, {"2606.20002": (2, 1)}, {"held": 1, "held_recorded": 1})
    await eventually(lambda: _healthy(wired))


async def _healthy(wired: Wired) -> bool:
    return (await wired.http.get("/healthz")).status_code == 200
