"""Scans of serialised stock (ADR 0016 §6–7): receiving an SSCC against what was
announced, decommissioning packs, opening a case (picks and moves: serial_picks).

Packs are read before the request, then moved by the request's conditional updates: a
pack that changed meanwhile refuses the whole scan (nothing is written)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import (
    PackRecord,
    SerialState,
    check_pickable,
)
from lotledger.inventory.service import stock
from lotledger.inventory.service.serial_requests import (
    SerialDesk,
    Tree,
    aggregation_of,
    answered,
    chunks,
    run_serial_request,
    serials_of,
)
from lotledger.shared.errors import Conflict, NotFound


class UnknownContainer(NotFound):
    pass


class ContainerReceived(Conflict):
    """Nothing announced under the SSCC is still to be received."""


@dataclass(frozen=True)
class ContainerReceipt:
    received: list[PackRecord]
    missing: list[Pack]
    extra: list[Pack]
    accepted: list[stock.Accepted]


async def _under(desk: SerialDesk, sscc: str, field: str) -> tuple[list[PackRecord], Tree]:
    async with desk.uow(locking=False) as uow:
        records = await uow.serials.under(sscc)
        if records is None:
            raise UnknownContainer(f"SSCC {sscc} was never announced", field=field, sscc=sscc)
        return records, await uow.serials.containers_under(sscc)


async def receive_container(
    desk: SerialDesk,
    sscc: str,
    location: str,
    supplier: str,
    reference: str | None,
    scanned: Sequence[Pack] | None,
    render: Callable[[ContainerReceipt], bytes] | None = None,
) -> ContainerReceipt:
    await answered(desk)
    records, containers = await _under(desk, sscc, "sscc")
    announced = [r for r in records if r.state is SerialState.ANNOUNCED]
    if not announced:
        raise ContainerReceived(f"everything announced under {sscc} was received", field="sscc")
    if scanned is None:
        found, missing, extra = announced, [], []
    else:
        seen = set(scanned)
        found = [r for r in announced if r.pack in seen]
        missing = [r.pack for r in announced if r.pack not in seen]
        extra = sorted(seen - {r.pack for r in records})
    commands = [
        c.ReceiveStock(
            gtin,
            lot,
            _expiry(chunk),
            len(chunk),
            location,
            supplier,
            reference,
            serials=serials_of(chunk),
            aggregation=aggregation_of(chunk, containers, i == 0),
        )
        for i, (gtin, lot, chunk) in enumerate(chunks(found))
    ]

    async def place(uow: UnitOfWork) -> None:
        await uow.serials.place([sscc for sscc, _ in containers], location)

    def respond(accepted: list[stock.Accepted]) -> bytes:
        assert render is not None
        return render(ContainerReceipt(found, missing, extra, accepted))

    accepted = (
        await run_serial_request(desk, commands, place, respond=respond if render else None)
        if commands
        else []
    )
    return ContainerReceipt(found, missing, extra, accepted)


def _expiry(chunk: Sequence[PackRecord]) -> date:
    return chunk[0].expiry


async def decommission(
    desk: SerialDesk,
    packs: Sequence[Pack],
    location: str,
    reason: str,
    render: Callable[[list[stock.Accepted]], bytes] | None = None,
) -> list[stock.Accepted]:
    """Packs leave the supply chain for good (destroyed, dispensed, stolen, sample…)."""
    await answered(desk)
    async with desk.uow(locking=False) as uow:
        found = await uow.serials.records(packs)
    records = [
        check_pickable(p, found.get(p), location, f"serials[{i}]", alone=False)
        for i, p in enumerate(packs)
    ]
    commands = [
        c.DisposeStock(gtin, lot, len(chunk), location, reason, serials=serials_of(chunk))
        for gtin, lot, chunk in chunks(records)
    ]
    return await run_serial_request(desk, commands, respond=render)


async def open_container(desk: SerialDesk, sscc: str) -> int:
    """Disaggregates the container; answers how many packs it held directly."""
    async with desk.uow() as uow:
        opened = await uow.serials.open(sscc, desk.meta.now)
        if opened is None:
            raise UnknownContainer(f"SSCC {sscc} was never announced", field="sscc")
        await uow.commit()
        return opened
