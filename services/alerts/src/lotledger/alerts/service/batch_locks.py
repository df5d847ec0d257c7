"""The subject locks a projector batch takes before it writes anything (docs/adr/0017):
the keys of every group its records' facts feed and its evaluations settle.

| record                      | keys                                                  |
|-----------------------------|-------------------------------------------------------|
| stock event                 | its product; a pick marked fefo_deviation, its event  |
| catalog product             | the product                                           |
| catalog sensor              | the sensor's silence and its location's watch         |
| reading                     | the sensor's silence                                  |
| excursion start/end/withdraw| the excursion, and the silence of the sensors at its  |
|                             | location (read before the locks are taken)            |
| sync conflict               | the conflict                                          |
| suspect return              | the return record                                     |

A location record changes only the zones, read by every later evaluation: no key.
A record type the projector learns to handle needs its row here too: `recording.record`
refuses any alert change whose group's key the batch does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from lotledger.alerts.adapters.unit_of_work import Stores
from lotledger.alerts.domain import lock_keys
from lotledger.shared.contracts import catalog, excursions, stock, sync, telemetry
from lotledger.shared.contracts.alerts import AlertType as T
from lotledger.shared.contracts.common import Payload
from lotledger.shared.envelope import CloudEvent


async def keys_of(stores: Stores, parsed: Iterable[tuple[CloudEvent, Payload]]) -> set[str]:
    keys: set[str] = set()
    places: set[str] = set()
    for envelope, payload in parsed:
        match payload:
            case stock.StockEvent():
                keys.add(lock_keys.product(payload.gtin))
                if isinstance(payload, stock.Picked) and payload.fefo_deviation:
                    keys.add(lock_keys.group(T.FEFO_DEVIATION, str(envelope.id)))
            case catalog.Product():
                keys.add(lock_keys.product(payload.gtin))
            case catalog.Sensor():
                keys |= {lock_keys.silence(payload.sensor_id), lock_keys.silence(payload.location)}
            case telemetry.Reading():
                keys.add(lock_keys.silence(payload.sensor))
            case (
                excursions.ExcursionStarted()
                | excursions.ExcursionEnded()
                | excursions.ExcursionWithdrawn()
            ):
                keys |= lock_keys.excursion(payload.excursion_id)
                places.add(payload.location)
            case sync.SyncConflictRecorded() | sync.SyncConflictResolved():
                keys.add(lock_keys.group(T.SYNC_CONFLICT, payload.conflict_id))
            case sync.SuspectReturnRecorded():
                keys.add(lock_keys.group(T.SUSPECT_PRODUCT, payload.return_id))
    if places:
        sensors = await stores.climate.sensors_at(places)
        keys |= {lock_keys.silence(s) for s in sensors}
    return keys
