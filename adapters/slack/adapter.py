"""The Slack adapter: slack-bolt's AsyncApp behind the ChatAdapter and WebhookAdapter ports.

Ways in, any of which may be configured (see `SlackConfig.from_settings`):

- Socket Mode (SLACK_APP_TOKEN): a websocket that slack_sdk's aiohttp client keeps open;
  no public URL needed.
- HTTP mode (SLACK_SIGNING_SECRET): Slack posts events, slash commands and button clicks to
  POST /slack/events on the bot's one HTTP server; the adapter checks every request's
  signature and age (older than five minutes is refused with 401).
- Tokens: one workspace's SLACK_BOT_TOKEN, or an install in many workspaces
  (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) through /slack/install and /slack/oauth_redirect
  with installations kept in the bot's database.

Over HTTP, the signature is checked once, first, on the raw body (slack_sdk's
SignatureVerifier, the check bolt would make, which is turned off in bolt so that there is one
gate to test): anything Slack did not sign, or signed more than five minutes ago, gets 401 and
one log line before a byte of it is parsed; a signed body that is not a JSON object or a form
gets 400. Then acknowledging comes first: an event, slash command or button click gets its
empty 200 at once; bolt authorizes and routes it as work of its own (OrderedWork: many jobs
at once, one person's reactions on a message in order), and a request no listener takes is
logged (`slack_request_not_handled`). Anything else (URL verification) bolt answers itself.
Listeners, in both modes, queue the real work the same way: a slash command is run by the
core and answered through its response_url, a reaction becomes a Vote, whose event-id claim
in the core applies a retried event once. `stop()` lets queued work finish. Every Web API
call, bolt's own and the OAuth flow's included, goes to PAPERS_SLACK_API_URL through one
AsyncWebClient that waits out 429 answers and tries once more after a dropped connection;
posts keep to each channel's pace. A message Slack refuses because it could not download a
paper's thumbnail is sent again without the image.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import structlog
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.payload_utils import is_block_actions, is_event, is_slash_command
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook import WebhookResponse

from adapters.slack import render
from adapters.slack.admins import AdminCheck
from adapters.slack.connection import SocketModeConnection
from adapters.slack.emoji import VoteEmoji
from adapters.slack.errors import (
    NOT_INSTALLED,
    SlackCallFailed,
    error_code,
    error_details,
    image_refused,
    retry_after,
    translate,
)
from adapters.slack.library_logs import BOLT_LOG, NETWORK_ERRORS
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH, Installations
from adapters.slack.pacing import SlackPace
from adapters.slack.payloads import (
    PLATFORM,
    command_from_action,
    command_from_body,
    slack_id,
    vote_from_event,
)
from adapters.slack.work import OrderedWork
from bot import grammar
from bot.models import (
    ChannelRef,
    Command,
    OutgoingMessage,
    PostRef,
    Recap,
    Reply,
    ReplyKind,
    Vote,
)
from bot.ports import ChannelUnavailable, Core
from config.settings import Settings, SettingsError

log = structlog.get_logger(__name__)

EVENTS_PATH = "/slack/events"
DRAIN_SECONDS = 10.0
"""How long `stop()` lets commands and votes in hand finish."""
CONCURRENT_JOBS = 32
"""Commands, votes and deferred dispatches running at once; beyond that they wait their turn."""
RECONCILE_SECONDS = 2 * 24 * 3600
"""How far back a resumed post looks for itself in the channel's history."""
RECONCILE_LIMIT = 200
EARLY_ACK_BACKLOG = 5_000
"""Beyond this much queued work, HTTP requests are dispatched before they are acknowledged."""
SIGNATURE_MAX_AGE_SECONDS = 5 * 60
"""Slack's rule, which SignatureVerifier applies: a request signed longer ago is refused."""
READY_WAIT_SECONDS = 2.0
"""How long a request that comes before `start()` has prepared waits, before a 503."""
RATE_LIMIT_RETRIES = 3
MAX_LOGGED_ANSWER = 200
"""How much of a refused response_url answer goes into a log line."""
COMMAND_FAILED = "Something went wrong running that command; please try again."
RESUME = "reinstall papers-bot, then run /papers subscribe here"
UNINSTALLED = f"papers-bot was uninstalled from this workspace; {RESUME}"
TOKENS_REVOKED = f"the bot's token was revoked; {RESUME}"


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """The Slack part of the settings, checked for a combination that can work."""

    api_url: str
    database_url: str
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    admins_only: bool = False
    vote_emoji: str = "+1=+1,fire=fire,-1=-1"
    messages_per_second: float = 1.0
    workspace_messages_per_minute: int | None = None

    @property
    def multi_workspace(self) -> bool:
        """Whether tokens come from installations (OAuth) rather than SLACK_BOT_TOKEN."""
        return self.client_id is not None and self.client_secret is not None

    @property
    def authorization_url(self) -> str:
        """Slack's OAuth consent page beside the API URL: `.../api/` -> `.../oauth/v2/authorize`."""
        return self.api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackConfig | None:
        """The Slack configuration, None when no Slack setting is given.

        Raises SettingsError, naming the variable, for a combination that cannot work.
        """
        secret = _secret
        config = cls(
            api_url=settings.slack_api_url,
            database_url=settings.database_url,
            bot_token=secret(settings.slack_bot_token),
            app_token=secret(settings.slack_app_token),
            signing_secret=secret(settings.slack_signing_secret),
            client_id=settings.slack_client_id or None,
            client_secret=secret(settings.slack_client_secret),
            admins_only=settings.slack_admins_only,
            vote_emoji=settings.slack_vote_emoji,
            messages_per_second=settings.slack_messages_per_second,
            workspace_messages_per_minute=settings.slack_workspace_messages_per_minute,
        )
        given = (config.bot_token, config.app_token, config.signing_secret, config.client_id)
        if not any(given) and config.client_secret is None:
            return None
        config.check()
        return config

    def check(self) -> None:
        """Raise SettingsError unless tokens and a way to receive events are both set."""
        if (self.client_id is None) != (self.client_secret is None):
            missing = "SLACK_CLIENT_SECRET" if self.client_secret is None else "SLACK_CLIENT_ID"
            raise SettingsError(
                f"{missing}: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET together "
                "to install papers-bot in many workspaces"
            )
        if self.bot_token is None and not self.multi_workspace:
            raise SettingsError(
                "SLACK_BOT_TOKEN: set it (one workspace), or SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET (many workspaces)"
            )
        if self.app_token is None and self.signing_secret is None:
            raise SettingsError(
                "SLACK_APP_TOKEN: set it for Socket Mode, or set SLACK_SIGNING_SECRET "
                "for HTTP mode at /slack/events"
            )
        if self.app_token is not None and not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN: an app-level token starts with xapp-")
        if self.bot_token is not None and not self.bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN: a bot token starts with xoxb-")


