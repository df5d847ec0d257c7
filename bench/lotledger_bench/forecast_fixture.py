"""The forecast bench's warehouse, COPYed straight into the alerts schema's facts (the
tables the projector keeps, migration 0010): `products` products × `lots` lots each in one
warehouse, every lot available at one location, costed in EUR, with `window` days of
shipments per product and a first receipt before the window. Deterministic per seed.

Expiries are spread from a week to a year and a half ahead and daily shipments vary per
product, so the FEFO walk finds some lots at risk and reaches others later, as in a
real warehouse."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lotledger.shared.db import driver_connect
from lotledger.shared.identifiers import gs1_check_digit

WAREHOUSE = "BENCH-FC"
LOCATION = f"{WAREHOUSE}/STORE/01"


def gtin(i: int) -> str:
    body = f"0{880000000000 + i:012d}"
    return body + str(gs1_check_digit(body))


@dataclass(frozen=True)
class Fixture:
    products: int
    lots: int
    shipment_rows: int
    load_s: float


async def load(
    owner_url: str, schema: str, products: int, lots: int, window: int, today: date, seed: int
) -> Fixture:
    rng = random.Random(seed)
    started = time.monotonic()
    catalog, lot_rows, stock, lot_wh, costs, stocked, seen, shipped = ([] for _ in range(8))
    for i in range(products):
        g = gtin(i)
        cost = Decimal(rng.randint(50, 5000)) / 100
        catalog.append((g, 1, cost, "EUR"))
        stocked.append((g, WAREHOUSE))
        seen.append((g, WAREHOUSE, today - timedelta(days=window + 30),
                     today - timedelta(days=10), today + timedelta(days=355)))  # fmt: skip
        per_day = rng.randint(0, 40)
        for day in range(1, window + 1):
            qty = max(0, round(rng.gauss(per_day, per_day / 3 + 1)))
            if qty:
                shipped.append((g, WAREHOUSE, today - timedelta(days=day), qty))
        for n in range(lots):
            lot = f"FC{i:05d}L{n:02d}"
            qty = rng.randint(20, 600)
            lot_rows.append((g, lot, today + timedelta(days=rng.randint(7, 540)), "available", 1))
            stock.append((g, lot, LOCATION, WAREHOUSE, qty, 0))
            lot_wh.append((g, lot, WAREHOUSE))
            costs.append((g, lot, "EUR", qty, cost * qty))
    conn = await driver_connect(owner_url, schema, "lotledger-bench-forecast")
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO locations (location_id, warehouse, timezone, version, kind) "
                "VALUES ($1, $2, 'UTC', 1, 'storage')",
                LOCATION,
                WAREHOUSE,
            )
            for table, columns, rows in (
                ("products", ("gtin", "version", "unit_cost", "currency"), catalog),
                ("lots", ("gtin", "lot", "expiry", "status", "version"), lot_rows),
                ("lot_stock", ("gtin", "lot", "location", "warehouse", "qty", "held"), stock),
                ("lot_warehouses", ("gtin", "lot", "warehouse"), lot_wh),
                ("lot_costs", ("gtin", "lot", "currency", "qty", "total"), costs),
                ("stocked_in", ("gtin", "warehouse"), stocked),
                ("receipts_seen",
                 ("gtin", "warehouse", "first_day", "latest_day", "latest_expiry"), seen),
                ("shipped_daily", ("gtin", "warehouse", "day", "qty"), shipped),
            ):  # fmt: skip
                await conn.copy_records_to_table(table, records=rows, columns=columns)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return Fixture(products, lots, len(shipped), time.monotonic() - started)
