"""A local Discord: REST under /api/v10 and a gateway websocket, on one server on 127.0.0.1.

discord.py's own HTTP layer, gateway parsing and command tree run against it, pointed here
through `discord.http.Route.BASE` and `DiscordWebSocket.DEFAULT_GATEWAY` (which the adapter
sets from its settings). It knows one guild with one text channel, records every REST call
with its JSON body, answers what a bot does (log in, sync commands, post messages, start
threads, list a channel's recent messages, answer interactions, follow up), and lets tests
push gateway events and queue hostile answers (429 with Discord's rate-limit headers, 403,
404, a slow answer, a gateway that closes on IDENTIFY).

    async with FakeDiscord() as discord_fake:
        adapter = DiscordAdapter("token", api_url=discord_fake.api_url,
                                 gateway_url=discord_fake.gateway_url)
        ...
        await discord_fake.dispatch("INTERACTION_CREATE", slash("settings"))
        answer = await discord_fake.answer_to(interaction)

Facts that make discord.py accept it: answers carry `Content-Type: application/json` exactly;
a 429 needs a `Via` header (else discord.py takes it for a Cloudflare ban); READY holds the
user, guilds, session_id, resume_gateway_url and application; heartbeats get op 11.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web

from tests.fakes import LocalServer

API_PREFIX = "/api/v10"
BOT_USER_ID = 1_100_000_000_000_000_001
APPLICATION_ID = 1_100_000_000_000_000_002
GUILD_ID = 1_100_000_000_000_000_100
CHANNEL_ID = 1_100_000_000_000_000_200
OTHER_CHANNEL_ID = 1_100_000_000_000_000_201
USER_ID = 1_100_000_000_000_000_300
TOKEN = "fake-token"


def bot_token(application_id: int = APPLICATION_ID) -> str:
    """A token shaped like Discord's: the bot's id in base64, a timestamp and an HMAC."""
    first = base64.b64encode(str(application_id).encode()).decode().rstrip("=")
    return f"{first}.GhIjKl.{'x' * 38}"


WAIT_SECONDS = 5
TIMESTAMP = "2026-06-13T10:00:00.000000+00:00"

MANAGE_CHANNELS = 1 << 4
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES
"""What an ordinary member may do: read and write, not manage the channel."""
MANAGER_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_CHANNELS

INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_COMPONENT = 3
CALLBACK_MESSAGE = 4
CALLBACK_DEFERRED = 5
CALLBACK_AUTOCOMPLETE = 8
EPHEMERAL = 1 << 6
HAS_THREAD = 1 << 5
DISCORD_EPOCH_MS = 1_420_070_400_000
CLOSE_AUTHENTICATION_FAILED = 4004

BOT_USER = {
    "id": str(BOT_USER_ID),
    "username": "papers-bot",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "verified": True,
    "flags": 0,
    "mfa_enabled": False,
}
PERSON = {
    "id": str(USER_ID),
    "username": "ada",
    "discriminator": "0",
    "global_name": "Ada",
    "avatar": None,
}


def text_channel(channel_id: int, name: str, guild_id: int = GUILD_ID) -> dict[str, Any]:
    """A guild text channel as Discord sends it."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_channel(thread_id: int, parent_id: int, name: str) -> dict[str, Any]:
    """A public thread started from a message (it has the message's id)."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(BOT_USER_ID),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": False,
            "invitable": True,
            "create_timestamp": TIMESTAMP,
        },
    }


def guild_payload(channels: list[dict[str, Any]]) -> dict[str, Any]:
    """The GUILD_CREATE of the one guild, with its channels."""
    return {
        "id": str(GUILD_ID),
        "name": "ML reading group",
        "icon": None,
        "owner_id": str(USER_ID),
        "unavailable": False,
        "large": False,
        "member_count": 2,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            {
                "id": str(GUILD_ID),
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "channels": channels,
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "joined_at": TIMESTAMP,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
    }


@dataclass(frozen=True)
class Call:
    """A REST call as the fake saw it; `path` is relative to /api/v10."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    files: tuple[UploadedFile, ...] = ()


@dataclass(frozen=True)
class UploadedFile:
    """A file sent with a message (a `files[n]` part of a multipart body)."""

    field: str
    filename: str
    data: bytes


