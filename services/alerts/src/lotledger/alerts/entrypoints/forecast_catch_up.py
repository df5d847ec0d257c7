"""The forecasts the projector's pacing deferred (`service.forecast_pacing`), run in the
projector's process once their interval has passed, whether or not more events come.
Each round is one transaction holding the products' subject locks (docs/adr/0017), so it
serialises with the projector's batches and the sweep like any other evaluation."""

from __future__ import annotations

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.domain import lock_keys
from lotledger.alerts.domain.alert import NewId, fresh_id
from lotledger.alerts.domain.forecast import DEFAULT_FORECAST, ForecastSettings
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service import stock_events
from lotledger.alerts.service.forecast_pacing import ForecastPacing
from lotledger.shared.clock import Clock
from lotledger.shared.runner import sleep_or_stop

log = structlog.get_logger("lotledger.alerts.forecast_catch_up")


class ForecastCatchUp:
    def __init__(
        self,
        engine: AsyncEngine,
        pacing: ForecastPacing,
        clock: Clock,
        forecast: ForecastSettings = DEFAULT_FORECAST,
        new_id: NewId = fresh_id,
    ) -> None:
        self.engine = engine
        self.pacing = pacing
        self.clock = clock
        self.forecast = forecast
        self.new_id = new_id
        self.poll_s = min(max(pacing.interval_s / 5, 0.05), 1.0) if pacing.interval_s else 1.0
        """A fifth of the interval; with no interval nothing is ever deferred."""

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.once()
            await sleep_or_stop(stop, self.poll_s)

    async def once(self) -> int:
        """Forecast the products now due; returns how many. A failed round defers them
        again (the next round tries them first) and is raised."""
        due = self.pacing.take_due()
        if not due:
            return 0
        try:
            async with UnitOfWork(self.engine) as uow:
                await uow.stores.lock_subjects(lock_keys.product(gtin) for gtin in due)
                ctx = ev.Context(uow.stores, self.clock.now(), self.new_id, self.forecast)
                await stock_events.forecast_deferred(ctx, due)
                await uow.commit()
        except BaseException:
            self.pacing.defer(due)
            raise
        self.pacing.settled(due)
        log.debug("deferred_forecasts", products=len(due))
        return len(due)
