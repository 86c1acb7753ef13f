"""The Discord channel: a discord.py client with the `/papers` command group and reaction votes.

The client runs on the bot's one event loop (`start()` logs in, syncs the command group and
holds the gateway connection until `stop()`), with only the guilds and guild-reaction intents.
`start()` never raises for Discord's sake, since the app runs every adapter in one TaskGroup:
a refused token is logged once and waits for `stop()`; any other failure is logged and retried
with a fresh client after a growing pause (1 s doubling to 5 minutes). Commands arrive as
interactions: options become the core's text grammar, the answer is ephemeral, and anything
not answered 2 s after Discord created the interaction is deferred first. Reactions arrive as
raw events (they fire for messages not in the cache) and become neutral votes, applied in the
order they came for each message; clearing a message's reactions withdraws their votes.
Digests are posted as a header embed, a thread started from it, and one embed with link
buttons per paper.

Every message and answer is sent with no allowed mentions, and every digest message with a
nonce derived from its outbox key and `enforce_nonce`, so a resend cannot post it twice. A
resumed message (a crash cut its digest short, maybe hours ago, past the nonce's window) is
first looked for among the bot's recent messages there, and not posted again if found.
Rate limits (429) are left to discord.py; a channel the bot lost (403/404) raises
ChannelUnavailable so delivery pauses it, and leaving a server pauses all its channels.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any, Final

import aiohttp
import discord
import structlog
import yarl
from discord import app_commands

from adapters.discord.commands import build_papers_group
from adapters.discord.emoji import VoteEmoji
from adapters.discord.ordering import KeyedLocks
from adapters.discord.render import (
    DEFAULT_VOTE_EMOJI,
    MORE_PREFIX,
    DiscordMessage,
    choice_name,
    render_header,
    render_item,
    render_recap,
    render_reply,
    shows_the_same,
    thread_name,
)
from bot import grammar
from bot.models import (
    ChannelRef,
    Command,
    Digest,
    Layout,
    MessageRole,
    OutgoingMessage,
    PostRef,
    Recap,
    Reply,
    Vote,
)
from bot.ports import ChannelUnavailable, Core
from config.settings import Settings, parse_emoji_map

log = structlog.get_logger(__name__)

BUTTON_COMMANDS: Final = ("more ", "similar ")
"""The commands a button may run: its custom id carries the command text, so only these."""

DEFAULT_API_URL: Final = "https://discord.com/api/v10"
DEFAULT_VOTE_NAMES: Final = {"👍": "+1", "🔥": "fire", "👎": "-1"}
GUILD_REMOVED_REASON: Final = "the bot was removed from this server"
NO_ACCESS_REASON: Final = (
    "the bot may not post in this channel; give it View Channel, Send Messages and "
    "Embed Links there, then run /papers subscribe"
)
GONE_REASON: Final = "this channel was deleted or the bot can no longer see it"
NO_THREADS_REASON: Final = (
    "the bot may not start threads in this channel; give it Create Public Threads, "
    "or use /papers set layout channel"
)
NOT_A_CHANNEL_REASON: Final = "this is not a Discord channel id"
NEEDS_MANAGE_CHANNELS: Final = (
    "Changing this channel's digest needs the Manage Channels permission; ask someone who "
    "has it, or see the digest's state with /papers settings."
)
SERVER_ONLY: Final = "Use /papers in a server's text channel."
COMMAND_FAILED: Final = "Something went wrong answering that; please try again."

DEFER_AFTER_SECONDS: Final = 2.0
"""A command not answered this long after Discord created it is deferred, inside its 3 s."""
READY_TIMEOUT_SECONDS: Final = 60.0
STOP_GRACE_SECONDS: Final = 10.0
THREAD_ARCHIVE_MINUTES: Final = 1440
THREAD_ALREADY_EXISTS: Final = 160004
NONCE_BYTES: Final = 12
REMEMBERED_THREADS: Final = 4096
RESUME_LOOKBACK: Final = 50
"""How many of a channel's latest messages a resumed post looks through for itself."""
RETRY_FIRST_SECONDS: Final = 1.0
RETRY_MAX_SECONDS: Final = 300.0
"""The longest pause between attempts: at most 288 a day, within Discord's 1000 IDENTIFYs."""
HELD_SECONDS: Final = 60.0
"""A connection that stayed up this long ends an outage: the next pause starts short again."""
CLOSE_AUTHENTICATION_FAILED: Final = 4004
SHARDING_HINT: Final = (
    "Discord refused the connection's set-up (shards or intents); check "
    "PAPERS_DISCORD_SHARD_COUNT, and that the bot asks for no privileged intent"
)
REFUSED_SETUP_CODES: Final = frozenset({4010, 4011, 4012, 4013, 4014})
TOKEN_HINT: Final = (
    "check DISCORD_TOKEN: it must be the bot token from the Discord developer portal "
    "(Bot > Reset Token); Discord will not connect until it is fixed and the bot restarted"
)
NETWORK_ERRORS: Final = (
    OSError,
    aiohttp.ClientError,
    discord.GatewayNotFound,
    discord.ConnectionClosed,
    discord.HTTPException,
    TimeoutError,
)
"""Failures of the network or of Discord; anything else is also retried, with its traceback."""


