"""Slack: digests in Block Kit, the /papers command, reaction votes; Socket Mode or HTTP mode,
one workspace or many (see adapter.py)."""

from adapters.slack.adapter import SlackAdapter, SlackConfig, build_slack_adapter
from adapters.slack.manifest import manifest_text

__all__ = ["SlackAdapter", "SlackConfig", "build_slack_adapter", "manifest_text"]
