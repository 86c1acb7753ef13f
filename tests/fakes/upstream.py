"""A fake of the Hugging Face papers API and the arXiv query API, on 127.0.0.1.

It is a real aiohttp server on an ephemeral port, so the sources' real httpx client code
runs against it. Tests set what it serves (the recorded answers from tests/fixtures/ or
hand-made entries) and queue hostile answers - 429 with `Retry-After` or `RateLimit`, 5xx,
slow answers, truncated or arbitrary bodies - that replace the normal answer of the next
matching requests. Every request is recorded with its arrival time.

    async with FakeUpstream() as upstream:
        upstream.daily["2026-06-12"] = load_hf_fixture(HF_DAILY_JUNE)
        upstream.add_fault(rate_limited(retry_after="1"))
        source = HuggingFaceSource(client, upstream.url)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from tests.fakes import LocalServer, fixture_path

HF_DAILY_JUNE = "hf_daily_papers_limit30_2026-06-13.json"
HF_DAILY_AUGUST = "hf_daily_papers_limit30_2026-08-02.json"
ARXIV_CATEGORIES_FEED = "arxiv_api_query_cats_2026-08-02.xml"
ARXIV_TRANSFORMER_FEED = "arxiv_api_query_transformer_2026-06-13.xml"

_ENTRY = re.compile(r"<entry>.*?</entry>", re.DOTALL)
_ENTRY_ID = re.compile(r"<id>\s*https?://arxiv\.org/abs/([^<\s]+?)(?:v\d+)?\s*</id>")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FEED_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
    "  <id>https://arxiv.org/api/fake</id>\n"
    "  <title>arXiv Query: fake</title>\n"
    "  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
    "  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
    "  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>\n"
)


def load_hf_fixture(name: str) -> list[dict[str, Any]]:
    """A recorded Hugging Face answer from tests/fixtures/, decoded."""
    return json.loads(fixture_path(name).read_text(encoding="utf-8"))


def load_arxiv_entries(name: str) -> list[str]:
    """The `<entry>` elements of a recorded arXiv feed, as XML text, in feed order."""
    return _ENTRY.findall(fixture_path(name).read_text(encoding="utf-8"))


def atom_entry(
    arxiv_id: str,
    title: str,
    published: str,
    *,
    summary: str = "An abstract.",
    authors: tuple[str, ...] = ("Ada Lovelace",),
    categories: tuple[str, ...] = ("cs.LG",),
) -> str:
    """A hand-made arXiv `<entry>` shaped like the recorded ones (version 1)."""
    author_xml = "".join(f"<author><name>{escape(name)}</name></author>" for name in authors)
    category_xml = "".join(
        f'<category term="{term}" scheme="http://arxiv.org/schemas/atom"/>' for term in categories
    )
    primary = f'<arxiv:primary_category term="{categories[0]}"/>' if categories else ""
    return (
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id><title>{escape(title)}</title>"
        f"<updated>{published}</updated><summary>{escape(summary)}</summary>"
        f"{category_xml}<published>{published}</published>{primary}{author_xml}</entry>"
    )


def atom_feed(entries: list[str], *, start: int = 0, total: int | None = None) -> bytes:
    """A feed around `entries`, shaped like the API's answers."""
    head = _FEED_HEAD.format(
        total=len(entries) if total is None else total, start=start, count=len(entries)
    )
    return (head + "\n".join(entries) + "\n</feed>\n").encode()


@dataclass(frozen=True)
class Fault:
    """A hostile answer served instead of the normal one.

    `status`, `headers` and `body` replace the answer (`body=None` keeps the normal body);
    `delay` waits first; `truncate` cuts the body in half. Only requests whose path starts
    with `path_prefix` and whose query holds every item of `query` take it.
    """

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    truncate: bool = False
    path_prefix: str = "/"
    query: dict[str, str] = field(default_factory=dict)

    def matches(self, request: web.Request) -> bool:
        """Whether this fault is for `request`."""
        return request.path.startswith(self.path_prefix) and all(
            request.query.get(key) == value for key, value in self.query.items()
        )


def rate_limited(
    *,
    retry_after: str | None = None,
    ratelimit: str | None = None,
    path_prefix: str = "/",
    query: dict[str, str] | None = None,
) -> Fault:
    """A 429 with `Retry-After` and/or Hugging Face's `RateLimit` header."""
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    if ratelimit is not None:
        headers["RateLimit"] = ratelimit
        headers["RateLimit-Policy"] = '"fixed window";"api";q=500;w=300'
    return Fault(
        status=429,
        headers=headers,
        body=b'{"error":"rate limited"}',
        path_prefix=path_prefix,
        query=query or {},
    )


def server_error(
    status: int = 500, *, path_prefix: str = "/", query: dict[str, str] | None = None
) -> Fault:
    """A 5xx answer."""
    return Fault(status=status, body=b"Internal Error", path_prefix=path_prefix, query=query or {})


def slow(seconds: float, *, path_prefix: str = "/", query: dict[str, str] | None = None) -> Fault:
    """The normal answer, after `seconds` (longer than the client's timeout, typically)."""
    return Fault(delay=seconds, path_prefix=path_prefix, query=query or {})


def truncated(*, path_prefix: str = "/", query: dict[str, str] | None = None) -> Fault:
    """The normal answer cut in half, with a matching Content-Length (invalid JSON / XML)."""
    return Fault(truncate=True, path_prefix=path_prefix, query=query or {})


