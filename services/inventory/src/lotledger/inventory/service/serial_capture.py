"""Capturing a supplier's EPCIS document as advance shipping information (ADR 0016 §5).

The document is read (domain.serial_capture), its products checked to be serialised
(holding catalog changes off until it commits), and its packs and SSCCs checked to be
new; then everything is stored in one transaction, or nothing is. Concurrent captures of
the same pack: the primary key refuses the second."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from lotledger.inventory.domain.serial_capture import (
    InvalidCapture,
    check_products,
    read_capture,
)
from lotledger.inventory.service.serial_requests import SerialDesk, answered, remember
from lotledger.shared.idempotency import DuplicateKey


@dataclass(frozen=True)
class Captured:
    capture_id: UUID
    packs: int
    containers: int
    lots: dict[str, int]
    """Packs per batch id."""


async def capture(
    document: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    desk: SerialDesk,
    render: Callable[[Captured], bytes] | None = None,
) -> Captured:
    """`render`: the answer, stored under the desk's idempotency key with the capture."""
    await answered(desk)
    announced = read_capture(events)
    capture_id = uuid4()
    async with desk.uow() as unit:
        await unit.catalog.hold_changes()
        products = await unit.catalog.products(sorted(announced.gtins()))
        check_products(announced, {g for g, p in products.items() if p.record.serialised})
        packs, ssccs = list(announced.packs), list(announced.container_parents)
        known_packs, known_ssccs = await unit.serials.known(packs, ssccs)
        if known_packs or known_ssccs:
            raise InvalidCapture(
                f"{known_packs} pack(s) and {known_ssccs} SSCC(s) were announced before",
                field="epcisBody.eventList",
                epcis_rule="already_announced",
            )
        lots: dict[str, int] = {}
        for pack, info in announced.packs.items():
            key = f"{pack.gtin}/{info.lot}"
            lots[key] = lots.get(key, 0) + 1
        captured = Captured(capture_id, len(packs), len(ssccs), lots)
        meta = desk.meta
        try:
            await unit.serials.capture(
                capture_id, document.get("id"), announced, meta.now, meta.actor
            )
            if render is not None:
                await remember(unit, desk, render(captured))
        except (asyncpg.UniqueViolationError, DuplicateKey) as clash:
            await answered(desk)
            raise InvalidCapture(
                "a pack or SSCC was announced by a concurrent capture",
                field="epcisBody.eventList",
                epcis_rule="already_announced",
            ) from clash
        await unit.commit()
    return captured
