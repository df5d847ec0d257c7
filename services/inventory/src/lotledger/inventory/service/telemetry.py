"""Publishing sensor readings: validated against the catalog, sent to Kafka keyed by sensor,
done only when every send is acknowledged. An idempotency key stores the answer after the
acknowledgement; a replay of readings is harmless anyway (projections key readings by
sensor and time)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from uuid import uuid4

from lotledger.inventory.adapters.idempotency import DuplicateKey, StoredResponse
from lotledger.inventory.domain.errors import UnknownLocation
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.telemetry import READING, Reading
from lotledger.shared.contracts.topics import TELEMETRY
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.errors import Conflict
from lotledger.shared.identifiers import warehouse_of
from lotledger.shared.kafka import STRUCTURED

SEND_TIMEOUT_S = 15.0


class TelemetryUnavailable(Exception):
    """Kafka did not acknowledge the readings in time."""


@dataclass(frozen=True)
class Published:
    accepted: int
    replay: StoredResponse | None = None


async def publish_readings(
    rt: InventoryRuntime,
    who: Principal,
    readings: list[Reading],
    key: str | None,
    fingerprint: str | None,
) -> Published:
    async with rt.uow() as uow:
        if key:
            stored = (await uow.idempotency.find(who.sub, [key])).get(key)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise Conflict(
                        "this idempotency key was used with a different request",
                        field="Idempotency-Key",
                    )
                return Published(0, stored)
        known = await uow.catalog.locations(sorted({r.location for r in readings}))
    unknown = sorted({r.location for r in readings} - set(known))
    if unknown:
        raise UnknownLocation(
            f"unknown location(s): {', '.join(unknown)}", field="location", locations=unknown
        )
    topic = rt.settings.topic(TELEMETRY)
    try:
        producer = await rt.telemetry.get()
        async with asyncio.timeout(SEND_TIMEOUT_S):
            sends = [
                await producer.send(
                    topic, _event(r, who).to_json(), key=r.sensor.encode(), headers=STRUCTURED
                )
                for r in readings
            ]
            await asyncio.gather(*sends)
    except Exception as exc:
        raise TelemetryUnavailable(f"Kafka did not acknowledge the readings: {exc}") from exc
    body = f'{{"accepted":{len(readings)}}}'.encode()
    if key and fingerprint:
        with contextlib.suppress(DuplicateKey):
            async with rt.uow() as uow:
                await uow.idempotency.remember(
                    who.sub, [(key, StoredResponse(fingerprint, 202, body))]
                )
                await uow.commit()
    return Published(len(readings))


def _event(reading: Reading, who: Principal) -> CloudEvent:
    return CloudEvent(
        id=uuid4(),
        source=f"/inventory/{warehouse_of(reading.location)}/telemetry",
        type=READING,
        subject=reading.sensor,
        time=reading.at,
        data=reading.as_data(),
        actor=who.sub,
        device=who.device or reading.sensor,
    )
