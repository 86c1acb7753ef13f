"""What /metrics tells about digests: each slot handled, by platform and outcome, and how
long a posted digest took."""

from __future__ import annotations

from bot.metrics import Metrics
from tests.core.conftest import GENERAL, TODAY, Harness


def _digests(metrics: Metrics, outcome: str) -> float | None:
    return metrics.registry.get_sample_value(
        "papers_bot_digests_total", {"platform": "console", "outcome": outcome}
    )


async def test_each_slot_is_counted_by_platform_and_outcome(harness: Harness) -> None:
    metrics, delivery = harness.parts.metrics, harness.delivery

    await delivery.deliver(GENERAL, TODAY)
    await delivery.deliver(GENERAL, TODAY)

    assert _digests(metrics, "posted") == 1
    assert _digests(metrics, "already") == 1


async def test_only_a_posted_digest_is_timed_and_it_took_seconds_not_hours(
    harness: Harness,
) -> None:
    metrics, delivery = harness.parts.metrics, harness.delivery

    for _ in range(3):
        await delivery.deliver(GENERAL, TODAY)

    sample = metrics.registry.get_sample_value
    assert sample("papers_bot_digest_seconds_count") == 1
    assert 0 < sample("papers_bot_digest_seconds_sum") < 60
