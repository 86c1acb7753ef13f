"""The Slack app manifest (manifest.yml beside this module), for `papers-bot slack manifest`."""

from __future__ import annotations

from importlib import resources


def manifest_text() -> str:
    """The app manifest as YAML: the /papers command, bot scopes, events, Socket Mode on."""
    return resources.files("adapters.slack").joinpath("manifest.yml").read_text(encoding="utf-8")
