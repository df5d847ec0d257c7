"""Scans of serialised stock (docs/adr/0016-serials.md): receiving an SSCC, picking and
moving packs or containers, verified returns (decommissioning and opening a case:
serial_states).

Every POST takes an optional `Idempotency-Key`: the answer is stored with the scan's
events, and a retry with the same key and body replays it (`Idempotent-Replayed: true`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fastapi import APIRouter, Request
from starlette.responses import Response

from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import PackRecord
from lotledger.inventory.entrypoints.api import serial_schemas as s
from lotledger.inventory.entrypoints.api import serial_views as v
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.serial_answers import answer, body_of, desk_for
from lotledger.inventory.entrypoints.api.views import EventRef, event_ref
from lotledger.inventory.service import serial_picks, serial_returns, serial_scans
from lotledger.inventory.service.serial_returns import Returned
from lotledger.inventory.service.stock import Accepted
from lotledger.shared.identifiers import warehouse_of
from lotledger.shared.web.idempotency import IdempotencyKey
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["serials"])


def _events(accepted: Sequence[Accepted]) -> list[EventRef]:
    return [event_ref(e) for a in accepted for e in a.events]


def _lots(records: Sequence[PackRecord]) -> dict[str, int]:
    return dict(Counter(f"{r.pack.gtin}/{r.lot}" for r in records))


def _views(packs: Sequence[Pack]) -> list[v.PackView]:
    return [v.PackView(gtin=p.gtin, serial=p.serial) for p in packs]


def _moved(records: list[PackRecord], accepted: list[Accepted]) -> v.PickView:
    return v.PickView(qty=len(records), lots=_lots(records), events=_events(accepted))


@router.post(
    "/receipts/containers",
    status_code=201,
    response_model=v.ContainerReceiptView,
    summary="Receive an SSCC: every pack announced under it, checked against a scan",
)
async def receive_container(
    body: s.ContainerReceipt,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    who.require_warehouse(warehouse_of(body.location))
    scanned = s.packs_of(body.scanned) if body.scanned is not None else None

    def view(done: serial_scans.ContainerReceipt) -> v.ContainerReceiptView:
        return v.ContainerReceiptView(
            sscc=body.sscc,
            received=len(done.received),
            lots=_lots(done.received),
            missing=_views(done.missing),
            extra=_views(done.extra),
            events=_events(done.accepted),
        )

    async def run() -> v.ContainerReceiptView:
        done = await serial_scans.receive_container(
            await desk_for(request, rt, who, key),
            body.sscc,
            body.location,
            body.supplier,
            body.reference,
            scanned,
            lambda outcome: body_of(view(outcome)),
        )
        return view(done)

    return await answer(run)


@router.post(
    "/picks/serials",
    status_code=201,
    response_model=v.PickView,
    summary="Pick serialised packs by their serials or their containers",
)
async def pick_serials(
    body: s.SerialPick, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    who.require_warehouse(warehouse_of(body.location))

    async def run() -> v.PickView:
        picked, accepted = await serial_picks.pick_packs(
            await desk_for(request, rt, who, key),
            s.packs_of(body.serials),
            body.containers,
            body.location,
            body.order_ref,
            body.ship_to,
            body.channel,
            lambda records, events: body_of(_moved(records, events)),
        )
        return _moved(picked, accepted)

    return await answer(run)


@router.post(
    "/moves/serials",
    status_code=201,
    response_model=v.PickView,
    summary="Move serialised packs, by their serials or their containers",
)
async def move_serials(
    body: s.SerialMove, request: Request, rt: RuntimeDep, who: Caller, key: IdempotencyKey = None
) -> Response:
    who.require_warehouse(warehouse_of(body.from_location))
    who.require_warehouse(warehouse_of(body.to_location))

    async def run() -> v.PickView:
        moved, accepted = await serial_picks.move_packs(
            await desk_for(request, rt, who, key),
            s.packs_of(body.serials),
            body.containers,
            body.from_location,
            body.to_location,
            lambda records, events: body_of(_moved(records, events)),
        )
        return _moved(moved, accepted)

    return await answer(run)


def _verdicts(returned: Returned) -> v.VerifiedReturnView:
    verdicts = returned.verdicts
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
        events=_events(returned.accepted),
        suspect=returned.suspect,
    )


@router.post(
    "/returns/verified",
    status_code=201,
    response_model=v.VerifiedReturnView,
    summary="Return packs, each verified against what was shipped to the party",
)
async def return_verified(
    body: s.VerifiedReturn,
    request: Request,
    rt: RuntimeDep,
    who: Caller,
    key: IdempotencyKey = None,
) -> Response:
    who.require_warehouse(warehouse_of(body.location))

    async def run() -> v.VerifiedReturnView:
        returned = await serial_returns.return_packs(
            await desk_for(request, rt, who, key),
            s.packs_of(body.packs),
            body.location,
            body.from_party,
            body.reason,
            s.scanned_of(body.packs),
            lambda returned: body_of(_verdicts(returned)),
        )
        return _verdicts(returned)

    return await answer(run)
