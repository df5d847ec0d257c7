"""`lotledger-alerts sweep`: the clock sweep as a single active worker.

Every interval (`LOTLEDGER_ALERTS_SWEEP_INTERVAL_S`, else the rules' sweep interval, read
afresh each round) it runs `sweep_once` at the clock's instant. A second instance stands
by on the advisory lock. Tests call `sweep_once(now)` directly and never sleep.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import structlog
from prometheus_client import Histogram
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts.adapters.locks import Purpose
from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.domain.alert import NewId, fresh_id
from lotledger.alerts.entrypoints.workers import hold_lock
from lotledger.alerts.service import sweep
from lotledger.alerts.settings import AlertsSettings
from lotledger.shared.clock import Clock
from lotledger.shared.runner import sleep_or_stop

log = structlog.get_logger("lotledger.alerts.sweep")
SWEEP_SECONDS = Histogram("lotledger_alerts_sweep_seconds", "Duration of one clock sweep")


class Sweeper:
    def __init__(
        self, settings: AlertsSettings, engine: AsyncEngine, clock: Clock, new_id: NewId = fresh_id
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.new_id = new_id

    async def sweep_once(self, now: datetime | None = None) -> sweep.SweepReport:
        with SWEEP_SECONDS.time():
            return await sweep.sweep_once(
                lambda: UnitOfWork(self.engine),
                now or self.clock.now(),
                self.settings.alerts_sweep_chunk,
                self.new_id,
                self.settings.forecast_settings(),
            )

    async def interval_s(self) -> float:
        if self.settings.alerts_sweep_interval_s is not None:
            return self.settings.alerts_sweep_interval_s
        async with UnitOfWork(self.engine) as uow:
            return float((await uow.stores.rules.get()).config.sweep_interval_seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep while holding the lock; a lost lock session is taken again."""
        while not stop.is_set():
            conn = await hold_lock(self.settings, Purpose.SWEEP, stop)
            if conn is None:
                return
            try:
                while not stop.is_set() and not conn.is_closed():
                    await sleep_or_stop(stop, await self._round())
            finally:
                await conn.close()

    async def _round(self) -> float:
        """One sweep; returns the seconds to wait before the next."""
        try:
            report = await self.sweep_once()
            log.info("swept", groups=report.groups, changes=report.changes)
            return await self.interval_s()
        except Exception as exc:
            log.warning("sweep_failed", error=str(exc))
            return self.settings.alerts_sweep_interval_s or 5.0
