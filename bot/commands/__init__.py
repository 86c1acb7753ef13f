"""The `/papers` commands: `Commands` runs them (runner), `replies` words the answers,
`settings_change` says what a settings command changes."""

from bot.commands.replies import error_reply, text_reply
from bot.commands.runner import PERIOD_LENGTHS, Commands

__all__ = ["PERIOD_LENGTHS", "Commands", "error_reply", "text_reply"]
