"""The console channel: the bot in a terminal (rich), the default when no chat token is set."""

from adapters.console.adapter import ConsoleAdapter

__all__ = ["ConsoleAdapter"]