@dataclass(frozen=True)
class Fault:
    """A hostile answer served to the next call whose method matches and path matches `path`."""

    method: str
    path: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault is for that call."""
        return method == self.method and re.fullmatch(self.path, path) is not None


@dataclass(frozen=True)
class Delay:
    """A pause before answering the next call whose method matches and path matches `path`."""

    method: str
    path: str
    seconds: float

    def matches(self, method: str, path: str) -> bool:
        """Whether this delay is for that call."""
        return method == self.method and re.fullmatch(self.path, path) is not None


def rate_limited(method: str, path: str, retry_after: float = 0.05) -> Fault:
    """A per-route 429 shaped like Discord's: JSON retry_after plus the X-RateLimit headers."""
    return Fault(
        method,
        path,
        429,
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
        {
            "Via": "1.1 google",
            "Retry-After": "1",
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Bucket": "fake-bucket",
            "X-RateLimit-Scope": "user",
        },
    )


def forbidden(method: str, path: str) -> Fault:
    """403 Missing Permissions."""
    return Fault(method, path, 403, {"message": "Missing Permissions", "code": 50013})


def not_found(method: str, path: str) -> Fault:
    """404 Unknown Channel."""
    return Fault(method, path, 404, {"message": "Unknown Channel", "code": 10003})


