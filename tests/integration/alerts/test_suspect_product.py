"""Verified returns and suspect_product alerts over real Postgres and Kafka (issue 18 item
4): a return whose packs fail verification (never shipped to that party, decommissioned,
unknown) raises one critical suspect_product alert naming each pack and why, seen only in
the warehouse the packs came back to, delivered by webhook, resolved by QA; a verified
return, or the replay of a refused one, raises none."""

from __future__ import annotations

from typing import Any

from tests.integration.alerts.serial_steps import packs_of, shipped_pallet, verified_return
from tests.integration.alerts.world import ADMIN, AlertsWorld
from tests.support.receiver import new_secret, receiving
from tests.support.stock import SCANNER
from tests.support.tokens import bearer
from tests.support.world import PHARMACIES

QA_WH1 = bearer("qa", warehouses=["WH1"], sub="qa-wh1")
QA_WH2 = bearer("qa", warehouses=["WH2"], sub="qa-wh2")
SECRET = new_secret()


async def _suspects(world: AlertsWorld, gtin: str, headers: Any = ADMIN) -> list[dict[str, Any]]:
    response = await world.api.get(
        "/v1/alerts", params={"type": "suspect_product", "gtin": gtin}, headers=headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_refused_return_raises_one_suspect_product_alert_a_verified_one_none(
    world: AlertsWorld,
) -> None:
    p = await shipped_pallet(world)
    mine, theirs, decommissioned = packs_of(p, 0)[0], packs_of(p, 1)[0], packs_of(p, 2)[0]
    async with receiving(SECRET) as receiver:
        hook = await world.api.post(
            "/v1/webhooks",
            json={"url": receiver.url, "types": ["suspect_product"], "secret": SECRET},
            headers=ADMIN,
        )
        assert hook.status_code == 201, hook.text
        try:
            verified = await verified_return(world, p, [mine], PHARMACIES[0])
            assert (verified["accepted"], verified["held"], verified["suspect"]) == (1, 0, [])
            body = {
                "packs": [
                    {"gtin": p.gtin, "serial": s}
                    for s in [packs_of(p, 0)[1], theirs, decommissioned, "NEVER-MADE"]
                ],
                "location": "WH1/COLD-A/01",
                "from_party": PHARMACIES[0],
                "reason": "overstock",
            }
            keyed = {**SCANNER, "Idempotency-Key": f"suspect-{p.sscc}"}
            first = await world.inventory.post("/v1/returns/verified", json=body, headers=keyed)
            again = await world.inventory.post("/v1/returns/verified", json=body, headers=keyed)
            assert first.status_code == again.status_code == 201, first.text
            assert again.headers["Idempotent-Replayed"] == "true"
            refused = first.json()
            assert (refused["accepted"], refused["held"]) == (1, 3)

            async def raised() -> list[dict[str, Any]] | None:
                return await _suspects(world, p.gtin) or None

            [alert] = await world.until(raised)
            await receiver.wait_for(lambda r: bool(r.of_alert(alert["alert_id"])))
            delivered = receiver.of_alert(alert["alert_id"])
        finally:
            await world.api.delete(f"/v1/webhooks/{hook.json()['webhook_id']}", headers=ADMIN)
    assert [alert["subject"]] == refused["suspect"] == again.json()["suspect"]
    assert (alert["status"], alert["severity"], alert["warehouses"]) == (
        "raised",
        "critical",
        ["WH1"],
    )
    details = alert["details"]
    assert [(x["serial"], x["verdict"]) for x in details["packs"]] == [
        (theirs, "not_shipped_to_party"),
        (decommissioned, "decommissioned"),
        ("NEVER-MADE", "unknown_serial"),
    ]
    assert (details["from_party"], details["location"], details["gtin"]) == (
        PHARMACIES[0],
        "WH1/COLD-A/01",
        p.gtin,
    )
    for serial, verdict in [(theirs, "not_shipped_to_party"), ("NEVER-MADE", "unknown_serial")]:
        assert f"{p.gtin}/{serial} ({verdict})" in details["message"]
    assert delivered[0].signed
    assert delivered[0].body["data"]["alert_type"] == "suspect_product"
    assert delivered[0].body["data"]["warehouses"] == ["WH1"]

    assert [a["alert_id"] for a in await _suspects(world, p.gtin, QA_WH1)] == [alert["alert_id"]]
    assert await _suspects(world, p.gtin, QA_WH2) == []
    path = f"/v1/alerts/{alert['alert_id']}"
    assert (await world.api.get(path, headers=QA_WH2)).status_code == 404
    assert (await world.api.post(f"{path}/resolve", headers=QA_WH2)).status_code == 404
    resolved = await world.api.post(f"{path}/resolve", headers=QA_WH1)
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolved_by"]) == ("resolved", "qa-wh1")
    assert len(await _suspects(world, p.gtin)) == 1, (
        "the verified return and the replay raised nothing"
    )
