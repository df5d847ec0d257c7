"""A seeded simulation of warehouse days: receipts from suppliers, moves between bins,
FEFO picks to pharmacies, cycle counts (sometimes with a variance), returns landing in
quarantine and released later, and disposal of what expired.

Each `Step` is one operation as a scanner or QA would post it to `/v1/operations` (an
`op` member plus its body) together with the stock events it produces, computed from the
simulated state with the service's rules (FEFO skips non-available, expired and
too-short-dated lots). The same seed and parameters always give the same steps.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from lotledger_bench.generator.catalog import CATALOG, Catalog, Product
from lotledger_bench.generator.stock import Action, Step, Stock

from lotledger.shared.contracts import stock as ev
from lotledger.shared.contracts.stock import BatchStatus


@dataclass
class History:
    """Plays `days` days from `start`; `scale` multiplies the order and receipt volume."""

    seed: int
    start: date = date(2026, 11, 24)
    scale: float = 1.0
    min_remaining_days: int = 30
    catalog: Catalog = CATALOG
    stock: Stock = field(default_factory=Stock)
    _rng: random.Random = field(init=False, repr=False)
    _ops: int = field(default=0, init=False)
    _played: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def days(self, count: int) -> Iterator[Step]:
        """The next `count` days, continuing from the last day played."""
        for _ in range(count):
            self._played += 1
            yield from self.day(self.start + timedelta(days=self._played - 1))

    def day(self, today: date) -> Iterator[Step]:
        """One day's steps, in time order between 06:00 and 22:00 UTC."""
        plan = self._plan(today)
        ticks = sorted(self._rng.uniform(6 * 3600, 22 * 3600) for _ in plan)
        midnight = datetime.combine(today, time(), UTC)
        for offset, action in zip(ticks, plan, strict=True):
            step = action(midnight + timedelta(seconds=offset))
            if step is not None:
                yield step

    def _plan(self, today: date) -> list[Action]:
        rng = self._rng
        plan: list[Action] = []
        for product in self.catalog.products:
            if rng.random() < min(1.0, 0.35 * self.scale):
                plan.append(partial(self.receive, product))
        plan += [self.pick_order] * int(rng.randint(30, 60) * self.scale)
        plan += [self.move] * int(rng.randint(3, 8) * self.scale)
        plan += [self.count] * int(rng.randint(4, 10) * self.scale)
        if rng.random() < 0.5:
            plan.append(self.accept_return)
        plan += [self.release_returned, self.dispose_expired]
        rng.shuffle(plan)
        return plan

    def _op(
        self,
        kind: str,
        role: str,
        at: datetime,
        body: dict[str, Any],
        events: list[tuple[str, ev.StockEvent]],
    ) -> Step:
        self._ops += 1
        op = {"op": kind, "client_op_id": f"gen-{self.seed}-{self._ops}", **body}
        return Step(at, role, op, tuple(events))

    def receive(self, product: Product, at: datetime) -> Step | None:
        rng = self._rng
        location = rng.choice(self.catalog.storage(product.storage_class))
        lot = f"{product.gtin[-4:]}{at:%y%j}{rng.randint(0, 99):02d}"
        expiry = at.date() + timedelta(days=rng.randint(150, 1000))
        qty = max(10, int(product.daily_demand * rng.uniform(6, 20)))
        state = self.stock.lot(product, lot, expiry)
        expiry = state.expiry
        supplier = rng.choice(self.catalog.suppliers)
        reference = f"ASN-{at:%y%m%d}-{rng.randint(1000, 9999)}"
        state.on_hand[location.location_id] = state.on_hand.get(location.location_id, 0) + qty
        event = ev.Received(
            gtin=product.gtin,
            lot=lot,
            at=at,
            location=location.location_id,
            qty=qty,
            expiry=expiry,
            manufactured=expiry - timedelta(days=730),
            supplier=supplier,
            reference=reference,
            status=state.status,
        )
        body = {
            "gtin": product.gtin,
            "lot": lot,
            "expiry": expiry.isoformat(),
            "qty": qty,
            "location": location.location_id,
            "supplier": supplier,
            "reference": reference,
            "manufactured": (expiry - timedelta(days=730)).isoformat(),
        }
        return self._op("receipt", "scanner", at, body, [(state.batch_id, event)])

    def pick_order(self, at: datetime) -> Step | None:
        rng = self._rng
        product = rng.choices(
            self.catalog.products, weights=[p.daily_demand for p in self.catalog.products]
        )[0]
        wanted = max(1, int(product.daily_demand / 8 * rng.uniform(0.3, 2.0)))
        ship_to, order_ref = rng.choice(self.catalog.pharmacies), f"SO-{rng.randint(1, 10**7)}"
        events: list[tuple[str, ev.StockEvent]] = []
        left = wanted
        for state, location, qty in self.stock.fefo(
            product, at.date() + timedelta(days=self.min_remaining_days)
        ):
            take = min(left, qty)
            state.on_hand[location] = qty - take
            events.append(
                (
                    state.batch_id,
                    ev.Picked(
                        gtin=product.gtin,
                        lot=state.lot,
                        at=at,
                        location=location,
                        qty=take,
                        order_ref=order_ref,
                        ship_to=ship_to,
                    ),
                )
            )
            left -= take
            if left == 0:
                break
        if not events:
            return None
        body = {
            "gtin": product.gtin,
            "qty": wanted - left,
            "warehouse": "WH1",
            "order_ref": order_ref,
            "ship_to": ship_to,
            "min_remaining_days": self.min_remaining_days,
        }
        return self._op("pick", "scanner", at, body, events)

    def move(self, at: datetime) -> Step | None:
        stocked = [line for line in self.stock.stocked() if "-A/" in line[1]]
        if not stocked:
            return None
        state, source, qty = self._rng.choice(stocked)
        targets = [
            loc.location_id
            for loc in self.catalog.storage(state.product.storage_class)
            if loc.location_id != source
        ]
        if not targets:
            return None
        target, moved = self._rng.choice(targets), max(1, qty // 2)
        state.on_hand[source] = qty - moved
        state.on_hand[target] = state.on_hand.get(target, 0) + moved
        event = ev.Moved(
            gtin=state.product.gtin,
            lot=state.lot,
            at=at,
            qty=moved,
            from_location=source,
            to_location=target,
        )
        body = {
            "gtin": state.product.gtin,
            "lot": state.lot,
            "qty": moved,
            "from_location": source,
            "to_location": target,
        }
        return self._op("move", "scanner", at, body, [(state.batch_id, event)])

    def count(self, at: datetime) -> Step | None:
        stocked = self.stock.stocked()
        if not stocked:
            return None
        state, location, qty = self._rng.choice(stocked)
        counted = qty - 1 if self._rng.random() < 0.1 else qty
        state.on_hand[location] = counted
        event = ev.Counted(
            gtin=state.product.gtin,
            lot=state.lot,
            at=at,
            location=location,
            counted_qty=counted,
            expected_qty=qty,
            variance=counted - qty,
        )
        body = {
            "gtin": state.product.gtin,
            "lot": state.lot,
            "location": location,
            "counted_qty": counted,
        }
        return self._op("count", "scanner", at, body, [(state.batch_id, event)])

    def accept_return(self, at: datetime) -> Step | None:
        candidates = [s for s in self.stock.lots.values() if s.status is BatchStatus.AVAILABLE]
        if not candidates:
            return None
        state = self._rng.choice(candidates)
        location = self.catalog.quarantine(state.product.storage_class).location_id
        qty, party = self._rng.randint(1, 5), self._rng.choice(self.catalog.pharmacies)
        state.status = BatchStatus.QUARANTINED
        state.on_hand[location] = state.on_hand.get(location, 0) + qty
        event = ev.Returned(
            gtin=state.product.gtin,
            lot=state.lot,
            at=at,
            location=location,
            qty=qty,
            from_party=party,
            reason="customer_return",
            status=BatchStatus.QUARANTINED,
        )
        body = {
            "gtin": state.product.gtin,
            "lot": state.lot,
            "qty": qty,
            "location": location,
            "from_party": party,
            "reason": "customer_return",
        }
        return self._op("return", "scanner", at, body, [(state.batch_id, event)])

    def release_returned(self, at: datetime) -> Step | None:
        held = [s for s in self.stock.lots.values() if s.status is BatchStatus.QUARANTINED]
        if not held:
            return None
        state = held[0]
        state.status = BatchStatus.AVAILABLE
        event = ev.Released(
            gtin=state.product.gtin,
            lot=state.lot,
            at=at,
            reason="return_inspected",
            by="qa-generator",
        )
        body = {"gtin": state.product.gtin, "lot": state.lot, "reason": "return_inspected"}
        return self._op("release", "qa", at, body, [(state.batch_id, event)])

    def dispose_expired(self, at: datetime) -> Step | None:
        for state, location, qty in self.stock.stocked():
            if state.expiry <= at.date():
                state.on_hand[location] = 0
                event = ev.Disposed(
                    gtin=state.product.gtin,
                    lot=state.lot,
                    at=at,
                    location=location,
                    qty=qty,
                    reason="expired",
                )
                body = {
                    "gtin": state.product.gtin,
                    "lot": state.lot,
                    "qty": qty,
                    "location": location,
                    "reason": "expired",
                }
                return self._op("disposal", "scanner", at, body, [(state.batch_id, event)])
        return None
