"""Picking and moving serialised packs (ADR 0016 §8): the scan names packs (each picked
alone: not from a sealed case) and containers (everything inside them); the quantity per
lot is the number of packs, never a quantity of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import PackNotAvailable, PackRecord, check_pickable
from lotledger.inventory.service import stock
from lotledger.inventory.service.serial_requests import (
    SerialDesk,
    aggregation_of,
    answered,
    chunks,
    run_serial_request,
    serials_of,
)
from lotledger.inventory.service.serial_scans import UnknownContainer
from lotledger.shared.contracts.stock import Packing

Render = Callable[[list[PackRecord], list[stock.Accepted]], bytes]


@dataclass(frozen=True)
class Gathered:
    packs: dict[Pack, PackRecord]
    containers: list[tuple[str, str | None]]
    """The containers named and every container inside them, with their parents."""

    def aggregation(self, chunk: Sequence[PackRecord], first: bool) -> tuple[Packing, ...]:
        within = {sscc for sscc, _ in self.containers}
        return aggregation_of([r for r in chunk if r.parent in within], self.containers, first)


async def gather(
    desk: SerialDesk, packs: Sequence[Pack], containers: Sequence[str], location: str
) -> Gathered:
    """The packs named and in the containers named, each on hand at `location`."""
    found: dict[Pack, PackRecord] = {}
    tree: list[tuple[str, str | None]] = []

    def add(record: PackRecord, field: str) -> None:
        if record.pack in found:
            raise PackNotAvailable(f"{record.pack.key} is named twice", field=field, reason="twice")
        found[record.pack] = record

    async with desk.uow(locking=False) as uow:
        known = await uow.serials.records(packs)
        for i, pack in enumerate(packs):
            field = f"serials[{i}]"
            add(check_pickable(pack, known.get(pack), location, field, alone=True), field)
        for i, sscc in enumerate(containers):
            field = f"containers[{i}]"
            inside = await uow.serials.under(sscc)
            if inside is None:
                raise UnknownContainer(f"SSCC {sscc} was never announced", field=field)
            if not inside:
                raise PackNotAvailable(f"{sscc} holds no pack", field=field, reason="empty")
            for record in inside:
                add(check_pickable(record.pack, record, location, field, alone=False), field)
            tree += await uow.serials.containers_under(sscc)
    return Gathered(found, tree)


async def pick_packs(
    desk: SerialDesk,
    packs: Sequence[Pack],
    containers: Sequence[str],
    location: str,
    order_ref: str,
    ship_to: str,
    channel: str | None,
    render: Render | None = None,
) -> tuple[list[PackRecord], list[stock.Accepted]]:
    """Ships the packs named and everything in the containers named, from `location`."""
    await answered(desk)
    got = await gather(desk, packs, containers, location)
    commands = [
        c.PickStock(
            gtin,
            len(chunk),
            order_ref,
            ship_to,
            lot=lot,
            location=location,
            channel=channel,
            serials=serials_of(chunk),
            aggregation=got.aggregation(chunk, i == 0),
        )
        for i, (gtin, lot, chunk) in enumerate(chunks(got.packs.values()))
    ]

    async def ship(uow: UnitOfWork) -> None:
        if got.containers:
            await uow.serials.ship([sscc for sscc, _ in got.containers], ship_to)

    picked = list(got.packs.values())
    respond = None if render is None else (lambda accepted: render(picked, accepted))
    return picked, await run_serial_request(desk, commands, ship, respond=respond)


async def move_packs(
    desk: SerialDesk,
    packs: Sequence[Pack],
    containers: Sequence[str],
    from_location: str,
    to_location: str,
    render: Render | None = None,
) -> tuple[list[PackRecord], list[stock.Accepted]]:
    """Moves the packs named and the containers named (with what is in them)."""
    await answered(desk)
    got = await gather(desk, packs, containers, from_location)
    commands = [
        c.MoveStock(
            gtin,
            lot,
            len(chunk),
            from_location,
            to_location,
            holding_status=c.AVAILABLE,
            serials=serials_of(chunk),
        )
        for gtin, lot, chunk in chunks(got.packs.values())
    ]

    async def place(uow: UnitOfWork) -> None:
        if got.containers:
            await uow.serials.place([sscc for sscc, _ in got.containers], to_location)

    moved = list(got.packs.values())
    respond = None if render is None else (lambda accepted: render(moved, accepted))
    return moved, await run_serial_request(desk, commands, place, respond=respond)
