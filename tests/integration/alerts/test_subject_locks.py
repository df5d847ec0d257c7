"""Evaluations lock their subjects, not the schema (docs/adr/0017): two transactions wait
for each other only on a common group, and a sweep, the projector and people acting on
one product at once still leave one open alert per key and what one evaluation of the
final facts would."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from lotledger.alerts.adapters.unit_of_work import UnitOfWork
from lotledger.alerts.domain import lock_keys
from lotledger.shared.contracts.topics import STOCK
from tests.integration.alerts.steps import consumed, pick, product, receive
from tests.integration.alerts.world import QA, AlertsWorld, alerts_world, fresh_gtin
from tests.support.world import fresh_lot


async def test_a_transaction_waits_only_for_one_holding_a_common_subject(
    world: AlertsWorld,
) -> None:
    ours, other = fresh_gtin(), fresh_gtin()
    engine = world.runtime.engine
    async with UnitOfWork(engine) as holder:
        await holder.stores.lock_subjects([lock_keys.product(ours)])

        async with UnitOfWork(engine) as elsewhere:
            await asyncio.wait_for(
                elsewhere.stores.lock_subjects([lock_keys.product(other), "sync_conflict:x"]), 2
            )

        async def same() -> None:
            async with UnitOfWork(engine) as waiter:
                await waiter.stores.lock_subjects(
                    [lock_keys.product(other), lock_keys.product(ours)]
                )

        waiting = asyncio.create_task(same())
        await asyncio.sleep(0.5)
        assert not waiting.done()
    await asyncio.wait_for(waiting, 5)


async def test_subject_locks_are_taken_once_per_transaction(world: AlertsWorld) -> None:
    async with UnitOfWork(world.runtime.engine) as uow:
        await uow.stores.lock_subjects([lock_keys.product(fresh_gtin())])
        with pytest.raises(RuntimeError, match="up front"):
            await uow.stores.lock_subjects([lock_keys.product(fresh_gtin())])


async def test_sweep_projector_and_acknowledgements_on_one_product_at_once() -> None:
    async with alerts_world() as world:
        gtin = fresh_gtin()
        await product(world, gtin, reorder_point=10)
        lots = [fresh_lot("CC") for _ in range(4)]
        for lot in lots:
            await receive(world, gtin, lot, 5, "2027-09-30")

        async def acknowledge_open() -> None:
            for alert in await world.alerts(gtin=gtin):
                if alert["status"] == "raised":
                    response = await world.api.post(
                        f"/v1/alerts/{alert['alert_id']}/ack",
                        headers=QA | {"Idempotency-Key": str(uuid.uuid4())},
                    )
                    assert response.status_code in (200, 409), response.text

        for round_ in range(8):
            lot = lots[round_ % len(lots)]
            await asyncio.gather(
                pick(world, gtin, lot, 2),
                world.sweep(world.clock.now()),
                acknowledge_open(),
                world.sweep(world.clock.now()),
            )
        await consumed(world, STOCK)

        doubled = await world.sql(
            "SELECT alert_type, subject, tier FROM alerts WHERE gtin = $1 "
            "AND status <> 'resolved' GROUP BY 1, 2, 3 HAVING count(*) > 1",
            gtin,
        )
        assert doubled == []
        stock = await world.sql("SELECT sum(qty) AS n FROM lot_stock WHERE gtin = $1", gtin)
        assert stock[0]["n"] == 4 * 5 - 8 * 2
        opened = [a for a in await world.alerts(gtin=gtin) if a["status"] != "resolved"]
        assert [(a["type"], a["subject"]) for a in opened] == [("low_stock", f"{gtin}@WH1")]
        assert (await world.sweep(world.clock.now())).changes == {}
