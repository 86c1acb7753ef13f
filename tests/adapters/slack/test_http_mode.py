"""HTTP mode through the real /slack/events endpoint on the bot's HTTP server: bolt checks
each request's signature, routes it, and the adapter hands neutral values to the core."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from structlog.testing import capture_logs

from adapters.slack import adapter as slack_adapter
from bot.models import ChannelRef, Command, Reply, ReplyKind, Vote
from tests.adapters.slack.conftest import (
    FORM,
    JSON,
    RecordingCore,
    Served,
    make_item,
    serve,
)
from tests.fakes import eventually
from tests.fakes.slack import (
    FakeSlack,
    event_callback,
    link_click,
    more_click,
    reaction,
    signed_headers,
    slash_command,
)


async def test_a_slash_command_is_acknowledged_then_answered_through_its_response_url(
    served: Served,
) -> None:
    response = await served.command("settings", response="settings")

    assert response.status_code == 200
    assert response.text == ""
    await served.fake.wait_until(lambda: bool(served.fake.responses_to("settings")))
    assert served.core.commands == [
        Command(ChannelRef("slack", "T1", "C1"), user_id="U1", text="settings", can_manage=True)
    ]
    answer = served.fake.responses_to("settings")[0]
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "Done."
    assert answer["blocks"][0]["text"]["text"] == "Done."


@pytest.mark.parametrize("text", ["search payload attacks", "search payload=1 & more"])
async def test_a_command_that_mentions_payload_still_reaches_the_core(
    served: Served, text: str
) -> None:
    response = await served.command(text, response="payload")

    assert response.status_code == 200
    await served.fake.wait_until(lambda: bool(served.fake.responses_to("payload")))
    assert [command.text for command in served.core.commands] == [text]


async def test_the_acknowledgement_does_not_wait_for_a_slow_command(fake_slack: FakeSlack) -> None:
    async with serve(fake_slack, RecordingCore(delay=1.0)) as running:
        started = time.perf_counter()
        response = await running.command("search diffusion", response="slow")
        acked_after = time.perf_counter() - started

        assert response.status_code == 200
        assert acked_after < 0.5
        assert fake_slack.responses_to("slow") == []
        await fake_slack.wait_until(lambda: bool(fake_slack.responses_to("slow")))


async def test_an_answer_meant_for_the_channel_is_posted_in_the_channel(
    fake_slack: FakeSlack,
) -> None:
    core = RecordingCore(reply=Reply(ReplyKind.TEXT, "Posted today's digest.", ephemeral=False))
    async with serve(fake_slack, core) as running:
        await running.command("digest now", response="now")
        await fake_slack.wait_until(lambda: bool(fake_slack.responses_to("now")))

    assert fake_slack.responses_to("now")[0]["response_type"] == "in_channel"


async def test_a_request_with_a_bad_signature_is_refused_and_changes_nothing(
    served: Served,
) -> None:
    body = slash_command("unsubscribe", response_url=served.fake.response_url())

    response = await served.send(body, FORM, secret="not-the-signing-secret")

    assert response.status_code == 401
    assert served.core.commands == []
    assert served.fake.responses == []
    assert {call.method for call in served.fake.calls} <= {"auth.test"}


async def test_a_request_signed_more_than_five_minutes_ago_is_refused(served: Served) -> None:
    event = reaction("fire", ts="1700000001.000001")
    body = event_callback(event, event_id="Ev1")

    with capture_logs() as logs:
        response = await served.send(body, JSON, timestamp=int(time.time()) - 6 * 60)

    assert response.status_code == 401
    assert served.core.votes == []
    assert [(entry["event"], entry["reason"]) for entry in _complaints(logs)] == [
        ("slack_request_refused", "stale")
    ]


JUNK = [
    pytest.param("payload=notjson", FORM, id="form-payload-not-json"),
    pytest.param("[1,2,3]", JSON, id="json-array"),
    pytest.param('"str"', JSON, id="json-string"),
    pytest.param("{not json", JSON, id="broken-json"),
]


@pytest.mark.parametrize(("body", "content_type"), JUNK)
async def test_junk_without_a_signature_is_refused_with_one_warning_and_no_traceback(
    served: Served, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.WARNING)

    with capture_logs() as logs:
        response = await served.http.post(
            "/slack/events", content=body, headers={"Content-Type": content_type}
        )

    assert response.status_code == 401
    assert [
        (entry["event"], entry["log_level"], entry["reason"]) for entry in _complaints(logs)
    ] == [("slack_request_refused", "warning", "unsigned")]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert served.core.commands == []
    assert {call.method for call in served.fake.calls} <= {"auth.test"}


@pytest.mark.parametrize(("body", "content_type"), JUNK)
async def test_signed_junk_is_a_bad_request_with_one_warning_and_no_traceback(
    served: Served, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    caplog.set_level(logging.WARNING)

    with capture_logs() as logs:
        response = await served.send(body, content_type)

    assert response.status_code == 400
    assert [(entry["event"], entry["log_level"]) for entry in _complaints(logs)] == [
        ("slack_request_unreadable", "warning")
    ]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert served.core.commands == []
    assert {call.method for call in served.fake.calls} <= {"auth.test"}


async def test_a_body_that_is_not_utf8_is_refused_before_it_is_read(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    headers = signed_headers("{}", content_type=JSON)

    with capture_logs() as logs:
        response = await served.http.post("/slack/events", content=b"{\xff\xfe}", headers=headers)

    assert response.status_code == 401
    assert [(entry["event"], entry["reason"]) for entry in _complaints(logs)] == [
        ("slack_request_refused", "malformed")
    ]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []


async def test_a_tampered_body_is_refused(served: Served) -> None:
    signed = slash_command("settings", response_url=served.fake.response_url())
    tampered = signed.replace("settings", "unsubscribe")

    response = await served.http.post(
        "/slack/events",
        content=tampered,
        headers=signed_headers(signed, content_type=FORM),
    )

    assert response.status_code == 401
    assert served.core.commands == []


async def test_a_reaction_becomes_a_neutral_vote_for_the_core(served: Served) -> None:
    response = await served.event(reaction("fire", ts="1700000001.000001"), event_id="Ev1")

    assert response.status_code == 200
    await eventually(lambda: bool(served.core.votes))
    assert served.core.votes == [
        Vote(
            channel=ChannelRef("slack", "T1", "C1"),
            message_id="1700000001.000001",
            user_id="U1",
            emoji="fire",
            removed=False,
            event_id="Ev1",
        )
    ]


async def test_removing_a_thumbs_down_with_a_skin_tone_retracts_a_minus_one(
    served: Served,
) -> None:
    event = reaction("-1::skin-tone-4", ts="1700000001.000001", removed=True)

    await served.event(event, event_id="Ev2")

    await eventually(lambda: bool(served.core.votes))
    assert (served.core.votes[0].emoji, served.core.votes[0].removed) == ("-1", True)


async def test_a_keycap_votes_for_that_item_of_the_header(served: Served) -> None:
    await served.event(reaction("keycap_ten", ts="1700000001.000001"), event_id="Ev3")

    await eventually(lambda: bool(served.core.votes))
    assert served.core.votes[0].emoji == "keycap:10"


async def test_a_retried_event_is_acknowledged_and_carries_the_same_event_id(
    served: Served,
) -> None:
    event = reaction("+1", ts="1700000001.000001")

    first = await served.event(event, event_id="EvRetry")
    retry = await served.event(
        event,
        event_id="EvRetry",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )

    assert (first.status_code, retry.status_code) == (200, 200)
    await eventually(lambda: len(served.core.votes) == 2)
    assert {vote.event_id for vote in served.core.votes} == {"EvRetry"}


async def test_reactions_that_are_not_votes_never_reach_the_core(served: Served) -> None:
    ts = "1700000001.000001"
    not_votes = [
        reaction("eyes", ts=ts),
        reaction("fire", ts=ts, user="UBOT"),
        reaction("fire", ts=ts, item_user="U2"),
    ]
    for number, event in enumerate(not_votes):
        response = await served.event(event, event_id=f"EvNot{number}")
        assert response.status_code == 200
    await served.event(reaction("+1", ts=ts), event_id="EvLast")

    await eventually(lambda: bool(served.core.votes))
    assert [vote.event_id for vote in served.core.votes] == ["EvLast"]


async def test_a_link_button_click_is_acknowledged(served: Served) -> None:
    response = await served.send(link_click(response_url=served.fake.response_url()), FORM)

    assert response.status_code == 200
    assert served.core.commands == []


async def test_a_more_button_runs_its_command_and_answers_with_the_next_page(
    served: Served,
) -> None:
    response = await served.send(
        more_click("more k3J9xQ:5", response_url=served.fake.response_url("more")), FORM
    )

    assert response.status_code == 200
    await served.fake.wait_until(lambda: bool(served.fake.responses_to("more")))
    assert served.core.commands == [
        Command(ChannelRef("slack", "T1", "C1"), "U1", "more k3J9xQ:5", can_manage=False)
    ]
    assert served.fake.responses_to("more")[0]["text"] == "Done."


async def test_a_similar_button_asks_for_the_papers_like_its_paper(served: Served) -> None:
    await served.send(
        more_click(
            "similar 2606.13392",
            response_url=served.fake.response_url("like"),
            action_id="papers_similar",
        ),
        FORM,
    )

    await served.fake.wait_until(lambda: bool(served.fake.responses_to("like")))
    assert [command.text for command in served.core.commands] == ["similar 2606.13392"]


@pytest.mark.parametrize("value", ["unsubscribe", "set size 1", "", "x" * 3000])
async def test_a_button_value_that_is_not_a_more_command_runs_nothing(
    served: Served, value: str
) -> None:
    with capture_logs() as logs:
        response = await served.send(
            more_click(value, response_url=served.fake.response_url()), FORM
        )
        await eventually(lambda: any(e["event"] == "slack_command_unreadable" for e in logs))

    assert response.status_code == 200
    assert served.core.commands == []


async def test_slack_checks_the_request_url_with_a_signed_challenge(served: Served) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595"})

    response = await served.send(body, JSON)

    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595"}


async def test_an_uninstall_pauses_the_workspace(served: Served) -> None:
    response = await served.event({"type": "app_uninstalled"}, event_id="EvGone")

    assert response.status_code == 200
    await eventually(lambda: bool(served.core.removed))
    platform, workspace, reason = served.core.removed[0]
    assert (platform, workspace) == ("slack", "T1")
    assert "uninstalled" in reason


async def test_a_revoked_bot_token_pauses_the_workspace(served: Served) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}

    await served.event(event, event_id="EvRevoked")

    await eventually(lambda: bool(served.core.removed))
    assert served.core.removed[0][:2] == ("slack", "T1")


async def test_bolt_learns_the_bot_user_once(served: Served) -> None:
    for number in range(3):
        await served.event(reaction("+1", ts="1700000001.000001"), event_id=f"EvMany{number}")

    await eventually(lambda: len(served.core.votes) == 3)
    assert len(served.fake.calls_to("auth.test")) == 1


async def test_with_a_long_backlog_bolt_answers_before_acknowledging(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_adapter, "EARLY_ACK_BACKLOG", 0)
    async with serve(fake_slack) as running:
        response = await running.command("settings", response="inline")

        assert response.status_code == 200
        await fake_slack.wait_until(lambda: bool(fake_slack.responses_to("inline")))
        assert running.core.commands[0].text == "settings"


async def test_once_stopping_requests_are_refused_so_slack_sends_them_again(
    served: Served,
) -> None:
    await served.adapter.stop()

    response = await served.event(reaction("fire", ts="1700000001.000001"), event_id="EvLate")

    assert response.status_code == 503
    assert served.core.votes == []


async def test_a_paper_answer_whose_thumbnail_slack_cannot_download_comes_without_it(
    fake_slack: FakeSlack,
) -> None:
    paper = make_item(1)
    core = RecordingCore(reply=Reply(ReplyKind.PAPER, paper.title, items=(paper,)))
    fake_slack.refuse_images()

    async with serve(fake_slack, core) as running:
        with capture_logs() as logs:
            await running.command("paper 2606.10001", response="paper")
            await fake_slack.wait_until(lambda: bool(fake_slack.responses_to("paper")))

    assert fake_slack.refused_images == 1
    [answer] = fake_slack.responses_to("paper")
    assert "accessory" not in answer["blocks"][0]
    assert paper.title in answer["blocks"][0]["text"]["text"]
    events = [entry["event"] for entry in _complaints(logs)]
    assert events == ["slack_image_dropped"]


def _complaints(logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The log entries above info level (start-up lines such as slack_ready left out)."""
    return [entry for entry in logs if entry["log_level"] not in ("debug", "info")]
