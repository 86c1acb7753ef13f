"""Prometheus metrics of the bot, kept in a registry of their own.

Each `Metrics` owns a fresh `CollectorRegistry` rather than the library's global one, so the
application builds exactly one and tests build as many as they like without "Duplicated
timeseries" errors. The HTTP server serves `render()` at /metrics.

Label values are kept to small fixed sets (never user or channel ids): `outcome` is "ok" or
"error" (or, for digests, "posted" / "empty" / "failed"; for votes, "recorded" / "ignored"),
`source` is a source name ("hf", "arxiv"), `platform` an adapter's platform, `command` the
command's verb.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The Prometheus text exposition format, which every Prometheus version scrapes."""

NAMESPACE = "papers_bot"

FETCH_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
"""Seconds; a fetch may wait out arXiv's pacing and several retries."""

COMMAND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
"""Seconds; Slack gives three to acknowledge, so the buckets are fine around that."""

DIGEST_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
"""Seconds; a digest posts at the platform's pace, item by item."""


class Metrics:
    """The bot's counters and histograms, registered in `registry`.

    Use the prometheus-client objects directly, e.g.
    `metrics.fetches.labels(source="hf", outcome="ok").inc()` or
    `with metrics.fetch_seconds.labels(source="hf").time(): ...`.
    """

    def __init__(self) -> None:
        """Create the registry and every metric in it (the process's own metrics included)."""
        self.registry = CollectorRegistry(auto_describe=True)
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        common: dict[str, Any] = {"namespace": NAMESPACE, "registry": self.registry}

        self.fetches = Counter(
            "fetches", "Fetches from an upstream, by outcome.", ["source", "outcome"], **common
        )
        self.fetch_errors = Counter(
            "fetch_errors", "Fetches from an upstream that failed.", ["source"], **common
        )
        self.papers_stored = Counter(
            "papers_stored", "Papers written to the store (new or updated).", **common
        )
        self.digests = Counter(
            "digests", "Digest slots handled, by outcome.", ["platform", "outcome"], **common
        )
        self.commands = Counter(
            "commands",
            "Commands handled, by command and outcome.",
            ["platform", "command", "outcome"],
            **common,
        )
        self.votes = Counter(
            "votes", "Reactions handled as votes, by outcome.", ["platform", "outcome"], **common
        )
        self.command_seconds = Histogram(
            "command_seconds",
            "Time to answer a command.",
            ["platform"],
            buckets=COMMAND_BUCKETS,
            **common,
        )
        self.fetch_seconds = Histogram(
            "fetch_seconds",
            "Time to fetch one day from an upstream.",
            ["source"],
            buckets=FETCH_BUCKETS,
            **common,
        )
        self.digest_seconds = Histogram(
            "digest_seconds",
            "Time to compose and post one digest.",
            buckets=DIGEST_BUCKETS,
            **common,
        )

    @property
    def content_type(self) -> str:
        """The Content-Type header to serve `render()` with."""
        return CONTENT_TYPE

    def render(self) -> bytes:
        """Every metric of this registry in the Prometheus text format."""
        return generate_latest(self.registry)