def _secret(value: Any) -> str | None:
    """The text of a SecretStr setting, None when unset or blank."""
    if value is None:
        return None
    text = value.get_secret_value().strip()
    return text or None


def build_slack_adapter(settings: Settings) -> SlackAdapter | None:
    """The Slack adapter for these settings, or None when Slack is not configured.

    Raises SettingsError, naming the variable, when the Slack settings are incomplete.
    """
    config = SlackConfig.from_settings(settings)
    return None if config is None else SlackAdapter(config)


class SlackAdapter:
    """A ChatAdapter (post digests, route commands and votes) and WebhookAdapter for Slack."""

    platform: str = PLATFORM

    def __init__(self, config: SlackConfig) -> None:
        """Build the web client and the bolt app; nothing connects until `start`."""
        self._config = config
        self._emoji = VoteEmoji.from_setting(config.vote_emoji)
        self._pace = SlackPace(
            config.messages_per_second, workspace_per_minute=config.workspace_messages_per_minute
        )
        self._admins = AdminCheck()
        self._client = AsyncWebClient(
            base_url=config.api_url,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ],
        )
        # chat.postMessage answers its own 429s (see _post_message): they hold the channel.
        self._poster = AsyncWebClient(
            base_url=config.api_url, retry_handlers=[AsyncConnectionErrorRetryHandler()]
        )
        self._installations = (
            Installations.open(config.database_url, config.client_id)
            if config.multi_workspace and config.client_id is not None
            else None
        )
        self._auth: AsyncSlackResponse | None = None
        self._auth_lock = asyncio.Lock()
        self._core: Core | None = None
        self._work = OrderedWork(CONCURRENT_JOBS)
        self._stopped = asyncio.Event()
        self._ready = asyncio.Event()
        self._verifier = (
            SignatureVerifier(config.signing_secret) if config.signing_secret is not None else None
        )
        self.app = self._build_app()

    # ------------------------------------------------------------------ the ports

    async def start(self, core: Core) -> None:
        """Prepare tokens, connect Socket Mode if configured, and serve until `stop()`."""
        self._core = core
        if self._installations is not None:
            await self._installations.create_tables()
        else:
            await self._check_token()
        # One pool of connections for the posts: a fan-out of thousands of messages opens
        # no connection per message (before start, and after stop, each post opens its own).
        posting = self._poster.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._poster.timeout)
        )
        self._ready.set()
        socket = None
        connecting = None
        if self._config.app_token is not None:
            socket = SocketModeConnection(self.app, self._config.app_token)
            connecting = asyncio.create_task(self._connect(socket))
        try:
            await self._stopped.wait()
        finally:
            if connecting is not None:
                connecting.cancel()
            if socket is not None:
                await socket.close_async()
            await self._work.drain(DRAIN_SECONDS)
            await posting.close()
            if self._installations is not None:
                await self._installations.close()

    async def stop(self) -> None:
        """Make `start()` disconnect, once the commands and votes in hand are done."""
        self._stopped.set()

    async def post(self, channel: ChannelRef, message: OutgoingMessage) -> PostRef:
        """Post one digest message (in the header's thread when `message.thread` is set).

        When Slack refuses the message over its blocks (it could not download the paper's
        thumbnail), it is posted once more without the image, so the digest goes on.

        Raises ChannelUnavailable when Slack will not take posts in this channel any more
        (bot removed, channel archived, token revoked, ...), SlackCallFailed on other errors.
        """
        token = await self._token_for(channel.workspace)
        shown = self._emoji.shown()
        rendered = render.digest_message(message, shown)
        thread_ts = message.thread.message_id if message.thread is not None else None
        if message.resumed:
            posted = await self._already_posted(token, channel, thread_ts, message.key)
            if posted is not None:
                log.info("slack_post_found", channel=channel.key, key=message.key)
                return PostRef(channel, posted, thread_id=thread_ts)
        try:
            try:
                response = await self._post_message(token, channel, thread_ts, rendered)
            except SlackApiError as error:
                plain = render.digest_message(message, shown, thumbnails=False)
                details = error_details(error)
                if plain == rendered or not image_refused(error_code(error), details):
                    raise
                log.warning(
                    "slack_image_dropped",
                    channel=channel.key,
                    key=message.key,
                    error=error_code(error),
                    details=details,
                )
                response = await self._post_message(token, channel, thread_ts, plain)
        except SlackApiError as error:
            raise translate("chat.postMessage", error) from None
        return PostRef(channel, str(response["ts"]), thread_id=thread_ts)

    async def post_recap(self, channel: ChannelRef, recap: Recap) -> PostRef:
        """Upload the weekly recap's chart with files_upload_v2, shared in the channel with
        the ranked list as its message. Raises ChannelUnavailable or SlackCallFailed as
        `post` does."""
        token = await self._token_for(channel.workspace)
        async with self._pace.turn(channel):
            try:
                response = await self._client.files_upload_v2(
                    token=token, channel=channel.channel, **render.recap_upload(recap)
                )
            except SlackApiError as error:
                raise translate("files.upload", error) from None
            except (aiohttp.ClientError, TimeoutError) as error:
                raise SlackCallFailed(f"Slack file upload failed: {type(error).__name__}") from None
        uploaded = response.get("files") or [{}]
        return PostRef(channel, str(uploaded[0].get("id", recap.id)))

    async def _post_message(
        self, token: str, channel: ChannelRef, thread_ts: str | None, rendered: render.Message
    ) -> AsyncSlackResponse:
        """chat.postMessage at the channel's pace; a 429 holds the channel for its
        Retry-After and the post is tried again (RATE_LIMIT_RETRIES times). Raises
        SlackApiError when Slack refuses, SlackCallFailed when it cannot be reached (after
        the client's own retries)."""
        retries = 0
        while True:
            async with self._pace.turn(channel):
                try:
                    return await self._poster.chat_postMessage(
                        token=token,
                        channel=channel.channel,
                        thread_ts=thread_ts,
                        unfurl_links=False,
                        unfurl_media=False,
                        **rendered,
                    )
                except (aiohttp.ClientError, TimeoutError) as error:
                    raise SlackCallFailed(
                        f"Slack chat.postMessage failed: {type(error).__name__}"
                    ) from None
                except SlackApiError as error:
                    seconds = retry_after(error)
                    if seconds is None or retries == RATE_LIMIT_RETRIES:
                        raise
                    log.info("slack_rate_limited", channel=channel.key, retry_after=seconds)
                    self._pace.hold(channel, seconds)
            retries += 1

    async def _already_posted(
        self, token: str, channel: ChannelRef, thread_ts: str | None, key: str
    ) -> str | None:
        """The ts of a message the bot already posted under outbox `key`, found by its
        metadata in the channel's recent history (or the header's thread), else None.

        A crash between Slack taking a post and the outbox recording it would otherwise post
        it twice on resume. A failed look-up is logged and the post goes ahead.
        """
        since = f"{time.time() - RECONCILE_SECONDS:.6f}"
        try:
            if thread_ts is None:
                found = await self._client.conversations_history(
                    token=token,
                    channel=channel.channel,
                    oldest=since,
                    include_all_metadata=True,
                    limit=RECONCILE_LIMIT,
                )
            else:
                found = await self._client.conversations_replies(
                    token=token,
                    channel=channel.channel,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=RECONCILE_LIMIT,
                )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack_reconcile_failed", channel=channel.key, error=type(error).__name__)
            return None
        for posted in found.get("messages") or []:
            metadata = posted.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == render.METADATA_EVENT_TYPE
                and payload.get("key") == key
            ):
                return str(posted["ts"])
        return None

    def web_routes(self) -> list[web.RouteDef]:
        """POST /slack/events in HTTP mode; GET /slack/install and /slack/oauth_redirect
        when installing in many workspaces."""
        routes = []
        if self._config.signing_secret is not None:
            routes.append(web.post(EVENTS_PATH, self._handle_events))
        if self._installations is not None:
            routes.append(web.get(INSTALL_PATH, self._handle_install))
            routes.append(web.get(REDIRECT_PATH, self._handle_oauth_redirect))
        return routes

    # ------------------------------------------------------------------ HTTP

    async def _handle_events(self, request: web.Request) -> web.Response:
        """Check the signature on the raw body first: a request Slack did not sign gets 401
        (one log line) before any of it is parsed. A signed body that is not a JSON object
        or a form gets 400. Events, slash commands and button clicks then get their empty
        200 at once and are routed by bolt as work of its own; anything else (URL verification,
        SSL check) bolt answers itself."""
        raw = await request.read()
        refused = self._signature_problem(raw, request.headers)
        if refused is not None:
            log.warning("slack_request_refused", reason=refused, size=len(raw))
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_request = _bolt_request(raw, request)
        if bolt_request is None:
            log.warning(
                "slack_request_unreadable", content_type=request.content_type, size=len(raw)
            )
            return web.json_response({"error": "unreadable request"}, status=400)
        await self._wait_until_ready()
        if self._acknowledge_at_once(bolt_request):
            self._later(self._dispatch, bolt_request, key=_reaction_key(bolt_request.body))
            return web.Response(status=200)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    def _signature_problem(self, raw: bytes, headers: Mapping[str, str]) -> str | None:
        """Why the request's signature does not check out (slack_sdk's SignatureVerifier:
        HMAC of the body, timestamp within five minutes), or None when it does or when no
        signing secret is configured."""
        if self._verifier is None:
            return None
        timestamp = headers.get("X-Slack-Request-Timestamp")
        signature = headers.get("X-Slack-Signature")
        if not timestamp or not signature:
            return "unsigned"
        try:
            if self._verifier.is_valid(raw, timestamp, signature):
                return None
            stale = abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS
        except ValueError:  # a timestamp that is not a number, or a body that is not UTF-8
            return "malformed"
        return "stale" if stale else "bad_signature"

    def _acknowledge_at_once(self, bolt_request: AsyncBoltRequest) -> bool:
        """Whether to answer 200 now and dispatch later: only for a verified event, slash
        command or button click, and while the work in hand keeps up."""
        if self._verifier is None or self._backlog() >= EARLY_ACK_BACKLOG:
            return False
        body = bolt_request.body
        return is_event(body) or is_slash_command(body) or is_block_actions(body)

    async def _dispatch(self, bolt_request: AsyncBoltRequest) -> None:
        response = await self.app.async_dispatch(bolt_request)
        if response.status != 200:
            log.warning("slack_request_not_handled", status=response.status)

    async def _handle_install(self, request: web.Request) -> web.Response:
        await self._wait_until_ready()
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await self._oauth_flow().handle_installation(bolt_request))

    async def _handle_oauth_redirect(self, request: web.Request) -> web.Response:
        await self._wait_until_ready()
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await self._oauth_flow().handle_callback(bolt_request))

    async def _wait_until_ready(self) -> None:
        """The HTTP server starts before the adapters and stops after them: hold early
        requests a moment, and answer 503 (Slack retries it) when not ready or stopping, so
        nothing is acknowledged that no one will run."""
        if self._stopped.is_set():
            raise web.HTTPServiceUnavailable(text="papers-bot is stopping; try again")
        try:
            async with asyncio.timeout(READY_WAIT_SECONDS):
                await self._ready.wait()
        except TimeoutError:
            raise web.HTTPServiceUnavailable(text="papers-bot is starting; try again") from None

    def _oauth_flow(self) -> AsyncOAuthFlow:
        flow = self.app.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return flow

    # ------------------------------------------------------------------ bolt

    def _build_app(self) -> AsyncApp:
        config = self._config
        options: dict[str, Any] = {}
        if self._installations is not None and config.client_id and config.client_secret:
            options["installation_store"] = self._installations.store
            options["oauth_settings"] = self._installations.oauth_settings(
                config.client_id, config.client_secret, config.authorization_url
            )
        else:

            async def authorize() -> AuthorizeResult:  # bolt reads the arguments' names
                return await self._authorize()

            options["authorize"] = authorize
        app = AsyncApp(
            name="papers-bot",
            client=self._client,
            signing_secret=config.signing_secret or "",
            # `_handle_events` has verified the signature on the raw body already.
            request_verification_enabled=False,
            process_before_response=True,
            logger=BOLT_LOG,
            **options,
        )
        app.command(re.compile(r"^/"))(self._on_command)
        app.event("reaction_added")(self._on_reaction)
        app.event("reaction_removed")(self._on_reaction)
        app.event("app_uninstalled")(self._on_app_uninstalled)
        app.event("tokens_revoked")(self._on_tokens_revoked)
        app.action(re.compile(f"^{render.LINK_ACTION_PREFIX}"))(self._on_link_click)
        app.action(render.MORE_ACTION)(self._on_command_button)
        app.action(render.SIMILAR_ACTION)(self._on_command_button)
        return app

    async def _authorize(self) -> AuthorizeResult:
        """bolt's authorize for one workspace: SLACK_BOT_TOKEN and its auth.test, cached."""
        auth = await self._auth_test()
        return AuthorizeResult.from_auth_test_response(
            auth_test_response=auth, bot_token=self._config.bot_token
        )

    async def _auth_test(self) -> AsyncSlackResponse:
        async with self._auth_lock:
            if self._auth is None:
                self._auth = await self._client.auth_test(token=self._config.bot_token)
            return self._auth

    async def _check_token(self) -> None:
        """Say in one log line whether SLACK_BOT_TOKEN works (the bot keeps running)."""
        try:
            auth = await self._auth_test()
        except SlackApiError as error:
            log.error(
                "slack_token_refused",
                error=error_code(error),
                hint="check SLACK_BOT_TOKEN; posts will pause until it works",
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack_unreachable", error=type(error).__name__)
        else:
            log.info("slack_ready", team=auth.get("team_id"), bot_user=auth.get("user_id"))

    async def _connect(self, socket: SocketModeConnection) -> None:
        """Open the Socket Mode connection (it retries until it is up, one line each time,
        then keeps it), unless Slack refuses the app token: that is said once, not retried
        forever."""
        if not await self._app_token_works():
            return
        await socket.connect_async()
        log.info("slack_socket_mode_connected")

    async def _app_token_works(self) -> bool:
        """False (with one log line) when Slack refuses SLACK_APP_TOKEN; True otherwise,
        including when Slack cannot be reached yet (the connection then keeps trying, and
        says so once per attempt)."""
        try:
            await self._client.apps_connections_open(app_token=self._config.app_token or "")
        except SlackApiError as error:
            log.error(
                "slack_app_token_refused",
                error=error_code(error),
                hint="check SLACK_APP_TOKEN (xapp-, scope connections:write); Socket Mode is off",
            )
            return False
        except NETWORK_ERRORS:
            pass  # the connection tries again and says so
        return True

    async def _token_for(self, workspace: str) -> str:
        if self._installations is None:
            if self._config.bot_token is None:
                raise ChannelUnavailable(NOT_INSTALLED)
            return self._config.bot_token
        token = await self._installations.bot_token(workspace)
        if token is None:
            raise ChannelUnavailable(NOT_INSTALLED)
        return token

    # ------------------------------------------------------------------ listeners

    async def _on_command(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """Acknowledge the slash command now; run it and answer through response_url."""
        await ack()
        self._later(self._run_command, body, respond, client)

    async def _on_reaction(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """A reaction added or removed: a vote for the core when it is one."""
        vote = vote_from_event(body, bot_user_id=context.bot_user_id, emoji=self._emoji)
        if vote is not None:
            key = f"{vote.channel.key}:{vote.message_id}:{vote.user_id}"
            self._later(self._record_vote, vote, key=key)

    async def _on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        """The app left a workspace: forget its installation, pause its subscriptions."""
        self._later(self._workspace_gone, context, UNINSTALLED, True)

    async def _on_tokens_revoked(self, event: Mapping[str, Any], context: AsyncBoltContext) -> None:
        """Tokens were revoked: forget them; a revoked bot token pauses the workspace."""
        tokens = event.get("tokens") or {}
        if self._installations is not None:
            self._later(self._forget_tokens, dict(event), context)
        if tokens.get("bot"):
            self._later(self._workspace_gone, context, TOKENS_REVOKED, False)

    async def _on_link_click(self, ack: AsyncAck) -> None:
        """A link button opens its URL in the browser; Slack still wants the click acked."""
        await ack()

    async def _on_command_button(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """A "More" or "Similar" button: acknowledge now; answer the person who clicked
        through response_url (the next page, or the papers like one)."""
        await ack()
        self._later(self._run_click, body, respond)

    # ------------------------------------------------------------------ the work

    async def _run_click(self, body: Mapping[str, Any], respond: AsyncRespond) -> None:
        await self._run(body, respond, self._click_command(body))

    async def _run_command(
        self, body: Mapping[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await self._run(body, respond, self._command(body, client))

    async def _run(
        self,
        body: Mapping[str, Any],
        respond: AsyncRespond,
        reading: Awaitable[Command | None],
    ) -> None:
        """Run the command a payload carries and answer it through response_url; one that
        cannot be read is one log line, one that fails an apology."""
        try:
            command = await reading
            if command is None:
                log.warning("slack_command_unreadable", fields=sorted(body)[:20])
                return
            reply = await self._require_core().handle_command(command)
        except Exception:
            log.exception("slack_command_failed", team=body.get("team_id"))
            reply = Reply(ReplyKind.ERROR, COMMAND_FAILED)
        await self._answer(respond, reply, team=body.get("team_id"))

    async def _answer(self, respond: AsyncRespond, reply: Reply, *, team: object) -> None:
        """Answer through response_url; when Slack refuses the answer over its blocks (a
        paper's thumbnail it could not download), answer once more without images."""
        shown = self._emoji.shown()
        message = render.reply_message(reply, shown)
        response = await self._respond(respond, message)
        if response is None or response.status_code == 200:
            return
        plain = render.reply_message(reply, shown, thumbnails=False)
        answer = str(response.body or "")
        if plain != message and image_refused(answer):
            log.warning(
                "slack_image_dropped",
                team=team,
                status=response.status_code,
                error=answer[:MAX_LOGGED_ANSWER],
            )
            response = await self._respond(respond, plain)
            if response is None or response.status_code == 200:
                return
        log.warning("slack_respond_failed", status=response.status_code)

    async def _respond(
        self, respond: AsyncRespond, message: render.Message
    ) -> WebhookResponse | None:
        """Post `message` to the command's response_url; None (logged) when that fails
        before Slack answers."""
        try:
            return await respond(**message)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            log.warning("slack_respond_failed", error=type(error).__name__)
            return None

    async def _click_command(self, body: Mapping[str, Any]) -> Command | None:
        """The command a button of ours carries (see `command_from_action`)."""
        return command_from_action(body)

    async def _command(self, body: Mapping[str, Any], client: AsyncWebClient) -> Command | None:
        can_manage = True
        text = body.get("text")
        changes = grammar.traits(text if isinstance(text, str) else "").changes
        if self._config.admins_only and changes:
            team, user = slack_id(body.get("team_id")), slack_id(body.get("user_id"))
            can_manage = bool(team and user) and await self._admins.is_admin(client, team, user)
        return command_from_body(body, can_manage=can_manage)

    async def _record_vote(self, vote: Vote) -> None:
        try:
            await self._require_core().record_vote(vote)
        except Exception:
            log.exception("slack_vote_failed", channel=vote.channel.key, event_id=vote.event_id)

    async def _workspace_gone(
        self, context: AsyncBoltContext, reason: str, uninstalled: bool
    ) -> None:
        team = slack_id(context.team_id)
        try:
            if uninstalled and self._installations is not None:
                revocations = AsyncTokenRevocationListeners(self._installations.store)
                await revocations.handle_app_uninstalled_events(context)
            if team is not None:
                await self._require_core().workspace_removed(PLATFORM, team, reason)
        except Exception:
            log.exception("slack_workspace_removal_failed", team=team)

    async def _forget_tokens(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if self._installations is None:
            return
        try:
            revocations = AsyncTokenRevocationListeners(self._installations.store)
            await revocations.handle_tokens_revoked_events(event, context)
        except Exception:
            log.exception("slack_token_removal_failed", team=context.team_id)

    def _require_core(self) -> Core:
        if self._core is None:
            raise RuntimeError("the Slack adapter has not been started")
        return self._core

    def _later(
        self, job: Callable[..., Awaitable[None]], *args: Any, key: str | None = None
    ) -> None:
        """Run `job(*args)` after acknowledging, beside the other work (see OrderedWork):
        jobs with the same `key` (one person's reactions on one message) run in order."""
        self._work.submit(functools.partial(job, *args), key=key)

    def _backlog(self) -> int:
        return self._work.backlog


def _bolt_request(raw: bytes, request: web.Request) -> AsyncBoltRequest | None:
    """bolt's request for a (verified) body; None when the body is not UTF-8, not JSON or a
    form, or not a JSON object.

    The body is parsed here rather than by bolt's `parse_body`, which reads any form that
    merely contains the text "payload" (e.g. `/papers search payload`) as empty; the raw
    body stays as it came, for bolt's own signature check.
    """
    try:
        text = raw.decode("utf-8")
        body = _parse_body(text, request.content_type)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON; JSON nested too deep
        return None
    if not isinstance(body, dict):
        return None
    bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=request.headers)  # type: ignore[arg-type]
    if bolt_request.body != body:
        bolt_request.body = body
        bolt_request.context = build_async_context(AsyncBoltContext(), body)
    return bolt_request


def _parse_body(text: str, content_type: str) -> object:
    """A JSON body, or a form whose `payload` field (interactivity) holds JSON, or a plain
    form (slash commands) as a dict of its fields."""
    if content_type == "application/json" or text.lstrip().startswith("{"):
        return json.loads(text)
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return json.loads(fields["payload"])
    return fields


def _reaction_key(body: Mapping[str, Any]) -> str | None:
    """Who reacted on which message, for a reaction event; None for anything else."""
    event = body.get("event")
    if not isinstance(event, dict) or not str(event.get("type", "")).startswith("reaction_"):
        return None
    item = event.get("item") if isinstance(event.get("item"), dict) else {}
    return f"{body.get('team_id')}:{item.get('channel')}:{item.get('ts')}:{event.get('user')}"
