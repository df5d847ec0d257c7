"""Serial states follow the lot streams (docs/adr/0016-serials.md §3): run as a request's
`also`, in its transaction, once its operations are decided.

Each accepted event carrying `serials` moves those packs from the states its type allows
to the next, and records it in their history. Serial requests are all-or-nothing: a
refused operation, or a pack that is no longer in the state it was read in (a concurrent
scan), refuses the whole request and rolls it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lotledger.inventory.adapters.envelopes import SignedEvent
from lotledger.inventory.adapters.serial_store import Transition
from lotledger.inventory.adapters.unit_of_work import UnitOfWork
from lotledger.inventory.domain.serial_ids import Pack
from lotledger.inventory.domain.serial_state import ON_HAND, PackNotAvailable, SerialState
from lotledger.inventory.service.stock import Accepted, Result
from lotledger.shared.auth import Forbidden
from lotledger.shared.errors import DomainError

S = SerialState


def _transition(event: SignedEvent) -> Transition | None:
    data: dict[str, Any] = event.data
    serials = data.get("serials")
    if not serials:
        return None
    packs = [Pack(data["gtin"], s) for s in serials]
    common: dict[str, Any] = {
        "packs": packs,
        "lot": data["lot"],
        "at": datetime.fromisoformat(data["at"]),
        "event_id": event.id,
    }
    kind = event.type.removeprefix("lotledger.stock.").removesuffix(".v1")
    match kind:
        case "received":
            return Transition(
                from_states=frozenset({S.ANNOUNCED}),
                to=S.IN_STOCK,
                action=kind,
                location=data["location"],
                **common,
            )
        case "picked":
            return Transition(
                from_states=ON_HAND,
                to=S.SHIPPED,
                action=kind,
                from_location=data["location"],
                party=data["ship_to"],
                **common,
            )
        case "moved":
            return Transition(
                from_states=ON_HAND,
                to=None,
                action=kind,
                from_location=data["from_location"],
                location=data["to_location"],
                **common,
            )
        case "returned":
            return Transition(
                from_states=frozenset({S.SHIPPED}),
                to=S.RETURNED,
                action=kind,
                location=data["location"],
                from_party=data["from"],
                **common,
            )
        case "disposed":
            return Transition(
                from_states=ON_HAND,
                to=S.DECOMMISSIONED,
                action=kind,
                from_location=data["location"],
                reason=data["reason"],
                **common,
            )
    return None


async def project_serials(uow: UnitOfWork, results: Sequence[Result]) -> None:
    for result in results:
        if isinstance(result, DomainError | Forbidden):
            raise result
    for result in results:
        if not isinstance(result, Accepted):
            continue
        for event in result.events:
            transition = _transition(event)
            if transition is None:
                continue
            changed = await uow.serials.transition(transition)
            if changed != len(transition.packs):
                raise PackNotAvailable(
                    f"{len(transition.packs) - changed} of the packs changed state meanwhile; "
                    "scan them again",
                    field="serials",
                    reason="changed",
                )