class FakeDiscord(LocalServer):
    """The fake server. Read `calls`, `identifies`, `messages`; push events with `dispatch`."""

    def __init__(self, *, port: int = 0) -> None:
        self.calls: list[Call] = []
        self.identifies: list[dict[str, Any]] = []
        self.channels: dict[int, dict[str, Any]] = {
            CHANNEL_ID: text_channel(CHANNEL_ID, "papers"),
            OTHER_CHANNEL_ID: text_channel(OTHER_CHANNEL_ID, "general"),
        }
        self.messages: dict[int, dict[str, Any]] = {}
        self._faults: list[Fault] = []
        self._delays: list[Delay] = []
        self._gateway_closes: list[int] = []
        self._port = port
        self._ids = itertools.count(1_200_000_000_000_000_000)
        self._sequence = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """http://127.0.0.1:PORT, once started."""
        if not self._url:
            raise RuntimeError("the fake Discord is not started")
        return self._url

    @property
    def api_url(self) -> str:
        """The REST base, as PAPERS_DISCORD_API_URL."""
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The gateway address, as PAPERS_DISCORD_GATEWAY_URL."""
        return self.url.replace("http://", "ws://") + "/gateway"

    def add_fault(self, fault: Fault, *, times: int = 1) -> None:
        """Serve `fault` to the next `times` matching calls."""
        self._faults.extend([fault] * times)

    def add_delay(self, method: str, path: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls matching `method` and the regex `path` after `seconds`."""
        self._delays.extend([Delay(method, path, seconds)] * times)

    def close_gateway_on_identify(self, code: int, *, times: int = 1) -> None:
        """Close the next `times` gateway sessions with `code` at IDENTIFY (4004: bad token)."""
        self._gateway_closes.extend([code] * times)

    def add_message(
        self, channel_id: int, body: dict[str, Any], *, author: Mapping[str, Any] = BOT_USER
    ) -> dict[str, Any]:
        """Store a message as if it had been posted earlier (by the bot unless `author`)."""
        return self._message(channel_id, body, author=author)

    def calls_to(self, method: str, path: str) -> list[Call]:
        """The recorded calls with that method whose path matches the regex `path`."""
        return [c for c in self.calls if c.method == method and re.fullmatch(path, c.path)]

    def new_id(self) -> int:
        """A fresh snowflake."""
        return next(self._ids)

    async def wait_for_calls(self, method: str, path: str, count: int = 1) -> list[Call]:
        """Wait until `count` matching calls were recorded (5 s at most); return them all."""
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(lambda: len(self.calls_to(method, path)) >= count)
        return self.calls_to(method, path)

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Wait until `condition()` holds (5 s at most); checked after every call and IDENTIFY."""
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(condition)

    async def dispatch(self, event: str, data: Mapping[str, Any]) -> None:
        """Send a DISPATCH (op 0) event to every connected gateway session."""
        frame = json.dumps({"op": 0, "t": event, "s": next(self._sequence), "d": data})
        for socket in list(self._sockets):
            await socket.send_str(frame)

    async def answer_to(self, interaction: Mapping[str, Any]) -> dict[str, Any]:
        """The message data the bot answered an interaction with (after a defer, the follow-up)."""
        callback = (
            await self.wait_for_calls("POST", rf"/interactions/{interaction['id']}/[^/]+/callback")
        )[0]
        if callback.body["type"] != CALLBACK_DEFERRED:
            return callback.body["data"]
        token = interaction["token"]
        followups = await self.wait_for_calls("POST", rf"/webhooks/{APPLICATION_ID}/{token}")
        return followups[0].body

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Close gateway sessions and stop serving."""
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 41_250}})
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    break
                payload = json.loads(frame.data)
                if payload["op"] == 1:
                    await socket.send_json({"op": 11})
                elif payload["op"] == 2 and self._gateway_closes:
                    self.identifies.append(payload["d"])
                    await socket.close(code=self._gateway_closes.pop(0))
                    async with self._changed:
                        self._changed.notify_all()
                elif payload["op"] == 2:
                    await self._identified(socket, payload["d"])
        finally:
            self._sockets.remove(socket)
        return socket

    async def _identified(self, socket: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        self.identifies.append(identify)
        ready: dict[str, Any] = {
            "v": 10,
            "user": BOT_USER,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APPLICATION_ID), "flags": 0},
        }
        if "shard" in identify:
            ready["shard"] = identify["shard"]
        await socket.send_json({"op": 0, "t": "READY", "s": next(self._sequence), "d": ready})
        text_channels = [c for c in self.channels.values() if c["type"] == 0]
        await socket.send_json(
            {
                "op": 0,
                "t": "GUILD_CREATE",
                "s": next(self._sequence),
                "d": guild_payload(text_channels),
            }
        )
        async with self._changed:
            self._changed.notify_all()

    # -- REST ------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        call = Call(request.method, path, dict(request.query), body, dict(request.headers), files)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        delay = next((d for d in self._delays if d.matches(call.method, path)), None)
        if delay is not None:
            self._delays.remove(delay)
            await asyncio.sleep(delay.seconds)
        fault = next((f for f in self._faults if f.matches(call.method, path)), None)
        if fault is not None:
            self._faults.remove(fault)
            return _json(fault.body, fault.status, fault.headers)
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method == call.method:
                return await handler(call, *match.groups())
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _routes(self) -> list[tuple[str, str, Callable[..., Awaitable[web.Response]]]]:
        return [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)/commands", self._put_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_commands),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("GET", r"/channels/(\d+)/messages", self._history),
            ("POST", r"/channels/(\d+)/messages", self._post_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._followup),
        ]

    async def _me(self, call: Call) -> web.Response:
        if call.headers.get("Authorization") != f"Bot {TOKEN}":
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        return _json(BOT_USER)

    async def _application(self, call: Call) -> web.Response:
        return _json(
            {
                "id": str(APPLICATION_ID),
                "name": "papers-bot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": PERSON,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": BOT_USER,
            }
        )

    async def _put_commands(self, call: Call, application_id: str, *guild: str) -> web.Response:
        synced = [
            {
                **command,
                "id": str(self.new_id()),
                "application_id": application_id,
                "version": "1",
                **({"guild_id": guild[0]} if guild else {}),
            }
            for command in call.body
        ]
        return _json(synced)

    async def _get_channel(self, call: Call, channel_id: str) -> web.Response:
        channel = self.channels.get(int(channel_id))
        if channel is None:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(channel)

    async def _history(self, call: Call, channel_id: str) -> web.Response:
        """The channel's messages, newest first, at most `limit` (ephemeral ones are not kept)."""
        if int(channel_id) not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        limit = int(call.query.get("limit", "50"))
        before = int(call.query.get("before", str(2**63)))
        kept = [
            message
            for message in self.messages.values()
            if message["channel_id"] == channel_id
            and int(message["id"]) < before
            and not message["flags"] & EPHEMERAL
        ]
        kept.sort(key=lambda message: int(message["id"]), reverse=True)
        return _json(kept[:limit])

    async def _post_message(self, call: Call, channel_id: str) -> web.Response:
        if int(channel_id) not in self.channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        message = self._message(int(channel_id), call.body)
        return _json(message)

    async def _start_thread(self, call: Call, channel_id: str, message_id: str) -> web.Response:
        if int(message_id) in self.channels:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                400,
            )
        if int(message_id) not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        thread = thread_channel(int(message_id), int(channel_id), call.body["name"])
        self.channels[int(message_id)] = thread
        self.messages[int(message_id)]["flags"] |= HAS_THREAD
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread)

    async def _callback(self, call: Call, interaction_id: str, token: str) -> web.Response:
        kind = call.body["type"]
        flags = (call.body.get("data") or {}).get("flags", 0)
        return _json(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": INTERACTION_APPLICATION_COMMAND,
                    "response_message_loading": kind == CALLBACK_DEFERRED,
                    "response_message_ephemeral": bool(flags & EPHEMERAL),
                }
            }
        )

    async def _followup(self, call: Call, application_id: str, token: str) -> web.Response:
        return _json(self._message(CHANNEL_ID, call.body))

    def _message(
        self, channel_id: int, body: dict[str, Any], *, author: Mapping[str, Any] = BOT_USER
    ) -> dict[str, Any]:
        message = {
            "id": str(self.new_id()),
            "channel_id": str(channel_id),
            "guild_id": str(GUILD_ID),
            "type": 0,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "author": dict(author),
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "flags": body.get("flags", 0),
            "nonce": body.get("nonce"),
        }
        self.messages[int(message["id"])] = message
        return message


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with `Content-Type: application/json` exactly (no charset)."""
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


# -- gateway events, as Discord sends them ---------------------------------------------------


def button_press(custom_id: str, *, user_id: int = USER_ID) -> dict[str, Any]:
    """An INTERACTION_CREATE for a press on a button (custom id `custom_id`) of a message
    the bot sent in the fake's #papers channel."""
    interaction = slash("today", user_id=user_id)
    message = {
        "id": str(snowflake(None)),
        "channel_id": str(CHANNEL_ID),
        "author": BOT_USER,
        "content": "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 64,
    }
    return {
        **interaction,
        "type": INTERACTION_COMPONENT,
        "message": message,
        "data": {"custom_id": custom_id, "component_type": 2},
    }