def raw_body(body: bytes, *, path_prefix: str = "/", query: dict[str, str] | None = None) -> Fault:
    """A 200 whose body is exactly `body`."""
    return Fault(status=200, body=body, path_prefix=path_prefix, query=query or {})


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the fake saw it; `at` is time.monotonic() on arrival."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


class BlackHole(LocalServer):
    """A server on 127.0.0.1 that accepts every connection and never answers: an upstream
    that hangs. `connections` counts the connections it accepted."""

    def __init__(self) -> None:
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._url = ""

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:PORT (set once started)."""
        return self._url

    async def start(self) -> None:
        """Listen on a free port."""
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self._url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Drop the connections held and stop listening."""
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _hold(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)


class FullBacklog(LocalServer):
    """A port on 127.0.0.1 that listens and never accepts, its queue of connections already
    full, so a new connection is never made: a connect timeout, as behind a dropping
    firewall."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._waiting: list[socket.socket] = []
        self._url = ""

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:PORT (set once started)."""
        return self._url

    async def start(self) -> None:
        """Listen with a queue of one and fill it."""
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        address = self._listener.getsockname()
        for _ in range(3):
            waiting = socket.socket()
            waiting.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                waiting.connect(address)
            self._waiting.append(waiting)
        self._url = f"http://127.0.0.1:{address[1]}"

    async def close(self) -> None:
        """Let go of the sockets."""
        for held in (*self._waiting, self._listener):
            held.close()


class FakeUpstream(LocalServer):
    """The fake HF + arXiv server; set the data attributes, queue faults, read `requests`.

    - `daily[date]`: entries of `/api/daily_papers?date=` (`daily[""]` when no date)
    - `trending`: entries of `/api/daily_papers?sort=trending`
    - `search_results`: entries of `/api/papers/search`
    - `papers[id]`: the body of `/api/papers/{id}` (404 when absent)
    - `arxiv_entries`: `<entry>` texts of `/api/query`, newest first, paged by `start`
      and `max_results`; `id_list=` picks entries by id

    `port` picks the port (0: any free one), e.g. one a test found refusing connections.
    """

    def __init__(self, *, port: int = 0) -> None:
        self._port = port
        self.daily: dict[str, list[Any]] = {}
        self.trending: list[Any] = []
        self.search_results: list[Any] = []
        self.papers: dict[str, Any] = {}
        self.arxiv_entries: list[str] = []
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:PORT (set once started)."""
        if not self._url:
            raise RuntimeError("the fake upstream is not started")
        return self._url

    def add_fault(self, fault: Fault, *, times: int = 1) -> None:
        """Serve `fault` to the next `times` matching requests, after those already queued."""
        self._faults.extend([fault] * times)

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        """The recorded requests whose path starts with `path_prefix`, in order."""
        return [request for request in self.requests if request.path.startswith(path_prefix)]

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_get("/api/daily_papers", self._daily_papers)
        app.router.add_get("/api/papers/search", self._search)
        app.router.add_get("/api/papers/{paper_id:.+}", self._paper)
        app.router.add_get("/api/query", self._arxiv_query)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Stop serving; slow answers still waiting end at once."""
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request, normal: web.Response) -> web.Response:
        """Record the request, then answer normally or with the first matching fault."""
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                at=time.monotonic(),
            )
        )
        fault = next((f for f in self._faults if f.matches(request)), None)
        if fault is None:
            return normal
        self._faults.remove(fault)
        if fault.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=fault.delay)
        body = normal.body if fault.body is None else fault.body
        assert isinstance(body, bytes)
        if fault.truncate:
            body = body[: len(body) // 2]
        return web.Response(
            status=fault.status or normal.status,
            body=body,
            headers=fault.headers,
            content_type=normal.content_type,
        )

    async def _daily_papers(self, request: web.Request) -> web.Response:
        day = request.query.get("date", "")
        if day and not _DATE.fullmatch(day):
            return await self._answer(request, web.json_response({"error": "bad date"}, status=400))
        if request.query.get("sort") == "trending":
            entries = self.trending
        else:
            entries = self.daily.get(day, [])
        limit = int(request.query.get("limit", "50"))
        page = int(request.query.get("p", "0"))
        return await self._answer(
            request, web.json_response(entries[page * limit : (page + 1) * limit])
        )

    async def _search(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", "50"))
        return await self._answer(request, web.json_response(self.search_results[:limit]))

    async def _paper(self, request: web.Request) -> web.Response:
        paper = self.papers.get(request.match_info["paper_id"])
        if paper is None:
            return await self._answer(
                request, web.json_response({"error": "Paper not found"}, status=404)
            )
        return await self._answer(request, web.json_response(paper))

    async def _arxiv_query(self, request: web.Request) -> web.Response:
        start = int(request.query.get("start", "0"))
        count = int(request.query.get("max_results", "10"))
        entries = self.arxiv_entries
        wanted = [i for i in request.query.get("id_list", "").split(",") if i]
        if wanted:
            entries = [entry for entry in entries if _entry_id(entry) in wanted]
        page = entries[start : start + count]
        body = atom_feed(page, start=start, total=len(entries))
        return await self._answer(
            request, web.Response(body=body, content_type="application/atom+xml")
        )


def _entry_id(entry: str) -> str | None:
    """The versionless id of an `<entry>` text."""
    found = _ENTRY_ID.search(entry)
    return found.group(1) if found else None
