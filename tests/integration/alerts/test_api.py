"""The alerts REST API: filters, warehouse scoping, pagination, acknowledge and resolve
with their 409s, idempotent retries, rules with validation and audit, webhook validation,
secrecy and deletion; RFC 9457 problems throughout."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from lotledger.alerts.adapters.secret_box import SecretBox
from lotledger.alerts.service.webhooks import reseal_all
from tests.integration.alerts.steps import product, receive
from tests.integration.alerts.world import ADMIN, QA, AlertsWorld, fresh_gtin
from tests.support.receiver import new_secret
from tests.support.stock import problem_type
from tests.support.tokens import bearer
from tests.support.world import fresh_lot

QA_WH1 = bearer("qa", warehouses=["WH1"], sub="qa-wh1")
ERP = bearer("erp", sub="erp-1")
SCANNER_WH2 = bearer("scanner", warehouses=["WH2"])


async def _low_stock_in_two_warehouses(world: AlertsWorld) -> tuple[str, dict[str, Any]]:
    gtin = fresh_gtin()
    await product(world, gtin, reorder_point=10)
    lot = fresh_lot("AP")
    await receive(world, gtin, lot, 4, "2027-09-30")
    response = await world.inventory.post(
        "/v1/receipts",
        json={
            "gtin": gtin,
            "lot": lot,
            "expiry": "2027-09-30",
            "qty": 3,
            "location": "WH2/COLD-A/01",
            "supplier": "9506000000015",
        },
        headers=SCANNER_WH2,
    )
    assert response.status_code == 201, response.text

    async def both() -> dict[str, Any] | None:
        found = await world.alerts(gtin=gtin, type="low_stock")
        return {a["warehouse"]: a for a in found} if len(found) == 2 else None

    return gtin, await world.until(both)


async def test_filters_scoping_and_pagination(world: AlertsWorld) -> None:
    gtin, by_warehouse = await _low_stock_in_two_warehouses(world)
    assert set(by_warehouse) == {"WH1", "WH2"}

    async def listed(headers: dict[str, str], **params: Any) -> Any:
        return await world.api.get("/v1/alerts", params=params, headers=headers)

    wh2 = (await listed(ADMIN, gtin=gtin, warehouse="WH2")).json()["items"]
    assert [a["alert_id"] for a in wh2] == [by_warehouse["WH2"]["alert_id"]]
    assert (
        len((await listed(ERP, gtin=gtin, status="open", severity="warning")).json()["items"]) == 2
    )
    assert (await listed(ADMIN, gtin=gtin, status="resolved")).json()["items"] == []

    scoped = (await listed(QA_WH1, gtin=gtin)).json()["items"]
    assert [a["warehouse"] for a in scoped] == ["WH1"]
    assert (await listed(QA_WH1, warehouse="WH2")).status_code == 403
    hidden = await world.api.get(f"/v1/alerts/{by_warehouse['WH2']['alert_id']}", headers=QA_WH1)
    assert (hidden.status_code, problem_type(hidden)) == (404, "unknown-alert")

    first = (await listed(ADMIN, gtin=gtin, limit=1)).json()
    second = (await listed(ADMIN, gtin=gtin, limit=1, cursor=first["next_cursor"])).json()
    assert first["next_cursor"]
    assert second["next_cursor"] is None
    assert {first["items"][0]["alert_id"], second["items"][0]["alert_id"]} == {
        a["alert_id"] for a in by_warehouse.values()
    }

    bad_cursor = await listed(ADMIN, cursor="not-a-cursor")
    assert (bad_cursor.status_code, problem_type(bad_cursor)) == (422, "invalid-input")
    forged = base64.urlsafe_b64encode(f"9999-12-31T23:59:59-23:59|{uuid.uuid4()}".encode())
    out_of_range = await listed(ADMIN, cursor=forged.decode())
    assert (out_of_range.status_code, problem_type(out_of_range)) == (422, "invalid-input")
    bad_type = await listed(ADMIN, type="flood")
    assert (bad_type.status_code, problem_type(bad_type)) == (422, "invalid-input")
    assert bad_type.json()["errors"][0]["field"] == "query.type.0"
    unauthenticated = await world.api.get("/v1/alerts")
    assert (unauthenticated.status_code, problem_type(unauthenticated)) == (401, "unauthorized")
    scanner = await world.api.get("/v1/alerts", headers=bearer("scanner"))
    assert (scanner.status_code, problem_type(scanner)) == (403, "forbidden")


async def test_acknowledge_resolve_their_refusals_and_idempotent_retries(
    world: AlertsWorld,
) -> None:
    gtin, by_warehouse = await _low_stock_in_two_warehouses(world)
    alert_id = by_warehouse["WH1"]["alert_id"]
    path = f"/v1/alerts/{alert_id}"

    refused = await world.api.post(f"{path}/ack", headers=ERP)
    assert (refused.status_code, problem_type(refused)) == (403, "forbidden")
    elsewhere = await world.api.post(
        f"/v1/alerts/{by_warehouse['WH2']['alert_id']}/ack", headers=QA_WH1
    )
    assert (elsewhere.status_code, problem_type(elsewhere)) == (404, "unknown-alert")

    key = {"Idempotency-Key": f"ack-{uuid.uuid4()}"}
    ack = await world.api.post(f"{path}/ack", headers=QA_WH1 | key)
    assert ack.status_code == 200, ack.text
    assert (ack.json()["status"], ack.json()["acknowledged_by"]) == ("acknowledged", "qa-wh1")
    retried = await world.api.post(f"{path}/ack", headers=QA_WH1 | key)
    assert (retried.status_code, retried.json()) == (200, ack.json())
    assert retried.headers["Idempotent-Replayed"] == "true"
    reused = await world.api.post(f"{path}/resolve", headers=QA_WH1 | key)
    assert (reused.status_code, problem_type(reused)) == (409, "conflict")

    again = await world.api.post(f"{path}/ack", headers=QA_WH1)
    assert (again.status_code, problem_type(again)) == (409, "alert-already-acknowledged")
    done = await world.api.post(f"{path}/resolve", headers=QA_WH1)
    assert (done.json()["status"], done.json()["resolved_by"]) == ("resolved", "qa-wh1")
    for action, slug in (("resolve", "alert-already-resolved"), ("ack", "alert-already-resolved")):
        late = await world.api.post(f"{path}/{action}", headers=QA)
        assert (late.status_code, problem_type(late)) == (409, slug)
    unknown = await world.api.post(f"/v1/alerts/{uuid.uuid4()}/ack", headers=QA)
    assert (unknown.status_code, problem_type(unknown)) == (404, "unknown-alert")
    malformed = await world.api.post("/v1/alerts/nope/ack", headers=QA)
    assert (malformed.status_code, problem_type(malformed)) == (422, "invalid-input")

    await world.sweep(world.clock.now())
    (reraised,) = await world.alerts(gtin=gtin, type="low_stock", warehouse="WH1", status="open")
    assert reraised["alert_id"] != alert_id


async def test_rules_are_validated_audited_and_admin_only(world: AlertsWorld) -> None:
    current = (await world.api.get("/v1/rules", headers=QA)).json()
    assert current["near_expiry_days"] == [180, 90, 30]
    body = {
        "near_expiry_days": [120, 60, 14],
        "sensor_silence_minutes": 45,
        "excursion_grace_minutes": 5,
        "sweep_interval_seconds": 30,
        "out_of_range_silence_minutes": 3,
    }
    assert (await world.api.put("/v1/rules", json=body, headers=QA)).status_code == 403
    scoped_admin = bearer("admin", warehouses=["WH1"])
    assert (await world.api.put("/v1/rules", json=body, headers=scoped_admin)).status_code == 403

    wrong = await world.api.put(
        "/v1/rules", json=body | {"near_expiry_days": [30, 90]}, headers=ADMIN
    )
    assert (wrong.status_code, problem_type(wrong)) == (422, "invalid-near-expiry-tiers")
    assert wrong.json()["errors"][0]["field"] == "near_expiry_days"
    silence = await world.api.put(
        "/v1/rules", json=body | {"sensor_silence_minutes": 0}, headers=ADMIN
    )
    assert (silence.status_code, problem_type(silence)) == (422, "invalid-sensor-silence")
    cadence = await world.api.put(
        "/v1/rules", json=body | {"out_of_range_silence_minutes": 0}, headers=ADMIN
    )
    assert (cadence.status_code, problem_type(cadence)) == (422, "invalid-out-of-range-silence")
    assert current["out_of_range_silence_minutes"] == 2
    extra = await world.api.put("/v1/rules", json=body | {"mood": "calm"}, headers=ADMIN)
    assert (extra.status_code, problem_type(extra)) == (422, "invalid-input")

    try:
        put = await world.api.put("/v1/rules", json=body, headers=ADMIN)
        assert put.status_code == 200, put.text
        assert (put.json()["version"], put.json()["updated_by"]) == (
            current["version"] + 1,
            "admin-1",
        )
        same = await world.api.put("/v1/rules", json=body, headers=ADMIN)
        assert same.json()["version"] == put.json()["version"]
        (change, *_) = (await world.api.get("/v1/rules/history", headers=ADMIN)).json()
        assert change["actor"] == "admin-1"
        assert change["before"]["near_expiry_days"] == current["near_expiry_days"]
        assert change["after"] == body
    finally:
        restore = {k: current[k] for k in body}
        assert (await world.api.put("/v1/rules", json=restore, headers=ADMIN)).status_code == 200


async def test_webhooks_are_validated_never_show_their_secret_and_can_be_deleted(
    world: AlertsWorld,
) -> None:
    secret = new_secret()
    body = {"url": "http://127.0.0.1:9/hook", "types": ["recall"], "secret": secret}
    for bad, slug in (
        ({"url": "ftp://example.com/hook"}, "invalid-webhook-url"),
        ({"url": "http://user:pw@example.com/hook"}, "invalid-webhook-url"),
        ({"url": "not a url"}, "invalid-webhook-url"),
        ({"secret": "short"}, "invalid-input"),
        ({"secret": "free-text-secret-that-is-long-enough"}, "invalid-webhook-secret"),
        ({"secret": "whsec_" + "A" * 24}, "invalid-webhook-secret"),
        ({"secret": "whsec_not*base64*at*all*0123456789"}, "invalid-webhook-secret"),
        ({"types": ["flood"]}, "invalid-input"),
    ):
        response = await world.api.post("/v1/webhooks", json=body | bad, headers=ADMIN)
        assert (response.status_code, problem_type(response)) == (422, slug), bad
        if slug == "invalid-webhook-secret":
            assert response.json()["errors"][0]["field"] == "secret"
            assert str(bad["secret"]) not in response.text
    assert (await world.api.post("/v1/webhooks", json=body, headers=QA)).status_code == 403

    key = {"Idempotency-Key": f"hook-{uuid.uuid4()}"}
    created = await world.api.post("/v1/webhooks", json=body, headers=ADMIN | key)
    retried = await world.api.post("/v1/webhooks", json=body, headers=ADMIN | key)
    assert created.status_code == retried.status_code == 201
    assert created.json() == retried.json()
    webhook_id = created.json()["webhook_id"]
    assert secret not in created.text
    listed = await world.api.get("/v1/webhooks", headers=ADMIN)
    assert [w["webhook_id"] for w in listed.json()].count(webhook_id) == 1
    assert created.json()["legacy_signature"] is False
    assert secret not in listed.text
    (row,) = await world.sql(
        "SELECT secret_sealed FROM subscriptions WHERE subscription_id = $1::uuid", webhook_id
    )
    assert secret.encode() not in bytes(row["secret_sealed"])

    assert (await world.api.delete(f"/v1/webhooks/{webhook_id}", headers=ADMIN)).status_code == 204
    for response in (
        await world.api.get(f"/v1/webhooks/{webhook_id}", headers=ADMIN),
        await world.api.delete(f"/v1/webhooks/{webhook_id}", headers=ADMIN),
    ):
        assert (response.status_code, problem_type(response)) == (404, "unknown-webhook")
    log = await world.api.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=ADMIN)
    assert log.status_code == 200


async def test_resealing_moves_every_secret_to_the_new_key(world: AlertsWorld) -> None:
    secret = new_secret()
    created = await world.api.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/reseal", "types": [], "secret": secret},
        headers=ADMIN,
    )
    webhook_id = created.json()["webhook_id"]
    old = world.settings.alerts_webhook_keys.get_secret_value()
    async with world.runtime.uow() as uow:
        assert await reseal_all(uow.stores, SecretBox(f"a-brand-new-key-0123456789,{old}")) >= 1
        await uow.commit()
    (row,) = await world.sql(
        "SELECT secret_sealed FROM subscriptions WHERE subscription_id = $1::uuid", webhook_id
    )
    sealed = bytes(row["secret_sealed"])
    assert SecretBox("a-brand-new-key-0123456789").open(sealed) == secret
    async with world.runtime.uow() as uow:
        await reseal_all(uow.stores, SecretBox(f"{old},a-brand-new-key-0123456789"))
        await uow.commit()
    await world.api.delete(f"/v1/webhooks/{webhook_id}", headers=ADMIN)


async def test_the_openapi_document_names_every_endpoint(world: AlertsWorld) -> None:
    document = (await world.api.get("/openapi.json")).json()
    assert {
        "/v1/alerts",
        "/v1/alerts/{alert_id}/ack",
        "/v1/alerts/{alert_id}/resolve",
        "/v1/rules",
        "/v1/rules/history",
        "/v1/webhooks",
        "/v1/webhooks/{webhook_id}",
        "/v1/webhooks/{webhook_id}/deliveries",
    } <= set(document["paths"])
    ready = await world.api.get("/readyz")
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "schema": "ok", "kafka": "ok"},
    }
