"""`make demo`: one warehouse day played against the running services, then what the
people who depend on lotledger would look at.

The day is seeded (same seed, same choices): the catalog of the bench generator (20
products, cold/cool/ambient locations in two warehouses) with a registered sensor in
every location reporting within its range, receipts from suppliers scanned as GS1
barcodes and inspected by QA before they sell (demo/stock_semantics.py), a FEFO pick
wave to pharmacies, moves, a cycle count with a variance, a customer return held apart
while the lot still ships, an offline scanner's sync with one conflict, a pick that
deviates from FEFO, a serialised pallet received by its SSCC and a return verified pack
by pack (demo/serials.py), a cold-room excursion played in real time by its sensor, a data
logger uploading two hours late the buffer it could not send (an excursion it saw, found
late, and its own silence since), damaged units disposed, and a recall. Lot numbers carry
the minute the day started, so the demo can be played again on the same system.

    PYTHONPATH=bench uv run python -m demo.warehouse_day [--seed 7] [--excursion-s 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lotledger_bench.generator.catalog import CATALOG, Product

from demo import climate, serials, stock_semantics
from demo.api import SERVICES, Api, DemoError, Report, tokens_for
from demo.day import (
    COLD_ROOM,
    OVERSTOCKED,
    RUNNING_LOW,
    SCARCE,
    SHORT_DATED,
    Day,
    Lot,
)
from demo.findings import findings, render
from demo.forecast import forecast, render_forecast
from lotledger.shared.settings import CommonSettings

GS = "\x1d"


@dataclass
class WarehouseDay:
    api: Api
    report: Report
    seed: int = 7
    excursion_s: float = 20.0
    reading_interval_s: float = 2.0
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    tag: str = field(default_factory=lambda: f"{datetime.now(UTC):%y%m%d%H%M%S}")
    rng: random.Random = field(init=False)
    day: Day = field(default_factory=Day)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    async def play(self) -> Day:
        await self.seed_catalog()
        await climate.readings(self.api, [loc.location_id for loc in CATALOG.locations])
        await stock_semantics.inspection_on(self)
        await self.receive()
        await stock_semantics.inspect(self)
        await self.move()
        await self.pick_wave()
        await self.deviate_from_fefo()
        await self.run_low()
        await self.count()
        await stock_semantics.return_held_apart(self)
        await stock_semantics.offline_sync(self)
        await serials.serialised_pallet(self)
        await climate.open_door(
            self.api, self.report, self.day, self.excursion_s, self.reading_interval_s
        )
        await climate.late_logger(self.api, self.report, self.day)
        await self.dispose_and_recall()
        return self.day

    async def seed_catalog(self) -> None:
        for product in CATALOG.products:
            body = product.body()
            if product.gtin == OVERSTOCKED.gtin:
                body["max_stock"] = 150
            await self.api.ok(
                "PUT", "inventory", f"/v1/products/{product.gtin}", "admin", json=body
            )
        for location in CATALOG.locations:
            path = f"/v1/locations/{location.location_id}"
            await self.api.ok("PUT", "inventory", path, "admin", json=location.body())
        sensors = await climate.register_sensors(self.api, self.today)
        self.report(
            f"catalog: {len(CATALOG.products)} products, {len(CATALOG.locations)} "
            f"locations in {len({loc.warehouse for loc in CATALOG.locations})} warehouses, "
            f"{sensors} sensors registered (one a data logger)"
        )

    def _barcode(self, product: Product, lot: str, expiry: date) -> str:
        if self.rng.random() < 0.5:
            return f"(01){product.gtin}(17){expiry:%y%m%d}(10){lot}"
        return f"]d201{product.gtin}17{expiry:%y%m%d}10{lot}{GS}21{self.rng.randint(10**6, 10**7)}"

    async def receive(self) -> None:
        rng, received = self.rng, 0
        for index, product in enumerate(CATALOG.products):
            shelves = CATALOG.storage(product.storage_class)
            for n in range(1 if product is SCARCE else 2):
                lot = f"L{self.tag}{index:02d}{n}"
                if n == 0 and index in SHORT_DATED:
                    expiry = self.today + timedelta(days=rng.randint(*SHORT_DATED[index]))
                else:
                    expiry = self.today + timedelta(days=rng.randint(300 + 300 * n, 500 + 400 * n))
                qty = max(12, int(product.daily_demand * rng.uniform(4, 9)))
                if product is SCARCE:
                    qty = product.reorder_point + 6
                if product is OVERSTOCKED:
                    qty = 90
                location = (
                    COLD_ROOM
                    if product.storage_class == "cold"
                    else rng.choice(shelves).location_id
                )
                body = {
                    "barcode": self._barcode(product, lot, expiry),
                    "qty": qty,
                    "location": location,
                    "supplier": rng.choice(CATALOG.suppliers),
                    "reference": f"ASN-{self.tag}-{index:02d}{n}",
                    "unit_cost": f"{1 + index * 0.75:.2f}",
                    "currency": "EUR",
                }
                await self.api.ok("POST", "inventory", "/v1/receipts", "scanner", json=body)
                short = n == 0 and index in SHORT_DATED
                self.day.lots.append(Lot(product, lot, expiry, location, n, short))
                self.day.add(self.day.lots[-1])
                received += qty
        self.report(
            f"receipts: {len(self.day.lots)} lots, {received} units from "
            f"{len(CATALOG.suppliers)} suppliers, scanned as GS1 barcodes "
            f"(short-dated lots among them)"
        )

    async def move(self) -> None:
        moved = 0
        for lot in self.day.lots:
            if lot.location == COLD_ROOM and lot.sequence == 1 and moved < 3:
                stock = await self.batch(lot)
                qty = stock["on_hand"].get(lot.location, 0) // 3
                body = {
                    "gtin": lot.product.gtin,
                    "lot": lot.lot,
                    "qty": qty,
                    "from_location": lot.location,
                    "to_location": "WH1/COLD-A/02",
                }
                await self.api.ok("POST", "inventory", "/v1/moves", "scanner", json=body)
                moved += 1
        self.report(f"moves: {moved} putaways from the cold room to WH1/COLD-A/02")

    async def pick_wave(self, orders: int = 90) -> None:
        rng, products = self.rng, CATALOG.products
        short = picked = 0
        plan = rng.choices(products, weights=[p.daily_demand for p in products], k=orders)
        plan += [SCARCE] * 2
        for number, product in enumerate(plan, 1):
            qty = (
                8
                if product is SCARCE
                else max(1, int(product.daily_demand / 6 * rng.uniform(0.4, 1.6)))
            )
            ship_to = rng.choice(CATALOG.pharmacies)
            body = {
                "gtin": product.gtin,
                "qty": qty,
                "warehouse": "WH1",
                "order_ref": f"SO-{self.tag}-{number:03d}",
                "ship_to": ship_to,
            }
            response = await self.api.call("POST", "inventory", "/v1/picks", "scanner", json=body)
            if response.status_code == 409:
                short += 1
                continue
            if response.status_code != 201:
                raise DemoError(f"pick: {response.status_code} {response.text}")
            for allocation in response.json()["allocations"]:
                lot = Lot(product, allocation["lot"], None, allocation["location"], -1)
                self.day.add(lot)
                key = lot.key
                self.day.shipped[key][ship_to] += allocation["qty"]
            picked += 1
            if number % 30 == 0:
                self.report(f"  pick wave: {number}/{len(plan)} orders")
        self.report(
            f"pick wave: {picked} orders picked first-expiry-first-out to "
            f"{len({p for c in self.day.shipped.values() for p in c})} pharmacies, "
            f"{short} refused for lack of stock"
        )

    async def deviate_from_fefo(self) -> None:
        later = next(
            lot
            for lot in self.day.lots
            if lot.sequence == 1
            and lot.product.storage_class == "ambient"
            and CATALOG.products.index(lot.product) not in SHORT_DATED
        )
        body = {
            "gtin": later.product.gtin,
            "lot": later.lot,
            "location": later.location,
            "qty": 5,
            "order_ref": f"SO-{self.tag}-DEV",
            "ship_to": CATALOG.pharmacies[0],
        }
        result = await self.api.ok("POST", "inventory", "/v1/picks", "scanner", json=body)
        self.day.shipped[later.key][CATALOG.pharmacies[0]] += 5
        self.day.deviation = later
        flagged = any(a["fefo_deviation"] for a in result["allocations"])
        self.report(f"FEFO deviation: lot {later.lot} picked ahead of an earlier one ({flagged=})")

    async def run_low(self) -> None:
        product, keep = RUNNING_LOW, RUNNING_LOW.reorder_point // 2
        params = {"gtin": product.gtin, "warehouse": "WH1"}
        stock = await self.api.ok("GET", "inventory", "/v1/stock", "scanner", params=params)
        available = sum(line["qty"] for line in stock["lines"] if line["status"] == "available")
        body = {
            "gtin": product.gtin,
            "qty": available - keep,
            "warehouse": "WH1",
            "order_ref": f"SO-{self.tag}-LOW",
            "ship_to": CATALOG.pharmacies[1],
        }
        result = await self.api.ok("POST", "inventory", "/v1/picks", "scanner", json=body)
        for allocation in result["allocations"]:
            lot = Lot(product, allocation["lot"], None, allocation["location"], -1)
            self.day.add(lot)
            self.day.shipped[lot.key][CATALOG.pharmacies[1]] += allocation["qty"]
        self.report(f"{product.name}: picked down to {keep}, half its reorder point")

    async def count(self) -> None:
        variances = 0
        for index, lot in enumerate(self.day.lots[::4]):
            batch = await self.batch(lot)
            held = sum(batch["held"].get(lot.location, {}).values())
            on_hand = batch["on_hand"].get(lot.location, 0) - held
            counted = max(0, on_hand - 2) if index == 3 else on_hand
            body = {
                "gtin": lot.product.gtin,
                "lot": lot.lot,
                "location": lot.location,
                "counted_qty": counted,
            }
            await self.api.ok("POST", "inventory", "/v1/counts", "scanner", json=body)
            self.day.counts["variance" if counted != on_hand else "match"] += 1
            variances += counted != on_hand
        self.report(
            f"cycle count: {sum(self.day.counts.values())} bins, {variances} with a variance"
        )

    async def dispose_and_recall(self) -> None:
        candidates = []
        for key, consignees in self.day.shipped.items():
            lot = self.day.lot(key)
            if lot.product.storage_class == "cold":
                on_hand = (await self.batch(lot))["on_hand"]
                if on_hand:
                    candidates.append((len(consignees), key, on_hand))
        _, key, on_hand = max(candidates)
        lot = self.day.lot(key)
        where = max(on_hand, key=lambda loc: on_hand[loc])
        body = {
            "gtin": lot.product.gtin,
            "lot": lot.lot,
            "qty": 1,
            "location": where,
            "reason": "damaged",
            "witness": "emp-1042",
        }
        await self.api.ok("POST", "inventory", "/v1/disposals", "scanner", json=body)
        recall = {"recall_id": f"RC-{self.tag}", "class": "II", "reason": "temperature_excursion"}
        path = f"/v1/batches/{lot.path}/recall"
        await self.api.ok("POST", "inventory", path, "qa", json=recall)
        self.day.recalled = lot
        self.report(
            f"recall: QA recalls lot {lot.lot} ({lot.product.name}), shipped to "
            f"{len(self.day.shipped[key])} pharmacies"
        )

    async def batch(self, lot: Lot) -> dict[str, Any]:
        path = f"/v1/batches/{lot.path}"
        return dict(await self.api.ok("GET", "inventory", path, "scanner"))


async def main_async(args: argparse.Namespace) -> int:
    secret = CommonSettings().auth_secret.get_secret_value()
    api = Api(SERVICES, tokens_for(secret))
    try:
        for name, client in api.clients.items():
            ready = await client.get("/readyz")
            if ready.status_code != 200:
                raise DemoError(f"{name} is not ready: {ready.text}; is `make up` done?")
        since = datetime.now(UTC)
        day = await WarehouseDay(api, report, args.seed, args.excursion_s).play()
        report("waiting for traceability and alerts to catch up …")
        found = await findings(api, day, since)
        render(api, day, found, report)
        render_forecast(await forecast(api), report)
    except DemoError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        await api.aclose()
    return 0


def report(line: str) -> None:
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--excursion-s", type=float, default=20.0)
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
