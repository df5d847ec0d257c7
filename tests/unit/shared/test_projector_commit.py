"""The positions stored with the read models are the ones that count; the copy committed
to Kafka (for lag as tools see it) may be refused when the group rebalanced meanwhile,
and that must not stop the projector (a member SIGKILLed under load made the survivors'
next commit fail)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import CommitFailedError, KafkaConnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

from lotledger.shared import projection
from lotledger.shared.projection import Projection, Projector
from lotledger.shared.settings import CommonSettings

TP = TopicPartition("t", 0)


class Consumer:
    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.committed: list[dict[TopicPartition, Any]] = []

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    async def commit(self, offsets: dict[TopicPartition, Any]) -> None:
        if self.error is not None:
            raise self.error
        self.committed.append(offsets)


def _projector() -> Projector:
    projection = cast(Projection, SimpleNamespace(consumer="probe", topics=["t"]))
    projector = Projector(CommonSettings(), cast(AsyncEngine, None), projection, "g")
    projector.positions[TP] = 7
    return projector


async def test_a_commit_refused_after_a_rebalance_is_not_fatal() -> None:
    await _projector()._commit(cast(Any, Consumer(CommitFailedError("rebalanced"))))


async def test_the_assigned_positions_are_committed() -> None:
    consumer = Consumer(None)
    await _projector()._commit(cast(Any, consumer))
    assert [{tp: o.offset for tp, o in c.items()} for c in consumer.committed] == [{TP: 7}]


async def test_other_kafka_errors_still_stop_the_projector() -> None:
    with pytest.raises(KafkaConnectionError):
        await _projector()._commit(cast(Any, Consumer(KafkaConnectionError())))


class LoopConsumer(Consumer):
    def subscribe(self, topics: list[str], listener: Any) -> None:
        pass

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


@pytest.mark.parametrize(("every_s", "expected"), [(3600.0, [8, 12]), (0.0, [8, 9, 10, 11, 12])])
async def test_positions_go_to_kafka_at_most_once_an_interval_and_on_stop(
    monkeypatch: pytest.MonkeyPatch, every_s: float, expected: list[int]
) -> None:
    consumer = LoopConsumer(None)
    projector = _projector()
    stop = asyncio.Event()
    fetched = 0

    async def fetch(*_: Any) -> dict[TopicPartition, list[Any]]:
        nonlocal fetched
        fetched += 1
        if fetched == 5:
            stop.set()
        return {TP: [object()]}

    async def apply(_: Any) -> int:
        projector.positions[TP] += 1
        return 1

    monkeypatch.setattr(projection, "create_consumer", lambda *_, **__: consumer)
    monkeypatch.setattr(projection, "fetch", fetch)
    monkeypatch.setattr(projection, "COMMIT_EVERY_S", every_s)
    monkeypatch.setattr(projector, "apply", apply)
    monkeypatch.setattr(projector, "_observe_lag", lambda _: None)
    await projector.run(stop)
    assert [c[TP].offset for c in consumer.committed] == expected