def intents() -> discord.Intents:
    """Guilds (channels, threads, joins and leaves) and guild reactions; nothing privileged."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_reactions = True
    return chosen


def apply_endpoints(api_url: str, gateway_url: str | None) -> None:
    """Point discord.py's REST routes and, when set, its gateway at the configured addresses."""
    discord.http.Route.BASE = api_url.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def nonce_for(key: str) -> str:
    """A nonce for an outbox key: 24 hex characters, within Discord's 25."""
    return hashlib.blake2b(key.encode(), digest_size=NONCE_BYTES).hexdigest()


def make_client(*, shard_count: int, guild_ready_timeout: float) -> discord.Client:
    """The discord.py client: sharded when more than one shard is configured."""
    discord.VoiceClient.warn_nacl = False  # the bot has no voice: skip discord.py's warnings
    discord.VoiceClient.warn_dave = False
    options: dict[str, object] = {
        "intents": intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_messages": None,
        "chunk_guilds_at_startup": False,
        "guild_ready_timeout": guild_ready_timeout,
    }
    if shard_count > 1:
        return discord.AutoShardedClient(shard_count=shard_count, **options)  # type: ignore[arg-type]
    return discord.Client(**options)  # type: ignore[arg-type]


class DiscordAdapter:
    """A ChatAdapter for every Discord server the bot is in (`discord:GUILD:CHANNEL`)."""

    platform: str = "discord"

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        gateway_url: str | None = None,
        guild_ids: tuple[int, ...] = (),
        shard_count: int = 1,
        vote_emoji: Mapping[str, str] | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """Build the client and the command tree; nothing connects before `start()`."""
        self._token = token
        self._api_url = api_url
        self._gateway_url = gateway_url
        self._guild_ids = guild_ids
        self._shard_count = shard_count
        self._guild_ready_timeout = guild_ready_timeout
        self._emoji = VoteEmoji(vote_emoji or DEFAULT_VOTE_NAMES)
        self._core: Core | None = None
        self._connected = asyncio.Event()
        self._ready_at: float | None = None
        self._synced = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._in_flight = 0
        self._stopping = False
        self._stop_requested = asyncio.Event()
        self._parents: OrderedDict[int, int] = OrderedDict()
        self._vote_order: KeyedLocks[tuple[int, int]] = KeyedLocks()
        self.client, self.tree = self._build_client()

    def _build_client(self) -> tuple[discord.Client, app_commands.CommandTree]:
        """A new client with the `/papers` tree and every event handler wired to this adapter."""
        client = make_client(
            shard_count=self._shard_count, guild_ready_timeout=self._guild_ready_timeout
        )
        tree = app_commands.CommandTree(client)
        tree.add_command(build_papers_group(self))
        tree.on_error = self._on_command_error  # type: ignore[method-assign]
        handlers = {
            "on_ready": self._on_ready,
            "on_raw_reaction_add": self._on_reaction_add,
            "on_raw_reaction_remove": self._on_reaction_remove,
            "on_raw_reaction_clear": self._on_reaction_clear,
            "on_raw_reaction_clear_emoji": self._on_reaction_clear_emoji,
            "on_guild_remove": self._on_guild_remove,
            "on_interaction": self._on_interaction,
        }
        for event, handler in handlers.items():
            setattr(client, event, handler)
        return client, tree

    async def start(self, core: Core) -> None:
        """Log in, sync the command group, then hold the gateway connection until `stop()`.

        Never raises for a failure of Discord or the network: the app runs every adapter
        in one TaskGroup, and an escaping error would stop Slack and the scheduler too.
        """
        self._core = core
        apply_endpoints(self._api_url, self._gateway_url)
        failures = 0
        while not self._stopping:
            error = await self._connect_once()
            if self._stopping:
                break
            hint = _refusal_hint(error)
            if hint is not None:
                event = "discord_token_refused" if hint is TOKEN_HINT else "discord_setup_refused"
                log.error(event, hint=hint, **_error_fields(error))
                await self._stop_requested.wait()
                break
            if self._ready_at is not None and _now() - self._ready_at >= HELD_SECONDS:
                # It held a while: a new outage starts from the shortest pause. One that fails
                # soon after READY each time keeps backing off (Discord allows 1000 IDENTIFYs
                # a day).
                failures = 0
            delay = min(RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2**failures)
            failures += 1
            log.warning("discord_connection_failed", retry_in=delay, **_error_fields(error))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._stop_requested.wait()
            if not self._stopping:
                self.client, self.tree = self._build_client()

    async def _connect_once(self) -> Exception | None:
        """Log in, sync once, hold the gateway; the error it ended with (None: closed)."""
        client = self.client
        self._ready_at = None
        try:
            await client.login(self._token)
            if not self._synced:
                self._synced = await self._sync_commands()
            if not self._stopping:
                await client.connect(reconnect=True)
        except Exception as error:
            return error
        finally:
            self._connected.clear()
            with contextlib.suppress(Exception):
                await client.close()
                await client.http.close()  # a login racing stop() reopens what close() closed
        return None

    async def stop(self) -> None:
        """Let the post in flight finish (a few seconds at most), then disconnect."""
        self._stopping = True
        self._stop_requested.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                await self._idle.wait()
        await self.client.close()

    async def wait_until_connected(self) -> None:
        """Wait for the gateway's first READY, when the servers and their channels are cached."""
        await self._connected.wait()

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Post one digest message; ChannelUnavailable when Discord refuses the channel for good."""
        async with self._posting():
            if message.role is MessageRole.HEADER:
                return await self._post_header(channel, message)
            return await self._post_item(channel, message)

    async def post_recap(self, channel: ChannelRef, recap: Recap) -> PostRef:
        """Post the weekly recap with its chart attached; ChannelUnavailable as `post`."""
        async with self._posting():
            target = self._messageable(channel, _snowflake(channel.channel))
            rendered = render_recap(recap)
            sent = await target.send(**rendered.send_kwargs(), nonce=nonce_for(recap.id))
            return PostRef(channel, str(sent.id))

    @contextlib.asynccontextmanager
    async def _posting(self) -> AsyncIterator[None]:
        """Around one post: wait for the gateway, count the post as in flight (stop waits
        for it), and turn Discord's refusals of the channel into ChannelUnavailable."""
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await self.wait_until_connected()
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        except discord.Forbidden as error:
            raise ChannelUnavailable(NO_ACCESS_REASON) from error
        except discord.NotFound as error:
            raise ChannelUnavailable(GONE_REASON) from error
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def run_command(self, interaction: discord.Interaction, text: str) -> None:
        """Run `/papers <text>` for an interaction and answer it, only to the person who asked."""
        channel = _command_channel(interaction)
        core = self._core
        if core is None or channel is None:
            await _answer(interaction, DiscordMessage(content=SERVER_ONLY))
            return
        can_manage = interaction.permissions.manage_channels
        traits = grammar.traits(text)
        if traits.changes and not can_manage:
            await _answer(interaction, DiscordMessage(content=NEEDS_MANAGE_CHANNELS))
            return
        if traits.slow:
            await interaction.response.defer(ephemeral=True, thinking=True)
        command = Command(channel, str(interaction.user.id), text, can_manage=can_manage)
        reply = await _deferring_if_slow(interaction, core.handle_command(command))
        await _answer(interaction, render_reply(reply), ephemeral=reply.ephemeral)

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        """A press on one of our "More" or "Similar" buttons: run the command its custom id
        carries (only `more ...` or `similar ...`), and answer only the person who pressed it."""
        if interaction.type is not discord.InteractionType.component:
            return
        data = interaction.data or {}
        custom_id = data.get("custom_id") if isinstance(data, dict) else None
        if not isinstance(custom_id, str) or not custom_id.startswith(MORE_PREFIX):
            return
        command = custom_id.removeprefix(MORE_PREFIX)
        if not command.startswith(BUTTON_COMMANDS):
            log.warning("discord_button_unreadable", custom_id=custom_id[:100])
            return
        await self.run_command(interaction, command)

    async def paper_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Paper ids from the channel's recent digests that match what was typed."""
        channel = _command_channel(interaction)
        if self._core is None or channel is None:
            return []
        try:
            pairs = await self._core.suggest_papers(channel, current[:100])
        except Exception:
            log.exception("discord_autocomplete_failed", channel=channel.key)
            return []
        return [
            app_commands.Choice(name=choice_name(paper_id, title), value=paper_id)
            for paper_id, title in pairs[:25]
        ]

    async def _sync_commands(self) -> bool:
        """Register `/papers`: in the configured guilds at once, else globally; True if done."""
        targets = [discord.Object(id=guild_id) for guild_id in self._guild_ids] or [None]
        synced = True
        for guild in targets:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            try:
                await self.tree.sync(guild=guild)
            except discord.HTTPException as error:
                synced = False
                log.error(
                    "discord_command_sync_failed",
                    guild=guild.id if guild else None,
                    status=error.status,
                    error=error.text,
                )
        return synced

    async def _post_header(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        digest = message.digest
        rendered = render_header(digest, vote_emoji=self._emoji.shown or DEFAULT_VOTE_EMOJI)
        target = self._messageable(channel, _snowflake(channel.channel))
        found = await self._posted_before(target, channel, message, rendered)
        sent = found or await target.send(**rendered.send_kwargs(), nonce=nonce_for(message.key))
        if digest.layout is not Layout.THREAD:
            return PostRef(channel, str(sent.id))
        if found is not None and found.flags.has_thread:
            self._remember_parent(found.id, found.channel.id)
            return PostRef(channel, str(found.id), thread_id=str(found.id))
        try:
            thread_id = await self._start_thread(sent, digest)
        except discord.DiscordServerError as error:
            # The header is out: keep it, and let the first paper start the thread.
            log.warning("discord_thread_deferred", channel=channel.key, status=error.status)
            return PostRef(channel, str(sent.id))
        return PostRef(channel, str(sent.id), thread_id=str(thread_id))

    async def _post_item(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        assert message.item is not None, "an item message carries its item"
        rendered = render_item(message.item)
        kwargs = rendered.send_kwargs() | {"nonce": nonce_for(message.key)}
        parent_id = _snowflake(channel.channel)
        if message.thread is None:
            target = self._messageable(channel, parent_id)
            sent = await self._posted_before(target, channel, message, rendered)
            sent = sent or await target.send(**kwargs)
            return PostRef(channel, str(sent.id))
        header_id = _snowflake(message.thread.message_id)
        thread_id = _snowflake(message.thread.thread_id or message.thread.message_id)
        self._remember_parent(thread_id, parent_id)
        in_thread = self._messageable(channel, thread_id)
        found = await self._posted_before(in_thread, channel, message, rendered)
        if found is not None:
            return PostRef(channel, str(found.id), thread_id=str(thread_id))
        try:
            sent = await in_thread.send(**kwargs)
        except discord.NotFound:
            header = self._messageable(channel, parent_id).get_partial_message(header_id)
            thread_id = await self._start_thread(header, message.digest)
            sent = await self._messageable(channel, thread_id).send(**kwargs)
        return PostRef(channel, str(sent.id), thread_id=str(thread_id))

    async def _posted_before(
        self,
        target: discord.abc.Messageable | discord.PartialMessageable,
        channel: ChannelRef,
        message: OutgoingMessage,
        rendered: DiscordMessage,
    ) -> discord.Message | None:
        """For a resumed message: the bot's recent message there that shows it, if any.

        Discord's nonce refuses a resend only for a few minutes; a digest resumed hours
        after a crash is checked against what the channel (or thread) shows. Any error in
        looking is logged and the message is posted.
        """
        me = self.client.user
        if not message.resumed or me is None:
            return None
        try:
            async for posted in target.history(limit=RESUME_LOOKBACK):
                if (
                    posted.author.id == me.id
                    and posted.type is discord.MessageType.default
                    and shows_the_same(posted.embeds, rendered)
                ):
                    log.info("discord_resumed_post_found", channel=channel.key, message=posted.id)
                    return posted
        except Exception as error:
            log.warning(
                "discord_resume_lookup_failed",
                channel=channel.key,
                key=message.key,
                **_error_fields(error),
            )
        return None

    async def _start_thread(
        self, header: discord.Message | discord.PartialMessage, digest: Digest
    ) -> int:
        """Start the digest's thread from its header (its id is the header's id)."""
        try:
            thread = await header.create_thread(
                name=thread_name(digest), auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.Forbidden as error:
            raise ChannelUnavailable(NO_THREADS_REASON) from error
        except ValueError as error:  # discord.py: the server is not in the cache
            raise ChannelUnavailable(GUILD_REMOVED_REASON) from error
        except discord.HTTPException as error:
            if error.code != THREAD_ALREADY_EXISTS:
                raise
            thread_id = header.id
        else:
            thread_id = thread.id
        self._remember_parent(thread_id, header.channel.id)
        return thread_id

    def _messageable(
        self, channel: ChannelRef, channel_id: int
    ) -> discord.abc.Messageable | discord.PartialMessageable:
        """The cached channel or thread, else a partial one (REST answers whether it exists)."""
        cached = self.client.get_channel(channel_id)
        if isinstance(cached, discord.TextChannel | discord.Thread):
            return cached
        guild_id = _snowflake(channel.workspace)
        return self.client.get_partial_messageable(channel_id, guild_id=guild_id)

    def _remember_parent(self, thread_id: int, parent_id: int) -> None:
        self._parents[thread_id] = parent_id
        self._parents.move_to_end(thread_id)
        while len(self._parents) > REMEMBERED_THREADS:
            self._parents.popitem(last=False)

    async def _vote_channel_id(self, channel_id: int) -> int:
        """The channel a reaction's message belongs to: a digest thread's parent, else itself."""
        known = self._parents.get(channel_id)
        if known is not None:
            return known
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except discord.DiscordException:
                return channel_id
        if isinstance(channel, discord.Thread) and channel.parent_id:
            self._remember_parent(channel_id, channel.parent_id)
            return channel.parent_id
        return channel_id

    async def _on_reaction(self, payload: discord.RawReactionActionEvent, *, removed: bool) -> None:
        core = self._core
        me = self.client.user
        if core is None or payload.guild_id is None or (me and payload.user_id == me.id):
            return
        if payload.member is not None and payload.member.bot:
            return
        name = self._emoji.vote_name(payload.emoji)
        if name is None:
            return
        # Held from before the thread lookup until the core is done, so a reaction added
        # and taken back at once (or cleared) is applied in the order Discord sent it.
        async with self._vote_order.hold((payload.channel_id, payload.message_id)):
            channel_id = await self._vote_channel_id(payload.channel_id)
            vote = Vote(
                ChannelRef(self.platform, str(payload.guild_id), str(channel_id)),
                message_id=str(payload.message_id),
                user_id=str(payload.user_id),
                emoji=name,
                removed=removed,
            )
            try:
                await core.record_vote(vote)
            except Exception:
                log.exception("discord_vote_failed", channel=vote.channel.key, emoji=name)

    async def _on_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._on_reaction(payload, removed=False)

    async def _on_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._on_reaction(payload, removed=True)

    async def _on_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        """Every reaction on a message was removed (MESSAGE_REACTION_REMOVE_ALL)."""
        await self._clear_votes(payload, None)

    async def _on_reaction_clear_emoji(self, payload: discord.RawReactionClearEmojiEvent) -> None:
        """One emoji's reactions were removed from a message (MESSAGE_REACTION_REMOVE_EMOJI)."""
        name = self._emoji.vote_name(payload.emoji)
        if name is not None:
            await self._clear_votes(payload, name)

    async def _clear_votes(
        self,
        payload: discord.RawReactionClearEvent | discord.RawReactionClearEmojiEvent,
        emoji: str | None,
    ) -> None:
        core = self._core
        if core is None or payload.guild_id is None:
            return
        async with self._vote_order.hold((payload.channel_id, payload.message_id)):
            channel_id = await self._vote_channel_id(payload.channel_id)
            channel = ChannelRef(self.platform, str(payload.guild_id), str(channel_id))
            try:
                await core.clear_votes(channel, str(payload.message_id), emoji)
            except Exception:
                log.exception("discord_clear_votes_failed", channel=channel.key, emoji=emoji)

    async def _on_ready(self) -> None:
        self._ready_at = _now()
        self._connected.set()
        log.info("discord_ready", guilds=len(self.client.guilds))

    async def _on_guild_remove(self, guild: discord.Guild) -> None:
        if self._core is None:
            return
        try:
            await self._core.workspace_removed(self.platform, str(guild.id), GUILD_REMOVED_REASON)
        except Exception:
            log.exception("discord_guild_remove_failed", guild=guild.id)

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error("discord_command_failed", command=command, error=repr(error), exc_info=error)
        with contextlib.suppress(discord.HTTPException):
            await _answer(interaction, DiscordMessage(content=COMMAND_FAILED))


def build_discord_adapter(settings: Settings) -> DiscordAdapter | None:
    """The Discord adapter from the settings, or None when DISCORD_TOKEN is not set."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        return None
    return DiscordAdapter(
        token,
        api_url=settings.discord_api_url,
        gateway_url=settings.discord_gateway_url,
        guild_ids=settings.discord_guild_ids,
        shard_count=settings.discord_shard_count,
        vote_emoji=parse_emoji_map(settings.discord_vote_emoji),
    )


def _now() -> float:
    """The event loop's clock (monotonic seconds)."""
    return asyncio.get_running_loop().time()


def _refusal_hint(error: Exception | None) -> str | None:
    """What to fix when Discord refused for good (retrying cannot help), else None: the token
    (401 at login, close code 4004) or the shard and intent set-up (close codes 4010-4014)."""
    if isinstance(error, discord.LoginFailure):
        return TOKEN_HINT
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return SHARDING_HINT
    if isinstance(error, discord.ConnectionClosed):
        if error.code == CLOSE_AUTHENTICATION_FAILED:
            return TOKEN_HINT
        if error.code in REFUSED_SETUP_CODES:
            return SHARDING_HINT
    return None


def _error_fields(error: Exception | None) -> dict[str, Any]:
    """Log fields naming a connection error (never its text, which may quote a request)."""
    if error is None:
        return {"error": "closed"}
    fields: dict[str, Any] = {"error": type(error).__name__}
    if isinstance(error, discord.HTTPException):
        fields["status"] = error.status
    elif isinstance(error, discord.ConnectionClosed):
        fields["code"] = error.code
    if not isinstance(error, NETWORK_ERRORS):
        fields["exc_info"] = error  # not the network: a bug here or in discord.py's parsing
    return fields


def _snowflake(text: str) -> int:
    """A Discord id from a ChannelRef part; ChannelUnavailable when it is not one."""
    if not text.isdigit():
        raise ChannelUnavailable(NOT_A_CHANNEL_REASON)
    return int(text)


def _command_channel(interaction: discord.Interaction) -> ChannelRef | None:
    """The channel a command is about: the channel, or a thread's parent; None outside servers."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    channel_id = interaction.channel_id
    if isinstance(interaction.channel, discord.Thread) and interaction.channel.parent_id:
        channel_id = interaction.channel.parent_id
    return ChannelRef("discord", str(interaction.guild_id), str(channel_id))


def _seconds_before_defer(interaction: discord.Interaction) -> float:
    """How long the answer may still take before deferring: Discord's 3 s run from when it
    created the interaction (its id's time), not from when the handler got it. Never more
    than DEFER_AFTER_SECONDS from now, should this host's clock be behind Discord's."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return min(DEFER_AFTER_SECONDS, max(0.0, DEFER_AFTER_SECONDS - age))


async def _deferring_if_slow(interaction: discord.Interaction, work: Awaitable[Reply]) -> Reply:
    """Await the core's reply; defer the interaction if it is not ready in time."""
    task = asyncio.ensure_future(work)
    if interaction.response.is_done():
        return await task
    done, _ = await asyncio.wait({task}, timeout=_seconds_before_defer(interaction))
    if not done:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as error:
            log.warning("discord_defer_failed", status=error.status, error=error.text)
    return await task


async def _answer(
    interaction: discord.Interaction, message: DiscordMessage, *, ephemeral: bool = True
) -> None:
    """Answer an interaction, or follow up when it was deferred (then always ephemeral)."""
    kwargs = message.send_kwargs()
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs, ephemeral=True)
    else:
        await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
