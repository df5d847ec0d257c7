"""Alerts are scoped to the warehouses they concern (DESIGN §10), alert type by alert type.

One private alerts world holds an alert of every type raised in WH2 only, a webhook_failing
alert (no warehouse: system-wide) and the recall of a lot that lived in WH1 and WH2. A
token for WH1 neither sees nor acts on the WH2 alerts (404, as for an alert that does not
exist); each warehouse sees the shared recall with its own part of the details; acting on
it needs every warehouse of the lot (403 otherwise). The rule: services/alerts/README.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from lotledger.shared.contracts.alerts import AlertType
from tests.integration.alerts.world import ADMIN, TODAY, AlertsWorld, alerts_world
from tests.integration.security.alert_world import (
    WH1,
    WH2,
    failing_webhook,
    lot_in_both_warehouses,
    wh2_alerts_of_every_type,
)
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES

QA_WH1 = bearer("qa", warehouses=["WH1"], sub="qa-wh1")
QA_WH2 = bearer("qa", warehouses=["WH2"], sub="qa-wh2")
QA_WH3 = bearer("qa", warehouses=["WH3"], sub="qa-wh3")
QA_BOTH = bearer("qa", warehouses=["WH1", "WH2"], sub="qa-both")
LATER = TODAY + timedelta(days=10)


@pytest.fixture(scope="module")
async def world() -> AsyncIterator[AlertsWorld]:
    async with alerts_world(
        alerts_webhook_failing_after=2, alerts_forecast_min_history_days=1
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def every_type(world: AlertsWorld) -> dict[AlertType, dict[str, Any]]:
    """type → the open alert of that type: WH2's for every type with a warehouse, the
    failing webhook's for webhook_failing. Forecast alerts need no history here: the
    products picked in WH2 are due a reorder and the others' stock is all at risk."""
    await wh2_alerts_of_every_type(world)
    await failing_webhook(world)

    async def raised() -> dict[AlertType, dict[str, Any]] | None:
        await world.sweep(LATER)
        found: dict[AlertType, dict[str, Any]] = {}
        for alert in await world.alerts(status="open"):
            kind = AlertType(alert["type"])
            if (
                kind is AlertType.WEBHOOK_FAILING
                or alert["warehouse"] == "WH2"
                or (kind is AlertType.RECALL and alert["details"]["recall_id"] == "RC-WH2")
            ):
                found.setdefault(kind, alert)
        return found if set(found) == set(AlertType) else None

    return await world.until(raised, timeout_s=60)


async def _listed(world: AlertsWorld, headers: dict[str, str], **params: Any) -> list[str]:
    response = await world.api.get("/v1/alerts", params=params | {"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return [a["alert_id"] for a in response.json()["items"]]


async def test_every_alert_names_the_warehouses_it_concerns(
    every_type: dict[AlertType, dict[str, Any]],
) -> None:
    concerned = {kind: alert["warehouses"] for kind, alert in every_type.items()}
    assert concerned == {
        kind: [] if kind is AlertType.WEBHOOK_FAILING else ["WH2"] for kind in AlertType
    }


async def test_a_wh1_token_cannot_see_acknowledge_or_resolve_a_wh2_alert_of_any_type(
    world: AlertsWorld, every_type: dict[AlertType, dict[str, Any]]
) -> None:
    for kind, alert in sorted(every_type.items()):
        alert_id, path = alert["alert_id"], f"/v1/alerts/{alert['alert_id']}"
        assert alert_id not in await _listed(world, QA_WH1, type=kind.value), kind
        answers = [
            (await world.api.get(path, headers=QA_WH1)).status_code,
            (await world.api.post(f"{path}/ack", headers=QA_WH1)).status_code,
            (await world.api.post(f"{path}/resolve", headers=QA_WH1)).status_code,
        ]
        assert answers == [404, 404, 404], kind
        after = await world.api.get(path, headers=ADMIN)
        assert (after.json()["status"], after.json()["changed_at"]) == (
            alert["status"],
            alert["changed_at"],
        ), kind
        sees = alert_id in await _listed(world, QA_WH2, type=kind.value)
        assert sees is (kind is not AlertType.WEBHOOK_FAILING), kind


async def test_a_wh1_token_may_not_filter_by_a_wh2_location(world: AlertsWorld) -> None:
    refused = await world.api.get("/v1/alerts", params={"location": WH2}, headers=QA_WH1)
    assert refused.status_code == 403


@pytest.fixture(scope="module")
async def shared_recall(world: AlertsWorld) -> dict[str, Any]:
    gtin, _ = await lot_in_both_warehouses(world)

    async def raised() -> dict[str, Any] | None:
        found = await world.alerts(type="recall", gtin=gtin)
        return found[0] if found and found[0]["details"]["on_hand"] == 5 else None

    return await world.until(raised)


async def test_a_recall_of_a_lot_that_lived_in_both_warehouses_is_seen_by_each_with_its_part(
    world: AlertsWorld, shared_recall: dict[str, Any]
) -> None:
    path = f"/v1/alerts/{shared_recall['alert_id']}"
    assert shared_recall["warehouses"] == ["WH1", "WH2"]
    assert [c["party"] for c in shared_recall["details"]["consignees"]] == sorted(
        [PHARMACIES[1], PHARMACIES[2]]
    )

    wh1 = (await world.api.get(path, headers=QA_WH1)).json()
    assert wh1["warehouses"] == ["WH1"]
    assert (wh1["details"]["on_hand"], wh1["details"]["locations"]) == (5, {WH1: 5})
    assert wh1["details"]["consignees"] == [
        {"party": PHARMACIES[2], "shipped": 2, "returned": 0, "outstanding": 2}
    ]
    assert list(wh1["details"]["by_warehouse"]) == ["WH1"]

    wh2 = (await world.api.get(path, headers=QA_WH2)).json()
    assert wh2["warehouses"] == ["WH2"]
    assert (wh2["details"]["on_hand"], wh2["details"]["locations"]) == (0, {})
    assert wh2["details"]["consignees"] == [
        {"party": PHARMACIES[1], "shipped": 3, "returned": 0, "outstanding": 3}
    ]
    assert shared_recall["alert_id"] in await _listed(world, QA_WH1, type="recall")
    assert shared_recall["alert_id"] in await _listed(world, QA_WH2, type="recall")
    assert shared_recall["alert_id"] in await _listed(world, QA_WH2, warehouse="WH2")

    assert (await world.api.get(path, headers=QA_WH3)).status_code == 404
    assert shared_recall["alert_id"] not in await _listed(world, QA_WH3, type="recall")


async def test_acting_on_a_shared_recall_needs_every_warehouse_of_the_lot(
    world: AlertsWorld, shared_recall: dict[str, Any]
) -> None:
    path = f"/v1/alerts/{shared_recall['alert_id']}"
    for action in ("ack", "resolve"):
        for token in (QA_WH1, QA_WH2):
            refused = await world.api.post(f"{path}/{action}", headers=token)
            assert refused.status_code == 403, (action, refused.text)
    ack = await world.api.post(f"{path}/ack", headers=QA_BOTH)
    assert ack.status_code == 200, ack.text
    assert (ack.json()["acknowledged_by"], ack.json()["details"]) == (
        "qa-both",
        shared_recall["details"],
    )