def slash(
    *path: str,
    options: Mapping[str, str | int] | None = None,
    permissions: int = MANAGER_PERMISSIONS,
    channel: Mapping[str, Any] | None = None,
    user_id: int = USER_ID,
    focused: str | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE for `/papers <path...>` with these option values.

    It comes from the fake's #papers channel unless `channel` (a channel payload) is given.
    With `focused`, it is the autocomplete request (type 4) for that option. Its id is a
    snowflake of `created_at` (now if not given), as Discord's ids carry their creation time.
    """
    channel = channel or text_channel(CHANNEL_ID, "papers")
    leaf: list[dict[str, Any]] = [
        {
            "name": name,
            "type": 4 if isinstance(value, int) else 3,
            "value": value,
            **({"focused": True} if name == focused else {}),
        }
        for name, value in (options or {}).items()
    ]
    tree: list[dict[str, Any]] = leaf
    for depth, name in enumerate(reversed(path)):
        tree = [{"name": name, "type": 1 if depth == 0 else 2, "options": tree}]
    interaction_id = snowflake(created_at)
    return {
        "id": str(interaction_id),
        "application_id": str(APPLICATION_ID),
        "type": INTERACTION_AUTOCOMPLETE if focused else INTERACTION_APPLICATION_COMMAND,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": channel["id"],
        "channel": dict(channel),
        "member": {
            "user": {**PERSON, "id": str(user_id)},
            "roles": [],
            "permissions": str(permissions),
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
        "app_permissions": str(MEMBER_PERMISSIONS),
        "locale": "en-GB",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 10_485_760,
        "data": {
            "id": str(APPLICATION_ID + 1),
            "name": "papers",
            "type": 1,
            "guild_id": str(GUILD_ID),
            "options": tree,
        },
    }


_increments = itertools.count(1)


def snowflake(at: datetime | None = None) -> int:
    """A fresh Discord id created at `at` (now if not given): milliseconds since 2015, shifted."""
    millis = round(at.timestamp() * 1000) if at is not None else time.time_ns() // 1_000_000
    return ((millis - DISCORD_EPOCH_MS) << 22) | (next(_increments) % (1 << 22))


def reaction(
    emoji: str,
    message_id: int | str,
    *,
    channel_id: int | str = CHANNEL_ID,
    user_id: int = USER_ID,
    bot: bool = False,
) -> dict[str, Any]:
    """A MESSAGE_REACTION_ADD / _REMOVE payload for a unicode emoji (the member only on add)."""
    return {
        "user_id": str(user_id),
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "guild_id": str(GUILD_ID),
        "emoji": {"id": None, "name": emoji},
        "burst": False,
        "burst_colors": [],
        "type": 0,
        "member": {
            "user": {**PERSON, "id": str(user_id), "bot": bot},
            "roles": [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
        },
    }


def reaction_clear(
    message_id: int | str, *, channel_id: int | str = CHANNEL_ID, emoji: str | None = None
) -> dict[str, Any]:
    """A MESSAGE_REACTION_REMOVE_ALL payload, or _REMOVE_EMOJI when `emoji` is given."""
    payload: dict[str, Any] = {
        "channel_id": str(channel_id),
        "message_id": str(message_id),
        "guild_id": str(GUILD_ID),
    }
    if emoji is not None:
        payload["emoji"] = {"id": None, "name": emoji}
    return payload


async def _read_body(request: web.Request) -> tuple[Any, tuple[UploadedFile, ...]]:
    """A request's JSON body, or a multipart body's `payload_json` and its files."""
    if not request.can_read_body:
        return None, ()
    if not request.content_type.startswith("multipart/"):
        return await request.json(), ()
    body: Any = None
    files: list[UploadedFile] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, aiohttp.BodyPartReader):
            continue
        if part.name == "payload_json":
            body = json.loads(await part.text())
        else:
            files.append(UploadedFile(part.name or "", part.filename or "", await part.read()))
    return body, tuple(files)
