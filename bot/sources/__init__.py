"""The upstreams of papers: Hugging Face Daily Papers and arXiv, read into neutral Papers.

Each source takes the one shared client from `make_http_client`; every call retries as
its RetryPolicy says and fails with UpstreamError. Ids go through `bot.ids`; every other
value a parser keeps goes through `bot.sources.values`, so the store can hold it.
"""

from bot.sources.arxiv import ArxivSource
from bot.sources.hf import HuggingFaceSource, parse_daily_papers
from bot.sources.http import RetryPolicy, UpstreamError, make_http_client

__all__ = [
    "ArxivSource",
    "HuggingFaceSource",
    "RetryPolicy",
    "UpstreamError",
    "make_http_client",
    "parse_daily_papers",
]
