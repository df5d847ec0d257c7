"""Serialised packs read from a lot's events (docs/adr/0016-serials.md): each `received`,
`picked`, `returned` or `disposed` event with `serials` moves those packs. A pack's state is
its last such event's: in stock (at the location), shipped (to the consignee), returned
(at the location), decommissioned (with the reason)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

STATE_AFTER = {
    "received": "in_stock",
    "picked": "shipped",
    "returned": "returned",
    "disposed": "decommissioned",
}


def kind_of(event_type: str) -> str:
    return event_type.removeprefix("lotledger.stock.").removesuffix(".v1")


@dataclass(frozen=True)
class PackStep:
    kind: str
    lot: str
    version: int
    at: Any
    location: str | None
    party: str | None
    reason: str | None
    event_id: str


def step_of(
    event_type: str, lot: str, version: int, at: Any, data: Mapping[str, Any], event_id: str
) -> PackStep:
    kind = kind_of(event_type)
    party = data.get("ship_to") if kind == "picked" else data.get("from")
    return PackStep(
        kind,
        lot,
        version,
        at,
        data.get("location"),
        party,
        data.get("reason") if kind == "disposed" else None,
        event_id,
    )


@dataclass(frozen=True)
class PackState:
    state: str
    lot: str
    location: str | None
    party: str | None
    reason: str | None


def current(steps: Iterable[PackStep]) -> PackState | None:
    last: PackStep | None = None
    shipped_to: str | None = None
    for step in steps:
        if step.kind in STATE_AFTER:
            last = step
            if step.kind == "picked":
                shipped_to = step.party
    if last is None:
        return None
    on_hand = last.kind in ("received", "returned")
    return PackState(
        STATE_AFTER[last.kind],
        last.lot,
        last.location if on_hand else None,
        last.party if last.kind != "disposed" else shipped_to,
        last.reason,
    )


@dataclass(frozen=True)
class PackCounts:
    received: int
    shipped: int
    returned: int
    decommissioned: int
    on_hand: int


def lot_packs(
    events: Iterable[tuple[str, Mapping[str, Any]]],
) -> tuple[PackCounts, dict[str, list[str]]]:
    """(pack counts, the serials each consignee holds: shipped to it and not returned by
    it) from a lot's serial-carrying events (type, data) in stream order."""
    moved: Counter[str] = Counter()
    holder: dict[str, str] = {}
    state: dict[str, str] = {}
    for event_type, data in events:
        kind = kind_of(event_type)
        for serial in data.get("serials") or ():
            moved[kind] += 1
            state[serial] = STATE_AFTER.get(kind, state.get(serial, ""))
            if kind == "picked":
                holder[serial] = str(data["ship_to"])
            elif kind == "returned":
                holder.pop(serial, None)
    out: dict[str, list[str]] = defaultdict(list)
    for serial, party in sorted(holder.items()):
        if state.get(serial) == "shipped":
            out[party].append(serial)
    on_hand = sum(1 for s in state.values() if s in ("in_stock", "returned"))
    counts = PackCounts(
        moved["received"], moved["picked"], moved["returned"], moved["disposed"], on_hand
    )
    return counts, dict(out)
