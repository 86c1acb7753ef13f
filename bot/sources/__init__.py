"""The upstreams of papers: Hugging Face Daily Papers and arXiv, read into neutral Papers.

Each source takes the one shared client from `make_http_client`; every call retries as
its RetryPolicy says and fails with UpstreamError, or at once with UpstreamUnreachable when
no connection can be made (its Breaker then keeps the calls after it off the network).
Ids go through `bot.ids`; every other value a parser keeps goes through
`bot.sources.values`, so the store can hold it.
"""

from bot.sources.arxiv import ArxivSource
from bot.sources.breaker import Breaker
from bot.sources.hf import HuggingFaceSource, parse_daily_papers
from bot.sources.http import RetryPolicy, UpstreamError, UpstreamUnreachable, make_http_client

__all__ = [
    "ArxivSource",
    "Breaker",
    "HuggingFaceSource",
    "RetryPolicy",
    "UpstreamError",
    "UpstreamUnreachable",
    "make_http_client",
    "parse_daily_papers",
]
