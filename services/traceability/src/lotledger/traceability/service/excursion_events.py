"""Excursion starts and ends as CloudEvents for `lotledger.excursions.v1` (key = location).

- The event id is a UUIDv5 of the excursion id and the phase, so a replay that detects
  the same excursion again produces the same ids, and consumers can drop duplicates.
- `exposed_lots` lists every lot that held stock at the location during the excursion
  as the read model knew it when the change was detected: for an end, the overlap of
  each lot's residence with `[start, end)` and the most it held there; for a start, the
  overlap up to the confirming reading (0 minutes at grace 0, with the quantity on hand
  at the start). The lot endpoints recompute exposure at query time; the event is the
  alarm, not the record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from uuid import uuid5

from lotledger.shared.contracts import excursions as contract
from lotledger.shared.contracts.excursions import ExcursionEnded, ExcursionStarted, ExposedLot
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.domain.excursions import EXCURSION_NAMESPACE, Phase
from lotledger.traceability.domain.residence import Interval, exposure, stock_at
from lotledger.traceability.service.climate_batch import Emitted

ACTOR = "traceability"


def exposed_lots(intervals: Sequence[Interval], emitted: Emitted) -> list[ExposedLot]:
    x = emitted.change.excursion
    end = x.ended_at or emitted.at
    by_lot: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for interval in intervals:
        if interval.location == x.location:
            by_lot[(interval.gtin, interval.lot)].append(interval)
    exposed: list[ExposedLot] = []
    for (gtin, lot), held in sorted(by_lot.items()):
        if end > x.started_at:
            found = exposure(held, x.location, x.started_at, end)
            if found is not None:
                exposed.append(
                    ExposedLot(
                        gtin=gtin, lot=lot, qty=found.max_qty, exposure_minutes=found.minutes
                    )
                )
        elif qty := stock_at(held, x.started_at).get(x.location, 0):
            exposed.append(ExposedLot(gtin=gtin, lot=lot, qty=qty, exposure_minutes=0.0))
    return exposed


def excursion_event(emitted: Emitted, exposed: list[ExposedLot]) -> CloudEvent:
    phase, x = emitted.change.phase, emitted.change.excursion
    common = {
        "excursion_id": x.excursion_id,
        "location": x.location,
        "sensor": x.sensor,
        "kind": x.kind,
        "limit": x.limit,
        "started_at": x.started_at,
        "peak": x.peak,
        "readings": x.readings,
        "exposed_lots": exposed,
    }
    if phase is Phase.STARTED:
        data = ExcursionStarted(**common).as_data()
        event_type, time = contract.STARTED, x.started_at
    else:
        ended_at = x.ended_at or emitted.at
        data = ExcursionEnded(
            **common, ended_at=ended_at, duration_minutes=x.duration_minutes or 0.0
        ).as_data()
        event_type, time = contract.ENDED, ended_at
    return CloudEvent(
        id=uuid5(EXCURSION_NAMESPACE, f"{x.excursion_id}/{phase.value}"),
        source=f"/traceability/{warehouse_of(x.location)}",
        type=event_type,
        subject=x.location,
        time=time,
        data=data,
        actor=ACTOR,
        device=x.sensor,
    )
