"""Alerts follow holdings, per-warehouse thresholds and sync conflicts (docs/adr/0011):
a customer return is on hand but not saleable until QA releases it; each warehouse's
reorder point drives its own low_stock; an offline operation the stock refused raises a
sync_conflict alert for its warehouse, resolved when a supervisor resolves the conflict."""

from __future__ import annotations

from typing import Any

from tests.integration.alerts.steps import COLD_A, pick, post, receive
from tests.integration.alerts.world import ADMIN, AlertsWorld, fresh_gtin
from tests.support.stock import QA
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, fresh_lot

SCANNER = bearer("scanner", warehouses=["WH1", "WH2"])
WH2_COLD = "WH2/COLD-A/01"


async def _open(world: AlertsWorld, gtin: str, alert_type: str) -> list[dict[str, Any]]:
    return [a for a in await world.alerts(gtin=gtin, type=alert_type) if a["status"] != "resolved"]


async def test_a_return_is_not_available_until_qa_releases_it(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("HR")
    body = {"name": f"Test product {gtin}", "storage_class": "cold", "rx": True}
    put = await world.inventory.put(
        f"/v1/products/{gtin}", json={**body, "reorder_point": 10}, headers=ADMIN
    )
    assert put.status_code == 201, put.text
    await receive(world, gtin, lot, 15, "2027-09-30")
    await pick(world, gtin, lot, 6, ship_to=PHARMACIES[1])

    async def low(available: int, on_hand: int) -> bool:
        found = await _open(world, gtin, "low_stock")
        return bool(found) and (
            found[0]["details"]["available"],
            found[0]["details"]["on_hand"],
        ) == (available, on_hand)

    await world.until(lambda: low(9, 9))
    await post(
        world,
        "/v1/returns",
        {
            "gtin": gtin,
            "lot": lot,
            "qty": 4,
            "location": COLD_A,
            "from_party": PHARMACIES[1],
            "reason": "unopened",
        },
    )
    await world.until(lambda: low(9, 13))
    await post(
        world,
        "/v1/holdings/release",
        {"gtin": gtin, "lot": lot, "location": COLD_A, "from_status": "returned"},
        headers=QA,
    )

    async def resolved() -> bool:
        return not await _open(world, gtin, "low_stock")

    await world.until(resolved)


async def test_each_warehouse_alerts_on_its_own_reorder_point(world: AlertsWorld) -> None:
    gtin = fresh_gtin()
    body = {
        "name": f"Test product {gtin}",
        "storage_class": "cold",
        "rx": True,
        "reorder_point": 10,
        "warehouses": {"WH2": {"reorder_point": 50}},
    }
    put = await world.inventory.put(f"/v1/products/{gtin}", json=body, headers=ADMIN)
    assert put.status_code == 201, put.text
    for location in (COLD_A, WH2_COLD):
        receipt = {
            "gtin": gtin,
            "lot": fresh_lot("PW"),
            "expiry": "2027-09-30",
            "qty": 40,
            "location": location,
            "supplier": "9506000000015",
        }
        await post(world, "/v1/receipts", receipt, headers=SCANNER)

    async def wh2_only() -> list[dict[str, Any]] | None:
        found = await _open(world, gtin, "low_stock")
        return found if [a["warehouse"] for a in found] == ["WH2"] else None

    (alert,) = await world.until(wh2_only)
    assert (alert["details"]["available"], alert["details"]["reorder_point"]) == (40, 50)


async def test_a_sync_conflict_raises_an_alert_resolved_with_the_conflict(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("SC")
    body = {"name": f"Test product {gtin}", "storage_class": "cold", "rx": True}
    assert (
        await world.inventory.put(f"/v1/products/{gtin}", json=body, headers=ADMIN)
    ).status_code == 201
    await receive(world, gtin, lot, 2, "2027-09-30")
    synced = await world.inventory.post(
        "/v1/operations",
        headers=SCANNER,
        json={
            "operations": [
                {
                    "op": "pick",
                    "client_op_id": f"alert-{lot}",
                    "gtin": gtin,
                    "lot": lot,
                    "qty": 5,
                    "location": COLD_A,
                    "order_ref": "SO-OFF",
                    "ship_to": PHARMACIES[0],
                }
            ]
        },
    )
    [result] = synced.json()["results"]
    conflict_id = result["problem"]["sync_conflict"]

    async def raised() -> dict[str, Any] | None:
        found = [a for a in await world.alerts(type="sync_conflict") if a["subject"] == conflict_id]
        return found[0] if found else None

    alert = await world.until(raised)
    assert (alert["status"], alert["severity"], alert["warehouses"]) == (
        "raised",
        "warning",
        ["WH1"],
    )
    assert (alert["details"]["op"], alert["details"]["lot"]) == ("pick", lot)
    assert alert["details"]["refusal"].endswith("insufficient-stock")
    discarded = await world.inventory.post(
        f"/v1/sync-conflicts/{conflict_id}/discard", json={"reason": "duplicate"}, headers=QA
    )
    assert discarded.status_code == 200, discarded.text

    async def resolved() -> dict[str, Any] | None:
        found = await raised()
        return found if found and found["status"] == "resolved" else None

    await world.until(resolved)
