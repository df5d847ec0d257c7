"""Excursion revisions as CloudEvents for `lotledger.excursions.v1` (key = location).

- Event ids are UUIDv5s of the excursion id, the phase and what the phase says (an end's
  time, a restart's previous end), so a replay that finds the same excursion again
  produces the same ids, a corrected end gets a new one, and consumers can drop
  duplicates.
- `exposed_lots` lists every lot that held stock at the location during the excursion
  as the read model knew it when the change was found: for an end, the overlap of each
  lot's residence with `[start, end)` and the most it held there; for a start, the
  overlap with the grace period (0 minutes at grace 0, with the quantity on hand at the
  start). The lot endpoints recompute exposure at query time; the event is the alarm,
  not the record.
- `detected_late` marks an excursion whose first out-of-range reading reached lotledger
  more than the rules' `late_after` past its start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import uuid5

from lotledger.shared.contracts import excursions as contract
from lotledger.shared.contracts.excursions import (
    ExcursionEnded,
    ExcursionStarted,
    ExcursionWithdrawn,
    ExposedLot,
)
from lotledger.shared.envelope import CloudEvent, format_time
from lotledger.shared.identifiers import warehouse_of
from lotledger.traceability.domain.excursion import EXCURSION_NAMESPACE, Excursion
from lotledger.traceability.domain.residence import Interval, exposure, stock_at
from lotledger.traceability.service.excursion_diff import Publish, Revision

ACTOR = "traceability"


def exposure_window(x: Excursion, publish: Publish, grace: timedelta) -> tuple[datetime, datetime]:
    if publish is Publish.ENDED and x.ended_at is not None:
        return x.started_at, x.ended_at
    return x.started_at, x.started_at + grace


def exposed_lots(intervals: Sequence[Interval], x: Excursion, end: datetime) -> list[ExposedLot]:
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


def _event_id(x: Excursion, publish: Publish, revision: Revision) -> str:
    if publish is Publish.STARTED:
        since = revision.previous_end
        return f"{x.excursion_id}/started" + ("" if since is None else f"/{format_time(since)}")
    if publish is Publish.ENDED and x.ended_at is not None:
        return f"{x.excursion_id}/ended/{format_time(x.ended_at)}"
    return f"{x.excursion_id}/{publish.value}"


def excursion_event(revision: Revision, publish: Publish, exposed: list[ExposedLot]) -> CloudEvent:
    x = revision.excursion
    common = {
        "excursion_id": x.excursion_id,
        "location": x.location,
        "kind": x.kind,
        "started_at": x.started_at,
    }
    full = {
        **common,
        "sensor": x.sensor,
        "limit": x.limit,
        "peak": x.peak,
        "readings": x.readings,
        "exposed_lots": exposed,
        "sensors": list(x.sensors),
        "detected_late": x.detected_late,
    }
    if publish is Publish.STARTED:
        data = ExcursionStarted(**full, reopened_after=revision.previous_end).as_data()
        event_type, time = contract.STARTED, x.started_at
    elif publish is Publish.ENDED and x.ended_at is not None:
        data = ExcursionEnded(
            **full, ended_at=x.ended_at, duration_minutes=x.duration_minutes or 0.0
        ).as_data()
        event_type, time = contract.ENDED, x.ended_at
    else:
        data = ExcursionWithdrawn(**common, superseded_by=revision.superseded_by).as_data()
        event_type, time = contract.WITHDRAWN, x.started_at
    return CloudEvent(
        id=uuid5(EXCURSION_NAMESPACE, _event_id(x, publish, revision)),
        source=f"/traceability/{warehouse_of(x.location)}",
        type=event_type,
        subject=x.location,
        time=time,
        data=data,
        actor=ACTOR,
        device=x.sensor,
    )
