"""How often stock events run a product's forecast rules (expiry_risk, reorder_suggested).

A forecast walks every lot of its product (FEFO-sequenced risk) and reads the product's
history, so running it after every batch of stock events cost each touched product's
lots per batch: at 500 stock events/s, a third of the alerts projector's time. A forecast
moves with days of demand, not with one pick. So a product's forecast runs with the batch
that touches it when its last one is at least `interval_s` old; otherwise it is deferred
and runs once `interval_s` has passed since the last (`ForecastCatchUp`), under the cause
of the product's latest event by then. A lone event still has its forecast alerts settled
in its own batch; a busy product is forecast about once per interval.

The pacing lives in the projector's process. What a crash loses (the products deferred),
the clock sweep forecasts: it evaluates every stocked product's rules at every sweep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from lotledger.alerts.service.recording import Cause


class ForecastPacing:
    def __init__(self, interval_s: float, ticks: Callable[[], float] = time.monotonic) -> None:
        if interval_s < 0:
            raise ValueError("interval_s must not be negative")
        self.interval_s = interval_s
        self._ticks = ticks
        self._last: dict[str, float] = {}
        self._deferred: dict[str, Cause] = {}
        self._taken: dict[str, Cause] = {}

    def now_or_later(self, touched: Mapping[str, Cause]) -> set[str]:
        """The products of `touched` to forecast now, each noted as forecast at this
        tick; the others are deferred under the cause given (the latest wins)."""
        tick = self._ticks()
        now: set[str] = set()
        for gtin, cause in touched.items():
            if self._is_due(gtin, tick):
                now.add(gtin)
                self._last[gtin] = tick
                self._deferred.pop(gtin, None)
            else:
                self._deferred[gtin] = cause
        return now

    def take_due(self) -> dict[str, Cause]:
        """The deferred products whose interval has passed, taken out and noted as
        forecast at this tick; the caller then reports them `settled` or `defer`s them
        again."""
        tick = self._ticks()
        due = {g: c for g, c in self._deferred.items() if self._is_due(g, tick)}
        for gtin in due:
            del self._deferred[gtin]
            self._last[gtin] = tick
        self._taken |= due
        self._forget_quiet(tick)
        return due

    def settled(self, products: Mapping[str, Cause]) -> None:
        for gtin in products:
            self._taken.pop(gtin, None)

    def defer(self, products: Mapping[str, Cause]) -> None:
        """Put back products whose forecast was taken but not settled, due at once; a
        cause deferred meanwhile is newer and is kept."""
        for gtin, cause in products.items():
            self._taken.pop(gtin, None)
            self._deferred.setdefault(gtin, cause)
            self._last.pop(gtin, None)

    @property
    def pending(self) -> frozenset[str]:
        """Products whose forecast is deferred or being settled."""
        return frozenset(self._deferred) | frozenset(self._taken)

    def _is_due(self, gtin: str, tick: float) -> bool:
        last = self._last.get(gtin)
        return last is None or tick - last >= self.interval_s

    def _forget_quiet(self, tick: float) -> None:
        """A product forecast more than an interval ago is due whatever is remembered."""
        quiet = [g for g, last in self._last.items() if tick - last >= self.interval_s]
        for gtin in quiet:
            if gtin not in self._deferred:
                del self._last[gtin]
