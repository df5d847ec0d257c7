"""The lots a projector keeps in memory between batches (`adapters.lot_memory`) are the
lots the database holds: batch after batch on the real schema, and after another member
wrote the partition's facts meanwhile, when they must not be used."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiokafka import TopicPartition

from lotledger.alerts.adapters.lot_memory import LotMemory
from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain.facts import LotFacts
from lotledger.alerts.entrypoints.projector import AlertsProjection
from lotledger.shared.contracts import stock as s
from lotledger.shared.contracts.topics import ALERTS_STOCK_BY_PRODUCT
from lotledger.shared.projection import Projector
from tests.integration.alerts.records import FakeRecord, stock_envelope
from tests.integration.alerts.steps import product
from tests.integration.alerts.world import TODAY, AlertsWorld, fresh_gtin
from tests.support.world import SUPPLIER, fresh_lot


class WatchedMemory(LotMemory):
    def __init__(self) -> None:
        super().__init__(10_000)
        self.recalled: list[list[str]] = []

    def recall(self, gtins: Any) -> dict[str, Mapping[str, LotFacts]]:
        out = super().recall(gtins)
        self.recalled.append(sorted(out))
        return out


@dataclass
class Stream:
    """One product's stock events on partition 0 of the re-keyed topic, in offset order."""

    world: AlertsWorld
    gtin: str
    offset: int = 0
    versions: dict[str, int] = field(default_factory=dict)

    def records(self, *events: s.StockEvent) -> dict[TopicPartition, list[Any]]:
        topic = self.world.settings.topic(ALERTS_STOCK_BY_PRODUCT)
        out = []
        for event in events:
            self.versions[event.lot] = self.versions.get(event.lot, 0) + 1
            envelope = stock_envelope(event, self.versions[event.lot])
            out.append(FakeRecord(topic, 0, self.offset, envelope.to_json(), 0))
            self.offset += 1
        return {TopicPartition(topic, 0): out}

    def received(self, lot: str, qty: int, days: int = 30) -> s.Received:
        return s.Received(
            gtin=self.gtin,
            lot=lot,
            at=TODAY,
            location="WH1/A/01",
            qty=qty,
            expiry=(TODAY + timedelta(days=days)).date(),
            supplier=SUPPLIER,
            status=s.BatchStatus.AVAILABLE,
        )

    def picked(self, lot: str, qty: int, location: str = "WH1/A/01") -> s.Picked:
        return s.Picked(
            gtin=self.gtin,
            lot=lot,
            at=TODAY,
            location=location,
            qty=qty,
            order_ref="SO-1",
            ship_to="urn:epc:id:sgln:0614141.00001.0",
        )

    def moved(self, lot: str, qty: int, to: str) -> s.Moved:
        return s.Moved(
            gtin=self.gtin, lot=lot, at=TODAY, qty=qty, from_location="WH1/A/01", to_location=to
        )

    def quarantined(self, lot: str) -> s.Quarantined:
        return s.Quarantined(gtin=self.gtin, lot=lot, at=TODAY, reason="QA sample", by="qa")


def _member(world: AlertsWorld, consumer: str, memory: LotMemory) -> Projector:
    projection = AlertsProjection(world.settings, world.clock, lot_memory=memory)
    projection.consumer = consumer
    return Projector(world.settings, world.runtime.engine, projection, "unused")


async def _stored(world: AlertsWorld, gtin: str) -> dict[str, LotFacts]:
    async with world.runtime.engine.connect() as conn:
        lots = await (await Stores.within(conn)).lots.lots_of({gtin: ()})
    return {lot.lot: lot for lot in lots[gtin]}


def _remembered(memory: LotMemory, gtin: str) -> dict[str, LotFacts]:
    memory.resume([0])
    memory.start({gtin: 0})
    return dict(LotMemory.recall(memory, [gtin]).get(gtin, {}))


async def _open_low_stock(world: AlertsWorld, gtin: str) -> list[Any]:
    rows = await world.sql(
        "SELECT details FROM alerts WHERE gtin = $1 AND alert_type = 'low_stock' "
        "AND status <> 'resolved'",
        gtin,
    )
    return [json.loads(r["details"])["available"] for r in rows]


async def test_kept_lots_equal_the_stored_lots_batch_after_batch(world: AlertsWorld) -> None:
    gtin, rng = fresh_gtin(), random.Random(20261205)
    stream, memory = Stream(world, gtin), WatchedMemory()
    member = _member(world, f"alerts-memory-{uuid.uuid4().hex[:6]}", memory)
    lots = [fresh_lot("KM") for _ in range(6)]
    on_shelf: dict[str, int] = {}
    for _ in range(12):
        events: list[s.StockEvent] = []
        for _ in range(rng.randint(1, 6)):
            lot = rng.choice(lots)
            have, roll = on_shelf.get(lot), rng.random()
            if have is None:
                on_shelf[lot] = qty = rng.randint(5, 40)
                events.append(stream.received(lot, qty, days=rng.randint(5, 400)))
            elif have and roll < 0.5:
                qty = rng.randint(1, have)
                on_shelf[lot] -= qty
                events.append(stream.picked(lot, qty))
            elif have and roll < 0.9:
                qty = rng.randint(1, have)
                on_shelf[lot] -= qty
                events.append(stream.moved(lot, qty, rng.choice(["WH1/B/02", "WH2/A/01"])))
            else:
                events.append(stream.quarantined(lot))
        assert await member.apply(stream.records(*events)) == len(events)
        assert _remembered(memory, gtin) == await _stored(world, gtin)
    assert [gtin] in memory.recalled[1:]


async def test_a_member_taking_a_partition_back_reads_what_another_wrote_meanwhile(
    world: AlertsWorld,
) -> None:
    gtin, first, second = fresh_gtin(), fresh_lot("TB"), fresh_lot("TB")
    await product(world, gtin, reorder_point=10)
    await world.until(lambda: world.sql("SELECT 1 FROM products WHERE gtin = $1", gtin))
    consumer = f"alerts-memory-{uuid.uuid4().hex[:6]}"
    stream, ours, theirs = Stream(world, gtin), WatchedMemory(), WatchedMemory()
    a, b = _member(world, consumer, ours), _member(world, consumer, theirs)

    await a.apply(stream.records(stream.received(first, 50)))
    await a.apply(stream.records(stream.picked(first, 5)))
    assert ours.recalled == [[], [gtin]]
    assert await _open_low_stock(world, gtin) == []

    await b.apply(stream.records(stream.picked(first, 40)))
    assert await _open_low_stock(world, gtin) == [5]

    await a.apply(stream.records(stream.received(second, 3)))
    assert ours.recalled[-1] == []
    assert await _open_low_stock(world, gtin) == [8]
    assert _remembered(ours, gtin) == await _stored(world, gtin)
