"""Scans of serialised stock (docs/adr/0016-serials.md): receiving an SSCC, picking packs
or containers, verified returns, decommissioning, opening a case, and a pack's state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fastapi import APIRouter

from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.entrypoints.api import serial_schemas as s
from lotledger.inventory.entrypoints.api import serial_views as v
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep, metadata
from lotledger.inventory.entrypoints.api.views import EventRef, event_ref
from lotledger.inventory.runtime import InventoryRuntime
from lotledger.inventory.service import serial_picks, serial_returns, serial_scans
from lotledger.inventory.service.serial_requests import SerialDesk
from lotledger.inventory.service.stock import Accepted
from lotledger.shared.auth import Principal
from lotledger.shared.identifiers import warehouse_of
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["serials"])


def _desk(rt: InventoryRuntime, who: Principal) -> SerialDesk:
    return SerialDesk(rt.uow, rt.policy, rt.catalog_cache, rt.stock_topic, metadata(who, rt), who)


def _events(accepted: Sequence[Accepted]) -> list[EventRef]:
    return [event_ref(e) for a in accepted for e in a.events]


def _lots(packs: Sequence[tuple[str, str]]) -> dict[str, int]:
    return dict(Counter(f"{gtin}/{lot}" for gtin, lot in packs))


def _views(packs: Sequence[Pack]) -> list[v.PackView]:
    return [v.PackView(gtin=p.gtin, serial=p.serial) for p in packs]


@router.post(
    "/receipts/containers",
    status_code=201,
    response_model=v.ContainerReceiptView,
    summary="Receive an SSCC: every pack announced under it, checked against a scan",
)
async def receive_container(
    body: s.ContainerReceipt, rt: RuntimeDep, who: Caller
) -> v.ContainerReceiptView:
    who.require_warehouse(warehouse_of(body.location))
    scanned = s.packs_of(body.scanned) if body.scanned is not None else None
    done = await serial_scans.receive_container(
        _desk(rt, who), body.sscc, body.location, body.supplier, body.reference, scanned
    )
    return v.ContainerReceiptView(
        sscc=body.sscc,
        received=len(done.received),
        lots=_lots([(r.pack.gtin, r.lot) for r in done.received]),
        missing=_views(done.missing),
        extra=_views(done.extra),
        events=_events(done.accepted),
    )


@router.post(
    "/picks/serials",
    status_code=201,
    response_model=v.PickView,
    summary="Pick serialised packs by their serials or their containers",
)
async def pick_serials(body: s.SerialPick, rt: RuntimeDep, who: Caller) -> v.PickView:
    who.require_warehouse(warehouse_of(body.location))
    picked, accepted = await serial_picks.pick_packs(
        _desk(rt, who),
        s.packs_of(body.serials),
        body.containers,
        body.location,
        body.order_ref,
        body.ship_to,
        body.channel,
    )
    lots = _lots([(r.pack.gtin, r.lot) for r in picked])
    return v.PickView(qty=len(picked), lots=lots, events=_events(accepted))


@router.post(
    "/moves/serials",
    status_code=201,
    response_model=v.PickView,
    summary="Move serialised packs, by their serials or their containers",
)
async def move_serials(body: s.SerialMove, rt: RuntimeDep, who: Caller) -> v.PickView:
    who.require_warehouse(warehouse_of(body.from_location))
    who.require_warehouse(warehouse_of(body.to_location))
    moved, accepted = await serial_picks.move_packs(
        _desk(rt, who),
        s.packs_of(body.serials),
        body.containers,
        body.from_location,
        body.to_location,
    )
    lots = _lots([(r.pack.gtin, r.lot) for r in moved])
    return v.PickView(qty=len(moved), lots=lots, events=_events(accepted))


@router.post(
    "/returns/verified",
    status_code=201,
    response_model=v.VerifiedReturnView,
    summary="Return packs, each verified against what was shipped to the party",
)
async def return_verified(
    body: s.VerifiedReturn, rt: RuntimeDep, who: Caller
) -> v.VerifiedReturnView:
    who.require_warehouse(warehouse_of(body.location))
    verdicts, accepted = await serial_returns.return_packs(
        _desk(rt, who),
        s.packs_of(body.packs),
        body.location,
        body.from_party,
        body.reason,
        s.scanned_of(body.packs),
    )
    views = [
        v.VerdictView(
            gtin=verdict.pack.gtin,
            serial=verdict.pack.serial,
            verified=verdict.verified,
            reason=None if verdict.reason is None else str(verdict.reason),
        )
        for verdict in verdicts
    ]
    accepted_count = sum(verdict.verified for verdict in verdicts)
    return v.VerifiedReturnView(
        verdicts=views,
        accepted=accepted_count,
        held=len(verdicts) - accepted_count,
        events=_events(accepted),
    )


@router.post(
    "/serials/decommission",
    status_code=201,
    response_model=v.PickView,
    summary="Decommission packs (destroyed, dispensed, stolen, sample, exported…)",
)
async def decommission(body: s.Decommission, rt: RuntimeDep, who: Caller) -> v.PickView:
    who.require_warehouse(warehouse_of(body.location))
    packs = s.packs_of(body.serials)
    accepted = await serial_scans.decommission(_desk(rt, who), packs, body.location, body.reason)
    lots = Counter(
        f"{e.data['gtin']}/{e.data['lot']}"
        for a in accepted
        for e in a.events
        for _ in e.data.get("serials") or ()
    )
    return v.PickView(qty=len(packs), lots=dict(lots), events=_events(accepted))


@router.post(
    "/containers/{sscc}/open",
    summary="Open (disaggregate) a case: its packs can then be picked one by one",
)
async def open_container(sscc: s.Sscc, rt: RuntimeDep, who: Caller) -> dict[str, int | str]:
    opened = await serial_scans.open_container(_desk(rt, who), sscc)
    return {"sscc": sscc, "packs": opened}
