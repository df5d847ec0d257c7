"""Guarantee 4 for alerts: the facts restored from the projector's topics and the alerts
restored from their own log equal the live schema, people's acknowledgements and
resolutions included; and the comparison names a difference when there is one."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import asyncpg
import pytest

from lotledger.alerts.bootstrap import Wiring, build_engine, run_rebuild
from lotledger.alerts.entrypoints.rebuild import compare_with_live
from lotledger.shared.contracts import excursions as x
from lotledger.shared.contracts.topics import EXCURSIONS
from lotledger.shared.envelope import CloudEvent
from tests.integration.alerts.serial_steps import packs_of, shipped_pallet, verified_return
from tests.integration.alerts.steps import (
    COLD_A,
    applied,
    dispose,
    pick,
    post,
    product,
    recall,
    receive,
)
from tests.integration.alerts.world import (
    ADMIN,
    QA,
    TODAY,
    AlertsWorld,
    alerts_environment,
    alerts_world,
    fresh_gtin,
)
from tests.support.world import PHARMACIES, SUPPLIER, fresh_lot, register_sensor


@pytest.fixture(scope="module")
async def lived() -> AsyncIterator[AlertsWorld]:
    """A world that raised, acknowledged, resolved and re-raised alerts of several kinds."""
    async with alerts_world() as world:
        gtin, lot = fresh_gtin(), fresh_lot("RB")
        await product(world, gtin, reorder_point=10)
        await receive(world, gtin, lot, 20, "2027-09-30")
        await pick(world, gtin, lot, 15)
        recalled, batch = fresh_gtin(), fresh_lot("RC")
        await product(world, recalled)
        await receive(world, recalled, batch, 8, "2027-09-30")
        await pick(world, recalled, batch, 3)
        await recall(world, recalled, batch)
        await applied(world, recalled, batch, 3)
        costed, wasted = fresh_gtin(), fresh_lot("RW")
        await product(world, costed)
        await post(
            world,
            "/v1/receipts",
            {
                "gtin": costed,
                "lot": wasted,
                "expiry": "2027-09-30",
                "qty": 9,
                "location": COLD_A,
                "supplier": SUPPLIER,
                "unit_cost": "1.25",
                "currency": "EUR",
                "scanned_at": (TODAY - timedelta(days=3)).isoformat(),
            },
        )
        await pick(world, costed, wasted, 2)
        await dispose(world, costed, wasted, 4)
        await applied(world, costed, wasted, 3)
        await register_sensor(
            world.inventory,
            ADMIN,
            f"RB-{uuid.uuid4().hex[:6]}",
            "WH1/COLD-A/01",
            calibration_due="2026-11-01",
        )
        started = x.ExcursionStarted(
            excursion_id=str(uuid.uuid4()),
            location="WH1/COLD-A/02",
            sensor="T-WH1-COLD-A-02",
            kind=x.ExcursionKind.TEMPERATURE_HIGH,
            limit=8.0,
            started_at=TODAY - timedelta(hours=3),
            peak=9.9,
            readings=5,
            detected_late=True,
        )
        await world.produce(
            EXCURSIONS,
            started.location,
            CloudEvent(
                id=uuid.uuid4(),
                source="/traceability/WH1",
                type=x.STARTED,
                subject=started.location,
                time=started.started_at,
                data=started.as_data(),
            ),
        )

        returned = await shipped_pallet(world)
        await verified_return(world, returned, packs_of(returned, 1)[:2], PHARMACIES[0])

        async def raised() -> list[dict[str, object]] | None:
            found = await world.alerts(status="open")
            kinds = {a["type"] for a in found}
            expected = {"low_stock", "recall", "temperature_excursion", "suspect_product"}
            return found if expected <= kinds else None

        opened = await world.until(raised)
        await world.sweep(TODAY + timedelta(hours=1))
        low = next(a for a in opened if a["type"] == "low_stock")
        late = next(a for a in opened if a["type"] == "temperature_excursion")
        assert (await world.api.post(f"/v1/alerts/{low['alert_id']}/ack", headers=QA)).is_success
        resolve = await world.api.post(f"/v1/alerts/{late['alert_id']}/resolve", headers=QA)
        assert resolve.is_success
        yield world


async def test_the_alerts_rebuild_equals_live_and_a_difference_is_named(
    lived: AlertsWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = lived.settings
    assert await run_rebuild(settings, compare=True, wait_s=30, clock=lived.clock) == 0
    out = capsys.readouterr().out
    assert "rebuild equals live" in out, out
    assert "DIFFERENT" not in out
    admin = await asyncpg.connect(lived.infra.admin_url())
    try:
        rows = await admin.fetch(
            "SELECT status, acknowledged_by, resolved_by FROM alerts_rebuild.alerts "
            "WHERE acknowledged_by IS NOT NULL OR resolved_by IS NOT NULL ORDER BY status"
        )
        assert [(r["status"], r["acknowledged_by"], r["resolved_by"]) for r in rows] == [
            ("acknowledged", "qa-1", None),
            ("resolved", None, "qa-1"),
        ]
        suspect = await admin.fetch(
            "SELECT subject, details -> 'verdicts' AS verdicts FROM alerts_rebuild.alerts "
            "WHERE alert_type = 'suspect_product'"
        )
        assert [r["verdicts"] for r in suspect] == ['{"not_shipped_to_party": 2}']
        for facts in ("lot_costs", "shipped_daily", "receipts_seen", "disposed_daily"):
            count = f"SELECT count(*) FROM alerts_rebuild.{facts}"  # noqa: S608 (constants)
            assert await admin.fetchval(count), facts
        await admin.execute("UPDATE alerts_rebuild.alerts SET severity = 'info'")
    finally:
        await admin.close()
    engine = build_engine(settings, "test", settings.alerts_rebuild_schema)
    try:
        verdicts = await compare_with_live(Wiring(settings, lived.clock), engine, wait_s=30)
    finally:
        await engine.dispose()
    assert {v.table for v in verdicts if not v.equal} == {"alerts"}


async def test_the_rebuild_command_exits_zero_when_equal(lived: AlertsWorld) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "lotledger.alerts.cli",
        "rebuild",
        "--compare",
        env={**os.environ, **alerts_environment(lived.infra)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode()
    assert process.returncode == 0, text
    assert "records/s" in text
    assert "rebuild equals live" in text
