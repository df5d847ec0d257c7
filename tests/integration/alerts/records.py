"""Stock events as the alerts projector receives them from the re-keyed topic: a
CloudEvent per event and a record carrying it, for tests that drive a projection
directly instead of through Kafka."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lotledger.shared.contracts.stock import TYPE_OF, StockEvent
from lotledger.shared.envelope import CloudEvent


@dataclass(frozen=True)
class FakeRecord:
    topic: str
    partition: int
    offset: int
    value: bytes
    timestamp: int


def stock_envelope(event: StockEvent, version: int) -> CloudEvent:
    """The event as inventory publishes it: version `version` of its batch's stream."""
    return CloudEvent(
        id=uuid.uuid4(),
        source="/inventory/WH1",
        type=TYPE_OF[type(event)],
        subject=f"{event.gtin}/{event.lot}",
        time=event.at,
        data=event.as_data(),
        streamversion=version,
    )
