"""A fake Slack on 127.0.0.1 for the real slack_sdk and slack_bolt code to talk to.

One aiohttp server plays three parts of Slack:

- the Web API at `/api/<method>` (auth.test, chat.postMessage, users.info,
  apps.connections.open, oauth.v2.access; any other method answers `{"ok": true}`),
  recording each call with its token and body (and each posted message with its ts),
  and answering, when told, a 429 with Retry-After, an error code, slowly, or not at all
  (the connection is dropped);
- response URLs at `/respond/<name>`, recording what a slash command's answer said;
- both refuse, when told, a message with an image in it as Slack does when it cannot
  download the image (`invalid_blocks`, "downloading image failed");
- the Socket Mode websocket at `/socket`: it says `hello`, sends the envelopes a test gives
  it and records the acknowledgements.

Also here: Slack-shaped payloads (slash command, reaction event, ...) and request signing,
shared by the adapter tests and bench/slack_http.py.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

APP_TOKEN = "xapp-1-A1-fake"
SIGNING_SECRET = "fake-signing-secret"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
WAIT_SECONDS = 5.0
"""How long the wait_* helpers wait by default before failing."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace the fake knows: its team id, bot token and bot user."""

    team_id: str
    bot_token: str
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    name: str = "Test team"


@dataclass(frozen=True, slots=True)
class Call:
    """One Web API call as the fake received it."""

    method: str
    token: str | None
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    """When it arrived (time.monotonic), to check the pace of posts."""


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None = None


