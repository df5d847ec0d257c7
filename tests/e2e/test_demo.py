"""`make demo`'s warehouse day, played against the whole system on its own database and
topics: what it prints is what the services answer, the answers are right, and the alerts
are exactly those the day caused (no false alarm from a reading outside a room's range)."""

from datetime import UTC, datetime

from demo.api import Api, tokens_for
from demo.day import (
    ALERT_TYPES_OF_THE_DAY,
    COLD_ROOM,
    LOGGER,
    LOGGER_ROOM,
    OVERSTOCKED,
    RUNNING_LOW,
    SCARCE,
)
from demo.findings import findings, render
from demo.forecast import forecast, render_forecast
from demo.warehouse_day import WarehouseDay

from tests.support.processes import System
from tests.support.tokens import TEST_SECRET


def text_of(lines: list[str]) -> str:
    return "\n".join(lines)


async def test_the_demo_day_ends_with_trace_exposure_and_alerts(private_system: System) -> None:
    lines: list[str] = []
    api = Api(private_system.urls, tokens_for(TEST_SECRET))
    try:
        since = datetime.now(UTC)
        day = await WarehouseDay(api, lines.append, excursion_s=4, reading_interval_s=1).play()
        found = await findings(api, day, since, patience=120)
        render(api, day, found, lines.append)
        predicted = await forecast(api)
        render_forecast(predicted, lines.append)

        assert day.recalled is not None
        recalled = day.recalled
        path = [step["type"] for step in found.trace["path"]]
        assert path[0] == "received"
        assert path[-2:] == ["disposed", "recalled"]
        assert "picked" in path
        assert found.summary["reconciliation"]["balances"] is True
        consignees = {c["party"]: c["shipped"] for c in found.recall_report["consignees"]}
        assert consignees == dict(day.shipped[recalled.key])

        in_room = set()
        for lot in day.lots:
            held = (await api.ok("GET", "inventory", f"/v1/batches/{lot.path}", "qa"))["on_hand"]
            if held.get(COLD_ROOM, 0) > 0:
                in_room.add((lot.product.gtin, lot.lot))
        exposed = {(e["gtin"], e["lot"]) for e in found.excursion["exposed_lots"]}
        assert in_room
        assert in_room <= exposed
        assert found.excursion["kind"] == "temperature_high"
        assert found.excursion["peak"] > 8

        alerts = {(a["type"], a["status"] != "resolved", a["subject"]) for a in found.alerts}
        assert ("recall", True, recalled.key) in alerts
        assert ("temperature_excursion", False, found.excursion["excursion_id"]) in alerts
        assert ("stock_out", True, f"{SCARCE.gtin}@WH1") in alerts
        assert ("overstock", True, f"{OVERSTOCKED.gtin}@WH1") in alerts
        assert ("low_stock", True, f"{RUNNING_LOW.gtin}@WH1") in alerts
        near = {s for t, is_open, s in alerts if t == "near_expiry" and is_open}
        short = {f"{lot.key}@WH1" for lot in day.lots if lot.short_dated}
        assert short
        assert short <= near
        assert any(t == "fefo_deviation" for t, _, _ in alerts)
        assert day.sync_conflict is not None
        assert day.sync_replayed
        assert ("sync_conflict", True, day.sync_conflict) in alerts
        assert day.suspect_product is not None
        assert ("suspect_product", True, day.suspect_product) in alerts

        assert day.inspected == len(day.lots)
        assert day.rejected is not None
        rejected_lot, _ = day.rejected
        rejected = await api.ok("GET", "inventory", f"/v1/batches/{rejected_lot.path}/events", "qa")
        kinds = [e["type"].split(".")[2] for e in rejected["events"]]
        assert kinds[:4] == ["received", "holding_changed", "holding_changed", "picked"]
        assert rejected["events"][0]["data"]["holding_status"] == "pending_inspection"
        assert rejected["events"][3]["data"]["holding_status"] == "rejected"

        assert day.returned is not None
        returned = await api.ok("GET", "inventory", f"/v1/batches/{day.returned.path}/events", "qa")
        steps = [
            (e["type"].split(".")[2], e["data"].get("holding_status")) for e in returned["events"]
        ]
        at_return = steps.index(("returned", "returned"))
        assert steps[at_return + 1 : at_return + 4] == [
            ("picked", None),
            ("holding_changed", None),
            ("moved", None),
        ]
        assert "still picked from" in text_of(lines)

        assert {a["type"] for a in found.alerts} == ALERT_TYPES_OF_THE_DAY
        quiet = [a for a in found.alerts if a["type"] == "sensor_silent"]
        assert [(a["subject"], a["tier"]) for a in quiet] == [(LOGGER, "")]
        late = [a for a in found.alerts if a["tier"] == "late"]
        assert [(a["type"], a["details"]["location"]) for a in late] == [
            ("temperature_excursion", LOGGER_ROOM)
        ]
        rooms = {
            a["details"]["location"] for a in found.alerts if a["type"] == "temperature_excursion"
        }
        assert rooms == {COLD_ROOM, LOGGER_ROOM}
        assert found.late_excursion["detected_late"] is True
        assert found.late_excursion["sensors"] == [LOGGER]

        text = "\n".join(lines)
        assert f"trace of lot {recalled.lot}" in text
        assert f"{len(exposed)} lots exposed" in text
        assert "found late at" in text
        assert "uv run lotledger token" in text
        assert "top expiry risks" in text
        assert "reorder suggestions" in text
        at_risk = {item["gtin"] for item in predicted.risks}
        assert at_risk <= {lot.product.gtin for lot in day.lots}
        assert all(item["qty_at_risk"] > 0 for item in predicted.risks)
        assert all(r["position"] <= r["reorder_point"] for r in predicted.reorders)
    finally:
        await api.aclose()
