"""Publishing returned packs held as suspect (docs/adr/0016-serials.md §9, amendment): the
refused packs of one verified-return request as `suspect_return_recorded` events on the
sync topic, written to the outbox in the request's transaction with the suspect rows, so
alerts raises `suspect_product` for exactly what was held."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.shared.contracts import sync
from lotledger.shared.contracts.stock import SERIALS_PER_EVENT
from lotledger.shared.envelope import CloudEvent
from lotledger.shared.identifiers import warehouse_of


@dataclass(frozen=True)
class Refused:
    pack: Pack
    lot: str | None
    verdict: str


@dataclass(frozen=True)
class Held:
    """Where and from whom refused packs came back, and why the party returned them."""

    from_party: str
    location: str
    reason: str


@dataclass(frozen=True)
class SuspectRecord:
    """One `suspect_return_recorded` event: its id (also its key and its alert's subject),
    its CloudEvent JSON, and the refused packs it names."""

    id: UUID
    payload: bytes
    refused: Sequence[Refused]


def suspect_events(refused: Sequence[Refused], held: Held, meta: Metadata) -> list[SuspectRecord]:
    """One record per at most SERIALS_PER_EVENT refused packs, in scan order; none when
    nothing was refused."""
    parts = [refused[i : i + SERIALS_PER_EVENT] for i in range(0, len(refused), SERIALS_PER_EVENT)]
    warehouse = warehouse_of(held.location)
    out: list[SuspectRecord] = []
    for number, part in enumerate(parts, start=1):
        return_id = uuid4()
        data = sync.SuspectReturnRecorded(
            return_id=str(return_id),
            part=number,
            parts=len(parts),
            from_party=held.from_party,
            location=held.location,
            warehouses=[warehouse],
            reason=held.reason,
            packs=[
                sync.SuspectPack(
                    gtin=r.pack.gtin, serial=r.pack.serial, lot=r.lot, verdict=r.verdict
                )
                for r in part
            ],
            actor=meta.actor,
            device=meta.device,
            recorded_at=meta.now,
        )
        event = CloudEvent(
            id=return_id,
            source=f"/inventory/{warehouse}",
            type=sync.SUSPECT_RETURN,
            subject=str(return_id),
            time=meta.now,
            data=data.as_data(),
            actor=meta.actor,
            device=meta.device,
            correlationid=meta.correlation_id,
            causationid=meta.causation_id,
        )
        out.append(SuspectRecord(return_id, event.to_json(), part))
    return out