@dataclass
class FakeSlack:
    """The fake's state: what it was asked, and how it should answer."""

    workspaces: dict[str, Workspace] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    oauth_codes: dict[str, Workspace] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Uploaded files by id: filename, alt_txt, data, and (once shared) title, channel_id and
    initial_comment, as files.getUploadURLExternal, the upload and
    files.completeUploadExternal left them."""
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    channel_interval: float | None = None
    """When set, Slack's pace: a chat.postMessage less than this many seconds after the last
    one taken in its channel is answered 429 with Retry-After 1."""
    rate_limited: int = 0
    """How many posts `channel_interval` refused."""
    wait_seconds: float = WAIT_SECONDS
    refused_images: int = 0
    """How many messages with an image were refused (chat.postMessage and response URLs)."""
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _drops: dict[str, int] = field(default_factory=dict)
    _last_post_at: dict[str, float] = field(default_factory=dict)
    _image_refusals: int = 0
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _socket_ready: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------------ set-up

    def add_workspace(self, workspace: Workspace) -> Workspace:
        """Make `workspace.bot_token` a valid bot token of `workspace.team_id`."""
        self.workspaces[workspace.bot_token] = workspace
        return workspace

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `{"ok": false, "error": error}`."""
        self._failures.setdefault(method, []).extend(_Failure(200, error) for _ in range(times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and Retry-After."""
        failure = _Failure(429, "ratelimited", retry_after)
        self._failures.setdefault(method, []).extend(failure for _ in range(times))

    def drop(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next `times` calls of `method` without answering
        (after recording them), as a network that drops a connection does."""
        self._drops[method] = self._drops.get(method, 0) + times

    def refuse_images(self, *, times: int = 1) -> None:
        """Refuse the next `times` messages that show an image (posted with chat.postMessage
        or to a response URL), as Slack does when it cannot download the image: the whole
        message is refused with `invalid_blocks` and nothing is posted."""
        self._image_refusals += times

    async def start(self) -> FakeSlack:
        """Serve on 127.0.0.1 on a free port."""
        app = web.Application()
        app.add_routes(
            [
                web.route("*", "/api/{method}", self._api),
                web.post("/respond/{name}", self._respond),
                web.post("/upload/{file_id}", self._upload),
                web.get("/socket", self._socket),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        """Close open websockets and stop serving."""
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ addresses

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """The Web API root, as PAPERS_SLACK_API_URL."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url whose posts are recorded under `name`."""
        return f"{self.base_url}/respond/{name}"

    # ------------------------------------------------------------------ reading

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def responses_to(self, name: str) -> list[dict[str, Any]]:
        """What was posted to one response_url, in order."""
        return [body for key, body in self.responses if key == name]

    async def wait_until(self, check: Callable[[], bool]) -> None:
        """Return once `check()` is true after some request; fail after `wait_seconds`."""
        async with asyncio.timeout(self.wait_seconds):
            while not check():
                self._changed.clear()
                await self._changed.wait()

    # ------------------------------------------------------------------ socket mode

    async def wait_for_socket(self) -> None:
        """Return once a Socket Mode client has connected (and been sent `hello`)."""
        async with asyncio.timeout(self.wait_seconds):
            await self._socket_ready.wait()

    async def send_envelope(self, envelope: Mapping[str, Any]) -> None:
        """Send one envelope to the newest Socket Mode connection."""
        await self._sockets[-1].send_str(json.dumps(envelope))

    async def wait_for_ack(self, envelope_id: str) -> dict[str, Any]:
        """The acknowledgement the client sent for `envelope_id`."""

        def acked() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        await self.wait_until(lambda: acked() is not None)
        found = acked()
        assert found is not None
        return found

    # ------------------------------------------------------------------ handlers

    def _touch(self) -> None:
        self._changed.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                body.update(await request.json())
            else:
                body.update(dict(await request.post()))
        token = _token(request, body)
        self.calls.append(Call(method, token, body))
        self._touch()
        if self._drops.get(method):
            self._drops[method] -= 1
            return _dropped(request)
        too_soon = method == "chat.postMessage" and self._too_soon(str(body.get("channel")))
        delay = self.delays.get(method)
        if delay:
            await asyncio.sleep(delay)
        queued = self._failures.get(method)
        if queued:
            failure = queued.pop(0)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        if method == "chat.postMessage":
            if too_soon:
                self.rate_limited += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            pointer = self._refused_image(body.get("blocks"))
            if pointer is not None:
                problem = f"downloading image failed [json-pointer:{pointer}]"
                return web.json_response(
                    {
                        "ok": False,
                        "error": "invalid_blocks",
                        "errors": [problem],
                        "response_metadata": {"messages": [f"[ERROR] {problem}"]},
                    }
                )
        answer = self._answer(method, token, body)
        self._touch()  # what it recorded (a message taken, say) is there to wait for now
        return web.json_response(answer)

    def _too_soon(self, channel: str) -> bool:
        """Whether a post to `channel` arriving now breaks `channel_interval`; one that does
        not counts as taken there (unless a failure told to come first refuses it)."""
        if self.channel_interval is None:
            return False
        now = time.monotonic()
        last = self._last_post_at.get(channel)
        if last is not None and now - last < self.channel_interval:
            return True
        self._last_post_at[channel] = now
        return False

    def _refused_image(self, blocks: Any) -> str | None:
        """The JSON pointer of the image to refuse in `blocks`, when told to refuse one."""
        if not self._image_refusals:
            return None
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        pointer = _image_pointer(blocks if isinstance(blocks, list) else [])
        if pointer is not None:
            self._image_refusals -= 1
            self.refused_images += 1
        return pointer

    def _answer(self, method: str, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        workspace = self.workspaces.get(token or "")
        if method == "apps.connections.open":
            if token != APP_TOKEN:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket"}
        if method == "oauth.v2.access":
            return self._oauth_access(token, body)
        if workspace is None:
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": workspace.name,
                "user": "papers-bot",
                "team_id": workspace.team_id,
                "user_id": workspace.bot_user_id,
                "bot_id": workspace.bot_id,
            }
        if method == "chat.postMessage":
            n = next(self._ts)
            ts = f"{1_700_000_000 + n}.{n:06d}"
            self.messages.append({**body, "ts": ts})
            return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            self.files[file_id] = {
                "filename": body.get("filename"),
                "alt_txt": body.get("alt_txt"),
                "data": b"",
            }
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"{self.base_url}/upload/{file_id}",
            }
        if method == "files.completeUploadExternal":
            return self._complete_upload(body)
        if method == "conversations.history":
            return {"ok": True, "messages": self._history(body, thread=False)}
        if method == "conversations.replies":
            return {"ok": True, "messages": self._history(body, thread=True)}
        if method == "users.info":
            user_id = str(body.get("user"))
            return {"ok": True, "user": self.users.get(user_id, {"id": user_id})}
        return {"ok": True}

    def _complete_upload(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Share uploaded files in a channel, with the initial comment, as Slack does."""
        listed = body.get("files")
        shared = json.loads(listed) if isinstance(listed, str) else listed or []
        answered = []
        for entry in shared:
            upload = self.files.get(str(entry.get("id")))
            if upload is None or not upload["data"]:
                return {"ok": False, "error": "file_not_found"}
            upload.update(
                title=entry.get("title"),
                channel_id=body.get("channel_id"),
                initial_comment=body.get("initial_comment"),
            )
            answered.append({"id": entry.get("id"), "title": entry.get("title")})
        return {"ok": True, "files": answered}

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL: keep the bytes of a file whose URL was handed out."""
        upload = self.files.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="no such upload")
        upload["data"] = await request.read()
        self._touch()
        return web.Response(text=f"OK - {len(upload['data'])}")

    def _history(self, body: Mapping[str, Any], *, thread: bool) -> list[dict[str, Any]]:
        """Posted messages of a channel (newest first), or of one thread; with metadata
        only when asked for, as Slack does."""
        channel = body.get("channel")
        if thread:
            parent = body.get("ts")
            found = [m for m in self.messages if parent in (m.get("ts"), m.get("thread_ts"))]
        else:
            found = [m for m in self.messages if m.get("channel") == channel]
        metadata = str(body.get("include_all_metadata")).lower() in ("1", "true")
        shown = [m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in found]
        return list(reversed(shown))

    def _oauth_access(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        if token != f"basic:{CLIENT_ID}:{CLIENT_SECRET}":
            return {"ok": False, "error": "invalid_client_id"}
        workspace = self.oauth_codes.get(str(body.get("code")))
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A1",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "commands,chat:write,reactions:read,users:read",
            "token_type": "bot",
            "access_token": workspace.bot_token,
            "bot_user_id": workspace.bot_user_id,
            "team": {"id": workspace.team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self._refused_image(body.get("blocks")) is not None:
            self._touch()
            return web.Response(status=400, text="invalid_blocks")
        self.responses.append((request.match_info["name"], body))
        self._touch()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self._socket_ready.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
                self._touch()
        return socket


def _image_pointer(blocks: list[Any]) -> str | None:
    """Where the first image is in `blocks` (an image block or a section's image accessory),
    as the JSON pointer Slack names in its error; None when there is none."""
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            continue
        if block.get("type") == "image":
            return f"/blocks/{index}/image_url"
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") == "image":
            return f"/blocks/{index}/accessory/image_url"
    return None


def _dropped(request: web.Request) -> web.Response:
    """Close the request's connection at once; the client sees it dropped, no answer."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=204)


def _token(request: web.Request, body: Mapping[str, Any]) -> str | None:
    """The bearer token, `basic:ID:SECRET` for HTTP basic auth, or the body's `token`."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    if header.startswith("Basic "):
        return "basic:" + base64.b64decode(header.removeprefix("Basic ")).decode()
    token = body.get("token")
    return str(token) if token else None


# ---------------------------------------------------------------------- payloads


def signed_headers(
    body: str,
    *,
    content_type: str,
    secret: str = SIGNING_SECRET,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The headers Slack sends with a request: content type, timestamp and v0 signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


def slash_command(
    text: str,
    *,
    response_url: str,
    team_id: str = "T1",
    channel_id: str = "C1",
    user_id: str = "U1",
) -> str:
    """A `/papers <text>` slash command, form-encoded as Slack posts it."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "test",
            "channel_id": channel_id,
            "channel_name": "papers",
            "user_id": user_id,
            "user_name": "ada",
            "command": "/papers",
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def event_callback(event: Mapping[str, Any], *, event_id: str, team_id: str = "T1") -> str:
    """An Events API `event_callback` body (JSON) carrying `event`."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": "A1",
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
        }
    )


def reaction(
    name: str,
    *,
    ts: str,
    user: str = "U1",
    channel: str = "C1",
    item_user: str = "UBOT",
    removed: bool = False,
) -> dict[str, Any]:
    """A `reaction_added` (or `reaction_removed`) event on message `ts`."""
    return {
        "type": "reaction_removed" if removed else "reaction_added",
        "user": user,
        "reaction": name,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def link_click(*, team_id: str = "T1", response_url: str) -> str:
    """A `block_actions` payload for a click on a digest's "Paper page" link button."""
    return button_click(
        {"action_id": "papers_link_hf", "text": {"type": "plain_text", "text": "Paper page"}},
        team_id=team_id,
        response_url=response_url,
    )


def more_click(
    value: str, *, team_id: str = "T1", response_url: str, action_id: str = "papers_more"
) -> str:
    """A `block_actions` payload for a click on a button that runs a command ("More" under
    search results, or "Similar" on a digest paper with `action_id="papers_similar"`);
    `value` is the command it carries."""
    return button_click(
        {
            "action_id": action_id,
            "text": {"type": "plain_text", "text": "More"},
            "value": value,
        },
        team_id=team_id,
        response_url=response_url,
    )


def button_click(action: Mapping[str, Any], *, team_id: str, response_url: str) -> str:
    """A `block_actions` payload for a click on one button, form-encoded as Slack sends it."""
    payload = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "test"},
        "user": {"id": "U1", "team_id": team_id},
        "api_app_id": "A1",
        "container": {"type": "message", "message_ts": "1700000001.000001", "channel_id": "C1"},
        "channel": {"id": "C1", "name": "papers"},
        "trigger_id": "1.2.3",
        "response_url": response_url,
        "actions": [
            {"type": "button", "block_id": "b1", "action_ts": "1700000002.000002", **action}
        ],
    }
    return urlencode({"payload": json.dumps(payload)})
