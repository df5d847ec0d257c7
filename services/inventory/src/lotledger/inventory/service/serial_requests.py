"""Running the stock commands of a serial scan (ADR 0016): one all-or-nothing request
whose `also` projects the packs' serial states and then does the scan's own writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby, islice

from lotledger.inventory.adapters.catalog_cache import CatalogCache
from lotledger.inventory.adapters.envelopes import Metadata
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain import commands as c
from lotledger.inventory.domain.policy import StockPolicy
from lotledger.inventory.domain.serial_state import PackRecord
from lotledger.inventory.service import stock
from lotledger.inventory.service.serial_projection import project_serials
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.stock import SERIALS_PER_EVENT, Packing

Then = Callable[[UnitOfWork], Awaitable[None]]


@dataclass(frozen=True)
class SerialDesk:
    """What a serial scan needs from the runtime."""

    uow: stock.UnitOfWorkFactory
    policy: StockPolicy
    cache: CatalogCache
    stock_topic: str
    meta: Metadata
    principal: Principal


def chunks(records: Iterable[PackRecord]) -> list[tuple[str, str, list[PackRecord]]]:
    """(gtin, lot, at most SERIALS_PER_EVENT packs) in gtin, lot, serial order."""
    ordered = sorted(records, key=lambda r: (r.pack.gtin, r.lot, r.pack.serial))
    out: list[tuple[str, str, list[PackRecord]]] = []
    for (gtin, lot), group in groupby(ordered, key=lambda r: (r.pack.gtin, r.lot)):
        it = iter(group)
        while chunk := list(islice(it, SERIALS_PER_EVENT)):
            out.append((gtin, lot, chunk))
    return out


def serials_of(chunk: Sequence[PackRecord]) -> tuple[str, ...]:
    return tuple(r.pack.serial for r in chunk)


Tree = Sequence[tuple[str, str | None]]
"""Containers with their parents."""


def aggregation_of(chunk: Sequence[PackRecord], tree: Tree, first: bool) -> tuple[Packing, ...]:
    """The containers `chunk`'s packs are in (sealed or not) and, on the request's `first`
    chunk, the containers inside containers of `tree`."""
    packs: dict[str, list[str]] = {}
    for record in chunk:
        if record.parent is not None:
            packs.setdefault(record.parent, []).append(record.pack.serial)
    inner: dict[str, list[str]] = {}
    if first:
        within = {sscc for sscc, _ in tree}
        for sscc, parent in tree:
            if parent is not None and parent in within:
                inner.setdefault(parent, []).append(sscc)
    return tuple(
        Packing(parent=p, serials=packs.get(p, []), containers=sorted(inner.get(p, [])))
        for p in sorted(packs.keys() | inner.keys())
    )


async def run_serial_request(
    desk: SerialDesk,
    commands: Sequence[c.Command],
    then: Then | None = None,
    principal: Principal | None = None,
) -> list[stock.Accepted]:
    """Run `commands` in one transaction; a refusal of any refuses them all."""

    async def also(uow: UnitOfWork, results: list[stock.Result]) -> None:
        await project_serials(uow, results)
        if then is not None:
            await then(uow)

    results = await stock.execute(
        stock.Request(
            [stock.Operation(cmd) for cmd in commands],
            desk.meta,
            principal or desk.principal,
            lambda _: None,
            desk.stock_topic,
            also=also,
        ),
        desk.uow,
        desk.policy,
        desk.cache,
    )
    assert isinstance(results, list)
    return [r for r in results if isinstance(r, stock.Accepted)]
