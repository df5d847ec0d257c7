"""The stock rules a GDP auditor looks for, played in the warehouse day (issue 14):

- incoming inspection: WH1 receives into `pending_inspection`; QA accepts each receipt,
  rejects part of one, and the rejected units go back to their supplier;
- a customer return held apart: the returned units wait in quarantine in their own
  holding while the rest of the lot is still picked from its shelf, then QA releases them
  and they are put back;
- an offline scanner syncing its operations, scanned minutes earlier, one of which the
  stock refuses: the refusal is kept as a sync conflict (alerted), and syncing again
  answers the same refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from lotledger_bench.generator.catalog import CATALOG

if TYPE_CHECKING:
    from demo.day import Lot
    from demo.warehouse_day import WarehouseDay

SCARCE_INDEX = 4
"""CATALOG.products[4]: picked out by the pick wave, so an offline pick of it is refused."""


async def inspection_on(day: WarehouseDay) -> None:
    body = {"name": "Main warehouse", "inspect_receipts": True}
    await day.api.ok("PUT", "inventory", "/v1/warehouses/WH1", "admin", json=body)
    day.report("incoming inspection: on in WH1 (receipts wait for QA's acceptance check)")


async def _decide(day: WarehouseDay, kind: str, lot: Lot, **extra: Any) -> dict[str, Any]:
    body = {
        "gtin": lot.product.gtin,
        "lot": lot.lot,
        "location": lot.location,
        "from_status": "pending_inspection",
        **extra,
    }
    return dict(await day.api.ok("POST", "inventory", f"/v1/holdings/{kind}", "qa", json=body))


async def inspect(day: WarehouseDay) -> None:
    """QA accepts every receipt; 2 units of one lot fail and go back to the supplier."""
    failing = next(lot for lot in reversed(day.day.lots) if lot.product.storage_class != "cold")
    for lot in day.day.lots:
        if lot is failing:
            rejected = await _decide(day, "reject", lot, qty=2, reason="damaged_packaging")
            await _decide(day, "release", lot, reason="conforms")
            events = await day.api.ok("GET", "inventory", f"/v1/batches/{lot.path}/events", "qa")
            supplier = events["events"][0]["data"]["supplier"]
            back = {
                "gtin": lot.product.gtin,
                "lot": lot.lot,
                "qty": 2,
                "location": lot.location,
                "holding_status": "rejected",
                "order_ref": f"RTS-{day.tag}",
                "ship_to": supplier,
            }
            await day.api.ok("POST", "inventory", "/v1/picks", "scanner", json=back)
            day.day.rejected = (lot, rejected["events"][0]["id"])
        else:
            await _decide(day, "release", lot, reason="conforms")
    day.day.inspected = len(day.day.lots)
    day.report(
        f"inspection: QA accepted {len(day.day.lots)} receipts; 2 units of lot "
        f"{failing.lot} rejected (damaged packaging) and returned to their supplier"
    )


async def return_held_apart(day: WarehouseDay) -> None:
    """A customer return lands in quarantine on its own; the lot still ships."""
    key, parties = next(
        (k, c)
        for k, c in day.day.shipped.items()
        if day.day.lot(k).product.storage_class == "ambient" and sum(c.values()) >= 3
    )
    lot, party = day.day.lot(key), next(iter(parties))
    quarantine = CATALOG.quarantine(lot.product.storage_class).location_id
    body = {
        "gtin": lot.product.gtin,
        "lot": lot.lot,
        "qty": min(3, parties[party]),
        "location": quarantine,
        "from_party": party,
        "reason": "customer_return",
    }
    returned = await day.api.ok("POST", "inventory", "/v1/returns", "scanner", json=body)
    batch = returned["batches"][0]
    shelf = max(
        (loc for loc in batch["on_hand"] if loc != quarantine),
        key=lambda loc: batch["on_hand"][loc],
    )
    pick = {
        "gtin": lot.product.gtin,
        "lot": lot.lot,
        "qty": 1,
        "location": shelf,
        "order_ref": f"SO-{day.tag}-RET",
        "ship_to": CATALOG.pharmacies[1],
    }
    await day.api.ok("POST", "inventory", "/v1/picks", "scanner", json=pick)
    day.day.shipped[key][CATALOG.pharmacies[1]] += 1
    release = {
        "gtin": lot.product.gtin,
        "lot": lot.lot,
        "location": quarantine,
        "from_status": "returned",
        "reason": "return_inspected",
    }
    await day.api.ok("POST", "inventory", "/v1/holdings/release", "qa", json=release)
    move = {
        "gtin": lot.product.gtin,
        "lot": lot.lot,
        "qty": body["qty"],
        "from_location": quarantine,
        "to_location": shelf,
    }
    await day.api.ok("POST", "inventory", "/v1/moves", "scanner", json=move)
    day.day.returned = lot
    day.report(
        f"return: {body['qty']} units of lot {lot.lot} back from {party}, held in {quarantine} "
        f"(status {batch['status']}, held {batch['held']}); the lot is still picked from "
        f"{shelf}; QA releases the return and it goes back on the shelf"
    )


async def offline_sync(day: WarehouseDay) -> None:
    """A scanner offline for a while syncs three operations, each with the time it was
    scanned; the stock refuses one (the scarce product was picked out meanwhile)."""
    now = datetime.now(UTC)
    moved = next(lot for lot in day.day.lots if lot.product.storage_class == "cool")
    scarce = next(lot for lot in day.day.lots if lot.product is CATALOG.products[SCARCE_INDEX])
    held = (await day.batch(moved))["on_hand"].get(moved.location, 0)
    operations = [
        {
            "op": "count",
            "client_op_id": f"off-{day.tag}-1",
            "gtin": moved.product.gtin,
            "lot": moved.lot,
            "location": moved.location,
            "counted_qty": held,
            "scanned_at": (now - timedelta(seconds=40)).isoformat(),
        },
        {
            "op": "pick",
            "client_op_id": f"off-{day.tag}-2",
            "gtin": moved.product.gtin,
            "lot": moved.lot,
            "qty": 1,
            "location": moved.location,
            "order_ref": f"SO-{day.tag}-OFF1",
            "ship_to": CATALOG.pharmacies[2],
            "scanned_at": (now - timedelta(seconds=30)).isoformat(),
        },
        {
            "op": "pick",
            "client_op_id": f"off-{day.tag}-3",
            "gtin": scarce.product.gtin,
            "lot": scarce.lot,
            "qty": 4,
            "location": scarce.location,
            "order_ref": f"SO-{day.tag}-OFF2",
            "ship_to": CATALOG.pharmacies[2],
            "scanned_at": (now - timedelta(seconds=20)).isoformat(),
        },
    ]
    first = await day.api.ok(
        "POST", "inventory", "/v1/operations", "scanner", json={"operations": operations}
    )
    again = await day.api.ok(
        "POST", "inventory", "/v1/operations", "scanner", json={"operations": operations}
    )
    refused = [r for r in first["results"] if r["status"] >= 400]
    day.day.shipped[moved.key][CATALOG.pharmacies[2]] += 1
    day.day.sync_conflict = refused[0]["problem"]["sync_conflict"] if refused else None
    day.day.sync_replayed = again["results"] == first["results"]
    day.report(
        f"offline sync: {len(operations)} operations scanned 20–40 s before the sync, "
        f"{first['accepted']} accepted, {first['refused']} refused and kept as sync conflict "
        f"{day.day.sync_conflict} ({refused[0]['problem']['title'] if refused else '-'}); "
        f"syncing again answers the same ({day.day.sync_replayed})"
    )
