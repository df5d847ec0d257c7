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
from lotledger.inventory.service.units import StockUnit, database_unit
from lotledger.shared.auth import Principal
from lotledger.shared.contracts.stock import SERIALS_PER_EVENT, Packing
from lotledger.shared.errors import Conflict, DomainError
from lotledger.shared.idempotency import StoredResponse

Then = Callable[[UnitOfWork], Awaitable[None]]
Respond = Callable[[list[stock.Accepted]], bytes]
"""The 201 body of a scan whose events are these, as the edge answers it."""


@dataclass(frozen=True)
class Key:
    """An `Idempotency-Key` and the fingerprint of the request that carried it."""

    key: str
    fingerprint: str


class AlreadyAnswered(Exception):
    """A request with this key was answered: replay its stored response."""

    def __init__(self, response: StoredResponse) -> None:
        super().__init__("replayed")
        self.response = response


@dataclass(frozen=True)
class SerialDesk:
    """What a serial scan needs from the runtime."""

    uow: stock.UnitOfWorkFactory
    policy: StockPolicy
    cache: CatalogCache
    sync_topic: str
    """Where returned packs held as suspect are published."""
    meta: Metadata
    principal: Principal
    key: Key | None = None


async def answered(desk: SerialDesk) -> None:
    """Raises AlreadyAnswered when the desk's key has a stored response (Conflict when it
    was stored for another request)."""
    if desk.key is None:
        return
    async with desk.uow(locking=False) as uow:
        found = await uow.idempotency.find(desk.principal.sub, [desk.key.key])
    stored = found.get(desk.key.key)
    if stored is None:
        return
    if stored.fingerprint != desk.key.fingerprint:
        raise Conflict(
            "this idempotency key was used with a different request", field="Idempotency-Key"
        )
    raise AlreadyAnswered(stored)


async def remember(uow: UnitOfWork, desk: SerialDesk, body: bytes) -> None:
    """Stores the answer under the desk's key, in the caller's transaction."""
    if desk.key is not None:
        entry = StoredResponse(desk.key.fingerprint, 201, body)
        await uow.idempotency.remember(desk.principal.sub, [(desk.key.key, entry)])


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
    respond: Respond | None = None,
) -> list[stock.Accepted]:
    """Run `commands` in one transaction; a refusal of any refuses them all. With the
    desk's key, `respond`'s body is stored with the events; a request that lost a race to
    its own duplicate replays the winner's answer."""

    async def also(unit: StockUnit, results: list[stock.Result]) -> None:
        uow = database_unit(unit)
        await project_serials(uow, results)
        if then is not None:
            await then(uow)
        if respond is not None:
            await remember(uow, desk, respond(_accepted(results)))

    try:
        results = await _execute(desk, commands, also, principal)
    except DomainError:
        await answered(desk)
        raise
    return _accepted(results)


def _accepted(results: Sequence[stock.Result]) -> list[stock.Accepted]:
    return [r for r in results if isinstance(r, stock.Accepted)]


async def _execute(
    desk: SerialDesk,
    commands: Sequence[c.Command],
    also: stock.Also,
    principal: Principal | None,
) -> list[stock.Result]:
    outcome = await stock.submit(
        stock.Request(
            [stock.Operation(cmd) for cmd in commands],
            desk.meta,
            principal or desk.principal,
            also=also,
        ),
        desk.uow,
        desk.policy,
        desk.cache,
    )
    return outcome.results
