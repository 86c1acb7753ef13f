"""The bot's storage: SQLAlchemy tables, the `Store` repository and Alembic migrations.

Open with `upgrade_database(url)` (sync; from async code via `asyncio.to_thread`) then
`await open_store(url)`; both take `sqlite+aiosqlite://` and `postgresql+asyncpg://` URLs.
"""

from bot.store.availability import StoreUnavailable
from bot.store.deliveries import Lease, SlotRecord, SlotStatus
from bot.store.housekeeping import Pruned
from bot.store.migrate import upgrade_database
from bot.store.recaps import RecapRecord, RecapStatus
from bot.store.repository import Store, open_store
from bot.store.votes import VoteResult

__all__ = [
    "Lease",
    "Pruned",
    "RecapRecord",
    "RecapStatus",
    "SlotRecord",
    "SlotStatus",
    "Store",
    "StoreUnavailable",
    "VoteResult",
    "open_store",
    "upgrade_database",
]
