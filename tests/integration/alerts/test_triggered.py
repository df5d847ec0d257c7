"""A recall raises an alert listing every consignee and quantity; a pick that skips an
earlier-expiring lot raises fefo_deviation. Both are driven through inventory."""

from __future__ import annotations

from typing import Any

from tests.integration.alerts.steps import applied, dispose, pick, product, recall, receive
from tests.integration.alerts.world import QA, AlertsWorld, fresh_gtin
from tests.support.world import PHARMACIES, fresh_lot


async def _of(world: AlertsWorld, alert_type: str, gtin: str) -> list[dict[str, Any]]:
    return await world.alerts(type=alert_type, gtin=gtin)


async def test_a_recall_lists_consignees_and_resolves_once_acknowledged_and_cleared(
    world: AlertsWorld,
) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("RC")
    await product(world, gtin)
    await receive(world, gtin, lot, 30, "2027-08-31")
    await pick(world, gtin, lot, 10, ship_to=PHARMACIES[0])
    await pick(world, gtin, lot, 5, ship_to=PHARMACIES[1])
    await pick(world, gtin, lot, 2, ship_to=PHARMACIES[0])
    await recall(world, gtin, lot, "I")

    (alert,) = await world.until(lambda: _of(world, "recall", gtin))
    assert (alert["subject"], alert["severity"], alert["status"]) == (
        f"{gtin}/{lot}",
        "critical",
        "raised",
    )
    details = alert["details"]
    assert details["consignees"] == [
        {"party": PHARMACIES[0], "shipped": 12, "returned": 0, "outstanding": 12},
        {"party": PHARMACIES[1], "shipped": 5, "returned": 0, "outstanding": 5},
    ]
    assert (details["recall_id"], details["class"], details["on_hand"]) == ("RC-1", "I", 13)

    ack = await world.api.post(f"/v1/alerts/{alert['alert_id']}/ack", headers=QA)
    assert ack.status_code == 200, ack.text
    await dispose(world, gtin, lot, 13)
    await applied(world, gtin, lot, 6)
    (done,) = await _of(world, "recall", gtin)
    assert (done["status"], done["acknowledged_by"], done["resolved_by"]) == (
        "resolved",
        "qa-1",
        None,
    )


async def test_a_recall_with_nothing_left_on_hand_still_raises(world: AlertsWorld) -> None:
    gtin, lot = fresh_gtin(), fresh_lot("RN")
    await product(world, gtin)
    await receive(world, gtin, lot, 4, "2027-08-31")
    await pick(world, gtin, lot, 4, ship_to=PHARMACIES[2])
    await recall(world, gtin, lot, "III")
    (alert,) = await world.until(lambda: _of(world, "recall", gtin))
    assert (alert["severity"], alert["details"]["on_hand"]) == ("warning", 0)
    assert alert["details"]["consignees"][0]["outstanding"] == 4
    await world.sweep(world.clock.now())
    assert [a["status"] for a in await _of(world, "recall", gtin)] == ["raised"]


async def test_a_fefo_deviation_raises_fefo_deviation_naming_the_earlier_lot(
    world: AlertsWorld,
) -> None:
    gtin, early, late = fresh_gtin(), fresh_lot("FE"), fresh_lot("FL")
    await product(world, gtin)
    await receive(world, gtin, early, 8, "2027-03-31")
    await receive(world, gtin, late, 8, "2027-09-30")
    await applied(world, gtin, early, 1)
    await pick(world, gtin, late, 3, ship_to=PHARMACIES[1])

    (alert,) = await world.until(lambda: _of(world, "fefo_deviation", gtin))
    assert (alert["severity"], alert["status"], alert["location"]) == (
        "warning",
        "raised",
        "WH1/COLD-A/01",
    )
    details = alert["details"]
    assert (details["lot"], details["qty"], details["ship_to"]) == (late, 3, PHARMACIES[1])
    assert details["earlier_lots"] == [{"lot": early, "expiry": "2027-03-31", "on_hand": 8}]

    await world.sweep(world.clock.now())
    assert [a["status"] for a in await _of(world, "fefo_deviation", gtin)] == ["raised"]
    done = await world.api.post(f"/v1/alerts/{alert['alert_id']}/resolve", headers=QA)
    assert (done.status_code, done.json()["resolved_by"]) == (200, "qa-1")
