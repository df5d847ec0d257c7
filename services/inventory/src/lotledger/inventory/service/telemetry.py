"""Publishing sensor readings: each judged against the sensor registry and the reading
window (`domain.sensors.refusal`), the admitted ones sent to Kafka keyed by sensor and
stamped with when lotledger received them (`recordedtime`), done only when every send is
acknowledged. A refused reading never fails the others. An idempotency key stores the
answer after the acknowledgement; a replay of readings is harmless anyway (projections
key readings by sensor and time)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import uuid4

from lotledger.inventory.domain.sensors import Window, refusal
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.telemetry import READING, Reading
from lotledger.shared.contracts.topics import TELEMETRY
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.errors import DomainError
from lotledger.shared.idempotency import DuplicateKey, StoredResponse, replay
from lotledger.shared.identifiers import warehouse_of
from lotledger.shared.kafka import STRUCTURED
from lotledger.shared.publishing import Outgoing, publish

SEND_TIMEOUT_S = 15.0


class TelemetryUnavailable(Exception):
    """Kafka did not acknowledge the readings in time."""


@dataclass(frozen=True)
class Refused:
    index: int
    reading: Reading
    refusal: DomainError


@dataclass(frozen=True)
class Published:
    accepted: int
    refused: list[Refused] = field(default_factory=list)
    replay: StoredResponse | None = None


async def publish_readings(
    rt: InventoryRuntime,
    who: Principal,
    readings: list[Reading],
    key: str | None,
    fingerprint: str | None,
    render: Callable[[Published], bytes],
) -> Published:
    """Judge, publish and answer; `render` makes the body an idempotency key replays."""
    async with rt.uow() as uow:
        if key:
            stored = (await uow.idempotency.find(who.sub, [key])).get(key)
            if stored is not None:
                return Published(0, replay=replay(stored, fingerprint))
        sensors = await uow.sensors.sensors(sorted({r.sensor for r in readings}))
    settings, now = rt.settings, rt.clock.now()
    window = Window(
        now,
        timedelta(hours=settings.telemetry_late_horizon_hours),
        timedelta(seconds=settings.telemetry_max_skew_s),
    )
    judged = [(i, r, refusal(i, r, sensors, window)) for i, r in enumerate(readings)]
    admitted = [r for _, r, why in judged if why is None]
    refused = [Refused(i, r, why) for i, r, why in judged if why is not None]
    if admitted:
        await _send(rt, who, admitted, now)
    published = Published(len(admitted), refused)
    if key and fingerprint:
        with contextlib.suppress(DuplicateKey):
            async with rt.uow() as uow:
                body = StoredResponse(fingerprint, 202, render(published))
                await uow.idempotency.remember(who.sub, [(key, body)])
                await uow.commit()
    return published


async def _send(
    rt: InventoryRuntime, who: Principal, readings: list[Reading], now: datetime
) -> None:
    topic = rt.settings.topic(TELEMETRY)
    try:
        producer = await rt.telemetry.get()
        async with asyncio.timeout(SEND_TIMEOUT_S):
            await publish(
                producer,
                [
                    Outgoing(topic, r.sensor.encode(), _event(r, who, now).to_json(), STRUCTURED)
                    for r in readings
                ],
            )
    except Exception as exc:
        raise TelemetryUnavailable(f"Kafka did not acknowledge the readings: {exc}") from exc


def _event(reading: Reading, who: Principal, now: datetime) -> CloudEvent:
    return CloudEvent(
        id=uuid4(),
        source=f"/inventory/{warehouse_of(reading.location)}/telemetry",
        type=READING,
        subject=reading.sensor,
        time=reading.at,
        data=reading.as_data(),
        actor=who.sub,
        device=who.device or reading.sensor,
        recordedtime=now,
    )
