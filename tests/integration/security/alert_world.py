"""Alerts raised the real way for the scoping tests: one of every type in WH2 only (a sync
conflict: an offline pick of the recalled lot; a suspect product: a pack no one made,
returned in WH2), a failing webhook (system-wide), and the recall of a lot that lived in
WH1 and WH2."""

from __future__ import annotations

import uuid
from datetime import timedelta

from lotledger.shared.contracts import excursions as x
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.envelope import CloudEvent
from tests.integration.alerts.steps import applied, post, product
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld, fresh_gtin
from tests.support.receiver import new_secret
from tests.support.stock import QA
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, fresh_product, register_sensor

WH1, WH2 = "WH1/COLD-A/01", "WH2/COLD-A/01"
SCAN_BOTH = bearer("scanner", warehouses=["WH1", "WH2"])


async def _receive(
    world: AlertsWorld, gtin: str, lot: str, qty: int, expiry: str, where: str = WH2
) -> None:
    body = {
        "gtin": gtin,
        "lot": lot,
        "expiry": expiry,
        "qty": qty,
        "location": where,
        "supplier": SUPPLIER,
    }
    await post(world, "/v1/receipts", body, headers=SCAN_BOTH)


async def _pick(world: AlertsWorld, gtin: str, lot: str, qty: int, where: str, party: str) -> None:
    body = {
        "gtin": gtin,
        "lot": lot,
        "qty": qty,
        "location": where,
        "order_ref": "SO-SCOPE",
        "ship_to": party,
    }
    await post(world, "/v1/picks", body, headers=SCAN_BOTH)


def _excursion(kind: x.ExcursionKind, limit: float, peak: float) -> CloudEvent:
    started = x.ExcursionStarted(
        excursion_id=str(uuid.uuid4()),
        location=WH2,
        sensor="T-WH2-COLD-A-01",
        kind=kind,
        limit=limit,
        started_at=TODAY - timedelta(minutes=20),
        peak=peak,
        readings=4,
    )
    return CloudEvent(
        id=uuid.uuid4(),
        source="/traceability/WH2",
        type=x.STARTED,
        subject=WH2,
        time=TODAY,
        data=started.as_data(),
    )


async def wh2_alerts_of_every_type(world: AlertsWorld) -> None:
    """Raise, in WH2 only, one alert of every type that has a warehouse."""
    lots = fresh_gtin()
    await product(world, lots)
    await _receive(world, lots, fresh_lot("SN"), 5, "2027-04-30")
    await _receive(world, lots, fresh_lot("SX"), 5, "2026-11-30")
    low, out, over = fresh_gtin(), fresh_gtin(), fresh_gtin()
    await product(world, low, reorder_point=10)
    await _receive(world, low, fresh_lot("SL"), 4, "2027-09-30")
    await product(world, out, reorder_point=10)
    gone = fresh_lot("SO")
    await _receive(world, out, gone, 5, "2027-09-30")
    await _pick(world, out, gone, 5, WH2, PHARMACIES[0])
    await product(world, over, max_stock=10)
    await _receive(world, over, fresh_lot("SV"), 15, "2027-09-30")
    fefo, early, late = fresh_gtin(), fresh_lot("SE"), fresh_lot("SF")
    await product(world, fefo)
    await _receive(world, fefo, early, 8, "2027-03-31")
    await _receive(world, fefo, late, 8, "2027-09-30")
    await applied(world, fefo, early, 1)
    await _pick(world, fefo, late, 3, WH2, PHARMACIES[1])
    recalled, lot = fresh_gtin(), fresh_lot("SR")
    await product(world, recalled)
    await _receive(world, recalled, lot, 6, "2027-09-30")
    await _pick(world, recalled, lot, 2, WH2, PHARMACIES[2])
    await post(
        world,
        f"/v1/batches/{recalled}/{lot}/recall",
        {"recall_id": "RC-WH2", "class": "I", "reason": "contamination"},
        headers=QA,
    )
    offline = {
        "op": "pick",
        "client_op_id": f"scope-{lot}",
        "gtin": recalled,
        "lot": lot,
        "qty": 1,
        "location": WH2,
        "order_ref": "SO-SCOPE",
        "ship_to": PHARMACIES[2],
    }
    synced = await world.inventory.post(
        "/v1/operations", json={"operations": [offline]}, headers=SCAN_BOTH
    )
    assert synced.json()["results"][0]["status"] == 409, synced.text
    serialised = await fresh_product(world.inventory, ADMIN, serialised=True)
    suspect = {
        "packs": [{"gtin": serialised, "serial": "NEVER-MADE"}],
        "location": WH2,
        "from_party": PHARMACIES[0],
        "reason": "overstock",
    }
    held = await post(world, "/v1/returns/verified", suspect, SCAN_BOTH)
    assert held["held"] == 1, held
    await world.produce(EXCURSIONS, WH2, _excursion(x.ExcursionKind.TEMPERATURE_HIGH, 8.0, 12.0))
    await world.produce(EXCURSIONS, WH2, _excursion(x.ExcursionKind.HUMIDITY_HIGH, 75.0, 82.0))
    await register_sensor(world.inventory, ADMIN, "T-WH2-SILENT", WH2)
    reading = {
        "sensor": "T-WH2-SILENT",
        "location": WH2,
        "at": TODAY.isoformat(),
        "temperature_c": 5,
    }
    response = await world.inventory.post(
        "/v1/telemetry/readings",
        json={"readings": [reading]},
        headers=bearer("sensor", warehouses=["WH2"]),
    )
    assert response.status_code == 202, response.text
    assert response.json()["refused"] == 0, response.text


async def lot_in_both_warehouses(world: AlertsWorld) -> tuple[str, str]:
    """A lot received in WH2, shipped from there, moved wholly to WH1, shipped from WH1,
    then recalled: it lived in both warehouses and has stock in WH1 only."""
    gtin, lot = fresh_gtin(), fresh_lot("SB")
    await product(world, gtin)
    await _receive(world, gtin, lot, 10, "2027-09-30")
    await _pick(world, gtin, lot, 3, WH2, PHARMACIES[1])
    move = {"gtin": gtin, "lot": lot, "qty": 7, "from_location": WH2, "to_location": WH1}
    await post(world, "/v1/moves", move, headers=SCAN_BOTH)
    await _pick(world, gtin, lot, 2, WH1, PHARMACIES[2])
    await post(
        world,
        f"/v1/batches/{gtin}/{lot}/recall",
        {"recall_id": "RC-BOTH", "class": "II", "reason": "mislabel"},
        headers=QA,
    )
    return gtin, lot


async def failing_webhook(world: AlertsWorld) -> None:
    """A subscription to a port nobody listens on, fed by an overstock in WH1."""
    created = await world.api.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "types": ["overstock"], "secret": new_secret()},
        headers=ADMIN,
    )
    assert created.status_code == 201, created.text
    gtin = fresh_gtin()
    await product(world, gtin, max_stock=1)
    await _receive(world, gtin, fresh_lot("SW"), 5, "2027-09-30", where=WH1)
