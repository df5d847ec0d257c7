"""What the workers share: a dedicated database session holding a single-active worker's
advisory lock for as long as it lives, a supervisor that restarts a failed worker, and
waits that end early when the worker is told to stop or woken by a NOTIFY."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from lotledger.alerts.adapters.locks import Purpose, try_for_session
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.db import Driver, driver_connect
from lotledger.shared.runner import sleep_or_stop

log = structlog.get_logger("lotledger.alerts.workers")


async def hold_lock(
    settings: AlertsSettings, purpose: Purpose, stop: asyncio.Event, poll_s: float = 1.0
) -> Driver | None:
    """A session holding `purpose`'s lock, or None if `stop` was set while standing by
    (the session is then closed). The caller closes the session to release the lock."""
    conn = await driver_connect(
        settings.alerts_database_url, settings.alerts_db_schema, f"lotledger-alerts-{purpose}"
    )
    log.info("waiting_for_lock", purpose=purpose.value)
    while not await try_for_session(conn, purpose):
        await sleep_or_stop(stop, poll_s)
        if stop.is_set():
            await conn.close()
            return None
    log.info("active", purpose=purpose.value)
    return conn


async def supervise(
    name: str, run: Callable[[asyncio.Event], Awaitable[None]], stop: asyncio.Event
) -> None:
    """Run a worker until `stop`, starting it again (after a pause) whenever it fails, e.g.
    while the database or Kafka is unreachable."""
    while not stop.is_set():
        try:
            await run(stop)
        except Exception as exc:
            log.warning("worker_failed", worker=name, error=str(exc))
            await sleep_or_stop(stop, 2.0)
