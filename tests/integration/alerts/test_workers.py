"""Alerts projectors scale by partition (docs/adr/0017): several members of one consumer
group, each owning the products of its partitions of the re-keyed stock, leave exactly
what one evaluation of the final facts would (a sweep at the same instant changes
nothing), equal to a rebuild from the topics, with nothing applied or raised twice."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lotledger_bench import alerts_workload
from sqlalchemy.ext.asyncio import AsyncConnection

from lotledger.alerts.bootstrap import (
    build_projector,
    build_repartitioner,
    build_runtime,
    run_rebuild,
)
from lotledger.alerts.entrypoints.projector import GROUP, AlertsProjection
from lotledger.shared.contracts.topics import ALERTS, ALERTS_STOCK_BY_PRODUCT, CATALOG, STOCK
from lotledger.shared.projection import Record
from tests.integration.alerts.steps import consumed
from tests.integration.alerts.world import AlertsWorld, alerts_environment, alerts_world
from tests.support.kafka import group_members, read_topic
from tests.support.processes import spawn_cli

PRODUCTS, EVENTS = 60, 1500


class Counting(AlertsProjection):
    """The alerts projection, counting the re-keyed stock records this member applied."""

    stock_records = 0

    async def apply(self, conn: AsyncConnection, records: Sequence[Record]) -> None:
        await super().apply(conn, records)
        self.stock_records += sum(1 for r in records if r.topic.endswith(ALERTS_STOCK_BY_PRODUCT))


async def test_two_more_projectors_in_the_group_leave_what_one_evaluation_would() -> None:
    async with alerts_world() as world:
        runtime = build_runtime(world.settings, world.clock, pool_size=4)
        members = []
        stop = asyncio.Event()
        tasks = [asyncio.create_task(build_repartitioner(runtime).run(stop))]
        for _ in range(2):
            projector = build_projector(runtime)
            counting = Counting(world.settings, world.clock)
            projector.projection = counting
            members.append(counting)
            tasks.append(asyncio.create_task(projector.run(stop)))
        try:
            await world.until(lambda: _members_are(world, 3), timeout_s=120)
            codes = alerts_workload.gtins(PRODUCTS, first=5000)
            sent = await alerts_workload.publish(world.settings, codes, EVENTS, seed=17)
            await consumed(world, CATALOG)
            await consumed(world, STOCK)
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
            await runtime.engine.dispose()

        assert all(m.stock_records > 0 for m in members), "each extra member owned products"
        await _every_lot_applied_once(world, codes, sent)
        raised = await world.sql(
            "SELECT alert_type, count(*) AS n FROM alerts WHERE gtin = ANY($1::text[]) GROUP BY 1",
            codes,
        )
        assert {r["alert_type"] for r in raised} >= {"low_stock"}

        await world.forecasts_caught_up()
        report = await world.sweep(world.clock.now())
        assert report.changes == {}

        await _published_once(world)

        assert await run_rebuild(world.settings, compare=True, wait_s=60, clock=world.clock) == 0


async def _members_are(world: AlertsWorld, count: int) -> bool:
    """Whether the projectors' group has `count` members: each joined and has its share
    before the load starts (a member joining after the backlog is applied owns nothing)."""
    group = world.settings.topic(GROUP)
    return await group_members(world.settings.kafka_bootstrap, group) == count


async def test_a_member_sigkilled_mid_load_loses_and_doubles_nothing() -> None:
    """The world's projector and two processes share the group; one process is SIGKILLed
    while the backlog is being applied. Its partitions go to the others, which go on from
    the positions committed with the facts."""
    async with alerts_world() as world:
        processes = [
            await spawn_cli("alerts", "project", alerts_environment(world.infra)),
            await spawn_cli("alerts", "project", alerts_environment(world.infra)),
        ]
        try:
            await world.until(lambda: _members_are(world, 3), timeout_s=120)
            codes = alerts_workload.gtins(PRODUCTS, first=6000)
            publishing = asyncio.create_task(
                alerts_workload.publish(world.settings, codes, EVENTS * 4, seed=29)
            )

            async def applied(at_least: int) -> bool:
                rows = await world.sql(
                    "SELECT coalesce(sum(version), 0) AS n FROM lots WHERE gtin = ANY($1::text[])",
                    codes,
                )
                return int(rows[0]["n"]) >= at_least

            await world.until(lambda: applied(EVENTS // 10), timeout_s=180)
            assert not await applied(EVENTS * 4), "killed mid-load, not after it"
            processes[0].send_signal(signal.SIGKILL)
            await processes[0].wait()
            sent = await publishing
            await consumed(world, CATALOG)
            await consumed(world, STOCK)
        finally:
            for process in processes:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
            await asyncio.gather(*(asyncio.wait_for(p.wait(), 60) for p in processes))

        await _every_lot_applied_once(world, codes, sent)
        await _published_once(world)
        assert await run_rebuild(world.settings, compare=True, wait_s=60, clock=world.clock) == 0


async def _every_lot_applied_once(world: AlertsWorld, codes: list[str], sent: int) -> None:
    """Each lot at its last version with the stock its history leaves (30 in, 4 × 6 out)."""
    lots = await world.sql(
        "SELECT count(*) AS n, min(version) AS lo, max(version) AS hi FROM lots "
        "WHERE gtin = ANY($1::text[])",
        codes,
    )
    assert (lots[0]["n"] * alerts_workload.PER_LOT, lots[0]["lo"], lots[0]["hi"]) == (
        sent,
        alerts_workload.PER_LOT,
        alerts_workload.PER_LOT,
    )
    stock = await world.sql(
        "SELECT DISTINCT qty FROM lot_stock WHERE gtin = ANY($1::text[])", codes
    )
    assert [r["qty"] for r in stock] == [6]


async def _published_once(world: AlertsWorld) -> None:
    """No alert event published twice, no alert raised twice."""
    published = await _published(world)
    assert max(Counter(m["id"] for m in published).values()) == 1
    raises = Counter(m["subject"] for m in published if m["type"].endswith(".raised.v1"))
    assert max(raises.values()) == 1


async def _published(world: Any) -> list[dict[str, Any]]:
    async def drained() -> bool:
        return not await world.sql("SELECT 1 FROM outbox LIMIT 1")

    await world.until(drained, timeout_s=60)
    return await read_topic(
        world.settings.kafka_bootstrap, world.settings.topic(ALERTS), until=None
    )
